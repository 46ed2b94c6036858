"""The delivered products as a record reader layout (internal).

:class:`ProductLayout` is the :class:`~lgds_components.address.records.contract.Layout`
for AddressBase Plus, Core, Premium and the DTF LLPG: it reads a delivery
with :func:`~.reader.read` and hands each of its flat records to the record
reader as a :class:`~lgds_components.address.records.contract.RawRecord`,
naming, for errors, the product's field and the record it stands in
(``SAO_START_NUMBER (LPI record 24)``, ``POSTCODE_LOCATOR (BLPU record 21)``).

>>> import tempfile
>>> from lgds_components.address.records.products.writers import write
>>> from lgds_components.address.records.reader import RecordReader
>>> folder = tempfile.mkdtemp()
>>> tiles = write("addressbase-premium", folder, 50, seed=1, tile_size=80)
>>> reader = RecordReader(ProductLayout("addressbase-premium"), [Path(folder)])
>>> records = list(reader)
>>> len(records) > 0, records[0].latitude is not None, reader.layout.bytes_total > 0
(True, True, True)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from lgds_components.address.changes import Change
from lgds_components.address.records.contract import RawRecord
from lgds_components.address.records.products.layouts import RecordLayout
from lgds_components.address.records.products.reader import ChangeSet, Delivery, read
from lgds_components.address.records.products.record import FIELDS
from lgds_components.errors import ValidationError

__all__ = ["COLUMNS", "ProductLayout", "change_list"]


def _named(record: str, fields: Mapping[str, str]) -> dict[str, str]:
    return {field: f"{column} ({record})" for field, column in fields.items()}


_LPI = {name: name.upper() for name in FIELDS[4:14]} | {"uprn": "UPRN", "usrn": "USRN",
                                                       "logical_status": "LOGICAL_STATUS",
                                                       "language": "LANGUAGE"}
_BLPU = {"parent_uprn": "PARENT_UPRN", "easting": "X_COORDINATE", "northing": "Y_COORDINATE",
         "latitude": "LATITUDE", "longitude": "LONGITUDE", "postal": "ADDRESSBASE_POSTAL",
         "postcode": "POSTCODE_LOCATOR"}
_STREET = {"street": "STREET_DESCRIPTION", "locality": "LOCALITY_NAME", "town": "TOWN_NAME"}
_MULTI = {
    **_named("LPI record 24", _LPI), **_named("BLPU record 21", _BLPU),
    **_named("Street Descriptor record 15", _STREET),
    **_named("Organisation record 31", {"organisation": "ORGANISATION"}),
    **_named("Classification record 32", {"classification": "CLASSIFICATION_CODE"}),
}

#: For errors, the product field (and record) each Address field is read from.
COLUMNS: Mapping[str, Mapping[str, str]] = {
    "addressbase-plus": {
        "uprn": "UPRN", "parent_uprn": "PARENT_UPRN", "usrn": "USRN",
        "organisation": "LA_ORGANISATION", **{name: name.upper() for name in FIELDS[4:14]},
        "street": "STREET_DESCRIPTION", "locality": "LOCALITY", "town": "TOWN_NAME",
        "postcode": "POSTCODE_LOCATOR", "easting": "X_COORDINATE", "northing": "Y_COORDINATE",
        "classification": "CLASS", "postal": "ADDRESSBASE_POSTAL", "language": "ALT_LANGUAGE",
        "latitude": "LATITUDE", "longitude": "LONGITUDE", "udprn": "UDPRN",
    },
    "addressbase-core": {
        "uprn": "UPRN", "parent_uprn": "PARENT_UPRN", "usrn": "USRN",
        "organisation": "ORGANISATION", "sao_text": "SUB_BUILDING",
        "pao_start_number": "BUILDING_NUMBER", "pao_text": "BUILDING_NAME",
        "street": "STREET_NAME", "locality": "LOCALITY", "town": "TOWN_NAME",
        "postcode": "POSTCODE", "easting": "EASTING", "northing": "NORTHING",
        "classification": "CLASSIFICATION_CODE", "latitude": "LATITUDE",
        "longitude": "LONGITUDE", "udprn": "UDPRN",
    },
    "addressbase-premium": {
        **_MULTI, **_named("Delivery Point Address record 28", {"udprn": "UDPRN"})},
    "dtf": {**_MULTI, **_named("LPI record 24", {"postal": "POSTAL_ADDRESS",
                                                 "postcode": "POSTCODE"})},
}


class ProductLayout:
    """A delivered product read for the record reader (see the module docs).

    Args:
        format: one of :data:`~.detect.FORMATS`.
        records_path: where a multi-record product's staging store is kept
            (for later change-only updates); a temporary file if omitted.
        layouts: record layouts replacing the built-in ones, by record identifier.
    """

    def __init__(self, format: str, *, records_path: str | os.PathLike[str] | None = None,
                 layouts: Mapping[str, RecordLayout] | None = None,
                 delivery: Delivery | None = None) -> None:
        self.name = format
        self.records_path = records_path
        self.layouts = layouts
        self._delivery: Delivery | None = delivery

    def records(self, sources: Sequence[Path]) -> Iterator[RawRecord | ValidationError]:
        """Every LPI record of the delivery in ``sources`` (or of the delivery given),
        or an error in place of a row or record that cannot be read."""
        delivery = self._delivery
        if delivery is None:
            self._delivery = delivery = read(sources, self.name,
                                             records_path=self.records_path,
                                             layouts=self.layouts)
        columns = COLUMNS[self.name]
        new = RawRecord._make
        for row in delivery.flat_rows():
            if isinstance(row, ValidationError):
                yield row  # an error in place of a record
            else:
                yield new((*row, columns))

    @property
    def parallel(self) -> bool:
        """Whether it may be read in a worker process (see
        :mod:`~lgds_components.address.records.worker`): a delivery still to be
        read may (the staging store is a file the worker writes), one already
        staged (an update being applied) is read in process."""
        return self._delivery is None

    @property
    def bytes_read(self) -> int:
        """Bytes of the sources read so far."""
        return self._delivery.progress.bytes_read if self._delivery is not None else 0

    @property
    def bytes_total(self) -> int:
        """Bytes of every source."""
        return self._delivery.bytes_total if self._delivery is not None else 0


def change_list(update: ChangeSet) -> Iterator[Change]:
    """An update's entries as changes for the gazetteer's change path: each UPRN
    touched is replaced (its records removed, if it had any, and its new records
    inserted), or inserted when new.

    Raises:
        ValidationError: a record that fails the load's checks (file, line and
            field say which).
    """
    from lgds_components.address.records.reader import RecordReader

    checker = RecordReader(ProductLayout(update.format), [])
    columns = COLUMNS[update.format]
    for position, entry in enumerate(update.entries, start=1):
        if entry.action != "insert":
            yield Change.replace(int(entry.uprn), line=entry.where.line or position)
        for record in entry.records:
            raw = RawRecord._make((*record.values, record.where.line, record.where.source,
                                   columns))
            yield Change.insert(checker.check(raw).address(), line=record.where.line)
