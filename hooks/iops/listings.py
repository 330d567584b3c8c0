"""The shapes every listing shares: pages of items, and where each page stands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .model import Item, Site, newest_first


@dataclass(frozen=True)
class Pager:
    """Where one page of a listing stands among its pages: what the page shows.

    Its neighbours' URLs, not every page's: a page's key in the build cache
    digests its pager, and a listing of a thousand pages would otherwise
    make that a million URLs (and change every page when one URL did)."""

    number: int
    """1-based."""
    count: int | None
    """None on a listing paged from its oldest item (`paginate_by_age`): the
    number of pages is not shown, since it changing would change them all."""
    previous_url: str | None
    """The page before: newer items on a listing of the newest first."""
    next_url: str | None
    """The page after: older items on a listing of the newest first."""
    span: tuple[dt.datetime, dt.datetime] | None = None
    """The oldest and the newest item's dates, on a listing paged by age."""

    @property
    def leads_on(self) -> bool:
        """Whether the listing has another page to go to."""
        return self.previous_url is not None or self.next_url is not None


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


def paginate_by_age(
    site: Site,
    items: Sequence[Item],
    first_url: str,
    page_url: str,
    title: str,
    **extra: Any,
) -> Iterator[tuple[str, Listing]]:
    """A listing of dated items, the newest first, paged from its oldest item:
    a new item changes its first page, not every page.

    The items, oldest first, are cut into pages of `Settings.page_size`,
    numbered from the oldest (page_url.format(number=1) holds the oldest
    ones). The first page (first_url) shows the newest full page and the
    items after it, between one and two pages' worth; the pages before it
    stay as they are while items are added, so an address a reader linked to
    keeps showing the same items, and a new post re-renders the first page
    alone (and, once its newest page is full, one page more). Paged from
    the newest, every page of every listing a new post is in moved by one:
    931 pages at 10,000 posts."""
    size = site.settings.page_size
    oldest_first = newest_first(items)[::-1]
    full = len(oldest_first) // size
    front = max(0, full - 1) * size  # where the first page starts
    urls = [page_url.format(number=n + 1) for n in range(front // size)] + [first_url]
    for n, url in enumerate(urls):
        start = n * size
        chunk = tuple(
            oldest_first[front:] if url == first_url else oldest_first[start : start + size]
        )
        pager = Pager(
            n + 1,
            None,
            urls[n + 1] if n + 1 < len(urls) else None,
            urls[n - 1] if n > 0 else None,
            (chunk[0].when, chunk[-1].when) if chunk and chunk[0].when and chunk[-1].when else None,
        )
        yield url, Listing(title, chunk[::-1], pager, **extra)
