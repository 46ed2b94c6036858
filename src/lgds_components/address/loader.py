"""Loading a gazetteer: the CSV formats, the report, and the load every store runs.

A load reads the council's gazetteer CSV (or several, in order) through one
record reader and stores it atomically: :func:`load` builds the SQLite file
(:meth:`Gazetteer.load <lgds_components.address.gazetteer.Gazetteer.load>`
calls it), :meth:`PostgresGazetteer.load
<lgds_components.address.postgres.PostgresGazetteer.load>` the PostgreSQL
schema, from the same checked records.

The two CSV layouts (``format="addressbase"`` and ``format="llpg"``, with
:data:`ADDRESSBASE_COLUMNS` and :data:`LLPG_COLUMNS`) are described in
:mod:`lgds_components.address.records.flat_csv`; the checks every value
passes in :mod:`lgds_components.address.records.checks`. In short: numbers
are whole numbers; a suffix is one or two letters; a postcode must be valid
or empty; UPRN, parent UPRN and USRN are checked by their identifier
modules; ``logical_status`` is 1, 3, 6 or 8 (empty means 1); ``language`` is
``en``, ``cy``, ``ENG`` or ``CYM`` (empty means ``en``); the postal flag
reads ``Y``/``N``, ``true``/``false``, ``1``/``0`` or the AddressBase codes;
text is at most 200 characters with no NUL. A malformed row raises
:class:`~lgds_components.errors.ValidationError` with its ``line`` and
``field`` (``on_error="fail"``, the default), or is skipped and listed in the
:class:`LoadReport` (``on_error="skip"``); see :mod:`lgds_components.load_errors`.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, Protocol, TypedDict, Unpack

import attrs

from lgds_components.address.records.contract import Layout, RecordStream
from lgds_components.address.records.flat_csv import (
    ADDRESSBASE_COLUMNS,
    LLPG_COLUMNS,
    FlatCsv,
)
from lgds_components.address.records.products.detect import FORMATS as PRODUCT_FORMATS
from lgds_components.address.records.products.layout import ProductLayout
from lgds_components.address.records.products.layouts import RecordLayout
from lgds_components.address.records.reader import STATUSES, RecordReader, source_paths
from lgds_components.address.records.worker import WorkerReader, worth_a_worker
from lgds_components.errors import ValidationError
from lgds_components.load_errors import ErrorLog

__all__ = [
    "ADDRESSBASE_COLUMNS",
    "FORMATS",
    "LLPG_COLUMNS",
    "PRODUCT_FORMATS",
    "STATUSES",
    "CsvRecords",
    "Format",
    "LoadOptions",
    "LoadProgress",
    "LoadReport",
    "LoadTarget",
    "ReadOptions",
    "Sources",
    "detect_format",
    "load",
    "load_update",
    "reader_for",
    "run_load",
]

Sources = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]
"""One file to load, or several (loaded in order as one gazetteer); for the
delivered products, files, folders of tiles or zips of tiles."""

Format = Literal["addressbase", "llpg", "addressbase-plus", "addressbase-core",
                 "addressbase-premium", "dtf"]
"""The formats a load reads: the flat CSV formats, and the products as delivered."""

#: Every format a load reads (``format=None`` tells it from the first line).
FORMATS: tuple[str, ...] = ("addressbase", "llpg", *PRODUCT_FORMATS)


class ReadOptions(TypedDict, total=False):
    """How a gazetteer is read: the keyword arguments every load takes (all optional).

    ``format``
        ``"addressbase"`` or ``"llpg"`` (see the module docs), a
        delivered product (``"addressbase-plus"``, ``"addressbase-core"``,
        ``"addressbase-premium"``, ``"dtf"``; see
        :mod:`lgds_components.address.records.products`), or None (the
        default) to tell it from the first line.
    ``mapping``
        column names for your file: ``{field: column}``; a field
        mapped to ``None`` is absent.
    ``statuses``
        logical statuses to keep, by name or code; approved only by default.
    ``classifications``
        classification code prefixes to keep, such as
        ``("R",)`` for residential only; all by default.
    ``on_error``
        ``"fail"`` (the default) raises at the first malformed row;
        ``"skip"`` leaves such rows out and lists them in the report.
    ``records_path``
        for AddressBase Premium and DTF, where to keep the
        records store their change-only updates are applied to.
    ``layouts``
        for the multi-record products, record layouts replacing the
        built-in ones by record identifier (a DTF export whose field order
        differs: see
        :data:`~lgds_components.address.records.products.layouts.UNCONFIRMED`).
    """

    format: Format | None
    mapping: Mapping[str, str | None] | None
    statuses: Iterable[str | int]
    classifications: Iterable[str] | None
    on_error: Literal["fail", "skip"]
    records_path: str | os.PathLike[str] | None
    layouts: Mapping[str, RecordLayout] | None


class LoadOptions(ReadOptions, total=False):
    """:class:`ReadOptions`, and ``progress``: called with a :class:`LoadProgress`
    every few thousand rows."""

    progress: Callable[[LoadProgress], object] | None


@attrs.frozen(slots=True)
class LoadProgress:
    """How far a load has got; passed to the ``progress`` callback.

    Attributes:
        phase: ``"reading"`` while rows stream in, ``"indexing"`` while the
            indexes are built, ``"done"`` at the end.
        rows_read: data rows read so far.
        rows_loaded: rows stored so far.
        bytes_read, bytes_total: position in the (possibly compressed) files.
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
        path: the gazetteer file (SQLite), or the first source CSV (PostgreSQL).
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


class LoadTarget(Protocol):
    """A store being loaded: takes every Record of a reader, in one transaction."""

    #: Read the records in a worker process when the load is big (see
    #: :mod:`~lgds_components.address.records.worker`): for a store whose own work runs
    #: in this process, so that it overlaps the reading.
    worker: bool

    def load(self, records: RecordStream, progress: Callable[[str, int], None]) -> int:
        """Store ``records`` in place of what the store held; return how many were
        stored. ``progress(phase, rows_stored)`` is called every few thousand rows
        (``"reading"``), before indexing (``"indexing"``) and at the end (``"done"``).
        Refuses a record the store cannot take through ``records.reject``."""
        ...


def reader_for(source_csv: Sources, options: Mapping[str, Any],
               function: str = "load") -> RecordReader:
    """The record reader for a load's options (:class:`LoadOptions`, every one checked
    here); ``format`` None tells the format from the first file's first line.

    Raises:
        TypeError: an option ``function`` does not take (as Python says it).
        ValidationError: a bad ``format``, ``mapping``, ``statuses`` or ``on_error``;
            a format that cannot be told.
    """
    known = LoadOptions.__required_keys__ | LoadOptions.__optional_keys__
    for name in options:
        if name not in known:
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}")
    errors = ErrorLog(options.get("on_error", "fail"))
    paths = source_paths(source_csv)
    format = options.get("format") or detect_format(paths)
    mapping = options.get("mapping")
    layout: Layout
    if format in PRODUCT_FORMATS:
        if mapping:
            raise ValidationError(f"mapping is for the flat CSV formats, not {format}",
                                  field="mapping")
        layout = ProductLayout(format, records_path=options.get("records_path"),
                               layouts=options.get("layouts"))
    else:
        layout = FlatCsv(format, mapping)
    return RecordReader(layout, paths, statuses=options.get("statuses", ("approved",)),
                        classifications=options.get("classifications"), errors=errors)


def detect_format(paths: Iterable[str | os.PathLike[str]]) -> str:
    """The format of a load's files, told from the first line of the first one:
    one of ``FORMATS``.

    Raises:
        ValidationError: the file cannot be read, or its first line fits no format
            (the message says how to name one).
    """
    from lgds_components.address.records.products.detect import detect
    from lgds_components.address.records.products.sources import open_sources

    return detect(open_sources(list(paths))[0])


def run_load(
    target: LoadTarget,
    reader: RecordReader,
    progress: Callable[[LoadProgress], object] | None,
    path: Path,
) -> LoadReport:
    """Load ``reader``'s records into ``target`` (read in a worker process if it asks and
    the load is big enough), calling ``progress``; the report names ``path``."""
    started = time.perf_counter()
    records: RecordStream = reader
    if target.worker and worth_a_worker(reader.layout, reader.sources):
        records = WorkerReader(reader)
    layout = records.layout

    def report(phase: str, rows_loaded: int) -> None:
        if progress is not None:
            progress(LoadProgress(phase, records.rows_read, rows_loaded, layout.bytes_read,
                                  layout.bytes_total))

    records.start()
    try:
        loaded = target.load(records, report)
    finally:
        records.close()
    errors = records.errors
    return LoadReport(
        path=path, rows_read=records.rows_read, rows_loaded=loaded,
        rows_filtered=records.rows_filtered, errors=errors.by_line(), error_count=errors.count,
        seconds=time.perf_counter() - started,
    )


def load(
    path: str | os.PathLike[str], source_csv: Sources, **options: Unpack[LoadOptions]
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
        source_csv: the CSV (or ``.csv.gz``) to read, or several, loaded in
            order as one gazetteer (errors then name the file as well as the line).
        options: ``format``, ``mapping``, ``statuses``, ``classifications``,
            ``on_error``, ``progress``, ``records_path``, ``layouts``: see
            :class:`ReadOptions` and :class:`LoadOptions`.

    Raises:
        ValidationError: a malformed row (``line`` and ``field`` say where),
            a missing column, or a bad argument.
        ProviderError: the file at ``path`` cannot be written or is not a gazetteer.
    """
    from lgds_components.address.stores.sqlite_load import SqliteLoad

    records = reader_for(source_csv, options)
    return run_load(SqliteLoad(Path(path), records.layout.name), records,
                    options.get("progress"), Path(path))


def load_update(
    path: str | os.PathLike[str],
    changes: Sources,
    *,
    records_path: str | os.PathLike[str],
    format: Format | None = None,
    progress: Callable[[LoadProgress], object] | None = None,
) -> LoadReport:
    """Apply an AddressBase Premium or DTF change-only update to the SQLite gazetteer
    at ``path``: the update goes into the records store its full supply was loaded
    with (``records_path``), and the gazetteer is rebuilt from the store and
    swapped in atomically, with the last load's status and classification
    filters. All or nothing: if any record is bad, neither the store nor the
    gazetteer changes.

    (PostgreSQL applies updates in place, UPRN by UPRN:
    :meth:`PostgresGazetteer.apply_changes
    <lgds_components.address.postgres.PostgresGazetteer.apply_changes>`.)

    Raises:
        ValidationError: a bad record (file, line and field say where), no
            records store, or an update to a product without one (AddressBase
            Plus or Core: load the updated supply instead).
        ProviderError: the gazetteer cannot be read or written.
    """
    from lgds_components.address.records.products.reader import changes as product_changes
    from lgds_components.address.stores.sqlite_load import SqliteLoad

    statuses, classifications = _filters(Path(path))
    with product_changes(source_paths(changes), records_path, format) as update:
        if update.store is None:
            raise ValidationError(
                f"a gazetteer file takes {update.format} updates by loading the updated "
                "supply (a PostgreSQL gazetteer applies them in place)", field="format")
        layout = ProductLayout(update.format, delivery=update.delivery())
        records = RecordReader(layout, [Path(records_path)], statuses=statuses,
                               classifications=classifications, errors=ErrorLog("fail"))
        return run_load(SqliteLoad(Path(path), update.format), records, progress, Path(path))


def _filters(path: Path) -> tuple[list[int], list[str] | None]:
    """The status and classification filters the gazetteer at ``path`` was loaded with."""
    import sqlite3

    from lgds_components.errors import ConfigurationError

    if not path.is_file():
        raise ConfigurationError(f"no gazetteer file at {path}; load the full supply first")
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        meta = dict(conn.execute("SELECT key, value FROM gazetteer_meta").fetchall())
    statuses = [int(code) for code in meta.get("statuses", "1").split(",") if code]
    found = meta.get("classifications", "*")
    return statuses, None if found == "*" else found.split(",")


class CsvRecords:
    """A gazetteer CSV's records, read and checked as :func:`load` reads them.

    Iterating gives ``(line, values)`` for each row that passes the checks and
    the ``statuses`` and ``classifications`` filters: ``line`` is the row's
    line number, ``values`` the :class:`~lgds_components.address.Address`
    fields in attrs order. A malformed row raises its ValidationError
    (``on_error="fail"``) or is counted and left out (``"skip"``); so is one
    refused through :meth:`reject`. (The stores load through
    :class:`~lgds_components.address.records.reader.RecordReader`, which this wraps.)

    >>> import pathlib, tempfile
    >>> from lgds_components.address import sample
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "few.csv"
    ...     written = sample.write_csv(path, 3, seed=1)
    ...     with CsvRecords(path) as records:
    ...         print([line for line, values in records], records.rows_read)
    [2, 3, 4] 3

    Args: as :func:`load` (less ``progress``; ``format`` is ``"addressbase"`` unless given).

    Raises:
        ValidationError: on entering, an unreadable file, a missing column, a
            bad header or a bad argument; while iterating, a malformed row
            (with ``on_error="fail"``).
    """

    def __init__(self, source_csv: Sources, **options: Unpack[ReadOptions]) -> None:
        if "progress" in options:
            raise TypeError("CsvRecords() got an unexpected keyword argument 'progress'")
        self.reader: RecordReader = reader_for(
            source_csv, {"format": "addressbase", **options}, "CsvRecords")
        self.path: Path = self.reader.sources[0]
        self.format: str = self.reader.layout.name
        self.on_error = self.reader.errors.on_error
        self.statuses: frozenset[int] = self.reader.statuses
        self.classifications: tuple[str, ...] | None = self.reader.classifications
        self._entered = False

    def __enter__(self) -> CsvRecords:
        self.reader.start()
        self._entered = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.reader.close()

    def __iter__(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        if not self._entered:
            raise RuntimeError("use CsvRecords in a with statement")
        return ((record.line, record.values) for record in self.reader)

    def reject(self, error: ValidationError) -> None:
        """Refuse a record the store cannot take: raise ``error`` with
        ``on_error="fail"``, else count it and keep it for the report."""
        self.reader.reject(error)

    @property
    def bytes_read(self) -> int:
        """Bytes read from the files so far (compressed bytes for ``.gz``)."""
        return self.reader.layout.bytes_read

    @property
    def bytes_total(self) -> int:
        """Bytes of the files opened so far."""
        return self.reader.layout.bytes_total

    @property
    def rows_read(self) -> int:
        """Data rows read so far (blank lines not counted)."""
        return self.reader.rows_read

    @property
    def rows_filtered(self) -> int:
        """Rows left out by the ``statuses`` or ``classifications`` filters."""
        return self.reader.rows_filtered

    @property
    def error_count(self) -> int:
        """Rows refused so far, malformed or rejected."""
        return self.reader.errors.count

    @property
    def errors(self) -> tuple[ValidationError, ...]:
        """The first 1,000 refused rows' errors, in line order."""
        return self.reader.errors.by_line()

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
