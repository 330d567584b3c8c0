"""Whether a translation still follows its original: the commits that changed
the original since the one the translation records (`original_commit`),
leaving out those marked ``[translation: skip]``.

Pure functions over items and a `gitlog.History`; the problems they find
name the file, the line and the commit to record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .gitlog import SKIP_MARK, Change, History
from .model import Item
from .problems import Problem


@dataclass(frozen=True)
class Staleness:
    """How far a translation is behind its original."""

    translation: str
    original: str
    recorded: str
    """The commit of the original the translation follows (its full id)."""
    changes: int
    """Commits that changed the original since, not counting skip-marked ones."""
    since: dt.date | None
    """The day of the first of them."""
    latest: str
    """The original's last commit: what to record once the translation is updated."""
    recorded_blob: str
    """The original's text at the recorded commit (a blob id), for the diff."""

    @property
    def outdated(self) -> bool:
        return self.changes > 0


def staleness(item: Item, history: History) -> tuple[Staleness | None, list[Problem]]:
    """The state of one translation, and what is wrong with what it records."""
    assert item.original is not None
    latest = history.last_change(item.original)
    full = history.resolve(item.field("original_commit") or "")
    if full is None:
        return None, [_unfollowed(item, history, latest.sha if latest else None)]
    counted = counted_changes(history, item.original, full)
    first = min((history.commits[c.sha].time for c in counted), default=None)
    at = history.change_at(item.original, full)
    state = Staleness(
        item.source,
        item.original,
        full,
        len(counted),
        dt.datetime.fromtimestamp(first, dt.UTC).date() if first is not None else None,
        latest.sha if latest else full,
        at.blob if at else "",
    )
    if not state.outdated:
        return state, []
    return state, [
        Problem(
            item.source,
            item.meta.line("original_commit"),
            "original_commit",
            f"the translation is out of date: {item.original} changed in {state.changes} "
            f"commit(s) since {full[:10]}, first on {state.since}",
            f"bring the translation up to date, then set original_commit: {state.latest} "
            f"(a commit that needs no translation can say {SKIP_MARK} in its message)",
            severity="warning",
        )
    ]


def counted_changes(history: History, original: str, since: str) -> list[Change]:
    """The commits that changed `original` and that `since` does not contain,
    skip-marked ones left out."""
    return [
        c
        for c in history.changes_since(original, since)
        if not history.commits[c.sha].skips_translations
    ]


def _unfollowed(item: Item, history: History, latest: str | None) -> Problem:
    """A translation that records no commit, or one the history does not have."""
    current = latest or "<the original's last commit>"
    recorded = item.field("original_commit")
    line = item.meta.line("original_commit")
    if recorded is None:
        return Problem(
            item.source,
            item.meta.line("translation_of") or 1,
            "original_commit",
            "the translation does not say which commit of its original it follows, so "
            "nobody can tell when it falls behind",
            f"add original_commit: {current} (the original's last commit) once it matches "
            "that text",
            severity="warning",
        )
    if history.shallow:
        return shallow_problem(item.source, line, "original_commit")
    return Problem(
        item.source,
        line,
        "original_commit",
        f"commit {recorded} is not in the repository's history (was the branch "
        "rebased or squashed?)",
        f"compare the translation with {item.original} and record the original's "
        f"current commit: original_commit: {current}",
    )


def shallow_problem(rel: str, line: int | None, field: str) -> Problem:
    """What a shallow clone hides, and how to fetch it."""
    return Problem(
        rel,
        line,
        field,
        "the repository is a shallow clone, so the commits this needs are missing: "
        "translations' states and statements' versions need the whole history",
        "fetch all of it: `git fetch --unshallow` (in GitHub Actions, actions/checkout "
        "with fetch-depth: 0)",
    )


def left_behind(
    translations: Iterable[Item], history: History, base: str
) -> list[tuple[Item, int]]:
    """The translations a change leaves behind: each one whose original was
    changed by commits since `base` (a commit id) that it does not follow,
    and how many such commits (skip-marked ones not counted)."""
    found = []
    for item in translations:
        recorded = history.resolve(item.field("original_commit") or "")
        if item.original is None or recorded is None:
            continue
        new = [
            c
            for c in counted_changes(history, item.original, recorded)
            if not history.contains(base, c.sha)
        ]
        if new:
            found.append((item, len(new)))
    return found


def left_behind_report(found: list[tuple[Item, int]], markdown: bool) -> str:
    """What the pull request's summary says of them."""
    if not found:
        return "" if markdown else "No translation is left behind by this change.\n"
    lines = ["### Translations this change leaves behind", ""] if markdown else []
    for item, count in found:
        what = f"{item.source} ({item.lang}): {item.original} changed in {count} commit(s)"
        lines.append(
            f"- `{item.source}` ({item.lang}): `{item.original}` changed in {count} commit(s) here"
            if markdown
            else what
        )
    if markdown:
        lines += ["", "Translators: see the translation status page, `/translations/`."]
    return "\n".join(lines) + "\n"
