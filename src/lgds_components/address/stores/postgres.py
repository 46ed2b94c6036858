"""The PostgreSQL store: pooled connections answering the store protocol's queries (internal).

Reads go through a psycopg_pool pool (on a replica when a read DSN is given);
each front call takes one connection for its session. Lookups by postcode
and UPRN use B-tree indexes; search finds candidates through one GIN index
over each record's words and their first one to three characters, or by
reading loaded rows in id order when matches should be plentiful (see
:meth:`PostgresSession.candidates`). Every statement is in
:class:`~lgds_components.address.stores.postgres_schema.Queries`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

from lgds_components.address.ranking import Group, Term
from lgds_components.address.stores import postgres_schema as schema_sql
from lgds_components.address.stores.base import Row
from lgds_components.errors import (
    ConfigurationError,
    LGDSError,
    ProviderError,
    ProviderUnavailable,
)

__all__ = [
    "DEFAULT_POOL_SIZE",
    "PROVIDER",
    "PostgresSession",
    "PostgresStore",
    "connect",
    "database_errors",
    "drivers",
    "safe_dsn",
]

#: The provider named in errors.
PROVIDER: Final = "postgres"
#: Connections per pool unless another size is given.
DEFAULT_POOL_SIZE: Final = 4
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
# Reading a loaded row in id order and checking it costs about as much as this
# many postings of the words index: tuned on the 10 million benchmark
# (PostgreSQL 15; 4 to 64 tried, 16 gave the lowest median and p99). The index's
# cost grows with the gazetteer (its lists get longer); reading until ``limit``
# rows match does not, when matches are plentiful.
_POSTINGS_PER_ROW = 16
# Up to this many rows may always be read that way.
_SCAN_ROWS = 10_000


def drivers() -> tuple[Any, Any]:
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
def database_errors(what: str) -> Iterator[None]:
    """Turn driver and pool failures into the library's ProviderError family."""
    psycopg, psycopg_pool = drivers()
    try:
        yield
    except LGDSError:
        raise
    except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as exc:
        raise ProviderUnavailable(f"{what}: {safe_dsn(str(exc)).strip()}",
                                  provider=PROVIDER) from exc
    except psycopg.Error as exc:
        raise ProviderError(f"{what}: {safe_dsn(str(exc)).strip()}", provider=PROVIDER) from exc


def connect(dsn: str, connect_kwargs: Mapping[str, Any] | None) -> Any:
    """One autocommit connection to ``dsn`` (for loads, changes and migrations)."""
    psycopg, _ = drivers()
    options = {"connect_timeout": 10, **(connect_kwargs or {}), "autocommit": True}
    with database_errors(f"cannot connect to {safe_dsn(dsn)}"):
        return psycopg.connect(dsn, **options)


def check_version(conn: Any, schema: str) -> None:
    """Refuse a database whose gazetteer schema is missing or of another version."""
    version = schema_sql.schema_version(conn, schema)
    if version is None:
        raise ConfigurationError(
            f"the database has no gazetteer schema {schema!r}; create it with "
            "PostgresGazetteer.migrate(dsn) or load one with PostgresGazetteer.load(dsn, csv)"
        )
    if version != schema_sql.LATEST_VERSION:
        action = ("upgrade lgds-components" if version > schema_sql.LATEST_VERSION
                  else "run PostgresGazetteer.migrate(dsn)")
        raise ConfigurationError(
            f"the gazetteer schema {schema!r} is at version {version}; this "
            f"lgds-components uses version {schema_sql.LATEST_VERSION}: {action}"
        )


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
    single = [schema_sql.token_key(_token(group[0])) for group in groups if len(group) == 1]
    out = [("a.keys @> %s::bigint[]", [single])] if single else []
    out.extend(("a.keys && %s::bigint[]", [[schema_sql.token_key(_token(term)) for term in group]])
               for group in groups if len(group) > 1)
    return out


class _Statistics:
    """Counts a search plans with: rows loaded, the id order boundary, term counts."""

    __slots__ = ("docs", "ordered", "rows", "top")

    def __init__(self, rows: int, ordered: int, top: int, docs: dict[Term, int]):
        self.rows = rows
        self.ordered = ordered
        self.top = top
        self.docs = docs


class PostgresSession:
    """The store protocol's queries on one pooled connection (see
    :class:`~lgds_components.address.stores.base.Session`)."""

    __slots__ = ("_conn", "_queries", "_statistics")

    def __init__(self, conn: Any, queries: schema_sql.Queries) -> None:
        self._conn = conn
        self._queries = queries
        self._statistics: _Statistics | None = None

    def _all(self, statement: str, parameters: Iterable[Any] = ()) -> list[Any]:
        return self._conn.execute(statement, tuple(parameters)).fetchall()  # type: ignore[no-any-return]

    def info(self) -> dict[str, str]:
        return dict(self._all(self._queries.info))

    def by_postcode(self, key: str, postal_only: bool) -> list[Row]:
        return self._all(self._queries.by_postcode[postal_only], (key,))

    def approved_at_postcode(self, key: str, postal_only: bool) -> list[Row]:
        return self._all(self._queries.approved_at_postcode[postal_only], (key,))

    def by_uprn(self, uprn: int, language: str) -> list[Row]:
        return self._all(self._queries.by_uprn, (uprn, language))

    def children(self, uprn: int) -> list[Row]:
        return self._all(self._queries.children, (uprn,))

    def top_id(self) -> int:
        return int(self._all(self._queries.top_id)[0][0] or 0)

    def sample_rows(self, ids: list[int]) -> dict[int, Row]:
        return {row[-1]: row for row in self._all(self._queries.sample, (ids,))}

    def starting(self, prefix: str, limit: int) -> list[str]:
        found = self._all(self._queries.starting, (prefix, prefix + "\x7f", limit))
        return [term for (term,) in found]

    def contains(self, word: str, prefix: bool = False) -> bool:
        if prefix:
            return bool(self._all(self._queries.prefix, (f"{word}*",)))
        return bool(self._all(self._queries.term, (word,)))

    def near(self, keys: list[str]) -> Iterable[tuple[str, int]]:
        return self._all(self._queries.near, (keys,))

    def _counts(self, groups: list[Group]) -> _Statistics:
        """Row counts, and how many records hold each term (asked once a session: a
        search's relaxed retries use the terms of its first groups)."""
        terms = {term for group in groups for term in group}
        known = self._statistics
        if known is not None and terms <= known.docs.keys():
            return known
        whole = sorted(term.text for term in terms if not term.prefix)
        prefixes = sorted(_token(term) for term in terms if term.prefix)
        rows, ordered, top, docs, prefix_docs = self._conn.execute(
            self._queries.statistics, (whole, prefixes)).fetchone()
        counts = {Term(term): int(value) for term, value in docs.items()}
        counts.update((Term(token[:-1], True), int(value))
                      for token, value in prefix_docs.items())
        for term in terms:
            counts.setdefault(term, 0)
        self._statistics = _Statistics(int(rows or 0), int(ordered or 0), int(top or 0), counts)
        return self._statistics

    def candidates(self, groups: list[Group], limit: int) -> list[Row]:
        """The first ``limit`` records, by id, holding a term of every group (see
        :meth:`_find`)."""
        return self._find(groups, limit, self._queries.candidates)

    def candidate_keys(self, groups: list[Group], limit: int) -> list[Row]:
        return self._find(groups, limit, self._queries.candidate_keys)

    def candidate_rows(self, ids: list[int]) -> list[Row]:
        return self._all(self._queries.candidate_rows, (ids,))

    def _find(self, groups: list[Group], limit: int, select: str) -> list[Row]:
        """The first ``limit`` records, by id, holding a term of every group, as
        ``select`` gives them (its last column the id).

        As the SQLite store's full-text query: the same records, in the same
        order. Loaded rows are stored in id order up to ``ordered_until``, so a
        scan of them without ORDER BY meets them in id order and stops at
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
        stats = self._counts(groups)
        live: list[Group] = []
        sizes: list[int] = []
        for group in groups:
            kept = [term for term in group if stats.docs.get(term, 0) > 0]
            if not kept:
                return []
            live.append(kept)
            sizes.append(sum(stats.docs[term] for term in kept))
        rows, start = self._scan(live, sizes, limit, stats, select)
        if len(rows) >= limit:
            return rows
        checks = _index_checks(live)
        if start < stats.ordered:
            upper = stats.ordered if stats.top > stats.ordered else None
            rows += self._run(select, checks, start, upper, limit - len(rows))
        if len(rows) < limit and stats.top > stats.ordered:
            rows += self._run(select, checks, stats.ordered, None, limit - len(rows),
                              ordered=True)
        rows.sort(key=lambda row: row[-1])
        return rows

    def _scan(self, live: list[Group], sizes: list[int], limit: int,
              stats: _Statistics, select: str) -> tuple[list[Row], int]:
        """Loaded rows read in id order while that costs less than the index (see
        :meth:`candidates`): the rows found and the id reached."""
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
        rows: list[Row] = []
        start, end = 0, min(bound, budget)
        while end > start:
            rows += self._run(select, _row_checks(live), start, end, limit - len(rows),
                              indexed_ids=True)
            if len(rows) >= limit:
                return rows, start
            start = end
            # fewer matched than expected (addresses cluster: a town's rows are
            # together): read on while the rate met says that costs less than the index
            need = (limit - len(rows)) * start // len(rows) * 2 if rows else budget + 1
            if need <= budget:
                end = min(start + need, 3 * budget, stats.ordered)
        return rows, start

    def _run(
        self, select: str, conditions: list[tuple[str, list[Any]]], after: int,
        upto: int | None, limit: int, *, ordered: bool = False, indexed_ids: bool = False,
    ) -> list[Row]:
        """Records meeting ``conditions`` with ``after < id <= upto``, at most ``limit``,
        as ``select`` (a statement ending in ``WHERE``) gives them.

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
        return self._all(f"{select}{' AND '.join(parts)}{order} LIMIT %s", (*params, limit))


class PostgresStore:
    """Pools on a primary (and perhaps a replica) holding one gazetteer schema.

    Raises:
        ConfigurationError: psycopg is missing, ``pool_size`` is not a whole
            number from 1, or a database lacks the schema (or has a newer one).
        ProviderUnavailable: a server cannot be reached.
    """

    provider = PROVIDER

    def __init__(
        self, dsn: str, *, schema: str, pool_size: int = DEFAULT_POOL_SIZE,
        read_dsn: str | None = None, read_pool_size: int | None = None,
        timeout: float = 30.0, connect_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        _, psycopg_pool = drivers()
        self.schema: str = schema_sql.check_schema_name(schema)
        self.dsn = dsn
        self.read_dsn = read_dsn
        self.connect_kwargs: dict[str, Any] = dict(connect_kwargs or {})
        self.queries: schema_sql.Queries = schema_sql.Queries.of(self.schema)
        self._pools: list[Any] = []
        self._closed = False
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 1:
            raise ConfigurationError(f"pool_size must be a whole number from 1, not {pool_size!r}")
        for target in (dsn, read_dsn):
            if target is not None:
                with connect(target, self.connect_kwargs) as conn, \
                        database_errors(f"cannot read {safe_dsn(target)}"):
                    check_version(conn, self.schema)
        kwargs = {**self.connect_kwargs, "autocommit": True}
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

    @staticmethod
    def _configure(conn: Any) -> None:
        conn.execute(_SESSION)

    @contextmanager
    def reading(self) -> Iterator[PostgresSession]:
        """A session on a connection of the read pool."""
        if self._closed:
            raise ProviderError("the gazetteer is closed", provider=PROVIDER)
        target = self.read_dsn or self.dsn
        with database_errors(f"gazetteer {safe_dsn(target)} failed"), \
                self._read_pool.connection() as conn:
            yield PostgresSession(conn, self.queries)

    @contextmanager
    def writing(self) -> Iterator[Any]:
        """A connection of the primary's pool (autocommit), for changes."""
        if self._closed:
            raise ProviderError("the gazetteer is closed", provider=PROVIDER)
        with database_errors(f"gazetteer {safe_dsn(self.dsn)} failed"), \
                self._pool.connection() as conn:
            yield conn

    def info(self) -> dict[str, str]:
        with self.reading() as session:
            return session.info()

    def count(self) -> int:
        return int(self.info().get("addresses", "0"))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for pool in self._pools:
            pool.close()
