"""What a post's page offers to read next, chosen at build time.

- Its neighbours in its own blog (or news): the previous and the next post
  by date among those of the same kind and the same owner (a chapter's blog,
  or the organization's).
- Up to three related posts: those sharing the most tags, then those of the
  same chapter, nearest in time first. Only the posts nearest in time of
  each tag are weighed (`CANDIDATES_PER_TAG`), so a tag on half of 10,000
  posts costs a post no more than a rare one.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass

from .model import Item, Site, by_age

CANDIDATES_PER_TAG = 12
"""Per tag, the posts nearest in time a post is compared with."""
RELATED = 3
KINDS = ("post", "news")


@dataclass(frozen=True)
class Neighbours:
    previous: Item | None
    """Older."""
    next: Item | None
    """Newer."""


class _Orders:
    """The posts of each blog and of each tag, oldest first, made once a build."""

    def __init__(self, site: Site) -> None:
        self.site = site
        blogs: dict[tuple[str, str | None], list[Item]] = defaultdict(list)
        tags: dict[str, list[Item]] = defaultdict(list)
        for kind in KINDS:
            for item in site.of_kind(kind):
                blogs[kind, item.owner].append(item)
                for tag in item.tags:
                    tags[tag].append(item)
        self.blogs = {key: sorted(items, key=by_age) for key, items in blogs.items()}
        self.tags = {key: sorted(items, key=by_age) for key, items in tags.items()}
        self.place = {
            item.source: index for items in self.blogs.values() for index, item in enumerate(items)
        }


_orders: list[_Orders] = []


def _of(site: Site) -> _Orders:
    if not _orders or _orders[0].site is not site:
        _orders[:] = [_Orders(site)]
    return _orders[0]


def neighbours(site: Site, item: Item) -> Neighbours:
    orders = _of(site)
    blog = orders.blogs.get((item.kind, item.owner), [])
    index = orders.place.get(item.source)
    if index is None or blog[index] is not item:
        return Neighbours(None, None)
    older = blog[index - 1] if index > 0 else None
    newer = blog[index + 1] if index + 1 < len(blog) else None
    return Neighbours(older, newer)


def _nearest(items: list[Item], item: Item, count: int) -> list[Item]:
    """The `count` items nearest to `item` in time, in a list sorted by age."""
    at = bisect.bisect_left(items, by_age(item), key=by_age)
    return items[max(0, at - count // 2) : at + count // 2 + 1]


def related(site: Site, item: Item, count: int = RELATED) -> list[Item]:
    """Posts and news sharing the most tags with `item`, then of its chapter."""
    orders = _of(site)
    shared: dict[str, int] = defaultdict(int)
    found: dict[str, Item] = {}
    for tag in item.tags:
        for other in _nearest(orders.tags[tag], item, CANDIDATES_PER_TAG):
            if other.source != item.source:
                shared[other.source] += 1
                found[other.source] = other
    if item.owner is not None:
        for kind in KINDS:
            for other in _nearest(orders.blogs.get((kind, item.owner), []), item, 2 * count):
                if other.source != item.source:
                    found.setdefault(other.source, other)
    when = by_age(item)[0]

    def rank(other: Item) -> tuple[int, int, float, str]:
        same_chapter = int(item.owner is not None and other.owner == item.owner)
        return (-shared[other.source], -same_chapter, abs(by_age(other)[0] - when), other.source)

    return sorted(found.values(), key=rank)[:count]
