"""The site's content as typed, frozen data."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .excerpts import BodyFacts, body_facts
from .schema import FrontMatter
from .settings import BuildTime, Settings

DATED_KINDS = frozenset({"post", "news"})
"""Kinds held back until their date has come."""


@dataclass(frozen=True)
class Item:
    """One content file, read and validated."""

    kind: str
    """statement, post, news, event, project, poll, member, chapter or page."""
    source: str
    """The file, relative to the project root: content/blog/2014-10-01-x.md."""
    path: Path = field(metadata={"fingerprint": False})
    """The file on disk (the build cache ignores where the project is)."""
    owner: str | None
    """The chapter whose folder holds the file; None for the organization."""
    slug: str
    url: str
    """Site-relative URL, without leading slash (see `urls`)."""
    title: str
    """The title, or the name of a member or chapter."""
    body: str
    """Markdown after the front matter."""
    lang: str
    when: dt.datetime | None
    """The moment the item is dated by, timezone-aware: a post's publication,
    an event's start, a project's creation, a poll's opening, a member's
    joining, a chapter's founding, a statement's adoption."""
    meta: FrontMatter

    draft: bool = False
    """Held back from the public build (``draft: true``)."""
    summary: str | None = None
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    """Member handles (`author`, one or a list), in the order given."""
    aliases: tuple[str, ...] = ()
    """Old URL paths that redirect to the item."""
    original: str | None = None
    """The source of the item this one translates (`originals`); None for an original."""
    facts: BodyFacts | None = None
    """Its body's first paragraph and length in words, read when the file was parsed."""

    def is_scheduled(self, now: dt.datetime) -> bool:
        """A post or news item dated in the future waits for its date."""
        return self.kind in DATED_KINDS and self.when is not None and self.when > now

    def is_held_back(self, now: dt.datetime) -> bool:
        """Left out of the public build: a draft, or not yet due."""
        return self.draft or self.is_scheduled(now)

    def field(self, name: str, default: Any = None) -> Any:
        return self.meta.get(name, default)

    @property
    def body_facts(self) -> BodyFacts:
        return self.facts or body_facts(self.body)

    @cached_property
    def age(self) -> tuple[float, str]:
        """What orders items newest first (`newest_first`): the time, then the source."""
        return ((self.when or _UNDATED).timestamp(), self.source)


_UNDATED = dt.datetime.min.replace(tzinfo=dt.UTC)


def held_back_reason(item: Item, clock: BuildTime, wall: dt.datetime) -> str:
    """Why `check` leaves the item out, as it says so: a draft, or a date that
    has not come by the build's clock. That clock is the last commit's time
    (`settings.read_build_time`), not the wall clock `wall`: a post dated
    today waits until it is committed (an edit not yet committed is checked
    as of the last commit)."""
    if item.draft or item.when is None:
        return "draft"
    when = f"scheduled for {item.when:%Y-%m-%d %H:%M %Z}"
    built = f"{clock.now:%Y-%m-%d %H:%M %Z}"
    if clock.source == "the last commit":
        if item.when <= wall:
            return (
                f"{when}; the build's clock is the time of the last commit, {built}: "
                "it is published once committed"
            )
        return f"{when}; the first build after that publishes it (each night's, or a commit's)"
    if clock.source == "SOURCE_DATE_EPOCH":
        return f"{when}; the build's clock is SOURCE_DATE_EPOCH, {built}"
    return f"{when}; the first build after that publishes it"


def by_age(item: Item) -> tuple[float, str]:
    """The key that sorts items oldest first (`newest_first` reverses it).

    The source path breaks ties, so the order never depends on reading order.
    A timestamp, not the datetime: listings sort thousands of times a build,
    and comparing aware datetimes is several times slower than floats."""
    return item.age


def newest_first(items: Iterable[Item], limit: int | None = None) -> list[Item]:
    """Newest first; with `limit`, only that many (without sorting them all)."""
    if limit is not None:
        return heapq.nlargest(limit, items, key=by_age)
    return sorted(items, key=by_age, reverse=True)


@dataclass(frozen=True)
class Site:
    """Every item that is published in one build, and lookups over them."""

    settings: Settings
    now: dt.datetime
    items: tuple[Item, ...]
    """Published items, in source order."""
    held_back: tuple[Item, ...] = ()
    """Drafts and scheduled items left out of this build."""
    preview: bool = False
    """Drafts and scheduled items are shown (``build.py serve``)."""

    @cached_property
    def by_kind(self) -> dict[str, list[Item]]:
        """Items by kind, each once, in the site's language where it can be:
        an original, or in its place its translation into the site's language
        (listings are in the site's language). Every page is still built."""
        listed = self.listed_as
        groups: dict[str, list[Item]] = defaultdict(list)
        for item in self.items:
            if listed.get(item.source, item.source) == item.source:
                groups[item.kind].append(item)
        return groups

    @cached_property
    def listed_as(self) -> dict[str, str]:
        """For each item with published translations, its original and each
        translation: the source of the one listings show."""
        shown: dict[str, str] = {}
        for original, translations in self.translations.items():
            local = [t for t in translations if t.lang == self.settings.language]
            keep = (
                local[0].source
                if local and self.by_source[original].lang != local[0].lang
                else original
            )
            shown.update((t.source, keep) for t in (self.by_source[original], *translations))
        return shown

    @cached_property
    def translations(self) -> dict[str, tuple[Item, ...]]:
        """The published translations of each original, by its source, by language."""
        found: dict[str, list[Item]] = defaultdict(list)
        for item in self.items:
            if item.original is not None and item.original in self.by_source:
                found[item.original].append(item)
        return {k: tuple(sorted(v, key=lambda i: (i.lang, i.source))) for k, v in found.items()}

    def of_kind(self, kind: str) -> list[Item]:
        return self.by_kind.get(kind, [])

    @cached_property
    def members(self) -> dict[str, Item]:
        return {item.slug: item for item in self.of_kind("member")}

    @cached_property
    def chapters(self) -> dict[str, Item]:
        return {item.slug: item for item in self.of_kind("chapter")}

    @cached_property
    def by_url(self) -> dict[str, Item]:
        return {item.url: item for item in self.items}

    @cached_property
    def by_source(self) -> dict[str, Item]:
        return {item.source: item for item in self.items}

    def is_held_back(self, item: Item) -> bool:
        return item.is_held_back(self.now)

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """The site's language first, then every other language an item is in."""
        others = sorted({item.lang for item in self.items} - {self.settings.language})
        return (self.settings.language, *others)

    @cached_property
    def directory(self) -> Directory:
        return Directory(self.settings, self.members, self.chapters)

    @cached_property
    def _children(self) -> dict[str, list[Item]]:
        children: dict[str, list[Item]] = defaultdict(list)
        for chapter in sorted(self.of_kind("chapter"), key=lambda c: (c.title, c.slug)):
            children[chapter.field("parent") or ""].append(chapter)
        return children

    def sub_chapters(self, handle: str) -> list[Item]:
        return self._children.get(handle, [])

    @cached_property
    def _owned(self) -> dict[tuple[str, str | None], list[Item]]:
        owned: dict[tuple[str, str | None], list[Item]] = defaultdict(list)
        for item in self.items:
            owned[item.kind, item.owner].append(item)
        return owned

    @cached_property
    def by_author(self) -> dict[str, list[Item]]:
        """Items with an `author`, by member handle, in source order: an
        item with several authors is under each."""
        authored: dict[str, list[Item]] = defaultdict(list)
        for item in self.items:
            for handle in item.authors:
                authored[handle].append(item)
        return authored

    def owned_by(self, kind: str, chapters: set[str]) -> list[Item]:
        """Items of a kind whose folder is one of these chapters'."""
        return [item for handle in sorted(chapters) for item in self._owned.get((kind, handle), [])]

    def chapter_family(self, handle: str) -> set[str]:
        """A chapter and every chapter below it in the federation."""
        family, todo = set(), [handle]
        while todo:
            current = todo.pop()
            if current not in family:
                family.add(current)
                todo.extend(c.slug for c in self.sub_chapters(current))
        return family


@dataclass(frozen=True)
class Directory:
    """What any page may look up by name (templates call it `iops`): the
    settings, members and chapters. Not the whole site: a page's output must
    depend only on what it is handed, so that the build cache can tell when
    it changes (`engine.fingerprint`)."""

    settings: Settings
    members: Mapping[str, Item]
    chapters: Mapping[str, Item]

    def authors(self, item: Item) -> list[Item]:
        """The members who wrote `item`, in the order its `author` names them."""
        return [self.members[handle] for handle in item.authors if handle in self.members]
