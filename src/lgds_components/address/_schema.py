"""The gazetteer's SQLite schema (private).

``address`` holds one row per LPI record (a UPRN has one row per language and
logical status loaded). ``address_fts`` is a contentless FTS5 index over
normalised tokens, keyed by ``address.id``. ``address_term`` lists every word
in the index with its document count, and ``address_term_delete`` maps each
word's one-letter deletions back to the word (typo correction by symmetric
deletion). ``gazetteer_meta`` records what was loaded and when.

A load builds every table under a ``_new`` name in one transaction, then drops
the old tables and renames the new ones in the same transaction, so readers
see either the old gazetteer or the new one, never a mixture.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "ADDRESS_COLUMNS",
    "FORMAT_VERSION",
    "TABLES",
    "approved_index",
    "create_tables",
    "finish_tables",
    "in_language",
    "one_per_uprn_in_language",
]

FORMAT_VERSION = "1"

#: Columns of ``address`` holding :class:`Address` fields, in attrs field order.
ADDRESS_COLUMNS = (
    "uprn", "parent_uprn", "usrn", "organisation",
    "sao_start_number", "sao_start_suffix", "sao_end_number", "sao_end_suffix", "sao_text",
    "pao_start_number", "pao_start_suffix", "pao_end_number", "pao_end_suffix", "pao_text",
    "street", "locality", "town", "postcode", "easting", "northing",
    "classification", "logical_status", "language", "postal",
)

_LOGICAL_STATUS = ADDRESS_COLUMNS.index("logical_status")
_LANGUAGE = ADDRESS_COLUMNS.index("language")


def in_language(rows: Sequence[Sequence[Any]], language: str) -> Sequence[Any]:
    """Of one UPRN's rows (best first), the approved one in ``language``, else the first."""
    for row in rows:
        if row[_LANGUAGE] == language and row[_LOGICAL_STATUS] == 1:
            return row
    return rows[0]


def one_per_uprn_in_language(rows: Iterable[Sequence[Any]], language: str) -> list[Any]:
    """One row per UPRN (column 0), in ``language`` where there is one, ordered by the
    last column (the sort key); rows come in id order, so the first record is the fallback."""
    chosen: dict[int, Sequence[Any]] = {}
    for row in rows:
        if row[0] not in chosen or row[_LANGUAGE] == language:
            chosen[row[0]] = row
    return sorted(chosen.values(), key=lambda row: row[-1])


_INTEGER = {"uprn", "parent_uprn", "usrn", "sao_start_number", "sao_end_number",
            "pao_start_number", "pao_end_number", "logical_status", "postal"}
_REAL = {"easting", "northing"}


def _column_sql(name: str) -> str:
    if name in _INTEGER:
        return f"{name} INTEGER"
    if name in _REAL:
        return f"{name} REAL"
    return f"{name} TEXT NOT NULL DEFAULT ''"


TABLES = ("address", "address_fts", "address_term", "address_term_delete", "gazetteer_meta")


def create_tables(suffix: str) -> list[str]:
    """SQL creating the tables under names ending in ``suffix`` (no indexes yet)."""
    columns = ",\n    ".join(_column_sql(name) for name in ADDRESS_COLUMNS)
    return [
        f"""CREATE TABLE address{suffix} (
    id INTEGER PRIMARY KEY,
    {columns},
    postcode_key TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    search TEXT NOT NULL DEFAULT '',
    preferred INTEGER NOT NULL DEFAULT 0
)""",
        f"CREATE VIRTUAL TABLE address_fts{suffix} USING fts5("
        "body, content='', columnsize=0, detail=none, tokenize='ascii', prefix='1 2 3')",
        f"CREATE TABLE address_term{suffix} (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) "
        "WITHOUT ROWID",
        f"CREATE TABLE address_term_delete{suffix} (deletion TEXT NOT NULL, term TEXT NOT NULL)",
        f"CREATE TABLE gazetteer_meta{suffix} (key TEXT PRIMARY KEY, value TEXT NOT NULL) "
        "WITHOUT ROWID",
    ]


def approved_index(suffix: str) -> str:
    """SQL creating the partial unique index that refuses a second approved record
    for a UPRN and language. A load creates it only when the CSV is not in UPRN
    order (in order, the loader finds such duplicates itself), and drops it before
    the swap."""
    return (f"CREATE UNIQUE INDEX address{suffix}_approved ON address{suffix}(uprn, language) "
            "WHERE logical_status = 1")


def finish_tables() -> list[str]:
    """SQL run after the renames: the lookup indexes, under their final names
    (the UPRN index first: the loader uses it to mark preferred records)."""
    return [
        "CREATE INDEX address_by_uprn ON address(uprn)",
        "CREATE INDEX address_by_postcode ON address(postcode_key, sort_key) "
        "WHERE preferred = 1",
        "CREATE INDEX address_term_delete_by_deletion ON address_term_delete(deletion)",
    ]
