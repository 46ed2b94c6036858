"""Type checkers see the library: a client's mistakes are caught by mypy and pyright.

tests/typing_client/client_with_mistakes.py marks each deliberate mistake with
``# mistake``; both checkers must report exactly those lines. The test
command installs both checkers (pinned); where they are missing the tests
skip, except under CI, where that is a failure.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lgds_components

CLIENT = Path(__file__).resolve().parent / "typing_client" / "client_with_mistakes.py"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def marked_lines() -> set[int]:
    lines = CLIENT.read_text(encoding="utf-8").splitlines()
    return {number for number, line in enumerate(lines, start=1) if "  # mistake:" in line}


def checker(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        if IN_CI:
            pytest.fail(f"{name} is required under CI (python3 dev.py test installs it)")
        pytest.skip(f"{name} is not installed")
    return found


def test_the_client_marks_its_mistakes() -> None:
    assert len(marked_lines()) == 9


def test_mypy_reports_every_mistake_and_nothing_else(tmp_path: Path) -> None:
    checker("mypy")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--no-pretty",
         "--cache-dir", str(tmp_path / "cache"), "--config-file", os.devnull, str(CLIENT)],
        capture_output=True, text=True, check=False,
    )
    reported = {int(line) for line in re.findall(r"client_with_mistakes\.py:(\d+): error",
                                                  result.stdout)}
    assert reported == marked_lines(), result.stdout


def test_pyright_reports_every_mistake_and_nothing_else() -> None:
    result = subprocess.run(
        [checker("pyright"), "--outputjson", str(CLIENT)],
        capture_output=True, text=True, check=False,
        env={**os.environ, "VIRTUAL_ENV": sys.prefix,
             "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    report = json.loads(result.stdout)
    reported = {d["range"]["start"]["line"] + 1 for d in report["generalDiagnostics"]
                if d["severity"] == "error"}
    assert reported == marked_lines(), json.dumps(report["generalDiagnostics"], indent=1)


def lazily_exported(module_name: str) -> tuple[set[str], set[str]]:
    """A package's names in ``__all__`` not bound at import, and those its TYPE_CHECKING block
    imports."""
    module = importlib.import_module(module_name)
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    bound: set[str] = set()
    seen: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom | ast.Import):
                    seen |= {alias.asname or alias.name for alias in inner.names}
                elif isinstance(inner, ast.AnnAssign) and isinstance(inner.target, ast.Name):
                    seen.add(inner.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Assign):
            bound |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return set(module.__all__) - bound, seen


def packages_with_lazy_names() -> list[str]:
    root = Path(lgds_components.__file__).parent
    names = []
    for path in sorted(root.rglob("*.py")):
        if "def __getattr__" in path.read_text(encoding="utf-8"):
            relative = path.relative_to(root.parent).with_suffix("")
            names.append(".".join(relative.parts).removesuffix(".__init__"))
    return names


@pytest.mark.parametrize("module_name", packages_with_lazy_names())
def test_every_lazy_name_has_a_type_checking_import(module_name: str) -> None:
    lazy, seen = lazily_exported(module_name)
    assert lazy <= seen, f"{module_name}: checkers see {sorted(lazy - seen)} as Any"
