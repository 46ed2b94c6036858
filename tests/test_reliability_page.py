"""Every test docs/reliability.md names exists, so the page cannot point at nothing."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "reliability.md"
NAMED = re.compile(r"`(tests/[\w/]+\.py)?((?:::\w+)+)`")


def named_tests() -> list[tuple[str, list[str]]]:
    """``(file, [class, ..., test])`` for every test named; ``::x`` means the file before."""
    found: list[tuple[str, list[str]]] = []
    current = ""
    for match in NAMED.finditer(PAGE.read_text(encoding="utf-8")):
        current = match.group(1) or current
        assert current, f"{match.group(0)} names no file"
        found.append((current, match.group(2).strip(":").split("::")))
    return found


def test_the_page_names_tests() -> None:
    assert len(named_tests()) >= 30


def test_every_named_test_exists() -> None:
    missing = []
    for file, parts in named_tests():
        source = (ROOT / file).read_text(encoding="utf-8")
        for part in parts[:-1]:
            if not re.search(rf"^class {part}\b", source, re.MULTILINE):
                missing.append(f"{file}::{'::'.join(parts)}")
        if not re.search(rf"^\s*def {parts[-1]}\(", source, re.MULTILINE):
            missing.append(f"{file}::{'::'.join(parts)}")
    assert not missing, missing
