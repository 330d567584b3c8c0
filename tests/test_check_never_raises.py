"""`check` never raises: whatever mix of problems a tree of several files has,
each problem is reported in its format and check exits 1, with no traceback.

Each example writes a fresh tree of a few files into the fixture site, each
file made of several problems picked from the kinds content really has:
unknown handles, a chapter folder without its index, bad dates, broken YAML,
tabs, unknown fields, bytes that are not UTF-8, files that are empty.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BASE_FILES, MKDOCS_YML, NOW, REPO, FixtureSite
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import build

VALID = {
    "blog": {"title": "T", "date": "2014-01-01", "author": "ada"},
    "news": {"title": "T", "date": "2014-01-01"},
    "events": {"title": "T", "start": "2026-12-01T18:00"},
    "polls": {
        "title": "T",
        "opens": "2014-01-01",
        "closes": "2014-02-01",
        "questions": "[{question: Q?, options: [{label: A, votes: 1}]}]",
    },
    "projects": {"title": "T", "created": "2014-01-01", "status": "active"},
    "about": {"title": "T"},
    "members": {"name": "N"},
    "chapter": {"name": "N", "level": "local", "founded": "2014-01-01"},
}
"""A complete front matter for each kind, by the folder it sits in."""

FOLDERS = [
    "content/blog",
    "content/news",
    "content/events",
    "content/polls",
    "content/projects",
    "content/about",
    "content/members",
    "chapters/london/blog",
    "chapters/nowhere/blog",  # a chapter folder with no index.md
    "chapters/ghost/events",
    "chapters/ghost/polls",
    "chapters/new",  # a chapter: its index.md
]

REFERENCES = {
    "author": ["nobody-here", "[ada, nobody-here]", "bridgit"],
    "chapter": ["atlantis"],
    "parent": ["atlantis", "new"],
    "aliases": ["[/blog/2014/first/]", "[/members/]"],
    "image": ["cork.jpg"],
    "members": ["[ada, nobody]"],
    "admins": ["[nobody]"],
    "decision": ["no-such-poll"],
}
"""Well-formed values naming what does not exist: each is found only once the
whole tree is read, some with a line and some (a missing chapter) without."""

FIELD_PROBLEMS = [
    "author: bo\nauthor: ada",  # a key twice
    "date: 2026-12-7",
    "date: yesterday",
    "start: 2026-13-01T10:00",
    "timezone: Mars/Olympus",
    "level: galactic",
    "founded: sometime",
    "tags: one, two",
    "tags:\n\t- tabbed",
    "draft: yes",
    "titel: A typo",
    "questions: not a list",
    "questions:\n  - question: Q?\n    options: [{label: A, votes: -3}]",
    "opens: 2026-01-01\ncloses: 2025-01-01",
    "title: [not, text]",
    "name:",
]

BROKEN_YAML = ['title: "unclosed', "  : bad indentation", "x: !!python/object:os.system x"]
"""Each stops the file's front matter being read at all."""

WHOLE_FILES = [b"", b"no front matter at all\n", b"---\ntitle: \xff\xfe\n---\n", b"---\n---\n"]


@st.composite
def content_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """One file with several problems: names of things that are not there in
    otherwise valid front matter, or fields that are wrong, or no fields."""
    folder = draw(st.sampled_from(FOLDERS))
    if folder == "chapters/new":
        rel, kind = "chapters/new/index.md", "chapter"
    else:
        rel = f"{folder}/{draw(st.sampled_from(['2014-01-01-x', '2026-12-07-y', 'z']))}.md"
        kind = folder.rsplit("/", 1)[1]
    mode = draw(st.sampled_from(["references", "references", "fields", "whole"]))
    if mode == "whole":
        return rel, draw(st.sampled_from(WHOLE_FILES))
    fields = dict(VALID[kind])
    if mode == "references":
        for name in draw(st.lists(st.sampled_from(sorted(REFERENCES)), min_size=1, max_size=3)):
            fields[name] = draw(st.sampled_from(REFERENCES[name]))
    lines = [f"{name}: {value}" for name, value in fields.items()]
    if mode == "fields":
        lines += draw(st.lists(st.sampled_from(FIELD_PROBLEMS), min_size=2, max_size=4))
        if draw(st.integers(0, 4)) == 0:
            lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(BROKEN_YAML)))
    body = "Body [a link](../about/nowhere.md) and ![a picture](missing.png).\n"
    return rel, ("---\n" + "\n".join(lines) + "\n---\n" + body).encode()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = FixtureSite(tmp_path_factory.mktemp("never-raises") / "base")
    site.write("mkdocs.yml", MKDOCS_YML.format(repo=REPO))
    for rel, text in BASE_FILES.items():
        site.write(rel, text)
    return site.root


@settings(
    max_examples=150,
    deadline=None,
    database=None,  # nothing written into the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=st.lists(content_files(), min_size=2, max_size=5, unique_by=lambda f: f[0]))
@example(  # issue 18: a problem without a line beside one with a line, in one file
    files=[
        (
            "chapters/nowhere/blog/2014-01-01-x.md",
            b'---\ntitle: "X"\ndate: 2014-01-01\nauthor: nobody-here\n---\n',
        ),
        ("content/blog/2014-01-02-y.md", b"---\ntitle: Y\n---\n"),
    ]
)
def test_check_reports_every_mix_of_problems_and_never_raises(
    base: Path, tmp_path_factory: pytest.TempPathFactory, files: list[tuple[str, bytes]]
) -> None:
    root = tmp_path_factory.mktemp("tree") / "site"
    shutil.copytree(base, root)
    for rel, data in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    runner = CliRunner(env={"SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))})
    result = runner.invoke(build.cli, ["--root", str(root), "check"])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"check raised {result.exception!r} on {files}"
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "problem(s) in" in result.stderr
    reported = [line for line in result.stderr.splitlines() if " — " in line]
    assert reported, result.stderr
    for line in reported:  # path[:line]: field: what is wrong — how to fix it
        where, _, rest = line.partition(": ")
        assert where.split(":")[0].endswith((".md", ".yml")), line
        assert ": " in rest, line
    shutil.rmtree(root.parent)
