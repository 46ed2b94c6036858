"""The `lgds` command through its real entry point and as an installed console script."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

import lgds_components
from lgds_components.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert lgds_components.version() in out


def test_help_lists_component_groups(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "identifiers" in out and "demo" in out


def test_unknown_command_is_a_usage_error_without_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "frobnicate")
    assert code == 2
    assert "No such command" in err and "Traceback" not in err


def test_check_prints_canonical_values_and_refusals(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "identifiers", "check", "postcode", "sw1a1aa", "QA1 1AA")
    assert code == 1
    assert out.splitlines() == [
        "'sw1a1aa': SW1A 1AA",
        "'QA1 1AA': refused (invalid_format): Enter a full UK postcode",
    ]


def test_check_all_valid_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "identifiers", "check", "uprn", "000100040212345")
    assert (code, out.strip()) == (0, "'000100040212345': 100040212345")


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_check_csv_adds_columns_and_writes_atomically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(
        tmp_path / "in.csv",
        [["name", "postcode"], ["Ann", "ex4 1aa"], ["Bob", ""], ["Cy", "QA1 1AA"]],
    )
    target = tmp_path / "out.csv"
    code, _, err = run(
        capsys, "identifiers", "check-csv", str(source), "-c", "postcode", "--type", "postcode",
        "-o", str(target),
    )
    assert code == 1
    assert "3 rows of in.csv: 1 valid, 2 refused" in err
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["postcode_canonical"] for r in rows] == ["EX4 1AA", "", ""]
    assert [r["postcode_valid"] for r in rows] == ["true", "false", "false"]
    assert rows[1]["postcode_error"] == "Enter a postcode"
    assert rows[2]["postcode_error"] == "Enter a full UK postcode"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_check_csv_missing_column_names_the_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "in.csv", [["name", "post_code"], ["Ann", "EX4 1AA"]])
    code, _, err = run(capsys, "identifiers", "check-csv", str(source), "-c", "postcode",
                       "--type", "postcode")
    assert code == 2
    assert "no column 'postcode'; its columns are: name, post_code" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "content, expected_line",
    [
        (b'name,postcode\nAnn,"EX4 1AA\nBob,"SW1A" 1AA\n', "line"),
        (b"name,postcode\nAnn,EX4 1AA\n\xff\xfe,bad\n", "line 3"),
    ],
    ids=["unbalanced-quote", "not-utf8"],
)
def test_corrupt_csv_reports_line_and_leaves_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected_line: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    target = tmp_path / "out.csv"
    target.write_text("previous output\n")
    code, _, err = run(capsys, "identifiers", "check-csv", str(source), "-c", "postcode",
                       "--type", "postcode", "-o", str(target))
    assert code == 2
    assert expected_line in err and "Traceback" not in err
    assert target.read_text() == "previous output\n", "a failed run must not replace the output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_nul_byte_in_a_value_is_refused_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"name,postcode\nAnn,EX4 1AA\nBob,SW1A\x001AA\n")
    code, out, err = run(capsys, "identifiers", "check-csv", str(source), "-c", "postcode",
                         "--type", "postcode")
    assert code == 1
    assert "1 valid, 1 refused" in err
    assert "Enter a full UK postcode" in out


def test_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "identifiers", "check-csv", str(tmp_path / "nope.csv"), "-c", "x",
                       "--type", "postcode")
    assert code == 2
    assert "does not exist" in err


def test_demo_runs_offline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo")
    assert code == 0
    assert "SW1A 1AA" in out
    assert "Enter a full UK postcode" in out


def test_demo_ends_by_pointing_at_the_published_docs(capsys: pytest.CaptureFixture[str]) -> None:
    # a wheel user has no docs/ folder: the last line names the Documentation URL
    _, out, _ = run(capsys, "demo")
    last = out.rstrip().splitlines()[-1]
    assert last == "Read the docs for more: https://lgds-components.readthedocs.io/"
    assert "_build" not in out and "dev.py" not in out


def test_console_script_installed() -> None:
    script = Path(sys.executable).with_name("lgds")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert lgds_components.version() in result.stdout


def test_python_dash_m_style_invocation_of_entry_point() -> None:
    code = "import sys; from lgds_components.cli.app import main; sys.exit(main(['--version']))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0
    assert lgds_components.version() in result.stdout
