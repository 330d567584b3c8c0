"""Translations and their originals: which file translates which, and the
problems a pair can have that one file alone cannot show.

A translation says what it translates in one of two ways:

- its name: ``mission.de.md`` beside ``mission.md`` is the German
  translation of it, published under the original's URL
  (``/about/mission/de/``);
- its front matter: ``translation_of: about/mission.md`` (a path under
  content/, or from the project folder) with ``lang``; the file keeps its own
  name and slug (``content/about/mision.md`` → ``/about/mision/``).

Pure functions over paths and items: the loader asks `named_language` while
making items, and `translation_problems` once all are made.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import babel

from . import urls
from .model import Item, Site
from .problems import Problem

_LANG_SUFFIX = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?)\.md$")


@functools.lru_cache(maxsize=256)
def is_language(code: str) -> bool:
    try:
        babel.Locale.parse(code.replace("-", "_"))
    except (ValueError, babel.UnknownLocaleError):
        return False
    return True


def named_language(rel: str) -> tuple[str, str] | None:
    """(original's path, language) of a file named as a translation
    (``content/about/mission.de.md`` → ``content/about/mission.md``, ``de``)."""
    folder, _, name = rel.rpartition("/")
    match = _LANG_SUFFIX.match(name)
    if match is None or not is_language(match["lang"]):
        return None
    return f"{folder}/{match['stem']}.md", match["lang"]


def original_path(value: str | None) -> str | None:
    """The project-relative path `translation_of` names (content/ is implied)."""
    if not value:
        return None
    value = value.strip().lstrip("/")
    if value.startswith((urls.CONTENT_DIR + "/", urls.CHAPTERS_DIR + "/")):
        return value
    return f"{urls.CONTENT_DIR}/{value}"


def translation_problems(items: Iterable[Item], broken: Iterable[str] = ()) -> list[Problem]:
    """A translation of nothing, of a translation, in its original's language,
    or a second one in the same language. `broken` are files with errors of
    their own: they exist, so naming one is no error here."""
    items = list(items)
    by_source = {item.source: item for item in items}
    existing = set(by_source) | set(broken)
    problems: list[Problem] = []
    by_pair: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        if item.original is not None:
            problems += _pair_problems(item, by_source.get(item.original), existing)
            by_pair[item.original, item.lang].append(item)
    for (original_rel, lang), group in sorted(by_pair.items()):
        problems += [
            Problem(
                item.source,
                item.meta.line("translation_of") or item.meta.line("lang"),
                "lang",
                f"{original_rel} has two translations in {lang}: {group[0].source} and this",
                "keep one translation per language: merge them and delete one file",
            )
            for item in group[1:]
        ]
    return problems


def _pair_problems(item: Item, original: Item | None, existing: set[str]) -> list[Problem]:
    field = "translation_of" if item.field("translation_of") else "file"
    line = item.meta.line("translation_of")
    if item.original not in existing:
        what = f"this translates {item.original}, which does not exist"
        how = (
            "name the original's path under content/ (e.g. about/mission.md), "
            "or rename the file to <original's name>.<language>.md beside it"
        )
        return [Problem(item.source, line, field, what, how)]
    if original is not None and original.original is not None:
        what = f"{item.original} is itself a translation (of {original.original})"
        how = f"translate the original: name {original.original}"
        return [Problem(item.source, line, field, what, how)]
    if original is not None and original.lang == item.lang:
        return [
            Problem(
                item.source,
                item.meta.line("lang") or line,
                "lang",
                f"the translation is in {item.lang}, the language of its original",
                "set lang to the language the translation is written in",
            )
        ]
    return []


@dataclass(frozen=True)
class Alternate:
    """One language an item is published in: for the switcher and hreflang."""

    lang: str
    url: str
    """Site-relative."""
    title: str
    current: bool
    original: bool


def family(site: Site, item: Item) -> tuple[Item, ...]:
    """The original and every published translation of it, the original first."""
    root = site.by_source.get(item.original or "") or item
    return (root, *site.translations.get(root.source, ()))


def alternates(site: Site, item: Item) -> tuple[Alternate, ...]:
    """Every language `item` is published in; empty when only one."""
    members = family(site, item)
    if len(members) < 2:
        return ()
    return tuple(
        Alternate(m.lang, m.url, m.title, m.source == item.source, m.original is None)
        for m in members
    )
