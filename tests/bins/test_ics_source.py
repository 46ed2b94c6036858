"""Reading a council's published ICS feed: RRULE, EXDATE, RECURRENCE-ID, time zones, HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgds_components.bins import ICSSource, ScheduleSource
from lgds_components.bins.model import OVERRIDE, Service
from lgds_components.bins.schedule import Schedule
from lgds_components.errors import (
    ConfigurationError,
    InvalidComponent,
    NotFound,
    ProviderError,
    ValidationError,
)
from lgds_components.http import RetryPolicy, build_session
from lgds_components.testing.http_server import LocalHTTPServer

D = date

# As a waste system might publish it: a fortnightly refuse series with a
# Christmas exception moved by RECURRENCE-ID, an EXDATE, a weekly recycling
# series with timed events in Europe/London, and a one-off garden collection.
COUNCIL_FEED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example Borough Council//Waste calendar//EN
X-WR-CALNAME:Bin collections
BEGIN:VTIMEZONE
TZID:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
TZNAME:BST
DTSTART:19700329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:GMT
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:refuse-7@example.gov.uk
DTSTAMP:20260101T000000Z
DTSTART;VALUE=DATE:20261211
DTEND;VALUE=DATE:20261212
SUMMARY:Refuse
RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=10
EXDATE;VALUE=DATE:20270205
END:VEVENT
BEGIN:VEVENT
UID:refuse-7@example.gov.uk
DTSTAMP:20260101T000000Z
RECURRENCE-ID;VALUE=DATE:20261225
DTSTART;VALUE=DATE:20261227
DTEND;VALUE=DATE:20261228
SUMMARY:Refuse
COMMENT:Christmas catch-up
END:VEVENT
BEGIN:VEVENT
UID:recycling-3@example.gov.uk
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/London:20261214T070000
DTEND;TZID=Europe/London:20261214T170000
SUMMARY:Recycling & Food waste
RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20270201T000000Z
END:VEVENT
BEGIN:VEVENT
UID:garden-once@example.gov.uk
DTSTAMP:20260101T000000Z
DTSTART:20270105T233000Z
SUMMARY:Garden waste
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")


@pytest.fixture
def source() -> ICSSource:
    return ICSSource.from_text(COUNCIL_FEED,
                               now=lambda: datetime(2026, 12, 14, 8, tzinfo=UTC))


def test_rrule_exdate_and_recurrence_id(source: ICSSource) -> None:
    refuse = [c for c in source.collections_between(1, D(2026, 12, 1), D(2027, 3, 1))
              if c.service.id == "refuse"]
    assert [(c.date, c.original_date) for c in refuse] == [
        (D(2026, 12, 11), D(2026, 12, 11)),
        (D(2026, 12, 27), D(2026, 12, 25)),   # moved by RECURRENCE-ID
        (D(2027, 1, 8), D(2027, 1, 8)),
        (D(2027, 1, 22), D(2027, 1, 22)),
        # 5 February taken out by EXDATE
        (D(2027, 2, 19), D(2027, 2, 19)),
    ]
    moved = refuse[1]
    assert (moved.reason, moved.note, moved.round) == (OVERRIDE, "Christmas catch-up",
                                                       "refuse-7@example.gov.uk")
    assert all(c.reason is None for c in refuse if c is not moved)


def test_summaries_become_services_and_timed_events_use_london_dates(source: ICSSource) -> None:
    days = source.next_days(1, count=3)
    assert [(d.date, [s.name for s in d.services]) for d in days] == [
        (D(2026, 12, 14), ["Recycling", "Food waste"]),
        (D(2026, 12, 21), ["Recycling", "Food waste"]),
        (D(2026, 12, 27), ["Refuse"]),
    ]
    # 23:30 UTC on 5 January is 5 January in London (GMT)
    garden = [c for c in source.collections_between(1, D(2027, 1, 1), D(2027, 1, 31))
              if c.service.id == "garden-waste"]
    assert [c.date for c in garden] == [D(2027, 1, 5)]


def test_next_collections_and_the_protocol(source: ICSSource) -> None:
    assert isinstance(source, ScheduleSource)
    upcoming = source.next_collections(100040000012, count=4)
    assert [c.date for c in upcoming] == [D(2026, 12, 14)] * 2 + [D(2026, 12, 21)] * 2
    assert len(source.next_collections(1, count=50, on_or_after=D(2027, 3, 1))) == 4
    assert source.next_collections(1, count=5, on_or_after=D(2027, 5, 1)) == []
    with pytest.raises(InvalidComponent):
        source.next_collections(1, count=0)
    with pytest.raises(ValidationError):
        source.next_collections("not a uprn")
    with pytest.raises(InvalidComponent):
        source.collections_between(1, D(2027, 1, 2), D(2027, 1, 1))


def test_feeds_work_unchanged(source: ICSSource) -> None:
    ukbcd = source.to_ukbcd_json(100040000012, start=D(2026, 12, 20), days=10)
    assert ukbcd["bins"][:2] == [{"type": "Recycling", "collectionDate": "21/12/2026"},
                                 {"type": "Food waste", "collectionDate": "21/12/2026"}]
    ours = source.to_json(100040000012, start=D(2026, 12, 20), days=10)
    assert ours["source"] == "ics"
    moved = [c for day in ours["days"] for c in day["collections"] if c["moved"]]
    assert moved[0]["original_date"] == "2026-12-25"
    assert b"BEGIN:VEVENT" in source.to_ical(100040000012, start=D(2026, 12, 20), days=10)


def test_a_service_map() -> None:
    black = Service("refuse", "Black bin", colour="black")
    source = ICSSource.from_text(COUNCIL_FEED, services={
        "refuse": black,
        "Recycling & Food waste": [Service("recycling", "Blue bin"), Service("food", "Caddy")],
    })
    names = {c.service.name for c in source.collections_between(1, D(2026, 12, 1),
                                                                 D(2027, 1, 31))}
    assert names == {"Black bin", "Blue bin", "Caddy", "Garden waste"}


def test_round_trip_from_our_own_feed() -> None:
    """A council could publish our iCalendar feed and read it back through ICSSource."""
    with Schedule.sample() as schedule:
        feed = schedule.to_ical(100040000012, start=D(2026, 12, 1), days=120)
        expected = schedule.collections_between(100040000012, D(2026, 12, 1), D(2027, 3, 30))
    source = ICSSource({100040000012: feed}, services=lambda s: [
        Service(n.strip().lower(), n.strip()) for n in s.removeprefix("Bin day: ").split(",")])
    got = source.collections_between(100040000012, D(2026, 12, 1), D(2027, 3, 30))
    assert sorted((c.date, c.service.name) for c in got) == \
        sorted((c.date, c.service.name) for c in expected)
    with pytest.raises(NotFound):
        source.next_collections(100040000001)


def test_files_and_broken_feeds(tmp_path: Path) -> None:
    path = tmp_path / "feed.ics"
    path.write_text(COUNCIL_FEED, encoding="utf-8", newline="")
    assert ICSSource({5: path}).collections_between(5, D(2026, 12, 11), D(2026, 12, 11))
    with pytest.raises(ProviderError):
        ICSSource({5: tmp_path / "missing.ics"}).calendar(5)
    for junk in (b"", b"hello", b"BEGIN:VEVENT\r\nEND:VEVENT\r\n", b"\xff\xfe\x00",
                 b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:notadate\r\nEND:VEVENT\r\n"
                 b"END:VCALENDAR\r\n", b"A" * 6_000_000):
        with pytest.raises(ProviderError):
            ICSSource.from_text(junk).collections_between(1, D(2026, 1, 1), D(2026, 12, 31))


def feed_with(*events: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN"]
    for index, rule in enumerate(events):
        lines += ["BEGIN:VEVENT", f"UID:e{index}", "DTSTAMP:20260101T000000Z",
                  "DTSTART:20260101T070000Z", "SUMMARY:Refuse", *([rule] if rule else []),
                  "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR", ""])).encode()


@pytest.mark.parametrize("data", [
    feed_with("RRULE:FREQ=MINUTELY"),
    feed_with("RRULE:FREQ=HOURLY;INTERVAL=6"),
    feed_with(*["RRULE:FREQ=DAILY"] * 201),
    feed_with(*[""] * 5001),
])
def test_feeds_that_would_take_too_long_are_refused(data: bytes) -> None:
    with pytest.raises(ProviderError):
        ICSSource.from_text(data).collections_between(1, D(2026, 1, 1), D(2026, 12, 31))


def test_expansion_is_capped() -> None:
    source = ICSSource.from_text(feed_with(*["RRULE:FREQ=DAILY"] * 100))
    # 3,100 occurrences expanded; one Refuse collection a day (one service, one day, once)
    assert len(source.collections_between(1, D(2026, 1, 1), D(2026, 1, 31))) == 31
    with pytest.raises(ProviderError, match="more than 20,000"):
        source.collections_between(1, D(2026, 1, 1), D(2026, 12, 31))


def test_ranges_are_limited(source: ICSSource) -> None:
    with pytest.raises(InvalidComponent):
        source.collections_between(1, D(2000, 1, 1), D(2030, 1, 1))
    with pytest.raises(InvalidComponent):
        source.collections_between(1, date.max - timedelta(days=3), date.max)
    assert source.next_collections(1, on_or_after=D(2999, 12, 1)) == []


@settings(max_examples=40)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_feeds_raise_only_provider_errors(data: bytes) -> None:
    try:
        ICSSource.from_text(b"BEGIN:VCALENDAR\r\n" + data + b"\r\nEND:VCALENDAR\r\n") \
            .collections_between(1, D(2026, 1, 1), D(2026, 3, 1))
    except ProviderError:
        pass


def test_from_url_fetches_through_the_http_layer() -> None:
    routes = {"GET /waste/100040000012.ics": (200, {"Content-Type": "text/calendar"},
                                              COUNCIL_FEED.encode())}
    with LocalHTTPServer(routes) as server:
        with build_session(provider="ics", retry=RetryPolicy(attempts=1)) as session:
            source = ICSSource.from_url(server.url + "/waste/{uprn}.ics", session=session)
            found = source.collections_between(100040000012, D(2026, 12, 11), D(2026, 12, 11))
            assert [c.service.id for c in found] == ["refuse"]
            source.collections_between(100040000012, D(2026, 12, 1), D(2026, 12, 31))
            assert len(server.requests) == 1  # cached
            with pytest.raises(NotFound):
                source.calendar(100040000001)  # 404 from the server
            source.close()
        own = ICSSource.from_url(server.url + "/waste/{uprn}.ics")
        try:
            assert own.calendar(100040000012)
        finally:
            own.close()
    with pytest.raises(ConfigurationError):
        ICSSource.from_url("https://example.gov.uk/waste.ics")


def test_both_sources_pass_the_conformance_checks(source: ICSSource) -> None:
    from lgds_components.bins.conformance import check_schedule_source

    check_schedule_source(source, 100040000012, start=D(2026, 12, 1))
    with Schedule.sample() as schedule:
        check_schedule_source(schedule, 100040000021, start=D(2026, 12, 14), days=30)
    with pytest.raises(AssertionError, match="does not implement"):
        check_schedule_source(object(), 1, start=D(2026, 1, 1))
