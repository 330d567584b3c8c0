"""Moving an old site's content in: what it has must be taken as it is.

Old addresses kept as aliases (one of them the item's own), several authors
of one post, poll counts that were lost, and founding dates of which only
the year or month is known. One build of a fixture site holds every case.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import feedparser
import lxml.html
import pytest
from atom_validation import atom_errors
from conftest import BASE_FILES, MKDOCS_YML, REPO, FixtureSite
from iops import polls
from iops.dates import PartialDate

TWO_AUTHORS = (
    "---\ntitle: Written together\ndate: 2014-02-01\nauthor: [ada, bo]\n"
    "aliases: [/blog/2014/together/, /old/view/12.html]\n---\nBy both of us.\n"
)
LOST_COUNTS = """\
---
title: Lost counts
opens: 2013-01-01
closes: 2013-01-31
voters: 40
questions:
  - question: "Which name?"
    options:
      - label: "Red"
      - label: "Green"
  - question: "Which day?"
    options:
      - label: "Monday"
        votes: 12
      - label: "Friday"
---
Counted on paper, since lost.
"""
NO_VOTES = """\
---
title: Nobody voted
opens: 2013-02-01
closes: 2013-02-28
questions:
  - question: "Any takers?"
    options:
      - {label: "Yes", votes: 0}
      - {label: "No", votes: 0}
---
"""
EXTRA = {
    "content/blog/2014-02-01-together.md": TWO_AUTHORS,
    "content/polls/lost.md": LOST_COUNTS,
    "content/polls/nobody.md": NO_VOTES,
    "chapters/old-year/index.md": (
        "---\nname: Old Year\nlevel: national\nfounded: 2011\ncountry: IE\n---\nOld.\n"
    ),
    "chapters/old-month/index.md": (
        "---\nname: Old Month\nlevel: national\nfounded: 2012-04\ncountry: FR\n---\nOld.\n"
    ),
    "content/projects/archive.md": (
        "---\ntitle: Archive\ncreated: 2012-03\nstatus: completed\n---\nKept.\n"
    ),
    "content/members/cy.md": "---\nname: Cy Example\njoined: 2013\n---\nCy.\n",
}


def _site(root: Path) -> FixtureSite:
    site = FixtureSite(root)
    site.write("mkdocs.yml", MKDOCS_YML.format(repo=REPO))
    for rel, text in {**BASE_FILES, **EXTRA}.items():
        site.write(rel, text)
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = _site(tmp_path_factory.mktemp("migration") / "src")
    result = site.run("build")
    assert result.returncode == 0, result.stderr
    return site.root / "site"


@pytest.fixture
def site(tmp_path: Path) -> FixtureSite:
    return _site(tmp_path / "src")


def _text(html: str) -> str:
    """The page's words, without tags and with single spaces."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


# --- aliases -------------------------------------------------------------------------


def test_an_alias_equal_to_the_items_own_url_is_accepted(site: FixtureSite) -> None:
    plan = site.plan()
    assert [str(p) for p in plan.problems] == []
    # No redirect over the page itself; the other alias still redirects.
    assert [r.url for r in plan.redirects] == ["old/view/12.html"]


def test_an_alias_differing_from_its_own_url_only_in_case_says_so(site: FixtureSite) -> None:
    site.write(
        "content/blog/2014-02-01-together.md",
        TWO_AUTHORS.replace("/blog/2014/together/", "/Blog/2014/Together/"),
    )
    [problem, *_] = [p for p in site.plan().problems if p.field == "aliases"]
    assert "differs from the page's own address only in case" in problem.hint


def test_redirect_pages_are_in_no_sitemap(fixture_site: FixtureSite) -> None:
    # A build of its own, with one alias and nothing else new: the sitemap alone is tested.
    fixture_site.write(
        "content/blog/2014-02-01-moved.md",
        "---\ntitle: Moved\ndate: 2014-02-01\nauthor: ada\naliases: [/old/view/12.html]\n---\n",
    )
    result = fixture_site.run("build")
    assert result.returncode == 0, result.stderr
    built = fixture_site.root / "site"
    assert "noindex" in (built / "old/view/12.html").read_text("utf-8")
    sitemap = (built / "sitemap-pages.xml").read_text("utf-8")
    assert "https://example.org/blog/2014/moved/" in sitemap
    assert "old/view" not in sitemap


# --- several authors -------------------------------------------------------------------


def test_author_takes_one_handle_or_a_list(site: FixtureSite) -> None:
    plan = site.plan()
    assert plan.problems == ()
    by_source = plan.site.by_source
    assert by_source["content/blog/2014-02-01-together.md"].authors == ("ada", "bo")
    assert by_source["content/blog/2014-01-15-first.md"].authors == ("ada",)
    assert [i.source for i in plan.site.by_author["bo"]] == ["content/blog/2014-02-01-together.md"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[]", "author: the list is empty — name at least one"),
        ("[ada, ada]", "author: 'ada' is listed twice"),
        ("[ada, bob]", "author: there is no member named 'bob' — did you mean 'bo'?"),
    ],
)
def test_a_list_of_authors_is_checked_like_one(site: FixtureSite, value: str, message: str) -> None:
    site.write("content/blog/2014-02-01-together.md", TWO_AUTHORS.replace("[ada, bo]", value))
    problems = site.problems()
    assert any(message in p for p in problems), problems


def test_every_author_is_shown_on_the_post_and_in_listings(built: Path) -> None:
    page = lxml.html.fromstring((built / "blog/2014/together/index.html").read_bytes())
    authors = page.xpath("//ul[@class='iops-authors']/li//a[not(@class)]/text()")
    assert authors == ["Ada Example", "Bo Example"]
    listing = lxml.html.fromstring((built / "blog/index.html").read_bytes())
    [card] = listing.xpath("//article[contains(@class, 'iops-card')][.//a='Written together']")
    assert card.xpath(".//p[@class='iops-byline']/a/text()")[:2] == ["Ada Example", "Bo Example"]


def test_the_post_is_on_each_authors_page_and_feed(built: Path) -> None:
    for handle in ("ada", "bo"):
        page = (built / f"members/{handle}/index.html").read_text("utf-8")
        assert "Written together" in page, handle
        feed = feedparser.parse((built / f"members/{handle}/atom.xml").read_bytes())
        assert "Written together" in [e.title for e in feed.entries], handle


def test_feeds_carry_every_author_and_stay_valid(built: Path) -> None:
    feed = feedparser.parse((built / "blog/atom.xml").read_bytes())
    [entry] = [e for e in feed.entries if e.title == "Written together"]
    assert [a.name for a in entry.authors] == ["Ada Example", "Bo Example"]
    assert atom_errors(sorted(built.rglob("atom.xml"))) == []
    for path in sorted(built.rglob("rss.xml")):
        assert not feedparser.parse(path.read_bytes()).bozo, path


# --- polls whose counts were lost --------------------------------------------------------


def test_votes_may_be_left_out_and_nothing_is_invented(site: FixtureSite) -> None:
    plan = site.plan()
    assert plan.problems == ()
    poll = polls.tally(plan.site, plan.site.by_source["content/polls/lost.md"])
    names, day = poll.questions
    assert names.recorded == "none" and names.total is None and names.turnout_tenths is None
    assert [(o.votes, o.percent_text) for o in names.options] == [(None, None), (None, None)]
    assert day.recorded == "some" and day.unrecorded == ("Friday",)
    assert [(o.votes, o.percent) for o in day.options] == [(12, None), (None, None)]


def test_the_poll_page_says_which_results_were_not_recorded(built: Path) -> None:
    page = _text((built / "polls/lost/index.html").read_text("utf-8"))
    assert "Red: not recorded" in page
    assert "The results of this question were not recorded." in page
    assert "Monday: 12 votes" in page and "Friday: not recorded" in page
    assert "The votes for “Friday” were not recorded, so no total or percentages" in page
    results = page.split("Results", 1)[1]
    assert "%" not in results and "No votes" not in results and "answers" not in results


def test_the_result_files_say_unknown(built: Path) -> None:
    data = json.loads((built / "polls/lost/results.json").read_bytes())
    names, day = data["questions"]
    assert names["answers"] is None and names["votes_recorded"] == "none"
    assert names["options"] == [
        {"label": "Red", "votes": None, "percent": None},
        {"label": "Green", "votes": None, "percent": None},
    ]
    assert day["votes_recorded"] == "some" and day["turnout_percent"] is None
    assert [o["votes"] for o in day["options"]] == [12, None]
    text = (built / "polls/lost/results.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1:] == [
        ["Which name?", "Red", "", ""],
        ["Which name?", "Green", "", ""],
        ["Which day?", "Monday", "12", ""],
        ["Which day?", "Friday", "", ""],
    ]


def test_a_closed_poll_with_no_votes_does_not_wait_for_more(built: Path) -> None:
    page = _text((built / "polls/nobody/index.html").read_text("utf-8"))
    assert "No votes were cast." in page and "No votes yet" not in page


# --- dates known to the year or month ---------------------------------------------------


def test_founded_created_and_joined_take_a_year_or_a_month(site: FixtureSite) -> None:
    plan = site.plan()
    assert plan.problems == ()
    by_source = plan.site.by_source
    assert by_source["chapters/old-year/index.md"].field("founded") == PartialDate(2011)
    assert by_source["content/projects/archive.md"].field("created") == PartialDate(2012, 3)
    assert by_source["content/members/cy.md"].field("joined") == PartialDate(2013)


def test_pages_show_only_the_precision_given(built: Path) -> None:
    chapter = (built / "chapters/old-year/index.html").read_text("utf-8")
    assert '<time datetime="2011">2011</time>' in chapter
    month = (built / "chapters/old-month/index.html").read_text("utf-8")
    assert '<time datetime="2012-04">April 2012</time>' in month
    project = (built / "projects/archive/index.html").read_text("utf-8")
    assert '<time datetime="2012-03">March 2012</time>' in project
    member = _text((built / "members/cy/index.html").read_text("utf-8"))
    assert "Member since 2013" in member
    everything = " ".join(
        _text(p.read_text("utf-8"))
        for p in (built / "chapters/old-year/index.html", built / "projects/index.html")
    )
    assert "January 1" not in everything and "March 1," not in everything


def test_listings_sort_partial_dates_among_full_ones(built: Path) -> None:
    home = _text((built / "index.html").read_text("utf-8"))
    # Newest first; a month or year sorts at its start: 2013-05-01, 2012-04, 2012-03-01, 2011.
    newest = home.split("Newest chapters", 1)[1]
    order = [newest.index(name) for name in ("IOPS London", "Old Month", "IOPS UK", "Old Year")]
    assert order == sorted(order)


def test_a_year_out_of_range_is_refused_as_for_a_full_date(site: FixtureSite) -> None:
    site.write("chapters/old-year/index.md", "---\nname: Y\nlevel: national\nfounded: 1212\n---\n")
    assert any("founded: the year 1212 is not between 1900 and 2100" in p for p in site.problems())


def test_the_new_markup_is_valid_html(built: Path, tmp_path: Path) -> None:
    """The pages this file's cases change, through the Nu Html Checker, with
    Material's known errors allowed as tests/test_output.py allows them."""
    from test_output import VNU_BASELINE, baseline_breaches, parse_vnu, vnu_command

    pages = [
        "blog/2014/together/index.html",
        "blog/index.html",
        "polls/lost/index.html",
        "chapters/old-year/index.html",
        "chapters/old-month/index.html",
        "projects/archive/index.html",
        "projects/index.html",
        "members/cy/index.html",
        "index.html",
    ]
    for page in pages:
        target = tmp_path / "pages" / page
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built / page, target)
    done = subprocess.run(
        vnu_command(tmp_path / "pages"), capture_output=True, timeout=600, check=True
    )
    errors = parse_vnu(done.stderr.decode("utf-8"), tmp_path / "pages")
    baseline = json.loads(VNU_BASELINE.read_text("utf-8"))["errors"]
    breaches = [b for b in baseline_breaches(errors, baseline) if "no longer occurs" not in b]
    assert breaches == []


def test_a_partial_date_reads_as_typed() -> None:
    assert [str(PartialDate(2012)), str(PartialDate(2012, 3))] == ["2012", "2012-03"]
