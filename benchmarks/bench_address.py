"""The embedded gazetteer at scale: load, postcode lookup, search, matching.

Every figure is measured on synthetic AddressBase-style records from
:mod:`lgds_components.address.sample` (``LGDS_BENCH_ADDRESSES`` rows, default
1,000,000; seed 1). The generated CSV and the loaded gazetteer are cached in
``benchmarks/.cache/`` (gitignored), so only the first run generates.

* **load**: ``Gazetteer.load`` of the CSV (validation, natural sort keys,
  full-text index, typo vocabulary, atomic swap) against two floors in the
  same run: the raw floor, a ``csv.reader`` + ``executemany`` of the same
  rows into one plain table in one transaction; and the *searchable* floor,
  the honest one for a searchable gazetteer: that, plus a postcode index and
  each row's address text in an FTS5 table. Each runs in its own subprocess;
  the note gives each one's peak RSS (``ru_maxrss``; a load of 32 MB or more
  reads its records in a worker process, whose peak is given too, and the
  two together). Aims: at most 2x the searchable floor, RSS under 300 MB
  (the loader and its worker together).
* **postcode lookup**: ``by_postcode`` for 2,000 postcodes drawn from the
  gazetteer, against the raw indexed SQLite query behind it (``fetchall`` of
  the rows, no Address objects). Aim: p99 under 1 ms.
* **search**: ``search()`` of 200 type-ahead prefixes of real addresses
  (4 characters up to the whole line), against a rapidfuzz linear scan
  (``process.extract`` with ``fuzz.ratio``, its cheapest scorer) over the same
  rows' one-line text. ``fuzz.WRatio``, the scorer closer in quality, costs
  about 20 times more per scan. Aim: p99 under 20 ms.
* **match**: precision, recall and matches per second on 2,000 messy cases
  from :func:`lgds_components.address.messy.messy_cases` (typos,
  abbreviations, flat forms, missing and partial postcodes, case and
  punctuation noise, 5% addresses that do not exist). Aim: precision at least
  99% at recall at least 95%.

Environment: ``LGDS_BENCH_ADDRESSES`` (rows), ``LGDS_BENCH_SEARCHES`` (search
inputs, default 200; the rapidfuzz floor scans every row for each).
"""

from __future__ import annotations

import atexit
import json
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from harness import Case, Result, size

__all__ = ["cases", "results"]

SIZE = size("LGDS_BENCH_ADDRESSES", 1_000_000, smoke=2_000)
SEARCHES = size("LGDS_BENCH_SEARCHES", 200, smoke=5)
SEED = 1
CACHE = Path(__file__).resolve().parent / ".cache"

_LOAD = """
import json, resource, sys, time
from lgds_components.address import Gazetteer
started = time.perf_counter()
report = Gazetteer.load(sys.argv[1], sys.argv[2])
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak, "worker": worker, "rows": report.rows_loaded}))
"""

# The floors: the same rows with the bare database and the csv module, in one
# transaction. "raw": executemany into one plain table. "searchable" (the honest
# floor for a searchable gazetteer): that, plus a postcode index and each row's
# address text in an FTS5 full-text index.
_FLOOR = """
import csv, json, os, resource, sqlite3, sys, time
target, source, kind = sys.argv[1:4]
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(target + suffix):
        os.unlink(target + suffix)
started = time.perf_counter()
conn = sqlite3.connect(target, isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
with open(source, newline="", encoding="utf-8") as handle:
    reader = csv.reader(handle)
    header = next(reader)
    conn.execute("CREATE TABLE raw (%s)" % ", ".join(header))
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO raw VALUES (%s)" % ", ".join("?" * len(header)), reader)
    if kind == "searchable":
        conn.execute("CREATE INDEX raw_postcode ON raw (postcode_locator)")
        conn.execute("CREATE VIRTUAL TABLE raw_text USING fts5 (body)")
        text = " || ' ' || ".join(("organisation_name", "sao_text", "sao_start_number",
                                   "pao_text", "pao_start_number", "street_description",
                                   "locality", "town_name", "postcode_locator"))
        conn.execute(f"INSERT INTO raw_text (rowid, body) SELECT rowid, {text} FROM raw")
    conn.execute("COMMIT")
conn.close()
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak}))
"""


def _csv() -> Path:
    from lgds_components.address.sample import write_csv

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"addresses-{SIZE}-seed{SEED}-v{_generator_version()}.csv"
    if not path.exists():
        print(f"generating {SIZE:,} synthetic addresses ...", file=sys.stderr, flush=True)
        partial = path.with_suffix(".partial")
        write_csv(partial, SIZE, SEED)
        partial.replace(path)
    return path


def _generator_version() -> str:
    import hashlib

    from lgds_components.address import sample

    return hashlib.sha256(Path(sample.__file__).read_bytes()).hexdigest()[:8]


def _run(script: str, *args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@cache
def _loaded() -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """Load the CSV in a subprocess (timed) and the floor likewise; cached per run."""
    source = _csv()
    # a new file every run (and per process, so two runs never share one)
    target = CACHE / f"gazetteer-{source.stem}-{os.getpid()}.sqlite"
    atexit.register(_remove, target)
    print(f"loading {SIZE:,} addresses ...", file=sys.stderr, flush=True)
    measured = _run(_LOAD, str(target), str(source))
    print("loading the raw executemany floor ...", file=sys.stderr, flush=True)
    floor_target = CACHE / f"floor-{os.getpid()}.sqlite"
    atexit.register(_remove, floor_target)
    floor = _run(_FLOOR, str(floor_target), str(source), "raw")
    print("loading the searchable floor (executemany, postcode index, FTS5) ...",
          file=sys.stderr, flush=True)
    floor["searchable"] = _run(_FLOOR, str(floor_target), str(source), "searchable")
    return target, measured, floor


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@cache
def _gazetteer():  # type: ignore[no-untyped-def]
    from lgds_components.address import Gazetteer

    target, _, _ = _loaded()
    gazetteer = Gazetteer.open(target, readonly=True)
    atexit.register(gazetteer.close)
    return gazetteer


def _postcode_case() -> Case:
    gazetteer = _gazetteer()
    addresses = gazetteer.sample_addresses(2000, seed=SEED)
    postcodes = [a.postcode for a in addresses]
    raw = sqlite3.connect(f"{gazetteer.path.resolve().as_uri()}?mode=ro", uri=True,
                          check_same_thread=False)
    atexit.register(raw.close)

    def floor(code: object) -> object:
        key = str(code).replace(" ", "")
        return raw.execute(
            "SELECT * FROM address WHERE postcode_key = ? AND preferred = 1 ORDER BY sort_key",
            (key,),
        ).fetchall()

    return Case(
        name=f"address by_postcode ({SIZE:,} rows)", inputs=postcodes,
        run=lambda code: gazetteer.by_postcode(code), floor=floor,
        floor_name="raw indexed SQLite query", note="aim p99 < 1 ms",
    )


def _search_case() -> Case:
    from rapidfuzz import fuzz, process

    gazetteer = _gazetteer()
    rng = random.Random(SEED)
    inputs = []
    for address in gazetteer.sample_addresses(SEARCHES, seed=SEED + 1):
        text = address.single_line()
        inputs.append(text[: rng.randrange(4, len(text) + 1)])
    raw = sqlite3.connect(f"{gazetteer.path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = raw.execute(  # the same rows, as one line of text each
            "SELECT trim(replace(organisation || ' ' || sao_text || ' ' || "
            "coalesce(sao_start_number, '') || ' ' || pao_text || ' ' || "
            "coalesce(pao_start_number, '') || pao_start_suffix || ' ' || street || ' ' || "
            "locality || ' ' || town || ' ' || postcode, '  ', ' ')) FROM address"
        ).fetchall()
    finally:
        raw.close()
    choices = [row[0].lower() for row in rows]

    def floor(text: object) -> object:
        return process.extract(str(text).lower(), choices, scorer=fuzz.ratio, limit=10)

    return Case(
        name=f"address search ({SIZE:,} rows)", inputs=inputs,
        run=lambda text: gazetteer.search(text), floor=floor,
        floor_name="rapidfuzz linear scan", note="aim p99 < 20 ms", rounds=1,
    )


class _Lazy(Sequence[object]):
    """Inputs built on first use, so that listing the cases (``run.py`` lists every
    module's) does not generate or load a million addresses."""

    def __init__(self, build: Callable[[], Case]) -> None:
        self._build = build

    @cached_property
    def case(self) -> Case:
        return self._build()

    def __len__(self) -> int:
        return len(self.case.inputs)

    def __getitem__(self, index: Any) -> Any:
        return self.case.inputs[index]


def _lazy_case(name: str, floor_name: str, note: str, build: Callable[[], Case],
               rounds: int = 5) -> Case:
    inputs = _Lazy(build)
    return Case(
        name=name, inputs=inputs, run=lambda item: inputs.case.run(item),
        floor=lambda item: inputs.case.floor(item),  # type: ignore[misc]
        floor_name=floor_name, note=note, rounds=rounds,
    )


def cases() -> list[Case]:
    return [
        _lazy_case(f"address by_postcode ({SIZE:,} rows)", "raw indexed SQLite query",
                   "aim p99 < 1 ms", _postcode_case),
        _lazy_case(f"address search ({SIZE:,} rows)", "rapidfuzz linear scan",
                   "aim p99 < 20 ms", _search_case, rounds=1),
    ]


def _together(measured: dict[str, Any]) -> str:
    """The load's peak RSS: the loader's, its reading worker's, and the two together."""
    loader, worker = measured["peak"] / 2**20, measured["worker"] / 2**20
    return f"loader {loader:.0f} MB + reading worker {worker:.0f} MB = {loader + worker:.0f} MB"


def results(wanted: str = "") -> list[Result]:
    from lgds_components.address.messy import evaluate, messy_cases

    out = []
    name = f"address load ({SIZE:,} rows)"
    if wanted in name:
        _, measured, floor = _loaded()
        out.append(Result(
            name=name, size=int(measured["rows"]), median_s=measured["seconds"],
            p99_s=measured["seconds"], floor_median_s=floor["seconds"],
            floor_name="raw executemany",
            note=f"peak RSS {_together(measured)} (floor {floor['peak'] / 2**20:.0f} MB)",
        ))
        searchable = floor["searchable"]
        out.append(Result(
            name=f"{name}, against the searchable floor", size=int(measured["rows"]),
            median_s=measured["seconds"], p99_s=measured["seconds"],
            floor_median_s=searchable["seconds"],
            floor_name="executemany + postcode index + FTS5 of each row's text",
            note=f"peak RSS {_together(measured)} (floor {searchable['peak'] / 2**20:.0f} "
                 "MB); aim <= 2x, < 300 MB together",
        ))
    name = f"address match ({SIZE:,} rows)"
    if wanted in name:
        gazetteer = _gazetteer()
        addresses = gazetteer.sample_addresses(2000, seed=SEED + 2)
        messy = list(messy_cases(addresses, 2000, seed=SEED + 2))
        evaluation = evaluate(gazetteer, messy)
        per_match = evaluation.seconds / evaluation.total
        out.append(Result(
            name=name, size=evaluation.total, median_s=per_match, p99_s=per_match,
            floor_median_s=None, floor_name="",
            note=f"precision {evaluation.precision:.1%}, recall {evaluation.recall:.1%} "
                 f"at threshold {gazetteer.threshold}; {evaluation.per_second:,.0f} matches/s "
                 "(mean time shown); aim >= 99% at >= 95%",
        ))
    return out
