"""The frame of every page: where it sits in the site and how it links back.

Plain data for theme/layout.html, which only places it: the section the
header marks as current, the breadcrumbs of a page that sits deep, and the
prefix that makes a site-relative URL relative to the page (so that the
site works from any folder and from disk, as MkDocs' own links do).

The words of the frame ("Blog", "Home") are the catalogs' message ids,
marked with `N_` for extraction: the template translates them
(``_(crumb.label)``) into the page's language. Names (a chapter's) are not.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Site
from .translations import N_

SECTION_WORDS = {
    "blog": N_("Blog"),
    "news": N_("News"),
    "events": N_("Events"),
    "chapters": N_("Chapters"),
    "about": N_("About"),
    "members": N_("Members"),
    "projects": N_("Projects"),
    "polls": N_("Polls"),
    "tags": N_("Tags"),
    "search": N_("Search"),
}
"""The sections whose listing a breadcrumb can lead back to, by first folder."""
CHAPTER_SECTIONS = ("blog", "news", "events", "projects", "polls")
SECTION_ALIASES = {"federation": "chapters"}
"""Folders that belong to another section of the header."""


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str
    """Site-relative."""
    word: bool
    """`label` is a word of the frame (a message id to translate), not a name."""


@dataclass(frozen=True)
class Frame:
    """Where one page sits: what its header marks and its breadcrumbs."""

    section: str
    """The first folder of its URL ("blog"; "" on the home page): a post marks
    Blog, a chapter's post marks Chapters."""
    top: bool
    """The page is its section's own first page (blog/): the header's link is
    to this very page (aria-current="page", not "true")."""
    crumbs: tuple[Crumb, ...]
    """Home › Chapters › Berlin › Blog: the pages above it, not itself;
    none on a page one level deep, which the header names already."""
    url: str = ""
    """The page's own, site-relative: what it links beside itself (its feed)."""


def section_of(url: str) -> str:
    first = url.split("/", 1)[0]
    return SECTION_ALIASES.get(first, first)


def root_of(url: str) -> str:
    """The path from the page at `url` back to the site's root: "../../"."""
    return "../" * url.count("/")


def frame_of(site: Site, url: str) -> Frame:
    section = section_of(url)
    return Frame(section, url == f"{section}/", breadcrumbs(site, url), url)


def breadcrumbs(site: Site, url: str) -> tuple[Crumb, ...]:
    """The listings above a page, each one that exists whenever the page does."""
    parts = url.strip("/").split("/") if url else []
    if len(parts) < 2:
        return ()
    crumbs = [Crumb(N_("Home"), "", True)]
    top = parts[0]
    if top in SECTION_WORDS:
        crumbs.append(Crumb(SECTION_WORDS[top], f"{top}/", True))
    chapter = site.chapters.get(parts[1]) if top == "chapters" else None
    if chapter is not None and len(parts) > 2:
        crumbs.append(Crumb(chapter.title, chapter.url, False))
        if len(parts) > 3 and parts[2] in CHAPTER_SECTIONS:
            crumbs.append(Crumb(SECTION_WORDS[parts[2]], f"{chapter.url}{parts[2]}/", True))
    return tuple(crumbs)
