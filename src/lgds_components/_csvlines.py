"""The lines of a CSV file, one at a time, each bounded, numbered on any error (internal).

Python's ``csv`` reader takes whatever lines its source gives it, and a file
gives a whole line however long it is: a file with no newline at all is read
into memory whole, then scanned a character at a time until the field size
limit stops it. The readers here never hold more than one bounded line: a
line longer than :func:`line_limit` characters is refused as soon as that
much of it is read, in time and memory that do not grow with the file.

Each item yielded is one line with its line end, and line *n* is the *n*-th
item, so a ``csv.reader`` over them counts lines as an editor does. Line ends
are ``"\\n"``, ``"\\r\\n"`` or a lone ``"\\r"``, as with ``open(newline="")``.

>>> import io
>>> list(utf8_lines(io.BytesIO(b"\\xef\\xbb\\xbfid,name\\r\\n1,Caf\\xc3\\xa9\\n")))
['id,name\\r\\n', '1,Café\\n']
>>> def first_error(lines):
...     try:
...         list(lines)
...     except InvalidFormat as exc:
...         return str(exc)
>>> first_error(utf8_lines(io.BytesIO(b"id\\n1\\n\\xff\\n")))
'line 3: not UTF-8 text (byte 1 of the line); save the file as CSV UTF-8'
>>> first_error(text_lines(io.StringIO("id\\n" + "x" * 200_000)))
'line 2: longer than 131,072 characters, the most a CSV line may hold'
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from typing import IO, Protocol

from lgds_components.errors import InvalidFormat

__all__ = ["CsvReader", "line_limit", "next_row", "text_lines", "utf8_lines"]

_AFTER_LONE_CR = re.compile(r"(?<=\r)(?!\n)")
_MAX_UTF8_BYTES = 4  # the most bytes one character takes in UTF-8


class CsvReader(Protocol):
    """What :func:`next_row` needs of a ``csv.reader``."""

    @property
    def line_num(self) -> int: ...

    def __next__(self) -> list[str]: ...


def line_limit() -> int:
    """The longest line accepted, in characters: the ``csv`` module's field size limit.

    >>> line_limit() == csv.field_size_limit()
    True
    """
    return csv.field_size_limit()


def utf8_lines(
    raw: IO[bytes], *, progress: Callable[[int], object] | None = None
) -> Iterator[str]:
    """The lines of UTF-8 bytes, each decoded on its own (a BOM before line 1 is skipped).

    Args:
        raw: a binary stream, such as ``open(path, "rb")``.
        progress: called with the number of bytes of each read.

    Raises:
        InvalidFormat: naming the line that is not UTF-8 or is too long.
    """
    limit = line_limit()
    most = _MAX_UTF8_BYTES * limit + 2  # bytes that must hold the longest line and "\r\n"
    number = 0
    while data := raw.readline(most):
        if progress is not None:
            progress(len(data))
        if len(data) == most and not data.endswith(b"\n"):
            raise _too_long(number + 1, limit)
        try:
            text = data.decode("utf-8-sig" if number == 0 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidFormat(
                f"not UTF-8 text (byte {exc.start + 1} of the line); "
                "save the file as CSV UTF-8",
                line=number + 1,
            ) from exc
        for line in _split(text):
            number += 1
            _check_length(line, number, limit)
            yield line


def text_lines(
    stream: IO[str], *, progress: Callable[[int], object] | None = None
) -> Iterator[str]:
    """The lines of a text stream, read no more than one bounded line at a time.

    Args:
        stream: an open text stream (``newline=""`` keeps line ends as written).
        progress: called with the number of characters of each read.

    Raises:
        InvalidFormat: naming the line that is too long.
    """
    limit = line_limit()
    number = 0
    while text := stream.readline(limit + 2):
        if progress is not None:
            progress(len(text))
        for line in _split(text):
            number += 1
            _check_length(line, number, limit)
            yield line


def next_row(reader: CsvReader) -> list[str] | None:
    """The next row of a ``csv.reader`` over these lines, or None at the end.

    Raises:
        InvalidFormat: naming the line the reader stopped on, and the line the
            row started on if that was earlier (an unclosed quote).

    >>> reader = csv.reader(['id,name\\n', '1,"Rubbish\\n', '2,Food\\n'], strict=True)
    >>> next_row(reader)
    ['id', 'name']
    >>> try:
    ...     next_row(reader)
    ... except InvalidFormat as exc:
    ...     print(exc)
    line 3: unexpected end of data (in the row starting on line 2)
    """
    first = reader.line_num + 1
    try:
        return next(reader, None)
    except csv.Error as exc:
        where = "" if reader.line_num == first else f" (in the row starting on line {first})"
        raise InvalidFormat(f"{exc}{where}", line=reader.line_num) from exc


def _split(text: str) -> list[str]:
    """``text`` cut after each lone carriage return (rare: old Mac files)."""
    first = text.find("\r")
    if first < 0 or first == len(text) - 1 or (first == len(text) - 2 and text[-1] == "\n"):
        return [text]
    return [part for part in _AFTER_LONE_CR.split(text) if part]


def _check_length(line: str, number: int, limit: int) -> None:
    if len(line) > limit and len(line.rstrip("\r\n")) > limit:
        raise _too_long(number, limit)


def _too_long(number: int, limit: int) -> InvalidFormat:
    return InvalidFormat(
        f"longer than {limit:,} characters, the most a CSV line may hold",
        line=number,
    )
