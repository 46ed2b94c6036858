"""The synthetic gazetteer generator and the shipped sample."""

from __future__ import annotations

import collections
import csv
import gzip
import io
from pathlib import Path

import pytest

from lgds_components.address import Gazetteer
from lgds_components.address.loader import ADDRESSBASE_COLUMNS
from lgds_components.address.sample import generate, write_csv
from lgds_components.identifiers import postcode


def test_generate_is_deterministic_and_exact() -> None:
    assert list(generate(300, seed=5)) == list(generate(300, seed=5))
    assert list(generate(300, seed=5)) != list(generate(300, seed=6))
    assert len(list(generate(1234, seed=1))) == 1234
    assert list(generate(0)) == [] and list(generate(-3)) == []
    assert list(generate(100, seed=5)) == list(generate(300, seed=5))[:100]


def test_records_are_realistic() -> None:
    rows = list(generate(20_000, seed=3))
    assert all(list(r) == list(ADDRESSBASE_COLUMNS) for r in rows[:10])
    codes = {r["postcode_locator"] for r in rows}
    assert all(postcode.validate(code) == code for code in codes)
    per_postcode = collections.Counter(
        r["postcode_locator"] for r in rows if r["language"] == "ENG"
    )
    assert max(per_postcode.values()) <= 100
    assert sum(r["language"] == "CYM" for r in rows) > 100
    uprns = {r["uprn"] for r in rows}
    parents = {r["parent_uprn"] for r in rows if r["parent_uprn"]}
    assert parents and parents <= uprns
    assert any(r["pao_end_number"] for r in rows)  # ranges
    assert any(r["pao_start_suffix"] for r in rows)  # 2A
    assert any(r["organisation_name"] for r in rows)
    assert any(r["pao_text"] and not r["pao_start_number"] for r in rows)  # named houses
    assert {r["logical_status"] for r in rows} >= {"1", "3", "8"}
    assert any(r["sao_text"].startswith("Flat") for r in rows)
    assert any(r["sao_start_number"] for r in rows)


def test_write_csv_to_a_file_object_and_to_gzip(tmp_path: Path) -> None:
    buffer = io.StringIO()
    assert write_csv(buffer, 50, seed=9) == 50
    assert len(list(csv.reader(io.StringIO(buffer.getvalue())))) == 51
    packed = tmp_path / "sample.csv.gz"
    write_csv(packed, 50, seed=9)
    with gzip.open(packed, "rt", encoding="utf-8", newline="") as handle:
        assert handle.read() == buffer.getvalue()
    report = Gazetteer.load(tmp_path / "g.sqlite", packed)
    assert report.ok and report.rows_loaded > 40


def test_the_shipped_sample(sample: Gazetteer) -> None:
    data = Path(__file__).resolve().parents[2] / "src/lgds_components/data/sample_gazetteer.csv.gz"
    assert data.stat().st_size < 1_000_000
    assert sample.readonly and len(sample) > 4000
    assert int(sample.info()["rows"]) > 4500
    found = sample.by_postcode("SN7 1BA", postal_only=True)
    assert [a.pao_numbers for a in found[:4]] == ["65", "65", "67", "67A"]
    assert sample.by_postcode("LL5 7AB", language="cy")[0].town == "Pontderwen"


def test_sample_builds_in_the_temporary_directory_when_the_cache_is_unwritable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("LGDS_CACHE_DIR", str(blocked / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with Gazetteer.sample() as gazetteer:
        assert gazetteer.path.parent == tmp_path
        assert len(gazetteer) > 4000


def test_generator_keeps_going_past_the_plain_town_names() -> None:
    """Thousands of towns (several million rows) need qualified names and spare areas."""
    from lgds_components.address import sample
    from lgds_components.identifiers import postcode

    generator = sample._Generator(7)
    towns = [generator.town() for _ in range(4000)]  # the plain names run out near 1,040
    assert len({town.name for town in towns}) == len(towns)
    assert len({(town.area, town.district) for town in towns}) == len(towns)
    assert all(postcode.is_valid(town.next_postcode()) for town in towns)


def test_shipped_sample_is_the_generators_output() -> None:
    """The package's sample gazetteer is reproducible from its documented command."""
    from importlib import resources

    expected = io.StringIO()
    write_csv(expected, 5000, 14)
    shipped = resources.files("lgds_components") / "data" / "sample_gazetteer.csv.gz"
    with shipped.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8", newline="") as handle:
        assert handle.read() == expected.getvalue()


def test_towns_past_the_usual_areas_get_valid_postcodes() -> None:
    """Past about 4,000 towns (9 million rows) the usual postcode areas run out of
    districts; the spare areas must still give postcodes the loader accepts
    (BF is BFPO and GX Gibraltar, refused by default)."""
    from lgds_components.address import sample
    from lgds_components.identifiers import postcode

    generator = sample._Generator(1)
    towns = [generator.town() for _ in range(6_000)]
    assert any(town.area in sample._SPARE_AREAS for town in towns)
    districts = {f"{town.area}{town.district}" for town in towns}
    assert not {code for code in districts if not postcode.is_valid(f"{code} 1AA")}
