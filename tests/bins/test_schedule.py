"""The embedded schedule: sample data, lookups, staleness, many properties at once."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from lgds_components.bins import Schedule, ScheduleSource
from lgds_components.bins.holidays import BankHoliday, HolidayCalendar
from lgds_components.bins.model import BANK_HOLIDAY, OVERRIDE
from lgds_components.bins.sample import SAMPLE_UPRNS, sample_files
from lgds_components.bins.store import BinStore
from lgds_components.errors import ConfigurationError, InvalidFormat, NotFound, ValidationError
from lgds_components.registry import SCHEDULE_SOURCES

D = date


def test_worked_example_christmas_2026(sample: Schedule) -> None:
    got = [(c.date, c.service.id, c.original_date, c.reason)
           for c in sample.next_collections(100040000012, count=7, on_or_after=D(2026, 12, 14))]
    assert got == [
        (D(2026, 12, 18), "refuse", D(2026, 12, 18), None),
        (D(2026, 12, 18), "food", D(2026, 12, 18), None),
        (D(2026, 12, 26), "recycling", D(2026, 12, 25), BANK_HOLIDAY),
        (D(2026, 12, 26), "food", D(2026, 12, 25), BANK_HOLIDAY),
        (D(2027, 1, 2), "refuse", D(2027, 1, 1), OVERRIDE),  # the sample's override wins
        (D(2027, 1, 4), "food", D(2027, 1, 1), BANK_HOLIDAY),
        (D(2027, 1, 8), "recycling", D(2027, 1, 8), None),
    ]


def test_monday_street_and_exclusions(sample: Schedule) -> None:
    with_food = sample.collections_between(100040000001, D(2026, 12, 28), D(2026, 12, 31))
    assert [(c.date, c.service.id) for c in with_food] == [
        (D(2026, 12, 29), "recycling"), (D(2026, 12, 29), "food")]
    without = sample.collections_between(100040000003, D(2026, 12, 28), D(2026, 12, 31))
    assert [c.service.id for c in without] == ["recycling"]


def test_describe_and_next_days(sample: Schedule) -> None:
    assert sample.describe(100040000021) == [
        ("Rubbish", "Every Tuesday"), ("Rubbish", "Every Friday"),
        ("Recycling", "Every other Friday")]
    days = sample.next_days(100040000021, count=3, on_or_after=D(2026, 12, 21))
    assert [d.date for d in days] == [D(2026, 12, 22), D(2026, 12, 26), D(2026, 12, 30)]
    assert [s.id for s in days[1].services] == ["refuse", "recycling"]


def test_unknown_and_malformed_properties(sample: Schedule) -> None:
    with pytest.raises(NotFound):
        sample.next_collections(100040009999)
    for bad in ("", "abc", "1e5", -1, 0, "9" * 13, True, 1.5, "x" * 100_000, "１２３'; --"):
        with pytest.raises(ValidationError):
            sample.next_collections(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidFormat):
        sample.next_collections(100040000001, on_or_after="2026-12-14")  # type: ignore[arg-type]
    with pytest.raises(InvalidFormat):
        start = datetime(2026, 1, 1)
        sample.collections_between(100040000001, start, D(2026, 2, 1))  # type: ignore[arg-type]
    assert sample.next_collections(" 000100040000001 ", count=1, on_or_after=D(2026, 12, 14))


def test_street_fallback_for_a_property_not_in_the_file(sample: Schedule) -> None:
    found = sample.next_collections(100040009999, count=2, on_or_after=D(2026, 12, 14),
                                    usrn=14200002)
    assert [c.service.id for c in found] == ["refuse", "food"]
    with pytest.raises(NotFound):
        sample.next_collections(100040009999, usrn=99999999)


def test_division_and_custom_holidays() -> None:
    with Schedule.sample(division="scotland") as scotland:
        assert scotland.division == "scotland"
        found = scotland.collections_between(100040000001, D(2026, 6, 15), D(2026, 6, 16))
        assert {c.date for c in found} == {D(2026, 6, 16)}  # the World Cup holiday
    closure = HolidayCalendar.from_holidays("council", [BankHoliday(D(2026, 7, 6), "Depot fire")])
    with Schedule.sample(holidays=closure) as custom:
        found = custom.collections_between(100040000001, D(2026, 7, 6), D(2026, 7, 7))
        assert {c.note for c in found} == {"Depot fire"}
        assert custom.collections_between(100040000011, D(2026, 12, 25), D(2026, 12, 25))
    with pytest.raises(ConfigurationError):
        Schedule.sample(division="wales")
    with pytest.raises(ConfigurationError):
        Schedule.sample(policy="whenever")


def test_next_collections_many_shares_answers(sample: Schedule) -> None:
    uprns = [*SAMPLE_UPRNS, 100040009999, str(SAMPLE_UPRNS[0])]
    answers = list(sample.next_collections_many(uprns, count=4, on_or_after=D(2026, 12, 14)))
    assert [u for u, _ in answers] == [*SAMPLE_UPRNS, 100040009999, SAMPLE_UPRNS[0]]
    by_uprn = dict(answers)
    assert by_uprn[100040009999] is None
    for uprn in SAMPLE_UPRNS:
        assert by_uprn[uprn] == sample.next_collections(uprn, 4, D(2026, 12, 14))


def test_changes_from_another_connection_are_seen(tmp_path: Path) -> None:
    path = tmp_path / "council.sqlite"
    files = sample_files()
    with BinStore.open(path) as store:
        store.load(**{k: io.StringIO(v) for k, v in files.items()})
    with Schedule.open(path) as schedule, BinStore.open(path) as writer:
        assert schedule.rounds_for(100040000001) == ("FOOD-MON", "REC-MON-B", "REF-MON-A")
        writer.load(properties=io.StringIO("uprn,usrn,exclude\n100040000001,14200001,food\n"))
        schedule.reload()
        assert schedule.rounds_for(100040000001) == ("REC-MON-B", "REF-MON-A")
        with pytest.raises(NotFound):
            schedule.rounds_for(100040000002)


def test_open_needs_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        Schedule.open(tmp_path / "nothing.sqlite")
    assert not (tmp_path / "nothing.sqlite").exists()


def test_settings_in_the_file_are_used(tmp_path: Path) -> None:
    path = tmp_path / "council.sqlite"
    with BinStore.open(path) as store:
        store.load(**{k: io.StringIO(v) for k, v in sample_files().items()},
                   division="northern-ireland", policy="no-change")
    with Schedule.open(path) as schedule:
        assert schedule.division == "northern-ireland"
        found = schedule.collections_between(100040000011, D(2026, 12, 25), D(2026, 12, 25))
        assert found and all(c.reason is None for c in found)
    with Schedule.open(path, policy="next-working-day") as schedule:
        found = schedule.collections_between(100040000011, D(2026, 12, 29), D(2026, 12, 29))
        assert {c.original_date for c in found} == {D(2026, 12, 25)}


def test_the_schedule_is_a_schedule_source(sample: Schedule) -> None:
    assert isinstance(sample, ScheduleSource)
    assert sample.today() == sample.today()
    fixed = Schedule.sample(now=lambda: datetime(2026, 12, 14, 12, tzinfo=UTC))
    with fixed:
        assert fixed.next_collections(100040000012, count=1)[0].date == D(2026, 12, 18)


def test_registry_names_resolve() -> None:
    # Entry points are declared by the lead in pyproject; register here to prove the targets.
    from lgds_components.bins.ics_source import ICSSource

    with SCHEDULE_SOURCES.registered("test-sqlite", Schedule), \
            SCHEDULE_SOURCES.registered("test-ics", ICSSource):
        assert SCHEDULE_SOURCES.get("test-sqlite") is Schedule
        assert SCHEDULE_SOURCES.get("test-ics") is ICSSource
