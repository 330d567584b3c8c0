"""The shapes every listing shares: pages of items, and where each page stands."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .model import Item, Site


@dataclass(frozen=True)
class Pager:
    """Where one page of a listing stands among its pages: what the page shows.

    Its neighbours' URLs, not every page's: a page's key in the build cache
    digests its pager, and a listing of a thousand pages would otherwise
    make that a million URLs (and change every page when one URL did)."""

    number: int
    """1-based."""
    count: int
    previous_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class Listing:
    """One page of a list of items."""

    title: str
    items: tuple[Item, ...]
    pager: Pager | None = None
    intro: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    """(label, url) pairs shown above the list: years, sub-listings."""


@dataclass(frozen=True)
class GeneratedPage:
    url: str
    template: str
    title: str
    view: Any
    what: str = "a generated page"
    """How collisions name it."""
    lang: str | None = None
    """The page's language, when not the site's."""
    markdown: str = ""
    """Text of the page's own (an old version of a statement)."""


def paginate(
    site: Site,
    items: Sequence[Item],
    first_url: str,
    page_url: str,
    title: str,
    **extra: Any,
) -> Iterator[tuple[str, Listing]]:
    """Split items into pages: first_url, then page_url.format(number=2…)."""
    size = site.settings.page_size
    count = max(1, -(-len(items) // size))
    page_urls = tuple(
        first_url if n == 1 else page_url.format(number=n) for n in range(1, count + 1)
    )
    for number, url in enumerate(page_urls, start=1):
        chunk = tuple(items[(number - 1) * size : number * size])
        previous = page_urls[number - 2] if number > 1 else None
        following = page_urls[number] if number < count else None
        yield url, Listing(title, chunk, Pager(number, count, previous, following), **extra)
