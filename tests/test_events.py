"""Events: upcoming and past, chapter roll-ups, times in words, bad times, one build."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import NOW, REPO, FixtureSite
from iops import events
from iops.listings import GeneratedPage
from iops.plan import Plan, plan_site
from iops.settings import load_settings

# NOW is 2026-11-23 12:00 UTC.
LONDON = "chapters/london/events"
UK = "chapters/uk/events"


def event(title: str, start: str, end: str | None = None, extra: str = "") -> str:
    ends = f"end: {end}\n" if end else ""
    return f"---\ntitle: {title}\nstart: {start}\n{ends}{extra}---\nAbout {title}.\n"


def pages_by_url(plan: Plan) -> dict[str, GeneratedPage]:
    return {page.url: page for page in plan.pages}


def titles(page: GeneratedPage) -> list[str]:
    return [item.title for item in page.view.items]


@pytest.fixture
def event_site(fixture_site: FixtureSite) -> FixtureSite:
    """Events around NOW: over, going on, to come; in London and in the UK chapter."""
    for rel, text in {
        f"{LONDON}/2026-11-01-over.md": event("Over", "2026-11-01T18:00", "2026-11-01T20:00"),
        f"{LONDON}/2026-11-23-going-on.md": event(
            "Going on", "2026-11-23T09:00", "2026-11-23T17:00"
        ),
        f"{LONDON}/2026-11-23-began.md": event("Began without end", "2026-11-23T11:00"),
        f"{LONDON}/2027-01-10-later.md": event("Later", "2027-01-10T18:00", "2027-01-10T20:00"),
        f"{UK}/2026-12-05-national.md": event("National", "2026-12-05T10:00"),
        f"{UK}/2014-05-05-long-ago.md": event("Long ago", "2014-05-05T10:00"),
        "content/events/2026-11-30-international.md": event(
            "International", "2026-11-30T10:00", extra="timezone: America/New_York\n"
        ),
    }.items():
        fixture_site.write(rel, text)
    return fixture_site


def test_upcoming_until_the_end_soonest_first_and_past_newest_first(
    event_site: FixtureSite,
) -> None:
    plan = event_site.plan()
    assert plan.problems == ()
    pages = pages_by_url(plan)
    upcoming = titles(pages["events/"]) + titles(pages["events/page/2/"])
    assert upcoming == ["Going on", "International", "National", "Later"]
    assert "events/page/3/" not in pages  # page_size is 2
    past = titles(pages["events/past/"]) + titles(pages["events/past/page/2/"])
    assert past == ["Began without end", "Over", "Long ago"]
    assert pages["events/"].template == "events.html"


def test_chapter_listings_roll_up_their_sub_chapters(event_site: FixtureSite) -> None:
    pages = pages_by_url(event_site.plan())
    uk = titles(pages["chapters/uk/events/"]) + titles(pages["chapters/uk/events/page/2/"])
    assert uk == ["Going on", "National", "Later"]
    assert titles(pages["chapters/london/events/"]) == ["Going on", "Later"]
    assert titles(pages["chapters/london/events/past/"]) == ["Began without end", "Over"]
    assert pages["chapters/london/events/past/"].view.title == "Past events: IOPS London"


def test_chapter_and_home_pages_show_the_next_upcoming_events(event_site: FixtureSite) -> None:
    site = event_site.plan().site
    uk = events.context(site, site.chapters["uk"])["upcoming_events"]
    assert [s.item.title for s in uk.events] == ["Going on", "National", "Later"]
    assert (uk.listing_url, uk.past_url) == ("chapters/uk/events/", "chapters/uk/events/past/")
    assert uk.webcal_url == "webcal://example.org/chapters/uk/events/calendar.ics"
    home = events.context(site, site.by_url[""])["upcoming_events"]
    assert len(home.events) == 4 and home.listing_url == "events/"
    assert events.context(site, site.members["ada"]) == {}


def test_every_event_listing_keeps_clear_of_event_pages(event_site: FixtureSite) -> None:
    # A year is digits, so events/page/ and events/past/ are never an event's year.
    plan = event_site.plan()
    listing_urls = {page.url for page in plan.pages if page.template == "events.html"}
    assert not listing_urls & {item.url for item in plan.site.of_kind("event")}
    assert all(re.search(r"events/(page/\d+/|past/|past/page/\d+/)?$", u) for u in listing_urls)


# --- an event's times in words ------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "zone", "lang", "text"),
    [
        (
            "2014-11-25T18:30",
            "2014-11-25T21:30",
            "Europe/London",
            "en",
            "Tuesday, November 25, 2014, 18:30–21:30 GMT (UTC+00:00)",
        ),
        (
            "2027-07-01T09:00",
            None,
            "Asia/Kolkata",
            "en",
            "Thursday, July 1, 2027, 09:00 IST (UTC+05:30)",
        ),
        (
            "2027-03-27T22:00",
            "2027-03-28T03:00",
            "Europe/London",
            "en",
            "Saturday, March 27, 2027, 22:00 GMT (UTC+00:00)"
            " – Sunday, March 28, 2027, 03:00 BST (UTC+01:00)",
        ),
        ("2027-06-12T18:00", None, "UTC", "en", "Saturday, June 12, 2027, 18:00 UTC+00:00"),
        (
            "2027-06-12T18:00",
            "2027-06-12T20:30",
            "Europe/Berlin",
            "de",
            "Samstag, 12. Juni 2027, 18:00–20:30 CEST (UTC+02:00)",
        ),
        (
            "2027-01-05T19:00",
            None,
            "America/Sao_Paulo",  # no abbreviation of its own: the offset alone
            "en",
            "Tuesday, January 5, 2027, 19:00 UTC-03:00",
        ),
    ],
)
def test_times_are_written_in_the_events_zone_and_language(
    fixture_site: FixtureSite, start: str, end: str | None, zone: str, lang: str, text: str
) -> None:
    rel = "content/events/x.md"
    fixture_site.write(rel, event("X", start, end, f"timezone: {zone}\nlang: {lang}\n"))
    site = fixture_site.plan().site
    showing = events.show(site, site.by_source[rel])
    assert showing.text == text
    assert showing.start_iso == dt.datetime.fromisoformat(start).replace(
        tzinfo=zoneinfo.ZoneInfo(zone)
    ).isoformat(timespec="minutes")
    assert showing.calendar_url == f"events/{start[:4]}/x/x.ics"


# --- bad times ----------------------------------------------------------------

EVENT = "chapters/london/events/2027-03-28-x.md"


@pytest.mark.parametrize(
    ("start", "end", "field", "line", "what"),
    [
        ("2027-03-28T01:30", None, "start", 3, "2027-03-28 01:30 does not exist in Europe/London"),
        (
            "2027-03-28T00:00",
            "2027-03-28T01:00",  # the clocks go from 01:00 straight to 02:00
            "end",
            4,
            "2027-03-28 01:00 does not exist in Europe/London",
        ),
        ("2027-10-31T01:15", None, "start", 3, "2027-10-31 01:15 happens twice in Europe/London"),
        ("2027-10-30T20:00", "2027-10-30T19:00", "end", 4, "the event ends before it starts"),
    ],
)
def test_times_that_the_clocks_skip_or_repeat_are_refused(
    fixture_site: FixtureSite, start: str, end: str | None, field: str, line: int, what: str
) -> None:
    fixture_site.write(EVENT, event("X", start, end))
    [problem] = fixture_site.problems()
    assert problem.startswith(f"{EVENT}:{line}: {field}: {what}")
    assert " — " in problem  # and how to fix it


def test_times_next_to_the_clock_changes_are_fine(fixture_site: FixtureSite) -> None:
    fixture_site.write(EVENT, event("X", "2027-03-28T00:59", "2027-03-28T02:00"))
    fixture_site.write(f"{LONDON}/y.md", event("Y", "2027-10-31T00:59", "2027-10-31T02:00"))
    assert fixture_site.problems() == []


def test_an_unknown_timezone_is_refused(fixture_site: FixtureSite) -> None:
    fixture_site.write(EVENT, event("X", "2027-05-01T10:00", extra="timezone: Europe/Londres\n"))
    [problem] = fixture_site.problems()
    assert problem.startswith(f"{EVENT}:4: timezone: 'Europe/Londres' is not a known timezone")


# --- one real build -----------------------------------------------------------


def test_build_writes_event_pages_listings_and_calendars(event_site: FixtureSite) -> None:
    event_site.write(
        f"{LONDON}/2027-03-27-vigil.md",
        event("Vigil", "2027-03-27T22:00", "2027-03-28T03:00", "location: Parliament Square\n"),
    )
    event_site.write(
        "content/events/2027-04-05-call.md",
        event("Call", "2027-04-05T18:00", extra="online: https://meet.example.org/call\n"),
    )
    result = event_site.run("build")
    assert result.returncode == 0, result.stderr
    built = event_site.root / "site"
    vigil = (built / "chapters/london/events/2027/vigil/index.html").read_text("utf-8")
    assert '<time datetime="2027-03-27T22:00+00:00">' in vigil
    assert "03:00 BST (UTC+01:00)</time>" in vigil
    assert 'href="vigil.ics"' in vigil
    assert 'href="webcal://example.org/chapters/london/events/2027/vigil/vigil.ics"' in vigil
    assert 'href="../../../../../chapters/london/">IOPS London</a>' in vigil
    assert "<dt>Where</dt><dd>Parliament Square</dd>" in vigil and "<dt>Online</dt>" not in vigil
    call = (built / "events/2027/call/index.html").read_text("utf-8")
    assert '<dt>Online</dt><dd><a href="https://meet.example.org/call">' in call
    assert "<dt>Where</dt>" not in call
    listings = " ".join(p.read_text("utf-8") for p in (built / "events/page").rglob("*.html"))
    assert "(UTC+01:00)</time></span><span>Parliament Square</span></p>" in listings
    assert "18:00</time> BST (UTC+01:00)</span><span>Online</span></p>" in listings
    assert (
        (built / "chapters/london/events/2027/vigil/vigil.ics")
        .read_bytes()
        .startswith(b"BEGIN:VCALENDAR\r\n")
    )
    for path in ("events/calendar.ics", "chapters/uk/events/calendar.ics"):
        assert b"SUMMARY:Vigil\r\n" in (built / path).read_bytes()
    home = (built / "index.html").read_text("utf-8")
    assert 'id="upcoming-events"' in home and 'href="chapters/london/events/2027/vigil/"' in home
    assert "Past events: IOPS London" in (built / LONDON / "past/index.html").read_text("utf-8")
    assert_every_calendar_link_has_its_webcal_link(built)


def assert_every_calendar_link_has_its_webcal_link(built: Path) -> None:
    """Wherever a page links a .ics file, it also links the same file as webcal://."""
    checked = 0
    for path in built.rglob("*.html"):
        html = path.read_text("utf-8")
        page = "https://example.org/" + path.relative_to(built).as_posix()
        hrefs = re.findall(r'href="([^"]+)"', html)
        webcal = {h.split("://", 1)[1] for h in hrefs if h.startswith("webcal://")}
        downloads = {
            urljoin(page, h).split("://", 1)[1]
            for h in hrefs
            if h.endswith(".ics") and not h.startswith("webcal://")
        }
        assert downloads == webcal, path
        checked += bool(downloads)
    assert checked >= 10  # event pages, listings, chapters, home, the Feeds page


def test_listings_are_at_now_of_the_build(event_site: FixtureSite) -> None:
    later = pages_by_url(event_site.plan(NOW + dt.timedelta(days=60)))
    assert titles(later["events/"]) == []
    assert titles(later["events/past/"]) == ["Later", "National"]


# --- the demo site --------------------------------------------------------------


def test_demo_events_cover_zones_online_and_a_clock_change() -> None:
    site = plan_site(load_settings(REPO), NOW).site
    demo = site.of_kind("event")
    assert len(demo) >= 15
    assert len(events.upcoming(demo, NOW)) >= 3 and len(events.past(demo, NOW)) >= 3
    assert len({str(e.when.tzinfo) for e in demo if e.when}) >= 4
    assert any(e.field("online") for e in demo)
    assert any(e.field("location") and not e.field("online") for e in demo)
    # One runs through the night the clocks change: its offset at the end differs.
    assert any(
        (end := events.calendars.event_end(e)) is not None
        and e.when is not None
        and end.utcoffset() != e.when.utcoffset()
        for e in demo
    )
    assert {e.owner for e in demo} - {None}  # chapters have events of their own
