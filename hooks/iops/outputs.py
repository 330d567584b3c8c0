"""Files a build writes beside its pages: calendars, poll results, OPML."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    """A generated file that is not a page."""

    path: str
    """Where it is written, relative to the site folder: events/calendar.ics."""
    content: bytes
    what: str
    """How problems name it: "the calendar of London"."""
