"""iCalendar (RFC 5545) feeds of a property's collections, through the ``icalendar`` package.

One all-day event per collection day (``DTSTART;VALUE=DATE``), naming every
service collected that day. Each event's ``UID`` is made from the UPRN, the
date and the services, so the same collection has the same UID in every run
and every process, and calendar apps update events rather than duplicating
them. The calendar carries ``PRODID``, ``VERSION``, ``REFRESH-INTERVAL`` (RFC
7986) and ``X-PUBLISHED-TTL`` so subscribed calendars refresh daily; the text
has CRLF line ends and lines folded at 75 octets.

>>> from datetime import date, datetime, timezone
>>> from lgds_components.bins.schedule import Schedule
>>> with Schedule.sample() as schedule:
...     feed = schedule.to_ical(100040000012, start=date(2026, 12, 21), days=14,
...                             dtstamp=datetime(2026, 12, 14, 9, 0, tzinfo=timezone.utc))
>>> lines = feed.decode().split("\\r\\n")
>>> lines[:2]
['BEGIN:VCALENDAR', 'VERSION:2.0']
>>> [line for line in lines if line.startswith(("SUMMARY", "DTSTART", "UID"))][:3]
['SUMMARY:Bin day: Recycling\\\\, Food waste', 'DTSTART;VALUE=DATE:20261226', 'UID:bins-...']
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Final

from lgds_components.bins.model import Collection, CollectionDay, group_by_date

__all__ = ["UID_DOMAIN", "event_uid", "prodid", "to_ical"]

UID_DOMAIN: Final = "lgds-components"
"""The right-hand side of every event UID."""


def prodid() -> str:
    """The ``PRODID`` naming this library and its version."""
    from lgds_components import version

    return f"-//lgds-components//bins {version()}//EN"


def event_uid(uprn: int, day: date, service_ids: Iterable[str]) -> str:
    """A UID for one property's collection day, the same in every run and process.

    Built with SHA-256 (never Python's randomised ``hash()``):

    >>> event_uid(100040000012, date(2026, 12, 26), ["recycling", "food"])
    'bins-100040000012-20261226-64bcc247f3f8@lgds-components'
    """
    key = ",".join(sorted(set(service_ids)))
    digest = hashlib.sha256(f"{uprn}|{day.isoformat()}|{key}".encode()).hexdigest()[:12]
    return f"bins-{uprn}-{day:%Y%m%d}-{digest}@{UID_DOMAIN}"


def _summary(day: CollectionDay) -> str:
    return "Bin day: " + ", ".join(service.name for service in day.services)


def _description(day: CollectionDay) -> str:
    lines = []
    for collection in day.collections:
        service = collection.service
        what = service.name
        if service.container:
            what += f" ({service.container})"
        if collection.moved:
            what += f" - {collection.move_description()}"
        lines.append(what)
    return "\n".join(lines)


def to_ical(
    collections: Iterable[Collection],
    *,
    uprn: int,
    name: str | None = None,
    dtstamp: datetime | None = None,
    refresh: timedelta = timedelta(days=1),
) -> bytes:
    """Render collections as an iCalendar file (bytes, UTF-8, CRLF line ends).

    Args:
        collections: the property's collections (any order; grouped by date here).
        uprn: the property, used in every UID.
        name: the calendar's name (default "Bin collections for UPRN ...").
        dtstamp: the ``DTSTAMP`` of every event (default: now, in UTC).
        refresh: how often subscribers should fetch the feed again.
    """
    import icalendar

    stamp = (dtstamp or datetime.now(UTC)).astimezone(UTC).replace(
        microsecond=0)
    title = name or f"Bin collections for UPRN {uprn}"
    calendar = icalendar.Calendar()
    calendar.add("prodid", prodid())
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    ttl = icalendar.vDuration(refresh).to_ical()  # type: ignore[no-untyped-call]  # untyped
    calendar.add("x-published-ttl", ttl.decode())
    days: Sequence[CollectionDay] = group_by_date(collections)
    for day in days:
        event = icalendar.Event()
        event.add("uid", event_uid(uprn, day.date, (s.id for s in day.services)))
        event.add("dtstamp", stamp)
        event.add("dtstart", day.date)
        event.add("dtend", day.date + timedelta(days=1))
        event.add("summary", _summary(day))
        event.add("description", _description(day))
        event.add("categories", [service.name for service in day.services])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    text: bytes = calendar.to_ical()
    return text
