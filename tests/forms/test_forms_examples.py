"""The example forms' scripts run, and show a good and a bad submission."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.forms.forms_support import EXAMPLES


def run(script: str) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.mark.parametrize("script", ["garden_waste.py", "missed_bin.py"])
def test_example_runs(script: str) -> None:
    out = run(script)
    assert "Good submission: valid = True" in out
    assert "Bad submission: valid = False" in out
    assert '"titleText": "There is a problem"' in out


def test_garden_waste_example_output() -> None:
    out = run("garden_waste.py")
    assert '"sort_code": "309430"' in out and '"account_number": "00733445"' in out
    assert '"href": "#start-date-month"' in out
    assert "Mae problem wedi codi" in out


def test_missed_bin_example_output() -> None:
    out = run("missed_bin.py")
    assert '"problems": [' in out
    assert "#collection-date-day" in out and "must be a real date" in out
