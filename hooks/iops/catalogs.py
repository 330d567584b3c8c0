"""The translation catalogs kept up to date: `build.py translations`.

Extracts every word the site shows from where it is written (Babel's
``pybabel extract``, with the table below for its configuration), writes the
template ``theme/locales/messages.pot``, and updates each language's
``messages.po`` from it (``pybabel update``): a new word is added untranslated,
a word that changed keeps its old translation marked fuzzy (unused until a
translator checks it), a word no longer used is dropped. The build reads the
``.po`` files themselves (`translations`).

Where the words are:

- the templates, ``theme/**.html``: ``_()``, ``ngettext()``, ``pgettext()``,
  ``npgettext()``, ``_attr()``, ``_nattr()`` (Jinja's extractor). The search
  page's script takes its words from the page (a JSON block the template fills),
  so they are in the template too.
- our Python, ``hooks/**.py``: ``N_("…")`` marks a word handed to a template,
  which translates it where it shows it; ``Phrase("…: %(chapter)s", …)`` a
  message with values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .po_files import DOMAIN, LOCALES, SOURCE_LANGUAGE, catalog_paths

LANGUAGES = ("de", "es", "fr", "sv", "nb", "it", "nl", "pt")
"""The languages a catalog is kept for: those of the site's content and of the
old site's chapters. `build.py translations --new CODE` starts another."""
TEMPLATE_KEYWORDS: dict[str, Any] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "_attr": None,
    "_nattr": (1, 2),
}
PYTHON_KEYWORDS: dict[str, Any] = {"N_": None, "Phrase": None}


@dataclass(frozen=True)
class Source:
    """Where words are written, and how Babel reads them there."""

    folder: str
    """Relative to the project root."""
    pattern: str
    method: str
    keywords: dict[str, Any]
    options: dict[str, str]


SOURCES = (
    Source(
        "theme",
        "**.html",
        "jinja2.ext:babel_extract",
        TEMPLATE_KEYWORDS,
        # silent=false: a template Jinja cannot parse fails, not drops its words.
        {"extensions": "jinja2.ext.i18n", "trimmed": "true", "silent": "false"},
    ),
    Source("hooks", "**.py", "python", PYTHON_KEYWORDS, {}),
)
CREATED = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
"""The template's header date: fixed, so that the file changes only when a word does."""


def extract(root: Path) -> Catalog:
    """Every word the site shows, with where it is written (file, no line)."""
    template = Catalog(
        project="IOPS site",
        domain=DOMAIN,
        creation_date=CREATED,
        revision_date=CREATED,
        fuzzy=False,
    )
    for source in SOURCES:
        folder = root / source.folder
        found = extract_from_dir(
            str(folder),
            method_map=[(source.pattern, source.method)],
            options_map={source.pattern: source.options},
            keywords=source.keywords,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in found:
            where = f"{source.folder}/{Path(filename).as_posix()}"
            template.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return template


def template_path(root: Path) -> Path:
    return root / "theme" / LOCALES / f"{DOMAIN}.pot"


def po_path(root: Path, lang: str) -> Path:
    return root / "theme" / LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def update(root: Path, new: Iterable[str] = ()) -> list[str]:
    """Write the template and bring every catalog (and any `new` one) up to
    date with it; what was done, a line per file."""
    template = extract(root)
    _write(template_path(root), template)
    done = [f"{template_path(root).relative_to(root)}: {len(template)} messages"]
    langs = sorted({*LANGUAGES, *catalog_paths(root / "theme" / LOCALES), *new})
    for lang in langs:
        if lang == SOURCE_LANGUAGE:
            continue
        path = po_path(root, lang)
        if path.is_file():
            with path.open("rb") as file:
                catalog = read_po(file, locale=lang)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="IOPS site", fuzzy=False)
        catalog.update(template)
        _write(path, catalog)
        missing = sum(1 for m in catalog if m.id and (m.fuzzy or not _translated(m)))
        done.append(f"{path.relative_to(root)}: {missing} to translate")
    return done


def untranslated(catalog: Catalog) -> list[str]:
    """The messages a catalog has no usable translation of (missing or fuzzy)."""
    return [
        str(m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and (m.fuzzy or not _translated(m))
    ]


def _translated(message: Any) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(
            file,
            catalog,
            width=88,
            sort_output=True,
            ignore_obsolete=True,
            include_lineno=False,
        )
