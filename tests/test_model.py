"""The content model on small trees: kinds, URLs, publishing, defaults, listings."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from pathlib import Path

import pytest
from conftest import BASE_FILES, MKDOCS_YML, REPO, FixtureSite
from iops import urls, views
from iops.model import Item, Site
from iops.plan import Plan


def post(title: str, date: str, *, author: str = "ada", extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\nauthor: {author}\n{extra}---\nText of {title}.\n"


def pages_by_url(plan: Plan) -> dict[str, views.GeneratedPage]:
    return {page.url: page for page in plan.pages}


def listed(page: views.GeneratedPage) -> list[str]:
    return [item.source for item in page.view.items]


# --- kinds and URLs from paths ------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "kind", "owner", "slug", "url"),
    [
        ("content/blog/2014-01-15-first.md", "post", None, "first", "blog/2014/first/"),
        (
            "chapters/london/blog/2014-02-01-x.md",
            "post",
            "london",
            "x",
            "chapters/london/blog/2014/x/",
        ),
        ("content/news/2014-03-02-y.md", "news", None, "y", "news/2014/y/"),
        ("content/events/2014-05-01-z.md", "event", None, "z", "events/2014/z/"),
        ("content/projects/wiki.md", "project", None, "wiki", "projects/wiki/"),
        ("chapters/london/polls/vote.md", "poll", "london", "vote", "chapters/london/polls/vote/"),
        ("content/members/ada.md", "member", None, "ada", "members/ada/"),
        ("content/about/vision.md", "statement", None, "vision", "about/vision/"),
        ("chapters/london/index.md", "chapter", "london", "london", "chapters/london/"),
        ("chapters/london/contact.md", "page", "london", "contact", "chapters/london/contact/"),
        ("content/security.md", "page", None, "security", "security/"),
        ("content/guides/index.md", "page", None, "index", "guides/"),
        ("content/index.md", "page", None, "index", ""),
    ],
)
def test_kind_owner_and_url_from_path(
    rel: str, kind: str, owner: str | None, slug: str, url: str
) -> None:
    location = urls.locate(rel)
    assert location == urls.Location(kind, owner, slug)
    assert urls.item_url(kind, rel, owner, slug, 2014) == url


def test_loaded_items_carry_kind_owner_and_url(fixture_site: FixtureSite) -> None:
    fixture_site.write("chapters/london/blog/2014-02-01-x.md", post("X", "2014-02-01"))
    fixture_site.write("content/security.md", "---\ntitle: Security\n---\nUse Tor.\n")
    site = fixture_site.plan().site
    expected = {
        "content/blog/2014-01-15-first.md": ("post", None, "blog/2014/first/"),
        "chapters/london/blog/2014-02-01-x.md": ("post", "london", "chapters/london/blog/2014/x/"),
        "content/security.md": ("page", None, "security/"),
        "content/index.md": ("page", None, ""),
        "chapters/london/index.md": ("chapter", "london", "chapters/london/"),
        "content/members/bo.md": ("member", None, "members/bo/"),
    }
    for source, (kind, owner, url) in expected.items():
        item = site.by_source[source]
        assert (item.kind, item.owner, item.url) == (kind, owner, url)


def test_post_url_year_is_its_date_year(fixture_site: FixtureSite) -> None:
    fixture_site.write("content/blog/undated-name.md", post("Later", "2015-06-01"))
    assert fixture_site.plan().site.by_source["content/blog/undated-name.md"].url == (
        "blog/2015/undated-name/"
    )


# --- held back: drafts and scheduled posts --------------------------------------


def test_drafts_and_future_posts_are_held_back(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        "content/blog/2014-02-01-draft.md", post("D", "2014-02-01", extra="draft: true\n")
    )
    fixture_site.write("content/blog/2027-01-01-future.md", post("F", "2027-01-01"))
    fixture_site.write(
        "content/news/2026-11-24-tomorrow.md", "---\ntitle: T\ndate: 2026-11-24\n---\n"
    )
    fixture_site.write(
        "content/blog/2014-02-02-kept.md", post("K", "2014-02-02", extra="draft: false\n")
    )
    held = {
        "content/blog/2014-02-01-draft.md",
        "content/blog/2027-01-01-future.md",
        "content/news/2026-11-24-tomorrow.md",
    }

    plan = fixture_site.plan()
    assert plan.problems == ()
    published = {i.source for i in plan.site.items}
    assert {i.source for i in plan.site.held_back} == held
    assert not held & published
    assert "content/blog/2014-02-02-kept.md" in published
    blog = pages_by_url(plan)["blog/"]
    assert not held & set(listed(blog))
    assert "blog/2027/" not in pages_by_url(plan)

    preview = fixture_site.plan(preview=True)
    assert held <= {i.source for i in preview.site.items}
    assert "blog/2027/" in pages_by_url(preview)


def test_a_post_is_published_once_its_time_has_come(fixture_site: FixtureSite) -> None:
    fixture_site.write("content/blog/2026-11-23-today.md", post("Noon", "2026-11-23T13:00"))
    # 13:00 in London (GMT in November) is after the fixed now of 12:00 UTC...
    assert "content/blog/2026-11-23-today.md" in {
        i.source for i in fixture_site.plan().site.held_back
    }
    # ...and published an hour later.
    later = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)
    assert "content/blog/2026-11-23-today.md" in fixture_site.plan(later).site.by_source


# --- defaults: timezone and language --------------------------------------------


def event(start: str, extra: str = "") -> str:
    return f"---\ntitle: Meeting\nstart: {start}\n{extra}---\nCome.\n"


def test_event_timezone_defaults(fixture_site: FixtureSite) -> None:
    # uk names a timezone; london (under uk) does not; dublin names its own.
    fixture_site.write(
        "chapters/uk/index.md",
        "---\nname: IOPS UK\nlevel: national\nfounded: 2012-03-01\ncountry: GB\n"
        "timezone: Europe/Belfast\n---\nUK.\n",
    )
    fixture_site.write(
        "chapters/dublin/index.md",
        "---\nname: Dublin\nlevel: national\nfounded: 2013-01-01\ntimezone: Europe/Dublin\n---\n",
    )
    fixture_site.write("chapters/dublin/events/2014-05-01-own.md", event("2014-05-01T19:00"))
    fixture_site.write("chapters/london/events/2014-05-01-parent.md", event("2014-05-01T19:00"))
    fixture_site.write("content/events/2014-05-01-site.md", event("2014-05-01T19:00"))
    fixture_site.write(
        "chapters/london/events/2014-05-01-given.md",
        event("2014-05-01T19:00", "timezone: America/New_York\n"),
    )
    plan = fixture_site.plan()
    assert plan.problems == ()
    by_source = plan.site.by_source
    zones = {
        "chapters/dublin/events/2014-05-01-own.md": "Europe/Dublin",
        "chapters/london/events/2014-05-01-parent.md": "Europe/Belfast",
        "content/events/2014-05-01-site.md": "Europe/London",
        "chapters/london/events/2014-05-01-given.md": "America/New_York",
    }
    for source, zone in zones.items():
        when = by_source[source].when
        assert when is not None
        assert when.tzinfo == zoneinfo.ZoneInfo(zone), source
        assert (when.hour, when.minute) == (19, 0)
    assert by_source["content/events/2014-05-01-site.md"].when == dt.datetime(
        2014, 5, 1, 18, 0, tzinfo=dt.UTC
    )


def test_event_of_chapter_without_zones_uses_site_timezone(fixture_site: FixtureSite) -> None:
    fixture_site.write("chapters/london/events/2014-05-01-x.md", event("2014-05-01T19:00"))
    when = fixture_site.plan().site.by_source["chapters/london/events/2014-05-01-x.md"].when
    assert when is not None
    assert when.tzinfo == zoneinfo.ZoneInfo("Europe/London")


def test_lang_defaults_to_the_site_language(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        "content/blog/2014-02-01-de.md", post("Hallo", "2014-02-01", extra="lang: de\n")
    )
    site = fixture_site.plan().site
    assert site.by_source["content/blog/2014-01-15-first.md"].lang == "en"
    assert site.by_source["content/blog/2014-02-01-de.md"].lang == "de"


# --- listings -------------------------------------------------------------------

FIVE_POSTS = {
    "content/blog/2013-06-01-a.md": "2013-06-01",
    "content/blog/2013-12-31-b.md": "2013-12-31",
    "content/blog/2014-02-01-c.md": "2014-02-01",
    "content/blog/2014-03-01-d.md": "2014-03-01",
}


def five_posts(site: FixtureSite) -> list[str]:
    """The fixture's post and four more: sources, newest first."""
    for rel, date in FIVE_POSTS.items():
        site.write(rel, post(rel.rsplit("-", 1)[-1], date))
    dates = {**FIVE_POSTS, "content/blog/2014-01-15-first.md": "2014-01-15"}
    return sorted(dates, key=dates.__getitem__, reverse=True)


def test_blog_pagination(fixture_site: FixtureSite) -> None:
    # Paged from the oldest post (page size 2): page 1 holds the two oldest;
    # the first page, the newest full page and the posts after it.
    newest_first = five_posts(fixture_site)
    pages = pages_by_url(fixture_site.plan())
    assert "blog/page/2/" not in pages
    assert listed(pages["blog/"]) == newest_first[:3]
    assert listed(pages["blog/page/1/"]) == newest_first[3:]
    first, oldest = pages["blog/"].view.pager, pages["blog/page/1/"].view.pager
    assert (first.previous_url, first.next_url) == (None, "blog/page/1/")
    assert (oldest.previous_url, oldest.next_url) == ("blog/", None)
    assert first.count is None and oldest.count is None  # "Page 1 of N" would change them all
    assert [d.date().isoformat() for d in oldest.span] == ["2013-06-01", "2013-12-31"]


def test_a_new_post_leaves_the_older_pages_of_a_listing_as_they_were(
    fixture_site: FixtureSite,
) -> None:
    newest_first = five_posts(fixture_site)
    before = pages_by_url(fixture_site.plan())
    fixture_site.write("content/blog/2014-04-01-e.md", post("e", "2014-04-01"))
    after = pages_by_url(fixture_site.plan())
    # The newest full page becomes a page of its own; page 1 only links to it.
    assert listed(after["blog/"]) == ["content/blog/2014-04-01-e.md", *newest_first[:1]]
    assert listed(after["blog/page/2/"]) == newest_first[1:3]
    assert listed(after["blog/page/1/"]) == listed(before["blog/page/1/"])
    assert after["blog/page/1/"].view.pager.previous_url == "blog/page/2/"
    assert after["blog/"].view.pager.next_url == "blog/page/2/"
    # One more: only the first page changes.
    fixture_site.write("content/blog/2014-04-02-f.md", post("f", "2014-04-02"))
    later = pages_by_url(fixture_site.plan())
    for url in ("blog/page/1/", "blog/page/2/"):
        assert later[url].view == after[url].view
    assert len(listed(later["blog/"])) == 3


def test_empty_blog_still_has_one_page(empty_site: FixtureSite) -> None:
    pages = pages_by_url(empty_site.plan())
    assert listed(pages["blog/"]) == []
    assert "blog/page/2/" not in pages


def test_year_archives(fixture_site: FixtureSite) -> None:
    five_posts(fixture_site)
    pages = pages_by_url(fixture_site.plan())
    assert listed(pages["blog/2013/"]) == [
        "content/blog/2013-12-31-b.md",
        "content/blog/2013-06-01-a.md",
    ]
    assert listed(pages["blog/2014/"]) == [
        "content/blog/2014-03-01-d.md",
        "content/blog/2014-02-01-c.md",
        "content/blog/2014-01-15-first.md",
    ]
    years = [u for u in pages if u.startswith("blog/20")]
    assert sorted(years) == ["blog/2013/", "blog/2014/"]
    assert pages["blog/"].view.links == (("2014", "blog/2014/"), ("2013", "blog/2013/"))


def test_tag_pages(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        "content/blog/2014-02-01-two.md",
        post("Two", "2014-02-01", extra="tags: [Vision, Economy]\n"),
    )
    fixture_site.write(
        "content/news/2014-03-01-n.md", "---\ntitle: N\ndate: 2014-03-01\ntags: [vision]\n---\n"
    )
    fixture_site.write(
        "content/blog/2014-04-01-draft.md",
        post("Draft", "2014-04-01", extra="tags: [vision]\ndraft: true\n"),
    )
    pages = pages_by_url(fixture_site.plan())
    # page_size is 2: three items are less than two full pages, so one page.
    assert listed(pages["tags/vision/"]) == [
        "content/news/2014-03-01-n.md",
        "content/blog/2014-02-01-two.md",
        "content/blog/2014-01-15-first.md",
    ]
    assert "tags/vision/page/1/" not in pages
    fixture_site.write(
        "content/blog/2014-05-01-five.md", post("Five", "2014-05-01", extra="tags: [vision]\n")
    )
    pages = pages_by_url(fixture_site.plan())
    assert listed(pages["tags/vision/page/1/"]) == [
        "content/blog/2014-02-01-two.md",
        "content/blog/2014-01-15-first.md",
    ]
    assert listed(pages["tags/economy/"]) == ["content/blog/2014-02-01-two.md"]
    assert pages["tags/"].view.links == (
        ("economy (1)", "tags/economy/"),
        ("vision (4)", "tags/vision/"),
    )


def test_chapter_listings_roll_up_sub_chapters(fixture_site: FixtureSite) -> None:
    fixture_site.write("chapters/london/blog/2014-02-01-l.md", post("L", "2014-02-01"))
    fixture_site.write("chapters/uk/blog/2014-03-01-u.md", post("U", "2014-03-01"))
    fixture_site.write(
        "chapters/london/news/2014-04-01-n.md", "---\ntitle: N\ndate: 2014-04-01\n---\n"
    )
    plan = fixture_site.plan()
    assert plan.problems == ()
    pages = pages_by_url(plan)
    assert listed(pages["chapters/uk/blog/"]) == [
        "chapters/uk/blog/2014-03-01-u.md",
        "chapters/london/blog/2014-02-01-l.md",
    ]
    assert listed(pages["chapters/london/blog/"]) == ["chapters/london/blog/2014-02-01-l.md"]
    assert listed(pages["chapters/uk/news/"]) == ["chapters/london/news/2014-04-01-n.md"]
    # The organization's blog lists every post, chapters' too.
    assert set(listed(pages["blog/"])) == {  # three posts: one page (two pages' worth at most)
        "content/blog/2014-01-15-first.md",
        "chapters/uk/blog/2014-03-01-u.md",
        "chapters/london/blog/2014-02-01-l.md",
    }
    assert [i.source for i in views.chapter_items(plan.site, "uk", "post")] == listed(
        pages["chapters/uk/blog/"]
    )


def add_federation(site: FixtureSite) -> None:
    """uk > {england > london, scotland}; de alone; an international chapter."""
    chapters = {
        "england": "level: regional\nparent: uk\ncountry: GB\n",
        "scotland": "level: regional\nparent: uk\ncountry: GB\n",
        "berlin": "level: local\nparent: germany\ncountry: DE\n",
        "germany": "level: national\ncountry: DE\n",
        "online": "level: national\n",
    }
    for handle, fields in chapters.items():
        site.write(
            f"chapters/{handle}/index.md",
            f"---\nname: IOPS {handle.title()}\nfounded: 2013-01-01\n{fields}---\n{handle}.\n",
        )
    site.write(
        "chapters/london/index.md",
        "---\nname: IOPS London\nlevel: local\nfounded: 2013-05-01\nparent: england\n"
        "country: GB\n---\nLondon.\n",
    )


def tree_shape(nodes: tuple[views.TreeNode, ...]) -> list[object]:
    return [(node.chapter.slug, tree_shape(node.children)) for node in nodes]


def test_federation_tree(fixture_site: FixtureSite) -> None:
    add_federation(fixture_site)
    plan = fixture_site.plan()
    assert plan.problems == ()
    assert tree_shape(views.federation_tree(plan.site)) == [
        ("germany", [("berlin", [])]),
        ("online", []),
        ("uk", [("england", [("london", [])]), ("scotland", [])]),
    ]
    page = pages_by_url(plan)["federation/"]
    assert tree_shape(page.view) == tree_shape(views.federation_tree(plan.site))
    assert plan.site.chapter_family("uk") == {"uk", "england", "scotland", "london"}


def test_chapters_grouped_by_country(fixture_site: FixtureSite) -> None:
    add_federation(fixture_site)
    groups = pages_by_url(fixture_site.plan())["chapters/"].view
    assert [(g.country, g.name, [c.slug for c in g.chapters]) for g in groups] == [
        ("DE", "Germany", ["berlin", "germany"]),
        ("", "International", ["online"]),
        ("GB", "United Kingdom", ["england", "london", "scotland", "uk"]),
    ]


# --- order and uniqueness -------------------------------------------------------

SHUFFLED = {
    "content/blog/2014-02-01-same-day-b.md": post("B", "2014-02-01"),
    "content/blog/2014-02-01-same-day-a.md": post("A", "2014-02-01"),
    "content/blog/2014-02-01-same-day-c.md": post("C", "2014-02-01", extra="tags: [vision]\n"),
    "content/news/2014-02-01-n.md": "---\ntitle: N\ndate: 2014-02-01\nauthor: nobody\n---\n",
    "content/members/cy.md": "---\nname: Cy\nchapter: nowhere\n---\n",
    "content/blog/2014-03-01-bad.md": "---\ntitle: Bad\ndate: 2014-03-41\nauthor: ada\n---\n",
    "chapters/london/blog/2014-02-01-l.md": post("L", "2014-02-01", author="ghost"),
}


def make_site(root: Path, order: list[str]) -> FixtureSite:
    site = FixtureSite(root)
    site.write("mkdocs.yml", MKDOCS_YML.format(repo=REPO))
    files = {**BASE_FILES, **SHUFFLED}
    for rel in order:
        site.write(rel, files[rel])
    return site


def listings(plan: Plan) -> dict[str, list[str]]:
    return {page.url: listed(page) for page in plan.pages if isinstance(page.view, views.Listing)}


def test_order_does_not_depend_on_file_creation(tmp_path: Path) -> None:
    names = [*BASE_FILES, *SHUFFLED]
    forward = make_site(tmp_path / "forward", names)
    backward = make_site(tmp_path / "backward", names[::-1])
    plan_f, plan_b = forward.plan(), backward.plan()
    assert len(plan_f.problems) >= 4
    assert [p.replace(str(tmp_path / "forward"), "") for p in forward.problems()] == [
        p.replace(str(tmp_path / "backward"), "") for p in backward.problems()
    ]
    assert listings(plan_f) == listings(plan_b)
    assert [p.url for p in plan_f.pages] == [p.url for p in plan_b.pages]
    # Same-day posts: a stable order, the source path breaking the tie.
    assert listed(pages_by_url(plan_f)["blog/2014/"])[:3] == [
        "content/blog/2014-02-01-same-day-c.md",
        "content/blog/2014-02-01-same-day-b.md",
        "content/blog/2014-02-01-same-day-a.md",
    ]


DEMO_FILES = {
    "content/about/vision.md": (
        "---\ntitle: Vision\norder: 1\nstatus: ratified\n"
        'decision: {url: "https://example.org/convention", tally: "40 for"}\n---\n'
    ),
    "content/about/mission.md": "---\ntitle: Mission\norder: 2\n---\n",
    "content/security.md": "---\ntitle: Security\n---\n",
    "content/join.md": "---\ntitle: Join\n---\n",
    "content/blog/2014-11-03-a-new-website.md": post(
        "A new website", "2014-11-03", extra="tags: [website, news]\naliases: [/blog/view/123]\n"
    ),
    "content/blog/2014-12-01-ready.md": post("Ready", "2014-12-01", extra="tags: [website]\n"),
    "content/blog/2012-01-20-why.md": post("Why", "2012-01-20", author="bo"),
    "content/news/2014-11-03-new-website-launched.md": (
        "---\ntitle: New website\ndate: 2014-11-03\naliases: [/news/view/7, /old/page.html]\n---\n"
    ),
    "content/news/2012-01-25-launched.md": "---\ntitle: Launched\ndate: 2012-01-25\n---\n",
    "content/events/2014-11-25-meeting.md": (
        "---\ntitle: Meeting\nstart: 2014-11-25T18:30\nend: 2014-11-25T20:00\n---\n"
    ),
    "content/projects/wiki.md": (
        "---\ntitle: Wiki\ncreated: 2013-02-01\nstatus: active\nmembers: [ada, bo]\n---\n"
    ),
    "content/polls/future.md": (
        "---\ntitle: Future\nopens: 2014-07-01\ncloses: 2014-07-20\nquestions:\n"
        "  - question: Continue?\n    options:\n      - {label: Yes, votes: 10}\n"
        "      - {label: No, votes: 2}\n---\n"
    ),
    "chapters/london/blog/2014-02-01-bookfair.md": post("Bookfair", "2014-02-01"),
    "chapters/london/news/2014-02-01-bookfair.md": "---\ntitle: Bookfair\ndate: 2014-02-01\n---\n",
    "chapters/london/events/2014-03-01-meeting.md": "---\ntitle: M\nstart: 2014-03-01T19:00\n---\n",
    "chapters/london/projects/reading-group.md": (
        "---\ntitle: Reading group\ncreated: 2014-01-01\nstatus: proposed\n---\n"
    ),
    "chapters/london/contact.md": "---\ntitle: Contact\n---\n",
    "chapters/uk/blog/2014-01-15-first.md": post(
        "UK first", "2014-01-15", extra="tags: [vision]\n"
    ),
}


def test_urls_are_unique_across_all_pages(fixture_site: FixtureSite) -> None:
    for rel, text in DEMO_FILES.items():
        fixture_site.write(rel, text)
    add_federation(fixture_site)
    plan = fixture_site.plan()
    assert plan.problems == ()
    assert len(plan.redirects) == 3
    every_url = [
        *(i.url for i in plan.site.items),
        *(p.url for p in plan.pages),
        *(r.url for r in plan.redirects),
    ]
    assert [u for u, n in Counter(every_url).items() if n > 1] == []
    outputs = [s.dest_path for s in plan.sources]
    assert len(outputs) == len(every_url)
    assert [d for d, n in Counter(outputs).items() if n > 1] == []
    assert {r.url for r in plan.redirects} == {"blog/view/123/", "news/view/7/", "old/page.html"}


def test_site_lookups(fixture_site: FixtureSite) -> None:
    site: Site = fixture_site.plan().site
    assert set(site.members) == {"ada", "bo"}
    assert set(site.chapters) == {"uk", "london"}
    london: Item = site.chapters["london"]
    assert [c.slug for c in site.sub_chapters("uk")] == [london.slug]
    assert [m.slug for m in views.chapter_members(site, "london")] == ["ada"]
    assert [i.source for i in views.posts_by(site, "ada")] == ["content/blog/2014-01-15-first.md"]
