"""Helpers shared by the forms tests (a uniquely named module, so that test
files never have to import from a conftest.py)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from lgds_components.forms import Form

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "forms"

#: The date "today" is in every test that judges past and future.
TODAY = datetime.date(2026, 3, 10)


class MultiDict:
    """Werkzeug's and Django's multidict interface, as far as forms use it."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = list(pairs)

    def getlist(self, key: str) -> list[str]:
        return [value for name, value in self._pairs if name == key]

    def __contains__(self, key: object) -> bool:
        return any(name == key for name, _ in self._pairs)


def make_form(
    field: dict[str, Any],
    *,
    required: bool = True,
    test_mode: bool = False,
    label: str = "Answer",
    **extension: Any,
) -> Form:
    """A bilingual form with one field, ``answer``."""
    schema = dict(field)
    schema["x-lgds"] = {
        "label": label,
        "cy": {"label": "Ateb"},
        **field.get("x-lgds", {}),
        **extension,
    }
    return Form.from_schema(
        {
            "type": "object",
            "x-lgds": {"languages": ["en", "cy"]},
            "properties": {"answer": schema},
            "required": ["answer"] if required else [],
        },
        test_mode=test_mode,
    )


def date_post(day: str, month: str, year: str, name: str = "answer") -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}
