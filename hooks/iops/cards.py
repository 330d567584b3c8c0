"""Items as listings and pages show them: cards and bylines, made in Python.

A card carries every word and link a listing prints of an item (its title,
summary, date, authors, chapter, picture), so a template places it without
looking anything up. An item is on many listing pages: its card is made
once per build and process (`card`), and the build cache digests it once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from . import dates, pictures
from .model import Item, Site

WORDS_A_MINUTE = 220
"""A reader's pace, for "5 min read"."""


@dataclass(frozen=True)
class Person:
    """A member as a byline shows them."""

    name: str
    url: str
    avatar: str
    """Site-relative path of their picture, or ""."""
    initial: str
    """What stands in for a missing picture."""
    chapter: str
    """Their chapter's name, or ""."""
    chapter_url: str


@dataclass(frozen=True)
class Card:
    kind: str
    title: str
    url: str
    lang: str
    summary: str
    when: dates.Day | None
    """The date it shows, as precise as it was given (a chapter founded "in
    2012" shows 2012); templates write it in the page's language (``| day``)."""
    iso: str
    authors: tuple[Person, ...]
    chapter: str
    """The owning chapter's name, or ""."""
    chapter_url: str
    image: str
    """Site-relative path of the item's picture, or ""."""
    minutes: int
    """Reading time of posts and news; 0 for other kinds."""
    tags: tuple[str, ...]
    place: str
    """A chapter's place and country, in its language; "" for other kinds."""
    status: str
    """A project's status; "" for other kinds."""


def author_handles(item: Item) -> tuple[str, ...]:
    """The handles `author` names: one, or a list of them."""
    return tuple(item.authors)


def person(site: Site, member: Item) -> Person:
    chapter = site.chapters.get(member.field("chapter") or "")
    return Person(
        member.title,
        member.url,
        pictures.picture_url(member, "avatar"),
        member.title[:1].upper(),
        chapter.title if chapter else "",
        chapter.url if chapter else "",
    )


def authors(site: Site, item: Item) -> tuple[Person, ...]:
    """The item's authors who are members, each as bylines show them."""
    return card(site, item).authors


def reading_minutes(item: Item) -> int:
    if item.kind not in ("post", "news"):
        return 0
    return max(1, math.ceil(item.body_facts.words / WORDS_A_MINUTE))


_made: dict[str, Card] = {}
_people: dict[str, Person] = {}
_made_for: list[Site] = []


def card(site: Site, item: Item) -> Card:
    """The item's card, made once for the build (`site`) in this process."""
    if not _made_for or _made_for[0] is not site:
        _made.clear()
        _people.clear()
        _made_for[:] = [site]
    made = _made.get(item.source)
    if made is None:
        made = _made[item.source] = _make(site, item)
    return made


def cards(site: Site, items: Iterable[Item]) -> tuple[Card, ...]:
    return tuple(card(site, item) for item in items)


def _person(site: Site, handle: str) -> Person:
    """A member as bylines show them, made once for the build in this process."""
    made = _people.get(handle)
    if made is None:
        made = _people[handle] = person(site, site.members[handle])
    return made


def _make(site: Site, item: Item) -> Card:
    from .views import excerpt  # views imports this module

    # A member's chapter is the one they belong to; a chapter has none above it here.
    handle = item.field("chapter") if item.kind == "member" else item.owner
    chapter = site.chapters.get(handle or "") if item.kind != "chapter" else None
    return Card(
        item.kind,
        item.title,
        item.url,
        item.lang,
        excerpt(item),
        _shown_date(item),
        dates.iso_day(_shown_date(item)),
        tuple(_person(site, h) for h in author_handles(item) if h in site.members),
        chapter.title if chapter else "",
        chapter.url if chapter else "",
        pictures.picture_url(item, "image"),
        reading_minutes(item),
        item.tags,
        _place(item),
        item.field("status") or "" if item.kind == "project" else "",
    )


_DATE_SHOWN = {"chapter": "founded", "project": "created", "member": "joined"}
"""The field whose value a card of these kinds shows as typed: a year, a
month or a day (its `when` is the first day of it, for ordering)."""


def _shown_date(item: Item) -> dates.Day | None:
    name = _DATE_SHOWN.get(item.kind)
    shown = item.field(name) if name else None
    return shown if shown is not None else item.when


def _place(item: Item) -> str:
    if item.kind != "chapter":
        return ""
    country = item.field("country")
    parts = [item.field("place"), dates.country_name(country, item.lang) if country else None]
    return ", ".join(p for p in parts if p)
