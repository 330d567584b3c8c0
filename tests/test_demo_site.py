"""The demo site in content/ and chapters/: valid, complete, and built strictly."""

from __future__ import annotations

import collections
import shutil
from pathlib import Path

import pytest
from atom_validation import atom_errors
from conftest import NOW, REPO, FixtureSite
from html_resources import external_loads
from iops.plan import Plan, plan_site
from iops.settings import load_settings


@pytest.fixture(scope="module")
def demo() -> Plan:
    return plan_site(load_settings(REPO), NOW)


def test_demo_content_has_no_problems(demo: Plan) -> None:
    # But one, on purpose: the German vision has fallen behind its original.
    outdated = "the translation is out of date"
    assert [str(p) for p in demo.problems if not p.message.startswith(outdated)] == []
    assert [p.path for p in demo.problems] == ["content/about/vision.de.md"]


def test_demo_content_covers_what_the_site_must_carry(demo: Plan) -> None:
    site = demo.site
    counts = collections.Counter(item.kind for item in site.items)
    assert counts["member"] >= 15 and counts["chapter"] >= 10
    assert counts["post"] >= 40 and counts["news"] >= 10
    assert {"mission", "vision", "structure-and-programme", "core-values"} <= {
        s.slug for s in site.of_kind("statement")
    }
    assert "security/" in site.by_url
    chapters = site.of_kind("chapter")
    assert {c.field("level") for c in chapters} == {"national", "regional", "local"}
    assert len({c.field("country") for c in chapters}) >= 5
    languages = collections.Counter(p.lang for p in site.of_kind("post"))
    assert languages["de"] >= 1 and languages["es"] >= 1


def test_the_main_listings_have_more_than_one_page(demo: Plan) -> None:
    # The blog is paged from its oldest post (page 1 the oldest); the members
    # from A. The news, fewer than two pages' worth, is one page.
    pages = {page.url: page for page in demo.pages}
    assert {"blog/page/1/", "blog/page/2/", "members/page/2/"} <= pages.keys()
    news = demo.site.of_kind("news")
    assert len(news) < 2 * demo.site.settings.page_size and "news/page/1/" not in pages
    assert len(pages["news/"].view.items) == len(news)


def test_demo_site_builds_strictly_without_third_party_loads(tmp_path: Path) -> None:
    site = FixtureSite(tmp_path / "demo")
    skip = shutil.ignore_patterns(".venv", "site", ".git", "node_modules")
    shutil.copytree(REPO, site.root, ignore=skip)
    # The web editor's files (/admin/) come from the npm packages: linked, not copied.
    (site.root / "node_modules").symlink_to(REPO / "node_modules")
    result = site.run("build")
    assert result.returncode == 0, result.stderr
    built = site.root / "site"
    assert (built / "blog/page/1/index.html").exists()
    assert external_loads(built) == {}
    assert atom_errors(built.rglob("atom.xml")) == []


def test_a_failing_mkdocs_build_leaves_the_last_site_alone(fixture_site: FixtureSite) -> None:
    assert fixture_site.run("build").returncode == 0
    before = {p: p.read_bytes() for p in (fixture_site.root / "site").rglob("*") if p.is_file()}
    # Content `check` passes (no page has a link, so no Markdown is read), and
    # an extension MkDocs cannot load: its build fails.
    config = fixture_site.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("  - footnotes\n", "  - no_such_ext\n"))
    result = fixture_site.run("build")
    assert result.returncode == 1
    assert "no_such_ext" in result.stderr and "left as it was" in result.stderr
    after = {p: p.read_bytes() for p in (fixture_site.root / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not list(fixture_site.root.glob(".site-*"))
