"""The built demo site as readers get it: valid HTML, no broken links or anchors,
no WCAG 2.2 A/AA violations, and no request to another host.

One strict build of the demo site serves every check here; the browser checks run
in Debian's headless Chromium (tests/browser.py), with axe-core and the Nu Html
Checker from node_modules (`make node_modules/.installed`).

The Nu Html Checker may report only the errors of Material's own markup recorded in
tests/baselines/vnu.json, each at most as often on one page as the baseline says
(see `baseline_breaches`). Refresh it with
`.venv/bin/python tests/test_output.py --update-vnu-baseline`, which refuses to
record an error on any element that is not Material's: fix those instead.
"""

from __future__ import annotations

import collections
import gzip
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browser import chromium, local_context, same_origin, serve_folder
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

if TYPE_CHECKING:  # conftest needs hooks/ on sys.path, which the script below adds later
    from conftest import FixtureSite

REPO = Path(__file__).resolve().parent.parent
VNU = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
AXE = REPO / "node_modules/axe-core/axe.min.js"
VNU_BASELINE = REPO / "tests/baselines/vnu.json"

# The pages checked in the browser: every template, with real content on it.
PAGES = [
    "",
    "blog/2014/a-new-website/",
    "blog/",
    "news/",
    "events/",
    "events/past/",
    "projects/",
    "polls/",
    "members/",
    "chapters/",
    "federation/",
    "tags/",
    "tags/ecology/",
    "feeds/",
    "about/",
    "chapters/london/",
    "events/2027/climate-night-vigil/",
    "polls/poll-on-iops-future/",
    "members/carmen-iglesias/",
    "blog/page/2/",
    "blog/2014/",
    "chapters/london/events/",
    "chapters/london/projects/",
    "news/2015/newsletter-winter-2015/",
    "chapters/london/blog/2014/what-is-iops-london/",
    "projects/translation-team/",
    "about/mission/",
    "about/mission/history/",
    "about/mission/v1/",
    "about/vision/de/",
    "about/vision/de/changes/",
    "translations/",
    "security/",
    "404.html",
]
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}
# On a phone's screen, one page of each kind: targets and reflow differ there, colours do not.
PHONE_PAGES = [
    "",
    "blog/2014/a-new-website/",
    "blog/",
    "chapters/london/",
    "events/2027/climate-night-vigil/",
    "polls/poll-on-iops-future/",
    "members/carmen-iglesias/",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _require(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make node_modules/.installed`")
    return path


def build_demo(dest: Path) -> Path:
    """Copy the project to `dest` and build it with the tests' fixed now; return site/."""
    # Imported here, so that the script below can put hooks/ on sys.path first.
    from conftest import NOW, FixtureSite

    source = FixtureSite(dest)
    skip = shutil.ignore_patterns(
        ".venv", "site", ".git", "node_modules", ".*_cache", ".hypothesis"
    )
    # A clone first: the statements' versions and the translations' states
    # come from the history; then the files as they are, changes and all.
    subprocess.run(
        ["git", "clone", "--quiet", "--no-checkout", str(REPO), str(source.root)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    shutil.copytree(REPO, source.root, ignore=skip, dirs_exist_ok=True)
    # The web editor's files (/admin/) come from the npm packages: linked, not copied.
    (source.root / "node_modules").symlink_to(REPO / "node_modules")
    result = source.run("build", epoch=NOW)
    assert result.returncode == 0, result.stderr
    return source.root / "site"


@dataclass(frozen=True)
class Demo:
    """The built demo site, and the Nu Html Checker running over it."""

    site: Path
    vnu: subprocess.Popen[bytes]
    vnu_report: Path

    def vnu_errors(self) -> list[VnuError]:
        assert self.vnu.wait(timeout=600) == 0, self.vnu_report.read_text("utf-8")[-2000:]
        return parse_vnu(self.vnu_report.read_text("utf-8"), self.site)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("output")
    site = build_demo(folder / "demo")
    canary = folder / "vnu-canary"
    canary.mkdir()
    (canary / "index.html").write_text(CANARY, "utf-8")
    with (folder / "vnu.json").open("wb") as report:
        # vnu takes the longest: it starts now and runs while the other checks do.
        command = vnu_command(site, canary)
        vnu = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=report)
    try:
        yield Demo(site, vnu, folder / "vnu.json")
    finally:
        if vnu.poll() is None:
            vnu.kill()
        vnu.wait()


# --- Links: MkDocs' validation under --strict, then lychee over the built files ---


def test_mkdocs_validation_makes_broken_links_and_anchors_fatal() -> None:
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"))
    links = config.validation.links
    # A warning fails `build.py build`, which always builds with --strict.
    assert links.not_found >= logging.WARNING
    assert links.anchors >= logging.WARNING
    assert links.unrecognized_links >= logging.WARNING


def test_a_broken_link_or_anchor_fails_the_build(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        "content/blog/2014-02-01-links.md",
        "---\ntitle: Links\ndate: 2014-02-01\nauthor: ada\n---\n"
        "[here](#nope), [there](2014-01-15-first.md#nope) and [gone](gone.md)\n",
    )
    result = fixture_site.run("build")
    assert result.returncode == 1
    # Found by the check the build runs first, on their lines; MkDocs never runs.
    rel = "content/blog/2014-02-01-links.md:6: link: "
    assert f"{rel}'#nope': this page has no heading or id #nope" in result.stderr
    first = "content/blog/2014-01-15-first.md has no heading or id #nope"
    assert f"{rel}'2014-01-15-first.md#nope': {first}" in result.stderr
    assert f"{rel}'gone.md': there is no page content/blog/gone.md" in result.stderr
    assert "Doc file" not in result.stderr


def broken_links(folder: Path, site_url: str) -> tuple[int, list[str]]:
    """Check every link and fragment in `folder` with lychee, offline.

    The site's own absolute URLs (feeds, canonical links, webcal://) are checked
    against the local files. Returns the number of links found and the broken ones.
    """
    lychee = Path(sys.executable).parent / "lychee"
    own = "^(?:https?|webcal)://" + re.escape(site_url.split("://", 1)[1]) + "(.*)$"
    result = subprocess.run(
        [
            str(_require(lychee)),
            "--offline",
            "--include-fragments",
            "--no-progress",
            "--no-ignore",
            "--format=json",
            f"--root-dir={folder}",
            "--index-files=index.html",
            "--remap",
            f"{own} {folder.as_uri()}/$1",
            ".",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 2), result.stderr
    report = json.loads(result.stdout)
    broken = []
    for page, links in report["error_map"].items():
        for link in links:
            url = link.get("remap", {}).get("original", {}).get("url") or link["url"]
            url = url.replace(folder.as_uri(), "")
            broken.append(f"{page.removeprefix('./')}: {url} ({link['status']['text']})")
    return report["total"], sorted(broken)


def test_no_broken_link_or_anchor(demo: Demo) -> None:
    from iops.settings import load_settings

    total, broken = broken_links(demo.site, load_settings(REPO).site_url)
    assert broken == []
    assert total > 5000  # the check saw the site, not an empty folder


def test_the_link_check_catches_missing_files_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub/index.html").write_text('<h2 id="there">There</h2>', "utf-8")
    (tmp_path / "index.html").write_text(
        '<h1 id="top">Top</h1><a href="#top">ok</a> <a href="sub/#there">ok</a>'
        ' <a href="#nope">1</a> <a href="sub/#nope">2</a> <a href="gone/">3</a>'
        ' <a href="https://example.org/sub/#nope">4</a>',
        "utf-8",
    )
    total, broken = broken_links(tmp_path, "https://example.org/")
    assert total == 6
    assert [line.split(" (")[0] for line in broken] == [
        "index.html: /gone",
        "index.html: /index.html#nope",
        "index.html: /sub#nope",
        "index.html: https://example.org/sub/#nope",
    ]


# --- The Nu Html Checker's errors, and the baseline for Material's markup ---


@dataclass(frozen=True)
class VnuError:
    page: str
    message: str
    element: str
    """The element the error is on, as tag.first-class: `input.md-toggle`."""


_START_TAG = re.compile(r"<([a-zA-Z][\w-]*)([^>]*)>")
_CLASS = re.compile(r"""\bclass\s*=\s*["']?([^"'\s>]+)""")


def _element(message: dict[str, Any]) -> str:
    extract = message.get("extract", "")
    start = message.get("hiliteStart", 0)
    tag = _START_TAG.search(extract[start : start + message.get("hiliteLength", 0)])
    if not tag:
        return "(text)"
    css_class = _CLASS.search(tag.group(2))
    return tag.group(1).lower() + (f".{css_class.group(1)}" if css_class else "")


CANARY = '<!doctype html><html lang="en"><title>x</title><p><a href="">x</a><p id="a" id="a">'
"""A page with a known error (an attribute twice), checked beside the site: the
sign that vnu read the files it was given (the site has no error of its own)."""
CANARY_ERROR = "Duplicate attribute “id”."


def vnu_command(*folders: Path) -> list[str]:
    """vnu over every HTML file in `folder`, its JSON report on stderr.

    Errors only: vnu's warnings and info messages are advice (a trailing slash on a
    void element, as Python-Markdown writes <hr />), not breaches of the HTML standard.
    """
    jar = str(_require(VNU))
    options = ["--format", "json", "--errors-only", "--exit-zero-always", "--skip-non-html"]
    return ["java", "-jar", jar, *options, *map(str, folders)]


def parse_vnu(report: str, folder: Path) -> list[VnuError]:
    errors = []
    for message in json.loads(report)["messages"]:
        path = Path(urllib.parse.unquote(message.get("url", "").removeprefix("file:")))
        page = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)
        errors.append(VnuError(page, message["message"], _element(message)))
    return errors


def baseline_breaches(errors: list[VnuError], baseline: list[dict[str, Any]]) -> list[str]:
    """Errors the baseline does not allow, and baseline entries that no longer occur.

    An entry allows one message on one kind of element up to `most_per_page` times
    on any page: a new page brings Material's usual errors with it, but markup that
    repeats a known error on a page, or a new error, fails.
    """
    allowed = {(b["message"], b["element"]): b["most_per_page"] for b in baseline}
    counts = collections.Counter(errors)
    found = []
    for error, count in sorted(counts.items(), key=lambda c: (c[0].page, c[0].message)):
        limit = allowed.get((error.message, error.element), 0)
        if count > limit:
            found.append(
                f"{error.page}: <{error.element}> {error.message} ×{count} (allowed: {limit})"
            )
    seen = {(e.message, e.element) for e in errors}
    found += [
        f"baseline entry no longer occurs: <{e}> {m}" for m, e in allowed if (m, e) not in seen
    ]
    return found


def new_baseline(errors: list[VnuError], old: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The baseline that `errors` make, keeping the notes of entries already there."""
    notes = {(b["message"], b["element"]): b.get("from", "") for b in old}
    per_page = collections.Counter(errors)
    most: dict[tuple[str, str], int] = {}
    for error, count in per_page.items():
        key = (error.message, error.element)
        most[key] = max(most.get(key, 0), count)
    return [
        {"message": m, "element": e, "most_per_page": n, "from": notes.get((m, e), "")}
        for (m, e), n in sorted(most.items())
    ]


def _is_material(element: str) -> bool:
    return "." in element and element.split(".", 1)[1].startswith("md-")


def _load_baseline() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(VNU_BASELINE.read_text("utf-8"))["errors"]
    return entries


def test_the_baseline_rule_refuses_new_and_repeated_errors() -> None:
    message = "Bad value “” for attribute “tabindex” on element “label”."
    baseline = [{"message": message, "element": "label.md-nav__link", "most_per_page": 1}]
    assert baseline_breaches([VnuError("a.html", message, "label.md-nav__link")], baseline) == []
    assert baseline_breaches([VnuError("a.html", message, "label.md-nav__link")] * 2, baseline) == [
        f"a.html: <label.md-nav__link> {message} ×2 (allowed: 1)"
    ]
    ours = [VnuError("a.html", message, "label.iops-x")]
    assert baseline_breaches(ours, baseline) == [
        f"a.html: <label.iops-x> {message} ×1 (allowed: 0)",
        f"baseline entry no longer occurs: <label.md-nav__link> {message}",
    ]


# --- The browser: accessibility with axe-core, and privacy ---


@dataclass(frozen=True)
class Visit:
    violations: list[dict[str, Any]]
    """axe-core's violations of WCAG 2.0-2.2 A and AA."""
    foreign: list[str]
    """Requests to another host, blocked before they left."""


class Visitor:
    """Loads each page of the served site once per viewport, in one browser context."""

    def __init__(self, context: BrowserContext, requested: list[str], base: str) -> None:
        self.requested, self.base = requested, base
        self.visits: dict[tuple[str, str], Visit] = {}
        self.page = context.new_page()

    def visit(self, path: str, viewport: str = "desktop") -> Visit:
        if (path, viewport) not in self.visits:
            self.page.set_viewport_size(VIEWPORTS[viewport])
            first = len(self.requested)
            response = self.page.goto(self.base + path, wait_until="networkidle")
            assert response is not None and response.ok, path
            foreign = [u for u in self.requested[first:] if not same_origin(u, self.base)]
            self.visits[path, viewport] = Visit(axe_violations(self.page), foreign)
        return self.visits[path, viewport]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.0-2.2 A and AA on the page as it is now."""
    page.add_script_tag(path=str(_require(AXE)))
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    result: dict[str, Any] = page.evaluate("options => axe.run(document, options)", options)
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {' '.join(n['target'])}: {n['failureSummary']}" for n in v["nodes"]]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as instance:
        yield instance


@pytest.fixture(scope="module")
def visitor(demo: Demo, browser: Browser) -> Iterator[Visitor]:
    with serve_folder(demo.site) as base, local_context(browser, base) as (context, requested):
        yield Visitor(context, requested, base)


@pytest.mark.parametrize(
    ("path", "viewport"),
    [(path, "desktop") for path in PAGES] + [(path, "phone") for path in PHONE_PAGES],
)
def test_no_wcag_violation(visitor: Visitor, path: str, viewport: str) -> None:
    violations = visitor.visit(path, viewport).violations
    assert not violations, describe(violations)


def test_the_accessibility_check_catches_violations(browser: Browser, tmp_path: Path) -> None:
    """axe-core runs, with the WCAG 2.0 to 2.2 rules: a page breaking one rule of each
    level (a picture without text, grey on white, two small targets side by side)."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><title>x</title><main><h1>x</h1>'
        '<img src="x.png"><p style="color:#aaa;background:#fff">Faint text</p>'
        '<p><button style="width:10px;height:10px;padding:0;border:0;margin:0">a</button>'
        '<button style="width:10px;height:10px;padding:0;border:0;margin:0">b</button>'
        "</p></main>",
        "utf-8",
    )
    with serve_folder(tmp_path) as base, local_context(browser, base) as (context, requested):
        visit = Visitor(context, requested, base).visit("")
    found = {v["id"]: set(v["tags"]) for v in visit.violations}
    assert {"image-alt", "color-contrast", "target-size"} <= found.keys(), describe(
        visit.violations
    )
    assert "wcag2a" in found["image-alt"]
    assert "wcag2aa" in found["color-contrast"]
    assert "wcag22aa" in found["target-size"]


@pytest.mark.parametrize("path", PAGES)
def test_no_request_to_another_host(visitor: Visitor, path: str) -> None:
    assert visitor.visit(path).foreign == []


def test_search_asks_no_other_host(visitor: Visitor) -> None:
    page, first = visitor.page, len(visitor.requested)
    page.set_viewport_size(VIEWPORTS["desktop"])
    page.goto(visitor.base, wait_until="networkidle")
    page.fill("#iops-search-q", "participatory")
    page.press("#iops-search-q", "Enter")
    page.wait_for_selector(".iops-search-results__title", state="attached", timeout=20_000)
    requested = visitor.requested[first:]
    assert any("/pagefind/" in url and url.endswith(".pf_index") for url in requested)
    assert [url for url in requested if not same_origin(url, visitor.base)] == []


PAGE_WEIGHT_LIMIT = 150_000
"""Bytes, compressed as a web server sends them: a page and all it loads (issue 6)."""


def weight_of(site: Path, origin: str, urls: list[str]) -> dict[str, int]:
    """Each file a page loaded, by its size gzipped (level 6, as web servers do)."""
    sizes = {}
    for url in dict.fromkeys(urls):
        path = urllib.parse.urlsplit(url).path.lstrip("/")
        assert same_origin(url, origin), url
        file = site / path
        if not path or path.endswith("/"):
            file = file / "index.html"
        sizes[path] = len(gzip.compress(file.read_bytes(), compresslevel=6))
    return sizes


@pytest.mark.parametrize("path", ["", "blog/2014/a-new-website/"])
def test_the_home_page_and_a_post_weigh_under_150_kb(
    demo: Demo, browser: Browser, path: str
) -> None:
    with serve_folder(demo.site) as base, local_context(browser, base) as (context, requested):
        page = context.new_page()
        page.goto(base + path, wait_until="networkidle")
        sizes = weight_of(demo.site, base, requested)
    assert len(sizes) > 3  # the page, its styles and scripts
    assert sum(sizes.values()) < PAGE_WEIGHT_LIMIT, sorted(sizes.items(), key=lambda kv: -kv[1])


def test_the_privacy_check_catches_a_request_to_another_host(
    browser: Browser, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><title>x</title>'
        '<img src="http://example.invalid/x.png" alt="">',
        "utf-8",
    )
    with serve_folder(tmp_path) as base, local_context(browser, base) as (context, requested):
        visit = Visitor(context, requested, base).visit("")
    assert visit.foreign == ["http://example.invalid/x.png"]


# --- HTML validity: the Nu Html Checker, with a baseline for Material's markup ---
# Last in the file: vnu runs in the background, from the build on, while the rest run.


def test_html_is_valid_but_for_materials_baselined_errors(demo: Demo) -> None:
    errors = demo.vnu_errors()
    # vnu read what it was given: the page beside the site with an error.
    assert [e.message for e in errors if "vnu-canary" in e.page] == [CANARY_ERROR]
    errors = [e for e in errors if "vnu-canary" not in e.page]
    assert baseline_breaches(errors, _load_baseline()) == []
    assert all(_is_material(b["element"]) for b in _load_baseline())


def _update_vnu_baseline() -> int:
    """Rebuild the demo site, run vnu, and rewrite the baseline from what it finds."""
    with tempfile.TemporaryDirectory() as tmp:
        site = build_demo(Path(tmp) / "demo")
        run = subprocess.run(vnu_command(site), capture_output=True, text=True, check=True)
        errors = parse_vnu(run.stderr, site)
    ours = sorted(
        {f"<{e.element}> {e.message} ({e.page})" for e in errors if not _is_material(e.element)}
    )
    old = _load_baseline() if VNU_BASELINE.exists() else []
    entries = new_baseline([e for e in errors if _is_material(e.element)], old)
    about = (
        "Nu Html Checker errors in Material for MkDocs' own markup (elements with an md- class). "
        "Each entry allows its message on that element up to most_per_page times on any page; "
        "`from` names the Material template (material/templates/) that writes it. "
        "Refresh: .venv/bin/python tests/test_output.py --update-vnu-baseline"
    )
    text = json.dumps({"about": about, "errors": entries}, ensure_ascii=False, indent=2)
    VNU_BASELINE.parent.mkdir(parents=True, exist_ok=True)
    VNU_BASELINE.write_text(text + "\n", "utf-8")
    print(f"{VNU_BASELINE.relative_to(REPO)}: {len(entries)} entries")
    if ours:
        print("Not baselined, fix these in our templates or content:", *ours, sep="\n  ")
    return 1 if ours else 0


if __name__ == "__main__":
    if sys.argv[1:] != ["--update-vnu-baseline"]:
        sys.exit(f"usage: {sys.argv[0]} --update-vnu-baseline")
    sys.path[:0] = [str(REPO / "hooks"), str(REPO / "tests")]
    sys.exit(_update_vnu_baseline())
