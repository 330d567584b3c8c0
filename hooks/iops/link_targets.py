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
from typing import Any
from urllib.parse import unquote, urlsplit

from . import urls
from .links import MarkdownError, Setup, page_ids
from .model import Item
from .problems import Problem
from .reader import read_source
from .site_files import PageSource, item_src_uri

_CLOSE_FROM = 2000
"""Beyond this many names to choose from, a "did you mean" looks in the same folder only."""
_LINKS_DEFAULTS = {"not_found": "warn", "anchors": "info", "unrecognized_links": "info"}
_NAV_DEFAULTS = {"not_found": "warn"}
_SEVERITY = {"warn": "error", "info": "warning"}
"""The build is strict, so what MkDocs warns of stops it; `info` is said, `ignore` is not."""


@dataclass(frozen=True)
class Validation:
    """The site's `validation` levels (mkdocs.yml), as MkDocs reads them."""

    links: Mapping[str, Any] = field(default_factory=lambda: dict(_LINKS_DEFAULTS))
    nav: Mapping[str, Any] = field(default_factory=lambda: dict(_NAV_DEFAULTS))

    def severity(self, check: str, *, nav: bool = False) -> str | None:
        """`error`, `warning` or None (not said) for a kind of broken link."""
        return _SEVERITY.get((self.nav if nav else self.links).get(check, "warn"))

    @property
    def root_is_docs(self) -> bool:
        """Links from the root name files from content/ (MkDocs' `relative_to_docs`)."""
        return self.links.get("absolute_links") == "relative_to_docs"


def read_validation(config: Mapping[str, Any]) -> Validation:
    """Top-level levels apply to links and nav both; their own win (as in MkDocs)."""
    given = config.get("validation")
    given = given if isinstance(given, dict) else {}
    top = {key: value for key, value in given.items() if isinstance(value, str)}
    links, nav = given.get("links"), given.get("nav")
    return Validation(
        {**_LINKS_DEFAULTS, **top, **(links if isinstance(links, dict) else {})},
        {**_NAV_DEFAULTS, **top, **(nav if isinstance(nav, dict) else {})},
    )


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
    validation: Validation = field(default_factory=Validation)
    theme: Path | None = None
    """The theme's folder (`theme.custom_dir`), whose files the site serves too."""
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
                self._ids[src_uri] = None  # the build says so, with its own time limit
        return self._ids[src_uri]


def make_targets(
    sources: Iterable[PageSource],
    held: Iterable[Item],
    files: Iterable[str],
    outputs: Iterable[str],
    feeds: Iterable[str],
    setup: Setup,
    root: Path,
    validation: Validation | None = None,
    theme: Path | None = None,
) -> Targets:
    """`files` are the project's (content/… and chapters/…); `outputs` the
    paths of the other files the build makes (calendars…), and `feeds` those
    of the feeds, written once MkDocs is done: no link in Markdown finds them."""
    pages = {source.src_uri: source for source in sources}
    known = {src_uri(rel) for rel in files if not rel.endswith(".md")} | set(outputs)
    # An output that is a page of its own (the web editor's admin/index.html)
    # is at its folder's address too.
    folders = {o.removesuffix("/index.html") for o in outputs if o.endswith("/index.html")}
    addresses = frozenset({*map(address, pages.values()), *known, *folders, *feeds})
    held_by_name = {item_src_uri(item): item for item in held}
    return Targets(
        pages,
        frozenset(known),
        addresses,
        held_by_name,
        setup,
        root,
        validation or Validation(),
        theme=theme,
    )


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
    """The name nearest `target`: a name like its own in the same folder, else
    (among few names) a whole path very like it."""
    names = list(among)
    folder, base = posixpath.split(target)
    beside = [posixpath.basename(name) for name in names if posixpath.dirname(name) == folder]
    found = difflib.get_close_matches(base, beside, n=1, cutoff=0.75)
    if found:
        return posixpath.join(folder, found[0])
    if len(names) > _CLOSE_FROM:
        return None
    found = difflib.get_close_matches(target, names, n=1, cutoff=0.85)
    return found[0] if found else None
