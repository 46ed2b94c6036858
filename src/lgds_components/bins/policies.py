"""Bank holiday shift policies: where a collection goes when a bank holiday gets in the way.

A policy is called with the date a round scheduled and the division's
:class:`~lgds_components.bins.holidays.HolidayCalendar`; it returns a
:class:`Shift` (the new date and the holidays that caused it) or ``None`` when
the collection stays put. Councils choose one policy, and may choose another
for a service:

``later-in-week`` (:class:`LaterInWeek`, the default)
    Every collection from the holiday to the end of that week happens one day
    later; a Friday moves to Saturday. Each holiday in the week adds a day, so
    Christmas Day and Boxing Day in one week shift twice. Sundays are skipped,
    and so is a day that is itself a holiday.
``next-working-day`` (:class:`NextWorkingDay`)
    Only a collection that falls on the holiday moves, to the next weekday
    that is not a holiday.
``saturday-before`` (:class:`SaturdayBefore`)
    A Monday holiday's collections happen the Saturday before; any other
    holiday shifts the rest of its week as ``later-in-week`` does.
``no-change`` (:class:`NoChange`)
    Collections run on bank holidays as usual.
a callable
    ``func(scheduled, holidays) -> date | None``, wrapped in :class:`Custom`.

Christmas 2026 in England: Friday 25 December and Monday 28 December (Boxing
Day's substitute) are holidays, and New Year's Day is Friday 1 January 2027:

>>> from datetime import date
>>> from lgds_components.bins.holidays import BankHolidays
>>> england = BankHolidays.bundled().division("england-and-wales")
>>> later = get_policy("later-in-week")
>>> later(date(2026, 12, 25), england).date           # Friday -> Saturday
datetime.date(2026, 12, 26)
>>> later(date(2026, 12, 29), england).date           # Tuesday -> Wednesday
datetime.date(2026, 12, 30)
>>> later(date(2026, 12, 31), england).date           # Thursday -> Saturday (Friday: New Year)
datetime.date(2027, 1, 2)
>>> later(date(2026, 12, 24), england) is None       # Thursday before the holiday: no change
True
>>> get_policy("next-working-day")(date(2026, 12, 25), england).date
datetime.date(2026, 12, 29)
>>> get_policy("saturday-before")(date(2026, 12, 28), england).date
datetime.date(2026, 12, 26)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Final, Protocol, cast, runtime_checkable

import attrs

from lgds_components.bins.holidays import BankHoliday, HolidayCalendar
from lgds_components.errors import ConfigurationError

__all__ = [
    "POLICIES",
    "Custom",
    "LaterInWeek",
    "NextWorkingDay",
    "NoChange",
    "SaturdayBefore",
    "Shift",
    "ShiftPolicy",
    "get_policy",
    "holiday_note",
]

_DAY: Final = timedelta(days=1)


@attrs.frozen(slots=True)
class Shift:
    """Where a scheduled collection goes, and which holidays sent it there."""

    date: date
    holidays: tuple[BankHoliday, ...] = ()

    @property
    def note(self) -> str:
        """The holidays' names, for residents ("Christmas Day")."""
        return holiday_note(self.holidays)


def holiday_note(holidays: Iterable[BankHoliday]) -> str:
    """Join holiday names for residents, each once, in date order.

    >>> from datetime import date
    >>> holiday_note([BankHoliday(date(2026, 12, 28), "Boxing Day"),
    ...               BankHoliday(date(2027, 1, 1), "New Year’s Day")])
    'Boxing Day and New Year’s Day'
    """
    titles = list(dict.fromkeys(h.title for h in sorted(holidays, key=lambda h: h.date)))
    if len(titles) <= 1:
        return "".join(titles)
    return ", ".join(titles[:-1]) + " and " + titles[-1]


@runtime_checkable
class ShiftPolicy(Protocol):
    """What every policy is: a name and a call from a scheduled date to a shift."""

    @property
    def name(self) -> str:
        """The policy's name (``"later-in-week"``)."""

    def __call__(self, scheduled: date, holidays: HolidayCalendar) -> Shift | None:
        """Return where the collection scheduled on ``scheduled`` goes, or ``None``."""


def _step_forward(
    day: date, steps: int, holidays: HolidayCalendar, skip_weekdays: frozenset[int],
    causes: list[BankHoliday],
) -> date:
    """Move ``day`` forward ``steps`` usable days, skipping rest days and holidays."""
    while steps:
        day += _DAY
        if day.weekday() in skip_weekdays:
            continue
        holiday = holidays.get(day)
        if holiday is not None:
            causes.append(holiday)
            continue
        steps -= 1
    return day


def _later_in_week(
    scheduled: date, holidays: HolidayCalendar, rest_days: frozenset[int], *,
    count_mondays: bool = True,
) -> Shift | None:
    causes = []
    day = scheduled - timedelta(days=scheduled.weekday())
    while day <= scheduled:
        holiday = holidays.get(day)
        if holiday is not None and (count_mondays or day.weekday() != 0):
            causes.append(holiday)
        day += _DAY
    if not causes:
        return None
    new = _step_forward(scheduled, len(causes), holidays, rest_days, causes)
    return Shift(new, tuple(causes))


@attrs.frozen(slots=True)
class LaterInWeek:
    """Each holiday moves the rest of its week's collections a day later.

    Attributes:
        rest_days: weekdays never used for a moved collection (default Sunday, 6).
    """

    rest_days: frozenset[int] = frozenset({6})
    name: str = "later-in-week"

    def __call__(self, scheduled: date, holidays: HolidayCalendar) -> Shift | None:
        """Shift ``scheduled`` by the number of holidays from Monday to that day."""
        return _later_in_week(scheduled, holidays, self.rest_days)


@attrs.frozen(slots=True)
class NextWorkingDay:
    """A collection on a holiday moves to the next weekday that is not a holiday."""

    name: str = "next-working-day"

    def __call__(self, scheduled: date, holidays: HolidayCalendar) -> Shift | None:
        """Move ``scheduled`` only when it is a holiday."""
        holiday = holidays.get(scheduled)
        if holiday is None:
            return None
        causes = [holiday]
        new = _step_forward(scheduled, 1, holidays, frozenset({5, 6}), causes)
        return Shift(new, tuple(causes))


@attrs.frozen(slots=True)
class SaturdayBefore:
    """A Monday holiday's collections happen the Saturday before.

    A holiday on another weekday moves the rest of its week a day later (as
    :class:`LaterInWeek`, not counting Monday holidays, whose collections
    already went to Saturday).
    """

    rest_days: frozenset[int] = frozenset({6})
    name: str = "saturday-before"

    def __call__(self, scheduled: date, holidays: HolidayCalendar) -> Shift | None:
        """Move a Monday holiday back to Saturday; shift other holidays' weeks later."""
        holiday = holidays.get(scheduled)
        if holiday is not None and scheduled.weekday() == 0:
            causes = [holiday]
            new = scheduled - timedelta(days=2)
            while new.weekday() in self.rest_days or holidays.get(new) is not None:
                extra = holidays.get(new)
                if extra is not None:
                    causes.append(extra)
                new -= _DAY
            return Shift(new, tuple(causes))
        return _later_in_week(scheduled, holidays, self.rest_days, count_mondays=False)


@attrs.frozen(slots=True)
class NoChange:
    """Collections run on bank holidays as usual."""

    name: str = "no-change"

    def __call__(self, scheduled: date, holidays: HolidayCalendar) -> Shift | None:
        """Never move anything."""
        return None


@attrs.frozen(slots=True)
class Custom:
    """A council's own rule as a callable ``func(scheduled, holidays) -> date | None``.

    The shift's holidays are those from the Monday of the scheduled week to
    the scheduled day (the likely reasons), or none.

    >>> from datetime import date
    >>> from lgds_components.bins.holidays import BankHolidays
    >>> england = BankHolidays.bundled().division("england-and-wales")
    >>> def two_days_later(day, holidays):
    ...     return day + timedelta(days=2) if holidays.is_holiday(day) else None
    >>> policy = get_policy(two_days_later)
    >>> shift = policy(date(2026, 12, 25), england)
    >>> shift.date, shift.note
    (datetime.date(2026, 12, 27), 'Christmas Day')
    """

    func: Callable[[date, HolidayCalendar], date | None]
    name: str = "custom"

    def __call__(self, scheduled: date, holidays: HolidayCalendar) -> Shift | None:
        """Call the council's function and describe its answer as a :class:`Shift`."""
        new = self.func(scheduled, holidays)
        if new is None or new == scheduled:
            return None
        if not isinstance(new, date):
            raise ConfigurationError(
                f"custom shift policy {self.name!r} returned {new!r}, not a date or None"
            )
        monday = scheduled - timedelta(days=scheduled.weekday())
        return Shift(new, tuple(holidays.between(monday, scheduled)))


POLICIES: Final[dict[str, Callable[[], ShiftPolicy]]] = {
    "later-in-week": LaterInWeek,
    "next-working-day": NextWorkingDay,
    "saturday-before": SaturdayBefore,
    "no-change": NoChange,
}
"""The built-in policies by name."""


def get_policy(
    policy: str | ShiftPolicy | Callable[[date, HolidayCalendar], date | None],
) -> ShiftPolicy:
    """Return the policy named ``policy``, or wrap a callable in :class:`Custom`.

    Raises:
        ConfigurationError: an unknown name; the message lists the built-in ones.
    """
    if isinstance(policy, str):
        factory = POLICIES.get(policy.strip().lower())
        if factory is None:
            raise ConfigurationError(
                f"unknown bank holiday policy {policy!r}; choose one of: {', '.join(POLICIES)}"
            )
        return factory()
    if isinstance(policy, LaterInWeek | NextWorkingDay | SaturdayBefore | NoChange | Custom):
        return policy
    if callable(policy):
        if isinstance(getattr(policy, "name", None), str):
            return cast(ShiftPolicy, policy)  # a policy of the caller's own
        function = cast(Callable[[date, HolidayCalendar], date | None], policy)
        return Custom(function, name=getattr(policy, "__name__", "custom"))
    raise ConfigurationError(f"a bank holiday policy must be a name or a callable, not {policy!r}")
