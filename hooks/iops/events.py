"""Events: listings, what item, chapter and home pages show of them, calendars.

An event is upcoming until it ends (until it starts, when it has no end),
measured against the build's `site.now`; the nightly build moves events on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import babel.dates

from . import calendars
from .listings import GeneratedPage, Listing, paginate
from .model import Item, Site, newest_first
from .outputs import Output
from .translations import N_, Phrase
from .urls import owner_prefix, webcal_url

# URL formats of the events' generated pages and calendars; `owner` is
# "chapters/<c>/" for a chapter's. Item pages are at events/{year}/{slug}/
# (urls.ITEM_URLS): a year is digits, so "page" and "past" never collide.
EVENT_URLS = {
    "upcoming": "{owner}events/",
    "upcoming_page": "{owner}events/page/{number}/",
    "past": "{owner}events/past/",
    "past_page": "{owner}events/past/page/{number}/",
    "calendar": "{owner}events/calendar.ics",
    "item_calendar": "{url}{slug}.ics",
}
# The listings: (first page, later pages, title, the order its pager names).
LISTINGS = (
    ("upcoming", "upcoming_page", N_("Upcoming events"), "soonest"),
    ("past", "past_page", N_("Past events"), "newest"),
)


def event_url(name: str, owner: str | None = None, **parts: object) -> str:
    return EVENT_URLS[name].format(owner=owner_prefix(owner), **parts)


def item_calendar_url(item: Item) -> str:
    return event_url("item_calendar", url=item.url, slug=item.slug)


def webcal(site: Site, path: str) -> str:
    """The webcal:// address of a calendar: calendar apps subscribe to it."""
    return webcal_url(site.settings.site_url, path)


def ends(item: Item) -> dt.datetime:
    """When an event is over: its end, else its start."""
    end = calendars.event_end(item)
    assert item.when is not None  # `start` is required of every event
    return end or item.when


def upcoming(events: Sequence[Item], now: dt.datetime) -> list[Item]:
    """Events not over yet, soonest first."""
    ahead = [e for e in events if ends(e) > now]
    return sorted(ahead, key=lambda e: (e.when, e.source))


def past(events: Sequence[Item], now: dt.datetime) -> list[Item]:
    """Events that are over, newest first."""
    return newest_first([e for e in events if ends(e) <= now])


# What an author is told of a time the clocks skip or repeat: (what is wrong, how to fix it).
CLOCK_PROBLEMS = {
    "skipped": (
        "does not exist in {zone}: the clocks go forward over it",
        "move it out of the skipped hour (e.g. an hour later), or check the timezone",
    ),
    "repeated": (
        "happens twice in {zone}: the clocks go back over it",
        "move it out of the repeated hour, so that it is clear which one is meant",
    ),
}


def clock_change(local: dt.datetime, zone: dt.tzinfo) -> str | None:
    """'skipped' if a wall-clock time falls in the hour the clocks go forward,
    'repeated' if it falls in the hour they go back, else None.

    Python reads both without complaint (PEP 495's `fold` picks one side), so
    the event would quietly be an hour off for some readers.
    """
    early, late = local.replace(tzinfo=zone, fold=0), local.replace(tzinfo=zone, fold=1)
    if early.utcoffset() == late.utcoffset():
        return None
    # A time that exists comes back unchanged from UTC; a skipped one does not.
    back = early.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    return "repeated" if back == local else "skipped"


# --- how pages show an event -------------------------------------------------


@dataclass(frozen=True)
class Showing:
    """An event as pages show it: its times written in its own timezone."""

    item: Item
    start_text: str
    """'Tuesday, November 25, 2014, 18:30' (with its zone when the end has its own)."""
    end_text: str | None
    separator: str
    """Between start and end: '–' within a day, ' – ' across days."""
    zone_text: str
    """' GMT (UTC+00:00)' after the end, or empty when each time carries its own."""
    start_iso: str
    """For <time datetime>: the local time with its UTC offset, an exact instant."""
    end_iso: str | None
    calendar_url: str
    webcal_url: str
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    lang: str = ""
    """The language the texts are in: the item's."""

    def in_language(self, lang: str) -> Showing:
        """The same times written in `lang`: a listing's, not the item's."""
        if lang == self.lang or self.start is None:
            return self
        start_text, end_text, separator, zone_text = _phrases(self.start, self.end, lang)
        return dataclasses.replace(
            self,
            start_text=start_text,
            end_text=end_text,
            separator=separator,
            zone_text=zone_text,
            lang=lang,
        )

    @property
    def text(self) -> str:
        end = f"{self.separator}{self.end_text}" if self.end_text else ""
        return f"{self.start_text}{end}{self.zone_text}"


def zone_label(when: dt.datetime) -> str:
    """'GMT (UTC+00:00)'; zones without an abbreviation show the offset only."""
    offset = when.utcoffset() or dt.timedelta()
    sign = "-" if offset < dt.timedelta() else "+"
    hours, rest = divmod(abs(offset), dt.timedelta(hours=1))
    utc = f"UTC{sign}{hours:02d}:{rest // dt.timedelta(minutes=1):02d}"
    name = when.tzname() or ""
    return f"{name} ({utc})" if name[:1].isalpha() and name != "UTC" else utc


def _babel_locale(lang: str) -> str:
    """babel's name of a language: en-GB → en_GB."""
    return lang.replace("-", "_")


def _day_and_time(when: dt.datetime, lang: str) -> str:
    locale = _babel_locale(lang)
    day = babel.dates.format_date(when.date(), "full", locale=locale)
    return f"{day}, {babel.dates.format_skeleton('Hm', when, locale=locale)}"


def show(site: Site, item: Item) -> Showing:
    """An event's times in words, in the item's language and its own timezone."""
    assert item.when is not None  # `start` is required of every event
    start, end = item.when, calendars.event_end(item)
    calendar_url = item_calendar_url(item)
    return Showing(
        item,
        *_phrases(start, end, item.lang),
        start_iso=start.isoformat(timespec="minutes"),
        end_iso=end.isoformat(timespec="minutes") if end else None,
        calendar_url=calendar_url,
        webcal_url=webcal(site, calendar_url),
        start=start,
        end=end,
        lang=item.lang,
    )


def _phrases(
    start: dt.datetime, end: dt.datetime | None, lang: str
) -> tuple[str, str | None, str, str]:
    """start_text, end_text, separator and zone_text of a `Showing`."""
    if end is None:
        return _day_and_time(start, lang), None, "", " " + zone_label(start)
    if end.date() == start.date() and end.utcoffset() == start.utcoffset():
        end_time = babel.dates.format_skeleton("Hm", end, locale=_babel_locale(lang))
        return _day_and_time(start, lang), end_time, "–", " " + zone_label(start)
    # Across days or a change of the clocks: each time with its own offset.
    return (
        f"{_day_and_time(start, lang)} {zone_label(start)}",
        f"{_day_and_time(end, lang)} {zone_label(end)}",
        " – ",
        "",
    )


# --- listings ----------------------------------------------------------------


@dataclass(frozen=True)
class EventListing(Listing):
    """A page of events; `events` shows each of `items`."""

    events: tuple[Showing, ...] = ()
    order: str = "newest"
    """How the pages go, for the pager's words: "soonest" first, or "newest"."""
    calendar_url: str = ""
    webcal_url: str = ""


@dataclass(frozen=True)
class Scope:
    """Events that one set of listings and one calendar cover."""

    owner: str | None
    """The chapter, whose sub-chapters' events count too; None for the whole site."""
    name: str
    events: tuple[Item, ...]


def scopes(site: Site) -> list[Scope]:
    """Every event of the site, then each chapter's with its sub-chapters'."""
    everything = Scope(None, site.settings.site_name, tuple(site.of_kind("event")))
    return [everything] + [
        Scope(c.slug, c.title, tuple(site.owned_by("event", site.chapter_family(c.slug))))
        for c in site.of_kind("chapter")
    ]


def pages(site: Site) -> list[GeneratedPage]:
    """Upcoming and past events, paginated, of the site and of each chapter."""
    return [page for scope in scopes(site) for page in _listings(site, scope)]


def _listings(site: Site, scope: Scope) -> list[GeneratedPage]:
    owner, calendar_url = scope.owner, event_url("calendar", scope.owner)
    split = {"upcoming": upcoming(scope.events, site.now), "past": past(scope.events, site.now)}
    links = tuple((title, event_url(first, owner)) for first, _, title, _ in LISTINGS)
    result = []
    for first, later, heading, order in LISTINGS:
        title: str = heading
        if owner:
            title = Phrase("%(section)s: %(chapter)s", section=heading, chapter=scope.name)
        first_url, page_url = event_url(first, owner), event_url(later, owner, number="{number}")
        for url, page in paginate(site, split[first], first_url, page_url, title):
            view = EventListing(
                page.title,
                page.items,
                page.pager,
                links=links,
                events=tuple(show(site, item) for item in page.items),
                order=order,
                calendar_url=calendar_url,
                webcal_url=webcal(site, calendar_url),
            )
            result.append(GeneratedPage(url, "events.html", title, view, f"the listing {title!r}"))
    return result


# --- what other pages show ---------------------------------------------------


@dataclass(frozen=True)
class UpcomingEvents:
    """The next few events of a chapter (with its sub-chapters) or the site."""

    events: tuple[Showing, ...]
    listing_url: str
    past_url: str
    calendar_url: str
    webcal_url: str


def context(site: Site, item: Item) -> dict[str, Any]:
    """What the page of `item` shows of events (its own page, a chapter, home)."""
    if item.kind == "event":
        return {"event": show(site, item)}
    if item.kind == "chapter":
        family = site.owned_by("event", site.chapter_family(item.slug))
        return {"upcoming_events": _upcoming_box(site, family, item.slug)}
    if item.url == "":
        return {"upcoming_events": _upcoming_box(site, site.of_kind("event"), None)}
    return {}


def _upcoming_box(site: Site, events: Sequence[Item], owner: str | None) -> UpcomingEvents:
    soonest = upcoming(events, site.now)[: site.settings.home_size]
    calendar_url = event_url("calendar", owner)
    return UpcomingEvents(
        tuple(show(site, item) for item in soonest),
        event_url("upcoming", owner),
        event_url("past", owner),
        calendar_url,
        webcal(site, calendar_url),
    )


# --- calendars ---------------------------------------------------------------


def calendar_subscriptions(site: Site) -> list[tuple[str, str, str]]:
    """(title, listing URL, .ics path) of the site's and each chapter's calendar."""
    return [
        (
            f"{scope.name}: events",
            event_url("upcoming", scope.owner),
            event_url("calendar", scope.owner),
        )
        for scope in scopes(site)
    ]


def outputs(site: Site) -> list[Output]:
    """A calendar of every event, one of each chapter's (with its sub-chapters'), one per event."""
    settings, result = site.settings, []
    for scope in scopes(site):
        path, page = event_url("calendar", scope.owner), event_url("upcoming", scope.owner)
        name = f"{scope.name}: events"
        render = partial(calendars.calendar, settings, name, path, page, scope.events)
        result.append(Output(path, render, f"the calendar {name!r}"))
    for item in site.of_kind("event"):
        path = item_calendar_url(item)
        render = partial(calendars.calendar, settings, item.title, path, item.url, [item])
        result.append(Output(path, render, f"the calendar of {item.source}"))
    return result
