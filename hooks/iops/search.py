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


def index_items(
    site: Site, html_by_source: Mapping[str, str], site_dir: Path, cache: Cache | None = None
) -> None:
    """Write Pagefind's index of every item into `site_dir`/pagefind.

    With a `cache`, an index made from the same items by the same Pagefind is
    copied from it instead of made again.
    """
    records = [_record(item, html_by_source.get(item.source, "")) for item in site.items]
    key = Fingerprinter().digest(environment_digest(Path(__file__).parent), records)
    target = site_dir / BUNDLE
    if cache is not None and cache.copy_tree_to(key, target):
        cache.sweep([key])
        return
    scratch_dir = _scratch_folder(records)
    with tempfile.TemporaryDirectory(prefix="iops-search-", dir=scratch_dir) as scratch:
        _write_pages(Path(scratch), records)
        bundle = Path(scratch) / "bundle"
        _run_pagefind(Path(scratch) / "pages", bundle)
        if cache is not None:
            cache.put_tree(key, bundle)
            cache.sweep([key])
        shutil.copytree(bundle, target, dirs_exist_ok=True)


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


def _run_pagefind(pages: Path, bundle: Path) -> None:
    command = [pagefind_executable(), "--site", str(pages), "--output-path", str(bundle)]
    command += ["--exclude-selectors", ".headerlink"]  # the headings' "¶" links
    done = subprocess.run(  # noqa: S603 (our own binary and folders)
        [*command, "--silent"], capture_output=True, text=True, check=False
    )
    if done.returncode:
        said = (done.stderr or done.stdout).strip()
        raise SearchIndexError(f"Pagefind could not index the site: {said}")
    # Pagefind lists the languages in a hash map's order, which changes from run
    # to run: sorted, the bundle is the same bytes for the same site.
    entry = bundle / "pagefind-entry.json"
    entry.write_text(json.dumps(json.loads(entry.read_text("utf-8")), sort_keys=True), "utf-8")
