"""Loading the SQLite store: records streamed into new tables, indexed, swapped in atomically.

Everything happens in one write transaction on a connection of its own: the
records go into ``_new`` tables in batches, the vocabulary and its typo
deletions are built from the full-text index, the old tables are dropped and
the new ones renamed, and the lookup indexes built; then it commits. Readers
(in WAL mode) see the old gazetteer until the commit. If anything fails, the
transaction rolls back and the file holds what it held.

Each UPRN's preferred record (see :mod:`~lgds_components.address.stores.base`)
is worked out as the records stream: while they come in UPRN order, a UPRN's
records are next to each other, so the load itself refuses a second approved
record for a UPRN and language and marks the best record of a UPRN with no
approved English one. At the first UPRN out of order it creates the unique
index on approved records, which refuses such records from then on, and
notes the UPRNs seen from then on, whose preferred records are marked in SQL
before the swap.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

from lgds_components.address.records.contract import Record, RecordStream
from lgds_components.address.records.preferred import UprnRuns, duplicate, preference
from lgds_components.address.stores import sqlite_schema as sql
from lgds_components.address.stores.sqlite import PROVIDER, connect
from lgds_components.errors import ProviderError, ProviderUnavailable

__all__ = ["BATCH", "SqliteLoad"]

#: Records inserted at a time.
BATCH: Final = 5000
# Settings of the loading connection only (a 48 MB page cache: 128 MB was no
# faster at a million rows, and the loader with its reading worker stays under
# 300 MB at 10 million). The build happens inside one write transaction.
_PRAGMAS = ("PRAGMA cache_size=-49152", "PRAGMA temp_store=FILE")
# Bytes of new index entries FTS5 gathers in memory before writing a segment
# (its default is 1 MB): fewer, larger segments need less merging.
_FTS_HASH_SIZE = 16 * 1024 * 1024
# UPRNs remembered as out of order at most; past this, every UPRN's preferred
# record is marked afresh
_MIXED_LIMIT = 200_000
_STORED = len(sql.STORED_COLUMNS)  # a Record's first fields are the stored columns


class _Batch:
    """Up to :data:`BATCH` records to insert: the ``address`` rows, their index rows,
    the records, and whether the unique index on approved records must be made
    before inserting them."""

    __slots__ = ("bodies", "index_first", "records", "rows")

    def __init__(self) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self.bodies: list[tuple[int, str]] = []
        self.records: list[Record] = []
        self.index_first = False


class _Preferring:
    """Which record of each UPRN is preferred: marked as the records stream while they
    come in UPRN order (see :mod:`~lgds_components.address.records.preferred`), and
    in SQL before the swap for the UPRNs met after the order broke."""

    def __init__(self) -> None:
        self.runs = UprnRuns(self._finished)
        self.batch = _Batch()  # the batch being filled
        self.where: dict[int, tuple[_Batch, int]] = {}  # the current UPRN's records
        self.late: list[int] = []  # ids to mark preferred after the load
        self.mixed: set[int] = set()  # UPRNs met after the order broke
        self.every_uprn = False  # too many of those: mark every UPRN afresh

    def take(self, record: Record) -> bool:
        """Note ``record`` (about to go into :attr:`batch`); False if it is a duplicate."""
        was_in_order = self.runs.in_order
        if not self.runs.take(record):
            return False
        if self.runs.in_order:
            self.where[record.id] = (self.batch, len(self.batch.rows))
        else:
            self.batch.index_first = self.batch.index_first or was_in_order
            if len(self.mixed) < _MIXED_LIMIT:
                self.mixed.add(record.uprn)
            else:
                self.every_uprn = True
        return True

    def _finished(self, records: list[Record]) -> None:
        """A UPRN is complete: mark its best record if it has no approved English one."""
        best = min(records, key=preference)
        if not best.preferred:
            batch, position = self.where[best.id]
            if batch is self.batch:
                batch.rows[position] = (*batch.rows[position][:-1], 1)
            else:
                self.late.append(best.id)
        self.where.clear()


def _batches(records: RecordStream, preferring: _Preferring) -> Iterator[_Batch]:
    """The records, in batches of :data:`BATCH`; a second approved record for a UPRN
    and language (met in UPRN order) is refused as it is read."""
    batch = preferring.batch
    for record in records:
        if not preferring.take(record):
            records.reject(duplicate(record, records.sources))
            continue
        batch.rows.append(record[:_STORED])
        batch.bodies.append((record.id, record.words))
        batch.records.append(record)
        if len(batch.rows) >= BATCH:
            yield batch
            batch = preferring.batch = _Batch()
    preferring.runs.finish()
    if batch.rows:
        yield batch


def _insert(conn: sqlite3.Connection, batch: _Batch) -> list[Record]:
    """Insert a batch's rows and index entries; return the records the unique index
    refused, which are left out of both tables.

    A refused row fails only its own INSERT, so the rows before it stay (the
    change count says how many) and the batch carries on after it.
    """
    rows, refused, start = batch.rows, [], 0
    while start < len(rows):
        before = conn.total_changes
        try:
            conn.executemany(sql.INSERT, rows[start:] if start else rows)
        except sqlite3.IntegrityError:
            position = start + conn.total_changes - before
            refused.append(position)
            start = position + 1
        else:
            break
    bodies = batch.bodies
    if refused:
        skip = set(refused)
        bodies = [body for index, body in enumerate(bodies) if index not in skip]
    conn.executemany(sql.INSERT_FTS, bodies)
    return [batch.records[position] for position in refused]


def _deletions(term: str) -> set[str]:
    return {term[:i] + term[i + 1:] for i in range(len(term))}


def _build_terms(conn: sqlite3.Connection) -> None:
    """The vocabulary with document counts, and each word's one-letter deletions."""
    conn.execute(
        "CREATE VIRTUAL TABLE temp.address_vocab_new USING fts5vocab(main, address_fts_new, row)")
    try:
        conn.execute("INSERT INTO address_term_new (term, docs) "
                     "SELECT term, doc FROM temp.address_vocab_new")
    finally:
        conn.execute("DROP TABLE temp.address_vocab_new")
    pending: list[tuple[str, str]] = []
    for (term,) in conn.execute("SELECT term FROM address_term_new"):
        if len(term) < 4 or not term.isalpha():
            continue
        pending.append((term, term))
        pending.extend((deletion, term) for deletion in _deletions(term))
        if len(pending) > 50_000:
            conn.executemany(sql.INSERT_DELETION, pending)
            pending = []
    conn.executemany(sql.INSERT_DELETION, pending)


def _swap(conn: sqlite3.Connection, preferring: _Preferring) -> None:
    """Replace the live tables by the new ones, index them, and mark the preferred
    records left to mark."""
    conn.execute("DROP INDEX IF EXISTS address_new_approved")
    for table in sql.TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for table in sql.TABLES:
        conn.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    finish = sql.finish_tables()
    conn.execute(finish[0])  # the UPRN index, which preferring() uses
    conn.executemany("UPDATE address SET preferred = 1 WHERE id = ?",
                     ((identifier,) for identifier in preferring.late))
    if preferring.every_uprn:
        for statement in sql.preferring(""):
            conn.execute(statement)
    elif preferring.mixed:
        conn.execute("CREATE TEMP TABLE address_mixed (uprn INTEGER PRIMARY KEY)")
        try:
            conn.executemany("INSERT INTO temp.address_mixed (uprn) VALUES (?)",
                             ((uprn,) for uprn in sorted(preferring.mixed)))
            for statement in sql.preferring("uprn IN (SELECT uprn FROM temp.address_mixed)"):
                conn.execute(statement)
        finally:
            conn.execute("DROP TABLE temp.address_mixed")
    for statement in finish[1:]:
        conn.execute(statement)


class SqliteLoad:
    """A load into the gazetteer file at ``path`` (a
    :class:`~lgds_components.address.loader.LoadTarget`)."""

    #: SQLite works in this process: reading in a worker overlaps it.
    worker = True

    def __init__(self, path: Path, source_format: str) -> None:
        self.path = path
        self.source_format = source_format

    def load(self, records: RecordStream, progress: Callable[[str, int], None]) -> int:
        """Store ``records`` in place of the file's gazetteer; return how many were stored.

        Raises:
            ProviderUnavailable: another load holds the file.
            ProviderError: the file cannot be written or is not a database.
        """
        try:
            conn = connect(self.path)
        except sqlite3.Error as exc:
            raise ProviderError(f"cannot open gazetteer {self.path}: {exc}",
                                provider=PROVIDER) from exc
        try:
            for pragma in _PRAGMAS:
                conn.execute(pragma)
            conn.execute("BEGIN IMMEDIATE")
            try:
                loaded = self._build(conn, records, progress)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ProviderUnavailable(
                    f"gazetteer {self.path} is busy (another load?): {exc}", provider=PROVIDER
                ) from exc
            raise ProviderError(f"gazetteer {self.path} failed: {exc}", provider=PROVIDER) \
                from exc
        except sqlite3.Error as exc:
            raise ProviderError(f"gazetteer {self.path} failed: {exc}", provider=PROVIDER) \
                from exc
        finally:
            conn.close()
        return loaded

    def _build(self, conn: sqlite3.Connection, records: RecordStream,
               progress: Callable[[str, int], None]) -> int:
        """Everything inside the transaction: tables, rows, vocabulary, swap."""
        for table in sql.TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}_new")
        for statement in sql.create_tables("_new"):
            conn.execute(statement)
        with contextlib.suppress(sqlite3.OperationalError):  # an FTS5 without it
            conn.execute("INSERT INTO address_fts_new(address_fts_new, rank) "
                         f"VALUES ('hashsize', {_FTS_HASH_SIZE})")
        preferring = _Preferring()
        loaded = 0
        for batch in _batches(records, preferring):
            if batch.index_first:
                conn.execute(sql.approved_index("_new"))
            refused = _insert(conn, batch)
            loaded += len(batch.rows) - len(refused)
            for record in refused:
                records.reject(duplicate(record, records.sources))
            progress("reading", loaded)
        progress("indexing", loaded)
        _build_terms(conn)
        conn.execute("INSERT INTO address_fts_new(address_fts_new) VALUES ('optimize')")
        # back to the default: the setting only sped up this build
        conn.execute("DELETE FROM address_fts_new_config WHERE k = 'hashsize'")
        meta = {
            "format_version": sql.FORMAT_VERSION,
            "source": ", ".join(path.name for path in records.sources),
            "source_format": self.source_format,
            "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "rows": str(loaded),
            "statuses": ",".join(str(code) for code in sorted(records.statuses)),
            "classifications": ",".join(records.classifications)
            if records.classifications is not None else "*",
        }
        conn.executemany("INSERT INTO gazetteer_meta_new (key, value) VALUES (?, ?)",
                         meta.items())
        _swap(conn, preferring)
        progress("done", loaded)
        return loaded
