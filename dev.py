#!/usr/bin/env python3
"""Developer commands that need nothing but Python 3.11+.

    python3 dev.py demo     run `lgds demo` in its own virtual environment
    python3 dev.py test     run the linter, the tests, mypy --strict, every benchmark once at
                            a tiny size, the docs build and every doctest, then build the
                            packages, check pyright --verifytypes is at 100% and run the
                            tests again from the sdist
    python3 dev.py bench    run every benchmark and print the table
    python3 dev.py docs     build the HTML docs only (docs/_build/html/index.html)

Each command creates (or reuses) a virtual environment under .venv/ and
installs the package there first, so it works on a fresh clone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENVS = ROOT / ".venv"
#: Every extra: the tests, the docs build and the benchmarks share one environment.
TEST_EXTRAS = "test,docs,postgres,bench,django"
#: Files the repository keeps that the sdist leaves out on purpose (CI's own files).
NOT_IN_SDIST = (".ci/", ".gitignore")
#: What runs again from the unpacked sdist, against the installed wheel: the
#: tests of what installing changes (every module's doctests, imported from the
#: wheel with its package data; the console script; the pytest plugin's entry
#: point) and the tests that read files beside the package (docs/, examples/,
#: README.md). Every other file the tests read is covered by the file list check.
SDIST_TESTS = (
    "README.md",
    "tests/test_package.py",
    "tests/cli",
    "tests/testing",
    "tests/integrations",
    "tests/forms/test_forms_examples.py",
    "tests/forms/test_forms_schema.py",
)


def run(*command: str | Path, env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    printable = " ".join(str(part) for part in command)
    print(f"$ {printable}", flush=True)
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env)
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def dependency_group(name: str) -> list[str]:
    """The pinned developer tools listed under ``[dependency-groups]`` in pyproject.toml."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        groups = tomllib.load(handle)["dependency-groups"]

    def expand(group: str) -> list[str]:
        return [item for entry in groups[group] for item in (
            expand(entry["include-group"]) if isinstance(entry, dict) else [entry])]

    return expand(name)


def environment(name: str, *requirements: str | Path) -> Path:
    """Create .venv/NAME if needed and pip-install ``requirements`` into it; return its bin dir."""
    home = VENVS / name
    bindir = home / ("Scripts" if os.name == "nt" else "bin")
    if not (bindir / "python").exists() and not (bindir / "python.exe").exists():
        print(f"creating virtual environment {home.relative_to(ROOT)}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(home)
    install = [bindir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run(*install, *requirements)
    return bindir


def test_environment() -> Path:
    """.venv/test: the package (editable) with its test extras, and the pinned dev tools."""
    return environment("test", "--editable", f".[{TEST_EXTRAS}]", *dependency_group("dev"))


def demo() -> None:
    bindir = environment("demo", ".")
    run(bindir / "lgds", "demo")


SERVICE = ROOT / "examples" / "service"
SCREENSHOTS = ROOT / "test-output" / "screenshots"


def example_assets(bindir: Path) -> None:
    """GOV.UK Frontend for the example service: npm ci, then copied into its static folder."""
    npm = shutil.which("npm")
    if npm is None:
        print("npm not found: the example service runs unstyled, and its browser test fails "
              "under CI (install Node.js and npm)", flush=True)
        return
    installed = SERVICE / "node_modules" / ".package-lock.json"
    lock = SERVICE / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        run(npm, "ci", "--prefix", SERVICE, "--no-audit", "--no-fund", "--loglevel=error")
    run(bindir / "lgds", "forms", "govuk-assets", "--node-modules", SERVICE / "node_modules",
        "--to", SERVICE / "static")


def test() -> None:
    bindir = test_environment()
    python = bindir / "python"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    example_assets(bindir)
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # the browser test writes them afresh
    run(bindir / "ruff", "check", "src", "tests", "benchmarks", "examples", "docs", "scripts",
        "dev.py")
    run(python, "-m", "pytest", env=env)
    run(python, "-m", "mypy", "--strict", "-p", "lgds_components", env=env)
    run(python, "benchmarks/run.py", "--smoke", env=env)
    for builder in ("html", "doctest"):
        run(python, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", builder,
            "docs", f"docs/_build/{builder}", env=env)
    packages(bindir, env)
    print("\nall checks passed: lint, tests, mypy --strict, benchmarks (smoke), docs (warnings "
          "as errors), doctests, the packages, pyright --verifytypes at 100%, and the "
          "install-facing tests again from the sdist; screenshots of the example service in "
          f"{SCREENSHOTS.relative_to(ROOT)}", flush=True)


def packages(bindir: Path, env: dict[str, str]) -> None:
    """Build the sdist and the wheel, check them, and run tests from the unpacked sdist.

    ``python -m build`` builds the wheel from the sdist, so a file the build
    needs but the sdist leaves out fails here; ``twine check --strict`` checks
    both; every file git tracks must be in the sdist (so no test can miss a
    file there). Then :data:`SDIST_TESTS` run from the unpacked sdist against
    that wheel installed in .venv/sdist, as a packager would run them: a
    focused third of the suite (under a minute) rather than all of it again
    (three minutes), because the file list already proves the rest of the
    suite has what it reads.
    """
    dist = VENVS / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    run(bindir / "python", "-m", "build", "--outdir", dist, env=env)
    sdist, wheel = next(dist.glob("*.tar.gz")), next(dist.glob("*.whl"))
    run(bindir / "twine", "check", "--strict", sdist, wheel)
    tree = unpack(sdist, VENVS / "sdist-tree")
    missing_from_sdist(tree)
    sdist_bin = VENVS / "sdist" / ("Scripts" if os.name == "nt" else "bin")
    if (sdist_bin / "python").exists():
        run(sdist_bin / "python", "-m", "pip", "uninstall", "--quiet", "--yes", "lgds-components")
    environment("sdist", f"{wheel}[{TEST_EXTRAS}]", *dependency_group("types"))
    # pyright reads the installed wheel (as users get it) of the environment on PATH
    sdist_env = {**env, "VIRTUAL_ENV": str(VENVS / "sdist"),
                 "PATH": f"{sdist_bin}{os.pathsep}{env.get('PATH', '')}"}
    run(sdist_bin / "pyright", "--verifytypes", "lgds_components", "--ignoreexternal",
        env=sdist_env, cwd=VENVS)
    # the installed wheel's modules give the doctests (--pyargs), not the tree's src/
    run(sdist_bin / "python", "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", tree,
        "-c", tree / "pyproject.toml", *(tree / path for path in SDIST_TESTS),
        "--pyargs", "lgds_components", env=env, cwd=tree)


def unpack(sdist: Path, into: Path) -> Path:
    """Unpack ``sdist`` into an empty ``into``; return the project directory inside."""
    shutil.rmtree(into, ignore_errors=True)
    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # 3.11.4+
    with tarfile.open(sdist) as archive:
        archive.extractall(into, **safe)
    (tree,) = into.iterdir()
    return tree


def missing_from_sdist(tree: Path) -> None:
    """Fail if a file git tracks is not in the unpacked sdist (skipped outside a git checkout)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        print("not a git checkout: the sdist's file list is not compared", flush=True)
        return
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    missing = [name for name in tracked if name and not name.startswith(NOT_IN_SDIST)
               and (ROOT / name).exists() and not (tree / name).exists()]
    if missing:
        raise SystemExit("the sdist leaves out files the repository keeps (add them to "
                         "[tool.hatch.build.targets.sdist] include):\n  " + "\n  ".join(missing))


def bench() -> None:
    bindir = test_environment()
    run(bindir / "python", "benchmarks/run.py", *sys.argv[2:])


def docs() -> None:
    bindir = test_environment()
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
