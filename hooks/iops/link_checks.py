"""Links, pictures and `nav` entries that the build would refuse, found first.

MkDocs resolves a link as a file name relative to the page's file (a
chapter's files are in the same tree: `site_files.item_src_uri`), and checks
its `#anchor` against the ids of the page linked to; under `--strict` a link
it cannot resolve stops the build with its own words and no line. Here each
becomes a `Problem` on its file and line, with the nearest name that exists.

A link from the root (``/blog/``) is left as it is by MkDocs (the site's
`validation: absolute_links`), so it must be an address the site has.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from . import link_targets as names
from .links import Link, as_browsers_read
from .model import Item
from .problems import Problem
from .site_files import item_src_uri

PICTURE_FIELDS = ("image", "avatar")
"""Front-matter fields that name a picture, relative to the item's file as a link is."""


def link_problems(
    items: Iterable[Item], links: Mapping[str, tuple[Link, ...]], targets: names.Targets
) -> list[Problem]:
    """Every link and picture of the items' bodies that leads nowhere."""
    problems = []
    for item in items:
        for link in links.get(item.source, ()):
            problem = _check_link(item, link, targets)
            if problem is not None:
                problems.append(problem)
    return problems


def _check_link(item: Item, link: Link, targets: names.Targets) -> Problem | None:
    here = item_src_uri(item)
    split = urlsplit(as_browsers_read(link.url))
    field = "picture" if link.picture else "link"
    found = _Finding(item.source, link.line, field, link.url, targets.validation)
    if not split.path:
        return _check_anchor(found, here, here, split.fragment, targets)
    from_root = split.path.startswith("/") and not targets.validation.root_is_docs
    if from_root or link.html:
        return _check_address(found, here, unquote(split.path), split.fragment, targets)
    target = names.resolve(here, unquote(split.path))
    if target in targets.pages:
        return _check_anchor(found, here, target, split.fragment, targets)
    if target in targets.files:
        return None
    return _missing(found, here, target, targets)


@dataclass(frozen=True)
class _Finding:
    """Where a link is and what it says: the start of a `Problem`."""

    path: str
    line: int | None
    field: str
    url: str
    validation: names.Validation

    def problem(self, what: str, how: str, check: str = "not_found") -> Problem | None:
        """A problem as grave as the site's `validation` makes `check`; None if ignored.
        A link MkDocs leaves as it is counts as `not_found`: it is one on the site."""
        severity = self.validation.severity(check)
        if severity is None:
            return None
        return Problem(self.path, self.line, self.field, what, how, severity)


def _check_anchor(
    found: _Finding, here: str, target: str, anchor: str, targets: names.Targets
) -> Problem | None:
    if not anchor:
        return None
    ids = targets.ids(target)
    if ids is None or anchor in ids:
        return None
    page = "this page" if target == here else names.project_path(target)
    if targets.pages[target].item is None:
        page = f"the page /{names.address(targets.pages[target])} made by the build"
        return found.problem(
            f"{found.url!r}: {page} has no heading #{anchor}",
            "link to the page without #…",
            "anchors",
        )
    close = difflib.get_close_matches(anchor, sorted(ids), n=1)
    if close:
        how = f"did you mean #{close[0]}?"
    elif ids:
        how = "link to one of its headings: " + ", ".join(f"#{i}" for i in sorted(ids)[:5])
    else:
        how = "it has no headings to link to: link to the page without #…"
    return found.problem(f"{found.url!r}: {page} has no heading or id #{anchor}", how, "anchors")


def _check_address(
    found: _Finding, here: str, path: str, anchor: str, targets: names.Targets
) -> Problem | None:
    """A link the build leaves as it is: from the root, or in raw HTML (where
    a relative address is relative to the page's address, as in a browser)."""
    in_html = not path.startswith("/")
    address = posixpath.join("/", names.address(targets.pages[here]), path) if in_html else path
    target = posixpath.normpath(address).lstrip("/") if address.strip("/") else ""
    if target.endswith(".md"):
        return _file_as_address(found, here, names.resolve(here, path), in_html, targets)
    # /about, /about/ and /about/index.html are the same page on the site.
    page_address = target.removesuffix("index.html").rstrip("/")
    page = targets.by_address.get(f"{page_address}/" if page_address else "")
    if page is not None:
        return _check_anchor(found, here, page.src_uri, anchor, targets)
    theme = targets.theme or targets.root / "theme"
    if target in targets.addresses or (theme / target).is_file():
        return None
    meant = names.resolve(here, path)  # as if relative to the file, as in Markdown
    close = meant if in_html and meant in targets.files else names.close(target, targets.addresses)
    how = f"did you mean /{close}?" if close else "link to a page by its address, e.g. /about/"
    return found.problem(f"{found.url!r}: the site has no page or file /{target}", how)


def _file_as_address(
    found: _Finding, here: str, meant: str, in_html: bool, targets: names.Targets
) -> Problem | None:
    """A page's file where an address is needed: MkDocs does not make it one."""
    if meant not in targets.pages:
        return _missing(found, here, meant, targets)
    address = f"/{names.address(targets.pages[meant])}"
    if in_html:
        return found.problem(
            f"{found.url!r}: a link in HTML is left as it is, and the site has no such address",
            f"write the page's address, {address}, or a Markdown link: "
            f"[…]({names.relative(meant, here)})",
        )
    return found.problem(
        f"{found.url!r}: a link from the root is left as it is, and the site has no such address",
        f"write the page's address, {address}, or its file relative to this page, "
        f"{names.relative(meant, here)}",
    )


def _missing(found: _Finding, here: str, target: str, targets: names.Targets) -> Problem | None:
    """What to say of a link to a file that is not in the build."""
    meant = names.as_in_project(here, found.url)
    if meant in targets.pages or meant in targets.files:
        return found.problem(
            f"{found.url!r}: content/ and chapters/ are one tree for links, "
            f"so this leads to {names.project_path(target) if target[:3] != '../' else 'no file'}",
            f"did you mean {names.relative(meant, here)}?",
        )
    if target.startswith("../"):
        return found.problem(
            f"{found.url!r} leads out of content/ and chapters/",
            "link to a file of the site, relative to this page",
        )
    if target in targets.held:
        item = targets.held[target]
        why = "a draft" if item.draft else f"scheduled for {item.when:%Y-%m-%d}"
        return found.problem(
            f"{found.url!r}: {names.project_path(target)} is {why}, not published yet",
            "take the link out until that page is published",
        )
    if target.endswith(".md") or not posixpath.splitext(target)[1]:
        return _missing_page(found, here, target, targets)
    close = names.close(target, targets.files)
    what = "picture" if found.field == "picture" else "file"
    how = (
        f"did you mean {names.relative(close, here)}?"
        if close
        else f"put the {what} beside the page and link to it by its name"
    )
    return found.problem(f"{found.url!r}: there is no {what} {names.project_path(target)}", how)


def _missing_page(
    found: _Finding, here: str, target: str, targets: names.Targets
) -> Problem | None:
    pages = targets.pages
    check = "not_found"
    if target.endswith(".md"):
        what = f"there is no page {names.project_path(target)}"
        guess = names.close(target, pages)
    else:  # an address, or a folder: MkDocs wants a file
        check = "unrecognized_links"
        what = "a link to a page must name its file (….md)"
        by_address = targets.by_address.get(f"{target}/")
        guesses = [f"{target}.md", f"{target}/index.md"]
        guess = by_address.src_uri if by_address else next((g for g in guesses if g in pages), None)
    how = (
        f"did you mean {names.relative(guess, here)}?"
        if guess
        else "link to the page's file relative to this one, e.g. ../about/mission.md"
    )
    return found.problem(f"{found.url!r}: {what}", how, check)


def picture_problems(items: Iterable[Item], targets: names.Targets) -> list[Problem]:
    """Each `image` and `avatar` must be a file, named as a link to it would be."""
    problems = []
    for item in items:
        here = item_src_uri(item)
        for name in PICTURE_FIELDS:
            value = item.field(name)
            if not isinstance(value, str):
                continue
            target = names.resolve(here, value)
            if target in targets.files:
                continue
            close = names.close(target, targets.files)
            how = (
                f"did you mean {names.relative(close, here)}?"
                if close
                else ("put the picture beside the file and give its name, e.g. photo.jpg")
            )
            problems.append(
                Problem(
                    item.source,
                    item.meta.line(name),
                    name,
                    f"there is no picture {names.project_path(target)}",
                    how,
                )
            )
    return problems


def nav_problems(
    root: Path, targets: names.Targets, config_file: str = "mkdocs.yml"
) -> list[Problem]:
    """Each page of the configuration's `nav` must be one the build makes."""
    severity = targets.validation.severity("not_found", nav=True)
    if severity is None:
        return []
    try:
        document = yaml.compose(
            (root / config_file).read_text("utf-8"), getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    except (OSError, yaml.YAMLError):
        return []  # the settings report an unreadable configuration
    problems = []
    for node in _nav_entries(document):
        value = node.value
        split = urlsplit(value)
        if split.scheme or split.netloc or value.startswith("/"):
            continue  # a link elsewhere, which MkDocs does not look for
        if value in targets.pages or value in targets.files:
            continue
        close = names.close(value, targets.pages)
        how = (
            f"did you mean {close}?"
            if close
            else (
                "name a page's file relative to content/, e.g. about/index.md, or remove the entry"
            )
        )
        problems.append(
            Problem(
                config_file,
                node.start_mark.line + 1,
                "nav",
                f"{value!r}: there is no page {names.project_path(value)}",
                how,
                severity,
            )
        )
    return problems


def _nav_entries(document: yaml.Node | None) -> list[yaml.ScalarNode]:
    if not isinstance(document, yaml.MappingNode):
        return []
    nav = next((v for k, v in document.value if getattr(k, "value", None) == "nav"), None)
    found: list[yaml.ScalarNode] = []
    todo = [nav] if nav is not None else []
    while todo:
        node = todo.pop()
        if isinstance(node, yaml.SequenceNode):
            todo.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            todo.extend(value for _, value in reversed(node.value))
        elif isinstance(node, yaml.ScalarNode) and node.value:
            found.append(node)
    return found
