"""CODEOWNERS from the chapters' admins, and every page's edit and history links."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from conftest import NOW, REPO, FixtureSite
from iops import repository
from iops.plan import plan_site
from iops.settings import load_settings

EDITORS = """\
    repository: https://github.com/example/site
    editors:
      - example/editors
      - "@carol"
"""


def _with_repository(site: FixtureSite, extra: str = EDITORS) -> None:
    config = site.root / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("    page_size: 2\n", "    page_size: 2\n" + extra), "utf-8")


def _give_github(site: FixtureSite, member: str, account: str) -> None:
    path = site.root / f"content/members/{member}.md"
    text = path.read_text("utf-8")
    path.write_text(text.replace("---\n", f"---\ngithub: {account}\n", 1), "utf-8")


def test_the_committed_codeowners_file_is_up_to_date() -> None:
    plan = plan_site(load_settings(REPO), NOW, bodies=False)
    expected, problems = repository.codeowners(plan.site)
    assert [str(p) for p in problems] == []
    committed = (REPO / repository.CODEOWNERS_PATH).read_text("utf-8")
    assert committed == expected, "run `python build.py codeowners` and commit the file"


def test_chapter_admins_own_their_folder_and_editors_the_rest(fixture_site: FixtureSite) -> None:
    _with_repository(fixture_site)
    _give_github(fixture_site, "ada", "ada-gh")
    fixture_site.write(
        "chapters/leeds/index.md",
        "---\nname: IOPS Leeds\nlevel: local\nfounded: 2014-01-01\nparent: uk\n"
        "admins: [ada, bo]\n---\nLeeds.\n",
    )
    text, problems = repository.codeowners(fixture_site.plan().site)
    assert text.splitlines()[3:] == [
        "* @example/editors @carol",
        "/chapters/leeds/ @ada-gh",
        "/chapters/london/ @ada-gh",
    ]
    # Bo administers Leeds but has no GitHub account: said, and Leeds keeps Ada.
    assert [str(p) for p in problems] == [
        "content/members/bo.md: github: Bo Example is an admin of IOPS Leeds but has no "
        "GitHub account here, so cannot review changes to leeds's pages — add "
        "`github: <their GitHub user name>` to this file (warning)"
    ]


def test_a_chapter_without_reviewers_stays_with_the_editors(fixture_site: FixtureSite) -> None:
    _with_repository(fixture_site)
    text, problems = repository.codeowners(fixture_site.plan().site)
    assert "/chapters/" not in text
    assert [p.field for p in problems] == ["github"]  # Ada, London's admin


@pytest.mark.parametrize(
    ("editors", "message"),
    [
        ("    editors: [not an account]\n", "'not an account' is not a GitHub account or team"),
        ("    editors: [-dash]\n", "'-dash' is not a GitHub account or team"),
        ("", "no editors are named"),
    ],
)
def test_bad_editors_are_refused(fixture_site: FixtureSite, editors: str, message: str) -> None:
    _with_repository(fixture_site, editors)
    _, problems = repository.codeowners(fixture_site.plan().site)
    errors = [str(p) for p in problems if p.is_error]
    assert len(errors) == 1 and errors[0].startswith(f"mkdocs.yml: extra.iops.editors: {message}")


@pytest.mark.parametrize("account", ["two words", "-ada", "ada--gh", "a" * 40, "ada_gh"])
def test_a_github_account_must_be_a_real_user_name(fixture_site: FixtureSite, account: str) -> None:
    _give_github(fixture_site, "ada", f'"{account}"')
    assert fixture_site.problems() == [
        f"content/members/ada.md:2: github: {account!r} is not a GitHub user name — write the "
        "name as on github.com/<name>: letters, digits and single hyphens"
    ]


def test_codeowners_command_writes_and_checks_the_file(fixture_site: FixtureSite) -> None:
    _with_repository(fixture_site)
    _give_github(fixture_site, "ada", "'@ada-gh'")
    stale = fixture_site.run("codeowners", "--check")
    assert stale.returncode == 1 and "out of date" in stale.stderr
    assert not (fixture_site.root / ".github").exists()
    written = fixture_site.run("codeowners")
    assert written.returncode == 0, written.stderr
    assert "/chapters/london/ @ada-gh\n" in (fixture_site.root / ".github/CODEOWNERS").read_text()
    assert fixture_site.run("codeowners", "--check").returncode == 0
    fixture_site.write("chapters/london/index.md", "---\nname: IOPS London\n---\n")
    broken = fixture_site.run("codeowners")
    assert broken.returncode == 1 and "chapters/london/index.md" in broken.stderr


@pytest.mark.parametrize(
    ("url", "folder"),
    [
        ("blog/", "content/blog"),
        ("blog/page/3/", "content/blog"),
        ("blog/2014/", "content/blog"),
        ("chapters/london/events/past/", "chapters/london/events"),
        ("chapters/london/blog/page/2/", "chapters/london/blog"),
        ("chapters/", "chapters"),
        ("federation/", "chapters"),
        ("members/page/2/", "content/members"),
        ("tags/vision/", "content"),
        ("feeds/", "content"),
        ("", "content"),
    ],
)
def test_a_listing_points_at_the_folder_it_lists(url: str, folder: str) -> None:
    assert repository.source_of(url) == folder


def _links(page: Path) -> list[tuple[str, str | None]]:
    tree = lxml.html.parse(str(page))
    return [(a.text_content(), a.get("href")) for a in tree.iterfind(".//aside//a")]


def test_every_page_links_its_source_and_history(fixture_site: FixtureSite) -> None:
    _with_repository(fixture_site)
    fixture_site.write(
        "content/blog/2014-01-16-second.md",
        "---\ntitle: Second\ndate: 2014-01-16\nauthor: bo\n"
        "aliases: [old/second.html]\n---\nText.\n",
    )
    chapter_post = "chapters/london/blog/2014-02-01-london-news.md"
    fixture_site.write(
        chapter_post, "---\ntitle: London news\ndate: 2014-02-01\nauthor: ada\n---\nText.\n"
    )
    result = fixture_site.run("build")
    assert result.returncode == 0, result.stderr
    built = fixture_site.root / "site"
    base = "https://github.com/example/site"
    post = "content/blog/2014-01-15-first.md"
    assert _links(built / "blog/2014/first/index.html") == [
        ("Edit this page", f"{base}/edit/main/{post}"),
        ("History", f"{base}/commits/main/{post}"),
    ]
    assert _links(built / "chapters/london/index.html")[0] == (
        "Edit this page",
        f"{base}/edit/main/chapters/london/index.md",
    )
    assert _links(built / "chapters/london/blog/2014/london-news/index.html") == [
        ("Edit this page", f"{base}/edit/main/{chapter_post}"),
        ("History", f"{base}/commits/main/{chapter_post}"),
    ]
    assert _links(built / "chapters/london/blog/index.html") == [
        ("See the source files", f"{base}/tree/main/chapters/london/blog"),
        ("History", f"{base}/commits/main/chapters/london/blog"),
    ]
    # London has no events folder: its (empty) events listing points at the chapter's.
    assert _links(built / "chapters/london/events/index.html") == [
        ("See the source files", f"{base}/tree/main/chapters/london"),
        ("History", f"{base}/commits/main/chapters/london"),
    ]
    # Every page but redirects from an old URL (like the second post's) and the 404 page.
    redirect = built / "old/second.html"
    assert 'http-equiv="refresh"' in redirect.read_text("utf-8")
    pages = [p for p in built.rglob("*.html") if p not in (redirect, built / "404.html")]
    assert len(pages) > 20
    without = [p for p in pages if not any(t == "History" for t, _ in _links(p))]
    assert without == []


def test_no_repository_means_no_source_links(fixture_site: FixtureSite) -> None:
    assert fixture_site.run("build").returncode == 0
    home = (fixture_site.root / "site/index.html").read_text("utf-8")
    assert "iops-source-links" not in home
