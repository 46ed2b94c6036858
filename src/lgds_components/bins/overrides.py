"""Overrides: a council's own table of moved collections, which wins over any policy.

Christmas and New Year catch-up tables are overrides: "the collection
scheduled for Friday 1 January happens on Saturday 2 January". An override
names a round, or a whole service, and the date the round scheduled; a blank
``new_date`` cancels that collection. A round's override beats its service's.

The CSV columns are ``round``, ``service``, ``date``, ``new_date`` and
``note`` (give ``round`` or ``service``, not both); dates are ``2026-12-25``
or ``25/12/2026``:

>>> import io
>>> text = '''round,service,date,new_date,note
... ,refuse,01/01/2027,02/01/2027,New Year catch-up
... FOOD-FRI,,2027-01-01,,No food collection on New Year's Day
... '''
>>> table, errors = Overrides.from_csv(io.StringIO(text))
>>> len(table), errors
(2, [])
>>> from datetime import date
>>> table.find("REF-FRI-A", "refuse", date(2027, 1, 1)).new_date
datetime.date(2027, 1, 2)
>>> table.find("FOOD-FRI", "food", date(2027, 1, 1)).cancelled
True

A bad row gives its line number:

>>> Overrides.from_csv(io.StringIO("round,date,new_date\\nR1,2026-12-25,31/02/2027\\n"))
Traceback (most recent call last):
...
lgds_components.errors.InvalidComponent: line 2, new_date: New date must be a real date
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, ClassVar, Literal

import attrs
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from lgds_components.bins._csv import (
    CsvSource,
    Progress,
    clean_text,
    opened,
    parse_date,
    parse_id,
    read_rows,
    row_model,
)
from lgds_components.errors import InvalidComponent, ValidationError

__all__ = ["COLUMNS", "Override", "OverrideRow", "Overrides"]

COLUMNS: tuple[str, ...] = ("round", "service", "date", "new_date", "note")
"""The columns an overrides CSV may have (``date`` is required)."""


@attrs.frozen(slots=True)
class Override:
    """One scheduled collection moved (or cancelled) by the council.

    Attributes:
        date: the date the round scheduled.
        new_date: the date it happens instead; ``None`` cancels it.
        round: the round it applies to, or ``None`` for every round of ``service``.
        service: the service it applies to when ``round`` is ``None``.
        note: a few words for residents ("Christmas catch-up").
        line: the CSV line it came from, if any.
    """

    # dt.date: a field named "date" would hide the class from checkers reading the annotations
    date: dt.date
    new_date: dt.date | None
    round: str | None = None
    service: str | None = None
    note: str = ""
    line: int | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if (self.round is None) == (self.service is None):
            raise InvalidComponent("Give a round or a service, not both", field="round",
                                   line=self.line)

    @property
    def cancelled(self) -> bool:
        """Whether the collection is cancelled rather than moved."""
        return self.new_date is None


class OverrideRow(BaseModel):
    """One row of an overrides CSV, as handed in."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="ignore", frozen=True)

    round: str | None = None
    service: str | None = None
    date: Any
    new_date: Any = None
    note: str = ""

    @field_validator("round", "service", mode="before")
    @classmethod
    def _key(cls, value: Any, info: Any) -> str | None:
        if value is None or not str(value).strip():
            return None
        return parse_id(value, field=info.field_name)

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> dt.date | None:
        return parse_date(value, field="date")

    @field_validator("new_date", mode="before")
    @classmethod
    def _new_date(cls, value: Any) -> dt.date | None:
        return parse_date(value, field="new_date", required=False)

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: Any) -> str:
        return clean_text(value, field="note")

    @model_validator(mode="after")
    def _one_target(self) -> OverrideRow:
        if self.round is None and self.service is None:
            raise InvalidComponent("Enter a round or a service", field="round")
        if self.round is not None and self.service is not None:
            raise InvalidComponent("Give a round or a service, not both", field="service")
        return self


class Overrides:
    """A table of overrides, looked up by round or service and scheduled date.

    Raises:
        ValidationError: two overrides for the same round (or service) and date.
    """

    def __init__(self, overrides: Iterable[Override] = ()) -> None:
        self._by_round: dict[tuple[str, date], Override] = {}
        self._by_service: dict[tuple[str, date], Override] = {}
        self._all: list[Override] = []
        for override in overrides:
            self.add(override)

    def add(self, override: Override) -> None:
        """Add one override.

        Raises:
            ValidationError: the table already moves that round (or service) on that date.
        """
        if override.round is not None:
            table, key = self._by_round, (override.round, override.date)
        else:
            table, key = self._by_service, (override.service or "", override.date)
        previous = table.get(key)
        if previous is not None:
            seen = f" (first given on line {previous.line})" if previous.line else ""
            raise InvalidComponent(
                f"{key[0]} on {override.date.isoformat()} is overridden twice{seen}",
                field="date", line=override.line,
            )
        table[key] = override
        self._all.append(override)

    def find(self, round_id: str, service_id: str, scheduled: date) -> Override | None:
        """The override for a round's collection scheduled on ``scheduled``, if any."""
        if not self._all:
            return None
        found = self._by_round.get((round_id, scheduled))
        if found is None:
            found = self._by_service.get((service_id, scheduled))
        return found

    def max_displacement(self) -> int:
        """The most days any override moves a collection, either way."""
        return max(
            (abs((o.new_date - o.date).days) for o in self._all if o.new_date is not None),
            default=0,
        )

    def __len__(self) -> int:
        return len(self._all)

    def __iter__(self) -> Iterator[Override]:
        return iter(self._all)

    def __repr__(self) -> str:
        return f"<Overrides {len(self._all)}>"

    @classmethod
    def from_csv(
        cls,
        source: CsvSource,
        *,
        on_error: Literal["fail", "skip"] = "fail",
        progress: Progress | None = None,
    ) -> tuple[Overrides, list[ValidationError]]:
        """Read an overrides CSV.

        Returns the table and, with ``on_error="skip"``, the errors of the rows
        left out (each with its line number).

        Raises:
            ValidationError: a bad row (``on_error="fail"``), or a bad header.
        """
        table = cls()
        errors: list[ValidationError] = []
        with opened(source, progress) as lines:
            for line, row in read_rows(lines, required=("date",), optional=COLUMNS,
                                       name="overrides file"):
                try:
                    if isinstance(row, ValidationError):
                        raise row
                    parsed = row_model(OverrideRow, row, line)
                    table.add(Override(parsed.date, parsed.new_date, parsed.round,
                                       parsed.service, parsed.note, line))
                except ValidationError as exc:
                    if on_error == "fail":
                        raise
                    errors.append(exc)
        return table, errors
