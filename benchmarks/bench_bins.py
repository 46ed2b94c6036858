"""Bin schedules: next collections for every property, and a year's iCalendar feed.

Builds a council file with ``LGDS_BENCH_BINS_PROPERTIES`` properties (default
200,000; the issue's figure is 1,000,000) on ``LGDS_BENCH_BINS_ROUNDS`` rounds
(default 300) over ``properties / 40`` streets, loads it from CSV, then asks for
the next 8 collections of every property, dated from Monday 14 December 2026 so
the Christmas shifts are in the answers.

Streets fall into ``LGDS_BENCH_BINS_AREAS`` areas (default ``properties /
500``) whose streets share a refuse, a recycling, a food and a garden round, as
rounds follow geography; every tenth property takes garden waste and every
fiftieth has no food caddy, so there are about three sets of rounds per area.
Set ``LGDS_BENCH_BINS_AREAS`` to the number of streets for the worst case, where
nearly every street has its own combination of rounds.

Run::

    python benchmarks/run.py bins
    LGDS_BENCH_BINS_PROPERTIES=1000000 python benchmarks/run.py bins

Per-call cases (:func:`cases`):

- ``bins next 8, one property``: ``Schedule.next_collections`` for a sample of
  properties, against the floor of a raw SQLite point query for the property's
  round set plus a dict lookup of a precomputed answer.
- ``bins ical, a year for one property``: ``Schedule.to_ical`` over 365 days,
  against a hand-written ICS string of the same events (no ``icalendar``, no
  folding).

One-shot figures (:func:`results`), per property, with properties per second
and peak RSS in the note. Each runs in a process of its own (this file run as a
script), so the peak RSS is that work's alone, not the benchmark runner's:

- the CSV load;
- every property one by one with ``next_collections``;
- every property with ``next_collections_many`` (batched lookups);
- the floor: every property with a raw SQLite query and raw date arithmetic
  (the next 8 dates of each round, no bank holidays, no overrides).
"""

from __future__ import annotations

import atexit
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from harness import Case, Result, size

from lgds_components.bins.schedule import Schedule
from lgds_components.bins.store import BinStore

PROPERTIES = size("LGDS_BENCH_BINS_PROPERTIES", 200_000, smoke=2_000)
ROUNDS = size("LGDS_BENCH_BINS_ROUNDS", 300, smoke=20)
STREETS = max(1, PROPERTIES // 40)
AREAS = min(STREETS, int(os.environ.get("LGDS_BENCH_BINS_AREAS", str(max(1, PROPERTIES // 500)))))
FROM = date(2026, 12, 14)
FIRST_UPRN = 100_000_000_000
FIRST_USRN = 20_000_000


def _peak_rss_mb() -> float:
    """This process's peak resident set size, in MB.

    On Linux this is ``VmHWM`` (the high-water mark of this program's own
    memory), because ``ru_maxrss`` of a freshly started child also counts the
    parent's memory at the moment it was forked.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _round_plan(count: int) -> list[tuple[str, str, int, int, date, bool]]:
    """(id, service, weekday, every, reference, seasonal) for ``count`` rounds."""
    monday = date(2026, 1, 5)
    shares = [("refuse", 2, False, 0.34), ("recycling", 2, False, 0.34),
              ("food", 1, False, 0.25), ("garden", 2, True, 0.07)]
    plan = []
    for service, every, seasonal, share in shares:
        for index in range(max(1, int(count * share))):
            weekday = index % 5
            reference = monday + timedelta(days=weekday + 7 * ((index // 5) % every))
            plan.append((f"{service[:3].upper()}-{index:03d}", service, weekday, every,
                         reference, seasonal))
    return plan


def _write_csvs(folder: Path) -> dict[str, Path]:
    plan = _round_plan(ROUNDS)
    by_service: dict[str, list[str]] = {}
    for rid, service, *_ in plan:
        by_service.setdefault(service, []).append(rid)
    streets = STREETS
    paths = {kind: folder / f"{kind}.csv" for kind in ("services", "rounds", "streets",
                                                       "properties", "overrides")}
    paths["services"].write_text(
        "id,name,colour,container\nrefuse,Rubbish,black,Wheelie bin\n"
        "recycling,Recycling,blue,Wheelie bin\nfood,Food waste,green,Caddy\n"
        "garden,Garden waste,brown,Wheelie bin\n", encoding="utf-8")
    with paths["rounds"].open("w", encoding="utf-8") as out:
        out.write("id,service,weekday,every_weeks,reference_date,season_start,season_end\n")
        for rid, service, weekday, every, reference, seasonal in plan:
            season = "03-01,11-30" if seasonal else ","
            out.write(f"{rid},{service},{weekday},{every},{reference.isoformat()},{season}\n")
    with paths["streets"].open("w", encoding="utf-8") as out:
        out.write("usrn,rounds\n")
        for street in range(streets):
            area = street % AREAS
            chosen = [by_service[s][(area * k) % len(by_service[s])]
                      for s, k in (("refuse", 7), ("recycling", 11), ("food", 13))]
            out.write(f"{FIRST_USRN + street},{';'.join(chosen)}\n")
    garden = by_service["garden"]
    with paths["properties"].open("w", encoding="utf-8") as out:
        out.write("uprn,usrn,rounds,exclude\n")
        lines = []
        for i in range(PROPERTIES):
            area, house = (i % streets) % AREAS, i // streets
            own = garden[area % len(garden)] if house % 10 == 0 else ""
            exclude = "food" if house % 50 == 1 else ""
            lines.append(f"{FIRST_UPRN + i},{FIRST_USRN + i % streets},{own},{exclude}\n")
            if len(lines) == 50_000:
                out.writelines(lines)
                lines = []
        out.writelines(lines)
    paths["overrides"].write_text(
        "round,service,date,new_date,note\n,refuse,2027-01-01,2027-01-02,New Year catch-up\n",
        encoding="utf-8")
    return paths


def _child(*args: str) -> dict[str, float]:
    """Run this module in a fresh process, so its peak RSS is its own work's alone."""
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _build_here(folder: Path) -> dict[str, float]:
    paths = _write_csvs(folder)
    db = folder / "council.sqlite"
    start = time.perf_counter()
    with BinStore.open(db) as store:
        store.load(**paths, division="england-and-wales", policy="later-in-week")
    return {"seconds": time.perf_counter() - start, "rss_mb": _peak_rss_mb()}


def _run_here(mode: str, db: Path) -> dict[str, float]:
    uprns = range(FIRST_UPRN, FIRST_UPRN + PROPERTIES)
    if mode == "floor":
        return {"seconds": _raw_floor(db), "rss_mb": _peak_rss_mb()}
    with Schedule.open(db) as schedule:
        start = time.perf_counter()
        if mode == "one":
            for uprn in uprns:
                schedule.next_collections(uprn, 8, FROM)
        else:
            for _ in schedule.next_collections_many(uprns, 8, FROM):
                pass
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_mb": _peak_rss_mb()}


@lru_cache(maxsize=1)
def _built() -> tuple[Path, float, float]:
    """Write the CSVs and load them (in a child process) once: (database, seconds, RSS MB)."""
    folder = Path(tempfile.mkdtemp(prefix="lgds-bench-bins-"))
    atexit.register(shutil.rmtree, folder, True)
    figures = _child("--build", str(folder))
    return folder / "council.sqlite", figures["seconds"], figures["rss_mb"]


@lru_cache(maxsize=1)
def _schedule() -> Schedule:
    db, _, _ = _built()
    schedule = Schedule.open(db)
    atexit.register(schedule.close)
    return schedule


def _sample_uprns(count: int) -> list[int]:
    rng = random.Random(4)
    return [FIRST_UPRN + rng.randrange(PROPERTIES) for _ in range(count)]


@lru_cache(maxsize=1)
def _floor_lookup() -> tuple[sqlite3.Connection, dict[int, tuple[object, ...]]]:
    """A raw connection and a precomputed answer for every round set."""
    db, _, _ = _built()
    conn = sqlite3.connect(db, check_same_thread=False)
    atexit.register(conn.close)
    schedule = _schedule()
    calc = schedule._calculator()
    answers = {set_id: calc.next(rounds, FROM, 8)
               for set_id, rounds in schedule.store.round_sets().items()}
    return conn, answers


_QUERY = "SELECT round_set FROM bins_assignments WHERE uprn = ?"


def _next_8(uprn: object) -> object:
    return _schedule().next_collections(uprn, 8, FROM)  # type: ignore[arg-type]


def _precomputed(uprn: object) -> object:
    conn, answers = _floor_lookup()
    row = conn.execute(_QUERY, (uprn,)).fetchone()
    return list(answers[row[0]])


def _ical_year(uprn: object) -> object:
    return _schedule().to_ical(uprn, start=FROM, days=365)  # type: ignore[arg-type]


def _raw_ics(uprn: object) -> object:
    collections = _schedule().collections_between(uprn, FROM,  # type: ignore[arg-type]
                                                  FROM + timedelta(days=364))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for c in collections:
        lines += ["BEGIN:VEVENT", f"UID:{uprn}-{c.date:%Y%m%d}-{c.service.id}",
                  f"DTSTART;VALUE=DATE:{c.date:%Y%m%d}", f"SUMMARY:{c.service.name}",
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines).encode()


def cases() -> list[Case]:
    """Per-call cases; the council file is built on first use, not here."""
    return [
        Case(
            name="bins next 8, one property",
            inputs=_sample_uprns(size("LGDS_BENCH_BINS_LOOKUPS", 20_000, smoke=200)),
            run=_next_8,
            floor=_precomputed,
            floor_name="raw SQLite query + precomputed answer",
            note=f"{PROPERTIES:,} properties, about {ROUNDS} rounds",
            rounds=3,
        ),
        Case(
            name="bins ical, a year for one property",
            inputs=_sample_uprns(size("LGDS_BENCH_BINS_FEEDS", 200, smoke=3)),
            run=_ical_year,
            floor=_raw_ics,
            floor_name="hand-written ICS, no folding",
            note="one event per collection day",
            rounds=3,
        ),
    ]


def _throughput(name: str, figures: dict[str, float], floor: float | None,
                floor_name: str) -> Result:
    seconds = figures["seconds"]
    per = seconds / PROPERTIES
    note = (f"{PROPERTIES / seconds:,.0f} properties/s; peak RSS {figures['rss_mb']:,.0f} MB "
            "(own process)")
    return Result(name=name, size=PROPERTIES, median_s=per, p99_s=per,
                  floor_median_s=(floor / PROPERTIES) if floor else None,
                  floor_name=floor_name, note=note)


def _raw_floor(db: Path) -> float:
    """Every property: a raw SQLite query, then the next 8 dates of each round by arithmetic."""
    with BinStore.open(db) as store:
        rounds = {r.id: r for r in store.rounds()}
        sets = store.round_sets()
    conn = sqlite3.connect(db)
    try:
        query = "SELECT round_set FROM bins_assignments WHERE uprn = ?"
        start = time.perf_counter()
        for uprn in range(FIRST_UPRN, FIRST_UPRN + PROPERTIES):
            set_id = conn.execute(query, (uprn,)).fetchone()[0]
            dates = []
            for rid in sets[set_id]:
                r = rounds[rid]
                period = 7 * r.every
                first = FROM + timedelta(days=(-(FROM - r.reference).days) % period)
                dates += [(first + timedelta(days=period * k), rid) for k in range(8)]
            dates.sort()
            del dates[8:]
        return time.perf_counter() - start
    finally:
        conn.close()


def results(filter: str = "") -> list[Result]:
    names = ("bins CSV load (all files, one transaction)",
             "bins next 8, every property, one by one", "bins next 8, every property, batched")
    if not any(filter in name for name in names):
        return []
    db, load_seconds, load_rss = _built()
    out = [Result(name=names[0], size=PROPERTIES, median_s=load_seconds, p99_s=load_seconds,
                  floor_median_s=None, floor_name="",
                  note=f"{PROPERTIES / load_seconds:,.0f} properties/s; peak RSS "
                       f"{load_rss:,.0f} MB (own process)")]
    floor = _child("--run", "floor", str(db))["seconds"]
    floor_name = "raw SQLite + date arithmetic, no holidays"
    out.append(_throughput(names[1], _child("--run", "one", str(db)), floor, floor_name))
    out.append(_throughput(names[2], _child("--run", "batched", str(db)), floor, floor_name))
    return out


if __name__ == "__main__":
    if sys.argv[1] == "--build":
        print(json.dumps(_build_here(Path(sys.argv[2]))))
    else:
        print(json.dumps(_run_here(sys.argv[2], Path(sys.argv[3]))))
