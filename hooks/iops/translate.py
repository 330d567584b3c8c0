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


def translation_file(root: Path, original: str, lang: str, commit: str | None) -> NewFile:
    """The translation of `original` (project-relative) into `lang`, following `commit`."""
    original = original.strip().lstrip("./")
    reasons: list[tuple[str, str]] = []
    path = root / original
    if not original.endswith(".md") or not path.is_file():
        reasons.append(
            (
                f"{original} is not a content file",
                "give the original's path, e.g. content/about/mission.md",
            )
        )
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
    if reasons:
        raise ScaffoldError(reasons)
    assert commit is not None
    rel = translation_path(original, lang)
    if (root / rel).exists():
        raise ScaffoldError([(f"{rel} already exists", "edit it, and update its original_commit")])
    text = decode(path.read_bytes())
    front, _, body = text.removeprefix("---\n").partition("\n---\n")
    title = next((line for line in front.splitlines() if line.startswith("title:")), "title: ")
    lines = [
        "---",
        f"{title}  # translate the title too",
        f"original_commit: {commit}  # the original's commit this follows: update it with the text",
        "---",
        "",
        f"<!-- Translate the text below into {lang}, then delete this comment. -->",
        body.lstrip("\n"),
    ]
    return NewFile(rel, "\n".join(lines), None, (), f"the original's text, translated into {lang}")
