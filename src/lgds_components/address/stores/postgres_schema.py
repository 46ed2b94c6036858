"""The PostgreSQL gazetteer's schema, its migrations and every SQL statement it runs (internal).

Everything lives in one PostgreSQL schema (``lgds_address`` unless another
name is given), so several gazetteers can share a database:

``schema_version``
    one row per migration applied; :func:`migrate` brings a database up to
    :data:`LATEST_VERSION` and refuses one that a newer library has migrated.
``address``
    one row per LPI record (as the SQLite gazetteer's table), plus ``body``
    (the indexed words, each between spaces), ``keys`` (``bigint[]``: the
    :func:`token_key` of each word and of each prefix token, the first one,
    two and three characters of a word followed by ``*``), ``postcode_key``,
    ``sort_key`` (``bytea``: the natural key's UTF-8 bytes, which order as
    SQLite's ``BINARY`` collation does and may hold the NUL separators the key
    uses), ``search`` (the scoring text) and ``line`` (the source CSV line).
    ``body`` comes straight after ``id`` so that a row-by-row check reaches it
    cheaply. One GIN index serves search, over ``keys``, so whole words and
    words being typed are found, and intersected, in one index scan, as
    SQLite's FTS5 prefix index does.
``address_secondary``
    the ids of records that are not their UPRN's preferred record (a Welsh
    alternate, an alternative address); every other record is preferred.
``address_term`` / ``address_term_delete``
    the vocabulary with document counts, and each word's one-letter
    deletions (typo correction), as in the SQLite gazetteer.
``address_prefix``
    each prefix token (``hi*``) with the number of records holding it: what
    a search plans with, and whether a word being typed starts any word.
``gazetteer_meta``
    what was loaded and when.

A load builds each of these (bar ``schema_version``) under a ``_new`` name,
then drops the old tables and renames the new ones inside the load's
transaction. Index definitions live in :func:`index_statements` only.

**Lock order.** Every statement takes its table locks in the order of
:data:`LOCK_ORDER` (PostgreSQL locks a statement's tables as it reads them:
``FROM`` items left to right, then the subqueries in the select list and
``WHERE``), and a load's swap locks all six tables in that same order before
dropping any (:func:`lock_statement`). So a reader never holds a table the
swap is waiting for while waiting for one the swap holds: readers wait for
the swap, and neither is chosen as a deadlock's victim. The statements are in
:class:`Queries`; a test checks each names its tables in this order.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any, Final

import attrs

from lgds_components.address.records.contract import ADDRESS_FIELDS
from lgds_components.errors import ConfigurationError

__all__ = [
    "ADDRESS_INSERT",
    "ADDRESS_TYPES",
    "DEFAULT_SCHEMA",
    "KEY",
    "LATEST_VERSION",
    "LIVE_TABLES",
    "LOCK_ORDER",
    "MIGRATIONS",
    "Queries",
    "address_indexes",
    "approved_index",
    "check_schema_name",
    "create_statements",
    "index_statements",
    "lock_key",
    "lock_statement",
    "lookup_indexes",
    "migrate",
    "primary_key",
    "rename_statements",
    "schema_version",
    "table_keys",
    "token_key",
    "words_index",
]

#: The schema used when none is named.
DEFAULT_SCHEMA = "lgds_address"


_TYPES = {
    "uprn": "bigint NOT NULL", "parent_uprn": "bigint", "usrn": "bigint",
    "sao_start_number": "integer", "sao_end_number": "integer",
    "pao_start_number": "integer", "pao_end_number": "integer",
    "easting": "double precision", "northing": "double precision",
    "logical_status": "smallint NOT NULL", "postal": "boolean NOT NULL",
    "latitude": "double precision", "longitude": "double precision", "udprn": "bigint",
}

#: Tables a load replaces (``schema_version`` stays).
LIVE_TABLES = ("address", "address_secondary", "address_term", "address_term_delete",
               "address_prefix", "gazetteer_meta")

#: The order every statement locks the live tables in (see the module docs).
LOCK_ORDER: Final = ("gazetteer_meta", "address", "address_secondary", "address_term_delete",
                     "address_term", "address_prefix")

#: SQL of the words index's key of a token ``t`` (a text): the first eight bytes of
#: the SHA-256 of its UTF-8, as a signed big-endian integer, the value
#: :func:`token_key` gives. Integer keys make the index about twice as quick to
#: build as text ones.
KEY: Final = ("('x' || encode(substr(sha256(convert_to(t, 'UTF8')), 1, 8), 'hex'))"
              "::bit(64)::bigint")


@functools.lru_cache(maxsize=1 << 18)
def token_key(token: str) -> int:
    """The words index's key of ``token`` (a word or a prefix token): the first eight
    bytes of its SHA-256 as a signed integer, as :data:`KEY` works it out in SQL.

    >>> token_key("high")
    7996081427056547472
    """
    return int.from_bytes(hashlib.sha256(token.encode("utf-8")).digest()[:8], "big",
                          signed=True)


#: The columns a load or a change writes to ``address``, in order.
ADDRESS_INSERT: Final = ("id", "body", "keys", *ADDRESS_FIELDS, "postcode_key", "sort_key",
                         "search", "line")


def _copy_type(name: str) -> str:
    declared = _TYPES.get(name, "text").split()[0]
    return {"bigint": "int8", "integer": "int4", "smallint": "int2",
            "double": "float8", "boolean": "bool"}.get(declared, declared)


#: The PostgreSQL types of :data:`ADDRESS_INSERT`, for a binary ``COPY``.
ADDRESS_TYPES: Final = ("int8", "text", "int8[]",
                        *(_copy_type(name) for name in ADDRESS_FIELDS),
                        "text", "bytea", "text", "int4")

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")


def check_schema_name(schema: str) -> str:
    """Return ``schema`` if it is a plain lower-case SQL name, else raise ConfigurationError.

    >>> check_schema_name("lgds_address")
    'lgds_address'
    """
    if not isinstance(schema, str) or not _NAME.fullmatch(schema) or schema.startswith("pg_"):
        raise ConfigurationError(
            f"schema must be a lower-case name of letters, digits and underscores "
            f"(up to 40, not starting pg_), not {schema!r}"
        )
    return schema


def lock_key(schema: str, purpose: str = "write") -> int:
    """The advisory lock number that loads and changes (``"write"``) or migrations
    (``"migrate"``) of ``schema`` take."""
    name = f"lgds-components:{schema}" + ("" if purpose == "write" else f":{purpose}")
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _column(name: str) -> str:
    return f"{name} {_TYPES.get(name, 'text NOT NULL')}"


def create_statements(schema: str, suffix: str) -> list[str]:
    """SQL creating the replaceable tables named ``<table><suffix>``, without indexes."""
    s = check_schema_name(schema)
    columns = ",\n    ".join(_column(name) for name in ADDRESS_FIELDS)
    return [
        f"""CREATE TABLE {s}.address{suffix} (
    id bigint NOT NULL,
    body text COLLATE "C" NOT NULL,
    keys bigint[] NOT NULL,
    {columns},
    postcode_key text COLLATE "C" NOT NULL,
    sort_key bytea NOT NULL,
    search text NOT NULL,
    line integer
)""",
        f"CREATE TABLE {s}.address_secondary{suffix} (id bigint NOT NULL)",
        f'CREATE TABLE {s}.address_term{suffix} (term text COLLATE "C" NOT NULL, '
        "docs integer NOT NULL)",
        f'CREATE TABLE {s}.address_term_delete{suffix} (deletion text COLLATE "C" NOT NULL, '
        'term text COLLATE "C" NOT NULL)',
        f'CREATE TABLE {s}.address_prefix{suffix} (token text COLLATE "C" NOT NULL, '
        "docs integer NOT NULL)",
        f"CREATE TABLE {s}.gazetteer_meta{suffix} (key text NOT NULL, value text NOT NULL)",
    ]


def approved_index(schema: str, suffix: str) -> str:
    """SQL building the unique index refusing a second approved record for a UPRN
    and language (a load builds it after the rows are in, and checks it)."""
    s = check_schema_name(schema)
    a = f"address{suffix}"
    return f"CREATE UNIQUE INDEX {a}_approved ON {s}.{a} (uprn, language) WHERE logical_status = 1"


def words_index(schema: str, suffix: str) -> str:
    """SQL building ``address<suffix>``'s words index: GIN over each record's keys."""
    s = check_schema_name(schema)
    return f"CREATE INDEX address{suffix}_words ON {s}.address{suffix} USING gin (keys)"


def lookup_indexes(schema: str, suffix: str) -> list[str]:
    """SQL building ``address<suffix>``'s B-tree indexes (the primary key's index among
    them, which :func:`primary_key` then makes the key): statements that may run while
    another connection builds the words index."""
    s = check_schema_name(schema)
    a = f"address{suffix}"
    return [
        f"CREATE UNIQUE INDEX {a}_pkey ON {s}.{a} (id)",
        f"CREATE INDEX {a}_uprn ON {s}.{a} (uprn)",
        f"CREATE INDEX {a}_postcode ON {s}.{a} (postcode_key, sort_key)",
        f"CREATE INDEX {a}_parent ON {s}.{a} (parent_uprn) WHERE parent_uprn IS NOT NULL",
    ]


def primary_key(schema: str, suffix: str) -> str:
    """SQL making ``address<suffix>``'s id index its primary key."""
    s = check_schema_name(schema)
    a = f"address{suffix}"
    return f"ALTER TABLE {s}.{a} ADD CONSTRAINT {a}_pkey PRIMARY KEY USING INDEX {a}_pkey"


def address_indexes(schema: str, suffix: str) -> list[str]:
    """SQL building ``address<suffix>``'s lookup and search indexes and its key (a load
    builds them after the rows are in: see
    :mod:`~lgds_components.address.stores.postgres_load`)."""
    return [*lookup_indexes(schema, suffix), primary_key(schema, suffix),
            words_index(schema, suffix)]


def table_keys(schema: str, suffix: str) -> list[str]:
    """SQL building the keys of the other tables named ``<table><suffix>``."""
    s = check_schema_name(schema)
    return [
        f"ALTER TABLE {s}.address_secondary{suffix} "
        f"ADD CONSTRAINT address_secondary{suffix}_pkey PRIMARY KEY (id)",
        f"ALTER TABLE {s}.address_term{suffix} "
        f"ADD CONSTRAINT address_term{suffix}_pkey PRIMARY KEY (term)",
        f"CREATE INDEX address_term_delete{suffix}_deletion "
        f"ON {s}.address_term_delete{suffix} (deletion)",
        f"ALTER TABLE {s}.address_prefix{suffix} "
        f"ADD CONSTRAINT address_prefix{suffix}_pkey PRIMARY KEY (token)",
        f"ALTER TABLE {s}.gazetteer_meta{suffix} "
        f"ADD CONSTRAINT gazetteer_meta{suffix}_pkey PRIMARY KEY (key)",
    ]


def index_statements(schema: str, suffix: str) -> list[str]:
    """SQL building every index and key on the tables named ``<table><suffix>``.
    Names carry the suffix; :func:`rename_statements` drops it after a swap."""
    return [approved_index(schema, suffix), *address_indexes(schema, suffix),
            *table_keys(schema, suffix)]


_INDEXES = {
    "address": ("approved", "pkey", "uprn", "postcode", "parent", "words"),
    "address_secondary": ("pkey",),
    "address_term": ("pkey",),
    "address_term_delete": ("deletion",),
    "address_prefix": ("pkey",),
    "gazetteer_meta": ("pkey",),
}


def rename_statements(schema: str, suffix: str) -> list[str]:
    """SQL renaming the ``<table><suffix>`` tables and their indexes to the live names."""
    s = check_schema_name(schema)
    out = []
    for table in LIVE_TABLES:
        out.append(f"ALTER TABLE {s}.{table}{suffix} RENAME TO {table}")
        for index in _INDEXES[table]:
            out.append(f"ALTER INDEX {s}.{table}{suffix}_{index} RENAME TO {table}_{index}")
    return out


def lock_statement(schema: str) -> str:
    """SQL taking every live table's exclusive lock, in :data:`LOCK_ORDER`."""
    s = check_schema_name(schema)
    tables = ", ".join(f"{s}.{table}" for table in LOCK_ORDER)
    return f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"


@attrs.frozen(slots=True)
class Queries:
    """Every statement a reader runs against one schema (tables in :data:`LOCK_ORDER`).

    ``by_postcode`` and ``approved_at_postcode`` are indexed by ``postal_only``.
    """

    info: str
    top_id: str
    by_postcode: tuple[str, str]
    approved_at_postcode: tuple[str, str]
    by_uprn: str
    children: str
    sample: str
    starting: str
    term: str
    prefix: str
    near: str
    statistics: str
    candidates: str
    candidate_keys: str
    candidate_rows: str

    @classmethod
    def of(cls, schema: str) -> Queries:
        """The statements for ``schema``."""
        s = check_schema_name(schema)
        cols = ", ".join(f"a.{name}" for name in ADDRESS_FIELDS)
        preferred = f"NOT EXISTS (SELECT 1 FROM {s}.address_secondary x WHERE x.id = a.id)"
        return cls(
            info=f"SELECT key, value FROM {s}.gazetteer_meta",
            top_id=f"SELECT max(id) FROM {s}.address",
            by_postcode=tuple(  # type: ignore[arg-type]
                f"SELECT {cols} FROM {s}.address a WHERE a.postcode_key = %s AND {preferred}"
                f"{postal} ORDER BY a.sort_key" for postal in ("", " AND a.postal")),
            approved_at_postcode=tuple(  # type: ignore[arg-type]
                f"SELECT {cols}, a.sort_key FROM {s}.address a WHERE a.postcode_key = %s "
                f"AND a.logical_status = 1{postal} ORDER BY a.id"
                for postal in ("", " AND a.postal")),
            by_uprn=(f"SELECT {cols} FROM {s}.address a "
                     f"LEFT JOIN {s}.address_secondary x ON x.id = a.id WHERE a.uprn = %s "
                     "ORDER BY x.id IS NULL DESC, a.language = %s DESC, a.logical_status, a.id"),
            children=(f"SELECT {cols} FROM {s}.address a WHERE a.parent_uprn = %s "
                      f"AND {preferred} ORDER BY a.sort_key"),
            sample=(f"SELECT {cols}, a.id FROM {s}.address a WHERE a.id = ANY(%s) "
                    f"AND a.postal AND {preferred}"),
            starting=(f"SELECT term FROM {s}.address_term WHERE term >= %s AND term < %s "
                      "ORDER BY docs DESC, term LIMIT %s"),
            term=f"SELECT 1 FROM {s}.address_term WHERE term = %s",
            prefix=f"SELECT 1 FROM {s}.address_prefix WHERE token = %s",
            near=(f"SELECT DISTINCT d.term, t.docs FROM {s}.address_term_delete d "
                  f"JOIN {s}.address_term t ON t.term = d.term WHERE d.deletion = ANY(%s)"),
            statistics=(
                f"SELECT (SELECT value FROM {s}.gazetteer_meta WHERE key = 'rows'), "
                f"(SELECT value FROM {s}.gazetteer_meta WHERE key = 'ordered_until'), "
                f"(SELECT max(id) FROM {s}.address), "
                f"(SELECT coalesce(json_object_agg(term, docs), '{{}}') FROM {s}.address_term "
                "WHERE term = ANY(%s::text[])), "
                f"(SELECT coalesce(json_object_agg(token, docs), '{{}}') "
                f"FROM {s}.address_prefix WHERE token = ANY(%s::text[]))"),
            candidates=f"SELECT {cols}, a.sort_key, a.search, a.id FROM {s}.address a WHERE ",
            candidate_keys=("SELECT a.uprn, a.postcode, a.postal, a.sort_key, a.search, a.id "
                            f"FROM {s}.address a WHERE "),
            candidate_rows=(f"SELECT {cols}, a.sort_key, a.search, a.id FROM {s}.address a "
                            "WHERE a.id = ANY(%s)"),
        )


def _version_1(schema: str) -> list[str]:
    """The first schema: empty live tables with their indexes."""
    return [*create_statements(schema, ""), *index_statements(schema, "")]


def _version_2(schema: str) -> list[str]:
    """What the delivered products carry beside the LPI (a schema made at version 1
    before these columns existed gets them; one made since has them already)."""
    s = check_schema_name(schema)
    return [f"ALTER TABLE {s}.address ADD COLUMN IF NOT EXISTS {_column(name)}"
            f"{' DEFAULT ' + repr('') if name == 'delivery_lines' else ''}"
            for name in ("latitude", "longitude", "udprn", "delivery_lines")]


def _version_3(schema: str) -> list[str]:
    """The words index over integer keys of the tokens: a schema made before gets the
    ``keys`` column, worked out in SQL from its rows' words and their prefix tokens
    (the ``prefixes`` column it then drops), and the index rebuilt. (A schema made
    since has ``keys`` and no ``prefixes``: the first statement gives it an empty
    ``prefixes`` for the others to read and drop.)"""
    s = check_schema_name(schema)
    tokens = "string_to_array(btrim(body || prefixes), ' ')"
    return [
        f"ALTER TABLE {s}.address ADD COLUMN IF NOT EXISTS prefixes text NOT NULL DEFAULT ''",
        f"ALTER TABLE {s}.address ADD COLUMN IF NOT EXISTS keys bigint[]",
        f"UPDATE {s}.address SET keys = ARRAY(SELECT {KEY} FROM unnest({tokens}) AS t) "
        "WHERE keys IS NULL",
        f"ALTER TABLE {s}.address ALTER COLUMN keys SET NOT NULL",
        f"DROP INDEX IF EXISTS {s}.address_words",
        f"ALTER TABLE {s}.address DROP COLUMN prefixes",
        words_index(s, ""),
    ]


#: Migration number -> function(schema) giving its SQL statements.
MIGRATIONS = {1: _version_1, 2: _version_2, 3: _version_3}

#: The schema version this library reads and writes.
LATEST_VERSION = max(MIGRATIONS)


def schema_version(conn: Any, schema: str) -> int | None:
    """The schema version recorded in ``schema``, or None when it was never migrated."""
    s = check_schema_name(schema)
    found = conn.execute(
        "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = %s AND tablename = %s",
        (s, "schema_version"),
    ).fetchone()
    if found is None:
        return None
    row = conn.execute(f"SELECT max(version) FROM {s}.schema_version").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def migrate(conn: Any, schema: str) -> int:
    """Create or upgrade the gazetteer schema on ``conn`` (autocommit); return its version.

    Safe to run at any time and from several processes at once: it takes the
    schema's advisory lock and applies only the migrations not yet recorded.

    Raises:
        ConfigurationError: the database was migrated by a newer library.
    """
    s = check_schema_name(schema)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(s, "migrate"),))
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {s}")
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {s}.schema_version (version integer PRIMARY KEY, "
            "applied_at timestamptz NOT NULL DEFAULT now(), library text NOT NULL)"
        )
        current = schema_version(conn, s) or 0
        if current > LATEST_VERSION:
            raise ConfigurationError(
                f"the gazetteer schema {s!r} is at version {current}, newer than this "
                f"lgds-components understands ({LATEST_VERSION}); upgrade lgds-components"
            )
        if current < LATEST_VERSION:
            from lgds_components import __version__

            for version in range(current + 1, LATEST_VERSION + 1):
                for statement in MIGRATIONS[version](s):
                    conn.execute(statement)
                conn.execute(
                    f"INSERT INTO {s}.schema_version (version, library) VALUES (%s, %s)",
                    (version, f"lgds-components {__version__}"),
                )
    return LATEST_VERSION
