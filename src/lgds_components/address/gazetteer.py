"""The gazetteer: one front answering every :class:`AddressLookup` question from a store.

:class:`Gazetteer` keeps the gazetteer in one SQLite file; :class:`PostgresGazetteer
<lgds_components.address.postgres.PostgresGazetteer>` in PostgreSQL, for
national scale. Both are :class:`GazetteerFront`: the public methods, the
argument checks and the ranking live here once, and each store answers a
handful of primitive queries (see :mod:`lgds_components.address.stores.base`),
so the two give the same answers to the same questions.

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

Search works in two steps: a full-text index (every word normalised by
:mod:`lgds_components.address.text`) finds candidates holding all the words
typed, with typos corrected against the gazetteer's own vocabulary, then
:mod:`lgds_components.address.ranking` scores them
(:mod:`lgds_components.address.scoring`).
"""

from __future__ import annotations

import abc
import functools
import hashlib
import os
import random
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Unpack

from lgds_components.address import arguments, matching, ranking, scoring
from lgds_components.address.loader import (
    Format,
    LoadOptions,
    LoadProgress,
    LoadReport,
    Sources,
    load,
    load_update,
)
from lgds_components.address.match import Decision, Match
from lgds_components.address.model import Address
from lgds_components.address.records.contract import ADDRESS_FIELDS
from lgds_components.address.stores.base import SEARCH, SORT_KEY, Row, Session, Store, address_of
from lgds_components.errors import ConfigurationError, NotFound, ValidationError

__all__ = [
    "DEFAULT_THRESHOLD",
    "MAX_QUERY_LENGTH",
    "SAMPLE_CSV",
    "Gazetteer",
    "GazetteerFront",
]

#: Confidence below which :meth:`GazetteerFront.match` answers ``None``.
DEFAULT_THRESHOLD = ranking.DEFAULT_THRESHOLD
#: Longest text :meth:`GazetteerFront.search` and :meth:`GazetteerFront.match` accept.
MAX_QUERY_LENGTH = arguments.MAX_QUERY_LENGTH
#: Name of the synthetic sample CSV shipped in ``lgds_components.data``.
SAMPLE_CSV = "sample_gazetteer.csv.gz"

_LOGICAL_STATUS = ADDRESS_FIELDS.index("logical_status")  # columns of a stored row
_LANGUAGE = ADDRESS_FIELDS.index("language")


def _in_language(rows: list[Row], language: str) -> Row:
    """Of one UPRN's rows (best first), the approved one in ``language``, else the first."""
    for row in rows:
        if row[_LANGUAGE] == language and row[_LOGICAL_STATUS] == 1:
            return row
    return rows[0]


def _one_per_uprn_in_language(rows: Iterable[Row], language: str) -> list[Row]:
    """One row per UPRN, in ``language`` where there is one, ordered by the last
    column (the sort key); rows come in load order, so the first is the fallback."""
    chosen: dict[int, Row] = {}
    for row in rows:
        if row[0] not in chosen or row[_LANGUAGE] == language:
            chosen[row[0]] = row
    return sorted(chosen.values(), key=lambda row: row[-1])


class GazetteerFront(abc.ABC):
    """Every :class:`~lgds_components.address.AddressLookup` question, answered from a store.

    Not made directly: use :class:`Gazetteer` (SQLite) or
    :class:`~lgds_components.address.postgres.PostgresGazetteer`.

    Attributes:
        threshold: default confidence threshold for :meth:`match`.
        provider: named in errors (``"gazetteer"``, ``"postgres"``).
    """

    provider: str

    def __init__(self, store: Store, threshold: float) -> None:
        self._store = store
        self.provider = store.provider
        self.threshold = threshold

    def close(self) -> None:
        """Release the store's connections."""
        self._store.close()

    def __enter__(self) -> GazetteerFront:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def info(self) -> dict[str, str]:
        """What was loaded: source file, format, time, row counts."""
        return self._store.info()

    def __len__(self) -> int:
        """How many addresses (UPRNs) the gazetteer holds."""
        return self._store.count()

    # -- lookups -----------------------------------------------------------------------

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
        key = arguments.postcode_key(postcode)
        with self._store.reading() as session:
            if language is None or language == "en":
                return [address_of(row) for row in session.by_postcode(key, postal_only)]
            rows = session.approved_at_postcode(key, postal_only)
        return [address_of(row) for row in _one_per_uprn_in_language(rows, language)]

    def by_uprn(self, uprn: int | str, *, language: str | None = None) -> Address:
        """The address with this UPRN (its approved English record by default).

        Raises:
            ValidationError: not a UPRN.
            NotFound: no such UPRN in the gazetteer.
        """
        value = arguments.uprn_value(uprn)
        with self._store.reading() as session:
            return self._by_uprn(session, value, language)

    def _by_uprn(self, session: Session, uprn: int, language: str | None) -> Address:
        rows = session.by_uprn(uprn, language or "en")
        if not rows:
            raise NotFound(f"no address with UPRN {uprn}", provider=self.provider)
        return address_of(rows[0] if language is None else _in_language(rows, language))

    def children(self, uprn: int | str) -> list[Address]:
        """The addresses inside a building (those whose parent UPRN is ``uprn``)."""
        value = arguments.uprn_value(uprn)
        with self._store.reading() as session:
            return [address_of(row) for row in session.children(value)]

    def sample_addresses(self, count: int, seed: int = 0) -> list[Address]:
        """Up to ``count`` postal addresses picked at random (repeatably, by ``seed``);
        every store picks the same ones from the same CSV.

        For building test sets such as :func:`lgds_components.address.messy.messy_cases`.
        """
        rng = random.Random(seed)
        chosen: dict[int, Address] = {}
        attempts = 0
        with self._store.reading() as session:
            top = session.top_id()
            while len(chosen) < count and attempts < count * 20 and top:
                wanted: list[int] = []
                while len(wanted) < max(count - len(chosen), 1) * 2 and attempts < count * 20:
                    attempts += 1
                    wanted.append(rng.randint(1, top))
                rows = session.sample_rows(wanted)
                for identifier in wanted:
                    row = rows.get(identifier)
                    if row is not None and len(chosen) < count:
                        chosen.setdefault(row[0], address_of(row))
        return list(chosen.values())

    # -- search ------------------------------------------------------------------------

    def _ranked(
        self, session: Session, query: scoring.Query, postcode_key: str | None, count: int,
        partial: bool = False,
    ) -> list[Match]:
        """The best ``count`` matches for ``query``, one per UPRN, best first."""
        if query.uprn is not None:
            try:
                uprn = arguments.uprn_value(query.uprn)
                return [Match(self._by_uprn(session, uprn, None), 1.0, "exact uprn")]
            except (NotFound, ValidationError):
                query = scoring.Query(numbers=(str(query.uprn),))
        rows = ranking.candidates(ranking.word_groups(query, postcode_key), postcode_key,
                                  session.candidates)
        return ranking.best_matches(rows, query, count=count, partial=partial,
                                    search_column=SEARCH, sort_column=SORT_KEY,
                                    to_address=address_of)

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
        text = arguments.check_text(text)
        arguments.check_limit(limit)
        key = None if postcode is None else arguments.postcode_key(postcode)
        with self._store.reading() as session:
            query = ranking.parse(text, session, prefix=True)
            if query.is_empty and key is None:
                return []
            return self._ranked(session, query, key, limit, partial=True)

    def match(self, text: str, *, threshold: float | None = None) -> Match | None:
        """The one address ``text`` describes, or ``None`` when not confident.

        ``None`` when the best candidate scores below ``threshold`` (default
        :attr:`threshold`), when another address scores almost as well (the
        text is ambiguous), or when the text describes something near an
        address; :meth:`decide` says which.

        Raises:
            ValidationError: ``text`` is not text or is too long.
        """
        return self.decide(text, threshold=threshold).match

    def decide(self, text: str, *, threshold: float | None = None) -> Decision:
        """:meth:`match` with the reason: the accepted match, or why none was
        (below threshold, tie with runner-up, town contradicts, near an
        address, no candidate, nothing to match), with the best candidates for
        a reviewer (see :mod:`~lgds_components.address.matching`).

        Raises:
            ValidationError: ``text`` is not text or is too long.
        """
        return self._decide(text, threshold, None)

    def _decide(self, text: str, threshold: float | None, memo: ranking.Memo | None,
                *, review: bool = True) -> Decision:
        """:meth:`decide`, the vocabulary's answers remembered in ``memo`` (a batch's);
        without ``review``, the decision's candidates are only the match (if any)."""
        text = arguments.check_text(text)
        limit = self.threshold if threshold is None else threshold
        with self._store.reading() as session:
            query = ranking.parse(text, session, prefix=False, memo=memo)
            if query.uprn is not None:
                try:
                    found = self._by_uprn(session, arguments.uprn_value(query.uprn), None)
                    return matching.exact_uprn(text, found)
                except (NotFound, ValidationError):
                    query = scoring.Query(numbers=(str(query.uprn),))
            ranked = matching.ranked(query, session.candidate_keys, threshold=limit)
            ids = matching.review_ids(ranked, None if review else query, limit) if ranked else []
            shown = session.candidate_rows(ids) if ids else []
        addresses = {row[-1]: address_of(row) for row in shown}
        return matching.decide(text, query, ranked, limit, addresses)

    def match_many(
        self, rows: Iterable[str], *, threshold: float | None = None, workers: int = 1,
        memo: ranking.Memo | None = None,
    ) -> Iterator[Match | None]:
        """:meth:`match` each of ``rows`` in turn, lazily; a row that is not
        usable text (not a string, too long) gives ``None``. With ``workers``
        above one, that many processes share the work (see :meth:`decide_many`).
        ``memo`` keeps the vocabulary's answers from one call to the next (a
        batch worker passes its own); by default each call starts afresh."""
        if matching.check_workers(workers) > 1:
            from lgds_components.address.batch import match_in_processes

            return match_in_processes(self._opener(), rows, threshold=threshold,
                                      workers=workers)
        known = ranking.Memo() if memo is None else memo
        return ranking.match_each(
            lambda row: self._decide(row, threshold, known, review=False).match, rows)

    def decide_many(
        self, rows: Iterable[str], *, threshold: float | None = None, workers: int = 1,
        memo: ranking.Memo | None = None,
    ) -> Iterator[Decision]:
        """:meth:`decide` each of ``rows`` in turn, lazily; a row that is not
        usable text is refused as ``"nothing to match"``.

        With ``workers`` above one, that many processes, each with its own
        connection to the same gazetteer, decide chunks of rows; the answers
        still come in row order (:mod:`~lgds_components.address.batch`).
        ``memo``: as for :meth:`match_many`.

        Raises:
            ValidationError: ``workers`` is not a whole number from 1 to 64.
        """
        if matching.check_workers(workers) > 1:
            from lgds_components.address.batch import decide_in_processes

            return decide_in_processes(self._opener(), rows, threshold=threshold,
                                       workers=workers)
        known = ranking.Memo() if memo is None else memo
        return matching.decide_each(lambda row: self._decide(row, threshold, known), rows)

    @abc.abstractmethod
    def _opener(self) -> Callable[[], GazetteerFront]:
        """A picklable way to open this gazetteer again (in another process)."""


class Gazetteer(GazetteerFront):
    """An address gazetteer in one SQLite file (see the module docs).

    Use :meth:`open`, :meth:`sample` or :meth:`load` rather than the
    constructor. Close it (or use ``with``) when done.

    Args:
        path: the SQLite file.
        readonly: open without write access (the sample is opened so).
        threshold: default confidence threshold for :meth:`match`.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, readonly: bool = False,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        from lgds_components.address.stores.sqlite import SqliteStore

        self.path: Path = Path(path)
        self.readonly = readonly
        self._file = SqliteStore(self.path, readonly=readonly)
        super().__init__(self._file, threshold)

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r})"

    def _opener(self) -> Callable[[], Gazetteer]:
        return functools.partial(type(self).open, self.path, readonly=True,
                                 threshold=self.threshold)

    def __enter__(self) -> Gazetteer:
        return self

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
            gazetteer._file.check()
        except BaseException:
            gazetteer.close()
            raise
        return gazetteer

    @classmethod
    def load(cls, path: str | os.PathLike[str], source_csv: Sources,
             **options: Unpack[LoadOptions]) -> LoadReport:
        """Load a gazetteer into the file at ``path``, atomically replacing its contents:
        a flat CSV (or several, in order), or AddressBase Plus, Core or Premium or a
        DTF LLPG as delivered (files, folders, zips of tiles).

        See :func:`lgds_components.address.loader.load` for the options
        (:class:`~lgds_components.address.loader.LoadOptions`) and the formats.
        Returns a :class:`~lgds_components.address.loader.LoadReport`; open the
        result with :meth:`open`.
        """
        return load(path, source_csv, **options)

    @classmethod
    def load_update(
        cls,
        path: str | os.PathLike[str],
        changes: Sources,
        *,
        records_path: str | os.PathLike[str],
        format: Format | None = None,
        progress: Callable[[LoadProgress], object] | None = None,
    ) -> LoadReport:
        """Apply an AddressBase Premium or DTF change-only update to the gazetteer at
        ``path``, all or nothing: see :func:`lgds_components.address.loader.load_update`.
        """
        return load_update(path, changes, records_path=records_path, format=format,
                           progress=progress)

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


# -- the shipped sample ------------------------------------------------------------

_SAMPLE_LOCK = threading.Lock()


def _cache_dir() -> Path:
    configured = os.environ.get("LGDS_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lgds-components"


def sample_source() -> Any:
    """The shipped sample CSV, as an importlib resource."""
    return resources.files("lgds_components.data").joinpath(SAMPLE_CSV)


def _sample_path() -> Path:
    """Where the sample is built: the cache directory, or the temporary one if
    the cache cannot be written. The name changes with the data and the format."""
    from lgds_components.address.stores.sqlite_schema import FORMAT_VERSION

    data = sample_source().read_bytes()
    digest = hashlib.sha256(data + FORMAT_VERSION.encode()).hexdigest()[:16]
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
        with resources.as_file(sample_source()) as source:
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
