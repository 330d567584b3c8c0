"""Warnings about what is valid but most likely a slip: a tag one letter away
from a tag the site already uses, a file name dated other than its item.

Each is a warning, not an error: the check cannot know that the new tag is not
meant, or that the file was not renamed on purpose; it says what it sees and
how to fix it, and the build goes on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from .model import Item, by_age
from .problems import Problem

CLOSE = 0.8
"""How alike two names must be (difflib's ratio) to be offered as a correction:
one letter wrong, missing or extra in a word of five or more."""
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-")
DATED_BY_NAME = {"post": "date", "news": "date"}
"""Kinds whose files are named by their date (`build.py new`), and the field
(an event keeps its file name when it moves to another day)."""


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like `name` (a typo of it), if one is close enough."""
    # Only names of about the same length can be that alike: on a site of
    # thousands of tags this spares comparing each with all.
    alike = [k for k in known if abs(len(k) - len(name)) <= 2 and k != name]
    found = difflib.get_close_matches(name, alike, n=1, cutoff=CLOSE)
    return found[0] if found else None


def did_you_mean(name: str, known: Iterable[str], otherwise: str) -> str:
    """The hint for a name that is not known: the close one, if any, then `otherwise`."""
    close = closest(name, known)
    return f"did you mean {close!r}? If not, {otherwise}" if close else otherwise


def tag_problems(items: Sequence[Item]) -> Iterable[Problem]:
    """A tag used by one file only, close to a tag another file uses: a warning
    with "did you mean". Of two such tags used once each, the newer item's is
    taken for the new one, and only its file is warned."""
    users: dict[str, set[str]] = defaultdict(set)
    by_source = {item.source: item for item in items}
    for item in items:
        for tag in item.tags:
            users[tag].add(item.source)
    lonely = {tag for tag, sources in users.items() if len(sources) == 1}
    for tag in sorted(lonely):
        [source] = users[tag]
        close = closest(tag, (other for other, by in users.items() if by - {source}))
        if close is None or (close in lonely and _newer(users[close], source, by_source)):
            continue
        others = len(users[close] - {source})
        yield Problem(
            source,
            by_source[source].meta.line("tags"),
            "tags",
            f"the tag {tag!r} is used by no other file, and {close!r} by {others}",
            f"did you mean {close!r}? If {tag!r} is a new tag on purpose, leave it",
            severity="warning",
        )


def _newer(sources: set[str], than: str, by_source: dict[str, Item]) -> bool:
    """Whether the one item of `sources` is newer than the item `than` (`by_age`)."""
    [source] = sources
    return by_age(by_source[source]) > by_age(by_source[than])


def file_date_problems(item: Item) -> Iterable[Problem]:
    """A file named for one day (2026-12-07-x.md) whose item is dated another."""
    field = DATED_BY_NAME.get(item.kind)
    named = _DATED_NAME.match(item.source.rsplit("/", 1)[-1])
    if field is None or named is None or not isinstance(value := item.field(field), dt.date):
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if named.group(1) == day.isoformat():
        return
    name = item.source.rsplit("/", 1)[-1]
    renamed = f"{day.isoformat()}-{name[len(named.group(0)) :]}"
    yield Problem(
        item.source,
        item.meta.line(field),
        field,
        f"the file name says {named.group(1)} but {field} is {day.isoformat()}",
        f"rename the file to {renamed}, or correct {field} if the name has the right day",
        severity="warning",
    )
