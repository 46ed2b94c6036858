"""Package-wide promises: no import-time side effects, every public module documented."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import lgds_components

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def public_modules() -> list[str]:
    names = ["lgds_components"]
    for info in pkgutil.walk_packages(lgds_components.__path__, "lgds_components."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts) or parts[1] == "cli":
            continue
        names.append(info.name)
    return sorted(names)


def test_every_module_declares_all() -> None:
    for name in public_modules():
        module = importlib.import_module(name)
        assert isinstance(getattr(module, "__all__", None), list | tuple), f"{name} lacks __all__"
        for public in module.__all__:
            assert hasattr(module, public), f"{name}.__all__ names missing {public!r}"


def test_every_public_module_has_a_reference_page() -> None:
    documented = set()
    for page in DOCS.rglob("*.md"):
        documented |= set(re.findall(r"automodule:: ([\w.]+)", page.read_text(encoding="utf-8")))
    missing = [
        name for name in public_modules() if name not in documented and name != "lgds_components"
    ]
    assert not missing, f"public modules without an automodule in docs/: {missing}"


IMPORT_PROBE = """
import socket, sys
def refuse(*args, **kwargs):
    raise RuntimeError("network touched at import")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import importlib
importlib.import_module({name!r})
print(" ".join(sorted(m for m in ("pydantic", "requests", "click", "jsonschema", "hypothesis",
                                  "phonenumbers", "email_validator")
                      if m in sys.modules)))
"""


@pytest.mark.parametrize("name", public_modules())
def test_import_touches_no_network(name: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE.format(name=name)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "name", ["lgds_components", "lgds_components.errors", "lgds_components.identifiers",
             "lgds_components.identifiers.postcode",
             "lgds_components.identifiers.nino", "lgds_components.identifiers.uprn",
             # the attrs values carry pydantic hooks, but import pydantic only when asked
             "lgds_components.address.model", "lgds_components.bins.model",
             "lgds_components.pydantic_bridge"],
)
def test_light_modules_import_no_heavy_dependencies(name: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE.format(name=name)],
        capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == "", f"{name} imported {result.stdout.strip()}"
