"""Reading a load's records in a worker process gives exactly what reading in process gives."""

from __future__ import annotations

import csv
import random
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from lgds_components.address import Gazetteer
from lgds_components.address.loader import ADDRESSBASE_COLUMNS, reader_for
from lgds_components.address.records import worker
from lgds_components.address.records.worker import WorkerReader, worth_a_worker
from lgds_components.errors import InvalidFormat, MissingValue, ValidationError
from tests.address.conftest import ROWS, street_row, write


@pytest.fixture
def awkward(tmp_path: Path) -> Path:
    """Out of UPRN order part way, with duplicates, bad rows, a filtered row, a Welsh form."""
    rows = [*ROWS,
            street_row(5001, pao_start_number=1), street_row(5001, pao_start_number=1),
            street_row(5002, pao_start_number=2, postcode="QQ1 1QQ"),
            street_row(5003, pao_start_number=3, logical_status=8),
            street_row(1020, pao_start_number=2),  # a duplicate, out of order
            street_row(5004, pao_start_number=4) | {"uprn": "12x"}]
    path = write(tmp_path / "awkward.csv", rows)
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write('5005,"broken\n')
    return path


def stored(path: Path) -> list[Any]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM address ORDER BY id").fetchall()
    finally:
        conn.close()


def load(target: Path, source: Path, monkeypatch: pytest.MonkeyPatch, *, in_worker: bool,
         **options: Any) -> Any:
    monkeypatch.setattr(worker, "WORKER_BYTES", 0 if in_worker else 10**15)
    try:
        return Gazetteer.load(target, source, **options)
    except ValidationError as exc:
        return exc


def test_a_worker_loads_what_reading_in_process_loads(
    tmp_path: Path, awkward: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lgds_components.address import loader

    started: list[WorkerReader] = []

    class Counted(WorkerReader):
        def start(self) -> None:
            started.append(self)
            super().start()

    monkeypatch.setattr(loader, "WorkerReader", Counted)
    progress: dict[bool, list[Any]] = {True: [], False: []}
    reports = {}
    for in_worker in (True, False):
        reports[in_worker] = load(tmp_path / f"{in_worker}.sqlite", awkward, monkeypatch,
                                  in_worker=in_worker, on_error="skip",
                                  progress=progress[in_worker].append)
    assert len({id(reader) for reader in started}) == 1  # the first load only
    one, other = reports[True], reports[False]
    assert (one.rows_read, one.rows_loaded, one.rows_filtered, one.error_count) == (
        other.rows_read, other.rows_loaded, other.rows_filtered, other.error_count)
    assert [(e.line, e.field, e.message) for e in one.errors] == [
        (e.line, e.field, e.message) for e in other.errors]
    assert one.error_count == 5
    assert stored(tmp_path / "True.sqlite") == stored(tmp_path / "False.sqlite")
    last = progress[True][-1]
    assert last.phase == "done" and last.bytes_read == last.bytes_total == awkward.stat().st_size


def test_a_worker_fails_at_the_same_row(tmp_path: Path, awkward: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    raised = [load(tmp_path / "g.sqlite", awkward, monkeypatch, in_worker=in_worker)
              for in_worker in (True, False)]
    assert all(isinstance(error, InvalidFormat) for error in raised)
    assert [(e.line, e.field) for e in raised] == [(len(ROWS) + 3, "uprn")] * 2


def test_a_file_a_worker_cannot_use_fails_on_starting(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["uprn", "postcode"])
    reader = WorkerReader(reader_for(bad, {"format": "addressbase"}))
    with pytest.raises(MissingValue, match="street_description or thoroughfare") as raised:
        reader.start()
    assert raised.value.line == 1
    reader.close()


def test_a_worker_that_dies_is_an_error_not_a_hang(tmp_path: Path) -> None:
    from lgds_components.address.sample import write_csv

    source = tmp_path / "a.csv"
    write_csv(source, 60_000, seed=2)  # more batches than the pipe and the read-ahead hold
    reader = WorkerReader(reader_for(source, {}))
    reader.start()
    process = reader._process  # the test kills the child it started
    assert process is not None
    process.kill()
    with pytest.raises(RuntimeError, match="reading process"):
        list(reader)


def test_small_loads_and_layouts_not_saying_so_read_in_process(tmp_path: Path) -> None:
    source = write(tmp_path / "a.csv", [street_row(1, pao_start_number=1)])
    flat = reader_for(source, {}).layout
    assert not worth_a_worker(flat, [source])
    assert worth_a_worker(flat, [source], threshold=1)
    assert not worth_a_worker(flat, [tmp_path / "missing.csv"], threshold=1)
    assert not worth_a_worker(object(), [source], threshold=1)
    assert len(ADDRESSBASE_COLUMNS) > 20


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs POSIX stop signals")
def test_a_worker_stopped_and_resumed_part_way_through_a_message_loses_nothing(
    tmp_path: Path,
) -> None:
    # Ctrl-Z and fg, or a profiler, stop a process part way through a write to a pipe;
    # such a write returns having written only part of a message.
    from lgds_components.address.sample import write_csv

    source = tmp_path / "a.csv"
    write_csv(source, 60_000, seed=2)
    expected = list(reader_for(source, {}))
    reader = WorkerReader(reader_for(source, {}))
    reader.start()
    process = reader._process  # the test pauses the child it started
    assert process is not None
    done = threading.Event()

    def stop_and_resume() -> None:
        pause = random.Random(7)
        while not done.is_set() and process.poll() is None:
            process.send_signal(signal.SIGSTOP)
            time.sleep(pause.uniform(0.001, 0.01))
            process.send_signal(signal.SIGCONT)
            time.sleep(pause.uniform(0.001, 0.005))

    pauser = threading.Thread(target=stop_and_resume)
    pauser.start()
    try:
        records = list(reader)
    finally:
        done.set()
        pauser.join()
    assert records == expected
