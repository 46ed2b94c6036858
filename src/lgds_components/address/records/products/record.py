"""What every delivered layout is read into: flat address records of raw text.

A :class:`Flat` is one address record (one LPI, in one language) with every
value still text, in the order of :data:`FIELDS`: the
:class:`~lgds_components.address.model.Address` fields. The record reader
checks and converts them as it checks any row, so every layout gets the same
rules. :class:`Where` says where a record came from, for errors.

>>> where = Where("tile_1.csv", 12, "24", "LPI")
>>> str(where)
'tile_1.csv, line 12, LPI record (24)'
>>> error = where.error("SAO_START_NUMBER", "must be a whole number")
>>> str(error)
'tile_1.csv line 12, SAO_START_NUMBER: LPI record (24): SAO_START_NUMBER must be a whole number'
>>> error.source, error.line, error.field
('tile_1.csv', 12, 'SAO_START_NUMBER')
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from lgds_components.address.records.contract import ADDRESS_FIELDS
from lgds_components.errors import InvalidFormat, ValidationError

__all__ = ["FIELDS", "LANGUAGES", "Flat", "Where", "flat"]

#: The fields of a flat record, in order: the :class:`~lgds_components.address.model.Address`
#: fields (``delivery_lines`` its lines joined with ``"\\n"``).
FIELDS: tuple[str, ...] = ADDRESS_FIELDS

#: The products' language codes and the ISO 639-1 codes they are stored as.
LANGUAGES: Mapping[str, str] = {"ENG": "en", "CYM": "cy", "GAE": "gd", "": "en"}


@attrs.frozen(slots=True)
class Where:
    """Where a record came from: the source, the line, the record type.

    Attributes:
        source: the file (or ``zip!member``) as :class:`~.sources.Source` names it.
        line: the line the record starts on.
        record: the record identifier (``"24"``), or ``""`` for a flat product.
        name: what the product calls the record (``"LPI"``, ``"AddressBase Plus row"``).
    """

    source: str
    line: int
    record: str = ""
    name: str = ""

    def __str__(self) -> str:
        return ", ".join(part for part in (self.source, f"line {self.line}", self.what) if part)

    @property
    def what(self) -> str:
        """The record type: ``"LPI record (24)"``, or the product's row."""
        return f"{self.name} record ({self.record})" if self.record else self.name

    def error(self, field: str, message: str,
              cls: type[ValidationError] = InvalidFormat) -> ValidationError:
        """A validation error naming the source, line, record type and field."""
        return cls(f"{self.what}: {field} {message}", field=field, line=self.line,
                   source=self.source)


@attrs.frozen(slots=True)
class Flat:
    """One flat address record: raw text values in :data:`FIELDS` order, and its origin."""

    where: Where
    values: tuple[str, ...]

    def get(self, field: str) -> str:
        """The value of ``field``.

        >>> flat(Where("x.csv", 1), uprn="10001", street="Mill Lane").get("street")
        'Mill Lane'
        """
        return self.values[_INDEX[field]]

    def as_dict(self) -> dict[str, str]:
        """The values keyed by field name."""
        return dict(zip(FIELDS, self.values, strict=True))


_INDEX = {name: index for index, name in enumerate(FIELDS)}


def flat(where: Where, **values: str) -> Flat:
    """A :class:`Flat` from keyword values (missing fields are ``""``)."""
    unknown = set(values) - _INDEX.keys()
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    return Flat(where, tuple(values.get(name, "") for name in FIELDS))
