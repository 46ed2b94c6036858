"""loader.CsvRecords: the public reader other stores load through."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.address.loader import ADDRESSBASE_COLUMNS, CsvRecords
from lgds_components.errors import InvalidFormat, MissingValue, ValidationError
from tests.address.conftest import ROWS, street_row, write


def lines_of(path: Path, **options: object) -> tuple[list[int], CsvRecords]:
    with CsvRecords(path, **options) as records:  # type: ignore[arg-type]
        return [line for line, _ in records], records


def test_reads_what_load_stores_with_lines_and_counts(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", ROWS)
    lines, records = lines_of(path)
    assert lines[0] == 2 and len(lines) == records.rows_read - records.rows_filtered
    report = records.report(len(lines), 0.5)
    assert (report.rows_loaded, report.error_count, report.ok) == (len(lines), 0, True)
    progress = records.progress("done", len(lines))
    assert progress.bytes_read == progress.bytes_total == path.stat().st_size


def test_filters_as_load_does(tmp_path: Path) -> None:
    rows = [street_row(1, logical_status="8"), street_row(2, **{"class": "CR"}), street_row(3)]
    path = write(tmp_path / "a.csv", rows)
    lines, records = lines_of(path, statuses=("approved", "historical"), classifications=["R"])
    assert lines == [2, 4] and records.rows_filtered == 1


def test_gzip(tmp_path: Path) -> None:
    plain = write(tmp_path / "a.csv", ROWS)
    packed = tmp_path / "a.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert lines_of(packed)[0] == lines_of(plain)[0]


def test_a_bad_row_fails_with_its_line_or_is_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", [street_row(1), street_row(2) | {"uprn": "12x"},
                                      street_row(3)])
    with pytest.raises(InvalidFormat) as raised, CsvRecords(path) as records:
        list(records)
    assert (raised.value.line, raised.value.field) == (3, "uprn")
    lines, records = lines_of(path, on_error="skip")
    assert lines == [2, 4] and records.error_count == 1 and records.errors[0].line == 3


def test_reject_raises_or_counts(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", [street_row(1)])
    error = InvalidFormat("not for this store", field="uprn", line=2)
    with CsvRecords(path) as records, pytest.raises(InvalidFormat):
        records.reject(error)
    with CsvRecords(path, on_error="skip") as records:
        records.reject(error)
        assert records.report(0, 0.0).errors == (error,)


@pytest.mark.parametrize(
    ("content", "error", "field"),
    [
        (b"", MissingValue, "header"),
        (b"uprn,postcode\n1,EX4 1AA\n", ValidationError, None),
        (b"\xff\xfe\n", InvalidFormat, None),
    ],
)
def test_bad_files_are_refused_on_entering(
    tmp_path: Path, content: bytes, error: type[Exception], field: str | None
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(error) as raised, CsvRecords(path):
        pass
    if field:
        assert raised.value.field == field  # type: ignore[attr-defined]


def test_misuse_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot read"), CsvRecords(tmp_path / "none.csv"):
        pass
    with pytest.raises(ValidationError, match="on_error"):
        CsvRecords(tmp_path / "a.csv", on_error="ignore")
    with pytest.raises(ValidationError, match="logical status"):
        CsvRecords(tmp_path / "a.csv", statuses=["lost"])
    with pytest.raises(RuntimeError, match="with statement"):
        iter(CsvRecords(tmp_path / "a.csv"))


@given(st.lists(st.lists(st.text(max_size=12), min_size=len(ADDRESSBASE_COLUMNS),
                         max_size=len(ADDRESSBASE_COLUMNS)), max_size=5))
def test_arbitrary_cells_only_ever_give_records_or_located_errors(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]
) -> None:
    path = tmp_path_factory.mktemp("any") / "any.csv"
    write(path, [dict(zip(ADDRESSBASE_COLUMNS, row, strict=True)) for row in rows])
    with CsvRecords(path, on_error="skip", statuses=[1, 3, 6, 8]) as records:
        got = list(records)
    assert len(got) + records.error_count + records.rows_filtered == records.rows_read
    assert all(error.line and error.line > 1 for error in records.errors)
