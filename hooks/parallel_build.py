"""MkDocs' build with its page loops on every core, and a cache of pages.

`mkdocs.commands.build.build` reads every page (Markdown to HTML), then
renders every page's template, one page after another in one process: on a
site of ten thousand posts that is most of the build. `build` here runs the
same steps and plugin events in the same order for each page, with three
changes:

- Both page loops run in forked worker processes, each taking a share of
  the pages, once the parent has set up everything they read (files,
  navigation, template environment). What the parent needs back (each
  page's HTML, table of contents and anchors, and the log records) is sent
  back and replayed in page order, so warnings, `--strict` and anchor
  validation work as in MkDocs.
- Each loop's result for each page is kept in a `Cache` under `.cache/`,
  keyed by a digest of everything it is made from: the Markdown and meta,
  the answers to every link lookup it made, and the data handed to its
  template (`iops.fingerprint`), beside one digest of the code, theme,
  configuration, installed packages and navigation. On a hit the loop's
  plugin events are not run again, so the hooks may keep no state from
  `on_page_content` or `on_post_page`.
- One `markdown.Markdown` per worker serves every page (reset in between):
  building one takes longer than converting a typical post.

The plain MkDocs build stays the reference: `serve` uses it, and
tests/test_parallel_build.py builds a site both ways and compares every byte.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
from iops.cache import Cache
from iops.fingerprint import Fingerprinter, Unfingerprintable, environment_digest
from mkdocs import utils
from mkdocs.commands.build import (
    _build_extra_template,
    _build_theme_template,
    _populate_page,
    get_context,
)
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError, PluginError
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import (
    Page,
    _ExtractAnchorsTreeprocessor,
    _ExtractTitleTreeprocessor,
    _RawHTMLPreprocessor,
    _RelativePathTreeprocessor,
)
from mkdocs.structure.toc import get_toc

log = logging.getLogger("mkdocs.parallel_build")

CHUNK = 64
"""Pages a worker takes at a time: small enough for even shares and progress."""
MKDOCS_CONTEXT = frozenset(
    {"nav", "pages", "base_url", "extra_css", "extra_javascript", "mkdocs_version"}
    | {"build_date_utc", "config", "page"}
)
"""The template context MkDocs makes (`get_context`): covered by the build's
digest and the page's own state; plugins' additions are digested page by page.
`build_date_utc` alone is covered by neither: no template prints it (a test
checks), and the build's "now" would otherwise make every page new every day."""


@dataclass
class BuildStats:
    pages: int = 0
    read_from_cache: int = 0
    rendered_from_cache: int = 0
    seconds: float = 0.0


@dataclass
class _PageResult:
    """What a worker sends back for one page."""

    content: str | None
    toc: Any
    meta: dict[str, Any]
    title_from_render: str | None
    present_anchor_ids: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None
    """By the linked page's src_uri: File objects do not cross processes."""
    read_logs: list[logging.LogRecord] = field(default_factory=list)
    build_logs: list[logging.LogRecord] = field(default_factory=list)
    keys: tuple[str, ...] = ()
    read_hit: bool = False
    render_hit: bool = False


@dataclass
class _Job:
    """Everything the workers read, set before they are forked."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: Any
    pages: list[Page]
    doc_files: Sequence[File]
    cache: Cache | None
    build_key: str
    page_seconds: float
    fingerprints: Fingerprinter = field(default_factory=Fingerprinter)
    """One per build (and worker): an item listed on many pages is walked once."""


_job: _Job | None = None


def build(
    config: MkDocsConfig,
    *,
    jobs: int,
    cache: Cache | None,
    progress: Callable[[int, int], None] | None = None,
    page_seconds: float = 30.0,
) -> BuildStats:
    """Build the site as `mkdocs.commands.build.build` does, on `jobs` processes.

    A page whose Markdown takes more than `page_seconds` fails the build."""
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
        stats = _build(config, jobs, cache, progress, page_seconds)
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
    progress: Callable[[int, int], None] | None,
    page_seconds: float,
) -> BuildStats:
    global _job
    clock = _Clock()
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    utils.clean_directory(config.site_dir)
    files = get_files(config)
    env = config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    clock.lap("configuration, files and navigation")
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    pages = [file.page or Page(None, file, config) for file in doc_files]
    # The navigation's pages are read first, here, so that every worker shows
    # them with the titles and meta they have once read, as MkDocs would.
    in_nav = {id(page) for page in nav.pages}
    for page in pages:
        if id(page) in in_nav:
            _populate_page(page, config, files)
    env = config.plugins.on_env(env, config=config, files=files)
    # MkDocs writes these before the pages, so that a page wins a clash.
    files.copy_static_files(inclusion=InclusionLevel.is_included)
    for template in config.theme.static_templates:
        _build_theme_template(template, env, files, config, nav)
    for template in config.extra_templates:
        _build_extra_template(template, files, config, nav)

    clock.lap("static files and theme templates")
    key = build_digest(config, nav)
    _job = _Job(config, files, nav, env, pages, doc_files, cache, key, page_seconds)
    try:
        results = _run(len(pages), jobs, progress)
    finally:
        _job = None
    clock.lap(f"{len(pages)} pages on {jobs} processes")
    stats = BuildStats(pages=len(pages))
    for page, result in zip(pages, results, strict=True):
        _apply(page, result, files, in_nav=id(page) in in_nav)
        stats.read_from_cache += result.read_hit
        stats.rendered_from_cache += result.render_hit
    for result in results:
        _replay(result.read_logs)
    for result in results:
        _replay(result.build_logs)
    log_level = config.validation.links.anchors
    for page in pages:
        page.validate_anchor_links(files=files, log_level=log_level)
    clock.lap("log records and anchors")
    config.plugins.on_post_build(config=config)
    clock.lap("feeds and search (on_post_build)")
    if cache is not None:
        cache.sweep(key for result in results for key in result.keys)
    return stats


class _Clock:
    """Logs how long each phase took (`build.py -v` shows them)."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def lap(self, what: str) -> None:
        now = time.monotonic()
        log.info(f"{what}: {now - self.last:.1f} s")
        self.last = now


def _run(count: int, jobs: int, progress: Callable[[int, int], None] | None) -> list[_PageResult]:
    chunks = [list(range(start, min(start + CHUNK, count))) for start in range(0, count, CHUNK)]
    done = 0
    results: list[list[_PageResult]] = [[] for _ in chunks]
    # Forked even for one job: the records a page logs are replayed in page
    # order by the parent, so they must not also reach its handlers at once.
    context = multiprocessing.get_context("fork")
    with context.Pool(max(1, jobs), initializer=_quiet_worker) as pool:
        for n, chunk_results in pool.imap_unordered(_work_numbered, enumerate(chunks)):
            results[n] = chunk_results
            done += len(chunk_results)
            if progress:
                progress(done, count)
    return [result for chunk in results for result in chunk]


def _quiet_worker() -> None:
    """A worker's log records go back to the parent, not to its handlers."""
    for name in list(logging.Logger.manager.loggerDict):
        logger = logging.getLogger(name)
        if hasattr(logger, "handlers"):
            logger.handlers.clear()
    logging.getLogger().handlers.clear()


def _work_numbered(numbered: tuple[int, list[int]]) -> tuple[int, list[_PageResult]]:
    return numbered[0], _work(numbered[1])


def _work(chunk: list[int]) -> list[_PageResult]:
    assert _job is not None
    try:
        return [_do_page(_job, _job.pages[index]) for index in chunk]
    except BuildError:
        raise
    except Exception as e:
        # The traceback does not survive the way back to the parent: send it as text.
        raise BuildError(f"{e}\n{traceback.format_exc()}") from None


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted here: the arguments may not survive the trip between processes.
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self.records.append(record)


def _recording() -> _Recorder:
    recorder = _Recorder()
    logging.getLogger().addHandler(recorder)
    return recorder


def _stop(recorder: _Recorder) -> list[logging.LogRecord]:
    logging.getLogger().removeHandler(recorder)  # a no-op the second time
    return list(recorder.records)


def _replay(records: list[logging.LogRecord]) -> None:
    for record in records:
        logging.getLogger(record.name).handle(record)


def _do_page(job: _Job, page: Page) -> _PageResult:
    read_key, read_hit, links, read_logs = _read(job, page)
    recorder = _recording()
    try:
        page_key, render_hit = _write(job, page)
    finally:
        build_logs = _stop(recorder)
    return _PageResult(
        page.content,
        page.toc,
        dict(page.meta),
        page._title_from_render,
        page.present_anchor_ids,
        links,
        read_logs,
        build_logs,
        tuple(k for k in (read_key, page_key) if k),
        read_hit,
        render_hit,
    )


# --- The first loop: Markdown to HTML -------------------------------------------------


@dataclass
class _Read:
    """One page's Markdown, converted: the cache's value."""

    lookups: dict[str, tuple[str, str, str, bool] | None]
    """Each path the links asked for, and what it was then."""
    content: str
    toc: Any
    title_from_render: str | None
    present_anchor_ids: set[str]
    links_to_anchors: dict[str, dict[str, str]]
    records: list[logging.LogRecord]


_Links = dict[str, dict[str, str]]


def _read(job: _Job, page: Page) -> tuple[str | None, bool, _Links | None, list[logging.LogRecord]]:
    """Read one page as `_populate_page` does, from the cache when it can.

    Returns the cache key, whether it was a hit, the page's links to anchors
    and the log records: those of a hit are the ones its first reading made.
    """
    config, files = job.config, job.files
    if page.content is not None:  # read in the parent (the navigation's pages)
        return None, False, None, []
    config._current_page = page
    recorder = _recording()
    try:
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        assert page.markdown is not None
        page.markdown = config.plugins.on_page_markdown(
            page.markdown, page=page, config=config, files=files
        )
        key = _read_key(job, page)
        cached = job.cache.get_object(key) if job.cache and key else None
        if isinstance(cached, _Read) and _lookups_hold(cached.lookups, files):
            page.content, page.toc = cached.content, cached.toc
            page._title_from_render = cached.title_from_render
            page.present_anchor_ids = cached.present_anchor_ids
            return key, True, cached.links_to_anchors, _stop(recorder) + cached.records
        mark = len(recorder.records)
        with _time_limit(job.page_seconds, page):
            lookups = _render(page, config, files)
        page.content = config.plugins.on_page_content(
            page.content or "", page=page, config=config, files=files
        )
        links = _links_by_uri(page.links_to_anchors) or {}
        if job.cache and key:
            value = _Read(
                lookups,
                page.content or "",
                page.toc,
                page._title_from_render,
                page.present_anchor_ids or set(),
                links,
                recorder.records[mark:],
            )
            job.cache.put_object(key, value)
        return key, False, links, _stop(recorder)
    except Exception as e:
        raise _failure(f"Error reading page '{page.file.src_uri}':", e) from None
    finally:
        _stop(recorder)
        config._current_page = None


def _failure(message: str, error: Exception) -> BuildError:
    """MkDocs logs this and raises the error; from a worker, the error carries it."""
    if isinstance(error, PageTooSlow):
        return error
    if isinstance(error, BuildError):
        return BuildError(f"{message} {error}")
    return BuildError(f"{message} {error}\n{traceback.format_exc()}")


class PageTooSlow(BuildError):
    """A page's Markdown took longer than the limit to convert."""


@contextmanager
def _time_limit(seconds: float, page: Page) -> Iterator[None]:
    """Python-Markdown takes time quadratic in some inputs (a long run of "[",
    thousands of nested lists): a small file could hold the build for days.
    A worker's main thread is interrupted by an alarm after `seconds`."""

    def expire(signum: int, frame: Any) -> None:
        source = page.meta.get("source") or page.file.src_uri
        raise PageTooSlow(
            f"{source}: its Markdown took more than {seconds:g} s to convert, which no "
            "post needs: look for a very long run of brackets ([ or ![), thousands of "
            "nested list items or abbreviations, and break it up"
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _read_key(job: _Job, page: Page) -> str | None:
    try:
        meta = job.fingerprints.digest(page.meta)
    except Unfingerprintable:
        return None
    markdown = page.markdown or ""
    return job.fingerprints.digest(
        job.build_key, "read", page.file.src_uri, page.file.url, markdown, meta
    )


def _links_by_uri(links: dict[File, dict[str, str]] | None) -> dict[str, dict[str, str]] | None:
    if links is None:
        return None
    return {file.src_uri: dict(anchors) for file, anchors in links.items()}


def _answer(file: File | None) -> tuple[str, str, str, bool] | None:
    if file is None:
        return None
    return (file.src_uri, file.url, file.inclusion.name, file.is_documentation_page())


def _lookups_hold(lookups: dict[str, tuple[str, str, str, bool] | None], files: Files) -> bool:
    return all(_answer(files.get_file_from_path(path)) == seen for path, seen in lookups.items())


class _RecordingFiles:
    """`files`, noting every path a page's links look up and what was found."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self.lookups: dict[str, tuple[str, str, str, bool] | None] = {}

    def get_file_from_path(self, path: str) -> File | None:
        found = self._files.get_file_from_path(path)
        self.lookups[path] = _answer(found)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._files, name)


_markdown: tuple[int, markdown.Markdown] | None = None


def _markdown_for(config: MkDocsConfig) -> markdown.Markdown:
    """One converter per process and configuration, reset before each page."""
    global _markdown
    if _markdown is None or _markdown[0] != id(config):
        converter = markdown.Markdown(
            extensions=config["markdown_extensions"],
            extension_configs=config["mdx_configs"] or {},
        )
        _markdown = (id(config), converter)
    converter = _markdown[1]
    converter.reset()
    return converter


def _render(
    page: Page, config: MkDocsConfig, files: Files
) -> dict[str, tuple[str, str, str, bool] | None]:
    """`Page.render` with a reused converter; the paths its links looked up."""
    if page.markdown is None:
        raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
    md = _markdown_for(config)
    recording: Any = _RecordingFiles(files)
    raw_html_ext = _RawHTMLPreprocessor()
    raw_html_ext._register(md)
    extract_anchors_ext = _ExtractAnchorsTreeprocessor(page.file, recording, config)
    extract_anchors_ext._register(md)
    relative_path_ext = _RelativePathTreeprocessor(page.file, recording, config)
    relative_path_ext._register(md)
    extract_title_ext = _ExtractTitleTreeprocessor()
    extract_title_ext._register(md)
    page.content = md.convert(page.markdown)
    page.toc = get_toc(getattr(md, "toc_tokens", []))
    page._title_from_render = extract_title_ext.title
    anchors = extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
    page.present_anchor_ids = anchors
    if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = relative_path_ext.links_to_anchors
    return dict(recording.lookups)


# --- The second loop: the page's template -----------------------------------------------


def _write(job: _Job, page: Page) -> tuple[str | None, bool]:
    """Render and write one page as `_build_page` does, from the cache when it can."""
    config = job.config
    config._current_page = page
    try:
        page.active = True
        context = get_context(job.nav, job.doc_files, config, page)
        template = job.env.get_template(page.meta.get("template", "main.html"))
        context = config.plugins.on_page_context(context, page=page, config=config, nav=job.nav)
        key = _page_key(job, page, context)
        dest = Path(page.file.abs_dest_path)
        if job.cache and key and job.cache.copy_to(key, dest):
            return key, True
        output = template.render(context)
        output = config.plugins.on_post_page(output, page=page, config=config)
        if not output.strip():
            log.info(f"Page skipped: '{page.file.src_uri}'. Generated empty output.")
            return None, False
        data = output.encode("utf-8", errors="xmlcharrefreplace")
        if job.cache and key:
            job.cache.put(key, data)
        # From the cache when it can (a link, no copy); another build may have swept it.
        if not (job.cache and key and job.cache.copy_to(key, dest)):
            utils.write_file(data, str(dest))
        return key, False
    except Exception as e:
        raise _failure(f"Error building page '{page.file.src_uri}':", e) from None
    finally:
        page.active = False
        config._current_page = None


def _page_key(job: _Job, page: Page, context: Mapping[str, Any]) -> str | None:
    extra = {k: v for k, v in context.items() if k not in MKDOCS_CONTEXT}
    state = (
        page.file.src_uri,
        page.file.dest_uri,
        page.url,
        page.title,
        page.meta,
        page.content,
        _toc_outline(list(page.toc)),
        extra,
    )
    try:
        return job.fingerprints.digest(job.build_key, "page", *state)
    except Unfingerprintable:
        return None


def _toc_outline(toc: Sequence[Any]) -> list[Any]:
    outline = []
    for entry in toc:
        active = getattr(entry, "active", False)
        outline.append((entry.title, entry.id, entry.level, active, _toc_outline(entry.children)))
    return outline


def _apply(page: Page, result: _PageResult, files: Files, *, in_nav: bool) -> None:
    """Give the parent's page what the worker made of it."""
    if not in_nav:
        page.content, page.toc = result.content, result.toc
        page.meta = result.meta
        page._title_from_render = result.title_from_render
        page.present_anchor_ids = result.present_anchor_ids
    if result.links_to_anchors is not None:
        page.links_to_anchors = {}
        for src_uri, anchors in result.links_to_anchors.items():
            target = files.get_file_from_path(src_uri)
            if target is not None:
                page.links_to_anchors[target] = anchors


# --- The build's digest -----------------------------------------------------------------


def build_digest(config: MkDocsConfig, nav: Navigation) -> str:
    """What every page depends on: installed packages, configuration, theme,
    hooks and navigation. Any change to one makes every page new."""
    folders = [Path(d) for d in config.theme.dirs] + [Path(h).parent for h in config["hooks"]]
    return Fingerprinter().digest(
        environment_digest(*folders),
        Path(config.config_file_path).read_text("utf-8"),
        _nav_outline(nav.items),
    )


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
