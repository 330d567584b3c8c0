"""MkDocs' build with its page loops on every core, and a cache of pages.

`mkdocs.commands.build.build` reads every page (Markdown to HTML), then
renders every page's template, one page after another in one process: on a
site of ten thousand posts that is most of the build. `build` here runs the
same steps and plugin events in the same order, with each of the two page
loops run by forked worker processes, each taking a share of the pages, once
the parent has set up everything they read (files, navigation, and for the
second loop every page's HTML and the template environment). Each page's
steps, and their cache, are in `page_steps`; what they send back is applied
and replayed here in page order, so warnings, `--strict` and anchor
validation work as in MkDocs.

The plain MkDocs build (`build.py build --plain`) stays the reference:
tests/test_parallel_build.py builds a site both ways and compares every byte.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import resource
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from mkdocs import utils
from mkdocs.commands.build import _build_extra_template, _build_theme_template
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError, PluginError
from mkdocs.structure.files import Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from .cache import Cache, build_cache, link_file
from .fingerprint import Fingerprinter, environment_digest
from .heap import settle
from .page_steps import (
    Job,
    Read,
    Written,
    apply,
    keep_reads,
    load_reads,
    read_page,
    replay,
    write_page,
)

log = logging.getLogger("mkdocs.parallel_build")

CHUNK = 64
"""Pages a worker takes at a time: small enough for even shares and progress."""
Progress = Callable[[str, int, int], None]
"""Told what is being done ("Reading pages"), how many are done, and of how many."""


@dataclass
class BuildStats:
    pages: int = 0
    read_from_cache: int = 0
    rendered_from_cache: int = 0
    seconds: float = 0.0
    kept: list[str] = field(default_factory=list)
    """Pages not written at all: the live site has them already (`live`)."""


_job: Job | None = None
last_job: Job | None = None
"""The last build's `Job` once it has rendered every page: `serve`'s warm
builder renders a saved page with it (`preview_page`) before building again."""


def build(
    config: MkDocsConfig,
    *,
    jobs: int,
    cache: Cache | None,
    progress: Progress | None = None,
    page_seconds: float = 30.0,
    live: Path | None = None,
) -> BuildStats:
    """Build the site as `mkdocs.commands.build.build` does, on `jobs` processes.

    A page whose Markdown takes more than `page_seconds` fails the build. A
    page that `live` (the site being replaced) has already, as the very file
    the cache holds, is not written but listed in `BuildStats.kept`."""
    plugins = [name for name in config.plugins if name not in config["hooks"]]
    if plugins:
        # A plugin may gather state page by page (a search index): in workers it is lost.
        raise PluginError(
            f"mkdocs.yml: plugins: {', '.join(plugins)}: the parallel build runs hooks only; "
            "remove the plugins (search is Pagefind's) or build with --plain"
        )
    logger = logging.getLogger("mkdocs")
    warning_counter = utils.CountHandler()
    warning_counter.setLevel(logging.WARNING)
    if config.strict:
        logger.addHandler(warning_counter)
    started = time.monotonic()
    try:
        stats = _build(config, jobs, cache, progress, page_seconds, live)
        if counts := warning_counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise Abort(f"Aborted with {msg} in strict mode!")
        stats.seconds = time.monotonic() - started
        return stats
    except Exception as e:
        config.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            log.error(str(e))
            raise Abort("Aborted with a BuildError!") from e
        raise
    finally:
        logger.removeHandler(warning_counter)


def _build(
    config: MkDocsConfig,
    jobs: int,
    cache: Cache | None,
    progress: Progress | None,
    page_seconds: float,
    live: Path | None,
) -> BuildStats:
    global _job, last_job
    last_job = None  # until this build has made every page
    clock = _Clock()
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    utils.clean_directory(config.site_dir)
    files = get_files(config)
    env = config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    _make_pages_not_in_nav(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    clock.lap("configuration, files and navigation")
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    pages = [file.page or Page(None, file, config) for file in doc_files]
    markdown_key, code_key = code_digests(config)
    _job = job = Job(
        config, files, nav, pages, doc_files, cache, markdown_key, code_key, page_seconds, live
    )
    job.reads = load_reads(cache)
    try:
        reads = _run(_read_chunk, len(pages), jobs, "Reading pages", progress)
        for page, read in zip(pages, reads, strict=True):
            apply(page, read, files, job.reads)
        for read in reads:
            replay(read.logs)
        clock.lap(f"{len(pages)} pages read on {jobs} processes")
        # As in MkDocs, from here on every page has its HTML, and its title.
        job.page_key = Fingerprinter().digest(job.code_key, _nav_outline(nav.items))
        job.env = config.plugins.on_env(env, config=config, files=files)
        # MkDocs writes these before the pages, so that a page wins a clash.
        static = build_cache(Path(config.config_file_path).parent, "static") if cache else None
        static_keys = _copy_static_files(files, config, static)
        for template in config.theme.static_templates:
            _build_theme_template(template, job.env, files, config, nav)
        for template in config.extra_templates:
            _build_extra_template(template, files, config, nav)
        clock.lap("static files and theme templates")
        written = _run(_write_chunk, len(pages), jobs, "Rendering pages", progress)
    finally:
        _job = None
    for done in written:
        replay(done.logs)
    clock.lap(f"{len(pages)} pages rendered on {jobs} processes")
    _log_template_time(written)
    log_level = config.validation.links.anchors
    for page in pages:
        page.validate_anchor_links(files=files, log_level=log_level)
    config.plugins.on_post_build(config=config)
    clock.lap("feeds and search (on_post_build)")
    if cache is not None:  # kept once the build is done: Pagefind need not wait for it
        shards = keep_reads(cache, job.reads, reads)
        cache.sweep([*shards, *(w.key for w in written if w.key)])
    if static is not None:
        static.sweep(static_keys)
    last_job = job
    return BuildStats(
        pages=len(pages),
        read_from_cache=sum(read.hit for read in reads),
        rendered_from_cache=sum(done.hit for done in written),
        kept=[page.file.dest_uri for page, done in zip(pages, written, strict=True) if done.kept],
    )


def _make_pages_not_in_nav(files: Files, config: MkDocsConfig) -> None:
    """The pages `get_navigation` would make for the files kept out of the
    navigation (every generated page), made first as `_Page`s: it makes any
    it finds without one, and only those."""
    for file in files.documentation_pages():
        if file.page is None and not file.inclusion.is_in_nav():
            _Page(None, file, config)


class _Page(Page):
    """MkDocs' page, whose absolute address is joined without `urljoin`
    when the page's is a plain path, as every page of a site is: `urljoin`
    and `urlsplit` took a third of a second at 19,000 pages, a page at a
    time before any worker starts. Anything else is left to MkDocs."""

    def _set_canonical_url(self, base: str | None) -> None:
        url = self.url
        if base and (base_path := _plain_base_path(base)) is not None and _plain_path(url):
            self.canonical_url = base + url
            self.abs_url = base_path + url
        else:
            super()._set_canonical_url(base)


def _plain_path(url: str) -> bool:
    """Whether `urljoin(base, url)` is `base + url` for a plain base: a
    relative path with no scheme, query, fragment, backslash, space or
    control character, and plain segments."""
    if not url.isprintable() or any(c in url for c in " :?#\\") or url.startswith("/"):
        return False
    return _plain_segments(url)


@functools.lru_cache(maxsize=8)
def _plain_base_path(base: str) -> str | None:
    """The path of a site address ending in "/" with nothing `urljoin` would
    change (no query or fragment, plain segments, nothing `urlsplit` strips);
    None for any other."""
    parts = urlsplit(base)
    plain = (
        base.endswith("/")
        and base.isprintable()
        and " " not in base
        and not (parts.query or parts.fragment)
        and _plain_segments(parts.path)
    )
    return parts.path if plain else None


def _plain_segments(path: str) -> bool:
    """No empty and no dot segment, which `urljoin` drops or resolves."""
    return "//" not in path and not any(part in (".", "..") for part in path.split("/"))


def _copy_static_files(files: Files, config: MkDocsConfig, cache: Cache | None) -> list[str]:
    """`Files.copy_static_files`, with every file copied as it is (a theme's
    scripts, styles and images, a chapter's pictures) a link to an entry of
    `cache` under a digest of its bytes, made once: a rebuild copies none of
    them again, and the site it updates has those very files already.
    The keys used.

    A file another step writes over (a theme template's output of the same
    name) is copied, as MkDocs does: writing into a link would change the entry."""
    written_later = {*config.theme.static_templates, *config.extra_templates}
    keys = []
    for file in files:
        if file.is_documentation_page() or not InclusionLevel.is_included(file.inclusion):
            continue
        source = file.abs_src_path
        if cache is None or source is None or file.dest_uri in written_later:
            file.copy_file()  # held in memory (MkDocs writes it), or no cache
        elif cache.folder.parent in Path(source).parents:  # an entry of another part of the cache
            link_file(Path(source), Path(file.abs_dest_path))
        else:
            keys.append(cache.link_in(Path(source), Path(file.abs_dest_path)))
    return keys


def _log_template_time(written: Sequence[Written]) -> None:
    """The pages' templates' share of the page loop (`bench` reports it)."""
    rendered = [done.template_seconds for done in written if not done.hit and not done.kept]
    if rendered:
        total = sum(rendered)
        each = 1000 * total / len(rendered)
        log.info(f"templates: {len(rendered)} pages in {total:.2f} s CPU, {each:.3f} ms a page")


class _Clock:
    """Logs how long each phase took, and the CPU time of this process and of
    the workers it ended (`build.py -v` shows them)."""

    def __init__(self) -> None:
        self.last, self.last_cpu = time.monotonic(), _cpu()

    def lap(self, what: str) -> None:
        now, cpu = time.monotonic(), _cpu()
        log.info(f"{what}: {now - self.last:.1f} s ({cpu - self.last_cpu:.1f} s CPU)")
        self.last, self.last_cpu = now, cpu


def _cpu() -> float:
    mine, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


Result = TypeVar("Result", Read, Written)


def _run(
    work: Callable[[list[int]], list[Result]],
    count: int,
    jobs: int,
    what: str,
    progress: Progress | None,
) -> list[Result]:
    """`work` over every page, in chunks, on `jobs` forked processes; in page order."""
    chunks = [list(range(start, min(start + CHUNK, count))) for start in range(0, count, CHUNK)]
    done = 0
    results: list[list[Result]] = [[] for _ in chunks]
    # Forked even for one job: the records a page logs are replayed in page
    # order by the parent, so they must not also reach its handlers at once.
    context = multiprocessing.get_context("fork")
    settle()  # what the workers share with this process stays shared
    with context.Pool(max(1, jobs), initializer=_quiet_worker) as pool:
        numbered = [(work, n, chunk) for n, chunk in enumerate(chunks)]
        for n, chunk_results in pool.imap_unordered(_work_numbered, numbered):
            results[n] = chunk_results
            done += len(chunk_results)
            if progress:
                progress(what, done, count)
    return [result for chunk in results for result in chunk]


def _quiet_worker() -> None:
    """A worker's log records go back to the parent, not to its handlers."""
    for name in list(logging.Logger.manager.loggerDict):
        logger = logging.getLogger(name)
        if hasattr(logger, "handlers"):
            logger.handlers.clear()
    logging.getLogger().handlers.clear()


def _work_numbered(
    numbered: tuple[Callable[[list[int]], list[Any]], int, list[int]],
) -> tuple[int, list[Any]]:
    work, n, chunk = numbered
    try:
        return n, work(chunk)
    except BuildError:
        raise
    except Exception as e:
        # The traceback does not survive the way back to the parent: send it as text.
        raise BuildError(f"{e}\n{traceback.format_exc()}") from None


def _read_chunk(chunk: list[int]) -> list[Read]:
    assert _job is not None
    return [read_page(_job, _job.pages[index]) for index in chunk]


def _write_chunk(chunk: list[int]) -> list[Written]:
    assert _job is not None
    return [write_page(_job, _job.pages[index]) for index in chunk]


# --- The build's digests -----------------------------------------------------------------


def code_digests(config: MkDocsConfig) -> tuple[str, str]:
    """What every page depends on: for its Markdown, the installed packages,
    the configuration and the hooks; for its template, the theme too (and the
    navigation, added later). A change to one makes every page new; a change
    to the theme alone renders every page again, but reads none again."""
    hooks = Fingerprinter().digest(
        environment_digest(*[Path(h).parent for h in config["hooks"]]),
        Path(config.config_file_path).read_text("utf-8"),
    )
    theme = environment_digest(*[Path(d) for d in config.theme.dirs])
    return hooks, Fingerprinter().digest(hooks, theme)


def _nav_outline(items: Sequence[Any]) -> list[Any]:
    return [
        (
            type(item).__name__,
            item.title,
            getattr(item, "url", None),
            _nav_outline(item.children or []),
        )
        for item in items
    ]
