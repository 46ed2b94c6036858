"""The feeds' argument edges, and the UKBinCollectionData shape against that project's schema."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from lgds_components.bins import ICSSource
from lgds_components.bins.feeds import UkbcdFeed
from lgds_components.bins.protocol import MAX_DAYS
from lgds_components.bins.sample import SAMPLE_UPRNS
from lgds_components.bins.schedule import Schedule
from lgds_components.cli import main
from lgds_components.errors import InvalidComponent, NotFound

# UKBinCollectionData's own output schema, vendored unchanged (see data/SOURCE.md)
UKBCD_SCHEMA = json.loads((Path(__file__).parent / "data" / "ukbcd-output.schema.json")
                          .read_text(encoding="utf-8"))
UKBCD = jsonschema.Draft6Validator(UKBCD_SCHEMA)
UPRN = 100040000012
GARDEN_ONLY_FEED = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example Council//Waste//EN\r
BEGIN:VEVENT\r
UID:garden-1@example.gov.uk\r
DTSTAMP:20260101T000000Z\r
DTSTART;VALUE=DATE:20260306\r
RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;UNTIL=20261127\r
SUMMARY:Garden waste\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture(scope="module")
def sample() -> Any:
    with Schedule.sample() as schedule:
        yield schedule


@pytest.mark.parametrize("uprn", SAMPLE_UPRNS)
def test_every_sample_property_validates_against_ukbcds_schema(sample: Schedule,
                                                               uprn: int) -> None:
    feed = sample.to_json(uprn, start=date(2026, 12, 14), days=365, shape="ukbcd")
    UKBCD.validate(feed)


def test_an_ics_sources_feed_validates_against_ukbcds_schema() -> None:
    source = ICSSource.from_text(GARDEN_ONLY_FEED)
    UKBCD.validate(source.to_ukbcd_json(UPRN, start=date(2026, 3, 1), days=30))


def test_an_empty_window_is_not_found_because_ukbcd_refuses_an_empty_list() -> None:
    assert not UKBCD.is_valid({"bins": []})  # why: their schema's minItems is 1
    winter = ICSSource.from_text(GARDEN_ONLY_FEED)  # garden waste only, March to November
    for ask in (lambda: winter.to_json(UPRN, start=date(2026, 12, 1), days=60, shape="ukbcd"),
                lambda: winter.to_ukbcd_json(UPRN, start=date(2026, 12, 1), days=60)):
        with pytest.raises(NotFound, match="ask for more days"):
            ask()
    # this library's own shape has no such rule: an empty window is an empty list
    assert winter.to_json(UPRN, start=date(2026, 12, 1), days=60)["days"] == []
    assert UkbcdFeed.model_json_schema()["properties"]["bins"]["minItems"] == 1


def test_lgds_bins_json_ukbcd_on_an_empty_window_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["bins", "json", "--sample", "--uprn", "100040000001", "--from", "2026-12-28",
                 "--days", "1", "--format", "ukbcd"])
    captured = capsys.readouterr()
    assert code == 3 and captured.out == ""
    assert captured.err.count("\n") == 1 and "minItems is 1" in captured.err


@pytest.mark.parametrize("shape", ["xml", "UKBCD", "", None, 1])
def test_an_unknown_shape_is_refused(sample: Schedule, shape: Any) -> None:
    with pytest.raises(InvalidComponent) as caught:
        sample.to_json(UPRN, start=date(2026, 12, 14), shape=shape)
    assert caught.value.field == "shape"


@pytest.mark.parametrize("days", [0, -1, -365, MAX_DAYS + 1, True, 7.0, "7"])
def test_days_outside_1_to_max_days_are_refused(sample: Schedule, days: Any) -> None:
    for feed in (lambda: sample.to_json(UPRN, start=date(2026, 12, 14), days=days),
                 lambda: sample.to_json(UPRN, start=date(2026, 12, 14), days=days,
                                        shape="ukbcd"),
                 lambda: sample.to_ical(UPRN, start=date(2026, 12, 14), days=days)):
        with pytest.raises(InvalidComponent, match=f"from 1 to {MAX_DAYS:,}") as caught:
            feed()
        assert caught.value.field == "days"


def test_days_counts_the_days_covered(sample: Schedule) -> None:
    start = date(2026, 12, 18)  # a Friday: refuse is collected
    one = sample.to_json(UPRN, start=start, days=1)["days"]
    assert [day["date"] for day in one] == ["2026-12-18"]
    week = sample.to_json(UPRN, start=start, days=7)["days"]
    assert all(start <= date.fromisoformat(d["date"]) < start + timedelta(days=7) for d in week)
    assert sample.to_json(UPRN, start=start, days=MAX_DAYS)["days"]
