"""Polls: results computed from the votes, listings, what pages show of polls, files.

Totals, percentages and turnout are never typed in: `tally` computes them
once from each option's votes, as frozen data that the pages, the JSON and
the CSV all read, so the three can never disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from . import urls
from .listings import GeneratedPage, Pager, paginate
from .model import Item, Site, newest_first
from .outputs import Output
from .translations import N_, Phrase

WHOLE = 1000
"""All of a question's answers, in tenths of a percent: shares are whole numbers
of tenths, so rounding is exact and the files show the same digits as the page."""


class PollState(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class OptionResult:
    label: str
    votes: int | None
    """None when the count was not recorded (lost with an old site)."""
    tenths: int | None
    """The option's share of the question's answers, in tenths of a percent;
    None when any option's count of the question is unknown (see `QuestionResult`)."""

    @property
    def percent(self) -> float | None:
        return None if self.tenths is None else self.tenths / 10

    @property
    def percent_text(self) -> str | None:
        """'68.6': always one decimal, the same on the page, in the CSV and the bar."""
        return None if self.tenths is None else f"{self.tenths // 10}.{self.tenths % 10}"


@dataclass(frozen=True)
class QuestionResult:
    """A question's results. Where some options' counts were not recorded, the
    others are shown as they are, but no total, share or turnout: each would be
    a guess."""

    question: str
    options: tuple[OptionResult, ...]
    total: int | None
    """Answers given: the sum of the options' votes; None when one is unknown."""
    turnout_tenths: int | None
    """The share of the poll's voters who answered, in tenths of a percent; None
    when voters is not given, or when there are more answers than voters (several
    options could be chosen, so who answered cannot be told), or with no total."""

    @property
    def unrecorded(self) -> tuple[str, ...]:
        """The labels of the options whose counts were not recorded."""
        return tuple(o.label for o in self.options if o.votes is None)

    @property
    def recorded(self) -> str:
        """Whether "all", "some" or "none" of the options' counts are known."""
        unknown = len(self.unrecorded)
        return "all" if not unknown else "none" if unknown == len(self.options) else "some"

    @property
    def turnout_text(self) -> str | None:
        if self.turnout_tenths is None:
            return None
        return f"{self.turnout_tenths // 10}.{self.turnout_tenths % 10}"


@dataclass(frozen=True)
class Poll:
    """A poll with everything computed from its votes and from the build's now."""

    item: Item
    state: PollState
    closes_at: dt.datetime
    """The first moment after the poll: `closes` is the whole of that day."""
    voters: int | None
    questions: tuple[QuestionResult, ...]
    chapter: str = ""
    """The name of the chapter that asks, or ""."""
    chapter_url: str = ""

    @property
    def json_url(self) -> str:
        return self.item.url + RESULT_FILES["json"]

    @property
    def csv_url(self) -> str:
        return self.item.url + RESULT_FILES["csv"]


# --- arithmetic ------------------------------------------------------------------


def shares(votes: Sequence[int]) -> tuple[int, ...]:
    """Each count's share of their sum, in tenths of a percent, adding up to 100.0%.

    Largest remainders: every share is first rounded down, and the tenths left
    over go to the shares that lost most. Options with the same fraction are
    rounded alike, even where that stops the sum being exactly 100.0% (three
    equal options show 33.3% each): from there on each share is rounded to the
    nearest tenth, so no share is ever more than a rounding away from the truth.
    """
    total = sum(votes)
    if total == 0:
        return tuple(0 for _ in votes)
    result = [count * WHOLE // total for count in votes]
    remainders = [count * WHOLE % total for count in votes]
    left = WHOLE - sum(result)
    exact = True
    for remainder in sorted(set(remainders) - {0}, reverse=True):
        if exact and left == 0:
            break
        group = [i for i, r in enumerate(remainders) if r == remainder]
        exact = exact and len(group) <= left
        if exact or 2 * remainder >= total:
            for i in group:
                result[i] += 1
            left -= len(group)
    return tuple(result)


def turnout(answers: int, voters: int | None) -> int | None:
    """answers / voters in tenths of a percent, rounded half up; see QuestionResult."""
    if voters is None or voters <= 0 or answers > voters:
        return None
    return (answers * 2 * WHOLE + voters) // (2 * voters)


def question_result(question: dict[str, Any], voters: int | None) -> QuestionResult:
    options = question["options"]
    votes = [option.get("votes") for option in options]
    known = [count for count in votes if count is not None]
    if len(known) < len(votes):  # no total, so no shares of it
        results = tuple(
            OptionResult(o["label"], count, None) for o, count in zip(options, votes, strict=True)
        )
        return QuestionResult(question["question"], results, None, None)
    results = tuple(
        OptionResult(option["label"], count, share)
        for option, count, share in zip(options, known, shares(known), strict=True)
    )
    return QuestionResult(question["question"], results, sum(known), turnout(sum(known), voters))


# --- time ------------------------------------------------------------------------


def closing_moment(poll: Item) -> dt.datetime:
    """Midnight after `closes`, in the poll's timezone (its chapter's, else the site's),
    which the loader gave `poll.when` (opens, at midnight)."""
    assert poll.when is not None  # opens is required
    day_after = poll.field("closes") + dt.timedelta(days=1)
    return dt.datetime.combine(day_after, dt.time(), poll.when.tzinfo)


def poll_state(poll: Item, now: dt.datetime) -> PollState:
    assert poll.when is not None  # opens is required
    if now < poll.when:
        return PollState.UPCOMING
    return PollState.OPEN if now < closing_moment(poll) else PollState.CLOSED


def tally(site: Site, poll: Item) -> Poll:
    voters = poll.field("voters")
    chapter = site.chapters.get(poll.owner or "")
    return Poll(
        poll,
        poll_state(poll, site.now),
        closing_moment(poll),
        voters,
        tuple(question_result(q, voters) for q in poll.field("questions")),
        chapter.title if chapter else "",
        chapter.url if chapter else "",
    )


def tallies(site: Site) -> list[Poll]:
    return [tally(site, poll) for poll in site.of_kind("poll")]


def ordered(site: Site, polls: Sequence[Item]) -> list[Poll]:
    """Open polls first, then newest first by opening."""
    tallied = [tally(site, poll) for poll in newest_first(list(polls))]
    return sorted(tallied, key=lambda p: p.state != PollState.OPEN)


def latest_closed(site: Site) -> Poll | None:
    """The poll that closed last: its results are the newest final ones."""
    closed = [p for p in tallies(site) if p.state == PollState.CLOSED]
    return max(closed, key=lambda p: (p.closes_at, p.item.source), default=None)


# --- pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class PollListing:
    title: str
    polls: tuple[Poll, ...]
    pager: Pager | None = None


def listing_url(owner: str | None) -> str:
    return urls.listing_url("section", owner=owner, section="polls")


def pages(site: Site) -> list[GeneratedPage]:
    """All polls at polls/, and each chapter's (with its sub-chapters') that has any."""
    result = _listing_pages(site, site.of_kind("poll"), None, N_("Polls"))
    for chapter in site.of_kind("chapter"):
        polls = site.owned_by("poll", site.chapter_family(chapter.slug))
        if polls:
            result += _listing_pages(
                site,
                polls,
                chapter.slug,
                Phrase("%(section)s: %(chapter)s", section=N_("Polls"), chapter=chapter.title),
            )
    return result


def _listing_pages(
    site: Site, polls: Sequence[Item], owner: str | None, title: str
) -> list[GeneratedPage]:
    in_order = ordered(site, polls)
    by_source = {poll.item.source: poll for poll in in_order}
    page_url = urls.listing_url("section_page", owner=owner, section="polls", number="{number}")
    return [
        GeneratedPage(
            url,
            "polls.html",
            title,
            PollListing(title, tuple(by_source[i.source] for i in listing.items), listing.pager),
            f"the {title} listing",
        )
        for url, listing in paginate(
            site, [poll.item for poll in in_order], listing_url(owner), page_url, title
        )
    ]


def context(site: Site, item: Item) -> dict[str, Any]:
    """What the page of `item` shows of polls (its own page, a chapter, a member, home)."""
    if item.kind == "poll":
        return {"poll": tally(site, item), "polls_url": listing_url(None)}
    if item.kind == "chapter":
        polls = ordered(site, site.owned_by("poll", site.chapter_family(item.slug)))
        return {
            "chapter_polls": polls[: site.settings.home_size],
            "chapter_polls_url": listing_url(item.slug) if polls else None,
        }
    if item.url == "":
        open_now = [p for p in ordered(site, site.of_kind("poll")) if p.state == PollState.OPEN]
        return {
            "latest_poll": latest_closed(site),
            "open_polls": open_now[: site.settings.home_size],
            "polls_url": listing_url(None),
        }
    return {}


# --- files -----------------------------------------------------------------------


def results_data(site_url: str, poll: Poll) -> dict[str, Any]:
    """The results as plain data: percentages as numbers with one decimal;
    a count that was not recorded, and what cannot be worked out without it,
    as null."""
    return {
        "title": poll.item.title,
        "url": site_url + poll.item.url,
        "opens": poll.item.field("opens").isoformat(),
        "closes": poll.item.field("closes").isoformat(),
        "state": str(poll.state),
        "voters": poll.voters,
        "questions": [
            {
                "question": q.question,
                "answers": q.total,
                "votes_recorded": q.recorded,
                "turnout_percent": None if q.turnout_tenths is None else q.turnout_tenths / 10,
                "options": [
                    {"label": o.label, "votes": o.votes, "percent": o.percent} for o in q.options
                ],
            }
            for q in poll.questions
        ],
    }


def render_json(site_url: str, poll: Poll) -> bytes:
    text = json.dumps(results_data(site_url, poll), ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")


def render_csv(site_url: str, poll: Poll) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: quoted where needed, CRLF line ends
    writer.writerow(["question", "option", "votes", "percent"])
    for q in poll.questions:  # a count not recorded, and its share, are left empty
        writer.writerows([q.question, o.label, o.votes, o.percent_text] for o in q.options)
    return buffer.getvalue().encode("utf-8")


RESULT_FILES = {"json": "results.json", "csv": "results.csv"}
_RENDERERS: dict[str, Callable[[str, Poll], bytes]] = {"json": render_json, "csv": render_csv}


def outputs(site: Site) -> list[Output]:
    """Each poll's results beside its page, once it has opened. Made from
    the poll and the site's address alone, not the whole site: the build
    cache keeps an output by a digest of what it is made from, and the
    site holds the build's time, which is new on every build."""
    return [
        Output(
            poll.item.url + RESULT_FILES[form],
            partial(render, site.settings.site_url, poll),
            f"the {form.upper()} results of {poll.item.source}",
        )
        for poll in tallies(site)
        if poll.state != PollState.UPCOMING
        for form, render in _RENDERERS.items()
    ]
