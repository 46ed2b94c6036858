"""The bank holiday snapshot, the statutory rules, and refreshing from GOV.UK."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgds_components.bins import holidays as hol
from lgds_components.bins.holidays import (
    DIVISIONS,
    BankHolidays,
    HolidayCalendar,
    easter_sunday,
    parse,
    projected,
)
from lgds_components.errors import (
    ConfigurationError,
    InvalidFormat,
    ProviderError,
    ProviderUnavailable,
)
from lgds_components.http import RetryPolicy, build_session
from lgds_components.testing.http_server import LocalHTTPServer

D = date

# One-off and moved holidays the rules cannot foresee: date -> divisions.
ONE_OFFS = {
    D(2020, 5, 8): set(DIVISIONS),    # VE day, in place of Monday 4 May
    D(2022, 6, 2): set(DIVISIONS),    # spring bank holiday moved for the jubilee
    D(2022, 6, 3): set(DIVISIONS),    # Platinum Jubilee
    D(2022, 9, 19): set(DIVISIONS),   # State Funeral of Queen Elizabeth II
    D(2023, 5, 8): set(DIVISIONS),    # coronation of King Charles III
    D(2026, 6, 15): {"scotland"},     # Scotland at the World Cup
}
REPLACED = {D(2020, 5, 4), D(2022, 5, 30)}  # what the rules would have given instead


def test_snapshot_has_three_divisions_2019_to_2028() -> None:
    data = BankHolidays.bundled()
    assert set(data.divisions) == set(DIVISIONS)
    for calendar in data.divisions.values():
        assert (calendar.first_year, calendar.last_year) == (2019, 2028)
    assert data.assembled == "2026-08-21"
    assert "gov.uk/bank-holidays.json" in data.source


def test_snapshot_file_is_govuk_shaped_and_records_its_source() -> None:
    path = Path(hol.__file__).parent / "data" / "bank-holidays.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["_meta"]["source"] == "https://www.gov.uk/bank-holidays.json"
    assert "scripts/bank_holidays/build.py" in raw["_meta"]["method"]
    for name in DIVISIONS:
        assert raw[name]["division"] == name
        for event in raw[name]["events"]:
            assert set(event) == {"title", "date", "notes", "bunting"}
            assert D.fromisoformat(event["date"]).weekday() < 5
    assert (path.parent / "SOURCE.md").is_file()


@pytest.mark.parametrize("division", DIVISIONS)
def test_snapshot_agrees_with_the_rules_except_the_proclaimed_days(division: str) -> None:
    calendar = BankHolidays.bundled().division(division)
    for year in range(2019, 2029):
        data = {h.date for h in calendar if h.date.year == year}
        rules = {h.date for h in projected(division, year)}
        extra = {d for d, where in ONE_OFFS.items() if d.year == year and division in where}
        assert data - rules == extra, (division, year)
        assert rules - data == {d for d in REPLACED if d.year == year}, (division, year)


def test_christmas_2026(england: HolidayCalendar, scotland: HolidayCalendar) -> None:
    for calendar in (england, scotland):
        assert calendar.get(D(2026, 12, 25)).title == "Christmas Day"
        boxing = calendar.get(D(2026, 12, 28))
        assert (boxing.title, boxing.notes) == ("Boxing Day", "Substitute day")
        assert not calendar.is_holiday(D(2026, 12, 26))  # a Saturday
    assert england.is_holiday(D(2027, 1, 1)) and not england.is_holiday(D(2027, 1, 4))
    assert scotland.is_holiday(D(2027, 1, 4))  # 2nd January's substitute


def test_easter_good_friday_and_easter_monday(england: HolidayCalendar,
                                              scotland: HolidayCalendar,
                                              northern_ireland: HolidayCalendar) -> None:
    for year in range(2019, 2029):
        sunday = easter_sunday(year)
        assert england.get(sunday - timedelta(days=2)).title == "Good Friday"
        assert england.get(sunday + timedelta(days=1)).title == "Easter Monday"
        assert northern_ireland.is_holiday(sunday + timedelta(days=1))
        assert scotland.is_holiday(sunday - timedelta(days=2))
        assert not scotland.is_holiday(sunday + timedelta(days=1))


def test_2022_and_2023_extra_holidays(england: HolidayCalendar) -> None:
    assert england.get(D(2022, 6, 3)).title == "Platinum Jubilee bank holiday"
    assert england.get(D(2022, 6, 2)).title == "Spring bank holiday"
    assert not england.is_holiday(D(2022, 5, 30))
    assert "State Funeral" in england.get(D(2022, 9, 19)).title
    assert "coronation" in england.get(D(2023, 5, 8)).title


def test_scotland_and_northern_ireland_have_their_own_days(
    england: HolidayCalendar, scotland: HolidayCalendar, northern_ireland: HolidayCalendar
) -> None:
    assert scotland.is_holiday(D(2026, 11, 30)) and not england.is_holiday(D(2026, 11, 30))
    assert scotland.is_holiday(D(2026, 8, 3)) and not scotland.is_holiday(D(2026, 8, 31))
    assert england.is_holiday(D(2026, 8, 31)) and not england.is_holiday(D(2026, 8, 3))
    assert northern_ireland.is_holiday(D(2026, 3, 17))
    assert northern_ireland.get(D(2026, 7, 13)).notes == "Substitute day"  # 12 July a Sunday
    assert not england.is_holiday(D(2026, 3, 17))


def test_projected_years_are_marked(england: HolidayCalendar) -> None:
    assert not england.covers(D(2030, 1, 1))
    christmas = england.get(D(2032, 12, 27))  # 25th a Saturday: substitute Monday 27th
    assert christmas.projected and christmas.title == "Christmas Day"
    assert england.get(D(2032, 12, 28)).title == "Boxing Day"
    assert england.get(D(2017, 12, 25)).projected


def test_custom_calendar_has_no_projection() -> None:
    calendar = HolidayCalendar.from_holidays("council", [hol.BankHoliday(D(2026, 7, 1), "Show")])
    assert calendar.is_holiday(D(2026, 7, 1))
    assert not calendar.is_holiday(D(2027, 12, 25))
    with pytest.raises(ConfigurationError):
        HolidayCalendar.from_holidays("council", [])


def test_unknown_division_lists_the_real_ones() -> None:
    with pytest.raises(ConfigurationError, match="england-and-wales"):
        BankHolidays.bundled().division("wales")
    with pytest.raises(ConfigurationError):
        projected("wales", 2026)


@settings(max_examples=200)
@given(st.integers(1583, 4099))
def test_easter_is_a_sunday_in_its_window(year: int) -> None:
    sunday = easter_sunday(year)
    assert sunday.weekday() == 6
    assert D(year, 3, 22) <= sunday <= D(year, 4, 25)


@settings(max_examples=100)
@given(st.sampled_from(DIVISIONS), st.integers(1980, 2200))
def test_projected_holidays_are_weekdays_and_distinct(division: str, year: int) -> None:
    found = projected(division, year)
    days = [h.date for h in found]
    assert len(days) == len(set(days))
    assert all(d.weekday() < 5 and d.year in (year, year + 1) for d in days)
    assert len(days) == {"england-and-wales": 8, "scotland": 9, "northern-ireland": 10}[division]


@pytest.mark.parametrize("text", [
    b"", b"not json", b"[]", b'{"scotland": 3}', b'{"scotland": {"events": []}}',
    b'{"scotland": {"events": [{"title": "", "date": "2026-01-01"}]}}',
    b'{"england-and-wales": {"events": [{"title": "x", "date": "2026-02-30"}]}}',
    b"{}", b'{"wales": {"events": []}}', ("{" * 5000).encode(),
])
def test_bad_data_is_invalid_format(text: bytes) -> None:
    with pytest.raises(InvalidFormat):
        parse(text)


@settings(max_examples=60)
@given(st.text(max_size=200))
def test_parse_never_raises_anything_but_invalid_format(text: str) -> None:
    try:
        parse(text)
    except InvalidFormat:
        pass


def govuk_body() -> bytes:
    raw = {
        name: {"division": name, "events": [
            {"title": "Christmas Day", "date": f"{year}-12-25", "notes": "", "bunting": True}
            for year in range(2018, 2030)
        ]}
        for name in DIVISIONS
    }
    return json.dumps(raw).encode()


def quick_session():  # type: ignore[no-untyped-def]
    return build_session(provider="govuk-bank-holidays",
                         retry=RetryPolicy(attempts=1), timeout=(2.0, 2.0))


def test_refresh_caches_and_default_prefers_the_fresher_copy(_private_cache: Path) -> None:
    routes = {"GET /bank-holidays.json": (200, {"Content-Type": "application/json"}, govuk_body())}
    with LocalHTTPServer(routes) as server, quick_session() as session:
        fresh = hol.refresh(url=server.url + "/bank-holidays.json", session=session)
    assert fresh.last_year == 2029
    cached = hol.cache_path()
    assert cached.parent == _private_cache and cached.is_file()
    assert json.loads(cached.read_text(encoding="utf-8"))["_meta"]["method"] == "downloaded"
    assert BankHolidays.default().last_year == 2029
    assert BankHolidays.bundled().last_year == 2028


def test_default_ignores_an_older_or_broken_cache(_private_cache: Path) -> None:
    cached = hol.cache_path()
    cached.write_text('{"scotland": {"events": [{"title": "x", "date": "2019-01-01"}]}}',
                      encoding="utf-8")
    assert BankHolidays.default() is BankHolidays.bundled()
    cached.write_text("garbage", encoding="utf-8")
    assert BankHolidays.default() is BankHolidays.bundled()


def test_failed_refresh_keeps_the_previous_copy(_private_cache: Path) -> None:
    routes = {"GET /ok": (200, {}, govuk_body()), "GET /junk": (200, {}, b"<html>"),
              "GET /bad": (200, {}, b'{"scotland": {"events": "no"}}')}
    with LocalHTTPServer(routes) as server, quick_session() as session:
        hol.refresh(url=server.url + "/ok", session=session)
        before = hol.cache_path().read_bytes()
        with pytest.raises(ProviderError):
            hol.refresh(url=server.url + "/junk", session=session)
        with pytest.raises(InvalidFormat):
            hol.refresh(url=server.url + "/bad", session=session)
        server.status(503)
        with pytest.raises(ProviderUnavailable):
            hol.refresh(url=server.url + "/ok", session=session)
    assert hol.cache_path().read_bytes() == before
    assert not [p for p in _private_cache.iterdir() if p.name.startswith(".")]


def test_cache_path_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert hol.cache_path(tmp_path) == tmp_path / "bank-holidays.json"
    monkeypatch.delenv("LGDS_COMPONENTS_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if hol.sys.platform.startswith("linux"):
        assert hol.cache_path() == tmp_path / "lgds-components" / "bank-holidays.json"
