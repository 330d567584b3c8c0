"""The links and pictures in a Markdown body, and the ids a link may point to.

Read with Python-Markdown and the site's own `markdown_extensions`, so that
what counts as a link (and what is code, not a link) is what the build will
render. Converting is the slow part, so it is done only where it can matter:
a body that holds no link to this site is not converted for its links, and
the ids of a page are read only when some link points into it.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as etree

import yaml
from engine.alarm import raising_after

# A link that may be to this site: an inline link or picture, a reference
# definition, or an HTML attribute, whose address has no scheme (http:,
# mailto:). It may match more than links (code, footnotes); never fewer.
_MAY_LINK = re.compile(
    r"""(?:\]\(\s*<?|\]:\s*<?|\b(?:href|src)\s*=\s*["']?)(?![a-z][a-z0-9+.-]*:)""",
    re.IGNORECASE,
)
# A line of prose: no bracket, parenthesis, angle bracket, backtick or
# backslash, so no part of a link or of code (a link split over lines keeps a
# bracket or parenthesis on each of them). Its words can be dropped before
# reading for links, keeping its indentation and markers ("- ", "1. ", "> ",
# "## ", "~~~ "), so that every block stays what it was: converting takes a
# third of the time. Group 1 is what is kept.
_PROSE = re.compile(r"^([ \t]*(?:\d{1,9}[.)])?[^\w\[\]<>()`\\\n]*)[^\W_][^\[\]<>()`\\\n]*$", re.M)
# Links that extensions make, to places they make too: not the writer's.
_MADE_LINKS = frozenset({"footnote-ref", "footnote-backref", "headerlink"})

MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")
"""Extensions MkDocs always adds before the configured ones."""

Setup = tuple[tuple[str, Any], ...]
"""The site's `markdown_extensions`: each one's name and frozen options."""


@dataclass(frozen=True)
class Link:
    """A link or picture in a file's Markdown."""

    line: int | None
    """Its line, when it can be found: in the body (1 is the body's first) as
    `find_links` gives it, in the file once `parsing` has read it."""
    url: str
    picture: bool = False
    """An `img` (a picture), not an `a` (a link)."""
    html: bool = False
    """Written in raw HTML, which MkDocs leaves as it is: relative to the page's
    address, not to its file."""


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Reads mkdocs.yml as MkDocs does for the options of extensions:
    ``!!python/name:pymdownx.slugs.uslugify`` names a function."""


def _python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    module, _, name = suffix.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError):
        return None  # MkDocs says so when it loads the configuration


_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)
_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(root: Path, config_file: str = "mkdocs.yml") -> dict[str, Any]:
    """The site's configuration; empty if it cannot be read (the settings say why)."""
    try:
        config = yaml.load((root / config_file).read_text("utf-8"), _Loader)  # noqa: S506
    except (OSError, yaml.YAMLError):
        return {}
    return config if isinstance(config, dict) else {}


def markdown_setup(config: dict[str, Any]) -> Setup:
    """The `markdown_extensions` of the site's configuration, as MkDocs reads them."""
    listed = config.get("markdown_extensions")
    options: dict[str, Any] = {}
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, str):
            options.setdefault(entry, {})
        elif isinstance(entry, dict):
            options.update((str(name), given or {}) for name, given in entry.items())
    names = dict.fromkeys([*MKDOCS_BUILTINS, *options])  # in order, once each, as MkDocs
    return tuple((name, _freeze(options.get(name, {}))) for name in names)


def setup_key(setup: Setup) -> str:
    """The setup as text that is the same in every run (a function by its name)."""

    def named(value: Any) -> Any:
        if callable(value):
            return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
        if isinstance(value, tuple):
            return tuple(named(item) for item in value)
        return value

    return repr(named(setup))


def _freeze(value: Any) -> Any:
    """Options as nested tuples: hashable, so that a converter is made once per setup."""
    if isinstance(value, dict):
        return tuple((key, _freeze(item)) for key, item in value.items())
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple) and all(isinstance(i, tuple) and len(i) == 2 for i in value):
        return {key: _thaw(item) for key, item in value}
    return value


class MarkdownError(Exception):
    """The body could not be read as Markdown, or not in time: said as a problem."""

    def __init__(self, what: str, how: str) -> None:
        super().__init__(what)
        self.what, self.how = what, how


MARKDOWN_SECONDS = 10.0
"""How long one body may take to convert. Python-Markdown is quadratic in some
inputs (a long run of "[" before a link): a small file could hold `check` for
hours. A post takes milliseconds."""


@functools.lru_cache(maxsize=4)
def _converter(setup: Setup, with_toc: bool) -> tuple[Any, list[etree.Element]]:
    """A converter for the setup, made once (that takes longer than a post's
    conversion), and where its last tree is left."""
    import markdown  # only when a page has links to read: it costs check 0.1 s to import

    names = [name for name, _ in setup if with_toc or name != "toc"]
    configs = {name: _thaw(options) for name, options in setup if options and name in names}
    md = markdown.Markdown(extensions=names, extension_configs=configs)
    trees: list[etree.Element] = []

    class Keep(markdown.treeprocessors.Treeprocessor):
        def run(self, root: etree.Element) -> None:
            trees[:] = [root]

    md.treeprocessors.register(Keep(md), "iops_keep", -100)  # after every other one
    return md, trees


def _convert(body: str, setup: Setup, with_toc: bool) -> tuple[etree.Element, list[str]]:
    """The tree of the body and its raw HTML blocks (kept apart by Markdown)."""
    try:
        md, trees = _converter(setup, with_toc)
        md.reset()
        with _time_limit(MARKDOWN_SECONDS):
            md.convert(body)
    except MarkdownError:
        raise
    except Exception as err:  # an extension may raise anything: say it, never as a traceback
        raise MarkdownError(
            f"Markdown could not read it for its links ({type(err).__name__}: {err})",
            "look near what the message names; if it names an extension, see "
            "markdown_extensions in mkdocs.yml",
        ) from err
    raw = [block for block in md.htmlStash.rawHtmlBlocks if isinstance(block, str)]
    return trees[0], raw


def _time_limit(seconds: float) -> AbstractContextManager[None]:
    return raising_after(
        seconds,
        lambda: MarkdownError(
            f"its Markdown took more than {seconds:g} s to read, which no post needs",
            "look for a very long run of brackets ([ or ![), thousands of nested list "
            "items or abbreviations, and break it up",
        ),
    )


def find_links(body: str, setup: Setup) -> tuple[Link, ...]:
    """Every link and picture of the body whose address has no scheme, in
    order; `MarkdownError` if the body cannot be read."""
    # Substrings first: they are found many times faster than the pattern is.
    if not ("](" in body or "]:" in body or "=" in body) or not _MAY_LINK.search(body):
        return ()
    root, raw = _convert(_PROSE.sub(r"\1x", body), setup, with_toc=False)
    found: list[tuple[str, bool, bool]] = []
    for element in root.iter():
        if element.tag == "a" and not _MADE_LINKS & set(element.get("class", "").split()):
            found.append((element.get("href", ""), False, False))
        elif element.tag == "img":
            found.append((element.get("src", ""), True, False))
    for block in raw:
        found += [(url, picture, True) for url, picture in _HtmlLinks.of(block)]
    return tuple(_located(body, [link for link in found if _is_local(link[0])]))


def as_browsers_read(url: str) -> str:
    """The address as a browser reads it: without spaces and control characters
    around it, nor tabs and line breaks inside (``java\tscript:`` has a scheme)."""
    return url.strip("".join(map(chr, range(0x21)))).translate(_TABS_AND_BREAKS)


_TABS_AND_BREAKS = str.maketrans("", "", "\t\n\r")


def _is_local(url: str) -> bool:
    """Not to another site, nor of another scheme (mailto:, data:, javascript:)."""
    url = as_browsers_read(url)
    return bool(url) and not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\", url)


def _located(body: str, found: Iterable[tuple[str, bool, bool]]) -> list[Link]:
    """Each link with its line: the next place its address is written in the
    body. Markdown does not say where a link came from; a second link to the
    same address is looked for after the first."""
    after: dict[str, int] = {}
    links = []
    for url, picture, html in found:
        at = body.find(url, after.get(url, 0))
        if at < 0:
            links.append(Link(None, url, picture, html))
            continue
        after[url] = at + len(url)
        links.append(Link(body.count("\n", 0, at) + 1, url, picture, html))
    return links


class _HtmlLinks(HTMLParser):
    """The `a href` and `img src` of raw HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, bool]] = []

    @classmethod
    def of(cls, html: str) -> list[tuple[str, bool]]:
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser.found

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None:
                self.found.append((value, tag == "img"))


class _HtmlIds(HTMLParser):
    """Ids in raw HTML, and the names of `a`: what MkDocs counts as anchors."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (name == "name" and tag == "a")):
                self.ids.add(value)


def page_ids(body: str, setup: Setup) -> frozenset[str]:
    """The ids a link may point to in the page made of `body`: those of its
    headings (the `toc` extension's, with its `slugify`), `{#id}` of
    `attr_list`, footnotes' and those of raw HTML, as MkDocs counts them
    when it checks a link's anchor."""
    root, _ = _convert(body, setup, with_toc=True)
    ids = {value for element in root.iter() if (value := element.get("id"))}
    ids |= {value for element in root.iter("a") if (value := element.get("name"))}
    # As MkDocs: raw HTML is read from the whole text, before Markdown takes it apart.
    parser = _HtmlIds()
    parser.feed(body)
    parser.close()
    return frozenset(ids | parser.ids)
