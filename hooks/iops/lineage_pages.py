"""The pages git's history makes: each statement version's permanent page,
each statement's history, what changed in an original since a translation
followed it, and the translation status page translators start from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .html_diff import changed_paragraphs, counts
from .lineage import Lineage, translations, versioned
from .listings import GeneratedPage
from .model import Item, Site, newest_first
from .staleness import Staleness
from .versions import Version

STATUS_URL = "translations/"
MISSING_SHOWN = 25
"""Items listed as missing per language and chapter (the newest); the rest are counted."""
UNTRANSLATED_KINDS = frozenset({"member", "chapter"})
"""Kinds whose files are a person's or a chapter's own, not texts to translate."""


@dataclass(frozen=True)
class VersionView:
    statement: Item
    version: Version
    current: Version
    history_url: str


@dataclass(frozen=True)
class HistoryEntry:
    version: Version
    diff: str
    """HTML: the version's text, with what changed since the one before marked."""
    removed: int
    added: int


@dataclass(frozen=True)
class HistoryView:
    statement: Item
    entries: tuple[HistoryEntry, ...]
    """Newest first."""


@dataclass(frozen=True)
class ChangesView:
    translation: Item
    original: Item
    state: Staleness
    diff: str
    """HTML: the original now, with what changed since the translation's commit marked."""


@dataclass(frozen=True)
class Outdated:
    translation: Item
    state: Staleness


@dataclass(frozen=True)
class StatusGroup:
    """One language in one chapter (or the organization's own content)."""

    lang: str
    chapter: Item | None
    translated: tuple[Item, ...]
    """Up-to-date translations (or ones that record no commit)."""
    outdated: tuple[Outdated, ...]
    missing: tuple[Item, ...]
    """Originals with no translation into `lang`: the newest `MISSING_SHOWN`."""
    missing_count: int


@dataclass(frozen=True)
class StatusView:
    title: str
    groups: tuple[StatusGroup, ...]


def lineage_pages(site: Site, lineage: Lineage) -> list[GeneratedPage]:
    """Every statement's version and history pages, every outdated
    translation's changes page, and the status page (when there are languages)."""
    pages = [page for statement in versioned(site) for page in _version_pages(statement, lineage)]
    pages += _changes_pages(site, lineage)
    if len(site.languages) > 1:  # else nothing to translate into
        view = status_view(site, lineage)
        what = "the translation status page"
        pages.append(GeneratedPage(STATUS_URL, "translation-status.html", view.title, view, what))
    return pages


def _version_pages(statement: Item, lineage: Lineage) -> list[GeneratedPage]:
    found = lineage.versions.get(statement.source, ())
    if not found:
        return []
    history_url = f"{statement.url}history/"
    pages = [
        GeneratedPage(
            version.url,
            "version.html",
            f"{version.title} (v{version.number})",
            VersionView(statement, version, found[-1], history_url),
            f"version {version.number} of {statement.source}",
            version.lang,
            markdown=version.body,
        )
        for version in found
    ]
    view = HistoryView(statement, _entries(found))
    what = f"the history of {statement.source}"
    pages.append(
        GeneratedPage(history_url, "history.html", statement.title, view, what, statement.lang)
    )
    return pages


def _changes_pages(site: Site, lineage: Lineage) -> list[GeneratedPage]:
    pages = []
    for translation in translations(site):
        state = lineage.states.get(translation.source)
        if state is None or not state.outdated:
            continue
        original = site.by_source[translation.original or ""]
        diff = changed_paragraphs(lineage.old_body(state), original.body)
        view = ChangesView(translation, original, state, diff)
        what = f"the changes page of {translation.source}"
        pages.append(
            GeneratedPage(
                f"{translation.url}changes/",
                "translation-changes.html",
                translation.title,
                view,
                what,
                translation.lang,
            )
        )
    return pages


def _entries(found: tuple[Version, ...]) -> tuple[HistoryEntry, ...]:
    entries = []
    previous = ""
    for index, version in enumerate(found):
        if index == 0:
            entries.append(HistoryEntry(version, "", 0, 0))
        else:
            entries.append(
                HistoryEntry(
                    version,
                    changed_paragraphs(previous, version.body),
                    *counts(previous, version.body),
                )
            )
        previous = version.body
    return tuple(reversed(entries))


def status_view(site: Site, lineage: Lineage) -> StatusView:
    """Per language and chapter: the items translated, outdated and missing."""
    by_original: dict[str, dict[str, Item]] = defaultdict(dict)
    for translation in translations(site):
        by_original[translation.original or ""][translation.lang] = translation
    originals = [
        i
        for i in site.items
        if i.kind not in UNTRANSLATED_KINDS
        and i.url != ""
        and (i.original is None or i.original not in site.by_source)
    ]
    groups = []
    for lang in site.languages:
        by_owner: dict[str | None, list[Item]] = defaultdict(list)
        for item in originals:
            if item.lang != lang:
                by_owner[item.owner].append(item)
        for owner in sorted(by_owner, key=lambda o: (o is not None, o or "")):
            groups.append(_group(site, lineage, lang, owner, by_owner[owner], by_original))
    return StatusView(
        "Translations", tuple(g for g in groups if g.translated or g.outdated or g.missing_count)
    )


def _group(
    site: Site,
    lineage: Lineage,
    lang: str,
    owner: str | None,
    items: list[Item],
    by_original: dict[str, dict[str, Item]],
) -> StatusGroup:
    translated, outdated, missing = [], [], []
    for item in items:
        translation = by_original.get(item.source, {}).get(lang)
        state = lineage.states.get(translation.source) if translation else None
        if translation is None:
            missing.append(item)
        elif state is not None and state.outdated:
            outdated.append(Outdated(translation, state))
        else:
            translated.append(translation)
    shown = newest_first(missing, MISSING_SHOWN)
    return StatusGroup(
        lang,
        site.chapters.get(owner or ""),
        tuple(translated),
        tuple(outdated),
        tuple(shown),
        len(missing),
    )
