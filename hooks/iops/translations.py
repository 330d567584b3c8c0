"""The site's own words in the reader's language: gettext catalogs (Babel).

Every word a template shows goes through gettext: ``{{ _("Edit this page") }}``,
``{{ _("Page %(number)s of %(count)s", number=n, count=c) }}``, ``{{ ngettext(…) }}``
(Jinja's i18n extension, newstyle). The catalogs are ``.po`` files in the
repository, one per language, at ``theme/locales/<lang>/LC_MESSAGES/messages.po``
(``build.py translations`` extracts and updates them, see `catalogs`). They are
read and checked by `po_files`; no compiled ``.mo`` file is kept anywhere.

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
  marked as it is, escaped (a chapter's name); `Phrase` is a marked message
  with values ("Blog: Berlin"), translated with them.

A message is plain text: HTML goes around it, or into a placeholder as Markup.
Under newstyle gettext every message is formatted with ``%``, so a literal
``%`` is written ``%%``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from .po_files import SOURCE_LANGUAGE, Key, Language, base_language

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


class Translator:
    """The gettext of every template, in the language of the page being rendered."""

    def __init__(self, languages: Mapping[str, Language], default: str) -> None:
        self.languages = dict(languages)
        self.lang = default
        self._current: Language | None = None
        self._formatted_by_lang: dict[str, dict[str, Markup]] = {}
        self._formatted: dict[str, Markup] = {}
        self.use(default)

    def use(self, lang: str) -> None:
        """Speak `lang` (or its base language, `de` for `de-CH`) from now on."""
        self.lang = lang
        self._current = self.languages.get(lang) or self.languages.get(base_language(lang))
        self._formatted = self._formatted_by_lang.setdefault(lang, {})

    @property
    def marks_fallback(self) -> bool:
        return base_language(self.lang) != SOURCE_LANGUAGE

    def _find(self, key: Key) -> str | tuple[str, ...] | None:
        return self._current.messages.get(key) if self._current else None

    def _shown(self, found: str | None, message: str, mark: bool) -> Markup:
        if found is not None:
            return escape(found)
        if mark and self.marks_fallback:
            return Markup('<span lang="en">%s</span>') % message
        return escape(message)

    def _plural(self, key: Key, singular: str, plural: str, n: int, mark: bool) -> Markup:
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

    def formatted(self, message: str, **variables: Any) -> Markup:
        """``_()`` as Jinja's newstyle gettext makes it (the message always
        formatted with ``%``), called directly: a message without values,
        most of a page's words, is looked up and formatted once a language.
        Jinja's own wrapper, called through the context twice for every
        word, took a fifth of a page's template time."""
        if variables:
            return self.gettext(message) % variables
        shown = self._formatted.get(message)
        if shown is None:
            shown = self._formatted[message] = self.gettext(message) % {}
        return shown

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
        language = self.languages.get(lang) or self.languages.get(base_language(lang))
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
        env.globals.update(_=self.formatted, gettext=self.formatted)
        env.globals.update(_attr=self.attr, _nattr=self.nattr)
        env.filters.update(
            translated=self.data,
            translated_text=lambda text: self.plain(text, self.lang),
            lang_attr=self.lang_attribute,
        )
