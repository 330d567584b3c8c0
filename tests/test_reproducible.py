"""Reproducible builds: two builds of one commit are the same, byte for byte.

Whatever the hash seed, the output folder, the timezone of the machine or the
time of day: "now" is the last commit's time unless SOURCE_DATE_EPOCH says
otherwise, and nothing else of the machine reaches the files.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import BASE_FILES, MKDOCS_YML, NOW, REPO, FixtureSite
from iops import settings
from iops.settings import read_build_time
from test_feeds import EXTRA as FEED_FILES
from test_feeds import PNG
from test_polls import FUTURE, FUTURE_TEXT

COMMITTED = dt.datetime(2020, 6, 1, 12, 0, tzinfo=dt.UTC)
"""When the fixture's one commit was made: long before the wall clock's today."""
CLOCK_STEP = 1.5
"""Seconds between the starts of the two builds compared, so that a time read from
the clock anywhere in a build would differ between them."""


def event(title: str, start: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\nstart: {start}\n{extra}---\nAbout {title}.\n"


RICH_FILES = {
    **BASE_FILES,
    **FEED_FILES,
    FUTURE: FUTURE_TEXT,
    # Upcoming as of the commit, long past by the clock.
    "chapters/london/events/2020-07-01-picnic.md": event(
        "Picnic", "2020-07-01T12:00", "end: 2020-07-01T15:00\nlocation: Hyde Park\n"
    ),
    "content/events/2020-06-20-assembly.md": event(
        "Assembly", "2020-06-20T18:00", "timezone: America/New_York\n"
    ),
    "content/events/2020-06-25-tokyo.md": event(
        "Tokyo meeting", "2020-06-25T19:00", "timezone: Asia/Tokyo\n"
    ),
    "content/events/2019-03-01-past.md": event("Long past", "2019-03-01T10:00"),
    # Scheduled: out by the clock, not yet as of the commit.
    "content/blog/2020-08-01-later.md": (
        "---\ntitle: Later\ndate: 2020-08-01\nauthor: bo\ntags: [zeta, alpha]\n---\nSoon.\n"
    ),
    "content/blog/2020-05-01-many-tags.md": (
        "---\ntitle: Many tags\ndate: 2020-05-01\nauthor: ada\n"
        "tags: [vision, strategy, alpha, zeta, mu, omega, beta]\n---\nTags.\n"
    ),
    "content/polls/2020-vote.md": (
        "---\ntitle: Open vote\nopens: 2020-05-01\ncloses: 2020-06-30\nquestions:\n"
        "  - question: Which?\n    options:\n"
        "      - {label: one, votes: 1}\n      - {label: two, votes: 1}\n"
        "      - {label: three, votes: 1}\n---\nVote.\n"
    ),
    "content/projects/wiki.md": (
        "---\ntitle: Wiki\ncreated: 2013-02-01\nstatus: active\nmembers: [ada, bo]\n---\nA wiki.\n"
    ),
}


def write_rich_site(root: Path) -> FixtureSite:
    site = FixtureSite(root)
    site.write("mkdocs.yml", MKDOCS_YML.format(repo=REPO))
    for rel, text in RICH_FILES.items():
        site.write(rel, text)
    site.write_bytes("content/img/banner.png", PNG)
    return site


def git(root: Path, *args: str) -> None:
    when = COMMITTED.isoformat()
    env = {"PATH": "/usr/bin:/bin", "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", *identity, *args], cwd=root, env=env, check=True, capture_output=True)


def commit_all(root: Path) -> None:
    git(root, "init", "--quiet")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "The one commit")


def start_build(
    root: Path, site_dir: Path, *, hash_seed: str, epoch: str | None = None, tz: str = "UTC"
) -> subprocess.Popen[str]:
    """build.py in its own process, as a member runs it: no SOURCE_DATE_EPOCH
    unless `epoch` is given."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": hash_seed, "TZ": tz}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    command = [sys.executable, str(REPO / "build.py"), "--root", str(root), "build"]
    return subprocess.Popen(
        [*command, "--site-dir", str(site_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(*builds: subprocess.Popen[str]) -> None:
    for build in builds:
        said, _ = build.communicate(timeout=300)
        assert build.returncode == 0, said


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def differences(one: Mapping[str, bytes], other: Mapping[str, bytes]) -> list[str]:
    """Each file that is in one build only, or differs: empty when they are the same."""
    found = [f"only in the first: {rel}" for rel in sorted(one.keys() - other.keys())]
    found += [f"only in the second: {rel}" for rel in sorted(other.keys() - one.keys())]
    found += [
        f"differs: {rel}" for rel in sorted(one.keys() & other.keys()) if one[rel] != other[rel]
    ]
    return found


# --- where "now" comes from ----------------------------------------------------


def test_source_date_epoch_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    clock = read_build_time(tmp_path)
    assert (clock.now, clock.source, clock.why) == (NOW, "SOURCE_DATE_EPOCH", "")


def test_a_git_checkout_is_built_as_of_its_last_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", "utf-8")
    commit_all(tmp_path)
    (tmp_path / "content").mkdir()
    for root in (tmp_path, tmp_path / "content"):  # from any folder of the checkout
        clock = read_build_time(root)
        assert (clock.now, clock.source, clock.why) == (COMMITTED, "the last commit", "")


def test_elsewhere_the_clock_stands_in_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    # Even if the temporary folder sits inside some checkout: look no higher.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    clock = read_build_time(tmp_path)
    assert clock.source == "the clock"
    assert clock.now >= before
    assert f"{tmp_path} is not a git checkout with a commit" in clock.why
    assert "not a git repository" in clock.why

    git(tmp_path, "init", "--quiet")
    assert "not a git checkout with a commit" in read_build_time(tmp_path).why

    monkeypatch.setattr(settings.shutil, "which", lambda name: None)
    assert read_build_time(tmp_path).why.startswith("git is not installed")


def test_without_a_root_it_is_the_clock_and_no_git_is_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A preview and a new post's date are today's, whatever the last commit."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(settings.shutil, "which", lambda name: pytest.fail("git was looked up"))
    clock = read_build_time()
    assert (clock.source, clock.why) == ("the clock", "")
    assert abs(clock.now - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


@pytest.mark.parametrize("value", ["yesterday", "1.5", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(ValueError, match=r"SOURCE_DATE_EPOCH is .* whole number of seconds"):
        read_build_time()


# --- whole builds --------------------------------------------------------------


@pytest.fixture(scope="module")
def rich_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The rich site, committed once, built twice without SOURCE_DATE_EPOCH, with
    other hash seeds, output folders and timezones."""
    scratch = tmp_path_factory.mktemp("reproducible")
    site = write_rich_site(scratch / "src")
    commit_all(site.root)
    sites = (scratch / "one" / "site", scratch / "elsewhere" / "deeper" / "public")
    first = start_build(site.root, sites[0], hash_seed="1")
    # Another time of day: the clock has moved on by more than a second (and, 14 hours
    # ahead in Kiritimati, is on another date for most of the day) when the second starts.
    time.sleep(CLOCK_STEP)
    second = start_build(site.root, sites[1], hash_seed="2", tz="Pacific/Kiritimati")
    finish(first, second)
    return sites


def test_two_builds_of_a_commit_are_identical(rich_builds: tuple[Path, Path]) -> None:
    one, other = (files_of(folder) for folder in rich_builds)
    assert {
        "sitemap.xml.gz",
        "pagefind/en/0/pagefind-entry.json",
        "events/calendar.ics",
    } <= one.keys()
    assert {"rss.xml", "atom.xml", "polls/2020-vote/results.csv"} <= one.keys()
    assert differences(one, other) == []


def test_the_build_is_as_of_the_last_commit_not_the_clock(rich_builds: tuple[Path, Path]) -> None:
    built = rich_builds[0]
    # MkDocs dates the sitemap and its gzip header by SOURCE_DATE_EPOCH, which
    # build.py sets to the commit's time.
    assert f"<lastmod>{COMMITTED:%Y-%m-%d}</lastmod>" in (built / "sitemap-pages.xml").read_text()
    gzip_mtime = int.from_bytes((built / "sitemap.xml.gz").read_bytes()[4:8], "little")
    assert gzip_mtime == int(COMMITTED.replace(hour=0).timestamp())
    # Our pages: upcoming and past as of the commit, and a post dated after it waits.
    upcoming = (built / "events/index.html").read_text("utf-8")  # the soonest two
    assert "Assembly" in upcoming and "Long past" not in upcoming
    assert "Assembly" not in (built / "events/past/index.html").read_text("utf-8")
    assert not (built / "blog/2020/later").exists()


def test_the_demo_site_builds_the_same_twice(tmp_path: Path) -> None:
    source = tmp_path / "demo"
    shutil.copytree(
        REPO, source, ignore=shutil.ignore_patterns(".venv", "site", ".git", "node_modules")
    )
    epoch = str(int(NOW.timestamp()))
    first = start_build(source, tmp_path / "a" / "site", hash_seed="1", epoch=epoch)
    second = start_build(
        source, tmp_path / "b" / "out", hash_seed="2", epoch=epoch, tz="Asia/Tokyo"
    )
    finish(first, second)
    one, other = files_of(tmp_path / "a" / "site"), files_of(tmp_path / "b" / "out")
    assert len(one) > 500
    assert differences(one, other) == []


def test_a_folder_outside_git_says_its_build_is_as_of_the_clock(
    fixture_site: FixtureSite,
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(fixture_site.root), "build"],
        env={
            **env,
            "PATH": "/usr/bin:/bin",
            "GIT_CEILING_DIRECTORIES": str(fixture_site.root.parent),
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Building as of the clock's time: " in result.stderr
    assert "is not a git checkout with a commit" in result.stderr
    assert "SOURCE_DATE_EPOCH" in result.stderr
