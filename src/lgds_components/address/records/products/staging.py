"""The on-disk staging store that assembles multi-record products (private).

AddressBase Premium and a DTF LLPG spread one address over several records
(BLPU, LPIs, street descriptor, delivery point, organisation, classification)
in different places and files. Holding them in dicts would take gigabytes at
national scale, so each record is written as it is read to a table in a SQLite
file on disk; once every file is in, one ordered query joins them back into
addresses, UPRN by UPRN. Memory stays bounded by SQLite's page cache.

The store is kept (``records_path``) so that a change-only update can be
applied to the records it changes and the UPRNs it touches assembled afresh.

Tables (all values raw text, as delivered; ``uprn`` an integer for order):

- ``blpu``: one per UPRN; ``lpi``: one per LPI key; ``street``: street
  descriptors by USRN and language; ``dpa``: delivery points by UDPRN;
  ``org``: organisations by key; ``cls``: classifications by key.
"""

from __future__ import annotations

import itertools
import operator
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from lgds_components.address.records.products.paf import delivery_lines
from lgds_components.address.records.products.record import LANGUAGES, Flat, Where
from lgds_components.errors import ValidationError

__all__ = ["DELIVERY_FIELDS", "KEYS", "STORE_LAYOUT", "TABLES", "FlatRow", "RecordsStore",
           "delivery_point"]

#: A flat record as a plain tuple (cheap to pickle): its values in
#: :data:`~.record.FIELDS` order, then its line and source.
FlatRow = tuple[Any, ...]

#: Columns of each staging table (``src`` and ``line`` are added to every one).
TABLES: dict[str, tuple[str, ...]] = {
    "blpu": ("uprn", "logical_status", "parent_uprn", "x", "y", "lat", "lon", "postal",
             "postcode", "classification", "organisation"),
    "lpi": ("key", "uprn", "language", "logical_status",
            "sao_start_number", "sao_start_suffix", "sao_end_number", "sao_end_suffix",
            "sao_text", "pao_start_number", "pao_start_suffix", "pao_end_number",
            "pao_end_suffix", "pao_text", "usrn", "postal", "postcode"),
    "street": ("usrn", "language", "street", "locality", "town"),
    "dpa": ("key", "uprn", "lines", "welsh_lines"),
    "org": ("key", "uprn", "organisation", "end_date"),
    "cls": ("key", "uprn", "code", "scheme", "end_date"),
}

#: A delivery point's fields as read, after its key (UDPRN) and UPRN: Royal Mail's
#: fields in :func:`~.paf.delivery_lines` order, then the Welsh forms of the
#: thoroughfares, localities and post town. The store keeps its lines
#: (:func:`delivery_point`), not the fields.
DELIVERY_FIELDS: tuple[str, ...] = (
    "organisation_name", "department_name", "po_box_number", "sub_building_name",
    "building_name", "building_number", "dependent_thoroughfare", "thoroughfare",
    "double_dependent_locality", "dependent_locality", "post_town", "postcode",
    "welsh_dependent_thoroughfare", "welsh_thoroughfare", "welsh_double_dependent_locality",
    "welsh_dependent_locality", "welsh_post_town")

#: What :meth:`RecordsStore.meta` records of the store's own layout: a store written
#: with another layout cannot take a change-only update.
STORE_LAYOUT: Final = "2"  # 2: delivery points kept as their lines

#: The columns identifying a record of each table (what an update or delete names).
KEYS: dict[str, tuple[str, ...]] = {
    "blpu": ("uprn",), "lpi": ("key",), "street": ("usrn", "language"), "dpa": ("key",),
    "org": ("key",), "cls": ("key",),
}

# what assembly reads by
_INDEXES = (
    # one BLPU a UPRN: a file given twice fails here (see RecordsStore.duplicate_blpus)
    "CREATE UNIQUE INDEX IF NOT EXISTS blpu_uprn ON blpu(uprn)",
    "CREATE INDEX IF NOT EXISTS lpi_uprn ON lpi(uprn)",
    "CREATE INDEX IF NOT EXISTS street_usrn ON street(usrn, language)",
    "CREATE INDEX IF NOT EXISTS dpa_uprn ON dpa(uprn, key)",
    "CREATE INDEX IF NOT EXISTS org_uprn ON org(uprn, end_date, key)",
    "CREATE INDEX IF NOT EXISTS cls_uprn ON cls(uprn, end_date, key)",
)
# what change-only updates find records by: made by the first update
_UPDATE_INDEXES = (
    "CREATE INDEX IF NOT EXISTS lpi_key ON lpi(key)",
    "CREATE INDEX IF NOT EXISTS lpi_usrn ON lpi(usrn)",
    "CREATE INDEX IF NOT EXISTS dpa_key ON dpa(key)",
    "CREATE INDEX IF NOT EXISTS org_key ON org(key)",
    "CREATE INDEX IF NOT EXISTS cls_key ON cls(key)",
)

_LPI_COLUMNS = ", ".join(("uprn", "key", "language", "logical_status", *TABLES["lpi"][4:14],
                          "usrn", "postal", "postcode", "src", "line"))
_BLPU_COLUMNS = "uprn, parent_uprn, x, y, lat, lon, postal, postcode, classification, organisation"
# each UPRN's first row is the one used: current (no end date) and latest key first;
# the AddressBase scheme's classification before another scheme's
_SCANS = {
    "lpi": f"SELECT {_LPI_COLUMNS} FROM lpi {{where}} ORDER BY uprn",
    "blpu": f"SELECT {_BLPU_COLUMNS} FROM blpu {{where}} ORDER BY uprn",
    "org": "SELECT uprn, organisation FROM org WHERE end_date = '' {and_where} "
           "ORDER BY uprn, key DESC",
    "cls": "SELECT uprn, code FROM cls WHERE end_date = '' {and_where} "
           "ORDER BY uprn, scheme NOT LIKE 'AddressBase%', key DESC",
    "dpa": "SELECT uprn, key, lines, welsh_lines FROM dpa {where} ORDER BY uprn, key",
}
_STREET_CACHE = 20_000  # street descriptors (the LPIs come in UPRN order, a street at a time)

#: LPI logical statuses a gazetteer holds (candidate 5 and rejected 7, 9 are left out).
_KEPT_STATUSES = frozenset({"1", "3", "6", "8"})
_POSTAL = {"Y": "Y", "A": "Y", "L": "L", "N": "N", "P": "N", "D": "D", "C": "C", "": ""}


class RecordsStore:
    """A staging store in a SQLite file (created if missing)."""

    def __init__(self, path: str | Path, *, fresh: bool) -> None:
        self.path: Path = Path(path)
        if fresh and self.path.exists():
            self.path.unlink()
        self.conn: sqlite3.Connection = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA cache_size = -65536")  # 64 MiB, whatever the size
        self.conn.execute("PRAGMA temp_store = FILE")
        if fresh:
            self.conn.execute("PRAGMA journal_mode = OFF")
            self.conn.execute("PRAGMA synchronous = OFF")
            for table, columns in TABLES.items():
                typed = ", ".join(f"{name} INTEGER" if name == "uprn" else f"{name} TEXT"
                                  for name in columns)
                self.conn.execute(f"CREATE TABLE {table} ({typed}, src INTEGER, line INTEGER)")
            self.conn.execute("CREATE TABLE sources (id INTEGER PRIMARY KEY, name TEXT)")
            self.conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            self.conn.execute("BEGIN")
        self._inserts: dict[str, str] = {
            table: f"INSERT INTO {table} VALUES ({', '.join('?' * (len(columns) + 2))})"
            for table, columns in TABLES.items()
        }

    def close(self) -> None:
        """Close the connection (the file stays)."""
        self.conn.close()

    def source(self, name: str) -> int:
        """The id of a source file, recorded for errors."""
        cursor = self.conn.execute("INSERT INTO sources (name) VALUES (?)", (name,))
        return int(cursor.lastrowid or 0)

    def insert(self, table: str, batch: Sequence[Sequence[object]]) -> None:
        """Insert rows (each: the table's columns, then src and line)."""
        self.conn.executemany(self._inserts[table], batch)

    def finish_full(self, meta: dict[str, str]) -> None:
        """Index the store after a full supply and make it durable for later updates.

        Raises:
            sqlite3.IntegrityError: a UPRN with two BLPU records (:meth:`duplicate_blpus`
                says where).
        """
        for statement in _INDEXES:
            self.conn.execute(statement)
        self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        self.conn.execute("COMMIT")
        self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.execute("PRAGMA synchronous = NORMAL")

    def index_for_updates(self) -> None:
        """Index the records by their keys for change-only updates (once: the first
        update does it, inside its transaction)."""
        for statement in _UPDATE_INDEXES:
            self.conn.execute(statement)

    def meta(self) -> dict[str, str]:
        """What the full supply recorded (format, layout version)."""
        return dict(self.conn.execute("SELECT key, value FROM meta"))

    def duplicate_blpus(self) -> list[tuple[int, str, int, str, int]]:
        """UPRNs with two BLPU records: (uprn, source, line, other source, other line)."""
        return list(self.conn.execute(
            "SELECT a.uprn, sa.name, a.line, sb.name, b.line FROM blpu a "
            "JOIN blpu b ON b.uprn = a.uprn AND b.rowid > a.rowid "
            "JOIN sources sa ON sa.id = a.src JOIN sources sb ON sb.id = b.src LIMIT 5"))

    # -- assembly ----------------------------------------------------------

    def assemble(self, uprns_table: str | None = None, *, after: int | None = None,
                 upto: int | None = None) -> Iterator[tuple[int, list[Flat | ValidationError]]]:
        """Each UPRN's flat records (or an error in place of an LPI whose BLPU or
        street descriptor is missing), in UPRN order: only the UPRNs listed in the
        temporary table ``uprns_table``, and those above ``after`` and up to ``upto``,
        when given."""
        for uprn, items in self._assembled(uprns_table, after, upto):
            yield uprn, [item if isinstance(item, ValidationError) else
                         Flat(_lpi(item[-1], item[-2]), item[:-2])
                         for item in items]

    def flat_rows(self, *, after: int | None = None, upto: int | None = None
                  ) -> Iterator[FlatRow | ValidationError]:
        """:meth:`assemble`'s records as plain :data:`FlatRow` tuples, each UPRN's
        errors after its records (``after`` and ``upto`` as there)."""
        for _uprn, items in self._assembled(None, after, upto):
            errors: list[ValidationError] = []
            for item in items:
                if isinstance(item, ValidationError):
                    errors.append(item)
                else:
                    yield item
            yield from errors

    def _assembled(self, uprns_table: str | None, after: int | None, upto: int | None
                   ) -> Iterator[tuple[int, list[FlatRow | ValidationError]]]:
        """:meth:`assemble`'s records as :data:`FlatRow` tuples.

        One ordered scan of each table, merged UPRN by UPRN (no query per record);
        street descriptors are looked up by USRN through a bounded cache."""
        only = [f"uprn IN (SELECT uprn FROM {uprns_table})"] if uprns_table else []
        only += [f"uprn {test} {int(bound)}" for test, bound in ((">", after), ("<=", upto))
                 if bound is not None]
        where = " AND ".join(only)
        scans = {table: self.conn.cursor().execute(sql.format(
            where=f"WHERE {where}" if where else "", and_where=f"AND {where}" if where else ""))
            for table, sql in _SCANS.items()}
        blpus, orgs, classes, dpas = (_Follower(scans[table])
                                      for table in ("blpu", "org", "cls", "dpa"))
        names = dict(self.conn.execute("SELECT id, name FROM sources"))
        streets = _Streets(self.conn)
        for uprn, rows in itertools.groupby(scans["lpi"], key=operator.itemgetter(0)):
            found = (blpus.get(uprn), orgs.get(uprn), classes.get(uprn), dpas.get(uprn))
            group = list(rows)
            if len(group) > 1:
                group.sort(key=_order)
            yield uprn, [record for row in group
                         if (record := _flat(row, *found, streets, names)) is not None]

    def uprn_at(self, share: float) -> int | None:
        """The UPRN that ``share`` (0 to 1) of the LPIs are at or below (None without LPIs)."""
        row = self.conn.execute("SELECT uprn FROM lpi ORDER BY uprn LIMIT 1 OFFSET "
                                "CAST((SELECT count(*) FROM lpi) * ? AS INTEGER)",
                                (min(max(share, 0.0), 1.0),)).fetchone()
        return None if row is None else int(row[0])


class _Follower:
    """A scan ordered by UPRN, read alongside the LPI scan: each UPRN's first row."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._rows = iter(cursor)
        self._row: tuple[Any, ...] | None = next(self._rows, None)

    def get(self, uprn: int) -> tuple[Any, ...] | None:
        row = self._row
        while row is not None and row[0] < uprn:
            row = next(self._rows, None)
        if row is not None and row[0] == uprn:
            found = row
            while row is not None and row[0] == uprn:
                row = next(self._rows, None)
            self._row = row
            return found
        self._row = row
        return None


class _Streets:
    """Street descriptors by USRN and language, looked up once each (bounded cache)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._cache: dict[str, dict[str, tuple[str, str, str]]] = {}

    def get(self, usrn: str, language: str) -> tuple[str, str, str] | None:
        """The descriptor in ``language``, else English, else any; None if there is none."""
        found = self._cache.get(usrn)
        if found is None:
            if len(self._cache) >= _STREET_CACHE:
                self._cache.clear()
            found = self._cache[usrn] = {
                row[0]: row[1:] for row in self._conn.execute(
                    "SELECT language, street, locality, town FROM street WHERE usrn = ? "
                    "ORDER BY rowid DESC", (usrn,))}
        return found.get(language) or found.get("ENG") or next(iter(found.values()), None)


def _order(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A UPRN's LPIs in order: approved first, English before the others, then by key."""
    return (row[3], row[2] != "ENG", row[2], row[1])


def delivery_point(values: list[Any]) -> list[Any]:
    """A delivery point's checked values (key, UPRN, then :data:`DELIVERY_FIELDS`) as
    the store keeps them: key, UPRN, its lines and, if it has Welsh fields, its lines
    in Welsh (else ``""``: the same lines).

    >>> fields = dict.fromkeys(DELIVERY_FIELDS, "")
    >>> fields.update(building_number="3", thoroughfare="High Street", post_town="LLANDUDNO",
    ...               postcode="LL30 2AB", welsh_thoroughfare="Stryd Fawr")
    >>> delivery_point(["51", "10001", *fields.values()])
    ['51', '10001', '3 High Street\\nLLANDUDNO\\nLL30 2AB', '3 Stryd Fawr\\nLLANDUDNO\\nLL30 2AB']
    """
    key, uprn, *fields = values
    welsh = fields[12:]
    lines = "\n".join(delivery_lines(*fields[:12]))
    if not any(welsh):
        return [key, uprn, lines, ""]
    # the Welsh form of each thoroughfare, locality and the post town, else the English
    fields[6:11] = (mine or theirs for mine, theirs in zip(welsh, fields[6:11], strict=True))
    return [key, uprn, lines, "\n".join(delivery_lines(*fields[:12]))]


def _lpi(source: str, line: int) -> Where:
    """Where an LPI record stands."""
    return Where(source, line, "24", "LPI")


def _flat(row: tuple[Any, ...], blpu: tuple[Any, ...] | None, org: tuple[Any, ...] | None,
          cls: tuple[Any, ...] | None, dpa: tuple[Any, ...] | None, streets: _Streets,
          names: dict[int, str]) -> FlatRow | ValidationError | None:
    (uprn, _key, language, status, s1, s2, s3, s4, s5, p1, p2, p3, p4, p5, usrn, lpi_postal,
     lpi_postcode, src, line) = row
    if status not in _KEPT_STATUSES:
        return None
    if blpu is None:
        return _lpi(names.get(src, "?"), line).error(
            "UPRN", f"{uprn} has no BLPU record (21) in the supply")
    street = streets.get(usrn, language)
    if street is None:
        return _lpi(names.get(src, "?"), line).error(
            "USRN", f"{usrn} has no street descriptor record (15) in the supply")
    _, parent, x, y, lat, lon, blpu_postal, blpu_postcode, blpu_class, blpu_org = blpu
    iso = LANGUAGES[language]
    # the delivery point is the UPRN's current postal form: not given to historical LPIs
    if dpa is None or status == "8":
        udprn = paf = ""
    else:
        udprn, paf = str(dpa[1]), (iso == "cy" and dpa[3]) or dpa[2]
    postal = _POSTAL.get(lpi_postal or blpu_postal or "", "")
    return (
        str(uprn), parent or "", usrn, (org[1] if org else "") or blpu_org or "",
        s1, s2, s3, s4, s5, p1, p2, p3, p4, p5, *street,
        lpi_postcode or blpu_postcode or "", x, y, (cls[1] if cls else "") or blpu_class or "",
        status, iso, postal or "Y", lat or "", lon or "", udprn, paf, line, names.get(src, "?"),
    )
