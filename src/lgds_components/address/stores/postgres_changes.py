"""Change-only updates to the PostgreSQL store: inserts, updates and deletes by UPRN (internal).

A batch of changes (see :mod:`lgds_components.address.changes`) is read and
checked in full, then applied in one transaction holding the schema's write
lock: the net effect is planned first (:class:`_Plan`), records are deleted
and inserted (an update deletes and inserts with a new, larger id, so loaded
rows keep their physical id order), each touched UPRN's preferred record is
worked out again, and the vocabulary, prefix counts and meta are adjusted.
"""

from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from lgds_components.address.changes import Change, ChangeReport, changes_from, read_changes
from lgds_components.address.model import Address
from lgds_components.address.records.contract import record_of
from lgds_components.address.stores import postgres_schema as schema_sql
from lgds_components.address.stores.postgres_load import (
    AddressRows,
    copy_addresses,
    deletion_rows,
    prefix_tokens,
    secondary_records,
    take_lock,
)
from lgds_components.errors import InvalidFormat, MissingValue

__all__ = ["apply_changes"]


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
        if change.action == "replace":
            if self._take_existing(uprn, None) + self._take_new(uprn, None):
                self.counts["updated"] += 1
            return
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
        take_lock(conn, s)
        meta = _meta(conn, s)
        touched = sorted({change.uprn for change in batch})
        plan = _Plan(_existing(conn, s, touched))
        for change in batch:
            plan.add(change, change.address is not None and _keeps(meta, change.address))
        before = _preferred_count(conn, s, touched)
        removed, removed_prefixes = _delete(conn, s, plan.delete_ids)
        new_rows = sorted((item for rows in plan.new.values() for item in rows),
                          key=lambda item: item[0])
        added, added_prefixes = _insert(conn, s, new_rows)
        conn.execute(
            f"DELETE FROM {s}.address_secondary WHERE id IN "
            f"(SELECT id FROM {s}.address WHERE uprn = ANY(%s))", (touched,),
        )
        secondary_records(conn, s, "", touched)
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
        rows_read=len(batch), inserted=plan.counts["inserted"], updated=plan.counts["updated"],
        deleted=plan.counts["deleted"], filtered=plan.counts["filtered"],
        seconds=time.perf_counter() - started,
    )


def _existing(conn: Any, s: str, uprns: list[int]) -> dict[int, list[tuple[int, str, int]]]:
    """uprn -> [(id, language, status)] of the records the gazetteer holds for ``uprns``."""
    existing: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for start in range(0, len(uprns), 10_000):
        for identifier, uprn, language, status in conn.execute(
            f"SELECT id, uprn, language, logical_status FROM {s}.address "
            "WHERE uprn = ANY(%s) ORDER BY id", (uprns[start:start + 10_000],),
        ):
            existing[uprn].append((identifier, language, status))
    return existing


def _delete(conn: Any, s: str, ids: list[int]) -> tuple[Counter[str], Counter[str]]:
    """Delete records ``ids``; the words and prefix tokens they held."""
    removed = Counter[str]()
    removed_prefixes = Counter[str]()
    if ids:
        for (body,) in conn.execute(
            f"DELETE FROM {s}.address WHERE id = ANY(%s) RETURNING body", (ids,)
        ):
            words = body.split()
            removed.update(words)
            removed_prefixes.update(prefix_tokens(words))
        conn.execute(f"DELETE FROM {s}.address_secondary WHERE id = ANY(%s)", (ids,))
    return removed, removed_prefixes


def _insert(conn: Any, s: str,
            new_rows: list[tuple[int, Address]]) -> tuple[Counter[str], Counter[str]]:
    """Insert ``(line, address)`` rows after the last id; the words and prefix tokens added."""
    rows = AddressRows()
    if new_rows:
        top = conn.execute(f"SELECT coalesce(max(id), 0) FROM {s}.address").fetchone()[0]
        with copy_addresses(conn, f"{s}.address") as copy:
            for offset, (line, address) in enumerate(new_rows, start=1):
                row = rows.row(record_of(address, top + offset, line or 0))
                copy.write_row(row if line else (*row[:-1], None))
    return rows.counts()


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
    fresh = [term for term in terms if term not in known and changed[term] > 0]
    if fresh:
        with conn.cursor() as cursor, cursor.copy(
            f"COPY {s}.address_term_delete (deletion, term) FROM STDIN"
        ) as copy:
            for row in deletion_rows(fresh):
                copy.write_row(row)
