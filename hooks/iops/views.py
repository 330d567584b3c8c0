"""Listings: every generated page of the site, as plain data for templates.

`generated_pages(site)` is the one place that decides which listing pages
exist; the MkDocs adapter turns each into a page and hands its `view` to the
template named by `template`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import cards, events, nearby, polls, projects, search, urls
from .dates import country_name
from .excerpts import shorten
from .listings import GeneratedPage, Listing, paginate, paginate_by_age
from .model import Item, Site, newest_first
from .translations import N_, Phrase

SECTIONS = {"post": "blog", "news": "news"}
KIND_MODULES = (events, polls, projects)
"""Each renders one kind: its `pages`, its part of any page's `context`, its `outputs`."""
SECTION_TITLES = {"blog": N_("Blog"), "news": N_("News")}
LEVELS = (N_("National"), N_("Regional"), N_("Local"))
"""A chapter's `level`, as templates show it (``level | capitalize | translated``)."""
JOIN_URL = "join/"
JOIN_TEMPLATE = "join.html"
"""The Join page, linked from every page's header: content/join.md's text, if
there is one, above the form or address of `join` in mkdocs.yml."""


@dataclass(frozen=True)
class CountryGroup:
    country: str
    name: str
    chapters: tuple[Item, ...]


@dataclass(frozen=True)
class TreeNode:
    chapter: Item
    children: tuple[TreeNode, ...] = field(default=())


def generated_pages(site: Site) -> list[GeneratedPage]:
    pages: list[GeneratedPage] = []
    for kind, section in SECTIONS.items():
        pages += section_pages(site, site.of_kind(kind), section, None, SECTION_TITLES[section])
    for chapter in site.of_kind("chapter"):
        family = site.chapter_family(chapter.slug)
        for kind, section in SECTIONS.items():
            items = site.owned_by(kind, family)
            title = Phrase(
                "%(section)s: %(chapter)s", section=SECTION_TITLES[section], chapter=chapter.title
            )
            pages += section_pages(site, items, section, chapter.slug, title)
    pages += tag_pages(site)
    pages += member_pages(site)
    pages += chapter_directory(site)
    pages.append(about_page(site))
    pages += search.search_pages(site)
    if JOIN_URL not in site.by_url:  # else content/join.md is the Join page
        pages.append(GeneratedPage(JOIN_URL, JOIN_TEMPLATE, "Join", None, "the Join page"))
    for module in KIND_MODULES:
        pages += module.pages(site)
    return pages


def section_pages(
    site: Site, items: Sequence[Item], section: str, owner: str | None, title: str
) -> list[GeneratedPage]:
    """A blog or news listing, paginated, with an archive page per year."""
    ordered = newest_first(list(items))
    by_year: dict[int, list[Item]] = defaultdict(list)
    for item in ordered:
        if item.when:
            by_year[item.when.year].append(item)
    year_links = tuple(
        (str(year), urls.listing_url("year", owner=owner, section=section, year=year))
        for year in sorted(by_year, reverse=True)
    )
    first = urls.listing_url("section", owner=owner, section=section)
    page_url = urls.listing_url("section_page", owner=owner, section=section, number="{number}")
    pages = [
        GeneratedPage(url, "listing.html", title, listing, f"the {title} listing")
        for url, listing in paginate_by_age(site, ordered, first, page_url, title, links=year_links)
    ]
    for (label, url), year in zip(year_links, sorted(by_year, reverse=True), strict=True):
        year_title = Phrase("%(listing)s — %(year)s", listing=title, year=label)
        view = Listing(year_title, tuple(by_year[year]), links=year_links)
        pages.append(GeneratedPage(url, "listing.html", view.title, view, f"the {label} archive"))
    return pages


def tagged(site: Site) -> dict[str, list[Item]]:
    """Posts and news by tag, tags in alphabetical order."""
    by_tag: dict[str, list[Item]] = defaultdict(list)
    for kind in SECTIONS:
        for item in site.of_kind(kind):
            for tag in item.tags:
                by_tag[tag].append(item)
    return {tag: by_tag[tag] for tag in sorted(by_tag)}


def tag_pages(site: Site) -> list[GeneratedPage]:
    tagged_items = tagged(site)
    index = Listing(
        N_("Tags"),
        (),
        links=tuple((f"{tag} ({len(items)})", tag_url(tag)) for tag, items in tagged_items.items()),
    )
    pages = [
        GeneratedPage(urls.listing_url("tags"), "listing.html", index.title, index, "the tag index")
    ]
    for tag, items in tagged_items.items():
        first = tag_url(tag)
        page_url = urls.listing_url("tag_page", tag=tag, number="{number}")
        title = Phrase("Tagged “%(tag)s”", tag=tag)
        for url, listing in paginate_by_age(site, items, first, page_url, title):
            pages.append(
                GeneratedPage(url, "listing.html", title, listing, f"the tag page {tag!r}")
            )
    return pages


def tag_url(tag: str) -> str:
    return urls.listing_url("tag", tag=tag)


def member_pages(site: Site) -> list[GeneratedPage]:
    members = sorted(site.of_kind("member"), key=lambda m: (m.title.casefold(), m.slug))
    first = urls.listing_url("members")
    page_url = urls.listing_url("members_page", number="{number}")
    return [
        GeneratedPage(url, "members.html", listing.title, listing, "the member listing")
        for url, listing in paginate(site, members, first, page_url, N_("Members"))
    ]


def chapter_directory(site: Site) -> list[GeneratedPage]:
    """Chapters grouped by country, and the federation tree."""
    lang = site.settings.language
    by_country: dict[str, list[Item]] = defaultdict(list)
    for chapter in site.of_kind("chapter"):
        by_country[chapter.field("country") or ""].append(chapter)
    groups = sorted(
        (
            CountryGroup(
                code,
                country_name(code, lang) if code else N_("International"),
                tuple(sorted(group, key=lambda c: c.title)),
            )
            for code, group in by_country.items()
        ),
        key=lambda g: g.name,
    )
    return [
        GeneratedPage(
            urls.listing_url("chapters"),
            "chapters.html",
            N_("Chapters"),
            groups,
            "the chapter directory",
        ),
        GeneratedPage(
            urls.listing_url("federation"),
            "federation.html",
            N_("Federation"),
            federation_tree(site),
            "the federation tree",
        ),
    ]


def federation_tree(site: Site) -> tuple[TreeNode, ...]:
    """National chapters (and any without parent) at the top, their sub-chapters below."""

    def node(chapter: Item) -> TreeNode:
        return TreeNode(chapter, tuple(node(c) for c in site.sub_chapters(chapter.slug)))

    roots = [c for c in site.of_kind("chapter") if c.field("parent") not in site.chapters]
    return tuple(node(c) for c in sorted(roots, key=lambda c: c.title))


def about_page(site: Site) -> GeneratedPage:
    statements = sorted(site.of_kind("statement"), key=lambda s: (s.field("order", 999), s.title))
    view = Listing(N_("About IOPS"), tuple(statements))
    return GeneratedPage(
        urls.listing_url("about"), "about.html", view.title, view, "the About page"
    )


# --- what item pages show beside their own content -------------------------


def posts_by(site: Site, handle: str) -> list[Item]:
    """A member's blog posts and news, newest first."""
    return newest_first(i for i in site.by_author.get(handle, []) if i.kind in SECTIONS)


def chapter_members(site: Site, handle: str) -> list[Item]:
    return sorted(
        (m for m in site.of_kind("member") if m.field("chapter") == handle),
        key=lambda m: m.title,
    )


def chapter_posts(site: Site, handle: str) -> list[Item]:
    """Blog posts and news of a chapter and the chapters below it."""
    family = site.chapter_family(handle)
    return newest_first([*site.owned_by("post", family), *site.owned_by("news", family)])


def chapter_items(site: Site, handle: str, kind: str) -> list[Item]:
    return newest_first(site.owned_by(kind, site.chapter_family(handle)))


def latest(site: Site, kind: str, count: int | None = None) -> list[Item]:
    return newest_first(site.of_kind(kind), count or site.settings.home_size)


def excerpt(item: Item, length: int = 280) -> str:
    """The summary, else the start of the first paragraph as plain text
    (`excerpts`, read when the file was parsed)."""
    return item.summary or shorten(item.body_facts.opening, length)


def related(site: Site, item: Item) -> dict[str, Any]:
    """What an item's page shows beside its own text, as cards and people."""
    owner = site.chapters.get(item.owner or "")
    extra: dict[str, Any] = {
        "authors": cards.authors(site, item),
        "chapter": owner if item.kind != "chapter" else None,
    }
    if item.kind in SECTIONS:
        extra["card"] = cards.card(site, item)
        around = nearby.neighbours(site, item)
        extra["previous_post"] = cards.card(site, around.previous) if around.previous else None
        extra["next_post"] = cards.card(site, around.next) if around.next else None
        extra["related_posts"] = cards.cards(site, nearby.related(site, item))
    if item.kind == "member":
        extra["chapter"] = site.chapters.get(item.field("chapter") or "")
        extra["posts"] = cards.cards(site, posts_by(site, item.slug))
    elif item.kind == "chapter":
        extra.update(_chapter(site, item))
    elif item.url == "":
        extra.update(home(site))
    for module in KIND_MODULES:
        extra.update(module.context(site, item))
    return extra


def _chapter(site: Site, item: Item) -> dict[str, Any]:
    size = site.settings.home_size
    contact = item.field("contact") or ""
    return {
        "card": cards.card(site, item),
        "parent": site.chapters.get(item.field("parent") or ""),
        "sub_chapters": site.sub_chapters(item.slug),
        "members": chapter_members(site, item.slug),
        "admins": [site.members[h] for h in item.field("admins", ()) if h in site.members],
        "posts": cards.cards(site, chapter_items(site, item.slug, "post")[:size]),
        "news": cards.cards(site, chapter_items(site, item.slug, "news")[:size]),
        "blog_url": urls.listing_url("section", owner=item.slug, section="blog"),
        "news_url": urls.listing_url("section", owner=item.slug, section="news"),
        "contact": contact,
        "contact_href": contact if contact.startswith("http") else f"mailto:{contact}",
    }


def join(site: Site) -> dict[str, Any]:
    """Where the Join page's form posts (or its mailto: address), and the
    chapters that say how to reach them."""
    return {
        "join_to": site.settings.join or "",
        "chapter_contacts": [c for c in site.of_kind("chapter") if c.field("contact")],
    }


def home(site: Site) -> dict[str, Any]:
    """The home page's sections: who we are and how to join, then what is new."""
    statements = sorted(site.of_kind("statement"), key=lambda s: (s.field("order", 999), s.title))
    chapters = sorted(site.of_kind("chapter"), key=lambda c: (c.when, c.slug), reverse=True)
    countries = {c.field("country") for c in site.of_kind("chapter") if c.field("country")}
    return {
        "statements": statements,
        "counts": (len(site.of_kind("member")), len(chapters), len(countries)),
        "latest_posts": cards.cards(site, latest(site, "post")),
        "latest_news": cards.cards(site, latest(site, "news")),
        "newest_chapters": cards.cards(site, chapters[: site.settings.home_size]),
    }
