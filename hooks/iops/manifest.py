"""What a built site gives its readers, and what one build changes against another.

`page_manifest` reads a built site folder (no MkDocs needed): each page's URL,
title, published address and a hash of its content region; each redirect's
target; each feed, calendar and data file's bytes. `compare` lists what a
head build adds, changes and removes against a base build; `render_text` and
`render_markdown` report it to a terminal and to a GitHub job summary.
"""

from __future__ import annotations

import copy
import enum
import hashlib
import os
import string
import unicodedata
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import lxml.html

SKIPPED_DIRS = frozenset({"assets", "search", "pagefind"})
"""Top-level folders of theme code and the search index (MkDocs' or Pagefind's):
not what a reader reads."""
SKIPPED_FILES = frozenset({"sitemap.xml", "sitemap.xml.gz", "sitemap-pages.xml"})

_CONTENT = "//article[contains(concat(' ', normalize-space(@class), ' '), ' md-content__inner ')]"
_FALLBACK = "//*[contains(concat(' ', normalize-space(@class), ' '), ' md-content ')]"
_FILE_TITLES = {
    "rss.xml": "RSS feed",
    "atom.xml": "Atom feed",
    "results.json": "poll results (JSON)",
    "results.csv": "poll results (CSV)",
    "feeds.opml": "list of feeds (OPML)",
    ".ics": "calendar",
}


class Kind(enum.Enum):
    """What a URL gives a reader; reports list them in this order."""

    PAGE = "page"
    REDIRECT = "redirect"
    FILE = "file"


@dataclass(frozen=True)
class PageEntry:
    """One URL of a built site."""

    url: str
    """Relative to the site root: `blog/2014/first/`, `blog/rss.xml`; '' is the home page."""
    title: str
    """A page's heading (else its <title>); a redirect's target title; a file's kind."""
    digest: str
    """SHA-256 of what a reader gets: a page's content region, a redirect's target,
    a file's bytes. Navigation and asset links are left out, so a change to the
    menu does not mark every page as changed."""
    kind: Kind = Kind.PAGE
    target: str = ""
    """A redirect's destination, relative to the site root (or absolute)."""
    address: str = ""
    """A page's published address, from its canonical link; '' where it has none.
    Not part of the digest: it follows from `url` and the site's address."""


@dataclass(frozen=True)
class Change:
    """A URL in both builds whose content differs."""

    before: PageEntry
    after: PageEntry


@dataclass(frozen=True)
class Diff:
    """What the head build adds, changes and removes against the base; each sorted by URL."""

    added: tuple[PageEntry, ...]
    changed: tuple[Change, ...]
    removed: tuple[PageEntry, ...]
    unchanged: tuple[PageEntry, ...]

    @property
    def unchanged_count(self) -> int:
        return len(self.unchanged)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def only(self, kind: Kind) -> Diff:
        """The part of this diff about one kind of URL."""
        return Diff(
            tuple(e for e in self.added if e.kind is kind),
            tuple(c for c in self.changed if c.after.kind is kind),
            tuple(e for e in self.removed if e.kind is kind),
            tuple(e for e in self.unchanged if e.kind is kind),
        )


def page_manifest(site_dir: Path) -> dict[str, PageEntry]:
    """Every page, redirect and reader-facing file of a built site, by URL."""
    entries = (_read(site_dir, rel) for rel in _site_files(site_dir))
    return {entry.url: entry for entry in sorted(entries, key=lambda e: e.url)}


def compare(base: Mapping[str, PageEntry], head: Mapping[str, PageEntry]) -> Diff:
    """What `head` adds, changes and removes against `base`."""
    both = sorted(base.keys() & head.keys())
    same = {url for url in both if (base[url].kind, base[url].digest) == _key(head[url])}
    return Diff(
        added=tuple(head[url] for url in sorted(head.keys() - base.keys())),
        changed=tuple(Change(base[url], head[url]) for url in both if url not in same),
        removed=tuple(base[url] for url in sorted(base.keys() - head.keys())),
        unchanged=tuple(head[url] for url in both if url in same),
    )


def _key(entry: PageEntry) -> tuple[Kind, str]:
    return entry.kind, entry.digest


def _site_files(site_dir: Path) -> Iterator[str]:
    """Paths (POSIX, relative to the site) of the files a manifest covers."""
    for folder, dirs, files in os.walk(site_dir):
        rel_folder = Path(folder).relative_to(site_dir).as_posix()
        if rel_folder == ".":
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
            files = [f for f in files if f not in SKIPPED_FILES]
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("."):
                yield name if rel_folder == "." else f"{rel_folder}/{name}"


def _read(site_dir: Path, rel: str) -> PageEntry:
    data = (site_dir / rel).read_bytes()
    name = rel.rsplit("/", 1)[-1]
    if not rel.endswith(".html"):
        title = _FILE_TITLES.get(name) or _FILE_TITLES.get(Path(name).suffix) or name
        return PageEntry(rel, title, _sha256(data), Kind.FILE)
    url = rel.removesuffix(name) if name == "index.html" else rel
    if not data.strip():  # lxml parses no empty document
        return PageEntry(url, name, _sha256(data))
    doc = lxml.html.fromstring(data)
    refresh = doc.xpath("//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']/@content")
    if refresh:
        target = _redirect_target(url, str(refresh[0]))
        return PageEntry(url, _title(doc, None), _sha256(target.encode()), Kind.REDIRECT, target)
    regions = doc.xpath(_CONTENT) or doc.xpath(_FALLBACK) or doc.xpath("//body") or [doc]
    region = regions[0]
    html = lxml.html.tostring(region, encoding="unicode", with_tail=False)
    canonical = doc.xpath("//link[@rel='canonical']/@href")
    address = str(canonical[0]).strip() if canonical else ""
    return PageEntry(url, _title(doc, region), _sha256(html.encode()), address=address)


def _title(doc: lxml.html.HtmlElement, region: lxml.html.HtmlElement | None) -> str:
    """The page's first heading (without its permalink anchor), else its <title>."""
    for h1 in region.iter("h1") if region is not None else ():
        heading = copy.deepcopy(h1)
        for anchor in heading.xpath(".//*[contains(@class, 'headerlink')]"):
            anchor.drop_tree()
        if text := clean_text(heading.text_content()):
            return text
    return clean_text(doc.findtext(".//title") or "")


def _redirect_target(url: str, content: str) -> str:
    """The destination of `<meta http-equiv="refresh" content="0; url=…">`."""
    _, _, rest = content.partition(";")
    target = rest.strip()
    if target[:4].lower() == "url=":
        target = target[4:].strip().strip("'\"")
    joined = urllib.parse.urljoin(f"/{url}", target)
    return joined[1:] if joined.startswith("/") else joined


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def clean_text(text: str) -> str:
    """Text on one line, without control characters (which could drive a terminal)."""
    kept = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return " ".join(kept.split())


_SECTIONS = (
    (Kind.PAGE, "Pages"),
    (Kind.REDIRECT, "Redirects"),
    (Kind.FILE, "Feeds, calendars and data files"),
)
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def render_text(diff: Diff, base_label: str, head_label: str) -> str:
    """The report for a terminal: one line per URL, pages first."""
    lines = [f"{head_label} against {base_label}"]
    for kind, heading in _SECTIONS:
        part = diff.only(kind)
        if kind is Kind.PAGE or not part.is_empty:
            lines.append(f"{heading}: {_counts(part)}")
        rows = [(verb, f"/{e.url}", _describe(e, before)) for verb, e, before in _rows(part)]
        width = min(max((len(url) for _, url, _ in rows), default=0), 48)
        lines += [f"  {verb:<8} {url:<{width}}  {text}" for verb, url, text in rows]
    return "\n".join(lines) + "\n"


def render_markdown(
    diff: Diff, base_label: str, head_label: str, base_url: str | None = None, limit: int = 200
) -> str:
    """The report as GitHub-flavoured Markdown, for a pull request's job summary.

    Titles are escaped, never trusted: a member's title cannot become markup.
    Titles link to `base_url` (the preview) when one is given. The path of a
    changed or removed page links to the page as the base build publishes it
    (its canonical address): the base's, because the head's site address is
    the pull request's to set. Pages then files, which fold away; at most
    `limit` lines per list.
    """
    out = [
        "### Pages this change adds, changes and removes",
        "",
        f"{code_span(head_label)} compared with {code_span(base_label)}.",
        "",
    ]
    for kind, heading in _SECTIONS:
        part = diff.only(kind)
        if kind is Kind.PAGE:
            out += [f"**{heading}:** {_counts(part)}.", ""]
        elif part.is_empty:
            continue
        else:
            out += [f"<details><summary>{heading}: {_counts(part)}</summary>", ""]
        for verb in ("added", "changed", "removed"):
            items = [
                _markdown_item(entry, before, base_url if verb != "removed" else None)
                for row_verb, entry, before in _rows(part)
                if row_verb == verb
            ]
            if items:
                more = [f"- … and {len(items) - limit} more"] if len(items) > limit else []
                out += [f"{verb.capitalize()}:", "", *items[:limit], *more, ""]
        if kind is not Kind.PAGE:
            out += ["</details>", ""]
    return "\n".join(out)


def escape_markdown(text: str) -> str:
    """Text that Markdown and HTML show as it is: no links, tags or emphasis."""
    return "".join(
        _ENTITIES.get(c) or (f"\\{c}" if c in string.punctuation else c) for c in clean_text(text)
    )


def code_span(text: str) -> str:
    """`text` as a code span: Markdown and HTML in it stay text."""
    text = clean_text(text)
    return f"`{text}`" if text and "`" not in text else escape_markdown(text)


def _counts(diff: Diff) -> str:
    return (
        f"{len(diff.added)} added, {len(diff.changed)} changed, {len(diff.removed)} removed, "
        f"{diff.unchanged_count} unchanged"
    )


def _rows(diff: Diff) -> Iterator[tuple[str, PageEntry, PageEntry | None]]:
    """(verb, entry, the base's entry of its URL), added then changed then removed."""
    for entry in diff.added:
        yield "added", entry, None
    for change in diff.changed:
        yield "changed", change.after, change.before
    for entry in diff.removed:
        yield "removed", entry, entry


def _former_title(entry: PageEntry, before: PageEntry | None) -> str | None:
    return before.title if before is not None and before.title != entry.title else None


def _describe(entry: PageEntry, before: PageEntry | None) -> str:
    text = f"-> /{entry.target} ({entry.title})" if entry.kind is Kind.REDIRECT else entry.title
    was = _former_title(entry, before)
    return clean_text(f"{text} (was: {was})" if was else text)


def _markdown_item(entry: PageEntry, before: PageEntry | None, base_url: str | None) -> str:
    title = escape_markdown(entry.title) or "(no title)"
    link = site_link(base_url, entry.target or entry.url) if base_url else None
    if link:
        title = f"[{title}]({link})"
    path = f"`/{_quote(entry.url)}`"
    published = web_address(before.address) if before is not None else None
    if published:
        path = f"[{path}]({published})"
    if entry.kind is Kind.REDIRECT:
        path = f"{path} → `/{_quote(entry.target)}`"
    was = _former_title(entry, before)
    former = f" (was: {escape_markdown(was)})" if was else ""
    return f"- {title}{former} {path}"


def web_address(address: str) -> str | None:
    """`address` made safe for a Markdown link; None unless it is http(s)."""
    return _quote(address) if address.startswith(("http://", "https://")) else None


def site_link(base_url: str, url: str) -> str | None:
    """The address of `url` on the site at `base_url`; None for anything but http(s)."""
    web = ("http://", "https://")
    if url.startswith(web):
        return _quote(url)
    if urllib.parse.urlsplit(url).scheme or not base_url.startswith(web):
        return None
    return _quote(base_url.rstrip("/") + "/" + url)


def _quote(url: str) -> str:
    """A URL safe inside Markdown's (…) and `…`: spaces, brackets, backticks encoded."""
    return urllib.parse.quote(url, safe="/:?#=&%~@!$,;+'*")
