"""Bin collection schedules: rounds, bank holiday shifts, overrides, iCalendar and JSON feeds.

>>> from datetime import date
>>> from lgds_components.bins import Schedule
>>> with Schedule.sample() as schedule:
...     for day in schedule.next_days(100040000012, count=2, on_or_after=date(2026, 12, 21)):
...         print(day.date, [s.name for s in day.services], [c.note for c in day.moved])
2026-12-26 ['Recycling', 'Food waste'] ['Christmas Day', 'Christmas Day']
2027-01-02 ['Rubbish'] ['New Year catch-up']

The modules, each with one job:

- :mod:`~lgds_components.bins.model`: services, rounds, collections.
- :mod:`~lgds_components.bins.holidays`: GOV.UK bank holidays (a snapshot ships).
- :mod:`~lgds_components.bins.policies`: where a collection goes on a bank holiday.
- :mod:`~lgds_components.bins.overrides`: a council's own table of moved collections.
- :mod:`~lgds_components.bins.engine`: the calculation.
- :mod:`~lgds_components.bins.store`: the council's SQLite file and CSV loads.
- :mod:`~lgds_components.bins.schedule`: :class:`Schedule`, the embedded source.
- :mod:`~lgds_components.bins.ics_source`: :class:`ICSSource`, a council's ICS feed.
- :mod:`~lgds_components.bins.protocol`: :class:`ScheduleSource`, what both implement.
- :mod:`~lgds_components.bins.ical` and :mod:`~lgds_components.bins.feeds`: the feeds.
- :mod:`~lgds_components.bins.describe`: "today" in Europe/London, dates in words.
- :mod:`~lgds_components.bins.govuk`: bin days as govuk-frontend ``govukTable`` parameters.
- :mod:`~lgds_components.bins.property`: a UPRN, or an address carrying its UPRN and USRN.
- :mod:`~lgds_components.bins.resolve`: postcode and house to UPRN.
- :mod:`~lgds_components.bins.sample`: the built-in sample data.
- :mod:`~lgds_components.bins.conformance`: checks a contributed source runs against itself.

Names are imported lazily: importing this package costs nothing until one is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "BankHolidays",
    "BinStore",
    "Calculator",
    "Collection",
    "CollectionDay",
    "ICSSource",
    "Override",
    "Overrides",
    "Round",
    "Schedule",
    "ScheduleSource",
    "Service",
    "bin_days_table",
    "day_label",
    "get_policy",
    "relative_day",
    "resolve_uprn",
]

_WHERE = {
    "BankHolidays": "holidays",
    "BinStore": "store",
    "Calculator": "engine",
    "Collection": "model",
    "CollectionDay": "model",
    "ICSSource": "ics_source",
    "Override": "overrides",
    "Overrides": "overrides",
    "Round": "model",
    "Schedule": "schedule",
    "ScheduleSource": "protocol",
    "Service": "model",
    "bin_days_table": "govuk",
    "day_label": "describe",
    "get_policy": "policies",
    "relative_day": "describe",
    "resolve_uprn": "resolve",
}

if TYPE_CHECKING:
    from lgds_components.bins.describe import day_label, relative_day
    from lgds_components.bins.engine import Calculator
    from lgds_components.bins.govuk import bin_days_table
    from lgds_components.bins.holidays import BankHolidays
    from lgds_components.bins.ics_source import ICSSource
    from lgds_components.bins.model import Collection, CollectionDay, Round, Service
    from lgds_components.bins.overrides import Override, Overrides
    from lgds_components.bins.policies import get_policy
    from lgds_components.bins.protocol import ScheduleSource
    from lgds_components.bins.resolve import resolve_uprn
    from lgds_components.bins.schedule import Schedule
    from lgds_components.bins.store import BinStore


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
