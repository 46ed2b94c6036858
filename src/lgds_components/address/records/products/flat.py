"""AddressBase Plus (and Plus Islands) and AddressBase Core: one row per address.

Both are flat CSV: Plus has no header row (OS supplies the header as a file of
its own, which is read as a header and skipped) and 77 columns; Core has a
header row in every tile and 27 columns (28 after OS's tile processor adds
``TILENAME``). Each row becomes an :class:`Entry` holding the UPRN's records:

- **Plus**: the LPI form in English (``SAO_*``, ``PAO_*``,
  ``STREET_DESCRIPTION``, ``LOCALITY``, ``TOWN_NAME``,
  ``POSTCODE_LOCATOR``), and a second record in the ``ALT_LANGUAGE``
  (Welsh ``CYM`` or Gaelic ``GAE``) from the ``ALT_LANGUAGE_*`` columns
  where the row has them. Plus carries no LPI logical status: every row is
  an approved (1) record. ``CLASS``, ``PARENT_UPRN``, ``ADDRESSBASE_POSTAL``
  (``N`` is not postal), coordinates and latitude/longitude are kept; the
  Royal Mail fields become the delivery-point form (Welsh fields for the
  Welsh record) when the row has a ``UDPRN``.
- **Core**: one record from its single address form (``SUB_BUILDING``,
  ``BUILDING_NAME``, ``BUILDING_NUMBER``, ``STREET_NAME``, ``LOCALITY``,
  ``TOWN_NAME`` or else ``POST_TOWN``, ``POSTCODE``); postal when it has a
  ``UDPRN``, whose delivery-point form is printed from the same fields.

``CHANGE_TYPE`` (Plus) and ``CHANGE_CODE`` (Core) give each entry's action.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import attrs

from lgds_components.address.records.products.layouts import (
    ADDRESSBASE_CORE,
    ADDRESSBASE_PLUS,
    RecordLayout,
)
from lgds_components.address.records.products.paf import delivery_lines
from lgds_components.address.records.products.record import LANGUAGES, Flat, Where, flat
from lgds_components.address.records.products.sources import DeliveryProgress, Source, rows
from lgds_components.errors import InvalidFormat, ValidationError

__all__ = ["ACTIONS", "Entry", "read_core", "read_plus"]

#: Change codes of the products and the action each means.
ACTIONS = {"I": "insert", "U": "update", "D": "delete"}


@attrs.frozen(slots=True)
class Entry:
    """One UPRN's records as one row (or one assembled group) delivers them.

    Attributes:
        action: ``"insert"``, ``"update"`` or ``"delete"`` (a full supply inserts).
        uprn: the UPRN, as text.
        records: its flat records (none for a delete).
        where: the row (or the first record) it came from.
    """

    action: str
    uprn: str
    records: tuple[Flat, ...]
    where: Where


def _header(cells: list[str], layout: RecordLayout) -> bool:
    return bool(cells) and cells[0].strip().upper() == layout.fields[0]


def _action(cell: str, where: Where, field: str) -> str:
    action = ACTIONS.get(cell.strip().upper())
    if action is None:
        raise where.error(field, f"must be I, U or D, not {cell[:20]!r}")
    return action


def _cells(
    source: Source, layout: RecordLayout, sizes: tuple[int, ...], what: str,
    progress: DeliveryProgress | None,
) -> Iterator[tuple[Where, dict[str, str]] | ValidationError]:
    for line, cells in rows(source, progress):
        if isinstance(cells, ValidationError):
            yield cells
            continue
        if line == 1 and _header(cells, layout):
            continue
        where = Where(source.name, line, "", what)
        if len(cells) not in sizes:
            yield InvalidFormat(
                f"{where.what}: has {len(cells)} fields; {layout.name} has {sizes[0]} "
                f"(columns as {layout.source})", field="row", line=line, source=source.name)
            continue
        yield where, dict(zip(layout.fields, (cell.strip() for cell in cells), strict=False))


def _paf(row: dict[str, str], welsh: bool = False) -> str:
    def pick(name: str) -> str:
        return (welsh and row.get(f"WELSH_{name}")) or row.get(name, "")
    return "\n".join(delivery_lines(
        organisation_name=row.get("RM_ORGANISATION_NAME", ""),
        department_name=row.get("DEPARTMENT_NAME", ""),
        po_box_number=row.get("PO_BOX_NUMBER", ""),
        sub_building_name=row.get("SUB_BUILDING_NAME", ""),
        building_name=row.get("BUILDING_NAME", ""),
        building_number=row.get("BUILDING_NUMBER", ""),
        dependent_thoroughfare=pick("DEPENDENT_THOROUGHFARE"),
        thoroughfare=pick("THOROUGHFARE"),
        double_dependent_locality=pick("DOUBLE_DEPENDENT_LOCALITY"),
        dependent_locality=pick("DEPENDENT_LOCALITY"),
        post_town=pick("POST_TOWN"),
        postcode=row.get("POSTCODE", ""),
    ))


def _language(code: str, where: Where, field: str) -> str:
    language = LANGUAGES.get(code.upper())
    if language is None:
        raise where.error(field, f"must be ENG, CYM or GAE, not {code[:20]!r}")
    return language


def _plus_records(where: Where, row: dict[str, str]) -> tuple[Flat, ...]:
    alternate = row["ALT_LANGUAGE"]
    alt_language = _language(alternate, where, "ALT_LANGUAGE") if alternate else ""
    main_language = "en"
    if alt_language == "en":  # the row's own fields are then the Welsh or Gaelic form
        main_language = "gd" if row["COUNTRY"].upper() == "S" else "cy"
    postal = row["ADDRESSBASE_POSTAL"]
    paf = _paf(row) if row["UDPRN"] else ""
    common = {
        "uprn": row["UPRN"], "parent_uprn": row["PARENT_UPRN"], "usrn": row["USRN"],
        "organisation": row["LA_ORGANISATION"] or row["RM_ORGANISATION_NAME"],
        "sao_start_number": row["SAO_START_NUMBER"], "sao_start_suffix": row["SAO_START_SUFFIX"],
        "sao_end_number": row["SAO_END_NUMBER"], "sao_end_suffix": row["SAO_END_SUFFIX"],
        "pao_start_number": row["PAO_START_NUMBER"], "pao_start_suffix": row["PAO_START_SUFFIX"],
        "pao_end_number": row["PAO_END_NUMBER"], "pao_end_suffix": row["PAO_END_SUFFIX"],
        "locality": row["LOCALITY"], "town": row["TOWN_NAME"],
        "postcode": row["POSTCODE_LOCATOR"] or row["POSTCODE"],
        "easting": row["X_COORDINATE"], "northing": row["Y_COORDINATE"],
        "classification": row["CLASS"], "logical_status": "1", "postal": postal or "D",
        "latitude": row["LATITUDE"], "longitude": row["LONGITUDE"], "udprn": row["UDPRN"],
    }
    records = [flat(where, **common, sao_text=row["SAO_TEXT"], pao_text=row["PAO_TEXT"],
                    street=row["STREET_DESCRIPTION"], language=main_language,
                    delivery_lines=paf)]
    alt_fields = (row["ALT_LANGUAGE_SAO_TEXT"], row["ALT_LANGUAGE_PAO_TEXT"],
                  row["ALT_LANGUAGE_STREET_DESCRIPTION"])
    if alt_language and alt_language != main_language and any(alt_fields):
        records.append(flat(
            where, **common, sao_text=alt_fields[0] or row["SAO_TEXT"],
            pao_text=alt_fields[1] or row["PAO_TEXT"],
            street=alt_fields[2] or row["STREET_DESCRIPTION"], language=alt_language,
            delivery_lines=_paf(row, welsh=alt_language == "cy") if row["UDPRN"] else ""))
    return tuple(records)


def _entries(source: Source, layout: RecordLayout, sizes: tuple[int, ...], change_field: str,
             make: Callable[[Where, dict[str, str]], tuple[Flat, ...]],
             progress: DeliveryProgress | None) -> Iterator[Entry | ValidationError]:
    for item in _cells(source, layout, sizes, f"{layout.name} row", progress):
        if isinstance(item, ValidationError):
            yield item
            continue
        where, row = item
        try:
            action = _action(row[change_field] or "I", where, change_field)
            records = () if action == "delete" else make(where, row)
        except ValidationError as error:
            yield error
            continue
        yield Entry(action, row["UPRN"], records, where)


def read_plus(source: Source, progress: DeliveryProgress | None = None
              ) -> Iterator[Entry | ValidationError]:
    """The entries of one AddressBase Plus file (with or without its header row),
    or an error in place of a row that cannot be read."""
    return _entries(source, ADDRESSBASE_PLUS, (77,), "CHANGE_TYPE", _plus_records, progress)


_NUMBERED_NAME = re.compile(r"([0-9]{1,5})([A-Z]?)(?:-([0-9]{1,5})([A-Z]?))?")


def _core_numbers(row: dict[str, str]) -> dict[str, str]:
    """The PAO of a Core row: its BUILDING_NUMBER, else a number-like BUILDING_NAME
    (``12A``, ``1-3``) read as numbers; a name stays the PAO text."""
    number, name = row["BUILDING_NUMBER"], row["BUILDING_NAME"]
    if number.isdigit():
        return {"pao_start_number": number, "pao_text": name}
    found = _NUMBERED_NAME.fullmatch(name.upper()) if not number else None
    if found is None:
        return {"pao_text": " ".join(part for part in (name, number) if part)}
    start, suffix, end, end_suffix = found.groups("")
    return {"pao_start_number": start, "pao_start_suffix": suffix, "pao_end_number": end,
            "pao_end_suffix": end_suffix}


def _core_record(where: Where, row: dict[str, str]) -> Flat:
    number = row["BUILDING_NUMBER"]
    paf = "\n".join(delivery_lines(
        organisation_name=row["ORGANISATION"], po_box_number=row["PO_BOX"],
        sub_building_name=row["SUB_BUILDING"], building_name=row["BUILDING_NAME"],
        building_number=number, thoroughfare=row["STREET_NAME"],
        dependent_locality=row["LOCALITY"], post_town=row["POST_TOWN"],
        postcode=row["POSTCODE"])) if row["UDPRN"] else ""
    return flat(
        where, uprn=row["UPRN"], parent_uprn=row["PARENT_UPRN"], usrn=row["USRN"],
        organisation=row["ORGANISATION"], sao_text=row["SUB_BUILDING"], **_core_numbers(row),
        street=row["STREET_NAME"], locality=row["LOCALITY"],
        town=row["TOWN_NAME"] or row["POST_TOWN"], postcode=row["POSTCODE"],
        easting=row["EASTING"], northing=row["NORTHING"],
        classification=row["CLASSIFICATION_CODE"], logical_status="1", language="en",
        postal="D" if row["UDPRN"] else "N", latitude=row["LATITUDE"],
        longitude=row["LONGITUDE"], udprn=row["UDPRN"], delivery_lines=paf)


def read_core(source: Source, progress: DeliveryProgress | None = None
              ) -> Iterator[Entry | ValidationError]:
    """The entries of one AddressBase Core file (its header row is skipped), or an
    error in place of a row that cannot be read."""
    return _entries(source, ADDRESSBASE_CORE, (27, 28), "CHANGE_CODE",
                    lambda where, row: (_core_record(where, row),), progress)
