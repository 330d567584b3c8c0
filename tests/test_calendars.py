"""iCalendar files: valid, in the right instants, stable across builds, edits and file order."""

from __future__ import annotations

import datetime as dt
import uuid

import icalendar
import pytest
import vobject
from conftest import NOW, REPO, FixtureSite
from iops import loader
from iops.plan import Plan, plan_site
from iops.settings import load_settings

UTC = dt.UTC


def event(title: str, start: str, end: str | None = None, extra: str = "") -> str:
    ends = f"end: {end}\n" if end else ""
    return f"---\ntitle: {title}\nstart: {start}\n{ends}{extra}---\nAbout {title}.\n"


EVENTS = {
    "chapters/london/events/2027-03-27-vigil.md": event(
        "Vigil",
        "2027-03-27T22:00",
        "2027-03-28T03:00",
        "location: Parliament Square, London\nsummary: Through the night the clocks go forward.\n",
    ),
    "chapters/uk/events/2027-06-01-national.md": event("National", "2027-06-01T10:00"),
    "content/events/2027-09-18-online.md": event(
        "Online assembly",
        "2027-09-18T12:00",
        "2027-09-18T15:00",
        "online: https://meet.example.org/a\n",
    ),
    "content/events/2014-07-10-town-hall.md": event(
        "Town hall", "2014-07-10T19:00", "2014-07-10T21:00", "timezone: America/New_York\n"
    ),
    "content/events/2027-04-10-workshop.md": event(
        '"Ökologie und Selbstverwaltung: ein Workshop über Wörter, Zeichen und Übergänge"',
        "2027-04-10T10:00",
        "2027-04-10T15:00",
        "timezone: Australia/Melbourne\nsummary: " + "Straße, Öl, Übung; " * 12 + "\n",
    ),
}


def write_all(site: FixtureSite, files: dict[str, str]) -> FixtureSite:
    for rel, text in files.items():
        site.write(rel, text)
    return site


@pytest.fixture
def event_site(fixture_site: FixtureSite) -> FixtureSite:
    return write_all(fixture_site, EVENTS)


def calendars(plan: Plan) -> dict[str, bytes]:
    return {o.path: o.content for o in plan.outputs if o.path.endswith(".ics")}


def vevents(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).events)


def test_every_calendar_parses_with_icalendar_and_vobject(event_site: FixtureSite) -> None:
    files = calendars(event_site.plan())
    assert {"events/calendar.ics", "chapters/uk/events/calendar.ics"} <= set(files)
    assert "chapters/london/events/2027/vigil/vigil.ics" in files
    assert len(files) == 3 + len(EVENTS)  # the site's, two chapters', one per event
    for path, data in files.items():
        cal = icalendar.Calendar.from_ical(data)
        assert cal.get_missing_tzids() == set(), path  # a VTIMEZONE for every TZID
        [parsed] = vobject.readComponents(data.decode("utf-8"), validate=True)
        assert parsed.name == "VCALENDAR"


def test_calendar_and_event_properties(event_site: FixtureSite) -> None:
    data = calendars(event_site.plan())["events/calendar.ics"]
    cal = icalendar.Calendar.from_ical(data)
    assert (cal["VERSION"], cal["CALSCALE"], cal["METHOD"]) == ("2.0", "GREGORIAN", "PUBLISH")
    assert cal["PRODID"] and cal["X-WR-CALNAME"] == "Test site: events"
    by_title = {str(e.summary): e for e in cal.events}
    vigil = by_title["Vigil"]
    assert vigil.url == "https://example.org/chapters/london/events/2027/vigil/"
    assert vigil.location == "Parliament Square, London"
    assert vigil.description == "Through the night the clocks go forward."
    assert vigil["DTSTART"].params["TZID"] == "Europe/London"
    assert by_title["Online assembly"].location == "https://meet.example.org/a"
    # Without an end: DTSTART alone, which RFC 5545 reads as an instant.
    national = by_title["National"]
    assert "DTEND" not in national and "DURATION" not in national
    assert [e.summary for e in cal.events][:2] == ["Town hall", "Vigil"]  # by start


def test_chapter_calendars_roll_up_their_sub_chapters(event_site: FixtureSite) -> None:
    files = calendars(event_site.plan())
    uk = [e.summary for e in vevents(files["chapters/uk/events/calendar.ics"])]
    london = [e.summary for e in vevents(files["chapters/london/events/calendar.ics"])]
    assert (uk, london) == (["Vigil", "National"], ["Vigil"])


# (timezone, local start, local end, expected start and end in UTC, written by hand)
LDN, NYC, MEL, KOL = "Europe/London", "America/New_York", "Australia/Melbourne", "Asia/Kolkata"
ZONE_CASES = [
    (LDN, "2027-01-12T19:00", None, "2027-01-12T19:00", None),
    (LDN, "2027-07-12T19:00", None, "2027-07-12T18:00", None),
    # The clocks go forward at 01:00 GMT on 2027-03-28: five hours on the wall, four lived.
    (LDN, "2027-03-27T22:00", "2027-03-28T03:00", "2027-03-27T22:00", "2027-03-28T02:00"),
    (LDN, "2027-03-28T00:30", "2027-03-28T10:00", "2027-03-28T00:30", "2027-03-28T09:00"),
    # The clocks go back at 02:00 BST on 2027-10-31.
    (LDN, "2027-10-31T00:30", "2027-10-31T10:00", "2027-10-30T23:30", "2027-10-31T10:00"),
    (NYC, "2027-01-15T09:00", "2027-01-15T11:00", "2027-01-15T14:00", "2027-01-15T16:00"),
    (NYC, "2027-07-04T12:00", None, "2027-07-04T16:00", None),
    (MEL, "2027-01-10T10:00", None, "2027-01-09T23:00", None),
    (MEL, "2027-07-10T10:00", None, "2027-07-10T00:00", None),
    (KOL, "2027-05-01T18:00", "2027-05-01T19:15", "2027-05-01T12:30", "2027-05-01T13:45"),
    ("UTC", "2027-05-01T18:00", None, "2027-05-01T18:00", None),
]  # fmt: skip


def instant(value: dt.date) -> dt.datetime:
    """A DTSTART or DTEND read by icalendar, in UTC."""
    assert isinstance(value, dt.datetime)
    return value.astimezone(UTC)


def utc(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None


@pytest.mark.parametrize(("zone", "start", "end", "utc_start", "utc_end"), ZONE_CASES)
def test_times_are_the_right_instants(
    fixture_site: FixtureSite,
    zone: str,
    start: str,
    end: str | None,
    utc_start: str,
    utc_end: str | None,
) -> None:
    fixture_site.write("content/events/x.md", event("X", start, end, f"timezone: {zone}\n"))
    data = calendars(fixture_site.plan())[f"events/{start[:4]}/x/x.ics"]
    # icalendar, and vobject reading the VTIMEZONE the file carries.
    [by_icalendar] = vevents(data)
    assert instant(by_icalendar.start) == utc(utc_start)
    assert (instant(by_icalendar.end) if end else None) == utc(utc_end)
    # vobject keeps the first VTIMEZONE of a TZID it ever read, in any test;
    # the file's own is read here explicitly.
    parsed = vobject.readOne(data.decode("utf-8"))
    zone_of_file = parsed.vtimezone.gettzinfo() if zone != "UTC" else UTC

    def by_vobject(value: dt.datetime) -> dt.datetime:
        return value.replace(tzinfo=zone_of_file).astimezone(UTC)

    assert by_vobject(parsed.vevent.dtstart.value) == utc(utc_start)
    if end:
        assert by_vobject(parsed.vevent.dtend.value) == utc(utc_end)
    tzid = by_icalendar["DTSTART"].params.get("TZID")
    assert tzid == (zone if zone != "UTC" else None)  # UTC is written as …Z


def test_a_calendar_over_many_years_gives_the_right_instants(event_site: FixtureSite) -> None:
    # Its VTIMEZONEs list years of clock changes; each reader must find them all.
    data = calendars(event_site.plan())["events/calendar.ics"]
    expected = {  # by the first word of the title
        "Town": "2014-07-10T23:00",  # EDT
        "Vigil": "2027-03-27T22:00",  # GMT, the night before the change
        "Ökologie": "2027-04-10T00:00",  # AEST: Melbourne's summer time ended on 4 April
        "National": "2027-06-01T09:00",  # BST
        "Online": "2027-09-18T11:00",  # BST
    }
    parsed = vobject.readOne(data.decode("utf-8"))
    zones = {tz.tzid.value: tz.gettzinfo() for tz in parsed.vtimezone_list}
    for ev in parsed.vevent_list:
        [tzid] = ev.dtstart.params["X-VOBJ-ORIGINAL-TZID"]  # vobject's name for TZID
        start = ev.dtstart.value.replace(tzinfo=zones[tzid]).astimezone(UTC)
        assert start == utc(expected[ev.summary.value.split()[0]]), ev.summary.value
    by_icalendar = {str(e.summary).split()[0]: instant(e.start) for e in vevents(data)}
    assert by_icalendar == {title: utc(when) for title, when in expected.items()}


def test_lines_end_in_crlf_and_fold_at_75_octets(event_site: FixtureSite) -> None:
    data = calendars(event_site.plan())["events/2027/workshop/workshop.ics"]
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the long summary was folded
    assert "Übung" in str(vevents(data)[0].description)  # and folded without breaking a letter


def test_two_builds_write_the_same_bytes(event_site: FixtureSite) -> None:
    assert calendars(event_site.plan()) == calendars(event_site.plan())


def test_dtstamp_is_the_start_in_utc_not_the_build_time(event_site: FixtureSite) -> None:
    one, other = calendars(event_site.plan()), calendars(event_site.plan(NOW + dt.timedelta(1)))
    assert one == other
    for e in vevents(one["events/calendar.ics"]):
        assert instant(e.start) == e.DTSTAMP  # not the build time


def uids(plan: Plan) -> dict[str, str]:
    return {str(e.summary): e.uid for e in vevents(calendars(plan)["events/calendar.ics"])}


def test_uids_come_from_the_source_path(event_site: FixtureSite) -> None:
    found = uids(event_site.plan())
    expected = uuid.uuid5(
        uuid.NAMESPACE_URL, "https://example.org/content/events/2014-07-10-town-hall.md"
    )
    assert found["Town hall"] == str(expected)
    assert len(set(found.values())) == len(EVENTS)


def test_uids_survive_an_edit_of_the_event(event_site: FixtureSite) -> None:
    before = uids(event_site.plan())
    rel = "chapters/london/events/2027-03-27-vigil.md"
    event_site.write(rel, EVENTS[rel].replace("About Vigil.", "Bring a candle."))
    after_body = event_site.plan()
    assert uids(after_body) == before
    event_site.write(rel, EVENTS[rel].replace("2027-03-27T22:00", "2027-03-27T21:00"))
    assert uids(event_site.plan()) == before


def test_files_read_in_another_order_give_the_same_calendars(
    event_site: FixtureSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = event_site.plan()
    first, sources = calendars(plan), [item.source for item in plan.site.items]
    in_order = loader.source_files
    monkeypatch.setattr(loader, "source_files", lambda root: in_order(root)[::-1])
    reversed_plan = event_site.plan()
    assert [item.source for item in reversed_plan.site.items] == sources[::-1]
    assert calendars(reversed_plan) == first  # the same UIDs, and the very same bytes


def test_every_calendar_of_the_demo_site_is_valid() -> None:
    plan = plan_site(load_settings(REPO), NOW)
    files = calendars(plan)
    assert len(files) == 1 + len(plan.site.of_kind("chapter")) + len(plan.site.of_kind("event"))
    for path, data in files.items():
        assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""), path
        assert max(len(line) for line in data.split(b"\r\n")) <= 75, path
        cal = icalendar.Calendar.from_ical(data)
        assert cal.get_missing_tzids() == set(), path
        [parsed] = vobject.readComponents(data.decode("utf-8"), validate=True)
        assert parsed.name == "VCALENDAR", path
    every = vevents(files["events/calendar.ics"])
    assert len({e.uid for e in every}) == len(every) == len(plan.site.of_kind("event"))
