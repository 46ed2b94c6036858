"""A gazetteer CSV file as numbered rows of cells: decoding, splitting, bounded lines (internal).

:class:`CsvFile` reads a UTF-8 CSV (or ``.csv.gz``) a block at a time and
gives its rows as :meth:`csv.reader <csv.reader>` would (the same cells, the
same errors at the same lines) but several times faster: a line with no
quote, NUL or carriage return (but one at its end) is split at its commas;
any other goes to a ``csv.reader``, with the lines a quoted field runs on into.

Every line is bounded. A line longer than the ``csv`` module's field size
limit (131,072 characters unless changed; :func:`line_limit`) is refused with
its number as soon as that much of it is read (more than four bytes a
character, since one character is at most four bytes of UTF-8): a file with no
newline at all costs one block, not a pass over the whole file. Skipping such
a line (``on_error="skip"``) reads on to its end in blocks, holding none of it.

>>> import io
>>> rows = CsvFile.of(io.BytesIO(b'uprn,street\\r\\n1,"High St, East"\\n\\n2,x\\n'), "a.csv")
>>> rows.header()
['uprn', 'street']
>>> list(rows.rows())
[(2, ['1', 'High St, East']), (3, []), (4, ['2', 'x'])]
>>> long = CsvFile.of(io.BytesIO(b"uprn\\n" + b"9" * 200_000), "b.csv")
>>> long.header(), [(line, error.field) for line, error in long.rows()]  # type: ignore
(['uprn'], [(2, 'row')])
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from lgds_components.errors import InvalidFormat, MissingValue, ValidationError

__all__ = ["BLOCK", "CsvFile", "line_limit"]

#: Bytes read at a time.
BLOCK = 1 << 20
_MAX_UTF8_BYTES = 4
# Stands in for a line too long to hold; a NUL in it sends it down the careful path.
_OVER_LONG = "\x00<a line longer than the limit>"


def line_limit() -> int:
    """The longest line accepted, in characters: the ``csv`` module's field size limit.

    >>> line_limit() == csv.field_size_limit()
    True
    """
    return csv.field_size_limit()


class _LineTooLong(Exception):
    """Raised into a ``csv.reader`` when a quoted field runs into an over-long line."""


class _CountingReader(io.RawIOBase):
    """A raw binary stream that counts the bytes read through it."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner
        self.count = 0

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            self.inner.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size


def _not_utf8(number: int, exc: UnicodeDecodeError) -> InvalidFormat:
    return InvalidFormat(
        f"line {number} is not UTF-8 text (byte {exc.start + 1} of the line); "
        "save the file as CSV UTF-8",
        field="row", line=number,
    )


def _too_long(limit: int) -> str:
    return f"the line is longer than {limit:,} characters, the most a CSV line may hold"


class CsvFile:
    """The rows of one UTF-8 CSV file (see the module docs); close it, or use ``with``.

    Args:
        path: the file; a name ending ``.gz`` is gunzipped as it is read.

    Raises:
        ValidationError: the file cannot be opened (``field="source_csv"``).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path: Path = Path(path)
        self._stack = contextlib.ExitStack()
        try:
            raw = self._stack.enter_context(open(self.path, "rb"))
        except OSError as exc:
            raise ValidationError(
                f"cannot read {self.path}: {exc.strerror or exc}", field="source_csv"
            ) from exc
        self.bytes_total: int = os.fstat(raw.fileno()).st_size
        self._setup(raw, gunzip=self.path.suffix == ".gz")

    @classmethod
    def of(cls, stream: IO[bytes], name: str) -> CsvFile:
        """Read an open binary stream named ``name`` (for tests and examples)."""
        self = object.__new__(cls)
        self.path = Path(name)
        self._stack = contextlib.ExitStack()
        self.bytes_total = 0
        self._setup(stream, gunzip=False)
        return self

    def _setup(self, raw: IO[bytes], *, gunzip: bool) -> None:
        self._counter = self._stack.enter_context(_CountingReader(raw))
        buffered: IO[bytes] = self._stack.enter_context(
            io.BufferedReader(self._counter, buffer_size=1 << 16))
        if gunzip:
            buffered = self._stack.enter_context(
                gzip.GzipFile(fileobj=buffered, mode="rb"))  # type: ignore[arg-type]
        self._raw = buffered
        self.limit: int = line_limit()
        self._unterminated = False  # the last line pulled is the file's, with no "\n"
        self._pushed: str | None = None
        self._pulled = 0  # lines the csv reader took for the current row
        self._lines: Iterator[str] = itertools.chain.from_iterable(self._blocks())
        self._reader = csv.reader(self._feed())
        self._number = 0  # lines read before rows() starts

    @property
    def bytes_read(self) -> int:
        """Bytes read from the file so far (compressed bytes of a ``.gz``)."""
        return self._counter.count

    def on_close(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` when the file is closed."""
        self._stack.callback(callback)

    def close(self) -> None:
        """Close the file."""
        self._stack.close()

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- bytes to lines -------------------------------------------------------------------

    def _blocks(self) -> Iterator[Iterable[str]]:
        """The file's lines (less their "\\n"), a block's worth at a time."""
        most = _MAX_UTF8_BYTES * self.limit + 2  # bytes that hold the longest line and "\r\n"
        number = 0  # lines decoded so far
        tail: list[bytes] = []  # the start of a line that runs past the blocks read
        tail_size = 0
        while block := self._raw.read(BLOCK):
            end = block.rfind(b"\n")
            if end < 0:
                tail.append(block)
                tail_size += len(block)
                if tail_size > most:
                    tail, tail_size = [], 0
                    number += 1
                    yield (_OVER_LONG,)
                    rest = self._skip_line()
                    if rest is None:
                        return
                    end = rest.rfind(b"\n")
                    if end < 0:
                        tail, tail_size = [rest], len(rest)
                        continue
                    yield self._decode(rest[:end], number)
                    number += rest.count(b"\n", 0, end) + 1
                    tail = [rest[end + 1:]]
                    tail_size = len(tail[0])
                continue
            yield self._decode(b"".join((*tail, block[:end])), number)
            number += block.count(b"\n", 0, end) + 1  # (no "\n" in the tail)
            tail = [block[end + 1:]]
            tail_size = len(tail[0])
        if tail_size:
            self._unterminated = True
            yield self._decode(b"".join(tail), number)

    def _skip_line(self) -> bytes | None:
        """Read on past the end of the current line; the bytes after it, or None at the end."""
        while block := self._raw.read(BLOCK):
            start = block.find(b"\n")
            if start >= 0:
                return block[start + 1:]
        return None

    @staticmethod
    def _decode(data: bytes, before: int) -> Iterable[str]:
        """The lines of ``data`` (whole lines, less the last "\\n"), lines ``before`` + 1
        on; if they are not all UTF-8, those before the first that is not, then
        InvalidFormat naming it."""
        try:
            return data.decode("utf-8-sig" if before == 0 else "utf-8").split("\n")
        except UnicodeDecodeError:
            return _decoded_from(data.split(b"\n"), before)

    # -- lines to rows ----------------------------------------------------------------------

    def header(self) -> list[str]:
        """The first row: the column names.

        Raises:
            ValidationError: the file is empty, or its first line is not a CSV row.
        """
        first = next(self._lines, None)
        if first is None:
            raise MissingValue("the CSV is empty", field="header", line=1)
        cells, taken = self._row(first)
        self._number = taken
        if isinstance(cells, ValidationError):
            raise InvalidFormat(cells.message.replace("CSV row", "CSV header"),
                                field="header", line=1) from cells.__cause__
        return cells

    def rows(self) -> Iterator[tuple[int, list[str] | ValidationError]]:
        """``(line, cells)`` for each row after the header (``[]`` for a blank line),
        or ``(line, error)`` for a row that cannot be read; the reading carries on.

        Raises:
            InvalidFormat: a line is not UTF-8 text (naming it).
        """
        number = self._number
        limit = self.limit
        for line in self._lines:
            number += 1
            body = line[:-1] if line[-1:] == "\r" else line
            if '"' in body or "\r" in body or "\x00" in body or len(body) > limit:
                cells, taken = self._row(line)
                yield number, (cells.located(line=number)
                               if isinstance(cells, ValidationError) else cells)
                number += taken - 1
            else:
                yield number, body.split(",") if body else []

    def _row(self, line: str) -> tuple[list[str] | ValidationError, int]:
        """The row starting at ``line``, or the error reading it, and how many lines it took."""
        if line is _OVER_LONG or len(line) > self.limit:
            return InvalidFormat(f"unreadable CSV row: {_too_long(self.limit)}",
                                 field="row"), 1
        self._pushed = line
        self._pulled = 0
        try:
            row: list[str] | ValidationError = next(self._reader)
        except csv.Error as exc:
            row = InvalidFormat(f"unreadable CSV row: {exc}", field="row")
            row.__cause__ = exc
        except _LineTooLong:
            self._reader = csv.reader(self._feed())
            row = InvalidFormat(f"unreadable CSV row: {_too_long(self.limit)}", field="row")
        return row, self._pulled

    def _feed(self) -> Iterator[str]:
        """Lines for the csv reader, the pushed-back one first, with their "\\n"."""
        limit = self.limit
        while True:
            line = self._pushed
            if line is None:
                line = next(self._lines, None)
                if line is None:
                    return
                if line is _OVER_LONG or len(line) > limit:
                    self._pulled += 1
                    raise _LineTooLong
            else:
                self._pushed = None
            self._pulled += 1
            yield line if self._unterminated else line + "\n"


def _decoded_from(lines: list[bytes], before: int) -> Iterator[str]:
    for number, raw in enumerate(lines, start=before + 1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise _not_utf8(number, exc) from exc
