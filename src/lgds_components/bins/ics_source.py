"""A schedule source that reads a council's published iCalendar feed.

Some councils' waste systems already publish each property's collections as
an ICS feed. :class:`ICSSource` reads one (recurring events with ``RRULE``,
dates taken out with ``EXDATE``, single occurrences moved with
``RECURRENCE-ID``; expanded by the ``recurring-ical-events`` package) and
implements the same :class:`~lgds_components.bins.protocol.ScheduleSource`
protocol as the embedded :class:`~lgds_components.bins.schedule.Schedule`, so
the feeds, the JSON and the rest of the library work unchanged.

An occurrence moved with ``RECURRENCE-ID`` keeps the date it was moved from
as ``original_date``, with the reason :data:`~lgds_components.bins.model.OVERRIDE`.
An event with ``STATUS:CANCELLED``, and an occurrence cancelled the way
Google Calendar and Exchange export one (a ``RECURRENCE-ID`` instance with
``STATUS:CANCELLED``), is no collection. A service listed twice on one day
(two events with different UIDs) is one collection, the first by UID
(:func:`~lgds_components.bins.model.group_by_date`):

>>> from datetime import date
>>> council_feed = b'''BEGIN:VCALENDAR
... VERSION:2.0
... PRODID:-//Example Council//Waste//EN
... BEGIN:VEVENT
... UID:refuse-round-7@example.gov.uk
... DTSTAMP:20260101T000000Z
... DTSTART;VALUE=DATE:20261204
... SUMMARY:Refuse and Recycling
... RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR
... EXDATE;VALUE=DATE:20261218
... END:VEVENT
... BEGIN:VEVENT
... UID:refuse-round-7@example.gov.uk
... DTSTAMP:20260101T000000Z
... RECURRENCE-ID;VALUE=DATE:20270101
... DTSTART;VALUE=DATE:20270102
... SUMMARY:Refuse and Recycling
... END:VEVENT
... END:VCALENDAR
... '''
>>> source = ICSSource.from_text(council_feed)
>>> for c in source.collections_between(100040000012, date(2026, 12, 1), date(2027, 1, 10)):
...     print(c.date, c.service.name, c.original_date, c.reason)
2026-12-04 Refuse 2026-12-04 None
2026-12-04 Recycling 2026-12-04 None
2027-01-02 Refuse 2027-01-01 override
2027-01-02 Recycling 2027-01-01 override

Feeds can come from text, files, a function, or a URL template fetched
through :mod:`lgds_components.http` (``ICSSource.from_url(
"https://waste.example.gov.uk/calendar/{uprn}.ics")``), cached for an hour.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from lgds_components.bins.describe import LONDON, Clock, london_today
from lgds_components.bins.model import OVERRIDE, Collection, Service, group_by_date
from lgds_components.bins.property import PropertyRef, property_ids
from lgds_components.bins.protocol import SourceFeatures
from lgds_components.errors import (
    ConfigurationError,
    InvalidComponent,
    InvalidFormat,
    NotFound,
    ProviderError,
)

if TYPE_CHECKING:
    import icalendar
    import requests

__all__ = ["ICSSource", "split_services"]

FeedData = bytes | str | Path
"""An ICS document's bytes or text, or a :class:`~pathlib.Path` to a file holding one."""

_SPLIT: Final = re.compile(r"\s*(?:,|;|&|\+|/|\band\b)\s*", re.IGNORECASE)
_SLUG: Final = re.compile(r"[^a-z0-9]+")
_MAX_SEARCH_DAYS: Final = 3 * 366
_MAX_SPAN_DAYS: Final = 3660
_MAX_BYTES: Final = 2_000_000
_MAX_EVENTS: Final = 5000
_MAX_SERIES: Final = 200
_MAX_OCCURRENCES: Final = 20_000
_CHUNK: Final = timedelta(days=31)
_TOO_OFTEN: Final = frozenset({"SECONDLY", "MINUTELY", "HOURLY"})
_FIRST: Final = date(1900, 1, 1)
_LAST: Final = date(2999, 12, 31)


def split_services(summary: str) -> list[Service]:
    """Read services from an event summary: "Refuse and Recycling" is two services.

    >>> [s.id for s in split_services("Black bin & Blue bin / Food waste")]
    ['black-bin', 'blue-bin', 'food-waste']
    """
    services = []
    for part in _SPLIT.split(summary.strip()):
        name = part.strip()
        if name:
            slug = _SLUG.sub("-", name.casefold()).strip("-") or "collection"
            services.append(Service(slug, name))
    return services or [Service("collection", "Bin collection")]


def _to_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.date()  # floating time: the council's local time
        return value.astimezone(LONDON).date()
    return value


class ICSSource(SourceFeatures):
    """Collections read from a council's iCalendar feeds.

    Args:
        feeds: one feed per property (a mapping from UPRN to ICS data or a
            path), or a function from UPRN to ICS bytes.
        services: how to turn an event's ``SUMMARY`` into services: a mapping
            from summary text (matched without regard to case) to services, or
            a function; default :func:`split_services`.
        now: the clock (returning an aware datetime), for "today".
        cache_seconds: how long a fetched feed is reused.
    """

    name = "ics"

    def __init__(
        self,
        feeds: Mapping[int, FeedData] | Callable[[int], FeedData],
        *,
        services: Mapping[str, Service | Sequence[Service]]
        | Callable[[str], Sequence[Service]]
        | None = None,
        now: Clock | None = None,
        cache_seconds: float = 3600.0,
    ) -> None:
        self._feeds = feeds
        if services is None:
            self._services: Callable[[str], Sequence[Service]] = split_services
        elif callable(services):
            self._services = services
        else:
            table = {key.casefold().strip(): value for key, value in services.items()}

            def lookup(summary: str) -> Sequence[Service]:
                found = table.get(summary.casefold().strip())
                if found is None:
                    return split_services(summary)
                return [found] if isinstance(found, Service) else list(found)

            self._services = lookup
        self._now = now
        self._ttl = cache_seconds
        self._cache: dict[int, tuple[float, icalendar.Calendar]] = {}
        self._lock = threading.Lock()
        self._session: requests.Session | None = None
        self._owns_session = False
        self._template = ""

    @classmethod
    def from_text(cls, data: bytes | str, **options: Any) -> ICSSource:
        """One feed that answers for every UPRN (a round's or a street's calendar)."""
        payload = data.encode("utf-8") if isinstance(data, str) else data
        return cls(lambda uprn: payload, **options)

    @classmethod
    def from_url(
        cls,
        template: str,
        *,
        session: requests.Session | None = None,
        **options: Any,
    ) -> ICSSource:
        """Feeds fetched from ``template`` (``{uprn}`` filled in) through the HTTP layer.

        Raises:
            ConfigurationError: the template has no ``{uprn}``.
        """
        if "{uprn}" not in template:
            raise ConfigurationError("the ICS URL template must contain {uprn}")
        source = cls({}, **options)
        source._template = template
        source._session = session
        source._owns_session = session is None
        source._feeds = source._fetch
        return source

    def _fetch(self, uprn: int) -> bytes:
        from lgds_components.http import build_session, send

        if self._session is None:
            self._session = build_session(provider=self.name)
        response = send(self._session, "GET", self._template.format(uprn=uprn),
                        provider=self.name)
        try:
            return response.content
        finally:
            response.close()

    def close(self) -> None:
        """Close the HTTP session this source made, if any."""
        if self._session is not None and self._owns_session:
            self._session.close()
            self._session = None
        self._cache.clear()

    def today(self) -> date:
        """Today's date in Europe/London, by this source's clock."""
        return london_today(self._now)

    # ------------------------------------------------------------------ reading feeds

    def _raw(self, uprn: int) -> bytes:
        feeds = self._feeds
        if callable(feeds):
            data = feeds(uprn)
        else:
            try:
                data = feeds[uprn]
            except KeyError:
                raise NotFound(f"no calendar feed for UPRN {uprn}", provider=self.name) from None
        if isinstance(data, os.PathLike):
            try:
                return Path(os.fspath(data)).read_bytes()
            except OSError as exc:
                raise ProviderError(f"cannot read the calendar for UPRN {uprn}: {exc}",
                                    provider=self.name) from exc
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)

    def calendar(self, uprn: PropertyRef) -> icalendar.Calendar:
        """The parsed calendar for a property (cached for ``cache_seconds``).

        Raises:
            NotFound: no feed for the property.
            ProviderError: the feed could not be fetched or is not iCalendar.
        """
        import icalendar

        number = property_ids(uprn)[0]
        now = time.monotonic()
        cached = self._cache.get(number)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        data = self._raw(number)
        if len(data) > _MAX_BYTES:
            raise ProviderError(f"the calendar for UPRN {number} is larger than "
                                f"{_MAX_BYTES:,} bytes", provider=self.name)
        try:
            parsed = icalendar.Calendar.from_ical(data)
        except (ValueError, IndexError, KeyError, TypeError) as exc:
            raise ProviderError(f"the calendar for UPRN {number} is not valid iCalendar: {exc}",
                                provider=self.name) from exc
        if not isinstance(parsed, icalendar.Calendar) or parsed.name != "VCALENDAR":
            raise ProviderError(f"the calendar for UPRN {number} has no VCALENDAR",
                                provider=self.name)
        self._check_size(number, parsed)
        with self._lock:
            self._cache[number] = (now, parsed)
        return parsed

    def _check_size(self, number: int, calendar: icalendar.Calendar) -> None:
        """Refuse calendars that would take too long to expand (a fault or an attack)."""
        events = calendar.walk("VEVENT")
        if len(events) > _MAX_EVENTS:
            raise ProviderError(f"the calendar for UPRN {number} has more than {_MAX_EVENTS:,} "
                                "events", provider=self.name)
        series = 0
        for event in events:
            rules = event.get("RRULE")
            if rules is None:
                continue
            for rule in rules if isinstance(rules, list) else [rules]:
                series += 1
                try:
                    frequencies = {str(f).upper() for f in (rule.get("FREQ") or [])}
                except Exception as exc:  # a broken property raises on access
                    raise ProviderError(f"the calendar for UPRN {number} has an unreadable "
                                        f"RRULE: {exc}", provider=self.name) from exc
                if frequencies & _TOO_OFTEN:
                    raise ProviderError(
                        f"the calendar for UPRN {number} repeats an event more often than "
                        "daily, which no bin round does", provider=self.name)
        if series > _MAX_SERIES:
            raise ProviderError(f"the calendar for UPRN {number} has more than {_MAX_SERIES} "
                                "recurring events", provider=self.name)

    # ------------------------------------------------------------------ the protocol

    def collections_between(
        self, uprn: PropertyRef, start: date, end: date, *, usrn: int | str | None = None
    ) -> list[Collection]:
        """Every collection in the property's feed dated ``start`` to ``end`` inclusive.

        ``uprn`` may be an address from the gazetteer; ``usrn`` is accepted and
        not needed (a council's feed is per property).

        Raises:
            ValidationError: a malformed UPRN, or ``end`` before ``start``.
            NotFound: no feed for the property.
            ProviderError: the feed could not be read or expanded.
        """
        import recurring_ical_events

        for value, field in ((start, "start"), (end, "end")):
            if not isinstance(value, date) or isinstance(value, datetime):
                raise InvalidFormat(f"{field.capitalize()} must be a date", field=field)
        if end < start:
            raise InvalidComponent("The end date must be on or after the start date",
                                   field="end")
        if (end - start).days > _MAX_SPAN_DAYS or start < _FIRST or end > _LAST:
            raise InvalidComponent("Ask for 10 years or less, between 1900 and 2999",
                                   field="end")
        uprn = property_ids(uprn)[0]
        calendar = self.calendar(uprn)
        order: dict[str, int] = {}
        found: list[Collection] = []
        try:
            query = recurring_ical_events.of(calendar)
        except Exception as exc:  # the library raises many kinds on malformed rules
            raise ProviderError(f"the calendar for UPRN {uprn} could not be expanded: {exc}",
                                provider=self.name) from exc
        for day, event in self._occurrences(query, uprn, start, end):
            try:
                if str(event.get("STATUS", "")).upper() == "CANCELLED":
                    continue  # a cancelled event, or one occurrence cancelled
                moved_from = event.get("RECURRENCE-ID")
                original = _to_date(moved_from.dt) if moved_from is not None else day
                summary = str(event.get("SUMMARY", ""))
                round_id = str(event.get("UID", "")) or summary
                moved = original != day
                note = str(event.get("COMMENT", "")) if moved else ""
            except Exception as exc:  # a broken property raises on access
                raise ProviderError(f"the calendar for UPRN {uprn} has an unreadable event: "
                                    f"{exc}", provider=self.name) from exc
            for service in self._services(summary):
                order.setdefault(service.id, len(order))
                found.append(Collection(day, service, round_id, original,
                                        OVERRIDE if moved else None, note))
        found.sort(key=lambda c: (c.date, order[c.service.id], c.round))
        return [c for day in group_by_date(found) for c in day.collections]

    def _occurrences(self, query: Any, uprn: int | str, start: date,
                     end: date) -> Iterator[tuple[date, Any]]:
        """``(London date, occurrence)`` from ``start`` to ``end``, a month at a time."""
        total = 0
        chunk = start
        while chunk <= end:
            last = min(end, chunk + _CHUNK)
            try:
                events = query.between(chunk - timedelta(days=1), last + timedelta(days=2))
            except Exception as exc:  # the library raises many kinds on malformed rules
                raise ProviderError(
                    f"the calendar for UPRN {uprn} could not be expanded: {exc}",
                    provider=self.name) from exc
            total += len(events)
            if total > _MAX_OCCURRENCES:
                raise ProviderError(f"the calendar for UPRN {uprn} has more than "
                                    f"{_MAX_OCCURRENCES:,} events in the dates asked for",
                                    provider=self.name)
            for event in events:
                start_prop = event.get("DTSTART")
                if start_prop is None:
                    continue
                try:
                    day = _to_date(start_prop.dt)
                except Exception as exc:  # a broken property raises on access
                    raise ProviderError(
                        f"the calendar for UPRN {uprn} has an unreadable start date: {exc}",
                        provider=self.name) from exc
                if chunk <= day <= last:
                    yield day, event
            chunk = last + timedelta(days=1)

    def next_collections(
        self, uprn: PropertyRef, count: int = 8, on_or_after: date | None = None, *,
        usrn: int | str | None = None,
    ) -> list[Collection]:
        """The next ``count`` collections dated ``on_or_after`` (default today) or later.

        Raises:
            ValidationError: a malformed UPRN, or a count outside 1 to 1000.
            NotFound: no feed for the property.
        """
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
            raise InvalidComponent("Count must be a whole number from 1 to 1000", field="count")
        first = self.today() if on_or_after is None else on_or_after
        if not isinstance(first, date) or isinstance(first, datetime):
            raise InvalidFormat("On or after must be a date", field="on_or_after")
        span = 56
        while True:
            last = min(_LAST, first + timedelta(days=span))
            found = self.collections_between(uprn, first, last)
            if len(found) >= count or span >= _MAX_SEARCH_DAYS or last == _LAST:
                return found[:count]
            span = min(span * 4, _MAX_SEARCH_DAYS)
