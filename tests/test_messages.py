"""Messages that say what is wrong and how to fix it, where they used to mislead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, REPO, FixtureSite
from iops.model import held_back_reason
from iops.settings import BuildTime

POST = "---\ntitle: A post\ndate: {date}\nauthor: ada\n---\nText.\n"


def _problems(site: FixtureSite, rel: str) -> list[str]:
    return [str(p) for p in site.plan().problems if p.path == rel]


# --- YAML indented with tabs -------------------------------------------------------------


def test_a_tab_indented_list_is_said_to_be_indented_with_a_tab(fixture_site: FixtureSite) -> None:
    rel = "content/blog/2014-02-01-tabs.md"
    fixture_site.write(rel, "---\ntitle: T\ndate: 2014-02-01\nauthor: ada\ntags:\n\t- a\n---\n")
    assert _problems(fixture_site, rel) == [
        f"{rel}:6: front matter: the line is indented with a tab — YAML is indented with "
        "spaces, not tabs: replace the tab at the start of line 6 with spaces"
    ]


def test_other_invalid_yaml_is_not_blamed_on_tabs(fixture_site: FixtureSite) -> None:
    rel = "content/blog/2014-02-01-colon.md"
    fixture_site.write(rel, "---\ntitle: a: b\ndate: 2014-02-01\nauthor: ada\n---\n")
    [problem] = _problems(fixture_site, rel)
    assert "invalid YAML" in problem and "tab" not in problem


# --- dates -------------------------------------------------------------------------------


def test_a_post_date_without_leading_zeros_is_told_the_day_form_and_the_fix(
    fixture_site: FixtureSite,
) -> None:
    rel = "content/blog/2026-12-07-x.md"
    fixture_site.write(rel, POST.format(date="2026-12-7"))
    assert _problems(fixture_site, rel) == [
        f"{rel}:3: date: '2026-12-7' is not a date — did you mean 2026-12-07? Write it as "
        "YYYY-MM-DD, e.g. 2026-12-07, or with a time YYYY-MM-DDTHH:MM, in the local time"
    ]


def test_a_date_in_another_order_gets_the_day_form_first(fixture_site: FixtureSite) -> None:
    rel = "content/blog/2026-12-07-x.md"
    fixture_site.write(rel, POST.format(date="07/12/2026"))
    [problem] = _problems(fixture_site, rel)
    assert "did you mean" not in problem
    assert problem.endswith(
        "— write it as YYYY-MM-DD, e.g. 2026-12-07, or with a time YYYY-MM-DDTHH:MM, "
        "in the local time"
    )


@pytest.mark.parametrize(
    ("rel", "text", "field", "meant"),
    [
        (
            "content/events/2027-03-01-meet.md",
            "---\ntitle: M\nstart: 2027-3-1T9:30\n---\n",
            "start",
            "2027-03-01T09:30",
        ),
        (
            "chapters/old/index.md",
            "---\nname: Old\nlevel: national\nfounded: 2012-3\n---\n",
            "founded",
            "2012-03",
        ),
        (
            "content/projects/p.md",
            "---\ntitle: P\ncreated: 2012-3-4\nstatus: active\n---\n",
            "created",
            "2012-03-04",
        ),
    ],
)
def test_a_date_missing_its_zeros_gets_the_corrected_value(
    fixture_site: FixtureSite, rel: str, text: str, field: str, meant: str
) -> None:
    fixture_site.write(rel, text)
    [problem] = _problems(fixture_site, rel)
    assert f": {field}: " in problem and f"did you mean {meant}?" in problem


def test_no_correction_is_offered_when_padding_does_not_make_a_real_date(
    fixture_site: FixtureSite,
) -> None:
    rel = "content/blog/2026-12-07-x.md"
    fixture_site.write(rel, POST.format(date="2026-2-30"))
    [problem] = _problems(fixture_site, rel)
    assert "did you mean" not in problem and "YYYY-MM-DD" in problem


def test_a_month_that_does_not_exist_is_refused(fixture_site: FixtureSite) -> None:
    rel = "chapters/old/index.md"
    fixture_site.write(rel, "---\nname: Old\nlevel: national\nfounded: 2012-13\n---\n")
    [problem] = _problems(fixture_site, rel)
    assert "founded: '2012-13' is not a real date" in problem and "month (01-12)" in problem


# --- did you mean, for handles and tags -------------------------------------------------


def test_a_misspelt_member_or_chapter_gets_did_you_mean(fixture_site: FixtureSite) -> None:
    fixture_site.write("content/members/bridget-nolan.md", "---\nname: Bridget Nolan\n---\n")
    post = "content/blog/2014-02-01-x.md"
    fixture_site.write(post, "---\ntitle: X\ndate: 2014-02-01\nauthor: bridgit-nolan\n---\n")
    member = "content/members/cy.md"
    fixture_site.write(member, "---\nname: Cy\nchapter: londn\n---\n")
    chapter = "chapters/camden/index.md"
    fixture_site.write(chapter, "---\nname: C\nlevel: local\nfounded: 2014\nparent: ukk\n---\n")
    assert _problems(fixture_site, post) == [
        f"{post}:4: author: there is no member named 'bridgit-nolan' — did you mean "
        "'bridget-nolan'? If not, use the handle of a file in content/members/ "
        "(its name without .md)"
    ]
    assert "did you mean 'london'?" in _problems(fixture_site, member)[0]
    assert "did you mean 'uk'?" in _problems(fixture_site, chapter)[0]


def test_a_name_like_no_other_gets_no_guess(fixture_site: FixtureSite) -> None:
    post = "content/blog/2014-02-01-x.md"
    fixture_site.write(post, "---\ntitle: X\ndate: 2014-02-01\nauthor: zebedee\n---\n")
    [problem] = _problems(fixture_site, post)
    assert "did you mean" not in problem


def _tagged(site: FixtureSite, day: int, tags: str) -> str:
    rel = f"content/blog/2014-03-{day:02d}-t{day}.md"
    site.write(rel, f"---\ntitle: T\ndate: 2014-03-{day:02d}\nauthor: ada\ntags: [{tags}]\n---\n")
    return rel


def test_a_new_tag_close_to_a_used_one_is_a_warning(fixture_site: FixtureSite) -> None:
    _tagged(fixture_site, 1, "solidarity")
    _tagged(fixture_site, 2, "solidarity, housing")
    new = _tagged(fixture_site, 3, "solidarty")
    plan = fixture_site.plan()
    assert plan.errors == ()
    assert [str(p) for p in plan.problems] == [
        f"{new}:5: tags: the tag 'solidarty' is used by no other file, and 'solidarity' by 2 — "
        "did you mean 'solidarity'? If 'solidarty' is a new tag on purpose, leave it (warning)"
    ]
    result = fixture_site.run("check")
    assert result.returncode == 0 and "did you mean 'solidarity'?" in result.stderr


def test_tags_unlike_each_other_or_both_in_use_are_no_warning(fixture_site: FixtureSite) -> None:
    _tagged(fixture_site, 1, "housing, vision")
    _tagged(fixture_site, 2, "visions, housing")
    _tagged(fixture_site, 3, "visions, health")
    assert fixture_site.plan().problems == ()


# --- the file name's date ----------------------------------------------------------------


def test_a_file_named_for_another_day_than_its_date_is_a_warning(fixture_site: FixtureSite) -> None:
    rel = "content/blog/2026-12-07-x.md"
    fixture_site.write(rel, POST.format(date="2025-01-01"))
    plan = fixture_site.plan()
    assert plan.errors == ()
    assert [str(p) for p in plan.problems] == [
        f"{rel}:3: date: the file name says 2026-12-07 but date is 2025-01-01 — rename the "
        "file to 2025-01-01-x.md, or correct date if the name has the right day (warning)"
    ]


def test_a_file_named_for_its_day_is_no_warning(fixture_site: FixtureSite) -> None:
    fixture_site.write("content/blog/2014-02-01-x.md", POST.format(date="2014-02-01T18:30"))
    fixture_site.write(
        "content/events/2027-01-09-meet.md", "---\ntitle: M\nstart: 2027-01-09T23:30\n---\n"
    )
    fixture_site.write("content/blog/undated-name.md", POST.format(date="2014-02-02"))
    assert fixture_site.plan().problems == ()


# --- why check says a post is not published -----------------------------------------------


def _git(root: Path, *args: str, when: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, timeout=60)


def test_check_says_a_post_due_by_the_clock_waits_for_a_commit(
    fixture_site: FixtureSite,
) -> None:
    root = fixture_site.root
    _git(root, "init", "-q", when="2026-01-01T12:00:00Z")
    _git(root, "add", "-A", when="2026-01-01T12:00:00Z")
    _git(root, "commit", "-q", "-m", "start", when="2026-01-01T12:00:00Z")
    fixture_site.write("content/blog/2026-01-02-due.md", POST.format(date="2026-01-02"))
    fixture_site.write("content/blog/2099-01-01-later.md", POST.format(date="2099-01-01"))
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(root), "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (
        "not published: content/blog/2026-01-02-due.md (scheduled for 2026-01-02 00:00 GMT; "
        "the build's clock is the time of the last commit, 2026-01-01 12:00 UTC: "
        "it is published once committed)"
    ) in result.stdout
    assert (
        "not published: content/blog/2099-01-01-later.md (scheduled for 2099-01-01 00:00 GMT; "
        "the first build after that publishes it (each night's, or a commit's))"
    ) in result.stdout


def test_check_names_source_date_epoch_when_it_sets_the_clock(fixture_site: FixtureSite) -> None:
    fixture_site.write("content/blog/2099-01-01-later.md", POST.format(date="2099-01-01"))
    result = fixture_site.run("check")
    assert result.returncode == 0, result.stderr
    assert (
        "(scheduled for 2099-01-01 00:00 GMT; the build's clock is SOURCE_DATE_EPOCH, "
        "2026-11-23 12:00 UTC)"
    ) in result.stdout


def test_without_git_or_epoch_the_reason_is_only_the_date(fixture_site: FixtureSite) -> None:
    fixture_site.write("content/blog/2099-01-01-later.md", POST.format(date="2099-01-01"))
    plan = fixture_site.plan()
    [item] = plan.site.held_back
    reason = held_back_reason(item, BuildTime(NOW, "the clock"), NOW)
    assert reason == "scheduled for 2099-01-01 00:00 GMT; the first build after that publishes it"


def test_tags_alike_within_one_file_are_no_warning(fixture_site: FixtureSite) -> None:
    _tagged(fixture_site, 1, "tag0, tag40, housing")
    _tagged(fixture_site, 2, "housing")
    assert fixture_site.plan().problems == ()


def test_of_two_tags_used_once_each_the_newer_posts_is_warned(fixture_site: FixtureSite) -> None:
    _tagged(fixture_site, 1, "solidarity")
    newer = _tagged(fixture_site, 2, "solidarty")
    warned = {p.path: p.hint for p in fixture_site.plan().problems}
    assert warned == {
        newer: "did you mean 'solidarity'? If 'solidarty' is a new tag on purpose, leave it"
    }
