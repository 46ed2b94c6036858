"""Loading the PostgreSQL store: records copied into new tables, indexed, swapped in (internal).

A load runs in one transaction on its own connection: the records stream
from the shared record reader into ``address_new`` with ``COPY ... FREEZE``;
then the indexes are built, duplicates checked, the preferred records, the
vocabulary and its typo deletions worked out in SQL; then the six live
tables are locked (in :data:`~lgds_components.address.stores.postgres_schema.LOCK_ORDER`,
so readers wait rather than deadlock), dropped, and the new ones renamed,
and the transaction commits. Readers see the old gazetteer until that commit
and the new one after it; a failure at any point rolls everything back.

Rows are written in id order into a table created in the same transaction,
so the table's physical order is id order. Search relies on that (see
:mod:`~lgds_components.address.stores.postgres`); change-only updates never
rewrite a loaded row in place (an update deletes and inserts with a new,
larger id).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import time
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, Final

from lgds_components.address.ranking import PREFIX_INDEXED
from lgds_components.address.records.contract import ADDRESS_FIELDS, Record, source_in_errors
from lgds_components.address.records.reader import RecordReader
from lgds_components.address.stores import postgres_schema as schema_sql
from lgds_components.address.stores.postgres import connect, database_errors, safe_dsn
from lgds_components.errors import InvalidFormat, ProviderUnavailable

__all__ = ["PostgresLoad", "address_row", "prefix_tokens", "secondary_records", "take_lock"]

_PROVIDER = "postgres"
_FIELDS: Final = len(ADDRESS_FIELDS)
_REPORT_EVERY = 5000
_DUPLICATE = "duplicate approved record for this UPRN and language"
_PREFERENCE: Final = "logical_status <> 1, language <> 'en', logical_status, id"


def prefix_tokens(words: list[str]) -> str:
    """The prefix tokens of ``words`` as stored in ``prefixes``: each word's first one,
    two and three characters with ``*``, once each, every token followed by a space.

    >>> prefix_tokens(["high", "st", "1"])
    'h* hi* hig* s* st* 1* '
    """
    return "".join(dict.fromkeys(itertools.chain.from_iterable(map(_word_prefixes, words))))


@functools.lru_cache(maxsize=65536)
def _word_prefixes(word: str) -> tuple[str, ...]:
    """``word``'s prefix tokens as stored, each with its trailing space (words repeat:
    a load meets the same street and town names many times)."""
    return tuple(f"{word[:size]}* " for size in range(1, min(len(word), PREFIX_INDEXED) + 1))


def address_row(record: Record) -> tuple[Any, ...]:
    """``record`` as a row of ``address`` (the columns of
    :data:`~lgds_components.address.stores.postgres_schema.ADDRESS_INSERT`)."""
    words = record.words
    return (
        record.id, f" {words} ", prefix_tokens(words.split()), *record[1:_FIELDS + 1],
        record.postcode_key, record.sort_key.encode("utf-8"), record.search, record.line,
    )


def take_lock(conn: Any, schema: str) -> None:
    """Take the schema's write lock for this transaction, or refuse at once.

    Raises:
        ProviderUnavailable: another load or change of the schema is running.
    """
    locked = conn.execute("SELECT pg_try_advisory_xact_lock(%s)",
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


def _build_vocabulary(conn: Any, s: str, suffix: str) -> None:
    """The words of ``address<suffix>`` with document counts, and their deletions."""
    conn.execute(
        f"INSERT INTO {s}.address_term{suffix} (term, docs) "
        f"SELECT word, count(*) FROM {s}.address{suffix}, "
        "unnest(string_to_array(btrim(body), ' ')) AS word WHERE word <> '' GROUP BY word"
    )
    conn.execute(
        f"INSERT INTO {s}.address_term_delete{suffix} (deletion, term) "
        f"SELECT term, term FROM {s}.address_term{suffix} "
        "WHERE length(term) >= 4 AND term ~ '^[a-z]+$' "
        "UNION ALL "
        "SELECT DISTINCT left(term, i - 1) || substr(term, i + 1), term "
        f"FROM {s}.address_term{suffix}, generate_series(1, length(term)) AS i "
        "WHERE length(term) >= 4 AND term ~ '^[a-z]+$'"
    )


def _copy_counts(conn: Any, table: str, counts: Counter[str]) -> None:
    with conn.cursor() as cursor, cursor.copy(f"COPY {table} (token, docs) FROM STDIN") as copy:
        for token, docs in sorted(counts.items()):
            if docs > 0:
                copy.write_row((token, docs))


class PostgresLoad:
    """A load into one schema at ``dsn`` (a
    :class:`~lgds_components.address.loader.LoadTarget`); migrates the schema first."""

    def __init__(self, dsn: str, schema: str, *, source_format: str,
                 maintenance_work_mem: str = "512MB",
                 connect_kwargs: Mapping[str, Any] | None = None) -> None:
        self.dsn = dsn
        self.schema: str = schema_sql.check_schema_name(schema)
        self.source_format = source_format
        self.maintenance_work_mem = maintenance_work_mem
        self.connect_kwargs = connect_kwargs
        self.prefix_counts: Counter[str] = Counter[str]()
        # (first record id, file name) of each source, to name a duplicate's file
        self.sources: list[tuple[int, str]] = []

    def load(self, records: RecordReader, progress: Callable[[str, int], None]) -> int:
        """Store ``records`` in place of the schema's gazetteer; return how many were stored.

        Raises:
            ProviderUnavailable: the server cannot be reached, or another load or
                change of the schema is running.
        """
        with connect(self.dsn, self.connect_kwargs) as conn, \
                database_errors(f"cannot load into {safe_dsn(self.dsn)}"):
            schema_sql.migrate(conn, self.schema)
            with conn.transaction():
                take_lock(conn, self.schema)
                conn.execute("SELECT set_config('maintenance_work_mem', %s, true), "
                             "set_config('work_mem', '256MB', true)",
                             (self.maintenance_work_mem,))
                loaded = self._copy(conn, records, progress)
                progress("indexing", loaded)
                loaded = self._index(conn, records, loaded)
                # the last callback comes before the swap: the swap locks the live
                # tables, and a callback reading them would wait for itself
                progress("done", loaded)
                self._swap(conn)
        return loaded

    def _copy(self, conn: Any, records: RecordReader,
              progress: Callable[[str, int], None]) -> int:
        """New tables, and the records copied into ``address_new``; how many."""
        s = self.schema
        for table in schema_sql.LIVE_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {s}.{table}_new")
        for statement in schema_sql.create_statements(s, "_new"):
            conn.execute(statement)
        columns = ", ".join(schema_sql.ADDRESS_INSERT)
        loaded = 0
        counts = self.prefix_counts
        source = ""
        with conn.cursor() as cursor, cursor.copy(
            f"COPY {s}.address_new ({columns}) FROM STDIN WITH (FREEZE)"
        ) as copy:
            for record in records:
                if record.source is not source:
                    source = record.source
                    self.sources.append((record.id, source))
                row = address_row(record)
                counts.update(row[2].split())
                copy.write_row(row)
                loaded += 1
                if loaded % _REPORT_EVERY == 0:
                    progress("reading", loaded)
        return loaded

    def _index(self, conn: Any, records: RecordReader, loaded: int) -> int:
        """Indexes, duplicates, preferred records, vocabulary, meta; how many rows remain."""
        s = self.schema
        indexes = schema_sql.index_statements(s, "_new")
        for (prefixes,) in self._drop_duplicates(conn, indexes[0], records):
            self.prefix_counts.subtract(prefixes.split())
            loaded -= 1
        _copy_counts(conn, f"{s}.address_prefix_new", self.prefix_counts)
        conn.execute(f"ANALYZE {s}.address_new")
        for statement in indexes[1:]:
            conn.execute(statement)
        secondary_records(conn, s, "_new")
        _build_vocabulary(conn, s, "_new")
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
        for table in schema_sql.LIVE_TABLES[1:]:
            conn.execute(f"ANALYZE {s}.{table}_new")
        return loaded

    def _drop_duplicates(self, conn: Any, unique_index: str,
                         records: RecordReader) -> list[tuple[str]]:
        """Build the unique approved-record index; on duplicates fail, or drop all but the
        first of each (``on_error="skip"``). Returns the dropped rows' prefix tokens."""
        import psycopg

        try:
            with conn.transaction():
                conn.execute(unique_index)
            return []
        except psycopg.errors.UniqueViolation:
            pass
        duplicates = conn.execute(
            f"SELECT id, line FROM (SELECT id, line, row_number() OVER "
            f"(PARTITION BY uprn, language ORDER BY id) AS position FROM {self.schema}.address_new "
            "WHERE logical_status = 1) AS ranked WHERE position > 1 ORDER BY id"
        ).fetchall()
        firsts = [first for first, _ in self.sources]
        for identifier, line in duplicates:
            source = self.sources[bisect.bisect_right(firsts, identifier) - 1][1]
            records.reject(InvalidFormat(_DUPLICATE, field="uprn", line=line,
                                         source=source_in_errors(records.sources, source)))
        dropped = conn.execute(
            f"DELETE FROM {self.schema}.address_new WHERE id = ANY(%s) RETURNING prefixes",
            ([identifier for identifier, _ in duplicates],)).fetchall()
        conn.execute(unique_index)
        return dropped  # type: ignore[no-any-return]

    def _swap(self, conn: Any) -> None:
        """Lock the live tables in the readers' order, drop them, rename the new ones."""
        s = self.schema
        conn.execute("SET LOCAL lock_timeout = '60s'")
        conn.execute(schema_sql.lock_statement(s))
        conn.execute("DROP TABLE " + ", ".join(f"{s}.{table}" for table in schema_sql.LOCK_ORDER))
        for statement in schema_sql.rename_statements(s, "_new"):
            conn.execute(statement)
