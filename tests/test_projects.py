"""Projects: listings by status, what member, chapter and home pages show, bad input.

The real build of a project page is in test_polls.py (one build for both)."""

from __future__ import annotations

import pytest
from conftest import NOW, REPO, FixtureSite
from iops import projects
from iops.listings import GeneratedPage, Listing
from iops.plan import plan_site
from iops.projects import ProjectsView
from iops.settings import load_settings


def project(created: str, status: str, members: str = "[ada]") -> str:
    return (
        f"---\ntitle: P {created}\ncreated: {created}\nstatus: {status}\nmembers: {members}\n---\n"
    )


PROJECTS = {
    "content/projects/a.md": project("2014-01-01", "active"),
    "content/projects/b.md": project("2015-01-01", "active", "[bo]"),
    "content/projects/c.md": project("2013-01-01", "active", "[ada, bo]"),
    "content/projects/d.md": project("2016-01-01", "proposed"),
    "chapters/london/projects/e.md": project("2012-01-01", "completed"),
    "chapters/uk/projects/f.md": project("2011-01-01", "active", "[bo]"),
}


def pages_of(fixture_site: FixtureSite) -> dict[str, GeneratedPage]:
    for rel, text in PROJECTS.items():
        fixture_site.write(rel, text)
    plan = fixture_site.plan()
    assert plan.problems == ()
    return {page.url: page for page in plan.pages}


def slugs(items: object) -> list[str]:
    """Of items, or of their cards (iops.cards.Card), which have their URL."""
    return [item.url.rstrip("/").rsplit("/", 1)[-1] for item in items]  # type: ignore[attr-defined]


def test_projects_are_listed_by_status_newest_first(fixture_site: FixtureSite) -> None:
    pages = pages_of(fixture_site)
    overview = pages["projects/"].view
    assert isinstance(overview, ProjectsView)
    groups = {g.status: g for g in overview.groups}
    assert list(groups) == ["proposed", "active", "completed"]
    # Page size 2: each section shows its newest two and links to all of them.
    assert slugs(groups["active"].projects) == ["b", "a"]
    assert (groups["active"].count, groups["active"].url) == (4, "projects/status/active/")
    assert overview.links[1] == ("Active (4)", "projects/status/active/")
    active: list[str] = []
    for url in ("projects/status/active/", "projects/status/active/page/2/"):
        view = pages[url].view
        assert isinstance(view, Listing) and view.title == "Active projects"
        active += slugs(view.items)
    assert active == ["b", "a", "c", "f"]
    assert "projects/status/active/page/3/" not in pages
    assert slugs(pages["projects/status/completed/"].view.items) == ["e"]


def test_a_chapter_lists_its_family_projects(fixture_site: FixtureSite) -> None:
    pages = pages_of(fixture_site)
    uk = pages["chapters/uk/projects/"].view
    assert uk.title == "Projects: IOPS UK"
    assert {g.status: slugs(g.projects) for g in uk.groups} == {
        "active": ["f"],
        "completed": ["e"],
    }
    assert "chapters/london/projects/status/completed/" in pages
    assert "chapters/london/projects/status/active/" not in pages  # no empty listings


def test_chapter_member_and_home_pages(fixture_site: FixtureSite) -> None:
    for rel, text in PROJECTS.items():
        fixture_site.write(rel, text)
    site = fixture_site.plan().site
    uk = projects.context(site, site.chapters["uk"])
    assert slugs(uk["chapter_projects"]) == ["e", "f"]
    assert uk["chapter_projects_url"] == "chapters/uk/projects/"
    assert projects.context(site, site.chapters["london"])["chapter_projects_url"] == (
        "chapters/london/projects/"
    )
    assert slugs(projects.context(site, site.members["bo"])["member_projects"]) == ["b", "c", "f"]
    home = projects.context(site, site.by_url[""])
    assert slugs(home["newest_projects"]) == ["d", "b", "a", "c", "e"]  # home_size 5
    wiki = projects.context(site, site.by_source["content/projects/c.md"])
    assert slugs(wiki["project_members"]) == ["ada", "bo"]


def test_a_site_without_projects_still_has_the_listing(fixture_site: FixtureSite) -> None:
    pages = {page.url: page for page in fixture_site.plan().pages}
    assert pages["projects/"].view.groups == ()
    assert "chapters/uk/projects/" not in pages


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (project("2014-01-01", "done"), "4: status:", "'done' is not allowed"),
        (project("2014-01-01", "active", "[ada, zed]"), "5: members:", "no member named 'zed'"),
        (project("2014-13-01", "active"), "3: created:", "is not a real date"),
    ],
)
def test_bad_projects_name_file_line_and_field(
    fixture_site: FixtureSite, text: str, where: str, message: str
) -> None:
    fixture_site.write("content/projects/bad.md", text)
    problems = fixture_site.problems()
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"content/projects/bad.md:{where}"), problems
    assert message in problems[0] and " — " in problems[0]


def test_demo_projects_cover_every_status() -> None:
    site = plan_site(load_settings(REPO), NOW).site
    demo = site.of_kind("project")
    assert len(demo) >= 6
    assert {p.field("status") for p in demo} == set(projects.STATUSES)
    assert any(p.owner for p in demo) and any(p.owner is None for p in demo)
    assert all(p.field("members") for p in demo)
