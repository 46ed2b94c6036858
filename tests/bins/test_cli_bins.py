"""`lgds bins` through a root group that handles errors as `lgds` does."""

from __future__ import annotations

import json
from pathlib import Path

import click
import icalendar
import pytest
from click.testing import CliRunner

from lgds_components.bins.sample import sample_files
from lgds_components.cli.app import LGDSGroup
from lgds_components.cli.bins import bins, demo_step


@click.group(cls=LGDSGroup)
def root() -> None:
    """A stand-in for `lgds`."""


root.add_command(bins)


def run(*args: str) -> tuple[int, str, str]:
    """Invoke like `lgds.main`: commands' return values are exit codes."""
    runner = CliRunner()
    result = runner.invoke(root, list(args), standalone_mode=False, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        exc = result.exception
        if isinstance(exc, click.ClickException):
            return exc.exit_code, result.stdout, result.stderr + exc.format_message()
        raise exc
    code = result.return_value if isinstance(result.return_value, int) else 0
    return code, result.stdout, result.stderr


@pytest.fixture
def csv_dir(tmp_path: Path) -> Path:
    for kind, text in sample_files().items():
        (tmp_path / f"{kind}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def load_args(db: Path, folder: Path) -> list[str]:
    args = ["bins", "load", str(db)]
    for kind in ("services", "rounds", "streets", "properties", "overrides"):
        args += [f"--{kind}", str(folder / f"{kind}.csv")]
    return args


def test_next_on_the_sample() -> None:
    code, out, _ = run("bins", "next", "--sample", "--uprn", "100040000012", "--from",
                       "14/12/2026", "-n", "4")
    assert code == 0
    assert "Saturday 26 December 2026 (In 12 days): Recycling, Food waste" in out
    assert "Recycling: Moved from Friday 25 December because of Christmas Day" in out
    assert "Rubbish: Every other Friday" in out


def test_next_as_json() -> None:
    code, out, _ = run("bins", "next", "--sample", "--uprn", "100040000012", "--from",
                       "2026-12-14", "--json")
    feed = json.loads(out)
    assert code == 0 and feed["uprn"] == 100040000012 and feed["generated_on"] == "2026-12-14"


def test_load_then_query_the_file(tmp_path: Path, csv_dir: Path) -> None:
    db = tmp_path / "council.sqlite"
    code, _, err = run(*load_args(db, csv_dir), "--division", "scotland")
    assert code == 0, err
    assert "8 properties assigned" in err
    code, out, _ = run("bins", "json", "--db", str(db), "--uprn", "100040000012",
                       "--from", "2026-12-14", "--days", "14", "--format", "ukbcd")
    assert code == 0
    assert json.loads(out)["bins"][0] == {"type": "Rubbish", "collectionDate": "18/12/2026"}
    target = tmp_path / "bins.ics"
    code, _, _ = run("bins", "ical", "--db", str(db), "--uprn", "100040000012",
                     "--from", "2026-12-14", "-o", str(target))
    assert code == 0
    events = list(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    assert len(events) > 40


def test_a_bad_file_is_a_usage_error_with_its_line(tmp_path: Path, csv_dir: Path) -> None:
    db = tmp_path / "council.sqlite"
    assert run(*load_args(db, csv_dir))[0] == 0
    (csv_dir / "properties.csv").write_text("uprn,usrn\n100040000001,14200001\nnope,1\n",
                                            encoding="utf-8")
    code, _, err = run("bins", "load", str(db), "--properties", str(csv_dir / "properties.csv"))
    assert code == 2
    assert "line 3, uprn" in err
    # the previous data is intact
    code, out, _ = run("bins", "next", "--db", str(db), "--uprn", "100040000022", "-n", "1")
    assert code == 0 and "Rubbish" in out


def test_skip_bad_rows_exits_one_and_lists_them(tmp_path: Path, csv_dir: Path) -> None:
    db = tmp_path / "council.sqlite"
    assert run(*load_args(db, csv_dir))[0] == 0
    (csv_dir / "properties.csv").write_text(
        "uprn,usrn\n100040000001,14200001\nnope,1\n100040000001,1\n", encoding="utf-8")
    code, _, err = run("bins", "load", str(db), "--properties", str(csv_dir / "properties.csv"),
                       "--skip-bad-rows")
    assert code == 1
    assert "line 3, uprn" in err and "line 4, uprn" in err and "skipped 2" in err


@pytest.mark.parametrize("args", [
    ["bins", "next", "--uprn", "1"],
    ["bins", "next", "--sample", "--db", "x.sqlite", "--uprn", "1"],
    ["bins", "next", "--sample"],
    ["bins", "next", "--sample", "--postcode", "EX4 1AA"],
    ["bins", "next", "--db", "x.sqlite", "--postcode", "EX4 1AA", "--house", "2"],
    ["bins", "next", "--sample", "--uprn", "1", "--postcode", "EX4 1AA", "--house", "2"],
    ["bins", "next", "--sample", "--uprn", "1", "--from", "31/02/2026"],
    ["bins", "load", "x.sqlite"],
    ["bins", "next", "--sample", "--uprn", "abc"],
])
def test_usage_errors_exit_two(args: list[str]) -> None:
    code, _, err = run(*args)
    assert code == 2, err
    assert "Traceback" not in err


def test_unknown_property_and_missing_file(tmp_path: Path) -> None:
    code, _, err = run("bins", "next", "--sample", "--uprn", "100040009999")
    assert code == 3 and "no bin collections are recorded" in err
    code, _, err = run("bins", "next", "--db", str(tmp_path / "none.sqlite"), "--uprn", "1")
    assert code == 3 and "no bin schedule database" in err


def test_postcode_and_house_through_the_sample_gazetteer() -> None:
    code, out, err = run("bins", "next", "--sample", "--postcode", "sn7 1ba", "--house", "67",
                         "--from", "2026-12-14", "-n", "3")
    assert code == 0, err
    assert "UPRN 10120535" in out  # 67 Mount Parade in the shipped sample gazetteer
    assert "Moved from Friday 25 December because of Christmas Day" in out


def test_postcode_and_house_through_a_gazetteer_file(tmp_path: Path) -> None:
    from lgds_components.address import Gazetteer
    from lgds_components.address.sample import write_csv

    source = tmp_path / "addresses.csv"
    write_csv(source, count=300, seed=14)
    gazetteer_file = tmp_path / "gazetteer.sqlite"
    Gazetteer.load(gazetteer_file, source)
    with Gazetteer.open(gazetteer_file) as gazetteer:
        address = next(
            a for a in gazetteer.sample_addresses(300)
            if a.pao_start_number and not a.sao_text and not a.pao_start_suffix
        )
    code, out, err = run("bins", "next", "--sample", "--postcode", address.postcode, "--house",
                         str(address.pao_start_number), "--gazetteer", str(gazetteer_file))
    # the property is found, and the sample schedule has rounds for every sample street
    assert code == 0, err
    assert f"UPRN {address.uprn}" in out
    code, _, err = run("bins", "next", "--sample", "--postcode", address.postcode, "--house",
                       "no such house", "--gazetteer", str(gazetteer_file))
    assert code == 3 and "addresses there" in err


def test_demo_step_shows_a_bank_holiday_shift(capsys: pytest.CaptureFixture[str]) -> None:
    demo_step()
    out = capsys.readouterr().out
    assert "Your bin days" in out
    assert "Monday 14 December 2026" in out  # the fixed date it says it uses
    assert "Moved from Friday 25 December because of Christmas Day" in out
    assert "iCalendar feed" in out
