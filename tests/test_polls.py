"""Polls: results computed from the votes, state against now, result files, bad input,
and one real build of a poll page, its files and a project page."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from pathlib import Path

import pytest
from conftest import BASE_FILES, MKDOCS_YML, NOW, REPO, FixtureSite
from engine.fingerprint import of_build
from iops import polls, templating
from iops.plan import plan_site
from iops.polls import PollState
from iops.settings import load_settings

FUTURE = "content/polls/future.md"
FUTURE_TEXT = """\
---
title: Poll on the future of IOPS
opens: 2014-07-01
closes: 2014-07-23
author: ada
voters: 245
questions:
  - question: Should we drop or keep the preconditions?
    options:
      - label: remove preconditions
        votes: 164
      - label: keep preconditions
        votes: 75
  - question: "Who decides, and how?"
    options:
      - {label: "chapters, \\"by vote\\"", votes: 3}
      - {label: nobody, votes: 0}
---
Six questions, in the original.
"""
OPEN = "chapters/london/polls/open.md"
OPEN_TEXT = """\
---
title: Still open
opens: 2026-11-01
closes: 2026-12-31
questions:
  - question: Which evening?
    options:
      - {label: Tuesday, votes: 2}
      - {label: Thursday, votes: 1}
---
"""
UPCOMING = "content/polls/later.md"
UPCOMING_TEXT = """\
---
title: Not yet
opens: 2027-01-01
closes: 2027-01-31
questions:
  - question: Which colour?
    options:
      - {label: Red, votes: 0}
---
"""
PROJECT = "content/projects/wiki.md"
PROJECT_TEXT = (
    "---\ntitle: Wiki\ncreated: 2013-02-01\nstatus: active\nmembers: [ada, bo]\n---\nA wiki.\n"
)
CHAPTER_PROJECT = "chapters/london/projects/video.md"
CHAPTER_PROJECT_TEXT = (
    "---\ntitle: Video\ncreated: 2012-06-01\nstatus: completed\nmembers: [ada]\n---\nFilms.\n"
)


# --- arithmetic ----------------------------------------------------------------

SHARES = [
    # votes, shares in tenths of a percent
    ([164, 75], (686, 314)),  # the 2014 poll: 68.6% and 31.4% of 239
    ([0, 0], (0, 0)),  # no votes: no division by zero
    ([], ()),
    ([7], (1000,)),  # one option has everything
    ([0, 5], (0, 1000)),
    ([2, 1], (667, 333)),
    ([1, 1, 1], (333, 333, 333)),  # equal votes, equal shares: 99.9%
    ([1] * 7, (143,) * 7),  # 14.3% each, rounded to the nearest: 100.1%
    ([75, 102, 38, 12, 10, 2], (314, 427, 159, 50, 42, 8)),  # sums to 100.0%
    ([1, 2, 3, 4], (100, 200, 300, 400)),
]


@pytest.mark.parametrize(("votes", "expected"), SHARES)
def test_shares_of_the_total(votes: list[int], expected: tuple[int, ...]) -> None:
    shares = polls.shares(votes)
    assert shares == expected
    if sum(votes) and len(set(votes)) == len(votes):
        assert sum(shares) == polls.WHOLE  # distinct counts always add up to 100.0%
    for count, share in zip(votes, shares, strict=True):
        exact = count * polls.WHOLE / (sum(votes) or 1)
        assert abs(share - exact) < 1  # never more than a rounding away


@pytest.mark.parametrize(
    ("answers", "voters", "expected"),
    [(239, 245, 976), (0, 245, 0), (10, 10, 1000), (3, None, None), (0, 0, None), (12, 10, None)],
)
def test_turnout(answers: int, voters: int | None, expected: int | None) -> None:
    assert polls.turnout(answers, voters) == expected


def test_question_result_of_the_2014_seed() -> None:
    question = {
        "question": "Preconditions?",
        "options": ({"label": "remove", "votes": 164}, {"label": "keep", "votes": 75}),
    }
    result = polls.question_result(question, 245)
    assert result.total == 239
    assert [(o.votes, o.percent_text, o.percent) for o in result.options] == [
        (164, "68.6", 68.6),
        (75, "31.4", 31.4),
    ]
    assert result.turnout_text == "97.6"
    empty = polls.question_result({"question": "?", "options": ()}, 245)
    assert (empty.total, empty.options, empty.turnout_text) == (0, (), "0.0")


# --- open, closed, upcoming ----------------------------------------------------

CLOSES_TODAY = """\
---
title: Today
opens: 2026-11-20
closes: 2026-11-23
questions:
  - question: Q?
    options: [{label: a, votes: 1}]
---
"""


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("rel", "now", "state"),
    [
        # The site's zone (Europe/London, GMT in November): opens at its midnight…
        ("content/polls/today.md", "2026-11-19T23:59:59+00:00", PollState.UPCOMING),
        ("content/polls/today.md", "2026-11-20T00:00:00+00:00", PollState.OPEN),
        # …and closes at the end of the closing day, not its start.
        ("content/polls/today.md", "2026-11-23T23:59:59+00:00", PollState.OPEN),
        ("content/polls/today.md", "2026-11-24T00:00:00+00:00", PollState.CLOSED),
        # A chapter's own zone: New York's day ends five hours after London's.
        ("chapters/nyc/polls/today.md", "2026-11-24T04:59:59+00:00", PollState.OPEN),
        ("chapters/nyc/polls/today.md", "2026-11-24T05:00:00+00:00", PollState.CLOSED),
        ("chapters/nyc/polls/today.md", "2026-11-20T04:59:59+00:00", PollState.UPCOMING),
    ],
)
def test_state_around_the_boundaries(
    fixture_site: FixtureSite, rel: str, now: str, state: PollState
) -> None:
    fixture_site.write(
        "chapters/nyc/index.md",
        "---\nname: NYC\nlevel: local\nfounded: 2013-01-01\ntimezone: America/New_York\n---\n",
    )
    fixture_site.write(rel, CLOSES_TODAY)
    plan = fixture_site.plan(at(now))
    assert plan.problems == ()
    assert polls.poll_state(plan.site.by_source[rel], at(now)) == state


def test_listing_puts_open_polls_first_then_newest(fixture_site: FixtureSite) -> None:
    for rel, text in ((FUTURE, FUTURE_TEXT), (OPEN, OPEN_TEXT), (UPCOMING, UPCOMING_TEXT)):
        fixture_site.write(rel, text)
    plan = fixture_site.plan()
    pages = {page.url: page for page in plan.pages}
    listed = [p.item.source for p in pages["polls/"].view.polls]
    listed += [p.item.source for p in pages["polls/page/2/"].view.polls]  # page size 2
    assert listed == [OPEN, UPCOMING, FUTURE]
    assert [p.state for p in pages["polls/"].view.polls] == ["open", "upcoming"]
    # London's polls roll up to the UK; the home page shows the last closed poll.
    assert [p.item.source for p in pages["chapters/uk/polls/"].view.polls] == [OPEN]
    home = polls.context(plan.site, plan.site.by_url[""])
    assert home["latest_poll"].item.source == FUTURE


# --- files ---------------------------------------------------------------------


def test_results_files_parse_back_and_are_stable(fixture_site: FixtureSite) -> None:
    for rel, text in ((FUTURE, FUTURE_TEXT), (OPEN, OPEN_TEXT), (UPCOMING, UPCOMING_TEXT)):
        fixture_site.write(rel, text)
    first, second = fixture_site.plan(), fixture_site.plan()
    files = {o.path: o.content for o in first.outputs if o.path.endswith(("json", "csv"))}
    assert files == {o.path: o.content for o in second.outputs if o.path in files}
    # An upcoming poll has no results yet.
    assert sorted(files) == [
        "chapters/london/polls/open/results.csv",
        "chapters/london/polls/open/results.json",
        "polls/future/results.csv",
        "polls/future/results.json",
    ]
    poll = polls.tally(first.site, first.site.by_source[FUTURE])
    raw = files["polls/future/results.json"]
    assert raw.endswith(b"}\n") and b"\r" not in raw
    data = json.loads(raw)
    assert list(data) == sorted(data)
    assert (data["state"], data["voters"], data["url"]) == (
        "closed",
        245,
        "https://example.org/polls/future/",
    )
    assert [
        [(o["label"], o["votes"], o["percent"]) for o in q["options"]] for q in data["questions"]
    ] == [[(o.label, o.votes, o.percent) for o in q.options] for q in poll.questions]
    assert data["questions"][0]["options"][0] == {
        "label": "remove preconditions",
        "percent": 68.6,
        "votes": 164,
    }
    assert data["questions"][0]["turnout_percent"] == 97.6
    rows = list(csv.reader(io.StringIO(files["polls/future/results.csv"].decode("utf-8"))))
    assert rows[0] == ["question", "option", "votes", "percent"]
    assert rows[1:] == [
        [q.question, o.label, str(o.votes), o.percent_text]
        for q in poll.questions
        for o in q.options
    ]
    assert rows[3] == ["Who decides, and how?", 'chapters, "by vote"', "3", "100.0"]


# --- bad input -----------------------------------------------------------------
# A problem inside `questions` names the line where the list starts (the reader
# keeps no finer lines for what the schema accepted); the schema's own errors
# name the exact line of the value.


def poll_with(questions: str, extra: str = "") -> str:
    return (
        f"---\ntitle: Bad\nopens: 2014-07-01\ncloses: 2014-07-23\n{extra}"
        f"questions:\n{questions}---\nText.\n"
    )


ONE = "  - question: Q?\n    options:\n      - label: a\n        votes: {votes}\n"
BAD_POLLS = [
    # front matter, the problem's start, what it says
    (poll_with(ONE.format(votes=-3)), "6: questions:", "'a' of question 1 ('Q?') has negative"),
    (poll_with(ONE.format(votes="many")), "9: questions:", "'many' is not a whole number"),
    (poll_with(ONE.format(votes=2.5)), "9: questions:", "'2.5' is not a whole number"),
    (
        poll_with(ONE.format(votes=1) + "      - {label: a, votes: 2}\n"),
        "6: questions:",
        "the option 'a' is given twice in question 1 ('Q?')",
    ),
    (poll_with(ONE.format(votes=1), "voters: -1\n"), "5: voters:", "voters is negative (-1)"),
    (poll_with("  - question: Q?\n    options: []\n"), "6: questions:", "question 1 ('Q?') has no"),
    (poll_with("  []\n"), "6: questions:", "the poll has no questions"),
    (
        poll_with(ONE.format(votes=1)).replace("closes: 2014-07-23", "closes: 2014-06-30"),
        "4: closes:",
        "the poll closes before it opens",
    ),
]


def test_results_files_are_kept_by_the_cache_while_their_poll_is_unchanged(
    fixture_site: FixtureSite,
) -> None:
    # The build cache keeps each output by a digest of what it is made from:
    # a results file made from the whole site (which holds the build's time)
    # was made again on every build, a tenth of a rebuild at 10,000 posts.
    for rel, text in ((FUTURE, FUTURE_TEXT), (OPEN, OPEN_TEXT)):
        fixture_site.write(rel, text)

    def keys(now: dt.datetime) -> dict[str, str | None]:
        plan = fixture_site.plan(now)
        fingerprints = of_build()
        return {
            o.path: templating._output_key(fingerprints, "code", o)
            for o in plan.outputs
            if o.path.endswith(("json", "csv"))
        }

    today = keys(NOW)
    assert len(today) == 4 and None not in today.values()
    assert keys(NOW + dt.timedelta(hours=1)) == today
    # Once the open poll closes, its files say so: they are made again.
    later = keys(NOW + dt.timedelta(days=3650))
    changed = {path for path in today if later[path] != today[path]}
    assert changed == {
        "chapters/london/polls/open/results.json",
        "chapters/london/polls/open/results.csv",
    }


@pytest.mark.parametrize(("text", "where", "message"), BAD_POLLS)
def test_bad_polls_name_file_line_and_field(
    fixture_site: FixtureSite, text: str, where: str, message: str
) -> None:
    fixture_site.write("content/polls/bad.md", text)
    problems = fixture_site.problems()
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"content/polls/bad.md:{where}"), problems
    assert message in problems[0]
    assert " — " in problems[0]  # and how to fix it


def test_fewer_voters_than_answers_is_no_error(fixture_site: FixtureSite) -> None:
    # People may choose several options: turnout is then unknown, not over 100%.
    fixture_site.write("content/polls/many.md", poll_with(ONE.format(votes=30), "voters: 10\n"))
    plan = fixture_site.plan()
    assert plan.problems == ()
    poll = polls.tally(plan.site, plan.site.by_source["content/polls/many.md"])
    assert (poll.questions[0].total, poll.questions[0].turnout_tenths) == (30, None)


# --- one real build ------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = FixtureSite(tmp_path_factory.mktemp("polls") / "src")
    site.write("mkdocs.yml", MKDOCS_YML.format(repo=REPO))
    files = {**BASE_FILES, FUTURE: FUTURE_TEXT, OPEN: OPEN_TEXT, UPCOMING: UPCOMING_TEXT}
    for rel, text in {
        **files,
        PROJECT: PROJECT_TEXT,
        CHAPTER_PROJECT: CHAPTER_PROJECT_TEXT,
    }.items():
        site.write(rel, text)
    result = site.run("build", epoch=NOW)
    assert result.returncode == 0, result.stderr
    return site.root / "site"


def text_of(html_text: str) -> str:
    """What a text browser or a screen reader gets: no tags, no aria-hidden bars."""
    visible = re.sub(
        r'<span class="iops-poll__bar" aria-hidden="true">.*?</span></span>', "", html_text
    )
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", visible)).split())


def test_poll_page_shows_results_as_text_and_bars(built: Path) -> None:
    page = (built / "polls/future/index.html").read_text("utf-8")
    text = text_of(page)
    assert "remove preconditions: 164 votes, 68.6%" in text
    assert "keep preconditions: 75 votes, 31.4%" in text
    assert "nobody: 0 votes, 0.0%" in text
    assert "239 answers from 245 voters (97.6% answered)" in text
    assert '<span class="iops-poll__bar" aria-hidden="true"><span style="width: 68.6%">' in page
    assert 'href="results.json"' in page and 'href="results.csv"' in page
    saved = json.loads((built / "polls/future/results.json").read_bytes())
    assert saved["questions"][0]["options"][1]["percent"] == 31.4
    assert (built / "polls/future/results.csv").read_text("utf-8").startswith("question,option")


def test_open_and_upcoming_polls_say_so(built: Path) -> None:
    open_text = text_of((built / "chapters/london/polls/open/index.html").read_text("utf-8"))
    assert "results so far" in open_text and "Tuesday: 2 votes, 66.7%" in open_text
    later = (built / "polls/later/index.html").read_text("utf-8")
    assert "Which colour?" in later and "Red" in text_of(later)
    assert "votes" not in text_of(later) and "iops-poll__bar" not in later
    assert not (built / "polls/later/results.json").exists()


def test_home_listing_and_project_pages(built: Path) -> None:
    home = text_of((built / "index.html").read_text("utf-8"))
    assert "Latest poll results Poll on the future of IOPS" in home
    assert "remove preconditions: 164 votes, 68.6%" in home
    assert "Newest projects Wiki · Active" in home
    listing = text_of((built / "polls/index.html").read_text("utf-8"))
    assert listing.index("Still open") < listing.index("Not yet")
    project = (built / "projects/wiki/index.html").read_text("utf-8")
    assert "Active" in project and "February 1, 2013" in project
    assert 'href="../../members/ada/"' in project and "Bo Example" in project
    assert "A wiki." in project
    assert "Wiki" in (built / "members/bo/index.html").read_text("utf-8")


def test_chapter_and_member_pages_show_their_projects(built: Path) -> None:
    video = (built / "chapters/london/projects/video/index.html").read_text("utf-8")
    assert (
        "Completed" in video
        and '<dt>Chapter</dt><dd><a href="../../../../chapters/london/">IOPS London</a>' in video
    )
    for chapter in ("london", "uk"):  # the UK chapter rolls up London's
        page = text_of((built / f"chapters/{chapter}/index.html").read_text("utf-8"))
        assert "Projects Video · Completed" in page, chapter
        assert (built / f"chapters/{chapter}/projects/index.html").exists()
    ada = text_of((built / "members/ada/index.html").read_text("utf-8"))
    assert "Projects Wiki · Active" in ada and "Video · Completed" in ada
    assert "Video" not in (built / "members/bo/index.html").read_text("utf-8")
    listing = text_of((built / "projects/index.html").read_text("utf-8"))
    assert listing.index("Active (1)") < listing.index("Completed (1)")


# --- the demo site ---------------------------------------------------------------


def test_demo_polls_include_a_many_question_poll_and_an_open_one() -> None:
    site = plan_site(load_settings(REPO), NOW).site
    demo = polls.tallies(site)
    assert len(demo) >= 4
    assert max(len(p.questions) for p in demo) >= 5  # like the 2014 poll on the future
    assert any(p.state == PollState.OPEN for p in demo)
    assert any(p.state == PollState.CLOSED for p in demo)
    assert any(q.turnout_tenths is not None for p in demo for q in p.questions)
    assert any(p.item.owner for p in demo)  # a chapter's poll too
