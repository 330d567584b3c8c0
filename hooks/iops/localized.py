"""What a page's template gets in the page's language, and the page's words checked.

`translator` reads the site's catalogs once a build (`po_files`), in the
process that forks the page workers, so each has every language ready;
`install` makes it the template environment's gettext (`translations`) and
gives the environment the filters that write dates, countries and an
event's times in the language of the page being rendered. The adapter
calls `Translator.use` before each page renders.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2

from . import dates, events, po_files, translations
from .plan import Plan

_MARK_IN_ATTRIBUTE = re.compile(r'(="[^"<>]*)<span lang="en">([^<>"]*)</span>')
"""An English fallback's mark where it cannot be: in an attribute's value."""


def translator(plan: Plan) -> translations.Translator:
    """The site's catalogs, read once a build, in the process that forks the
    page workers, so each has every language ready. A broken catalog has
    stopped the build already (`plan.errors`)."""
    settings = plan.site.settings
    languages: dict[str, po_files.Language] = {}
    if settings.locales is not None:
        languages, _ = po_files.read_catalogs(settings.locales, settings.root)
    return translations.Translator(languages, settings.language)


def install(env: jinja2.Environment, translator: translations.Translator) -> None:
    """The catalogs as the templates' gettext, and the filters that write
    dates, countries and event times, in the language of the page being
    rendered: the adapter calls `Translator.use` before each page."""
    translator.install(env)

    def day(when: Any, lang: str | None = None) -> str:
        return dates.format_day(when, lang or translator.lang)

    def country_name(code: str, lang: str | None = None) -> str:
        return dates.country_name(code, lang or translator.lang)

    def in_page_language(showing: events.Showing) -> events.Showing:
        return showing.in_language(translator.lang)

    env.filters.update(day=day, country_name=country_name, in_page_language=in_page_language)


def unmark_attributes(html: str) -> str:
    """The English fallback of a word a template put in an attribute with
    ``_()`` rather than ``_attr()`` (``aria-label="{{ _("Tags") }}"``), left
    unmarked: its ``<span lang="en">`` would end the attribute. A safety net:
    only a page with a word lacking a translation has a mark at all."""
    if '<span lang="en">' not in html:
        return html
    while True:
        unmarked = _MARK_IN_ATTRIBUTE.sub(r"\1\2", html)
        if unmarked == html:
            return html
        html = unmarked
