"""Dates and times written in the reader's language (babel)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache, lru_cache

import babel
import babel.dates


@dataclass(frozen=True)
class PartialDate:
    """A year, or a year and month, when no more is known: a chapter founded
    "in 2012". Shown as given ("2012", "March 2012"); no day is invented."""

    year: int
    month: int | None = None

    @property
    def first_day(self) -> dt.date:
        """Where it sorts among full dates: at its start."""
        return dt.date(self.year, self.month or 1, 1)

    def isoformat(self) -> str:
        """2012 or 2012-03: valid in HTML's <time datetime>."""
        return f"{self.year:04d}" if self.month is None else f"{self.year:04d}-{self.month:02d}"

    def __str__(self) -> str:
        """As typed, like a date's str(): wherever a field's value is shown as text."""
        return self.isoformat()


Day = dt.date | dt.datetime | PartialDate


@cache
def _locale(lang: str) -> babel.Locale:
    return babel.Locale.parse(lang.replace("-", "_"))


def format_day(when: Day | None, lang: str) -> str:
    """'1 October 2014' in English, '1. Oktober 2014' in German; of a
    `PartialDate`, only what is known: '2012', 'March 2012'."""
    if when is None:
        return ""
    if isinstance(when, PartialDate):
        if when.month is None:
            return str(when.year)
        return format_month(when.first_day, lang)
    return _long_day(when.date() if isinstance(when, dt.datetime) else when, lang)


@lru_cache(maxsize=1 << 14)
def _long_day(day: dt.date, lang: str) -> str:
    """Remembered: an item's date is on every listing page it is on, and
    babel takes longer to format it than the template takes to print it."""
    return babel.dates.format_date(day, "long", locale=_locale(lang))


def format_month(when: dt.date | dt.datetime, lang: str) -> str:
    return babel.dates.format_skeleton("yMMMM", when, locale=_locale(lang))


def iso_day(when: Day | None) -> str:
    """The machine-readable form for <time datetime="…">."""
    if when is None:
        return ""
    if isinstance(when, PartialDate):
        return when.isoformat()
    return (when.date() if isinstance(when, dt.datetime) else when).isoformat()


def country_name(code: str, lang: str) -> str:
    return str(_locale(lang).territories.get(code, code))


def language_name(code: str) -> str:
    """The language's own name for itself: 'Deutsch', 'español'."""
    return str(_locale(code).get_display_name(_locale(code)) or code)
