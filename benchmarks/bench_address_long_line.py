"""A gazetteer CSV with one enormous line: refused or skipped in time and memory that do not grow.

``LGDS_BENCH_LONG_LINE_MB`` (default 1024) megabytes of one line with no
newline, after the header and before a good row, in a sparse file in
``benchmarks/.cache`` (no disk space used). Two loads, each in its own process:

* **fail**: ``Gazetteer.load`` refuses the file at the long line (line 3)
  as soon as more than the field size limit of it is read;
* **skip**: ``Gazetteer.load(on_error="skip")`` reads past the line in
  blocks, holding none of it, and loads the rows either side.

The floor is reading the whole file in 1 MiB blocks and throwing it away.
The note gives each process's peak RSS (``ru_maxrss``). Aims: seconds, under
100 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness import Result, size

__all__ = ["results"]

MEGABYTES = size("LGDS_BENCH_LONG_LINE_MB", 1024, smoke=8)
CACHE = Path(__file__).resolve().parent / ".cache"

_LOAD = """
import json, os, resource, sys, time
from lgds_components.address import Gazetteer
from lgds_components.errors import ValidationError
started = time.perf_counter()
try:
    report = Gazetteer.load(sys.argv[1], sys.argv[2], on_error=sys.argv[3])
    outcome = f"loaded {report.rows_loaded}, refused lines {[e.line for e in report.errors]}"
except ValidationError as exc:
    outcome = f"refused: {exc}"
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak, "outcome": outcome}))
"""

_READ = """
import json, resource, sys, time
started = time.perf_counter()
with open(sys.argv[1], "rb") as handle:
    while handle.read(1 << 20):
        pass
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak}))
"""


def _file() -> Path:
    """Header, a row, ``MEGABYTES`` of one line (a sparse run of NUL bytes), a row."""
    from lgds_components.address.sample import write_csv

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"long-line-{MEGABYTES}mb.csv"
    rows = CACHE / "long-line-rows.csv"
    write_csv(rows, 2, seed=1)
    header, first, second = rows.read_bytes().splitlines(keepends=True)
    rows.unlink()
    with path.open("wb") as handle:
        handle.write(header + first)
        handle.seek(MEGABYTES * 1024 * 1024, os.SEEK_CUR)
        handle.write(b"\n" + second)
    return path


def _run(script: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def results(wanted: str = "") -> list[Result]:
    names = {mode: f"address load, one {MEGABYTES:,} MB line ({mode})" for mode in ("fail", "skip")}
    if not any(wanted in name for name in names.values()):
        return []
    path = _file()
    target = CACHE / f"long-line-{os.getpid()}.sqlite"
    out = []
    try:
        floor = _run(_READ, str(path))
        for mode, name in names.items():
            if wanted not in name:
                continue
            print(f"{name} ...", file=sys.stderr, flush=True)
            measured = _run(_LOAD, str(target), str(path), mode)
            out.append(Result(
                name=name, size=1, median_s=measured["seconds"], p99_s=measured["seconds"],
                floor_median_s=floor["seconds"], floor_name="read the file in 1 MiB blocks",
                note=f"{measured['outcome']}; peak RSS {measured['peak'] / 2**20:.0f} MB "
                     f"(floor {floor['peak'] / 2**20:.0f} MB); aim seconds, < 100 MB",
            ))
    finally:
        path.unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    return out
