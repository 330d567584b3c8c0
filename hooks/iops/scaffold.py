"""Start a content file: where `build.py new KIND "Title"` writes it, and what.

Pure: `new_file` takes the settings and a `Request` (with today's date passed
in) and returns the file's path and text, or raises `ScaffoldError` saying
what is wrong and how to fix it. It writes nothing; build.py opens the file
so that it never overwrites one.

The fields come from `schema.SCHEMAS`, so the file follows the schema: every
required field is written, with a value `new` knows (the title, today, the
chapter or author given) or left empty and marked FILL IN, which `check`
refuses until it is filled; every optional field follows as a commented-out
example.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import date_fields as d
from . import fields as f
from . import urls
from .loader import WHEN_FIELDS
from .reader import Scalar
from .schema import SCHEMAS
from .settings import Settings

KINDS = ("post", "news", "event", "project", "poll", "member", "chapter")
"""What `new` makes; statements and pages are written by hand."""
FILL_IN = "# FILL IN: "
"""Follows a value left empty for the writer; `check` refuses the empty value."""

_SECTIONS = {kind: section for section, kind in urls.SECTION_KINDS.items()}
_HANDLE_KINDS = frozenset({"member", "chapter"})
"""Kinds whose slug is a handle that other files name: ASCII only."""
_NOT_TEXT = frozenset({"Cc", "Cs", "Zl", "Zp"})
"""Unicode categories a title cannot hold: control characters and line breaks."""
_CHAPTER_FIELDS = {"member": "chapter", "chapter": "parent"}
"""Where --chapter goes for kinds that do not live in a chapter's folder."""

# What to write in a required field that `new` cannot fill.
_BLANKS = {
    "author": "your handle (your file's name in content/members/, without .md)",
    "start": "when it starts, in local time: YYYY-MM-DDTHH:MM",
    "closes": "the day the poll closes: YYYY-MM-DD",
    "level": "national, regional or local",
}
# Required fields whose blank is a block of several lines.
_BLOCKS = {
    "questions": [
        "questions:",
        f"  - question:  {FILL_IN}the question asked",
        "    options:",
        f"      - label:  {FILL_IN}an answer",
        "        votes: 0  # how many chose it, once the poll has closed",
        f"      - label:  {FILL_IN}another answer",
        "        votes: 0",
    ]
}
_OPTIONAL = '# Optional fields: to use one, delete the "# " at the start of its line.'
_BODIES = {
    "post": "the text of your post, in Markdown",
    "news": "the news, in Markdown",
    "event": "what happens, who it is for and how to take part",
    "project": "what the project does and how to join in",
    "poll": "what the poll asks and why",
    "member": "a few lines about yourself",
    "chapter": "a few lines about the chapter: who it is, where and when it meets",
}
# Each optional field as a commented-out example: (value, what it is for).
# A key "kind.field" is for one kind only. {language} and {timezone} are the site's.
_EXAMPLES = {
    "draft": ("true", "keeps it off the public site until you delete this line"),
    "lang": ("de", "the language's code, if it is not in {language}"),
    "aliases": ("[/blog/view/123]", "old addresses of this page; each will redirect here"),
    "summary": ('"A sentence or two for listings and feeds."', "else the start of the text"),
    "tags": ("[organizing, economics]", "topics; each tag has its own page and feed"),
    "image": ("images/picture.jpg", "a picture that goes with it"),
    "author": ("your-handle", "your file's name in content/members/, without .md"),
    "end": ("2027-02-23T21:00", "when it ends, in local time"),
    "event.timezone": ("Europe/Berlin", "of start and end, if not the chapter's (or {timezone})"),
    "location": ('"Room 2, 1 Example Street, Leeds"', "where it takes place"),
    "online": ("https://meet.example.org/iops", "where to join it online"),
    "members": ("[your-handle]", "handles of the members working on it"),
    "voters": ("120", "how many people took part"),
    "chapter": ("your-chapter", "your chapter's folder name in chapters/"),
    "joined": ("2014-09-30", "the day you joined"),
    "links": ('[{label: Blog, url: "https://example.org/"}]', "your pages elsewhere"),
    "avatar": ("images/members/you.jpg", "a picture of you"),
    "github": ("your-github-name", "your account on github.com"),
    "parent": ("a-national-chapter", "the folder name in chapters/ of the chapter above"),
    "country": ("GB", "the two-letter ISO code of its country"),
    "place": ('"Leeds"', "the town or area it covers"),
    "chapter.timezone": ("Europe/London", "of its events, if not {timezone}"),
    "admins": ("[your-handle]", "handles of the members who look after its pages"),
    "translation_of": ("about/mission.md", "the file this translates (new --translate fills it)"),
    "original_commit": ("0123abc", "the commit of the original it follows (new --translate)"),
    "adopts": ("[{statement: mission, version: 2}]", "statement versions the poll adopted"),
    "contact": ("leeds@example.org", "how readers reach it: an email or web address"),
}


@dataclass(frozen=True)
class Request:
    """What the writer asked for; `today` is in the site's timezone."""

    kind: str
    title: str
    today: dt.date
    chapter: str | None = None
    author: str | None = None
    start: str | None = None
    """An event's start, as typed: YYYY-MM-DD or YYYY-MM-DDTHH:MM."""
    slug: str | None = None
    """The slug, if not made from the title."""


@dataclass(frozen=True)
class Blank:
    """A value left for the writer to fill in."""

    line: int
    field: str
    what: str


@dataclass(frozen=True)
class NewFile:
    rel: str
    """Where to write it, relative to the project root."""
    text: str
    url: str | None
    """Where it will be published; None until an event's start is known."""
    blanks: tuple[Blank, ...]
    body: str
    """What the text below the front matter should say."""

    def guide(self) -> list[str]:
        """What to do next, for the writer."""
        lines = [f"It will be published at /{self.url}"] if self.url else []
        lines.append("Fill in:")
        lines += [f"  line {b.line}, {b.field}: {b.what}" for b in self.blanks]
        lines.append(f"  below the front matter: {self.body}")
        lines.append("Then run `build.py check`.")
        return lines


class ScaffoldError(Exception):
    """Why `new` writes nothing: each reason as (what is wrong, how to fix it)."""

    def __init__(self, reasons: list[tuple[str, str]]) -> None:
        self.reasons = reasons
        super().__init__("\n".join(f"{what} — {how}" for what, how in reasons))


def already_exists(rel: str) -> ScaffoldError:
    return ScaffoldError(
        [(f"{rel} already exists", "new never overwrites: choose another title, or --slug")]
    )


def new_file(settings: Settings, request: Request) -> NewFile:
    """The file `new` writes for `request`, or a ScaffoldError saying why not."""
    kind, root = request.kind, settings.root
    _check_kind(kind)
    slug, reasons = _slug(request)
    reasons += _check_names(root, request)
    start = _start(request, reasons)
    if reasons:
        raise ScaffoldError(reasons)
    day = start.date() if start else request.today
    rel = _path(kind, slug, request.chapter, day)
    where = urls.locate(rel)
    if where.slug != slug:
        raise ScaffoldError(
            [(f"the slug {slug!r} starts with a date", "give a --slug without one")]
        )
    if (root / rel).exists():
        raise already_exists(rel)
    _refuse_clash(root, kind, rel, slug)
    # An event's URL has the year of its start: unknown until it is filled in.
    known = kind != "event" or start is not None
    url = urls.item_url(kind, rel, where.owner, slug, day.year) if known else None
    lines = _front_matter(settings, request)
    text = "\n".join(lines) + f"\n\n<!-- Below: {_BODIES[kind]}. Delete this comment. -->\n"
    return NewFile(rel, text, url, tuple(_blanks(lines)), _BODIES[kind])


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1)
        guess = urls.SECTION_KINDS.get(kind) or (close[0] if close else None)
        hint = f"did you mean {guess}? " if guess in KINDS else ""
        raise ScaffoldError([(f"new cannot make {kind!r}", hint + "it makes " + ", ".join(KINDS))])


def _slug(request: Request) -> tuple[str, list[tuple[str, str]]]:
    title = request.title.strip()
    if not title:
        return "", [("the title is empty", 'give one in quotes: new post "My title"')]
    if any(unicodedata.category(c) in _NOT_TEXT or c in "\ufffe\uffff" for c in title):
        return "", [(f"the title {title!r} has a line break or control character", "remove it")]
    if request.kind in _HANDLE_KINDS:
        slug = request.slug or _handle(title)
        form = "lowercase letters a-z, digits and hyphens"
        valid = bool(f.HANDLE_PATTERN.match(slug))
    else:
        slug = request.slug or urls.slugify(title)
        form = "lowercase letters, digits and hyphens"
        valid = bool(slug) and slug == urls.slugify(slug)
    if valid:
        return slug, []
    if request.slug:
        return "", [(f"--slug {request.slug!r} is not a slug", f"use {form}")]
    return "", [(f"the title {title!r} gives an empty slug", f"give a --slug of {form}")]


def _handle(title: str) -> str:
    """A handle from a name: accents dropped, ASCII only (Zoë Müller → zoe-muller)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def _check_names(root: Path, request: Request) -> list[tuple[str, str]]:
    """The chapter, author and options given exist and fit the kind."""
    reasons = []
    if request.chapter is not None:
        chapters = _names(root / urls.CHAPTERS_DIR, lambda p: (p / "index.md").is_file())
        reasons += _unknown("chapter", request.chapter, chapters, "chapters/")
    if request.author is not None:
        if "author" not in SCHEMAS[request.kind]:
            reasons.append((f"a {request.kind} has no author", "leave out --author"))
        folder = root / urls.CONTENT_DIR / _SECTIONS["member"]
        members = [name.removesuffix(".md") for name in _names(folder, _is_md)]
        reasons += _unknown("member", request.author, members, "content/members/")
    if request.start is not None and request.kind != "event":
        reasons.append((f"a {request.kind} has no start", "--start is for events"))
    return reasons


def _is_md(path: Path) -> bool:
    return path.name.endswith(".md") and path.is_file()


def _names(folder: Path, keep: Callable[[Path], bool]) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if keep(p))


def _unknown(what: str, name: str, names: list[str], folder: str) -> list[tuple[str, str]]:
    if name in names:
        return []
    close = difflib.get_close_matches(name, names, n=3)
    if close:
        hint = "did you mean " + " or ".join(close) + "?"
    else:
        hint = "use one of: " + ", ".join(names[:10]) if names else f"{folder} has none yet"
        hint += ", …" if len(names) > 10 else ""
    return [(f"there is no {what} {name!r} in {folder}", hint)]


def _start(request: Request, reasons: list[tuple[str, str]]) -> dt.datetime | None:
    if request.start is None or request.kind != "event":
        return None
    try:
        start: dt.datetime = d.local_datetime(Scalar(request.start.strip(), False, 0))
    except f.FieldError as err:
        reasons.append((f"--start: {err.message}", err.hint))
        return None
    return start


def _path(kind: str, slug: str, chapter: str | None, day: dt.date) -> str:
    if kind == "chapter":
        return f"{urls.CHAPTERS_DIR}/{slug}/index.md"
    section = _SECTIONS[kind]
    name = f"{day.isoformat()}-{slug}.md" if _dated(kind) else f"{slug}.md"
    base = urls.CONTENT_DIR
    if chapter and section in urls.CHAPTER_SECTIONS:
        base = f"{urls.CHAPTERS_DIR}/{chapter}"
    return f"{base}/{section}/{name}"


def _dated(kind: str) -> bool:
    """Whether the kind's URL has a year: its file name then starts with a date."""
    return "{year}" in urls.ITEM_URLS[kind]


def _refuse_clash(root: Path, kind: str, rel: str, slug: str) -> None:
    """Refuse a slug that another file in the folder publishes at the same URL.

    Dated names (2014-01-15-first.md) clash only within a year: the URL has the year.
    """
    folder, name = rel.rsplit("/", 1)
    if name == "index.md":
        return
    year = name[:5] if _dated(kind) else ""
    for other in _names(root / folder, _is_md):
        if other.startswith(year) and urls.locate(f"{folder}/{other}").slug.lower() == slug:
            when = f" in {year[:4]}" if year else ""
            what = f"{folder}/{other} has the slug {slug!r}{when}"
            raise ScaffoldError([(what, "choose another title, or --slug")])


def _front_matter(settings: Settings, request: Request) -> list[str]:
    """The front matter's lines: required fields, then optional ones commented out."""
    known = _known_values(request)
    lines, optional = ["---"], [_OPTIONAL]
    for name, spec in SCHEMAS[request.kind].items():
        if name in known:
            lines.append(f"{name}: {known[name]}")
        elif spec.required and name in _BLOCKS:
            lines += _BLOCKS[name]
        elif spec.required:
            lines.append(f"{name}:  {FILL_IN}{_BLANKS.get(name, 'its ' + name)}")
        else:
            value, why = _EXAMPLES.get(f"{request.kind}.{name}") or _EXAMPLES.get(name, ("", ""))
            why = why.format(language=settings.language, timezone=settings.timezone)
            optional.append(f"# {name}: {value}  # {why}")
    return [*lines, *optional, "---"]


def _known_values(request: Request) -> dict[str, str]:
    """The values `new` can write itself, as YAML."""
    kind = request.kind
    # A JSON string is a YAML double-quoted string: any title survives intact.
    title = json.dumps(request.title.strip(), ensure_ascii=False)
    known = {"name" if "name" in SCHEMAS[kind] else "title": title}
    if kind != "event":
        known[WHEN_FIELDS[kind]] = request.today.isoformat()
    elif request.start:
        known["start"] = request.start.strip()  # as typed: `_start` has read it as a time
    if kind == "project":
        known["status"] = "proposed"
    if request.author:
        known["author"] = request.author
    if request.chapter and kind in _CHAPTER_FIELDS:
        known[_CHAPTER_FIELDS[kind]] = request.chapter
    return known


def _blanks(lines: list[str]) -> list[Blank]:
    blanks, field = [], ""
    for number, line in enumerate(lines, start=1):
        if line[:1].isalpha():
            field = line.split(":", 1)[0]
        if FILL_IN in line:
            blanks.append(Blank(number, field, line.split(FILL_IN, 1)[1]))
    return blanks
