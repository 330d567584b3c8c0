"""One real build of a fixture site through build.py, MkDocs and Material."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import BASE_FILES, MKDOCS_YML, REPO, FixtureSite
from html_resources import external_loads

POSTS = {
    f"content/blog/2014-0{n}-01-post-{n}.md": (
        f"---\ntitle: Post {n}\ndate: 2014-0{n}-01\nauthor: bo\ntags: [strategy]\n---\n"
        f"Body of post {n}.\n"
    )
    for n in range(2, 6)
}
EXTRA = {
    **POSTS,
    "content/blog/2015-06-15-deutsch.md": (
        "---\ntitle: Ein Beitrag\ndate: 2015-06-15\nauthor: ada\nlang: de\n"
        "aliases: [/blog/view/42]\n---\nAuf Deutsch.\n"
    ),
    "content/blog/2016-01-01-draft.md": (
        "---\ntitle: Not ready\ndate: 2016-01-01\nauthor: ada\ndraft: true\n---\nDraft.\n"
    ),
    "content/blog/2030-01-01-later.md": (
        "---\ntitle: From the future\ndate: 2030-01-01\nauthor: ada\n---\nLater.\n"
    ),
    "content/news/2014-09-30-minutes.md": (
        "---\ntitle: Minutes\ndate: 2014-09-30\n---\n"
        "See [the first post](../blog/2014-01-15-first.md).\n"
    ),
    "content/about/mission.md": "---\ntitle: Mission\norder: 1\nstatus: interim\n---\nWhy.\n",
    "chapters/london/blog/2014-10-01-local.md": (
        "---\ntitle: Local news\ndate: 2014-10-01\nauthor: ada\n---\n![Banner](../banner.png)\n"
    ),
}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000185d114090000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = FixtureSite(tmp_path_factory.mktemp("build") / "src")
    site.write("mkdocs.yml", MKDOCS_YML.format(repo=REPO))
    for rel, text in {**BASE_FILES, **EXTRA}.items():
        site.write(rel, text)
    site.write_bytes("chapters/london/banner.png", PNG)
    result = site.run("build")
    assert result.returncode == 0, result.stderr
    return site.root / "site"


def page(built: Path, url: str) -> str:
    return (built / url / "index.html").read_text("utf-8")


def test_item_pages_are_written_at_their_urls(built: Path) -> None:
    assert "Hello." in page(built, "blog/2014/first")
    assert "Local news" in page(built, "chapters/london/blog/2014/local")
    assert (built / "chapters/london/banner.png").read_bytes() == PNG
    assert 'src="../../../banner.png"' in page(built, "chapters/london/blog/2014/local")
    assert "Ada Example" in page(built, "members/ada")


def test_links_between_files_become_links_between_pages(built: Path) -> None:
    assert 'href="../../../blog/2014/first/"' in page(built, "news/2014/minutes")


def test_blog_listing_is_paginated_newest_first(built: Path) -> None:
    # 7 published posts (5 + London's… + German), page size 2, paged from the
    # oldest: the first page holds the newest three, then pages 2 and 1.
    listed = []
    for url in ("blog", "blog/page/2", "blog/page/1"):
        # A title in another language than the listing's carries its own lang.
        title = r'class="iops-card__title"(?: lang="[^"]*")?><a href="[^"]*">([^<]+)<'
        listed += re.findall(title, page(built, url))
    assert (
        listed
        == ["Ein Beitrag", "Local news", "Post 5", "Post 4", "Post 3", "Post 2", "First post"][
            : len(listed)
        ]
    )
    assert len(listed) == 7
    assert 'rel="next"' in page(built, "blog") and 'rel="prev"' in page(built, "blog/page/2")


def test_year_and_tag_archives(built: Path) -> None:
    assert "Post 3" in page(built, "blog/2014") and "Ein Beitrag" not in page(built, "blog/2014")
    assert "Ein Beitrag" in page(built, "blog/2015")
    strategy = page(built, "tags/strategy") + page(built, "tags/strategy/page/1")
    assert all(f"Post {n}" in strategy for n in range(2, 6))
    assert "strategy (4)" in page(built, "tags")


def test_item_language_is_on_the_page_and_in_its_dates(built: Path) -> None:
    german = page(built, "blog/2015/deutsch")
    assert '<html lang="de"' in german
    assert "15. Juni 2015" in german
    assert '<html lang="en"' in page(built, "blog/2014/first")
    assert "January 15, 2014" in page(built, "blog/2014/first")


def test_drafts_and_future_posts_are_not_published(built: Path) -> None:
    assert not (built / "blog/2016/draft").exists()
    assert not (built / "blog/2030").exists()
    assert "Not ready" not in page(built, "blog") + page(built, "tags")


def test_aliases_redirect_to_the_item(built: Path) -> None:
    redirect = page(built, "blog/view/42")
    assert 'http-equiv="refresh" content="0; url=../../2015/deutsch/"' in redirect


def test_member_chapter_and_directory_pages(built: Path) -> None:
    ada = page(built, "members/ada")
    assert "IOPS London" in ada and "First post" in ada
    london = page(built, "chapters/london")
    assert "Local" in london and "IOPS UK" in london and "Ada Example" in london
    assert "Local news" in page(built, "chapters/uk")  # posts roll up the federation
    directory = page(built, "chapters")
    assert "United Kingdom" in directory and "IOPS London" in directory
    tree = page(built, "federation")
    assert tree.index("IOPS UK") < tree.index("IOPS London")
    assert "Mission" in page(built, "about")


def test_posts_stay_out_of_the_navigation(built: Path) -> None:
    """The header lists the sections, never the posts; a post marks its section."""
    html = page(built, "blog/2014/first")
    nav = html[html.index('<nav class="iops-nav"') :]
    nav = nav[: nav.index("</nav>")]
    assert re.findall(r"<a [^>]*>([^<]+)</a>", nav) == [
        "Blog",
        "News",
        "Events",
        "Chapters",
        "About",
        "Join",
    ]
    assert re.findall(r'<a [^>]*aria-current="true"[^>]*>([^<]+)</a>', nav) == ["Blog"]


def test_nothing_is_loaded_from_another_host(built: Path) -> None:
    assert external_loads(built) == {}


def test_third_party_check_sees_an_external_load(tmp_path: Path, built: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    (copy / "index.html").write_text('<img src="https://tracker.example/p.gif">')
    assert external_loads(copy) == {"index.html": ["https://tracker.example/p.gif"]}
