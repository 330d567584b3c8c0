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

import hashlib
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
    """The items of each language, in the parts Pagefind indexes one by one.

    Pagefind holds a whole index in memory while it makes it (about 0.3 MB a
    post of a thousand words), and makes it again whole when one item
    changes. So a language of more than `Settings.search_part_size` items is
    split into parts, each indexed on its own and kept in the cache on its
    own; the search page merges them. (Each part costs a query a chunk of
    that part's index: fewer parts, lighter searches.)

    - With `Settings.search_newest_size` set, the newest posts and news,
      fewer than that many, are the last part: what changes most (a new
      post, an edit to a recent one) remakes a small part. They are the ones
      beyond the largest multiple of that size, oldest first, so they join
      the others all at once, when their number reaches it. (By publication
      date: an event's date is when it happens, not when it was announced.)
    - The others are split into as many parts as make them no larger than
      the part size on the whole. An item's part comes from a digest of its
      file's path by jump consistent hashing, so items stay in their parts
      as others come and go, and when the site grows by a part only the
      items the new part takes move.
    """
    size = max(1, site.settings.search_part_size)
    newest_size = max(0, site.settings.search_newest_size)
    parts: dict[str, list[list[Item]]] = {}
    for lang in site.languages:
        items = [item for item in site.items if item.lang == lang]
        if not items:  # the site's language, before its first item
            continue
        newest: list[Item] = []
        if len(items) > size and newest_size > 1:
            dated = sorted((i for i in items if i.kind in DATED_KINDS), key=by_age)
            settled = len(dated) - len(dated) % newest_size
            if settled:
                newest = dated[settled:]
                apart = {item.source for item in newest}
                items = [item for item in items if item.source not in apart]
        count = -(-len(items) // size)
        split: list[list[Item]] = [[] for _ in range(count)]
        for item in items:
            split[_jump_hash(_digest_number(item.source), count)].append(item)
        parts[lang] = [part for part in [*split, newest] if part]  # Pagefind refuses an empty one
    return parts


def _digest_number(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _jump_hash(key: int, buckets: int) -> int:
    """Lamping and Veach's jump consistent hash: `key`'s bucket of `buckets`;
    with one bucket more, a key either stays or moves to the new one."""
    bucket, jump = -1, 0
    while jump < buckets:
        bucket = jump
        key = (key * 2862933555777941757 + 1) % 2**64
        jump = int((bucket + 1) * (2**31 / ((key >> 33) + 1)))
    return bucket


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
    code = environment_digest(Path(__file__).parent)
    fingerprints = Fingerprinter()
    parts = []
    for lang, split in index_parts(site).items():
        for number, items in enumerate(split):
            records = [_record(item, html_by_source.get(item.source, "")) for item in items]
            url = part_url(lang, number)
            parts.append(_Part(url, records, fingerprints.digest(code, url, records)))
    pending = PendingIndex(parts, cache)
    pending.start([part for part in parts if not pending.is_cached(part)])
    return pending


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
