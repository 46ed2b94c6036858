"""Which product a file is, told from its first line.

>>> detect_line(["10", "ORDNANCE SURVEY", "7655", "2024-01-05", "1", "2024-01-05",
...              "10:00:00", "1.0", "F"], "tile.csv")
'addressbase-premium'
>>> detect_line(["UPRN", "PARENT_UPRN", "UDPRN", "USRN", "TOID", "CLASSIFICATION_CODE"], "core.csv")
'addressbase-core'
>>> try:
...     detect_line(["hello", "world"], "notes.csv")
... except InvalidFormat as error:
...     print(error.message[:62])
cannot tell which gazetteer product notes.csv is from its firs
"""

from __future__ import annotations

from lgds_components.address.records.products import layouts
from lgds_components.address.records.products.sources import Source, rows
from lgds_components.errors import InvalidFormat, MissingValue, ValidationError

__all__ = ["FORMATS", "detect", "detect_line"]

#: The delivered formats, by the name ``format=`` and ``--format`` take.
FORMATS = ("addressbase-plus", "addressbase-core", "addressbase-premium", "dtf")

_HINT = ("name it with --format addressbase-plus, addressbase-core, addressbase-premium or dtf "
         "(or addressbase or llpg for a flat CSV with a header row)")


def _from_header_row(names: set[str]) -> str:
    if "RM_ORGANISATION_NAME" in names or "ALT_LANGUAGE_PAO_TEXT" in names:
        return "addressbase-plus"
    if "SINGLE_LINE_ADDRESS" in names or "CLASSIFICATION_CODE" in names:
        return "addressbase-core"
    if {"STREET_DESCRIPTOR", "STREET", "TOWN", "BLPU_CLASS"} & names and not {
            "STREET_DESCRIPTION", "THOROUGHFARE", "POSTCODE_LOCATOR"} & names:
        return "llpg"
    return "addressbase"  # the flat CSV (its missing columns are named as it is read)


def _from_record(cells: list[str]) -> str | None:
    record = cells[0].strip()
    if record == "10" and len(cells) == 9:
        custodian, code, version = cells[1].upper(), cells[2].strip(), cells[7].strip()
        if "ORDNANCE SURVEY" in custodian or code == "7655":
            return "addressbase-premium"
        if version[:1] in ("7", "8"):
            return "dtf"
        return None
    premium = layouts.PREMIUM.get(record)
    dtf = layouts.DTF_8_1.get(record)
    fits_premium = premium is not None and len(cells) == len(premium.fields)
    fits_dtf = dtf is not None and len(cells) == len(dtf.fields)
    if fits_premium != fits_dtf:
        return "addressbase-premium" if fits_premium else "dtf"
    return None


def detect_line(cells: list[str], name: str) -> str:
    """The format of a file whose first row is ``cells`` (``name`` is for the message).

    Besides :data:`FORMATS` it recognises the flat CSV formats by their header
    rows: ``llpg`` (``STREET_DESCRIPTOR``, ``STREET``, ``TOWN`` or ``BLPU_CLASS``
    and no AddressBase street column) and otherwise ``addressbase``.

    Raises:
        InvalidFormat: the line fits no product, saying so and how to name one.
    """
    first = cells[0].strip() if cells else ""
    found: str | None = None
    if first.upper() == "UPRN":
        found = _from_header_row({cell.strip().upper() for cell in cells})
    elif first.isdigit() and len(first) <= 2:
        found = _from_record(cells)
    elif first.isdigit():
        found = {77: "addressbase-plus", 27: "addressbase-core",
                 28: "addressbase-core"}.get(len(cells))
    if found is None:
        raise InvalidFormat(
            f"cannot tell which gazetteer product {name} is from its first line "
            f"({len(cells)} fields, starting {first[:20]!r}); {_HINT}", field="format", line=1)
    return found


def detect(source: Source) -> str:
    """The format of ``source`` from its first row.

    Raises:
        MissingValue: the source is empty.
        InvalidFormat: the first row fits no product.
    """
    for line, cells in rows(source):
        if isinstance(cells, ValidationError):
            if line == 1:  # as a flat CSV's header is refused
                raise InvalidFormat(cells.message.replace("CSV row", "CSV header"),
                                    field="header", line=1, source=cells.source)
            raise cells
        return detect_line(cells, source.name)
    raise MissingValue(f"{source.name} is empty", field="source", line=1)
