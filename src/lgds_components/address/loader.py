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
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal

import attrs

from lgds_components.address import _schema
from lgds_components.address.model import Address, _unchecked
from lgds_components.address.scoring import search_text
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
        row = self._values(cells)
        uprn = self._identifier(self._uprn, row, "uprn")
        if uprn is None:
            raise MissingValue("uprn is missing", field="uprn")
        status_text = self._get(row, "logical_status") or "1"
        if status_text not in ("1", "3", "6", "8"):
            _fail("logical_status must be 1, 3, 6 or 8", "logical_status")
        language = _LANGUAGES.get(self._get(row, "language").lower())
        if language is None:
            _fail("language must be en or cy", "language")
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
        postal = _POSTAL.get(self._get(row, postal_key).lower())
        if postal is None:
            _fail(f"{postal_key} must be Y or N", postal_key)
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
            easting, northing, classification, int(status_text), language, postal,
        )

    _PARTS = tuple(
        tuple(f"{part}_{what}" for what in
              ("start_number", "start_suffix", "end_number", "end_suffix", "text"))
        for part in ("sao", "pao")
    )

    def _structured(self, row: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for start_number, start_suffix, end_number, end_suffix, text in self._PARTS:
            start = out[start_number] = self._number(row, start_number)
            suffix = out[start_suffix] = self._suffix(row, start_suffix)
            end = out[end_number] = self._number(row, end_number)
            out[end_suffix] = self._suffix(row, end_suffix)
            out[text] = row.get(text, "")
            if start is None and (end is not None or suffix):
                _fail(f"{start_number} is missing", start_number, cls=MissingValue)
        return out

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
    for start, suffix, end in (
        (address.sao_start_number, address.sao_start_suffix, address.sao_end_number),
        (address.pao_start_number, address.pao_start_suffix, address.pao_end_number),
    ):
        if start is None:
            continue
        words.append(str(start))
        if suffix:
            words.append(f"{start}{suffix.lower()}")
        if end is not None:
            if 0 < end - start <= _EXPAND_RANGE:
                words.extend(str(n) for n in range(start + 1, end + 1))
            else:
                words.append(str(end))
    if address.postcode:
        outward, _, inward = address.postcode.lower().partition(" ")
        words.extend((outward, inward, outward + inward))
    return " ".join(dict.fromkeys(word for word in words if word != "flat"))


def _open_text(
    path: Path, stack: contextlib.ExitStack
) -> tuple[Iterator[str], _CountingReader, int]:
    """Open ``path`` as UTF-8 text through a byte counter; ``stack`` closes every layer."""
    raw = stack.enter_context(open(path, "rb"))
    total = os.fstat(raw.fileno()).st_size
    counter = stack.enter_context(_CountingReader(raw))
    buffered: IO[bytes] = stack.enter_context(io.BufferedReader(counter, buffer_size=1 << 16))
    if path.suffix == ".gz":
        buffered = stack.enter_context(gzip.GzipFile(fileobj=buffered, mode="rb"))  # type: ignore[arg-type]
    return _decoded(buffered), counter, total


def _decoded(lines: Iterable[bytes]) -> Iterator[str]:
    """Decode each line as UTF-8, naming the line of any byte that is not."""
    for number, raw in enumerate(lines, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidFormat(
                f"line {number} is not UTF-8 text (byte {exc.start + 1} of the line); "
                "save the file as CSV UTF-8",
                field="row", line=number,
            ) from exc


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


def _row_values(identifier: int, values: tuple[Any, ...], address: Address) -> tuple[Any, ...]:
    return (
        identifier,
        *values,
        address.postcode.replace(" ", ""),
        address.sort_key(),
        search_text(address),
    )


Batch = list[tuple[int, int, tuple[Any, ...], Address]]


def _insert(conn: sqlite3.Connection, batch: Batch) -> list[int]:
    """Insert a batch; on a constraint failure return the lines of the offending rows."""
    columns = ", ".join(("id", *_schema.ADDRESS_COLUMNS, "postcode_key", "sort_key", "search"))
    marks = ", ".join("?" * (len(_schema.ADDRESS_COLUMNS) + 4))
    sql = f"INSERT INTO address_new ({columns}) VALUES ({marks})"
    fts_sql = "INSERT INTO address_fts_new (rowid, body) VALUES (?, ?)"
    conn.execute("SAVEPOINT batch")
    try:
        conn.executemany(sql, [_row_values(i, v, a) for i, _, v, a in batch])
        conn.executemany(fts_sql, [(i, index_tokens(a)) for i, _, _, a in batch])
    except sqlite3.IntegrityError:
        conn.execute("ROLLBACK TO batch")
        bad = []
        for identifier, line, values, address in batch:
            try:
                conn.execute(sql, _row_values(identifier, values, address))
            except sqlite3.IntegrityError:
                bad.append(line)
            else:
                conn.execute(fts_sql, (identifier, index_tokens(address)))
        conn.execute("RELEASE batch")
        return bad
    conn.execute("RELEASE batch")
    return []


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


def _swap(conn: sqlite3.Connection) -> None:
    conn.execute("DROP INDEX address_new_approved")
    for table in _schema.TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for table in _schema.TABLES:
        conn.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    for statement in _schema.finish_tables():
        conn.execute(statement)


_PREFER = """
UPDATE address_new SET preferred = 1 WHERE id IN (
    SELECT id FROM (
        SELECT id, row_number() OVER (
            PARTITION BY uprn
            ORDER BY logical_status != 1, language != 'en', logical_status, id
        ) AS position
        FROM address_new
    ) WHERE position = 1
)
"""


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
            text, counter, total = _open_text(source, stack)
        except OSError as exc:
            raise ValidationError(
                f"cannot read {source}: {exc.strerror or exc}", field="source_csv"
            ) from exc

        def report(phase: str) -> None:
            if progress is not None:
                progress(LoadProgress(phase, state["rows_read"], loaded, counter.count, total))

        csv_reader = csv.reader(text)
        try:
            header = next(csv_reader)
        except StopIteration:
            raise MissingValue("the CSV is empty", field="header", line=1) from None
        except csv.Error as exc:
            raise InvalidFormat(f"unreadable CSV header: {exc}", field="header", line=1) from exc
        reader = _RowReader(header, format, mapping)
        try:
            conn = connect(path)
        except sqlite3.Error as exc:
            raise ProviderError(f"cannot open gazetteer {path}: {exc}", provider="gazetteer") \
                from exc
        try:
            conn.execute("PRAGMA cache_size=-65536")
            conn.execute("PRAGMA temp_store=FILE")
            conn.execute("BEGIN IMMEDIATE")
            try:
                for table in _schema.TABLES:
                    conn.execute(f"DROP TABLE IF EXISTS {table}_new")
                for statement in _schema.create_tables("_new"):
                    conn.execute(statement)
                batch: Batch = []
                identifier = 0
                rows = _rows(reader, csv_reader, csv_reader, wanted_statuses, prefixes, on_error,
                             state)
                for line, values in rows:
                    identifier += 1
                    batch.append((identifier, line, values, _unchecked(values)))
                    if len(batch) >= _CHUNK:
                        loaded += _flush(conn, batch, on_error, state)
                        batch = []
                        report("reading")
                loaded += _flush(conn, batch, on_error, state)
                report("indexing")
                conn.execute(_PREFER)
                _build_terms(conn)
                conn.execute("INSERT INTO address_fts_new(address_fts_new) VALUES ('optimize')")
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
                _swap(conn)
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


def _flush(
    conn: sqlite3.Connection,
    batch: Batch,
    on_error: str,
    state: dict[str, Any],
) -> int:
    if not batch:
        return 0
    bad = _insert(conn, batch)
    for line in bad:
        error = InvalidFormat(
            "duplicate approved record for this UPRN and language", field="uprn", line=line
        )
        if on_error == "fail":
            raise error
        _record(state, error)
    return len(batch) - len(bad)
