"""Loading a gazetteer CSV into SQLite: streamed, validated, swapped in atomically.

Two CSV formats are read. Header names are matched without regard to case or
surrounding spaces; extra columns are ignored. ``.csv.gz`` files are read as
they are.

**``format="addressbase"``**: one row per LPI record with the DPA (Royal Mail)
fields alongside, in the style of AddressBase Plus. The columns are those of
:data:`ADDRESSBASE_COLUMNS` (a synthetic, documented subset; real AddressBase
exports can be loaded by passing a ``mapping`` from these names to theirs).
The structured LPI fields (``sao_*``, ``pao_*``, ``street_description``,
``locality``, ``town_name``) are used when a row has them; a row without
them is read from its DPA fields (``sub_building_name``, ``building_name``,
``building_number``, ``thoroughfare``, ``dependent_locality``,
``post_town``). The postcode is ``postcode`` (DPA) or else
``postcode_locator``; the organisation ``organisation_name`` or else
``la_organisation``; ``addressbase_postal`` is ``D``, ``C`` or ``L`` for a
postal address, ``N`` for not postal. Required: ``uprn``, a street column
(``street_description`` or ``thoroughfare``) and a postcode column.

**``format="llpg"``**: a council LLPG export with one row per LPI, one column
per :class:`~lgds_components.address.model.Address` field. The default
column names are :data:`LLPG_COLUMNS`; pass ``mapping={"street":
"STREET_NAME", ...}`` for your export's names (a field mapped to ``None`` is
absent). Required: ``uprn``, ``street`` and ``postcode``.

Values: numbers are whole numbers; a suffix is one or two letters; a postcode
must be valid (:func:`lgds_components.identifiers.postcode.validate`) or
empty; UPRN, parent UPRN and USRN are checked by their identifier modules;
``logical_status`` is 1, 3, 6 or 8 (empty means 1); ``language`` is ``en``,
``cy``, ``ENG`` or ``CYM`` (empty means ``en``); the postal flag reads
``Y``/``N``, ``true``/``false``, ``1``/``0`` or the AddressBase codes.
A malformed row raises :class:`~lgds_components.errors.ValidationError` with
its ``line`` and ``field`` (``on_error="fail"``, the default), or is skipped
and listed in the :class:`LoadReport` (``on_error="skip"``).
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import itertools
import operator
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal

import attrs

from lgds_components.address import _schema
from lgds_components.address.model import (
    _AFTER_NUMBERS,
    _SEP,
    Address,
    _floor_key,
    _number_key,
    natural_text_key,
)
from lgds_components.address.scoring import _numbers_of
from lgds_components.address.text import cached_tokens
from lgds_components.errors import (
    InvalidFormat,
    MissingValue,
    ProviderError,
    ProviderUnavailable,
    ValidationError,
)

__all__ = [
    "ADDRESSBASE_COLUMNS",
    "LLPG_COLUMNS",
    "STATUSES",
    "CsvRecords",
    "LoadProgress",
    "LoadReport",
    "load",
]

#: The AddressBase-style columns read with ``format="addressbase"`` (see module docs).
ADDRESSBASE_COLUMNS: tuple[str, ...] = (
    "uprn", "parent_uprn", "usrn", "class", "logical_status", "language",
    "addressbase_postal", "x_coordinate", "y_coordinate",
    # DPA (Royal Mail PAF) fields
    "organisation_name", "sub_building_name", "building_name", "building_number",
    "thoroughfare", "dependent_locality", "post_town", "postcode",
    # LPI (BS 7666) fields
    "la_organisation",
    "sao_start_number", "sao_start_suffix", "sao_end_number", "sao_end_suffix", "sao_text",
    "pao_start_number", "pao_start_suffix", "pao_end_number", "pao_end_suffix", "pao_text",
    "street_description", "locality", "town_name", "postcode_locator",
)

#: Default column names of an LLPG export (``format="llpg"``): Address field -> column.
LLPG_COLUMNS: dict[str, str] = {
    "uprn": "UPRN",
    "parent_uprn": "PARENT_UPRN",
    "usrn": "USRN",
    "organisation": "ORGANISATION",
    "sao_start_number": "SAO_START_NUMBER",
    "sao_start_suffix": "SAO_START_SUFFIX",
    "sao_end_number": "SAO_END_NUMBER",
    "sao_end_suffix": "SAO_END_SUFFIX",
    "sao_text": "SAO_TEXT",
    "pao_start_number": "PAO_START_NUMBER",
    "pao_start_suffix": "PAO_START_SUFFIX",
    "pao_end_number": "PAO_END_NUMBER",
    "pao_end_suffix": "PAO_END_SUFFIX",
    "pao_text": "PAO_TEXT",
    "street": "STREET_DESCRIPTOR",
    "locality": "LOCALITY",
    "town": "TOWN",
    "postcode": "POSTCODE",
    "easting": "EASTING",
    "northing": "NORTHING",
    "classification": "BLPU_CLASS",
    "logical_status": "LOGICAL_STATUS",
    "language": "LANGUAGE",
    "postal": "POSTAL_ADDRESS",
}

#: Logical status names accepted by ``statuses=``, and their BS 7666 codes.
STATUSES: dict[str, int] = {"approved": 1, "alternative": 3, "provisional": 6, "historical": 8}

_LANGUAGES = {"": "en", "en": "en", "eng": "en", "cy": "cy", "cym": "cy", "wel": "cy"}
_POSTAL = {
    "": True, "y": True, "yes": True, "true": True, "1": True, "d": True, "c": True, "l": True,
    "n": False, "no": False, "false": False, "0": False,
}
_MAX_TEXT = 200
_MAX_NUMBER = 99999
_CHUNK = 5000
_MAX_REPORTED = 1000
_EXPAND_RANGE = 20
# distinct groups of cells remembered by the fast path (each cache is emptied when full)
_CACHE_SIZE = 20_000
# UPRNs listed in ``mixed`` (see ``_batches``) at most; past this, every UPRN's
# preferred record is marked afresh (``_EVERY_UPRN`` in the set says so)
_MIXED_LIMIT = 200_000
_EVERY_UPRN = 0  # not a UPRN


@attrs.frozen(slots=True)
class LoadProgress:
    """How far a load has got; passed to the ``progress`` callback.

    Attributes:
        phase: ``"reading"`` while rows stream in, ``"indexing"`` while the
            indexes are built, ``"done"`` at the end.
        rows_read: data rows read so far.
        rows_loaded: rows stored so far.
        bytes_read, bytes_total: position in the (possibly compressed) file.
    """

    phase: str
    rows_read: int
    rows_loaded: int
    bytes_read: int
    bytes_total: int


@attrs.frozen(slots=True)
class LoadReport:
    """What a completed load did.

    Attributes:
        path: the gazetteer file.
        rows_read: data rows in the CSV.
        rows_loaded: rows stored.
        rows_filtered: rows left out by the ``statuses`` or ``classifications`` filters.
        errors: the malformed rows skipped (``on_error="skip"``), each a
            ValidationError with ``line`` and ``field``; at most 1,000 are kept.
        error_count: how many rows were skipped, even past 1,000.
        seconds: wall-clock time of the load.
    """

    path: Path
    rows_read: int
    rows_loaded: int
    rows_filtered: int
    errors: tuple[ValidationError, ...]
    error_count: int
    seconds: float

    @property
    def ok(self) -> bool:
        """No row was skipped."""
        return self.error_count == 0


class _CountingReader(io.RawIOBase):
    """A raw binary stream that counts the bytes read through it."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner
        self.count = 0

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            self.inner.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size


def _fail(message: str, field: str, *, cls: type[ValidationError] = InvalidFormat) -> None:
    raise cls(message, field=field)


class _RowReader:
    """Turns one CSV row into an Address (or raises a ValidationError naming the field)."""

    def __init__(self, header: list[str], fmt: str, mapping: Mapping[str, str | None] | None):
        from lgds_components.identifiers import postcode, uprn, usrn

        self._postcode = postcode
        self._uprn = uprn
        self._usrn = usrn
        self._uprn_maximum = uprn.MAXIMUM
        self._postcodes: dict[str, str] = {}
        names = [name.strip().lower() for name in header]
        self.width = len(names)
        if fmt == "addressbase":
            columns: dict[str, str | None] = {name: name for name in ADDRESSBASE_COLUMNS}
        elif fmt == "llpg":
            columns = dict(LLPG_COLUMNS)
        else:
            raise ValidationError(
                f"format must be 'addressbase' or 'llpg', not {fmt!r}", field="format"
            )
        for key, column in (mapping or {}).items():
            if key not in columns:
                raise ValidationError(
                    f"mapping names an unknown field {key!r}; known fields: "
                    f"{', '.join(sorted(columns))}",
                    field="mapping",
                )
            columns[key] = column
            if column is not None and column.strip().lower() not in names:
                raise MissingValue(
                    f"the CSV has no column {column!r} (mapped from {key!r})",
                    field=column, line=1,
                )
        self.index: dict[str, int] = {}
        for key, column in columns.items():
            if column is not None and column.strip().lower() in names:
                self.index[key] = names.index(column.strip().lower())
        self.items = tuple(self.index.items())
        self.fmt = fmt
        required = (
            [("uprn",), ("street_description", "thoroughfare"), ("postcode", "postcode_locator")]
            if fmt == "addressbase"
            else [("uprn",), ("street",), ("postcode",)]
        )
        for options in required:
            if not any(option in self.index for option in options):
                wanted = " or ".join(str(columns[o] or o) for o in options)
                raise MissingValue(f"the CSV has no {wanted} column", field=wanted, line=1)
        self._compile()

    # -- values ------------------------------------------------------------

    def _values(self, row: list[str]) -> dict[str, str]:
        """The row's cells by field, stripped; checks the width and cell lengths."""
        if len(row) != self.width:
            raise InvalidFormat(
                f"row has {len(row)} fields but the header has {self.width}", field="row"
            )
        values = {key: row[position].strip() for key, position in self.items}
        if values and max(map(len, values.values())) > _MAX_TEXT:
            for key, value in values.items():
                if len(value) > _MAX_TEXT:
                    _fail(f"{key} must be {_MAX_TEXT} characters or fewer", key)
        return values

    @staticmethod
    def _get(row: dict[str, str], key: str) -> str:
        return row.get(key, "")

    def _number(self, row: dict[str, str], key: str) -> int | None:
        value = self._get(row, key)
        if not value:
            return None
        if not (value.isascii() and value.isdigit()) or int(value) > _MAX_NUMBER:
            _fail(f"{key} must be a whole number from 0 to {_MAX_NUMBER}", key)
        return int(value)

    def _suffix(self, row: dict[str, str], key: str) -> str:
        value = self._get(row, key)
        if value and not (len(value) <= 2 and value.isascii() and value.isalpha()):
            _fail(f"{key} must be one or two letters", key)
        return value.upper()

    def _identifier(self, module: Any, row: dict[str, str], key: str) -> int | None:
        value = self._get(row, key)
        if not value:
            return None
        if value.isascii() and value.isdigit() and len(value) <= 12:
            number = int(value)
            if 0 < number <= module.MAXIMUM:
                return number
        try:
            return int(module.validate(value))
        except ValidationError as exc:
            raise exc.located(field=key) from exc

    def _coordinate(self, row: dict[str, str], key: str) -> float | None:
        value = self._get(row, key)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError as exc:
            raise InvalidFormat(f"{key} must be a number", field=key) from exc
        if not -1e7 < number < 1e7:
            _fail(f"{key} must be a grid coordinate in metres", key)
        return number

    def _postcode_value(self, value: str, key: str) -> str:
        if not value:
            return ""
        known = self._postcodes.get(value)
        if known is not None:
            return known
        try:
            canonical = self._postcode.validate(value)
        except ValidationError as exc:
            raise exc.located(field=key) from exc
        if len(self._postcodes) > 50_000:
            self._postcodes.clear()
        self._postcodes[value] = canonical
        return canonical

    # -- rows ---------------------------------------------------------------

    def values(self, cells: list[str]) -> tuple[Any, ...]:
        """The row as Address field values, in field order (see ``_schema.ADDRESS_COLUMNS``)."""
        parsed = self.parse(cells)
        if parsed is None:
            return self._checked(cells)
        uprn, parent, usrn, easting, northing, unit, place, organisation, pao = parsed
        return (uprn, parent, usrn, organisation[0], *unit[0], *pao[0], *place[0],
                easting, northing, *unit[1])

    def _checked(self, cells: list[str]) -> tuple[Any, ...]:
        """:meth:`values` the long way: every check, in order, naming the field at fault."""
        row = self._values(cells)
        uprn = self._identifier(self._uprn, row, "uprn")
        if uprn is None:
            raise MissingValue("uprn is missing", field="uprn")
        status = self._status(row)
        language = self._language(row)
        if self.fmt == "addressbase":
            fields = self._addressbase(row)
            postal_key = "addressbase_postal"
            classification = self._get(row, "class")
            easting = self._coordinate(row, "x_coordinate")
            northing = self._coordinate(row, "y_coordinate")
        else:
            fields = self._llpg(row)
            postal_key = "postal"
            classification = self._get(row, "classification")
            easting = self._coordinate(row, "easting")
            northing = self._coordinate(row, "northing")
        postal = self._postal(row, postal_key)
        if not (fields["street"] or fields["pao_text"] or fields["pao_start_number"] is not None
                or fields["organisation"] or fields["sao_text"]):
            raise MissingValue("row has no street, building or organisation", field="street")
        return (
            uprn,
            self._identifier(self._uprn, row, "parent_uprn"),
            self._identifier(self._usrn, row, "usrn"),
            fields["organisation"],
            fields["sao_start_number"], fields["sao_start_suffix"], fields["sao_end_number"],
            fields["sao_end_suffix"], fields["sao_text"],
            fields["pao_start_number"], fields["pao_start_suffix"], fields["pao_end_number"],
            fields["pao_end_suffix"], fields["pao_text"],
            fields["street"], fields["locality"], fields["town"], fields["postcode"],
            easting, northing, classification, status, language, postal,
        )

    def _status(self, row: dict[str, str]) -> int:
        status_text = self._get(row, "logical_status") or "1"
        if status_text not in ("1", "3", "6", "8"):
            _fail("logical_status must be 1, 3, 6 or 8", "logical_status")
        return int(status_text)

    def _language(self, row: dict[str, str]) -> str:
        language = _LANGUAGES.get(self._get(row, "language").lower())
        if language is None:
            _fail("language must be en or cy", "language")
        return language  # type: ignore[return-value]

    def _postal(self, row: dict[str, str], key: str) -> bool:
        postal = _POSTAL.get(self._get(row, key).lower())
        if postal is None:
            _fail(f"{key} must be Y or N", key)
        return postal  # type: ignore[return-value]

    _PARTS = tuple(
        tuple(f"{part}_{what}" for what in
              ("start_number", "start_suffix", "end_number", "end_suffix", "text"))
        for part in ("sao", "pao")
    )

    def _object(self, row: dict[str, str], names: tuple[str, ...]) -> tuple[Any, ...]:
        """One SAO or PAO: (start, start suffix, end, end suffix, text)."""
        start_number, start_suffix, end_number, end_suffix, text = names
        start = self._number(row, start_number)
        suffix = self._suffix(row, start_suffix)
        end = self._number(row, end_number)
        last = self._suffix(row, end_suffix)
        if start is None and (end is not None or suffix):
            _fail(f"{start_number} is missing", start_number, cls=MissingValue)
        return start, suffix, end, last, row.get(text, "")

    def _structured(self, row: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for names in self._PARTS:
            out.update(zip(names, self._object(row, names), strict=True))
        return out

    # -- the fast path ------------------------------------------------------------
    #
    # Most of a row repeats from row to row: the street, town and postcode, the
    # flat, the status and language codes; the building varies more, and only the
    # UPRNs and coordinates are new in every row. ``parse`` looks up each group of
    # repeating cells in a cache keyed by the raw cells, so their checks and
    # derived text (sort key parts, search text, index words) are worked out once
    # per distinct group. Anything unusual (a cell to strip, a value that fails a
    # check, a DPA-only row) gives None, and the caller takes the long way
    # (``_checked``), which raises the right error.
    #
    # The groups: "unit" (status, language, postal flag, classification and the
    # SAO), "place" (street, locality, town, postcode), "organisation" and "pao".

    def _compile(self) -> None:
        index = self.index

        def getter(keys: tuple[str, ...]) -> Callable[[list[str]], tuple[str, ...]]:
            at = [index.get(key) for key in keys]
            if None in at:
                return lambda cells: tuple("" if p is None else cells[p] for p in at)
            if len(at) == 1:
                (only,) = at
                return lambda cells: (cells[only],)  # type: ignore[index]
            return operator.itemgetter(*at)  # type: ignore[arg-type]

        if self.fmt == "addressbase":
            unit = ("class", "logical_status", "language", "addressbase_postal")
            coordinates = ("x_coordinate", "y_coordinate")
            place = ("street_description", "locality", "dependent_locality", "town_name",
                     "post_town", "postcode", "postcode_locator")
            organisation = ("organisation_name", "la_organisation")
        else:
            unit = ("classification", "logical_status", "language", "postal")
            coordinates = ("easting", "northing")
            place = ("street", "locality", "town", "postcode")
            organisation = ("organisation",)
        self._unit_keys = unit + self._PARTS[0]
        self._place_keys = place
        self._organisation_keys = organisation
        self._get_unit = getter(self._unit_keys)
        self._get_place = getter(place)
        self._get_organisation = getter(organisation)
        self._get_pao = getter(self._PARTS[1])
        self._at = (index["uprn"], index.get("parent_uprn"), index.get("usrn"),
                    index.get(coordinates[0]), index.get(coordinates[1]))
        used = {"uprn", "parent_uprn", "usrn", *coordinates, *self._unit_keys, *place,
                *organisation, *self._PARTS[1]}
        unread = tuple(key for key in index if key not in used)
        self._get_unread = getter(unread) if unread else None
        # raw cells -> derived parts (False: take the long way), by group
        self._raw: tuple[dict[Any, Any], ...] = ({}, {}, {}, {}, {})
        # checked values -> derived parts, by group
        self._derived: dict[str, dict[Any, Any]] = {
            name: {} for name in ("unit", "place", "organisation", "pao")
        }

    def _derive(self, name: str, values: Any, make: Callable[[Any], Any]) -> Any:
        """``make(values)``, remembered in the cache of derived parts ``name``."""
        cache = self._derived[name]
        parts = cache.get(values)
        if parts is None:
            parts = make(values)
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            cache[values] = parts
        return parts

    def _raw_parts(self, group: int, cells: Any, make: Callable[[Any], Any]) -> Any:
        """The parts of one group of raw cells, or False if they need the long way."""
        try:
            parts = make(cells)
        except ValidationError:
            parts = False
        cache = self._raw[group]
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[cells] = parts
        return parts

    @staticmethod
    def _stripped(keys: tuple[str, ...], cells: tuple[str, ...]) -> dict[str, str]:
        """The cells by field, stripped (one too long: the long way reports it)."""
        if max(map(len, cells)) > _MAX_TEXT:
            raise InvalidFormat("too long", field="row")
        return dict(zip(keys, map(str.strip, cells), strict=True))

    def _raw_unit(self, cells: tuple[str, ...]) -> Any:
        row = self._stripped(self._unit_keys, cells)
        status, language = self._status(row), self._language(row)
        postal = self._postal(row, self._unit_keys[3])
        sao = self._object(row, self._PARTS[0])
        return self._derive("unit", (*sao, row[self._unit_keys[0]], status, language, postal),
                            _unit_parts)

    def _raw_place(self, cells: tuple[str, ...]) -> Any:
        row = self._stripped(self._place_keys, cells)
        if self.fmt == "addressbase":
            code, key = row["postcode"], "postcode"
            if not code:
                code, key = row["postcode_locator"], "postcode_locator"
            place = (row["street_description"], row["locality"] or row["dependent_locality"],
                     row["town_name"] or row["post_town"])
        else:
            code, key = row["postcode"], "postcode"
            place = (row["street"], row["locality"], row["town"])
        return self._derive("place", (*place, self._postcode_value(code, key)), _place_parts)

    def _raw_organisation(self, cells: tuple[str, ...]) -> Any:
        row = self._stripped(self._organisation_keys, cells)
        name = row[self._organisation_keys[0]]
        if len(cells) > 1:
            name = name or row[self._organisation_keys[1]]
        return self._derive("organisation", name, _organisation_parts)

    def _raw_pao(self, cells: tuple[str, ...]) -> Any:
        pao = self._object(self._stripped(self._PARTS[1], cells), self._PARTS[1])
        return self._derive("pao", pao, _pao_parts)

    def _raw_usrn(self, cell: str) -> Any:
        if len(cell) > _MAX_TEXT:
            return False
        return self._identifier(self._usrn, {"usrn": cell.strip()}, "usrn") or False

    def parts(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """``(unit, place, organisation, pao)`` parts of checked ``values`` (see ``parse``)."""
        derive = self._derive
        return (
            derive("unit", values[4:9] + values[20:], _unit_parts),
            derive("place", values[14:18], _place_parts),
            derive("organisation", values[3], _organisation_parts),
            derive("pao", values[9:14], _pao_parts),
        )

    def parse(self, cells: list[str]) -> tuple[Any, ...] | None:
        """``(uprn, parent uprn, usrn, easting, northing, unit, place,
        organisation, pao)`` for an ordinary row (the parts as ``_unit_parts``,
        ``_place_parts``, ``_organisation_parts`` and ``_pao_parts`` make them),
        or None when the row needs the long way."""
        if len(cells) != self.width:
            return None
        units, places, organisations, paos, usrns = self._raw
        key = self._get_unit(cells)
        unit = units.get(key)
        if unit is None:
            unit = self._raw_parts(0, key, self._raw_unit)
        if not unit:
            return None
        key = self._get_place(cells)
        place = places.get(key)
        if place is None:
            place = self._raw_parts(1, key, self._raw_place)
        if not place:
            return None
        key = self._get_organisation(cells)
        organisation = organisations.get(key)
        if organisation is None:
            organisation = self._raw_parts(2, key, self._raw_organisation)
        if not organisation:
            return None
        key = self._get_pao(cells)
        pao = paos.get(key)
        if pao is None:
            pao = self._raw_parts(3, key, self._raw_pao)
        if not pao:
            return None
        if not (place[0][0] or pao[5]):
            # addressbase: a row without LPI fields is read from its DPA fields;
            # llpg: a row with no street, building or organisation is an error
            if self.fmt == "addressbase" or not (organisation[0] or unit[0][4]):
                return None
        uprn_at, parent_at, usrn_at, easting_at, northing_at = self._at
        maximum = self._uprn_maximum
        cell = cells[uprn_at]
        if not (cell.isdigit() and cell.isascii() and len(cell) <= 12):
            return None
        uprn = int(cell)
        if not 0 < uprn <= maximum:
            return None
        parent = None
        if parent_at is not None:
            cell = cells[parent_at]
            if cell:
                if not (cell.isdigit() and cell.isascii() and len(cell) <= 12):
                    return None
                parent = int(cell)
                if not 0 < parent <= maximum:
                    return None
        usrn = None
        if usrn_at is not None:
            cell = cells[usrn_at]
            if cell:
                usrn = usrns.get(cell)
                if usrn is None:
                    usrn = self._raw_parts(4, cell, self._raw_usrn)
                if not usrn:
                    return None
        easting = northing = None
        if easting_at is not None:
            cell = cells[easting_at]
            if cell:
                if len(cell) > _MAX_TEXT:
                    return None
                try:
                    easting = float(cell)
                except ValueError:
                    return None
                if not -1e7 < easting < 1e7:
                    return None
        if northing_at is not None:
            cell = cells[northing_at]
            if cell:
                if len(cell) > _MAX_TEXT:
                    return None
                try:
                    northing = float(cell)
                except ValueError:
                    return None
                if not -1e7 < northing < 1e7:
                    return None
        unread = self._get_unread
        if unread is not None and max(map(len, unread(cells))) > _MAX_TEXT:
            return None
        return uprn, parent, usrn, easting, northing, unit, place, organisation, pao

    def _llpg(self, row: dict[str, str]) -> dict[str, Any]:
        out = self._structured(row)
        out["organisation"] = self._get(row, "organisation")
        out["street"] = self._get(row, "street")
        out["locality"] = self._get(row, "locality")
        out["town"] = self._get(row, "town")
        out["postcode"] = self._postcode_value(self._get(row, "postcode"), "postcode")
        return out

    def _addressbase(self, row: dict[str, str]) -> dict[str, Any]:
        get = self._get
        street = get(row, "street_description")
        if street or get(row, "pao_text") or get(row, "pao_start_number"):
            out = self._structured(row)
            out["street"] = street
            out["locality"] = get(row, "locality") or get(row, "dependent_locality")
            out["town"] = get(row, "town_name") or get(row, "post_town")
        else:
            out = self._from_dpa(row)
        out["organisation"] = get(row, "organisation_name") or get(row, "la_organisation")
        code = get(row, "postcode")
        key = "postcode"
        if not code:
            code, key = get(row, "postcode_locator"), "postcode_locator"
        out["postcode"] = self._postcode_value(code, key)
        return out

    def _from_dpa(self, row: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sao_start_number": None, "sao_start_suffix": "", "sao_end_number": None,
            "sao_end_suffix": "", "sao_text": "", "pao_start_number": None,
            "pao_start_suffix": "", "pao_end_number": None, "pao_end_suffix": "", "pao_text": "",
        }
        number = self._number(row, "building_number")
        name = self._get(row, "building_name")
        sub = self._get(row, "sub_building_name")
        parsed = _parse_numbers(name)
        if number is None and parsed is not None:
            (out["pao_start_number"], out["pao_start_suffix"], out["pao_end_number"],
             out["pao_end_suffix"]) = parsed
        else:
            out["pao_text"] = name
            out["pao_start_number"] = number
        parsed = _parse_numbers(sub)
        if parsed is not None:
            (out["sao_start_number"], out["sao_start_suffix"], out["sao_end_number"],
             out["sao_end_suffix"]) = parsed
        else:
            out["sao_text"] = sub
        out["street"] = self._get(row, "thoroughfare")
        out["locality"] = self._get(row, "dependent_locality")
        out["town"] = self._get(row, "post_town")
        return out


def _parse_numbers(text: str) -> tuple[int, str, int | None, str] | None:
    """Read ``12``, ``12A`` or ``110-114`` from a DPA name, or None for a real name."""
    import re

    found = re.fullmatch(r"([0-9]{1,5})([A-Za-z]?)(?:\s*-\s*([0-9]{1,5})([A-Za-z]?))?", text)
    if found is None:
        return None
    end = int(found.group(3)) if found.group(3) else None
    return int(found.group(1)), found.group(2).upper(), end, (found.group(4) or "").upper()


def index_tokens(address: Address) -> str:
    """The words indexed for full-text search of ``address``, space-separated."""
    words: list[str] = []
    for text in (address.sao_text, address.pao_text, address.street, address.locality,
                 address.town, address.organisation):
        words.extend(cached_tokens(text))
    words.extend(_number_words(
        address.sao_start_number, address.sao_start_suffix, address.sao_end_number))
    words.extend(_number_words(
        address.pao_start_number, address.pao_start_suffix, address.pao_end_number))
    words.extend(_postcode_words(address.postcode))
    return " ".join(dict.fromkeys(word for word in words if word != "flat"))


def _number_words(start: int | None, suffix: str, end: int | None) -> tuple[str, ...]:
    """The index words of a SAO or PAO number range (a short range is spelt out)."""
    if start is None:
        return ()
    words = [str(start)]
    if suffix:
        words.append(f"{start}{suffix.lower()}")
    if end is not None:
        if 0 < end - start <= _EXPAND_RANGE:
            words.extend(str(n) for n in range(start + 1, end + 1))
        else:
            words.append(str(end))
    return tuple(words)


def _postcode_words(postcode: str) -> tuple[str, ...]:
    if not postcode:
        return ()
    outward, _, inward = postcode.lower().partition(" ")
    return outward, inward, outward + inward


# -- derived text, worked out once per distinct group of fields --------------------
#
# A stored row's sort key, search text and index words are made of parts that
# each depend on one group of fields only (the SAO, the PAO, street + locality +
# town, the organisation, the postcode). These functions build each group's
# parts exactly as Address.sort_key, scoring.search_text and index_tokens build
# them for a whole address; ``_batches`` joins them.
# Words are "flat"-free, as index_tokens leaves "flat" out.


def _words(*texts: str) -> tuple[str, ...]:
    return tuple(word for text in texts for word in cached_tokens(text) if word != "flat")


def _object_search(values: tuple[Any, ...]) -> str:
    start, suffix, end, last, text = values
    numbers, words = _numbers_of(start, suffix, end, last, cached_tokens(text))
    return " ".join(words) + "|" + " ".join(numbers)


def _unit_parts(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """The parts of a SAO + (classification, status, language, postal flag):
    (SAO values, the other four, sort key part, search text part, text words,
    number words)."""
    start, suffix, end, last, text = sao = values[:5]
    sort = _SEP.join((_number_key(start, suffix, ""), _number_key(end, last, ""),
                      _floor_key(text)))
    return (sao, values[5:], sort, _object_search(sao), _words(text),
            _number_words(start, suffix, end))


def _pao_parts(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """The parts of a PAO: (values, sort key part, search text part, text words,
    number words, whether it has a name or number)."""
    start, suffix, end, last, text = values
    sort = _SEP.join((_number_key(start, suffix, _AFTER_NUMBERS), _number_key(end, last, ""),
                      natural_text_key(text)))
    return (values, sort, _object_search(values), _words(text),
            _number_words(start, suffix, end), bool(text or start is not None))


def _place_parts(values: tuple[str, str, str, str]) -> tuple[Any, ...]:
    """The parts of (street, locality, town, postcode): (values, sort key part,
    search text part, words, postcode key, postcode words)."""
    place, postcode = values[:3], values[3]
    sort = _SEP.join(natural_text_key(text) for text in place)
    search = "|".join(" ".join(cached_tokens(text)) for text in place)
    return (values, sort, search, _words(*place), postcode.replace(" ", ""),
            _postcode_words(postcode))


def _organisation_parts(name: str) -> tuple[Any, ...]:
    """The parts of an organisation name: (name, sort key part, search text part, words)."""
    return name, natural_text_key(name), " ".join(cached_tokens(name)), _words(name)


def _open_text(
    path: Path, stack: contextlib.ExitStack
) -> tuple[Iterator[str], _CountingReader, int]:
    """Open ``path`` as UTF-8 text through a byte counter; ``stack`` closes every layer."""
    buffered, counter, total = _open_bytes(path, stack)
    return _decoded(buffered), counter, total


def _csv_with_header(
    path: Path, stack: contextlib.ExitStack
) -> tuple[Any, list[str], _CountingReader, int]:
    """Open ``path`` as CSV rows and read the header: (reader, header, byte counter, size).

    Raises:
        ValidationError: the file cannot be read, is empty, or its header is not CSV.
    """
    try:
        text, counter, total = _open_text(path, stack)
    except OSError as exc:
        raise ValidationError(
            f"cannot read {path}: {exc.strerror or exc}", field="source_csv"
        ) from exc
    csv_reader = csv.reader(text)
    try:
        header = next(csv_reader)
    except StopIteration:
        raise MissingValue("the CSV is empty", field="header", line=1) from None
    except csv.Error as exc:
        raise InvalidFormat(f"unreadable CSV header: {exc}", field="header", line=1) from exc
    return csv_reader, header, counter, total


def _open_bytes(
    path: Path, stack: contextlib.ExitStack
) -> tuple[IO[bytes], _CountingReader, int]:
    """Open ``path`` (gunzipped if ``.gz``) through a byte counter; ``stack`` closes it."""
    raw = stack.enter_context(open(path, "rb"))
    total = os.fstat(raw.fileno()).st_size
    counter = stack.enter_context(_CountingReader(raw))
    buffered: IO[bytes] = stack.enter_context(io.BufferedReader(counter, buffer_size=1 << 16))
    if path.suffix == ".gz":
        buffered = stack.enter_context(gzip.GzipFile(fileobj=buffered, mode="rb"))  # type: ignore[arg-type]
    return buffered, counter, total


def _decoded(lines: Iterable[bytes]) -> Iterator[str]:
    """Decode each line as UTF-8, naming the line of any byte that is not."""
    for number, raw in enumerate(lines, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise _not_utf8(number, exc) from exc


def _decoded_from(lines: list[bytes], before: int) -> Iterator[str]:
    for number, raw in enumerate(lines, start=before + 1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise _not_utf8(number, exc) from exc


def _not_utf8(number: int, exc: UnicodeDecodeError) -> InvalidFormat:
    return InvalidFormat(
        f"line {number} is not UTF-8 text (byte {exc.start + 1} of the line); "
        "save the file as CSV UTF-8",
        field="row", line=number,
    )


class _Lines:
    """The rows of a UTF-8 CSV file as ``csv.reader(_decoded(raw))`` reads them
    (the same cells; the same ``csv.Error`` and ``InvalidFormat`` errors at the
    same lines; carrying on after a ``csv.Error``), but faster.

    The file is decoded a block at a time; a block that is not UTF-8 is decoded
    again line by line, to name the line at fault as ``_decoded`` does, after
    the lines before it. ``lines`` gives each line without its ``"\\n"``. A line
    with no quote, NUL or carriage return (but one at its end), no longer than
    the csv module's field size limit, is simply split at its commas by the
    caller (see :meth:`simple`); any other goes to :meth:`row`, which hands it,
    and the lines a quoted field runs on into, to a ``csv.reader``.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._unterminated = False  # the last line pulled is the file's, with no "\n"
        self._pushed: str | None = None
        self.lines: Iterator[str] = itertools.chain.from_iterable(self._blocks())
        self._reader = csv.reader(self._feed())
        self.limit = csv.field_size_limit()

    def _blocks(self) -> Iterator[list[str]]:
        number = 0  # lines decoded so far
        tail = b""
        while True:
            block = self._raw.read(1 << 20)
            if not block:
                break
            end = block.rfind(b"\n")
            if end < 0:
                tail += block
                continue
            yield self._decode(tail + block[:end], number)
            number += block.count(b"\n", 0, end) + 1  # (no "\n" in the tail)
            tail = block[end + 1 :]
        if tail:
            lines = self._decode(tail, number)
            self._unterminated = True
            yield lines

    @staticmethod
    def _decode(data: bytes, before: int) -> Iterator[str]:
        """The lines of ``data`` (whole lines, less the last "\\n"), lines ``before`` + 1
        on; if they are not all UTF-8, those before the first that is not, then
        InvalidFormat naming it."""
        try:
            return iter(data.decode("utf-8-sig" if before == 0 else "utf-8").split("\n"))
        except UnicodeDecodeError:
            return _decoded_from(data.split(b"\n"), before)

    def _feed(self) -> Iterator[str]:
        """Lines for the csv reader, the pushed-back one first, with their "\\n"."""
        while True:
            line = self._pushed
            if line is None:
                line = next(self.lines, None)
                if line is None:
                    return
            else:
                self._pushed = None
            yield line if self._unterminated else line + "\n"

    def simple(self, line: str) -> list[str] | None:
        """``line`` split at its commas, or None if it needs :meth:`row`."""
        body = line[:-1] if line[-1:] == "\r" else line
        if '"' in body or "\r" in body or "\x00" in body or len(body) > self.limit:
            return None
        return body.split(",") if body else []

    def row(self, line: str) -> tuple[list[str] | csv.Error, int]:
        """The row starting at ``line`` (as ``lines`` gave it), or the ``csv.Error``
        reading it raised, and how many lines it took."""
        self._pushed = line
        before = self._reader.line_num
        try:
            row: list[str] | csv.Error = next(self._reader)
        except csv.Error as exc:
            row = exc
        return row, self._reader.line_num - before


def _rows(
    reader: _RowReader,
    lines: Iterator[list[str]],
    csv_reader: Any,
    statuses: frozenset[int],
    classifications: tuple[str, ...] | None,
    on_error: str,
    state: dict[str, Any],
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Yield (line, field values) for rows passing the filters; record errors and counts."""
    while True:
        try:
            row = next(lines)
        except StopIteration:
            return
        except csv.Error as exc:
            error: ValidationError = InvalidFormat(
                f"unreadable CSV row: {exc}", field="row", line=csv_reader.line_num
            )
            if on_error == "fail":
                raise error from exc
            state["rows_read"] += 1
            _record(state, error)
            continue
        state["rows_read"] += 1
        line = csv_reader.line_num
        if not any(cell.strip() for cell in row):
            state["rows_read"] -= 1
            continue
        try:
            values = reader.values(row)
        except ValidationError as exc:
            located = exc.located(line=line)
            if on_error == "fail":
                raise located from exc
            _record(state, located)
            continue
        if values[21] not in statuses or (
            classifications is not None and not values[20].upper().startswith(classifications)
        ):
            state["rows_filtered"] += 1
            continue
        yield line, values


class CsvRecords:
    """A gazetteer CSV's records, read and checked as :func:`load` reads them, for
    any store (the PostgreSQL gazetteer loads through it).

    Iterating gives ``(line, values)`` for each row that passes the checks and
    the ``statuses`` and ``classifications`` filters: ``line`` is the row's
    line number, ``values`` the :class:`~lgds_components.address.Address`
    fields in attrs order. A malformed row raises its ValidationError
    (``on_error="fail"``) or is counted and left out (``"skip"``); so is one
    the store refuses, through :meth:`reject`.

    >>> import pathlib, tempfile
    >>> from lgds_components.address import sample
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "few.csv"
    ...     written = sample.write_csv(path, 3, seed=1)
    ...     with CsvRecords(path) as records:
    ...         print([line for line, values in records], records.rows_read)
    [2, 3, 4] 3

    Args: as :func:`load`.

    Raises:
        ValidationError: on entering, an unreadable file, a missing column, a
            bad header or a bad argument; while iterating, a malformed row
            (with ``on_error="fail"``).
    """

    def __init__(
        self,
        source_csv: str | os.PathLike[str],
        *,
        format: str = "addressbase",
        mapping: Mapping[str, str | None] | None = None,
        statuses: Iterable[str | int] = ("approved",),
        classifications: Iterable[str] | None = None,
        on_error: str = "fail",
    ) -> None:
        if on_error not in ("fail", "skip"):
            raise ValidationError("on_error must be 'fail' or 'skip'", field="on_error")
        self.path = Path(source_csv)
        self.format = format
        self.on_error = on_error
        self.statuses = _normalise_statuses(
            (statuses,) if isinstance(statuses, (str, int)) else statuses
        )
        self.classifications: tuple[str, ...] | None = None
        if classifications is not None:
            items = (classifications,) if isinstance(classifications, str) else classifications
            self.classifications = tuple(str(item).strip().upper() for item in items)
        self._mapping = mapping
        self._stack = contextlib.ExitStack()
        self._state: dict[str, Any] = {
            "rows_read": 0, "rows_filtered": 0, "error_count": 0, "errors": []}
        self._rows: Iterator[tuple[int, tuple[Any, ...]]] | None = None
        self._counter: _CountingReader | None = None
        self.bytes_total = 0

    def __enter__(self) -> CsvRecords:
        try:
            csv_reader, header, self._counter, self.bytes_total = _csv_with_header(
                self.path, self._stack)
            reader = _RowReader(header, self.format, self._mapping)
        except BaseException:
            self._stack.close()
            raise
        self._rows = _rows(reader, csv_reader, csv_reader, self.statuses,
                           self.classifications, self.on_error, self._state)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def __iter__(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        if self._rows is None:
            raise RuntimeError("use CsvRecords in a with statement")
        return self._rows

    def reject(self, error: ValidationError) -> None:
        """Refuse a record the store cannot take: raise ``error`` with
        ``on_error="fail"``, else count it and keep it for the report."""
        if self.on_error == "fail":
            raise error
        _record(self._state, error)

    @property
    def bytes_read(self) -> int:
        """Bytes read from the file so far (compressed bytes for ``.gz``)."""
        return self._counter.count if self._counter is not None else 0

    @property
    def rows_read(self) -> int:
        """Data rows read so far (blank lines not counted)."""
        return int(self._state["rows_read"])

    @property
    def rows_filtered(self) -> int:
        """Rows left out by the ``statuses`` or ``classifications`` filters."""
        return int(self._state["rows_filtered"])

    @property
    def error_count(self) -> int:
        """Rows refused so far, malformed or rejected."""
        return int(self._state["error_count"])

    @property
    def errors(self) -> tuple[ValidationError, ...]:
        """The first 1,000 refused rows' errors, in line order."""
        return tuple(sorted(self._state["errors"], key=lambda error: error.line or 0))

    def progress(self, phase: str, rows_loaded: int) -> LoadProgress:
        """A :class:`LoadProgress` for this file at ``phase``."""
        return LoadProgress(phase, self.rows_read, rows_loaded, self.bytes_read,
                            self.bytes_total)

    def report(self, rows_loaded: int, seconds: float) -> LoadReport:
        """The :class:`LoadReport` of a load that stored ``rows_loaded`` of these rows."""
        return LoadReport(
            path=self.path, rows_read=self.rows_read, rows_loaded=rows_loaded,
            rows_filtered=self.rows_filtered, errors=self.errors,
            error_count=self.error_count, seconds=seconds,
        )


def _record(state: dict[str, Any], error: ValidationError) -> None:
    state["error_count"] += 1
    if len(state["errors"]) < _MAX_REPORTED:
        state["errors"].append(error)


def _normalise_statuses(statuses: Iterable[str | int]) -> frozenset[int]:
    codes = set()
    for status in statuses:
        if isinstance(status, int) and status in STATUSES.values():
            codes.add(status)
        elif isinstance(status, str) and status.strip().lower() in STATUSES:
            codes.add(STATUSES[status.strip().lower()])
        elif isinstance(status, str) and status.strip().isdigit() and int(status) in (1, 3, 6, 8):
            codes.add(int(status))
        else:
            raise ValidationError(
                f"unknown logical status {status!r}; use approved, alternative, "
                "provisional or historical (or 1, 3, 6, 8)",
                field="statuses",
            )
    if not codes:
        raise ValidationError("statuses must name at least one status", field="statuses")
    return frozenset(codes)


_INSERT = "INSERT INTO address_new ({}) VALUES ({})".format(
    ", ".join(("id", *_schema.ADDRESS_COLUMNS, "postcode_key", "sort_key", "search", "preferred")),
    ", ".join("?" * (len(_schema.ADDRESS_COLUMNS) + 5)),
)
_INSERT_FTS = "INSERT INTO address_fts_new (rowid, body) VALUES (?, ?)"


def _insert(
    conn: sqlite3.Connection, rows: list[tuple[Any, ...]], bodies: list[tuple[int, str]]
) -> list[int]:
    """Insert a batch of rows and their index entries; return the positions (in
    ``rows``) of rows refused as duplicates, which are left out of both tables.

    A refused row fails only its own INSERT, so the rows before it stay (the
    change count says how many) and the batch carries on after it.
    """
    refused: list[int] = []
    start = 0
    while start < len(rows):
        before = conn.total_changes
        try:
            conn.executemany(_INSERT, rows[start:] if start else rows)
        except sqlite3.IntegrityError:
            position = start + conn.total_changes - before
            refused.append(position)
            start = position + 1
        else:
            break
    if refused:
        skip = set(refused)
        bodies = [body for index, body in enumerate(bodies) if index not in skip]
    conn.executemany(_INSERT_FTS, bodies)
    return refused


def _deletions(term: str) -> set[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


def _build_terms(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE VIRTUAL TABLE temp.address_vocab_new USING fts5vocab(main, address_fts_new, row)"
    )
    try:
        conn.execute(
            "INSERT INTO address_term_new (term, docs) SELECT term, doc FROM temp.address_vocab_new"
        )
    finally:
        conn.execute("DROP TABLE temp.address_vocab_new")
    cursor = conn.execute("SELECT term FROM address_term_new")
    pending: list[tuple[str, str]] = []
    sql = "INSERT INTO address_term_delete_new (deletion, term) VALUES (?, ?)"
    for (term,) in cursor:
        if len(term) < 4 or not term.isalpha():
            continue
        pending.append((term, term))
        pending.extend((deletion, term) for deletion in _deletions(term))
        if len(pending) > 50_000:
            conn.executemany(sql, pending)
            pending = []
    conn.executemany(sql, pending)


def _swap(conn: sqlite3.Connection, late: list[int], mixed: set[int]) -> None:
    """Replace the live tables by the new ones, index them, and mark the preferred
    records left to mark (see ``_batches``): the rows ``late``, and the preferred
    record of each UPRN in ``mixed`` (see ``_preferring``)."""
    conn.execute("DROP INDEX IF EXISTS address_new_approved")
    for table in _schema.TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for table in _schema.TABLES:
        conn.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    finish = _schema.finish_tables()
    conn.execute(finish[0])  # the UPRN index, which _preferring uses
    conn.executemany("UPDATE address SET preferred = 1 WHERE id = ?",
                     ((identifier,) for identifier in late))
    if _EVERY_UPRN in mixed:
        for statement in _preferring(""):
            conn.execute(statement)
    elif mixed:
        conn.execute("CREATE TEMP TABLE address_mixed (uprn INTEGER PRIMARY KEY)")
        try:
            conn.executemany("INSERT INTO temp.address_mixed (uprn) VALUES (?)",
                             ((uprn,) for uprn in sorted(mixed)))
            for statement in _preferring("uprn IN (SELECT uprn FROM temp.address_mixed)"):
                conn.execute(statement)
        finally:
            conn.execute("DROP TABLE temp.address_mixed")
    for statement in finish[1:]:
        conn.execute(statement)


def _preferring(where: str) -> tuple[str, str]:
    """SQL marking afresh the preferred record of the UPRNs ``where`` selects
    (all if empty).

    A UPRN's preferred record is its first by this order: its approved English
    record (a UPRN has at most one), else its approved Welsh one, else by
    logical status. The loader stores an approved English record as preferred,
    and itself marks the best record of a UPRN without one while the CSV is in
    UPRN order; the UPRNs with records out of order are marked here.
    """
    among = f"WHERE {where}" if where else ""
    return (
        f"UPDATE address SET preferred = 0 {among} {'AND' if where else 'WHERE'} "
        "NOT (logical_status = 1 AND language = 'en')",
        f"""UPDATE address SET preferred = 1 WHERE id IN (
    SELECT id FROM (
        SELECT id, row_number() OVER (
            PARTITION BY uprn
            ORDER BY logical_status != 1, language != 'en', logical_status, id
        ) AS position
        FROM address {among}
    ) WHERE position = 1
)""",
    )


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """Open a gazetteer file in WAL mode (private helper shared with Gazetteer)."""
    if readonly:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        if not readonly:
            conn.execute("PRAGMA journal_mode=WAL")
    except BaseException:
        conn.close()
        raise
    return conn


def load(
    path: str | os.PathLike[str],
    source_csv: str | os.PathLike[str],
    *,
    format: Literal["addressbase", "llpg"] = "addressbase",
    mapping: Mapping[str, str | None] | None = None,
    statuses: Iterable[str | int] = ("approved",),
    classifications: Iterable[str] | None = None,
    on_error: Literal["fail", "skip"] = "fail",
    progress: Callable[[LoadProgress], object] | None = None,
) -> LoadReport:
    """Load ``source_csv`` into the gazetteer at ``path``, replacing what it held.

    Everything happens in one transaction: the rows stream into new tables,
    the indexes are built, and the old tables are swapped for the new ones
    just before the commit. If anything fails (a bad row with
    ``on_error="fail"``, an exception from ``progress``, the process dying),
    the file still holds the previous gazetteer, and open readers keep
    answering from it throughout.

    Args:
        path: the SQLite file (created if missing).
        source_csv: the CSV (or ``.csv.gz``) to read.
        format: ``"addressbase"`` or ``"llpg"`` (see the module docs).
        mapping: column names for your file: ``{field: column}``.
        statuses: logical statuses to keep, by name or code; approved only by default.
        classifications: classification code prefixes to keep, such as
            ``("R",)`` for residential only; all by default.
        on_error: ``"fail"`` raises at the first malformed row; ``"skip"``
            leaves such rows out and lists them in the report.
        progress: called with a :class:`LoadProgress` every few thousand rows.

    Raises:
        ValidationError: a malformed row (``line`` and ``field`` say where),
            a missing column, or a bad argument.
    """
    started = time.perf_counter()
    if on_error not in ("fail", "skip"):
        raise ValidationError("on_error must be 'fail' or 'skip'", field="on_error")
    wanted_statuses = _normalise_statuses(
        (statuses,) if isinstance(statuses, (str, int)) else statuses
    )
    prefixes = None
    if classifications is not None:
        items = (classifications,) if isinstance(classifications, str) else classifications
        prefixes = tuple(str(item).strip().upper() for item in items)
    path = Path(path)
    source = Path(source_csv)
    state: dict[str, Any] = {"rows_read": 0, "rows_filtered": 0, "error_count": 0, "errors": []}
    loaded = 0
    with contextlib.ExitStack() as stack:
        try:
            raw, counter, total = _open_bytes(source, stack)
        except OSError as exc:
            raise ValidationError(
                f"cannot read {source}: {exc.strerror or exc}", field="source_csv"
            ) from exc

        def report(phase: str) -> None:
            if progress is not None:
                progress(LoadProgress(phase, state["rows_read"], loaded, counter.count, total))

        lines = _Lines(raw)
        first = next(lines.lines, None)
        if first is None:
            raise MissingValue("the CSV is empty", field="header", line=1)
        header = lines.simple(first)
        taken = 1
        if header is None:
            header, taken = lines.row(first)
            if isinstance(header, csv.Error):
                raise InvalidFormat(
                    f"unreadable CSV header: {header}", field="header", line=1
                ) from header
        reader = _RowReader(header, format, mapping)
        try:
            conn = connect(path)
        except sqlite3.Error as exc:
            raise ProviderError(f"cannot open gazetteer {path}: {exc}", provider="gazetteer") \
                from exc
        try:
            for pragma in _PRAGMAS:
                conn.execute(pragma)
            conn.execute("BEGIN IMMEDIATE")
            try:
                for table in _schema.TABLES:
                    conn.execute(f"DROP TABLE IF EXISTS {table}_new")
                for statement in _schema.create_tables("_new"):
                    conn.execute(statement)
                with contextlib.suppress(sqlite3.OperationalError):  # an FTS5 without it
                    conn.execute(
                        "INSERT INTO address_fts_new(address_fts_new, rank) "
                        f"VALUES ('hashsize', {_FTS_HASH_SIZE})"
                    )
                late: list[int] = []
                mixed: set[int] = set()
                for batch in _batches(
                    reader, lines, taken, wanted_statuses, prefixes, on_error, state, late,
                    mixed,
                ):
                    if batch.index_first:
                        conn.execute(_schema.approved_index("_new"))
                    refused = [batch.lines[position]
                               for position in _insert(conn, batch.rows, batch.bodies)]
                    loaded += len(batch.rows) - len(refused)
                    for line in batch.refused + refused:
                        error = InvalidFormat(
                            "duplicate approved record for this UPRN and language",
                            field="uprn", line=line,
                        )
                        if on_error == "fail":
                            raise error
                        _record(state, error)
                    report("reading")
                report("indexing")
                _build_terms(conn)
                conn.execute("INSERT INTO address_fts_new(address_fts_new) VALUES ('optimize')")
                # back to the default: the setting only sped up this build
                conn.execute("DELETE FROM address_fts_new_config WHERE k = 'hashsize'")
                meta = {
                    "format_version": _schema.FORMAT_VERSION,
                    "source": source.name,
                    "source_format": format,
                    "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "rows": str(loaded),
                }
                conn.executemany(
                    "INSERT INTO gazetteer_meta_new (key, value) VALUES (?, ?)", meta.items()
                )
                _swap(conn, late, mixed)
                report("done")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ProviderUnavailable(
                    f"gazetteer {path} is busy (another load?): {exc}", provider="gazetteer"
                ) from exc
            raise ProviderError(f"gazetteer {path} failed: {exc}", provider="gazetteer") from exc
        except sqlite3.Error as exc:
            raise ProviderError(f"gazetteer {path} failed: {exc}", provider="gazetteer") from exc
        finally:
            conn.close()
    return LoadReport(
        path=path,
        rows_read=state["rows_read"],
        rows_loaded=loaded,
        rows_filtered=state["rows_filtered"],
        errors=tuple(state["errors"]),
        error_count=state["error_count"],
        seconds=time.perf_counter() - started,
    )


# Settings of the loading connection only (a 64 MB page cache; 128 MB was no
# faster at a million rows). The build happens inside one write transaction.
_PRAGMAS = (
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=FILE",
)
# Bytes of new index entries FTS5 gathers in memory before writing a segment
# (its default is 1 MB): fewer, larger segments need less merging.
_FTS_HASH_SIZE = 16 * 1024 * 1024


class _Batch:
    """Up to ``_CHUNK`` rows to insert: the ``address`` rows, their index rows,
    their CSV lines, the lines of rows already refused as duplicates, and whether
    the unique index on approved records must be made before inserting them."""

    __slots__ = ("bodies", "index_first", "lines", "refused", "rows")

    def __init__(self) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self.bodies: list[tuple[int, str]] = []
        self.lines: list[int] = []
        self.refused: list[int] = []
        self.index_first = False


def _batches(
    reader: _RowReader,
    source: _Lines,
    number: int,
    statuses: frozenset[int],
    classifications: tuple[str, ...] | None,
    on_error: str,
    state: dict[str, Any],
    late: list[int],
    mixed: set[int],
) -> Iterator[_Batch]:
    """The rows passing the filters, in batches of ``_CHUNK``, from ``source``
    after its first ``number`` lines (the header).

    Reads as ``_rows`` does (same counts, same errors). Refused rows count
    towards a batch's size, so that errors come in the same order as when
    every row was offered to the database.

    While the UPRNs come in order, all the records of a UPRN are next to each
    other, so this finds a second approved record for a UPRN and language (and
    refuses it: ``_Batch.refused``), and the preferred record of a UPRN that
    has no approved English one (and marks it: in its row if still in the
    batch, else in ``late``, to mark after the load). At the first UPRN out of
    order, the batch asks for the unique index on approved records, which
    refuses such rows from then on (``_insert``), and the UPRN of every row from
    then on goes in ``mixed``, whose preferred records ``_swap`` marks afresh.
    """
    parse, checked, parts = reader.parse, reader._checked, reader.parts
    # (kept, preferred) by (classification, status, language, postal flag)
    decisions: dict[tuple[Any, ...], tuple[bool, int]] = {}
    batch = _Batch()
    rows, bodies, numbers = batch.rows, batch.bodies, batch.lines
    identifier = 0
    read = filtered = 0
    in_order = True
    # the UPRN of the last row kept, and whether it has an approved English
    # and an approved Welsh record
    last = 0
    english = welsh = False
    # the best record so far of that UPRN that is not approved English:
    # ((order as in _preferring), batch, position in the batch)
    best: tuple[tuple[Any, ...], _Batch, int] | None = None
    lines, limit = source.lines, source.limit
    for line in lines:
        number += 1
        # inline _Lines.simple
        body = line[:-1] if line[-1:] == "\r" else line
        if '"' in body or "\r" in body or "\x00" in body or len(body) > limit:
            cells, taken = source.row(line)
            number += taken - 1
            if isinstance(cells, csv.Error):
                error: ValidationError = InvalidFormat(
                    f"unreadable CSV row: {cells}", field="row", line=number
                )
                if on_error == "fail":
                    raise error from cells
                read += 1
                _record(state, error)
                continue
        else:
            cells = body.split(",") if body else []
        read += 1
        parsed = parse(cells)
        if parsed is None:
            if not any(cell.strip() for cell in cells):
                read -= 1
                continue
            try:
                values = checked(cells)
            except ValidationError as exc:
                located = exc.located(line=number)
                if on_error == "fail":
                    raise located from exc
                _record(state, located)
                continue
            uprn, parent, usrn = values[:3]
            easting, northing = values[18:20]
            unit, place, organisation, pao = parts(values)
        else:
            uprn, parent, usrn, easting, northing, unit, place, organisation, pao = parsed
        decision = decisions.get(unit[1])
        if decision is None:
            classification, status, language, _ = unit[1]
            decision = decisions[unit[1]] = (
                status in statuses and (
                    classifications is None
                    or classification.upper().startswith(classifications)
                ),
                1 if status == 1 and language == "en" else 0,
            )
        kept, preferred = decision
        if not kept:
            filtered += 1
            continue
        identifier += 1
        duplicate = False
        if in_order:
            if uprn != last:
                if best is not None:
                    if not english:
                        _mark(best, batch, late)
                    best = None
                if uprn < last:
                    in_order = False
                    batch.index_first = True
                last, english, welsh = uprn, False, False
            if in_order and unit[1][1] == 1:
                if unit[1][2] == "en":
                    duplicate, english = english, True
                else:
                    duplicate, welsh = welsh, True
        if duplicate:
            batch.refused.append(number)
        else:
            if not in_order:
                if len(mixed) < _MIXED_LIMIT:
                    mixed.add(uprn)
                elif _EVERY_UPRN not in mixed:
                    mixed.clear()
                    mixed.add(_EVERY_UPRN)
            elif not preferred:
                order = (unit[1][1] != 1, unit[1][2] != "en", unit[1][1], identifier)
                if best is None or order < best[0]:
                    best = (order, batch, len(rows))
            # as Address.sort_key, scoring.search_text and index_tokens make them
            rows.append((
                identifier, uprn, parent, usrn, organisation[0], *unit[0], *pao[0],
                *place[0], easting, northing, *unit[1], place[4],
                f"{place[1]}{_SEP}{pao[1]}{_SEP}{unit[2]}{_SEP}{organisation[1]}"
                f"{_SEP}{uprn:012d}",
                f"{unit[3]}|{pao[2]}|{place[2]}|{organisation[2]}",
                preferred,
            ))
            bodies.append((identifier, " ".join(dict.fromkeys(
                unit[4] + pao[3] + place[3] + organisation[3] + unit[5] + pao[4]
                + place[5]
            ))))
            numbers.append(number)
        if len(rows) + len(batch.refused) >= _CHUNK:
            state["rows_read"], state["rows_filtered"] = read, filtered
            yield batch
            batch = _Batch()
            rows, bodies, numbers = batch.rows, batch.bodies, batch.lines
    if best is not None and not english:
        _mark(best, batch, late)
    state["rows_read"], state["rows_filtered"] = read, filtered
    if rows or batch.refused:
        yield batch


def _mark(best: tuple[tuple[Any, ...], _Batch, int], batch: _Batch, late: list[int]) -> None:
    """Mark ``best`` (see ``_batches``) preferred: in ``batch`` if there, else later."""
    order, where, position = best
    if where is batch:
        row = batch.rows[position]
        batch.rows[position] = (*row[:-1], 1)
    else:
        late.append(order[-1])
