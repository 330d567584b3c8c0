"""One page's two steps in the parallel build, each from the cache when it can.

MkDocs makes a page in two steps: it reads it (Markdown to HTML,
`_populate_page`), and once every page is read, it renders its template
(`_build_page`). `read_page` and `write_page` do the same, with the same
plugin events in the same order, in a worker process (`parallel_build`):

- Each step's result is kept in a `Cache`, keyed by a digest of everything
  it is made from: the Markdown and meta, the answers to every link lookup
  it made, and the data handed to its template (`engine.fingerprint`), beside
  the build's digest of code, configuration and installed packages (and for
  the template, the theme and the navigation: after a theme edit no page's
  Markdown is converted again). On a hit the step's plugin events are not
  run again, so the hooks may keep no state from `on_page_content` or
  `on_post_page`. The first step's results are in the shards of a
  `ReadPack`, the second's are the pages' files, linked into the site.
- One `markdown.Markdown` per worker serves every page (reset in between):
  building one takes longer than converting a typical post.
- What the parent needs back (each page's HTML, table of contents and
  anchors, and the log records) is sent back, to be replayed in page order;
  of a page read from the pack, the parent has all that already.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import BuildError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import (
    Page,
    _ExtractAnchorsTreeprocessor,
    _ExtractTitleTreeprocessor,
    _RawHTMLPreprocessor,
    _RelativePathTreeprocessor,
)
from mkdocs.structure.toc import get_toc

from .alarm import raising_after
from .cache import Cache, write_new
from .fingerprint import Fingerprinter, Unfingerprintable, of_build

log = logging.getLogger("mkdocs.parallel_build")

MKDOCS_CONTEXT = frozenset(
    {"nav", "pages", "base_url", "extra_css", "extra_javascript", "mkdocs_version"}
    | {"build_date_utc", "config", "page"}
)
"""The template context MkDocs makes (`get_context`): covered by the build's
digest and the page's own state; plugins' additions are digested page by page.
`build_date_utc` alone is covered by neither: no template prints it (a test
checks), and the build's "now" would otherwise make every page new every day."""
READ_PACK = "read-pack"
"""The cache entries holding every page's first step (`ReadPack`), in shards
by the first two hex digits of each page's key ("read-pack-3f")."""


@dataclass
class Job:
    """Everything the workers read, set before they are forked."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    pages: list[Page]
    doc_files: Sequence[File]
    cache: Cache | None
    markdown_key: str
    """The digest of what reading a page depends on: code, configuration and
    installed packages (`parallel_build.code_digests`)."""
    code_key: str
    """`markdown_key` and the theme: what rendering a page's template depends on."""
    page_seconds: float
    live: Path | None = None
    """The site this build replaces: a page it has already is left there."""
    env: Any = None
    """The template environment: made once every page is read, as in MkDocs."""
    page_key: str = ""
    """`code_key` and the navigation, once every page is read (and so titled)."""
    fingerprints: Fingerprinter = field(default_factory=of_build)
    """The build's (and in each worker, its copy): an item listed on many
    pages is walked once, and the items walked before the workers forked
    not at all."""
    reads: ReadPack = field(default_factory=dict)
    """The first step of each page of the last build, by key (`load_reads`)."""


_Links = dict[str, dict[str, str]]
"""Links to anchors by the linked page's src_uri: File objects do not cross processes."""
_Lookups = dict[str, tuple[str, str, str, bool] | None]
"""Each path a page's links asked for, and what it was then."""


@dataclass
class Read:
    """What the first step made of one page, sent back to the parent."""

    meta: dict[str, Any]
    logs: list[logging.LogRecord]
    key: str | None
    made: _CachedRead | None
    """The page read anew: its HTML and the rest, also the next build's
    entry in `Job.reads`. None when taken from `Job.reads`: the parent has
    it already, so it is not sent back (`apply` takes it from there)."""

    @property
    def hit(self) -> bool:
        return self.made is None


@dataclass
class Written:
    """What the second step did for one page."""

    logs: list[logging.LogRecord]
    key: str | None
    hit: bool
    kept: bool = False
    """Not written: the live site has this very file."""
    template_seconds: float = 0.0
    """CPU time of the page's template alone (`build.py -v` sums them)."""


class PageTooSlow(BuildError):
    """A page's Markdown took longer than the limit to convert."""


# --- Log records: recorded in the worker, replayed by the parent ------------------------


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted here: the arguments may not survive the trip between processes.
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self.records.append(record)


_recorder: _Recorder | None = None


def _recording() -> _Recorder:
    """The process's recorder, emptied and listening (made once: a handler
    takes longer to make than a page found in the cache takes to serve)."""
    global _recorder
    if _recorder is None:
        _recorder = _Recorder()
    _recorder.records = []
    logging.getLogger().addHandler(_recorder)
    return _recorder


def _stop(recorder: _Recorder) -> list[logging.LogRecord]:
    logging.getLogger().removeHandler(recorder)  # a no-op the second time
    return list(recorder.records)


def replay(records: list[logging.LogRecord]) -> None:
    for record in records:
        logging.getLogger(record.name).handle(record)


def failure(message: str, error: Exception) -> BuildError:
    """MkDocs logs this and raises the error; from a worker, the error carries it."""
    if isinstance(error, PageTooSlow):
        return error
    if isinstance(error, BuildError):
        return BuildError(f"{message} {error}")
    return BuildError(f"{message} {error}\n{traceback.format_exc()}")


# --- The first step: Markdown to HTML ---------------------------------------------------


@dataclass
class _CachedRead:
    """One page's Markdown, converted: the cache's value."""

    lookups: _Lookups
    content: str
    toc: Any
    title_from_render: str | None
    present_anchor_ids: set[str]
    links_to_anchors: _Links
    records: list[logging.LogRecord]


ReadPack = dict[str, _CachedRead]
"""Every page's first step, by key: in a few hundred entries of the cache for
them all. A file per page would be read back one by one, and sent from the
workers to the parent again, on every build; the shards are read once,
before the workers are forked, and they send back only what is new. One
entry for them all was 50 MB at 10,000 posts, written again whole (most of
a second) whenever one page was read anew; a shard is a 256th of that."""


def _shard(key: str) -> str:
    return f"{READ_PACK}-{key[:2]}"


SHARDS = [f"{READ_PACK}-{n:02x}" for n in range(256)]
"""Every shard a pack may have: the keys are hex digests."""


def load_reads(cache: Cache | None) -> ReadPack:
    """The last build's `ReadPack`: empty without a cache; a shard missing or
    unreadable leaves its pages out, and they are read again."""
    pack: ReadPack = {}
    if cache is None:
        return pack
    for shard in SHARDS:
        part = cache.get_object(shard)
        if isinstance(part, dict):
            pack.update(part)
    return pack


def keep_reads(cache: Cache, before: ReadPack, reads: Sequence[Read]) -> list[str]:
    """Put the shards of this build's `reads` in the cache, each only when it
    is not the one it had (no page of it was read anew, and none left); their
    keys, to keep when the cache is swept. A page read anew under a key it
    had (its links' answers changed) replaces that entry."""
    shards: dict[str, ReadPack] = {}
    renewed = set()
    for read in reads:
        if read.key:
            shard = _shard(read.key)
            shards.setdefault(shard, {})[read.key] = read.made or before[read.key]
            if read.made:
                renewed.add(shard)
    had: dict[str, set[str]] = {}
    for key in before:
        had.setdefault(_shard(key), set()).add(key)
    for shard, pack in shards.items():
        if shard in renewed or pack.keys() != had.get(shard, set()):
            cache.put_object(shard, pack)
    return list(shards)


def read_page(job: Job, page: Page) -> Read:
    """Read one page as `_populate_page` does, from `job.reads` when it can.

    The log records of a hit are the ones its first reading made."""
    config, files = job.config, job.files
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
        cached = job.reads.get(key) if key else None
        if cached is not None and _lookups_hold(cached.lookups, files):
            logs = _stop(recorder) + cached.records
            return Read(dict(page.meta), logs, key, made=None)
        mark = len(recorder.records)
        with _time_limit(job.page_seconds, page):
            lookups = _render(page, config, files)
        page.content = config.plugins.on_page_content(
            page.content or "", page=page, config=config, files=files
        )
        made = _CachedRead(
            lookups,
            page.content or "",
            page.toc,
            page._title_from_render,
            page.present_anchor_ids or set(),
            _links_by_uri(page.links_to_anchors) or {},
            recorder.records[mark:],
        )
        return Read(dict(page.meta), _stop(recorder), key, made)
    except Exception as e:
        raise failure(f"Error reading page '{page.file.src_uri}':", e) from None
    finally:
        _stop(recorder)
        config._current_page = None


def apply(page: Page, read: Read, files: Files, reads: ReadPack) -> None:
    """Give the parent's page what the worker made of it (or found in `reads`)."""
    if read.made is not None:
        made = read.made
    else:
        assert read.key is not None  # a hit has a key
        made = reads[read.key]
    page.content, page.toc = made.content, made.toc
    page._title_from_render = made.title_from_render
    page.present_anchor_ids = made.present_anchor_ids
    page.meta = read.meta
    page.links_to_anchors = {}
    for src_uri, anchors in made.links_to_anchors.items():
        target = files.get_file_from_path(src_uri)
        if target is not None:
            page.links_to_anchors[target] = anchors


def _time_limit(seconds: float, page: Page) -> AbstractContextManager[None]:
    """A worker's conversion of a page is stopped after `seconds` (`engine.alarm`)."""
    source = page.meta.get("source") or page.file.src_uri
    return raising_after(
        seconds,
        lambda: PageTooSlow(
            f"{source}: its Markdown took more than {seconds:g} s to convert, which no "
            "post needs: look for a very long run of brackets ([ or ![), thousands of "
            "nested list items or abbreviations, and break it up"
        ),
    )


def _read_key(job: Job, page: Page) -> str | None:
    markdown = page.markdown or ""
    try:
        meta = job.fingerprints.digest(page.meta)
    except Unfingerprintable:
        return None
    return job.fingerprints.digest(
        job.markdown_key, "read", page.file.src_uri, page.file.url, markdown, meta
    )


def _links_by_uri(links: dict[File, dict[str, str]] | None) -> _Links | None:
    if links is None:
        return None
    return {file.src_uri: dict(anchors) for file, anchors in links.items()}


def _answer(file: File | None) -> tuple[str, str, str, bool] | None:
    if file is None:
        return None
    return (file.src_uri, file.url, file.inclusion.name, file.is_documentation_page())


def _lookups_hold(lookups: _Lookups, files: Files) -> bool:
    return all(_answer(files.get_file_from_path(path)) == seen for path, seen in lookups.items())


class _RecordingFiles:
    """`files`, noting every path a page's links look up and what was found."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self.lookups: _Lookups = {}

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


def _render(page: Page, config: MkDocsConfig, files: Files) -> _Lookups:
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


# --- The second step: the page's template -----------------------------------------------


def write_page(job: Job, page: Page) -> Written:
    """Render and write one page as `_build_page` does, from the cache when it can."""
    config = job.config
    config._current_page = page
    recorder = _recording()
    try:
        page.active = True
        context = get_context(job.nav, job.doc_files, config, page)
        # Looked up (and compiled, the first time in a worker) only if rendered: not on
        # a rebuild where every page is in the cache. Its name is in the page's meta.
        template_name = page.meta.get("template", "main.html")
        context = config.plugins.on_page_context(context, page=page, config=config, nav=job.nav)
        key = _page_key(job, page, context)
        live = f"{job.live}/{page.file.dest_uri}" if job.live else None
        if job.cache and key and live and job.cache.is_at(key, live):
            return Written(_stop(recorder), key, hit=True, kept=True)
        dest = Path(page.file.abs_dest_path)
        if job.cache and key and job.cache.copy_to(key, dest):
            return Written(_stop(recorder), key, hit=True)
        started = time.thread_time()
        output = job.env.get_template(template_name).render(context)
        took = time.thread_time() - started
        output = config.plugins.on_post_page(output, page=page, config=config)
        if not output.strip():
            log.info(f"Page skipped: '{page.file.src_uri}'. Generated empty output.")
            return Written(_stop(recorder), None, hit=False)
        write_new(dest, output.encode("utf-8", errors="xmlcharrefreplace"))
        if job.cache and key:
            job.cache.keep(key, dest)
        return Written(_stop(recorder), key, hit=False, template_seconds=took)
    except Exception as e:
        raise failure(f"Error building page '{page.file.src_uri}':", e) from None
    finally:
        _stop(recorder)
        page.active = False
        config._current_page = None


def _page_key(job: Job, page: Page, context: Mapping[str, Any]) -> str | None:
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
        return job.fingerprints.digest(job.page_key, "page", *state)
    except Unfingerprintable:
        return None


def _toc_outline(toc: Sequence[Any]) -> list[Any]:
    outline = []
    for entry in toc:
        active = getattr(entry, "active", False)
        outline.append((entry.title, entry.id, entry.level, active, _toc_outline(entry.children)))
    return outline
