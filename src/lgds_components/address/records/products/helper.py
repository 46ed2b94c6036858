"""Staging the second half of a big multi-record supply in a helper process (internal).

Reading and checking each record of an AddressBase Premium or DTF supply is
Python work on one core. A supply of many tiles of :data:`HELPER_BYTES` or
more in all is cut in two by size: this process stages the first tiles, a
helper process (``python -m lgds_components.address.records.products.helper``:
a fresh interpreter, as the record reader's worker) stages the rest into a
store file of its own beside the records store, keeping the errors of the
records it could not read there too, in order. Then the helper's records are
copied into the records store (in SQLite, one statement a table) and its errors
given after this process's own, so the records, their order and the errors are
those of staging every tile in one process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from lgds_components.address.records.products.sources import Source
from lgds_components.address.records.products.staging import TABLES, RecordsStore
from lgds_components.errors import ValidationError

__all__ = ["HELPER_BYTES", "StagingHelper", "helper_cut", "main"]

#: Supplies of at least this many bytes, in two tiles or more, are staged by two processes.
HELPER_BYTES: Final = 64 * 1024 * 1024


def helper_cut(sources: Sequence[Source], threshold: int | None = None) -> int:
    """Where the helper's tiles start (``len(sources)``: no helper): the cut nearest
    half the bytes, for a supply of two tiles or more and ``threshold`` bytes (default
    :data:`HELPER_BYTES`), on a machine with two cores or more and a Python
    interpreter to start."""
    sizes = [source.size for source in sources]
    total = sum(sizes)
    limit = HELPER_BYTES if threshold is None else threshold
    if len(sources) < 2 or total < limit or (os.cpu_count() or 1) < 2 or \
            not Path(sys.executable).name.startswith("python"):
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
        environment = {**os.environ,
                       "PYTHONPATH": os.pathsep.join(entry for entry in sys.path if entry)}
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "lgds_components.address.records.products.helper"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment)
        stdin = self._process.stdin
        if stdin is None:
            raise RuntimeError("the staging helper has no pipe")
        with stdin:
            pickle.dump((product, list(sources), list(ids), str(path)), stdin,
                        protocol=pickle.HIGHEST_PROTOCOL)

    def merge_into(self, store: RecordsStore,
                   counts: dict[str, int]) -> Iterator[ValidationError]:
        """Wait for the helper, copy its records into ``store`` (inside the store's open
        transaction), add its counts to ``counts`` and yield its errors in order.

        Raises:
            ValidationError: what stopped the helper (a file it could not read).
        """
        process, self._process = self._process, None
        if process is None or process.stdout is None:
            raise RuntimeError("the staging helper has stopped")
        with process.stdout:
            try:
                outcome: tuple[str, Any] = pickle.load(process.stdout)
            except EOFError:
                outcome = ("failed", RuntimeError(
                    f"the staging helper ended without a word (exit {process.wait()})"))
        process.wait()
        kind, value = outcome
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
        if process is not None:
            process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()
        self.path.unlink(missing_ok=True)


def main() -> None:
    """The helper: stage the sources it is sent into a fresh store at the path it is
    sent, the errors kept in order in its ``errors`` table; answer with the counts."""
    from lgds_components.address.records.products.multi import stage_part

    product, sources, ids, path = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    try:
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
        outcome: tuple[str, object] = ("done", counts)
    except BaseException as exc:  # every failure goes back to the parent
        outcome = ("failed", exc)
    try:
        pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an exception that does not pickle
        pickle.dump(("failed", RuntimeError(f"the staging helper failed: {exc!r}")), out)
    out.flush()


if __name__ == "__main__":
    main()
