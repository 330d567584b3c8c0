"""Load every content file into a `Site`, collecting every problem on the way."""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from engine.cache import build_cache

from . import checks, originals, urls, versions
from .dates import PartialDate
from .limits import image_problems
from .links import Link, Setup, markdown_setup, read_config
from .model import Item, Site
from .parsing import Parsed, parse_files
from .problems import Problem
from .schema import FrontMatter
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
    files: tuple[str, ...] = ()
    """Every file of content/ and chapters/, pages and pictures alike."""
    links: Mapping[str, tuple[Link, ...]] = field(default_factory=dict)
    """The links of each file that has any, by its source."""
    markdown: Setup = ()
    """The site's Markdown extensions, which decide what a link and an anchor are."""

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)


def source_files(root: Path) -> list[str]:
    """Every file in content/ and chapters/, relative to `root`, sorted; files
    and folders whose names start with a dot are left out, as MkDocs does.

    os.walk and strings: pathlib costs a third of `check` on a big site.
    """
    found = []
    for top in (urls.CONTENT_DIR, urls.CHAPTERS_DIR):
        for folder, subfolders, files in os.walk(root / top):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            found += [f"{rel}/{name}" for name in files if name[0] != "."]
    return sorted(found)


def load_site(
    settings: Settings, now: dt.datetime, *, preview: bool = False, bodies: bool = True
) -> Loaded:
    """Read, validate and check all content.

    `now` decides which dated items are published; `preview` keeps drafts and
    scheduled items in (they are marked as such on their pages); without
    `bodies`, items carry no Markdown (for `check`, which renders nothing).
    """
    problems: list[Problem] = []
    parsed: list[Parsed] = []
    # Files with errors of their own: names of them are not reported again.
    broken: set[tuple[str, str]] = set()
    broken_files: set[str] = set()
    files = source_files(settings.root)
    markdown = [rel for rel in files if rel.endswith(".md")]
    problems.extend(
        image_problems(settings.root, (rel for rel in files if not rel.endswith(".md")))
    )
    cache = build_cache(settings.root, "parse")
    setup = markdown_setup(read_config(settings.root))
    links: dict[str, tuple[Link, ...]] = {}
    for result in parse_files(settings.root, markdown, bodies=bodies, cache=cache, setup=setup):
        problems.extend(result.problems)
        if result.links:
            links[result.rel] = result.links
        if result.front is None:
            broken.add((result.location.kind, result.location.slug))
            broken_files.add(result.rel)
        else:
            parsed.append(result)

    chapters = {p.location.slug: p.front for p in parsed if p.location.kind == "chapter"}
    zones = _chapter_zones(chapters, settings)
    items = [_make_item(p, settings, zones) for p in parsed]
    problems.extend(checks.check_items(items, settings, broken))
    problems.extend(originals.translation_problems(items, broken_files))
    problems.extend(versions.decision_problems(items, broken))

    published = tuple(i for i in items if preview or not i.is_held_back(now))
    site = Site(
        settings=settings,
        now=now,
        items=published,
        held_back=tuple(i for i in items if i.is_held_back(now)),
        preview=preview,
    )
    return Loaded(site, tuple(sorted(problems)), tuple(files), links, setup)


def reload_item(site: Site, parsed: Parsed) -> Item:
    """One file's item made again, against a site loaded before: `serve`
    shows a saved page before it loads the whole site again. Its chapter's
    timezone is the one the site's chapters give."""
    chapters = {c.slug: c.meta for c in (*site.items, *site.held_back) if c.kind == "chapter"}
    return _make_item(parsed, site.settings, _chapter_zones(chapters, site.settings))


def _chapter_zones(
    chapters: Mapping[str, FrontMatter | None], settings: Settings
) -> dict[str, str]:
    """Each chapter's timezone (by the front matter of each chapter, by its
    folder): its own, else its nearest ancestor's, else the site's."""
    own = {slug: front.get("timezone") for slug, front in chapters.items() if front}
    parent = {slug: front.get("parent") for slug, front in chapters.items() if front}
    zones: dict[str, str] = {}
    for handle in own:
        current: str | None = handle
        seen: set[str] = set()
        while current in own and current not in seen and not own[current]:
            seen.add(current)
            current = parent.get(current)
        zones[handle] = (own.get(current) if current else None) or settings.timezone
    return zones


def _make_item(parsed: Parsed, settings: Settings, zones: dict[str, str]) -> Item:
    location, front = parsed.location, parsed.front
    assert front is not None  # only files without errors of their own become items
    zone_name = front.get("timezone") or zones.get(location.owner or "", settings.timezone)
    if location.kind == "chapter":
        zone_name = zones.get(location.slug, settings.timezone)
    when = _when(front.get(WHEN_FIELDS.get(location.kind, "")), zoneinfo.ZoneInfo(zone_name))
    year = when.year if when else None
    slug, rel, original, lang = _translation(parsed, front.get("lang") or settings.language)
    return Item(
        kind=location.kind,
        source=parsed.rel,
        path=parsed.path,
        owner=location.owner,
        slug=slug,
        url=urls.item_url(location.kind, rel, location.owner, slug, year)
        + (f"{lang}/" if rel != parsed.rel else ""),
        title=front.get("title") or front.get("name") or location.slug,
        body=parsed.body,
        lang=lang,
        original=original,
        when=when,
        meta=front,
        draft=front.get("draft", False),
        summary=front.get("summary"),
        tags=front.get("tags", ()),
        authors=front.get("author", ()),
        aliases=front.get("aliases", ()),
        facts=parsed.facts,
    )


def _translation(parsed: Parsed, lang: str) -> tuple[str, str, str | None, str]:
    """Slug, path its URL is made from, original and language of a file.

    A translation named for its language (mission.de.md) is published under
    its original's URL, in a folder named for the language; one that names
    its original in front matter keeps its own name."""
    assert parsed.front is not None
    named = originals.named_language(parsed.rel)
    if named is not None:
        original, named_lang = named
        slug = urls.locate(original).slug
        return slug, original, original, parsed.front.get("lang") or named_lang
    by_field = parsed.front.get("translation_of")
    return parsed.location.slug, parsed.rel, originals.original_path(by_field), lang


def _when(value: object, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    if isinstance(value, PartialDate):  # sorts at its start; pages show it as given
        value = value.first_day
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=zone)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), zone)
    return None
