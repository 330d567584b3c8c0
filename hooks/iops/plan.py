"""Everything one build makes, decided before anything is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from engine.fingerprint import new_build

from . import (
    admin_site,
    checks,
    events,
    link_checks,
    link_targets,
    po_files,
    subscriptions,
    views,
)
from .feeds import FORMATS, Feed, FeedLink, plan_feeds
from .lineage import Lineage, site_lineage
from .lineage_pages import lineage_pages
from .links import read_config
from .loader import load_site
from .model import Item, Site
from .outputs import Output
from .problems import Problem
from .settings import Settings
from .site_files import PageSource, item_src_uri, page_sources


@dataclass(frozen=True)
class Redirect:
    """An old URL of an item (its `aliases`), kept working."""

    url: str
    target: Item


@dataclass(frozen=True)
class Plan:
    site: Site
    pages: tuple[views.GeneratedPage, ...]
    redirects: tuple[Redirect, ...]
    problems: tuple[Problem, ...]
    sources: tuple[PageSource, ...]
    """Every page to write, items, listings and redirects alike."""
    outputs: tuple[Output, ...] = ()
    """Every other file to write: calendars, poll results, OPML."""
    feeds: tuple[Feed, ...] = ()
    """Written after the pages, from their HTML."""
    lineage: Lineage = field(default_factory=Lineage)
    """Statements' versions and translations' states, from git."""

    @cached_property
    def _feed_by_page(self) -> dict[str, Feed]:
        return {feed.page_url: feed for feed in self.feeds}

    def feeds_of(self, page_url: str) -> list[FeedLink]:
        """The site-wide feed, and the page's own feed if it has one.

        A lookup, not a scan: every page of the build asks.
        """
        urls = ("", page_url) if page_url else ("",)
        return [self._feed_by_page[url].link for url in urls if url in self._feed_by_page]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)


_prepared: Plan | None = None


@contextmanager
def prepared(plan: Plan) -> Iterator[None]:
    """Within this block, `plan_site` for the same settings, now and preview
    returns `plan`: `build.py` plans once to report problems, and the MkDocs
    hooks then build that plan rather than read every file again."""
    global _prepared
    _prepared = plan
    try:
        yield
    finally:
        _prepared = None


def plan_site(
    settings: Settings, now: dt.datetime, *, preview: bool = False, bodies: bool = True
) -> Plan:
    """Load and check all content, then decide every page the build writes.

    `bodies=False` (for `check`) skips the Markdown: nothing is rendered.
    """
    if _prepared is not None and bodies:
        site = _prepared.site
        if (site.settings, site.now, site.preview) == (settings, now, preview):
            return _prepared
    new_build()  # the digests of the last plan's items are of no use to this one
    loaded = load_site(settings, now, preview=preview, bodies=bodies)
    site = loaded.site
    lineage, lineage_problems = site_lineage(site)
    pages = (*views.generated_pages(site), *lineage_pages(site, lineage))
    redirects = tuple(
        Redirect(claim.url, site.by_source[claim.source])
        for claim in checks.item_claims(site.items)
        if claim.field == "aliases"
    )
    # Drafts claim their URLs too: publishing one later must not collide.
    every_item = {i.source: i for i in (*site.items, *site.held_back)}.values()
    outputs = [output for module in views.KIND_MODULES for output in module.outputs(site)]
    feeds = plan_feeds(site)
    calendars = events.calendar_subscriptions(site)
    listing = subscriptions.subscriptions(feeds, calendars, settings)
    pages = (*pages, subscriptions.feeds_page(listing))
    outputs.append(subscriptions.opml(listing, settings))
    outputs += admin_site.outputs(site)
    generated = [checks.Claim(p.url, "", None, "url", p.what) for p in pages]
    generated += [checks.Claim(o.path, "", None, "url", o.what) for o in outputs]
    generated += [
        checks.Claim(f.path(fmt), "", None, "url", f"the {fmt} feed {f.title!r}")
        for f in feeds
        for fmt in FORMATS
    ]
    collisions = checks.url_collisions([*checks.item_claims(every_item), *generated])
    sources = tuple(page_sources(site.items, pages, redirects, settings.language))
    shadowed = _shadowed_listings(every_item, sources)
    targets = link_targets.make_targets(
        sources,
        site.held_back,
        loaded.files,
        [o.path for o in outputs],
        [f.path(fmt) for f in feeds for fmt in FORMATS],
        loaded.markdown,
        settings.root,
        link_targets.read_validation(read_config(settings.root)),
        theme=settings.locales.parent if settings.locales else None,
    )
    broken = [
        *link_checks.link_problems(site.items, loaded.links, targets),
        *link_checks.picture_problems(every_item, targets),
        *link_checks.nav_problems(settings.root, targets),
    ]
    catalogs = _catalog_problems(settings, site.languages)
    problems = tuple(
        sorted({*loaded.problems, *collisions, *shadowed, *broken, *catalogs, *lineage_problems})
    )
    return Plan(site, pages, redirects, problems, sources, tuple(outputs), tuple(feeds), lineage)


def _catalog_problems(settings: Settings, languages: Iterable[str]) -> list[Problem]:
    """A translation that would break or garble the pages fails `check` and the
    build; a language of the content with no catalog is said (a warning)."""
    if settings.locales is None:
        return []
    problems = po_files.read_catalogs(settings.locales, settings.root)[1]
    return problems + po_files.missing_catalogs(settings.locales, settings.root, languages)


def _shadowed_listings(items: Iterable[Item], sources: tuple[PageSource, ...]) -> list[Problem]:
    """An item named like a generated listing (content/about/index.md) would replace it.

    Drafts are checked too, so that publishing one later cannot break the build.
    """
    generated = {s.src_uri for s in sources if s.item is None}
    return [
        Problem(
            item.source,
            None,
            "file",
            f"this file has the name of the generated page {item_src_uri(item)}",
            "rename the file; the listing of its folder is made by the build",
        )
        for item in items
        if item_src_uri(item) in generated
    ]
