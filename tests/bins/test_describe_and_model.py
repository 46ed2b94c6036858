"""Today in Europe/London, dates in words, and the model's own rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgds_components.bins.describe import day_label, london_today, relative_day
from lgds_components.bins.model import (
    BANK_HOLIDAY,
    OVERRIDE,
    Collection,
    Round,
    Service,
    group_by_date,
    parse_weekday,
)
from lgds_components.bins.schedule import Schedule
from lgds_components.errors import ConfigurationError, InvalidComponent, ValidationError

UTC = UTC
D = date


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_late_evening_utc_in_summer_is_already_tomorrow_in_london() -> None:
    assert london_today(lambda: at(2026, 7, 1, 23, 30)) == D(2026, 7, 2)
    assert london_today(lambda: at(2026, 7, 1, 22, 59)) == D(2026, 7, 1)


def test_in_winter_london_is_utc() -> None:
    assert london_today(lambda: at(2026, 12, 31, 23, 30)) == D(2026, 12, 31)
    assert london_today(lambda: at(2027, 1, 1, 0, 0)) == D(2027, 1, 1)


def test_clock_change_days() -> None:
    # 29 March 2026: clocks go forward at 01:00 UTC; 25 October 2026: back at 01:00 UTC
    assert london_today(lambda: at(2026, 3, 28, 23, 30)) == D(2026, 3, 28)
    assert london_today(lambda: at(2026, 3, 29, 23, 30)) == D(2026, 3, 30)
    assert london_today(lambda: at(2026, 10, 24, 23, 30)) == D(2026, 10, 25)
    assert london_today(lambda: at(2026, 10, 25, 23, 30)) == D(2026, 10, 25)
    other = datetime(2026, 7, 2, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 00:00 London
    assert london_today(lambda: other) == D(2026, 7, 2)


def test_naive_clock_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        london_today(lambda: datetime(2026, 7, 1, 23, 30))


@settings(max_examples=200)
@given(st.datetimes(datetime(1990, 1, 1), datetime(2060, 1, 1), timezones=st.just(UTC)))
def test_london_today_is_the_local_date(moment: datetime) -> None:
    offset = moment.astimezone(ZoneInfo("Europe/London")).utcoffset()
    assert offset in (timedelta(0), timedelta(hours=1))
    assert london_today(lambda: moment) == (moment + offset).date()


def test_the_schedule_uses_london_today() -> None:
    late = at(2026, 12, 17, 23, 30)  # winter: still Thursday 17th in London
    with Schedule.sample(now=lambda: late) as schedule:
        assert schedule.next_days(100040000012, count=1)[0].date == D(2026, 12, 18)
    summer = at(2026, 7, 9, 23, 30)  # BST: already Friday 10 July in London
    with Schedule.sample(now=lambda: summer) as schedule:
        assert schedule.today() == D(2026, 7, 10)
        assert schedule.next_days(100040000012, count=1)[0].date == D(2026, 7, 10)


def test_relative_day_and_labels() -> None:
    today = D(2026, 12, 14)
    assert [relative_day(today + timedelta(days=n), today) for n in (-3, -1, 0, 1, 2, 12)] == [
        "3 days ago", "Yesterday", "Today", "Tomorrow", "In 2 days", "In 12 days"]
    assert day_label(D(2027, 1, 1)) == "Friday 1 January 2027"
    assert day_label(D(2027, 1, 1), year=False) == "Friday 1 January"


def test_round_descriptions() -> None:
    ref = D(2026, 1, 5)
    assert Round("A", "x", 0, 1, reference=ref).description() == "Every Monday"
    assert Round("A", "x", 0, 2, reference=ref).description() == "Every other Monday"
    assert Round("A", "x", 0, 4, reference=ref).description() == "Every fourth Monday"
    assert Round("A", "x", 0, 6, reference=ref).description() == "Every 6 weeks on Monday"
    garden = Round("G", "g", 0, 2, reference=ref, season_start=(3, 1), season_end=(11, 30))
    assert garden.description() == "Every other Monday (1 March to 30 November)"


def test_round_validation() -> None:
    ref = D(2026, 1, 5)  # a Monday
    with pytest.raises(InvalidComponent, match="not a Tuesday"):
        Round("A", "x", 1, reference=ref)
    for every in (0, 53, True):
        with pytest.raises(InvalidComponent):
            Round("A", "x", 0, every, reference=ref)
    with pytest.raises(InvalidComponent):
        Round("A", "x", 7, reference=ref)
    with pytest.raises(ValidationError):
        Round("A", "x", 0, reference=ref, season_start=(2, 30), season_end=(3, 1))
    with pytest.raises(InvalidComponent):
        Round("A", "x", 0, reference=ref, season_start=(3, 1))
    with pytest.raises(InvalidComponent):
        Round("A", "x", 0, reference=ref, start=D(2026, 2, 1), end=D(2026, 1, 1))


def test_season_wrapping_the_year_end() -> None:
    winter = Round("W", "x", 0, 1, reference=D(2026, 1, 5), season_start=(11, 1),
                   season_end=(2, 28))
    assert winter.in_season(D(2026, 12, 7)) and winter.in_season(D(2027, 1, 4))
    assert not winter.in_season(D(2026, 6, 1))
    assert all(d.month in (11, 12, 1, 2) for d in winter.dates(D(2026, 1, 1), D(2027, 12, 31)))


@settings(max_examples=100)
@given(st.integers(0, 6), st.integers(1, 8), st.dates(D(1990, 1, 1), D(2080, 1, 1)),
       st.dates(D(1990, 1, 1), D(2080, 1, 1)), st.integers(0, 400))
def test_round_dates_follow_the_pattern(weekday: int, every: int, anchor: date, start: date,
                                        span: int) -> None:
    reference = anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
    round_ = Round("R", "x", weekday, every, reference=reference)
    end = start + timedelta(days=span)
    found = list(round_.dates(start, end))
    assert all(start <= d <= end and d.weekday() == weekday for d in found)
    assert all((d - reference).days % (7 * every) == 0 for d in found)
    assert len(found) in (span // (7 * every), span // (7 * every) + 1)


def test_parse_weekday() -> None:
    assert [parse_weekday(x) for x in ("Mon", "TUESDAY", " wed ", "thurs", "5", 6)] == [
        0, 1, 2, 3, 5, 6]
    for bad in ("", "  ", "M", "Moonday", "7", "٣", 8, -1, True):
        with pytest.raises(ValidationError):
            parse_weekday(bad)  # type: ignore[arg-type]


def test_collection_moves_and_grouping() -> None:
    refuse, food = Service("refuse", "Rubbish"), Service("food", "Food")
    day = D(2026, 12, 26)
    moved = Collection(day, refuse, "R", D(2026, 12, 25), BANK_HOLIDAY, "Christmas Day")
    override = Collection(day, food, "F", D(2026, 12, 25), OVERRIDE, "catch-up")
    plain = Collection(D(2026, 12, 18), refuse, "R", D(2026, 12, 18))
    assert moved.move_description() == "Moved from Friday 25 December because of Christmas Day"
    assert override.move_description() == "Moved from Friday 25 December: catch-up"
    assert plain.move_description() == "" and not plain.moved
    days = group_by_date([moved, plain, override])
    assert [d.date for d in days] == [D(2026, 12, 18), day]
    assert [s.name for s in days[1].services] == ["Rubbish", "Food"]
    assert days[1].moved == (moved, override)
