"""Files a build writes beside its pages: calendars, poll results, OPML."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Output:
    """A generated file that is not a page.

    Its bytes are made when first asked for: `check` needs only the paths
    (for URL collisions), and rendering every calendar is most of its time.
    """

    path: str
    """Where it is written, relative to the site folder: events/calendar.ics."""
    render: Callable[[], bytes]
    what: str
    """How problems name it: "the calendar of London"."""

    @cached_property
    def content(self) -> bytes:
        return self.render()
