"""RSS and Atom feeds: accepted by a real feed parser, stable, complete."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from atom_validation import atom_errors
from conftest import NOW, REPO, FixtureSite
from iops import feeds, loader
from iops.plan import plan_site
from iops.settings import load_settings

EXTRA = {
    "content/blog/2014-03-01-pictures.md": (
        "---\ntitle: Pictures\ndate: 2014-03-01\nauthor: bo\ntags: [vision]\n---\n"
        "![A banner](../img/banner.png) and [the first post](2014-01-15-first.md).\n"
    ),
    "content/news/2014-04-01-minutes.md": "---\ntitle: Minutes\ndate: 2014-04-01\n---\nNotes.\n",
    "chapters/london/blog/2014-05-01-local.md": (
        "---\ntitle: Local\ndate: 2014-05-01\nauthor: ada\n---\nFrom London.\n"
    ),
}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000185d114090000000049454e44ae426082"
)


def _write(site: FixtureSite) -> None:
    for rel, text in EXTRA.items():
        site.write(rel, text)
    site.write_bytes("content/img/banner.png", PNG)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import BASE_FILES, MKDOCS_YML, REPO

    site = FixtureSite(tmp_path_factory.mktemp("feeds") / "src")
    site.write("mkdocs.yml", MKDOCS_YML.format(repo=REPO))
    for rel, text in BASE_FILES.items():
        site.write(rel, text)
    _write(site)
    result = site.run("build")
    assert result.returncode == 0, result.stderr
    return site.root / "site"


def all_feeds(built: Path) -> list[Path]:
    return sorted([*built.rglob("rss.xml"), *built.rglob("atom.xml")])


def test_every_feed_parses_without_errors(built: Path) -> None:
    paths = all_feeds(built)
    # everything, blog, news, 2 chapters (UK rolls up London), 1 tag... in two formats
    assert len(paths) >= 2 * 7
    for path in paths:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path
        expected = "atom10" if path.name == "atom.xml" else "rss20"
        assert parsed.version == expected


def test_every_atom_feed_is_valid_rfc_4287(built: Path) -> None:
    feeds = sorted(built.rglob("atom.xml"))
    assert len(feeds) >= 7
    assert atom_errors(feeds) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("<id>https://example.org/blog/</id>", "", 'missing required element "id"'),
        ("<updated>20", "<updated>on 20", "must be an ISO date and time"),
        ("<entry>", "<entry><title>Again</title>", 'element "title" not allowed'),
        ("<author>", "<author><name>Two</name>", 'element "name" not allowed'),
        ('<content type="html">', '<content type="xhtml">', 'element "content" incomplete'),
        ('rel="self"', 'rel="self" length="big"', 'value of attribute "length" is invalid'),
    ],
)
def test_the_atom_validator_catches_broken_feeds(
    built: Path, tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = (built / "blog/atom.xml").read_text("utf-8")
    assert old in text
    path = tmp_path / "atom.xml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    errors = atom_errors([path])
    assert any(expected in error for error in errors), errors


def test_the_atom_validator_checks_rules_across_elements(built: Path, tmp_path: Path) -> None:
    tree = ET.parse(built / "blog/atom.xml")
    ns = "{http://www.w3.org/2005/Atom}"
    feed_author = tree.getroot().find(f"{ns}author")
    entry = tree.getroot().find(f"{ns}entry")
    assert entry is not None and feed_author is not None
    tree.getroot().remove(feed_author)
    for tag in ("author", "content", "link"):
        for child in entry.findall(f"{ns}{tag}"):
            entry.remove(child)
    path = tmp_path / "atom.xml"
    tree.write(path, encoding="utf-8", xml_declaration=True)
    errors = atom_errors([path])
    assert len(errors) == 2, errors
    assert "has no author" in errors[0] and "neither content nor an alternate link" in errors[1]


def test_feed_links_ids_dates_and_content(built: Path) -> None:
    atom = feedparser.parse((built / "blog/atom.xml").read_bytes())
    assert atom.feed.link == "https://example.org/blog/"
    self_links = [link.href for link in atom.feed.links if link.rel == "self"]
    assert self_links == ["https://example.org/blog/atom.xml"]
    assert [e.title for e in atom.entries] == ["Local", "Pictures", "First post"]
    pictures = atom.entries[1]
    assert pictures.link == "https://example.org/blog/2014/pictures/"
    assert pictures.id.startswith("urn:uuid:")
    assert pictures.published == "2014-03-01T00:00:00+00:00"
    assert atom.feed.updated == "2014-05-01T00:00:00+01:00"
    html = pictures.content[0].value
    assert 'src="https://example.org/img/banner.png"' in html
    assert 'href="https://example.org/blog/2014/first/"' in html
    assert pictures.author == "Bo Example"
    rss = feedparser.parse((built / "blog/rss.xml").read_bytes())
    assert [e.id for e in rss.entries] == [e.id for e in atom.entries]
    assert "banner.png" in rss.entries[1].content[0].value


def test_rss_channel_links_the_page_and_rel_self_the_feed(built: Path) -> None:
    rss = feedparser.parse((built / "blog/rss.xml").read_bytes())
    self_links = [link.href for link in rss.feed.links if link.rel == "self"]
    assert self_links == ["https://example.org/blog/rss.xml"]
    assert rss.feed.link == "https://example.org/blog/"


def test_rss_dates_come_from_the_content(built: Path) -> None:
    rss = feedparser.parse((built / "blog/rss.xml").read_bytes())
    assert rss.feed.updated == "Thu, 01 May 2014 00:00:00 +0100"  # lastBuildDate: the newest
    assert [e.published for e in rss.entries] == [
        "Thu, 01 May 2014 00:00:00 +0100",
        "Sat, 01 Mar 2014 00:00:00 +0000",
        "Wed, 15 Jan 2014 00:00:00 +0000",
    ]


def test_chapter_feeds_roll_up_and_tag_and_member_feeds_exist(built: Path) -> None:
    uk = feedparser.parse((built / "chapters/uk/atom.xml").read_bytes())
    assert [e.title for e in uk.entries] == ["Local"]
    vision = feedparser.parse((built / "tags/vision/rss.xml").read_bytes())
    assert {e.title for e in vision.entries} == {"Pictures", "First post"}
    bo = feedparser.parse((built / "members/bo/atom.xml").read_bytes())
    assert [e.title for e in bo.entries] == ["Pictures"]
    everything = feedparser.parse((built / "atom.xml").read_bytes())
    assert len(everything.entries) == 4 and "Minutes" in {e.title for e in everything.entries}


def test_pages_link_their_feeds(built: Path) -> None:
    home = (built / "index.html").read_text("utf-8")
    assert (
        'type="application/atom+xml" title="Test site: Everything (Atom)" href="atom.xml"' in home
    )
    chapter = (built / "chapters/london/index.html").read_text("utf-8")
    assert 'href="../../atom.xml"' in chapter and 'href="atom.xml"' in chapter
    member = (built / "members/ada/index.html").read_text("utf-8")
    assert 'title="Test site: Ada Example (RSS)" href="rss.xml"' in member


def test_feeds_page_and_opml_list_every_feed(built: Path) -> None:
    opml = ET.parse(built / "feeds.opml").getroot()
    listed = {o.get("xmlUrl") for o in opml.iter("outline") if o.get("type") == "rss"}
    # One entry per feed, in its Atom form.
    atom = [p.relative_to(built).as_posix() for p in all_feeds(built) if p.name == "atom.xml"]
    assert listed == {f"https://example.org/{path}" for path in atom}
    page = (built / "feeds/index.html").read_text("utf-8")
    assert page.count(">RSS</a>") == len(listed)


def test_every_page_links_the_site_feed(built: Path) -> None:
    pages = [p for p in built.rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 20
    for path in pages:
        html = path.read_text("utf-8")
        if 'http-equiv="refresh"' in html:  # a redirect page: readers never see it
            continue
        depth = len(path.relative_to(built).parts) - 1
        href = "../" * depth + "atom.xml" if depth else "atom.xml"
        assert f'title="Test site: Everything (Atom)" href="{href}"' in html, path


def test_the_error_page_links_the_site_feed_from_the_root(built: Path) -> None:
    """404.html is served at any missing URL, however deep: its feed links,
    like the rest of its links, start at the site's root."""
    html = (built / "404.html").read_text("utf-8")
    assert 'title="Test site: Everything (Atom)" href="/atom.xml"' in html
    assert 'title="Test site: Everything (RSS)" href="/rss.xml"' in html
    assert 'action="/search/"' in html


def test_feeds_page_and_opml_list_every_calendar(built: Path) -> None:
    opml = ET.parse(built / "feeds.opml").getroot()
    listed = {o.get("url") for o in opml.iter("outline") if o.get("type") == "link"}
    found = {p.relative_to(built).as_posix() for p in built.rglob("calendar.ics")}
    assert found == {
        "events/calendar.ics",
        "chapters/uk/events/calendar.ics",
        "chapters/london/events/calendar.ics",
    }
    assert listed == {f"https://example.org/{path}" for path in found}
    page = (built / "feeds/index.html").read_text("utf-8")
    for path in found:
        assert f'href="webcal://example.org/{path}"' in page
        assert f'href="../{path}"' in page


def _rendered(site: FixtureSite, body_html: str = "<p>x</p>") -> dict[str, bytes]:
    plan = site.plan()
    html = {item.source: body_html for item in plan.site.items}
    return {
        feed.path(fmt): feeds.render_feed(feed, fmt, plan.site, html)
        for feed in plan.feeds
        for fmt in feeds.FORMATS
    }


def _ids(rendered: dict[str, bytes]) -> dict[str, list[str]]:
    return {path: [e.id for e in feedparser.parse(data).entries] for path, data in rendered.items()}


def test_ids_survive_edits_rebuilds_and_file_order(
    fixture_site: FixtureSite, tmp_path: Path
) -> None:
    _write(fixture_site)
    first = _rendered(fixture_site)
    assert _rendered(fixture_site) == first  # a rebuild: the same bytes
    fixture_site.write(
        "content/blog/2014-03-01-pictures.md",
        EXTRA["content/blog/2014-03-01-pictures.md"] + "More.\n",
    )
    assert _ids(_rendered(fixture_site, "<p>edited</p>")) == _ids(first)
    # The same files created in the opposite order.
    other = FixtureSite(tmp_path / "other")
    files = sorted(p for p in fixture_site.root.rglob("*") if p.is_file())
    for path in reversed(files):
        other.write_bytes(path.relative_to(fixture_site.root).as_posix(), path.read_bytes())
    assert _ids(_rendered(other)) == _ids(first)


def test_feed_dates_come_from_content_not_the_clock(fixture_site: FixtureSite) -> None:
    plan_then = fixture_site.plan(NOW)
    plan_later = fixture_site.plan(NOW.replace(year=2030))
    feed_then = {f.page_url: f for f in plan_then.feeds}[""]
    feed_later = {f.page_url: f for f in plan_later.feeds}[""]
    for fmt in feeds.FORMATS:
        assert feeds.render_feed(feed_then, fmt, plan_then.site, {}) == feeds.render_feed(
            feed_later, fmt, plan_later.site, {}
        )


def test_control_characters_and_empty_titles_do_not_break_feeds(fixture_site: FixtureSite) -> None:
    plan = fixture_site.plan()
    feed = {f.page_url: f for f in plan.feeds}["blog/"]
    post = feed.items[0]
    odd = dataclasses.replace(post, title="Bell\x07 and\x1b escape")
    empty = dataclasses.replace(post, title="", source="content/blog/other.md")
    for fmt in feeds.FORMATS:
        data = feeds.render_feed(
            dataclasses.replace(feed, items=(odd, empty)),
            fmt,
            plan.site,
            {post.source: "<p>a\x0bb</p>"},
        )
        parsed = feedparser.parse(data)
        assert not parsed.bozo
        assert [e.title for e in parsed.entries] == ["Bell and escape", "(untitled)"]


@pytest.mark.parametrize("size", [None, 7, 60])
def test_feeds_carry_the_newest_items_as_many_as_set(
    fixture_site: FixtureSite, size: int | None
) -> None:
    """20 unless `feed_size` says otherwise."""
    if size is not None:
        config = fixture_site.root / "mkdocs.yml"
        text = config.read_text("utf-8").replace(
            "    page_size: 2\n", f"    page_size: 2\n    feed_size: {size}\n"
        )
        config.write_text(text, "utf-8")
    for day in range(1, 61):  # 60 posts, one a day from 2015-01-01
        when = (dt.date(2014, 12, 31) + dt.timedelta(days=day)).isoformat()
        fixture_site.write(
            f"content/blog/{when}-post-{day}.md",
            f"---\ntitle: Post {day}\ndate: {when}\nauthor: bo\n---\nText.\n",
        )
    plan = fixture_site.plan()
    assert plan.problems == ()
    carried = 20 if size is None else size
    assert plan.site.settings.feed_size == carried
    feed = {f.page_url: f for f in plan.feeds}["blog/"]
    assert [item.title for item in feed.items] == [f"Post {n}" for n in range(60, 60 - carried, -1)]
    for fmt in feeds.FORMATS:
        parsed = feedparser.parse(feeds.render_feed(feed, fmt, plan.site, {}))
        assert len(parsed.entries) == carried
        assert parsed.entries[0].title == "Post 60"
        assert parsed.entries[-1].title == f"Post {61 - carried}"


def test_ids_do_not_depend_on_the_order_files_are_read_in(
    fixture_site: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(fixture_site)
    sources = [item.source for item in fixture_site.plan().site.items]
    first = _rendered(fixture_site)
    in_order = loader.source_files
    monkeypatch.setattr(loader, "source_files", lambda root: in_order(root)[::-1])
    assert [item.source for item in fixture_site.plan().site.items] == sources[::-1]
    assert _rendered(fixture_site) == first  # the same ids, and the very same bytes


def test_every_feed_of_the_demo_site_parses_without_errors() -> None:
    plan = plan_site(load_settings(REPO), NOW)
    html = {item.source: f"<p>{item.title}</p>" for item in plan.site.items}
    assert len(plan.feeds) > 20
    for feed in plan.feeds:
        for fmt in feeds.FORMATS:
            parsed = feedparser.parse(feeds.render_feed(feed, fmt, plan.site, html))
            assert not parsed.bozo, (feed.path(fmt), parsed.get("bozo_exception"))
            assert len(parsed.entries) == len(feed.items) <= plan.site.settings.feed_size
            ids = [e.id for e in parsed.entries]
            assert len(set(ids)) == len(ids)
            assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", i) for i in ids), ids
