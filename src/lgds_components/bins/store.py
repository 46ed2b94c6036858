"""Rounds, services and property assignments in the council's SQLite file.

Tables are prefixed ``bins_`` so they live beside other components' tables
in one file per council. The schema is versioned (``bins_meta``), the file is
opened in WAL mode (readers never wait for a load), and every statement is
parameterised.

Data arrives as CSV files, loaded together in one transaction: a load either
replaces the tables it was given in full or, on any error, changes nothing.
Errors carry the CSV line number. With ``on_error="skip"`` bad rows are left
out and reported instead.

The files (columns in any order; ``*`` marks the required ones):

``services``
    ``id*``, ``name*``, ``colour``, ``container``, ``policy`` (a bank holiday
    policy for this service, see :mod:`~lgds_components.bins.policies`).
``rounds``
    ``id*``, ``service*``, ``weekday*`` (``Monday`` or ``Mon`` or 0-6),
    ``every_weeks`` (default 1), ``reference_date*`` (a date the round runs),
    ``season_start`` and ``season_end`` (``MM-DD``, e.g. ``03-01`` and
    ``11-30``), ``start_date``, ``end_date``.
``streets``
    ``usrn*``, ``rounds*``: the rounds every property on the street gets,
    separated by ``;``.
``properties``
    ``uprn*``, ``usrn`` (the property's street, for its defaults), ``rounds``
    (the property's own rounds: each replaces the street's round for the same
    service), ``exclude`` (services the property does not get, such as
    garden waste without a subscription).
``overrides``
    see :mod:`~lgds_components.bins.overrides`.

>>> import io
>>> store = BinStore.memory()
>>> report = store.load(
...     services=io.StringIO("id,name\\nrefuse,Rubbish\\nfood,Food waste\\n"),
...     rounds=io.StringIO("id,service,weekday,every_weeks,reference_date\\n"
...                        "R1,refuse,Monday,2,2026-01-05\\nF1,food,Monday,1,2026-01-05\\n"),
...     streets=io.StringIO("usrn,rounds\\n14200001,R1;F1\\n"),
...     properties=io.StringIO("uprn,usrn,rounds,exclude\\n100040000001,14200001,,\\n"
...                            "100040000002,14200001,,food\\n"),
... )
>>> report.counts
{'services': 2, 'rounds': 2, 'streets': 1, 'properties': 2}
>>> store.rounds_for(100040000001), store.rounds_for(100040000002)
(('F1', 'R1'), ('R1',))

A bad file changes nothing, and says where it went wrong:

>>> bad = "id,service,weekday,reference_date\\nR1,refuse,Moonday,2026-01-05\\n"
>>> store.load(rounds=io.StringIO(bad))
Traceback (most recent call last):
...
lgds_components.errors.InvalidFormat: line 2, weekday: Enter a day of the week, like Monday
>>> store.rounds_for(100040000001)
('F1', 'R1')
>>> store.close()
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Final, Literal, TypeVar

import attrs
from pydantic import BaseModel, ConfigDict, field_validator

from lgds_components import load_errors
from lgds_components.bins._csv import (
    CsvSource,
    Progress,
    clean_text,
    opened,
    parse_date,
    parse_id,
    parse_id_list,
    read_rows,
    row_model,
)
from lgds_components.bins.holidays import DIVISIONS
from lgds_components.bins.model import Round, Service, parse_weekday
from lgds_components.bins.overrides import COLUMNS as OVERRIDE_COLUMNS
from lgds_components.bins.overrides import Override, OverrideRow, Overrides
from lgds_components.bins.policies import POLICIES
from lgds_components.errors import (
    ConfigurationError,
    InvalidComponent,
    InvalidFormat,
    ProviderError,
    ValidationError,
)
from lgds_components.identifiers import uprn as uprn_rules
from lgds_components.identifiers import usrn as usrn_rules

__all__ = [
    "MAX_REPORTED_ERRORS",
    "SCHEMA_VERSION",
    "BinStore",
    "LoadReport",
    "PropertyRow",
    "RoundRow",
    "ServiceRow",
    "StreetRow",
]

SCHEMA_VERSION: Final = 1
"""The version of the ``bins_`` tables this code reads and writes."""

MAX_REPORTED_ERRORS: Final = load_errors.MAX_REPORTED_ERRORS
"""A load in skip mode keeps this many bad rows' errors (and counts the rest)."""

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS bins_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bins_services (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, colour TEXT NOT NULL DEFAULT '',
    container TEXT NOT NULL DEFAULT '', policy TEXT, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bins_rounds (
    id TEXT PRIMARY KEY, service_id TEXT NOT NULL, weekday INTEGER NOT NULL,
    every_weeks INTEGER NOT NULL, reference_date TEXT NOT NULL,
    season_start TEXT, season_end TEXT, start_date TEXT, end_date TEXT);
CREATE TABLE IF NOT EXISTS bins_streets (usrn INTEGER PRIMARY KEY, rounds TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bins_properties (
    uprn INTEGER PRIMARY KEY, usrn INTEGER, rounds TEXT NOT NULL DEFAULT '',
    exclude TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS bins_overrides (
    id INTEGER PRIMARY KEY, round_id TEXT, service_id TEXT, date TEXT NOT NULL,
    new_date TEXT, note TEXT NOT NULL DEFAULT '', line INTEGER);
CREATE TABLE IF NOT EXISTS bins_round_sets (id INTEGER PRIMARY KEY, rounds TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS bins_assignments (uprn INTEGER PRIMARY KEY, round_set INTEGER NOT NULL);
"""

_KINDS: Final = ("services", "rounds", "streets", "properties", "overrides")
_BATCH: Final = 20_000


# --------------------------------------------------------------------------- CSV rows


_T = TypeVar("_T")


def _validated(rule: Callable[[Any], _T], value: Any, field: str) -> _T:
    try:
        return rule(value)
    except ValidationError as exc:
        raise exc.located(field=field) from exc


class ServiceRow(BaseModel):
    """One row of a services CSV."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="ignore", frozen=True)

    id: str
    name: str
    colour: str = ""
    container: str = ""
    policy: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> str:
        return parse_id(value, field="id")

    @field_validator("name", "colour", "container", mode="before")
    @classmethod
    def _text(cls, value: Any, info: Any) -> str:
        return clean_text(value, field=info.field_name, max_length=100,
                          required=info.field_name == "name")

    @field_validator("policy", mode="before")
    @classmethod
    def _policy(cls, value: Any) -> str | None:
        text = "" if value is None else str(value).strip().lower()
        if not text:
            return None
        if text not in POLICIES:
            raise InvalidComponent(
                f"Policy must be one of: {', '.join(POLICIES)}", field="policy"
            )
        return text


def _month_day(value: Any, field: str) -> tuple[int, int] | None:
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    parts = text.replace("/", "-").split("-")
    if len(parts) != 2 or not all(p.isdecimal() and p.isascii() and len(p) <= 2 for p in parts):
        raise InvalidFormat(f"{field.replace('_', ' ').capitalize()} must be a month and day "
                            "like 03-01 (1 March)", field=field)
    month, day = int(parts[0]), int(parts[1])
    try:
        date(2024, month, day)
    except ValueError as exc:
        raise InvalidComponent(
            f"{field.replace('_', ' ').capitalize()} must be a real day of the year", field=field
        ) from exc
    return (month, day)


class RoundRow(BaseModel):
    """One row of a rounds CSV."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="ignore", frozen=True, arbitrary_types_allowed=True
    )

    id: str
    service: str
    weekday: int
    every_weeks: int = 1
    reference_date: date
    season_start: tuple[int, int] | None = None
    season_end: tuple[int, int] | None = None
    start_date: date | None = None
    end_date: date | None = None

    @field_validator("id", "service", mode="before")
    @classmethod
    def _ids(cls, value: Any, info: Any) -> str:
        return parse_id(value, field=info.field_name)

    @field_validator("weekday", mode="before")
    @classmethod
    def _weekday(cls, value: Any) -> int:
        return _validated(parse_weekday, "" if value is None else value, "weekday")

    @field_validator("every_weeks", mode="before")
    @classmethod
    def _every(cls, value: Any) -> int:
        text = "" if value is None else str(value).strip()
        if not text:
            return 1
        if not (text.isdecimal() and text.isascii()) or not 1 <= int(text) <= 52:
            raise InvalidComponent("Every weeks must be a whole number from 1 to 52",
                                   field="every_weeks")
        return int(text)

    @field_validator("reference_date", "start_date", "end_date", mode="before")
    @classmethod
    def _dates(cls, value: Any, info: Any) -> date | None:
        return parse_date(value, field=info.field_name,
                          required=info.field_name == "reference_date")

    @field_validator("season_start", "season_end", mode="before")
    @classmethod
    def _season(cls, value: Any, info: Any) -> tuple[int, int] | None:
        return _month_day(value, info.field_name)

    def to_round(self) -> Round:
        """The :class:`~lgds_components.bins.model.Round` this row describes."""
        return Round(self.id, self.service, self.weekday, self.every_weeks,
                     reference=self.reference_date, season_start=self.season_start,
                     season_end=self.season_end, start=self.start_date, end=self.end_date)


class StreetRow(BaseModel):
    """One row of a streets CSV: a street's default rounds."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="ignore", frozen=True)

    usrn: int
    rounds: tuple[str, ...]

    @field_validator("usrn", mode="before")
    @classmethod
    def _usrn(cls, value: Any) -> int:
        return _validated(usrn_rules.validate, "" if value is None else value, "usrn")

    @field_validator("rounds", mode="before")
    @classmethod
    def _rounds(cls, value: Any) -> tuple[str, ...]:
        return parse_id_list(value, field="rounds")


class PropertyRow(BaseModel):
    """One row of a properties CSV: a property's street and its own rounds."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="ignore", frozen=True)

    uprn: int
    usrn: int | None = None
    rounds: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @field_validator("uprn", mode="before")
    @classmethod
    def _uprn(cls, value: Any) -> int:
        return _validated(uprn_rules.validate, "" if value is None else value, "uprn")

    @field_validator("usrn", mode="before")
    @classmethod
    def _usrn(cls, value: Any) -> int | None:
        if value is None or not str(value).strip():
            return None
        return _validated(usrn_rules.validate, value, "usrn")

    @field_validator("rounds", "exclude", mode="before")
    @classmethod
    def _lists(cls, value: Any, info: Any) -> tuple[str, ...]:
        return parse_id_list(value, field=info.field_name)


# --------------------------------------------------------------------------- reports


@attrs.define
class LoadReport:
    """What a load did: rows stored per file, and the rows left out (``on_error="skip"``).

    Attributes:
        counts: rows stored, per file.
        errors: the first :data:`MAX_REPORTED_ERRORS` bad rows' errors, each
            with its line number.
        skipped: how many rows were left out in all.
        properties_assigned: properties whose rounds were worked out.
    """

    counts: dict[str, int] = attrs.field(factory=dict)
    errors: list[ValidationError] = attrs.field(factory=list)
    skipped: int = 0
    properties_assigned: int = 0

    @property
    def ok(self) -> bool:
        """Whether every row was stored."""
        return not self.skipped

    def summary(self) -> str:
        """One line: rows stored per file and rows skipped."""
        parts = [f"{count:,} {kind}" for kind, count in self.counts.items()]
        text = "loaded " + (", ".join(parts) if parts else "nothing")
        if self.skipped:
            text += f"; skipped {self.skipped:,} bad rows"
        return text


# --------------------------------------------------------------------------- the store


class BinStore:
    """The ``bins_`` tables of one council's SQLite file.

    Open with :meth:`open` (a file) or :meth:`memory` (tests, samples); close
    with :meth:`close` or a ``with`` block. One store may be shared between
    threads.
    """

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self._conn = connection
        self.path = path
        self._lock = threading.Lock()
        self.generation: int = 0
        """Counts loads made through this object (other processes' loads show in
        :meth:`data_version`)."""
        self._ensure_schema()

    def __repr__(self) -> str:
        return f"<BinStore {self.path!r}>"

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True) -> BinStore:
        """Open (or, with ``create``, create) the council's SQLite file.

        Raises:
            ConfigurationError: the file does not exist and ``create`` is false,
                or it was written by a newer version of this library.
            ProviderError: the file is not a SQLite database.
        """
        target = Path(path)
        if not create and not target.is_file():
            raise ConfigurationError(f"no bin schedule database at {target}")
        try:
            conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        except sqlite3.Error as exc:
            raise ProviderError(f"cannot open {target}: {exc}", provider="bins") from exc
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=5000")
            conn.execute("PRAGMA mmap_size=268435456")  # read pages in place, up to 256 MB
            return cls(conn, str(target))
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise ProviderError(f"{target} is not a usable SQLite database: {exc}",
                                provider="bins") from exc
        except BaseException:
            conn.close()
            raise

    @classmethod
    def memory(cls) -> BinStore:
        """A store in memory, gone when closed."""
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        return cls(conn, ":memory:")

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> BinStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_schema(self) -> None:
        with self._lock:
            conn = self._conn
            exists = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='bins_meta'"
            ).fetchone()
            if exists:
                row = conn.execute(
                    "SELECT value FROM bins_meta WHERE key='schema_version'"
                ).fetchone()
                version = int(row[0]) if row else 0
                if version > SCHEMA_VERSION:
                    raise ConfigurationError(
                        f"{self.path} has bins schema version {version}, newer than this "
                        f"library understands ({SCHEMA_VERSION}); upgrade lgds-components"
                    )
                if version == SCHEMA_VERSION:
                    return
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(
                    "INSERT OR REPLACE INTO bins_meta(key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    # ------------------------------------------------------------------ reading

    def data_version(self) -> tuple[int, int]:
        """Changes whenever any connection commits a change (a cheap staleness check)."""
        with self._lock:
            return (self._conn.execute("PRAGMA data_version").fetchone()[0], self.generation)

    def settings(self) -> dict[str, str]:
        """The council's settings: ``division`` and ``policy`` when set."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT key, value FROM bins_meta WHERE key IN ('division', 'policy')"
            ).fetchall()
        return dict(rows)

    def services(self) -> list[Service]:
        """Every service, in the order of the services file."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, name, colour, container, policy FROM bins_services ORDER BY position"
            ).fetchall()
        return [Service(*row) for row in rows]

    def rounds(self) -> list[Round]:
        """Every round."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, service_id, weekday, every_weeks, reference_date, season_start, "
                "season_end, start_date, end_date FROM bins_rounds ORDER BY id"
            ).fetchall()
        return [_round_from_row(row) for row in rows]

    def overrides(self) -> Overrides:
        """The override table."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT round_id, service_id, date, new_date, note, line FROM bins_overrides "
                "ORDER BY id"
            ).fetchall()
        return Overrides(
            Override(date.fromisoformat(d), date.fromisoformat(n) if n else None, r, s, note, line)
            for r, s, d, n, note, line in rows
        )

    def round_set_id(self, uprn: int) -> int | None:
        """The id of the set of rounds a property is on, or ``None`` for an unknown property."""
        with self._lock:
            row = self._conn.execute(
                "SELECT round_set FROM bins_assignments WHERE uprn = ?", (uprn,)
            ).fetchone()
        return None if row is None else row[0]

    def round_set_ids(self, uprns: Iterable[int]) -> dict[int, int]:
        """:meth:`round_set_id` for many properties at once (unknown ones are left out)."""
        found: dict[int, int] = {}
        batch: list[int] = []
        with self._lock:
            for uprn in uprns:
                batch.append(uprn)
                if len(batch) == 500:
                    found.update(self._set_ids(batch))
                    batch = []
            if batch:
                found.update(self._set_ids(batch))
        return found

    def _set_ids(self, batch: list[int]) -> list[tuple[int, int]]:
        marks = ",".join("?" * len(batch))
        return self._conn.execute(
            f"SELECT uprn, round_set FROM bins_assignments WHERE uprn IN ({marks})", batch
        ).fetchall()

    def round_sets(self) -> dict[int, tuple[str, ...]]:
        """Every set of rounds in use, by id."""
        with self._lock:
            rows = self._conn.execute("SELECT id, rounds FROM bins_round_sets").fetchall()
        return {set_id: tuple(text.split()) for set_id, text in rows}

    def rounds_for(self, uprn: int) -> tuple[str, ...] | None:
        """The ids of the rounds a property is on, or ``None`` for an unknown property."""
        with self._lock:
            row = self._conn.execute(
                "SELECT s.rounds FROM bins_assignments a JOIN bins_round_sets s "
                "ON s.id = a.round_set WHERE a.uprn = ?", (uprn,)
            ).fetchone()
        return None if row is None else tuple(row[0].split())

    def street_rounds(self, usrn: int) -> tuple[str, ...] | None:
        """A street's default rounds, or ``None`` for a street with none recorded."""
        with self._lock:
            row = self._conn.execute(
                "SELECT rounds FROM bins_streets WHERE usrn = ?", (usrn,)
            ).fetchone()
        return None if row is None else tuple(sorted(row[0].split()))

    def uprns(self, limit: int | None = None) -> list[int]:
        """Properties with an assignment, in UPRN order (the first ``limit``)."""
        sql = "SELECT uprn FROM bins_assignments ORDER BY uprn"
        with self._lock:
            if limit is None:
                rows = self._conn.execute(sql).fetchall()
            else:
                rows = self._conn.execute(sql + " LIMIT ?", (limit,)).fetchall()
        return [row[0] for row in rows]

    def counts(self) -> dict[str, int]:
        """Rows in each table."""
        tables = {"services": "bins_services", "rounds": "bins_rounds",
                  "streets": "bins_streets", "properties": "bins_properties",
                  "overrides": "bins_overrides", "assignments": "bins_assignments"}
        with self._lock:
            return {kind: self._conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    for kind, table in tables.items()}

    # ------------------------------------------------------------------ loading

    def load(
        self,
        *,
        services: CsvSource | None = None,
        rounds: CsvSource | None = None,
        streets: CsvSource | None = None,
        properties: CsvSource | None = None,
        overrides: CsvSource | None = None,
        division: str | None = None,
        policy: str | None = None,
        on_error: Literal["fail", "skip"] = "fail",
        progress: Progress | None = None,
    ) -> LoadReport:
        """Replace the tables given, and the settings given, in one transaction.

        Each file given replaces its table in full. On any error (a bad row
        with ``on_error="fail"``, a bad header, a round left pointing at a
        service no longer there, or, with ``on_error="skip"``, a file whose
        every row is bad) nothing changes.

        Args:
            division: the council's bank holiday division.
            policy: the council's bank holiday policy.
            on_error: ``"fail"`` (the default) stops at the first bad row;
                ``"skip"`` leaves bad rows out and lists them in the report.
            progress: called with the amount read (bytes of a file, characters of a stream).

        Raises:
            ValidationError: a bad row or header (with its line), data that
                does not fit together, or an ``on_error`` other than ``"fail"``
                or ``"skip"`` (as every load: :mod:`lgds_components.load_errors`).
            ConfigurationError: an unknown division or policy.
        """
        errors = load_errors.ErrorLog(on_error)
        if division is not None and division not in DIVISIONS:
            raise ConfigurationError(
                f"unknown bank holiday division {division!r}; choose one of: "
                f"{', '.join(DIVISIONS)}"
            )
        if policy is not None and policy not in POLICIES:
            raise ConfigurationError(
                f"unknown bank holiday policy {policy!r}; choose one of: {', '.join(POLICIES)}"
            )
        report = LoadReport()
        given = dict(zip(_KINDS, (services, rounds, streets, properties, overrides),
                         strict=True))
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                loader = _Loader(conn, report, errors)
                for kind in _KINDS:
                    source = given[kind]
                    if source is not None:
                        before = errors.count
                        with opened(source, progress) as lines:
                            getattr(loader, kind)(lines)
                        if report.counts.get(kind) == 0 and errors.count > before:
                            # every row was bad: keep the old table rather than empty it
                            if before < len(errors.errors):
                                raise errors.errors[before]
                            raise InvalidFormat(f"{kind} file: every row is bad; nothing loaded")
                if division is not None:
                    conn.execute("INSERT OR REPLACE INTO bins_meta VALUES ('division', ?)",
                                 (division,))
                if policy is not None:
                    conn.execute("INSERT OR REPLACE INTO bins_meta VALUES ('policy', ?)",
                                 (policy,))
                loader.check_references()
                if any(given[k] is not None for k in ("services", "rounds", "streets",
                                                      "properties")):
                    report.properties_assigned = loader.rebuild_assignments()
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self.generation += 1
        report.errors = list(errors.errors)
        return report


def _round_from_row(row: tuple[Any, ...]) -> Round:
    rid, service, weekday, every, reference, s_start, s_end, start, end = row

    def month_day(text: str | None) -> tuple[int, int] | None:
        if not text:
            return None
        month, day = text.split("-")
        return (int(month), int(day))

    return Round(
        rid, service, weekday, every, reference=date.fromisoformat(reference),
        season_start=month_day(s_start), season_end=month_day(s_end),
        start=date.fromisoformat(start) if start else None,
        end=date.fromisoformat(end) if end else None,
    )


def _md(value: tuple[int, int] | None) -> str | None:
    return None if value is None else f"{value[0]:02d}-{value[1]:02d}"


class _Loader:
    """One load's work inside the open transaction."""

    def __init__(self, conn: sqlite3.Connection, report: LoadReport,
                 errors: load_errors.ErrorLog) -> None:
        self.conn = conn
        self.report = report
        self.errors = errors

    def _rows(self, lines: Iterable[str], kind: str, required: tuple[str, ...],
              optional: tuple[str, ...], model: type[BaseModel]) -> Iterator[tuple[int, Any]]:
        for line, row in read_rows(lines, required=required, optional=optional,
                                   name=f"{kind} file"):
            try:
                if isinstance(row, ValidationError):
                    raise row
                yield line, row_model(model, row, line)
            except ValidationError as exc:
                self._bad(exc)

    def _bad(self, exc: ValidationError) -> None:
        """Refuse a bad row under the load's policy (see :mod:`lgds_components.load_errors`)."""
        self.errors.reject(exc)
        self.report.skipped = self.errors.count

    def _ids(self, table: str) -> dict[str, str]:
        if table == "bins_rounds":
            return dict(self.conn.execute("SELECT id, service_id FROM bins_rounds"))
        return {row[0]: row[0] for row in self.conn.execute(f"SELECT id FROM {table}")}

    def services(self, lines: Iterable[str]) -> None:
        self.conn.execute("DELETE FROM bins_services")
        seen: dict[str, int] = {}
        for line, row in self._rows(lines, "services", ("id", "name"),
                                    ("colour", "container", "policy"), ServiceRow):
            if row.id in seen:
                self._bad(InvalidComponent(
                    f"Service {row.id!r} is listed twice (first on line {seen[row.id]})",
                    field="id", line=line))
                continue
            seen[row.id] = line
            self.conn.execute(
                "INSERT INTO bins_services(id, name, colour, container, policy, position) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (row.id, row.name, row.colour, row.container, row.policy, len(seen)),
            )
        self.report.counts["services"] = len(seen)

    def rounds(self, lines: Iterable[str]) -> None:
        self.conn.execute("DELETE FROM bins_rounds")
        services = self._ids("bins_services")
        seen: dict[str, int] = {}
        optional = ("every_weeks", "season_start", "season_end", "start_date", "end_date")
        for line, row in self._rows(lines, "rounds",
                                    ("id", "service", "weekday", "reference_date"),
                                    optional, RoundRow):
            try:
                round_ = row.to_round()
            except ValidationError as exc:
                self._bad(exc.located(line=line))
                continue
            if row.id in seen:
                self._bad(InvalidComponent(
                    f"Round {row.id!r} is listed twice (first on line {seen[row.id]})",
                    field="id", line=line))
                continue
            if row.service not in services:
                self._bad(InvalidComponent(f"Service {row.service!r} is not in the services",
                                           field="service", line=line))
                continue
            seen[row.id] = line
            self.conn.execute(
                "INSERT INTO bins_rounds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (round_.id, round_.service, round_.weekday, round_.every,
                 round_.reference.isoformat(), _md(round_.season_start), _md(round_.season_end),
                 round_.start.isoformat() if round_.start else None,
                 round_.end.isoformat() if round_.end else None),
            )
        self.report.counts["rounds"] = len(seen)

    def streets(self, lines: Iterable[str]) -> None:
        self.conn.execute("DELETE FROM bins_streets")
        rounds = self._ids("bins_rounds")
        seen: dict[int, int] = {}
        for line, row in self._rows(lines, "streets", ("usrn", "rounds"), (), StreetRow):
            unknown = [r for r in row.rounds if r not in rounds]
            if unknown:
                self._bad(InvalidComponent(f"Round {unknown[0]!r} is not in the rounds",
                                           field="rounds", line=line))
                continue
            if row.usrn in seen:
                self._bad(InvalidComponent(
                    f"USRN {row.usrn} is listed twice (first on line {seen[row.usrn]})",
                    field="usrn", line=line))
                continue
            seen[row.usrn] = line
            self.conn.execute("INSERT INTO bins_streets VALUES (?, ?)",
                              (row.usrn, " ".join(row.rounds)))
        self.report.counts["streets"] = len(seen)

    def properties(self, lines: Iterable[str]) -> None:
        self.conn.execute("DELETE FROM bins_properties")
        rounds = self._ids("bins_rounds")
        services = self._ids("bins_services")
        count = 0
        insert = "INSERT INTO bins_properties VALUES (?, ?, ?, ?)"
        for line, row in self._rows(lines, "properties", ("uprn",),
                                    ("usrn", "rounds", "exclude"), PropertyRow):
            unknown = [r for r in row.rounds if r not in rounds]
            if unknown:
                self._bad(InvalidComponent(f"Round {unknown[0]!r} is not in the rounds",
                                           field="rounds", line=line))
                continue
            unknown = [s for s in row.exclude if s not in services]
            if unknown:
                self._bad(InvalidComponent(f"Service {unknown[0]!r} is not in the services",
                                           field="exclude", line=line))
                continue
            try:
                self.conn.execute(insert, (row.uprn, row.usrn, " ".join(row.rounds),
                                           " ".join(row.exclude)))
            except sqlite3.IntegrityError:
                self._bad(InvalidComponent(f"UPRN {row.uprn} is listed more than once",
                                           field="uprn", line=line))
                continue
            count += 1
        self.report.counts["properties"] = count

    def overrides(self, lines: Iterable[str]) -> None:
        self.conn.execute("DELETE FROM bins_overrides")
        rounds = self._ids("bins_rounds")
        services = self._ids("bins_services")
        table = Overrides()
        for line, row in self._rows(lines, "overrides", ("date",), OVERRIDE_COLUMNS,
                                    OverrideRow):
            if row.round is not None and row.round not in rounds:
                self._bad(InvalidComponent(f"Round {row.round!r} is not in the rounds",
                                           field="round", line=line))
                continue
            if row.service is not None and row.service not in services:
                self._bad(InvalidComponent(f"Service {row.service!r} is not in the services",
                                           field="service", line=line))
                continue
            override = Override(row.date, row.new_date, row.round, row.service, row.note, line)
            try:
                table.add(override)
            except ValidationError as exc:
                self._bad(exc)
                continue
            self.conn.execute(
                "INSERT INTO bins_overrides(round_id, service_id, date, new_date, note, line) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (row.round, row.service, row.date.isoformat(),
                 row.new_date.isoformat() if row.new_date else None, row.note, line),
            )
        self.report.counts["overrides"] = len(table)

    def check_references(self) -> None:
        """Fail when data kept from before points at something a new file removed."""
        checks = (
            ("SELECT id, service_id FROM bins_rounds WHERE service_id NOT IN "
             "(SELECT id FROM bins_services) LIMIT 1",
             "round {0!r} collects service {1!r}, which the services no longer include"),
            ("SELECT coalesce(round_id, service_id), date FROM bins_overrides "
             "WHERE (round_id IS NOT NULL AND round_id NOT IN (SELECT id FROM bins_rounds)) "
             "OR (service_id IS NOT NULL AND service_id NOT IN (SELECT id FROM bins_services)) "
             "LIMIT 1",
             "an override for {0!r} on {1} names a round or service no longer there"),
        )
        for sql, message in checks:
            row = self.conn.execute(sql).fetchone()
            if row is not None:
                raise InvalidComponent(message.format(*row), field="references")

    def rebuild_assignments(self) -> int:
        """Work out every property's set of rounds (street defaults, own rounds, exclusions)."""
        conn = self.conn
        round_service = self._ids("bins_rounds")
        services = self._ids("bins_services")
        streets: dict[int, tuple[str, ...]] = {}
        for usrn, text in conn.execute("SELECT usrn, rounds FROM bins_streets"):
            ids = tuple(text.split())
            for rid in ids:
                if rid not in round_service:
                    raise InvalidComponent(
                        f"street {usrn} uses round {rid!r}, which the rounds no longer include",
                        field="references")
            streets[usrn] = ids
        conn.execute("DELETE FROM bins_assignments")
        conn.execute("DELETE FROM bins_round_sets")
        set_ids: dict[str, int] = {}
        batch: list[tuple[int, int]] = []
        assigned = 0
        cursor = conn.execute("SELECT uprn, usrn, rounds, exclude FROM bins_properties")
        while True:
            rows = cursor.fetchmany(_BATCH)
            if not rows:
                break
            for uprn, usrn, own_text, exclude_text in rows:
                own = own_text.split() if own_text else []
                own_services = set()
                for rid in own:
                    service = round_service.get(rid)
                    if service is None:
                        raise InvalidComponent(
                            f"property {uprn} uses round {rid!r}, which the rounds no longer "
                            "include", field="references")
                    own_services.add(service)
                chosen = [rid for rid in streets.get(usrn, ()) if
                          round_service[rid] not in own_services] if usrn is not None else []
                chosen += own
                if exclude_text:
                    excluded = set(exclude_text.split())
                    if not excluded <= services.keys():
                        missing = sorted(excluded - services.keys())[0]
                        raise InvalidComponent(
                            f"property {uprn} excludes service {missing!r}, which the services "
                            "no longer include", field="references")
                    chosen = [rid for rid in chosen if round_service[rid] not in excluded]
                key = " ".join(sorted(set(chosen)))
                set_id = set_ids.get(key)
                if set_id is None:
                    set_id = set_ids[key] = len(set_ids) + 1
                batch.append((uprn, set_id))
            conn.executemany("INSERT INTO bins_assignments VALUES (?, ?)", batch)
            assigned += len(batch)
            batch = []
        conn.executemany("INSERT INTO bins_round_sets VALUES (?, ?)",
                         [(set_id, key) for key, set_id in set_ids.items()])
        return assigned
