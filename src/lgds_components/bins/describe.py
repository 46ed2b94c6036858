"""Today's date in Europe/London, and dates in words for residents.

Every date a resident sees is a date in Europe/London, never a date in UTC:
at 23:30 UTC on a summer evening it is already tomorrow in London.

>>> from datetime import datetime, timezone
>>> late = datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc)
>>> london_today(lambda: late)
datetime.date(2026, 7, 2)

>>> from datetime import date
>>> today = date(2026, 12, 14)
>>> [relative_day(date(2026, 12, d), today) for d in (14, 15, 17)]
['Today', 'Tomorrow', 'In 3 days']
>>> day_label(date(2026, 12, 26))
'Saturday 26 December 2026'
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Final, TypeAlias
from zoneinfo import ZoneInfo

from lgds_components.bins.model import MONTHS, WEEKDAYS
from lgds_components.errors import ConfigurationError

__all__ = ["LONDON", "Clock", "day_label", "london_today", "relative_day", "utc_now"]

LONDON: Final = ZoneInfo("Europe/London")
"""The time zone every resident-facing date is computed in."""

Clock: TypeAlias = Callable[[], datetime]
"""Returns the current moment as an aware :class:`~datetime.datetime` (inject one in tests)."""


def utc_now() -> datetime:
    """The current moment, in UTC (the default clock)."""
    return datetime.now(UTC)


def london_today(now: Clock | None = None) -> date:
    """Today's date in Europe/London, from ``now()`` (default: the system clock).

    Raises:
        ConfigurationError: ``now()`` returned a naive datetime (no time zone).
    """
    moment = (now or utc_now)()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ConfigurationError(
            "the clock returned a datetime without a time zone; return an aware datetime"
        )
    return moment.astimezone(LONDON).date()


def relative_day(day: date, today: date) -> str:
    """``"Today"``, ``"Tomorrow"``, ``"In 3 days"``, ``"Yesterday"`` or ``"5 days ago"``."""
    delta = (day - today).days
    if delta == 0:
        return "Today"
    if delta == 1:
        return "Tomorrow"
    if delta == -1:
        return "Yesterday"
    if delta > 1:
        return f"In {delta} days"
    return f"{-delta} days ago"


def day_label(day: date, *, year: bool = True) -> str:
    """The date as GOV.UK writes it, with the weekday: ``"Friday 25 December 2026"``."""
    text = f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text
