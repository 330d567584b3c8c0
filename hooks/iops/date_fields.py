"""Date field types: a day, a day or a time, a day or only its month or year.

Each reads the text as typed (see `fields`) by its shape first, then whether
it exists. A date written without its leading zeros (``2026-12-7``), whose
meaning is plain, gets the value to write in its hint.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from .dates import PartialDate
from .fields import FieldError, FieldType, single_value
from .reader import Scalar, Value

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?$")


def _iso(
    scalar: Scalar, shape: re.Pattern[str], parse: Callable[[str], Any], what: str, form: str
) -> Any:
    """Read an ISO date or time: first its shape, then whether it exists."""
    if not shape.match(scalar.text):
        guess = padded(scalar.text, parse)
        hint = f"did you mean {guess}? Write it as {form}" if guess else f"write it as {form}"
        raise FieldError(f"{scalar.text!r} is not a {what}", hint, scalar.line)
    try:
        return parse(scalar.text)
    except ValueError as err:
        raise FieldError(
            f"{scalar.text!r} is not a real {what} ({err})",
            "check the month (01-12), the day of the month and any hour (00-23) and minutes",
            scalar.line,
        ) from None


_LOOSE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:([T ])(\d{1,2}):(\d{2}))?$")


def padded(typed: str, parse: Callable[[str], Any]) -> str | None:
    """What a date typed without its leading zeros (2026-12-7, 2026-3-1T9:30)
    was meant to be, when that is a real date or time `parse` reads; else None."""
    found = _LOOSE.match(typed.strip())
    if found is None:
        return None
    year, month, day, sep, hour, minute = found.groups()
    guess = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    if sep:
        guess += f"T{int(hour):02d}:{minute}"
    try:
        parse(guess)
    except ValueError:
        return None
    return guess if guess != typed else None


_DATE_FORMS = "YYYY-MM-DD, e.g. 2014-01-15"


def date(value: Value) -> dt.date:
    scalar = single_value(value, "write a date as YYYY-MM-DD")
    return _iso(scalar, _DATE, dt.date.fromisoformat, "date", _DATE_FORMS)


def _date_or_time(what: str, form: str) -> FieldType:
    """A wall-clock time without offset, or a day (read as its midnight): its
    timezone is given apart. `form` says how to write it, in the order the
    field is mostly written (a post by its day, an event by its time)."""

    def read(value: Value) -> dt.datetime:
        scalar = single_value(value, f"write it as {form}")
        if _DATE.match(scalar.text):
            return dt.datetime.combine(date(value), dt.time())
        return _iso(scalar, _DATETIME, dt.datetime.fromisoformat, what, form)

    return read


day_or_time = _date_or_time(
    "date", "YYYY-MM-DD, e.g. 2026-12-07, or with a time YYYY-MM-DDTHH:MM, in the local time"
)
"""A post's date: mostly a day."""
local_datetime = _date_or_time(
    "date and time", "YYYY-MM-DDTHH:MM, e.g. 2014-11-25T18:30, in the local time"
)
"""An event's start or end: mostly a time."""

_PARTIAL = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def _day_month_or_year(typed: str) -> dt.date | PartialDate:
    year, _, rest = typed.partition("-")
    if len(rest) > 2:
        return dt.date.fromisoformat(typed)
    if rest and not 1 <= int(rest) <= 12:
        raise ValueError("month must be in 1..12")
    return PartialDate(int(year), int(rest) if rest else None)


def partial_date(value: Value) -> dt.date | PartialDate:
    """A day, or only its year or month when no more is known (an old chapter's
    founding): `2012`, `2012-03` or `2012-03-14`. Nothing invents the rest."""
    scalar = single_value(value, "write a date as YYYY-MM-DD, YYYY-MM or YYYY")
    form = "YYYY-MM-DD, e.g. 2012-03-14, or YYYY-MM or YYYY when no more is known"
    return _iso(scalar, _PARTIAL, _day_month_or_year, "date", form)
