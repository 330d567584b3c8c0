"""Builds that share the cache never trip over each other (issue 19).

An editor runs `serve` (a preview build with drafts, into its own folder)
while `build` and `check` run beside it, on one `.cache/`. Run together,
repeatedly, with an edit between rounds, each must succeed and write what a
cold build of the same files writes; two builds of one site folder at once
take turns.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import NOW, REPO, FixtureSite, tree_digests

ROUNDS = 3
TOPICS = ["vision", "economy", "ecology", "media"]


def _populate(site: FixtureSite) -> None:
    """Enough posts, events and drafts that the builds overlap, and that a
    preview (drafts shown) uses cache entries a build does not."""
    for n in range(40):
        site.write(
            f"content/blog/2014-{n % 12 + 1:02d}-{n % 27 + 1:02d}-post-{n}.md",
            f"---\ntitle: Post {n}\ndate: 2014-{n % 12 + 1:02d}-{n % 27 + 1:02d}\n"
            f"author: {'ada' if n % 2 else 'bo'}\ntags: [{TOPICS[n % 4]}]\n"
            f"draft: {'true' if n % 5 == 0 else 'false'}\n---\n"
            + f"Paragraph {n} about {TOPICS[n % 4]}. " * 60
            + "\n",
        )
    for n in range(6):
        site.write(
            f"content/events/2026-12-{n + 1:02d}-meeting-{n}.md",
            f"---\ntitle: Meeting {n}\nstart: 2026-12-{n + 1:02d}T18:00\n---\nAgenda {n}.\n",
        )
    site.write(
        "content/polls/vote.md",
        "---\ntitle: A vote\nopens: 2014-01-01\ncloses: 2014-02-01\n"
        "questions: [{question: Yes?, options: [{label: 'Yes', votes: 3}, "
        "{label: 'No', votes: 1}]}]\n---\nThe vote.\n",
    )


@dataclass
class Running:
    args: tuple[str, ...]
    process: subprocess.Popen[bytes]
    log: Path
    """Its output: a file, never a pipe left unread."""


def _start(site: FixtureSite, *args: str) -> Running:
    """build.py on the site, in a process of its own."""
    env = {"SOURCE_DATE_EPOCH": str(int(NOW.timestamp())), "PATH": "/usr/bin:/bin"}
    log = site.root / f".log-{len(list(site.root.glob('.log-*')))}"
    command = [sys.executable, str(REPO / "build.py"), "--root", str(site.root), *args]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    return Running(args, process, log)


def _finish(runs: list[Running]) -> None:
    failures = []
    for run in runs:
        try:
            code = run.process.wait(timeout=300)
        except subprocess.TimeoutExpired:
            run.process.kill()
            run.process.wait()
            code = -1
        if code:
            failures.append(f"{run.args} exited {code}:\n{run.log.read_text('utf-8')}")
    assert not failures, "\n".join(failures)


def _edit(site: FixtureSite, round_: int) -> None:
    path = site.root / "content/blog/2014-02-02-post-1.md"
    text = path.read_text("utf-8").rstrip("\n")
    path.write_text(f"{text}\nAn edit in round {round_}.\n", "utf-8")
    if round_ % 2:  # and a new post, which moves every listing it is in
        site.write(
            f"content/blog/2015-01-{round_ + 1:02d}-new-{round_}.md",
            f"---\ntitle: New {round_}\ndate: 2015-01-{round_ + 1:02d}\nauthor: ada\n---\nNew.\n",
        )


@pytest.fixture
def busy_site(fixture_site: FixtureSite) -> FixtureSite:
    _populate(fixture_site)
    return fixture_site


def test_build_preview_and_check_at_once_each_write_what_a_cold_build_writes(
    busy_site: FixtureSite,
) -> None:
    site = busy_site
    for round_ in range(ROUNDS):
        _edit(site, round_)
        _finish(
            [
                _start(site, "build"),
                _start(site, "build", "--preview", "--site-dir", str(site.root / "preview")),
                _start(site, "check"),
            ]
        )
        _finish(
            [
                _start(site, "build", "--no-cache", "--site-dir", str(site.root / "cold")),
                _start(
                    site,
                    "build",
                    "--preview",
                    "--no-cache",
                    "--site-dir",
                    str(site.root / "cold-preview"),
                ),
            ]
        )
        assert tree_digests(site.root / "site") == tree_digests(site.root / "cold"), round_
        assert tree_digests(site.root / "preview") == tree_digests(site.root / "cold-preview"), (
            round_
        )


def test_two_builds_of_one_site_take_turns_and_leave_a_whole_site(busy_site: FixtureSite) -> None:
    site = busy_site
    for round_ in range(2):
        _edit(site, round_)
        _finish([_start(site, "build"), _start(site, "build")])
        _finish([_start(site, "build", "--no-cache", "--site-dir", str(site.root / "cold"))])
        assert tree_digests(site.root / "site") == tree_digests(site.root / "cold"), round_


def test_the_unused_entries_go_once_no_other_build_uses_the_cache(busy_site: FixtureSite) -> None:
    site = busy_site
    _finish(
        [
            _start(site, "build"),
            _start(site, "build", "--preview", "--site-dir", str(site.root / "preview")),
        ]
    )
    pages = site.root / ".cache/build/pages"
    entries = {p.name for p in pages.glob("*/*")}
    # The preview's entries are kept by a build's sweep: serve stays warm.
    _finish([_start(site, "build")])
    assert {p.name for p in pages.glob("*/*")} == entries
    # An edit makes entries that no flavour's last build uses: they go.
    _edit(site, 0)
    _finish([_start(site, "build")])
    _finish([_start(site, "build", "--preview", "--site-dir", str(site.root / "preview"))])
    now = {p.name for p in pages.glob("*/*")}
    assert now != entries and len(now) <= len(entries) + 2, (len(entries), len(now))
    assert (site.root / ".cache/build/.used/build.json").exists()
