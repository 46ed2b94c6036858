"""The delivered products loaded into both stores: answers as their records say,
and change-only updates equal to a fresh load of the updated supply (SQLite and
a real PostgreSQL server). The fixtures are hand-made; every address is invented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lgds_components.address import Gazetteer
from lgds_components.errors import InvalidFormat, MissingValue, ValidationError

FIXTURES = Path(__file__).parent / "fixtures" / "delivered"
EVERY_STATUS = ("approved", "alternative", "provisional", "historical")
POSTCODES = ("EX4 1AA", "EX4 1AB", "LL55 1AB")
UPRNS = (100000000001, 100000000002, 100000000010, 100000000011, 100000000012,
         100000000020, 100000000030, 100000000040, 100000000050, 100000000060,
         100000000070, 100000000080)


def answers(gazetteer: Any) -> dict[str, Any]:
    """Every public answer the fixtures can give: postcodes, UPRNs, in English and Welsh."""
    out: dict[str, Any] = {}
    for postcode in POSTCODES:
        for language in (None, "cy"):
            out[f"{postcode} {language}"] = [
                (address.uprn, address.lines(), address.delivery_lines, address.latitude)
                for address in gazetteer.by_postcode(postcode, language=language)]
    for uprn in UPRNS:
        for language in (None, "cy"):
            try:
                address = gazetteer.by_uprn(uprn, language=language)
            except LookupError:
                out[f"{uprn} {language}"] = None
            else:
                out[f"{uprn} {language}"] = address
    out["search"] = [(match.uprn, round(match.score, 6)) for match in
                     gazetteer.search("high street kelmouth", limit=20)]
    return out


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Gazetteer]:
    folder = tmp_path_factory.mktemp("products")
    out = {}
    for product in ("plus", "core", "premium", "dtf"):
        path = folder / f"{product}.sqlite"
        Gazetteer.load(path, FIXTURES / product, statuses=EVERY_STATUS)
        out[product] = Gazetteer.open(path)
    return out


@pytest.mark.parametrize("product", ["plus", "core", "premium", "dtf"])
def test_each_product_answers_as_its_records_say(loaded: dict[str, Gazetteer],
                                                 product: str) -> None:
    gazetteer = loaded[product]
    assert gazetteer.by_uprn(100000000001).lines() == ("4 MILL LANE", "KELMOUTH", "EX4 1AA")
    assert gazetteer.by_uprn(100000000002).lines() == ("ROSE COTTAGE", "MILL LANE", "KELMOUTH",
                                                       "EX4 1AA")
    flat = gazetteer.by_uprn(100000000012)
    assert flat.lines() == ("FLAT 2", "VICTORIA HOUSE", "10 HIGH STREET", "KELMOUTH", "EX4 1AB")
    assert flat.parent_uprn == 100000000010
    assert [child.uprn for child in gazetteer.children(100000000010)] == [100000000011,
                                                                           100000000012]
    assert gazetteer.by_uprn(100000000020).lines()[0] == "12A HIGH STREET"
    assert gazetteer.by_uprn(100000000030).organisation.startswith("KELMOUTH BAKERY")
    assert not gazetteer.by_uprn(100000000060).postal
    assert gazetteer.by_uprn(100000000040).easting == 258000.0
    at_postcode = [address.uprn for address in gazetteer.by_postcode("EX4 1AB")]
    # an LLPG gives a non-postal address (the block of flats itself) no postcode
    parent = [] if product == "dtf" else [100000000010]
    assert at_postcode == [*parent, 100000000011, 100000000012, 100000000020, 100000000030,
                           100000000070]


@pytest.mark.parametrize("product", ["plus", "premium", "dtf"])
def test_welsh_as_the_records_say(loaded: dict[str, Gazetteer], product: str) -> None:
    gazetteer = loaded[product]
    welsh = gazetteer.by_uprn(100000000040, language="cy")
    assert (welsh.language, welsh.lines()[0]) == ("cy", "3 HEOL Y FELIN")
    assert gazetteer.by_uprn(100000000040).lines()[0] == "3 MILL ROAD"
    assert [address.street for address in gazetteer.by_postcode("LL55 1AB", language="cy")] == [
        "HEOL Y FELIN"]


def test_core_has_no_welsh_form(loaded: dict[str, Gazetteer]) -> None:
    assert loaded["core"].by_uprn(100000000040, language="cy").street == "MILL ROAD"


@pytest.mark.parametrize("product", ["plus", "core", "premium"])
def test_delivery_point_and_position_kept(loaded: dict[str, Gazetteer], product: str) -> None:
    bakery = loaded[product].by_uprn(100000000070)
    assert bakery.delivery_lines == ("16 HIGH STREET", "UPPER TOWN", "KELMOUTH", "EX4 1AB")
    assert (bakery.latitude, bakery.longitude) == (50.721601, -3.531601)
    assert bakery.udprn == 50000070
    if product != "core":  # Core has one form only: its delivery point's
        assert bakery.lines()[0] == "THE OLD BAKERY"


def test_an_llpg_carries_no_delivery_point(loaded: dict[str, Gazetteer]) -> None:
    house = loaded["dtf"].by_uprn(100000000070)
    assert (house.delivery_lines, house.latitude, house.udprn) == ((), None, None)


@pytest.mark.parametrize("product", ["premium", "dtf"])
def test_historical_lpi_kept_behind_the_approved_one(loaded: dict[str, Gazetteer],
                                                     product: str) -> None:
    gazetteer = loaded[product]
    assert gazetteer.by_uprn(100000000050).lines()[0] == "5 MILL LANE"
    assert gazetteer.search("forge cottage mill lane")[0].uprn == 100000000050


def test_statuses_filter_applies_to_products(tmp_path: Path) -> None:
    report = Gazetteer.load(tmp_path / "g.sqlite", FIXTURES / "premium")
    assert (report.rows_loaded, report.rows_filtered) == (12, 1)  # the historical LPI


def test_a_bad_record_is_named_by_file_line_and_record(tmp_path: Path) -> None:
    tile = (FIXTURES / "premium" / "TQ2993_premium.csv").read_text()
    (tmp_path / "tiles").mkdir()
    (tmp_path / "tiles" / "TQ2993.csv").write_text(
        tile.replace('"FLAT 2"', '"' + "F" * 300 + '"'))
    with pytest.raises(ValidationError) as caught:
        Gazetteer.load(tmp_path / "g.sqlite", tmp_path / "tiles")
    assert Path(caught.value.source or "").name == "TQ2993.csv"
    assert caught.value.field == "SAO_TEXT (LPI record 24)"
    assert caught.value.line == 25
    report = Gazetteer.load(tmp_path / "g.sqlite", tmp_path / "tiles", on_error="skip")
    assert (report.error_count, report.rows_loaded) == (1, 5)  # the tile holds six


def test_unknown_format_and_missing_records_store(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("hello,world\n")
    with pytest.raises(InvalidFormat, match="--format"):
        Gazetteer.load(tmp_path / "g.sqlite", tmp_path / "notes.csv")
    Gazetteer.load(tmp_path / "g.sqlite", FIXTURES / "premium")
    with pytest.raises(MissingValue, match="records"):
        Gazetteer.load_update(tmp_path / "g.sqlite", FIXTURES / "premium_cou",
                              records_path=tmp_path / "nowhere.sqlite")


def test_plus_updates_to_a_file_say_what_to_do(tmp_path: Path) -> None:
    Gazetteer.load(tmp_path / "g.sqlite", FIXTURES / "plus")
    with pytest.raises(ValidationError, match="loading the updated supply"):
        Gazetteer.load_update(tmp_path / "g.sqlite", FIXTURES / "plus_cou",
                              records_path=tmp_path / "unused")


def test_premium_update_equals_a_fresh_load_sqlite(tmp_path: Path) -> None:
    store = tmp_path / "premium.records"
    Gazetteer.load(tmp_path / "a.sqlite", FIXTURES / "premium", statuses=EVERY_STATUS,
                   records_path=store)
    Gazetteer.load_update(tmp_path / "a.sqlite", FIXTURES / "premium_cou", records_path=store)
    Gazetteer.load(tmp_path / "b.sqlite", FIXTURES / "premium_updated", statuses=EVERY_STATUS)
    updated, fresh = Gazetteer.open(tmp_path / "a.sqlite"), Gazetteer.open(tmp_path / "b.sqlite")
    assert answers(updated) == answers(fresh)
    assert updated.by_uprn(100000000001).pao_text == "MILLERS REST"
    with pytest.raises(LookupError):
        updated.by_uprn(100000000060)


def test_a_bad_update_leaves_gazetteer_and_store_alone(tmp_path: Path) -> None:
    store = tmp_path / "premium.records"
    Gazetteer.load(tmp_path / "a.sqlite", FIXTURES / "premium", records_path=store)
    before = answers(Gazetteer.open(tmp_path / "a.sqlite"))
    bad = tmp_path / "cou.csv"
    bad.write_text((FIXTURES / "premium_cou" / "change_only_update.csv").read_text()
                   .replace('"MILLERS REST"', '"' + "M" * 300 + '"'))
    with pytest.raises(ValidationError, match="PAO_TEXT"):
        Gazetteer.load_update(tmp_path / "a.sqlite", bad, records_path=store)
    assert answers(Gazetteer.open(tmp_path / "a.sqlite")) == before
    Gazetteer.load_update(tmp_path / "a.sqlite", FIXTURES / "premium_cou", records_path=store)
    assert Gazetteer.open(tmp_path / "a.sqlite").by_uprn(100000000001).pao_text == "MILLERS REST"


# -- PostgreSQL -------------------------------------------------------------------------------


@pytest.mark.parametrize("product", ["premium", "dtf"])
def test_postgres_answers_as_sqlite(database: str, loaded: dict[str, Gazetteer],
                                    product: str) -> None:
    from lgds_components.address.postgres import PostgresGazetteer

    PostgresGazetteer.load(database, FIXTURES / product, schema=product, statuses=EVERY_STATUS)
    with PostgresGazetteer.connect(database, schema=product, pool_size=1) as gazetteer:
        assert answers(gazetteer) == answers(loaded[product])


@pytest.mark.parametrize(("product", "store"), [("premium", True), ("plus", False)])
def test_postgres_update_equals_a_fresh_load(database: str, tmp_path: Path, product: str,
                                             store: bool) -> None:
    from lgds_components.address.postgres import PostgresGazetteer

    records = tmp_path / "records" if store else None
    PostgresGazetteer.load(database, FIXTURES / product, schema=f"{product}_a",
                           statuses=EVERY_STATUS, records_path=records)
    PostgresGazetteer.load(database, FIXTURES / f"{product}_updated", schema=f"{product}_b",
                           statuses=EVERY_STATUS)
    with PostgresGazetteer.connect(database, schema=f"{product}_a", pool_size=1) as updated, \
            PostgresGazetteer.connect(database, schema=f"{product}_b", pool_size=1) as fresh:
        report = updated.apply_changes(FIXTURES / f"{product}_cou", format=None,
                                       records_path=records)
        assert report.updated >= 7
        assert answers(updated) == answers(fresh)


# -- the command line -------------------------------------------------------------------------


def invoke(*args: str) -> Any:
    from click.testing import CliRunner

    from lgds_components.cli.address import address

    return CliRunner().invoke(address, list(args), standalone_mode=False, catch_exceptions=True)


def test_cli_loads_a_folder_of_tiles_and_applies_the_update(tmp_path: Path) -> None:
    target, store = tmp_path / "g.sqlite", tmp_path / "abp.records"
    loaded = invoke("load", str(FIXTURES / "premium"), "-g", str(target), "--records", str(store),
                    "--status", "approved", "--status", "historical")
    assert loaded.return_value == 0, loaded.output
    assert invoke("changes", str(FIXTURES / "premium_cou"), "-g", str(target),
                  "--records", str(store)).return_value == 0
    found = invoke("uprn", "100000000001", "-g", str(target))
    assert found.output.splitlines()[0] == "MILLERS REST"
    welsh = invoke("postcode", "LL55 1AB", "-g", str(target), "--welsh")
    assert "3 HEOL Y FELIN" in welsh.output


def test_cli_says_when_the_format_cannot_be_told(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("hello,world\n")
    result = invoke("load", str(tmp_path / "notes.csv"), "-g", str(tmp_path / "g.sqlite"))
    assert isinstance(result.exception, InvalidFormat)
    assert "--format addressbase-plus" in str(result.exception)


@pytest.mark.parametrize("product", ["addressbase-plus", "addressbase-core",
                                     "addressbase-premium", "dtf"])
def test_cli_sample_writes_each_layout_and_loads_it(tmp_path: Path, product: str) -> None:
    tiles = tmp_path / "tiles"
    written = invoke("sample", "-n", "500", "--format", product, "--tile-size", "700",
                     "-o", str(tiles))
    assert written.return_value == 0, written.output
    assert invoke("load", str(tiles), "-g", str(tmp_path / "g.sqlite")).return_value == 0
    assert len(Gazetteer.open(tmp_path / "g.sqlite")) > 0
