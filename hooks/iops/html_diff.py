"""Word-level differences between two texts, as HTML a page can show (a
translation's "what changed" page, a statement's history); `worddiff` is the
editor's summary's, cut to a budget of words."""

from __future__ import annotations

import difflib
import re

from markupsafe import escape

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> str:
    """`new` as HTML, words removed since `old` in <del>, words added in <ins>.

    Every piece of either text is escaped: the texts are members' Markdown.
    Spaces are tokens too, so the result keeps the text's line breaks."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    parts: list[str] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(str(escape("".join(after[b1:b2]))))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(before[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(after[b1:b2]))}</ins>")
    return "".join(parts)


SKIPPED = '<p class="iops-diff__skip">…</p>'
"""Stands for paragraphs that did not change (`changed_paragraphs`)."""


def changed_paragraphs(old: str, new: str) -> str:
    """Only the paragraphs that changed, each as a `word_diff`, with `SKIPPED`
    between them where unchanged paragraphs were left out: a translator
    reads what to translate again, not the whole text."""
    before, after = _paragraphs(old), _paragraphs(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    parts: list[str] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            if parts or a2 < len(before):
                parts.append(SKIPPED)
            continue
        diff = word_diff("\n\n".join(before[a1:a2]), "\n\n".join(after[b1:b2]))
        parts.append(f'<div class="iops-diff__change">{diff}</div>')
    return "".join(parts)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def counts(old: str, new: str) -> tuple[int, int]:
    """How many words were removed and added."""
    before, after = old.split(), new.split()
    removed = added = 0
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op != "equal":
            removed += a2 - a1
            added += b2 - b1
    return removed, added
