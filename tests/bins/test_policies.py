"""Shift policies: worked examples and properties over every date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgds_components.bins.holidays import BankHoliday, HolidayCalendar
from lgds_components.bins.policies import (
    POLICIES,
    Custom,
    LaterInWeek,
    NoChange,
    get_policy,
    holiday_note,
)
from lgds_components.errors import ConfigurationError

D = date
AVOIDING = ("later-in-week", "next-working-day", "saturday-before")


def moved(policy: str, day: date, calendar: HolidayCalendar) -> date:
    shift = get_policy(policy)(day, calendar)
    return day if shift is None else shift.date


class TestChristmas2026:
    """Friday 25 December and Monday 28 December (Boxing Day's substitute) in England."""

    def test_later_in_week(self, england: HolidayCalendar) -> None:
        expected = {
            D(2026, 12, 21): D(2026, 12, 21), D(2026, 12, 24): D(2026, 12, 24),
            D(2026, 12, 25): D(2026, 12, 26),  # Friday moves to Saturday
            D(2026, 12, 28): D(2026, 12, 29), D(2026, 12, 29): D(2026, 12, 30),
            D(2026, 12, 30): D(2026, 12, 31),
            D(2026, 12, 31): D(2027, 1, 2),    # Friday is New Year's Day: on to Saturday
            D(2027, 1, 1): D(2027, 1, 4),      # two holidays that week: shifted twice
            D(2027, 1, 4): D(2027, 1, 4),
        }
        assert {d: moved("later-in-week", d, england) for d in expected} == expected

    def test_next_working_day(self, england: HolidayCalendar) -> None:
        assert moved("next-working-day", D(2026, 12, 25), england) == D(2026, 12, 29)
        assert moved("next-working-day", D(2026, 12, 28), england) == D(2026, 12, 29)
        assert moved("next-working-day", D(2026, 12, 29), england) == D(2026, 12, 29)
        assert moved("next-working-day", D(2027, 1, 1), england) == D(2027, 1, 4)

    def test_saturday_before(self, england: HolidayCalendar) -> None:
        assert moved("saturday-before", D(2026, 12, 28), england) == D(2026, 12, 26)
        assert moved("saturday-before", D(2026, 12, 29), england) == D(2026, 12, 29)
        assert moved("saturday-before", D(2026, 12, 25), england) == D(2026, 12, 26)
        # New Year's Day (Friday) shifts later; the Monday holiday went to Saturday
        assert moved("saturday-before", D(2027, 1, 1), england) == D(2027, 1, 2)

    def test_no_change(self, england: HolidayCalendar) -> None:
        assert moved("no-change", D(2026, 12, 25), england) == D(2026, 12, 25)


def test_christmas_and_boxing_day_in_one_week_shift_twice(england: HolidayCalendar) -> None:
    # 2025: Thursday 25 and Friday 26 December
    assert moved("later-in-week", D(2025, 12, 24), england) == D(2025, 12, 24)
    assert moved("later-in-week", D(2025, 12, 25), england) == D(2025, 12, 27)
    shift = get_policy("later-in-week")(D(2025, 12, 26), england)
    assert shift is not None and shift.date == D(2025, 12, 29)  # Sat, Sunday skipped, Mon
    assert shift.note == "Christmas Day and Boxing Day"


def test_easter_2026(england: HolidayCalendar, scotland: HolidayCalendar) -> None:
    # Good Friday 3 April, Easter Monday 6 April (not in Scotland)
    assert moved("later-in-week", D(2026, 4, 3), england) == D(2026, 4, 4)
    assert moved("later-in-week", D(2026, 4, 6), england) == D(2026, 4, 7)
    assert moved("later-in-week", D(2026, 4, 10), england) == D(2026, 4, 11)
    assert moved("later-in-week", D(2026, 4, 6), scotland) == D(2026, 4, 6)
    assert moved("saturday-before", D(2026, 4, 6), england) == D(2026, 4, 4)


def test_2022_jubilee_week(england: HolidayCalendar) -> None:
    # Thursday 2 and Friday 3 June 2022 were both bank holidays
    assert moved("later-in-week", D(2022, 6, 1), england) == D(2022, 6, 1)
    assert moved("later-in-week", D(2022, 6, 2), england) == D(2022, 6, 4)
    assert moved("later-in-week", D(2022, 6, 3), england) == D(2022, 6, 6)
    assert moved("next-working-day", D(2022, 9, 19), england) == D(2022, 9, 20)


def test_rest_days_are_configurable(england: HolidayCalendar) -> None:
    policy = LaterInWeek(rest_days=frozenset({5, 6}))
    assert policy(D(2026, 12, 25), england).date == D(2026, 12, 29)


def test_custom_callable(england: HolidayCalendar) -> None:
    def to_sunday(day: date, holidays: HolidayCalendar) -> date | None:
        return day + timedelta(days=6 - day.weekday()) if holidays.is_holiday(day) else None

    policy = get_policy(to_sunday)
    assert isinstance(policy, Custom) and policy.name == "to_sunday"
    assert policy(D(2026, 12, 25), england).date == D(2026, 12, 27)
    assert policy(D(2026, 12, 24), england) is None
    bad = get_policy(lambda day, holidays: "tomorrow")
    with pytest.raises(ConfigurationError):
        bad(D(2026, 12, 25), england)


def test_get_policy() -> None:
    assert set(POLICIES) == {"later-in-week", "next-working-day", "saturday-before", "no-change"}
    assert get_policy(" Next-Working-Day ").name == "next-working-day"
    assert isinstance(get_policy(NoChange()), NoChange)
    with pytest.raises(ConfigurationError, match="later-in-week"):
        get_policy("whenever")
    with pytest.raises(ConfigurationError):
        get_policy(42)  # type: ignore[arg-type]


def test_holiday_note() -> None:
    a, b, c = (BankHoliday(D(2026, 1, n), t) for n, t in ((1, "A"), (2, "B"), (3, "C")))
    assert holiday_note([]) == ""
    assert holiday_note([b, a, a]) == "A and B"
    assert holiday_note([c, a, b]) == "A, B and C"


days = st.dates(D(2015, 1, 1), D(2035, 12, 31))
divisions = st.sampled_from(["england", "scotland", "northern_ireland"])


@settings(max_examples=400)
@given(day=days, division=divisions, policy=st.sampled_from(AVOIDING))
def test_avoiding_policies_never_land_on_a_holiday_or_a_sunday(
    day: date, division: str, policy: str, request: pytest.FixtureRequest
) -> None:
    calendar = request.getfixturevalue(division)
    shift = get_policy(policy)(day, calendar)
    if shift is None:
        # unmoved: either not a holiday, or (later-in-week) nothing earlier in the week
        assert not calendar.is_holiday(day)
        return
    assert not calendar.is_holiday(shift.date)
    assert shift.date.weekday() != 6
    assert shift.holidays, "a move always names the holidays behind it"
    assert abs((shift.date - day).days) <= 10
    if policy == "next-working-day":
        assert shift.date > day and shift.date.weekday() < 5
    if policy == "later-in-week":
        assert shift.date > day


@settings(max_examples=300)
@given(day=days, division=divisions)
def test_later_in_week_keeps_order_within_a_round(
    day: date, division: str, request: pytest.FixtureRequest
) -> None:
    """A weekly round's collections never swap places or share a day after shifting."""
    calendar = request.getfixturevalue(division)
    first, second = (moved("later-in-week", d, calendar) for d in (day, day + timedelta(days=7)))
    assert first < second
