"""What listings and sharing tags show of a body without converting its
Markdown: its first paragraph as plain text, and its length in words.

Both are read once, when the file is parsed (`parsing`), and kept with what
parsing made of it in the cache: every card, description and feed entry of
an item needs them, and reading them again for each (each page worker made
every card anew) was a fifth of a rebuild's page loop at 10,000 posts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[\^[^\]]*\]|[*_`#>|]|^\s*[-+]\s|\{:[^}]*\}", re.M)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_HTML = re.compile(r"<(script|style)\b.*?</\1\s*>|<[A-Za-z/!][^>]*>", re.S | re.I)
"""Raw HTML in a paragraph: a description is the text a reader sees, never its
tags (nor a script's code, which the page itself never shows)."""
_NOT_TEXT = ("#", "|", "```", "<", "[^")
"""How the blocks start that are not a paragraph of text: a heading, a
table, code, raw HTML, a footnote."""


@dataclass(frozen=True)
class BodyFacts:
    words: int
    opening: str
    """The first paragraph, as plain text (links as their text, no markup)."""


def body_facts(body: str) -> BodyFacts:
    return BodyFacts(len(body.split()), first_paragraph(body))


def first_paragraph(body: str) -> str:
    """The first block of the body that is text, as plain text. Read from
    the Markdown source with a few patterns, block by block up to it."""
    start, end = 0, len(body)
    while start < end:
        stop = body.find("\n\n", start)
        stop = end if stop < 0 else stop
        block = body[start:stop].strip()
        start = stop + 2
        if block and not block.startswith(_NOT_TEXT):
            return " ".join(_MARKUP.sub("", _LINK.sub(r"\1", _HTML.sub("", block))).split())
    return ""


def shorten(text: str, length: int) -> str:
    """`text`, cut after a whole word to `length` characters or fewer, and "…"."""
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"
