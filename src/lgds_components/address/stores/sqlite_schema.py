"""The SQLite gazetteer's schema and every SQL statement it runs (internal).

``address`` holds one row per LPI record (a UPRN has one row per language and
logical status loaded), with ``preferred`` = 1 on each UPRN's preferred
record. ``address_fts`` is a contentless FTS5 index over normalised words,
keyed by ``address.id``. ``address_term`` lists every word in the index with
its document count, and ``address_term_delete`` maps each word's one-letter
deletions back to the word (typo correction by symmetric deletion).
``gazetteer_meta`` records what was loaded and when.

A load builds every table under a ``_new`` name in one transaction, then drops
the old tables and renames the new ones in the same transaction, so readers
see either the old gazetteer or the new one, never a mixture.
"""

from __future__ import annotations

from typing import Final

from lgds_components.address.records.contract import ADDRESS_FIELDS

__all__ = [
    "APPROVED_AT_POSTCODE",
    "BY_POSTCODE",
    "BY_UPRN",
    "CANDIDATES",
    "CANDIDATE_KEYS",
    "CHILDREN",
    "CONTAINS",
    "CONTAINS_PREFIX",
    "COUNT",
    "FORMAT_VERSION",
    "INFO",
    "INSERT",
    "INSERT_DELETION",
    "INSERT_FTS",
    "NEAR",
    "STARTING",
    "STORED_COLUMNS",
    "TABLES",
    "TOP_ID",
    "approved_index",
    "candidate_rows",
    "create_tables",
    "finish_tables",
    "preferring",
    "sample_rows",
]

#: The gazetteer file format: 2 added latitude, longitude, udprn and delivery_lines.
FORMAT_VERSION: Final = "2"

_INTEGER = {"uprn", "parent_uprn", "usrn", "sao_start_number", "sao_end_number",
            "pao_start_number", "pao_end_number", "logical_status", "postal", "udprn"}
_REAL = {"easting", "northing", "latitude", "longitude"}


def _column_sql(name: str) -> str:
    if name in _INTEGER:
        return f"{name} INTEGER"
    if name in _REAL:
        return f"{name} REAL"
    return f"{name} TEXT NOT NULL DEFAULT ''"


TABLES: Final = ("address", "address_fts", "address_term", "address_term_delete",
                 "gazetteer_meta")


def create_tables(suffix: str) -> list[str]:
    """SQL creating the tables under names ending in ``suffix`` (no indexes yet)."""
    columns = ",\n    ".join(_column_sql(name) for name in ADDRESS_FIELDS)
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
    order (in order, the load finds such duplicates itself), and drops it before
    the swap."""
    return (f"CREATE UNIQUE INDEX address{suffix}_approved ON address{suffix}(uprn, language) "
            "WHERE logical_status = 1")


def finish_tables() -> list[str]:
    """SQL run after the renames: the lookup indexes, under their final names
    (the UPRN index first: the load uses it to mark preferred records).

    The last two are partial and small: children of a building, and the
    approved records that are not their UPRN's preferred one (Welsh forms),
    so that neither lookup reads the whole table. (Files loaded before they
    existed answer the same, by reading the table.)
    """
    return [
        "CREATE INDEX address_by_uprn ON address(uprn)",
        "CREATE INDEX address_by_postcode ON address(postcode_key, sort_key) "
        "WHERE preferred = 1",
        "CREATE INDEX address_term_delete_by_deletion ON address_term_delete(deletion)",
        "CREATE INDEX address_by_parent ON address(parent_uprn) "
        "WHERE preferred = 1 AND parent_uprn IS NOT NULL",
        "CREATE INDEX address_alternates_by_postcode ON address(postcode_key) "
        "WHERE preferred = 0 AND logical_status = 1",
    ]


def preferring(where: str) -> tuple[str, str]:
    """SQL marking afresh the preferred record of the UPRNs ``where`` selects
    (all if empty): its approved English record (a UPRN has at most one), else
    its approved Welsh one, else by logical status, then load order."""
    among = f"WHERE {where}" if where else ""
    return (
        f"UPDATE address SET preferred = 0 {among} {'AND' if where else 'WHERE'} "
        "NOT (logical_status = 1 AND language = 'en')",
        f"""UPDATE address SET preferred = 1 WHERE id IN (
    SELECT id FROM (
        SELECT id, row_number() OVER (
            PARTITION BY uprn
            ORDER BY logical_status != 1, language != 'en', logical_status, id
        ) AS position
        FROM address {among}
    ) WHERE position = 1
)""",
    )


#: The columns a load writes to ``address_new``, in the order of a Record's first fields.
STORED_COLUMNS: Final = ("id", *ADDRESS_FIELDS, "postcode_key", "sort_key", "search",
                         "preferred")
INSERT: Final = "INSERT INTO address_new ({}) VALUES ({})".format(
    ", ".join(STORED_COLUMNS), ", ".join("?" * len(STORED_COLUMNS)))
INSERT_FTS: Final = "INSERT INTO address_fts_new (rowid, body) VALUES (?, ?)"
INSERT_DELETION: Final = "INSERT INTO address_term_delete_new (deletion, term) VALUES (?, ?)"

# -- what the store asks --------------------------------------------------------------------

_COLUMNS = ", ".join(ADDRESS_FIELDS)
_POSTAL = " AND postal = 1"

INFO: Final = "SELECT key, value FROM gazetteer_meta"
COUNT: Final = "SELECT count(*) FROM address WHERE preferred = 1"
#: By postcode (``BY_POSTCODE[postal_only]``): preferred records in natural order.
BY_POSTCODE: Final = tuple(
    f"SELECT {_COLUMNS} FROM address WHERE postcode_key = ? AND preferred = 1{postal} "
    "ORDER BY sort_key" for postal in ("", _POSTAL))
#: Every approved record at a postcode, in load order, ending with its sort key: the
#: preferred ones and the others, each through its own index.
APPROVED_AT_POSTCODE: Final = tuple(
    f"SELECT {_COLUMNS}, id, sort_key FROM address WHERE postcode_key = ? AND preferred = 1 "
    f"AND logical_status = 1{postal} UNION ALL "
    f"SELECT {_COLUMNS}, id, sort_key FROM address WHERE postcode_key = ? AND preferred = 0 "
    f"AND logical_status = 1{postal} ORDER BY id" for postal in ("", _POSTAL))
BY_UPRN: Final = (f"SELECT {_COLUMNS} FROM address WHERE uprn = ? "
                  "ORDER BY preferred DESC, language = ? DESC, logical_status, id")
CHILDREN: Final = (f"SELECT {_COLUMNS} FROM address WHERE parent_uprn = ? AND preferred = 1 "
                   "ORDER BY sort_key")
TOP_ID: Final = "SELECT max(id) FROM address"
STARTING: Final = ("SELECT term FROM address_term WHERE term >= ? AND term < ? "
                   "ORDER BY docs DESC, term LIMIT ?")
CONTAINS: Final = "SELECT 1 FROM address_term WHERE term = ?"
CONTAINS_PREFIX: Final = "SELECT 1 FROM address_term WHERE term >= ? AND term < ? LIMIT 1"
#: Stored words one of ``keys`` or one deletion away (``NEAR.format(marks)``).
NEAR: Final = ("SELECT DISTINCT d.term, t.docs FROM address_term_delete d "
               "JOIN address_term t ON t.term = d.term WHERE d.deletion IN ({})")
#: The first ``limit`` records matching an FTS5 expression, as candidate rows.
CANDIDATES: Final = (f"SELECT {_COLUMNS}, a.sort_key, a.search "
                     "FROM address_fts f JOIN address a ON a.id = f.rowid "
                     "WHERE address_fts MATCH ? LIMIT ?")
#: The same records as :data:`CANDIDATES`, as candidate keys (``KEY_COLUMNS``).
CANDIDATE_KEYS: Final = ("SELECT a.uprn, a.postcode, a.postal, a.sort_key, a.search, a.id "
                         "FROM address_fts f JOIN address a ON a.id = f.rowid "
                         "WHERE address_fts MATCH ? LIMIT ?")


def candidate_rows(count: int) -> str:
    """The candidate rows of ``count`` record numbers, each ending with its number."""
    return (f"SELECT {_COLUMNS}, sort_key, search, id FROM address "
            f"WHERE id IN ({', '.join('?' * count)})")


def sample_rows(count: int) -> str:
    """The preferred postal records among ``count`` record numbers, with their number."""
    return (f"SELECT {_COLUMNS}, id FROM address WHERE id IN ({', '.join('?' * count)}) "
            "AND preferred = 1 AND postal = 1")
