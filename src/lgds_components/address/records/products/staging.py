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

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from lgds_components.address.records.products.paf import delivery_lines
from lgds_components.address.records.products.record import LANGUAGES, Flat, Where
from lgds_components.errors import ValidationError

__all__ = ["KEYS", "TABLES", "RecordsStore"]

#: Columns of each staging table (``src`` and ``line`` are added to every one).
TABLES: dict[str, tuple[str, ...]] = {
    "blpu": ("uprn", "logical_status", "parent_uprn", "x", "y", "lat", "lon", "postal",
             "postcode", "classification", "organisation"),
    "lpi": ("key", "uprn", "language", "logical_status",
            "sao_start_number", "sao_start_suffix", "sao_end_number", "sao_end_suffix",
            "sao_text", "pao_start_number", "pao_start_suffix", "pao_end_number",
            "pao_end_suffix", "pao_text", "usrn", "postal", "postcode"),
    "street": ("usrn", "language", "street", "locality", "town"),
    "dpa": ("key", "uprn", "organisation_name", "department_name", "po_box_number",
            "sub_building_name", "building_name", "building_number", "dependent_thoroughfare",
            "thoroughfare", "double_dependent_locality", "dependent_locality", "post_town",
            "postcode", "welsh_dependent_thoroughfare", "welsh_thoroughfare",
            "welsh_double_dependent_locality", "welsh_dependent_locality", "welsh_post_town"),
    "org": ("key", "uprn", "organisation", "end_date"),
    "cls": ("key", "uprn", "code", "scheme", "end_date"),
}

#: The columns identifying a record of each table (what an update or delete names).
KEYS: dict[str, tuple[str, ...]] = {
    "blpu": ("uprn",), "lpi": ("key",), "street": ("usrn", "language"), "dpa": ("key",),
    "org": ("key",), "cls": ("key",),
}

_INDEXES = (
    "CREATE INDEX IF NOT EXISTS lpi_uprn ON lpi(uprn)",
    "CREATE INDEX IF NOT EXISTS lpi_key ON lpi(key)",
    "CREATE INDEX IF NOT EXISTS lpi_usrn ON lpi(usrn)",
    "CREATE INDEX IF NOT EXISTS blpu_uprn ON blpu(uprn)",
    "CREATE INDEX IF NOT EXISTS street_usrn ON street(usrn, language)",
    "CREATE INDEX IF NOT EXISTS dpa_uprn ON dpa(uprn, key)",
    "CREATE INDEX IF NOT EXISTS dpa_key ON dpa(key)",
    "CREATE INDEX IF NOT EXISTS org_uprn ON org(uprn, end_date, key)",
    "CREATE INDEX IF NOT EXISTS org_key ON org(key)",
    "CREATE INDEX IF NOT EXISTS cls_uprn ON cls(uprn, end_date, key)",
    "CREATE INDEX IF NOT EXISTS cls_key ON cls(key)",
)

_U = "char(31)"  # joins the fields of a sub-select into one value
_DPA = TABLES["dpa"][2:]
_STREET = f"st.street || {_U} || st.locality || {_U} || st.town FROM street st WHERE st.usrn = l.usrn"
_CURRENT = "end_date = '' ORDER BY key DESC LIMIT 1"
_ASSEMBLE = f"""
SELECT l.uprn, l.key, l.language, l.logical_status,
       l.sao_start_number, l.sao_start_suffix, l.sao_end_number, l.sao_end_suffix, l.sao_text,
       l.pao_start_number, l.pao_start_suffix, l.pao_end_number, l.pao_end_suffix, l.pao_text,
       l.usrn, l.postal, l.postcode, s.name, l.line,
       b.uprn, b.parent_uprn, b.x, b.y, b.lat, b.lon, b.postal, b.postcode,
       b.classification, b.organisation,
       coalesce((SELECT {_STREET} AND st.language = l.language),
                (SELECT {_STREET} AND st.language = 'ENG'),
                (SELECT {_STREET})),
       (SELECT organisation FROM org WHERE uprn = l.uprn AND {_CURRENT}),
       coalesce((SELECT code FROM cls WHERE uprn = l.uprn AND scheme LIKE 'AddressBase%'
                 AND {_CURRENT}),
                (SELECT code FROM cls WHERE uprn = l.uprn AND {_CURRENT})),
       (SELECT d.key || {_U} || {f" || {_U} || ".join(f"d.{name}" for name in _DPA)}
          FROM dpa d WHERE d.uprn = l.uprn ORDER BY d.key LIMIT 1)
  FROM lpi l
  JOIN sources s ON s.id = l.src
  LEFT JOIN blpu b ON b.uprn = l.uprn
 {{where}}
 ORDER BY l.uprn
"""
#: LPI logical statuses a gazetteer holds (candidate 5 and rejected 7, 9 are left out).
_KEPT_STATUSES = frozenset({"1", "3", "6", "8"})
_POSTAL = {"Y": "Y", "A": "Y", "L": "L", "N": "N", "P": "N", "D": "D", "C": "C", "": ""}


class RecordsStore:
    """A staging store in a SQLite file (created if missing)."""

    def __init__(self, path: str | Path, *, fresh: bool) -> None:
        self.path = Path(path)
        if fresh and self.path.exists():
            self.path.unlink()
        self.conn = sqlite3.connect(self.path, isolation_level=None)
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
        self._inserts = {
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
        """Index the store after a full supply and make it durable for later updates."""
        for statement in _INDEXES:
            self.conn.execute(statement)
        self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        self.conn.execute("COMMIT")
        self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.execute("PRAGMA synchronous = NORMAL")

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

    def assemble(self, uprns_table: str | None = None
                 ) -> Iterator[tuple[int, list[Flat | ValidationError]]]:
        """Each UPRN's flat records (or an error in place of an LPI whose BLPU or
        street descriptor is missing), in UPRN order (only the UPRNs listed in the
        temporary table ``uprns_table`` when given)."""
        where = f"WHERE l.uprn IN (SELECT uprn FROM {uprns_table})" if uprns_table else ""
        current: int | None = None
        group: list[tuple[object, ...]] = []
        for row in self.conn.execute(_ASSEMBLE.format(where=where)):
            if row[0] != current:
                if group and current is not None:
                    yield current, _records(group)
                current, group = row[0], []
            group.append(row)
        if group and current is not None:
            yield current, _records(group)


def _order(row: tuple[object, ...]) -> tuple[object, ...]:
    """A UPRN's LPIs in order: approved first, English before the others, then by key."""
    return (row[3], row[2] != "ENG", row[2], row[1])


def _records(rows: list[tuple[object, ...]]) -> list[Flat | ValidationError]:
    if len(rows) > 1:
        rows.sort(key=_order)
    return [record for record in map(_flat, rows) if record is not None]


def _dpa_lines(packed: str | None, welsh: bool) -> tuple[str, str]:
    if packed is None:
        return "", ""
    key, *values = packed.split("\x1f")
    dpa = dict(zip(_DPA, values, strict=True))

    def pick(name: str) -> str:
        return (welsh and dpa[f"welsh_{name}"]) or dpa[name]
    lines = delivery_lines(
        organisation_name=dpa["organisation_name"], department_name=dpa["department_name"],
        po_box_number=dpa["po_box_number"], sub_building_name=dpa["sub_building_name"],
        building_name=dpa["building_name"], building_number=dpa["building_number"],
        dependent_thoroughfare=pick("dependent_thoroughfare"), thoroughfare=pick("thoroughfare"),
        double_dependent_locality=pick("double_dependent_locality"),
        dependent_locality=pick("dependent_locality"), post_town=pick("post_town"),
        postcode=dpa["postcode"])
    return key, "\n".join(lines)


def _flat(row: tuple[object, ...]) -> Flat | ValidationError | None:
    (uprn, _key, language, status, s1, s2, s3, s4, s5, p1, p2, p3, p4, p5, usrn, lpi_postal,
     lpi_postcode, source, line, blpu, parent, x, y, lat, lon, blpu_postal, blpu_postcode,
     blpu_class, blpu_org, street, organisation, classification, dpa) = row
    where = Where(str(source), int(line), "24", "LPI")  # type: ignore[call-overload]
    if status not in _KEPT_STATUSES:
        return None
    if blpu is None:
        return where.error("UPRN", f"{uprn} has no BLPU record (21) in the supply")
    if street is None:
        return where.error("USRN", f"{usrn} has no street descriptor record (15) in the supply")
    street_name, locality, town = str(street).split("\x1f")
    iso = LANGUAGES[str(language)]
    # the delivery point is the UPRN's current postal form: not given to historical LPIs
    udprn, paf = _dpa_lines(None if status == "8" else dpa,  # type: ignore[arg-type]
                            welsh=iso == "cy")
    postal = _POSTAL.get(str(lpi_postal or blpu_postal or ""), "")
    values = (
        str(uprn), str(parent or ""), str(usrn), str(organisation or blpu_org or ""),
        s1, s2, s3, s4, s5, p1, p2, p3, p4, p5,
        street_name, locality, town, str(lpi_postcode or blpu_postcode or ""),
        x, y, str(classification or blpu_class or ""), status, iso, postal or "Y",
        lat or "", lon or "", udprn, paf,
    )
    return Flat(where, values)  # type: ignore[arg-type]
