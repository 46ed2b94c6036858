"""The flat gazetteer CSV layouts: one row per LPI record, with a header (internal).

Two layouts are read (``format=``). Header names are matched without regard
to case or surrounding spaces; extra columns are ignored; ``.csv.gz`` files
are read as they are.

**``"addressbase"``**: one row per LPI record with the DPA (Royal Mail)
fields alongside, in the style of AddressBase Plus. The columns are those of
:data:`ADDRESSBASE_COLUMNS` (a synthetic, documented subset; real AddressBase
exports can be loaded by passing a ``mapping`` from these names to theirs).
The structured LPI fields (``sao_*``, ``pao_*``, ``street_description``,
``locality``, ``town_name``) are used when a row has them; a row without
them (no street, PAO text or PAO number) is read from its DPA fields
(``sub_building_name``, ``building_name``, ``building_number``,
``thoroughfare``, ``dependent_locality``, ``post_town``). The postcode is
``postcode`` (DPA) or else ``postcode_locator``; the organisation
``organisation_name`` or else ``la_organisation``; the locality ``locality``
or else ``dependent_locality``; the town ``town_name`` or else
``post_town``. ``addressbase_postal`` is ``D``, ``C`` or ``L`` for a postal
address, ``N`` for not postal. Required: ``uprn``, a street column
(``street_description`` or ``thoroughfare``) and a postcode column.

**``"llpg"``**: a council LLPG export with one row per LPI, one column per
:class:`~lgds_components.address.model.Address` field. The default column
names are :data:`LLPG_COLUMNS`; pass ``mapping={"street": "STREET_NAME",
...}`` for your export's names (a field mapped to ``None`` is absent).
Required: ``uprn``, ``street`` and ``postcode``.

Errors name the column at fault as the layout knows it: the AddressBase
column names above, or the Address field names for an LLPG export. A line
longer than the ``csv`` module's field size limit is refused (see
:mod:`~lgds_components.address.records.lines`); so is a row with more or
fewer cells than the header. Every mapped cell is at most 200 characters.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Final

from lgds_components.address.records.checks import MAX_TEXT, PAO_FIELDS, SAO_FIELDS
from lgds_components.address.records.contract import (
    ADDRESS_FIELDS,
    RawRecord,
    source_in_errors,
)
from lgds_components.address.records.lines import CsvFile
from lgds_components.errors import InvalidFormat, MissingValue, ValidationError

__all__ = ["ADDRESSBASE_COLUMNS", "FORMATS", "LLPG_COLUMNS", "FilePlan", "FlatCsv", "header_index"]

#: The layouts this module reads.
FORMATS: Final = ("addressbase", "llpg")

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
    # optional: read where the export has them
    "latitude": "LATITUDE",
    "longitude": "LONGITUDE",
    "udprn": "UDPRN",
}

# addressbase: the column each Address field is read from (the LPI one, where both exist)
_ADDRESSBASE_FIELDS = {
    "uprn": "uprn", "parent_uprn": "parent_uprn", "usrn": "usrn",
    "organisation": "organisation_name", **{name: name for name in SAO_FIELDS + PAO_FIELDS},
    "street": "street_description", "locality": "locality", "town": "town_name",
    "postcode": "postcode", "easting": "x_coordinate", "northing": "y_coordinate",
    "classification": "class", "logical_status": "logical_status", "language": "language",
    "postal": "addressbase_postal",
    # not in the synthetic columns: always blank
    "latitude": "latitude", "longitude": "longitude", "udprn": "udprn",
    "delivery_lines": "delivery_lines",
}
# addressbase: field -> the column read instead when the first is blank
_ALTERNATIVES = (("organisation", "la_organisation"), ("locality", "dependent_locality"),
                 ("town", "post_town"), ("postcode", "postcode_locator"))
# addressbase: the DPA columns a row without LPI fields is read from
_DPA_COLUMNS = {"sao_text": "sub_building_name", "pao_text": "building_name",
                "pao_start_number": "building_number", "street": "thoroughfare",
                "locality": "dependent_locality", "town": "post_town"}
_DPA_NUMBERS = re.compile(r"([0-9]{1,5})([A-Za-z]?)(?:\s*-\s*([0-9]{1,5})([A-Za-z]?))?")


def header_index(header: Sequence[str]) -> dict[str, int]:
    """Each column name (stripped, lower case) and its position (the first, if repeated)."""
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(name.strip().lower(), position)
    return index


def _blank(cell: str) -> bool:
    return not cell or cell.isspace()


class FilePlan:
    """How the cells of one file's rows become RawRecords, worked out from its header
    (:meth:`FlatCsv.plan`)."""

    def __init__(self, layout: FlatCsv, header: list[str], source: str, name: str | None):
        self.width: int = len(header)
        self.source = source
        self.error_source = name
        names = header_index(header)
        columns = layout.columns
        for key, column in layout.mapped.items():
            if column is not None and column.strip().lower() not in names:
                raise MissingValue(f"the CSV has no column {column!r} (mapped from {key!r})",
                                   field=column, line=1)
        # layout key -> position of its column in this file
        self.at: dict[str, int] = {
            key: names[column.strip().lower()] for key, column in columns.items()
            if column is not None and column.strip().lower() in names}
        for options in layout.required:
            if not any(option in self.at for option in options):
                wanted = " or ".join(str(columns[option] or option) for option in options)
                raise MissingValue(f"the CSV has no {wanted} column", field=wanted, line=1)
        self.pad: int = self.width  # a blank cell appended to each row, for absent columns
        fields = layout.fields
        self.primary: Callable[[Sequence[str]], tuple[str, ...]] = operator.itemgetter(
            *(self.at.get(fields[name], self.pad) for name in ADDRESS_FIELDS))
        used = {fields[name] for name in ADDRESS_FIELDS}
        self.unread_keys: list[str] = [key for key in self.at if key not in used]
        # (two pads: an itemgetter of one position gives a cell, not a tuple)
        self.unread: Callable[[Sequence[str]], tuple[str, ...]] = operator.itemgetter(
            *(self.at[key] for key in self.unread_keys), self.pad, self.pad)
        self.uprn_at: int = self.at["uprn"]
        self.layout = layout
        # the cells deciding how a row is read: street, PAO text and number (none: read the
        # DPA fields), and the first columns of the fields that have a second
        self.probe: Callable[[Sequence[str]], tuple[str, ...]] = operator.itemgetter(*(
            self.at.get(fields[name], self.pad) for name in (
                "street", "pao_text", "pao_start_number", *(f for f, _ in _ALTERNATIVES))))
        # bits of _ALTERNATIVES taken -> (getter, column names)
        self.variants: dict[int, tuple[Callable[[list[str]], tuple[str, ...]],
                                       dict[str, str]]] = {0: (self.primary, layout.names)}

    def variant(self, taken: int) -> tuple[Callable[[list[str]], tuple[str, ...]],
                                           dict[str, str]]:
        """The getter and column names for rows whose first columns in ``taken`` (bits
        of :data:`_ALTERNATIVES`) are blank, so their second columns are read."""
        found = self.variants.get(taken)
        if found is None:
            fields = dict(self.layout.fields)
            names = dict(self.layout.names)
            for bit, (field, column) in enumerate(_ALTERNATIVES):
                if taken >> bit & 1:
                    fields[field] = names[field] = column
            getter = operator.itemgetter(*(self.at.get(fields[name], self.pad)
                                           for name in ADDRESS_FIELDS))
            found = self.variants[taken] = (getter, names)
        return found


class FlatCsv:
    """A flat CSV layout (see the module docs): ``format`` and an optional ``mapping``.

    It may be read in a worker process (:attr:`parallel`): it pickles before
    reading, and keeps nothing a caller reads afterwards but its byte counts.

    Raises:
        ValidationError: an unknown ``format``, or a ``mapping`` naming an
            unknown field.
    """

    #: May be read in a worker process (see :mod:`~lgds_components.address.records.worker`).
    parallel = True

    def __init__(self, format: str = "addressbase",
                 mapping: Mapping[str, str | None] | None = None) -> None:
        if format == "addressbase":
            columns: dict[str, str | None] = {name: name for name in ADDRESSBASE_COLUMNS}
            self.fields: dict[str, str] = _ADDRESSBASE_FIELDS
            self.required: list[tuple[str, ...]] = [
                ("uprn",), ("street_description", "thoroughfare"),
                ("postcode", "postcode_locator")]
        elif format == "llpg":
            columns = dict(LLPG_COLUMNS)
            self.fields = {name: name for name in ADDRESS_FIELDS}
            self.required = [("uprn",), ("street",), ("postcode",)]
        else:
            raise ValidationError(
                f"format must be 'addressbase' or 'llpg', not {format!r}", field="format")
        self.mapped: dict[str, str | None] = dict(mapping or {})
        for key, column in self.mapped.items():
            if key not in columns:
                raise ValidationError(
                    f"mapping names an unknown field {key!r}; known fields: "
                    f"{', '.join(sorted(columns))}",
                    field="mapping",
                )
            columns[key] = column
        self.name = format
        self.columns = columns
        # errors name the layout's column: field -> column, when they differ
        self.names: dict[str, str] = {
            field: key for field, key in self.fields.items() if field != key}
        self._file: CsvFile | None = None
        self._done = 0
        self._total = 0

    @property
    def bytes_read(self) -> int:
        """Bytes of the sources read so far (compressed bytes of a ``.gz``)."""
        return self._done + (self._file.bytes_read if self._file is not None else 0)

    @property
    def bytes_total(self) -> int:
        """Bytes of the sources opened so far."""
        return self._total

    def open(self, path: Path) -> tuple[CsvFile, list[str]]:
        """Open one source and read its header: (rows, header)."""
        rows = CsvFile(path)
        try:
            header = rows.header()
        except BaseException:
            rows.close()
            raise
        return rows, header

    def records(self, sources: Sequence[Path]) -> Iterator[RawRecord | ValidationError]:
        """Every row of ``sources`` as a RawRecord (see
        :class:`~lgds_components.address.records.contract.Layout`)."""
        for path in sources:
            rows, header = self.open(path)
            self._total += rows.bytes_total
            self._file = rows
            try:
                plan = self.plan(header, path, sources)
                for number, cells in rows.rows():
                    record = self.record(plan, number, cells)
                    if record is not None:
                        yield record
            finally:
                self._done += rows.bytes_read
                self._file = None
                rows.close()

    def plan(self, header: list[str], path: Path, sources: Sequence[Path]) -> FilePlan:
        """How one file's rows are read, from its header.

        Raises:
            MissingValue: a required or mapped column is missing (``line=1``).
        """
        return FilePlan(self, header, path.name, source_in_errors(sources, path.name))

    def record(self, plan: FilePlan, number: int,
               cells: list[str] | ValidationError) -> RawRecord | ValidationError | None:
        """Row ``number`` as a RawRecord, or the error that stops it being one, or None
        for a blank row."""
        if not isinstance(cells, list):
            return cells.located(source=plan.error_source)
        if len(cells) != plan.width or _blank(cells[plan.uprn_at]):
            if not any(cell.strip() for cell in cells):
                return None  # a blank line is not a row
            if len(cells) != plan.width:
                return InvalidFormat(
                    f"row has {len(cells)} fields but the header has {plan.width}",
                    field="row", line=number, source=plan.error_source)
        cells.append("")
        if max(map(len, plan.unread(cells))) > MAX_TEXT:
            return self._too_long(plan, cells, number)
        if self.name == "addressbase":
            return self._addressbase(plan, cells, number)
        return tuple.__new__(RawRecord, (*plan.primary(cells), number, plan.source, self.names))

    def _too_long(self, plan: FilePlan, cells: list[str], number: int) -> ValidationError:
        for key, cell in zip(plan.unread_keys, plan.unread(cells), strict=False):
            if len(cell.strip()) > MAX_TEXT:
                return InvalidFormat(f"{key} must be {MAX_TEXT} characters or fewer",
                                     field=key, line=number, source=plan.error_source)
        return InvalidFormat(f"a cell is longer than {MAX_TEXT} characters", field="row",
                             line=number, source=plan.error_source)

    def _addressbase(self, plan: FilePlan, cells: list[str], number: int) -> RawRecord:
        street, pao_text, pao_number, organisation, locality, town, postcode = plan.probe(cells)
        if (not street or street.isspace()) and (not pao_text or pao_text.isspace()) \
                and (not pao_number or pao_number.isspace()):
            return self._from_dpa(plan, cells, number)
        # organisation, locality, town, postcode: where blank, read the second column
        taken = ((not organisation or organisation.isspace())
                 | (not locality or locality.isspace()) << 1
                 | (not town or town.isspace()) << 2 | (not postcode or postcode.isspace()) << 3)
        getter, names = plan.variants.get(taken) or plan.variant(taken)
        return tuple.__new__(RawRecord, (*getter(cells), number, plan.source, names))

    def _from_dpa(self, plan: FilePlan, cells: list[str], number: int) -> RawRecord:
        """A row without LPI fields, read from its DPA (Royal Mail) fields."""
        values = plan.primary(cells)
        taken = _blank(values[3]) | _blank(values[17]) << 3
        getter, names = plan.variant(taken)
        row = list(getter(cells))
        names = dict(names)
        for position, field in enumerate(ADDRESS_FIELDS):
            if field in SAO_FIELDS or field in PAO_FIELDS:
                row[position] = ""
        for field, column in _DPA_COLUMNS.items():
            row[ADDRESS_FIELDS.index(field)] = cells[plan.at.get(column, plan.pad)]
            names[field] = column
        self._numbers_in_name(row, names, "sao", "sub_building_name", always=True)
        self._numbers_in_name(row, names, "pao", "building_name", always=False)
        return tuple.__new__(RawRecord, (*row, number, plan.source, names))

    @staticmethod
    def _numbers_in_name(row: list[str], names: dict[str, str], part: str, column: str,
                         *, always: bool) -> None:
        """Read ``12``, ``12A`` or ``110-114`` from a DPA name into the SAO or PAO numbers
        (the PAO only when the row has no building number)."""
        text_at = ADDRESS_FIELDS.index(f"{part}_text")
        start_at = ADDRESS_FIELDS.index(f"{part}_start_number")
        found = _DPA_NUMBERS.fullmatch(row[text_at].strip())
        if found is None or not (always or _blank(row[start_at])):
            return
        start, suffix, end, end_suffix = found.groups(default="")
        row[start_at:start_at + 4] = [start, suffix, end, end_suffix]
        row[text_at] = ""
        for field in (f"{part}_start_number", f"{part}_start_suffix", f"{part}_end_number",
                      f"{part}_end_suffix"):
            names[field] = column

