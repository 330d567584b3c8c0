"""Limits: a file, an image or a list too big is a clear problem, never a hang.

Each problem names the file, the line where there is one, the field, what is
wrong and how to fix it; the build then stops and leaves site/ as it was.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, FixtureSite
from iops import limits
from iops.problems import Problem
from iops.reader import parse_source, read_source

POST = "content/blog/2014-01-16-big.md"


def post(extra: str = "", body: str = "Text.\n") -> str:
    return f"---\ntitle: A post\ndate: 2014-01-16\nauthor: ada\n{extra}---\n{body}"


def only(problems: list[str], prefix: str) -> str:
    found = [p for p in problems if p.startswith(prefix)]
    assert len(found) == 1, f"expected one problem starting {prefix!r}, got {problems}"
    return found[0]


def sparse(site: FixtureSite, rel: str, size: int) -> Path:
    """A file of `size` bytes that takes no room on disk."""
    path = site.write_bytes(rel, b"")
    with path.open("r+b") as out:
        out.truncate(size)
    return path


# --- the size of a content file -------------------------------------------------


def test_a_file_over_the_limit_is_refused(fixture_site: FixtureSite) -> None:
    text = post(body="x" * limits.MAX_FILE_BYTES)
    fixture_site.write(POST, text)
    problem = only(fixture_site.problems(), f"{POST}: file: ")
    size = len(text.encode())
    assert f"the file is {size:,} bytes, over the limit of 1,000,000" in problem
    assert "split it into several posts" in problem


def test_a_file_at_the_limit_is_read(fixture_site: FixtureSite) -> None:
    head = post()
    fixture_site.write(POST, head + "x" * (limits.MAX_FILE_BYTES - len(head.encode())))
    assert fixture_site.problems() == []


def test_a_huge_file_is_refused_without_reading_it(fixture_site: FixtureSite) -> None:
    sparse(fixture_site, POST, 4_000_000_000)
    started = time.perf_counter()
    problem = read_source(fixture_site.root / POST, POST)
    assert time.perf_counter() - started < 1
    assert isinstance(problem, Problem)
    assert "the file is 4,000,000,000 bytes, over the limit" in str(problem)


def test_a_file_that_cannot_be_read(fixture_site: FixtureSite) -> None:
    (fixture_site.root / POST).symlink_to(fixture_site.root / "gone.md")
    problem = only(fixture_site.problems(), f"{POST}: file: ")
    assert "the file cannot be read (No such file or directory)" in problem
    assert "not a link to a file that is gone" in problem


# --- images ---------------------------------------------------------------------


def test_an_image_over_the_limit_is_refused(fixture_site: FixtureSite) -> None:
    sparse(fixture_site, "content/img/banner.jpg", 7_312_345)
    sparse(fixture_site, "chapters/london/photos/Meeting.PNG", limits.MAX_IMAGE_BYTES + 1)
    sparse(fixture_site, "content/img/fine.webp", limits.MAX_IMAGE_BYTES)
    sparse(fixture_site, "content/minutes.pdf", 20_000_000)  # not an image
    sparse(fixture_site, "content/.drafts/huge.png", 20_000_000)  # not published
    assert fixture_site.problems() == [
        "chapters/london/photos/Meeting.PNG: file: the image is 5.0 MB (5,000,001 bytes), "
        "over the limit of 5.0 MB — resize it to at most 2000 pixels wide and save a photo "
        "as JPEG or WebP (quality about 80): that is usually well under 1 MB",
        "content/img/banner.jpg: file: the image is 7.3 MB (7,312,345 bytes), "
        "over the limit of 5.0 MB — resize it to at most 2000 pixels wide and save a photo "
        "as JPEG or WebP (quality about 80): that is usually well under 1 MB",
    ]


@pytest.mark.parametrize("name", ["photo.JFIF", "anim.apng", "pic.heif", "pic.jxl", "favicon.ico"])
def test_every_kind_of_picture_is_held_to_the_limit(fixture_site: FixtureSite, name: str) -> None:
    sparse(fixture_site, f"content/img/{name}", limits.MAX_IMAGE_BYTES + 1)
    only(fixture_site.problems(), f"content/img/{name}: file: the image is 5.0 MB")


# --- tags -----------------------------------------------------------------------


def tags(count: int) -> str:
    return "tags: [" + ", ".join(f"tag{n}" for n in range(count)) + "]\n"


def test_more_than_fifty_tags_is_an_error_at_the_tags_line(fixture_site: FixtureSite) -> None:
    fixture_site.write(POST, post(tags(limits.MAX_TAGS + 1)))
    assert fixture_site.problems() == [
        f"{POST}:5: tags: the item has 51 tags, more than the 50 allowed — "
        "keep the 50 or fewer that say best what the item is about"
    ]


def test_fifty_tags_are_fine(fixture_site: FixtureSite) -> None:
    fixture_site.write(POST, post(tags(limits.MAX_TAGS)))
    assert fixture_site.problems() == []


def test_too_many_tags_is_reported_with_the_files_other_problems(
    fixture_site: FixtureSite,
) -> None:
    fixture_site.write(POST, post(tags(60) + "draft: maybe\n"))
    problems = fixture_site.problems()
    only(problems, f"{POST}:5: tags: the item has 60 tags")
    only(problems, f"{POST}:6: draft: 'maybe' is not true or false")


# --- years ----------------------------------------------------------------------


def test_a_year_out_of_range_is_refused(fixture_site: FixtureSite) -> None:
    """An event ending in 8818 once made its calendars take minutes to write."""
    rel = "chapters/london/events/2026-02-01-meeting.md"
    fixture_site.write(rel, "---\ntitle: Meeting\nstart: 2026-02-01T18:30\nend: 8818-12-01\n---\n")
    fixture_site.write(POST, post().replace("2014-01-16", "1066-10-14"))
    started = time.perf_counter()
    problems = fixture_site.problems()
    assert time.perf_counter() - started < 5
    hint = "check the year: is a digit missing or one too many?"
    assert problems == [
        f"{rel}:4: end: the year 8818 is not between 1900 and 2100 — {hint}",
        f"{POST}:3: date: the year 1066 is not between 1900 and 2100 — {hint}",
    ]


@pytest.mark.parametrize("day", ["1900-01-01", "2100-12-31"])
def test_the_first_and_last_years_are_fine(fixture_site: FixtureSite, day: str) -> None:
    # Named for its day: a name with another day is a warning of its own.
    fixture_site.write(f"content/blog/{day}-big.md", post().replace("2014-01-16", day))
    assert fixture_site.problems() == []


# --- front matter that would take long, or crash ---------------------------------

# file name: (front matter under 1 MB, the problem's start, what it says)
PATHOLOGICAL = {
    "deep-flow": (
        "summary: " + "[" * 400_000 + "]" * 400_000 + "\n",
        ":5: summary: ",
        "lists and fields are nested more than 10 deep",
    ),
    "deep-flow-fields": (
        "summary: " + "{a: " * 190_000 + "}" * 190_000 + "\n",
        ":5: summary.a.a.a.a.a.a.a.a.a: ",
        "nested more than 10 deep",
    ),
    "deep-block": (
        "summary:\n" + "".join(" " * n + f"k{n}:\n" for n in range(1, 1300)),
        ":15: summary.k1.k2.k3.k4.k5.k6.k7.k8.k9: ",
        "nested more than 10 deep",
    ),
    "long-flow-list": (
        "tags: [" + ", ".join(["a"] * 300_000) + "]\n",
        ":5: tags: ",
        "the list has more than 1,000 items",
    ),
    "long-block-list": ("aliases:\n" + "  - /x\n" * 130_000, ":6: aliases: ", "more than 1,000"),
    "unclosed-list": ("tags: [" + "a, " * 300_000 + "\n", ":5: tags: ", "more than 1,000 items"),
    "many-fields": (
        "".join(f"k{n}: v\n" for n in range(90_000)),
        ":2: front matter: ",
        "more than 100 fields are given",
    ),
    "many-aliases": (
        "summary: &s x\n" + "".join(f"k{n}: *s\n" for n in range(80_000)),
        ":6: k0: ",
        "anchors and aliases (& and *) are not allowed",
    ),
}


def pathological_file(front: str) -> str:
    text = "---\ntitle: A post\ndate: 2014-01-16\nauthor: ada\n" + front + "---\nX.\n"
    assert len(text.encode()) < limits.MAX_FILE_BYTES
    return text


def test_pathological_front_matter_is_refused_quickly(fixture_site: FixtureSite) -> None:
    """As a member runs it: `check` in its own process, which a crash of libyaml
    would kill; then each file alone, timed."""
    for name, (front, _, _) in PATHOLOGICAL.items():
        fixture_site.write(f"content/blog/2014-01-16-{name}.md", pathological_file(front))
    fixture_site.write("content/blog/2014-01-16-long-line.md", post(body="y" * 900_000))
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(fixture_site.root), "check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert time.perf_counter() - started < 10
    assert result.returncode == 1, result.stderr
    said = result.stderr.splitlines()
    for name, (_, where, what) in PATHOLOGICAL.items():
        assert what in only(said, f"content/blog/2014-01-16-{name}.md{where}"), name
    assert not [p for p in said if "long-line" in p]


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_each_pathological_file_is_read_in_well_under_a_second(name: str) -> None:
    front, where, what = PATHOLOGICAL[name]
    raw = pathological_file(front).encode()
    started = time.perf_counter()
    problem = parse_source(raw, Path(POST), POST)
    assert time.perf_counter() - started < 0.5
    assert isinstance(problem, Problem)
    assert str(problem).startswith(POST + where)
    assert what in problem.message
    assert problem.hint


def test_a_very_long_line_loads(fixture_site: FixtureSite) -> None:
    title = "z" * 900_000
    fixture_site.write(POST, post(body="").replace("A post", title))
    started = time.perf_counter()
    plan = fixture_site.plan()
    assert time.perf_counter() - started < 5
    assert plan.problems == ()
    assert plan.site.by_source[POST].title == title


# --- the command line -----------------------------------------------------------


def test_a_limit_stops_the_build_and_leaves_the_last_site_alone(
    fixture_site: FixtureSite,
) -> None:
    last = fixture_site.write_bytes("site/index.html", b"the last good site")
    sparse(fixture_site, "content/img/huge.png", 6_000_000)
    fixture_site.write(POST, post(tags(51)))
    result = fixture_site.run("build")
    assert result.returncode == 1
    assert "content/img/huge.png: file: the image is 6.0 MB" in result.stderr
    assert f"{POST}:5: tags: the item has 51 tags" in result.stderr
    assert "2 problem(s) in 2 file(s); nothing was built." in result.stderr
    assert last.read_bytes() == b"the last good site"
    assert [p.name for p in (fixture_site.root / "site").iterdir()] == ["index.html"]
