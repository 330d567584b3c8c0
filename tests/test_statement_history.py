"""Translations and statement versions from a real git history: a statement
translated, its original changed (once by a skip-marked typo fix), a new
version adopted by a poll; then one build, and every page and notice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BASE_FILES, MKDOCS_YML, NOW, REPO, FixtureSite
from git_history import GitSite
from iops.plan import Plan

MISSION = "content/about/mission.md"
MISSION_V1 = """\
---
title: Mission
status: interim
adopted: 2026-01-02
version: 1
decision: founding-poll
---
We organise for a society without classes.

Members decide together.
"""
POLL = """\
---
title: {title}
opens: 2026-01-01
closes: 2026-01-02
questions:
  - question: Adopt the mission?
    options:
      - {{label: "Yes", votes: {yes}}}
      - {{label: "No", votes: 4}}
{extra}---
The poll.
"""
GERMAN = """\
---
title: Auftrag
original_commit: {commit}
---
Wir organisieren uns für eine Gesellschaft ohne Klassen.
"""
SPANISH = """\
---
title: Misión
lang: es
translation_of: about/mission.md
original_commit: {commit}
---
Nos organizamos.
"""


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The repository's commits by name; the site's files at its last one."""
    site = FixtureSite(tmp_path_factory.mktemp("history") / "src")
    git = GitSite(site)
    files = {"mkdocs.yml": MKDOCS_YML.format(repo=REPO), **BASE_FILES}
    files["content/polls/founding-poll.md"] = POLL.format(title="Founding poll", yes=30, extra="")
    files[MISSION] = MISSION_V1
    commits = {"original": git.commit("Add the mission", files)}
    commits["translated"] = git.commit(
        "Translate the mission",
        {
            "content/about/mission.de.md": GERMAN.format(commit=commits["original"]),
            "content/about/mision.md": SPANISH.format(commit=commits["original"]),
        },
    )
    changed = MISSION_V1.replace("Members decide together.", "Members decide together, openly.")
    commits["changed"] = git.commit("Mission: say how members decide", {MISSION: changed})
    typo = changed.replace("organise", "organize")
    commits["typo"] = git.commit("Mission: spelling [translation: skip]", {MISSION: typo})
    second = POLL.format(
        title="Second poll", yes=50, extra="adopts:\n  - {statement: mission, version: 2}\n"
    )
    v2 = (
        typo.replace("version: 1", "version: 2")
        .replace("decision: founding-poll", "decision: second-poll")
        .replace("adopted: 2026-01-02", "adopted: 2026-02-01")
        .replace("without classes", "without classes or bosses")
    )
    commits["v2"] = git.commit(
        "Mission version 2", {MISSION: v2, "content/polls/second-poll.md": second}
    )
    commits["spanish"] = git.commit(
        "Spanish follows version 2",
        {"content/about/mision.md": SPANISH.format(commit=commits["v2"])},
    )
    commits["root"] = str(site.root)
    return commits


@pytest.fixture(scope="module")
def site(history: dict[str, str]) -> FixtureSite:
    return FixtureSite(Path(history["root"]))


@pytest.fixture(scope="module")
def plan(site: FixtureSite) -> Plan:
    return site.plan()


@pytest.fixture(scope="module")
def built(site: FixtureSite) -> Path:
    result = site.run("build", epoch=NOW)
    assert result.returncode == 0, result.stderr
    return site.root / "site"


def page(built: Path, url: str) -> str:
    return (built / url / "index.html").read_text("utf-8")


def test_a_translation_knows_its_original_by_name_or_by_field(plan: Plan) -> None:
    german = plan.site.by_source["content/about/mission.de.md"]
    spanish = plan.site.by_source["content/about/mision.md"]
    assert (german.original, german.lang, german.url) == (MISSION, "de", "about/mission/de/")
    assert (spanish.original, spanish.lang, spanish.url) == (MISSION, "es", "about/mision/")
    # Listed once: the About page shows the original only.
    assert [s.source for s in plan.site.of_kind("statement")] == [MISSION]


def test_the_translation_behind_its_original_counts_changes_without_skipped_ones(
    plan: Plan, history: dict[str, str]
) -> None:
    german = plan.lineage.states["content/about/mission.de.md"]
    assert german.recorded == history["original"]
    assert german.changes == 2  # the change and version 2; not the typo fix
    assert str(german.since) == "2026-01-04"
    assert german.latest == history["v2"]
    assert not plan.lineage.states["content/about/mision.md"].outdated
    assert plan.lineage.follows == {
        "content/about/mission.de.md": 1,
        "content/about/mision.md": 2,
    }


def test_check_warns_of_the_outdated_translation(
    site: FixtureSite, history: dict[str, str]
) -> None:
    result = site.run("check")
    assert result.returncode == 0, result.stderr
    warning = [line for line in result.stderr.splitlines() if "out of date" in line]
    assert len(warning) == 1
    assert warning[0].startswith("content/about/mission.de.md:3: original_commit:")
    assert f"set original_commit: {history['v2']}" in warning[0]
    assert warning[0].endswith("(warning)")


def test_versions_come_from_the_commits_where_version_changed(
    plan: Plan, history: dict[str, str]
) -> None:
    v1, v2 = plan.lineage.versions[MISSION]
    assert (v1.number, v1.commit, str(v1.since), v1.replaced_by) == (
        1,
        history["original"],
        "2026-01-02",
        2,
    )
    assert (v2.number, v2.commit, str(v2.since), v2.replaced_by) == (
        2,
        history["v2"],
        "2026-02-01",
        None,
    )
    assert v1.decision is not None and v1.decision.url == "polls/founding-poll/"
    assert v1.decision.tally == "Yes 30 · No 4"
    # A version's text is its last commit's: the typo fix is in version 1.
    assert "organize" in v1.body and "openly" in v1.body and "bosses" not in v1.body
    assert "bosses" in v2.body


def test_the_original_shows_its_languages_version_and_history(built: Path) -> None:
    html = page(built, "about/mission")
    assert (
        '<link rel="alternate" hreflang="de" href="https://example.org/about/mission/de/">' in html
    )
    assert '<link rel="alternate" hreflang="es" href="https://example.org/about/mision/">' in html
    assert (
        '<link rel="alternate" hreflang="x-default" href="https://example.org/about/mission/">'
        in html
    )
    switcher = re.search(r'<nav class="iops-languages".*?</nav>', html, re.S)
    assert switcher is not None
    assert 'href="de/"' in switcher[0] and "Deutsch" in switcher[0]
    assert 'href="../mision/"' in switcher[0] and "español" in switcher[0]
    assert 'href="../../translations/">Translation status</a>' in switcher[0]
    assert "Version 2, in force since February 1, 2026." in html
    assert 'href="../../polls/second-poll/">Second poll</a> (Yes 50 · No 4)' in html
    assert "Authoritative text: English." in html
    assert 'href="history/"' in html


def test_the_outdated_translation_says_so_and_links_what_changed(built: Path) -> None:
    html = page(built, "about/mission/de")
    assert '<html lang="de"' in html
    # In the translation's own language (the German catalog's words).
    assert "Diese Übersetzung ist veraltet." in html
    assert (
        "Das Original wurde seit der Übersetzung 2-mal geändert, zuerst am 4. Januar 2026." in html
    )
    assert 'href="../" hreflang="en"' in html
    assert 'href="changes/"' in html
    assert "Diese Übersetzung beruht auf Version 1 der Erklärung." in html
    changes = page(built, "about/mission/de/changes")
    # The original now, with every change since the translation's commit
    # marked, the skip-marked typo fix too.
    assert "We <del>organise</del><ins>organize</ins> for a society" in changes
    assert "<del>classes.</del><ins>classes or bosses.</ins>" in changes
    assert "Members decide <del>together.</del><ins>together, openly.</ins>" in changes


def test_the_up_to_date_translation_has_no_warning(built: Path) -> None:
    html = page(built, "about/mision")
    assert "desactualizada" not in html
    assert "Esta traducción corresponde a la versión 2 de la declaración." in html
    assert not (built / "about/mision/changes").exists()


def test_each_version_keeps_its_page_and_the_old_one_names_its_successor(built: Path) -> None:
    old = page(built, "about/mission/v1")
    assert "This is version 1, which is no longer in force." in old
    assert "Version 2 replaced it on February 1, 2026." in old
    assert "Members decide together, openly." in old and "bosses" not in old
    current = page(built, "about/mission/v2")
    assert "the version in force" in current and "bosses" in current


def test_the_history_page_lists_versions_decisions_and_what_changed(built: Path) -> None:
    html = page(built, "about/mission/history")
    assert html.index('id="v2"') < html.index('id="v1"')
    assert "Founding poll</a> (Yes 30 · No 4)" in html
    assert "Second poll</a> (Yes 50 · No 4)" in html
    assert "without <del>classes.</del><ins>classes or bosses.</ins>" in html
    assert "What changed from version 1 (words: 1 removed, 3 added)" in html


def test_a_poll_links_the_versions_it_adopted(built: Path) -> None:
    assert 'href="../../about/mission/v1/"' in page(built, "polls/founding-poll")
    assert 'href="../../about/mission/v2/"' in page(built, "polls/second-poll")


def test_the_sitemap_lists_each_pages_alternates(built: Path) -> None:
    sitemap = (built / "sitemap-pages.xml").read_text("utf-8")
    entry = re.search(
        r"<url><loc>https://example.org/about/mission/de/</loc>.*?</url>", sitemap, re.S
    )
    assert entry is not None
    assert (
        '<xhtml:link rel="alternate" hreflang="es" href="https://example.org/about/mision/"/>'
        in entry[0]
    )
    assert 'hreflang="x-default" href="https://example.org/about/mission/"' in entry[0]


def test_the_status_page_lists_translated_outdated_and_missing(built: Path) -> None:
    html = page(built, "translations")
    german = html[html.index("<h2>Deutsch") :]
    german = german[: german.index("</section>")]
    assert "0 translated, 1 outdated, " in german
    assert "Auftrag" in german
    assert "build.py new --translate content/blog/2014-01-15-first.md --lang de" in german
    spanish = html[html.index("<h2>español") :]
    assert "1 translated, 0 outdated" in spanish[: spanish.index("</section>")]
