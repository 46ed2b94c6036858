"""iCalendar and JSON feeds: a year of feeds validates, and parses back to the same dates."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import icalendar
import jsonschema
import pytest

from lgds_components.bins.feeds import feed_schema, lgds_feed, ukbcd_feed
from lgds_components.bins.ical import event_uid, to_ical
from lgds_components.bins.model import Collection, Service, group_by_date
from lgds_components.bins.sample import SAMPLE_UPRNS
from lgds_components.bins.schedule import Schedule
from lgds_components.errors import NotFound

D = date
STAMP = datetime(2026, 12, 14, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def year_of_feeds() -> dict[int, tuple[bytes, list[Collection]]]:
    with Schedule.sample() as schedule:
        return {
            uprn: (schedule.to_ical(uprn, start=D(2026, 6, 1), days=365, dtstamp=STAMP),
                   schedule.collections_between(uprn, D(2026, 6, 1), D(2027, 5, 31)))
            for uprn in SAMPLE_UPRNS
        }


Feeds = dict[int, tuple[bytes, list[Collection]]]


def test_a_year_of_feeds_is_valid_rfc5545(year_of_feeds: Feeds) -> None:
    all_uids: set[str] = set()
    for uprn, (feed, collections) in year_of_feeds.items():
        assert feed.endswith(b"\r\n")
        assert b"\n" not in feed.replace(b"\r\n", b"")  # every line ends CRLF
        lines = feed.split(b"\r\n")[:-1]
        assert all(len(line) <= 75 for line in lines)  # octets, folding included
        text = feed.decode("utf-8")
        assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
        for needed in ("VERSION:2.0", "PRODID:-//lgds-components//bins ",
                       "REFRESH-INTERVAL;VALUE=DURATION:P1D", "X-PUBLISHED-TTL:P1D"):
            assert needed in text
        calendar = icalendar.Calendar.from_ical(feed)
        events = list(calendar.walk("VEVENT"))
        days = group_by_date(collections)
        assert len(events) == len(days) > 20
        uids = [str(e["UID"]) for e in events]
        assert len(set(uids)) == len(uids)
        all_uids |= set(uids)
        for event in events:
            assert event["DTSTART"].params.get("VALUE") == "DATE"
            assert type(event["DTSTART"].dt) is date
            assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(days=1)
            assert event["DTSTAMP"].dt == STAMP
            assert str(uprn) in str(event["UID"])
        # parses back to the same dates and services
        parsed = sorted((e["DTSTART"].dt, str(e["SUMMARY"])) for e in events)
        expected = [(d.date, "Bin day: " + ", ".join(s.name for s in d.services)) for d in days]
        assert parsed == expected
    assert len(all_uids) == sum(len(group_by_date(c)) for _, c in year_of_feeds.values())


def test_folding_of_long_non_ascii_text() -> None:
    service = Service("food", "Gwastraff bwyd – caddi gwyrdd ŵ ŷ " * 6,
                      container="Cadi ✓" * 20)
    day = D(2026, 12, 26)
    feed = to_ical([Collection(day, service, "F", D(2026, 12, 25), "bank_holiday", "Dydd Nadolig")],
                   uprn=1, dtstamp=STAMP)
    assert all(len(line) <= 75 for line in feed.split(b"\r\n"))
    event = next(iter(icalendar.Calendar.from_ical(feed).walk("VEVENT")))
    assert str(event["SUMMARY"]) == "Bin day: " + service.name
    assert "Dydd Nadolig" in str(event["DESCRIPTION"])


def test_uids_are_stable_across_processes() -> None:
    uid = event_uid(100040000012, D(2026, 12, 26), ["recycling", "food"])
    assert uid == event_uid(100040000012, D(2026, 12, 26), ["food", "recycling", "food"])
    assert uid != event_uid(100040000012, D(2026, 12, 26), ["food"])
    assert re.fullmatch(r"bins-100040000012-20261226-[0-9a-f]{12}@lgds-components", uid)
    code = ("from datetime import date; from lgds_components.bins.ical import event_uid; "
            "print(event_uid(100040000012, date(2026, 12, 26), ['recycling', 'food']))")
    for seed in ("1", "2", "random"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env={"PYTHONHASHSEED": seed})
        assert out.stdout.strip() == uid


def test_the_same_schedule_gives_the_same_feed() -> None:
    with Schedule.sample() as one, Schedule.sample() as two:
        assert one.to_ical(100040000012, start=D(2026, 12, 1), dtstamp=STAMP) == \
            two.to_ical(100040000012, start=D(2026, 12, 1), dtstamp=STAMP)


def test_ukbcd_shape(sample: Schedule) -> None:
    feed = sample.to_json(100040000012, start=D(2026, 12, 14), days=30, shape="ukbcd")
    assert list(feed) == ["bins"]
    assert feed["bins"][0] == {"type": "Rubbish", "collectionDate": "18/12/2026"}
    dates = [datetime.strptime(b["collectionDate"], "%d/%m/%Y").date() for b in feed["bins"]]
    assert dates == sorted(dates)
    assert sample.to_ukbcd_json(100040000012, start=D(2026, 12, 14), days=30) == feed


def test_our_own_json_validates_against_its_schema(sample: Schedule) -> None:
    feed = sample.to_json(100040000012, start=D(2026, 12, 14), days=365)
    jsonschema.validate(feed, feed_schema())
    moved = [c for day in feed["days"] for c in day["collections"] if c["moved"]]
    assert moved[0] == {
        "service": {"id": "recycling", "name": "Recycling", "colour": "blue",
                    "container": "Blue wheelie bin"},
        "round": "REC-FRI-B", "original_date": "2026-12-25", "moved": True,
        "reason": "bank_holiday", "note": "Christmas Day",
        "message": "Moved from Friday 25 December because of Christmas Day",
    }
    assert feed["timezone"] == "Europe/London" and feed["source"] == "sqlite"


def test_empty_feeds() -> None:
    with pytest.raises(NotFound, match="minItems"):
        ukbcd_feed([])  # see test_ukbcd_schema.py
    assert lgds_feed([], uprn=1, today=D(2026, 1, 1))["days"] == []
    assert b"BEGIN:VEVENT" not in to_ical([], uprn=1, dtstamp=STAMP)
