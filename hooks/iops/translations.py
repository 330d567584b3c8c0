"""The site's own words in the reader's language: gettext catalogs (Babel).

Every word a template shows goes through gettext: ``{{ _("Edit this page") }}``,
``{{ _("Page %(number)s of %(count)s", number=n, count=c) }}``, ``{{ ngettext(…) }}``
(Jinja's i18n extension, newstyle). The catalogs are ``.po`` files in the
repository, one per language, at ``theme/locales/<lang>/LC_MESSAGES/messages.po``
(``build.py translations`` extracts and updates them, see `catalogs`). They are
read and checked here; no compiled ``.mo`` file is kept anywhere.

One `Translator` per process serves every page: its gettext callables are
installed in the template environment once (`Translator.install`), and they
speak the language of the page being rendered (`Translator.use`, called before
each page). Installing new callables per page would not do: Jinja keeps a
template imported without context with the globals it first saw.

What the callables return is HTML (`Markup`), always escaped:

- ``_()``, ``ngettext()``, ``pgettext()``, ``npgettext()``: the message in the
  page's language; a message with no translation in it is the English one,
  marked ``<span lang="en">…</span>``, so that a screen reader speaks it in
  English. The values of placeholders are escaped (Markup is left as it is).
- ``_attr()``, ``_nattr()``: the same words unmarked, for an attribute
  (``placeholder="{{ _attr("Search") }}"``), where a ``<span>`` cannot go.
- ``N_("…")`` in Python marks a word for the catalogs without translating
  it: the template that shows it translates it with the ``translated`` filter
  (``{{ view.pager_labels[0] | translated }}``), which leaves any text not so
  marked as it is, escaped (a listing's title with a chapter's name in it).

A message is plain text: HTML goes around it, or into a placeholder as Markup.
Under newstyle gettext every message is formatted with ``%``, so a literal
``%`` is written ``%%``.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.core import Locale, UnknownLocaleError
from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message
from babel.messages.pofile import PoFileError, read_po
from markupsafe import Markup, escape

from .problems import Problem, relative

SOURCE_LANGUAGE = "en"
"""The language of the msgids: the templates' own words."""
LOCALES = "locales"
"""The catalogs' folder, in the theme folder."""
DOMAIN = "messages"

_Key = str | tuple[str, str]
"""A msgid, or (context, msgid) for pgettext."""


_MARKED: set[str] = set()
"""Every word marked with `N_` so far: set at import and while planning, so
before any page renders (and before the page workers fork)."""


def N_(message: str) -> str:
    """Marks `message` for the catalogs; the template showing it translates it
    with the ``translated`` filter (``{{ view.title | translated }}``)."""
    _MARKED.add(message)
    return message


class Phrase(str):
    """A text of the site made of a marked message and values ("Blog: Berlin" is
    ``Phrase("%(section)s: %(chapter)s", section=N_("Blog"), chapter="Berlin")``).
    It is its English text everywhere (feeds, problems, the cache's digests);
    the ``translated`` filter and a page's title write it in the page's
    language, each value translated too if it is a marked word or a phrase."""

    message: str
    values: tuple[tuple[str, str], ...]

    def __new__(cls, message: str, **values: str) -> Phrase:
        _MARKED.add(message)
        phrase = super().__new__(cls, message % values)
        phrase.message, phrase.values = message, tuple(sorted(values.items()))
        return phrase

    def __reduce__(self) -> tuple[Any, ...]:
        return (_phrase, (self.message, self.values))


def _phrase(message: str, values: tuple[tuple[str, str], ...]) -> Phrase:
    return Phrase(message, **dict(values))


@dataclass(frozen=True)
class Language:
    """One language's catalog, read: its translated messages only."""

    code: str
    messages: Mapping[_Key, str | tuple[str, ...]]
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
    have = {_base(code) for code in catalog_paths(locales)} | {SOURCE_LANGUAGE}
    missing = sorted({_base(lang) for lang in languages} - have)
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
    messages: dict[_Key, str | tuple[str, ...]] = {}
    for message in catalog:
        forms = _strings(message.string)
        if message.id and not message.fuzzy and forms and all(forms):
            messages[_key(message)] = forms if message.pluralizable else forms[0]
    expr = catalog.plural_expr or "(n != 1)"
    return Language(code, messages, stdlib_gettext.c2py(expr))


def _key(message: Message) -> _Key:
    msgid = _strings(message.id)[0]
    return (message.context, msgid) if message.context else msgid


class Translator:
    """The gettext of every template, in the language of the page being rendered."""

    def __init__(self, languages: Mapping[str, Language], default: str) -> None:
        self.languages = dict(languages)
        self.lang = default
        self._current: Language | None = None
        self.use(default)

    def use(self, lang: str) -> None:
        """Speak `lang` (or its base language, `de` for `de-CH`) from now on."""
        self.lang = lang
        self._current = self.languages.get(lang) or self.languages.get(_base(lang))

    @property
    def marks_fallback(self) -> bool:
        return _base(self.lang) != SOURCE_LANGUAGE

    def _find(self, key: _Key) -> str | tuple[str, ...] | None:
        return self._current.messages.get(key) if self._current else None

    def _shown(self, found: str | None, message: str, mark: bool) -> Markup:
        if found is not None:
            return escape(found)
        if mark and self.marks_fallback:
            return Markup('<span lang="en">%s</span>') % message
        return escape(message)

    def _plural(self, key: _Key, singular: str, plural: str, n: int, mark: bool) -> Markup:
        forms = self._find(key)
        if isinstance(forms, tuple) and self._current is not None:
            index = self._current.plural(n)
            return self._shown(forms[min(index, len(forms) - 1)], "", mark)
        return self._shown(None, singular if n == 1 else plural, mark)

    def gettext(self, message: str) -> Markup:
        found = self._find(message)
        return self._shown(found if isinstance(found, str) else None, message, True)

    def ngettext(self, singular: str, plural: str, n: int) -> Markup:
        return self._plural(singular, singular, plural, n, True)

    def pgettext(self, context: str, message: str) -> Markup:
        found = self._find((context, message))
        return self._shown(found if isinstance(found, str) else None, message, True)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> Markup:
        return self._plural((context, singular), singular, plural, n, True)

    def data(self, text: str) -> Markup:
        """The ``translated`` filter: a word from our Python (`N_`, `Phrase`)
        translated, any other text (a chapter's name, a country) escaped as it
        is. Only a phrase's own message is formatted with ``%``."""
        if isinstance(text, Phrase):
            values = {name: self.data(value) for name, value in text.values}
            return self.gettext(text.message) % values
        if text in _MARKED:
            found = self._find(text)
            return self._shown(found if isinstance(found, str) else None, text, True)
        return escape(text)

    def plain(self, text: str, lang: str) -> str:
        """`text` in `lang` as plain text, unmarked: a page's title, which
        MkDocs and Material escape and print in <title> and the header."""
        language = self.languages.get(lang) or self.languages.get(_base(lang))
        if isinstance(text, Phrase):
            values = {name: self.plain(value, lang) for name, value in text.values}
            return self.plain(text.message, lang) % values
        found = language.messages.get(text) if language and text in _MARKED else None
        return found if isinstance(found, str) else str(text)

    def lang_attribute(self, lang: str) -> Markup:
        """The ``lang_attr`` filter: `` lang="de"`` for a title or summary in
        another language than the page's (`lang`), else nothing."""
        if lang == self.lang:
            return Markup("")
        return Markup(' lang="%s"') % lang

    def attr(self, message: str, **variables: Any) -> Markup:
        """``_attr()``: `gettext` unmarked, for an attribute's value."""
        found = self._find(message)
        return self._shown(found if isinstance(found, str) else None, message, False) % variables

    def nattr(self, singular: str, plural: str, n: int, **variables: Any) -> Markup:
        """``_nattr()``: `ngettext` unmarked, for an attribute's value; ``num``
        is `n` unless given (``num="{count}"``, for a script to fill in)."""
        return self._plural(singular, singular, plural, n, False) % {"num": n, **variables}

    def install(self, env: Any) -> None:
        """Make these the environment's gettext (newstyle: ``_("%(n)s", n=1)``)."""
        if "jinja2.ext.InternationalizationExtension" not in env.extensions:
            env.add_extension("jinja2.ext.i18n")
        env.install_gettext_callables(
            self.gettext,
            self.ngettext,
            newstyle=True,
            pgettext=self.pgettext,
            npgettext=self.npgettext,
        )
        env.globals.update(_attr=self.attr, _nattr=self.nattr)
        env.filters.update(translated=self.data, lang_attr=self.lang_attribute)


def _base(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def language_known(code: str) -> bool:
    """Whether babel knows `code` as a language (a catalog's folder name)."""
    try:
        Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True
