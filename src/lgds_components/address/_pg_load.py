"""Bulk loads and change-only updates for the PostgreSQL gazetteer (private).

A load runs in one transaction on its own connection: the CSV streams through
the SQLite loader's row reader into ``address_new`` with ``COPY ... FREEZE``;
then the indexes are built, duplicates checked, the preferred records, the
vocabulary and its typo deletions worked out in SQL; then the old tables are
dropped and the new ones renamed, and the transaction commits. Readers see
the old gazetteer until that commit and the new one after it; a failure at
any point rolls everything back.

Rows are written in id order into a table created in the same transaction,
so the table's physical order is id order. Search relies on that (see
``postgres.py``); change-only updates never rewrite a loaded row in place
(an update deletes and inserts with a new, larger id).
"""

from __future__ import annotations

import functools
import itertools
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from lgds_components.address import _pg_schema as schema_sql
from lgds_components.address import loader
from lgds_components.address.changes import Change, ChangeReport, changes_from, read_changes
from lgds_components.address.loader import LoadProgress, LoadReport, index_tokens
from lgds_components.address.model import Address, _unchecked
from lgds_components.address.ranking import PREFIX_INDEXED
from lgds_components.address.scoring import search_text
from lgds_components.errors import (
    InvalidFormat,
    MissingValue,
    ProviderUnavailable,
)

__all__ = ["apply_changes", "load", "prefix_tokens"]

_PROVIDER = "postgres"
_REPORT_EVERY = 5000
_ADDRESS_INSERT = (
    "id", "body", "prefixes", *schema_sql.ADDRESS_COLUMNS, "postcode_key", "sort_key", "search",
    "line",
)
_PREFERENCE = "logical_status <> 1, language <> 'en', logical_status, id"


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


def _row(identifier: int, line: int | None, values: tuple[Any, ...], address: Address) -> tuple:
    words = index_tokens(address)
    return (
        identifier,
        f" {words} ",
        prefix_tokens(words.split()),
        *values,
        address.postcode.replace(" ", ""),
        address.sort_key().encode("utf-8"),
        search_text(address),
        line,
    )


def _values(address: Address) -> tuple[Any, ...]:
    return tuple(getattr(address, name) for name in schema_sql.ADDRESS_COLUMNS)


def _lock(conn: Any, schema: str) -> None:
    locked = conn.execute("SELECT pg_try_advisory_xact_lock(%s)",
                          (schema_sql.lock_key(schema),)).fetchone()[0]
    if not locked:
        raise ProviderUnavailable(
            f"another load or change of the gazetteer schema {schema!r} is running; "
            "try again when it has finished", provider=_PROVIDER,
        )


def _has_nul(values: tuple[Any, ...]) -> str | None:
    if "\x00" not in "".join([value for value in values if value.__class__ is str]):
        return None
    for name, value in zip(schema_sql.ADDRESS_COLUMNS, values, strict=True):
        if isinstance(value, str) and "\x00" in value:
            return name
    return None


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


def _secondary(conn: Any, s: str, suffix: str, uprns: list[int] | None = None) -> None:
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


def load(
    conn: Any,
    schema: str,
    source_csv: str | os.PathLike[str],
    *,
    format: str = "addressbase",
    mapping: Mapping[str, str | None] | None = None,
    statuses: Iterable[str | int] = ("approved",),
    classifications: Iterable[str] | None = None,
    on_error: str = "fail",
    progress: Callable[[LoadProgress], object] | None = None,
    maintenance_work_mem: str = "512MB",
) -> LoadReport:
    """Load a CSV into ``schema`` on ``conn`` (autocommit, migrated); see PostgresGazetteer.load."""
    started = time.perf_counter()
    s = schema_sql.check_schema_name(schema)
    loaded = 0
    prefix_counts = Counter[str]()
    with loader.CsvRecords(source_csv, format=format, mapping=mapping, statuses=statuses,
                           classifications=classifications, on_error=on_error) as records:

        def report(phase: str) -> None:
            if progress is not None:
                progress(records.progress(phase, loaded))

        with conn.transaction():
            _lock(conn, s)
            conn.execute("SELECT set_config('maintenance_work_mem', %s, true), "
                         "set_config('work_mem', '256MB', true)", (maintenance_work_mem,))
            for table in schema_sql.LIVE_TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {s}.{table}_new")
            for statement in schema_sql.create_statements(s, "_new"):
                conn.execute(statement)
            columns = ", ".join(_ADDRESS_INSERT)
            with conn.cursor() as cursor, cursor.copy(
                f"COPY {s}.address_new ({columns}) FROM STDIN WITH (FREEZE)"
            ) as copy:
                for line, values in records:
                    bad = _has_nul(values)
                    if bad is not None:
                        records.reject(InvalidFormat(f"{bad} contains a NUL character",
                                                     field=bad, line=line))
                        continue
                    loaded += 1
                    row = _row(loaded, line, values, _unchecked(values))
                    prefix_counts.update(row[2].split())
                    copy.write_row(row)
                    if loaded % _REPORT_EVERY == 0:
                        report("reading")
            report("indexing")
            indexes = schema_sql.index_statements(s, "_new")
            for (prefixes,) in _drop_duplicates(conn, s, indexes[0], records):
                prefix_counts.subtract(prefixes.split())
                loaded -= 1
            _copy_counts(conn, f"{s}.address_prefix_new", prefix_counts)
            conn.execute(f"ANALYZE {s}.address_new")
            for statement in indexes[1:]:
                conn.execute(statement)
            _secondary(conn, s, "_new")
            _build_vocabulary(conn, s, "_new")
            preferred = loaded - conn.execute(
                f"SELECT count(*) FROM {s}.address_secondary_new").fetchone()[0]
            ordered = conn.execute(
                f"SELECT coalesce(max(id), 0) FROM {s}.address_new").fetchone()[0]
            meta = {
                "source": records.path.name,
                "source_format": format,
                "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "rows": str(loaded),
                "addresses": str(preferred),
                "ordered_until": str(ordered),
                "statuses": ",".join(str(code) for code in sorted(records.statuses)),
                "classifications": ",".join(records.classifications)
                if records.classifications is not None else "*",
            }
            with conn.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {s}.gazetteer_meta_new (key, value) VALUES (%s, %s)",
                    list(meta.items()),
                )
            for table in schema_sql.LIVE_TABLES[1:]:
                conn.execute(f"ANALYZE {s}.{table}_new")
            # the last callback comes before the swap: the swap locks the live
            # tables, and a callback reading them would wait for itself
            report("done")
            conn.execute("SET LOCAL lock_timeout = '60s'")
            conn.execute("DROP TABLE IF EXISTS " + ", ".join(
                f"{s}.{table}" for table in schema_sql.LIVE_TABLES))
            for statement in schema_sql.rename_statements(s, "_new"):
                conn.execute(statement)
    return records.report(loaded, time.perf_counter() - started)


def _drop_duplicates(
    conn: Any, s: str, unique_index: str, records: loader.CsvRecords
) -> list[tuple[str]]:
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
        f"(PARTITION BY uprn, language ORDER BY id) AS position FROM {s}.address_new "
        "WHERE logical_status = 1) AS ranked WHERE position > 1 ORDER BY id"
    ).fetchall()
    message = "duplicate approved record for this UPRN and language"
    for _, line in duplicates:
        records.reject(InvalidFormat(message, field="uprn", line=line))
    dropped = conn.execute(f"DELETE FROM {s}.address_new WHERE id = ANY(%s) RETURNING prefixes",
                           ([identifier for identifier, _ in duplicates],)).fetchall()
    conn.execute(unique_index)
    return dropped


def _copy_counts(conn: Any, table: str, counts: Counter[str]) -> None:
    with conn.cursor() as cursor, cursor.copy(f"COPY {table} (token, docs) FROM STDIN") as copy:
        for token, docs in sorted(counts.items()):
            if docs > 0:
                copy.write_row((token, docs))


# -- change-only updates -----------------------------------------------------------


def _meta(conn: Any, s: str) -> dict[str, str]:
    return dict(conn.execute(f"SELECT key, value FROM {s}.gazetteer_meta").fetchall())


def _keeps(meta: Mapping[str, str], address: Address) -> bool:
    """Whether the gazetteer's load filters keep ``address``."""
    statuses = {int(code) for code in meta.get("statuses", "1").split(",") if code}
    if address.logical_status not in statuses:
        return False
    prefixes = meta.get("classifications", "*")
    if prefixes == "*":
        return True
    return address.classification.upper().startswith(tuple(prefixes.split(",")))


class _Plan:
    """The net effect of a batch of changes, worked out before anything is written."""

    def __init__(self, existing: dict[int, list[tuple[int, str, int]]]) -> None:
        self.existing = existing          # uprn -> [(id, language, status)] still present
        self.delete_ids: list[int] = []
        self.new: dict[int, list[tuple[int, Address]]] = defaultdict(list)
        self.counts = Counter[str]()

    def _take_existing(self, uprn: int, language: str | None) -> int:
        kept, taken = [], 0
        for record in self.existing.get(uprn, []):
            if language is None or record[1] == language:
                self.delete_ids.append(record[0])
                taken += 1
            else:
                kept.append(record)
        self.existing[uprn] = kept
        return taken

    def _take_new(self, uprn: int, language: str | None) -> int:
        before = self.new.get(uprn, [])
        after = [item for item in before if language is not None
                 and item[1].language != language]
        self.new[uprn] = after
        return len(before) - len(after)

    def add(self, change: Change, keep: bool) -> None:
        line = change.line or 0
        uprn = change.uprn
        if change.action == "delete":
            if not (self._take_existing(uprn, None) + self._take_new(uprn, None)):
                raise InvalidFormat(f"no address with UPRN {uprn} to delete", field="uprn",
                                    line=line)
            self.counts["deleted"] += 1
            return
        address = change.address
        if address is None:
            raise MissingValue(f"an {change.action} needs the Address record",
                               field="address", line=line)
        if change.action == "update":
            language = address.language
            if not (self._take_existing(uprn, language) + self._take_new(uprn, language)):
                raise InvalidFormat(
                    f"no address with UPRN {uprn} in language {language!r} to update; "
                    "send it as an insert", field="uprn", line=line,
                )
            self.counts["updated"] += 1
        else:
            if address.logical_status == 1 and (
                any(r[1] == address.language and r[2] == 1 for r in self.existing.get(uprn, []))
                or any(a.language == address.language and a.logical_status == 1
                       for _, a in self.new.get(uprn, []))
            ):
                raise InvalidFormat(
                    f"UPRN {uprn} already has an approved record in language "
                    f"{address.language!r}; send it as an update", field="uprn", line=line,
                )
            self.counts["inserted"] += 1
        if keep:
            self.new[uprn].append((line, address))
        else:
            self.counts["filtered"] += 1


def apply_changes(
    conn: Any, schema: str, changes: str | os.PathLike[str] | Iterable[Change | tuple[str, Any]],
    *, format: str = "addressbase", mapping: Mapping[str, str | None] | None = None,
    change_column: str = "change_type",
) -> ChangeReport:
    """Apply a batch of changes in one transaction on ``conn`` (autocommit)."""
    started = time.perf_counter()
    s = schema_sql.check_schema_name(schema)
    if isinstance(changes, (str, os.PathLike)):
        items: Iterator[Change] = read_changes(changes, format=format,  # type: ignore[arg-type]
                                               mapping=mapping, change_column=change_column)
    else:
        items = changes_from(changes)
    batch = list(items)  # every row is read and checked before anything is written
    with conn.transaction():
        _lock(conn, s)
        meta = _meta(conn, s)
        touched = sorted({change.uprn for change in batch})
        existing: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
        for start in range(0, len(touched), 10_000):
            for identifier, uprn, language, status in conn.execute(
                f"SELECT id, uprn, language, logical_status FROM {s}.address "
                "WHERE uprn = ANY(%s) ORDER BY id", (touched[start:start + 10_000],),
            ):
                existing[uprn].append((identifier, language, status))
        plan = _Plan(existing)
        for change in batch:
            plan.add(change, change.address is not None and _keeps(meta, change.address))
        before = _preferred_count(conn, s, touched)
        removed = Counter[str]()
        removed_prefixes = Counter[str]()
        if plan.delete_ids:
            for body, prefixes in conn.execute(
                f"DELETE FROM {s}.address WHERE id = ANY(%s) RETURNING body, prefixes",
                (plan.delete_ids,),
            ):
                removed.update(body.split())
                removed_prefixes.update(prefixes.split())
            conn.execute(f"DELETE FROM {s}.address_secondary WHERE id = ANY(%s)",
                         (plan.delete_ids,))
        added = Counter[str]()
        added_prefixes = Counter[str]()
        new_rows = sorted((item for rows in plan.new.values() for item in rows),
                          key=lambda item: item[0])
        if new_rows:
            top = conn.execute(f"SELECT coalesce(max(id), 0) FROM {s}.address").fetchone()[0]
            columns = ", ".join(_ADDRESS_INSERT)
            with conn.cursor() as cursor, cursor.copy(
                f"COPY {s}.address ({columns}) FROM STDIN"
            ) as copy:
                for offset, (line, address) in enumerate(new_rows, start=1):
                    row = _row(top + offset, line or None, _values(address), address)
                    added.update(row[1].split())
                    added_prefixes.update(row[2].split())
                    copy.write_row(row)
        conn.execute(
            f"DELETE FROM {s}.address_secondary WHERE id IN "
            f"(SELECT id FROM {s}.address WHERE uprn = ANY(%s))", (touched,),
        )
        _secondary(conn, s, "", touched)
        _update_vocabulary(conn, s, added, removed)
        _update_prefixes(conn, s, added_prefixes, removed_prefixes)
        after = _preferred_count(conn, s, touched)
        updates = {
            "addresses": str(int(meta.get("addresses", "0")) + after - before),
            "rows": str(int(meta.get("rows", "0")) + len(new_rows) - len(plan.delete_ids)),
            "changed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        with conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {s}.gazetteer_meta (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                list(updates.items()),
            )
    return ChangeReport(
        rows_read=len(batch),
        inserted=plan.counts["inserted"],
        updated=plan.counts["updated"],
        deleted=plan.counts["deleted"],
        filtered=plan.counts["filtered"],
        seconds=time.perf_counter() - started,
    )


def _preferred_count(conn: Any, s: str, uprns: list[int]) -> int:
    if not uprns:
        return 0
    return int(conn.execute(f"SELECT count(DISTINCT uprn) FROM {s}.address WHERE uprn = ANY(%s)",
                            (uprns,)).fetchone()[0])


def _update_prefixes(conn: Any, s: str, added: Counter[str], removed: Counter[str]) -> None:
    delta = Counter(added)
    delta.subtract(removed)
    tokens = sorted(token for token, count in delta.items() if count)
    if not tokens:
        return
    conn.execute(
        f"INSERT INTO {s}.address_prefix (token, docs) "
        "SELECT * FROM unnest(%s::text[], %s::integer[]) "
        "ON CONFLICT (token) DO UPDATE SET docs = address_prefix.docs + EXCLUDED.docs",
        (tokens, [delta[token] for token in tokens]),
    )
    conn.execute(f"DELETE FROM {s}.address_prefix WHERE token = ANY(%s) AND docs <= 0",
                 (tokens,))


def _update_vocabulary(conn: Any, s: str, added: Counter[str], removed: Counter[str]) -> None:
    delta = Counter(added)
    delta.subtract(removed)
    changed = {term: count for term, count in delta.items() if count}
    if not changed:
        return
    terms = sorted(changed)
    known = {term for (term,) in conn.execute(
        f"SELECT term FROM {s}.address_term WHERE term = ANY(%s)", (terms,))}
    conn.execute(
        f"INSERT INTO {s}.address_term (term, docs) "
        "SELECT * FROM unnest(%s::text[], %s::integer[]) "
        "ON CONFLICT (term) DO UPDATE SET docs = address_term.docs + EXCLUDED.docs",
        (terms, [changed[term] for term in terms]),
    )
    gone = [term for (term,) in conn.execute(
        f"DELETE FROM {s}.address_term WHERE term = ANY(%s) AND docs <= 0 RETURNING term",
        (terms,))]
    if gone:
        conn.execute(f"DELETE FROM {s}.address_term_delete WHERE term = ANY(%s)", (gone,))
    fresh = [term for term in terms if term not in known and changed[term] > 0
             and len(term) >= 4 and term.isascii() and term.isalpha()]
    if fresh:
        rows = []
        for term in fresh:
            rows.append((term, term))
            rows.extend((deletion, term) for deletion in
                        sorted({term[:i] + term[i + 1:] for i in range(len(term))}))
        with conn.cursor() as cursor, cursor.copy(
            f"COPY {s}.address_term_delete (deletion, term) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
