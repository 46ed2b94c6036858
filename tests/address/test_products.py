"""Reading AddressBase Plus, Core, Premium and DTF as delivered (the fixtures
under fixtures/delivered are hand-made in each product's layout; every address
is invented)."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lgds_components.address.records.products import FORMATS, changes, read
from lgds_components.address.records.products.detect import detect_line
from lgds_components.address.records.products.layouts import DTF_8_1, PREMIUM
from lgds_components.address.records.products.reader import strict
from lgds_components.errors import InvalidFormat, MissingValue, ValidationError

FIXTURES = Path(__file__).parent / "fixtures" / "delivered"


Key = tuple[str, str, str]


def records(path: Path | list[Path], format: str | None = None) -> dict[Key, dict[str, str]]:
    """Every record read, keyed by (uprn, language, logical status)."""
    out = {}
    for entry in strict(read(path, format).entries()):
        for record in entry.records:
            values = record.as_dict()
            out[(values["uprn"], values["language"], values["logical_status"])] = values
    return out


@pytest.mark.parametrize("product", ["plus", "core", "premium", "dtf"])
def test_each_product_reads_its_fixture(product: str) -> None:
    found = records(FIXTURES / product)
    numbered = found[("100000000001", "en", "1")]
    assert (numbered["pao_start_number"], numbered["street"], numbered["postcode"]) == (
        "4", "MILL LANE", "EX4 1AA")
    named = found[("100000000002", "en", "1")]
    assert named["pao_text"] == "ROSE COTTAGE" and not named["pao_start_number"]
    flat = found[("100000000012", "en", "1")]
    assert flat["sao_text"] == "FLAT 2"
    assert flat["parent_uprn"] == "100000000010"
    twelve_a = found[("100000000020", "en", "1")]
    assert (twelve_a["pao_start_number"], twelve_a["pao_start_suffix"]) == ("12", "A")
    assert found[("100000000030", "en", "1")]["organisation"].startswith("KELMOUTH BAKERY")
    non_postal = found[("100000000060", "en", "1")]
    assert non_postal["postal"] == "N" and non_postal["pao_text"] == "ALLOTMENT GARDENS"
    assert found[("100000000040", "en", "1")]["easting"].startswith("258000")


@pytest.mark.parametrize("product", ["plus", "premium", "dtf"])
def test_welsh_alternate(product: str) -> None:
    found = records(FIXTURES / product)
    assert found[("100000000040", "cy", "1")]["street"] == "HEOL Y FELIN"
    assert found[("100000000040", "en", "1")]["street"] == "MILL ROAD"


@pytest.mark.parametrize("product", ["premium", "dtf"])
def test_historical_lpi_kept_with_its_status(product: str) -> None:
    found = records(FIXTURES / product)
    assert found[("100000000050", "en", "8")]["pao_text"] == "FORGE COTTAGE"
    assert found[("100000000050", "en", "1")]["pao_start_number"] == "5"


@pytest.mark.parametrize("product", ["plus", "premium"])
def test_delivery_point_form_beside_the_lpi_form(product: str) -> None:
    bakery = records(FIXTURES / product)[("100000000070", "en", "1")]
    assert (bakery["pao_text"], bakery["locality"]) == ("THE OLD BAKERY", "")
    assert bakery["delivery_lines"].split("\n") == [
        "16 HIGH STREET", "UPPER TOWN", "KELMOUTH", "EX4 1AB"]
    assert bakery["udprn"] == "50000070"
    assert bakery["latitude"] == "50.721601"


def test_welsh_record_prints_the_welsh_delivery_point() -> None:
    welsh = records(FIXTURES / "premium")[("100000000040", "cy", "1")]
    assert welsh["delivery_lines"].split("\n")[0] == "3 HEOL Y FELIN"


def test_classification_and_organisation_from_their_own_records() -> None:
    bakery = records(FIXTURES / "premium")[("100000000030", "en", "1")]
    assert (bakery["classification"], bakery["organisation"]) == ("CR08", "KELMOUTH BAKERY")
    assert bakery["delivery_lines"].startswith("KELMOUTH BAKERY LTD\n")


@pytest.mark.parametrize(("product", "expected"), [
    ("plus", "addressbase-plus"), ("core", "addressbase-core"),
    ("premium", "addressbase-premium"), ("dtf", "dtf")])
def test_format_detected_from_the_first_line(product: str, expected: str) -> None:
    assert read(FIXTURES / product).format == expected
    assert expected in FORMATS


def test_undetectable_file_says_how_to_name_the_format(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("hello,world\n")
    with pytest.raises(InvalidFormat, match="--format addressbase-plus"):
        read(tmp_path / "x.csv")


def test_files_of_different_products_are_refused() -> None:
    with pytest.raises(InvalidFormat, match="different products"):
        read([FIXTURES / "plus", FIXTURES / "core"])


def test_named_format_is_checked(tmp_path: Path) -> None:
    with pytest.raises(InvalidFormat, match="format must be one of"):
        read(FIXTURES / "plus", "addressbase-gold")


def test_zip_of_tiles_many_files_and_gzip(tmp_path: Path) -> None:
    expected = records(FIXTURES / "premium")
    archive = tmp_path / "premium.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for tile in sorted((FIXTURES / "premium").iterdir()):
            handle.write(tile, f"tiles/{tile.name}")
    assert records(archive) == _located_elsewhere(expected, records(archive))
    gz = tmp_path / "one.csv.gz"
    tiles = sorted((FIXTURES / "premium").iterdir())
    with gzip.open(gz, "wb") as handle:
        handle.write(tiles[0].read_bytes())
    assert len(records([gz, tiles[1]])) == len(expected)


def _located_elsewhere(expected: dict, got: dict) -> dict:
    """The records read another way are the same records."""
    assert got.keys() == expected.keys()
    return got


def test_plus_header_file_and_header_row_are_skipped(tmp_path: Path) -> None:
    data = (FIXTURES / "plus" / "AddressBasePlus_TQ2993.csv").read_text()
    header = (FIXTURES / "plus" / "AddressBasePlus_Header.csv").read_text()
    (tmp_path / "with_header.csv").write_text(header + data)
    assert len(records(tmp_path / "with_header.csv", "addressbase-plus")) == 6


def _premium_copy(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "premium"
    shutil.copytree(FIXTURES / "premium", folder)
    tile = folder / "TQ2993_premium.csv"
    tile.write_text(edit(tile.read_text()))
    return folder


def test_wrong_field_count_names_file_line_and_record(tmp_path: Path) -> None:
    folder = _premium_copy(
        tmp_path, lambda text: text.replace(',"MILL LANE",', ',"MILL","LANE",', 1))
    with pytest.raises(InvalidFormat) as caught:
        list(strict(read(folder).entries()))
    message = str(caught.value)
    assert "TQ2993_premium.csv line 3, row: Street Descriptor record (15): has 14 fields" in message
    assert (caught.value.line, Path(caught.value.source or "").name) == (3, "TQ2993_premium.csv")


def test_bad_number_names_the_record_it_stands_in(tmp_path: Path) -> None:
    folder = _premium_copy(tmp_path, lambda text: text.replace(",292010.00,", ",29201O.00,", 1))
    with pytest.raises(InvalidFormat, match=r"BLPU record \(21\): X_COORDINATE must be a number"):
        list(strict(read(folder).entries()))


@pytest.mark.parametrize("written", ["29_2010.00", "\uff12\uff19\uff12010.00", "nan", "inf"])
def test_numbers_python_reads_but_a_csv_does_not_hold_are_refused(tmp_path: Path,
                                                                   written: str) -> None:
    folder = _premium_copy(tmp_path, lambda text: text.replace(",292010.00,", f",{written},", 1))
    with pytest.raises(InvalidFormat, match=r"BLPU record \(21\): X_COORDINATE must be a number"):
        list(strict(read(folder).entries()))


def test_bad_postcode_names_the_blpu(tmp_path: Path) -> None:
    folder = _premium_copy(tmp_path, lambda text: text.replace('"EX4 1AA",0', '"EX4 1QQ9",0', 1))
    with pytest.raises(InvalidFormat, match=r"line 9, POSTCODE_LOCATOR: BLPU record \(21\): "
                                            r"POSTCODE_LOCATOR 'EX4 1QQ9' is not a postcode"):
        list(strict(read(folder).entries()))


def test_unknown_record_identifier(tmp_path: Path) -> None:
    folder = _premium_copy(tmp_path, lambda text: text + '77,"I",1\n')
    with pytest.raises(InvalidFormat, match="'77' is not a record identifier of AddressBase"):
        list(strict(read(folder).entries()))


def test_change_records_in_a_full_supply_are_refused(tmp_path: Path) -> None:
    folder = _premium_copy(tmp_path, lambda text: text.replace('24,"I",', '24,"D",', 1))
    with pytest.raises(InvalidFormat, match="CHANGE_TYPE is 'D' in a full supply"):
        list(strict(read(folder).entries()))
    with pytest.raises(InvalidFormat, match="FILE_TYPE is C"):
        list(strict(read(FIXTURES / "premium_cou", "addressbase-premium").entries()))


def test_lpi_without_its_blpu(tmp_path: Path) -> None:
    folder = _premium_copy(tmp_path, lambda text: "\n".join(
        line for line in text.splitlines() if not line.startswith("21,\"I\",8,")) + "\n")
    with pytest.raises(InvalidFormat, match=r"LPI record \(24\): UPRN 100000000001 has no BLPU"):
        list(strict(read(folder).entries()))


def test_the_same_tile_twice(tmp_path: Path) -> None:
    tile = FIXTURES / "premium" / "TQ2993_premium.csv"
    with pytest.raises(InvalidFormat, match=r"two BLPU records .* given twice"):
        list(strict(read([tile, tile]).entries()))


def test_not_utf8_and_nul(tmp_path: Path) -> None:
    (tmp_path / "latin.csv").write_bytes((FIXTURES / "plus" / "AddressBasePlus_TQ2993.csv")
                                         .read_bytes().replace(b"MILL LANE", b"M\xefLL LANE", 1))
    with pytest.raises(InvalidFormat, match="not UTF-8"):
        list(strict(read(tmp_path / "latin.csv", "addressbase-plus").entries()))
    (tmp_path / "nul.csv").write_bytes(b"100000000001,\x00\n")
    with pytest.raises(InvalidFormat, match=r"nul\.csv line 1, row: the row holds a NUL"):
        list(strict(read(tmp_path / "nul.csv", "addressbase-plus").entries()))


def test_missing_paths() -> None:
    with pytest.raises(ValidationError, match="no such file"):
        read("/nonexistent/abp.csv")
    with pytest.raises(MissingValue):
        read([])


def _values(entries) -> set[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return {record.values for entry in strict(entries) for record in entry.records}


def test_premium_supply_then_its_cou_equals_the_updated_supply(tmp_path: Path) -> None:
    store = tmp_path / "records.sqlite"
    list(strict(read(FIXTURES / "premium", records_path=store).entries()))
    with changes(FIXTURES / "premium_cou", store) as update:
        actions = {entry.uprn: entry.action for entry in update.entries}
    assert actions["100000000060"] == "delete" and actions["100000000080"] == "insert"
    assert actions["100000000070"] == "update"  # its street's locality changed
    fresh = tmp_path / "fresh.sqlite"
    updated = _values(read(FIXTURES / "premium_updated").entries())
    list(strict(read(FIXTURES / "premium_updated", records_path=fresh).entries()))
    from lgds_components.address.records.products.staging import RecordsStore
    applied = RecordsStore(store, fresh=False)
    try:
        assert {record.values for _, group in applied.assemble() for record in group} == updated
    finally:
        applied.close()


def test_a_failed_update_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "records.sqlite"
    list(strict(read(FIXTURES / "premium", records_path=store).entries()))
    count = "SELECT count(*), sum(length(pao_text)) FROM lpi"
    before = sqlite3.connect(store).execute(count).fetchone()
    with pytest.raises(RuntimeError), changes(FIXTURES / "premium_cou", store) as update:
        next(update.entries)
        raise RuntimeError("the gazetteer refused the batch")
    after = sqlite3.connect(store).execute(count).fetchone()
    assert before == after


def test_an_update_to_a_store_of_an_earlier_layout_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "records.sqlite"
    list(strict(read(FIXTURES / "premium", records_path=store).entries()))
    with sqlite3.connect(store) as conn:  # as an earlier version left it: no layout recorded
        conn.execute("DELETE FROM meta WHERE key = 'store_layout'")
    count = "SELECT count(*) FROM lpi"
    before = sqlite3.connect(store).execute(count).fetchone()
    with pytest.raises(InvalidFormat, match="earlier version") as caught, \
            changes(FIXTURES / "premium_cou", store):
        pass
    assert caught.value.field == "records_path"
    assert sqlite3.connect(store).execute(count).fetchone() == before


def test_plus_change_only_update_rows() -> None:
    with changes(FIXTURES / "plus_cou", records_path=None) as update:
        actions = {entry.uprn: entry.action for entry in update.entries}
    assert actions["100000000080"] == "insert"
    assert actions["100000000060"] == "delete"
    assert actions["100000000001"] == "update"


def test_dtf_version_7_3_reads_the_7_3_layout(tmp_path: Path) -> None:
    lines = [
        '10,"KELMOUTH COUNCIL",1135,2010-01-05,1,2010-01-05,100000,"7.3","F"',
        '15,"I",1,47000001,"MILL LANE","","KELMOUTH","DEVON","ENG"',
        '21,"I",2,100000000001,1,2,2008-01-01,"RD04",,292010.00,93010.00,1,1135,'
        '2008-01-01,,2009-01-01,2008-01-01,"","E05000001","E04000001",1,1,""',
        '24,"I",3,100000000001,"1135L000000001","ENG",1,2008-01-01,,2008-01-01,2009-01-01,'
        ',,,,"",4,"",,"","",47000001,"","Y","EX4 1AA","KELMOUTH","Y",1,1,""',
        '99,0,3,2010-01-05,100000',
    ]
    (tmp_path / "llpg.csv").write_text("\n".join(lines) + "\n")
    found = records(tmp_path / "llpg.csv")
    house = found[("100000000001", "en", "1")]
    assert (house["classification"], house["postcode"], house["pao_start_number"]) == (
        "RD04", "EX4 1AA", "4")


def test_detect_line_by_record_shape() -> None:
    premium_lpi = ["24", "I", "1", *[""] * (len(PREMIUM["24"].fields) - 3)]
    dtf_lpi = ["24", "I", "1", *[""] * (len(DTF_8_1["24"].fields) - 3)]
    assert detect_line(premium_lpi, "x") == "addressbase-premium"
    assert detect_line(dtf_lpi, "x") == "dtf"


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                        max_size=60), min_size=1, max_size=6))
def test_arbitrary_lines_raise_only_validation_errors(tmp_path: Path, lines: list[str]) -> None:
    target = tmp_path / "tile.csv"
    header = (FIXTURES / "premium" / "TQ2993_premium.csv").read_text().splitlines()[0]
    target.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    try:
        list(strict(read(target, "addressbase-premium").entries()))
    except ValidationError:
        pass


@pytest.mark.parametrize("format", FORMATS)
def test_generator_writes_each_layout_and_it_reads_back(tmp_path: Path, format: str) -> None:
    from lgds_components.address.records.products.writers import write
    from lgds_components.address.sample import generate

    generated = list(generate(4000, seed=1))
    paths = write(format, tmp_path, 4000, seed=1, tile_size=1500)
    assert len(paths) > 1
    delivery = read(tmp_path)
    assert delivery.format == format
    got = {(record.get("uprn"), record.get("language"), record.get("logical_status"),
            record.get("pao_text"), record.get("street"))
           for entry in strict(delivery.entries()) for record in entry.records}
    languages = {"ENG": "en", "CYM": "cy"}
    expected = {(row["uprn"], languages[row["language"]], row["logical_status"], row["pao_text"],
                 row["street_description"]) for row in generated}
    if format in ("addressbase-premium", "dtf"):
        assert got == expected  # every LPI: each language and status
    else:  # one row per current address, its Welsh alternate beside it
        current = {item for item in expected if item[2] == "1"}
        assert got <= expected
        assert {item for item in got if item[1] == "en"} == {
            item for item in current if item[1] == "en"}
        assert any(item[1] == "cy" for item in got) == (format == "addressbase-plus")


_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=80, deadline=None)
@given(st.lists(_TEXT, max_size=90))
def test_detect_line_raises_only_validation_errors(cells: list[str]) -> None:
    try:
        assert detect_line(cells, "x.csv") in (*FORMATS, "addressbase", "llpg")
    except ValidationError:
        pass


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_TEXT, min_size=77, max_size=77), st.sampled_from(["plus", "core"]))
def test_arbitrary_flat_rows_raise_only_validation_errors(tmp_path: Path, cells: list[str],
                                                          product: str) -> None:
    import csv
    import io

    text = io.StringIO()
    csv.writer(text).writerow(cells if product == "plus" else cells[:27])
    (tmp_path / "row.csv").write_text(text.getvalue(), encoding="utf-8")
    try:
        list(strict(read(tmp_path / "row.csv", f"addressbase-{product}").entries()))
    except ValidationError:
        pass


@settings(max_examples=100, deadline=None)
@given(_TEXT, _TEXT, _TEXT, _TEXT)
def test_delivery_values_raise_only_validation_errors(latitude: str, longitude: str,
                                                      udprn: str, lines: str) -> None:
    from lgds_components.address.records.checks import check_delivery

    try:
        values = check_delivery((latitude, longitude, udprn, lines), {})
    except ValidationError:
        return
    assert values.latitude is None or -90 <= values.latitude <= 90
