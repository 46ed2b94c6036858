"""Loading the PostgreSQL store: records copied into new tables, indexed once, swapped in.

A load holds the schema's write lock (a session advisory lock) on its own
connection throughout, and runs in three steps:

1. **Copy** (one transaction): the new tables (``address_new`` and the rest)
   are made without indexes, and the records stream from the shared record
   reader (read in a worker process for a large file, as for SQLite) into
   ``address_new`` with a binary ``COPY ... FREEZE``. Meanwhile the loader
   counts each word and prefix token, refuses a second approved record for a
   UPRN and language, and notes which records are not their UPRN's preferred
   one, all as the records stream in UPRN order
   (:mod:`~lgds_components.address.records.preferred`); a file out of UPRN
   order is checked in SQL instead, after the rows are in. The transaction
   commits: the new tables now exist, under names no reader uses.
2. **Index**: each index is built in one pass over the rows (with the load's
   ``maintenance_work_mem``), the words index on a second connection while
   this one builds the B-tree indexes and writes the vocabulary, its typo
   deletions and the prefix counts: PostgreSQL builds one index on one core,
   so two at once use two. Building the words index once costs less than
   keeping it up to date row by row, which grew faster than the rows (see
   docs/benchmarks.md, "Gazetteer loads against their floors"); its keys are
   integers (:func:`~lgds_components.address.stores.postgres_schema.token_key`),
   which halves the build again.
3. **Swap** (one transaction): duplicates found in SQL are dropped (or
   fail the load), the statistics and meta are written, the six live tables
   are locked (in
   :data:`~lgds_components.address.stores.postgres_schema.LOCK_ORDER`, so
   readers wait rather than deadlock), dropped, and the new ones renamed.

Readers see the old gazetteer until the swap commits and the new one after
it; a load that fails at any point leaves the old one in place and drops the
new tables (a process killed part way leaves them, and the next load drops
them). Change-only updates write into the live, indexed table, so PostgreSQL
keeps every index up to date as they go.

Rows are written in id order into a table created in the same transaction
as the copy, so the table's physical order is id order. Search relies on that (see
:mod:`~lgds_components.address.stores.postgres`); change-only updates never
rewrite a loaded row in place (an update deletes and inserts with a new,
larger id).
"""

from __future__ import annotations

import array
import bisect
import contextlib
import functools
import itertools
import re
import struct
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, TypeVar

from lgds_components.address.ranking import PREFIX_INDEXED
from lgds_components.address.records.contract import (
    ADDRESS_FIELDS,
    Record,
    RecordStream,
    source_in_errors,
)
from lgds_components.address.records.preferred import DUPLICATE, UprnRuns, duplicate, preference
from lgds_components.address.stores import postgres_schema as schema_sql
from lgds_components.address.stores.postgres import connect, database_errors, safe_dsn
from lgds_components.errors import InvalidFormat, ProviderUnavailable

__all__ = [
    "AddressRows",
    "PostgresLoad",
    "copy_addresses",
    "deletion_rows",
    "prefix_tokens",
    "secondary_records",
    "take_lock",
]

_PROVIDER = "postgres"
_FIELDS: Final = len(ADDRESS_FIELDS)
_REPORT_EVERY = 5000
_COUNT_EVERY: Final = 100_000  # prefix tokens waiting to be counted, at most
_PREFERENCE: Final = "logical_status <> 1, language <> 'en', logical_status, id"


def _word_prefixes(word: str) -> tuple[str, ...]:
    """``word``'s prefix tokens."""
    return tuple(f"{word[:size]}*" for size in range(1, min(len(word), PREFIX_INDEXED) + 1))


def prefix_tokens(words: list[str],
                  prefixes_of: Callable[[str], tuple[str, ...]] = _word_prefixes) -> list[str]:
    """The prefix tokens of ``words``: each word's first one, two and three characters
    with ``*``, once each, in order (``prefixes_of`` gives one word's, e.g. from a cache).

    >>> prefix_tokens(["high", "st", "1"])
    ['h*', 'hi*', 'hig*', 's*', 'st*', '1*']
    """
    return list(dict.fromkeys(itertools.chain.from_iterable(map(prefixes_of, words))))


_ARRAY_HEADER: Final = struct.Struct(">iiIii")  # dimensions, flags, element type, length, base
_INT8: Final = 20
_EMPTY_ARRAY: Final = struct.pack(">iiI", 0, 0, _INT8)


def _key_element(token: str) -> bytes:
    """``token``'s key as one element of a binary ``bigint[]`` (length, then value)."""
    return struct.pack(">iq", 8, schema_sql.token_key.__wrapped__(token))  # (cached by AddressRows)


_Value = TypeVar("_Value")


class _Derived(dict[str, _Value]):
    """``derive(key)`` for each key looked up, worked out once (words repeat: a load meets
    the same street and town names many times); emptied past ``limit`` keys."""

    def __init__(self, derive: Callable[[str], _Value], limit: int) -> None:
        super().__init__()
        self._derive = derive
        self._limit = limit

    def __missing__(self, key: str) -> _Value:
        if len(self) >= self._limit:
            self.clear()
        value = self[key] = self._derive(key)
        return value


class AddressRows:
    """Rows of ``address`` for :func:`copy_addresses`, made from records, counting the
    records that hold each word and each prefix token (:meth:`counts`).

    A row has the columns of
    :data:`~lgds_components.address.stores.postgres_schema.ADDRESS_INSERT`: ``body``
    holds each word between spaces, ``keys`` (binary ``bigint[]``, built here: psycopg's
    list dumper would cost more than the rest of the row) each word's and then each
    prefix token's :func:`~lgds_components.address.stores.postgres_schema.token_key`.

    >>> from lgds_components.address.records.contract import record_of
    >>> from lgds_components.address.model import Address
    >>> rows = AddressRows()
    >>> row = rows.row(record_of(Address(uprn=1, postcode="AB1 2CD", street="High St",
    ...                                  town="Leeds", pao_start_number=3), 1, 2))
    >>> row[1]
    ' high st leeds 3 ab1 2cd ab12cd '
    >>> words, prefixes = rows.counts()
    >>> words["high"], prefixes["hi*"], sorted(prefixes)[:4]
    (1, 1, ['2*', '2c*', '2cd*', '3*'])
    """

    def __init__(self) -> None:
        self._word_counts = Counter[str]()
        self._prefix_counts = Counter[str]()
        # tokens not yet counted: one Counter.update of many costs less than one a row
        self._words: list[str] = []
        self._prefixes: list[str] = []
        self._prefixes_of = _Derived(_word_prefixes, 1 << 16)
        self._element = _Derived(_key_element, 1 << 18)

    def row(self, record: Record) -> tuple[Any, ...]:
        """``record``'s row, its words and prefix tokens counted."""
        words = record.words.split()
        prefixes = prefix_tokens(words, self._prefixes_of.__getitem__)
        self._words += words
        self._prefixes += prefixes
        if len(self._prefixes) >= _COUNT_EVERY:
            self.counts()
        count = len(words) + len(prefixes)
        element = self._element.__getitem__
        keys = b"".join((_ARRAY_HEADER.pack(1, 0, _INT8, count, 1), *map(element, words),
                         *map(element, prefixes))) if count else _EMPTY_ARRAY
        return (record.id, f" {record.words} ", keys, *record[1:_FIELDS + 1],
                record.postcode_key, record.sort_key.encode("utf-8"), record.search,
                record.line)

    def counts(self) -> tuple[Counter[str], Counter[str]]:
        """How many rows made so far hold each word, and each prefix token."""
        self._word_counts.update(self._words)
        self._prefix_counts.update(self._prefixes)
        self._words.clear()
        self._prefixes.clear()
        return self._word_counts, self._prefix_counts


@functools.cache
def _keys_dumper() -> type[Any]:
    from psycopg import postgres
    from psycopg.adapt import Dumper
    from psycopg.pq import Format

    class KeysDumper(Dumper):
        """Passes on ``keys`` already in binary ``bigint[]`` form (see :class:`AddressRows`)."""

        format = Format.BINARY
        oid = postgres.types["int8"].array_oid

        def dump(self, obj: Any) -> bytes:
            return obj  # type: ignore[no-any-return]

    return KeysDumper


@contextlib.contextmanager
def copy_addresses(conn: Any, table: str, *, freeze: bool = False) -> Iterator[Any]:
    """A binary ``COPY`` into ``table`` of rows from :class:`AddressRows` (``freeze``:
    the rows are frozen as written, for a table made in this transaction)."""
    columns = ", ".join(schema_sql.ADDRESS_INSERT)
    options = "FORMAT binary, FREEZE" if freeze else "FORMAT binary"
    with conn.cursor() as cursor:
        cursor.adapters.register_dumper(None, _keys_dumper())
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH ({options})") as copy:
            copy.set_types(schema_sql.ADDRESS_TYPES)
            yield copy


def take_lock(conn: Any, schema: str, *, session: bool = False) -> None:
    """Take the schema's write lock for this transaction (or, with ``session``, until
    ``conn`` closes), or refuse at once.

    Raises:
        ProviderUnavailable: another load or change of the schema is running.
    """
    function = "pg_try_advisory_lock" if session else "pg_try_advisory_xact_lock"
    locked = conn.execute(f"SELECT {function}(%s)",
                          (schema_sql.lock_key(schema),)).fetchone()[0]
    if not locked:
        raise ProviderUnavailable(
            f"another load or change of the gazetteer schema {schema!r} is running; "
            "try again when it has finished", provider=_PROVIDER,
        )


def secondary_records(conn: Any, s: str, suffix: str, uprns: list[int] | None = None) -> None:
    """Record which rows are not their UPRN's preferred record (all, or of ``uprns``)."""
    if uprns is None:
        scope = (f"uprn IN (SELECT uprn FROM {s}.address{suffix} GROUP BY uprn "
                 "HAVING count(*) > 1)")
        params: tuple[Any, ...] = ()
    else:
        scope = "uprn = ANY(%s)"
        params = (uprns,)
    conn.execute(
        f"INSERT INTO {s}.address_secondary{suffix} (id) SELECT id FROM ("
        f"SELECT id, row_number() OVER (PARTITION BY uprn ORDER BY {_PREFERENCE}) AS position "
        f"FROM {s}.address{suffix} WHERE {scope}) AS ranked WHERE position > 1",
        params,
    )


_DELETABLE = re.compile(r"[a-z]{4,}")


def deletion_rows(terms: Iterable[str]) -> Iterator[tuple[str, str]]:
    """``(deletion, term)`` rows for typo correction: each term of four letters or more
    as itself, and each one-letter deletion of it, once each.

    >>> sorted(deletion_rows(["mill", "st"]))  # doctest: +NORMALIZE_WHITESPACE
    [('ill', 'mill'), ('mil', 'mill'), ('mill', 'mill'), ('mll', 'mill')]
    """
    for term in terms:
        if _DELETABLE.fullmatch(term):
            yield term, term
            for deletion in sorted({term[:i] + term[i + 1:] for i in range(len(term))}):
                yield deletion, term


def _copy_rows(conn: Any, table: str, columns: str, rows: Iterable[tuple[Any, ...]]) -> None:
    with conn.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _counted(counts: Counter[str]) -> Iterator[tuple[str, int]]:
    return ((token, docs) for token, docs in sorted(counts.items()) if docs > 0)


class PostgresLoad:
    """A load into one schema at ``dsn`` (a
    :class:`~lgds_components.address.loader.LoadTarget`); migrates the schema first."""

    #: Read a large file in a worker process: PostgreSQL stores the rows beside the
    #: loader, and builds the indexes after.
    worker = True

    def __init__(self, dsn: str, schema: str, *, source_format: str,
                 maintenance_work_mem: str = "512MB",
                 connect_kwargs: Mapping[str, Any] | None = None) -> None:
        self.dsn = dsn
        self.schema: str = schema_sql.check_schema_name(schema)
        self.source_format = source_format
        self.maintenance_work_mem = maintenance_work_mem
        self.connect_kwargs = connect_kwargs
        self.rows: AddressRows = AddressRows()
        # the records holding each word and prefix token (once the rows are in)
        self.word_counts: Counter[str] = Counter[str]()
        self.prefix_counts: Counter[str] = Counter[str]()
        # records that are not their UPRN's preferred one, while in UPRN order
        self.secondary: array.array[int] = array.array("q")
        self.runs: UprnRuns = UprnRuns(self._finished)
        # (first record id, file name) of each source, to name a duplicate's file
        self.sources: list[tuple[int, str]] = []

    def load(self, records: RecordStream, progress: Callable[[str, int], None]) -> int:
        """Store ``records`` in place of the schema's gazetteer; return how many were stored.

        Raises:
            ProviderUnavailable: the server cannot be reached, or another load or
                change of the schema is running.
        """
        with connect(self.dsn, self.connect_kwargs) as conn, \
                database_errors(f"cannot load into {safe_dsn(self.dsn)}"):
            schema_sql.migrate(conn, self.schema)
            take_lock(conn, self.schema, session=True)  # released as conn closes
            try:
                with conn.transaction():
                    loaded = self._copy(conn, records, progress)
                progress("indexing", loaded)
                clean = self._index(conn)
                with conn.transaction():
                    self._settings(conn)
                    loaded = self._finish(conn, records, loaded, clean)
                    # the last callback comes before the swap: the swap locks the live
                    # tables, and a callback reading them would wait for itself
                    progress("done", loaded)
                    self._swap(conn)
            except BaseException:
                self._drop_new(conn)
                raise
        return loaded

    def _settings(self, conn: Any) -> None:
        """The load's memory for index builds and sorts, for this transaction."""
        conn.execute("SELECT set_config('maintenance_work_mem', %s, true), "
                     "set_config('work_mem', '256MB', true)", (self.maintenance_work_mem,))

    def _drop_new(self, conn: Any) -> None:
        """Drop the new tables of a load that failed (when the connection still works)."""
        if conn.closed or conn.broken:
            return
        with contextlib.suppress(Exception):
            conn.execute("DROP TABLE IF EXISTS " + ", ".join(
                f"{self.schema}.{table}_new" for table in schema_sql.LIVE_TABLES))

    def _copy(self, conn: Any, records: RecordStream,
              progress: Callable[[str, int], None]) -> int:
        """New tables (no indexes yet), and the records copied in; how many."""
        s = self.schema
        for table in schema_sql.LIVE_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {s}.{table}_new")
        for statement in schema_sql.create_statements(s, "_new"):
            conn.execute(statement)
        loaded = 0
        source = ""
        take, row = self.runs.take, self.rows.row
        with copy_addresses(conn, f"{s}.address_new", freeze=True) as copy:
            write = copy.write_row
            for record in records:
                if record.source is not source:
                    source = record.source
                    self.sources.append((record.id, source))
                if not take(record):
                    records.reject(duplicate(record, records.sources))
                    continue
                write(row(record))
                loaded += 1
                if loaded % _REPORT_EVERY == 0:
                    progress("reading", loaded)
        self.word_counts, self.prefix_counts = self.rows.counts()
        self.runs.finish()
        return loaded

    def _finished(self, records: list[Record]) -> None:
        """A UPRN is complete (in UPRN order): note its records that are not preferred."""
        if len(records) > 1:
            best = min(records, key=preference)
            self.secondary.extend(record.id for record in records if record is not best)

    def _index(self, conn: Any) -> bool:
        """Build ``address_new``'s indexes: the words index on a second connection while
        ``conn`` builds the B-tree indexes and, unless the approved-record index finds
        duplicates, writes the vocabulary. Whether it found none."""
        with connect(self.dsn, self.connect_kwargs) as other, \
                ThreadPoolExecutor(1, thread_name_prefix="lgds-words-index") as pool:
            words = pool.submit(self._in_transaction, other,
                                schema_sql.words_index(self.schema, "_new"))
            try:
                for statement in schema_sql.lookup_indexes(self.schema, "_new"):
                    self._in_transaction(conn, statement)
                clean = self._approved_index(conn)
                if clean:
                    self._vocabulary(conn)
            except BaseException:
                other.cancel_safe()
                with contextlib.suppress(Exception):
                    words.result()
                raise
            words.result()
        return clean

    def _in_transaction(self, conn: Any, statement: str) -> None:
        with conn.transaction():
            self._settings(conn)
            conn.execute(statement)

    def _approved_index(self, conn: Any) -> bool:
        """Build the unique approved-record index; False if there are duplicates (in
        UPRN order the load refused them already)."""
        import psycopg

        try:
            self._in_transaction(conn, schema_sql.approved_index(self.schema, "_new"))
        except psycopg.errors.UniqueViolation:
            return False
        return True

    def _vocabulary(self, conn: Any) -> None:
        """The preferred records, vocabulary, typo deletions and prefix counts, and the
        keys of their tables."""
        s = self.schema
        if self.runs.in_order:
            _copy_rows(conn, f"{s}.address_secondary_new", "id",
                       ((identifier,) for identifier in self.secondary))
        else:
            secondary_records(conn, s, "_new")
        _copy_rows(conn, f"{s}.address_term_new", "term, docs", _counted(self.word_counts))
        _copy_rows(conn, f"{s}.address_term_delete_new", "deletion, term",
                   deletion_rows(term for term, docs in self.word_counts.items() if docs > 0))
        _copy_rows(conn, f"{s}.address_prefix_new", "token, docs", _counted(self.prefix_counts))
        for statement in schema_sql.table_keys(s, "_new"):
            conn.execute(statement)

    def _finish(self, conn: Any, records: RecordStream, loaded: int, clean: bool) -> int:
        """The primary key, duplicates (unless ``clean``) and then the vocabulary,
        statistics, meta; how many rows remain."""
        s = self.schema
        conn.execute(schema_sql.primary_key(s, "_new"))
        if not clean:
            loaded -= self._drop_duplicates(conn, records)
            self._vocabulary(conn)
        conn.execute(f"ANALYZE {s}.address_new")
        self._meta(conn, records, loaded)
        for table in schema_sql.LIVE_TABLES[1:]:
            conn.execute(f"ANALYZE {s}.{table}_new")
        return loaded

    def _meta(self, conn: Any, records: RecordStream, loaded: int) -> None:
        s = self.schema
        preferred = loaded - conn.execute(
            f"SELECT count(*) FROM {s}.address_secondary_new").fetchone()[0]
        ordered = conn.execute(f"SELECT coalesce(max(id), 0) FROM {s}.address_new").fetchone()[0]
        meta = {
            "source": ", ".join(path.name for path in records.sources),
            "source_format": self.source_format,
            "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "rows": str(loaded),
            "addresses": str(preferred),
            "ordered_until": str(ordered),
            "statuses": ",".join(str(code) for code in sorted(records.statuses)),
            "classifications": ",".join(records.classifications)
            if records.classifications is not None else "*",
        }
        with conn.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {s}.gazetteer_meta_new (key, value) VALUES (%s, %s)",
                               list(meta.items()))

    def _drop_duplicates(self, conn: Any, records: RecordStream) -> int:
        """Fail on a second approved record for a UPRN and language, or drop all but the
        first of each (``on_error="skip"``) and uncount their words; then build the
        unique approved-record index. Returns how many were dropped."""
        duplicates = conn.execute(
            f"SELECT id, line FROM (SELECT id, line, row_number() OVER "
            f"(PARTITION BY uprn, language ORDER BY id) AS position FROM {self.schema}.address_new "
            "WHERE logical_status = 1) AS ranked WHERE position > 1 ORDER BY id"
        ).fetchall()
        firsts = [first for first, _ in self.sources]
        for identifier, line in duplicates:
            source = self.sources[bisect.bisect_right(firsts, identifier) - 1][1]
            records.reject(InvalidFormat(DUPLICATE, field="uprn", line=line,
                                         source=source_in_errors(records.sources, source)))
        for (body,) in conn.execute(
            f"DELETE FROM {self.schema}.address_new WHERE id = ANY(%s) RETURNING body",
            ([identifier for identifier, _ in duplicates],)):
            words = body.split()
            self.word_counts.subtract(words)
            self.prefix_counts.subtract(prefix_tokens(words))
        conn.execute(schema_sql.approved_index(self.schema, "_new"))
        return len(duplicates)

    def _swap(self, conn: Any) -> None:
        """Lock the live tables in the readers' order, drop them, rename the new ones."""
        s = self.schema
        conn.execute("SET LOCAL lock_timeout = '60s'")
        conn.execute(schema_sql.lock_statement(s))
        conn.execute("DROP TABLE " + ", ".join(f"{s}.{table}" for table in schema_sql.LOCK_ORDER))
        for statement in schema_sql.rename_statements(s, "_new"):
            conn.execute(statement)

