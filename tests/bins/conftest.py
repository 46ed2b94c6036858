"""Fixtures for the bins tests: bank holiday calendars, the sample schedule, a clean cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lgds_components.bins.holidays import BankHolidays, HolidayCalendar
from lgds_components.bins.schedule import Schedule


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Keep every test away from the user's real cache directory."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("LGDS_COMPONENTS_CACHE", str(cache))
    return cache


@pytest.fixture(scope="session")
def england() -> HolidayCalendar:
    return BankHolidays.bundled().division("england-and-wales")


@pytest.fixture(scope="session")
def scotland() -> HolidayCalendar:
    return BankHolidays.bundled().division("scotland")


@pytest.fixture(scope="session")
def northern_ireland() -> HolidayCalendar:
    return BankHolidays.bundled().division("northern-ireland")


@pytest.fixture
def sample() -> Iterator[Schedule]:
    with Schedule.sample() as schedule:
        yield schedule
