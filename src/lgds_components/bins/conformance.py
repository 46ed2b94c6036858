"""Checks a contributed schedule source runs against itself.

A supplier writing an adapter for a council's waste system calls
:func:`check_schedule_source` from its own tests with a property its test
data knows; it raises :class:`AssertionError` naming the first broken promise
of the :class:`~lgds_components.bins.protocol.ScheduleSource` protocol.

>>> from datetime import date
>>> from lgds_components.bins.schedule import Schedule
>>> with Schedule.sample() as schedule:
...     check_schedule_source(schedule, 100040000012, start=date(2026, 12, 14))
"""

from __future__ import annotations

from datetime import date, timedelta

from lgds_components.bins.model import BANK_HOLIDAY, OVERRIDE, Collection, Service
from lgds_components.bins.protocol import ScheduleSource
from lgds_components.errors import ValidationError

__all__ = ["check_schedule_source"]


class _Place:
    """An address as a gazetteer gives one: a UPRN and (here, unknown) USRN."""

    def __init__(self, uprn: int) -> None:
        self.uprn = uprn
        self.usrn: int | None = None


def _fail(message: str) -> None:
    raise AssertionError(message)


def _check_collection(c: object, start: date, end: date) -> None:
    if not isinstance(c, Collection):
        _fail(f"expected Collection objects, got {type(c).__name__}")
        return
    if not isinstance(c.service, Service) or not c.service.id or not c.service.name:
        _fail(f"{c}: every collection needs a service with an id and a name")
    if not start <= c.date <= end:
        _fail(f"{c.date} is outside the dates asked for, {start} to {end}")
    if not isinstance(c.original_date, date):
        _fail(f"{c}: original_date must be a date")
    if c.moved and c.reason not in (BANK_HOLIDAY, OVERRIDE):
        _fail(f"{c}: a moved collection must say why (reason {BANK_HOLIDAY!r} or {OVERRIDE!r})")
    if not c.moved and c.reason is not None:
        _fail(f"{c}: a collection that did not move has no reason")


def check_schedule_source(source: object, uprn: int, *, start: date, days: int = 120) -> None:
    """Check ``source`` keeps the :class:`ScheduleSource` promises for property ``uprn``.

    The property must have at least one collection in the ``days`` from ``start``.

    Raises:
        AssertionError: a promise is broken; the message says which.
    """
    if not isinstance(source, ScheduleSource):
        _fail(f"{type(source).__name__} does not implement ScheduleSource")
        return
    if not isinstance(source.today(), date):
        _fail("today() must return a date")
    end = start + timedelta(days=days - 1)
    window = source.collections_between(uprn, start, end)
    if not window:
        _fail(f"no collections for {uprn} from {start} to {end}; choose a busier property")
    for collection in window:
        _check_collection(collection, start, end)
    if [c.date for c in window] != sorted(c.date for c in window):
        _fail("collections_between must return collections in date order")
    upcoming = source.next_collections(uprn, count=5, on_or_after=start)
    if not 1 <= len(upcoming) <= 5:
        _fail(f"next_collections(count=5) returned {len(upcoming)} collections")
    if len(window) >= 5 and [c.date for c in upcoming] != [c.date for c in window[:5]]:
        _fail("next_collections must agree with collections_between")
    place = _Place(uprn)
    if source.next_collections(place, count=5, on_or_after=start, usrn=None) != upcoming:
        _fail("next_collections must take an address (an object with uprn and usrn) and "
              "usrn=, and answer as for its UPRN")
    for bad in ("not a uprn", "", -1):
        try:
            source.next_collections(bad, count=1, on_or_after=start)
        except ValidationError:
            continue
        _fail(f"a malformed UPRN {bad!r} must raise ValidationError")
    try:
        source.collections_between(uprn, end, start)
    except ValidationError:
        pass
    else:
        if end != start:
            _fail("an end date before the start date must raise ValidationError")
