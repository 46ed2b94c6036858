"""What an input layout hands the record reader, and what the reader hands a store (internal).

This is the seam between the formats a council's gazetteer arrives in and
the stores that hold it::

    source files --(a Layout)--> RawRecord --(RecordReader)--> Record --(a store's load)

**A layout** (:class:`Layout`) knows one way a gazetteer is delivered: which
files, which columns, which record types and how they join. Given every
source file of a load at once (``sources``, in the order the caller gave
them), its :meth:`Layout.records` yields one :class:`RawRecord` per LPI record
(one address in one language and status), or a
:class:`~lgds_components.errors.ValidationError` in its place for a row it
cannot read at all (a broken quote, the wrong number of cells). It does **no
value checks**: every field of a RawRecord is the raw text as found (the
reader strips, checks and converts it), or ``""`` when the layout has no
such value. What a layout does do:

- pick, where its format has two sources for one field, the one to use
  (AddressBase-style files: the Royal Mail postcode, else the postcode
  locator) and say in :attr:`RawRecord.columns` which column each field came
  from, so an error names the column the user can find in the file;
- assemble a record from several rows where its format splits one (BLPU,
  LPI, street descriptor, delivery point records); a layout that must join
  rows spread through many files stages them on disk, not in memory;
- give each record the ``line`` and ``source`` (file name) where it starts,
  for errors;
- raise a ValidationError (``line=1``, or the line at fault) for a file it
  cannot use at all: unreadable, not UTF-8, a required column missing, a
  line too long (see :mod:`~lgds_components.address.records.lines`);
- leave blank rows out, and count its progress in bytes
  (:attr:`Layout.bytes_read`, :attr:`Layout.bytes_total`);
- say (a class attribute ``parallel = True``) if it may be read in a worker
  process, so that an SQLite load's own work overlaps the reading: it must
  pickle before reading and keep nothing the caller reads afterwards (see
  :mod:`~lgds_components.address.records.worker`). A layout without it is read
  in process.

The flat CSV layouts (:mod:`~lgds_components.address.records.flat_csv`) are
the first two layouts; a new layout is a module beside them.

**The reader** (:class:`~lgds_components.address.records.reader.RecordReader`)
checks each RawRecord with one checker per group of fields (flat, building,
place, organisation), each behind a cache of the groups already seen, applies
the load's ``statuses`` and ``classifications`` filters and ``on_error``
policy, numbers the records kept (``id`` 1, 2, 3, ... in reading order), and
yields :class:`Record` values: the checked
:class:`~lgds_components.address.model.Address` fields plus the derived text
every store keeps (postcode key, natural sort key, search text, index words;
see :mod:`~lgds_components.address.parts`).

**A store** (:mod:`~lgds_components.address.stores`) takes the Records in
order and stores them; it may refuse one (a second approved record for a
UPRN and language) through the reader's error policy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import attrs

from lgds_components.address.model import Address
from lgds_components.errors import ValidationError
from lgds_components.load_errors import ErrorLog

__all__ = [
    "ADDRESS_FIELDS",
    "Layout",
    "Progress",
    "RawRecord",
    "Record",
    "RecordStream",
    "address_from_values",
    "record_of",
    "source_in_errors",
]

#: The :class:`~lgds_components.address.model.Address` fields, in attrs order.
ADDRESS_FIELDS: tuple[str, ...] = tuple(field.name for field in attrs.fields(Address))


class RawRecord(NamedTuple):
    """One LPI record as a layout found it: raw text per Address field (``""`` if absent).

    The first 28 fields are the :class:`~lgds_components.address.model.Address`
    fields, in the same order, each the text as found in the file (unstripped,
    unchecked); ``delivery_lines`` is the delivery-point form's lines joined
    with ``"\\n"``. Then where it came from: ``line``, ``source`` and ``columns``.
    """

    uprn: str
    parent_uprn: str
    usrn: str
    organisation: str
    sao_start_number: str
    sao_start_suffix: str
    sao_end_number: str
    sao_end_suffix: str
    sao_text: str
    pao_start_number: str
    pao_start_suffix: str
    pao_end_number: str
    pao_end_suffix: str
    pao_text: str
    street: str
    locality: str
    town: str
    postcode: str
    easting: str
    northing: str
    classification: str
    logical_status: str
    language: str
    postal: str
    latitude: str
    longitude: str
    udprn: str
    delivery_lines: str
    #: The line the record starts on in ``source`` (1 is the first line).
    line: int
    #: The file name, for errors.
    source: str
    #: For errors, the column (or field of the source format) each Address field
    #: was read from, where its name differs; a field not in it is named as itself.
    columns: Mapping[str, str]


class Record(NamedTuple):
    """One checked record, with the derived text stores keep.

    Fields 1 to 28 are the :class:`~lgds_components.address.model.Address`
    fields in canonical form (numbers as ``int``, postcodes as
    ``"EX4 1AA"``, ``language`` ``"en"``, ``"cy"`` or ``"gd"``, ``postal`` a
    ``bool``), but ``delivery_lines`` is stored as its lines joined with ``"\\n"``.
    """

    #: 1, 2, 3, ... for the records the filters keep, in reading order.
    id: int
    uprn: int
    parent_uprn: int | None
    usrn: int | None
    organisation: str
    sao_start_number: int | None
    sao_start_suffix: str
    sao_end_number: int | None
    sao_end_suffix: str
    sao_text: str
    pao_start_number: int | None
    pao_start_suffix: str
    pao_end_number: int | None
    pao_end_suffix: str
    pao_text: str
    street: str
    locality: str
    town: str
    postcode: str
    easting: float | None
    northing: float | None
    classification: str
    logical_status: int
    language: str
    postal: bool
    latitude: float | None
    longitude: float | None
    udprn: int | None
    delivery_lines: str
    #: The postcode without its space (``"EX41AA"``), or ``""``.
    postcode_key: str
    #: The natural sort key (:meth:`Address.sort_key
    #: <lgds_components.address.model.Address.sort_key>`).
    sort_key: str
    #: The text scoring reads (:func:`~lgds_components.address.parts.search_text`).
    search: str
    #: 1 for an approved English record (a UPRN's preferred record, when it has one), else 0.
    preferred: int
    #: The index words, space-separated, once each
    #: (:func:`~lgds_components.address.parts.index_words`).
    words: str
    #: The line the record starts on in ``source``.
    line: int
    #: The file name.
    source: str

    @property
    def values(self) -> tuple[Any, ...]:
        """The Address field values, in attrs order (``delivery_lines`` as text)."""
        return self[1:_FIELD_COUNT + 1]

    def address(self) -> Address:
        """The :class:`~lgds_components.address.model.Address` this record holds."""
        return address_from_values(self[1:_FIELD_COUNT + 1])


class Layout(Protocol):
    """One input layout: source files in, :class:`RawRecord` values out (see the module docs)."""

    #: The layout's name, recorded with the gazetteer (``"addressbase"``, ``"llpg"``).
    name: str

    def records(self, sources: Sequence[Path]) -> Iterator[RawRecord | ValidationError]:
        """Every record of ``sources``, in order, or an error in place of a row
        that cannot be read; raises for a file that cannot be used at all."""
        ...

    @property
    def bytes_read(self) -> int:
        """Bytes of the sources read so far (compressed bytes of a ``.gz``)."""
        ...

    @property
    def bytes_total(self) -> int:
        """Bytes of every source, as far as known (the files opened so far)."""
        ...


def record_of(address: Address, identifier: int, line: int = 0, source: str = "") -> Record:
    """The Record of an :class:`~lgds_components.address.model.Address` built in code
    (already checked), its derived text made from the whole address."""
    from lgds_components.address import parts

    values = (*(getattr(address, name) for name in ADDRESS_FIELDS[:-1]),
              "\n".join(address.delivery_lines))
    return Record._make((
        identifier, *values, address.postcode.replace(" ", ""), address.sort_key(),
        parts.search_text(address),
        1 if address.logical_status == 1 and address.language == "en" else 0,
        parts.index_words(address), line, source,
    ))


def source_in_errors(sources: Sequence[Path], name: str) -> str | None:
    """The file an error names: ``name`` when a load reads several files or ``name``
    is not the one file given (a tile in a folder or zip), else None (the one
    file is plain)."""
    if len(sources) > 1 or not sources:
        return name
    return None if name in (str(sources[0]), sources[0].name) else name


class RecordStream(Protocol):
    """What a store's load is given: the records of a load, with its counts and policy
    (a :class:`~lgds_components.address.records.reader.RecordReader`, or one read in a
    worker process, :class:`~lgds_components.address.records.worker.WorkerReader`)."""

    sources: list[Path]
    statuses: frozenset[int]
    classifications: tuple[str, ...] | None
    errors: ErrorLog
    rows_read: int
    rows_filtered: int

    @property
    def layout(self) -> Progress:
        """The bytes read and to read (and the layout's ``name``)."""
        ...

    def start(self) -> None:
        """Open the first source (a file that cannot be used fails here)."""
        ...

    def close(self) -> None:
        """Stop reading."""
        ...

    def reject(self, error: ValidationError) -> None:
        """Refuse a record under the load's error policy."""
        ...

    def __iter__(self) -> Iterator[Record]:
        ...


class Progress(Protocol):
    """How far a layout has read: what :class:`RecordStream.layout` offers."""

    name: str

    @property
    def bytes_read(self) -> int:
        """Bytes read so far."""
        ...

    @property
    def bytes_total(self) -> int:
        """Bytes to read, as far as known."""
        ...


_FIELD_COUNT = len(ADDRESS_FIELDS)
_POSTAL = ADDRESS_FIELDS.index("postal")
_set = object.__setattr__


def address_from_values(values: Sequence[Any]) -> Address:
    """An Address from values already in canonical form, in attrs order, skipping
    the converters (for stores reading back their own clean rows; a store's
    ``postal`` may be 0 or 1, its ``delivery_lines`` the lines joined with ``"\\n"``)."""
    address = object.__new__(Address)
    for name, value in zip(ADDRESS_FIELDS, values[:_FIELD_COUNT], strict=True):
        _set(address, name, value)
    _set(address, "postal", bool(values[_POSTAL]))
    lines = values[_FIELD_COUNT - 1]
    _set(address, "delivery_lines", tuple(lines.split("\n")) if lines else ())
    return address
