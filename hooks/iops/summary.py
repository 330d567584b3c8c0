"""What a change does, grouped for an editor: the items it edits, adds and
removes, each with the pages that are its own, then the pages that changed
only because a listing, feed, calendar or count that shows items moved."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .item_changes import ItemChange, code_changes, compare_items, read_items
from .manifest import Diff, Kind, PageEntry


@dataclass(frozen=True)
class PageRow:
    """A URL the change adds, changes or removes."""

    verb: str
    entry: PageEntry
    """The head's entry; the base's for a removed URL."""
    before: PageEntry | None
    """The base's entry of the URL; None for an added one."""


MOVED = "changed only because listings moved"


@dataclass(frozen=True)
class ItemReport:
    change: ItemChange
    pages: tuple[PageRow, ...]
    """The item's own pages and files that the change adds, changes or removes."""

    def other_pages(self) -> list[PageRow]:
        """Its own pages, but for its page being added or removed with it."""
        change = self.change
        if change.verb == "changed":
            return list(self.pages)
        url = change.state.url
        return [row for row in self.pages if not (row.entry.url == url and row.verb == change.verb)]


@dataclass(frozen=True)
class Summary:
    edited: tuple[ItemReport, ...]
    added: tuple[ItemReport, ...]
    removed: tuple[ItemReport, ...]
    moved: tuple[PageRow, ...]
    """Pages, redirects and files that changed though no item of theirs did."""
    unchanged: int
    code: tuple[str, ...] = ()
    """Files of the site's code or settings that the change edits."""
    notes: tuple[str, ...] = ()
    """Why some items could not be placed on their pages."""
    site_url: str = ""
    """Where the base is published: titles link to the live pages there."""
    files: tuple[PageRow, ...] = ()
    """Pictures and attachments (files of content/ copied as they are), no item's own."""

    @property
    def headline(self) -> str:
        items = (
            f"{count_of(len(self.edited), 'item')} edited, {len(self.added)} added, "
            f"{len(self.removed)} removed"
        )
        files = f"; {count_of(len(self.files), 'other file')} changed" if self.files else ""
        moved = f"{count_of(len(self.moved), 'page')} {MOVED}"
        return f"{items}; {moved}{files}; {self.unchanged} unchanged"

    @property
    def is_empty(self) -> bool:
        return not (self.edited or self.added or self.removed or self.moved or self.files)


def count_of(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def page_rows(diff: Diff) -> Iterator[PageRow]:
    """Added, changed, then removed URLs, each in URL order."""
    for entry in diff.added:
        yield PageRow("added", entry, None)
    for change in diff.changed:
        yield PageRow("changed", change.after, change.before)
    for entry in diff.removed:
        yield PageRow("removed", entry, entry)


def summarize_trees(pages: Diff, base: Path, head: Path, now: dt.datetime) -> Summary:
    """The summary of `pages`, the page diff of the sites built from two source trees."""
    before, after = read_items(base, now), read_items(head, now)
    notes = [side.note for side in (before, after) if side.note]
    changes = compare_items(before.items, after.items)
    summary = summarize(pages, changes, code_changes(base, head), notes)
    return dataclasses.replace(summary, site_url=before.site_url)


def summarize(
    pages: Diff,
    items: Sequence[ItemChange],
    code: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> Summary:
    """Give each added, changed or removed URL to the item it belongs to; the
    rest changed only because listings moved."""
    own: dict[int, list[PageRow]] = {index: [] for index in range(len(items))}
    moved: list[PageRow] = []
    files: list[PageRow] = []
    owners = _owners(items)
    for row in page_rows(pages):
        owner = _owner(owners, row.entry)
        if owner is not None:
            own[owner].append(row)
        else:
            (files if _is_attachment(row.entry) else moved).append(row)
    reports = [ItemReport(change, tuple(own[i])) for i, change in enumerate(items)]
    return Summary(
        edited=tuple(r for r in reports if r.change.verb == "changed"),
        added=tuple(r for r in reports if r.change.verb == "added"),
        removed=tuple(r for r in reports if r.change.verb == "removed"),
        moved=tuple(moved),
        unchanged=pages.unchanged_count,
        code=tuple(code),
        notes=tuple(notes),
        files=tuple(files),
    )


def _is_attachment(entry: PageEntry) -> bool:
    """A picture or other file copied from content/: the manifest names the
    files the build makes (feeds, calendars, results) and no others."""
    return entry.kind is Kind.FILE and entry.title == entry.url.rpartition("/")[2]


def _owners(items: Sequence[ItemChange]) -> tuple[dict[str, int], dict[str, int]]:
    """By URL, the index of the item whose own page it is; by folder, whose own files."""
    pages: dict[str, int] = {}
    folders: dict[str, int] = {}
    for index, change in enumerate(items):
        for state in (change.after, change.before):
            if state is None:
                continue
            for url in state.urls:
                pages.setdefault(url, index)
            if state.files_folder is not None:
                folders.setdefault(state.files_folder, index)
    return pages, folders


def _owner(owners: tuple[dict[str, int], dict[str, int]], entry: PageEntry) -> int | None:
    pages, folders = owners
    if entry.url in pages:
        return pages[entry.url]
    folder, _, name = entry.url.rpartition("/")
    return folders.get(folder + "/") if entry.kind is Kind.FILE and name else None
