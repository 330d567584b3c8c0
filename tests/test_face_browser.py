"""The site's face in Chromium (issue 17): no WCAG 2.2 A/AA violation in light
and in dark, a skip link and keyboard use, what search results say, and
screenshots of the main pages for people to look at.

Screenshots at 375 and 1280 px, light and dark, of the home page, a post, a
German post, a chapter, an event and the search page go to
test-artifacts/screenshots/ (git-ignored; CI keeps them as an artifact).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium, local_context, serve_folder
from playwright.sync_api import Browser, Page
from test_output import axe_violations, build_demo, describe

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "test-artifacts/screenshots"
SEARCH = "search/?q=participatory"
CHECKED = {
    "home": "",
    "post": "blog/2014/a-new-website/",
    "listing": "blog/",
    "event": "events/2027/climate-night-vigil/",
    "poll": "polls/poll-on-iops-future/",
    "search": SEARCH,
}
"""The pages axe checks in each colour scheme."""
SHOWN = {
    "home": "",
    "post": "blog/2014/a-new-website/",
    "german-post": "blog/2015/nach-elmau-eine-bilanz/",
    "chapter": "chapters/london/",
    "event": "events/2027/climate-night-vigil/",
    "search": SEARCH,
}
"""The pages photographed."""
SCHEMES = ("light", "dark")
WIDTHS = (375, 1280)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("face") / "demo")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as instance:
        yield instance


@pytest.fixture(scope="module")
def served(site: Path, browser: Browser) -> Iterator[tuple[Page, str]]:
    with serve_folder(site) as base, local_context(browser, base) as (context, _):
        yield context.new_page(), base


def load(page: Page, base: str, path: str, scheme: str, width: int = 1280) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    page.goto(base + path, wait_until="networkidle")
    if path.startswith("search/"):
        page.wait_for_selector(".iops-search-results__title a", timeout=20_000)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", CHECKED)
def test_no_wcag_violation_in_light_or_dark(
    served: tuple[Page, str], name: str, scheme: str
) -> None:
    page, base = served
    load(page, base, CHECKED[name], scheme)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_dark_follows_the_system_setting_without_javascript(site: Path, browser: Browser) -> None:
    with serve_folder(site) as base:
        context = browser.new_context(java_script_enabled=False, color_scheme="dark")
        try:
            page = context.new_page()
            page.goto(base + CHECKED["post"], wait_until="networkidle")
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        finally:
            context.close()
    red, green, blue = (int(c) for c in background.removeprefix("rgb(").rstrip(")").split(","))
    assert max(red, green, blue) < 60, background


def test_the_skip_link_comes_first_and_leads_to_the_content(served: tuple[Page, str]) -> None:
    page, base = served
    load(page, base, CHECKED["post"], "light")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "iops-skip"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0  # shown
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")  # the next stop is in the page's content, not the header
    assert page.evaluate("!!document.activeElement.closest('main')")


def test_a_search_result_says_what_it_is_its_date_and_language(
    served: tuple[Page, str],
) -> None:
    page, base = served
    load(page, base, "search/?q=website", "light")
    metas = page.locator(".iops-search-results__meta").all_inner_texts()
    assert "Blog post · November 3, 2014 · English" in metas, metas
    assert page.locator(".iops-search-results__meta time").first.get_attribute("datetime")


@pytest.mark.parametrize("query", ["", "zzzznothingzzzz"])
def test_no_more_results_are_offered_when_there_are_none(
    served: tuple[Page, str], query: str
) -> None:
    page, base = served
    page.goto(f"{base}search/?q={query}", wait_until="networkidle")
    page.wait_for_function(
        "!['', 'Searching…'].includes(document.querySelector('.iops-search-results__status')"
        ".textContent)",
        timeout=20_000,
    )
    more = page.locator(".iops-search-results__more")
    assert more.count() == 1 and not more.is_visible()


def test_screenshots_of_the_main_pages(served: tuple[Page, str]) -> None:
    page, base = served
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in SHOWN.items():
        for scheme in SCHEMES:
            for width in WIDTHS:
                load(page, base, path, scheme, width)
                shot = SCREENSHOTS / f"{name}-{width}-{scheme}.png"
                page.screenshot(path=str(shot))
                assert shot.stat().st_size > 5_000, shot
    assert len(list(SCREENSHOTS.glob("*.png"))) >= len(SHOWN) * 4


def test_more_results_are_offered_while_there_are_more(served: tuple[Page, str]) -> None:
    page, base = served
    load(page, base, SEARCH, "light")  # "participatory": more than ten results
    titles = ".iops-search-results__title a"
    page.wait_for_function(f"document.querySelectorAll('{titles}').length === 10")
    more = page.locator(".iops-search-results__more")
    assert more.is_visible()
    more.click()
    page.wait_for_function(f"document.querySelectorAll('{titles}').length > 10")
