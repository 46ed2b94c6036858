"""Fixtures for the address tests: the shipped sample, and small hand-made gazetteer CSVs."""

from __future__ import annotations

import csv
import os
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from lgds_components.address import Address, Gazetteer
from lgds_components.address.loader import ADDRESSBASE_COLUMNS


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gazetteer]:
    """The shipped sample, built fresh into an empty cache directory (as after pip install)."""
    previous = os.environ.get("LGDS_CACHE_DIR")
    os.environ["LGDS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    try:
        with Gazetteer.sample() as gazetteer:
            yield gazetteer
    finally:
        if previous is None:
            os.environ.pop("LGDS_CACHE_DIR", None)
        else:
            os.environ["LGDS_CACHE_DIR"] = previous


def row(**values: object) -> dict[str, str]:
    """One AddressBase-style record with every other column empty."""
    record = dict.fromkeys(ADDRESSBASE_COLUMNS, "")
    record.update({key: "" if value is None else str(value) for key, value in values.items()})
    return record


def street_row(
    uprn: int, postcode: str = "EX4 1AA", street: str = "High Street", **values: object
) -> dict[str, str]:
    base: dict[str, object] = dict(
        uprn=uprn,
        usrn=14200001,
        language="ENG",
        logical_status=1,
        addressbase_postal="D",
        street_description=street,
        town_name="Kelmouth",
        postcode_locator=postcode,
        postcode=postcode,
        x_coordinate="292000.00",
        y_coordinate="93000.00",
        **{"class": "RD04"},
    )
    base.update(values)
    return row(**base)


#: A small street with the awkward cases: flats 1 to 12, a suffix, a range, a
#: named block, a shop, a Welsh alternate, a historical and a provisional record.
ROWS = [
    street_row(1001, pao_start_number=10, **{"class": "PP"}, addressbase_postal="N"),
    *[
        street_row(
            1001 + n,
            pao_start_number=10,
            sao_text=f"Flat {n}",
            parent_uprn=1001,
            **{"class": "RD06"},
        )
        for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
    ],
    street_row(1020, pao_start_number=2),
    street_row(1021, pao_start_number=2, pao_start_suffix="A"),
    street_row(1022, pao_start_number=12),
    street_row(
        1023,
        pao_start_number=110,
        pao_end_number=114,
        organisation_name="Kelmouth Stores",
        **{"class": "CR08"},
    ),
    street_row(
        1024, pao_text="Rose Court", pao_start_number=20, **{"class": "PP"}, addressbase_postal="N"
    ),
    street_row(
        1025,
        pao_text="Rose Court",
        pao_start_number=20,
        sao_start_number=2,
        parent_uprn=1024,
        **{"class": "RD06"},
    ),
    street_row(1026, pao_text="Rose Cottage", **{"class": "RD02"}),
    street_row(1027, pao_start_number=4, logical_status=8),
    street_row(1028, pao_start_number=6, logical_status=6),
    street_row(1029, pao_start_number=30, postcode="EX4 1AB", street="Mill Lane"),
    street_row(
        1029,
        pao_start_number=30,
        postcode="EX4 1AB",
        street="Lôn y Felin",
        town_name="Aberkel",
        language="CYM",
    ),
    street_row(1030, pao_start_number=3, postcode="EX4 1AB", street="St Michael's Road"),
]


def write(
    path: Path,
    rows: list[dict[str, str]],
    columns: tuple[str, ...] | list[str] = ADDRESSBASE_COLUMNS,
) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    return write(tmp_path / "small.csv", ROWS)


@pytest.fixture
def small(tmp_path: Path, small_csv: Path) -> Iterator[Gazetteer]:
    Gazetteer.load(tmp_path / "small.sqlite", small_csv)
    with Gazetteer.open(tmp_path / "small.sqlite") as gazetteer:
        yield gazetteer


@pytest.fixture(scope="module")
def database(postgres_dsn: str) -> Iterator[str]:
    """A database of the test module's own on the test PostgreSQL server."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    name = f"lgds_pg_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_conninfo(postgres_dsn, dbname=name)
    finally:
        with psycopg.connect(postgres_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def every_address(gazetteer: Gazetteer) -> list[Address]:
    """Every preferred record of a SQLite gazetteer, read straight from the file
    (what a made-up messy address is checked against)."""
    names = [field.name for field in attrs.fields(Address)]
    conn = sqlite3.connect(f"{gazetteer.path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute(f"SELECT {', '.join(names)} FROM address WHERE preferred = 1 "
                            "ORDER BY id").fetchall()
    finally:
        conn.close()
    return [Address(**dict(zip(names, row, strict=True))) for row in rows]


def first_and_renamed(folder: Path) -> tuple[Path, Path]:
    """The small street's CSV, and the same with High Street renamed Market Street."""
    first = write(folder / "first.csv", ROWS)
    renamed = [dict(row, street_description="Market Street") if row["postcode"] == "EX4 1AA"
               else row for row in ROWS]
    return first, write(folder / "second.csv", renamed)
