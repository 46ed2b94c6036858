"""The gazetteer on PostgreSQL at scale, against its floors and the SQLite gazetteer.

Every figure is measured on synthetic AddressBase-style records from
:mod:`lgds_components.address.sample` (``LGDS_BENCH_PG_ADDRESSES`` rows,
default 1,000,000; seed 1):

* **load**: ``PostgresGazetteer.load`` (validation, COPY, indexes, vocabulary,
  atomic swap) in its own subprocess (the SQLite load has its own benchmark,
  ``address load (``); the note gives the peak RSS (``ru_maxrss``) of the
  loading process and of its reading worker (the server's memory is not
  included) and the time spent
  after the rows were in. Two floors: a raw ``COPY`` of the CSV's lines into
  a one-column table; and the *searchable* floor, the honest one for a
  searchable gazetteer: ``COPY`` of the rows into a table of their columns,
  a postcode B-tree and a GIN index on ``to_tsvector('simple', text)`` of each
  row's address text, in one transaction. Aim: at most 3x the searchable
  floor, RSS under 300 MB.
* **postcode lookup**: ``by_postcode`` for ``LGDS_BENCH_PG_POSTCODES`` (2,000)
  postcodes drawn from the gazetteer, from ``LGDS_BENCH_PG_CLIENTS`` (4)
  client processes at once, each with its own gazetteer object (PostgreSQL:
  a pool of one connection each); p50 and p99 over every call of every client.
  The floor is the SQLite gazetteer of the same CSV (loaded for these two
  figures only) doing the same in the same way.
* **search**: ``search()`` of ``LGDS_BENCH_PG_SEARCHES`` (400) type-ahead
  prefixes of real addresses (4 characters up to the whole line), likewise.
  The note says how many of the searches gave identical results (UPRNs and
  scores) from both stores.

The server: ``LGDS_BENCH_PG_DSN`` if set (the gazetteer goes into schema
``bench_<rows>``), else a throwaway server from
:func:`lgds_components.testing.postgres.temporary_server` (``fsync=off``,
``synchronous_commit=off``, ``full_page_writes=off``: load figures are
therefore a lower bound for a durable server; ``shared_buffers`` from
``LGDS_BENCH_PG_SHARED_BUFFERS``, default 4GB, a sixth of this machine's memory).
With ``LGDS_BENCH_PG_DSN`` set and ``LGDS_BENCH_PG_REUSE=1``, a gazetteer
already loaded from the same CSV is reused and the load figures come from the
JSON file written when it was loaded.

The CSV is ``sample.write_csv(path, rows, 1)``, cached in ``benchmarks/.cache``.
"""

from __future__ import annotations

import atexit
import json
import os
import random
import subprocess
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

from harness import SMOKE, Result, size

__all__ = ["PG_SEARCHABLE_FLOOR", "results"]

SIZE = size("LGDS_BENCH_PG_ADDRESSES", 1_000_000, smoke=2_000)
CLIENTS = size("LGDS_BENCH_PG_CLIENTS", 4, smoke=2)
POSTCODES = size("LGDS_BENCH_PG_POSTCODES", 2000, smoke=20)
SEARCHES = size("LGDS_BENCH_PG_SEARCHES", 400, smoke=10)
DSN = os.environ.get("LGDS_BENCH_PG_DSN", "")
SHARED_BUFFERS = os.environ.get("LGDS_BENCH_PG_SHARED_BUFFERS",
                                "128MB" if os.environ.get(SMOKE) else "4GB")
REUSE = os.environ.get("LGDS_BENCH_PG_REUSE", "") == "1"
SEED = 1
CACHE = Path(__file__).resolve().parent / ".cache"


# -- data ----------------------------------------------------------------------------


def _generator_version() -> str:
    import hashlib

    from lgds_components.address import sample

    return hashlib.sha256(Path(sample.__file__).read_bytes()).hexdigest()[:8]


def _csv() -> Path:
    from lgds_components.address.sample import write_csv

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"addresses-{SIZE}-seed{SEED}-v{_generator_version()}.csv"
    if path.exists():
        return path
    print(f"generating {SIZE:,} synthetic addresses ...", file=sys.stderr, flush=True)
    partial = path.with_suffix(f".partial{os.getpid()}")
    write_csv(partial, SIZE, SEED)
    partial.replace(path)
    return path


# -- the two stores ------------------------------------------------------------------

_PG_LOAD = """
import json, resource, sys, time
from lgds_components.address.postgres import PostgresGazetteer
phases = {}
started = time.perf_counter()
def progress(state):
    phases.setdefault(state.phase, time.perf_counter() - started)
report = PostgresGazetteer.load(sys.argv[1], sys.argv[2], schema=sys.argv[3],
                                progress=progress, maintenance_work_mem="2GB")
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak, "worker": worker, "rows": report.rows_loaded,
                  "indexing": seconds - phases.get("indexing", seconds)}))
"""

_PG_FLOOR = """
import json, resource, sys, time
import psycopg
started = time.perf_counter()
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    with conn.transaction():
        conn.execute("DROP TABLE IF EXISTS bench_raw_copy")
        conn.execute("CREATE UNLOGGED TABLE bench_raw_copy (line text)")
        with open(sys.argv[2], "rb") as handle, conn.cursor() as cur:
            raw = ("COPY bench_raw_copy FROM STDIN "
                   "WITH (FORMAT csv, QUOTE e'\\\\x01', DELIMITER e'\\\\x02')")
            with cur.copy(raw) as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
    conn.execute("DROP TABLE bench_raw_copy")
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak}))
"""

# The honest floor for a searchable gazetteer: COPY the rows, then a postcode
# B-tree and a GIN index over each row's address text, in one transaction.
PG_SEARCHABLE_FLOOR = """
import csv, json, resource, sys, time
import psycopg
started = time.perf_counter()
with open(sys.argv[2], newline="", encoding="utf-8") as handle:
    header = next(csv.reader(handle))
# (coalesce: COPY reads an empty CSV field as NULL, which || would spread to the row)
text = " || ' ' || ".join(f"coalesce({name}, '')" for name in (
    "organisation_name", "sao_text", "sao_start_number", "pao_text", "pao_start_number",
    "street_description", "locality", "town_name", "postcode_locator"))
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    with conn.transaction():
        conn.execute("SET LOCAL maintenance_work_mem = '2GB'")
        conn.execute("DROP TABLE IF EXISTS bench_floor")
        conn.execute("CREATE TABLE bench_floor (%s)" % ", ".join(f'"{name}" text'
                                                                  for name in header))
        with open(sys.argv[2], "rb") as handle, conn.cursor() as cur:
            with cur.copy("COPY bench_floor FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        conn.execute("CREATE INDEX bench_floor_postcode ON bench_floor (postcode_locator)")
        conn.execute("CREATE INDEX bench_floor_text ON bench_floor USING gin "
                     f"(to_tsvector('simple', {text}))")
    seconds = time.perf_counter() - started
    conn.execute("DROP TABLE bench_floor")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak}))
"""

_SQLITE_LOAD = """
import json, sys
from lgds_components.address import Gazetteer
report = Gazetteer.load(sys.argv[1], sys.argv[2])
print(json.dumps({"rows": report.rows_loaded}))
"""

_CLIENT = """
import json, sys, time
kind, target, schema, verb, offset = sys.argv[1:6]
inputs = json.loads(sys.stdin.read())
if kind == "postgres":
    from lgds_components.address.postgres import PostgresGazetteer
    store = PostgresGazetteer.connect(target, pool_size=1, schema=schema)
else:
    from lgds_components.address import Gazetteer
    store = Gazetteer.open(target, readonly=True)
call = store.by_postcode if verb == "postcode" else store.search
rotated = inputs[int(offset):] + inputs[:int(offset)]
for item in rotated[:50]:
    call(item)
samples = []
answers = {}
clock = time.perf_counter
slowest = {}
for item in rotated:
    start = clock()
    found = call(item)
    samples.append(clock() - start)
    slowest[item] = max(slowest.get(item, 0.0), samples[-1])
    if verb == "search":
        answers[item] = [[m.uprn, m.score] for m in found]
store.close()
print(json.dumps({"samples": samples, "answers": answers, "slowest": slowest}))
"""


def _run(script: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, check=False)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


@cache
def _server() -> str:
    if DSN:
        return DSN
    from lgds_components.testing.postgres import temporary_server

    server = temporary_server(database="lgds_bench", settings={"shared_buffers": SHARED_BUFFERS})
    dsn = server.__enter__()
    atexit.register(server.__exit__, None, None, None)
    return dsn


def _schema() -> str:
    return f"bench_{SIZE}"


@cache
def _loaded() -> dict[str, Any]:
    """Load PostgreSQL and time its floors (each in a subprocess) unless reusing;
    cached per run."""
    source = _csv()
    dsn = _server()
    record = CACHE / f"postgres-load-{source.stem}.json"
    if REUSE and DSN and record.exists():
        figures = json.loads(record.read_text(encoding="utf-8"))
        figures["reused"] = True
        return figures
    print(f"loading {SIZE:,} addresses into PostgreSQL ...", file=sys.stderr, flush=True)
    figures: dict[str, Any] = {"postgres": _run(_PG_LOAD, dsn, str(source), _schema())}
    print("raw COPY floor ...", file=sys.stderr, flush=True)
    figures["floor"] = _run(_PG_FLOOR, dsn, str(source))
    print("searchable floor (COPY, postcode B-tree, GIN over the text) ...", file=sys.stderr,
          flush=True)
    figures["searchable"] = _run(PG_SEARCHABLE_FLOOR, dsn, str(source))
    figures["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    if DSN:
        record.write_text(json.dumps(figures), encoding="utf-8")
    figures["reused"] = False
    return figures


@cache
def _sqlite_gazetteer() -> str:
    """The SQLite gazetteer of the same CSV, the peer of the lookup and search figures
    (loaded only for those; kept beside the CSV when reusing)."""
    source = _csv()
    sqlite_path = CACHE / f"pg-bench-gazetteer-{source.stem}.sqlite"
    if REUSE and DSN and sqlite_path.exists():
        return str(sqlite_path)
    print(f"loading {SIZE:,} addresses into SQLite ...", file=sys.stderr, flush=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    _run(_SQLITE_LOAD, str(sqlite_path), str(source))
    if not DSN:
        atexit.register(lambda: [Path(f"{sqlite_path}{s}").unlink(missing_ok=True)
                                 for s in ("", "-wal", "-shm")])
    return str(sqlite_path)


def _inputs() -> tuple[list[str], list[str]]:
    from lgds_components.address import Gazetteer

    with Gazetteer.open(_sqlite_gazetteer(), readonly=True) as gazetteer:
        postcodes = [a.postcode for a in gazetteer.sample_addresses(POSTCODES, seed=SEED)]
        rng = random.Random(SEED)
        searches = []
        for address in gazetteer.sample_addresses(SEARCHES, seed=SEED + 1):
            text = address.single_line()
            searches.append(text[: rng.randrange(4, len(text) + 1)])
    return postcodes, searches


def _concurrent(kind: str, verb: str, inputs: list[str]) -> tuple[list[float], dict[str, Any]]:
    target = _server() if kind == "postgres" else _sqlite_gazetteer()
    payload = json.dumps(inputs)
    step = max(len(inputs) // CLIENTS, 1)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _CLIENT, kind, target, _schema(), verb, str(i * step)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for i in range(CLIENTS)
    ]
    samples: list[float] = []
    answers: dict[str, Any] = {}
    slowest: dict[str, float] = {}
    for process in processes:
        out, err = process.communicate(payload)
        if process.returncode:
            raise RuntimeError(err[-2000:])
        result = json.loads(out.strip().splitlines()[-1])
        samples += result["samples"]
        answers.update(result["answers"])
        for item, seconds in result["slowest"].items():
            slowest[item] = max(slowest.get(item, 0.0), seconds)
    worst = sorted(slowest.items(), key=lambda pair: -pair[1])[:5]
    print(f"  slowest {kind} {verb}: " + ", ".join(f"{item!r} {seconds * 1e3:.0f} ms"
                                                  for item, seconds in worst), file=sys.stderr)
    return samples, answers


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _rss(figures: dict[str, Any]) -> str:
    """The load's peak RSS: the loader's, and its reading worker's if it had one."""
    loader, worker = figures["peak"] / 2**20, figures.get("worker", 0) / 2**20
    if not worker:
        return f"loader {loader:.0f} MB"
    return (f"loader {loader:.0f} MB + reading worker {worker:.0f} MB = "
            f"{loader + worker:.0f} MB")


def _setting() -> str:
    if DSN:
        return "server from LGDS_BENCH_PG_DSN"
    return f"throwaway server, fsync off, shared_buffers {SHARED_BUFFERS}"


def results(wanted: str = "") -> list[Result]:
    names = {
        "load": f"address postgres load ({SIZE:,} rows)",
        "postcode": f"address postgres by_postcode, {CLIENTS} clients ({SIZE:,} rows)",
        "search": f"address postgres search, {CLIENTS} clients ({SIZE:,} rows)",
    }
    if not any(wanted in name for name in names.values()):
        return []
    import psycopg

    if os.environ.get(SMOKE) and not DSN:
        from lgds_components.testing.postgres import PostgresUnavailable, find_binaries

        try:
            find_binaries()
        except PostgresUnavailable as exc:  # as the tests skip, so does the smoke run
            print(f"skipped the PostgreSQL benchmarks: {exc}", file=sys.stderr)
            return []
    with psycopg.connect(_server()) as conn:
        version = conn.info.server_version
    server = f"PostgreSQL {version // 10000}.{version % 10000}, {_setting()}"
    out = []
    if wanted in names["load"]:
        figures = _loaded()
        pg, floor = figures["postgres"], figures["floor"]
        reused = f"; figures from the load of {figures['when']}" if figures.get("reused") else ""
        out.append(Result(
            name=names["load"], size=int(pg["rows"]), median_s=pg["seconds"],
            p99_s=pg["seconds"], floor_median_s=floor["seconds"],
            floor_name="raw COPY of the CSV lines",
            note=(f"loader peak RSS {_rss(pg)}; {pg['indexing']:.0f} s after "
                  f"the rows were in (indexes, vocabulary, swap); "
                  f"{server}{reused}"),
        ))
        searchable = figures.get("searchable")
        if searchable is not None:
            out.append(Result(
                name=f"{names['load']}, against the searchable floor", size=int(pg["rows"]),
                median_s=pg["seconds"], p99_s=pg["seconds"],
                floor_median_s=searchable["seconds"],
                floor_name="COPY + postcode B-tree + GIN to_tsvector('simple', text)",
                note=f"peak RSS {_rss(pg)}; aim <= 3x, < 300 MB",
            ))
    if not any(wanted in names[verb] for verb in ("postcode", "search")):
        return out
    _loaded()  # the PostgreSQL gazetteer the clients query
    postcodes, searches = _inputs()
    for verb, inputs in (("postcode", postcodes), ("search", searches)):
        if wanted not in names[verb]:
            continue
        print(f"{verb}: {CLIENTS} clients against each store ...", file=sys.stderr, flush=True)
        pg_samples, pg_answers = _concurrent("postgres", verb, inputs)
        lite_samples, lite_answers = _concurrent("sqlite", verb, inputs)
        pg_p50, pg_p99 = _percentiles(pg_samples)
        lite_p50, lite_p99 = _percentiles(lite_samples)
        note = f"SQLite p99 {lite_p99 * 1e3:.2f} ms; {server}"
        if verb == "search":
            differ = [key for key, value in pg_answers.items() if lite_answers.get(key) != value]
            for key in differ[:5]:
                print(f"  differs: {key!r}\n    postgres {pg_answers[key][:3]}\n"
                      f"    sqlite   {lite_answers.get(key, [])[:3]}", file=sys.stderr)
            same = len(pg_answers) - len(differ)
            note = (f"identical UPRNs and scores from both stores for {same} of "
                    f"{len(pg_answers)} searches; {note}")
        out.append(Result(
            name=names[verb], size=len(pg_samples), median_s=pg_p50, p99_s=pg_p99,
            floor_median_s=lite_p50, floor_name="SQLite gazetteer, same calls and clients",
            note=note,
        ))
    return out

