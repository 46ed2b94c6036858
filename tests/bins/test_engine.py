"""The calculation, property by property: weekdays, intervals, reasons, holidays, overrides."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgds_components.bins.engine import Calculator
from lgds_components.bins.holidays import BankHolidays, HolidayCalendar
from lgds_components.bins.model import BANK_HOLIDAY, OVERRIDE, Round, Service
from lgds_components.bins.overrides import Override, Overrides
from lgds_components.errors import ConfigurationError, InvalidComponent, NotFound

D = date
SERVICES = [Service("refuse", "Rubbish"), Service("recycling", "Recycling"),
            Service("garden", "Garden waste")]
BUNDLED = BankHolidays.bundled()
AVOIDING = ("later-in-week", "next-working-day", "saturday-before")


@st.composite
def rounds(draw: st.DrawFn, rid: str = "R") -> Round:
    weekday = draw(st.integers(0, 5))
    every = draw(st.sampled_from([1, 1, 2, 2, 3, 4]))
    anchor = draw(st.dates(D(2016, 1, 1), D(2030, 12, 31)))
    reference = anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
    seasonal = draw(st.booleans())
    service = "garden" if seasonal else draw(st.sampled_from(["refuse", "recycling"]))
    return Round(rid, service, weekday, every, reference=reference,
                 season_start=(3, 1) if seasonal else None,
                 season_end=(11, 30) if seasonal else None)


divisions = st.sampled_from(["england-and-wales", "scotland", "northern-ireland"])
policies = st.sampled_from(["later-in-week", "next-working-day", "saturday-before", "no-change"])
starts = st.dates(D(2017, 6, 1), D(2029, 6, 1))


def calculator(round_: Round, division: str, policy: str,
               overrides: Overrides | None = None) -> Calculator:
    return Calculator(SERVICES, [round_], BUNDLED.division(division), policy=policy,
                      overrides=overrides)


@settings(max_examples=150)
@given(round_=rounds(), division=divisions, policy=policies, start=starts,
       span=st.integers(1, 420))
def test_every_collection_is_on_its_weekday_unless_moved_with_a_reason(
    round_: Round, division: str, policy: str, start: date, span: int
) -> None:
    calc = calculator(round_, division, policy)
    holidays = calc.holidays
    end = start + timedelta(days=span)
    found = calc.between([round_.id], start, end)
    for c in found:
        assert start <= c.date <= end
        # the original date is always on the round's pattern
        assert c.original_date.weekday() == round_.weekday
        assert (c.original_date - round_.reference).days % (7 * round_.every) == 0
        assert round_.in_season(c.original_date)
        if c.reason is None:
            assert c.date == c.original_date and c.date.weekday() == round_.weekday
            assert c.note == ""
        else:
            assert c.reason == BANK_HOLIDAY and c.moved and c.note
        if policy in AVOIDING:
            assert not holidays.is_holiday(c.date), c
    # sorted, and never two collections of one round on one day
    assert [c.date for c in found] == sorted(c.date for c in found)
    assert len({c.date for c in found}) == len(found)


@settings(max_examples=120)
@given(round_=rounds(), division=divisions, policy=policies, start=starts)
def test_scheduled_dates_are_n_weeks_apart(
    round_: Round, division: str, policy: str, start: date
) -> None:
    calc = calculator(round_, division, policy)
    found = calc.between([round_.id], start, start + timedelta(days=730))
    originals = sorted(c.original_date for c in found)
    step = 7 * round_.every
    for before, after in itertools.pairwise(originals):
        gap = (after - before).days
        if round_.seasonal:
            assert gap % step == 0  # the season's break is a whole number of periods
        else:
            assert gap == step


@settings(max_examples=120)
@given(round_=rounds(), division=divisions, policy=policies, start=starts,
       count=st.integers(1, 30))
def test_next_agrees_with_between(
    round_: Round, division: str, policy: str, start: date, count: int
) -> None:
    calc = calculator(round_, division, policy)
    upcoming = calc.next([round_.id], start, count)
    assert 1 <= len(upcoming) <= count
    assert all(c.date >= start for c in upcoming)
    window = calc.between([round_.id], start, upcoming[-1].date)
    assert list(upcoming) == window[: len(upcoming)]
    assert calc.next([round_.id], start, count) is upcoming  # cached and shared


@settings(max_examples=80)
@given(round_=rounds(), policy=st.sampled_from(AVOIDING), start=starts)
def test_year_ends_are_seamless(round_: Round, policy: str, start: date) -> None:
    """Collections across 31 December come out the same whichever year is asked first."""
    calc = calculator(round_, "england-and-wales", policy)
    new_year = D(start.year + 1, 1, 1)
    around = calc.between([round_.id], new_year - timedelta(days=21), new_year + timedelta(days=21))
    fresh = calculator(round_, "england-and-wales", policy)
    late = fresh.between([round_.id], new_year, new_year + timedelta(days=21))
    early = fresh.between([round_.id], new_year - timedelta(days=21), new_year - timedelta(days=1))
    assert around == early + late


@pytest.mark.parametrize("year", [2020, 2024, 2028])
def test_leap_years(year: int, england: HolidayCalendar) -> None:
    leap_day = D(year, 2, 29)
    round_ = Round("R", "refuse", leap_day.weekday(), 1, reference=leap_day)
    calc = Calculator(SERVICES, [round_], england)
    found = calc.between(["R"], D(year, 2, 1), D(year, 3, 31))
    assert leap_day in [c.date for c in found]
    assert [(b.date - a.date).days for a, b in itertools.pairwise(found)] == [7] * (len(found) - 1)


def test_scotland_vs_england(england: HolidayCalendar, scotland: HolidayCalendar) -> None:
    # A Monday round on Easter Monday 2026 (6 April) and 3 August 2026.
    round_ = Round("MON", "refuse", 0, 1, reference=D(2026, 1, 5))
    e = Calculator(SERVICES, [round_], england)
    s = Calculator(SERVICES, [round_], scotland)
    assert [c.date for c in e.between(["MON"], D(2026, 4, 6), D(2026, 4, 7))] == [D(2026, 4, 7)]
    assert [c.date for c in s.between(["MON"], D(2026, 4, 6), D(2026, 4, 7))] == [D(2026, 4, 6)]
    assert [c.date for c in e.between(["MON"], D(2026, 8, 3), D(2026, 8, 4))] == [D(2026, 8, 3)]
    assert [c.date for c in s.between(["MON"], D(2026, 8, 3), D(2026, 8, 4))] == [D(2026, 8, 4)]
    # Scotland's one-off World Cup holiday, Monday 15 June 2026
    assert [c.note for c in s.between(["MON"], D(2026, 6, 15), D(2026, 6, 16))] == [
        "World Cup bank holiday"]  # GOV.UK's title


def test_overrides_win_over_the_policy(england: HolidayCalendar) -> None:
    friday = Round("FRI", "refuse", 4, 1, reference=D(2026, 1, 2))
    other = Round("FRI-B", "recycling", 4, 1, reference=D(2026, 1, 2))
    table = Overrides([
        Override(D(2026, 12, 25), D(2026, 12, 24), round="FRI", note="Christmas Eve instead"),
        Override(D(2027, 1, 1), None, service="refuse", note="No collection"),
        Override(D(2027, 1, 1), D(2027, 1, 2), service="recycling", note="Saturday catch-up"),
        Override(D(2027, 1, 8), D(2027, 1, 8), round="FRI"),
    ])
    calc = Calculator(SERVICES, [friday, other], england, overrides=table)
    got = [(c.round, c.date, c.original_date, c.reason, c.note)
           for c in calc.between(["FRI", "FRI-B"], D(2026, 12, 21), D(2027, 1, 8))]
    assert got == [
        ("FRI", D(2026, 12, 24), D(2026, 12, 25), OVERRIDE, "Christmas Eve instead"),
        ("FRI-B", D(2026, 12, 26), D(2026, 12, 25), BANK_HOLIDAY, "Christmas Day"),
        ("FRI-B", D(2027, 1, 2), D(2027, 1, 1), OVERRIDE, "Saturday catch-up"),
        ("FRI", D(2027, 1, 8), D(2027, 1, 8), None, ""),
        ("FRI-B", D(2027, 1, 8), D(2027, 1, 8), None, ""),
    ]


def test_an_override_far_away_is_still_found(england: HolidayCalendar) -> None:
    friday = Round("FRI", "refuse", 4, 1, reference=D(2026, 1, 2))
    table = Overrides([Override(D(2026, 12, 4), D(2027, 2, 1), round="FRI", note="late")])
    calc = Calculator(SERVICES, [friday], england, overrides=table)
    found = calc.between(["FRI"], D(2027, 2, 1), D(2027, 2, 1))
    assert [(c.original_date, c.reason) for c in found] == [(D(2026, 12, 4), OVERRIDE)]
    assert D(2026, 12, 4) not in [c.date for c in calc.between(["FRI"], D(2026, 12, 1),
                                                                D(2026, 12, 10))]


def test_collections_moved_back_across_the_start_are_left_out(england: HolidayCalendar) -> None:
    monday = Round("MON", "refuse", 0, 1, reference=D(2026, 1, 5))
    calc = Calculator(SERVICES, [monday], england, policy="saturday-before")
    # Monday 28 December 2026 goes back to Saturday 26th
    assert [c.date for c in calc.next(["MON"], D(2026, 12, 27), 2)] == [D(2027, 1, 4),
                                                                      D(2027, 1, 11)]
    assert [c.date for c in calc.next(["MON"], D(2026, 12, 26), 1)] == [D(2026, 12, 26)]


def test_per_service_policies(england: HolidayCalendar) -> None:
    rounds_ = [Round("A", "refuse", 4, 1, reference=D(2026, 1, 2)),
               Round("B", "garden", 4, 1, reference=D(2026, 1, 2))]
    services = [Service("refuse", "Rubbish"), Service("garden", "Garden", policy="no-change")]
    calc = Calculator(services, rounds_, england, policy="later-in-week")
    by_round = {c.round: c.date for c in calc.between(["A", "B"], D(2026, 12, 25), D(2026, 12, 26))}
    assert by_round == {"A": D(2026, 12, 26), "B": D(2026, 12, 25)}
    calc = Calculator(services, rounds_, england, policies={"garden": "next-working-day"})
    by_round = {c.round: c.date for c in calc.between(["A", "B"], D(2026, 12, 25), D(2026, 12, 29))}
    assert by_round == {"A": D(2026, 12, 26), "B": D(2026, 12, 29)}
    with pytest.raises(ConfigurationError):
        Calculator(services, rounds_, england, policies={"food": "no-change"})


def test_twice_weekly_and_week_one_week_two(england: HolidayCalendar) -> None:
    rounds_ = [Round("TUE", "refuse", 1, 1, reference=D(2026, 1, 6)),
               Round("FRI", "refuse", 4, 1, reference=D(2026, 1, 2)),
               Round("WK1", "recycling", 0, 2, reference=D(2026, 1, 5)),
               Round("WK2", "recycling", 0, 2, reference=D(2026, 1, 12))]
    calc = Calculator(SERVICES, rounds_, england)
    twice = calc.between(["TUE", "FRI"], D(2026, 3, 2), D(2026, 3, 15))
    assert [c.date.weekday() for c in twice] == [1, 4, 1, 4]
    weekly = calc.between(["WK1", "WK2"], D(2026, 3, 2), D(2026, 3, 29))
    assert [c.round for c in weekly] == ["WK1", "WK2", "WK1", "WK2"]


def test_bad_requests(england: HolidayCalendar) -> None:
    round_ = Round("R", "refuse", 0, 1, reference=D(2026, 1, 5))
    calc = Calculator(SERVICES, [round_], england)
    with pytest.raises(InvalidComponent):
        calc.between(["R"], D(2026, 2, 1), D(2026, 1, 1))
    with pytest.raises(InvalidComponent):
        calc.between(["R"], D(2000, 1, 1), D(2011, 1, 1))
    for count in (0, 1001, True, 2.5):
        with pytest.raises(InvalidComponent):
            calc.next(["R"], D(2026, 1, 1), count)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        calc.next(["NOPE"], D(2026, 1, 1), 1)
    with pytest.raises(ConfigurationError):
        Calculator(SERVICES, [Round("X", "compost", 0, reference=D(2026, 1, 5))], england)
    assert calc.next([], D(2026, 1, 1), 3) == ()
    # the far ends of the calendar do not overflow
    assert calc.between(["R"], date.min, date.min + timedelta(days=30)) == []
    assert calc.next(["R"], date.max - timedelta(days=3), 2) == ()


def test_a_round_that_ends_gives_fewer(england: HolidayCalendar) -> None:
    round_ = Round("R", "refuse", 0, 1, reference=D(2026, 1, 5), end=D(2026, 1, 19))
    calc = Calculator(SERVICES, [round_], england)
    assert [c.date for c in calc.next(["R"], D(2026, 1, 1), 8)] == [
        D(2026, 1, 5), D(2026, 1, 12), D(2026, 1, 19)]


def test_garden_waste_pauses_for_winter(england: HolidayCalendar) -> None:
    garden = Round("G", "garden", 2, 2, reference=D(2026, 3, 4), season_start=(3, 1),
                   season_end=(11, 30))
    calc = Calculator(SERVICES, [garden], england)
    found = calc.next(["G"], D(2026, 11, 20), 2)
    assert [c.date for c in found] == [D(2026, 11, 25), D(2027, 3, 3)]

