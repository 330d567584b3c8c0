"""RSS 2.0 and Atom feeds: which feeds exist, and their bytes (feedgen).

`plan_feeds(site)` decides the feeds from the model alone; rendering them
needs each item's HTML, which only exists once MkDocs has converted the
Markdown, so the adapter calls `write_feeds` after the pages are read.

The HTML is the page's own, already cleaned by `sanitize`. Front-matter text
goes in raw, and feedgen escapes it for XML once; the summary, which RSS
readers take as HTML, goes in HTML-escaped as well.
"""

from __future__ import annotations

import datetime as dt
import html as html_text
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
from engine.cache import Cache, write_new
from engine.fingerprint import Unfingerprintable, environment_digest, of_build
from engine.workers import map_in_order
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from . import views
from .model import Item, Site, newest_first
from .sanitize import clean_text
from .urls import stable_id

FORMATS = {"rss": "rss.xml", "atom": "atom.xml"}
"""Each feed in both formats, as files beside the page it mirrors."""
GENERATOR = "IOPS site (python-feedgen)"


@dataclass(frozen=True)
class Feed:
    """One feed: the items of one page of the site, newest first."""

    title: str
    page_url: str
    """The site page the feed mirrors (its channel link); feeds sit beside it."""
    items: tuple[Item, ...]
    lang: str

    def path(self, fmt: str) -> str:
        return self.page_url + FORMATS[fmt]

    @property
    def link(self) -> FeedLink:
        return FeedLink(self.title, self.page_url)


@dataclass(frozen=True)
class FeedLink:
    """A feed as the pages name it (``<link rel="alternate">``): without its
    items, so that a page does not change when an item of its feed does."""

    title: str
    page_url: str

    def path(self, fmt: str) -> str:
        return self.page_url + FORMATS[fmt]


def _posts(site: Site) -> list[Item]:
    return [*site.of_kind("post"), *site.of_kind("news")]


# The families of feeds: (title, page URL, items) for each feed of the family.
FeedRows = Callable[[Site], Iterable[tuple[str, str, list[Item]]]]
FEED_FAMILIES: tuple[FeedRows, ...] = (
    lambda site: [("Everything", "", _posts(site))],
    lambda site: [("Blog", "blog/", site.of_kind("post"))],
    lambda site: [("News", "news/", site.of_kind("news"))],
    lambda site: (
        (chapter.title, chapter.url, views.chapter_posts(site, chapter.slug))
        for chapter in site.of_kind("chapter")
    ),
    lambda site: (
        (f"Tagged “{tag}”", views.tag_url(tag), items) for tag, items in views.tagged(site).items()
    ),
    lambda site: (
        (member.title, member.url, views.posts_by(site, member.slug))
        for member in site.of_kind("member")
    ),
)


def plan_feeds(site: Site) -> list[Feed]:
    """Every feed of the site; a page with nothing to feed gets none.

    A feed carries the newest `Settings.feed_size` items only: readers keep
    what they have seen. Each is in full, and there is a feed for every
    chapter, tag and member: at 50 items, the feeds of a site of 10,000 posts
    weighed 194 MB, nearly half the site (GitHub Pages publishes up to 1 GB)
    and most of what a feed reader fetches every time it looks."""
    name, size = site.settings.site_name, site.settings.feed_size
    return [
        Feed(f"{name}: {title}", url, tuple(newest_first(items, size)), site.settings.language)
        for family in FEED_FAMILIES
        for title, url, items in family(site)
        if items
    ]


def entry_id(site_url: str, item: Item) -> str:
    """An id that survives edits, rebuilds and reordering (`urls.stable_id`)."""
    return stable_id(site_url, item.source).urn


def absolute_html(html: str, page_url: str) -> str:
    """Make every link and image in `html` absolute, as feed readers need."""
    if not html.strip():
        return ""
    fragment = lxml.html.fragment_fromstring(clean_text(html), create_parent="div")
    fragment.make_links_absolute(page_url, resolve_base_href=False)
    inner = (fragment.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in fragment
    )
    return inner


def write_feeds(
    site: Site,
    feeds: Sequence[Feed],
    html_by_source: Mapping[str, str],
    site_dir: Path,
    cache: Cache | None = None,
) -> int:
    """Write every feed in both formats under `site_dir`, rendered on every core;
    how many files were rendered (not taken from the cache).

    With a `cache`, a feed whose items, their HTML and the code that renders
    them are all as before is linked from it, not rendered or copied, and
    entries no longer used are dropped.
    """
    wanted = [(feed, fmt) for feed in feeds for fmt in FORMATS]
    keys = _feed_keys(site, feeds, html_by_source) if cache else [None] * len(wanted)
    targets = [site_dir / feed.path(fmt) for feed, fmt in wanted]
    found = [
        bool(cache and key and cache.copy_to(key, target))
        for key, target in zip(keys, targets, strict=True)
    ]
    # A feed is rendered in both formats at once, from one set of entries.
    stale = sorted({n // len(FORMATS) for n, hit in enumerate(found) if not hit})
    entries: dict[str, FeedEntry] = {}  # an item is in several feeds: its entry is made once

    def render_chunk(chunk: list[int]) -> list[dict[str, bytes]]:
        return [render_feed_formats(feeds[n], site, html_by_source, entries=entries) for n in chunk]

    rendered = 0
    for n, formats in zip(stale, map_in_order(render_chunk, stale), strict=True):
        for m, fmt in enumerate(FORMATS):
            index = n * len(FORMATS) + m
            key, target = keys[index], targets[index]
            if found[index]:  # the other format was in the cache
                continue
            rendered += 1
            write_new(target, formats[fmt])
            if cache and key:
                cache.keep(key, target)
    if cache:
        cache.sweep(key for key in keys if key)
    return rendered


def _feed_keys(
    site: Site, feeds: Sequence[Feed], html_by_source: Mapping[str, str]
) -> list[str | None]:
    """A key for each feed in each format, in the order of `wanted` in `write_feeds`."""
    fingerprints = of_build()  # the items walked once a build
    try:  # what every feed shows: the code, the settings and the members' names
        shared = fingerprints.digest(
            environment_digest(Path(__file__).parent), site.settings, site.members
        )
    except Unfingerprintable:
        return [None] * (len(feeds) * len(FORMATS))
    # An item is in several feeds: its HTML is hashed once.
    html_digests = {source: fingerprints.digest(html) for source, html in html_by_source.items()}
    keys: list[str | None] = []
    for feed in feeds:
        html = [html_digests.get(item.source, "") for item in feed.items]
        try:
            feed_key = fingerprints.digest(shared, feed, html)
        except Unfingerprintable:
            keys += [None] * len(FORMATS)
            continue
        keys += [fingerprints.digest(feed_key, fmt) for fmt in FORMATS]
    return keys


def render_feed(feed: Feed, fmt: str, site: Site, html_by_source: Mapping[str, str]) -> bytes:
    """The feed in `fmt` ("rss" or "atom"); dates all come from the content."""
    return render_feed_formats(feed, site, html_by_source, formats=(fmt,))[fmt]


def render_feed_formats(
    feed: Feed,
    site: Site,
    html_by_source: Mapping[str, str],
    *,
    formats: Iterable[str] = tuple(FORMATS),
    entries: dict[str, FeedEntry] | None = None,
) -> dict[str, bytes]:
    """The feed in each of `formats`, from one generator.

    `entries` keeps each item's entry (its HTML made absolute) for the next
    feed of the same build: feedgen leaves an entry as it is when it writes it."""
    base = site.settings.site_url
    generator = FeedGenerator()
    generator.id(urljoin(base, feed.page_url))
    generator.title(clean_text(feed.title))
    generator.description(clean_text(feed.title))
    generator.language(feed.lang)
    generator.generator(GENERATOR)
    # RFC 4287 wants an author for every Atom entry; news has none of its own,
    # so the organisation speaks for the feed (RSS needs an e-mail, so skips it).
    generator.author(name=clean_text(site.settings.site_name), uri=base)
    newest = feed.items[0].when if feed.items and feed.items[0].when else _EPOCH
    generator.updated(newest)
    generator.lastBuildDate(newest)
    entries = {} if entries is None else entries
    for item in feed.items:
        entry = entries.get(item.source)
        if entry is None:
            entry = entries[item.source] = _entry(item, site, html_by_source.get(item.source, ""))
        generator.add_entry(entry, order="append")
    rendered = {}
    for fmt in formats:
        # feedgen takes RSS's one channel <link> from the last link() call: the page's.
        generator.link(href=urljoin(base, feed.path(fmt)), rel="self", replace=True)
        generator.link(href=urljoin(base, feed.page_url), rel="alternate")
        if fmt == "atom":
            rendered[fmt] = bytes(generator.atom_str(pretty=True))
        else:
            rendered[fmt] = bytes(generator.rss_str(pretty=True))
    return rendered


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _entry(item: Item, site: Site, html: str) -> FeedEntry:
    page_url = urljoin(site.settings.site_url, item.url)
    content = absolute_html(html, page_url)
    entry = FeedEntry()
    item_id = entry_id(site.settings.site_url, item)
    entry.id(item_id)
    entry.guid(item_id, permalink=False)
    entry.title(clean_text(item.title) or "(untitled)")
    entry.link(href=page_url)
    when = item.when or _EPOCH
    entry.published(when)
    entry.updated(when)
    for handle in item.authors:  # every author, as Atom allows (RSS takes none without e-mail)
        author = site.members.get(handle)
        if author is not None:
            uri = urljoin(site.settings.site_url, author.url)
            entry.author(name=clean_text(author.title), uri=uri)
    for tag in item.tags:
        entry.category(term=tag)
    # RSS readers take <description> as HTML, so the plain text goes in escaped;
    # type="html" tells Atom readers the same.
    summary = clean_text(views.excerpt(item)) or clean_text(item.title)
    entry.summary(html_text.escape(summary, quote=False), type="html")
    if content:
        entry.content(content, type="html")
    return entry
