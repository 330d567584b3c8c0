"""Word-level differences between two texts, as HTML a page can show."""

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
