"""Loading CSV files into the council's SQLite file: line numbers, atomic loads, nasty input."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lgds_components.bins.sample import sample_files
from lgds_components.bins.store import SCHEMA_VERSION, BinStore
from lgds_components.errors import (
    ConfigurationError,
    InvalidComponent,
    InvalidFormat,
    MissingValue,
    ProviderError,
    ValidationError,
)

SERVICES = "id,name,colour,container,policy\nrefuse,Rubbish,black,Bin,\nfood,Food,green,Caddy,\n"
ROUNDS = ("id,service,weekday,every_weeks,reference_date\n"
          "R1,refuse,Monday,2,2026-01-05\nF1,food,Mon,1,05/01/2026\n")
STREETS = "usrn,rounds\n14200001,R1;F1\n"
PROPERTIES = "uprn,usrn,rounds,exclude\n100040000001,14200001,,\n100040000002,14200001,,food\n"


def s(text: str) -> io.StringIO:
    return io.StringIO(text)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "council.sqlite"


@pytest.fixture
def store(db: Path) -> Iterator[BinStore]:
    with BinStore.open(db) as opened:
        opened.load(services=s(SERVICES), rounds=s(ROUNDS), streets=s(STREETS),
                    properties=s(PROPERTIES), division="scotland", policy="next-working-day")
        yield opened


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'bins_%' "
            "ORDER BY name")]
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    finally:
        conn.close()


def test_a_load_builds_assignments(store: BinStore) -> None:
    assert store.rounds_for(100040000001) == ("F1", "R1")
    assert store.rounds_for(100040000002) == ("R1",)
    assert store.rounds_for(999) is None
    assert store.settings() == {"division": "scotland", "policy": "next-working-day"}
    assert store.counts()["assignments"] == 2
    assert [x.id for x in store.services()] == ["refuse", "food"]


def test_file_is_in_wal_mode_with_a_schema_version(store: BinStore, db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        version = conn.execute("SELECT value FROM bins_meta WHERE key='schema_version'")
        assert version.fetchone()[0] == str(SCHEMA_VERSION)
    finally:
        conn.close()


def test_a_newer_schema_is_refused(db: Path) -> None:
    BinStore.open(db).close()
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE bins_meta SET value='99' WHERE key='schema_version'")
    conn.close()
    with pytest.raises(ConfigurationError, match="newer"):
        BinStore.open(db)


def test_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ProviderError):
        BinStore.open(junk)
    with pytest.raises(ConfigurationError):
        BinStore.open(tmp_path / "missing.sqlite", create=False)


def test_property_rounds_replace_the_street_round_for_their_service(store: BinStore) -> None:
    store.load(rounds=s(ROUNDS + "R2,refuse,Friday,1,2026-01-02\n"),
               streets=s(STREETS),
               properties=s("uprn,usrn,rounds,exclude\n100040000001,14200001,R2,\n"
                            "100040000003,,R2,\n100040000004,,,\n"))
    assert store.rounds_for(100040000001) == ("F1", "R2")
    assert store.rounds_for(100040000003) == ("R2",)
    assert store.rounds_for(100040000004) == ()  # known, but no collections
    assert store.street_rounds(14200001) == ("F1", "R1")


BAD_FILES = [
    ("rounds", "id,service,weekday,reference_date\nR1,refuse,Moonday,2026-01-05\n", 2, "weekday",
     InvalidFormat),
    ("rounds", "id,service,weekday,reference_date\nR1,refuse,Monday,2026-01-06\n", 2,
     "reference_date", InvalidComponent),
    ("rounds", "id,service,weekday,reference_date\nR1,refuse,Monday,2026-01-05\n"
               "R1,refuse,Monday,2026-01-05\n", 3, "id", InvalidComponent),
    ("rounds", "id,service,weekday,reference_date\n\nR1,compost,Monday,2026-01-05\n", 3,
     "service", InvalidComponent),
    ("rounds", "id,service,weekday,reference_date,every_weeks\nR1,refuse,Mon,2026-01-05,0\n", 2,
     "every_weeks", InvalidComponent),
    ("rounds", "id,service,weekday,reference_date,season_start,season_end\n"
               "R1,refuse,Mon,2026-01-05,02-30,11-30\n", 2, "season_start", InvalidComponent),
    ("rounds", "id,service,weekday,reference_date\nR1,refuse,Mon,\n", 2, "reference_date",
     MissingValue),
    ("rounds", "id,service,weekday,reference_date\n\"R1; DROP TABLE bins_rounds;--\",refuse,Mon,"
               "2026-01-05\n", 2, "id", InvalidFormat),
    ("properties", "uprn,usrn\n100040000001,14200001\nabc,14200001\n", 3, "uprn", InvalidFormat),
    ("properties", "uprn,usrn\n100040000001,14200001\n100040000001,14200001\n", 3, "uprn",
     InvalidComponent),
    ("properties", "uprn,rounds\n100040000001,NOPE\n", 2, "rounds", InvalidComponent),
    ("properties", "uprn,exclude\n100040000001,compost\n", 2, "exclude", InvalidComponent),
    ("properties", "uprn,usrn\n1000400000010000,1\n", 2, "uprn", ValidationError),
    ("properties", "uprn\n100040000001,extra\n", 2, None, InvalidFormat),
    ("streets", "usrn,rounds\n14200001,R1\n14200001,F1\n", 3, "usrn", InvalidComponent),
    ("streets", "usrn,rounds\n-5,R1\n", 2, "usrn", ValidationError),
    ("services", "id,name\nrefuse,\n", 2, "name", MissingValue),
    ("services", "id,name,policy\nrefuse,Rubbish,sometimes\n", 2, "policy", InvalidComponent),
    ("services", "id,name\nrefuse,Rubbish\nrefuse,Again\n", 3, "id", InvalidComponent),
    ("services", "id,name\nrefuse," + "x" * 100_000 + "\n", 2, "name", InvalidComponent),
    ("services", "id,name\nrefuse,Rub\x00bish\n", 2, "name", InvalidFormat),
    ("overrides", "round,date,new_date\nR1,2026-12-25,2026-02-30\n", 2, "new_date",
     InvalidComponent),
    ("overrides", "round,service,date\nR1,refuse,2026-12-25\n", 2, "service", InvalidComponent),
    ("overrides", "round,date\nR1,2026-12-25\nR1,25/12/2026\n", 3, "date", InvalidComponent),
    ("overrides", "round,date\nNOPE,2026-12-25\n", 2, "round", InvalidComponent),
    ("overrides", "service,date\n,2026-12-25\n", 2, "round", InvalidComponent),
    ("rounds", "id,service,wekday,reference_date\n", 1, "wekday", InvalidFormat),
    ("rounds", "id,service,reference_date\n", 1, "weekday", InvalidFormat),
    ("rounds", "", 1, None, InvalidFormat),
    ("rounds", "id,id,service,weekday,reference_date\n", 1, "id", InvalidFormat),
    ("rounds", 'id,service,weekday,reference_date\n"R1,refuse,Mon,2026-01-05\n', None, None,
     InvalidFormat),
]


@pytest.mark.parametrize(("kind", "text", "line", "field", "error"), BAD_FILES)
def test_bad_rows_name_their_line_and_leave_the_data_intact(
    store: BinStore, db: Path, kind: str, text: str, line: int | None, field: str | None,
    error: type[ValidationError],
) -> None:
    before = snapshot(db)
    with pytest.raises(error) as caught:
        store.load(**{kind: s(text)})
    if line is not None:
        assert caught.value.line == line, caught.value
    else:
        assert caught.value.line is not None
    if field is not None:
        assert caught.value.field == field, caught.value
    assert snapshot(db) == before


def test_a_bad_second_file_rolls_back_the_first(store: BinStore, db: Path) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError):
        store.load(services=s("id,name\nrefuse,Rubbish\nfood,Food\nglass,Glass\n"),
                   rounds=s("id,service,weekday,reference_date\nR1,refuse,Funday,2026-01-05\n"))
    assert snapshot(db) == before
    with BinStore.open(db) as again:  # a separate connection sees the old data too
        assert again.rounds_for(100040000001) == ("F1", "R1")


def test_a_reload_that_orphans_kept_data_fails(store: BinStore, db: Path) -> None:
    before = snapshot(db)
    with pytest.raises(InvalidComponent, match="R1"):
        store.load(rounds=s("id,service,weekday,reference_date\nF1,food,Mon,2026-01-05\n"))
    with pytest.raises(InvalidComponent, match="food"):
        store.load(services=s("id,name\nrefuse,Rubbish\n"))
    assert snapshot(db) == before


def test_skip_mode_keeps_good_rows_and_reports_bad_ones(store: BinStore) -> None:
    text = ("uprn,usrn,rounds\n100040000001,14200001,\nnope,14200001,\n"
            "100040000005,14200001,MISSING\n100040000006,14200001,R1\n100040000001,,\n")
    report = store.load(properties=s(text), on_error="skip")
    assert report.counts == {"properties": 2}
    assert [(e.line, e.field) for e in report.errors] == [(3, "uprn"), (4, "rounds"), (6, "uprn")]
    assert not report.ok and "skipped 3" in report.summary()
    assert store.rounds_for(100040000006) == ("F1", "R1")
    assert store.rounds_for(100040000002) is None  # the file replaced the table


def test_skip_mode_never_replaces_a_table_with_nothing(store: BinStore, db: Path) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError) as caught:
        store.load(properties=s("uprn\nnope\nalso-nope\n"), on_error="skip")
    assert caught.value.line == 2
    assert snapshot(db) == before
    report = store.load(properties=s("uprn\n"), on_error="skip")  # an empty file is allowed
    assert report.ok and report.counts == {"properties": 0}


def test_bom_case_and_spacing_in_headers(store: BinStore) -> None:
    text = "\ufeffUPRN , USRN,Rounds\r\n100040000009,14200001,\r\n"
    store.load(properties=s(text))
    assert store.rounds_for(100040000009) == ("F1", "R1")


def test_files_by_path_with_progress(store: BinStore, tmp_path: Path) -> None:
    path = tmp_path / "properties.csv"
    path.write_text(PROPERTIES, encoding="utf-8")
    seen: list[int] = []
    store.load(properties=path, progress=seen.append)
    assert sum(seen) == len(PROPERTIES)
    with pytest.raises(InvalidFormat):
        store.load(properties=tmp_path / "missing.csv")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("uprn,usrn\n100040000001,1\n\xe9\xff\n".encode("latin-1"))
    with pytest.raises(InvalidFormat):
        store.load(properties=bad)


def test_unicode_lookalike_digits(store: BinStore) -> None:
    # fullwidth digits are read as ASCII (the UPRN rules); Arabic-Indic digits are refused
    store.load(properties=s("uprn,usrn\n１０００４００００００７,14200001\n"))
    assert store.rounds_for(100040000007) == ("F1", "R1")
    with pytest.raises(InvalidFormat):
        store.load(properties=s("uprn\n١٠٠٠٤٠٠٠٠٠٠٧\n"))


def test_bad_settings(store: BinStore) -> None:
    with pytest.raises(ConfigurationError):
        store.load(division="wales")
    with pytest.raises(ConfigurationError):
        store.load(policy="whenever")
    with pytest.raises(ValidationError) as bad_policy:  # as every load's on_error
        store.load(on_error="ignore")  # type: ignore[arg-type]
    assert bad_policy.value.field == "on_error"


def test_the_sample_files_load_cleanly() -> None:
    files = sample_files()
    with BinStore.memory() as memory:
        report = memory.load(**{k: s(v) for k, v in files.items()})
        assert report.ok and report.properties_assigned == 8
        assert len(memory.round_sets()) >= 5
        assert memory.uprns(limit=2) == [100040000001, 100040000002]
        assert memory.round_set_ids([100040000001, 5]) == {100040000001: memory.round_set_id(
            100040000001)}


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(cells, cells, cells, cells), max_size=4))
def test_arbitrary_property_rows_raise_only_validation_errors(store: BinStore,
                                                              rows: list[tuple[str, ...]]) -> None:
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer)
    writer.writerow(["uprn", "usrn", "rounds", "exclude"])
    writer.writerows(rows)
    for mode in ("fail", "skip"):
        try:
            text = io.StringIO(buffer.getvalue())
            store.load(properties=text, on_error=mode)  # type: ignore[arg-type]
        except ValidationError as exc:
            assert exc.line is not None or exc.field == "references"


def test_skip_mode_keeps_a_bounded_list_of_errors(store: BinStore) -> None:
    from lgds_components.bins.store import MAX_REPORTED_ERRORS

    rows = "".join(f"bad{n}\n" for n in range(MAX_REPORTED_ERRORS + 500))
    report = store.load(properties=s("uprn\n100040000001\n" + rows), on_error="skip")
    assert report.skipped == MAX_REPORTED_ERRORS + 500
    assert len(report.errors) == MAX_REPORTED_ERRORS and report.errors[0].line == 3
    assert f"skipped {MAX_REPORTED_ERRORS + 500:,}" in report.summary()
