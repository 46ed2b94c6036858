"""JSON feeds: the UKBinCollectionData shape, and this library's own with moved-from dates.

**UKBinCollectionData shape.** Home Assistant integrations built on the
UKBinCollectionData project read ``{"bins": [{"type": ..., "collectionDate":
"DD/MM/YYYY"}]}``, one entry per service per day, earliest first. Serve
:func:`ukbcd_feed` and they read a council's own data unchanged. That
project's output schema requires at least one entry (``minItems: 1``): its
council scrapers treat an empty answer as a fault, and its Home Assistant
integration keeps the last good data rather than show none. So an empty
window is not an empty list here but :class:`~lgds_components.errors.NotFound`,
which a web service answers with 404; ask for more days.

**Our own shape** (:class:`LgdsFeed`, described by :func:`feed_schema`) has
ISO dates, collection days with their services, the date each collection was
originally scheduled, and why it moved:

>>> from datetime import date
>>> from lgds_components.bins.schedule import Schedule
>>> with Schedule.sample() as schedule:
...     collections = schedule.collections_between(100040000012, date(2026, 12, 24),
...                                                date(2026, 12, 31))
>>> ukbcd_feed(collections)["bins"]
[{'type': 'Recycling', 'collectionDate': '26/12/2026'}, {'type': 'Food waste', ...}]
>>> feed = lgds_feed(collections, uprn=100040000012, today=date(2026, 12, 14))
>>> day = feed["days"][0]
>>> first = day["collections"][0]
>>> day["date"], day["relative"], first["original_date"], first["note"]
('2026-12-26', 'In 12 days', '2026-12-25', 'Christmas Day')
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from lgds_components.bins.describe import relative_day
from lgds_components.bins.model import Collection, group_by_date
from lgds_components.errors import NotFound

__all__ = [
    "FEED_VERSION",
    "FeedCollection",
    "FeedDay",
    "FeedService",
    "LgdsFeed",
    "UkbcdBin",
    "UkbcdFeed",
    "feed_schema",
    "lgds_feed",
    "ukbcd_feed",
]

FEED_VERSION: Final = "1"
"""The version of :class:`LgdsFeed`; a change that breaks readers gets a new one."""


class UkbcdBin(BaseModel):
    """One service on one day, as UKBinCollectionData writes it."""

    model_config: ClassVar[ConfigDict] = ConfigDict(frozen=True)

    type: str = Field(description="The service's name, as residents know it.")
    collectionDate: str = Field(
        pattern=r"^\d{2}/\d{2}/\d{4}$", description="The date, DD/MM/YYYY."
    )


class UkbcdFeed(BaseModel):
    """The UKBinCollectionData output: ``{"bins": [...]}``."""

    model_config: ClassVar[ConfigDict] = ConfigDict(frozen=True)

    bins: list[UkbcdBin] = Field(min_length=1)


class FeedService(BaseModel):
    """A service as the feed describes it."""

    model_config: ClassVar[ConfigDict] = ConfigDict(frozen=True)

    id: str
    name: str
    colour: str = ""
    container: str = ""


class FeedCollection(BaseModel):
    """One service collected on the day."""

    model_config: ClassVar[ConfigDict] = ConfigDict(frozen=True)

    service: FeedService
    round: str = Field(description="The round's id.")
    original_date: date = Field(description="The date the round scheduled.")
    moved: bool = Field(description="Whether the date differs from original_date.")
    reason: Literal["bank_holiday", "override"] | None = Field(
        default=None, description="Why it moved, when it did.")
    note: str = Field(default="", description="A few words for residents, such as the holiday.")
    message: str = Field(default="", description="The move in a sentence, for residents.")


class FeedDay(BaseModel):
    """Every collection on one day."""

    model_config: ClassVar[ConfigDict] = ConfigDict(frozen=True)

    date: date
    relative: str = Field(description='"Today", "Tomorrow", "In 3 days", from generated_on.')
    collections: list[FeedCollection]


class LgdsFeed(BaseModel):
    """This library's JSON feed for one property."""

    model_config: ClassVar[ConfigDict] = ConfigDict(frozen=True)

    version: Literal["1"] = FEED_VERSION
    uprn: int
    generated_on: date = Field(description="Today, in Europe/London, when the feed was made.")
    timezone: Literal["Europe/London"] = "Europe/London"
    source: str = Field(default="", description="The schedule source's name.")
    days: list[FeedDay]


def ukbcd_feed(collections: Iterable[Collection]) -> dict[str, Any]:
    """The UKBinCollectionData shape: one entry per service per day, earliest first.

    Raises:
        NotFound: there are no collections; the shape needs one or more.
    """
    bins = []
    for day in group_by_date(collections):
        stamp = f"{day.date.day:02d}/{day.date.month:02d}/{day.date.year:04d}"
        for service in day.services:
            bins.append(UkbcdBin(type=service.name, collectionDate=stamp))
    if not bins:
        raise NotFound("no collections in the dates asked for; the UKBinCollectionData shape "
                       "lists one or more (its schema's minItems is 1): ask for more days")
    return UkbcdFeed(bins=bins).model_dump(mode="json")


def lgds_feed(
    collections: Iterable[Collection], *, uprn: int, today: date, source: str = ""
) -> dict[str, Any]:
    """This library's feed (:class:`LgdsFeed`) as JSON-ready data."""
    days = []
    for day in group_by_date(collections):
        entries = [
            FeedCollection(
                service=FeedService(id=c.service.id, name=c.service.name,
                                    colour=c.service.colour, container=c.service.container),
                round=c.round, original_date=c.original_date, moved=c.moved,
                reason=c.reason if c.moved else None,  # type: ignore[arg-type]
                note=c.note, message=c.move_description(),
            )
            for c in day.collections
        ]
        days.append(FeedDay(date=day.date, relative=relative_day(day.date, today),
                            collections=entries))
    feed = LgdsFeed(uprn=uprn, generated_on=today, source=source, days=days)
    return feed.model_dump(mode="json")


def feed_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`LgdsFeed`, to publish beside the feed."""
    return LgdsFeed.model_json_schema()
