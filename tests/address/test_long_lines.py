"""Over-long lines in a gazetteer CSV (issue 11, item 12, the gazetteer part).

A line with no newline used to be gathered whole before the field size limit
refused it: a 1 GiB newline-free file took minutes and gigabytes. Any line
longer than the limit is now refused as soon as that much of it is read
(``on_error="fail"``), or read past a block at a time and left out
(``"skip"``), in time and memory that do not grow with the line.
"""

from __future__ import annotations

import csv
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lgds_components.address import Gazetteer
from lgds_components.address.loader import ADDRESSBASE_COLUMNS
from lgds_components.errors import InvalidFormat
from tests.address.conftest import street_row, write

LONG = 32 * 1024 * 1024  # a 32 MiB line: memory growing with it shows at once
BOUND = 8 * 1024 * 1024  # what reading past it may hold at most


def _peak(action: Callable[[], Any]) -> tuple[Any, int]:
    """``action()`` and the peak of memory Python allocated meanwhile."""
    tracemalloc.start()
    try:
        try:
            result: Any = action()
        except Exception as exc:  # the caller checks what was raised
            result = exc
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _with_long_line(path: Path, *, newline: bool, after: int = 0) -> Path:
    rows = write(path, [street_row(1, pao_start_number=1)])
    with rows.open("ab") as handle:
        chunk = b"9" * (1024 * 1024)
        for _ in range(LONG // len(chunk)):
            handle.write(chunk)
        if newline:
            handle.write(b"\n")
    if after:
        with rows.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(ADDRESSBASE_COLUMNS),
                                    lineterminator="\n")
            writer.writerows(street_row(n, pao_start_number=n) for n in range(2, 2 + after))
    return rows


def test_a_newline_free_file_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "no-newline.csv"
    with path.open("wb") as handle:
        handle.write(b"9" * LONG)
    raised, peak = _peak(lambda: Gazetteer.load(tmp_path / "g.sqlite", path))
    assert peak < BOUND
    assert isinstance(raised, InvalidFormat) and (raised.line, raised.field) == (1, "header")
    assert "longer than 131,072 characters" in raised.message
    from lgds_components.address.records.lines import BLOCK, CsvFile

    with CsvFile(path) as rows:  # one block read, not the whole file
        with pytest.raises(InvalidFormat):
            rows.header()
        assert rows.bytes_read <= 2 * BLOCK


def test_a_long_last_line_fails_with_its_number_in_bounded_memory(tmp_path: Path) -> None:
    path = _with_long_line(tmp_path / "long.csv", newline=False)
    raised, peak = _peak(lambda: Gazetteer.load(tmp_path / "g.sqlite", path))
    assert peak < BOUND
    assert isinstance(raised, InvalidFormat), raised
    assert (raised.line, raised.field) == (3, "row")
    assert "longer than 131,072 characters" in raised.message


def test_skipping_a_long_line_reads_past_it_in_bounded_memory(tmp_path: Path) -> None:
    path = _with_long_line(tmp_path / "long.csv", newline=True, after=3)
    report, peak = _peak(lambda: Gazetteer.load(tmp_path / "g.sqlite", path, on_error="skip"))
    assert not isinstance(report, Exception), report
    assert (report.rows_read, report.rows_loaded) == (5, 4)
    assert [(error.line, error.field) for error in report.errors] == [(3, "row")]
    assert peak < BOUND
    with Gazetteer.open(tmp_path / "g.sqlite") as gazetteer:
        assert len(gazetteer) == 4


def test_a_line_of_short_fields_longer_than_the_limit_is_refused(tmp_path: Path) -> None:
    columns = (*ADDRESSBASE_COLUMNS, "notes", "more_notes")
    rows = [street_row(1, pao_start_number=1) | {"notes": "a" * 100_000,
                                                  "more_notes": "b" * 40_000},
            street_row(2, pao_start_number=2) | {"notes": "short", "more_notes": ""}]
    path = write(tmp_path / "wide.csv", rows, columns)
    with pytest.raises(InvalidFormat, match="longer than") as raised:
        Gazetteer.load(tmp_path / "g.sqlite", path)
    assert raised.value.line == 2
    report = Gazetteer.load(tmp_path / "g.sqlite", path, on_error="skip")
    assert (report.rows_loaded, [error.line for error in report.errors]) == (1, [2])


def test_a_quoted_field_running_into_a_long_line(tmp_path: Path) -> None:
    good = write(tmp_path / "quoted.csv", [street_row(1, pao_start_number=1)])
    text = good.read_text(encoding="utf-8")
    broken = '2,,,"RD04\n' + "x" * 200_000 + "\n"
    after = "3," + text.splitlines()[1].split(",", 1)[1] + "\n"
    good.write_text(text + broken + after, encoding="utf-8")
    with pytest.raises(InvalidFormat, match="longer than") as raised:
        Gazetteer.load(tmp_path / "g.sqlite", good)
    assert raised.value.line == 3
    report = Gazetteer.load(tmp_path / "g.sqlite", good, on_error="skip")
    assert report.rows_loaded == 2 and [error.line for error in report.errors] == [3]
