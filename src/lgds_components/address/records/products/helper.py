"""Helper processes for big multi-record supplies: staging half, assembling half (internal).

Reading and checking each record of an AddressBase Premium or DTF supply, and
assembling each address from the staged records, is Python work on one core.
Two helpers share it with a second core:

- **Staging.** A supply of many tiles of :data:`HELPER_BYTES` or more in all
  is cut in two by size: this process stages the first tiles, a helper process
  (``python -m lgds_components.address.records.products.helper``: a fresh
  interpreter, as the record reader's worker) stages the rest into a store file
  of its own beside the records store, keeping the errors of the records it
  could not read there too, in order. Then the helper's records are copied into
  the records store (in SQLite, one statement a table) and its errors given
  after this process's own, so the records, their order and the errors are
  those of staging every tile in one process.
- **Assembling** (:func:`assembled_rows`). A records store of
  :data:`HELPER_BYTES` or more is assembled in two UPRN ranges at once: this
  process the lowest UPRNs (:data:`OWN_SHARE` of the LPIs), a helper the rest
  into a spool file beside the store (pickled batches of flat rows and errors,
  on disk, not in memory), read back once this process's range is done: the
  rows and errors, in order, of assembling the whole store in one process.
"""

from __future__ import annotations

import contextlib
import itertools
import pickle
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from lgds_components.address.records.processes import (
    can_start,
    frame,
    read_frame,
    start_module,
    write_all,
)
from lgds_components.address.records.products.sources import Source
from lgds_components.address.records.products.staging import TABLES, FlatRow, RecordsStore
from lgds_components.errors import ValidationError

__all__ = ["HELPER_BYTES", "OWN_SHARE", "AssemblyHelper", "StagingHelper", "assembled_rows",
           "helper_cut", "main"]

#: Supplies (in two tiles or more) and records stores of at least this many bytes
#: are staged, and assembled, by two processes.
HELPER_BYTES: Final = 64 * 1024 * 1024
#: The share of the UPRNs a process assembles itself when a helper assembles the rest:
#: less than half, as the record reader checks every record in that process after.
OWN_SHARE: Final = 1 / 3
_BATCH = 2000  # flat rows a spooled batch


def _start(job: tuple[object, ...]) -> subprocess.Popen[bytes]:
    """A helper process, sent its ``job``."""
    process = start_module("lgds_components.address.records.products.helper")
    stdin = process.stdin
    if stdin is None:
        raise RuntimeError("the helper process has no pipe")
    with stdin:
        write_all(stdin, frame(job))
    return process


def _outcome(process: subprocess.Popen[bytes]) -> tuple[str, Any]:
    """Wait for a helper: ``("done", its answer)`` or ``("failed", the exception)``."""
    if process.stdout is None:
        raise RuntimeError("the helper process has no pipe")
    with process.stdout:
        try:
            outcome: tuple[str, Any] | None = read_frame(process.stdout)
        except EOFError:
            outcome = None
    if outcome is None:
        outcome = ("failed", RuntimeError(
            f"the helper process ended without a word (exit {process.wait()})"))
    process.wait()
    return outcome


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def helper_cut(sources: Sequence[Source], threshold: int | None = None) -> int:
    """Where the helper's tiles start (``len(sources)``: no helper): the cut nearest
    half the bytes, for a supply of two tiles or more and ``threshold`` bytes (default
    :data:`HELPER_BYTES`), on a machine with two cores or more and a Python
    interpreter to start."""
    sizes = [source.size for source in sources]
    total = sum(sizes)
    limit = HELPER_BYTES if threshold is None else threshold
    if len(sources) < 2 or total < limit or not can_start():
        return len(sources)
    best, gap, before = 1, float(total), 0
    for cut in range(1, len(sources)):
        before += sizes[cut - 1]
        if abs(2 * before - total) < gap:
            best, gap = cut, abs(2 * before - total)
    return best


class StagingHelper:
    """A helper process staging ``sources`` (their ids in the records store ``ids``)
    into ``path``; :meth:`merge_into` waits for it and takes its records and errors."""

    def __init__(self, product: object, sources: Sequence[Source], ids: Sequence[int],
                 path: Path) -> None:
        self.path: Path = path
        self.bytes: int = sum(source.size for source in sources)
        self._process: subprocess.Popen[bytes] | None = _start(
            ("stage", product, list(sources), list(ids), str(path)))

    def merge_into(self, store: RecordsStore,
                   counts: dict[str, int]) -> Iterator[ValidationError]:
        """Wait for the helper, copy its records into ``store`` (inside the store's open
        transaction), add its counts to ``counts`` and yield its errors in order.

        Raises:
            ValidationError: what stopped the helper (a file it could not read).
        """
        process, self._process = self._process, None
        if process is None:
            raise RuntimeError("the staging helper has stopped")
        kind, value = _outcome(process)
        conn = store.conn
        conn.execute("COMMIT")
        conn.execute("ATTACH DATABASE ? AS part", (str(self.path),))
        try:
            if kind == "done":
                conn.execute("BEGIN")
                for table in TABLES:
                    conn.execute(f"INSERT INTO main.{table} SELECT * FROM part.{table}")
                conn.execute("COMMIT")
            if conn.execute("SELECT 1 FROM part.sqlite_master WHERE name = 'errors'").fetchone():
                errors = conn.execute("SELECT error FROM part.errors ORDER BY rowid")
                with contextlib.closing(errors):
                    for (error,) in errors:
                        yield pickle.loads(error)
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.execute("DETACH DATABASE part")
            conn.execute("BEGIN")
        if kind != "done":
            raise value
        for record, count in value.items():
            counts[record] = counts.get(record, 0) + count

    def close(self) -> None:
        """Stop the helper if it still runs, and remove its store file."""
        process, self._process = self._process, None
        _stop(process)
        self.path.unlink(missing_ok=True)


class AssemblyHelper:
    """A helper process assembling the UPRNs above ``after`` of the records store at
    ``store`` into the spool file ``spool``; :meth:`rows` waits for it and reads them."""

    def __init__(self, store: Path, after: int, spool: Path) -> None:
        self.spool: Path = spool
        self._process: subprocess.Popen[bytes] | None = _start(
            ("assemble", str(store), after, str(spool)))

    def rows(self) -> Iterator[FlatRow | ValidationError]:
        """The flat rows and errors of the helper's UPRNs, in order.

        Raises:
            Exception: what stopped the helper.
        """
        process, self._process = self._process, None
        if process is None:
            raise RuntimeError("the assembling helper has stopped")
        kind, value = _outcome(process)
        if kind != "done":
            raise value
        with self.spool.open("rb") as spool:
            while (batch := read_frame(spool)) is not None:
                yield from batch

    def close(self) -> None:
        """Stop the helper if it still runs, and remove its spool file."""
        process, self._process = self._process, None
        _stop(process)
        self.spool.unlink(missing_ok=True)


def assembled_rows(store: RecordsStore, threshold: int | None = None
                   ) -> Iterator[FlatRow | ValidationError]:
    """The store's flat rows and errors in UPRN order (see :meth:`.RecordsStore.flat_rows`),
    the higher UPRNs assembled by a helper process when the store file holds ``threshold``
    (default :data:`HELPER_BYTES`) bytes or more on a machine with two cores or more.
    The store must hold no uncommitted change (the helper reads the file)."""
    limit = HELPER_BYTES if threshold is None else threshold
    cut = store.uprn_at(OWN_SHARE) if can_start() and store.path.stat().st_size >= limit \
        else None
    if cut is None:
        yield from store.flat_rows()
        return
    helper = AssemblyHelper(store.path, cut, store.path.with_name(store.path.name + ".rows"))
    try:
        yield from store.flat_rows(upto=cut)
        yield from helper.rows()
    finally:
        helper.close()


def _stage(product: object, sources: Sequence[Source], ids: Sequence[int],
           path: str) -> dict[str, int]:
    """Stage ``sources`` into a fresh store at ``path``, the errors kept in order in
    its ``errors`` table; the counts of the records read."""
    from lgds_components.address.records.products.multi import Product, stage_part

    if not isinstance(product, Product):
        raise TypeError(f"not a product: {product!r}")
    store = RecordsStore(path, fresh=True)
    try:
        store.conn.execute("CREATE TABLE errors (error BLOB)")
        counts: dict[str, int] = {}
        for error in stage_part(product, sources, ids, store, counts):
            store.conn.execute("INSERT INTO errors VALUES (?)",
                               (pickle.dumps(error, protocol=pickle.HIGHEST_PROTOCOL),))
    finally:  # what was staged, and the errors before a failure, are kept
        if store.conn.in_transaction:
            store.conn.execute("COMMIT")
        store.close()
    return counts


def _assemble(path: str, after: int, spool: str) -> None:
    """Write the flat rows and errors of the UPRNs above ``after`` in the store at
    ``path`` to ``spool``, in pickled batches."""
    store = RecordsStore(path, fresh=False)
    # its scans read the store in order: a small page cache does (three processes are
    # running now, within the load's memory budget)
    store.conn.execute("PRAGMA cache_size = -16384")
    try:
        with open(spool, "wb") as out:
            rows = store.flat_rows(after=after)
            while batch := list(itertools.islice(rows, _BATCH)):
                out.write(frame(batch))
    finally:
        store.close()


def main() -> None:
    """The helper: do the job it is sent (``("stage", product, sources, ids, path)``
    or ``("assemble", store, after, spool)``) and answer ``("done", answer)`` or
    ``("failed", exception)``."""
    job = read_frame(sys.stdin.buffer)
    out = sys.stdout.buffer
    try:
        if job[0] == "stage":
            outcome: tuple[str, object] = ("done", _stage(*job[1:]))
        else:
            _assemble(*job[1:])
            outcome = ("done", None)
    except BaseException as exc:  # every failure goes back to the parent
        outcome = ("failed", exc)
    try:
        answer = frame(outcome)
    except Exception as exc:  # an exception that does not pickle
        answer = frame(("failed", RuntimeError(f"the helper process failed: {exc!r}")))
    write_all(out, answer)


if __name__ == "__main__":
    main()
