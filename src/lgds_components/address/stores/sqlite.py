"""The SQLite store: one gazetteer file answering the store protocol's queries (internal).

One connection serves every thread of the process, one session at a time (a
lock); the file is in WAL mode, so reads never wait for a load in another
process or connection, and a load's swap is one transaction.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lgds_components.address.ranking import Group
from lgds_components.address.stores import sqlite_schema as sql
from lgds_components.address.stores.base import Row
from lgds_components.errors import ConfigurationError, ProviderError

__all__ = ["PROVIDER", "SqliteSession", "SqliteStore", "connect"]

#: The provider named in errors.
PROVIDER = "gazetteer"
# SQLite's limit on parameters is 32,766; sample in chunks well below it
_IDS_PER_QUERY = 10_000


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """Open a gazetteer file in WAL mode (shared by the store and its load)."""
    if readonly:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        if not readonly:
            conn.execute("PRAGMA journal_mode=WAL")
    except BaseException:
        conn.close()
        raise
    return conn


def _not_a_gazetteer(path: Path, exc: Exception) -> ConfigurationError:
    return ConfigurationError(
        f"{path} is not a gazetteer file ({exc}); build one with Gazetteer.load")


class SqliteSession:
    """The store protocol's queries on the file's connection (see
    :class:`~lgds_components.address.stores.base.Session`)."""

    __slots__ = ("_conn", "_path")

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._path = path

    def query(self, statement: str, parameters: Iterable[Any] = ()) -> list[Any]:
        """Run one statement; a driver error becomes ProviderError."""
        try:
            return self._conn.execute(statement, tuple(parameters)).fetchall()
        except sqlite3.Error as exc:
            raise ProviderError(f"gazetteer {self._path} failed: {exc}",
                                provider=PROVIDER) from exc

    def by_postcode(self, key: str, postal_only: bool) -> list[Row]:
        return self.query(sql.BY_POSTCODE[postal_only], (key,))

    def approved_at_postcode(self, key: str, postal_only: bool) -> list[Row]:
        return self.query(sql.APPROVED_AT_POSTCODE[postal_only], (key, key))

    def by_uprn(self, uprn: int, language: str) -> list[Row]:
        return self.query(sql.BY_UPRN, (uprn, language))

    def children(self, uprn: int) -> list[Row]:
        return self.query(sql.CHILDREN, (uprn,))

    def top_id(self) -> int:
        return int(self.query(sql.TOP_ID)[0][0] or 0)

    def sample_rows(self, ids: list[int]) -> dict[int, Row]:
        found: dict[int, Row] = {}
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start:start + _IDS_PER_QUERY]
            found.update((row[-1], row) for row in self.query(sql.sample_rows(len(chunk)), chunk))
        return found

    def starting(self, prefix: str, limit: int) -> list[str]:
        return [term for (term,) in self.query(sql.STARTING, (prefix, prefix + "\x7f", limit))]

    def contains(self, word: str, prefix: bool = False) -> bool:
        if prefix:
            return bool(self.query(sql.CONTAINS_PREFIX, (word, word + "\x7f")))
        return bool(self.query(sql.CONTAINS, (word,)))

    def near(self, keys: list[str]) -> Iterable[tuple[str, int]]:
        return self.query(sql.NEAR.format(", ".join("?" * len(keys))), keys)

    def candidates(self, groups: list[Group], limit: int) -> list[Row]:
        """The first ``limit`` records by id holding a term of every group (FTS5 order)."""
        return self.query(sql.CANDIDATES, (_expression(groups), limit))

    def candidate_keys(self, groups: list[Group], limit: int) -> list[Row]:
        return self.query(sql.CANDIDATE_KEYS, (_expression(groups), limit))

    def candidate_rows(self, ids: list[int]) -> list[Row]:
        found: list[Row] = []
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start:start + _IDS_PER_QUERY]
            found += self.query(sql.candidate_rows(len(chunk)), chunk)
        return found


def _expression(groups: list[Group]) -> str:
    """The FTS5 expression for records holding a term of every group.

    Terms are the gazetteer's own normalised words (letters and digits), so
    quoting them is enough to keep FTS5 syntax out of the expression.
    """
    return " AND ".join(
        "(" + " OR ".join(f'"{term.text}"' + ("*" if term.prefix else "") for term in group)
        + ")"
        for group in groups
    )


class SqliteStore:
    """A gazetteer file (see the module docs).

    Raises:
        ConfigurationError: the file is not an SQLite database.
        ProviderError: it cannot be opened.
    """

    provider = PROVIDER

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self._lock = threading.RLock()
        try:
            self._conn = connect(path, readonly=readonly)
        except sqlite3.DatabaseError as exc:
            if "not a database" not in str(exc):
                raise ProviderError(f"cannot open gazetteer {path}: {exc}",
                                    provider=PROVIDER) from exc
            raise _not_a_gazetteer(path, exc) from exc
        except sqlite3.Error as exc:
            raise ProviderError(f"cannot open gazetteer {path}: {exc}",
                                provider=PROVIDER) from exc
        self._session = SqliteSession(self._conn, path)

    def check(self) -> None:
        """Refuse a file that is not a gazetteer of this library's format.

        Raises:
            ConfigurationError: not a gazetteer, or built by another version.
        """
        try:
            row = self._conn.execute(
                "SELECT value FROM gazetteer_meta WHERE key = 'format_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise _not_a_gazetteer(self.path, exc) from exc
        if row is None or row[0] != sql.FORMAT_VERSION:
            raise ConfigurationError(
                f"{self.path} was built by another version of lgds-components; load it again")

    @contextmanager
    def reading(self) -> Iterator[SqliteSession]:
        """The file's one connection, held for the session."""
        with self._lock:
            yield self._session

    def info(self) -> dict[str, str]:
        with self.reading() as session:
            return dict(session.query(sql.INFO))

    def count(self) -> int:
        with self.reading() as session:
            return int(session.query(sql.COUNT)[0][0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
