"""What a page tells search engines and the apps a link is shared in.

`<meta name="description">`, OpenGraph and Twitter card tags, and JSON-LD
(schema.org: `BlogPosting` for posts and news, `Event` for events,
`Organization` on the home page). Made here as plain text; the template
escapes the tags' values, and `json_ld` makes the JSON safe to place raw
inside ``<script>``: a member's ``</script>`` or ``<!--`` in a title cannot
end it, as ``<``, ``>`` and ``&`` are written as JSON escapes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import calendars, cards, pictures
from .excerpts import shorten
from .model import Item, Site

DESCRIPTION_LENGTH = 160
"""What search engines show of a description, about."""


@dataclass(frozen=True)
class Sharing:
    title: str
    description: str
    url: str
    """Absolute: the canonical address."""
    type: str
    """OpenGraph's: "article" for posts and news, else "website"."""
    image: str
    """Absolute, or ""."""
    published: str
    """ISO 8601, or ""."""
    json_ld: str
    """A JSON document safe inside <script> (see the module), or ""."""


def sharing(site: Site, url: str, title: str, item: Item | None) -> Sharing:
    settings = site.settings
    absolute = settings.site_url + url
    if item is None:
        json_ld = json_ld_text(organization(site)) if url == "" else ""
        return Sharing(title, settings.site_description, absolute, "website", "", "", json_ld)
    image = pictures.picture_url(item, "image")
    article = item.kind in ("post", "news")
    return Sharing(
        title,
        description(item) or settings.site_description,
        absolute,
        "article" if article else "website",
        settings.site_url + image if image else "",
        item.when.isoformat() if article and item.when else "",
        json_ld_text(_document(site, item)),
    )


def description(item: Item) -> str:
    """The summary, else the first paragraph, cut after a whole word."""
    return item.summary or shorten(item.body_facts.opening, DESCRIPTION_LENGTH)


def _document(site: Site, item: Item) -> dict[str, Any] | None:
    if item.url == "":
        return organization(site)
    if item.kind in ("post", "news"):
        return blog_posting(site, item)
    if item.kind == "event":
        return event(site, item)
    return None


def organization(site: Site) -> dict[str, Any]:
    settings = site.settings
    return {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": settings.site_name,
        "description": settings.site_description,
        "url": settings.site_url,
        "logo": settings.site_url + "assets/logo.svg",
    }


def _publisher(site: Site) -> dict[str, Any]:
    return {"@type": "Organization", "name": site.settings.site_name, "url": site.settings.site_url}


def blog_posting(site: Site, item: Item) -> dict[str, Any]:
    url = site.settings.site_url + item.url
    people = cards.authors(site, item)
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": item.title,
        "description": description(item),
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": item.lang,
        "datePublished": item.when.isoformat() if item.when else None,
        "author": [
            {"@type": "Person", "name": p.name, "url": site.settings.site_url + p.url}
            for p in people
        ]
        or _publisher(site),
        "publisher": _publisher(site),
        "keywords": list(item.tags),
    }
    if item.field("image"):
        document["image"] = site.settings.site_url + pictures.picture_url(item, "image")
    return {key: value for key, value in document.items() if value not in (None, [], "")}


def event(site: Site, item: Item) -> dict[str, Any]:
    url = site.settings.site_url + item.url
    end = calendars.event_end(item)
    location: list[dict[str, Any]] = []
    if item.field("location"):
        location.append(
            {"@type": "Place", "name": item.field("location"), "address": item.field("location")}
        )
    if item.field("online"):
        location.append({"@type": "VirtualLocation", "url": item.field("online")})
    modes = {
        (True, False): "OfflineEventAttendanceMode",
        (False, True): "OnlineEventAttendanceMode",
        (True, True): "MixedEventAttendanceMode",
    }
    mode = modes.get((bool(item.field("location")), bool(item.field("online"))))
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": item.title,
        "description": description(item),
        "url": url,
        "inLanguage": item.lang,
        "startDate": item.when.isoformat() if item.when else None,
        "endDate": end.isoformat() if end else None,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": f"https://schema.org/{mode}" if mode else None,
        "location": location[0] if len(location) == 1 else location,
        "organizer": _publisher(site),
    }
    return {key: value for key, value in document.items() if value not in (None, [], "")}


def json_ld_text(document: dict[str, Any] | None) -> str:
    """JSON that no text in it can break out of a <script> element with."""
    if document is None:
        return ""
    text = json.dumps(document, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
