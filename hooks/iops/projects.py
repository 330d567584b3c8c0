"""Projects: listings by status, what item, chapter, member and home pages show of them.

`projects/` has a section per status, each its newest projects; every status
also has its own paginated listing, `projects/status/<status>/`. A chapter
with projects (its own or its sub-chapters') gets the same under its URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import cards, urls
from .cards import Card
from .listings import GeneratedPage, paginate
from .model import Item, Site, newest_first
from .outputs import Output
from .translations import N_, Phrase

STATUSES = ("proposed", "active", "completed")
"""A project's life, in order: the order of the sections (schema.py allows these)."""
STATUS_URL = "{listing}status/{status}/"
STATUS_PAGE_URL = "{listing}status/{status}/page/{number}/"
"""Under status/, so no project's own URL (projects/<slug>/) can take them."""


@dataclass(frozen=True)
class StatusGroup:
    status: str
    title: str
    projects: tuple[Item, ...]
    """Newest first: at most a listing page's worth."""
    count: int
    """How many projects have the status, all told."""
    url: str
    """The listing of all of them."""
    cards: tuple[Card, ...] = ()
    """`projects` as the page shows them."""


@dataclass(frozen=True)
class ProjectsView:
    title: str
    groups: tuple[StatusGroup, ...]
    """One per status that has projects, in the order of STATUSES."""
    links: tuple[tuple[str, str], ...]


def listing_url(owner: str | None) -> str:
    return urls.listing_url("section", owner=owner, section="projects")


STATUS_PROJECTS = {
    "proposed": N_("Proposed projects"),
    "active": N_("Active projects"),
    "completed": N_("Completed projects"),
}
STATUS_TITLES = {"proposed": N_("Proposed"), "active": N_("Active"), "completed": N_("Completed")}


def status_title(status: str) -> str:
    return STATUS_TITLES.get(status) or status.capitalize()


def by_status(projects: Sequence[Item]) -> dict[str, list[Item]]:
    """Each status that has projects, newest first by creation."""
    ordered = newest_first(list(projects))
    groups = {s: [p for p in ordered if p.field("status") == s] for s in STATUSES}
    return {status: items for status, items in groups.items() if items}


def pages(site: Site) -> list[GeneratedPage]:
    """All projects at projects/, and each chapter's (with its sub-chapters') that has any."""
    result = _project_pages(site, site.of_kind("project"), None)
    for chapter in site.of_kind("chapter"):
        projects = site.owned_by("project", site.chapter_family(chapter.slug))
        if projects:
            result += _project_pages(site, projects, chapter)
    return result


def _project_pages(
    site: Site, projects: Sequence[Item], chapter: Item | None
) -> list[GeneratedPage]:
    """The overview with a section per status, then each status's own listing."""
    first = listing_url(chapter.slug if chapter else None)
    title = N_("Projects")
    if chapter:
        title = Phrase("%(section)s: %(chapter)s", section=title, chapter=chapter.title)
    groups, size = by_status(projects), site.settings.page_size
    status_urls = {s: STATUS_URL.format(listing=first, status=s) for s in groups}
    links = tuple(
        (
            Phrase("%(status)s (%(count)s)", status=status_title(s), count=str(len(items))),
            status_urls[s],
        )
        for s, items in groups.items()
    )
    overview = ProjectsView(
        title,
        tuple(
            StatusGroup(
                s,
                status_title(s),
                tuple(items[:size]),
                len(items),
                status_urls[s],
                cards.cards(site, items[:size]),
            )
            for s, items in groups.items()
        ),
        links,
    )
    result = [GeneratedPage(first, "projects.html", title, overview, f"the {title} listing")]
    for status, items in groups.items():
        status_page = STATUS_PAGE_URL.format(listing=first, status=status, number="{number}")
        heading = STATUS_PROJECTS[status]
        if chapter:
            heading = Phrase("%(section)s: %(chapter)s", section=heading, chapter=chapter.title)
        result += [
            GeneratedPage(url, "listing.html", heading, view, f"the {heading} listing")
            for url, view in paginate(
                site, items, status_urls[status], status_page, heading, links=links
            )
        ]
    return result


def context(site: Site, item: Item) -> dict[str, Any]:
    """What the page of `item` shows of projects (its own page, a chapter, a member, home)."""
    size = site.settings.home_size
    if item.kind == "project":
        return {
            "project_members": [
                site.members[h] for h in item.field("members", ()) if h in site.members
            ],
            "projects_url": listing_url(None),
        }
    if item.kind == "member":
        return {"member_projects": cards.cards(site, member_projects(site, item.slug))}
    if item.kind == "chapter":
        projects = site.owned_by("project", site.chapter_family(item.slug))
        return {
            "chapter_projects": cards.cards(site, newest_first(projects)[:size]),
            "chapter_projects_url": listing_url(item.slug) if projects else None,
        }
    if item.url == "":
        return {
            "newest_projects": cards.cards(site, newest_first(site.of_kind("project"))[:size]),
            "projects_url": listing_url(None),
        }
    return {}


def member_projects(site: Site, handle: str) -> list[Item]:
    return newest_first([p for p in site.of_kind("project") if handle in p.field("members", ())])


def outputs(site: Site) -> list[Output]:
    """Projects write no files beside their pages."""
    return []
