"""The protocol every schedule source implements, and what sources get for free.

A schedule source answers "when are this property's collections?". The
embedded :class:`~lgds_components.bins.schedule.Schedule` computes the
answer from rounds; :class:`~lgds_components.bins.ics_source.ICSSource`
reads a council's published calendar. Code written against
:class:`ScheduleSource` works with either, and with a contributed adapter for
a council's waste system (registered under the entry-point group
``lgds_components.schedule_sources``).

>>> from lgds_components.bins.schedule import Schedule
>>> with Schedule.sample() as schedule:
...     isinstance(schedule, ScheduleSource)
True

:class:`SourceFeatures` gives a source built on the two required methods the
grouped days, iCalendar and JSON feeds:
:meth:`~SourceFeatures.next_days`, :meth:`~SourceFeatures.to_ical`,
:meth:`~SourceFeatures.to_json` and :meth:`~SourceFeatures.to_ukbcd_json`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date, datetime, timedelta
from typing import Any, Final, Literal, Protocol, runtime_checkable

from lgds_components.bins.model import Collection, CollectionDay, group_by_date
from lgds_components.bins.property import PropertyRef, property_ids
from lgds_components.errors import InvalidComponent

__all__ = ["MAX_DAYS", "ScheduleSource", "SourceFeatures"]

MAX_DAYS: Final = 3660
"""The most days a feed may cover (ten years)."""


@runtime_checkable
class ScheduleSource(Protocol):
    """Where a property's bin collections come from.

    Dates are Europe/London dates. ``uprn`` may be an :class:`int`, text a
    resident typed, or an address from the gazetteer (anything with ``uprn``
    and ``usrn``: see :mod:`~lgds_components.bins.property`); a bad one raises
    :class:`~lgds_components.errors.ValidationError`, an unknown one
    :class:`~lgds_components.errors.NotFound`. ``usrn`` names the property's
    street, for sources that know rounds by street (others ignore it).
    """

    def today(self) -> date:
        """Today's date in Europe/London, by the source's clock."""

    def next_collections(
        self, uprn: PropertyRef, count: int = 8, on_or_after: date | None = None, *,
        usrn: int | str | None = None,
    ) -> list[Collection]:
        """The next ``count`` collections dated ``on_or_after`` (default today) or later."""

    def collections_between(
        self, uprn: PropertyRef, start: date, end: date, *, usrn: int | str | None = None
    ) -> list[Collection]:
        """Every collection dated ``start`` to ``end`` inclusive, in order."""

    def close(self) -> None:
        """Release files and connections."""


class SourceFeatures(ABC):
    """Feeds and grouping for a source that implements :class:`ScheduleSource`.

    A source subclasses it and defines the four abstract methods (see
    :class:`~lgds_components.bins.ics_source.ICSSource`); one that leaves any
    out cannot be instantiated.
    """

    name: str = "source"

    @abstractmethod
    def today(self) -> date:
        """Today's date in Europe/London, by the source's clock."""

    @abstractmethod
    def next_collections(
        self, uprn: PropertyRef, count: int = 8, on_or_after: date | None = None, *,
        usrn: int | str | None = None,
    ) -> list[Collection]:
        """The next ``count`` collections dated ``on_or_after`` (default today) or later."""

    @abstractmethod
    def collections_between(
        self, uprn: PropertyRef, start: date, end: date, *, usrn: int | str | None = None
    ) -> list[Collection]:
        """Every collection dated ``start`` to ``end`` inclusive, in order."""

    @abstractmethod
    def close(self) -> None:
        """Release files and connections."""

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def next_days(
        self, uprn: PropertyRef, count: int = 4, on_or_after: date | None = None, *,
        usrn: int | str | None = None,
    ) -> list[CollectionDay]:
        """The next ``count`` collection days, each with every service collected that day.

        Takes a property as :meth:`next_collections` does: a UPRN or an address.
        """
        wanted = min(1000, max(1, count) * 10)
        collections = self.next_collections(uprn, count=wanted, on_or_after=on_or_after,
                                            usrn=usrn)
        return group_by_date(collections)[:count]

    def _window(self, start: date | None, days: int) -> tuple[date, date]:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            raise InvalidComponent(f"Days must be a whole number from 1 to {MAX_DAYS:,}",
                                   field="days")
        first = self.today() if start is None else start
        return first, first + timedelta(days=days - 1)

    def to_ical(
        self,
        uprn: PropertyRef,
        *,
        start: date | None = None,
        days: int = 365,
        name: str | None = None,
        dtstamp: datetime | None = None,
        refresh: timedelta = timedelta(days=1),
        usrn: int | str | None = None,
    ) -> bytes:
        """An RFC 5545 calendar of the property's collections from ``start`` (default today).

        ``usrn`` names the property's street, for sources with street defaults.
        See :func:`lgds_components.bins.ical.to_ical` for what it contains.

        Raises:
            InvalidComponent: ``days`` is not a whole number from 1 to :data:`MAX_DAYS`.
        """
        from lgds_components.bins.ical import to_ical

        first, last = self._window(start, days)
        collections = self.collections_between(uprn, first, last, usrn=usrn)
        return to_ical(collections, uprn=property_ids(uprn)[0], name=name, dtstamp=dtstamp,
                       refresh=refresh)

    def to_json(
        self,
        uprn: PropertyRef,
        *,
        start: date | None = None,
        days: int = 365,
        shape: Literal["lgds", "ukbcd"] = "lgds",
        usrn: int | str | None = None,
    ) -> dict[str, Any]:
        """The property's collections as JSON-ready data (see :mod:`lgds_components.bins.feeds`).

        ``shape`` is ``"lgds"`` (this library's :class:`~lgds_components.bins.feeds.LgdsFeed`)
        or ``"ukbcd"`` (UKBinCollectionData's, which must list at least one collection).

        Raises:
            InvalidComponent: an unknown ``shape``, or ``days`` not a whole
                number from 1 to :data:`MAX_DAYS`.
            NotFound: ``shape="ukbcd"`` and no collections in the window.
        """
        from lgds_components.bins.feeds import lgds_feed, ukbcd_feed

        if shape not in ("lgds", "ukbcd"):
            raise InvalidComponent(f"Shape must be 'lgds' or 'ukbcd', not {shape!r}",
                                   field="shape")
        first, last = self._window(start, days)
        collections = self.collections_between(uprn, first, last, usrn=usrn)
        if shape == "ukbcd":
            return ukbcd_feed(collections)
        return lgds_feed(collections, uprn=property_ids(uprn)[0], today=self.today(),
                         source=self.name)

    def to_ukbcd_json(self, uprn: PropertyRef, *, start: date | None = None,
                      days: int = 365, usrn: int | str | None = None) -> dict[str, Any]:
        """The UKBinCollectionData shape, for existing Home Assistant integrations.

        Raises:
            NotFound: no collections in the window (the shape needs one or more).
        """
        return self.to_json(uprn, start=start, days=days, shape="ukbcd", usrn=usrn)
