"""Search with Pagefind (iops.search): one index per language, items only,
searched in Debian's headless Chromium; with JavaScript off the page says so."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium, local_context, same_origin, serve_folder
from conftest import FixtureSite
from playwright.sync_api import Browser

POSTS = {
    "content/blog/2014-02-01-balanced.md": (
        "---\ntitle: Balanced jobs\ndate: 2014-02-01\nauthor: bo\n---\n"
        "Every workplace shares its empowering tasks: zanzibarian rotation.\n"
    ),
    "content/blog/2014-03-01-beitrag.md": (
        "---\ntitle: Ein Beitrag\ndate: 2014-03-01\nauthor: ada\nlang: de\n---\n"
        "Selbstverwaltung im Betrieb, mit quaxmeyer Rotation.\n"
    ),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import BASE_FILES, MKDOCS_YML, REPO

    site = FixtureSite(tmp_path_factory.mktemp("search") / "src")
    site.write("mkdocs.yml", MKDOCS_YML.format(repo=REPO))
    for rel, text in {**BASE_FILES, **POSTS}.items():
        site.write(rel, text)
    result = site.run("build")
    assert result.returncode == 0, result.stderr
    return site.root / "site"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def test_one_index_per_language_of_the_items_only(built: Path) -> None:
    entry = json.loads((built / "pagefind/pagefind-entry.json").read_text("utf-8"))
    # English: home, 2 members, 2 chapters, 2 posts; German: 1 post. No listing.
    assert {lang: e["page_count"] for lang, e in entry["languages"].items()} == {"en": 7, "de": 1}
    assert (built / "search/index.html").is_file()
    assert '<html lang="de"' in (built / "search/de/index.html").read_text("utf-8")


def test_each_page_searches_in_its_own_language(built: Path) -> None:
    german = (built / "blog/2014/beitrag/index.html").read_text("utf-8")
    assert 'action="../../../search/de/"' in german
    english = (built / "blog/2014/balanced/index.html").read_text("utf-8")
    assert 'action="../../../search/"' in english


@pytest.mark.parametrize(
    ("path", "word", "found", "not_found"),
    [
        ("search/", "zanzibarian", "Balanced jobs", "Ein Beitrag"),
        ("search/de/", "quaxmeyer", "Ein Beitrag", "Balanced jobs"),
    ],
)
def test_the_header_box_finds_an_item_on_its_search_page(
    built: Path, browser: Browser, path: str, word: str, found: str, not_found: str
) -> None:
    with serve_folder(built) as origin, local_context(browser, origin) as (context, requested):
        page = context.new_page()
        page.goto(origin + path)
        page.fill("#iops-search-q", word)
        page.press("#iops-search-q", "Enter")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
        titles = page.locator(".pagefind-ui__result-link").all_inner_texts()
        assert found in titles and not_found not in titles
        assert not page.is_visible("#iops-search-notice")
        assert f"q={word}" in page.url
        assert all(same_origin(url, origin) for url in requested), requested


def test_without_javascript_the_search_page_says_so_and_links_the_listings(
    built: Path, browser: Browser
) -> None:
    with serve_folder(built) as origin:
        context = browser.new_context(java_script_enabled=False)
        try:
            page = context.new_page()
            page.goto(origin + "blog/")
            page.fill("#iops-search-q", "anything")
            page.press("#iops-search-q", "Enter")
            page.wait_for_url("**/search/?q=anything")
            text = page.inner_text("article")
            assert "Searching needs JavaScript" in text
            links = page.locator("#iops-search-notice a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            assert "../blog/" in links and "../events/" in links
        finally:
            context.close()


def test_the_sitemap_every_page_fetches_is_a_small_index(built: Path) -> None:
    """Material's script fetches sitemap.xml on every page with feed links: it is an
    index of a few hundred bytes, and the pages are listed in sitemap-pages.xml."""
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.parse(built / "sitemap.xml").getroot()
    assert [loc.text for loc in index.iterfind("s:sitemap/s:loc", ns)] == [
        "https://example.org/sitemap-pages.xml"
    ]
    assert (built / "sitemap.xml").stat().st_size < 400
    listed = {loc.text for loc in ET.parse(built / "sitemap-pages.xml").iterfind("s:url/s:loc", ns)}
    assert "https://example.org/blog/2014/balanced/" in listed
    assert "https://example.org/search/de/" in listed
    pages = [p for p in built.rglob("index.html") if "pagefind" not in p.parts]
    assert len(listed) == len(pages)
