"""The values bin schedules are made of: services, rounds and collections.

All three are frozen, slotted attrs classes: they are made in bulk and shared
(one :class:`Collection` serves every property on its round).

A **service** is what is collected (refuse, recycling, garden, food); a
**round** is when: one service, one weekday, every N weeks, anchored on a date
the round is known to run. Twice-weekly collections are two rounds of the same
service; "week 1 / week 2" patterns are two fortnightly rounds a week apart.

>>> from datetime import date
>>> refuse = Service("refuse", "Rubbish", colour="black", container="Wheelie bin")
>>> fortnightly = Round("REF-MON-A", "refuse", weekday=0, every=2, reference=date(2026, 1, 5))
>>> [d.isoformat() for d in fortnightly.dates(date(2026, 1, 1), date(2026, 2, 1))]
['2026-01-05', '2026-01-19']
>>> fortnightly.description()
'Every other Monday'

A **collection** is one service collected on one day. It keeps the date the
round originally scheduled and, when it moved, why:

>>> c = Collection(date(2026, 12, 26), refuse, "REF-FRI", date(2026, 12, 25),
...                reason=BANK_HOLIDAY, note="Christmas Day")
>>> c.moved, c.move_description()
(True, 'Moved from Friday 25 December because of Christmas Day')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any, Final

import attrs

from lgds_components.errors import InvalidComponent, InvalidFormat, MissingValue
from lgds_components.pydantic_bridge import pydantic_schema

__all__ = [
    "BANK_HOLIDAY",
    "MONTHS",
    "OVERRIDE",
    "WEEKDAYS",
    "Collection",
    "CollectionDay",
    "Round",
    "Service",
    "group_by_date",
    "parse_weekday",
]

BANK_HOLIDAY: Final = "bank_holiday"
"""``Collection.reason`` for a collection moved by the bank holiday policy."""

OVERRIDE: Final = "override"
"""``Collection.reason`` for a collection moved by an override (a catch-up table)."""

WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""Weekday names, Monday first (``date.weekday()`` order)."""

MONTHS: Final = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")
"""Month names, January first (independent of the process's locale)."""

_ORDINALS: Final = {2: "other", 3: "third", 4: "fourth"}


def parse_weekday(value: str | int) -> int:
    """Return 0 (Monday) to 6 (Sunday) for a weekday name, abbreviation or number.

    >>> parse_weekday("monday"), parse_weekday("Fri"), parse_weekday(3), parse_weekday("6")
    (0, 4, 3, 6)
    >>> parse_weekday("Funday")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidFormat: Enter a day of the week, like Monday
    """
    if isinstance(value, bool):
        raise InvalidFormat("Enter a day of the week, like Monday")
    if isinstance(value, int):
        if 0 <= value <= 6:
            return value
        raise InvalidComponent("Day of the week must be between 0 (Monday) and 6 (Sunday)")
    text = value.strip().casefold()
    if not text:
        raise MissingValue("Enter a day of the week")
    if text.isdecimal() and len(text) == 1 and text.isascii():
        return parse_weekday(int(text))
    for index, name in enumerate(WEEKDAYS):
        folded = name.casefold()
        if text == folded or (len(text) >= 3 and folded.startswith(text)):
            return index
    raise InvalidFormat("Enter a day of the week, like Monday")


def _check_every(instance: Round, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 52:
        raise InvalidComponent("A round must run every 1 to 52 weeks", field="every")


def _check_weekday(instance: Round, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise InvalidComponent("Day of the week must be between 0 and 6", field="weekday")


def _check_month_day(instance: Round, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(isinstance(part, int) for part in value)
    ):
        raise InvalidFormat("Enter a season boundary as (month, day)", field=attribute.name)
    try:
        date(2024, value[0], value[1])  # 2024: a leap year, so 29 February is allowed
    except ValueError as exc:
        raise InvalidComponent(
            "Season boundary must be a real day of the year", field=attribute.name
        ) from exc


@pydantic_schema("lgds_components.bins.schemas:ServiceSchema", "to_service")
@attrs.frozen(slots=True)
class Service:
    """Something collected: refuse, recycling, garden waste, food waste.

    Attributes:
        id: short stable key, as used in CSV files (``"refuse"``).
        name: what residents call it (``"Rubbish"``).
        colour: the container's colour, if it helps residents (``"black"``).
        container: the container (``"240 litre wheelie bin"``).
        policy: the name of this service's bank holiday policy, when it differs
            from the council's (see :mod:`lgds_components.bins.policies`).
    """

    id: str
    name: str
    colour: str = ""
    container: str = ""
    policy: str | None = None


@attrs.frozen(slots=True)
class Round:
    """When one service is collected: a weekday, every N weeks, from a known date.

    Attributes:
        id: short stable key (``"REF-MON-A"``).
        service: the :attr:`Service.id` collected.
        weekday: 0 (Monday) to 6 (Sunday).
        every: weeks between collections (1 weekly, 2 fortnightly, ...).
        reference: a date the round is known to run on; it must fall on ``weekday``.
        season_start, season_end: ``(month, day)`` bounds of a seasonal service,
            both inclusive (garden waste ``(3, 1)`` to ``(11, 30)``); a window may
            wrap the year end. ``None`` means all year.
        start, end: the first and last dates the round runs, if bounded.
    """

    id: str
    service: str
    weekday: int = attrs.field(validator=_check_weekday)
    every: int = attrs.field(default=1, validator=_check_every)
    reference: date = attrs.field(default=date(2024, 1, 1), kw_only=True)
    season_start: tuple[int, int] | None = attrs.field(
        default=None, kw_only=True, validator=_check_month_day
    )
    season_end: tuple[int, int] | None = attrs.field(
        default=None, kw_only=True, validator=_check_month_day
    )
    start: date | None = attrs.field(default=None, kw_only=True)
    end: date | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.reference.weekday() != self.weekday:
            raise InvalidComponent(
                f"Reference date {self.reference.isoformat()} is a "
                f"{WEEKDAYS[self.reference.weekday()]}, not a {WEEKDAYS[self.weekday]}",
                field="reference_date",
            )
        if (self.season_start is None) != (self.season_end is None):
            raise InvalidComponent(
                "Give both the start and the end of the season, or neither", field="season"
            )
        if self.start is not None and self.end is not None and self.end < self.start:
            raise InvalidComponent("The end date must be on or after the start date",
                                   field="end_date")

    @property
    def seasonal(self) -> bool:
        """Whether the round runs only part of the year."""
        return self.season_start is not None

    def in_season(self, day: date) -> bool:
        """Whether ``day`` is inside the round's season (always true for all-year rounds).

        >>> garden = Round("G", "garden", 2, 2, reference=date(2026, 3, 4),
        ...                season_start=(3, 1), season_end=(11, 30))
        >>> garden.in_season(date(2026, 11, 30)), garden.in_season(date(2026, 12, 1))
        (True, False)
        """
        if self.season_start is None or self.season_end is None:
            return True
        key = (day.month, day.day)
        if self.season_start <= self.season_end:
            return self.season_start <= key <= self.season_end
        return key >= self.season_start or key <= self.season_end

    def first_on_or_after(self, day: date) -> date:
        """The first date on the round's N-week pattern on or after ``day``.

        Ignores the season and the start and end dates.
        """
        period = 7 * self.every
        offset = (day - self.reference).days % period
        return day if offset == 0 else day + timedelta(days=period - offset)

    def dates(self, start: date, end: date) -> Iterator[date]:
        """The dates the round is scheduled, from ``start`` to ``end`` inclusive.

        These are the dates before any bank holiday shift or override.
        """
        if self.start is not None and start < self.start:
            start = self.start
        if self.end is not None and end > self.end:
            end = self.end
        if end < start:
            return
        step = timedelta(days=7 * self.every)
        day = self.first_on_or_after(start)
        seasonal = self.season_start is not None
        while day <= end:
            if not seasonal or self.in_season(day):
                yield day
            day += step

    def description(self) -> str:
        """The pattern in words: "Every Monday", "Every other Friday", "Every 6 weeks on Monday".

        >>> Round("R", "x", 4, 3, reference=date(2026, 1, 2)).description()
        'Every third Friday'
        """
        name = WEEKDAYS[self.weekday]
        if self.every == 1:
            text = f"Every {name}"
        elif self.every in _ORDINALS:
            text = f"Every {_ORDINALS[self.every]} {name}"
        else:
            text = f"Every {self.every} weeks on {name}"
        if self.season_start is not None and self.season_end is not None:
            text += f" ({_month_day(self.season_start)} to {_month_day(self.season_end)})"
        return text


def _month_day(value: tuple[int, int]) -> str:
    return f"{value[1]} {MONTHS[value[0] - 1]}"


@pydantic_schema("lgds_components.bins.schemas:CollectionSchema", "to_collection")
@attrs.frozen(slots=True)
class Collection:
    """One service collected on one day.

    Attributes:
        date: the day the collection happens.
        service: the service collected.
        round: the id of the round it belongs to.
        original_date: the day the round scheduled it; equal to ``date`` unless it moved.
        reason: why it moved: :data:`BANK_HOLIDAY`, :data:`OVERRIDE`, or ``None``.
        note: a few words for residents: the holiday's name, the override's note.
    """

    # dt.date: a field named "date" would hide the class from checkers reading the annotations
    date: dt.date
    service: Service
    round: str
    original_date: dt.date
    reason: str | None = None
    note: str = ""

    @property
    def moved(self) -> bool:
        """Whether the collection is on a different day from the one scheduled."""
        return self.date != self.original_date

    def move_description(self) -> str:
        """Why and from when it moved, for residents; ``""`` when it did not move."""
        if not self.moved:
            return ""
        text = f"Moved from {_long_date(self.original_date)}"
        if not self.note:
            return text
        if self.reason == BANK_HOLIDAY:
            return f"{text} because of {self.note}"
        return f"{text}: {self.note}"


def _long_date(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


@pydantic_schema("lgds_components.bins.schemas:CollectionDaySchema", "to_collection_day")
@attrs.frozen(slots=True)
class CollectionDay:
    """The collections made on one day (one per service; see :func:`group_by_date`)."""

    date: dt.date
    collections: tuple[Collection, ...]

    @property
    def services(self) -> tuple[Service, ...]:
        """The services collected that day, each once."""
        seen: dict[str, Service] = {}
        for collection in self.collections:
            seen.setdefault(collection.service.id, collection.service)
        return tuple(seen.values())

    @property
    def moved(self) -> tuple[Collection, ...]:
        """The collections that day that were moved from another day."""
        return tuple(c for c in self.collections if c.moved)


def group_by_date(collections: Iterable[Collection]) -> list[CollectionDay]:
    """Group collections by day, earliest first; within a day, in the order given.

    A service is collected once on a day: when two collections share a date
    and a service (two rounds of one service landing on one day, or one
    collection published in two calendar events), the first is kept. Every
    feed, the JSON shapes and iCalendar alike, is built from these days, so
    they all list the same collections.

    >>> s = Service("food", "Food waste")
    >>> day = date(2026, 12, 14)
    >>> days = group_by_date([Collection(day, s, "F", day), Collection(day, s, "G", day)])
    >>> len(days), [(c.service.name, c.round) for c in days[0].collections]
    (1, [('Food waste', 'F')])
    """
    by_day: dict[date, dict[str, Collection]] = {}
    for collection in collections:
        by_day.setdefault(collection.date, {}).setdefault(collection.service.id, collection)
    return [CollectionDay(day, tuple(items.values())) for day, items in sorted(by_day.items())]
