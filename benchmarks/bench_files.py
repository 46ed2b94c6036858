"""Files read: a CSV line with no end is refused in bounded time and memory.

A file of ``LGDS_BENCH_LONG_LINE_MB`` MiB (default 1024) holding a header and
then one line with no newline is given to ``lgds bins load --properties`` and
to ``lgds identifiers check-csv``, each in a process of its own; the table
gives the wall time and the peak RSS of that process (``VmHWM``). The floor is
``lgds --version`` in a process of its own (starting Python and the command),
so the ratio is what the huge line costs beyond starting the command: near 1
when the line is refused after reading at most 512 KiB of it, as it should be.

Run::

    python3 dev.py bench "long line"
    LGDS_BENCH_LONG_LINE_MB=64 python3 dev.py bench "long line"
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import Result, size

__all__ = ["results"]

MEGABYTES = size("LGDS_BENCH_LONG_LINE_MB", 1024, smoke=8)
ROUNDS = size("LGDS_BENCH_LONG_LINE_ROUNDS", 3, smoke=1)

CHILD = """
import json, sys, time
from lgds_components.cli import main
start = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - start
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"code": code, "seconds": seconds, "rss_mb": peak / 1024}), file=sys.stderr)
"""

COMMANDS = {
    "bins load": lambda folder, path: ["bins", "load", str(folder / "council.sqlite"),
                                       "--properties", str(path)],
    "identifiers check-csv": lambda folder, path: ["identifiers", "check-csv", str(path),
                                                   "-c", "uprn", "--type", "uprn"],
}


def _write(path: Path, megabytes: int) -> None:
    block = b"x" * (1 << 20)
    with path.open("wb") as out:
        out.write(b"uprn,usrn\n100040000001,")
        for _ in range(megabytes):
            out.write(block)


def _run(arguments: list[str]) -> dict[str, float]:
    """One run of ``lgds ARGUMENTS`` in its own process: wall seconds and peak RSS in MB."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, *arguments], capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - start
    figures = json.loads(done.stderr.strip().splitlines()[-1])
    return {"wall": wall, "rss_mb": figures["rss_mb"], "code": figures["code"],
            "said": done.stderr}


def _best(arguments: list[str]) -> dict[str, float]:
    return min((_run(arguments) for _ in range(ROUNDS)), key=lambda run: run["wall"])


def results(filter: str = "") -> list[Result]:
    names = {label: f"long line refused by lgds {label} ({MEGABYTES:,} MiB, no newline)"
             for label in COMMANDS}
    wanted = {label: name for label, name in names.items() if filter in name}
    if not wanted or not Path("/proc/self/status").exists():
        return []
    folder = Path(tempfile.mkdtemp(prefix="lgds-bench-files-"))
    try:
        huge = folder / "huge.csv"
        _write(huge, MEGABYTES)
        floor = _best(["--version"])
        out = []
        for label, name in wanted.items():
            refused = _best(COMMANDS[label](folder, huge))
            if refused["code"] != 2 or "longer than" not in str(refused["said"]):
                raise RuntimeError(f"{label} did not refuse the long line: {refused['said']}")
            out.append(Result(
                name=name, size=MEGABYTES << 20, median_s=refused["wall"],
                p99_s=refused["wall"], floor_median_s=floor["wall"],
                floor_name="lgds --version (starting the command)",
                note=(f"peak RSS {refused['rss_mb']:.0f} MB (lgds --version: "
                      f"{floor['rss_mb']:.0f} MB); best of {ROUNDS}, whole process"),
            ))
        return out
    finally:
        shutil.rmtree(folder, ignore_errors=True)
