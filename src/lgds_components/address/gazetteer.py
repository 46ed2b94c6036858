"""The embedded gazetteer: one SQLite file answering every :class:`AddressLookup` question.

>>> from lgds_components.address import Gazetteer
>>> gaz = Gazetteer.sample()
>>> gaz.by_uprn(10120537).single_line()
'67A Mount Parade, Radham, Rushworth, SN7 1BA'
>>> [m.address.single_line() for m in gaz.search("67 mount p", limit=2)]
['67 Mount Parade, Radham, Rushworth, SN7 1BA', '67A Mount Parade, Radham, Rushworth, SN7 1BA']
>>> gaz.close()

Build your own from the council's gazetteer CSV with :meth:`Gazetteer.load`
(see :mod:`lgds_components.address.loader` for the formats), then open it in
each worker process with :meth:`Gazetteer.open`. A Gazetteer object may be
shared between threads; reads never block a load, and a load never shows a
half-loaded gazetteer.

Search works in two steps: a full-text index (SQLite FTS5, every word
normalised by :mod:`lgds_components.address.text`) finds candidates holding
all the words typed, with typos corrected against the gazetteer's own
vocabulary, then :mod:`lgds_components.address.scoring` ranks them.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from lgds_components.address import _schema, ranking, scoring
from lgds_components.address.loader import LoadProgress, LoadReport, connect, load
from lgds_components.address.match import Match
from lgds_components.address.model import Address, _unchecked
from lgds_components.errors import (
    ConfigurationError,
    NotFound,
    ProviderError,
    ValidationError,
)

__all__ = ["DEFAULT_THRESHOLD", "MAX_QUERY_LENGTH", "SAMPLE_CSV", "Gazetteer"]

#: Confidence below which :meth:`Gazetteer.match` answers ``None``.
DEFAULT_THRESHOLD = ranking.DEFAULT_THRESHOLD
#: Longest text :meth:`Gazetteer.search` and :meth:`Gazetteer.match` accept.
MAX_QUERY_LENGTH = ranking.MAX_QUERY_LENGTH
#: Name of the synthetic sample CSV shipped in ``lgds_components.data``.
SAMPLE_CSV = "sample_gazetteer.csv.gz"

_COLUMNS = ", ".join(_schema.ADDRESS_COLUMNS)


def _address(row: tuple[Any, ...]) -> Address:
    """Build an Address from a stored row, skipping the converters (data is clean)."""
    address = _unchecked(row)
    object.__setattr__(address, "postal", bool(row[23]))
    return address


_SAMPLE_LOCK = threading.Lock()


class _Vocabulary:
    """The file's ``address_term`` and ``address_term_delete`` tables as a
    :class:`~lgds_components.address.ranking.Vocabulary`."""

    __slots__ = ("_query",)

    def __init__(self, query: Callable[[str, Iterable[Any]], list[Any]]) -> None:
        self._query = query

    def starting(self, prefix: str, limit: int) -> list[str]:
        return [term for (term,) in self._query(
            "SELECT term FROM address_term WHERE term >= ? AND term < ? "
            "ORDER BY docs DESC, term LIMIT ?", (prefix, prefix + "\x7f", limit))]

    def contains(self, word: str, prefix: bool = False) -> bool:
        if prefix:
            return bool(self._query("SELECT 1 FROM address_term WHERE term >= ? AND term < ? "
                                    "LIMIT 1", (word, word + "\x7f")))
        return bool(self._query("SELECT 1 FROM address_term WHERE term = ?", (word,)))

    def near(self, keys: list[str]) -> Iterable[tuple[str, int]]:
        marks = ", ".join("?" * len(keys))
        return self._query(
            f"SELECT DISTINCT d.term, t.docs FROM address_term_delete d "
            f"JOIN address_term t ON t.term = d.term WHERE d.deletion IN ({marks})", keys)


class Gazetteer:
    """An address gazetteer in one SQLite file (see the module docs).

    Use :meth:`open`, :meth:`sample` or :meth:`load` rather than the
    constructor. Close it (or use ``with``) when done.

    Args:
        path: the SQLite file.
        readonly: open without write access (the sample is opened so).
        threshold: default confidence threshold for :meth:`match`.
    """

    provider = "gazetteer"

    def __init__(
        self, path: str | os.PathLike[str], *, readonly: bool = False,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.threshold = threshold
        self._lock = threading.RLock()
        try:
            self._conn = connect(self.path, readonly=readonly)
        except sqlite3.DatabaseError as exc:
            if "not a database" not in str(exc):
                raise ProviderError(f"cannot open gazetteer {self.path}: {exc}",
                                    provider=self.provider) from exc
            raise ConfigurationError(
                f"{self.path} is not a gazetteer file ({exc}); build one with Gazetteer.load"
            ) from exc
        except sqlite3.Error as exc:
            raise ProviderError(f"cannot open gazetteer {self.path}: {exc}",
                                provider=self.provider) from exc

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r})"

    # -- opening ----------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, readonly: bool = False,
             threshold: float = DEFAULT_THRESHOLD) -> Gazetteer:
        """Open an existing gazetteer file.

        Raises:
            ConfigurationError: the file does not exist or is not a gazetteer.
        """
        if not Path(path).is_file():
            raise ConfigurationError(f"no gazetteer file at {path}; build one with Gazetteer.load")
        gazetteer = cls(path, readonly=readonly, threshold=threshold)
        try:
            gazetteer._check()
        except BaseException:
            gazetteer.close()
            raise
        return gazetteer

    def _check(self) -> None:
        try:
            row = self._conn.execute(
                "SELECT value FROM gazetteer_meta WHERE key = 'format_version'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise ConfigurationError(
                f"{self.path} is not a gazetteer file ({exc}); build one with Gazetteer.load"
            ) from exc
        if row is None or row[0] != _schema.FORMAT_VERSION:
            raise ConfigurationError(
                f"{self.path} was built by another version of lgds-components; load it again"
            )

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        source_csv: str | os.PathLike[str],
        *,
        format: Literal["addressbase", "llpg"] = "addressbase",
        mapping: Mapping[str, str | None] | None = None,
        statuses: Iterable[str | int] = ("approved",),
        classifications: Iterable[str] | None = None,
        on_error: Literal["fail", "skip"] = "fail",
        progress: Callable[[LoadProgress], object] | None = None,
    ) -> LoadReport:
        """Load a CSV into the gazetteer at ``path``, atomically replacing its contents.

        See :func:`lgds_components.address.loader.load` for the arguments and
        the CSV formats. Returns a :class:`~lgds_components.address.loader.LoadReport`;
        open the result with :meth:`open`.
        """
        return load(
            path, source_csv, format=format, mapping=mapping, statuses=statuses,
            classifications=classifications, on_error=on_error, progress=progress,
        )

    @classmethod
    def sample(cls, *, threshold: float = DEFAULT_THRESHOLD) -> Gazetteer:
        """Open the synthetic sample gazetteer that ships with the package.

        The first call in a fresh install builds it (a second or so) into the
        user's cache directory (``$LGDS_CACHE_DIR``, else ``$XDG_CACHE_HOME``
        or ``~/.cache``, under ``lgds-components``); it is then opened read-only.
        Every address in it is invented.
        """
        path = _sample_path()
        with _SAMPLE_LOCK:
            if not path.is_file():
                _build_sample(path)
        return cls.open(path, readonly=True, threshold=threshold)

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- queries -------------------------------------------------------------------

    def _query(self, sql: str, parameters: Iterable[Any] = ()) -> list[Any]:
        with self._lock:
            try:
                return self._conn.execute(sql, tuple(parameters)).fetchall()
            except sqlite3.Error as exc:
                raise ProviderError(
                    f"gazetteer {self.path} failed: {exc}", provider=self.provider
                ) from exc

    def info(self) -> dict[str, str]:
        """What was loaded: source file, format, time, row count."""
        return dict(self._query("SELECT key, value FROM gazetteer_meta"))

    def __len__(self) -> int:
        return int(self._query("SELECT count(*) FROM address WHERE preferred = 1")[0][0])

    def by_postcode(
        self, postcode: str, *, postal_only: bool = False, language: str | None = None
    ) -> list[Address]:
        """Every address at ``postcode``, in natural order (one per UPRN).

        Args:
            postcode: as typed; normalised by
                :func:`lgds_components.identifiers.postcode.validate`.
            postal_only: leave out addresses Royal Mail does not deliver to
                (a block's parent record, a garage): what an address picker shows.
            language: ``"cy"`` for the Welsh form of each address where the
                gazetteer has one; by default the approved English record.

        Raises:
            ValidationError: not a valid postcode.
        """
        from lgds_components.identifiers import postcode as postcodes

        key = postcodes.validate(postcode).replace(" ", "")
        postal = " AND postal = 1" if postal_only else ""
        if language is None or language == "en":
            rows = self._query(
                f"SELECT {_COLUMNS} FROM address WHERE postcode_key = ? AND preferred = 1"
                f"{postal} ORDER BY sort_key",
                (key,),
            )
            return [_address(row) for row in rows]
        rows = self._query(
            f"SELECT {_COLUMNS}, sort_key FROM address WHERE postcode_key = ? "
            f"AND logical_status = 1{postal}",
            (key,),
        )
        return [_address(row) for row in _schema.one_per_uprn_in_language(rows, language)]

    def by_uprn(self, uprn: int | str, *, language: str | None = None) -> Address:
        """The address with this UPRN (its approved English record by default).

        Raises:
            ValidationError: not a UPRN.
            NotFound: no such UPRN in the gazetteer.
        """
        from lgds_components.identifiers import uprn as uprns

        value = uprns.validate(uprn)
        rows = self._query(
            f"SELECT {_COLUMNS} FROM address WHERE uprn = ? "
            "ORDER BY preferred DESC, language = ? DESC, logical_status",
            (value, language or "en"),
        )
        if not rows:
            raise NotFound(f"no address with UPRN {value}", provider=self.provider)
        return _address(rows[0] if language is None else _schema.in_language(rows, language))

    def children(self, uprn: int | str) -> list[Address]:
        """The addresses inside a building (those whose parent UPRN is ``uprn``)."""
        from lgds_components.identifiers import uprn as uprns

        value = uprns.validate(uprn)
        rows = self._query(
            f"SELECT {_COLUMNS} FROM address WHERE parent_uprn = ? AND preferred = 1 "
            "ORDER BY sort_key",
            (value,),
        )
        return [_address(row) for row in rows]

    def sample_addresses(self, count: int, seed: int = 0) -> list[Address]:
        """Up to ``count`` postal addresses picked at random (repeatably, by ``seed``).

        For building test sets such as :func:`lgds_components.address.messy.messy_cases`.
        """
        import random

        rng = random.Random(seed)
        top = self._query("SELECT max(id) FROM address")[0][0] or 0
        chosen: dict[int, Address] = {}
        attempts = 0
        while len(chosen) < count and attempts < count * 20 and top:
            attempts += 1
            rows = self._query(
                f"SELECT {_COLUMNS} FROM address WHERE id = ? AND preferred = 1 AND postal = 1",
                (rng.randint(1, top),),
            )
            if rows:
                chosen.setdefault(rows[0][0], _address(rows[0]))
        return list(chosen.values())

    # -- search --------------------------------------------------------------------

    def _fetch(self, groups: list[ranking.Group], limit: int) -> list[Any]:
        """The first ``limit`` records by id holding a term of every group (FTS5 order)."""
        expression = " AND ".join(
            "(" + " OR ".join(f'"{term.text}"' + ("*" if term.prefix else "") for term in group)
            + ")"
            for group in groups
        )
        return self._query(
            f"SELECT {_COLUMNS}, a.sort_key, a.search "
            "FROM address_fts f JOIN address a ON a.id = f.rowid "
            "WHERE address_fts MATCH ? LIMIT ?",
            (expression, limit),
        )

    def _ranked(
        self, query: scoring.Query, postcode_key: str | None, count: int, partial: bool = False
    ) -> list[Match]:
        """The best ``count`` matches for ``query``, one per UPRN, best first."""
        if query.uprn is not None:
            try:
                return [Match(self.by_uprn(query.uprn), 1.0, "exact uprn")]
            except (NotFound, ValidationError):
                query = scoring.Query(numbers=(str(query.uprn),))
        rows = ranking.candidates(ranking.word_groups(query, postcode_key), postcode_key,
                                  self._fetch)
        return ranking.best_matches(
            rows, query, count=count, partial=partial, search_column=-1, sort_column=-2,
            to_address=_address,
        )

    def search(self, text: str, limit: int = 10, postcode: str | None = None) -> list[Match]:
        """Addresses resembling ``text``, best first (type-ahead: the last word may be partial).

        Args:
            text: what the resident has typed so far.
            limit: at most this many results (1 to 100).
            postcode: only addresses at this postcode.

        Raises:
            ValidationError: ``text`` is longer than :data:`MAX_QUERY_LENGTH`,
                ``limit`` is out of range, or ``postcode`` is not a postcode.
        """
        text = ranking.check_text(text)
        key = ranking.search_limits(limit, postcode)
        query = ranking.parse(text, _Vocabulary(self._query), prefix=True)
        if query.is_empty and key is None:
            return []
        return self._ranked(query, key, limit, partial=True)

    def match(self, text: str, *, threshold: float | None = None) -> Match | None:
        """The one address ``text`` describes, or ``None`` when not confident.

        ``None`` when the best candidate scores below ``threshold`` (default
        :attr:`threshold`), or when another address scores almost as well
        (the text is ambiguous).

        Raises:
            ValidationError: ``text`` is not text or is too long.
        """
        text = ranking.check_text(text)
        limit = self.threshold if threshold is None else threshold
        query = ranking.parse(text, _Vocabulary(self._query), prefix=False)
        if query.is_empty:
            return None
        return ranking.confident(self._ranked(query, None, 2), limit)

    def match_many(
        self, rows: Iterable[str], *, threshold: float | None = None
    ) -> Iterator[Match | None]:
        """:meth:`match` each of ``rows`` in turn, lazily; a row that is not
        usable text (not a string, too long) gives ``None``."""
        return ranking.match_each(lambda row: self.match(row, threshold=threshold), rows)


# -- the shipped sample ------------------------------------------------------------


def _cache_dir() -> Path:
    configured = os.environ.get("LGDS_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lgds-components"


def _sample_source() -> Any:
    return resources.files("lgds_components.data").joinpath(SAMPLE_CSV)


def _sample_path() -> Path:
    """Where the sample is built: the cache directory, or the temporary one if
    the cache cannot be written. The name changes with the data and the format."""
    data = _sample_source().read_bytes()
    digest = hashlib.sha256(data + _schema.FORMAT_VERSION.encode()).hexdigest()[:16]
    name = f"sample-gazetteer-{digest}.sqlite"
    directory = _cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if not os.access(directory, os.W_OK):
            raise PermissionError(directory)
    except OSError:
        directory = Path(tempfile.gettempdir())
    return directory / name


def _build_sample(path: Path) -> None:
    """Build the sample into ``path`` via a private temporary file, then move it in place."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".building")
    os.close(descriptor)
    os.unlink(temporary)
    try:
        with resources.as_file(_sample_source()) as source:
            load(temporary, source)
        conn = sqlite3.connect(temporary)
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
        os.replace(temporary, path)
    finally:
        for leftover in (temporary, temporary + "-wal", temporary + "-shm"):
            if os.path.exists(leftover):
                os.unlink(leftover)
