"""`lgds address` through click's test runner, against the group object."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lgds_components.address import Gazetteer
from lgds_components.cli.address import address, demo_step
from lgds_components.errors import ValidationError
from tests.address.conftest import street_row, write


def invoke(*args: str) -> Result:
    return CliRunner().invoke(address, list(args), standalone_mode=False, catch_exceptions=True)


@pytest.fixture
def gazetteer_file(tmp_path: Path, small_csv: Path) -> Path:
    target = tmp_path / "g.sqlite"
    Gazetteer.load(target, small_csv)
    return target


def test_load_with_progress_and_summary(tmp_path: Path, small_csv: Path) -> None:
    target = tmp_path / "g.sqlite"
    result = invoke("load", str(small_csv), "-g", str(target), "--class", "R")
    assert result.return_value == 0, result.output
    assert "loaded" in result.output
    with Gazetteer.open(target) as gazetteer:
        assert all(a.classification.startswith("R") for a in gazetteer.by_postcode("EX4 1AA"))


def test_load_skip_errors_exits_1_and_lists_lines(tmp_path: Path) -> None:
    rows = [street_row(1, pao_start_number=1), street_row(2, pao_start_number=2, postcode="bad")]
    source = write(tmp_path / "bad.csv", rows)
    result = invoke("load", str(source), "-g", str(tmp_path / "g.sqlite"), "--skip-errors")
    assert result.return_value == 1
    assert "line 3, postcode" in result.output
    failed = invoke("load", str(source), "-g", str(tmp_path / "g.sqlite"))
    assert isinstance(failed.exception, ValidationError) and failed.exception.line == 3


def test_load_with_mapping(tmp_path: Path) -> None:
    source = tmp_path / "llpg.csv"
    source.write_text("ID,NO,ROAD,TOWN,PC\n7,3,Mill Lane,Kelmouth,EX4 2AA\n", encoding="utf-8")
    result = invoke(
        "load",
        str(source),
        "-g",
        str(tmp_path / "g.sqlite"),
        "--format",
        "llpg",
        "--map",
        "uprn=ID",
        "--map",
        "pao_start_number=NO",
        "--map",
        "street=ROAD",
        "--map",
        "postcode=PC",
    )
    assert result.return_value == 0, result.output
    assert (
        invoke("load", str(source), "-g", str(tmp_path / "g.sqlite"), "--map", "nonsense").exception
        is not None
    )


def test_postcode_uprn_and_search(gazetteer_file: Path) -> None:
    result = invoke("postcode", "ex41aa", "-g", str(gazetteer_file))
    assert result.return_value == 0
    lines = result.output.splitlines()
    assert lines[0].split(None, 1)[1] == "2 High Street, Kelmouth, EX4 1AA"
    assert invoke("postcode", "EX4 9ZZ", "-g", str(gazetteer_file)).return_value == 1
    assert isinstance(
        invoke("postcode", "QA1 1AA", "-g", str(gazetteer_file)).exception, ValidationError
    )
    record = json.loads(
        invoke(
            "postcode", "EX4 1AB", "-g", str(gazetteer_file), "--welsh", "--json"
        ).output.splitlines()[0]
    )
    assert record["street"] == "Lôn y Felin" and record["uprn"] == 1029
    result = invoke("uprn", "1003", "-g", str(gazetteer_file))
    assert result.output.splitlines() == ["Flat 2", "10 High Street", "Kelmouth", "EX4 1AA"]
    assert invoke("uprn", "999", "-g", str(gazetteer_file)).return_value == 1
    assert (
        json.loads(invoke("uprn", "1003", "-g", str(gazetteer_file), "--json").output)["lines"][0]
        == "Flat 2"
    )
    result = invoke("search", "2/10 high st", "-g", str(gazetteer_file), "-n", "2")
    assert result.return_value == 0 and "1003" in result.output.splitlines()[0]
    assert invoke("search", '"NEAR(*)', "-g", str(gazetteer_file)).exception is None
    found = json.loads(
        invoke("search", "rose", "-g", str(gazetteer_file), "--json").output.splitlines()[0]
    )
    assert set(found) == {"uprn", "score", "reason", "address"}


def test_match_a_csv(tmp_path: Path, gazetteer_file: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        'id,address\n1,"Flat 2, 10 High St, EX4 1AA"\n2,nowhere\n3,2A HIGH ST KELMOUTH\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = invoke("match", str(source), "-g", str(gazetteer_file), "-o", str(out))
    assert result.return_value == 1  # one row left unmatched
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["uprn"] for r in rows] == ["1003", "", "1021"]
    assert [r["reason"] for r in rows] == ["accepted", "no candidate", "accepted"]
    assert rows[0]["detail"].startswith("postcode + flat + number + street")
    assert float(rows[0]["score"]) >= 0.5 and rows[2]["id"] == "3"
    assert "matched 2 of 3" in result.output and "1 no candidate" in result.output
    bad = invoke("match", str(source), "-g", str(gazetteer_file), "-c", "street")
    assert bad.exception is not None and "has no column" in str(bad.exception)


def test_match_writes_refusals_for_review(tmp_path: Path, gazetteer_file: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        'address\nFlat 2 High Street Kelmouth\n"10 High St, EX4 1AA"\n'
        '"Land adjacent to 10 High St, EX4 1AA"\n',
        encoding="utf-8",
    )
    out, review = tmp_path / "out.csv", tmp_path / "review.csv"
    result = invoke("match", str(source), "-g", str(gazetteer_file), "-o", str(out),
                    "--review", str(review), "--workers", "2")
    assert result.return_value == 1
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    which_flat = rows[0]["reason"]  # flat 2 of which building?
    assert which_flat in ("below threshold", "tie with runner-up")
    assert [r["reason"] for r in rows[1:]] == ["accepted", "near an address"]
    assert rows[0]["detail"] and not rows[0]["uprn"]
    refused = list(csv.DictReader(io.StringIO(review.read_text(encoding="utf-8"))))
    assert [(r["line"], r["reason"]) for r in refused] == [
        ("2", which_flat), ("4", "near an address")]
    assert refused[0]["candidate_1_uprn"] and refused[0]["candidate_2_uprn"]
    assert refused[1]["candidate_1_uprn"] == "1001"  # the address the land is next to
    assert "candidate_3_evidence" in refused[0]


def test_match_default_sample_to_stdout(tmp_path: Path, sample: Gazetteer) -> None:
    source = tmp_path / "in.csv"
    source.write_text("address\n2/65 Mount Parade SN7\n", encoding="utf-8")
    result = invoke("match", str(source))
    assert result.return_value == 0
    assert "10120533" in result.output


def test_sample_command(tmp_path: Path) -> None:
    result = invoke("sample", "--count", "5", "--seed", "3")
    assert result.return_value == 0
    assert len(result.output.splitlines()) == 6
    target = tmp_path / "s.csv"
    assert invoke("sample", "-n", "20", "-o", str(target)).return_value == 0
    assert len(target.read_text(encoding="utf-8").splitlines()) == 21


def test_demo_step(capsys: pytest.CaptureFixture[str], sample: Gazetteer) -> None:
    demo_step()
    out = capsys.readouterr().out
    assert "by_postcode('sn7 1ba')" in out and "no confident match" in out


def test_match_help_names_the_default_threshold() -> None:
    from lgds_components.address.ranking import DEFAULT_THRESHOLD

    assert f"{DEFAULT_THRESHOLD:g})" in invoke("match", "--help").output
