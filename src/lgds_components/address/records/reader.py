"""The record reader: raw records from any layout in, checked records with derived text out.

One reader serves every store: :class:`RecordReader` takes what a layout
yields (:class:`~lgds_components.address.records.contract.RawRecord`), checks
it with :mod:`~lgds_components.address.records.checks`, keeps what the load's
filters keep, and yields
:class:`~lgds_components.address.records.contract.Record` values with their
derived text (:mod:`~lgds_components.address.parts`), numbered 1, 2, 3, ...

Most of a record repeats from record to record: the street, town and postcode,
the flat, the status and language codes; the building varies more, and only
the UPRNs and coordinates are new in every record. The reader therefore
checks each group of raw cells (the unit: codes and SAO; the place; the
organisation; the PAO) once, through a cache keyed by the raw cells, and
works out the group's parts of the derived text at the same time; a record
costs a few dictionary look-ups, the identifiers and coordinates, and the
joins.

>>> import pathlib, tempfile
>>> from lgds_components.address import sample
>>> from lgds_components.address.records.flat_csv import FlatCsv
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "few.csv"
...     written = sample.write_csv(path, 3, seed=1)
...     reader = RecordReader(FlatCsv("addressbase"), [path])
...     records = list(reader)
>>> [(record.id, record.line, record.street) for record in records]
[(1, 2, 'Holly Gardens'), (2, 3, 'Holly Gardens'), (3, 4, 'Holly Gardens')]
>>> reader.rows_read, reader.rows_filtered, reader.errors.count
(3, 0, 0)
"""

from __future__ import annotations

import contextlib
import itertools
import operator
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar

from lgds_components.address import parts
from lgds_components.address.records import checks
from lgds_components.address.records.contract import (
    Layout,
    RawRecord,
    Record,
    source_in_errors,
)
from lgds_components.errors import MissingValue, ValidationError
from lgds_components.load_errors import ErrorLog

__all__ = [
    "CACHE_SIZE",
    "STATUSES",
    "OrganisationParts",
    "PaoParts",
    "PlaceParts",
    "RecordReader",
    "UnitParts",
    "classification_prefixes",
    "source_paths",
    "status_codes",
]

#: Logical status names accepted by ``statuses=``, and their BS 7666 codes.
STATUSES: dict[str, int] = {"approved": 1, "alternative": 3, "provisional": 6, "historical": 8}

#: Distinct groups of raw cells each cache remembers (a full cache is emptied).
CACHE_SIZE: Final = 20_000

_P = TypeVar("_P")


class UnitParts(NamedTuple):
    """A checked unit group and its parts of the derived text."""

    values: checks.UnitValues
    kept: bool  # the load's filters keep records with these codes
    preferred: int  # approved English
    sort: str
    search: str
    words: tuple[str, ...]
    numbers: tuple[str, ...]


class PaoParts(NamedTuple):
    """A checked PAO and its parts of the derived text."""

    values: checks.ObjectValues
    sort: str
    search: str
    words: tuple[str, ...]
    numbers: tuple[str, ...]
    named: bool  # it has a name or a number


class PlaceParts(NamedTuple):
    """A checked place and its parts of the derived text."""

    values: checks.PlaceValues
    sort: str
    search: str
    words: tuple[str, ...]
    postcode_key: str
    postcode_words: tuple[str, ...]


class OrganisationParts(NamedTuple):
    """A checked organisation name and its parts of the derived text."""

    name: str
    sort: str
    search: str
    words: tuple[str, ...]


def status_codes(statuses: Iterable[str | int] | str | int) -> frozenset[int]:
    """The BS 7666 codes of ``statuses`` (names or codes).

    Raises:
        ValidationError: an unknown status, or none (``field="statuses"``).
    """
    items = (statuses,) if isinstance(statuses, (str, int)) else statuses
    codes = set()
    for status in items:
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


def classification_prefixes(classifications: Iterable[str] | str | None) -> tuple[str, ...] | None:
    """``classifications`` as upper-case prefixes, or None for every classification."""
    if classifications is None:
        return None
    items = (classifications,) if isinstance(classifications, str) else classifications
    return tuple(str(item).strip().upper() for item in items)


def source_paths(
    source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> list[Path]:
    """One source file or several, as a list of paths.

    Raises:
        ValidationError: no file is named (``field="source_csv"``).
    """
    if isinstance(source, (str, os.PathLike)):
        return [Path(source)]
    paths = [Path(item) for item in source]
    if not paths:
        raise ValidationError("name at least one file to load", field="source_csv")
    return paths


_UNIT = operator.itemgetter(20, 21, 22, 23, 4, 5, 6, 7, 8)
_PLACE = operator.itemgetter(14, 15, 16, 17)
_PAO = operator.itemgetter(9, 10, 11, 12, 13)
_DELIVERY = operator.itemgetter(24, 25, 26, 27)
_NO_COLUMNS: Mapping[str, str] = {}


class RecordReader:
    """Check the raw records of ``sources`` (through ``layout``) into numbered Records.

    Iterate once. A malformed record is refused through ``errors``: raised
    (``on_error="fail"``) or counted and left out (``"skip"``); so is one a
    store refuses, through :meth:`reject`.

    Args:
        layout: the input layout (:class:`~lgds_components.address.records.contract.Layout`).
        sources: the files, in order.
        statuses: logical statuses to keep, by name or code.
        classifications: classification code prefixes to keep; all by default.
        errors: the load's error policy (default: fail at the first bad record).

    Raises:
        ValidationError: a bad ``statuses`` value (here); while iterating, a
            file that cannot be read or, with ``on_error="fail"``, a bad record.
    """

    def __init__(
        self,
        layout: Layout,
        sources: Sequence[Path],
        *,
        statuses: Iterable[str | int] | str | int = ("approved",),
        classifications: Iterable[str] | str | None = None,
        errors: ErrorLog | None = None,
    ) -> None:
        self.layout = layout
        self.sources: list[Path] = list(sources)
        self.statuses: frozenset[int] = status_codes(statuses)
        self.classifications: tuple[str, ...] | None = classification_prefixes(classifications)
        self.errors: ErrorLog = errors if errors is not None else ErrorLog()
        #: Data rows read so far (blank lines not counted).
        self.rows_read: int = 0
        #: Rows left out by the ``statuses`` or ``classifications`` filters.
        self.rows_filtered: int = 0
        self._units: dict[tuple[str, ...], UnitParts] = {}
        self._places: dict[tuple[str, ...], PlaceParts] = {}
        self._organisations: dict[str, OrganisationParts] = {}
        self._paos: dict[tuple[str, ...], PaoParts] = {}
        self._usrns: dict[str, int] = {}
        from lgds_components.identifiers import uprn, usrn

        self._uprn_rules: Any = uprn
        self._usrn_rules: Any = usrn
        self._maximum: int = uprn.MAXIMUM
        self._raw: Iterator[RawRecord | ValidationError] | None = None
        self._first: list[RawRecord | ValidationError] = []
        self._started = False

    def start(self) -> None:
        """Open the first source and read as far as its first row, so that a file
        that cannot be read or a missing column fails before anything is stored.

        Raises:
            ValidationError: the first source cannot be read or lacks a column.
        """
        if self._raw is None:
            self._raw = self.layout.records(self.sources)
            try:
                self._first = [next(self._raw)]
            except StopIteration:
                self._first = []
            except BaseException:
                self.close()
                raise

    def close(self) -> None:
        """Close the source being read (reading stops)."""
        if self._raw is not None:
            self._raw.close()  # type: ignore[attr-defined]

    def reject(self, error: ValidationError) -> None:
        """Refuse a record: raise ``error`` (``on_error="fail"``), or count it and keep
        it for the report (``"skip"``)."""
        self.errors.reject(error)

    def __iter__(self) -> Iterator[Record]:
        if self._started:
            raise RuntimeError("a RecordReader reads its sources once")
        self._started = True
        self.start()
        return self._records()

    def _records(self) -> Iterator[Record]:
        identifier = 0
        raw_records = itertools.chain(self._first, self._raw)  # type: ignore[arg-type]
        self._first = []
        check = self._check
        with contextlib.closing(self):
            for raw in raw_records:
                self.rows_read += 1
                try:
                    if raw.__class__ is not RawRecord:
                        raise raw  # type: ignore[misc]  # the layout could not read the row
                    checked = check(raw)
                except ValidationError as exc:
                    self.errors.reject(self._located(exc, raw))
                    continue
                if not checked[2].kept:
                    self.rows_filtered += 1
                    continue
                identifier += 1
                yield self._record(identifier, *checked, raw)

    def check(self, raw: RawRecord, identifier: int = 0) -> Record:
        """One raw record checked (the load's filters not applied), numbered ``identifier``.

        Raises:
            ValidationError: the record is malformed (``line`` and ``field`` say where).
        """
        try:
            return self._record(identifier, *self._check(raw), raw)
        except ValidationError as exc:
            raise self._located(exc, raw) from exc

    def _located(self, error: ValidationError, raw: RawRecord | ValidationError) -> ValidationError:
        if raw.__class__ is not RawRecord:
            return error
        return error.located(line=raw.line,
                             source=source_in_errors(self.sources, raw.source))

    def _check(self, raw: RawRecord) -> tuple[int, tuple[Any, ...], UnitParts, PlaceParts,
                                              OrganisationParts, PaoParts]:
        """Every field checked: UPRN, (parent, USRN, easting, northing), and the groups."""
        unit = self._units.get(_UNIT(raw)) or self._unit(raw)
        place = self._places.get(_PLACE(raw)) or self._place(raw)
        organisation = self._organisations.get(raw[3]) or self._organisation(raw)
        pao = self._paos.get(_PAO(raw)) or self._pao(raw)
        if not (place.values.street or pao.named or organisation.name or unit.values.sao.text):
            raise MissingValue("row has no street, building or organisation", field="street")
        cell = raw[0]
        if cell.isdigit() and cell.isascii() and len(cell) <= 12 \
                and 0 < (uprn := int(cell)) <= self._maximum:
            pass
        else:
            uprn = self._uprn(raw)
        return uprn, self._numbers(raw, self._maximum), unit, place, organisation, pao

    @staticmethod
    def _record(
        identifier: int, uprn: int, numbers: tuple[Any, ...], unit: UnitParts,
        place: PlaceParts, organisation: OrganisationParts, pao: PaoParts, raw: RawRecord,
    ) -> Record:
        """Join the groups' parts into one Record (unpacked rather than read by name: this
        runs once a record)."""
        values, _, preferred, unit_sort, unit_search, unit_words, unit_numbers = unit
        place_values, place_sort, place_search, place_words, postcode_key, postcode_words = place
        name, organisation_sort, organisation_search, organisation_words = organisation
        pao_values, pao_sort, pao_search, pao_words, pao_numbers, _ = pao
        classification, status, language, postal, sao = values
        parent, usrn, easting, northing, delivery = numbers
        return tuple.__new__(Record, (
            identifier, uprn, parent, usrn, name, *sao, *pao_values, *place_values, easting,
            northing, classification, status, language, postal, *delivery, postcode_key,
            f"{place_sort}\x00{pao_sort}\x00{unit_sort}\x00{organisation_sort}\x00{uprn:012d}",
            f"{unit_search}|{pao_search}|{place_search}|{organisation_search}",
            preferred,
            " ".join(dict.fromkeys(unit_words + pao_words + place_words + organisation_words
                                   + unit_numbers + pao_numbers + postcode_words)),
            raw.line, raw.source,
        ))

    # -- the groups, checked and derived once each ------------------------------------------

    @staticmethod
    def _remember(cache: dict[Any, _P], key: Any, parts_: _P) -> _P:
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = parts_
        return parts_

    def _unit(self, raw: RawRecord) -> UnitParts:
        key = _UNIT(raw)
        values = checks.check_unit(key, raw.columns)
        sao = values.sao
        prefixes = self.classifications
        kept = values.logical_status in self.statuses and (
            prefixes is None or values.classification.upper().startswith(prefixes))
        preferred = 1 if values.logical_status == 1 and values.language == "en" else 0
        return self._remember(self._units, key, UnitParts(
            values, kept, preferred, parts.sao_sort(*sao), parts.object_search(*sao),
            parts.text_words(sao.text), parts.number_words(sao.start, sao.start_suffix, sao.end),
        ))

    def _place(self, raw: RawRecord) -> PlaceParts:
        key = _PLACE(raw)
        values = checks.check_place(key, raw.columns)
        street, locality, town, postcode = values
        return self._remember(self._places, key, PlaceParts(
            values, parts.place_sort(street, locality, town),
            parts.place_search(street, locality, town),
            parts.text_words(street, locality, town), postcode.replace(" ", ""),
            parts.postcode_words(postcode),
        ))

    def _organisation(self, raw: RawRecord) -> OrganisationParts:
        name = checks.check_organisation(raw.organisation, raw.columns)
        return self._remember(self._organisations, raw.organisation, OrganisationParts(
            name, parts.natural_text_key(name), parts.organisation_search(name),
            parts.text_words(name),
        ))

    def _pao(self, raw: RawRecord) -> PaoParts:
        key = _PAO(raw)
        values = checks.check_object(key, checks.PAO_FIELDS, raw.columns)
        return self._remember(self._paos, key, PaoParts(
            values, parts.pao_sort(*values), parts.object_search(*values),
            parts.text_words(values.text),
            parts.number_words(values.start, values.start_suffix, values.end),
            bool(values.text or values.start is not None),
        ))

    # -- the values new in every record ------------------------------------------------------

    def _uprn(self, raw: RawRecord) -> int:
        uprn = checks.check_identifier(raw.uprn, self._uprn_rules, "uprn", raw.columns)
        if uprn is None:
            raise MissingValue("uprn is missing", field="uprn")
        return uprn

    def _numbers(self, raw: RawRecord, maximum: int) -> tuple[Any, ...]:
        """Parent UPRN, USRN, easting, northing, and what the products carry beside
        them (latitude, longitude, UDPRN, delivery-point lines)."""
        columns = raw.columns
        cell = raw[1]  # parent_uprn
        if not cell:
            parent = None
        elif cell.isdigit() and cell.isascii() and len(cell) <= 12 \
                and 0 < (parent := int(cell)) <= maximum:
            pass
        else:
            parent = checks.check_identifier(cell, self._uprn_rules, "parent_uprn", columns)
        cell = raw[2]  # usrn
        usrn = self._usrns.get(cell) if cell else None
        if cell and usrn is None:
            usrn = checks.check_identifier(cell, self._usrn_rules, "usrn", columns)
            if usrn is not None:
                self._remember(self._usrns, cell, usrn)
        delivery = _DELIVERY(raw)
        return (parent, usrn, _coordinate(raw[18], "easting", columns),
                _coordinate(raw[19], "northing", columns),
                checks.check_delivery(delivery, columns) if any(delivery) else checks.NO_DELIVERY)


def _coordinate(cell: str, field: str, columns: Mapping[str, str]) -> float | None:
    if not cell:
        return None
    if len(cell) <= checks.MAX_TEXT and cell.isascii() and "\x00" not in cell and "_" not in cell:
        try:
            number = float(cell)
        except ValueError:
            pass
        else:
            if -1e7 < number < 1e7:
                return number
    return checks.check_coordinate(cell, field, columns)

