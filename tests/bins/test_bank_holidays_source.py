"""The shipped bank holidays are GOV.UK's source data; the rules name days as GOV.UK does."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from lgds_components.bins import holidays
from lgds_components.bins.holidays import DIVISIONS, BankHolidays, projected

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = Path(holidays.__file__).parent / "data" / "bank-holidays.json"  # as installed


def build_script() -> ModuleType:
    path = ROOT / "scripts" / "bank_holidays" / "build.py"
    spec = importlib.util.spec_from_file_location("build_bank_holidays", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def govuk_events() -> dict[str, list[dict[str, object]]]:
    """Every event in the copy of GOV.UK's source data, with English titles, by division."""
    script = build_script()
    built = script.build(*script.load_copies())
    return {name: built[name]["events"] for name in DIVISIONS}


def test_the_shipped_file_is_exactly_what_the_script_builds_from_govuks_data() -> None:
    script = build_script()
    assert SHIPPED.read_text(encoding="utf-8") == script.render(script.build(*script.load_copies()))
    assert script.main(["--check"]) == 0


def test_the_copied_source_data_is_govuks() -> None:
    script = build_script()
    calendar, titles, source = script.load_copies()
    assert source["repository"] == "https://github.com/alphagov/frontend"
    assert len(source["commit"]) == 40
    assert set(titles) == script.used_keys(calendar)  # every key resolved, nothing extra


@pytest.mark.parametrize(("division", "day", "title", "bunting"), [
    ("england-and-wales", "2022-06-03", "Platinum Jubilee bank holiday", True),
    ("scotland", "2026-06-15", "World Cup bank holiday", True),
    ("england-and-wales", "2020-04-13", "Easter Monday", False),
    ("northern-ireland", "2020-04-13", "Easter Monday", False),
    ("england-and-wales", "2020-05-08", "Early May bank holiday (VE day)", True),
    ("scotland", "2023-01-02", "New Year’s Day", True),
    ("scotland", "2023-01-03", "2nd January", True),
])
def test_titles_and_bunting_are_govuks(division: str, day: str, title: str,
                                       bunting: bool) -> None:
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    event = next(e for e in shipped[division]["events"] if e["date"] == day)
    assert (event["title"], event["bunting"]) == (title, bunting)
    assert BankHolidays.bundled().division(division).get(date.fromisoformat(day)).title == title


# Holidays proclaimed for one year, which no rule foresees, and the days they replaced.
PROCLAIMED = {"2020-05-08", "2022-06-02", "2022-06-03", "2022-09-19", "2023-05-08", "2026-06-15"}
REPLACED = {"2020-05-04", "2022-05-30"}


@pytest.mark.parametrize("division", DIVISIONS)
def test_the_rules_name_every_ordinary_holiday_as_govuk_does(division: str) -> None:
    govuk = {(e["date"], e["title"], e["notes"]) for e in govuk_events()[division]
             if e["date"] not in PROCLAIMED}
    years = sorted({int(str(e["date"])[:4]) for e in govuk_events()[division]})
    rules = {(h.date.isoformat(), h.title, h.notes)
             for year in years for h in projected(division, year)
             if h.date.isoformat() not in REPLACED}
    assert rules == govuk


@pytest.mark.parametrize("year", [2034, 2040, 2045, 2051])  # 1 January a Sunday
def test_scotlands_january_when_new_years_day_is_a_sunday(year: int) -> None:
    assert date(year, 1, 1).weekday() == 6
    january = [(h.date.day, h.title, h.notes) for h in projected("scotland", year)
               if h.date.month == 1]
    assert january == [(2, "New Year’s Day", "Substitute day"),
                       (3, "2nd January", "Substitute day")]
    england = [(h.date.day, h.title) for h in projected("england-and-wales", year)
               if h.date.month == 1]
    assert england == [(2, "New Year’s Day")]
