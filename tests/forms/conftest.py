"""Fixtures for the forms tests: the two example forms, loaded once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The helpers live in forms_support.py beside this file; make them importable
# whatever --import-mode pytest runs with.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lgds_components.forms import Form
from tests.forms.forms_support import EXAMPLES


@pytest.fixture(scope="session")
def garden_waste() -> Form:
    return Form.from_file(EXAMPLES / "garden_waste.schema.json", test_mode=True)


@pytest.fixture(scope="session")
def missed_bin() -> Form:
    return Form.from_file(EXAMPLES / "missed_bin.schema.json", test_mode=True)
