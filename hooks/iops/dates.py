"""Dates and times written in the reader's language (babel)."""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

import babel
import babel.dates


@cache
def _locale(lang: str) -> babel.Locale:
    return babel.Locale.parse(lang.replace("-", "_"))


def format_day(when: dt.date | dt.datetime | None, lang: str) -> str:
    """'1 October 2014' in English, '1. Oktober 2014' in German."""
    if when is None:
        return ""
    return _long_day(when.date() if isinstance(when, dt.datetime) else when, lang)


@lru_cache(maxsize=1 << 14)
def _long_day(day: dt.date, lang: str) -> str:
    """Remembered: an item's date is on every listing page it is on, and
    babel takes longer to format it than the template takes to print it."""
    return babel.dates.format_date(day, "long", locale=_locale(lang))


def format_month(when: dt.date | dt.datetime, lang: str) -> str:
    return babel.dates.format_skeleton("yMMMM", when, locale=_locale(lang))


def iso_day(when: dt.date | dt.datetime | None) -> str:
    """The machine-readable form for <time datetime="…">."""
    if when is None:
        return ""
    return (when.date() if isinstance(when, dt.datetime) else when).isoformat()


def country_name(code: str, lang: str) -> str:
    return str(_locale(lang).territories.get(code, code))


def language_name(code: str) -> str:
    """The language's own name for itself: 'Deutsch', 'español'."""
    return str(_locale(code).get_display_name(_locale(code)) or code)
