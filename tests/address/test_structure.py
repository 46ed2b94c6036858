"""The address package's shape: short functions, and private names kept to their file."""

from __future__ import annotations

import ast
from pathlib import Path

import lgds_components.address

PACKAGE = Path(lgds_components.address.__file__).parent
LONGEST = 80
# a named tuple's own methods, which begin with an underscore to keep clear of field names
NAMED_TUPLE = {"_make", "_replace", "_fields", "_asdict", "_field_defaults"}


def modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8")))
            for path in sorted(PACKAGE.rglob("*.py"))]


def test_no_function_is_longer_than_80_lines() -> None:
    long = [f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} "
            f"({node.end_lineno - node.lineno + 1} lines)"
            for path, tree in modules() for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno is not None and node.end_lineno - node.lineno + 1 > LONGEST]
    assert long == []


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in NAMED_TUPLE


def defined_here(tree: ast.Module) -> set[str]:
    """The attribute and function names a file defines itself (``self._x = ...``, ``def _x``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def inherited(node: ast.Attribute) -> bool:
    """``self._y`` or ``cls._y``: a class's own or inherited member (a base class's
    protected hook, such as :mod:`lgds_components.http`'s session holder)."""
    return isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")


def test_no_private_name_is_used_from_another_module() -> None:
    """``from x import _y``, and ``x._y`` where this file does not define ``_y``."""
    found = []
    for path, tree in modules():
        own = defined_here(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                found += [f"{path.relative_to(PACKAGE)}:{node.lineno} import {alias.name}"
                          for alias in node.names if private(alias.name)]
            elif (isinstance(node, ast.Attribute) and private(node.attr)
                  and node.attr not in own and not inherited(node)):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} .{node.attr}")
    assert found == []
