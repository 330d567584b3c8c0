"""The site's face (issue 17): the frame of every page, posts and listings,
joining and contact, sharing tags and JSON-LD, pagers that say their order.

One build of a small fixture site serves the page checks; `check`'s refusals
of a bad `contact` and a bad `join` run on their own small sites.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from conftest import BASE_FILES, MKDOCS_YML, REPO, FixtureSite

TAGGED = {
    f"content/blog/2014-0{n}-01-post-{n}.md": (
        f"---\ntitle: Post {n}\ndate: 2014-0{n}-01\nauthor: bo\ntags: [{tags}]\n---\n"
        f"Body of post {n}.\n"
    )
    for n, tags in ((2, "strategy"), (3, "strategy, vision"), (4, "ecology"), (5, "strategy"))
}
EXTRA = {
    **TAGGED,
    "content/blog/2015-06-15-deutsch.md": (
        "---\ntitle: Ein Beitrag\ndate: 2015-06-15\nauthor: ada\nlang: de\n---\n"
        "Der erste Absatz sagt, worum es geht. " + "Wort " * 500 + "\n\nZweiter Absatz.\n"
    ),
    "chapters/london/blog/2014-10-01-local.md": (
        "---\ntitle: Local </script><!-- news\ndate: 2014-10-01\nauthor: ada\n"
        "summary: A summary with </script> in it.\n---\nLocal.\n"
    ),
    "chapters/london/blog/2014-11-01-later.md": (
        "---\ntitle: Later local\ndate: 2014-11-01\nauthor: ada\ntags: [vision]\n---\nLater.\n"
    ),
    "content/events/2027-01-10-meeting.md": (
        "---\ntitle: A meeting\nstart: 2027-01-10T18:00\nend: 2027-01-10T20:00\n"
        "location: Town Hall, London\nonline: https://meet.example.org/x\n---\nCome.\n"
    ),
    "content/members/cy.md": "---\nname: Cy Example\n---\nCy.\n",
}
CONTACT = "london@example.org"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = FixtureSite(tmp_path_factory.mktemp("face") / "src")
    config = MKDOCS_YML.format(repo=REPO).replace(
        "    page_size: 2\n", "    page_size: 2\n    join: https://forms.example.org/join\n"
    )
    config += "copyright: Text by the members, under a free licence\n"
    site.write("mkdocs.yml", config)
    for rel, text in {**BASE_FILES, **EXTRA}.items():
        site.write(rel, text)
    london = BASE_FILES["chapters/london/index.md"].replace(
        "---\nLondon", f"contact: {CONTACT}\n---\nLondon"
    )
    site.write("chapters/london/index.md", london)
    result = site.run("build")
    assert result.returncode == 0, result.stderr
    return site.root / "site"


def doc(built: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(built / url / "index.html").getroot()


def texts(elements: list[lxml.html.HtmlElement]) -> list[str]:
    return [" ".join(e.text_content().split()) for e in elements]


# --- the frame ---


@pytest.mark.parametrize(
    ("url", "section", "current"),
    [
        ("blog/", "Blog", "page"),
        ("blog/2014/post-2/", "Blog", "true"),
        ("chapters/london/blog/2014/later/", "Chapters", "true"),
        ("chapters/london/", "Chapters", "true"),
        ("federation/", "Chapters", "true"),
        ("events/2027/meeting/", "Events", "true"),
        ("join/", "Join", "page"),
        ("members/cy/", "Members", "true"),
    ],
)
def test_the_current_section_is_marked_on_every_page(
    built: Path, url: str, section: str, current: str
) -> None:
    marked = doc(built, url).xpath("//header//a[@aria-current] | //footer//a[@aria-current]")
    assert texts(marked) == [section]
    assert marked[0].get("aria-current") == current


def test_the_header_and_footer_link_the_sections_and_the_search_form_works_without_js(
    built: Path,
) -> None:
    page = doc(built, "blog/2014/post-2/")
    assert texts(page.xpath("//header//nav//a")) == [
        "Blog", "News", "Events", "Chapters", "About", "Join",
    ]  # fmt: skip
    assert texts(page.xpath("//footer//nav//a")) == [
        "Members", "Projects", "Polls", "Tags", "Feeds", "Security",
    ]  # fmt: skip
    (form,) = page.xpath("//header//form[@role='search']")
    assert (form.get("method"), form.get("action")) == ("get", "../../../search/")
    assert form.xpath(".//input[@name='q']")
    assert page.xpath("//a[@class='iops-skip' and @href='#main']") and page.xpath(
        "//main[@id='main']"
    )
    assert "Text by the members" in texts(page.xpath("//footer"))[0]


def test_breadcrumbs_lead_back_from_a_deep_page(built: Path) -> None:
    crumbs = doc(built, "chapters/london/blog/2014/later/").xpath("//nav[@class='iops-crumbs']//a")
    assert texts(crumbs) == ["Home", "Chapters", "IOPS London", "Blog"]
    assert [a.get("href") for a in crumbs] == [
        "../../../../../",
        "../../../../../chapters/",
        "../../../../../chapters/london/",
        "../../../../../chapters/london/blog/",
    ]  # fmt: skip
    assert not doc(built, "blog/").xpath("//nav[@class='iops-crumbs']")  # one level deep


def test_the_error_page_offers_search_and_the_main_sections(built: Path) -> None:
    page = lxml.html.parse(built / "404.html").getroot()
    assert page.xpath("//main//form[@role='search' and @action='/search/']//input[@name='q']")
    links = {a.get("href") for a in page.xpath("//main//a")}
    assert {"/blog/", "/news/", "/events/", "/chapters/", "/about/", "/join/"} <= links


def test_our_own_logo_and_favicon(built: Path) -> None:
    page = doc(built, "")
    (icon,) = page.xpath("//link[@rel='icon']")
    assert icon.get("href") == "assets/favicon.svg"
    assert (built / "assets/favicon.svg").read_text("utf-8").startswith("<svg")
    assert (
        page.xpath("//a[@class='iops-logo']//svg")
        and "IOPS" in texts(page.xpath("//a[@class='iops-logo']"))[0]
    )
    assert not page.xpath("//*[contains(@class, 'md-header') or contains(@class, 'md-nav')]")


# --- posts and listings ---


def test_a_post_shows_its_authors_date_reading_time_tags_and_neighbours(built: Path) -> None:
    page = doc(built, "blog/2014/post-3/")
    (byline,) = page.xpath("//article[@class='iops-item']/header/p[@class='iops-byline']")
    assert texts([byline]) == ["March 1, 2014 1 min read"]  # the authors are under it
    assert texts(page.xpath("//ul[@class='iops-authors']//a")) == ["Bo Example"]
    assert page.xpath("//ul[@class='iops-authors']//*[@class='iops-avatar']")
    assert texts(page.xpath("//ul[@class='iops-tags']//a")) == ["strategy", "vision"]
    assert texts(page.xpath("//nav[@class='iops-neighbours']/a")) == [
        "Previous post Post 2",
        "Next post Post 4",
    ]
    long = doc(built, "blog/2015/deutsch/")
    # A German post says it in German.
    assert "3 Min. Lesezeit" in texts(long.xpath("//article/header/p[@class='iops-byline']"))[0]


def test_an_authors_chapter_shows_beside_their_name(built: Path) -> None:
    page = doc(built, "chapters/london/blog/2014/later/")
    assert texts(page.xpath("//ul[@class='iops-authors']//a")) == ["Ada Example", "IOPS London"]


def test_related_posts_share_tags_first_then_the_chapter(built: Path) -> None:
    related = doc(built, "blog/2014/post-3/").xpath("//section[@class='iops-related']//h3//a")
    # post-3 is tagged strategy and vision: "first" (vision) and posts 2 and 5 (strategy)
    # share one tag each; the chapter's post tagged vision shares one too; nearest in time first.
    assert len(related) == 3
    assert {"Post 2", "Post 5", "First post", "Later local"} >= set(texts(related))
    local = doc(built, "chapters/london/blog/2014/local/").xpath(
        "//section[@class='iops-related']//h3//a"
    )
    assert texts(local)[0] == "Later local"  # no shared tag: the same chapter's post


def test_listing_cards_show_date_author_chapter_and_summary(built: Path) -> None:
    cards = doc(built, "chapters/london/blog/").xpath("//article[contains(@class, 'iops-card')]")
    later = cards[0]
    assert texts(later.xpath(".//p[@class='iops-byline']")) == [
        "November 1, 2014 1 min read Ada Example IOPS London"
    ]
    assert texts(cards[1].xpath(".//p[@class='iops-card__summary']")) == [
        "A summary with </script> in it."
    ]


def test_the_members_list_pages_alphabetically_not_by_age(built: Path) -> None:
    pager = texts(doc(built, "members/").xpath("//nav[@class='iops-pager']"))[0]
    assert "A to Z" in pager and "Next page" in pager
    assert "Older" not in pager and "Newer" not in pager
    blog = texts(doc(built, "blog/").xpath("//nav[@class='iops-pager']"))[0]
    assert "newest first" in blog and "Older" in blog


# --- joining and contact ---


def test_the_join_page_has_a_plain_form_posting_to_the_configured_address(built: Path) -> None:
    page = doc(built, "join/")
    (form,) = page.xpath("//form[@class='iops-form']")
    assert (form.get("action"), form.get("method")) == ("https://forms.example.org/join", "post")
    assert {i.get("name") for i in form.xpath(".//input | .//textarea")} >= {"name", "email"}
    assert not page.xpath("//script")  # no third party's script, nor ours
    assert texts(page.xpath("//section//a[contains(@href, 'chapters/london/')]")) == ["IOPS London"]


def test_a_chapter_shows_its_contact(built: Path) -> None:
    page = doc(built, "chapters/london/")
    (link,) = page.xpath("//dl[@class='iops-facts']//a[starts-with(@href, 'mailto:')]")
    assert (link.get("href"), link.text) == (f"mailto:{CONTACT}", CONTACT)


@pytest.mark.parametrize(
    "contact", ["javascript:alert(1)", "not an address", "ftp://example.org/x", "x@y"]
)
def test_check_refuses_a_contact_that_is_neither_email_nor_web_address(
    fixture_site: FixtureSite, contact: str
) -> None:
    london = BASE_FILES["chapters/london/index.md"].replace(
        "---\nLondon", f"contact: '{contact}'\n---\nLondon"
    )
    fixture_site.write("chapters/london/index.md", london)
    result = fixture_site.run("check")
    assert result.returncode == 1
    assert re.search(
        r"chapters/london/index\.md:9: contact: .* is neither an email address nor a web "
        r"address — write an email address such as",
        result.stdout + result.stderr,
    ), result.stdout + result.stderr


@pytest.mark.parametrize("contact", ["berlin@example.org", "https://example.org/contact"])
def test_check_takes_an_email_or_web_contact(fixture_site: FixtureSite, contact: str) -> None:
    london = BASE_FILES["chapters/london/index.md"].replace(
        "---\nLondon", f"contact: {contact}\n---\nLondon"
    )
    fixture_site.write("chapters/london/index.md", london)
    assert fixture_site.problems() == []


def test_a_join_address_that_is_no_web_or_mail_address_is_refused(
    fixture_site: FixtureSite,
) -> None:
    config = (fixture_site.root / "mkdocs.yml").read_text("utf-8")
    fixture_site.write(
        "mkdocs.yml",
        config.replace("    page_size: 2\n", "    page_size: 2\n    join: javascript:x\n"),
    )
    result = fixture_site.run("check")
    assert result.returncode == 1
    assert "mkdocs.yml:16: extra.iops.join: is 'javascript:x'" in result.stdout + result.stderr


# --- sharing ---


def _meta(page: lxml.html.HtmlElement, key: str) -> str | None:
    found = page.xpath(f"//meta[@name='{key}' or @property='{key}']")
    return found[0].get("content") if found else None


def json_ld(page: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    return [json.loads(s.text) for s in page.xpath("//script[@type='application/ld+json']")]


def test_the_description_is_the_summary_else_the_first_paragraph_cut_cleanly(
    built: Path,
) -> None:
    local = doc(built, "chapters/london/blog/2014/local/")
    assert _meta(local, "description") == "A summary with </script> in it."
    german = _meta(doc(built, "blog/2015/deutsch/"), "description")
    assert german is not None and german.startswith("Der erste Absatz sagt, worum es geht. Wort")
    assert german.endswith("Wort…") and len(german) <= 161


def test_opengraph_and_twitter_tags(built: Path) -> None:
    page = doc(built, "blog/2014/post-3/")
    assert _meta(page, "og:title") == "Post 3"
    assert _meta(page, "og:type") == "article"
    assert _meta(page, "og:url") == "https://example.org/blog/2014/post-3/"
    assert _meta(page, "og:description") == "Body of post 3."
    assert _meta(page, "article:published_time") == "2014-03-01T00:00:00+00:00"
    assert _meta(page, "twitter:card") == "summary"
    assert _meta(doc(built, ""), "og:type") == "website"


def test_json_ld_of_a_post_an_event_and_the_organization(built: Path) -> None:
    (post,) = json_ld(doc(built, "blog/2014/post-3/"))
    assert post["@type"] == "BlogPosting"
    assert {"headline", "datePublished", "author", "publisher", "url"} <= post.keys()
    assert post["author"] == [
        {"@type": "Person", "name": "Bo Example", "url": "https://example.org/members/bo/"}
    ]
    (event,) = json_ld(doc(built, "events/2027/meeting/"))
    assert event["@type"] == "Event"
    assert event["startDate"] == "2027-01-10T18:00:00+00:00"
    assert event["endDate"] == "2027-01-10T20:00:00+00:00"
    assert event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert {loc["@type"] for loc in event["location"]} == {"Place", "VirtualLocation"}
    (org,) = json_ld(doc(built, ""))
    assert org["@type"] == "Organization"
    assert {"name", "url", "logo"} <= org.keys()


def test_json_ld_holds_member_text_that_would_end_a_script(built: Path) -> None:
    path = built / "chapters/london/blog/2014/local/index.html"
    html = path.read_text("utf-8")
    script = html[html.index('<script type="application/ld+json">') :]
    script = script[: script.index("</script>")]
    assert "<" not in script.removeprefix('<script type="application/ld+json">')
    (post,) = json_ld(lxml.html.parse(path).getroot())
    assert post["headline"] == "Local </script><!-- news"


# --- pictures ---

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000185d114090000000049454e44ae426082"
)


def test_a_posts_picture_is_on_its_cards_and_shared(fixture_site: FixtureSite) -> None:
    fixture_site.write(
        "chapters/london/blog/2014-10-01-pic.md",
        "---\ntitle: Pic\ndate: 2014-10-01\nauthor: ada\nimage: pics/banner.png\n---\nText.\n",
    )
    fixture_site.write_bytes("chapters/london/blog/pics/banner.png", PNG)
    fixture_site.write("content/members/ada.md", "---\nname: Ada\navatar: ada.png\n---\nBio.\n")
    fixture_site.write_bytes("content/members/ada.png", PNG)
    result = fixture_site.run("build")
    assert result.returncode == 0, result.stderr
    built = fixture_site.root / "site"
    listing = doc(built, "chapters/london/blog/")
    (image,) = listing.xpath("//article[contains(@class, 'iops-card')]//img")
    assert image.get("src") == "../../../chapters/london/blog/pics/banner.png"
    assert (built / "chapters/london/blog/pics/banner.png").is_file()
    post = doc(built, "chapters/london/blog/2014/pic/")
    assert _meta(post, "og:image") == "https://example.org/chapters/london/blog/pics/banner.png"
    assert _meta(post, "twitter:card") == "summary_large_image"
    (avatar,) = post.xpath("//ul[@class='iops-authors']//img")
    assert avatar.get("src") == "../../../../../members/ada.png"
    assert (built / "members/ada.png").is_file()


MISSING_PICTURES = [
    (
        "image",
        "content/blog/2014-02-01-pic.md",
        "---\ntitle: Pic\ndate: 2014-02-01\nauthor: ada\nimage: missing.jpg\n---\nX.\n",
    ),
    ("avatar", "content/members/bo.md", "---\nname: Bo\navatar: ../../secret.png\n---\nX.\n"),
]


@pytest.mark.parametrize(("field", "rel", "text"), MISSING_PICTURES)
def test_check_refuses_a_picture_that_is_not_there(
    fixture_site: FixtureSite, field: str, rel: str, text: str
) -> None:
    fixture_site.write(rel, text)
    problems = fixture_site.problems()
    line = 5 if field == "image" else 3
    assert len(problems) == 1 and problems[0].startswith(
        f"{rel}:{line}: {field}: there is no picture "
    ), problems
    assert "put the picture beside" in problems[0]


# --- the parts rendered once ---


def test_once_renders_a_macro_once_and_puts_each_pages_root_in() -> None:
    import jinja2
    from iops.cards import Person
    from iops.rendering import Once

    macro_text = '{% macro link(p, root) %}<a href="{{ root }}">{{ p.name }}</a>{% endmacro %}'
    # As MkDocs makes it: autoescape off, the templates escape what they print.
    env = jinja2.Environment(loader=jinja2.DictLoader({"m.html": macro_text}))  # noqa: S701
    made: list[str] = []
    module = env.get_template("m.html").module
    macro = module.link  # type: ignore[attr-defined]

    def counted(*args: object) -> str:
        made.append(str(args[0]))
        return str(macro(*args))

    once = Once()
    ada, ada_again = Person("Ada", "", "", "A", "", ""), Person("Ada", "", "", "A", "", "")
    assert once(counted, ada, root="../../", lang="en") == '<a href="../../">Ada</a>'
    assert once(counted, ada, root="", lang="en") == '<a href="./">Ada</a>'  # the home page
    assert len(made) == 1
    once(counted, ada, root="", lang="de")  # another language: its own words
    once(counted, ada_again, root="", lang="en")  # an equal record made apart: not the same
    assert len(made) == 3


def test_a_description_is_the_text_a_reader_sees_not_its_tags_or_scripts() -> None:
    from iops.excerpts import first_paragraph, shorten

    body = 'Hello <script>alert("a")</script> and <img src="x.png" onerror="alert(2)"> a < b.'
    assert first_paragraph(body) == "Hello and a < b."
    # The first block of text, whatever comes before it; cut after a word.
    body = "# Title\n\n| a | b |\n\n<div>x</div>\n\nA [link](/x/) and *more* words.\n\nLater."
    assert first_paragraph(body) == "A link and more words."
    assert shorten(first_paragraph(body), 12) == "A link and…"
