"""The parse cache: a file whose bytes are unchanged is not parsed again, and
nothing a run reports or builds differs from a run without the cache."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, FixtureSite
from engine.cache import CACHE_DIR, CACHE_SWITCH
from iops import parsing
from iops.plan import Plan, plan_site
from iops.settings import load_settings


def _summary(plan: Plan) -> tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]:
    """What a plan says of every file: its problems, items, their meta and bodies."""
    items = [
        (i.source, i.kind, i.url, i.title, i.meta.values, i.meta.lines, i.body)
        for i in plan.site.items
    ]
    return tuple(str(p) for p in plan.problems), tuple(items)


def _cache_files(root: Path) -> list[Path]:
    folder = root / CACHE_DIR / "parse"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


@pytest.fixture
def site_with_problems(fixture_site: FixtureSite) -> FixtureSite:
    fixture_site.write(
        "content/blog/2014-02-01-bad.md", "---\ntitle: Bad\ndate: 2014-13-45\n---\nText.\n"
    )
    fixture_site.write_bytes(
        "content/blog/2014-03-01-crlf.md",
        "\ufeff---\r\ntitle: Windows\r\ndate: 2014-03-01\r\nauthor: ada\r\n---\r\n"
        "Line one.\r\nTwo.\r\n".encode(),
    )
    fixture_site.write_bytes("content/blog/2014-04-01-latin1.md", b"---\ntitle: Caf\xe9\n---\n")
    return fixture_site


def test_a_warm_plan_says_what_a_cold_one_says(
    site_with_problems: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _summary(site_with_problems.plan())
    assert _cache_files(site_with_problems.root), "the first plan keeps what it parsed"
    warm = _summary(site_with_problems.plan())
    monkeypatch.setenv(CACHE_SWITCH, "off")
    uncached = _summary(site_with_problems.plan())
    assert first == warm == uncached
    problems = "\n".join(first[0])
    assert "2014-02-01-bad.md:3" in problems  # line numbers survive the cache
    assert "not UTF-8" in problems
    bodies = {source: body for source, *_, body in first[1]}
    assert bodies["content/blog/2014-03-01-crlf.md"].strip() == "Line one.\nTwo."


def test_a_build_reads_the_bodies_of_settled_files_again_without_parsing_them(
    site_with_problems: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every file counts as settled at once (not two seconds after its last
    # change): the plan takes each unchanged file's body from the disk, as
    # it is now, and what parsing made of it from the cache.
    monkeypatch.setattr(parsing, "SETTLED_NS", 0)
    cold = _summary(site_with_problems.plan())
    parsed: list[str] = []
    real = parsing._parse_plain

    def counting(root: Path, rel: str, *args: Any) -> Any:
        parsed.append(rel)
        return real(root, rel, *args)

    monkeypatch.setattr(parsing, "_parse_plain", counting)
    assert _summary(site_with_problems.plan()) == cold
    assert parsed == []  # nothing parsed again, every body read
    post = site_with_problems.root / "content/blog/2014-01-15-first.md"
    post.write_text(post.read_text("utf-8").replace("Hello.", "Hello again."), "utf-8")
    bodies = {source: body for source, *_, body in _summary(site_with_problems.plan())[1]}
    assert bodies["content/blog/2014-01-15-first.md"].strip() == "Hello again."
    assert parsed == ["content/blog/2014-01-15-first.md"]
    assert bodies["content/blog/2014-03-01-crlf.md"].strip() == "Line one.\nTwo."


def test_an_edited_file_is_parsed_again(fixture_site: FixtureSite) -> None:
    post = fixture_site.root / "content/blog/2014-01-15-first.md"
    fixture_site.plan()
    stat = post.stat()
    # Same length and same modification time: only the bytes tell the change.
    post.write_text(post.read_text("utf-8").replace("First post", "Final post"), "utf-8")
    os.utime(post, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    titles = {item.source: item.title for item in fixture_site.plan().site.items}
    assert titles["content/blog/2014-01-15-first.md"] == "Final post"
    # And a file broken since is reported, not served from the cache.
    post.write_text("---\ntitle: [unclosed\n---\n", "utf-8")
    assert any("2014-01-15-first.md" in problem for problem in fixture_site.problems())


def test_check_fills_the_cache_that_the_build_reads_bodies_through(
    fixture_site: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = fixture_site.run("check")
    assert checked.returncode == 0, checked.stderr
    assert _cache_files(fixture_site.root)
    from_cache = _summary(fixture_site.plan())  # with bodies, which `check` did not keep
    monkeypatch.setenv(CACHE_SWITCH, "off")
    assert from_cache == _summary(fixture_site.plan())
    assert (
        "Hello." in dict((s, b) for s, *_, b in from_cache[1])["content/blog/2014-01-15-first.md"]
    )


def test_a_damaged_cache_is_ignored(fixture_site: FixtureSite) -> None:
    expected = _summary(fixture_site.plan())
    for path in _cache_files(fixture_site.root):
        path.write_bytes(b"not a pickle")
    assert _summary(fixture_site.plan()) == expected


def test_without_the_cache_nothing_is_kept(
    fixture_site: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_SWITCH, "off")
    fixture_site.plan()
    assert not (fixture_site.root / ".cache").exists()


def _check_plan(site: FixtureSite) -> Plan:
    """The plan `check` makes: without the Markdown bodies."""
    return plan_site(load_settings(site.root), NOW, bodies=False)


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsing reads from now on, by path relative to the site."""
    read: list[str] = []
    real = parsing.read_raw

    def counted(path: Path, rel: str) -> Any:
        read.append(rel)
        return real(path, rel)

    monkeypatch.setattr(parsing, "read_raw", counted)
    return read


def test_check_does_not_read_a_file_that_is_as_it_was(
    site_with_problems: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose size, times and inode are as when it was parsed is not
    read by `check`; one written since is, even at the same size and with
    its modification time put back (its ctime tells)."""
    site = site_with_problems
    monkeypatch.setattr(parsing, "SETTLED_NS", 0)  # the files were written just now
    first = _summary(_check_plan(site))
    read = _counting_reads(monkeypatch)
    assert _summary(_check_plan(site)) == first
    assert read == []

    post = site.root / "content/blog/2014-01-15-first.md"
    stat = post.stat()
    post.write_text(post.read_text("utf-8").replace("First post", "Final post"), "utf-8")
    os.utime(post, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert post.stat().st_size == stat.st_size
    titles = {item.source: item.title for item in _check_plan(site).site.items}
    assert titles["content/blog/2014-01-15-first.md"] == "Final post"
    assert read == ["content/blog/2014-01-15-first.md"]


def test_a_file_changed_a_moment_ago_is_read_again(
    site_with_problems: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within `SETTLED_NS` of a file's last change, a write in the same tick
    of the file system's clock could leave its signature as it was: such a
    file is read every time until it has settled."""
    monkeypatch.setattr(parsing, "SETTLED_NS", 3600 * 10**9)  # however slow the machine
    _check_plan(site_with_problems)
    read = _counting_reads(monkeypatch)
    _check_plan(site_with_problems)
    files = sorted(
        p.relative_to(site_with_problems.root).as_posix()
        for p in site_with_problems.root.rglob("*.md")
        if ".cache" not in p.parts
    )
    assert sorted(read) == files
