"""Search with Pagefind (iops.search): one index per language, items only,
searched in Debian's headless Chromium; with JavaScript off the page says so."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium, local_context, same_origin, serve_folder
from conftest import FixtureSite, tree_digests
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


def _pages_indexed(part: Path) -> dict[str, int]:
    entry = json.loads((part / "pagefind-entry.json").read_text("utf-8"))
    return {lang: e["page_count"] for lang, e in entry["languages"].items()}


def test_one_index_per_language_of_the_items_only(built: Path) -> None:
    # English: home, 2 members, 2 chapters, 2 posts; German: 1 post. No listing.
    assert _pages_indexed(built / "pagefind/en/0") == {"en": 7}
    assert _pages_indexed(built / "pagefind/de/0") == {"de": 1}
    assert sorted(p.name for p in (built / "pagefind").iterdir()) == ["de", "en"]
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
        page.wait_for_selector(".iops-search-results__title a", timeout=15000)
        titles = page.locator(".iops-search-results__title a").all_inner_texts()
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
            text = page.inner_text("main")
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


# --- An index in parts: Pagefind's memory stays bounded, one edit remakes one part ---

_OWN_WORDS = ["amberfox", "bluekite", "cedarowl", "dunemoth", "elmwren", "fernlynx", "gorsebat"]
MANY_POSTS = {
    f"content/blog/2015-0{n % 9 + 1}-1{n}-post-{n}.md": (
        f"---\ntitle: Post {n}\ndate: 2015-0{n % 9 + 1}-1{n}\nauthor: ada\n---\n"
        f"Every post says rotationword; this one alone says {[*_OWN_WORDS, 'hazelyak'][n]}.\n"
    )
    for n in range(8)
}


@pytest.fixture(scope="module")
def in_parts(tmp_path_factory: pytest.TempPathFactory) -> FixtureSite:
    from conftest import BASE_FILES, MKDOCS_YML, REPO

    site = FixtureSite(tmp_path_factory.mktemp("parts") / "src")
    config = MKDOCS_YML.format(repo=REPO).replace(
        "page_size: 2", "page_size: 2\n    search_part_size: 4"
    )
    site.write("mkdocs.yml", config)
    for rel, text in {**BASE_FILES, **MANY_POSTS}.items():
        site.write(rel, text)
    result = site.run("build")
    assert result.returncode == 0, result.stderr
    return site


def _parts(site: Path) -> list[Path]:
    return sorted((site / "pagefind/en").iterdir())


def test_a_language_of_many_items_is_indexed_in_parts(in_parts: FixtureSite) -> None:
    built = in_parts.root / "site"
    parts = _parts(built)
    # 14 items, 9 of them posts, 4 posts a part (the newest, the rest): 3 parts,
    # each its own bundle.
    assert [p.name for p in parts] == ["0", "1", "2"]
    assert sum(_pages_indexed(part)["en"] for part in parts) == 14
    # The first part carries Pagefind's scripts and WASM; the others, their index only.
    assert (parts[0] / "pagefind.js").is_file() and list(parts[0].glob("wasm.*"))
    for part in parts[1:]:
        assert not list(part.glob("*.js")) and not list(part.glob("wasm.*"))
        assert list(part.glob("*.pf_meta")) and list((part / "index").iterdir())
    search = (built / "search/index.html").read_text("utf-8")
    assert 'data-bundle="../pagefind/en/0/"' in search
    assert 'data-merge="../pagefind/en/1/ ../pagefind/en/2/"' in search


def test_a_search_finds_items_in_every_part(in_parts: FixtureSite, browser: Browser) -> None:
    built = in_parts.root / "site"
    with serve_folder(built) as origin, local_context(browser, origin) as (context, requested):
        page = context.new_page()
        page.goto(f"{origin}search/?q=rotationword")
        page.wait_for_selector(".iops-search-results__title a", timeout=15000)
        page.wait_for_function(
            "document.querySelectorAll('.iops-search-results__title a').length === 8", timeout=15000
        )
        assert not page.locator(".iops-search-results__more").is_visible()  # all 8 are shown
        titles = set(page.locator(".iops-search-results__title a").all_inner_texts())
        assert titles == {f"Post {n}" for n in range(8)}
        # Every part's metadata was fetched, Pagefind's WASM once, and no web
        # worker's script: the search runs in the page.
        fetched = [url for url in requested if "/pagefind/" in url]
        assert len([url for url in fetched if url.endswith(".pf_meta")]) == 3
        assert len([url for url in fetched if "wasm." in url]) == 1
        assert not [url for url in fetched if "worker" in url], fetched
        page.goto(f"{origin}search/?q=fernlynx")
        page.wait_for_selector(".iops-search-results__title a", timeout=15000)
        assert page.locator(".iops-search-results__title a").all_inner_texts() == ["Post 5"]


def test_an_edit_makes_one_part_of_the_index_again(in_parts: FixtureSite) -> None:
    built = in_parts.root / "site"
    before = {part.name: tree_digests(part) for part in _parts(built)}
    post = in_parts.root / "content/blog/2015-06-15-post-5.md"
    post.write_text(post.read_text("utf-8").replace("alone says", "alone writes"), "utf-8")
    result = in_parts.run("-v", "build")
    assert result.returncode == 0, result.stderr
    assert "search index: 1 of 3 parts made" in result.stderr
    after = {part.name: tree_digests(part) for part in _parts(built)}
    assert len([name for name in before if before[name] != after[name]]) == 1


def test_the_runner_reports_a_part_pagefind_could_not_index(tmp_path: Path) -> None:
    """pagefind_runner goes on with the other parts, and exits 1 with the reason logged."""
    import subprocess
    import sys

    from iops import search

    good, empty = tmp_path / "good", tmp_path / "empty"
    (good / "pages").mkdir(parents=True)
    (empty / "pages").mkdir(parents=True)
    (good / "pages/index.html").write_text(
        '<!doctype html><html lang="en"><title>x</title><body>Some words.</body></html>', "utf-8"
    )
    runner = Path(search.__file__).with_name("pagefind_runner.py")
    runs = [str(empty / "pages"), str(empty / "bundle"), str(good / "pages"), str(good / "out")]
    done = subprocess.run(
        [sys.executable, str(runner), "2", search.pagefind_executable(), *runs],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 1
    assert (good / "out/pagefind-entry.json").is_file()
    assert not (empty / "bundle/pagefind-entry.json").exists()
    assert "not able to build an index" in (empty / "pagefind.log").read_text("utf-8")
