"""Where content lives on disk and where it is published: one table each.

Every URL here is site-relative, without a leading slash, ending in ``/``
(``blog/2014/a-new-website/``); the home page is ``""``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

CONTENT_DIR = "content"
CHAPTERS_DIR = "chapters"

# The folder a file sits in names its kind (DESIGN.md's table).
SECTION_KINDS = {
    "about": "statement",
    "blog": "post",
    "news": "news",
    "events": "event",
    "projects": "project",
    "polls": "poll",
    "members": "member",
}
CHAPTER_SECTIONS = frozenset({"blog", "news", "events", "projects", "polls"})
"""The sections a chapter folder may have; members live in content/ only."""

# URL formats of items; `owner` is "chapters/<c>/" for a chapter's items.
ITEM_URLS = {
    "statement": "about/{slug}/",
    "post": "{owner}blog/{year}/{slug}/",
    "news": "{owner}news/{year}/{slug}/",
    "event": "{owner}events/{year}/{slug}/",
    "project": "{owner}projects/{slug}/",
    "poll": "{owner}polls/{slug}/",
    "member": "members/{slug}/",
    "chapter": "chapters/{chapter}/",
}
# URL formats of generated pages.
LISTING_URLS = {
    "section": "{owner}{section}/",
    "section_page": "{owner}{section}/page/{number}/",
    "year": "{owner}{section}/{year}/",
    "tags": "tags/",
    "tag": "tags/{tag}/",
    "tag_page": "tags/{tag}/page/{number}/",
    "about": "about/",
    "members": "members/",
    "members_page": "members/page/{number}/",
    "chapters": "chapters/",
    "federation": "federation/",
    "search": "search/",
    "search_lang": "search/{lang}/",
}

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")


@dataclass(frozen=True)
class Location:
    """What a content file's place on disk says about it."""

    kind: str
    owner: str | None
    """The chapter folder that owns the file, or None for the organization."""
    slug: str


def locate(rel: str) -> Location:
    """Kind, owner and slug of a Markdown file from its project-relative path."""
    # Plain string operations: this runs for every file of every build.
    parts = rel.split("/")
    slug = _DATE_PREFIX.sub("", parts[-1].removesuffix(".md"))
    if parts[0] == CHAPTERS_DIR:
        chapter = parts[1]
        if parts[2:] == ["index.md"]:
            return Location("chapter", chapter, chapter)
        section = parts[2] if len(parts) > 3 else ""
        if section in CHAPTER_SECTIONS:
            return Location(SECTION_KINDS[section], chapter, slug)
        return Location("page", chapter, slug)
    section = parts[1] if len(parts) > 2 else ""
    return Location(SECTION_KINDS.get(section, "page"), None, slug)


def owner_prefix(owner: str | None) -> str:
    return f"{CHAPTERS_DIR}/{owner}/" if owner else ""


def item_url(kind: str, rel: str, owner: str | None, slug: str, year: int | None) -> str:
    """The URL of an item; pages keep the path of their file."""
    if kind == "page":
        path = PurePosixPath(rel).with_suffix("")
        parts = path.parts[1:] if path.parts[0] == CONTENT_DIR else path.parts
        if parts and parts[-1] == "index":
            parts = parts[:-1]
        return "/".join(parts) + "/" if parts else ""
    return ITEM_URLS[kind].format(owner=owner_prefix(owner), slug=slug, chapter=owner, year=year)


def listing_url(name: str, **parts: object) -> str:
    owner = parts.pop("owner", None)
    return LISTING_URLS[name].format(owner=owner_prefix(owner), **parts)  # type: ignore[arg-type]


def output_path(url: str) -> str:
    """The file a URL is written to, relative to the site folder."""
    return f"{url}index.html"


def slugify(text: str) -> str:
    """A URL-safe slug from a title: lowercase words joined by hyphens."""
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-_")


def stable_id(site_url: str, path: str) -> uuid.UUID:
    """An id that lives as long as the file or output it names.

    uuid5 over the site's address and a project-relative path: an item keeps
    it when its text is edited, the site is rebuilt or files are read in
    another order. Not the URL: a post's URL holds its year, which a
    corrected date changes. Feed entry ids and calendar UIDs both use it.
    """
    return uuid.uuid5(uuid.NAMESPACE_URL, site_url + path)


def webcal_url(site_url: str, path: str) -> str:
    """The webcal:// address of a calendar on the site: calendar apps subscribe to it."""
    return "webcal://" + (site_url + path).split("://", 1)[1]
