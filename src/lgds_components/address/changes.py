"""Change-only updates to a gazetteer: inserts, updates and deletes by UPRN.

A council's LLPG (or an AddressBase change-only update) sends what changed
since the last extract, one record per row, with a change type:

- ``I`` (insert): a new record;
- ``U`` (update): replaces the UPRN's records in the row's language;
- ``D`` (delete): removes every record of the UPRN (only ``uprn`` is read).

A change file is the load format (``addressbase`` or ``llpg``, see
:mod:`lgds_components.address.loader`) with one more column,
``change_type`` (any case; ``I``/``U``/``D`` or ``insert``/``update``/``delete``).
:func:`read_changes` reads one into :class:`Change` values, checking each row
as a load does and naming the line of the first bad one; code that already
has the records can build :class:`Change` values directly:

>>> from lgds_components.address import Address
>>> from lgds_components.address.changes import Change
>>> home = Address(uprn=10001, pao_start_number=4, street="Mill Lane", town="Kelmouth",
...                postcode="EX4 2AA")
>>> [Change.insert(home).action, Change.update(home).uprn, Change.delete(10001).address]
['insert', 10001, None]

:meth:`lgds_components.address.postgres.PostgresGazetteer.apply_changes`
applies a batch in one transaction: all of it, or (at the first error) none.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from lgds_components.address.model import Address
from lgds_components.errors import InvalidFormat, MissingValue, ValidationError

if TYPE_CHECKING:
    from lgds_components.address.records.contract import RawRecord
    from lgds_components.address.records.reader import RecordReader

__all__ = ["ACTIONS", "Change", "ChangeReport", "changes_from", "read_changes"]

Action = Literal["insert", "update", "delete", "replace"]

#: What a change-type cell may say, and the action it means.
ACTIONS: dict[str, Action] = {
    "i": "insert", "insert": "insert",
    "u": "update", "update": "update",
    "d": "delete", "delete": "delete",
}

_MAX_TEXT = 200


@attrs.frozen(slots=True)
class Change:
    """One change: an insert or update carries the record; a delete only the UPRN.

    A ``"replace"`` removes every record the UPRN has, if any, so that the
    inserts after it give the UPRN's records afresh: how an update to a
    delivered product (AddressBase, an LLPG) arrives, a UPRN at a time.

    Attributes:
        action: ``"insert"``, ``"update"``, ``"delete"`` or ``"replace"``.
        uprn: the UPRN changed.
        address: the new record (``None`` for a delete).
        line: where it came from (the CSV line, or the position in an iterable).
    """

    action: Action
    uprn: int
    address: Address | None = None
    line: int | None = None

    @classmethod
    def insert(cls, address: Address, *, line: int | None = None) -> Change:
        """A new record."""
        return cls("insert", address.uprn, address, line)

    @classmethod
    def update(cls, address: Address, *, line: int | None = None) -> Change:
        """A record replacing the UPRN's records in ``address.language``."""
        return cls("update", address.uprn, address, line)

    @classmethod
    def delete(cls, uprn: int, *, line: int | None = None) -> Change:
        """Remove every record of ``uprn``."""
        return cls("delete", int(uprn), None, line)

    @classmethod
    def replace(cls, uprn: int, *, line: int | None = None) -> Change:
        """Remove every record of ``uprn`` there is (none is no error); the inserts
        that follow give its records afresh."""
        return cls("replace", int(uprn), None, line)


@attrs.frozen(slots=True)
class ChangeReport:
    """What :meth:`~lgds_components.address.postgres.PostgresGazetteer.apply_changes` did.

    Attributes:
        rows_read: changes read.
        inserted, updated, deleted: changes of each kind applied (a replace
            that removed records counts as an update, the records inserted
            after it as inserts).
        filtered: inserts and updates whose record the gazetteer's load
            filters (statuses, classifications) leave out; an update still
            removes the records it replaces.
        seconds: wall-clock time.
    """

    rows_read: int
    inserted: int
    updated: int
    deleted: int
    filtered: int
    seconds: float


def _check_address(address: Address, line: int) -> Address:
    """Normalise an Address handed in directly as a load would (postcode, text, numbers)."""
    from lgds_components.identifiers import postcode as postcodes
    from lgds_components.identifiers import uprn as uprns

    try:
        uprns.validate(address.uprn)
        if address.parent_uprn is not None:
            uprns.validate(address.parent_uprn)
    except ValidationError as exc:
        raise exc.located(field="uprn", line=line) from exc
    for field in attrs.fields(Address):
        value = getattr(address, field.name)
        if isinstance(value, str):
            if "\x00" in value:
                raise InvalidFormat(f"{field.name} contains a NUL character",
                                    field=field.name, line=line)
            if len(value) > _MAX_TEXT:
                raise InvalidFormat(f"{field.name} must be {_MAX_TEXT} characters or fewer",
                                    field=field.name, line=line)
    if address.logical_status not in (1, 3, 6, 8):
        raise InvalidFormat("logical_status must be 1, 3, 6 or 8", field="logical_status",
                            line=line)
    if address.language not in ("en", "cy", "gd"):
        raise InvalidFormat("language must be en, cy or gd", field="language", line=line)
    if address.postcode:
        try:
            canonical = postcodes.validate(address.postcode)
        except ValidationError as exc:
            raise exc.located(field="postcode", line=line) from exc
        if canonical != address.postcode:
            address = address.evolve(postcode=canonical)
    return address


def changes_from(items: Iterable[Change | tuple[str, Any]]) -> Iterator[Change]:
    """Check changes built in code (``Change`` values or ``(action, Address or UPRN)``
    pairs), numbering them from 1 where they carry no line.

    Raises:
        ValidationError: an unknown action, a delete without a UPRN, an insert
            or update without an Address, or a malformed record (``line`` says which).
    """
    from lgds_components.identifiers import uprn as uprns

    for position, item in enumerate(items, start=1):
        said: object
        if isinstance(item, Change):
            said, target, line = item.action, item.address or item.uprn, item.line or position
        elif isinstance(item, tuple) and len(item) == 2:
            said, target, line = item[0], item[1], position
        else:
            raise InvalidFormat("a change is a Change or an (action, record) pair",
                                field="change", line=position)
        name = str(said).strip().lower()
        action: Action | None = "replace" if name == "replace" else ACTIONS.get(name)
        if action is None:
            raise InvalidFormat("change type must be I, U or D", field="change_type",
                                line=line)
        if action in ("delete", "replace"):
            value = target.uprn if isinstance(target, Address) else target
            try:
                uprn = uprns.validate(value)
            except ValidationError as exc:
                raise exc.located(field="uprn", line=line) from exc
            yield Change(action, uprn, None, line)
        elif isinstance(target, Address):
            address = _check_address(target, line)
            yield Change(action, address.uprn, address, line)
        else:
            raise MissingValue(f"an {action} needs the Address record", field="address",
                               line=line)


def read_changes(
    source_csv: str | os.PathLike[str],
    *,
    format: Literal["addressbase", "llpg"] = "addressbase",
    mapping: Mapping[str, str | None] | None = None,
    change_column: str = "change_type",
) -> Iterator[Change]:
    """Read a change file (CSV or ``.csv.gz``), lazily, one :class:`Change` per row.

    Rows are checked as :func:`lgds_components.address.loader.load` checks
    them, by the same record reader (a delete row needs only a valid
    ``uprn``); blank rows are skipped.

    Raises:
        ValidationError: the first malformed row, with its ``line`` and
            ``field``; a missing column (line 1).
    """
    from lgds_components.address.records.flat_csv import FlatCsv, header_index
    from lgds_components.address.records.reader import RecordReader

    path = Path(source_csv)
    layout = FlatCsv(format, mapping)
    reader = RecordReader(layout, [path], statuses=(1, 3, 6, 8))
    rows, header = layout.open(path)
    with rows:
        action_at = header_index(header).get(change_column.strip().lower())
        if action_at is None:
            raise MissingValue(f"the CSV has no {change_column} column", field=change_column,
                               line=1)
        plan = layout.plan(header, path, [path])
        for line, cells in rows.rows():
            raw = layout.record(plan, line, cells)
            if raw is None:
                continue
            if isinstance(raw, ValidationError):
                raise raw
            if any("\x00" in cell for cell in cells):  # type: ignore[union-attr]
                raise InvalidFormat("row contains a NUL character", field="row", line=line)
            yield _change(raw, reader, cells[action_at], change_column)  # type: ignore[index]


def _change(raw: RawRecord, reader: RecordReader, action_cell: str, change_column: str) -> Change:
    """The Change one row of a change file asks for."""
    from lgds_components.identifiers import uprn as uprns

    action = ACTIONS.get(action_cell.strip().lower())
    if action is None:
        raise InvalidFormat("change type must be I, U or D", field=change_column, line=raw.line)
    if action == "delete":
        try:
            uprn = uprns.validate(raw.uprn.strip())
        except ValidationError as exc:
            raise exc.located(field="uprn", line=raw.line) from exc
        return Change("delete", uprn, None, raw.line)
    address = reader.check(raw).address()
    return Change(action, address.uprn, address, raw.line)
