"""Start a translation: `build.py new --translate content/about/mission.md --lang de`.

Pure, as `scaffold` is: given the original's path and text and the commit
that last changed it, `translation_file` returns the file to write beside it
(``mission.de.md``), holding the original's text to translate in place and
the commit it follows, or raises `ScaffoldError` saying what is wrong.
"""

from __future__ import annotations

from pathlib import Path

from . import urls
from .originals import is_language, named_language
from .reader import decode
from .scaffold import NewFile, ScaffoldError


def translation_path(original: str, lang: str) -> str:
    """Where the translation of `original` into `lang` goes: beside it."""
    return original.removesuffix(".md") + f".{lang}.md"


NOT_COPIED = frozenset(
    {"aliases", "lang", "translation_of", "original_commit", "version", "decision"}
)
"""Fields of the original a translation does not take: its old addresses
are the original's, and the rest the translation's file says by itself."""


def translation_file(root: Path, original: str, lang: str, commit: str | None) -> NewFile:
    """The translation of `original` (project-relative) into `lang`, following `commit`:
    the original's front matter and text, to translate in place."""
    original = original.strip().lstrip("./")
    reasons = _refusals(root, original, lang, commit)
    if reasons:
        raise ScaffoldError(reasons)
    rel = translation_path(original, lang)
    if (root / rel).exists():
        raise ScaffoldError([(f"{rel} already exists", "edit it, and update its original_commit")])
    text = decode((root / original).read_bytes())
    front, _, body = text.removeprefix("---\n").partition("\n---\n")
    lines = [
        "---",
        *_copied(front),
        f"original_commit: {commit}  # the original's commit this follows: update it with the text",
        "---",
        "",
        f"<!-- Translate the title, the summary and the text below into {lang}, "
        "then delete this comment. -->",
        body.lstrip("\n"),
    ]
    return NewFile(rel, "\n".join(lines), None, (), f"the original's text, translated into {lang}")


def _refusals(root: Path, original: str, lang: str, commit: str | None) -> list[tuple[str, str]]:
    reasons: list[tuple[str, str]] = []
    if not original.endswith(".md") or not (root / original).is_file():
        how = "give the original's path, e.g. content/about/mission.md"
        reasons.append((f"{original} is not a content file", how))
    elif not original.startswith((urls.CONTENT_DIR + "/", urls.CHAPTERS_DIR + "/")):
        reasons.append(
            (f"{original} is not in content/ or chapters/", "give a content file's path")
        )
    elif named_language(original) is not None:
        reasons.append((f"{original} is itself a translation", "translate its original"))
    if not is_language(lang):
        reasons.append((f"{lang!r} is not a language code", "use a code such as de or es"))
    if not reasons and commit is None:
        reasons.append(
            (
                f"{original} has no commit in the repository's history",
                "commit the original first, so the translation can say which text it follows",
            )
        )
    return reasons


def _copied(front: str) -> list[str]:
    """The original's front matter lines, without the fields in `NOT_COPIED`
    (a field's lines are its own and the indented or list lines under it)."""
    kept, keeping = [], True
    for line in front.splitlines():
        if line[:1] not in (" ", "-", "\t", "#", ""):
            keeping = line.split(":", 1)[0].strip() not in NOT_COPIED
        if keeping:
            kept.append(line)
    return kept
