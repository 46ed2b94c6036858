"""Loading gazetteer CSVs: both formats, mappings, filters, line-numbered errors, atomic swaps."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lgds_components.address import Gazetteer
from lgds_components.address.loader import LLPG_COLUMNS, LoadProgress, LoadReport
from lgds_components.errors import InvalidFormat, MissingValue, ValidationError
from tests.address.conftest import ROWS, row, street_row, write


def lines_at(gazetteer: Gazetteer, postcode: str) -> list[str]:
    return [a.single_line(postcode=False) for a in gazetteer.by_postcode(postcode)]


def snapshot(gazetteer: Gazetteer) -> tuple[object, ...]:
    return (
        lines_at(gazetteer, "EX4 1AA"),
        gazetteer.by_uprn(1022),
        [m.uprn for m in gazetteer.search("flat 2 10 high")],
        len(gazetteer),
    )


def test_addressbase_load_counts_and_report(tmp_path: Path, small_csv: Path) -> None:
    seen: list[LoadProgress] = []
    report = Gazetteer.load(tmp_path / "g.sqlite", small_csv, progress=seen.append)
    assert isinstance(report, LoadReport) and report.ok
    assert report.rows_read == len(ROWS)
    assert report.rows_filtered == 2  # historical and provisional left out by default
    assert report.rows_loaded == len(ROWS) - 2
    assert [p.phase for p in seen][-2:] == ["indexing", "done"]
    assert seen[-1].bytes_read == seen[-1].bytes_total == small_csv.stat().st_size
    with Gazetteer.open(tmp_path / "g.sqlite") as gazetteer:
        assert gazetteer.info()["source"] == "small.csv"
        assert len(gazetteer) == len({r["uprn"] for r in ROWS}) - 2


def test_dpa_only_rows_are_read_from_paf_fields(tmp_path: Path) -> None:
    rows = [
        row(
            uprn=1,
            building_number=12,
            sub_building_name="Flat 3",
            thoroughfare="High Street",
            post_town="KELMOUTH",
            postcode="ex41aa",
        ),
        row(
            uprn=2,
            building_name="12A",
            thoroughfare="High Street",
            post_town="KELMOUTH",
            postcode="EX4 1AA",
        ),
        row(
            uprn=3,
            building_name="110-114",
            sub_building_name="2",
            organisation_name="Shop",
            thoroughfare="High Street",
            post_town="KELMOUTH",
            postcode="EX4 1AA",
        ),
        row(
            uprn=4,
            building_name="Victoria House",
            building_number="15",
            thoroughfare="High Street",
            dependent_locality="Kel",
            post_town="KELMOUTH",
            postcode="EX4 1AA",
        ),
    ]
    Gazetteer.load(tmp_path / "g.sqlite", write(tmp_path / "dpa.csv", rows))
    with Gazetteer.open(tmp_path / "g.sqlite") as gazetteer:
        first, second, third, fourth = (gazetteer.by_uprn(n) for n in (1, 2, 3, 4))
    assert first.lines() == ("Flat 3", "12 High Street", "KELMOUTH", "EX4 1AA")
    assert (second.pao_start_number, second.pao_start_suffix) == (12, "A")
    assert (third.pao_start_number, third.pao_end_number, third.sao_start_number) == (110, 114, 2)
    assert fourth.lines(postcode=False) == ("Victoria House", "15 High Street", "Kel", "KELMOUTH")


def llpg_rows() -> list[dict[str, str]]:
    return [
        {
            "UPRN": "5001",
            "USRN": "1",
            "PAO_START_NUMBER": "7",
            "STREET_DESCRIPTOR": "Mill Lane",
            "TOWN": "Kelmouth",
            "POSTCODE": "EX4 2AA",
            "BLPU_CLASS": "RD04",
            "LOGICAL_STATUS": "1",
            "LANGUAGE": "ENG",
            "POSTAL_ADDRESS": "Y",
        },
        {
            "UPRN": "5002",
            "SAO_TEXT": "Flat 1",
            "PAO_START_NUMBER": "9",
            "STREET_DESCRIPTOR": "Mill Lane",
            "TOWN": "Kelmouth",
            "POSTCODE": "EX4 2AA",
            "BLPU_CLASS": "RD06",
            "LOGICAL_STATUS": "1",
            "POSTAL_ADDRESS": "Y",
        },
        {
            "UPRN": "5003",
            "PAO_TEXT": "The Old Mill",
            "STREET_DESCRIPTOR": "Mill Lane",
            "TOWN": "Kelmouth",
            "POSTCODE": "EX4 2AA",
            "BLPU_CLASS": "CO01",
            "LOGICAL_STATUS": "1",
            "POSTAL_ADDRESS": "N",
        },
    ]


def test_llpg_default_columns(tmp_path: Path) -> None:
    source = write(tmp_path / "llpg.csv", llpg_rows(), list(LLPG_COLUMNS.values()))
    Gazetteer.load(tmp_path / "g.sqlite", source, format="llpg")
    with Gazetteer.open(tmp_path / "g.sqlite") as gazetteer:
        assert lines_at(gazetteer, "EX4 2AA") == [
            "7 Mill Lane, Kelmouth",
            "Flat 1, 9 Mill Lane, Kelmouth",
            "The Old Mill, Mill Lane, Kelmouth",
        ]
        assert gazetteer.by_postcode("EX4 2AA", postal_only=True)[-1].uprn == 5002


def test_llpg_through_a_mapping(tmp_path: Path) -> None:
    renamed = [
        {
            "Property Ref": r["UPRN"],
            "House No": r.get("PAO_START_NUMBER", ""),
            "House Name": r.get("PAO_TEXT", ""),
            "Flat": r.get("SAO_TEXT", ""),
            "Road": r["STREET_DESCRIPTOR"],
            "Post Town": r["TOWN"],
            "Post Code": r["POSTCODE"],
            "Unused": "x",
        }
        for r in llpg_rows()
    ]
    source = write(tmp_path / "llpg.csv", renamed, list(renamed[0]))
    mapping = {
        "uprn": "Property Ref",
        "pao_start_number": "house no",
        "pao_text": "House Name",
        "sao_text": "Flat",
        "street": "Road",
        "town": "Post Town",
        "postcode": "Post Code",
        "logical_status": None,
    }
    report = Gazetteer.load(tmp_path / "g.sqlite", source, format="llpg", mapping=mapping)
    assert report.rows_loaded == 3
    with Gazetteer.open(tmp_path / "g.sqlite") as gazetteer:
        assert lines_at(gazetteer, "ex42aa")[1] == "Flat 1, 9 Mill Lane, Kelmouth"


def test_mapping_errors(tmp_path: Path) -> None:
    source = write(tmp_path / "llpg.csv", llpg_rows(), list(LLPG_COLUMNS.values()))
    with pytest.raises(ValidationError, match="unknown field 'colour'"):
        Gazetteer.load(tmp_path / "g.sqlite", source, format="llpg", mapping={"colour": "X"})
    with pytest.raises(MissingValue, match="no column 'STREET_NAME'") as caught:
        Gazetteer.load(
            tmp_path / "g.sqlite", source, format="llpg", mapping={"street": "STREET_NAME"}
        )
    assert caught.value.line == 1
    with pytest.raises(ValidationError, match="format"):
        Gazetteer.load(tmp_path / "g.sqlite", source, format="paf")  # type: ignore[arg-type]


def test_missing_required_column(tmp_path: Path) -> None:
    source = write(tmp_path / "a.csv", [row(uprn=1)], ["uprn", "postcode"])
    with pytest.raises(MissingValue, match="street_description or thoroughfare") as caught:
        Gazetteer.load(tmp_path / "g.sqlite", source)
    assert caught.value.line == 1


def test_status_and_classification_filters(tmp_path: Path, small_csv: Path) -> None:
    target = tmp_path / "g.sqlite"
    report = Gazetteer.load(target, small_csv, statuses=("approved", "historical", 6))
    assert report.rows_filtered == 0
    with Gazetteer.open(target) as gazetteer:
        assert gazetteer.by_uprn(1027).logical_status == 8
    report = Gazetteer.load(target, small_csv, classifications=("R",))
    with Gazetteer.open(target) as gazetteer:
        classes = {a.classification[0] for a in gazetteer.by_postcode("EX4 1AA")}
    assert classes == {"R"}
    with pytest.raises(ValidationError, match="unknown logical status"):
        Gazetteer.load(target, small_csv, statuses=("current",))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"postcode": "QA1 1AA", "postcode_locator": "QA1 1AA"}, "postcode", "postcode"),
        ({"uprn": "12x"}, "uprn", "UPRN"),
        ({"uprn": ""}, "uprn", "uprn is missing"),
        ({"parent_uprn": "-4"}, "parent_uprn", "UPRN"),
        ({"pao_start_number": "ten"}, "pao_start_number", "whole number"),
        ({"pao_start_suffix": "A1"}, "pao_start_suffix", "letters"),
        ({"logical_status": "2"}, "logical_status", "1, 3, 6 or 8"),
        ({"language": "fr"}, "language", "en, cy or gd"),
        ({"x_coordinate": "north"}, "x_coordinate", "number"),
        ({"x_coordinate": "29_201"}, "x_coordinate", "number"),  # float() would read 29201
        ({"y_coordinate": "\uff11\uff12"}, "y_coordinate", "number"),  # full-width digits
        ({"y_coordinate": "\u0663"}, "y_coordinate", "number"),  # an Arabic-Indic digit
        ({"x_coordinate": "nan"}, "x_coordinate", "number"),
        ({"addressbase_postal": "maybe"}, "addressbase_postal", "Y or N"),
        ({"street_description": "x" * 100_000}, "street_description", "200 characters"),
        ({"street_description": "", "pao_start_number": ""}, "street", "no street"),
        ({"pao_start_number": "", "pao_start_suffix": "A"}, "pao_start_number", "missing"),
    ],
)
def test_malformed_rows_are_reported_with_line_and_field(
    tmp_path: Path, change: dict[str, str], field: str, message: str
) -> None:
    rows = [street_row(1, pao_start_number=1), street_row(2, pao_start_number=2)]
    rows[1].update(change)
    with pytest.raises(ValidationError, match=message) as caught:
        Gazetteer.load(tmp_path / "g.sqlite", write(tmp_path / "bad.csv", rows))
    assert (caught.value.line, caught.value.field) == (3, field)


def test_structural_csv_errors(tmp_path: Path) -> None:
    good = street_row(1, pao_start_number=1)
    source = write(tmp_path / "short.csv", [good])
    with source.open("a", encoding="utf-8") as handle:
        handle.write("2,3\n")
    with pytest.raises(InvalidFormat, match="2 fields") as caught:
        Gazetteer.load(tmp_path / "g.sqlite", source)
    assert caught.value.line == 3
    huge = b"x" * 200_000  # past the csv module's field size limit
    source.write_bytes(source.read_bytes().replace(b"2,3\n", huge + b",\n"))
    with pytest.raises(InvalidFormat, match="unreadable CSV row") as caught:
        Gazetteer.load(tmp_path / "g.sqlite", source)
    assert caught.value.line == 3
    report = Gazetteer.load(tmp_path / "g.sqlite", source, on_error="skip")
    assert (report.rows_loaded, report.errors[0].line) == (1, 3)
    source.write_bytes(source.read_bytes().replace(huge + b",\n", b"\xff\xfe,\n"))
    with pytest.raises(InvalidFormat, match="not UTF-8"):
        Gazetteer.load(tmp_path / "g.sqlite", source)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(MissingValue, match="empty"):
        Gazetteer.load(tmp_path / "g.sqlite", empty)
    with pytest.raises(ValidationError, match="cannot read"):
        Gazetteer.load(tmp_path / "g.sqlite", tmp_path / "absent.csv")


def test_duplicate_approved_record_is_a_line_numbered_error(tmp_path: Path) -> None:
    rows = [
        street_row(1, pao_start_number=1),
        street_row(2, pao_start_number=2),
        street_row(1, pao_start_number=3),
    ]
    with pytest.raises(InvalidFormat, match="duplicate") as caught:
        Gazetteer.load(tmp_path / "g.sqlite", write(tmp_path / "dup.csv", rows))
    assert caught.value.line == 4
    report = Gazetteer.load(
        tmp_path / "g.sqlite", write(tmp_path / "dup.csv", rows), on_error="skip"
    )
    assert report.rows_loaded == 2 and [e.line for e in report.errors] == [4]


def test_skip_mode_reports_every_bad_row(tmp_path: Path) -> None:
    rows = [street_row(n, pao_start_number=n) for n in range(1, 8)]
    rows[1]["postcode"] = "nonsense"
    rows[4]["uprn"] = "abc"
    source = write(tmp_path / "bad.csv", rows)
    with source.open("a", encoding="utf-8") as handle:
        handle.write("\n\n")  # blank lines are not rows
    report = Gazetteer.load(tmp_path / "g.sqlite", source, on_error="skip")
    assert not report.ok
    assert [(e.line, e.field) for e in report.errors] == [(3, "postcode"), (6, "uprn")]
    assert (report.rows_read, report.rows_loaded, report.error_count) == (7, 5, 2)
    with pytest.raises(ValidationError, match="on_error"):
        Gazetteer.load(tmp_path / "g.sqlite", source, on_error="ignore")  # type: ignore[arg-type]


def test_gzip_source(tmp_path: Path, small_csv: Path) -> None:
    packed = tmp_path / "small.csv.gz"
    with small_csv.open("rb") as raw, gzip.open(packed, "wb") as out:
        shutil.copyfileobj(raw, out)
    assert Gazetteer.load(tmp_path / "g.sqlite", packed).rows_loaded == len(ROWS) - 2


# -- atomic replacement --------------------------------------------------------------


def test_failed_load_leaves_the_old_gazetteer_answering(tmp_path: Path, small: Gazetteer) -> None:
    before = snapshot(small)
    replacement = [street_row(n, pao_start_number=n, postcode="EX9 9ZZ") for n in range(1, 50)]
    replacement[30]["postcode"] = "not a postcode"
    with pytest.raises(ValidationError) as caught:
        Gazetteer.load(small.path, write(tmp_path / "bad.csv", replacement))
    assert caught.value.line == 32
    assert snapshot(small) == before  # the open gazetteer still answers as before
    with Gazetteer.open(small.path) as reopened:
        assert snapshot(reopened) == before
        assert reopened.by_postcode("EX9 9ZZ") == []


def test_interrupted_load_leaves_the_old_gazetteer_answering(
    tmp_path: Path, small: Gazetteer
) -> None:
    before = snapshot(small)
    rows = [street_row(n, pao_start_number=n, postcode="EX9 9ZZ") for n in range(1, 12_000)]
    source = write(tmp_path / "big.csv", rows)

    def crash(progress: LoadProgress) -> None:
        if progress.rows_loaded >= 5000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Gazetteer.load(small.path, source, progress=crash)
    assert snapshot(small) == before
    # the same load, uninterrupted, replaces everything; the open object sees it
    Gazetteer.load(small.path, source)
    assert len(small) == 11_999 and small.by_postcode("EX4 1AA") == []


CRASH = """
import os, sys
from lgds_components.address import Gazetteer
def die(progress):
    if progress.rows_loaded >= 5000:
        os._exit(9)
Gazetteer.load(sys.argv[1], sys.argv[2], progress=die)
"""


def test_killed_process_leaves_the_old_gazetteer_answering(
    tmp_path: Path, small: Gazetteer
) -> None:
    before = snapshot(small)
    rows = [street_row(n, pao_start_number=n, postcode="EX9 9ZZ") for n in range(1, 12_000)]
    source = write(tmp_path / "big.csv", rows)
    result = subprocess.run(
        [sys.executable, "-c", CRASH, str(small.path), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 9, result.stderr
    assert snapshot(small) == before
    with Gazetteer.open(small.path) as reopened:
        assert snapshot(reopened) == before


def test_target_that_is_not_a_database(tmp_path: Path, small_csv: Path) -> None:
    from lgds_components.errors import ConfigurationError, ProviderError

    with pytest.raises(ProviderError):
        Gazetteer.load(small_csv, small_csv)  # the CSV itself as the target
    with pytest.raises(ProviderError):
        Gazetteer.load(tmp_path / "missing" / "g.sqlite", small_csv)
    with pytest.raises(ConfigurationError, match="not a gazetteer"):
        Gazetteer.open(small_csv)
    with pytest.raises(ConfigurationError, match="no gazetteer file"):
        Gazetteer.open(tmp_path / "absent.sqlite")


def test_stored_sort_keys_search_text_and_index_words_match_the_model(tmp_path: Path) -> None:
    """The loader's fast path builds derived columns itself; they must equal the model's."""
    import sqlite3
    from importlib import resources

    from lgds_components.address.gazetteer import sample_source
    from lgds_components.address.parts import index_words, search_text
    from lgds_components.address.records.contract import ADDRESS_FIELDS
    from lgds_components.address.stores.base import address_of

    target = tmp_path / "g.sqlite"
    every_status = ("approved", "alternative", "provisional", "historical")
    with resources.as_file(sample_source()) as source:
        Gazetteer.load(target, source, statuses=every_status)
    conn = sqlite3.connect(target)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, address_fts, instance)")
        words: dict[int, set[str]] = {}
        for term, doc in conn.execute("SELECT term, doc FROM temp.v"):
            words.setdefault(doc, set()).add(term)
        query = (f"SELECT id, {', '.join(ADDRESS_FIELDS)}, postcode_key, sort_key, search "
                 "FROM address")
        rows = conn.execute(query).fetchall()
    finally:
        conn.close()
    assert rows
    for identifier, *values, postcode_key, sort_key, search in rows:
        address = address_of(tuple(values))
        assert sort_key == address.sort_key()
        assert search == search_text(address)
        assert postcode_key == address.postcode.replace(" ", "")
        assert words.get(identifier, set()) == set(index_words(address).split())


def test_an_unknown_option_is_a_type_error_as_for_any_function(tmp_path: Path,
                                                               small_csv: Path) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'on_eror'"):
        Gazetteer.load(tmp_path / "g.sqlite", small_csv, on_eror="skip")  # type: ignore[call-arg]
    assert not (tmp_path / "g.sqlite").exists()


def test_several_files_load_as_one_and_errors_name_the_file(tmp_path: Path) -> None:
    north = write(tmp_path / "north.csv", [street_row(1, pao_start_number=1),
                                           street_row(2, pao_start_number=2)])
    south = write(tmp_path / "south.csv", [street_row(3, pao_start_number=3, postcode="EX4 1AB"),
                                           street_row(1, pao_start_number=9)])
    with pytest.raises(InvalidFormat, match="duplicate") as raised:
        Gazetteer.load(tmp_path / "g.sqlite", [north, south])
    assert (raised.value.source, raised.value.line) == ("south.csv", 3)
    assert str(raised.value).startswith("south.csv line 3, uprn: ")
    report = Gazetteer.load(tmp_path / "g.sqlite", [north, south], on_error="skip")
    assert (report.rows_read, report.rows_loaded) == (4, 3)
    with Gazetteer.open(tmp_path / "g.sqlite") as gazetteer:
        assert [a.uprn for a in gazetteer.by_postcode("EX4 1AB")] == [3]
        assert gazetteer.info()["source"] == "north.csv, south.csv"
