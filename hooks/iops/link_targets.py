"""Everything a link in content may lead to in one build, and names for it.

Names are MkDocs' (`PageSource.src_uri`): a file of content/ by its path in
content/ (about/mission.md), a file of chapters/ by its path from the
project (chapters/leeds/index.md), so that the two folders are one tree
for links, as the build makes them. Writers are shown project paths.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import urls
from .links import MarkdownError, Setup, page_ids
from .model import Item
from .problems import Problem
from .reader import read_source
from .site_files import PageSource, item_src_uri

_CLOSE_FROM = 2000
"""Beyond this many names to choose from, a "did you mean" looks in the same folder only."""


@dataclass(frozen=True)
class Targets:
    """Everything a link may lead to in one build."""

    pages: Mapping[str, PageSource]
    """Every page, by MkDocs' name for it (`PageSource.src_uri`)."""
    files: frozenset[str]
    """Every other file the build copies or makes, by the same kind of name."""
    addresses: frozenset[str]
    """Every address on the site, without its leading ``/``: pages end in ``/``."""
    held: Mapping[str, Item]
    """Drafts and scheduled items, by the name they would have."""
    setup: Setup
    root: Path
    _ids: dict[str, frozenset[str] | None] = field(default_factory=dict)

    @cached_property
    def by_address(self) -> dict[str, PageSource]:
        return {address(source): source for source in self.pages.values()}

    def ids(self, src_uri: str) -> frozenset[str] | None:
        """The ids of a page, read only when a link points into it; a generated
        page has none in its Markdown, where MkDocs looks for them. None when
        the page cannot be read in time: nothing is said of links into it."""
        if src_uri not in self._ids:
            item = self.pages[src_uri].item
            body = item.body if item is not None else ""
            if item is not None and not body:  # `check` keeps no bodies
                source = read_source(item.path, item.source)
                body = "" if isinstance(source, Problem) else source.body
            try:
                self._ids[src_uri] = page_ids(body, self.setup) if body else frozenset()
            except MarkdownError:
                self._ids[src_uri] = None  # said where the page's own links are read
        return self._ids[src_uri]


def make_targets(
    sources: Iterable[PageSource],
    held: Iterable[Item],
    files: Iterable[str],
    outputs: Iterable[str],
    feeds: Iterable[str],
    setup: Setup,
    root: Path,
) -> Targets:
    """`files` are the project's (content/… and chapters/…); `outputs` the
    paths of the other files the build makes (calendars…), and `feeds` those
    of the feeds, written once MkDocs is done: no link in Markdown finds them."""
    pages = {source.src_uri: source for source in sources}
    known = {src_uri(rel) for rel in files if not rel.endswith(".md")} | set(outputs)
    addresses = frozenset({*map(address, pages.values()), *known, *feeds})
    held_by_name = {item_src_uri(item): item for item in held}
    return Targets(pages, frozenset(known), addresses, held_by_name, setup, root)


def src_uri(rel: str) -> str:
    """The name of a project file: content/about/x.md → about/x.md."""
    return rel.removeprefix(urls.CONTENT_DIR + "/")


def project_path(name: str) -> str:
    """The file a name stands for, as the writer sees it: content/about/x.md."""
    if name.startswith(urls.CHAPTERS_DIR + "/"):
        return name
    return f"{urls.CONTENT_DIR}/{name}"


def address(source: PageSource) -> str:
    """The page's address on the site, without the leading /."""
    return source.dest_path.removesuffix("index.html")


def as_in_project(here: str, url: str) -> str:
    """The name of the file `url` leads to from `here` in the project's folders
    (where content/about and chapters/x are two steps apart, not one)."""
    path = unquote(urlsplit(url).path)
    return src_uri(posixpath.normpath(posixpath.join(posixpath.dirname(project_path(here)), path)))


def resolve(here: str, path: str) -> str:
    """The name a path stands for from the page `here`, as MkDocs finds it."""
    if path.startswith("/"):
        return posixpath.normpath(path).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(here), path))


def relative(target: str, here: str) -> str:
    """How the page `here` links to `target`: ../about/mission.md."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


def close(target: str, among: Iterable[str]) -> str | None:
    """The name nearest `target`: among all when they are few, else in its folder."""
    names = list(among)
    if len(names) > _CLOSE_FROM:
        folder = posixpath.dirname(target)
        names = [name for name in names if posixpath.dirname(name) == folder]
    found = difflib.get_close_matches(target, names, n=1, cutoff=0.75)
    return found[0] if found else None
