"""Matching messy addresses: ``Gazetteer.match_many`` and uk-address-matcher side by side.

One gazetteer of ``LGDS_BENCH_MATCH_ADDRESSES`` synthetic addresses (default
200,000, :mod:`lgds_components.address.sample`, seed 1) and, for each messy
style of :mod:`lgds_components.address.messy` (``typed``, ``council``,
``mixed``), ``LGDS_BENCH_MATCH_QUERIES`` queries (default 20,000; seed
``LGDS_BENCH_MATCH_SEED``, default 2; 5% describe addresses that are not
there). Both matchers answer the same query text:

* **lgds**: ``Gazetteer.match_many`` over the SQLite gazetteer, at its default
  threshold, in its own process (rate over the whole batch; peak RSS of that
  process, gazetteer opened and queries read included); and again with
  ``workers=`` one per core (``LGDS_BENCH_MATCH_WORKERS``), as
  uk-address-matcher uses every core (peak RSS then of the parent; each worker
  is about as big). With
  ``LGDS_BENCH_MATCH_BEFORE`` set to the ``src`` directory of an earlier
  version (``git archive <commit> | tar -x -C /tmp/before``), that version runs
  too, on a gazetteer its own loader builds from the same CSV;
* **lgds on PostgreSQL** (with ``LGDS_BENCH_MATCH_POSTGRES=1``):
  ``PostgresGazetteer.match_many`` in one process, on a throwaway local server
  (:func:`lgds_components.testing.postgres.temporary_server`, on the same
  cores) loaded from the same CSV (not timed), and how many of its answers are
  the SQLite gazetteer's;
* **uk-address-matcher 1.5.3** from PyPI, installed by this benchmark into its
  own virtual environment (``benchmarks/.cache/uam-venv``), never into the
  project's: its canonical folder is prepared once from the same addresses
  (one row per UPRN: the address without postcode, and the postcode), timed
  apart and not counted in its rate; then each set is matched in its own
  process (``AddressMatcher(...).match()``, default stages) with its default
  thresholds, and again read at a stricter cut (match weight and
  distinguishability, see ``UAM_STRICT``).

Printed for each: precision (right answers of those given), recall (right
answers of those with one), non-existent refused (cases with no right answer
left unanswered), records per second and peak RSS.

Run it alone (``python benchmarks/bench_match.py [styles...]``;
``LGDS_BENCH_MATCH_UAM=0`` leaves uk-address-matcher out) or through
``python3 dev.py bench "match vs"``. Figures are ratios measured in one run
on one machine; uk-address-matcher uses every core (DuckDB), lgds one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
import venv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import SMOKE, Result, size  # noqa: E402

__all__ = ["main", "results"]

SIZE = size("LGDS_BENCH_MATCH_ADDRESSES", 200_000, smoke=3_000)
QUERIES = size("LGDS_BENCH_MATCH_QUERIES", 20_000, smoke=60)
SEED = int(os.environ.get("LGDS_BENCH_MATCH_SEED", "2"))
GAZETTEER_SEED = 1
STYLES = ("typed", "council", "mixed")
CACHE = HERE / ".cache" / "match"
UAM = "uk_address_matcher==1.5.3"
UAM_VENV = HERE / ".cache" / "uam-venv"
WORKERS = int(os.environ.get("LGDS_BENCH_MATCH_WORKERS", str(os.cpu_count() or 2)))
"""Processes for the second lgds row (default: one per core, as uk-address-matcher uses)."""
BEFORE = os.environ.get("LGDS_BENCH_MATCH_BEFORE", "")
"""The ``src`` directory of an earlier version to run beside this one (before and after)."""
POSTGRES = os.environ.get("LGDS_BENCH_MATCH_POSTGRES", "0") == "1"
"""Also match through ``PostgresGazetteer`` (a throwaway local server, one process)."""
UAM_STRICT = (0.0, 5.0)
"""A stricter reading of uk-address-matcher's answers: match weight at least the
first, distinguishability at least the second (its defaults are -20 and 0)."""

_PEAK = """
def peak_rss():
    # the high-water mark of this process's own memory (ru_maxrss would carry the
    # parent's over the exec on Linux)
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
"""

_LOAD_BEFORE = """
import sys
from lgds_components.address import Gazetteer
Gazetteer.load(sys.argv[1], sys.argv[2])
"""

_LGDS = _PEAK + """
import json, sys, time
from lgds_components.address import Gazetteer
path, queries_path, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
queries = [json.loads(line) for line in open(queries_path, encoding="utf-8")]
texts = (q["text"] for q in queries)
started = time.perf_counter()
if path.startswith("postgres:"):  # a connection string: the gazetteer in schema "match"
    from lgds_components.address.postgres import PostgresGazetteer
    opened = PostgresGazetteer.connect(path.removeprefix("postgres:"), schema="match",
                                       pool_size=1)
else:
    opened = Gazetteer.open(path, readonly=True)
with opened as gazetteer:
    found = gazetteer.match_many(texts, workers=workers) if workers > 1 \
        else gazetteer.match_many(texts)
    answers = [None if m is None else m.uprn for m in found]
seconds = time.perf_counter() - started
print(json.dumps({"answers": answers, "seconds": seconds, "peak": peak_rss()}))
"""

_PG_LOAD = """
import json, sys, time
from lgds_components.address.postgres import PostgresGazetteer
started = time.perf_counter()
report = PostgresGazetteer.load(sys.argv[1], sys.argv[2], schema="match")
print(json.dumps({"rows": report.rows_loaded, "seconds": time.perf_counter() - started}))
"""

_UAM_PREPARE = """
import sys, time, duckdb
from uk_address_matcher import prepare_canonical_folder
con = duckdb.connect()
started = time.perf_counter()
prepare_canonical_folder(con.read_csv(sys.argv[1], all_varchar=True), sys.argv[2], con=con,
                         overwrite=True, show_progress="off")
print(time.perf_counter() - started)
"""

_UAM_MATCH = _PEAK + """
import json, sys, time, duckdb
from uk_address_matcher import AddressMatcher
started = time.perf_counter()
con = duckdb.connect()
messy = con.read_csv(sys.argv[2], all_varchar=True)
matcher = AddressMatcher(canonical_addresses=sys.argv[1], addresses_to_match=messy, con=con,
                         show_progress="off")
relation = matcher.match().matches()
wanted = ["unique_id", "resolved_canonical_id", "match_weight", "distinguishability"]
columns = [c if c in relation.columns else "NULL" for c in wanted]
found = {str(row[0]): row[1:] for row in relation.select(", ".join(columns)).fetchall()}
seconds = time.perf_counter() - started
print(json.dumps({"found": found, "seconds": seconds, "peak": peak_rss()}, default=str))
"""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _version(*modules: str) -> str:
    """A short hash of the named package modules' source: cache keys change with them."""
    import importlib

    digest = hashlib.sha256()
    for name in modules:
        digest.update(Path(importlib.import_module(name).__file__ or "").read_bytes())
    return digest.hexdigest()[:8]


def _source_csv() -> Path:
    """The benchmark's synthetic addresses as CSV (generated once into the cache)."""
    from lgds_components.address.sample import write_csv

    CACHE.mkdir(parents=True, exist_ok=True)
    source = CACHE / f"addresses-{SIZE}-seed{GAZETTEER_SEED}-" \
                     f"v{_version('lgds_components.address.sample')}.csv"
    if not source.exists():
        _log(f"generating {SIZE:,} synthetic addresses ...")
        partial = source.with_suffix(".partial")
        write_csv(partial, SIZE, GAZETTEER_SEED)
        partial.replace(source)
    return source


def gazetteer_path() -> Path:
    """The benchmark gazetteer, loaded afresh into the cache each run."""
    from lgds_components.address import Gazetteer

    source = _source_csv()
    target = CACHE / f"gazetteer-{os.getpid()}.sqlite"
    _log(f"loading {SIZE:,} addresses ...")
    Gazetteer.load(target, source)
    return target


def population(path: Path) -> list[Any]:
    """Every preferred record of the gazetteer as an Address (read with raw SQL)."""
    import attrs

    from lgds_components.address import Address

    names = [field.name for field in attrs.fields(Address)]
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(f"SELECT {', '.join(names)} FROM address "
                            "WHERE preferred = 1 ORDER BY id").fetchall()
    finally:
        conn.close()
    return [Address(**dict(zip(names, row, strict=True))) for row in rows]


def query_sets(path: Path, styles: tuple[str, ...], seed: int = SEED,
               count: int = QUERIES) -> dict[str, Path]:
    """Write ``count`` messy cases per style (JSON lines: text, uprn, kind, noise)."""
    from lgds_components.address import Gazetteer
    from lgds_components.address.messy import messy_cases

    everyone = population(path)
    with Gazetteer.open(path, readonly=True) as gazetteer:
        picked = gazetteer.sample_addresses(count, seed=seed)
    out = {}
    for style in styles:
        target = CACHE / f"queries-{style}-seed{seed}-{count}.jsonl"
        with target.open("w", encoding="utf-8") as handle:
            for case in messy_cases(picked, count, seed=seed, style=style, population=everyone):
                handle.write(json.dumps({"text": case.text, "uprn": case.uprn,
                                         "kind": case.kind, "noise": case.noise}) + "\n")
        out[style] = target
    return out


def _run_json(python: str | Path, script: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([str(python), "-c", script, *args], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"benchmark subprocess failed:\n{done.stderr[-4000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def uam_python() -> Path:
    """uk-address-matcher's own virtual environment, created and filled on first use."""
    python = UAM_VENV / "bin" / "python"
    if not python.exists():
        _log(f"installing {UAM} into {UAM_VENV} ...")
        venv.EnvBuilder(with_pip=True, clear=True).create(UAM_VENV)
    check = subprocess.run([str(python), "-c", "import uk_address_matcher as u; "
                            "print(u.__version__)"], capture_output=True, text=True)
    if check.stdout.strip() != UAM.split("==")[1]:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", UAM], check=True)
    return python


def uam_canonical(path: Path) -> tuple[Path, float]:
    """The prepared canonical folder (cached by content) and the seconds preparing took."""
    import csv

    rows = population(path)
    table = CACHE / f"uam-canonical-{path.stem}.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unique_id", "address_concat", "postcode"])
        for address in rows:
            writer.writerow([address.uprn, address.single_line(postcode=False), address.postcode])
    digest = hashlib.sha256(table.read_bytes()).hexdigest()[:12]
    folder = CACHE / f"uam-prepared-{digest}"
    seconds_file = folder / "lgds-prepare-seconds"
    if not seconds_file.exists():
        _log("preparing uk-address-matcher's canonical folder ...")
        done = subprocess.run([str(uam_python()), "-c", _UAM_PREPARE, str(table), str(folder)],
                              capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"uk-address-matcher prepare failed:\n{done.stderr[-4000:]}")
        seconds_file.write_text(done.stdout.strip().splitlines()[-1])
    table.unlink()
    return folder, float(seconds_file.read_text())


@contextlib.contextmanager
def postgres_gazetteer() -> Iterator[str]:
    """A throwaway PostgreSQL server holding the benchmark's addresses (schema
    ``match``, loaded in a subprocess, not timed); yields its connection string."""
    from lgds_components.testing.postgres import temporary_server

    with temporary_server(database="lgds_match") as dsn:
        _log("loading the addresses into PostgreSQL ...")
        _run_json(sys.executable, _PG_LOAD, dsn, str(_source_csv()))
        yield dsn


def run_lgds(path: Path | str, queries: Path, before: str = "",
             workers: int = 1) -> dict[str, Any]:
    """lgds ``match_many`` over the queries in a fresh process (``workers`` processes
    with ``workers`` above one; the peak RSS is then the parent's); with ``before``
    (the ``src`` directory of another version), that version, on a gazetteer it
    loads itself from the same CSV (not timed)."""
    if not before:
        return _run_json(sys.executable, _LGDS, str(path), str(queries), str(workers))
    env = {**os.environ, "PYTHONPATH": before}
    target = CACHE / f"before-{os.getpid()}.sqlite"
    try:
        for script, args in ((_LOAD_BEFORE, (str(target), str(_source_csv()))),
                             (_LGDS, (str(target), str(queries), "1"))):
            done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                                  text=True, env=env)
            if done.returncode:
                raise RuntimeError(f"benchmark subprocess failed:\n{done.stderr[-4000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)


def run_uam(folder: Path, queries: Path) -> dict[str, Any]:
    """uk-address-matcher over the same queries in a fresh process (its own venv)."""
    import csv

    table = queries.with_suffix(".uam.csv")
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unique_id", "address_concat"])
        for index, line in enumerate(queries.read_text(encoding="utf-8").splitlines()):
            writer.writerow([index, json.loads(line)["text"]])
    try:
        return _run_json(uam_python(), _UAM_MATCH, str(folder), str(table))
    finally:
        table.unlink()


def uam_answers(found: dict[str, Any], count: int, strict: bool) -> list[int | None]:
    """uk-address-matcher's answer per query, optionally cut at :data:`UAM_STRICT`."""
    answers: list[int | None] = []
    for index in range(count):
        row = found.get(str(index))
        if row is None or row[0] in (None, "", "None"):
            answers.append(None)
            continue
        weight, gap = row[1], row[2]
        if strict and (weight is None or float(weight) < UAM_STRICT[0]
                       or (gap is not None and float(gap) < UAM_STRICT[1])):
            answers.append(None)
            continue
        answers.append(int(float(row[0])))
    return answers


def _row(style: str, tool: str, cases: list[Any], answers: list[int | None], seconds: float,
         peak: float) -> dict[str, Any]:
    from lgds_components.address.messy import score_answers

    evaluation = score_answers(cases, answers, seconds)
    return {"set": style, "tool": tool, "precision": evaluation.precision,
            "recall": evaluation.recall, "refused": evaluation.missing_refused,
            "per_second": len(cases) / seconds if seconds else 0.0,
            "peak_mb": peak / 2**20, "evaluation": evaluation}


def _lgds_rows(style: str, path: Path, queries: Path, cases: list[Any],
               dsn: str | None) -> list[dict[str, Any]]:
    """lgds's rows for one set: before (with ``BEFORE``), one process, ``WORKERS``
    processes and (with ``dsn``) one process on PostgreSQL."""
    rows = []
    if BEFORE:
        _log(f"lgds match_many (before) on {style} ...")
        earlier = run_lgds(path, queries, BEFORE)
        rows.append(_row(style, "lgds match_many, before", cases, earlier["answers"],
                         earlier["seconds"], earlier["peak"]))
    _log(f"lgds match_many on {style} ...")
    lgds = run_lgds(path, queries)
    rows.append(_row(style, "lgds match_many", cases, lgds["answers"], lgds["seconds"],
                     lgds["peak"]))
    _log(f"lgds match_many, {WORKERS} workers, on {style} ...")
    shared = run_lgds(path, queries, workers=WORKERS)
    rows.append(_row(style, f"lgds match_many, {WORKERS} workers", cases,
                     shared["answers"], shared["seconds"], shared["peak"]))
    if dsn is not None:
        _log(f"lgds match_many on PostgreSQL on {style} ...")
        found = run_lgds(f"postgres:{dsn}", queries)
        same = sum(a == b for a, b in zip(found["answers"], lgds["answers"], strict=True))
        rows.append(_row(style, f"lgds match_many, PostgreSQL ({same:,} of {len(cases):,} "
                         "answers as SQLite's)", cases, found["answers"], found["seconds"],
                         found["peak"]))
    return rows


def measure(styles: tuple[str, ...] = STYLES, *, with_uam: bool = True) -> list[dict[str, Any]]:
    """Every figure: one row per (set, tool)."""
    from lgds_components.address.messy import MessyCase

    path = gazetteer_path()
    servers = contextlib.ExitStack()
    try:
        sets = query_sets(path, styles)
        folder, prepare_seconds = uam_canonical(path) if with_uam else (None, 0.0)
        dsn = servers.enter_context(postgres_gazetteer()) if POSTGRES else None
        rows = []
        for style, queries in sets.items():
            cases = [MessyCase(q["text"], q["uprn"], q["noise"], q["kind"])
                     for q in map(json.loads, queries.read_text(encoding="utf-8").splitlines())]
            rows += _lgds_rows(style, path, queries, cases, dsn)
            if folder is None:
                continue
            _log(f"uk-address-matcher on {style} ...")
            uam = run_uam(folder, queries)
            for strict in (False, True):
                tool = ("uk-address-matcher" if not strict else
                        f"uk-address-matcher (weight >= {UAM_STRICT[0]:g}, "
                        f"distinguishability >= {UAM_STRICT[1]:g})")
                rows.append(_row(style, tool, cases, uam_answers(uam["found"], len(cases), strict),
                                 uam["seconds"], uam["peak"]))
        if folder is not None:
            rows.append({"set": "-", "tool": "uk-address-matcher canonical preparation",
                         "seconds": prepare_seconds})
        return rows
    finally:
        servers.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def format_rows(rows: list[dict[str, Any]]) -> str:
    """The figures as a Markdown table."""
    lines = ["| set | tool | precision | recall | non-existent refused | rec/s | peak RSS |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        if "precision" not in row:
            lines.append(f"| {row['set']} | {row['tool']} | | | | {row['seconds']:.1f} s once | |")
            continue
        lines.append(f"| {row['set']} | {row['tool']} | {row['precision']:.4f} | "
                     f"{row['recall']:.4f} | {row['refused']:.1%} | {row['per_second']:,.0f} | "
                     f"{row['peak_mb']:,.0f} MB |")
    return "\n".join(lines)


def results(wanted: str = "") -> list[Result]:
    """For ``benchmarks/run.py``: one row per set and tool, only when asked for by
    name (minutes long: it installs and runs uk-address-matcher); in a smoke
    run, lgds alone at a tiny size."""
    name = f"address match vs uk-address-matcher ({SIZE:,} rows)"
    smoke = bool(os.environ.get(SMOKE))
    if not smoke and (not wanted or wanted not in name):
        return []
    out = []
    for row in measure(with_uam=not smoke):
        if "precision" not in row:
            continue
        per = 1 / row["per_second"] if row["per_second"] else 0.0
        out.append(Result(
            name=f"{row['set']}: {row['tool']}", size=QUERIES, median_s=per, p99_s=per,
            floor_median_s=None, floor_name="",
            note=f"precision {row['precision']:.4f}, recall {row['recall']:.4f}, "
                 f"non-existent refused {row['refused']:.1%}, {row['per_second']:,.0f} rec/s, "
                 f"peak RSS {row['peak_mb']:,.0f} MB",
        ))
    return out


def main(argv: list[str]) -> int:
    styles = tuple(argv) or STYLES
    started = time.perf_counter()
    rows = measure(styles, with_uam=os.environ.get("LGDS_BENCH_MATCH_UAM", "1") != "0")
    import platform

    print(f"{SIZE:,} addresses (seed {GAZETTEER_SEED}), {QUERIES:,} queries per set "
          f"(seed {SEED}); Python {platform.python_version()}, {os.cpu_count()} cores; "
          f"{time.perf_counter() - started:.0f} s in all")
    print(format_rows(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
