"""Search with Pagefind: the search pages, and the index made after the build.

Pagefind splits its index into small chunks that a reader's browser fetches
only as a query needs them, so a search stays light on a site of any size.

Only items are indexed (posts, news, events, projects, polls, members,
chapters, statements, pages): listings repeat their items' text. Pagefind
is not given the built pages, which are mostly Material's navigation and
furniture, but a page per item holding its title and cleaned HTML, written
to a scratch folder at the item's URL: a tenth of the bytes to read, and
nothing but the item's own words in the index.

Pagefind keeps one index per language, and a search page searches the index
of its own ``<html lang>``: so there is a search page per language the site
has items in, and each page's search box asks the one in its language.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

from . import urls
from .cache import Cache
from .fingerprint import Fingerprinter, environment_digest
from .listings import GeneratedPage
from .model import Item, Site

BUNDLE = "pagefind"
"""Pagefind's files, under the site folder."""
SEARCH_TEMPLATE = "search.html"


class SearchIndexError(Exception):
    """Pagefind failed: the build fails with what it said."""


@dataclass(frozen=True)
class SearchPage:
    """The view of one search page."""

    lang: str
    title: str
    others: tuple[tuple[str, str], ...] = ()
    """(language, URL) of the search pages in the site's other languages."""


def search_url(site: Site, lang: str) -> str:
    """The search page for `lang`: the site's own language at /search/."""
    if lang == site.settings.language:
        return urls.listing_url("search")
    return urls.listing_url("search_lang", lang=lang)


def search_pages(site: Site) -> list[GeneratedPage]:
    langs = site.languages
    pages = []
    for lang in langs:
        others = tuple((other, search_url(site, other)) for other in langs if other != lang)
        view = SearchPage(lang, "Search", others)
        url = search_url(site, lang)
        pages.append(GeneratedPage(url, SEARCH_TEMPLATE, "Search", view, "the search page", lang))
    return pages


def search_box_url(site: Site, lang: str) -> str:
    """Where a page in `lang` sends its search box: its language's search page."""
    return search_url(site, lang if lang in site.languages else site.settings.language)


def start_index(
    site: Site, html_by_source: Mapping[str, str], cache: Cache | None = None
) -> PendingIndex:
    """Start Pagefind on every item, in the background: `finish` puts the index
    in the site. Pagefind works on one core, so it runs while the pages render."""
    records = [_record(item, html_by_source.get(item.source, "")) for item in site.items]
    key = Fingerprinter().digest(environment_digest(Path(__file__).parent), records)
    pending = PendingIndex(records, key, cache)
    if cache is None or not cache.path(key).is_dir():
        pending.start()
    return pending


class PendingIndex:
    """Pagefind at work in a scratch folder, or an index found in the cache."""

    def __init__(self, records: list[_Record], key: str, cache: Cache | None) -> None:
        self.records, self.key, self.cache = records, key, cache
        self.scratch: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.scratch = Path(
            tempfile.mkdtemp(prefix="iops-search-", dir=_scratch_folder(self.records))
        )
        try:
            _write_pages(self.scratch, self.records)
            self.process = _start_pagefind(self.scratch)
        except BaseException:
            self.cancel()
            raise

    def finish(self, site_dir: Path) -> None:
        """Wait for Pagefind, then put its index into `site_dir`/pagefind.

        Raises `SearchIndexError` with what Pagefind said if it failed."""
        target = site_dir / BUNDLE
        try:
            if self.process is None:  # in the cache when the build began
                if self.cache is not None and self.cache.copy_tree_to(self.key, target):
                    self.cache.sweep([self.key])
                    return
                self.start()  # swept since, by another build: made again
            assert self.process is not None and self.scratch is not None
            bundle = _finish_pagefind(self.process, self.scratch)
            if self.cache is not None:
                self.cache.put_tree(self.key, bundle)
                self.cache.sweep([self.key])
                if self.cache.copy_tree_to(self.key, target):  # links, not copies
                    return
            shutil.copytree(bundle, target, dirs_exist_ok=True)
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop Pagefind (the build failed) and remove the scratch folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
        self.process = self.scratch = None


def _scratch_folder(records: list[_Record]) -> str | None:
    """Memory (/dev/shm) where it has room: Pagefind writes a file per item,
    which takes a third less time there than on a disk. (A container's
    /dev/shm may hold only 64 MB: then the system's temporary folder.)"""
    shm = Path("/dev/shm")  # noqa: S108 (a private folder is made inside it)
    needed = 4 * sum(len(r.html) + len(r.title) + 200 for r in records)  # pages and bundle
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > needed:
        return str(shm)
    return None


@dataclass(frozen=True)
class _Record:
    url: str
    lang: str
    title: str
    html: str


def _record(item: Item, html: str) -> _Record:
    return _Record(item.url, item.lang, item.title, html)


def _write_pages(scratch: Path, records: Iterable[_Record]) -> None:
    """A page per item, at its URL: its title and HTML, nothing else."""
    pages = scratch / "pages"
    for record in records:
        path = pages / urls.output_path(record.url)
        path.parent.mkdir(parents=True, exist_ok=True)
        title = escape(record.title)
        path.write_text(
            f'<!doctype html><html lang="{escape(record.lang)}"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body data-pagefind-body>"
            f"<h1>{title}</h1>{record.html}</body></html>",
            "utf-8",
        )


def pagefind_executable() -> str:
    """The binary that the PyPI package `pagefind[bin]` installs beside Python."""
    from pagefind_bin import get_executable  # type: ignore[import-untyped]

    return str(get_executable())


def _start_pagefind(scratch: Path) -> subprocess.Popen[bytes]:
    command = [pagefind_executable(), "--site", str(scratch / "pages")]
    command += ["--output-path", str(scratch / "bundle")]
    command += ["--exclude-selectors", ".headerlink"]  # the headings' "¶" links
    # What it says goes to a file: a pipe nobody reads until the end could fill up.
    with (scratch / "pagefind.log").open("wb") as said:
        return subprocess.Popen(  # noqa: S603 (our own binary and folders)
            [*command, "--silent"], stdout=said, stderr=subprocess.STDOUT
        )


def _finish_pagefind(process: subprocess.Popen[bytes], scratch: Path) -> Path:
    if process.wait():
        said = (scratch / "pagefind.log").read_text("utf-8", errors="replace").strip()
        raise SearchIndexError(f"Pagefind could not index the site: {said}")
    # Pagefind lists the languages in a hash map's order, which changes from run
    # to run: sorted, the bundle is the same bytes for the same site.
    bundle = scratch / "bundle"
    entry = bundle / "pagefind-entry.json"
    entry.write_text(json.dumps(json.loads(entry.read_text("utf-8")), sort_keys=True), "utf-8")
    return bundle
