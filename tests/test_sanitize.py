"""The HTML sanitiser and the escaping of front matter, without a build.

- What the site's Markdown extensions make passes the sanitiser unchanged.
- Scripts, handlers, styles and script URLs are dropped; relative links stay.
- Properties: cleaning is idempotent and leaves nothing scriptable, whatever
  the input; any title reaches a feed and a calendar as the same text.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import icalendar
import jinja2
import lxml.etree
import lxml.html
import markdown
import pytest
import yaml
from conftest import NOW, REPO
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from iops import calendars, feeds, sanitize, templating
from iops.model import Item, Site
from iops.schema import FrontMatter
from iops.settings import Settings

EXAMPLES = settings(
    max_examples=300,
    deadline=None,
    database=None,  # nothing written into the project
    suppress_health_check=[HealthCheck.too_slow],
)

SAMPLE = """\
# Title & more

Text with a footnote[^1], ~~struck~~, H~2~O and *HTML*.

*[HTML]: Hyper Text Markup Language

| Left | Centre | Right |
|:-----|:------:|------:|
| a    | b      | c     |

!!! note "A note"
    Body of the note.

??? tip "Folded"
    Hidden until opened.

```python title="x.py" linenums="1" hl_lines="2"
def f():
    return 1
```

    indented code

Term
:   Definition

![A banner](../img/banner.png){: width=100 .wide #banner }

<figure markdown>
![A photo](photo.jpg)
<figcaption>A caption</figcaption>
</figure>

[a post](../../blog/2014/x/#anchor "Its title"), [mail](mailto:a@example.org),
<https://example.org/> and <me@example.org>.

Paragraph with an id and a class.
{: #para .lead }

[^1]: The note.
"""


def project_markdown(text: str) -> str:
    """`text` in HTML, by the Markdown extensions of the project's mkdocs.yml."""
    config = yaml.load((REPO / "mkdocs.yml").read_text("utf-8"), Loader=yaml.SafeLoader)
    names, options = [], {}
    for entry in config["markdown_extensions"]:
        name, option = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        options[name] = option or {}
    return markdown.markdown(text, extensions=names, extension_configs=options)


def _shape(html: str) -> list[tuple[Any, ...]]:
    """Elements, attributes and text in document order; tbody (which html5ever
    adds to a table without one) and table cells' Markdown alignment style
    (which becomes `align`) set aside."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    lxml.etree.strip_tags(root, "tbody")
    shape = []
    for el in root.iter():
        attrib = dict(el.attrib)
        if style := attrib.pop("style", None):
            attrib["align"] = style.removeprefix("text-align: ").rstrip(";")
        shape.append((el.tag, sorted(attrib.items()), el.text or "", el.tail or ""))
    return shape


def test_what_the_markdown_extensions_make_survives() -> None:
    html = project_markdown(SAMPLE)
    clean = sanitize.sanitize_html(html)
    assert _shape(clean) == _shape(html)
    for kept in (
        'id="fn:1"',
        'href="#fnref:1"',
        'class="footnote-ref"',
        'class="admonition note"',
        'class="admonition-title"',
        "<details",
        "<summary>",
        'class="highlighttable"',
        '<span class="hll">',
        '<th align="center">',
        "<figcaption>",
        'alt="A banner"',
        'src="../img/banner.png"',
        'class="headerlink" href="#title-more"',
        'href="../../blog/2014/x/#anchor"',
        'href="mailto:a@example.org"',
        "<abbr",
        'id="para"',
        'class="lead"',
    ):
        assert kept in clean, kept


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<script>alert(1)</script>after", "after"),
        ("<style>p{}</style><p>x</p>", "<p>x</p>"),
        ('<img src="x" onerror="alert(1)" alt="a">', '<img src="x" alt="a">'),
        ('<p style="color:red" onclick="x()">p</p>', "<p>p</p>"),
        ('<a href="javascript:alert(1)">a</a>', "<a>a</a>"),
        ('<a href="JaVaScRiPt:alert(1)">a</a>', "<a>a</a>"),
        ('<a href=" javascript:alert(1)">a</a>', "<a>a</a>"),
        ('<a href="&#106;avascript:alert(1)">a</a>', "<a>a</a>"),
        ('<a href="java&#x09;script:alert(1)">a</a>', "<a>a</a>"),
        ('<a href="javascript&colon;alert(1)">a</a>', "<a>a</a>"),
        ('<a href="vbscript:x">a</a>', "<a>a</a>"),
        ('<a href="data:text/html,x">a</a>', "<a>a</a>"),
        ('<img src="data:image/png;base64,AAAA">', "<img>"),
        ('<a href="ftp://example.org/">a</a>', "<a>a</a>"),
        ('<svg onload="alert(1)"><circle r="1"/></svg>', ""),
        ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', ""),
        ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', ""),
        ('<form action="javascript:alert(1)"><input value="v"></form>', ""),
        ('<base href="javascript:alert(1)//">', ""),
        ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', ""),
        ("<!-- <img src=x onerror=alert(1)> -->", ""),
        ('<details open ontoggle="alert(1)"><summary>s</summary></details>', None),
        ('<a href="https://example.org/" target="_blank" rel="opener">a</a>', None),
        ('<p id="__config" class="md-header lead" name="x">p</p>', '<p class="lead">p</p>'),
        ('<p id="fn:1" class="footnote">p</p>', '<p id="fn:1" class="footnote">p</p>'),
        ('<td align="justify">x</td>', "x"),
    ],
)
def test_what_is_dropped(dirty: str, clean: str | None) -> None:
    result = sanitize.sanitize_html(dirty)
    if clean is not None:
        assert result == clean
    assert scriptable(result) == []


@pytest.mark.parametrize("url", ["../../blog/2014/x/", "#fn:1", "?page=2", "x.png", "/tags/x/"])
def test_relative_links_and_pictures_stay(url: str) -> None:
    html = f'<a href="{url}">a</a><img src="{url}" alt="i">'
    assert sanitize.sanitize_html(html) == html


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b#c", "http://example.org/", "mailto:a@example.org"]
)
def test_links_to_web_and_mail_addresses_stay(url: str) -> None:
    html = f'<a href="{url}">a</a>'
    assert sanitize.sanitize_html(html) == html


@pytest.mark.parametrize(
    "url",
    [
        "https://tracker.example/p.gif",
        "HTTP://tracker.example/p.gif",
        "//tracker.example/p.gif",
        "\\\\tracker.example/p.gif",
        "/\\tracker.example/p.gif",
        " \x01https://tracker.example/p.gif",
        "ht\ttps://tracker.example/p.gif",
        "&#104;ttps://tracker.example/p.gif",
        "mailto:a@example.org",
    ],
)
def test_a_picture_from_another_host_loses_its_source(url: str) -> None:
    """Every reader's browser would ask that host for it, telling it who reads the page."""
    html = f'<p><img src="{url}" alt="A photo">and ![x](y) <a href="https://example.org/">a</a></p>'
    assert sanitize.sanitize_html(html) == (
        '<p><img alt="A photo">and ![x](y) <a href="https://example.org/">a</a></p>'
    )
    assert sanitize.loads_from_elsewhere(url.replace("&#104;", "h"))


def test_a_markdown_picture_from_another_host_loses_its_source() -> None:
    html = project_markdown("![A photo](https://tracker.example/p.gif)\n\n![Ours](img/x.png)")
    assert sanitize.sanitize_html(html) == (
        '<p><img alt="A photo"></p>\n<p><img alt="Ours" src="img/x.png"></p>'
    )


def test_links_get_no_rel_and_no_target() -> None:
    clean = sanitize.sanitize_html('<a href="https://example.org/" target="_blank">a</a>')
    assert clean == '<a href="https://example.org/">a</a>'


def test_table_alignment_becomes_an_attribute() -> None:
    html = '<table><tr><th style="text-align: right;">n</th></tr></table>'
    assert '<th align="right">n</th>' in sanitize.sanitize_html(html)


def test_a_file_of_unclosed_cells_is_cleaned_in_linear_time() -> None:
    """A post may be up to 1 MB of anything: no pattern may take quadratic time."""
    started = time.monotonic()
    sanitize.sanitize_html("<td " * 200_000)
    assert time.monotonic() - started < 10  # a fraction of a second; hours if quadratic


def test_text_html_keeps_only_escaped_text() -> None:
    assert sanitize.text_html("Tom &amp; <b>Jerry</b> <img src=x onerror=alert(1)>") == (
        "Tom &amp; Jerry "
    )
    assert sanitize.text_html("&lt;script&gt;") == "&lt;script&gt;"


def test_clean_text_drops_what_xml_refuses_only() -> None:
    assert sanitize.clean_text("a\x00b\x07c\x1bd\x7fe\ufffef\uffffg") == "abcdefg"
    kept = "tab\tline\nreturn\r, NEL\x85, é, 😀, \u2028, \xa0"
    assert sanitize.clean_text(kept) == kept


def test_contributing_names_every_element_and_attribute_members_may_use() -> None:
    guide = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    section = guide[guide.index("\n## Writing the text\n") :]
    section = section[: section.index("\n## ", 1)]
    attributes = set().union(*sanitize.ALLOWED_ATTRIBUTES.values()) | {
        name for by_name in sanitize.ATTRIBUTE_VALUES.values() for name in by_name
    }
    named = set(re.findall(r"`([a-z0-9]+)`", section))
    assert sanitize.ALLOWED_TAGS - named == set()
    assert attributes - named == set()
    assert {"style", "svg", "math", "onclick"} <= named  # said to be removed


def test_the_allow_list_is_explicit_and_has_no_scriptable_member() -> None:
    assert not sanitize.ALLOWED_TAGS & {"script", "style", "iframe", "svg", "math", "form"}
    names = set().union(*sanitize.ALLOWED_ATTRIBUTES.values())
    assert not {n for n in names if n.startswith("on")} | (names & {"style", "srcdoc", "name"})
    assert {"http", "https", "mailto"} == sanitize.URL_SCHEMES
    assert set(sanitize.ALLOWED_ATTRIBUTES) - {"*"} <= sanitize.ALLOWED_TAGS


# --- front matter in templates ---------------------------------------------------------


def test_a_page_title_goes_to_mkdocs_escaped_once() -> None:
    meta = templating.page_meta({"template": "item.html", "title": 'Tom & "<b>"'})
    env = jinja2.Environment(autoescape=False)  # as MkDocs renders Material  # noqa: S701
    page = env.from_string("{{ t }}|{{ t | e }}|<i title='{{ t | e }}'>")
    assert page.render(t=meta["title"]) == (
        "Tom &amp; &#34;&lt;b&gt;&#34;|Tom &amp; &#34;&lt;b&gt;&#34;|"
        "<i title='Tom &amp; &#34;&lt;b&gt;&#34;'>"
    )
    assert meta["template"] == "item.html"


def test_the_table_of_contents_is_escaped() -> None:
    child = SimpleNamespace(title="<img src=x onerror=alert(1)>B", id="b", children=[])
    link = SimpleNamespace(title="A &amp; <b>b</b>", id='h"onmouseover="x', children=[child])
    templating.clean_toc([link])
    assert link.title == "A &amp; b"
    assert link.id == "h&#34;onmouseover=&#34;x"
    assert child.title == "B"


def test_the_page_language_is_escaped() -> None:
    html = '<html lang="en" class="no-js">'
    assert templating.set_page_language(html, 'de" onload="x') == (
        '<html lang="de&#34; onload=&#34;x" class="no-js">'
    )
    assert templating.set_page_language(html, r"de\1") == r'<html lang="de\1" class="no-js">'


# --- properties ------------------------------------------------------------------------

_VOCABULARY = sorted(
    sanitize.ALLOWED_TAGS
    | sanitize.DROPPED_WITH_CONTENT
    | {"form", "option", "frameset", "body", "html", "head", "plaintext", "image", "foreignobject"}
    | {"annotation-xml", "mglyph", "malignmark", "desc", "frame", "isindex", "keygen", "listing"}
)
_ATTRIBUTES = st.sampled_from(
    [
        "",
        " id=__config",
        " id='fn:1'",
        " class='md-x y'",
        " onerror=alert(1)",
        " onmouseover='alert(1)'",
        ' style="background:url(javascript:alert(1))"',
        " href=javascript:alert(1)",
        " href='java\tscript:alert(1)'",
        ' href="&#106;avascript:x"',
        " href='../x/#a'",
        " href=https://example.org/",
        " src=data:text/html,x",
        " src=x.png",
        " src=https://tracker.example/p.gif",
        " src=//tracker.example/p.gif",
        " src='\x01 \\\\tracker.example/p.gif'",
        " xlink:href=javascript:alert(1)",
        ' style="text-align: left;"',
        " align=left",
        " srcdoc='<script>alert(1)</script>'",
        " action=javascript:alert(1)",
        " formaction=javascript:alert(1)",
    ]
)
_PIECES = st.one_of(
    st.builds(lambda t, a: f"<{t}{a}>", st.sampled_from(_VOCABULARY), _ATTRIBUTES),
    st.sampled_from(_VOCABULARY).map(lambda t: f"</{t}>"),
    st.sampled_from(
        ["<!--", "-->", "<![CDATA[", "]]>", '"', "'", ">", "<", "&", "&lt;", "&#0;", "\x0e", "/"]
    ),
    st.text(max_size=6),
)
HTML_SOUP = st.lists(_PIECES, max_size=30).map("".join)
"""Tag soup: allowed and forbidden elements, handlers, script URLs, broken syntax."""

_URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href", "data"}
_SCRIPTABLE_TAGS = {"script", "iframe", "object", "embed", "style", "base", "meta", "link"}


def browser_url(value: str) -> str:
    """A URL as a browser reads it: without the controls and spaces around it, nor
    any tab or line break inside it."""
    return re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21))))


def scriptable(html: str) -> list[str]:
    """Anything in `html` that could run script, restyle the page, or make the
    reader's browser ask another host for a picture."""
    if not html.strip():
        return []
    found = []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in _SCRIPTABLE_TAGS or el.tag not in sanitize.ALLOWED_TAGS | {"div"}:
            found.append(f"<{el.tag}>")
        for name, value in el.attrib.items():
            if name.startswith("on") or name in {"style", "srcdoc"}:
                found.append(f"{el.tag} {name}")
            elif name in _URL_ATTRIBUTES:
                url = browser_url(value)
                scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
                if scheme and scheme.group(1).lower() not in sanitize.URL_SCHEMES:
                    found.append(f"{el.tag} {name}={value!r}")
                elif el.tag == "img" and (scheme or re.match(r"[/\\]{2}", url)):
                    found.append(f"{el.tag} {name}={value!r} (another host)")
    return found


@EXAMPLES
@given(HTML_SOUP)
@example("<li><form>a<li>")
@example("<h1>a<foreignobject>b<h6>")
@example("<a href=x>a<table><a href=y>b<td>")
def test_sanitising_is_idempotent(html: str) -> None:
    once = sanitize.sanitize_html(html)
    assert sanitize.sanitize_html(once) == once


@EXAMPLES
@given(HTML_SOUP)
@example('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>')
@example('<svg></p><style><a id="</style><img src=x onerror=alert(1)>">')
@example("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>")
def test_sanitising_leaves_nothing_scriptable(html: str) -> None:
    clean = sanitize.sanitize_html(html)
    assert sanitize.clean_text(clean) == clean  # what feeds carry as it is
    assert scriptable(clean) == []


_MARKDOWN_PIECES = st.one_of(
    st.sampled_from(
        [
            "\n", "\n\n", "    ", "# ", "## ", "> ", "- ", "1. ", "*", "**", "_", "`", "```",
            "~~", "~", "[", "]", "(", ")", "![", "[^1]", "[^1]: ", "{: ", " }", "#id", ".md-x",
            " onclick=alert(1)", " style='x'", "!!! note", "??? tip", "*[HTML]: ", "|", "|:-|",
            ":   ", "<", ">", "<div markdown>", "</div>", "<details>", "<script>", "</script>",
            "javascript:alert(1)", "https://tracker.example/p.gif", "//tracker.example/",
            "&#106;", "&", '"', "'", "\\", "<!--", "-->", "\x00", "\x0c",
        ]
    ),
    st.sampled_from(_VOCABULARY).map(lambda t: f"<{t}>"),
    st.builds(lambda t, a: f"<{t}{a}>", st.sampled_from(_VOCABULARY), _ATTRIBUTES),
    st.text(max_size=5),
)  # fmt: skip
MARKDOWN_BODIES = st.lists(_MARKDOWN_PIECES, max_size=40).map("".join)
"""Markdown soup: block and inline syntax of every extension the site uses, with
raw HTML, ``attr_list`` attributes and script and off-site URLs mixed in."""


@EXAMPLES
@given(MARKDOWN_BODIES)
@example("![x](y){: onerror=alert(1) }\n\n[a](javascript:alert(1)){: .md-x #__config }")
@example("<div markdown>\n![p](https://tracker.example/p.gif)\n</div>")
@example("[^1]\n\n[^1]: <script>alert(1)</script>")
def test_any_markdown_body_renders_to_clean_html(body: str) -> None:
    """A member's body, through the site's Markdown and the sanitiser: never an
    exception, nothing scriptable, and the same HTML if cleaned again."""
    clean = sanitize.sanitize_html(project_markdown(body))
    assert sanitize.sanitize_html(clean) == clean
    assert sanitize.clean_text(clean) == clean
    assert scriptable(clean) == []


def _event(title: str) -> Item:
    return Item(
        kind="event",
        source="content/events/2027-01-01-x.md",
        path=Path("x.md"),
        owner=None,
        slug="x",
        url="events/2027/x/",
        title=title,
        body="Body.",
        lang="en",
        when=dt.datetime(2027, 1, 1, 18, tzinfo=dt.UTC),
        meta=FrontMatter({"location": title}),
    )


SETTINGS = Settings(root=Path(), site_url="https://example.org/")


@EXAMPLES
@given(st.text(min_size=1, max_size=40))
@example('Tom & Jerry <b>&amp;</b> "quoted"')
@example("</title><script>alert(1)</script>")
@example("Line\r\nBEGIN:VEVENT\rX-INJECTED:1\n;a,b\\c")
@example("bell\x07 null\x00 \ufffe\uffff")
@example("C:\\New, \\N and \\\\N")  # icalendar reads a backslash and N as a line end
@example("\ufeff")  # a byte-order mark: calendar readers drop it from the start of a value
def test_any_title_reaches_feeds_and_calendars_as_text(title: str) -> None:
    item = _event(title)
    site = Site(settings=SETTINGS, now=NOW, items=(item,))
    feed = feeds.Feed("Events", "events/", (item,), "en")
    text = sanitize.clean_text(title)
    for fmt in feeds.FORMATS:
        tree = lxml.etree.fromstring(feeds.render_feed(feed, fmt, site, {item.source: ""}))
        entry = next(tree.iter("item", "{http://www.w3.org/2005/Atom}entry"))
        found = entry.find("title")
        found = entry.find("{http://www.w3.org/2005/Atom}title") if found is None else found
        assert found is not None and (found.text or "") == (text or "(untitled)")
    ics = calendars.calendar(SETTINGS, title, "events/x.ics", "events/", [item])
    (event,) = icalendar.Calendar.from_ical(ics).events
    one_line = text.replace("\r\n", "\n").replace("\r", "\n")
    assert str(event["SUMMARY"]) == one_line
    assert str(event["LOCATION"]) == one_line
    assert [c.name for c in icalendar.Calendar.from_ical(ics).walk()] == ["VCALENDAR", "VEVENT"]
