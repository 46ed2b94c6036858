"""Loading AddressBase Premium as delivered: time and peak memory at scale.

``LGDS_BENCH_PRODUCT_ADDRESSES`` address records (default 200,000; seed 1)
from :mod:`lgds_components.address.sample` are written as AddressBase Premium
tiles (``sample.write_product``, 1,000,000 lines a tile: BLPU, LPI, delivery
point, organisation, classification, street and street descriptor records)
and as the flat AddressBase-style CSV of the same records. Each measure runs
in its own subprocess; the note gives its peak RSS: of every process of the load
summed (the load process, the reading worker and the staging and assembling
helpers; sampled every 0.1 s), of the load process alone (``VmHWM``) and of its largest child
(``RUSAGE_CHILDREN``).

* **premium load**: ``Gazetteer.load`` of the tiles: every record checked
  where it stands and staged in the records store on disk, assembled UPRN by
  UPRN, then checked, indexed and swapped in as any load.
* **flat load**: ``Gazetteer.load`` of the flat CSV of the same addresses.
* **floor**: the searchable floor of the address benchmarks, on the flat CSV:
  the rows stored with ``executemany``, a postcode index and an FTS5 table of
  each row's text, in one transaction.
* **Premium floor**: the same job as the Premium load, done the bare way on the
  tiles: every line read with ``csv.reader`` and stored untyped and unchecked in
  its record type's table, one SQL join making a row of each LPI with its BLPU,
  street descriptor, organisation, classification and delivery point, then the
  postcode index and FTS5 table as above. (On PostgreSQL each line goes as it
  is into its record type's ``COPY``; the join, a B-tree and a GIN index follow.)

With ``postgres`` in the filter (``python3 dev.py bench "premium load postgres"``)
the same loads go into a throwaway PostgreSQL server instead, against the
PostgreSQL searchable floor of the address benchmarks (``COPY``, a postcode
B-tree, a GIN index of each row's text).

Aims (issues 12 and 14): within 2x the floor that does the same job
(PostgreSQL: 3x), peak RSS under 500 MB. For a Premium supply that is the
Premium floor; the ratio to the flat floor is printed beside it.
The generated files are cached in ``benchmarks/.cache/``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import Case, Result, size

__all__ = ["cases", "results"]

SIZE = size("LGDS_BENCH_PRODUCT_ADDRESSES", 200_000, smoke=2_000)
SEED = 1
TILE = 1_000_000
CACHE = Path(__file__).resolve().parent / ".cache"

# this process's own peak resident set (VmHWM: ru_maxrss would carry the parent's
# peak across the exec)
_PEAK = """
def peak_rss():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
"""

# the resident set of this process and every process under it (the reading worker,
# the staging and assembling helpers), summed, sampled every 0.1 s: its highest value
_TREE = """
import os, threading
PAGE = os.sysconf("SC_PAGE_SIZE")
tree_peak = [0]
def tree_rss():
    rss, children = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            rss[int(entry)] = int(fields[21]) * PAGE
            children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total
def sample():
    while True:
        tree_peak[0] = max(tree_peak[0], tree_rss())
        threading.Event().wait(0.1)
threading.Thread(target=sample, daemon=True).start()
"""

_PREMIUM_LOAD = _PEAK + _TREE + """
import json, resource, sys, time
from lgds_components.address import Gazetteer
started = time.perf_counter()
report = Gazetteer.load(sys.argv[1], sys.argv[2], format=sys.argv[3] or None,
                        records_path=sys.argv[4] or None)
seconds = time.perf_counter() - started
peak = peak_rss()
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak, "child": child,
                  "tree": max(tree_peak[0], peak), "rows": report.rows_loaded}))
"""

_POSTGRES_LOAD = _PEAK + _TREE + """
import json, resource, sys, time
from lgds_components.address.postgres import PostgresGazetteer
started = time.perf_counter()
report = PostgresGazetteer.load(sys.argv[1], sys.argv[2], schema=sys.argv[3],
                                format=sys.argv[4] or None, records_path=sys.argv[5] or None,
                                maintenance_work_mem="1GB")
seconds = time.perf_counter() - started
peak = peak_rss()
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak, "child": child,
                  "tree": max(tree_peak[0], peak), "rows": report.rows_loaded}))
"""

# the columns of a row whose text the word index holds, and that text in SQLite
_ROW_TEXT = ("organisation_name", "sao_text", "sao_start_number", "pao_text",
             "pao_start_number", "street_description", "locality", "town_name",
             "postcode_locator")
_ROW_BODY = " || ' ' || ".join(_ROW_TEXT)

# rows stored, a postcode index, an FTS5 table of each row's text: one transaction
_SEARCHABLE = _PEAK + f"""
import csv, json, sqlite3, sys, time
started = time.perf_counter()
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
with open(sys.argv[2], newline="", encoding="utf-8") as rows:
    reading = csv.reader(rows)
    names = next(reading)
    db.execute("BEGIN")
    db.execute(f"CREATE TABLE rows ({{', '.join(names)}})")
    db.executemany(f"INSERT INTO rows VALUES ({{', '.join('?' for _ in names)}})", reading)
    db.execute("CREATE INDEX rows_by_postcode ON rows (postcode_locator)")
    db.execute("CREATE VIRTUAL TABLE rows_words USING fts5 (body)")
    db.execute("INSERT INTO rows_words (rowid, body) SELECT rowid, {_ROW_BODY} FROM rows")
    db.execute("COMMIT")
db.close()
print(json.dumps({{"seconds": time.perf_counter() - started, "peak": peak_rss()}}))
"""


# The Premium floors: the same job as a load of the tiles done the bare way. Every
# line is read and stored in its record type's table, untyped and unchecked; one
# join makes a row of each LPI with its BLPU, street descriptor, organisation,
# classification and delivery point; then the searchable floor's postcode index
# and word index. Nothing is checked, assembled in order, derived or swapped.
_PREMIUM_JOIN = """
SELECT l.UPRN AS uprn, b.POSTCODE_LOCATOR AS postcode_locator,
       o.ORGANISATION AS organisation_name, l.SAO_TEXT AS sao_text,
       l.SAO_START_NUMBER AS sao_start_number, l.PAO_TEXT AS pao_text,
       l.PAO_START_NUMBER AS pao_start_number, s.STREET_DESCRIPTION AS street_description,
       s.LOCALITY_NAME AS locality, s.TOWN_NAME AS town_name, b.X_COORDINATE AS x,
       b.Y_COORDINATE AS y, c.CLASSIFICATION_CODE AS classification, d.UDPRN AS udprn
FROM t24 AS l JOIN t21 AS b ON b.UPRN = l.UPRN
LEFT JOIN t15 AS s ON s.USRN = l.USRN AND s.LANGUAGE = l.LANGUAGE
LEFT JOIN t31 AS o ON o.UPRN = l.UPRN
LEFT JOIN t32 AS c ON c.UPRN = l.UPRN
LEFT JOIN t28 AS d ON d.UPRN = l.UPRN
"""
_ROW_COLUMNS = ("uprn, postcode_locator, organisation_name, sao_text, sao_start_number, "
                "pao_text, pao_start_number, street_description, locality, town_name, "
                "x, y, classification, udprn")

_PREMIUM_FLOOR = _PEAK + f"""
import csv, json, operator, pathlib, sqlite3, sys, time
from lgds_components.address.records.products.multi import PREMIUM
JOIN, COLUMNS = {_PREMIUM_JOIN!r}, {_ROW_COLUMNS!r}
started = time.perf_counter()
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("BEGIN")
insert, kept, batches = {{}}, {{}}, {{}}
for kind, binding in PREMIUM.bindings.items():
    names = [name for name in binding.fields if name]
    db.execute(f"CREATE TABLE t{{kind}} ({{', '.join(names)}})")
    insert[kind] = f"INSERT INTO t{{kind}} VALUES ({{', '.join('?' for _ in names)}})"
    kept[kind] = operator.itemgetter(*map(PREMIUM.layouts[kind].fields.index, names))
    batches[kind] = []
for tile in sorted(pathlib.Path(sys.argv[2]).iterdir()):
    with open(tile, newline="", encoding="utf-8") as lines:
        for record in csv.reader(lines):
            batch = batches.get(record[0])
            if batch is not None:
                batch.append(kept[record[0]](record))
                if len(batch) == 20_000:
                    db.executemany(insert[record[0]], batch)
                    batch.clear()
for kind, batch in batches.items():
    db.executemany(insert[kind], batch)
db.execute(f"CREATE TABLE rows ({{COLUMNS}})")
db.execute(f"INSERT INTO rows ({{COLUMNS}}) {{JOIN}}")
db.execute("CREATE INDEX rows_by_postcode ON rows (postcode_locator)")
db.execute("CREATE VIRTUAL TABLE rows_words USING fts5 (body)")
db.execute("INSERT INTO rows_words (rowid, body) SELECT rowid, {_ROW_BODY} FROM rows")
db.execute("COMMIT")
rows = db.execute("SELECT count(*) FROM rows").fetchone()[0]
db.close()
print(json.dumps({{"seconds": time.perf_counter() - started, "peak": peak_rss(), "rows": rows}}))
"""

# PostgreSQL: each line goes as it is (the server parses the CSV) into its record
# type's COPY, one connection a type so that every COPY streams in one pass.
_PG_PREMIUM_FLOOR = _PEAK + f"""
import contextlib, json, pathlib, sys, time
import psycopg
from lgds_components.address.records.products.multi import PREMIUM
JOIN, TEXT = {_PREMIUM_JOIN!r}, {_ROW_TEXT!r}
started = time.perf_counter()
with contextlib.ExitStack() as stack:
    copies = {{}}
    for kind in PREMIUM.bindings:
        conn = stack.enter_context(psycopg.connect(sys.argv[1]))
        names = ", ".join(f"{{name}} text" for name in PREMIUM.layouts[kind].fields)
        conn.execute(f"DROP TABLE IF EXISTS t{{kind}}")
        conn.execute(f"CREATE TABLE t{{kind}} ({{names}})")
        copies[kind.encode()] = stack.enter_context(stack.enter_context(conn.cursor()).copy(
            f"COPY t{{kind}} FROM STDIN WITH (FORMAT csv)"))
    for tile in sorted(pathlib.Path(sys.argv[2]).iterdir()):
        with open(tile, "rb") as lines:
            for line in lines:
                copy = copies.get(line[:2])
                if copy is not None:
                    copy.write(line)
text = " || ' ' || ".join(f"coalesce({{name}}, '')" for name in TEXT)
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    with conn.transaction():
        conn.execute("SET LOCAL maintenance_work_mem = '2GB'")
        conn.execute("DROP TABLE IF EXISTS bench_premium_floor")
        conn.execute(f"CREATE TABLE bench_premium_floor AS {{JOIN}}")
        conn.execute("CREATE INDEX ON bench_premium_floor (postcode_locator)")
        conn.execute(f"CREATE INDEX ON bench_premium_floor USING gin "
                     f"(to_tsvector('simple', {{text}}))")
    seconds = time.perf_counter() - started
    rows = conn.execute("SELECT count(*) FROM bench_premium_floor").fetchone()[0]
    for kind in PREMIUM.bindings:
        conn.execute(f"DROP TABLE t{{kind}}")
    conn.execute("DROP TABLE bench_premium_floor")
print(json.dumps({{"seconds": seconds, "peak": peak_rss(), "rows": rows}}))
"""


def _inputs() -> tuple[Path, Path]:
    """The Premium tiles and the flat CSV of the same records (cached)."""
    from lgds_components.address.sample import write_csv, write_product

    CACHE.mkdir(exist_ok=True)
    tiles = CACHE / f"premium-{SIZE}-seed{SEED}"
    flat = CACHE / f"premium-{SIZE}-seed{SEED}-flat.csv"
    if not tiles.exists():
        print(f"writing {SIZE:,} addresses as AddressBase Premium ...", file=sys.stderr,
              flush=True)
        partial = tiles.with_name(tiles.name + ".partial")
        write_product("addressbase-premium", partial, SIZE, SEED, tile_size=TILE)
        partial.replace(tiles)
    if not flat.exists():
        partial_csv = flat.with_suffix(".partial")
        write_csv(partial_csv, SIZE, SEED)
        partial_csv.replace(flat)
    return tiles, flat


def _run(script: str, *args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _bytes(path: Path) -> int:
    return sum(item.stat().st_size for item in path.iterdir()) if path.is_dir() else \
        path.stat().st_size


def cases() -> list[Case]:
    return []


def results(wanted: str = "") -> list[Result]:
    found = []
    if wanted in f"premium load ({SIZE:,} addresses)" or wanted in "address products":
        found.extend(_sqlite())
    if "postgres" in wanted and wanted in POSTGRES:
        found.extend(_postgres())
    return found


#: The PostgreSQL measure runs only when named: ``python3 dev.py bench "premium load postgres"``.
POSTGRES = "premium load postgres"


def _notes(figures: dict[str, float]) -> str:
    mb = 2 ** 20
    return (f"peak RSS {figures['tree'] / mb:.0f} MB, all processes (load process "
            f"{figures['peak'] / mb:.0f} MB, largest child {figures['child'] / mb:.0f} MB)")


def _sqlite() -> list[Result]:
    tiles, flat = _inputs()
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        work = Path(folder)
        floor = _run(_SEARCHABLE, str(work / "floor.sqlite"), str(flat))
        premium_floor = _run(_PREMIUM_FLOOR, str(work / "premium-floor.sqlite"), str(tiles))
        flat_load = _run(_PREMIUM_LOAD, str(work / "flat.sqlite"), str(flat), "addressbase", "")
        premium = _run(_PREMIUM_LOAD, str(work / "premium.sqlite"), str(tiles),
                       "addressbase-premium", str(work / "records.sqlite"))
        store = _bytes(work / "records.sqlite")
    mb = 2 ** 20
    return [
        Result(f"premium load ({SIZE:,} addresses)", int(premium["rows"]), premium["seconds"],
               premium["seconds"], floor["seconds"], "searchable floor on the flat CSV",
               f"{_notes(premium)}; floor {floor['peak'] / mb:.0f} MB; tiles "
               f"{_bytes(tiles) / mb:.0f} MB, records store {store / mb:.0f} MB; "
               "< 500 MB"),
        Result(f"premium load, against the Premium floor ({SIZE:,} addresses)",
               int(premium["rows"]), premium["seconds"], premium["seconds"],
               premium_floor["seconds"], "Premium searchable floor on the tiles",
               f"floor {premium_floor['peak'] / mb:.0f} MB, {premium_floor['rows']:,} rows; "
               "aim <= 2x"),
        Result(f"flat load of the same addresses ({SIZE:,})", int(flat_load["rows"]),
               flat_load["seconds"], flat_load["seconds"], floor["seconds"],
               "searchable floor on the flat CSV", _notes(flat_load)),
    ]


def _postgres() -> list[Result]:
    """Premium and the flat CSV into a throwaway PostgreSQL server (fsync off), against
    the PostgreSQL searchable floor of the address benchmarks (COPY, a postcode
    B-tree, a GIN index of each row's text)."""
    from bench_address_postgres import PG_SEARCHABLE_FLOOR

    from lgds_components.testing.postgres import temporary_server

    tiles, flat = _inputs()
    with tempfile.TemporaryDirectory(dir=CACHE) as folder, \
            temporary_server(database="lgds_bench", settings={"shared_buffers": "4GB"}) as dsn:
        floor = _run(PG_SEARCHABLE_FLOOR, dsn, str(flat))
        premium_floor = _run(_PG_PREMIUM_FLOOR, dsn, str(tiles))
        flat_load = _run(_POSTGRES_LOAD, dsn, str(flat), "bench_flat", "addressbase", "")
        premium = _run(_POSTGRES_LOAD, dsn, str(tiles), "bench_premium", "addressbase-premium",
                       str(Path(folder) / "records.sqlite"))
    floor_name = "PostgreSQL searchable floor on the flat CSV"
    return [
        Result(f"premium load on PostgreSQL ({SIZE:,} addresses)", int(premium["rows"]),
               premium["seconds"], premium["seconds"], floor["seconds"], floor_name,
               f"{_notes(premium)}, the server not counted; < 500 MB"),
        Result(f"premium load on PostgreSQL, against the Premium floor ({SIZE:,} addresses)",
               int(premium["rows"]), premium["seconds"], premium["seconds"],
               premium_floor["seconds"], "PostgreSQL Premium searchable floor on the tiles",
               f"{premium_floor['rows']:,} rows; aim <= 3x"),
        Result(f"flat load on PostgreSQL of the same addresses ({SIZE:,})",
               int(flat_load["rows"]), flat_load["seconds"], flat_load["seconds"],
               floor["seconds"], floor_name, _notes(flat_load)),
    ]
