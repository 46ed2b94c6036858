#!/usr/bin/env python3
"""Developer commands that need nothing but Python 3.11+.

    python3 dev.py demo     run `lgds demo` in its own virtual environment
    python3 dev.py test     run the linter, the tests, every benchmark once at a tiny size,
                            the docs build and every doctest
    python3 dev.py bench    run every benchmark and print the table
    python3 dev.py docs     build the HTML docs only

Each command creates (or reuses) a virtual environment under .venv/ and
installs the package there first, so it works on a fresh clone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENVS = ROOT / ".venv"


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    printable = " ".join(str(part) for part in command)
    print(f"$ {printable}", flush=True)
    result = subprocess.run([str(part) for part in command], cwd=ROOT, env=env)
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def environment(name: str, requirement: str, *, editable: bool) -> Path:
    """Create .venv/NAME if needed and install ``requirement`` into it; return its bin dir."""
    home = VENVS / name
    bindir = home / ("Scripts" if os.name == "nt" else "bin")
    if not (bindir / "python").exists() and not (bindir / "python.exe").exists():
        print(f"creating virtual environment {home.relative_to(ROOT)}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(home)
    install = [bindir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run(*install, *(["--editable"] if editable else []), requirement)
    return bindir


def demo() -> None:
    bindir = environment("demo", ".", editable=False)
    run(bindir / "lgds", "demo")


EXTRAS = ".[test,docs,postgres,bench]"
"""Every extra: the tests, the docs build and the benchmarks share one environment."""


def test() -> None:
    bindir = environment("test", EXTRAS, editable=True)
    python = bindir / "python"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    run(bindir / "ruff", "check", "src", "tests", "benchmarks", "examples", "docs", "scripts",
        "dev.py")
    run(python, "-m", "pytest", env=env)
    run(python, "benchmarks/run.py", "--smoke", env=env)
    for builder in ("html", "doctest"):
        run(python, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", builder,
            "docs", f"docs/_build/{builder}", env=env)
    print("\nall checks passed: lint, tests, benchmarks (smoke), docs (warnings as errors) "
          "and doctests", flush=True)


def bench() -> None:
    bindir = environment("test", EXTRAS, editable=True)
    run(bindir / "python", "benchmarks/run.py", *sys.argv[2:])


def docs() -> None:
    bindir = environment("test", EXTRAS, editable=True)
    run(bindir / "python", "-m", "sphinx", "-W", "--keep-going", "-b", "html",
        "docs", "docs/_build/html")


COMMANDS = {"demo": demo, "test": test, "bench": bench, "docs": docs}


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py itself runs on any Python 3
        raise SystemExit("lgds-components needs Python 3.11 or newer; this is "
                         f"{sys.version.split()[0]}")
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    COMMANDS[sys.argv[1]]()


if __name__ == "__main__":
    main()
