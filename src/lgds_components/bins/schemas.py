"""pydantic models of the bin values: ``Service``, ``Collection`` and ``CollectionDay``.

What bin days look like at the edge: in a JSON API, in OpenAPI. The attrs
values are themselves usable as pydantic fields and FastAPI response models
(through :mod:`lgds_components.pydantic_bridge`), with these models' JSON and
JSON Schema; a collection carries ``moved`` and the resident-facing
``move_description`` as read-only extras:

>>> from datetime import date
>>> from pydantic import TypeAdapter
>>> from lgds_components.bins import Schedule
>>> from lgds_components.bins.model import Collection
>>> with Schedule.sample() as schedule:
...     found = schedule.next_collections(100040000012, count=1, on_or_after=date(2026, 12, 21))
>>> TypeAdapter(list[Collection]).dump_python(found, mode="json")  # doctest: +ELLIPSIS
[{'date': '2026-12-26', 'service': {'id': 'recycling', 'name': 'Recycling', ...},
  'round': ..., 'original_date': '2026-12-25', 'reason': 'bank_holiday',
  'note': 'Christmas Day', 'moved': True,
  'move_description': 'Moved from Friday 25 December because of Christmas Day'}]
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, computed_field

from lgds_components.bins.model import Collection, CollectionDay, Service

__all__ = ["CollectionDaySchema", "CollectionSchema", "ServiceSchema"]

_CONFIG = ConfigDict(frozen=True, from_attributes=True)


class ServiceSchema(BaseModel):
    """Something collected: refuse, recycling, garden waste, food waste."""

    model_config: ClassVar[ConfigDict] = ConfigDict(**_CONFIG, title="Service")

    id: str = Field(description="A short stable key (``refuse``).")
    name: str = Field(description="What residents call it (``Rubbish``).")
    colour: str = Field("", description="The container's colour, if it helps residents.")
    container: str = Field("", description="The container (``240 litre wheelie bin``).")
    policy: str | None = Field(None, description="This service's bank holiday policy, if its own.")

    def to_service(self) -> Service:
        """The attrs :class:`~lgds_components.bins.Service` this describes."""
        return Service(**self.model_dump())


class CollectionSchema(BaseModel):
    """One service collected on one day, and the day it was moved from, if it was."""

    model_config: ClassVar[ConfigDict] = ConfigDict(**_CONFIG, title="Collection")

    date: dt.date = Field(description="The day the collection happens.")
    service: ServiceSchema
    round: str = Field(description="The id of the round it belongs to.")
    original_date: dt.date = Field(description="The day the round scheduled it.")
    reason: str | None = Field(
        None, description="Why it moved: ``bank_holiday``, ``override``, or null."
    )
    note: str = Field("", description="A few words for residents (the holiday's name).")

    def to_collection(self) -> Collection:
        """The attrs :class:`~lgds_components.bins.Collection` this describes."""
        return Collection(self.date, self.service.to_service(), self.round, self.original_date,
                          self.reason, self.note)

    @computed_field(description="Whether it is on a different day from the one scheduled.")  # type: ignore[prop-decorator]
    @property
    def moved(self) -> bool:
        return self.date != self.original_date

    @computed_field(description="Why and from when it moved, for residents; empty if it did not.")  # type: ignore[prop-decorator]
    @property
    def move_description(self) -> str:
        return self.to_collection().move_description()


class CollectionDaySchema(BaseModel):
    """The collections made on one day."""

    model_config: ClassVar[ConfigDict] = ConfigDict(**_CONFIG, title="CollectionDay")

    date: dt.date
    collections: tuple[CollectionSchema, ...]

    def to_collection_day(self) -> CollectionDay:
        """The attrs :class:`~lgds_components.bins.CollectionDay` this describes."""
        return CollectionDay(self.date, tuple(c.to_collection() for c in self.collections))
