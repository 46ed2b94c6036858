"""The calculation: rounds, bank holidays, policies and overrides in, collections out.

:class:`Calculator` holds no property data and does no I/O. It computes each
round's collections once per year and shares them, so a million properties on
a few hundred rounds cost a few hundred calculations, not a million.

The order of the rules for each date a round schedules:

1. an :class:`~lgds_components.bins.overrides.Override` for the round (or
   else for its service) wins: the collection moves to its ``new_date``, or
   is cancelled;
2. otherwise the service's shift policy (or else the council's) may move it
   because of a bank holiday.

>>> from datetime import date
>>> from lgds_components.bins.holidays import BankHolidays
>>> from lgds_components.bins.model import Round, Service
>>> calc = Calculator(
...     services=[Service("refuse", "Rubbish")],
...     rounds=[Round("REF-FRI", "refuse", 4, 1, reference=date(2026, 1, 2))],
...     holidays=BankHolidays.bundled().division("england-and-wales"),
... )
>>> for c in calc.between(["REF-FRI"], date(2026, 12, 21), date(2027, 1, 8)):
...     print(c.date, c.original_date, c.reason, c.note)
2026-12-26 2026-12-25 bank_holiday Christmas Day
2027-01-04 2027-01-01 bank_holiday Boxing Day and New Year’s Day
2027-01-08 2027-01-08 None
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from itertools import islice
from typing import Any, Final

from lgds_components.bins.holidays import HolidayCalendar
from lgds_components.bins.model import BANK_HOLIDAY, OVERRIDE, Collection, Round, Service
from lgds_components.bins.overrides import Overrides
from lgds_components.bins.policies import ShiftPolicy, get_policy, holiday_note
from lgds_components.errors import ConfigurationError, InvalidComponent, NotFound

__all__ = ["MAX_SEARCH_DAYS", "MAX_SPAN_DAYS", "Calculator"]

MAX_SEARCH_DAYS: Final = 3 * 366
"""How far ahead :meth:`Calculator.next` looks for collections before giving up."""

MAX_SPAN_DAYS: Final = 3660
"""The longest range :meth:`Calculator.between` answers (about 10 years)."""

_MARGIN: Final = 14  # days a policy may move a collection, either way
_CACHE_LIMIT: Final = 8192  # per-round caches
_SET_CACHE_LIMIT: Final = 65536  # answers per set of rounds
_MIN_YEAR: Final = 1900
_MAX_YEAR: Final = 2999


class Calculator:
    """Collections for sets of rounds, with bank holidays, policies and overrides applied.

    Args:
        services: every service, in the order residents should see them.
        rounds: every round.
        holidays: the council's division's bank holidays.
        policy: the council's shift policy (a name, a policy or a callable).
        policies: shift policies for particular services, by service id.
        overrides: the council's override table.

    Raises:
        ConfigurationError: a round names a service that is not given, or a
            policy is unknown.
    """

    def __init__(
        self,
        services: Iterable[Service],
        rounds: Iterable[Round],
        holidays: HolidayCalendar,
        *,
        policy: str | ShiftPolicy | Callable[..., object] = "later-in-week",
        policies: Mapping[str, str | ShiftPolicy | Callable[..., object]] | None = None,
        overrides: Overrides | None = None,
    ) -> None:
        self.services: dict[str, Service] = {s.id: s for s in services}
        self.rounds: dict[str, Round] = {r.id: r for r in rounds}
        self.holidays = holidays
        self.policy: ShiftPolicy = get_policy(policy)  # type: ignore[arg-type]
        self._service_policy: dict[str, ShiftPolicy] = {}
        for service in self.services.values():
            chosen = (policies or {}).get(service.id, service.policy)
            self._service_policy[service.id] = (
                get_policy(chosen) if chosen else self.policy  # type: ignore[arg-type]
            )
        for service_id in policies or {}:
            if service_id not in self.services:
                raise ConfigurationError(f"a policy is given for unknown service {service_id!r}")
        for round_ in self.rounds.values():
            if round_.service not in self.services:
                raise ConfigurationError(
                    f"round {round_.id!r} collects unknown service {round_.service!r}"
                )
        self.overrides: Overrides = overrides if overrides is not None else Overrides()
        self._margin = timedelta(days=_MARGIN + self.overrides.max_displacement())
        self._order = {sid: index for index, sid in enumerate(self.services)}
        self._years: dict[tuple[str, int], tuple[Collection, ...]] = {}
        self._next: dict[tuple[tuple[str, ...], date, int], tuple[Collection, ...]] = {}
        self._round_cache: dict[tuple[str, date, int], tuple[Collection, ...]] = {}
        self._lock = threading.Lock()

    def policy_for(self, service_id: str) -> ShiftPolicy:
        """The shift policy that applies to a service."""
        return self._service_policy.get(service_id, self.policy)

    def service_rank(self, service_id: str) -> int:
        """A service's place in the council's order (unknown services last)."""
        return self._order.get(service_id, 1 << 30)

    def sort_key(self, collection: Collection) -> tuple[date, int, str]:
        """Order collections by date, then service order, then round."""
        return (collection.date, self._order.get(collection.service.id, 1 << 30), collection.round)

    # ------------------------------------------------------------------ per round, per year

    def year(self, round_id: str, year: int) -> tuple[Collection, ...]:
        """The collections of one round whose *scheduled* date is in ``year``, by date.

        Raises:
            NotFound: no such round.
        """
        key = (round_id, year)
        found = self._years.get(key)
        if found is None:
            found = self._compute_year(round_id, year)
            _remember(self._years, key, found, _CACHE_LIMIT, self._lock)
        return found

    def _compute_year(self, round_id: str, year: int) -> tuple[Collection, ...]:
        round_ = self.rounds.get(round_id)
        if round_ is None:
            raise NotFound(f"no collection round {round_id!r}", provider="bins")
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return ()
        service = self.services[round_.service]
        policy = self.policy_for(service.id)
        holidays = self.holidays
        overrides = self.overrides
        result = []
        for scheduled in round_.dates(date(year, 1, 1), date(year, 12, 31)):
            override = overrides.find(round_.id, service.id, scheduled)
            if override is not None:
                if override.new_date is None:
                    continue
                moved = override.new_date != scheduled
                result.append(Collection(
                    override.new_date, service, round_.id, scheduled,
                    OVERRIDE if moved else None, override.note,
                ))
                continue
            shift = policy(scheduled, holidays)
            if shift is None or shift.date == scheduled:
                result.append(Collection(scheduled, service, round_.id, scheduled))
            else:
                result.append(Collection(shift.date, service, round_.id, scheduled,
                                         BANK_HOLIDAY, holiday_note(shift.holidays)))
        result.sort(key=lambda c: (c.date, c.original_date))
        return tuple(result)

    # ------------------------------------------------------------------ sets of rounds

    def between(self, round_ids: Iterable[str], start: date, end: date) -> list[Collection]:
        """Collections of the given rounds dated ``start`` to ``end`` inclusive, in order.

        A collection scheduled before ``start`` but moved into the range is
        included, and one moved out of it is not.

        Raises:
            InvalidComponent: ``end`` is before ``start``, or more than
                :data:`MAX_SPAN_DAYS` after it.
            NotFound: an unknown round.
        """
        if end < start:
            raise InvalidComponent("The end date must be on or after the start date",
                                   field="end")
        if (end - start).days > MAX_SPAN_DAYS:
            raise InvalidComponent("Ask for 10 years of collections or less", field="end")
        low = _add(start, -self._margin)
        high = _add(end, self._margin)
        found = []
        for round_id in dict.fromkeys(round_ids):
            for year in range(low.year, high.year + 1):
                for collection in self.year(round_id, year):
                    if start <= collection.date <= end:
                        found.append(collection)
        found.sort(key=self.sort_key)
        return found

    def next(
        self, round_ids: Iterable[str], on_or_after: date, count: int
    ) -> tuple[Collection, ...]:
        """The first ``count`` collections of the given rounds dated ``on_or_after`` or later.

        Each round's answer is computed once per (round, date, count) and the
        answer for a set of rounds is a merge of those, cached per set; the
        results are shared, never copied. Fewer than ``count`` come back when
        the rounds end or pause for longer than :data:`MAX_SEARCH_DAYS`.

        Raises:
            InvalidComponent: ``count`` is below 1 or above 1000.
            NotFound: an unknown round.
        """
        ids = round_ids if type(round_ids) is tuple else tuple(sorted(set(round_ids)))
        key = (ids, on_or_after, count)
        hit = self._next.get(key)
        if hit is not None:
            return hit
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
            raise InvalidComponent("Count must be a whole number from 1 to 1000", field="count")
        if len(ids) == 1:
            result = self._round_next(ids[0], on_or_after, count)
        else:
            parts = [self._round_next(rid, on_or_after, count) for rid in ids]
            result = tuple(islice(heapq.merge(*parts, key=self.sort_key), count))
        _remember(self._next, key, result, _SET_CACHE_LIMIT, self._lock)
        return result

    def _round_next(self, round_id: str, on_or_after: date, count: int) -> tuple[Collection, ...]:
        key = (round_id, on_or_after, count)
        hit = self._round_cache.get(key)
        if hit is not None:
            return hit
        result: tuple[Collection, ...] = ()
        if on_or_after.year <= _MAX_YEAR:
            round_ = self.rounds.get(round_id)
            every = round_.every if round_ is not None else 1
            span = max(28, 7 * every * (count + 1) + 14)
            while True:
                end = _add(on_or_after, timedelta(days=span))
                found = self.between((round_id,), on_or_after, end)
                if len(found) >= count or span >= MAX_SEARCH_DAYS or end.year >= _MAX_YEAR:
                    result = tuple(found[:count])
                    break
                span = min(span * 2, MAX_SEARCH_DAYS)
        _remember(self._round_cache, key, result, _CACHE_LIMIT, self._lock)
        return result


def _remember(cache: dict[Any, Any], key: Any, value: Any, limit: int,
              lock: threading.Lock) -> None:
    """Store ``value``; when the cache is full, forget its older half first."""
    with lock:
        if len(cache) >= limit:
            for old in list(islice(cache, limit // 2)):
                cache.pop(old, None)
        cache[key] = value


def _add(day: date, delta: timedelta) -> date:
    """``day + delta``, kept within the years the calculator works in."""
    try:
        moved = day + delta
    except OverflowError:
        moved = date.max if delta.days > 0 else date.min
    if moved.year < _MIN_YEAR:
        return date(_MIN_YEAR, 1, 1)
    if moved.year > _MAX_YEAR:
        return date(_MAX_YEAR, 12, 31)
    return moved
