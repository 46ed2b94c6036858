"""The gazetteer on PostgreSQL, for national scale: the same answers as the SQLite file.

:class:`PostgresGazetteer` answers every
:class:`~lgds_components.address.AddressLookup` question from a PostgreSQL
database (13 or later; no extension needed), so a service moves
from the embedded file to a database server by changing one line::

    gazetteer = Gazetteer.open("council.sqlite")
    gazetteer = PostgresGazetteer.connect("postgresql://gazetteer@db.internal/addresses")

It needs the optional driver: ``pip install "lgds-components[postgres]"``
(psycopg 3 and psycopg_pool); importing :mod:`lgds_components.address`
does not import it.

- **Loading** (:meth:`PostgresGazetteer.load`) reads the same CSV formats as
  :meth:`~lgds_components.address.gazetteer.Gazetteer.load`, with the same
  checks and line-numbered errors, streams the rows in with ``COPY`` into new
  tables, builds the indexes after the rows are in, and swaps the new tables
  for the old inside the load's one transaction: readers see the old
  gazetteer until the commit, then the new one, never a half-loaded one.
- **Change-only updates** (:meth:`PostgresGazetteer.apply_changes`) apply
  inserts, updates and deletes by UPRN in one transaction (see
  :mod:`lgds_components.address.changes`).
- **Lookups** by postcode and UPRN use B-tree indexes.
- **Search and matching** find candidates with one GIN index over each
  record's normalised words and their first one to three characters (the
  words being typed), then rank them with
  :mod:`lgds_components.address.ranking` exactly as the SQLite gazetteer
  does: the same candidates, the same scores, the same order.
- **Pooling**: a psycopg_pool pool on the primary; give ``read_dsn`` to send
  reads to a replica through a second pool (loads and changes always go to
  the primary).

The schema (``lgds_address`` by default) is created and upgraded by the
library: :meth:`PostgresGazetteer.migrate`, run by every load.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Literal

from lgds_components.address import _pg_schema, _schema, ranking, scoring
from lgds_components.address.changes import Change, ChangeReport
from lgds_components.address.loader import LoadProgress, LoadReport
from lgds_components.address.match import Match
from lgds_components.address.model import Address, _unchecked
from lgds_components.address.ranking import DEFAULT_THRESHOLD, Group, Term
from lgds_components.errors import (
    ConfigurationError,
    LGDSError,
    NotFound,
    ProviderError,
    ProviderUnavailable,
    ValidationError,
)

__all__ = ["DEFAULT_POOL_SIZE", "DEFAULT_SCHEMA", "PostgresGazetteer", "safe_dsn"]

#: The PostgreSQL schema the gazetteer lives in unless another is named.
DEFAULT_SCHEMA = _pg_schema.DEFAULT_SCHEMA
#: Connections per pool unless another size is given.
DEFAULT_POOL_SIZE = 4

_PROVIDER = "postgres"
_COLUMNS = ", ".join(f"a.{name}" for name in _pg_schema.ADDRESS_COLUMNS)
_INSTALL = 'PostgresGazetteer needs psycopg: pip install "lgds-components[postgres]"'
# Session settings for every pooled connection: no parallel plans and no
# synchronised scans (so a heap scan reads the table in its physical order,
# which search relies on), no JIT (queries are small), and a plan made for
# each search's own words (a generic plan cannot tell a rare word from a common
# one). Sequential scans are off: every query has an index, and search decides
# for itself when reading rows in order pays (the planner's estimates for sets
# of words are poor, and a scan that misses reads the whole table).
_SESSION = (
    "SELECT set_config('max_parallel_workers_per_gather', '0', false), "
    "set_config('synchronize_seqscans', 'off', false), set_config('jit', 'off', false), "
    "set_config('plan_cache_mode', 'force_custom_plan', false), "
    "set_config('enable_seqscan', 'off', false)"
)


def _drivers() -> tuple[Any, Any]:
    """psycopg and psycopg_pool, or a ConfigurationError saying how to install them."""
    try:
        import psycopg
        import psycopg_pool
    except ImportError as exc:
        raise ConfigurationError(_INSTALL) from exc
    return psycopg, psycopg_pool


_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def safe_dsn(text: str) -> str:
    """``text`` with any password in a connection string masked.

    >>> safe_dsn("postgresql://app:s3cret@db/gaz")
    'postgresql://app:********@db/gaz'
    >>> safe_dsn("host=db password='a b' dbname=gaz")
    'host=db password=******** dbname=gaz'
    """
    text = _URL_PASSWORD.sub(r"\1********@", text)
    return _KEYWORD_PASSWORD.sub(r"\1********", text)


@contextmanager
def _errors(what: str, dsn: str = "") -> Iterator[None]:
    """Turn driver and pool failures into the library's ProviderError family."""
    psycopg, psycopg_pool = _drivers()
    try:
        yield
    except LGDSError:
        raise
    except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as exc:
        raise ProviderUnavailable(f"{what}: {safe_dsn(str(exc)).strip()}",
                                  provider=_PROVIDER) from exc
    except psycopg.Error as exc:
        raise ProviderError(f"{what}: {safe_dsn(str(exc)).strip()}",
                            provider=_PROVIDER) from exc


def _connect(dsn: str, connect_kwargs: Mapping[str, Any] | None) -> Any:
    psycopg, _ = _drivers()
    options = {"connect_timeout": 10, **(connect_kwargs or {}), "autocommit": True}
    with _errors(f"cannot connect to {safe_dsn(dsn)}"):
        return psycopg.connect(dsn, **options)


_WORDS = _pg_schema.WORDS.replace("body", "a.body").replace("prefixes", "a.prefixes")
# Reading a loaded row in id order and checking it costs about as much as this
# many postings of the words index: tuned on the 10 million benchmark
# (PostgreSQL 15; 4 to 64 tried, 16 gave the lowest median and p99). The index's
# cost grows with the gazetteer (its lists get longer); reading until ``limit``
# rows match does not, when matches are plentiful.
_POSTINGS_PER_ROW = 16
# Up to this many rows may always be read that way.
_SCAN_ROWS = 10_000


class _Statistics:
    """Counts a search plans with: rows loaded, the id order boundary, term counts."""

    __slots__ = ("docs", "ordered", "rows", "top")

    def __init__(self, rows: int, ordered: int, top: int, docs: dict[Term, int]):
        self.rows = rows
        self.ordered = ordered
        self.top = top
        self.docs = docs


def _token(term: Term) -> str:
    """The index token for ``term``: the word, or for a prefix the word and ``*``."""
    return f"{term.text}*" if term.prefix else term.text


def _row_checks(groups: list[Group]) -> list[tuple[str, list[Any]]]:
    """Per-row checks (no index) that a record holds a term of each group."""
    out = []
    for group in groups:
        sql = " OR ".join("strpos(a.body, %s) > 0" for _ in group)
        out.append((f"({sql})", [f" {t.text}" if t.prefix else f" {t.text} " for t in group]))
    return out


def _index_checks(groups: list[Group]) -> list[tuple[str, list[Any]]]:
    """The same checks as conditions on the words index, answered in one GIN scan."""
    single = [_token(group[0]) for group in groups if len(group) == 1]
    out = [(f"{_WORDS} @> %s::text[]", [single])] if single else []
    out.extend((f"{_WORDS} && %s::text[]", [[_token(term) for term in group]])
               for group in groups if len(group) > 1)
    return out


def _address(row: tuple[Any, ...]) -> Address:
    return _unchecked(row[:24])


class _Vocabulary:
    """The schema's ``address_term`` tables on one connection, as a
    :class:`~lgds_components.address.ranking.Vocabulary`."""

    __slots__ = ("_conn", "_gazetteer")

    def __init__(self, gazetteer: PostgresGazetteer, conn: Any) -> None:
        self._gazetteer = gazetteer
        self._conn = conn

    def starting(self, prefix: str, limit: int) -> list[str]:
        found = self._conn.execute(self._gazetteer._sql_prefix_terms,
                                   (prefix, prefix + "\x7f", limit))
        return [term for (term,) in found]

    def contains(self, word: str, prefix: bool = False) -> bool:
        sql = self._gazetteer._sql_prefix if prefix else self._gazetteer._sql_term
        return self._conn.execute(sql, (f"{word}*" if prefix else word,)).fetchone() is not None

    def near(self, keys: list[str]) -> Iterable[tuple[str, int]]:
        return self._conn.execute(self._gazetteer._sql_deletions, (keys,)).fetchall()


class PostgresGazetteer:
    """An address gazetteer in PostgreSQL (see the module docs).

    Make one with :meth:`connect` (or the constructor, which takes the same
    arguments); close it, or use ``with``, to close its pools. One object is
    meant to be shared by every thread of a process.

    Args:
        dsn: the primary's connection string (libpq keywords or a URL);
            libpq's ``PG*`` environment variables fill in what it leaves out.
        pool_size: connections in each pool.
        read_dsn: a read replica's connection string: searches and lookups
            go there through a second pool; loads and changes stay on the primary.
        read_pool_size: connections in the read pool (default ``pool_size``).
        schema: the PostgreSQL schema holding the gazetteer.
        threshold: default confidence threshold for :meth:`match`.
        timeout: seconds to wait for a free pooled connection.
        connect_kwargs: more psycopg connection arguments, for example
            ``{"prepare_threshold": None}`` behind a PgBouncer older than 1.21
            in transaction mode.

    Raises:
        ConfigurationError: psycopg is not installed, or the database has no
            gazetteer schema (run :meth:`migrate` or :meth:`load`), or a newer one.
        ProviderUnavailable: the server cannot be reached.
    """

    provider = _PROVIDER

    def __init__(
        self,
        dsn: str,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        read_dsn: str | None = None,
        read_pool_size: int | None = None,
        schema: str = DEFAULT_SCHEMA,
        threshold: float = DEFAULT_THRESHOLD,
        timeout: float = 30.0,
        connect_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        _, psycopg_pool = _drivers()
        self.schema = _pg_schema.check_schema_name(schema)
        self.threshold = threshold
        self._dsn = dsn
        self._read_dsn = read_dsn
        self._connect_kwargs = dict(connect_kwargs or {})
        self._pools: list[Any] = []
        self._closed = False
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 1:
            raise ConfigurationError(f"pool_size must be a whole number from 1, not {pool_size!r}")
        for target in (dsn, read_dsn):
            if target is not None:
                with _connect(target, self._connect_kwargs) as conn, \
                        _errors(f"cannot read {safe_dsn(target)}"):
                    self._check(conn)
        kwargs = {**self._connect_kwargs, "autocommit": True}
        self._pool = psycopg_pool.ConnectionPool(
            dsn, min_size=1, max_size=pool_size, kwargs=kwargs, configure=self._configure,
            timeout=timeout, open=False, name=f"lgds-{self.schema}-primary",
        )
        self._pools.append(self._pool)
        self._read_pool = self._pool
        if read_dsn is not None:
            self._read_pool = psycopg_pool.ConnectionPool(
                read_dsn, min_size=1, max_size=read_pool_size or pool_size, kwargs=kwargs,
                configure=self._configure, timeout=timeout, open=False,
                name=f"lgds-{self.schema}-read",
            )
            self._pools.append(self._read_pool)
        for pool in self._pools:
            pool.open(wait=False)
        s = self.schema
        self._sql_postcode = (
            f"SELECT {_COLUMNS} FROM {s}.address a WHERE a.postcode_key = %s AND NOT EXISTS "
            f"(SELECT 1 FROM {s}.address_secondary x WHERE x.id = a.id)"
        )
        self._sql_postcode_language = (
            f"SELECT {_COLUMNS}, a.sort_key FROM {s}.address a "
            "WHERE a.postcode_key = %s AND a.logical_status = 1"
        )
        self._sql_uprn = (
            f"SELECT {_COLUMNS} FROM {s}.address a "
            f"LEFT JOIN {s}.address_secondary x ON x.id = a.id WHERE a.uprn = %s "
            "ORDER BY x.id IS NULL DESC, a.language = %s DESC, a.logical_status, a.id"
        )
        self._sql_children = (
            f"SELECT {_COLUMNS} FROM {s}.address a WHERE a.parent_uprn = %s AND NOT EXISTS "
            f"(SELECT 1 FROM {s}.address_secondary x WHERE x.id = a.id) ORDER BY a.sort_key"
        )
        self._sql_sample = (
            f"SELECT {_COLUMNS}, a.id FROM {s}.address a WHERE a.id = ANY(%s) AND a.postal "
            f"AND NOT EXISTS (SELECT 1 FROM {s}.address_secondary x WHERE x.id = a.id)"
        )
        self._sql_prefix_terms = (
            f"SELECT term FROM {s}.address_term WHERE term >= %s AND term < %s "
            "ORDER BY docs DESC, term LIMIT %s"
        )
        self._sql_term = f"SELECT 1 FROM {s}.address_term WHERE term = %s"
        self._sql_prefix = f"SELECT 1 FROM {s}.address_prefix WHERE token = %s"
        self._sql_deletions = (
            f"SELECT DISTINCT d.term, t.docs FROM {s}.address_term_delete d "
            f"JOIN {s}.address_term t ON t.term = d.term WHERE d.deletion = ANY(%s)"
        )
        self._sql_statistics = (
            f"SELECT (SELECT value FROM {s}.gazetteer_meta WHERE key = 'rows'), "
            f"(SELECT value FROM {s}.gazetteer_meta WHERE key = 'ordered_until'), "
            f"(SELECT max(id) FROM {s}.address), "
            f"(SELECT coalesce(json_object_agg(term, docs), '{{}}') FROM {s}.address_term "
            "WHERE term = ANY(%s::text[])), "
            f"(SELECT coalesce(json_object_agg(token, docs), '{{}}') FROM {s}.address_prefix "
            "WHERE token = ANY(%s::text[]))"
        )
        self._sql_candidates = (
            f"SELECT {_COLUMNS}, a.sort_key, a.search, a.id FROM {s}.address a WHERE "
        )

    def __repr__(self) -> str:
        replica = f", read_dsn={safe_dsn(self._read_dsn)!r}" if self._read_dsn else ""
        return f"PostgresGazetteer({safe_dsn(self._dsn)!r}{replica}, schema={self.schema!r})"

    # -- opening, schema, loading ----------------------------------------------------

    @classmethod
    def connect(
        cls,
        dsn: str,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        read_dsn: str | None = None,
        read_pool_size: int | None = None,
        schema: str = DEFAULT_SCHEMA,
        threshold: float = DEFAULT_THRESHOLD,
        timeout: float = 30.0,
        connect_kwargs: Mapping[str, Any] | None = None,
    ) -> PostgresGazetteer:
        """Connect to a gazetteer database (see the class for the arguments)."""
        return cls(
            dsn, pool_size=pool_size, read_dsn=read_dsn, read_pool_size=read_pool_size,
            schema=schema, threshold=threshold, timeout=timeout, connect_kwargs=connect_kwargs,
        )

    def _check(self, conn: Any) -> None:
        version = _pg_schema.schema_version(conn, self.schema)
        if version is None:
            raise ConfigurationError(
                f"the database has no gazetteer schema {self.schema!r}; create it with "
                "PostgresGazetteer.migrate(dsn) or load one with PostgresGazetteer.load(dsn, csv)"
            )
        if version != _pg_schema.LATEST_VERSION:
            action = ("upgrade lgds-components" if version > _pg_schema.LATEST_VERSION
                      else "run PostgresGazetteer.migrate(dsn)")
            raise ConfigurationError(
                f"the gazetteer schema {self.schema!r} is at version {version}; this "
                f"lgds-components uses version {_pg_schema.LATEST_VERSION}: {action}"
            )

    @staticmethod
    def _configure(conn: Any) -> None:
        conn.execute(_SESSION)

    @classmethod
    def migrate(
        cls, dsn: str, *, schema: str = DEFAULT_SCHEMA,
        connect_kwargs: Mapping[str, Any] | None = None,
    ) -> int:
        """Create the gazetteer schema, or bring it up to date; return its version.

        Needs the right to create a schema (or the schema, already made).
        Safe to run at every deployment, from several processes.

        Raises:
            ConfigurationError: the schema was made by a newer lgds-components.
            ProviderUnavailable: the server cannot be reached.
        """
        schema = _pg_schema.check_schema_name(schema)
        with _connect(dsn, connect_kwargs) as conn, _errors(f"cannot migrate {safe_dsn(dsn)}"):
            return _pg_schema.migrate(conn, schema)

    @classmethod
    def load(
        cls,
        dsn: str,
        source_csv: str | os.PathLike[str],
        *,
        schema: str = DEFAULT_SCHEMA,
        format: Literal["addressbase", "llpg"] = "addressbase",
        mapping: Mapping[str, str | None] | None = None,
        statuses: Iterable[str | int] = ("approved",),
        classifications: Iterable[str] | None = None,
        on_error: Literal["fail", "skip"] = "fail",
        progress: Callable[[LoadProgress], object] | None = None,
        maintenance_work_mem: str = "512MB",
        connect_kwargs: Mapping[str, Any] | None = None,
    ) -> LoadReport:
        """Load a CSV into the gazetteer at ``dsn``, atomically replacing its contents.

        The arguments and CSV formats are those of
        :func:`lgds_components.address.loader.load`; the report's ``path`` is
        the source CSV. Migrates the schema first. Runs in one transaction on
        the primary: if anything fails (a bad row with ``on_error="fail"``, an
        exception from ``progress``, a lost connection) the previous
        gazetteer stays, and readers keep answering from it throughout.

        Args:
            maintenance_work_mem: memory PostgreSQL may use to build each
                index (a session setting); more builds the search index faster.

        Raises:
            ValidationError: a malformed row (``line`` and ``field`` say where),
                a missing column or a bad argument.
            ProviderUnavailable: the server cannot be reached, or another load
                or change of the same schema is running.
        """
        from lgds_components.address import _pg_load

        schema = _pg_schema.check_schema_name(schema)
        with _connect(dsn, connect_kwargs) as conn, _errors(f"cannot load into {safe_dsn(dsn)}"):
            _pg_schema.migrate(conn, schema)
            return _pg_load.load(
                conn, schema, source_csv, format=format, mapping=mapping, statuses=statuses,
                classifications=classifications, on_error=on_error, progress=progress,
                maintenance_work_mem=maintenance_work_mem,
            )

    def apply_changes(
        self,
        changes: str | os.PathLike[str] | Iterable[Change | tuple[str, Any]],
        *,
        format: Literal["addressbase", "llpg"] = "addressbase",
        mapping: Mapping[str, str | None] | None = None,
        change_column: str = "change_type",
    ) -> ChangeReport:
        """Apply change-only updates (inserts, updates, deletes by UPRN) in one transaction.

        ``changes`` is a change file (see :func:`lgds_components.address.changes.read_changes`
        for the layout) or an iterable of :class:`~lgds_components.address.changes.Change`
        values or ``(action, Address or UPRN)`` pairs. Every change is read
        and checked before anything is written; the whole batch is applied or,
        at the first error, none of it. Inserted and updated records pass the
        same status and classification filters as the last load.

        Raises:
            ValidationError: a malformed row, a delete or update of a UPRN the
                gazetteer does not hold, an insert of an approved record that
                already exists (``line`` says which change).
            ProviderUnavailable: the primary cannot be reached, or a load or
                another batch of changes is running.
        """
        from lgds_components.address import _pg_load

        with self._writing() as conn:
            return _pg_load.apply_changes(conn, self.schema, changes, format=format,
                                          mapping=mapping, change_column=change_column)

    def close(self) -> None:
        """Close the connection pools."""
        if self._closed:
            return
        self._closed = True
        for pool in self._pools:
            pool.close()

    def __enter__(self) -> PostgresGazetteer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- connections -------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[Any]:
        if self._closed:
            raise ProviderError("the gazetteer is closed", provider=_PROVIDER)
        target = self._read_dsn or self._dsn
        with _errors(f"gazetteer {safe_dsn(target)} failed"), \
                self._read_pool.connection() as conn:
            yield conn

    @contextmanager
    def _writing(self) -> Iterator[Any]:
        if self._closed:
            raise ProviderError("the gazetteer is closed", provider=_PROVIDER)
        with _errors(f"gazetteer {safe_dsn(self._dsn)} failed"), self._pool.connection() as conn:
            yield conn

    # -- lookups ------------------------------------------------------------------------

    def info(self) -> dict[str, str]:
        """What was loaded: source file, format, time, row counts, last change."""
        with self._reading() as conn:
            return dict(conn.execute(
                f"SELECT key, value FROM {self.schema}.gazetteer_meta").fetchall())

    def __len__(self) -> int:
        """How many addresses (UPRNs) the gazetteer holds."""
        return int(self.info().get("addresses", "0"))

    def by_postcode(
        self, postcode: str, *, postal_only: bool = False, language: str | None = None
    ) -> list[Address]:
        """Every address at ``postcode``, in natural order (one per UPRN).

        As :meth:`lgds_components.address.gazetteer.Gazetteer.by_postcode`:
        ``postal_only`` leaves out what Royal Mail does not deliver to;
        ``language="cy"`` gives Welsh forms where they exist.

        Raises:
            ValidationError: not a valid postcode.
        """
        from lgds_components.identifiers import postcode as postcodes

        key = postcodes.validate(postcode).replace(" ", "")
        postal = " AND a.postal" if postal_only else ""
        with self._reading() as conn:
            if language is None or language == "en":
                rows = conn.execute(f"{self._sql_postcode}{postal} ORDER BY a.sort_key",
                                    (key,)).fetchall()
                return [_address(row) for row in rows]
            rows = conn.execute(f"{self._sql_postcode_language}{postal} ORDER BY a.id",
                                (key,)).fetchall()
        return [_address(row) for row in _schema.one_per_uprn_in_language(rows, language)]

    def by_uprn(self, uprn: int | str, *, language: str | None = None) -> Address:
        """The address with this UPRN (its approved English record by default).

        Raises:
            ValidationError: not a UPRN.
            NotFound: no such UPRN in the gazetteer.
        """
        from lgds_components.identifiers import uprn as uprns

        value = uprns.validate(uprn)
        with self._reading() as conn:
            return self._by_uprn(conn, value, language)

    def _by_uprn(self, conn: Any, value: int, language: str | None) -> Address:
        rows = conn.execute(self._sql_uprn, (value, language or "en")).fetchall()
        if not rows:
            raise NotFound(f"no address with UPRN {value}", provider=self.provider)
        return _address(rows[0] if language is None else _schema.in_language(rows, language))

    def children(self, uprn: int | str) -> list[Address]:
        """The addresses inside a building (those whose parent UPRN is ``uprn``)."""
        from lgds_components.identifiers import uprn as uprns

        value = uprns.validate(uprn)
        with self._reading() as conn:
            rows = conn.execute(self._sql_children, (value,)).fetchall()
        return [_address(row) for row in rows]

    def sample_addresses(self, count: int, seed: int = 0) -> list[Address]:
        """Up to ``count`` postal addresses picked at random (repeatably, by ``seed``);
        the same ones the SQLite gazetteer picks from the same CSV."""
        import random

        rng = random.Random(seed)
        chosen: dict[int, Address] = {}
        with self._reading() as conn:
            top = conn.execute(f"SELECT max(id) FROM {self.schema}.address").fetchone()[0] or 0
            attempts = 0
            while len(chosen) < count and attempts < count * 20 and top:
                wanted = []
                while len(wanted) < max(count - len(chosen), 1) * 2 and attempts < count * 20:
                    attempts += 1
                    wanted.append(rng.randint(1, top))
                rows = {row[-1]: row for row in conn.execute(self._sql_sample, (wanted,))}
                for identifier in wanted:
                    row = rows.get(identifier)
                    if row is not None and len(chosen) < count:
                        chosen.setdefault(row[0], _address(row))
        return list(chosen.values())

    # -- search ---------------------------------------------------------------------------

    def _statistics(self, conn: Any, groups: list[Group]) -> _Statistics:
        """Row counts, and how many records hold each term."""
        terms = {term for group in groups for term in group}
        whole = sorted(term.text for term in terms if not term.prefix)
        prefixes = sorted(_token(term) for term in terms if term.prefix)
        rows, ordered, top, docs, prefix_docs = conn.execute(
            self._sql_statistics, (whole, prefixes)
        ).fetchone()
        counts = {Term(term): int(value) for term, value in docs.items()}
        counts.update((Term(token[:-1], True), int(value)) for token, value in prefix_docs.items())
        return _Statistics(int(rows or 0), int(ordered or 0), int(top or 0), counts)

    def _fetch(
        self, conn: Any, groups: list[Group], limit: int, stats: _Statistics
    ) -> list[Any]:
        """The first ``limit`` records, by id, holding a term of every group.

        As the SQLite gazetteer's full-text query: the same records, in the
        same order. Loaded rows are stored in id order up to ``ordered_until``,
        so a scan of them without ORDER BY meets them in id order and stops at
        ``limit``; rows added by later changes (larger ids) are fetched after.
        How they are found depends on how common the terms are:

        - a term no record holds leaves its group empty, and an empty group
          empties the answer;
        - when matches should be plentiful (the vocabulary's counts, taken as
          independent, say so), or every group is common enough that the
          index would be dear, the loaded rows are read in id order and
          checked one by one, as far as should be needed (three times over)
          but no further than what the index would cost; if too few matched,
          on as far again as the rate met says is needed, while that costs
          less than the index;
        - otherwise, and for whatever that scan did not find, the words index
          answers every group at once (GIN intersects the terms' lists).
        """
        live: list[Group] = []
        sizes: list[int] = []
        for group in groups:
            kept = [term for term in group if stats.docs.get(term, 0) > 0]
            if not kept:
                return []
            live.append(kept)
            sizes.append(sum(stats.docs[term] for term in kept))
        total = max(stats.rows, 1)
        expected = float(total)
        for size in sizes:
            expected *= min(1.0, size / total)
        rarest = min(sizes)
        budget = min(max(_SCAN_ROWS, rarest // _POSTINGS_PER_ROW), stats.ordered)
        bound = 0
        if expected >= limit and limit * total / expected <= budget:
            bound = int(limit * total / expected) * 3 + limit
        elif rarest > _SCAN_ROWS * _POSTINGS_PER_ROW:
            bound = budget
        rows: list[Any] = []
        start, end = 0, min(bound, budget)
        while end > start:
            rows += self._run(conn, _row_checks(live), start, end, limit - len(rows),
                              indexed_ids=True)
            if len(rows) >= limit:
                return rows
            start = end
            # fewer matched than expected (addresses cluster: a town's rows are
            # together): read on while the rate met says that costs less than the index
            need = (limit - len(rows)) * start // len(rows) * 2 if rows else budget + 1
            if need <= budget:
                end = min(start + need, 3 * budget, stats.ordered)
        checks = _index_checks(live)
        if start < stats.ordered:
            upper = stats.ordered if stats.top > stats.ordered else None
            rows += self._run(conn, checks, start, upper, limit - len(rows))
        if len(rows) < limit and stats.top > stats.ordered:
            rows += self._run(conn, checks, stats.ordered, None, limit - len(rows), ordered=True)
        rows.sort(key=lambda row: row[-1])
        return rows

    def _run(
        self, conn: Any, conditions: list[tuple[str, list[Any]]], after: int,
        upto: int | None, limit: int, *, ordered: bool = False, indexed_ids: bool = False,
    ) -> list[Any]:
        """Records meeting ``conditions`` with ``after < id <= upto``, at most ``limit``.

        With ``indexed_ids`` the id range is read through the primary key in id
        order; otherwise (``id + 0``) the range only filters, so the words
        index is used for the conditions.
        """
        parts = [sql for sql, _ in conditions]
        params: list[Any] = [value for _, values in conditions for value in values]
        column = "a.id" if indexed_ids else "a.id + 0"
        if after:
            parts.append(f"{column} > %s")
            params.append(after)
        if upto is not None:
            parts.append(f"{column} <= %s")
            params.append(upto)
        order = " ORDER BY a.id" if ordered else ""
        return conn.execute(
            f"{self._sql_candidates}{' AND '.join(parts)}{order} LIMIT %s", (*params, limit)
        ).fetchall()

    def _ranked(
        self, conn: Any, query: scoring.Query, postcode_key: str | None, count: int,
        partial: bool = False,
    ) -> list[Match]:
        if query.uprn is not None:
            try:
                from lgds_components.identifiers import uprn as uprns

                found_uprn = self._by_uprn(conn, uprns.validate(query.uprn), None)
                return [Match(found_uprn, 1.0, "exact uprn")]
            except (NotFound, ValidationError):
                query = scoring.Query(numbers=(str(query.uprn),))
        groups = ranking.word_groups(query, postcode_key)
        stats = self._statistics(conn, groups) if groups else None
        rows = ranking.candidates(groups, postcode_key,
                                  lambda wanted, limit: self._fetch(conn, wanted, limit, stats))
        return ranking.best_matches(
            rows, query, count=count, partial=partial, search_column=-2, sort_column=-3,
            to_address=_address,
        )

    def search(self, text: str, limit: int = 10, postcode: str | None = None) -> list[Match]:
        """Addresses resembling ``text``, best first (type-ahead: the last word may be partial).

        Args:
            text: what the resident has typed so far.
            limit: at most this many results (1 to 100).
            postcode: only addresses at this postcode.

        Raises:
            ValidationError: ``text`` is longer than
                :data:`~lgds_components.address.ranking.MAX_QUERY_LENGTH`,
                ``limit`` is out of range, or ``postcode`` is not a postcode.
        """
        text = ranking.check_text(text)
        key = ranking.search_limits(limit, postcode)
        with self._reading() as conn:
            query = ranking.parse(text, _Vocabulary(self, conn), prefix=True)
            if query.is_empty and key is None:
                return []
            return self._ranked(conn, query, key, limit, partial=True)

    def match(self, text: str, *, threshold: float | None = None) -> Match | None:
        """The one address ``text`` describes, or ``None`` when not confident.

        ``None`` when the best candidate scores below ``threshold`` (default
        :attr:`threshold`), or another address scores almost as well.

        Raises:
            ValidationError: ``text`` is not text or is too long.
        """
        text = ranking.check_text(text)
        limit = self.threshold if threshold is None else threshold
        with self._reading() as conn:
            query = ranking.parse(text, _Vocabulary(self, conn), prefix=False)
            if query.is_empty:
                return None
            ranked = self._ranked(conn, query, None, 2)
        return ranking.confident(ranked, limit)

    def match_many(
        self, rows: Iterable[str], *, threshold: float | None = None
    ) -> Iterator[Match | None]:
        """:meth:`match` each of ``rows`` in turn, lazily; a row that is not
        usable text (not a string, too long) gives ``None``."""
        return ranking.match_each(lambda row: self.match(row, threshold=threshold), rows)
