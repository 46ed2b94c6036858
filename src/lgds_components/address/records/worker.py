"""Reading records in a second process, so that a store's own work overlaps the reading (internal).

Reading, checking and deriving a record costs about as much Python time as
SQLite then spends storing it, and both hold one core. :class:`WorkerReader`
runs a :class:`~lgds_components.address.records.reader.RecordReader` in a
child Python process (``python -m lgds_components.address.records.worker``:
a fresh interpreter, so the caller's script is never imported again, as
:mod:`multiprocessing` would) and hands the parent its records in batches
through a pipe, so on a machine with two cores or more the two halves of an
SQLite load run side by side. It behaves as the reader it wraps: the same
records, the same counts, the same errors, raised at the same record
(``on_error="fail"``) or counted through the parent's error policy
(``"skip"``). A thread in the child writes its messages to the pipe, so the
child reads on while the parent is busy storing; memory stays bounded: past
:data:`AHEAD` messages waiting to be written, the child waits, and each
message's memory goes back to the system once it is written.

Small loads read in process (:func:`worth_a_worker`): starting a process
costs about half a second.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Final

from lgds_components.address.records.contract import Record
from lgds_components.address.records.processes import (
    can_start,
    frame,
    read_frame,
    start_module,
    write_all,
)
from lgds_components.address.records.reader import RecordReader
from lgds_components.errors import ValidationError
from lgds_components.load_errors import ErrorLog

__all__ = ["AHEAD", "WORKER_BYTES", "WorkerReader", "main", "worth_a_worker"]

#: Sources of at least this many bytes in all are read in a worker process.
WORKER_BYTES: Final = 32 * 1024 * 1024
#: Messages (of 2,000 records, about 0.7 MB pickled) the child holds unwritten at most.
AHEAD: Final = 8
_BATCH = 2000  # records a message
# glibc: messages (larger than 64 KB) get memory of their own, given back when written;
# left to itself, glibc serves them from its heap, which then stays grown (1 million
# rows read for a slow parent: the child's peak 58 MB with this, 66 MB without)
_MMAP_THRESHOLD = "MALLOC_MMAP_THRESHOLD_"


def worth_a_worker(layout: object, sources: Sequence[Path], threshold: int | None = None) -> bool:
    """Whether reading ``sources`` in a worker pays: a layout that says it may be read
    in another process (``parallel = True``: it pickles before reading and keeps
    nothing the caller needs after), two cores or more, a Python interpreter to
    start, and at least ``threshold`` (default :data:`WORKER_BYTES`) bytes to read."""
    if not getattr(layout, "parallel", False):
        return False
    if not can_start():
        return False
    limit = WORKER_BYTES if threshold is None else threshold
    size = 0
    for path in sources:
        try:
            # a folder (of delivered tiles) counts the files in it
            inside = list(path.iterdir()) if path.is_dir() else [path]
            size += sum(item.stat().st_size for item in inside)
        except OSError:
            return False  # the reader will say what is wrong, in process
    return size >= limit


def _send(stream: IO[bytes], *message: Any) -> None:
    write_all(stream, frame(message))


class _Sender:
    """The child's messages, written to ``stream`` by a thread in the order sent.

    A blocking write to a pipe lets other threads run and needs Python only once
    a message, so the reading goes on while the parent has not yet taken what
    was sent; at most :data:`AHEAD` messages wait. A write that fails (the
    parent has gone) is raised by the next :meth:`send` or by :meth:`close`.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._waiting: queue.Queue[bytes | None] = queue.Queue(AHEAD)
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._write, name="lgds-records-sender",
                                        daemon=True)
        self._thread.start()

    def _write(self) -> None:
        try:
            while (data := self._waiting.get()) is not None:
                write_all(self._stream, data)
        except BaseException as exc:  # handed to the sending thread
            self._failed = exc

    def _put(self, data: bytes | None) -> None:
        while True:
            if self._failed is not None:
                raise self._failed
            try:
                self._waiting.put(data, timeout=0.05)
            except queue.Full:
                continue
            return

    def send(self, *message: Any) -> None:
        """Queue ``message`` for writing (waiting while :data:`AHEAD` are queued)."""
        self._put(frame(message))

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        self._put(None)
        self._thread.join()
        if self._failed is not None:
            raise self._failed


def _receive(stream: IO[bytes]) -> tuple[Any, ...] | None:
    try:
        message: tuple[Any, ...] | None = read_frame(stream)
    except EOFError:
        return None  # the child ended part way through a message
    return message


class _InOrder(ErrorLog):
    """The child's error policy: fail as the parent would, or pass each refused record's
    error on in its place among the records (the parent counts and keeps it)."""

    def __init__(self, on_error: str, batch: list[Any]) -> None:
        super().__init__(on_error)
        self.batch = batch

    def reject(self, error: ValidationError) -> None:
        if self.on_error == "fail":
            raise error
        self.batch.append(error)


def main() -> None:
    """The child: read the reader's settings from stdin, send every record to stdout
    in batches (with the errors of the records refused among them, in order)."""
    settings = _receive(sys.stdin.buffer)
    if settings is None:
        return
    layout, sources, statuses, classifications, on_error = settings
    out = _Sender(sys.stdout.buffer)
    batch: list[Any] = []
    reader = RecordReader(layout, sources, statuses=statuses, classifications=classifications,
                          errors=_InOrder(on_error, batch))

    def counts() -> tuple[int, int, int, int]:
        return (reader.rows_read, reader.rows_filtered, layout.bytes_read, layout.bytes_total)

    started = False
    try:
        reader.start()
        out.send("started")
        started = True
        for record in reader:
            batch.append(tuple(record))
            if len(batch) >= _BATCH:
                out.send("records", batch, *counts())
                batch.clear()
        out.send("records", batch, *counts())
        out.send("done")
    except BaseException as exc:
        if started:
            out.send("records", batch, *counts())  # what came before the error, then it
        try:
            out.send("error", exc)
        except Exception:
            out.send("error", RuntimeError(f"the reading process failed: {exc!r}"))
    finally:
        out.close()


class _Progress:
    """The child's layout as the parent sees it: bytes read and to read."""

    def __init__(self, name: str) -> None:
        self.name: str = name
        self.bytes_read: int = 0
        self.bytes_total: int = 0


class WorkerReader:
    """``reader``'s records, read by a child process (see the module docs).

    Offers what a store's load uses of a reader (a
    :class:`~lgds_components.address.records.contract.RecordStream`).
    """

    def __init__(self, reader: RecordReader) -> None:
        self.sources: list[Path] = reader.sources
        self.statuses: frozenset[int] = reader.statuses
        self.classifications: tuple[str, ...] | None = reader.classifications
        self.errors: ErrorLog = reader.errors
        self.rows_read: int = 0
        self.rows_filtered: int = 0
        self._reader = reader
        self.layout: _Progress = _Progress(reader.layout.name)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the child, and wait until it has opened the first source.

        Raises:
            ValidationError: the first source cannot be read or lacks a column.
        """
        if self._process is not None:
            return
        process = self._process = start_module("lgds_components.address.records.worker",
                                               {_MMAP_THRESHOLD: "65536"})
        reader = self._reader
        try:
            with _stream(process.stdin) as settings:
                _send(settings, reader.layout, reader.sources, reader.statuses,
                      reader.classifications, reader.errors.on_error)
            self._next()
        except BaseException:
            self.close()
            raise

    def _next(self) -> tuple[Any, ...]:
        process = self._process
        if process is None:
            raise RuntimeError("the reading process has stopped")
        message = _receive(_stream(process.stdout))
        if message is None:
            code = process.wait()
            raise RuntimeError(f"the reading process ended without a word (exit {code})")
        if message[0] == "error":
            raise message[1]
        return message

    def reject(self, error: ValidationError) -> None:
        """Refuse a record (see :meth:`RecordReader.reject
        <lgds_components.address.records.reader.RecordReader.reject>`)."""
        self.errors.reject(error)

    def __iter__(self) -> Iterator[Record]:
        self.start()
        return self._records()

    def _records(self) -> Iterator[Record]:
        make = Record._make
        try:
            while True:
                message = self._next()
                if message[0] == "done":
                    return
                _, batch, self.rows_read, self.rows_filtered, \
                    self.layout.bytes_read, self.layout.bytes_total = message
                for item in batch:
                    if item.__class__ is tuple:
                        yield make(item)
                    else:
                        self.errors.reject(item)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child (if it is still reading) and wait for it."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()  # still reading: nothing more is wanted of it
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _stream(stream: IO[bytes] | None) -> IO[bytes]:
    """One of the child's pipes (always made: stdin and stdout are pipes)."""
    if stream is None:
        raise RuntimeError("the reading process has no pipe")
    return stream


if __name__ == "__main__":
    main()
