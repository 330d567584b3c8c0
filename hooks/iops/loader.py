"""Load every content file into a `Site`, collecting every problem on the way."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import checks, urls
from .model import Item, Site
from .problems import Problem, relative
from .reader import SourceFile, read_source
from .schema import FrontMatter, validate
from .settings import Settings

# The field each kind is dated by (see `Item.when`).
WHEN_FIELDS = {
    "post": "date",
    "news": "date",
    "event": "start",
    "project": "created",
    "poll": "opens",
    "member": "joined",
    "chapter": "founded",
    "statement": "adopted",
}


@dataclass(frozen=True)
class Loaded:
    """The outcome of loading: the site, and every problem found."""

    site: Site
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)


def content_files(root: Path) -> Iterator[Path]:
    """Every Markdown file of the site, in a stable order."""
    for top in (urls.CONTENT_DIR, urls.CHAPTERS_DIR):
        folder = root / top
        if folder.is_dir():
            for path in sorted(folder.rglob("*.md")):
                if not any(part.startswith(".") for part in path.relative_to(root).parts):
                    yield path


def load_site(settings: Settings, now: dt.datetime, *, preview: bool = False) -> Loaded:
    """Read, validate and check all content.

    `now` decides which dated items are published; `preview` keeps drafts and
    scheduled items in (they are marked as such on their pages).
    """
    problems: list[Problem] = []
    parsed: list[tuple[SourceFile, urls.Location, FrontMatter]] = []
    for path in content_files(settings.root):
        rel = relative(path, settings.root)
        source = read_source(path, rel)
        if isinstance(source, Problem):
            problems.append(source)
            continue
        location = urls.locate(rel)
        front, found = validate(source, location.kind)
        problems.extend(found)
        if not any(p.is_error for p in found):
            parsed.append((source, location, front))

    zones = _chapter_zones(parsed, settings)
    items = [_make_item(s, loc, fm, settings, zones) for s, loc, fm in parsed]
    problems.extend(checks.check_items(items, settings))

    def held_back(item: Item) -> bool:
        return item.draft or item.is_scheduled(now)

    published = tuple(i for i in items if preview or not held_back(i))
    site = Site(
        settings=settings,
        now=now,
        items=published,
        held_back=tuple(i for i in items if held_back(i)),
        preview=preview,
    )
    return Loaded(site, tuple(sorted(problems)))


def _chapter_zones(
    parsed: list[tuple[SourceFile, urls.Location, FrontMatter]], settings: Settings
) -> dict[str, str]:
    """Each chapter's timezone: its own, else its nearest ancestor's, else the site's."""
    own = {loc.slug: fm.get("timezone") for _, loc, fm in parsed if loc.kind == "chapter"}
    parent = {loc.slug: fm.get("parent") for _, loc, fm in parsed if loc.kind == "chapter"}
    zones: dict[str, str] = {}
    for handle in own:
        current: str | None = handle
        seen: set[str] = set()
        while current in own and current not in seen and not own[current]:
            seen.add(current)
            current = parent.get(current)
        zones[handle] = (own.get(current) if current else None) or settings.timezone
    return zones


def _make_item(
    source: SourceFile,
    location: urls.Location,
    front: FrontMatter,
    settings: Settings,
    zones: dict[str, str],
) -> Item:
    zone_name = front.get("timezone") or zones.get(location.owner or "", settings.timezone)
    if location.kind == "chapter":
        zone_name = zones.get(location.slug, settings.timezone)
    when = _when(front.get(WHEN_FIELDS.get(location.kind, "")), zoneinfo.ZoneInfo(zone_name))
    return Item(
        kind=location.kind,
        source=source.rel,
        path=source.path,
        owner=location.owner,
        slug=location.slug,
        url=urls.item_url(
            location.kind,
            source.rel,
            location.owner,
            location.slug,
            when.year if when else None,
        ),
        title=front.get("title") or front.get("name") or location.slug,
        body=source.body,
        lang=front.get("lang") or settings.language,
        when=when,
        meta=front,
    )


def _when(value: object, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=zone)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), zone)
    return None
