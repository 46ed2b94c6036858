"""Run every benchmark and print one table.

Usage (from the repository root, with the package installed)::

    python benchmarks/run.py            # every benchmark
    python benchmarks/run.py postcode   # only names containing "postcode"
    python benchmarks/run.py --smoke    # each once, tiny (the test command runs this)

Each ``bench_*.py`` module beside this file exposes ``cases()`` returning a
list of :class:`harness.Case`, and may expose ``results(filter)`` returning
ready-made :class:`harness.Result` rows for one-shot measurements (a bulk
load's time and peak memory). Sizes can be set per module through
environment variables that the module documents.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import SMOKE, format_table, measure  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("filter", nargs="?", default="", help="run only names containing this")
    parser.add_argument("--smoke", action="store_true",
                        help="run every benchmark once at a tiny size, to show it still works "
                             "(the figures mean nothing)")
    args = parser.parse_args(argv)
    if args.smoke:
        os.environ[SMOKE] = "1"  # read by harness.size() as each module is imported

    results = []
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        for case in getattr(module, "cases", list)():
            if args.filter in case.name:
                print(f"running {case.name} ...", file=sys.stderr, flush=True)
                results.append(measure(case))
        if hasattr(module, "results"):
            results.extend(module.results(args.filter))
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    if args.smoke:
        print("smoke run: every benchmark ran once at a tiny size; these figures mean nothing")
    print(format_table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
