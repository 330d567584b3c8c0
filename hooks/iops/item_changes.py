"""What a change does to each content file: the items of two source trees compared.

Each side is read from its own files: the front matter as its author typed
it and the Markdown body (`reader`), then where the item is published
(`plan_site`, this code's content model run over that tree). Nothing comes
from either side's build, so a base built by older code compares as well
as any. A file the model cannot place still compares by its text; it just
has no page to link to.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .loader import source_files
from .model import Item
from .plan import plan_site
from .reader import Scalar, SourceFile, Value, YamlList, read_source
from .settings import SettingsError, load_settings

CODE_PATHS = ("mkdocs.yml", "build.py", "theme", "hooks")
"""What besides content shapes every page: a change here can change any page."""
_NO_OWN_FILES = frozenset({"chapter", "member"})
"""Kinds whose folder's feeds and calendars list other items."""


@dataclass(frozen=True)
class ItemState:
    """One content file as one side has it."""

    source: str
    """content/blog/2014-03-01-x.md"""
    title: str
    kind: str
    fields: Mapping[str, str]
    """Each front-matter field's value, as text (`value_text`)."""
    body: str
    url: str | None = None
    """Its page, when this side publishes it."""
    held: str = ""
    """"draft" or "scheduled" when this side holds it back."""
    urls: frozenset[str] = field(default_factory=frozenset)
    """Every URL that is this item's alone: its page and its aliases' redirects."""

    @property
    def files_folder(self) -> str | None:
        """The folder whose files are this item's own: an event's calendar and a
        poll's results sit beside its page; the feeds beside the home page, a
        chapter's or a member's page list other items."""
        if not self.url or self.kind in _NO_OWN_FILES:
            return None
        return self.url if self.url.endswith("/") else None


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: str | None
    """None where the field is added."""
    after: str | None
    """None where the field is removed."""

    @property
    def note(self) -> str:
        """What a diff of its words does not show: that it is new, gone, or empty."""
        empty = "" if self.before or self.after else " (empty)"
        if self.before is None:
            return f"{empty} (a new field)"
        return f"{empty} (field removed)" if self.after is None else ""


@dataclass(frozen=True)
class ItemChange:
    """An item added, removed, or whose own text or front matter changed."""

    verb: str
    """"added", "changed" or "removed"."""
    before: ItemState | None
    after: ItemState | None
    fields: tuple[FieldChange, ...] = ()
    body_changed: bool = False

    @property
    def moved_from(self) -> str | None:
        """The file it was in, when the change moved it to another."""
        if self.before is None or self.after is None or self.before.source == self.after.source:
            return None
        return self.before.source

    @property
    def state(self) -> ItemState:
        """The newest side of it: what a reader has after the change."""
        state = self.after or self.before
        assert state is not None
        return state


@dataclass(frozen=True)
class Side:
    """The items of one source tree, and why the model could not place them, if so."""

    items: Mapping[str, ItemState]
    site_url: str = ""
    """Where this side's site is published (`site_url` in its mkdocs.yml)."""
    note: str = ""


def read_items(root: Path, now: dt.datetime) -> Side:
    """Every content file of the tree at `root`, by source path."""
    note, site_url, placed = "", "", {}
    try:
        settings = load_settings(root)
    except SettingsError as err:
        note = f"{root}: its settings could not be read, so its pages are not known: {err}"
    else:
        site_url, plan = settings.site_url, plan_site(settings, now, bodies=False)
        aliases: dict[str, set[str]] = {}
        for redirect in plan.redirects:
            aliases.setdefault(redirect.target.source, set()).add(redirect.url.lstrip("/"))
        for item in plan.site.items:
            placed[item.source] = (item, "", aliases.get(item.source, set()))
        for item in plan.site.held_back:
            placed[item.source] = (item, "draft" if item.draft else "scheduled", set())
    items = {}
    for rel in source_files(root):
        if not rel.endswith(".md"):
            continue
        read = read_source(root / rel, rel)
        if isinstance(read, SourceFile):
            items[rel] = _state(read, placed.get(rel))
    return Side(items, site_url, note)


def _state(read: SourceFile, placed: tuple[Item, str, set[str]] | None) -> ItemState:
    fields = {name: value_text(value) for name, value in read.fields.entries.items()}
    if placed is None:
        title = fields.get("title") or fields.get("name") or read.rel
        return ItemState(read.rel, title, "", fields, read.body)
    item, held, aliases = placed
    url = None if held else item.url
    urls = frozenset({item.url, *aliases}) if url is not None else frozenset()
    return ItemState(read.rel, item.title, item.kind, fields, read.body, url, held, urls)


def value_text(value: Value) -> str:
    """A front-matter value as text: scalars exactly as typed, a list's items one
    a line (so that a word diff adds or removes whole items), a record's
    fields as `key: value`."""
    if isinstance(value, Scalar):
        return "" if value.is_null else value.text
    if isinstance(value, YamlList):
        return "\n".join(value_text(v) for v in value.items)
    return " ".join(f"{key}: {value_text(v)}" for key, v in value.entries.items())


def compare_items(base: Mapping[str, ItemState], head: Mapping[str, ItemState]) -> list[ItemChange]:
    """Items the head adds, removes or changes the text or front matter of; by source.

    A file removed and one added with the same kind and body is one item
    moved (renamed, say, to fix its name): a change from one to the other.
    """
    gone = {source: base[source] for source in base.keys() - head.keys()}
    moved = _moves(gone, {source: head[source] for source in head.keys() - base.keys()})
    changes = []
    for source in sorted(base.keys() | head.keys()):
        before, after = base.get(source), head.get(source)
        if before is None and source in moved:
            changes.append(_change(gone[moved[source]], head[source]))
        elif before is None:
            changes.append(ItemChange("added", None, after))
        elif after is None and source not in moved.values():
            changes.append(ItemChange("removed", before, None))
        elif after is not None and (before.fields, before.body) != (after.fields, after.body):
            changes.append(_change(before, after))
    return changes


def _moves(gone: Mapping[str, ItemState], new: Mapping[str, ItemState]) -> dict[str, str]:
    """{new source: old source} of the files that moved: the same kind and body,
    each old file matched once, in source order."""
    by_body: dict[tuple[str, str], list[str]] = {}
    for source in sorted(gone):
        state = gone[source]
        if state.body.strip():
            by_body.setdefault((state.kind, state.body), []).append(source)
    moves = {}
    for source in sorted(new):
        candidates = by_body.get((new[source].kind, new[source].body))
        if candidates:
            moves[source] = candidates.pop(0)
    return moves


def _change(before: ItemState, after: ItemState) -> ItemChange:
    fields = tuple(
        FieldChange(name, before.fields.get(name), after.fields.get(name))
        for name in _names(before.fields, after.fields)
        if before.fields.get(name) != after.fields.get(name)
    )
    return ItemChange("changed", before, after, fields, before.body != after.body)


def _names(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """The fields of both sides, in the order the head's file has them."""
    return [*after, *(name for name in before if name not in after)]


def code_changes(base: Path, head: Path) -> list[str]:
    """The files of the site's code and settings (`CODE_PATHS`) that differ."""
    differ = []
    for top in CODE_PATHS:
        old, new = dict(_files(base, top)), dict(_files(head, top))
        for rel in sorted(old.keys() | new.keys()):
            if rel not in old or rel not in new or not filecmp.cmp(old[rel], new[rel], False):
                differ.append(rel)
    return differ


def _files(root: Path, top: str) -> Iterator[tuple[str, Path]]:
    """(path relative to `root`, path) of each file under `top`; no caches or dot files."""
    start = root / top
    if start.is_file():
        yield top, start
        return
    for folder, dirs, files in os.walk(start):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        yield from ((f"{rel}/{name}", Path(folder, name)) for name in files if name[0] != ".")
