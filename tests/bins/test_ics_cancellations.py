"""ICS feeds: cancelled occurrences and events are no collection; a collection is listed once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest

from lgds_components.bins import ICSSource
from lgds_components.bins.model import Collection

UPRN = 100040000012
STAMP = datetime(2026, 12, 1, tzinfo=UTC)


def calendar(*events: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Example Council//Waste//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", "DTSTAMP:20260101T000000Z", *event.split("|"), "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR", ""])).encode()


WEEKLY_REFUSE = ("UID:refuse@example.gov.uk|DTSTART;VALUE=DATE:20261204|SUMMARY:Refuse|"
                 "RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=4")
# as Google Calendar exports one cancelled occurrence of a series
GOOGLE_CANCELLED = ("UID:refuse@example.gov.uk|RECURRENCE-ID;VALUE=DATE:20261211|"
                    "DTSTART;VALUE=DATE:20261211|SUMMARY:Refuse|STATUS:CANCELLED")
# as Exchange/Outlook exports one: a timed instance in the series' own zone
EXCHANGE_SERIES = ("UID:040000008200E00074C5B7101A82E008@example.gov.uk|"
                   "DTSTART;TZID=Europe/London:20261204T070000|"
                   "DTEND;TZID=Europe/London:20261204T080000|SUMMARY:Recycling|"
                   "RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=4")
EXCHANGE_CANCELLED = ("UID:040000008200E00074C5B7101A82E008@example.gov.uk|"
                      "RECURRENCE-ID;TZID=Europe/London:20261218T070000|"
                      "DTSTART;TZID=Europe/London:20261218T070000|"
                      "DTEND;TZID=Europe/London:20261218T080000|SUMMARY:Canceled: Recycling|"
                      "STATUS:CANCELLED")


def dates(collections: list[Collection]) -> list[tuple[str, str]]:
    return [(c.date.isoformat(), c.service.name) for c in collections]


def between(data: bytes) -> list[tuple[str, str]]:
    source = ICSSource.from_text(data)
    return dates(source.collections_between(UPRN, date(2026, 12, 1), date(2026, 12, 31)))


def test_an_occurrence_cancelled_as_google_exports_it_is_dropped() -> None:
    assert between(calendar(WEEKLY_REFUSE, GOOGLE_CANCELLED)) == [
        ("2026-12-04", "Refuse"), ("2026-12-18", "Refuse"), ("2026-12-25", "Refuse")]


def test_an_occurrence_cancelled_as_exchange_exports_it_is_dropped() -> None:
    assert between(calendar(EXCHANGE_SERIES, EXCHANGE_CANCELLED)) == [
        ("2026-12-04", "Recycling"), ("2026-12-11", "Recycling"), ("2026-12-25", "Recycling")]


@pytest.mark.parametrize("status", ["STATUS:CANCELLED", "STATUS:cancelled"])
def test_a_cancelled_event_is_dropped(status: str) -> None:
    one_off = f"UID:garden@example.gov.uk|DTSTART;VALUE=DATE:20261207|SUMMARY:Garden|{status}"
    assert between(calendar(one_off)) == []
    assert between(calendar(f"{WEEKLY_REFUSE}|{status}")) == []


def test_confirmed_and_tentative_occurrences_are_kept() -> None:
    for status in ("STATUS:CONFIRMED", "STATUS:TENTATIVE"):
        kept = GOOGLE_CANCELLED.replace("STATUS:CANCELLED", status)
        assert len(between(calendar(WEEKLY_REFUSE, kept))) == 4


def test_cancelled_occurrences_are_left_out_of_every_feed() -> None:
    source = ICSSource.from_text(calendar(WEEKLY_REFUSE, GOOGLE_CANCELLED))
    start = date(2026, 12, 1)
    ical = icalendar.Calendar.from_ical(source.to_ical(UPRN, start=start, days=31,
                                                       dtstamp=STAMP))
    assert "20261211" not in {e.decoded("DTSTART").strftime("%Y%m%d")
                              for e in ical.walk("VEVENT")}
    assert "11/12/2026" not in {b["collectionDate"]
                                for b in source.to_ukbcd_json(UPRN, start=start, days=31)["bins"]}
    assert "2026-12-11" not in {d["date"] for d in source.to_json(UPRN, start=start,
                                                                  days=31)["days"]}
    assert [c.date.day for c in source.next_collections(UPRN, 2, start)] == [4, 18]


# One collection published twice, in two events with different UIDs (a feed
# built from two systems, or a series and a one-off for the same day).
TWICE = calendar(
    "UID:refuse-series@example.gov.uk|DTSTART;VALUE=DATE:20261204|SUMMARY:Refuse|"
    "RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=2",
    "UID:refuse-extra-1211@example.gov.uk|DTSTART;VALUE=DATE:20261211|SUMMARY:Refuse",
    "UID:food-series@example.gov.uk|DTSTART;VALUE=DATE:20261204|SUMMARY:Food waste|"
    "RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=2",
)


def test_one_collection_in_two_events_is_listed_once_everywhere() -> None:
    source = ICSSource.from_text(TWICE)
    start = date(2026, 12, 1)
    expected = [("2026-12-04", "Refuse"), ("2026-12-04", "Food waste"),
                ("2026-12-11", "Refuse"), ("2026-12-11", "Food waste")]
    assert dates(source.collections_between(UPRN, start, date(2026, 12, 31))) == expected
    assert dates(source.next_collections(UPRN, 4, start)) == expected

    ours = source.to_json(UPRN, start=start, days=31)
    assert [(d["date"], c["service"]["name"]) for d in ours["days"]
            for c in d["collections"]] == expected
    ukbcd = source.to_ukbcd_json(UPRN, start=start, days=31)
    assert [(date(*map(int, reversed(b["collectionDate"].split("/")))).isoformat(), b["type"])
            for b in ukbcd["bins"]] == expected
    ical = icalendar.Calendar.from_ical(source.to_ical(UPRN, start=start, days=31,
                                                       dtstamp=STAMP))
    listed = [(e.decoded("DTSTART").isoformat(), line)
              for e in ical.walk("VEVENT") for line in str(e["DESCRIPTION"]).split("\n")]
    assert listed == expected
    assert [str(e["SUMMARY"]) for e in ical.walk("VEVENT")] == [
        "Bin day: Refuse, Food waste"] * 2


def test_the_first_uid_is_kept() -> None:
    source = ICSSource.from_text(TWICE)
    kept = source.collections_between(UPRN, date(2026, 12, 11), date(2026, 12, 11))
    assert [c.round for c in kept] == ["refuse-extra-1211@example.gov.uk",
                                       "food-series@example.gov.uk"]
