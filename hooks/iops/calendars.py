"""iCalendar (RFC 5545) files of events, made with the icalendar library.

Every value in a calendar comes from the content and the settings, never from
the clock or the order files were read in: two builds of the same content
write the same bytes, and calendar apps that subscribe see no change where
there was none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import icalendar

from .model import Item
from .sanitize import clean_text
from .settings import Settings
from .urls import stable_id

PRODID = "-//IOPS//IOPS site//EN"
"""Names the software that made the file (RFC 5545, 3.7.3)."""


def event_end(item: Item) -> dt.datetime | None:
    """The end of an event as an aware datetime in the zone of its start."""
    end = item.field("end")
    if end is None or item.when is None:
        return None
    return end.replace(tzinfo=item.when.tzinfo)


def stable_uid(settings: Settings, path: str) -> str:
    """A UID that changes only when the file is renamed or the site moves
    (see `urls.stable_id`), which is then a new event."""
    return str(stable_id(settings.site_url, path))


def text(value: str | None) -> icalendar.vText | None:
    """Front-matter text as an iCalendar TEXT value.

    vText escapes line ends, commas, semicolons and backslashes, so a title or
    place can't end its line and start a property of its own (ICS injection);
    control characters, which RFC 5545 forbids in TEXT, are dropped. Made
    explicit for every value, because icalendar writes properties that it
    does not know (NAME, X-WR-CALNAME) unescaped.
    """
    return None if value is None else _Text(clean_text(value))


class _Text(icalendar.vText):
    """vText, but a backslash before an N stays one: icalendar reads "\\N" in
    the value as an escaped line end (its escape_char's first step), so a
    title "C:\\New" would break its line. Control characters are gone from
    the value (`text`), so NUL can stand in for each "\\N" while it escapes."""

    def to_ical(self) -> bytes:
        escaped = icalendar.vText(self.replace("\\N", "\0")).to_ical()
        return escaped.replace(b"\0", b"\\\\N")


def vevent(settings: Settings, item: Item) -> icalendar.Event:
    """One event: times with their TZID (or UTC), what, where and its page."""
    assert item.when is not None  # `start` is required of every event
    location = text(item.field("location") or item.field("online"))
    event = icalendar.Event.new(
        uid=stable_uid(settings, item.source),
        # DTSTAMP is meant to be when the object was made. The build time would
        # change every file at every nightly build and tell subscribers that
        # every event changed; the content has no edit time of its own, so the
        # start in UTC stands in: stable, and it changes when the event moves.
        stamp=item.when.astimezone(dt.UTC),
        start=item.when,
        summary=text(item.title),
        description=text(item.summary),
        location=location,
        url=settings.site_url + item.url,
    )
    # An event without an end gets DTSTART alone. RFC 5545 (3.6.1) reads that
    # as ending when it starts; a made-up DURATION would tell subscribers an
    # end time that nobody announced.
    end = event_end(item)
    if end is not None:
        event.end = end
    return event


def calendar(
    settings: Settings, name: str, path: str, page_url: str, events: Sequence[Item]
) -> bytes:
    """The .ics at `path` (site-relative) holding `events`, named `name`.

    icalendar writes CRLF line ends and folds lines at 75 octets.
    """
    cal = icalendar.Calendar.new(
        prodid=PRODID,
        calscale="GREGORIAN",
        method="PUBLISH",
        name=text(name),  # NAME (RFC 7986) and X-WR-CALNAME, which most apps read
        uid=stable_uid(settings, path),  # Calendar.new would make a random one
        url=settings.site_url + page_url,
    )
    ordered = sorted(events, key=lambda e: (e.when, e.source))
    for item in ordered:
        cal.add_component(vevent(settings, item))
    if ordered:
        cal.add_missing_timezones(*_span(ordered))
        _zones_first_by_name(cal)
        _one_rdate_a_line(cal)
    return cal.to_ical()


def _zones_first_by_name(cal: icalendar.Calendar) -> None:
    """icalendar adds the VTIMEZONEs in the order of a set, which changes from
    run to run; sorted by TZID, two builds of one commit write the same bytes."""
    zones = sorted(cal.timezones, key=lambda zone: str(zone["TZID"]))
    others = [part for part in cal.subcomponents if part.name != "VTIMEZONE"]
    cal.subcomponents[:] = [*zones, *others]


def _one_rdate_a_line(cal: icalendar.Calendar) -> None:
    """Write each RDATE of a VTIMEZONE as a property of its own.

    icalendar lists a zone's changes as one comma-separated RDATE; vobject
    (and the CalDAV servers built on it) reads only its first value and so
    puts every later summer in winter time. One value a line means the same
    (RFC 5545, 3.8.5.2) and every reader we tried agrees on it.
    """
    for zone in cal.timezones:
        for part in zone.subcomponents:
            found = part.pop("RDATE", None)
            for values in found if isinstance(found, list) else [found] if found else []:
                for value in values.dts:
                    part.add("RDATE", value.dt)


def _span(events: Sequence[Item]) -> tuple[dt.date, dt.date]:
    """Whole years around the events: their VTIMEZONEs describe only these, so
    files stay small and depend on the content alone."""
    starts = [e.when for e in events if e.when is not None]
    ends = [event_end(e) or e.when for e in events]
    last = max(when.year for when in [*starts, *ends] if when is not None)
    return dt.date(min(w.year for w in starts), 1, 1), dt.date(last + 1, 1, 1)
