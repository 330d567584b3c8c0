"""The translation catalogs, read and checked: theme/locales/<lang>/LC_MESSAGES/messages.po.

Each is read with Babel and checked before any page uses it: a line Babel
would misread, a translation whose placeholders are not its message's (the
page would fail to render, or show the wrong thing). Only complete, checked
translations are kept (`Language`); `translations.Translator` serves them.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.core import Locale, UnknownLocaleError
from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message
from babel.messages.pofile import PoFileError, read_po

from .problems import Problem, relative

SOURCE_LANGUAGE = "en"
"""The language of the msgids: the templates' own words."""
LOCALES = "locales"
"""The catalogs' folder, in the theme folder."""
DOMAIN = "messages"

Key = str | tuple[str, str]
"""A msgid, or (context, msgid) for pgettext."""


@dataclass(frozen=True)
class Language:
    """One language's catalog, read: its translated messages only."""

    code: str
    messages: Mapping[Key, str | tuple[str, ...]]
    """Each translated message: its text, or its plural forms."""
    plural: Callable[[int], int]
    """Which plural form a count takes."""


def catalog_paths(locales: Path) -> dict[str, Path]:
    """Each language's catalog under `locales`, by language code."""
    if not locales.is_dir():
        return {}
    return {
        path.parent.parent.name: path for path in sorted(locales.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    }


def missing_catalogs(locales: Path, root: Path, languages: Iterable[str]) -> list[Problem]:
    """A warning for each language of the content that has no catalog: its
    pages' furniture shows in English (marked so)."""
    have = {base_language(code) for code in catalog_paths(locales)} | {SOURCE_LANGUAGE}
    missing = sorted({base_language(lang) for lang in languages} - have)
    return [
        Problem(
            relative(locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po", root),
            None,
            "catalog",
            f"the content has pages in {lang!r}, which has no catalog: their menus and "
            "labels show in English",
            f"run `build.py translations --new {lang}` and translate that file",
            severity="warning",
        )
        for lang in missing
    ]


def read_catalogs(locales: Path, root: Path) -> tuple[dict[str, Language], list[Problem]]:
    """Every catalog under `locales`, and every problem with them: a catalog
    that cannot be read, or a translation whose placeholders are not its
    message's (the page would fail to render, or show the wrong thing)."""
    languages: dict[str, Language] = {}
    problems: list[Problem] = []
    for code, path in catalog_paths(locales).items():
        shown = relative(path, root)
        try:
            malformed = list(_malformed_lines(path.read_text("utf-8"), shown, code))
            with path.open("rb") as file:
                catalog = read_po(file, locale=code, abort_invalid=True)
        except (PoFileError, UnknownLocaleError, ValueError, UnicodeDecodeError) as err:
            problems.append(_unreadable(shown, code, err))
            continue
        if malformed:
            problems += malformed
            continue
        found = list(placeholder_problems(catalog, shown, code))
        problems += found
        if not found:
            languages[code] = _language(code, catalog)
    return languages, problems


_PO_LINE = re.compile(
    r'(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*'
)


def _malformed_lines(text: str, shown: str, code: str) -> Iterable[Problem]:
    """Lines Babel would read wrong without a word: `msgstr Öppen`, without its
    quotes, is read as "ppe"."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not _PO_LINE.fullmatch(stripped):
            yield Problem(
                shown,
                number,
                "catalog",
                f"the {code} catalog has a line that is not a quoted text: {stripped[:60]!r}",
                'write the text in double quotes, a quote inside it as \\": msgstr "…"',
            )


def _unreadable(shown: str, code: str, err: Exception) -> Problem:
    line = getattr(err, "lineno", None)
    return Problem(
        shown,
        line if isinstance(line, int) else None,
        "catalog",
        f"the {code} catalog cannot be read: {err}",
        "correct the entry (msgid, msgstr, each in double quotes), or run "
        "`build.py translations` to rewrite the file",
    )


def placeholder_problems(catalog: Catalog, shown: str, code: str) -> Iterable[Problem]:
    """Each translation whose placeholders (``%(name)s``) are not its message's.

    A plural form may leave out ``%(num)d`` ("ein Ergebnis"); nothing else may be
    left out, and no placeholder the message lacks may be added."""
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids, forms = _strings(message.id), _strings(message.string)
        wanted = set().union(*(_placeholders(i) for i in ids))
        for index, text in enumerate(forms):
            if not text:
                continue
            field = f"msgstr[{index}]" if message.pluralizable else "msgstr"
            what = _placeholder_mismatch(text, wanted, plural=message.pluralizable)
            if what:
                yield Problem(
                    shown,
                    message.lineno,
                    field,
                    f"the {code} translation of {ids[0]!r} {what}",
                    "write each placeholder of the msgid in the msgstr, spelled as there "
                    f"({', '.join(sorted(f'%({n})s' for n in wanted)) or 'none'}), "
                    "and a % sign as %%",
                )


def _strings(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """A message's id or string as its forms: one, or singular and plurals."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _placeholders(text: str) -> set[str]:
    return {name or "" for name, _, char in PYTHON_FORMAT.findall(text) if char != "%"}


def _placeholder_mismatch(text: str, wanted: set[str], plural: bool) -> str:
    """What is wrong with a translation's placeholders; empty if nothing."""
    if "" in wanted or "" in _placeholders(text):
        return "has a placeholder without a name (write %(name)s)"
    unknown = _placeholders(text) - wanted
    if unknown:
        return f"has {_names(unknown)}, which the message does not have"
    missing = wanted - _placeholders(text) - ({"num"} if plural else set())
    if missing:
        return f"lacks {_names(missing)}"
    try:
        text % dict.fromkeys(wanted, 0)
    except (ValueError, TypeError) as err:
        return f"cannot be filled in ({err}: is a % sign not written %%?)"
    return ""


def _names(names: set[str]) -> str:
    return ", ".join(f"%({name})s" for name in sorted(names))


def _language(code: str, catalog: Catalog) -> Language:
    messages: dict[Key, str | tuple[str, ...]] = {}
    for message in catalog:
        forms = _strings(message.string)
        if message.id and not message.fuzzy and forms and all(forms):
            messages[_key(message)] = forms if message.pluralizable else forms[0]
    expr = catalog.plural_expr or "(n != 1)"
    return Language(code, messages, stdlib_gettext.c2py(expr))


def _key(message: Message) -> Key:
    msgid = _strings(message.id)[0]
    return (message.context, msgid) if message.context else msgid


def base_language(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def language_known(code: str) -> bool:
    """Whether babel knows `code` as a language (a catalog's folder name)."""
    try:
        Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True
