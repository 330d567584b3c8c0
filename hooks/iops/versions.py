"""A statement's versions, from git: each commit where its `version` changed
starts one, so nobody copies old texts by hand.

A version holds from its first commit to the next version's; its text is
its last commit's (a typo fixed within a version stays that version), and
the current version's is the file as it is now. Pure functions over items,
a `gitlog.History` and the texts of the files at its commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .gitlog import DELETED, History
from .model import Item, Site
from .problems import Problem
from .reader import parse_source
from .schema import validate


@dataclass(frozen=True)
class Decision:
    """What adopted a version: a poll of this site, or a decision taken elsewhere."""

    label: str
    """The poll's title, or who decided (`body`), or the link itself."""
    url: str
    """The poll's page (site-relative) or the decision's address (absolute)."""
    on_site: bool
    tally: str = ""


@dataclass(frozen=True)
class Version:
    statement: str
    """The statement's source."""
    number: int
    url: str
    since: dt.date
    """Its `adopted` date, else the day of its first commit."""
    commit: str
    """Its first commit; empty for a version not committed yet."""
    decision: Decision | None
    status: str | None
    lang: str
    """The language whose text is authoritative: the original's."""
    title: str
    body: str
    replaced_by: int | None = None
    replaced_on: dt.date | None = None


@dataclass(frozen=True)
class Text:
    """What a file said at one commit."""

    values: Mapping[str, Any]
    body: str


def read_text(rel: str, data: str) -> Text | None:
    """The front matter and body of a statement's text, or None if it does not parse."""
    source = parse_source(data.encode(), Path(rel), rel)
    if isinstance(source, Problem):
        return None
    front, problems = validate(source, "statement")
    if any(p.is_error for p in problems):
        return None
    return Text(dict(front.values), source.body)


def polls_by_handle(site: Site) -> dict[str, Item]:
    return {poll.slug: poll for poll in reversed(site.of_kind("poll"))}


def decision_of(site: Site, value: Any) -> Decision | None:
    if value is None:
        return None
    if isinstance(value, str):
        poll = polls_by_handle(site).get(value)
        if poll is None:
            return None
        return Decision(poll.title, poll.url, True, poll_tally(poll))
    return Decision(value.get("body") or value["url"], value["url"], False, value.get("tally", ""))


def poll_tally(poll: Item) -> str:
    """The votes of a poll's first question, as one line: "Yes 212 · No 9"."""
    questions = poll.field("questions") or ()
    if not questions:
        return ""
    return " · ".join(f"{o['label']} {o['votes']}" for o in questions[0]["options"])


def statement_versions(
    site: Site, item: Item, history: History, texts: Mapping[str, str]
) -> tuple[Version, ...]:
    """The versions of a statement, oldest first; `texts` are blobs by id."""
    groups: list[tuple[int, str, int, Text]] = []  # number, first commit, its time, last text
    for change in reversed(history.changes.get(item.source, ())):
        text = (
            read_text(item.source, texts.get(change.blob, "")) if change.blob != DELETED else None
        )
        if text is None:
            continue
        number = text.values.get("version", 1)
        if groups and groups[-1][0] == number:
            groups[-1] = (*groups[-1][:3], text)
        else:
            groups.append((number, change.sha, history.commits[change.sha].time, text))
    current = Text(dict(item.meta.values), item.body)
    number = item.field("version", 1)
    if groups and groups[-1][0] == number:
        groups[-1] = (*groups[-1][:3], current)
    else:
        groups.append((number, "", int(site.now.timestamp()), current))
    versions = [_version(site, item, *group) for group in groups]
    return tuple(
        _replaced(v, versions[i + 1] if i + 1 < len(versions) else None)
        for i, v in enumerate(versions)
    )


def _version(site: Site, item: Item, number: int, commit: str, time: int, text: Text) -> Version:
    adopted = text.values.get("adopted")
    since = adopted or dt.datetime.fromtimestamp(time, dt.UTC).date()
    return Version(
        statement=item.source,
        number=number,
        url=f"{item.url}v{number}/",
        since=since,
        commit=commit,
        decision=decision_of(site, text.values.get("decision")),
        status=text.values.get("status"),
        lang=text.values.get("lang") or item.lang,
        title=text.values.get("title") or item.title,
        body=text.body,
    )


def _replaced(version: Version, following: Version | None) -> Version:
    if following is None:
        return version
    return Version(
        **{**version.__dict__, "replaced_by": following.number, "replaced_on": following.since}
    )


def decision_problems(
    items: Iterable[Item], broken: Iterable[tuple[str, str]] = ()
) -> list[Problem]:
    """A `decision` naming no poll; a ratified statement without a decision."""
    items = list(items)
    polls = {i.slug for i in items if i.kind == "poll"} | {s for k, s in broken if k == "poll"}
    problems = []
    for item in items:
        if item.kind != "statement" or item.original is not None:
            continue
        decision = item.field("decision")
        if isinstance(decision, str) and decision not in polls:
            problems.append(
                Problem(
                    item.source,
                    item.meta.line("decision"),
                    "decision",
                    f"there is no poll named {decision!r}",
                    "name a poll by its file name in content/polls/ (without .md), or give "
                    "url: and tally: of a decision taken elsewhere",
                )
            )
        if item.field("status") == "ratified" and decision is None:
            problems.append(
                Problem(
                    item.source,
                    item.meta.line("status"),
                    "status",
                    "the statement is marked ratified, but no decision adopted it",
                    "add decision: with the poll that ratified it (its handle), or url: and "
                    "tally: of the decision; or set status: interim",
                )
            )
    return problems
