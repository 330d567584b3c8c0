"""Word-level differences between two texts, cut to what an editor reads.

Lines are compared first and words only inside the lines that differ: a
Markdown paragraph is one line, so an edit of one word shows as that word,
and a long post costs a line diff, not a diff of every word against every
word. Runs of unchanged words keep a little context either side of each
change; the rest is left out, and so are changes past a budget of words.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

CONTEXT_WORDS = 8
"""Unchanged words shown before and after each change."""
RUN_WORDS = 60
"""Words shown of one run of removed or added words (a new paragraph, say)."""
BUDGET_WORDS = 240
"""Words shown of all the changes of one text; the changes past it are counted."""


@dataclass(frozen=True)
class Run:
    """Words that are the same on both sides, removed, added, or left out (a gap)."""

    op: str
    """"same", "del", "ins", or "gap" (words left out; `words` is empty)."""
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class WordDiff:
    hunks: tuple[tuple[Run, ...], ...]
    """Each change with its context, in the order of the text."""
    more: int = 0
    """Changes left out, past the budget."""

    @property
    def spacing_only(self) -> bool:
        """The texts differ in spacing or line breaks alone."""
        return not self.hunks and not self.more


def word_diff(
    before: str,
    after: str,
    context: int = CONTEXT_WORDS,
    run_words: int = RUN_WORDS,
    budget: int = BUDGET_WORDS,
) -> WordDiff:
    """The changes that turn `before` into `after`, word by word.

    Once `budget` words are shown, the changes left are counted, not shown:
    the first change always is, however long."""
    hunks: list[tuple[Run, ...]] = []
    more, spent = 0, 0
    for hunk in _hunks(list(_runs(before, after)), context):
        if more:
            more += _changes(hunk)
            continue
        shown: list[Run] = []
        for index, run in enumerate(hunk):
            run = _cut(run, run_words)
            starts = run.op in _CHANGES and not (shown and shown[-1].op in _CHANGES)
            if starts and (hunks or shown) and spent + len(run.words) > budget:
                more = _changes(hunk[index:])
                shown.append(Run("gap"))
                break
            shown.append(run)
            spent += len(run.words)
        hunks.append(tuple(shown))
    return WordDiff(tuple(hunks), more)


_CHANGES = ("del", "ins")


def _changes(runs: tuple[Run, ...]) -> int:
    """How many changes (words removed, added, or replaced) `runs` hold."""
    return sum(
        1
        for i, run in enumerate(runs)
        if run.op in _CHANGES and not (i and runs[i - 1].op in _CHANGES)
    )


def _runs(before: str, after: str) -> Iterator[Run]:
    """Same, removed and added words, the whole text through."""
    old, new = before.splitlines(), after.splitlines()
    lines = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        old_words = [w for line in old[i1:i2] for w in line.split()]
        if tag == "equal":
            yield Run("same", tuple(old_words))
            continue
        new_words = [w for line in new[j1:j2] for w in line.split()]
        words = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
        for op, a1, a2, b1, b2 in words.get_opcodes():
            if op == "equal":
                yield Run("same", tuple(old_words[a1:a2]))
                continue
            if a2 > a1:
                yield Run("del", tuple(old_words[a1:a2]))
            if b2 > b1:
                yield Run("ins", tuple(new_words[b1:b2]))


def _hunks(runs: list[Run], context: int) -> Iterator[tuple[Run, ...]]:
    """Each group of changes, with `context` unchanged words either side of it."""
    runs = _merged(runs)
    changes = [i for i, run in enumerate(runs) if run.op != "same"]
    hunk: list[Run] = []
    for number, index in enumerate(changes):
        if not hunk:
            hunk = _lead(runs[index - 1].words if index else (), context)
        hunk.append(runs[index])
        following = runs[index + 1] if index + 1 < len(runs) else Run("same")
        if following.op != "same":
            continue
        last = number + 1 == len(changes)
        if not last and len(following.words) <= 2 * context:
            hunk.append(following)  # short enough: the next change joins this hunk
            continue
        hunk.append(Run("same", following.words[:context]))
        if len(following.words) > context:
            hunk.append(Run("gap"))
        yield tuple(r for r in hunk if r.op == "gap" or r.words)
        hunk = []


def _lead(words: tuple[str, ...], context: int) -> list[Run]:
    if len(words) <= context:
        return [Run("same", words)]
    return [Run("gap"), Run("same", words[-context:])]


def _merged(runs: list[Run]) -> list[Run]:
    """Neighbouring runs of one kind as one; empty runs dropped."""
    merged: list[Run] = []
    for run in runs:
        if not run.words:
            continue
        if merged and merged[-1].op == run.op:
            merged[-1] = Run(run.op, merged[-1].words + run.words)
        else:
            merged.append(run)
    return merged


def _cut(run: Run, limit: int) -> Run:
    """A removed or added run of at most `limit` words, then an ellipsis."""
    if run.op in ("same", "gap") or len(run.words) <= limit:
        return run
    return Run(run.op, (*run.words[:limit], "…"))
