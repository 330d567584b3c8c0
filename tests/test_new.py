"""`build.py new KIND "Title"`: a file in the right place that `check` passes once filled in."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import FixtureSite
from iops.loader import WHEN_FIELDS
from iops.parsing import parse_file
from iops.scaffold import KINDS, Request, new_file
from iops.schema import SCHEMAS
from iops.settings import load_settings

TODAY = "2026-11-23"
"""The date of conftest's NOW in the fixture site's timezone (Europe/London)."""
BLANK = re.compile(r"^(?P<lead> *(?:- )?)(?P<key>\w+):  # FILL IN: .*$", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    rel: str
    url: str
    title: str
    blanks: dict[str, str] = field(default_factory=dict)
    """What a writer types into each FILL IN line, by its key."""


CASES = {
    "post": Case(
        ("post", "A new beginning"),
        f"content/blog/{TODAY}-a-new-beginning.md",
        "blog/2026/a-new-beginning/",
        "A new beginning",
        {"author": "ada"},
    ),
    "chapter post": Case(
        ("post", "Notes from London", "--chapter", "london", "--author", "ada"),
        f"chapters/london/blog/{TODAY}-notes-from-london.md",
        "chapters/london/blog/2026/notes-from-london/",
        "Notes from London",
    ),
    "news": Case(
        ("news", "Meeting minutes, November", "--chapter", "london"),
        f"chapters/london/news/{TODAY}-meeting-minutes-november.md",
        "chapters/london/news/2026/meeting-minutes-november/",
        "Meeting minutes, November",
    ),
    "event": Case(
        ("event", "Winter assembly"),
        f"content/events/{TODAY}-winter-assembly.md",
        "events/2026/winter-assembly/",
        "Winter assembly",
        {"start": "2026-12-05T18:30"},
    ),
    "event with start": Case(
        ("event", "Spring meeting", "--chapter", "london", "--start", "2027-03-02T19:00"),
        "chapters/london/events/2027-03-02-spring-meeting.md",
        "chapters/london/events/2027/spring-meeting/",
        "Spring meeting",
    ),
    "project": Case(
        ("project", 'Zoë\'s "plan": #1 \\ what next?'),
        "content/projects/zoë-s-plan-1-what-next.md",
        "projects/zoë-s-plan-1-what-next/",
        'Zoë\'s "plan": #1 \\ what next?',
    ),
    "chapter project": Case(
        ("project", "Housing survey", "--chapter", "london"),
        "chapters/london/projects/housing-survey.md",
        "chapters/london/projects/housing-survey/",
        "Housing survey",
    ),
    "poll": Case(
        ("poll", "Meeting night", "--chapter", "london", "--author", "bo"),
        "chapters/london/polls/meeting-night.md",
        "chapters/london/polls/meeting-night/",
        "Meeting night",
        {"closes": "2026-12-01", "question": "Which night suits you?", "label": "Tuesday"},
    ),
    "member": Case(
        ("member", "Zoë Müller", "--chapter", "london"),
        "content/members/zoe-muller.md",
        "members/zoe-muller/",
        "Zoë Müller",
    ),
    "chapter": Case(
        ("chapter", "Leeds", "--chapter", "uk"),
        "chapters/leeds/index.md",
        "chapters/leeds/",
        "Leeds",
        {"level": "local"},
    ),
}


def fill_in(text: str, values: dict[str, str]) -> str:
    """Type a value into each FILL IN line, as a writer would; labels are numbered."""
    filled: list[str] = []

    def one(match: re.Match[str]) -> str:
        key = match["key"]
        filled.append(key)
        value = values[key] + (f" {filled.count(key)}" if key == "label" else "")
        return f"{match['lead']}{key}: {value}"

    text = BLANK.sub(one, text)
    assert set(filled) == set(values), f"filled {filled}, expected {sorted(values)}"
    return text


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", list(CASES))
def test_new_file_passes_check_once_filled_in(fixture_site: FixtureSite, name: str) -> None:
    case = CASES[name]
    made = fixture_site.run("new", *case.args)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[0] == f"Created {case.rel}"
    text = (fixture_site.root / case.rel).read_text("utf-8")
    assert text.startswith("---\n")
    for line, key in [(text[: m.start()].count("\n") + 1, m["key"]) for m in BLANK.finditer(text)]:
        assert re.search(rf"^  line {line}, \w+: ", made.stdout, re.MULTILINE), (key, made.stdout)

    (fixture_site.root / case.rel).write_text(fill_in(text, case.blanks), "utf-8")
    checked = fixture_site.run("check")
    assert checked.returncode == 0, checked.stderr
    assert "not published" not in checked.stdout
    item = fixture_site.plan().site.by_source[case.rel]
    assert (item.kind, item.url, item.title) == (case.args[0], case.url, case.title)
    assert item.owner == (case.rel.split("/")[1] if case.rel.startswith("chapters/") else None)
    if item.kind != "event":  # dated today: an event is dated by its start
        assert item.when is not None and item.when.date().isoformat() == TODAY
        assert f"\n{WHEN_FIELDS[item.kind]}: {TODAY}\n" in text
    assert made.stdout.splitlines()[-2].startswith("  below the front matter: ")
    assert made.stdout.splitlines()[-1] == "Then run `build.py check`."
    # An event's address has its start's year: it is known once start is.
    published = f"It will be published at /{case.url}\n" in made.stdout
    assert published == ("start" not in case.blanks)


@pytest.mark.parametrize(
    ("args", "first"),
    [
        (("post", "A post"), ("author", "the value is empty")),
        (("event", "An event"), ("start", "is not a date and time")),
        (("poll", "A poll"), ("closes", "is not a date")),
        (("chapter", "Leeds"), ("level", "the value is empty")),
    ],
)
def test_unfilled_file_fails_check_at_its_blanks(
    fixture_site: FixtureSite, args: tuple[str, ...], first: tuple[str, str]
) -> None:
    made = fixture_site.run("new", *args)
    assert made.returncode == 0, made.stderr
    rel = made.stdout.splitlines()[0].removeprefix("Created ")
    lines = (fixture_site.root / rel).read_text("utf-8").splitlines()
    blank_lines = {n for n, line in enumerate(lines, start=1) if "# FILL IN: " in line}

    checked = fixture_site.run("check")
    assert checked.returncode == 1
    problems = [p for p in checked.stderr.splitlines() if p.startswith(rel)]
    assert problems, checked.stderr
    first_line = min(blank_lines)
    field, message = first
    assert any(p.startswith(f"{rel}:{first_line}: {field}: ") and message in p for p in problems)
    for problem in problems:  # every problem points at a blank, and nothing else is wrong
        assert int(problem.split(":")[1]) in blank_lines, problem


def test_today_is_the_sites_date(fixture_site: FixtureSite) -> None:
    # 23:30 in UTC is already the next day in London's summer time.
    late = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    made = fixture_site.run("new", "news", "Late news", epoch=late)
    assert made.returncode == 0, made.stderr
    rel = "content/news/2026-07-01-late-news.md"
    assert made.stdout.splitlines()[0] == f"Created {rel}"
    assert "\ndate: 2026-07-01\n" in (fixture_site.root / rel).read_text("utf-8")


def test_a_name_without_latin_letters_needs_a_slug(fixture_site: FixtureSite) -> None:
    post = fixture_site.run("new", "post", "Καλημέρα κόσμε", "--author", "ada")
    assert post.returncode == 0, post.stderr
    assert f"Created content/blog/{TODAY}-καλημέρα-κόσμε.md" in post.stdout

    before = tree(fixture_site.root)
    member = fixture_site.run("new", "member", "山田太郎")
    assert member.returncode == 1
    assert "the title '山田太郎' gives an empty slug — give a --slug" in member.stderr
    assert tree(fixture_site.root) == before

    member = fixture_site.run("new", "member", "山田太郎", "--slug", "taro-yamada")
    assert member.returncode == 0, member.stderr
    assert member.stdout.startswith("Created content/members/taro-yamada.md\n")
    assert fixture_site.run("check").returncode == 0


@pytest.mark.parametrize("kind", KINDS)
def test_every_optional_field_has_a_valid_example(fixture_site: FixtureSite, kind: str) -> None:
    """The commented-out examples follow the schema: uncommented, they are valid."""
    settings = load_settings(fixture_site.root)
    made = new_file(settings, Request(kind, "Example", dt.date(2026, 11, 23)))
    blanks = {"author": "ada", "start": "2026-12-05T18:30", "closes": "2026-12-01"}
    blanks |= {"question": "Yes?", "label": "yes", "level": "local"}
    text = BLANK.sub(lambda m: f"{m['lead']}{m['key']}: {blanks[m['key']]}", made.text)
    for name, spec in SCHEMAS[kind].items():
        if not spec.required and not re.search(rf"^{name}: ", text, re.MULTILINE):
            assert re.search(rf"^# {name}: \S.*  # \w", text, re.MULTILINE), (name, text)
    uncommented = re.sub(r"^# ([a-z]+: )", r"\1", text, flags=re.MULTILINE)
    fixture_site.write(made.rel, uncommented)
    assert parse_file(fixture_site.root, made.rel).problems == ()


# --- bad input: a clear error, nothing written --------------------------------


@pytest.mark.parametrize(
    ("args", "errors"),
    [
        (("blog", "A post"), ["new cannot make 'blog' — did you mean post? it makes post, news"]),
        (("statement", "Vision"), ["new cannot make 'statement' — it makes post, news, event"]),
        (
            ("post", "A post", "--chapter", "lodnon"),
            ["there is no chapter 'lodnon' in chapters/ — did you mean london?"],
        ),
        (
            ("member", "Cy", "--chapter", "paris"),
            ["there is no chapter 'paris' in chapters/ — use one of: london, uk"],
        ),
        (
            ("post", "A post", "--author", "adda"),
            ["there is no member 'adda' in content/members/ — did you mean ada?"],
        ),
        (("post", "!!!"), ["the title '!!!' gives an empty slug — give a --slug"]),
        (("project", "2014-01-01 Minutes"), ["the slug '2014-01-01-minutes' starts with a date"]),
        (("news", "  "), ["the title is empty"]),
        (("news", "Two\nlines"), ["has a line break or control character"]),
        (("post", "A post", "--slug", "Not A Slug"), ["--slug 'Not A Slug' is not a slug"]),
        (("project", "A project", "--author", "ada"), ["a project has no author"]),
        (("post", "A post", "--start", "2027-01-01"), ["a post has no start — --start is for"]),
        (
            ("event", "Soon", "--start", "tomorrow"),
            ["--start: 'tomorrow' is not a date and time — write it as YYYY-MM-DDTHH:MM"],
        ),
        (
            ("poll", "!!!", "--chapter", "leeds", "--author", "zed"),
            ["the title '!!!' gives", "no chapter 'leeds'", "no member 'zed'"],
        ),
    ],
)
def test_bad_input_writes_nothing(
    fixture_site: FixtureSite, args: tuple[str, ...], errors: list[str]
) -> None:
    before = tree(fixture_site.root)
    result = fixture_site.run("new", *args)
    assert result.returncode == 1
    assert result.stdout == ""
    for error in errors:
        assert error in result.stderr
    assert result.stderr.endswith("Nothing was written.\n")
    assert tree(fixture_site.root) == before


def test_an_existing_file_is_never_overwritten(fixture_site: FixtureSite) -> None:
    first = fixture_site.run("new", "project", "Video project")
    assert first.returncode == 0, first.stderr
    rel = "content/projects/video-project.md"
    edited = fixture_site.write(
        rel, "---\ntitle: My edits\ncreated: 2026-11-23\nstatus: active\n---\n"
    )
    before = tree(fixture_site.root)

    again = fixture_site.run("new", "project", "Video project")
    assert again.returncode == 1
    assert f"{rel} already exists — new never overwrites" in again.stderr
    assert edited.read_text("utf-8").startswith("---\ntitle: My edits\n")
    assert tree(fixture_site.root) == before

    for args in (("member", "Ada"), ("chapter", "London")):
        again = fixture_site.run("new", *args)
        assert again.returncode == 1
        assert "already exists" in again.stderr
    assert tree(fixture_site.root) == before


def test_a_slug_is_taken_only_within_its_year(fixture_site: FixtureSite) -> None:
    # content/blog/2014-01-15-first.md has the slug 'first' too, in another year.
    fine = fixture_site.run("new", "post", "First", "--author", "ada")
    assert fine.returncode == 0, fine.stderr
    assert fine.stdout.startswith(f"Created content/blog/{TODAY}-first.md\n")
    assert fixture_site.run("check").returncode == 0

    fixture_site.write(
        "content/news/2026-01-05-first.md", "---\ntitle: First\ndate: 2026-01-05\n---\n"
    )
    before = tree(fixture_site.root)
    taken = fixture_site.run("new", "news", "First")
    assert taken.returncode == 1
    assert "content/news/2026-01-05-first.md has the slug 'first' in 2026" in taken.stderr
    assert tree(fixture_site.root) == before
