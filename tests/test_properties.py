"""Property tests: whatever a content file holds, the build says what is wrong
or carries on, and text comes through as it was typed.

- any bytes, any front matter and body, in a file of any kind: `plan_site`
  returns (problems are fine) and never raises;
- front matter written by a YAML emitter reads back as written;
- any title reads back as typed, less the spaces, tabs and line breaks around
  it (a lone no-break space included), and survives into RSS and Atom, less
  the characters XML cannot carry.

One fixture site for the module; each example rewrites one file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import lxml.etree
import pytest
import yaml
from conftest import BASE_FILES, MKDOCS_YML, NOW, REPO, FixtureSite
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from iops import feeds
from iops.plan import Plan, plan_site
from iops.problems import Problem
from iops.reader import Scalar, Value, YamlList, YamlMap, parse_front_matter
from iops.schema import SCHEMAS
from iops.settings import load_settings

EXAMPLES = settings(
    max_examples=100,
    deadline=None,
    database=None,  # nothing written into the project
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FUZZED = {
    "post": "content/blog/2014-02-01-fuzzed.md",
    "news": "chapters/london/news/2014-02-01-fuzzed.md",
    "event": "chapters/london/events/2026-12-01-fuzzed.md",
    "project": "content/projects/fuzzed.md",
    "poll": "chapters/london/polls/fuzzed.md",
    "member": "content/members/fuzzed.md",
    "chapter": "chapters/fuzzed/index.md",
    "statement": "content/about/fuzzed.md",
    "page": "content/fuzzed.md",
}
"""Where a file of each kind is written; only one of them exists at a time."""

OTHER_FILES = {
    "content/events/2026-12-05-assembly.md": (
        "---\ntitle: Assembly\nstart: 2026-12-05T18:00\ntimezone: America/New_York\n---\nA.\n"
    ),
    "content/polls/vote.md": (
        "---\ntitle: Vote\nopens: 2026-11-01\ncloses: 2026-11-30\nquestions:\n"
        "  - question: Which?\n    options:\n      - {label: one, votes: 2}\n---\nV.\n"
    ),
    "content/projects/wiki.md": (
        "---\ntitle: Wiki\ncreated: 2013-02-01\nstatus: active\nmembers: [ada]\n---\nW.\n"
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> FixtureSite:
    site = FixtureSite(tmp_path_factory.mktemp("properties") / "src")
    site.write("mkdocs.yml", MKDOCS_YML.format(repo=REPO))
    for rel, text in {**BASE_FILES, **OTHER_FILES}.items():
        site.write(rel, text)
    return site


def put(site: FixtureSite, kind: str, data: bytes) -> str:
    """Write the one fuzzed file, as bytes (no newline or indent changes)."""
    for rel in FUZZED.values():
        (site.root / rel).unlink(missing_ok=True)
    rel = FUZZED[kind]
    site.write_bytes(rel, data)
    return rel


def plan_of(site: FixtureSite) -> Plan:
    return plan_site(load_settings(site.root), NOW, bodies=True)


# --- strategies -----------------------------------------------------------------


def one_of(*values: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


texts = st.text(min_size=1, max_size=40).filter(lambda s: bool(s.strip(" \t\r\n")))
dates = one_of("2014-01-15", "2026-11-23", "2027-05-01")
times = one_of("2026-12-01T18:30", "2014-06-01", "2027-01-01T09:00", "2026-11-23T11:00")
members = one_of("ada", "bo")
options = st.lists(
    st.fixed_dictionaries({"label": texts, "votes": st.integers(0, 10**6)}),
    min_size=1,
    max_size=4,
    unique_by=lambda option: str(option["label"]).strip(" \t\r\n"),
)
VALID: dict[str, st.SearchStrategy[Any]] = {
    **dict.fromkeys(["date", "created", "opens", "closes", "founded", "joined", "adopted"], dates),
    **dict.fromkeys(["start", "end"], times),
    **dict.fromkeys(["title", "name", "summary", "location", "place"], texts),
    **dict.fromkeys(["image", "avatar"], one_of("images/picture.jpg", "me.png", "../img/a.webp")),
    "author": members,
    "members": st.lists(members, max_size=2, unique=True),
    "admins": st.lists(members, max_size=2, unique=True),
    "parent": one_of("uk"),
    "contact": one_of("leeds@example.org", "https://example.org/leeds"),
    "chapter": one_of("london", "uk"),
    "level": one_of("local", "regional"),
    "tags": st.lists(one_of("vision", "Strategy", "two words", "über", "x"), unique=True),
    "timezone": one_of("Europe/London", "America/New_York", "UTC", "Asia/Kolkata"),
    "lang": one_of("en", "de", "es", "pt-BR"),
    "country": one_of("GB", "DE", "gb"),
    "draft": st.booleans(),
    "voters": st.integers(0, 10**6),
    "order": st.integers(-5, 100),
    "aliases": st.lists(one_of("/blog/view/1", "/old/page.html", "news/2"), unique=True),
    "online": one_of("https://meet.example.org/x", "mailto:x@example.org"),
    "github": one_of("ada-lovelace", "@ada"),
    "translation_of": one_of("about/x.md", "blog/2014-01-15-first.md", "index.md", "gone.md"),
    "original_commit": one_of("0123abcd", "f" * 40),
    "decision": one_of("x", "no-such-poll", {"url": "https://x.org/d", "tally": "3 for"}),
    "version": st.integers(1, 4),
    "adopts": st.lists(
        st.fixed_dictionaries({"statement": one_of("x", "nothing"), "version": st.integers(1, 3)}),
        max_size=2,
    ),
    "questions": st.lists(
        st.fixed_dictionaries({"question": texts, "options": options}), min_size=1, max_size=3
    ),
    "links": st.lists(
        st.fixed_dictionaries({"label": texts, "url": one_of("https://x.org", "http://y.org/a")}),
        max_size=3,
        unique_by=lambda link: link["label"],
    ),
}
"""Values each field takes (a project's or statement's `status` apart)."""
STATUS = {"project": one_of("proposed", "active", "completed"), "statement": one_of("interim")}
ODD: dict[str, st.SearchStrategy[Any]] = {
    **dict.fromkeys(
        ["date", "created", "opens", "closes", "founded", "joined", "adopted"],
        one_of("2014-02-30", "15/01/2014", "2026-13-01", "", "2014-01-15T25:00"),
    ),
    **dict.fromkeys(["start", "end"], one_of("2026-03-29T01:30", "2026-10-25T01:30", "24:00")),
    **dict.fromkeys(["author", "parent", "chapter"], one_of("zed", "Ada", "-x-", "fuzzed", "")),
    "level": one_of("national", "global"),
    "status": one_of("x", "ratified", "active"),
    "tags": st.lists(st.text(max_size=12), min_size=1, max_size=60),
    "timezone": one_of("Mars/Olympus", "utc", ""),
    "lang": one_of("xx", "", "en_GB!"),
    "country": one_of("ZZ", "GBR"),
    "draft": one_of("yes", "maybe"),
    "voters": st.integers(-5, 10**20),
    "order": st.integers(-(10**20), 10**20),
    "aliases": st.lists(one_of("../x", "http://x.org/", "/blog/", "/blog/view/1", "a b")),
    "online": one_of("javascript:alert(1)", "x y", "https://x y"),
    "contact": one_of("javascript:alert(1)", "leeds@", "ftp://x.org", "mailto:"),
    **dict.fromkeys(
        ["image", "avatar"],
        one_of("javascript:alert(1)", "https://tracker.example/p.gif", "//x/p.gif", "a b.png"),
    ),
    "github": one_of("-bad-", "a" * 40, "a--b"),
    "original_commit": one_of("xyz", "", "12", "g" * 40),
    "version": st.integers(-3, 0),
    "decision": one_of("", "Bad Handle", {"tally": "x"}),
    "questions": st.lists(
        st.fixed_dictionaries(
            {
                "question": st.text(max_size=20),
                "options": st.lists(
                    st.fixed_dictionaries(
                        {"label": st.text(max_size=10), "votes": st.integers(-3, 10**20)}
                    ),
                    max_size=4,
                ),
            }
        ),
        max_size=3,
    ),
    "links": st.lists(
        st.fixed_dictionaries({"label": st.text(max_size=10), "url": one_of("ftp://x", "x")}),
        max_size=3,
    ),
}
"""Values a field refuses, or that are wrong together with others."""
FIELD_NAMES = sorted({name for schema in SCHEMAS.values() for name in schema})

yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


COMPLETE: dict[str, dict[str, Any]] = {
    "post": {"title": "X", "date": "2014-02-01", "author": "ada"},
    "news": {"title": "X", "date": "2014-02-01"},
    "event": {"title": "X", "start": "2026-12-01T18:30"},
    "project": {"title": "X", "created": "2014-02-01", "status": "active"},
    "poll": {
        "title": "X",
        "opens": "2026-11-01",
        "closes": "2026-11-30",
        "questions": [{"question": "Q?", "options": [{"label": "a", "votes": 1}]}],
    },
    "member": {"name": "Cy"},
    "chapter": {"name": "Leeds", "level": "local", "founded": "2014-02-01", "parent": "uk"},
    "statement": {"title": "X"},
    "page": {"title": "X"},
}
"""A valid front matter of each kind, for the examples to start from."""


@st.composite
def front_matters(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    """A valid front matter of `kind` with fields changed, added or dropped:
    plausible values mostly (so that many files load and reach every later
    step), anything at all now and then."""
    front = dict(COMPLETE[kind])
    for name in draw(st.lists(st.sampled_from(sorted(SCHEMAS[kind])), max_size=5, unique=True)):
        valid = STATUS[kind] if name == "status" else VALID[name]
        odd = draw(st.integers(0, 5)) == 0
        front[name] = draw(ODD.get(name, yaml_values) if odd else valid)
    if draw(st.integers(0, 4)) == 0:
        extra = draw(st.lists(st.sampled_from(FIELD_NAMES) | st.text(max_size=10), max_size=3))
        front.update((name, draw(yaml_values)) for name in extra)
    if draw(st.integers(0, 9)) == 0:
        front.pop(draw(st.sampled_from(sorted(front))), None)
    return front


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, bytes]:
    """A kind, and a whole file for it: structured front matter (now and then
    damaged), or any text or bytes at all."""
    kind = draw(st.sampled_from(list(FUZZED)))
    shape = draw(st.sampled_from(["structured", "structured", "damaged", "text", "bytes"]))
    if shape == "bytes":
        return kind, draw(st.binary(max_size=300))
    body = draw(st.text(max_size=200))
    if shape == "text":
        return kind, ("---\n" + draw(st.text(max_size=300)) + "\n---\n" + body).encode()
    front = yaml.safe_dump(
        draw(front_matters(kind)),
        allow_unicode=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([False, None, True])),
        sort_keys=False,
    )
    if shape == "damaged":
        at = draw(st.integers(0, len(front)))
        cut = draw(st.integers(0, 3))
        front = front[:at] + draw(st.text(max_size=3)) + front[at + cut :]
    return kind, ("---\n" + front + "---\n" + body).encode()


# --- any file: problems or a plan, never an exception ----------------------------


def check_problem(problem: Problem, data: bytes) -> None:
    """Names the file, a line inside it where there is one, the field, what and how."""
    assert problem.path and problem.field and problem.message and problem.hint, problem
    assert "\n" not in f"{problem.field}{problem.hint}", problem
    if problem.line is not None and problem.path in FUZZED.values():
        assert 1 <= problem.line <= data.count(b"\n") + 1, problem


@settings(EXAMPLES, max_examples=200)
@given(case=cases())
@example(case=("post", b"---\ntitle: \xa0\n---\n"))
@example(case=("poll", b"---\nquestions: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n---\n"))
@example(case=("event", b"---\ntitle: x\nstart: 2026-03-29T01:30\ntimezone: Europe/London\n---"))
@example(case=("page", b"\xef\xbb\xbf---\r\ntitle: BOM and CRLF\r\n---\r\n"))
@example(case=("post", b"---\ntitle: a\n...\n--- b: 2\n---\n"))
def test_any_file_plans_or_says_what_is_wrong(site: FixtureSite, case: tuple[str, bytes]) -> None:
    kind, data = case
    rel = put(site, kind, data)
    plan = plan_of(site)
    for problem in plan.problems:
        check_problem(problem, data)
    own_errors = [p for p in plan.errors if p.path == rel]
    loaded = {i.source for i in (*plan.site.items, *plan.site.held_back)}
    if not own_errors:
        assert rel in loaded
    # Feeds are rendered after the pages, outside `plan_site`: render those that carry the file.
    for feed in plan.feeds:
        if any(item.source == rel for item in feed.items):
            for fmt in feeds.FORMATS:
                feeds.render_feed(feed, fmt, plan.site, {rel: "<p>Body</p>"})


# --- front matter round-trips ----------------------------------------------------


def is_field_name(name: str) -> bool:
    """What the reader takes as a field name (others are refused: test_bad_input)."""
    printable = all(unicodedata.category(c) not in ("Cc", "Zl", "Zp") for c in name)
    return printable and name != "<<" and bool(name.strip(" \t"))


# PyYAML's emitter writes NEL (U+0085) unescaped, which YAML then reads as a
# line break: PyYAML's own loader does not read it back either.
scalars = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x85"), max_size=20)
names = st.text(min_size=1, max_size=10).filter(is_field_name)
trees = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(names, inner, max_size=4),
    max_leaves=15,
)


def plain(value: Value) -> Any:
    if isinstance(value, Scalar):
        return value.text
    if isinstance(value, YamlList):
        return [plain(item) for item in value.items]
    return {key: plain(item) for key, item in value.entries.items()}


@EXAMPLES
@given(
    front=st.dictionaries(names, trees, max_size=6),
    unicode=st.booleans(),
    flow=st.sampled_from([False, None, True]),
)
def test_front_matter_reads_back_as_written(
    front: dict[str, Any], unicode: bool, flow: bool | None
) -> None:
    text = yaml.safe_dump(front, allow_unicode=unicode, default_flow_style=flow, width=60)
    read = parse_front_matter(text)
    assert isinstance(read, YamlMap)
    assert plain(read) == front


# --- any title, as typed, into the feeds -----------------------------------------

POST = FUZZED["post"]
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
"""What a feed cannot carry: XML 1.0 has no C0 controls but tab and line ends, nor
U+FFFE and U+FFFF; DEL is dropped too."""


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar: anything but plain printable
    characters escaped, so that the file holds nothing YAML would change."""
    escaped = (
        f"\\{c}" if c in '"\\' else c if c.isprintable() else f"\\U{ord(c):08x}" for c in text
    )
    return '"' + "".join(escaped) + '"'


def titles_in(feed_bytes: bytes) -> Iterator[str]:
    tree = lxml.etree.fromstring(feed_bytes)
    for entry in tree.iter("item", "{http://www.w3.org/2005/Atom}entry"):
        found = entry.find("title")
        found = entry.find("{http://www.w3.org/2005/Atom}title") if found is None else found
        assert found is not None
        yield found.text or ""


@EXAMPLES
@given(title=st.text(min_size=1, max_size=60))
@example(title="\xa0")
@example(title="\u200fمرحبا\u200e")
@example(title="😀 emoji and \u0301 a lone accent")
@example(title="Tab\there, bell\x07, null\x00, escape\x1b, DEL\x7f, NEL\x85, C1\x9f")
@example(title="Noncharacters \ufffe\uffff")
@example(title="NO")
@example(title=" padded\t\n")
@example(title="\u2028line and paragraph\u2029separators")
def test_any_title_reads_back_and_survives_into_feeds(site: FixtureSite, title: str) -> None:
    typed = title.strip(" \t\r\n")
    front = f"title: {quoted(title)}\ndate: 2014-02-01\nauthor: ada\ntags: [x]\n"
    put(site, "post", f"---\n{front}---\nBody.\n".encode())
    plan = plan_of(site)
    if not typed:
        assert [str(p) for p in plan.problems] == [
            f"{POST}:2: title: the value is empty — write the text after the colon"
        ]
        return
    assert plan.problems == ()
    item = plan.site.by_source[POST]
    assert item.title == typed

    in_feed = NOT_IN_XML.sub("", typed) or "(untitled)"
    feed = next(f for f in plan.feeds if f.page_url == "blog/")
    for fmt in feeds.FORMATS:
        rendered = feeds.render_feed(feed, fmt, plan.site, {})
        assert in_feed in titles_in(rendered), fmt
        # A real feed reader takes it. Its titles are not compared: feedparser strips
        # white space, reads C1 controls as Windows-1252 and "repairs" text such as
        # "Â¡" that looks like UTF-8 read as Latin-1.
        parsed = feedparser.parse(rendered)
        assert not parsed.bozo, parsed.bozo_exception
        assert len(parsed.entries) == len(feed.items)


def test_a_title_of_one_no_break_space_is_kept(site: FixtureSite) -> None:
    """Invisible, but typed on purpose: only YAML's own white space is stripped."""
    put(site, "post", "---\ntitle: \xa0\ndate: 2014-02-01\nauthor: ada\n---\n".encode())
    plan = plan_of(site)
    assert plan.problems == ()
    assert plan.site.by_source[POST].title == "\xa0"


def test_fuzzed_paths_are_of_their_kinds(site: FixtureSite) -> None:
    for kind, rel in FUZZED.items():
        assert Path(rel).suffix == ".md"
        put(site, kind, b"---\nx: 1\n---\n")
        problems = [str(p) for p in plan_of(site).problems if p.path == rel]
        assert f"{rel}:2: x: a {kind} has no field 'x'" in " ".join(problems)
