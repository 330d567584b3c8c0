"""Search with Pagefind: the search pages, and the index made as the site builds.

Pagefind splits its index into small chunks that a reader's browser fetches
only as a query needs them, so a search stays light on a site of any size.
The search page shows the results itself (theme/assets/search.js), through
Pagefind's own API: Pagefind's interface would add a third to what a search
fetches.

Only items are indexed (posts, news, events, projects, polls, members,
chapters, statements, pages): listings repeat their items' text. Pagefind
is not given the built pages, which are mostly Material's navigation and
furniture, but a page per item holding its title and cleaned HTML, written
to a scratch folder at the item's URL: a tenth of the bytes to read, and
nothing but the item's own words in the index.

Pagefind keeps one index per language, and a search page searches the index
of its own ``<html lang>``: so there is a search page per language the site
has items in, and each page's search box asks the one in its language. A
language of many items is indexed in parts (`index_parts`), which the search
page merges.
"""

from __future__ import annotations

import bisect
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

from engine.cache import Cache, link_tree
from engine.fingerprint import Fingerprinter, environment_digest
from engine.held import make_held, remove_abandoned
from engine.workers import cores

from . import dates, urls
from .listings import GeneratedPage
from .model import DATED_KINDS, Item, Site, by_age
from .translations import N_

BUNDLE = "pagefind"
"""Pagefind's files, under the site folder."""
SEARCH_TEMPLATE = "search.html"
SCRATCH_PREFIX = "iops-search-"
"""Pagefind's input pages are in a folder named so, in memory where it can."""


class SearchIndexError(Exception):
    """Pagefind failed: the build fails with what it said."""


@dataclass(frozen=True)
class SearchPage:
    """The view of one search page."""

    lang: str
    title: str
    others: tuple[tuple[str, str], ...] = ()
    """(language, URL) of the search pages in the site's other languages."""
    parts: tuple[str, ...] = ()
    """The URLs of the parts of this language's index (`index_parts`); none
    before the language's first item."""
    foreign: tuple[tuple[str, str], ...] = ()
    """(language, URL) of every part of the other languages' indexes: merged
    in when the reader searches every language at once."""


def search_url(site: Site, lang: str) -> str:
    """The search page for `lang`: the site's own language at /search/."""
    if lang == site.settings.language:
        return urls.listing_url("search")
    return urls.listing_url("search_lang", lang=lang)


def search_pages(site: Site) -> list[GeneratedPage]:
    langs = site.languages
    parts = index_parts(site)
    pages = []
    for lang in langs:
        others = tuple((other, search_url(site, other)) for other in langs if other != lang)
        urls_of_parts = tuple(part_url(lang, n) for n in range(len(parts.get(lang, []))))
        foreign = tuple(
            (other, part_url(other, n))
            for other in langs
            if other != lang
            for n in range(len(parts.get(other, [])))
        )
        view = SearchPage(lang, N_("Search"), others, urls_of_parts, foreign)
        url = search_url(site, lang)
        pages.append(GeneratedPage(url, SEARCH_TEMPLATE, "Search", view, "the search page", lang))
    return pages


def search_box_url(site: Site, lang: str) -> str:
    """Where a page in `lang` sends its search box: its language's search page."""
    return search_url(site, lang if lang in site.languages else site.settings.language)


def index_parts(site: Site) -> dict[str, list[list[Item]]]:
    """The items of each language, in the parts Pagefind indexes one by one,
    oldest part first, each part's items oldest first.

    Pagefind holds a whole index in memory while it makes it (about 0.3 MB a
    post of a thousand words), and makes it again whole when one item
    changes. So each part is indexed on its own and kept in the cache on its
    own, and the search page merges them (each part costs a query a chunk of
    its index: fewer parts, lighter searches).

    A language is cut by date: its posts and news, oldest first, in blocks
    of `Settings.search_part_size` counted from the oldest, and the rest,
    fewer than that. A language of more than one block has that rest cut
    once more, at its last multiple of a quarter block: the newest part
    holds at most a quarter of a block. So what changes most (a new post, an
    edit to a recent one) remakes the newest part only, and a small one: at
    10,000 posts, 250 posts rather than the rest's 2,500, which took Pagefind
    6 s of the rebuild's 15 s on one of the two cores the pages render on,
    for 10 kB more a search. A language of fewer posts and news than a
    block is one part. A post dated back (or an old one deleted) moves the
    blocks from its date on, once, and once in a quarter block of posts the
    part before the newest is made again.

    Every other item goes to the part of its date (an event's start, a
    member's joining…: `Item.when`), the part whose block of posts spans it,
    so that adding one moves no post: an event to come, a member just
    joined, a poll just opened go to the newest part with the new posts. An
    item with no date (a page, a statement not yet adopted) goes to the
    oldest. (Once in `search_part_size` posts, a new post opens a part, and
    the items dated after it, events to come, move to that part with it.)
    """
    size = max(1, site.settings.search_part_size)
    parts: dict[str, list[list[Item]]] = {}
    for lang in site.languages:
        items = sorted((item for item in site.items if item.lang == lang), key=by_age)
        if not items:  # the site's language, before its first item
            continue
        dated = [item for item in items if item.kind in DATED_KINDS]
        starts = [dated[n].age for n in range(size, len(dated), size)]  # but the oldest's
        quarter = size // 4
        if quarter and len(dated) > size:  # the rest, after the last full block, by quarters
            rest = (len(dated) - 1) // size * size
            newest = rest + (len(dated) - rest - 1) // quarter * quarter
            if newest > rest:
                starts.append(dated[newest].age)
        split: list[list[Item]] = [[] for _ in range(len(starts) + 1)]
        for item in items:  # none is left empty: each holds its block's first
            split[bisect.bisect_right(starts, item.age)].append(item)
        parts[lang] = split
    return parts


def part_url(lang: str, number: int) -> str:
    """Where one part of a language's index is, under the site."""
    return f"{BUNDLE}/{lang}/{number}/"


@dataclass
class _Part:
    """One part of the index: its place, its items, and its key in the cache."""

    url: str
    records: list[_Record]
    key: str
    folder: Path | None = None
    """The scratch folder Pagefind reads the part's pages from; None when the
    part is in the cache."""
    bundle: Path | None = None
    """Where Pagefind writes the part: on the cache's file system when there
    is a cache, so that keeping it there is a rename, not a copy of a file
    per item."""


def start_index(
    site: Site, html_by_source: Mapping[str, str], cache: Cache | None = None
) -> PendingIndex:
    """Start Pagefind on every part of the index that is not in the cache, in
    the background (a few at a time): `PendingIndex.finish` puts the index in
    the site. Pagefind works on one core a part, so it runs while the pages render."""
    parts = plan_index(site, html_by_source)
    pending = PendingIndex(parts, cache)
    pending.start([part for part in parts if not pending.is_cached(part)])
    return pending


def plan_index(site: Site, html_by_source: Mapping[str, str]) -> list[_Part]:
    """Every part of the index (`index_parts`), with what Pagefind is given
    of its items and its key in the cache: the same items, the same key."""
    code = environment_digest(Path(__file__).parent)
    fingerprints = Fingerprinter()
    parts = []
    for lang, split in index_parts(site).items():
        for number, items in enumerate(split):
            records = [_record(item, html_by_source.get(item.source, "")) for item in items]
            url = part_url(lang, number)
            parts.append(_Part(url, records, fingerprints.digest(code, url, records)))
    return parts


class PendingIndex:
    """Pagefind at work on the parts of the index not in the cache."""

    def __init__(self, parts: list[_Part], cache: Cache | None) -> None:
        self.parts, self.cache = parts, cache
        self.scratch: Path | None = None
        self.lock = -1
        """Held while `scratch` is in use (`engine.held`)."""
        self.process: subprocess.Popen[bytes] | None = None
        """`pagefind_runner`, in a session of its own: stopped with its runs."""

    def start(self, parts: list[_Part]) -> None:
        if not parts:
            return
        if self.scratch is None:
            records = [record for part in self.parts for record in part.records]
            parent = _scratch_folder(records)
            remove_abandoned(parent, SCRATCH_PREFIX)
            self.scratch, self.lock = make_held(parent, SCRATCH_PREFIX)
        try:
            runs = []
            for part in parts:
                part.folder = self.scratch / str(self.parts.index(part))
                _write_pages(part.folder / "pages", part.records)
                in_cache = self.cache.scratch_for(part.key) if self.cache else None
                part.bundle = in_cache or part.folder / "bundle"
                runs += [str(part.folder / "pages"), str(part.bundle)]
            runner = [sys.executable, str(Path(__file__).with_name("pagefind_runner.py"))]
            runner += [str(cores()), pagefind_executable()]
            self.process = subprocess.Popen(  # noqa: S603 (our own script, binary and folders)
                [*runner, *runs], start_new_session=True
            )
        except BaseException:
            self.cancel()
            raise

    def finish(self, site_dir: Path) -> int:
        """Wait for Pagefind, then put every part of the index into the site;
        how many parts were made (not taken from the cache).

        Raises `SearchIndexError` with what Pagefind said if it failed."""
        try:
            if self.process is not None:
                self.process.wait()
            # A part in the cache at the start may have been swept since, by
            # another build: it is made again, now.
            missing = [p for p in self.parts if p.folder is None and not self.is_cached(p)]
            if missing:
                self.start(missing)
                assert self.process is not None
                self.process.wait()
            made = [part for part in self.parts if part.folder is not None]
            for part in made:
                self._check(part)
            # Into the site first, from this build's own folders: then another
            # build keeping or sweeping the same parts meanwhile does no harm.
            for part in self.parts:
                self._place(part, site_dir)
            for part in made:
                self._keep(part)
            if self.cache is not None:
                self.cache.sweep(part.key for part in self.parts)
            return len(made)
        finally:
            self.cancel()

    def is_cached(self, part: _Part) -> bool:
        return self.cache is not None and self.cache.path(part.key).is_dir()

    def _check(self, part: _Part) -> None:
        """Check one part Pagefind made, and make its bytes the same each time."""
        assert part.folder is not None and part.bundle is not None
        bundle = part.bundle
        entry = bundle / "pagefind-entry.json"
        if not entry.is_file():
            said = (part.folder / "pagefind.log").read_text("utf-8", errors="replace").strip()
            raise SearchIndexError(f"Pagefind could not index the site: {said}")
        # Pagefind lists the languages in a hash map's order, which changes from
        # run to run: sorted, the bundle is the same bytes for the same items.
        entry.write_text(json.dumps(json.loads(entry.read_text("utf-8")), sort_keys=True), "utf-8")

    def _keep(self, part: _Part) -> None:
        """Keep one part Pagefind made in the cache (moved there: its files are
        linked from the site already)."""
        if self.cache is not None and part.bundle is not None:
            self.cache.put_tree(part.key, part.bundle)
            part.bundle = None  # now in the cache, under its key

    def _place(self, part: _Part, site_dir: Path) -> None:
        """Link (or copy) one part into the site, with only the files it serves.

        The first part of a language holds Pagefind's scripts and its WASM;
        the search page merges the others into it and loads those once, so
        they carry their entry, metadata, index and fragments only."""
        target = site_dir / part.url
        ignore = None if part.url.endswith("/0/") else _ONLY_THE_INDEX  # a language's first
        if part.bundle is not None:  # made by this build
            link_tree(part.bundle, target, ignore)
        elif self.cache is None or not self.cache.copy_tree_to(part.key, target, ignore):
            raise SearchIndexError(f"the search index's part {part.url} went missing")

    def cancel(self) -> None:
        """Stop Pagefind (the build failed) and remove the scratch folder."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            os.close(self.lock)
            self.lock = -1
        for part in self.parts:  # made in the cache's folder, not kept
            if part.bundle is not None:
                shutil.rmtree(part.bundle, ignore_errors=True)
            part.bundle = None
        self.process = self.scratch = None


_ONLY_THE_INDEX = shutil.ignore_patterns("*.js", "*.css", "wasm.*")


def _scratch_folder(records: list[_Record]) -> Path:
    """Memory (/dev/shm) where it has room: Pagefind writes a file per item,
    which takes a third less time there than on a disk. (A container's
    /dev/shm may hold only 64 MB: then the system's temporary folder.)"""
    shm = Path("/dev/shm")  # noqa: S108 (a private folder is made inside it)
    needed = 4 * sum(len(r.html) + len(r.title) + 200 for r in records)  # pages and bundle
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > needed:
        return shm
    return Path(tempfile.gettempdir())


@dataclass(frozen=True)
class _Record:
    url: str
    lang: str
    title: str
    html: str
    kind: str
    """What the item is: a result says it ("Blog post", "Event")."""
    day: str
    """Its date, ISO, or ""."""
    day_text: str
    """Its date in its language, or ""."""


def _record(item: Item, html: str) -> _Record:
    return _Record(
        item.url,
        item.lang,
        item.title,
        html,
        item.kind,
        dates.iso_day(item.when),
        dates.format_day(item.when, item.lang),
    )


def _write_pages(pages: Path, records: Iterable[_Record]) -> None:
    """A page per item, at its URL: its title and HTML, and as Pagefind's
    metadata (shown with each result) its kind and date."""
    for record in records:
        path = pages / urls.output_path(record.url)
        path.parent.mkdir(parents=True, exist_ok=True)
        title = escape(record.title)
        meta = "".join(
            f'<meta data-pagefind-meta="{name}[content]" content="{escape(value)}">'
            for name, value in (
                ("kind", record.kind),
                ("date", record.day),
                ("day", record.day_text),
            )
            if value
        )
        path.write_text(
            f'<!doctype html><html lang="{escape(record.lang)}"><head><meta charset="utf-8">'
            f"<title>{title}</title>{meta}</head><body data-pagefind-body>"
            f"<h1>{title}</h1>{record.html}</body></html>",
            "utf-8",
        )


def pagefind_executable() -> str:
    """The binary that the PyPI package `pagefind[bin]` installs beside Python."""
    from pagefind_bin import get_executable  # type: ignore[import-untyped]

    return str(get_executable())
