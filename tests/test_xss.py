"""Script injection: payloads as post bodies and as front matter, through the full
build, are inert in the files and in a browser that hovers, focuses and clicks.

The payloads are in xss_payloads.txt. One fixture site carries each as the body
and the title of a post, and mixes of them in every other front-matter text a
member can set (a member's name and links, a chapter's name and place, an
event's title, place and online address, a poll's question and options, a
project's and a statement's summary). A clean fixture site, built beside it,
says which scripts Material and our theme ship.
"""

from __future__ import annotations

import asyncio
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import icalendar
import lxml.html
import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, serve_folder
from conftest import BASE_FILES, REPO, FixtureSite
from iops import sanitize
from iops.fields import FieldError, picture, url
from iops.reader import Scalar
from playwright.async_api import (
    Browser,
    Dialog,
    Page,
    Request,
    Route,
    ViewportSize,
    async_playwright,
)
from playwright.async_api import TimeoutError as PlaywrightTimeout

PAYLOADS_FILE = Path(__file__).with_name("xss_payloads.txt")
MARK = "zqxss"
"""In every payload title: one search finds them all."""
TOM = 'Tom & Jerry <b>&amp;</b> "quoted"'
"""A title that must read exactly so everywhere: escaped once, never twice."""
ICS_TRAP = "Line one\r\nX-INJECTED:1\nLOCATION:elsewhere\r;a,b\\c\x07"
"""An event place that would add properties to a calendar if not escaped."""

ALLOWED_SCHEMES = {"http", "https", "mailto"}
PAGE_SCHEMES = {*ALLOWED_SCHEMES, "webcal"}
"""Our own templates also link calendars by webcal://."""
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "ping", "cite", "srcset", "{http://www.w3.org/1999/xlink}href",
}  # fmt: skip
CONTENT = ".iops-content"
"""Where member text shows: the content of the page (theme/layout.html); the
search, Join and error pages' forms are outside it."""
CONTENT_XPATH = "//div[contains(concat(' ', @class, ' '), ' iops-content ')]"
NOT_IN_CONTENT = {
    "script", "style", "iframe", "object", "embed", "svg", "math", "form", "input",
    "button", "textarea", "select", "template", "base", "meta", "link", "noscript",
}  # fmt: skip
INTERACTIVE = (
    "a, img, svg, details, summary, button, input, select, textarea, video, audio, "
    "iframe, object, embed, label, [tabindex], [contenteditable]"
)
MAX_TARGETS = 12
"""Interactive elements hovered and clicked with the mouse, per page."""


@dataclass(frozen=True)
class Payload:
    number: int
    kind: str
    text: str
    """With real line breaks, as a post body."""

    @property
    def line(self) -> str:
        """On one line, as front-matter text."""
        return " ".join(self.text.split("\n"))


def load_payloads() -> list[Payload]:
    payloads: list[Payload] = []
    kind = ""
    for raw in PAYLOADS_FILE.read_text("utf-8").splitlines():
        if raw.startswith(":: "):
            kind = raw[3:].strip()
        elif raw.strip() and not raw.startswith(";"):
            payloads.append(Payload(len(payloads) + 1, kind, raw.replace("\\n", "\n")))
    return payloads


PAYLOADS = load_payloads()
FRONT = " ".join(p.line for p in PAYLOADS if p.kind in ("script", "event-handler"))
"""Every script and handler payload on one line: the text of other front matter."""
ONLINE = 'https://example.org/"onmouseover="alert(\'online\')"><script>alert(0)</script>'
"""A URL field that passes the URL check and still tries to break out."""


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text)


def _front(*raw: str, **fields: str) -> str:
    """Front matter of `fields`, then `raw` YAML lines (lists, records)."""
    lines = [f"{k}: {v}\n" for k, v in fields.items()]
    return "---\n" + "".join(lines) + "".join(raw) + "---\n"


def xss_files() -> dict[str, str]:
    """The payload site: every front-matter text a member sets carries payloads."""
    evil = _q(f"{MARK} {FRONT}")
    files = {
        "content/index.md": "---\ntitle: Home\n---\nWelcome.\n",
        "content/members/ada.md": "---\nname: Ada Example\n---\nAda's bio.\n",
        "content/members/mallory.md": _front(
            f"links:\n  - label: {_q(FRONT)}\n    url: {_q(ONLINE)}\n", name=evil, chapter="evil"
        )
        + f"{FRONT}\n",
        "chapters/uk/index.md": _front(
            name="IOPS UK", level="national", founded="2012-03-01", country="GB"
        ),
        "chapters/evil/index.md": _front(
            name=_q(FRONT),
            level="local",
            founded="2013-05-01",
            parent="uk",
            country="GB",
            place=_q(FRONT),
            admins="[mallory]",
        )
        + f"{FRONT}\n",
        "chapters/evil/blog/2014-05-05-local.md": _front(
            title=evil, date="2014-05-05", author="mallory", summary=_q(FRONT)
        )
        + "Local.\n",
        "content/news/2014-06-01-tom.md": _front(title=_q(TOM), date="2014-06-01") + "Tom.\n",
        "content/events/2027-01-10-party.md": _front(
            title=evil,
            start="2027-01-10T18:00",
            location=_q(FRONT),
            online=_q(ONLINE),
            summary=_q(FRONT),
        )
        + f"{FRONT}\n",
        "content/events/2027-02-01-tom.md": _front(
            title=_q(TOM), start="2027-02-01T18:00", location=_q(ICS_TRAP)
        ),
        "content/polls/vote.md": _front(
            f"questions:\n  - question: {_q(FRONT)}\n    options:\n"
            f"      - label: {_q(FRONT)}\n        votes: 3\n"
            f"      - label: {_q(TOM)}\n        votes: 1\n",
            title=evil,
            opens="2026-01-01",
            closes="2026-02-01",
            author="mallory",
            voters="10",
            summary=_q(FRONT),
        )
        + f"{FRONT}\n",
        "content/projects/plan.md": _front(
            title=evil,
            created="2026-01-01",
            status="active",
            members="[mallory]",
            summary=_q(FRONT),
        )
        + f"{FRONT}\n",
        "content/about/statement.md": _front(title=evil, status="interim", summary=_q(FRONT))
        + f"{FRONT}\n",
        "content/xss.md": _front(title=evil) + f"{FRONT}\n",
    }
    for p in PAYLOADS:
        day = f"2014-{1 + p.number // 28:02d}-{1 + p.number % 28:02d}"
        title = _q(f"{MARK}{p.number:02d} {p.line}")
        files[f"content/blog/{day}-p{p.number:02d}.md"] = (
            _front(title=title, date=day, author="mallory", tags="[xss]")
            + f"Before {p.line} after.\n\n{p.text}\n\nThe end.\n"
        )
    return files


XSS_YML = """\
site_name: Test site
site_url: https://example.org/
docs_dir: content
theme:
  name: material
  custom_dir: {repo}/theme
  font: false
hooks:
  - {repo}/hooks/mkdocs_adapter.py
extra:
  iops:
    language: en
    timezone: Europe/London
    page_size: 200
nav:
  - Home: index.md
  - Blog: blog/index.md
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.highlight:
      use_pygments: true
  - pymdownx.tilde
plugins: []
validation:
  omitted_files: ignore
  not_found: info
  unrecognized_links: info
  anchors: info
"""


@dataclass(frozen=True)
class Builds:
    xss: Path
    clean: Path


def _build(root: Path, files: dict[str, str]) -> Path:
    site = FixtureSite(root)
    site.write("mkdocs.yml", XSS_YML.format(repo=REPO))
    for rel, text in files.items():
        site.write_bytes(rel, text.encode("utf-8"))
    result = site.run("build")
    assert result.returncode == 0, result.stdout + result.stderr
    return site.root / "site"


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    base = tmp_path_factory.mktemp("xss")
    with ThreadPoolExecutor(2) as pool:
        xss = pool.submit(_build, base / "xss", xss_files())
        clean = pool.submit(_build, base / "clean", BASE_FILES)
        return Builds(xss.result(), clean.result())


# --- what the files hold --------------------------------------------------------------


def _scheme(value: str) -> str | None:
    """The scheme a browser reads from a URL: it drops leading controls and
    spaces and every tab and line break first."""
    value = re.sub(r"[\t\n\r]", "", value).lstrip("".join(map(chr, range(0x21))))
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", value)
    return found.group(1).lower() if found else None


def scriptable(root: lxml.html.HtmlElement, schemes: set[str]) -> list[str]:
    """What in this tree could run script: handlers, script URLs, srcdoc, style URLs."""
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            name = name.lower()
            if name.startswith("on") or name == "srcdoc":
                found.append(f"<{el.tag} {name}={value!r}>")
            elif name in URL_ATTRIBUTES:
                scheme = _scheme(value)
                if scheme is not None and scheme not in schemes:
                    found.append(f"<{el.tag} {name}={value!r}>")
    return found


def _content_problems(doc: lxml.html.HtmlElement) -> list[str]:
    found = []
    for region in doc.xpath(CONTENT_XPATH):
        found += scriptable(region, PAGE_SCHEMES)
        for el in region.iter():
            if not isinstance(el.tag, str):
                continue
            if el.tag in NOT_IN_CONTENT:
                found.append(f"<{el.tag}> in the content")
            style = el.get("style")
            if style is not None and not re.fullmatch(r"width: [\d.]+%", style):
                found.append(f"style={style!r} in the content")  # only poll bars have one
            if (el.get("id") or "").startswith("__"):
                found.append(f"id={el.get('id')!r} in the content")
            if el.tag == "img" and sanitize.loads_from_elsewhere(el.get("src", "")):
                found.append(f"<img src={el.get('src')!r}> from another host")
    return found


_RELATIVE_BASE = re.compile(r'"\.\.?"|(?:\.\./)+|\./')


def _scripts(doc: lxml.html.HtmlElement) -> set[str]:
    """Each script of a page by its source, or its text, without the page's depth.

    JSON-LD is data, not a script, and holds the page's own text: it is left
    out here and must parse whole as JSON instead (`_json_ld_problems`): a
    payload that ended the element early would leave it cut short."""
    return {
        _RELATIVE_BASE.sub("", script.get("src") or script.text_content())
        for script in doc.iter("script")
        if script.get("type") != "application/ld+json"
    }


def _json_ld_problems(doc: lxml.html.HtmlElement) -> list[str]:
    problems = []
    for script in doc.iter("script"):
        if script.get("type") == "application/ld+json":
            try:
                json.loads(script.text_content())
            except ValueError:
                problems.append(f"JSON-LD that does not parse: {script.text_content()[:60]!r}")
    return problems


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_the_payload_list_covers_every_class() -> None:
    kinds = {p.kind for p in PAYLOADS}
    assert len(PAYLOADS) >= 40
    assert kinds >= {"script", "event-handler", "javascript-url", "data-url", "svg"}
    assert kinds >= {"markdown-attr-list", "mutation"}
    assert all(sum(p.kind == k for p in PAYLOADS) >= 5 for k in kinds - {"document"})


def test_the_clean_build_passes_the_same_checks(builds: Builds) -> None:
    """The checks below hold on an ordinary site: they name what payloads add."""
    for path in html_pages(builds.clean):
        doc = lxml.html.parse(path).getroot()
        assert scriptable(doc, PAGE_SCHEMES) == [], path
        assert _content_problems(doc) == [], path


def test_every_payload_post_was_built(builds: Builds) -> None:
    for p in PAYLOADS:
        page = builds.xss / "blog" / "2014" / f"p{p.number:02d}" / "index.html"
        assert _text(page, "//article//h1").startswith(f"{MARK}{p.number:02d} "), p


def test_no_built_page_holds_anything_scriptable(builds: Builds) -> None:
    shipped: set[str] = set()
    for path in html_pages(builds.clean):
        shipped |= _scripts(lxml.html.parse(path).getroot())
    problems: dict[str, list[str]] = {}
    for path in html_pages(builds.xss):
        doc = lxml.html.parse(path).getroot()
        found = scriptable(doc, PAGE_SCHEMES) + _content_problems(doc)
        found += [f"script {s[:60]!r}" for s in _scripts(doc) - shipped]
        found += [f"<{el.tag}>" for el in doc.iter("base", "iframe", "object", "embed")]
        found += [
            "meta refresh" for m in doc.iter("meta") if m.get("http-equiv", "").lower() == "refresh"
        ]
        if found:
            problems[path.relative_to(builds.xss).as_posix()] = found
    assert problems == {}


def test_the_search_index_holds_every_payload_title(builds: Builds) -> None:
    """Pagefind indexes each item's title and cleaned HTML (iops.search); what the
    search page then shows of them is checked in the browser below."""
    parts = sorted((builds.xss / "pagefind" / "en").glob("*/pagefind-entry.json"))
    entries = [json.loads(part.read_text("utf-8")) for part in parts]
    assert sum(entry["languages"]["en"]["page_count"] for entry in entries) > len(PAYLOADS)


def _feed_entries(path: Path) -> Iterator[dict[str, str]]:
    ns = {"a": "http://www.w3.org/2005/Atom", "c": "http://purl.org/rss/1.0/modules/content/"}
    root = ET.parse(path).getroot()
    if path.name == "atom.xml":
        for entry in root.iterfind("a:entry", ns):
            yield {
                "title": entry.findtext("a:title", "", ns),
                "summary": entry.findtext("a:summary", "", ns),
                "content": entry.findtext("a:content", "", ns),
            }
    else:
        for entry in root.iterfind("channel/item"):
            yield {
                "title": entry.findtext("title", ""),
                "summary": entry.findtext("description", ""),
                "content": entry.findtext("c:encoded", "", ns),
            }


def test_feeds_carry_sanitised_html_and_escaped_text(builds: Builds) -> None:
    feeds = sorted([*builds.xss.rglob("atom.xml"), *builds.xss.rglob("rss.xml")])
    assert len(feeds) >= 8
    seen = 0
    for path in feeds:
        for entry in _feed_entries(path):
            content = lxml.html.fragment_fromstring(entry["content"], create_parent="div")
            assert scriptable(content, ALLOWED_SCHEMES) == [], (path, entry["title"])
            assert {el.tag for el in content.iter()} - {"div"} <= sanitize.ALLOWED_TAGS
            # The summary is HTML that is text only: readers show the payload as text.
            summary = lxml.html.fragment_fromstring(entry["summary"], create_parent="div")
            assert len(summary) == 0, (path, entry["summary"])
            seen += MARK in entry["title"]
    assert seen > len(PAYLOADS)


def test_calendars_keep_front_matter_inside_its_property(builds: Builds) -> None:
    """A line break in a title or place can't start a property of its own."""
    paths = sorted(builds.xss.rglob("*.ics"))
    assert len(paths) >= 3
    for path in paths:
        data = path.read_bytes()
        assert b"\nX-INJECTED" not in data and b"\nLOCATION:elsewhere" not in data, path
        assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", data), path
        for component in icalendar.Calendar.from_ical(data).walk():
            assert "X-INJECTED" not in component, path
            assert not isinstance(component.get("LOCATION"), list), path
    cal = icalendar.Calendar.from_ical((builds.xss / "events/2027/tom/tom.ics").read_bytes())
    (event,) = cal.events
    assert str(event["SUMMARY"]) == TOM
    place = sanitize.clean_text(ICS_TRAP).replace("\r\n", "\n").replace("\r", "\n")
    assert str(event["LOCATION"]) == place


def _text(path: Path, xpath: str) -> str:
    doc = lxml.html.parse(path).getroot()
    return " ".join(doc.xpath(xpath)[0].text_content().split())


def test_a_title_with_markup_reads_the_same_everywhere(builds: Builds) -> None:
    """Escaped exactly once: never run, never shown as &amp;amp;."""
    page = builds.xss / "news/2014/tom/index.html"
    assert _text(page, "//main//h1") == TOM
    assert _text(page, "//title").startswith(TOM + " · ")
    shared = lxml.html.parse(page).getroot().xpath("//meta[@property='og:title']")[0]
    assert shared.get("content") == TOM
    listing = builds.xss / "news/index.html"
    assert TOM in [" ".join(a.text_content().split()) for a in lxml.html.parse(listing).iter("a")]
    (entry,) = [e for e in _feed_entries(builds.xss / "news/atom.xml") if "Tom" in e["title"]]
    assert entry["title"] == TOM
    assert lxml.html.fragment_fromstring(entry["summary"], create_parent="div").text == "Tom."
    (item,) = [e for e in _feed_entries(builds.xss / "news/rss.xml") if "Tom" in e["title"]]
    assert item["title"] == TOM
    event = builds.xss / "events/2027/tom/index.html"
    assert _text(event, "//main//h1") == TOM
    poll = builds.xss / "polls/vote/index.html"
    labels = [" ".join(s.text_content().split()) for s in lxml.html.parse(poll).iter("span")]
    assert TOM in labels


# --- front-matter URL fields ----------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "&#106;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "&#x6A;avascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "/relative/path",
        "https ://example.org",
        "https://example.org/ x",
    ],
)
def test_url_fields_take_only_web_and_mail_addresses(address: str) -> None:
    with pytest.raises(FieldError):
        url(Scalar(address, True, 1))


@pytest.mark.parametrize(
    "address", ["https://example.org/", "http://example.org/a?b=c#d", "mailto:a@example.org"]
)
def test_url_fields_keep_web_and_mail_addresses(address: str) -> None:
    assert url(Scalar(address, True, 1)) == address


@pytest.mark.parametrize(
    "path",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "\x01javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "https://tracker.example/p.gif",
        "http://tracker.example/p.gif",
        "//tracker.example/p.gif",
        "\\\\tracker.example/p.gif",
        "/\\tracker.example/p.gif",
        'x.png" onerror="alert(1)',
        "x.png'onerror='alert(1)",
        "<img src=x onerror=alert(1)>",
        "my photo.jpg",
    ],
)
def test_picture_fields_take_only_a_path_on_this_site(path: str) -> None:
    with pytest.raises(FieldError):
        picture(Scalar(path, True, 1))


@pytest.mark.parametrize(
    "path", ["images/picture.jpg", "photo.JPG", "../img/banner.png", "/img/x.webp", "a/b:c.png"]
)
def test_picture_fields_keep_paths(path: str) -> None:
    assert picture(Scalar(path, True, 1)) == path


def test_a_post_image_or_avatar_from_elsewhere_is_a_problem(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        "content/blog/2014-02-01-pic.md",
        "---\ntitle: Pic\ndate: 2014-02-01\nauthor: ada\nimage: 'javascript:alert(1)'\n---\n",
    )
    fixture_site.write(
        "content/members/bo.md", "---\nname: Bo\navatar: https://tracker.example/bo.jpg\n---\n"
    )
    problems = fixture_site.problems()
    assert [p.split(": ")[0:2] for p in problems] == [
        ["content/blog/2014-02-01-pic.md:5", "image"],
        ["content/members/bo.md:3", "avatar"],
    ]
    assert all("is not the path of a picture on this site" in p for p in problems)


@pytest.mark.parametrize(
    ("rel", "what"),
    [
        ('content/blog/2014-02-01-a"onmouseover="alert(1)".md', "file"),
        ("content/blog/2014-02-01-x'onfocus='alert(1)'autofocus.md", "file"),
        ("content/blog/2014-02-01-<svg onload=alert(1)>.md", "file"),
        ("content/news/2014-02-01-why?.md", "file"),
        ("content/about/1#2.md", "file"),
        ('chapters/x"onmouseover="alert(1)/blog/2014-02-01-local.md', "folder"),
        ("content/<b>/page.md", "folder"),
    ],
)
def test_a_name_that_would_break_out_of_its_url_is_a_problem(
    fixture_site: FixtureSite, rel: str, what: str
) -> None:
    """A file's path is its page's URL, printed in href="…" on every listing: a
    quote there would end the attribute and add the name's own handler."""
    fixture_site.write(rel, "---\ntitle: Named\ndate: 2014-02-01\nauthor: ada\n---\nHi.\n")
    problems = [p for p in fixture_site.problems() if p.startswith(rel + ": file: ")]
    assert len(problems) == 1, fixture_site.problems()
    assert f"the {what} name " in problems[0]
    assert "has characters that cannot go in a web address" in problems[0]
    assert rel not in {item.source for item in fixture_site.plan().site.items}


def test_a_member_link_to_script_is_a_problem(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        "content/members/bo.md",
        "---\nname: Bo\nlinks:\n  - label: Home\n    url: 'JaVaScRiPt:alert(1)'\n---\n",
    )
    assert any("links" in p and "web or mail address" in p for p in fixture_site.problems())


# --- in a browser ---------------------------------------------------------------------


@dataclass
class Watch:
    """What one page did that only script could do."""

    ran: list[str] = field(default_factory=list)
    """Dialogs opened and /pwned requests made."""
    armed: bool = False
    """Once a page has loaded, navigating away is answered 204: the page stays."""

    async def on_dialog(self, dialog: Dialog) -> None:
        self.ran.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    def on_request(self, request: Request) -> None:
        if "/pwned" in request.url:
            self.ran.append(f"request {request.url}")

    async def route(self, route: Route) -> None:
        if self.armed and route.request.is_navigation_request():
            await route.fulfill(status=204)
        else:
            await route.continue_()


_DOM_CHECK = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\t\\n\\r]/g, '').replace(/^[\\x00-\\x20]+/, '').toLowerCase();
      if (a.name.startsWith('on') || a.name === 'srcdoc'
          || /^(javascript|vbscript|data):/.test(v)) found.push(el.tagName + ' ' + a.name);
    }
  }
  if (document.title === 'XSS') found.push('document.title');
  if (window.xss !== undefined) found.push('window.xss');
  return found;
}"""
_TARGETS = """([regions, interactive, limit]) => {
  const all = [...document.querySelectorAll(regions)]
    .flatMap(r => [...r.querySelectorAll('*')]).slice(0, 500);
  // Every element is focused and pointed at, by script (cheap)...
  for (const el of all) {
    if (el.focus) el.focus({preventScroll: true});
    for (const type of ['pointerover', 'pointerenter', 'mouseover', 'mouseenter', 'mousemove']) {
      el.dispatchEvent(new MouseEvent(type, {bubbles: !type.endsWith('enter')}));
    }
  }
  // ... and the first interactive ones get the real mouse, from Python.
  document.activeElement && document.activeElement.blur && document.activeElement.blur();
  window.scrollTo(0, 0);
  const points = [];
  for (const el of all.filter(e => e.matches(interactive))) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.bottom < innerHeight && r.right < innerWidth) {
      points.push([r.x + r.width / 2, r.y + r.height / 2]);
    }
    if (points.length >= limit) break;
  }
  return points;
}"""
VIEWPORT: ViewportSize = {"width": 1280, "height": 4000}
"""Tall, so that a page's content is in view without scrolling."""
WORKERS = 3
"""Pages exercised at once, in one browser."""


async def exercise(page: Page, watch: Watch, regions: str = CONTENT) -> list[str]:
    """Focus, hover and click what a reader could in `regions`; what ran, if anything.

    Every element there is focused and hovered; interactive ones (links,
    images, details…), up to `MAX_TARGETS` a page, are also hovered and clicked
    with the mouse. Clicks that would leave the page are answered 204 by
    `Watch.route`, so the page stays.
    """
    start = page.url.split("#")[0]
    for x, y in await page.evaluate(_TARGETS, [regions, INTERACTIVE, MAX_TARGETS]):
        await page.mouse.move(x, y)
        await page.mouse.click(x, y)
        if page.url.split("#")[0] != start:
            watch.ran.append(f"left the page for {page.url}")
            break
    await page.wait_for_timeout(50)
    return [*watch.ran, *await page.evaluate(_DOM_CHECK)]


async def _open(browser: Browser) -> tuple[Page, Watch]:
    watch = Watch()
    context = await browser.new_context(viewport=VIEWPORT)
    await context.route("**/*", watch.route)
    page = await context.new_page()
    page.on("dialog", watch.on_dialog)
    page.on("request", watch.on_request)
    page.on("popup", lambda popup: popup.close())
    page.set_default_timeout(30_000)  # a busy machine loads slowly
    return page, watch


async def _visit(page: Page, watch: Watch, url: str) -> list[str]:
    watch.armed, watch.ran[:] = False, []
    await page.goto(url, wait_until="load")
    watch.armed = True
    return await exercise(page, watch)


_RAW = (
    '<div class="iops-content">'
    '<img src="x" onerror="alert(\'load\')">'
    "<p onmouseover=\"confirm('hover')\">hover</p>"
    "<a href=\"javascript:prompt('click')\">click</a>"
    "</div>"
)
"""Unsanitised HTML whose payloads run on load, on hover and on click."""


async def _search(page: Page, watch: Watch, query: str) -> None:
    """Search for `query` from the header's box, as a reader does, and wait for
    Pagefind's results, payload titles and excerpts among them. The watch is
    armed once the search page has loaded, before the results are shown."""
    watch.armed = False  # the form's navigation to the search page must go through
    await page.fill("#iops-search-q", query)
    await page.press("#iops-search-q", "Enter")
    await page.wait_for_url("**/search/?q=*")
    watch.armed, watch.ran[:] = True, []
    try:
        await page.locator(".iops-search-results__title").first.wait_for(timeout=20_000)
    except PlaywrightTimeout:
        raise AssertionError("the search page showed no results") from None


async def _run_browser(base: str, paths: list[str]) -> dict[str, list[str]]:
    """What ran on each page (and on "raw", the unsanitised control, and "search")."""
    ran: dict[str, list[str]] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        page, watch = await _open(browser)
        await page.set_content(_RAW)
        watch.armed = True
        ran["raw"] = await exercise(page, watch)
        # Search: the results show each payload title and an excerpt of its body.
        watch.armed = False
        await page.goto(base, wait_until="load")
        await _search(page, watch, MARK)
        ran["search"] = await exercise(page, watch, ".iops-search-results")
        queue = list(reversed(paths))

        async def work() -> None:
            page, watch = await _open(browser)
            while queue:
                path = queue.pop()
                ran[path] = await _visit(page, watch, base + path)

        await asyncio.gather(*(work() for _ in range(WORKERS)))
        await browser.close()
    return ran


def _pages(site: Path) -> list[str]:
    """Every built page that shows a payload, as served URL paths."""
    return [
        path.relative_to(site).as_posix().removesuffix("index.html")
        for path in html_pages(site)
        if path.name == "index.html" and "alert(" in path.read_text("utf-8")
    ]


@pytest.fixture(scope="module")
def in_browser(builds: Builds) -> dict[str, list[str]]:
    """One browser visits every page of the payload site, and two controls."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    paths = _pages(builds.xss)
    with serve_folder(builds.xss) as base:
        ran = asyncio.run(_run_browser(base, paths))
    assert set(ran) == {"raw", "search", *paths}
    return ran


def test_a_raw_payload_does_fire_in_this_harness(in_browser: dict[str, list[str]]) -> None:
    """The harness can fail: unsanitised HTML runs on load, on hover and on click."""
    assert {"alert: load", "confirm: hover", "prompt: click"} <= set(in_browser["raw"])


def test_no_payload_runs_in_a_browser(builds: Builds, in_browser: dict[str, list[str]]) -> None:
    assert len(in_browser) > len(PAYLOADS)
    ran = {page: found for page, found in in_browser.items() if found and page != "raw"}
    assert ran == {}
