"""The Feeds page and the OPML file: every feed and calendar in one place."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urljoin

from .feeds import Feed
from .listings import GeneratedPage
from .outputs import Output
from .settings import Settings
from .urls import webcal_url

FEEDS_URL = "feeds/"
OPML_PATH = "feeds.opml"


@dataclass(frozen=True)
class Subscription:
    """Something to subscribe to: a feed in two formats, or a calendar."""

    title: str
    page_url: str
    links: tuple[tuple[str, str], ...]
    """(format label, site-relative path) pairs."""


@dataclass(frozen=True)
class SubscriptionsView:
    feeds: tuple[Subscription, ...]
    calendars: tuple[Subscription, ...]
    opml_path: str
    site_url: str

    def webcal(self, path: str) -> str:
        """The webcal:// address that makes calendar apps subscribe."""
        return webcal_url(self.site_url, path)


def subscriptions(
    feeds: list[Feed], calendars: list[tuple[str, str, str]], settings: Settings
) -> SubscriptionsView:
    """`calendars` are (title, page URL, .ics path) triples."""
    return SubscriptionsView(
        tuple(
            Subscription(f.title, f.page_url, (("RSS", f.path("rss")), ("Atom", f.path("atom"))))
            for f in feeds
        ),
        tuple(Subscription(t, url, (("iCalendar", path),)) for t, url, path in calendars),
        OPML_PATH,
        settings.site_url,
    )


def feeds_page(view: SubscriptionsView) -> GeneratedPage:
    return GeneratedPage(FEEDS_URL, "feeds.html", "Feeds and calendars", view, "the Feeds page")


def opml(view: SubscriptionsView, settings: Settings) -> Output:
    """An OPML 2.0 list of every feed (Atom) and calendar, for feed readers to import."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = f"{settings.site_name}: feeds and calendars"
    body = ET.SubElement(root, "body")
    for group, entries, kind in (
        ("Feeds", view.feeds, "rss"),
        ("Calendars", view.calendars, "link"),
    ):
        outline = ET.SubElement(body, "outline", text=group)
        for entry in entries:
            path = entry.links[-1][1]
            attributes = {
                "type": kind,
                "text": entry.title,
                "title": entry.title,
                "htmlUrl": urljoin(settings.site_url, entry.page_url),
                ("xmlUrl" if kind == "rss" else "url"): urljoin(settings.site_url, path),
            }
            ET.SubElement(outline, "outline", attributes)
    ET.indent(root)
    content = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    return Output(OPML_PATH, lambda: content, "the OPML list of feeds")
