"""Bad input about translations and statement versions, each refused with
file, line, field and fix; shallow clones; `new --translate`; the word diff;
the workflows fetching the whole history."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import FixtureSite
from git_history import GitSite
from iops.gitlog import read_history
from iops.html_diff import SKIPPED, changed_paragraphs, word_diff

REPO = Path(__file__).resolve().parent.parent
MISSION = "content/about/mission.md"
MISSION_TEXT = "---\ntitle: Mission\nversion: 1\n---\nWe organise.\n"
POLL = """\
---
title: The poll
opens: 2026-01-01
closes: 2026-01-02
questions:
  - question: Adopt it?
    options:
      - {label: "Yes", votes: 3}
"""


@pytest.fixture
def git(fixture_site: FixtureSite) -> GitSite:
    """The fixture site, committed, with a statement and a poll."""
    repo = GitSite(fixture_site)
    repo.commit(
        "The site", {MISSION: MISSION_TEXT, "content/polls/the-poll.md": POLL + "---\nVote.\n"}
    )
    return repo


def errors(site: FixtureSite) -> list[str]:
    return [str(p) for p in site.plan().problems if p.is_error]


def test_a_translation_of_a_file_that_does_not_exist(git: GitSite) -> None:
    git.site.write(
        "content/about/vision.md",
        "---\ntitle: Vision\nlang: de\ntranslation_of: about/visions.md\n---\nText.\n",
    )
    git.site.write("content/about/values.es.md", "---\ntitle: Valores\n---\nTexto.\n")
    found = errors(git.site)
    assert (
        "content/about/vision.md:4: translation_of: this translates content/about/visions.md, "
        "which does not exist — name the original's path under content/" in found[1]
    )
    assert found[0].startswith(
        "content/about/values.es.md: file: this translates content/about/values.md, which does "
        "not exist"
    )


def test_two_translations_of_one_item_in_one_language(git: GitSite) -> None:
    commit = git.git("rev-parse", "HEAD")
    git.site.write(
        "content/about/mission.de.md", f"---\ntitle: A\noriginal_commit: {commit}\n---\n"
    )
    git.site.write(
        "content/about/auftrag.md",
        f"---\ntitle: B\nlang: de\ntranslation_of: about/mission.md\noriginal_commit: {commit}\n"
        "---\n",
    )
    assert errors(git.site) == [
        "content/about/mission.de.md: lang: content/about/mission.md has two translations in de: "
        "content/about/auftrag.md and this — keep one translation per language: merge them and "
        "delete one file"
    ]


def test_a_translation_in_its_originals_language(git: GitSite) -> None:
    git.site.write(
        "content/about/again.md", "---\ntitle: A\nlang: en\ntranslation_of: about/mission.md\n---\n"
    )
    assert errors(git.site) == [
        "content/about/again.md:3: lang: the translation is in en, the language of its original "
        "— set lang to the language the translation is written in"
    ]


def test_a_recorded_commit_not_in_the_history_says_how_to_record_the_current_one(
    git: GitSite,
) -> None:
    current = git.git("log", "-1", "--format=%H", "--", MISSION)
    git.site.write(
        "content/about/mission.de.md", "---\ntitle: Auftrag\noriginal_commit: 1234567abc\n---\n"
    )
    assert errors(git.site) == [
        "content/about/mission.de.md:3: original_commit: commit 1234567abc is not in the "
        "repository's history (was the branch rebased or squashed?) — compare the translation "
        f"with content/about/mission.md and record the original's current commit: "
        f"original_commit: {current}"
    ]


def test_a_translation_that_records_no_commit_is_warned_about(git: GitSite) -> None:
    current = git.git("rev-parse", "HEAD")
    git.site.write("content/about/mission.de.md", "---\ntitle: Auftrag\n---\n")
    [warning] = [str(p) for p in git.site.plan().problems]
    assert warning.startswith("content/about/mission.de.md:1: original_commit: the translation")
    assert f"add original_commit: {current}" in warning and warning.endswith("(warning)")


def test_a_decision_naming_no_poll(git: GitSite) -> None:
    git.site.write(MISSION, MISSION_TEXT.replace("version: 1", "version: 1\ndecision: no-poll"))
    assert errors(git.site) == [
        "content/about/mission.md:4: decision: there is no poll named 'no-poll' — name a poll by "
        "its file name in content/polls/ (without .md), or give url: and tally: of a decision "
        "taken elsewhere"
    ]


def test_a_ratified_statement_without_a_decision(git: GitSite) -> None:
    git.site.write(MISSION, MISSION_TEXT.replace("version: 1", "status: ratified"))
    assert errors(git.site) == [
        "content/about/mission.md:3: status: the statement is marked ratified, but no decision "
        "adopted it — add decision: with the poll that ratified it (its handle), or url: and "
        "tally: of the decision; or set status: interim"
    ]


def test_a_decision_taken_elsewhere_is_a_link_and_a_tally(git: GitSite) -> None:
    git.site.write(
        MISSION,
        MISSION_TEXT.replace(
            "version: 1",
            "version: 1\nstatus: ratified\n"
            "decision: {url: 'https://example.org/c', tally: '40 for, 2 against'}",
        ),
    )
    plan = git.site.plan()
    assert [str(p) for p in plan.problems] == []
    [version] = plan.lineage.versions[MISSION]
    assert version.decision is not None
    assert (version.decision.url, version.decision.tally) == (
        "https://example.org/c",
        "40 for, 2 against",
    )


def test_a_poll_that_adopted_a_version_that_is_not_there(git: GitSite) -> None:
    git.site.write(
        "content/polls/the-poll.md",
        POLL
        + "adopts:\n  - {statement: mission, version: 3}\n  - {statement: nothing, version: 1}\n"
        "---\n",
    )
    assert errors(git.site) == [
        "content/polls/the-poll.md:10: adopts: the poll adopted version 3 of "
        "content/about/mission.md, which is not in its history (versions: 1) — correct the "
        "version, or commit the statement with version: 3",
        "content/polls/the-poll.md:10: adopts: there is no statement named 'nothing' — name a "
        "statement by its file name in content/about/ (without .md)",
    ]


def test_a_shallow_clone_says_it_needs_the_whole_history(git: GitSite, tmp_path: Path) -> None:
    commit = git.git("rev-parse", "HEAD")
    git.commit(
        "Translate",
        {"content/about/mission.de.md": f"---\ntitle: A\noriginal_commit: {commit}\n---\n"},
    )
    git.commit("Change", {MISSION: MISSION_TEXT.replace("organise", "organize")})
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{git.root}", str(clone)],
        check=True,
        timeout=60,
        capture_output=True,
    )
    found = errors(FixtureSite(clone))
    assert found and all("shallow clone" in line for line in found)
    assert "git fetch --unshallow" in found[0] and "fetch-depth: 0" in found[0]


def test_outside_a_git_checkout_the_history_is_said_to_be_unknown(
    fixture_site: FixtureSite,
) -> None:
    fixture_site.write(MISSION, MISSION_TEXT)
    [warning] = [str(p) for p in fixture_site.plan().problems]
    assert warning.startswith("content/about/mission.md: file: the site's history cannot be read")
    assert warning.endswith("(warning)")


def test_the_history_is_read_once_per_commit(git: GitSite) -> None:
    first = read_history(git.root)
    assert any(git.root.joinpath(".cache/build/history").rglob("*"))
    assert read_history(git.root) == first
    assert first.changes[MISSION][0].sha == git.git("rev-parse", "HEAD")


def test_new_translate_writes_the_translation_with_the_originals_commit(git: GitSite) -> None:
    commit = git.git("rev-parse", "HEAD")
    git.commit("Unrelated", {"content/join.md": "---\ntitle: Join\n---\nJoin.\n"})
    result = git.site.run("new", "--translate", MISSION, "--lang", "de")
    assert result.returncode == 0, result.stderr
    assert "Created content/about/mission.de.md" in result.stdout
    text = (git.root / "content/about/mission.de.md").read_text("utf-8")
    assert f"original_commit: {commit}" in text and "We organise." in text
    plan = git.site.plan()
    assert [str(p) for p in plan.problems] == []
    assert plan.site.by_source["content/about/mission.de.md"].url == "about/mission/de/"
    again = git.site.run("new", "--translate", MISSION, "--lang", "de")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_new_translate_keeps_the_fields_a_post_needs_but_not_its_old_addresses(
    git: GitSite,
) -> None:
    post = "content/blog/2014-02-01-hello.md"
    text = (
        "---\ntitle: Hello\ndate: 2014-02-01\nauthor: ada\naliases:\n  - /blog/view/7\n"
        "tags: [vision]\n---\nHello all.\n"
    )
    git.commit("A post", {post: text})
    result = git.site.run("new", "--translate", post, "--lang", "es")
    assert result.returncode == 0, result.stderr
    made = (git.root / "content/blog/2014-02-01-hello.es.md").read_text("utf-8")
    assert "date: 2014-02-01\nauthor: ada\ntags: [vision]\noriginal_commit: " in made
    assert "aliases" not in made and "/blog/view/7" not in made
    assert [str(p) for p in git.site.plan().problems] == []


def test_new_translate_refuses_what_it_cannot_translate(git: GitSite) -> None:
    result = git.site.run("new", "--translate", "content/about/nothing.md", "--lang", "xx1")
    assert result.returncode == 1
    assert "content/about/nothing.md is not a content file" in result.stderr
    assert "'xx1' is not a language code" in result.stderr
    assert "Nothing was written." in result.stderr


def test_behind_lists_the_translations_a_change_leaves_behind(git: GitSite) -> None:
    commit = git.git("rev-parse", "HEAD")
    translations = {
        "content/about/mission.de.md": f"---\ntitle: A\noriginal_commit: {commit}\n---\n",
        "content/join.md": "---\ntitle: Join\n---\nJoin.\n",
        "content/join.es.md": f"---\ntitle: Únete\noriginal_commit: {commit}\n---\n",
    }
    base = git.commit("Translations", translations)
    git.commit("Fix a typo [translation: skip]", {MISSION: MISSION_TEXT.replace("We", "we")})
    assert git.site.run("behind", base).stdout == "No translation is left behind by this change.\n"
    assert git.site.run("behind", base, "--format", "markdown").stdout == ""
    git.commit("Change the mission", {MISSION: MISSION_TEXT.replace("organise", "organize")})
    said = git.site.run("behind", base, "--format", "markdown")
    assert said.returncode == 0, said.stderr
    assert said.stdout.startswith("### Translations this change leaves behind\n\n")
    assert (
        "- `content/about/mission.de.md` (de): `content/about/mission.md` changed in 1"
        in said.stdout
    )
    assert "join.es.md" not in said.stdout
    wrong = git.site.run("behind", "no-such-branch")
    assert wrong.returncode == 1
    assert "no-such-branch is not a commit of this repository's history." in wrong.stderr


def test_listings_show_an_item_once_in_the_sites_language_where_they_can(
    fixture_site: FixtureSite,
) -> None:
    post = "---\ntitle: {title}\ndate: {day}\nauthor: ada\n{lang}---\nText.\n"
    files = {
        "content/blog/2014-02-01-hola.md": post.format(
            title="Hola", day="2014-02-01", lang="lang: es\n"
        ),
        "content/blog/2014-02-01-hola.en.md": post.format(title="Hello", day="2014-02-01", lang=""),
        "content/blog/2014-01-15-first.de.md": post.format(
            title="Erster", day="2014-01-15", lang=""
        ),
        "content/blog/2014-03-01-solo.md": post.format(
            title="Solo", day="2014-03-01", lang="lang: es\n"
        ),
    }
    for rel, text in files.items():
        fixture_site.write(rel, text)
    plan = fixture_site.plan()
    assert [str(p) for p in plan.problems] == []
    listed = sorted(i.source for i in plan.site.of_kind("post"))
    assert listed == [
        "content/blog/2014-01-15-first.md",
        "content/blog/2014-02-01-hola.en.md",
        "content/blog/2014-03-01-solo.md",
    ]
    # Every page is built all the same, the translations under their original's address.
    urls = {i.url for i in plan.site.items}
    assert {"blog/2014/hola/", "blog/2014/hola/en/", "blog/2014/first/de/"} <= urls


def test_the_word_diff_escapes_both_texts() -> None:
    diff = word_diff("a <b>old</b> c", "a <script>new</script> c")
    assert (
        diff == "a <del>&lt;b&gt;old&lt;/b&gt;</del><ins>&lt;script&gt;new&lt;/script&gt;</ins> c"
    )


def test_only_the_paragraphs_that_changed_are_shown() -> None:
    old = "One.\n\nTwo too.\n\nThree.\n\nFour."
    new = "One.\n\nTwo, too.\n\nThree.\n\nFour.\n\nFive."
    assert changed_paragraphs(old, new) == (
        f'{SKIPPED}<div class="iops-diff__change"><del>Two</del><ins>Two,</ins> too.</div>'
        f'{SKIPPED}<div class="iops-diff__change"><ins>Five.</ins></div>'
    )


def test_every_workflow_that_builds_fetches_the_whole_history() -> None:
    for name in ("deploy.yml", "pull-request.yml"):
        workflow = yaml.safe_load((REPO / ".github/workflows" / name).read_text("utf-8"))
        for job in workflow["jobs"].values():
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["fetch-depth"] == 0, (name, step)
