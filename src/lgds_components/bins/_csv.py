"""Reading council CSV files row by row, with line numbers on every error (internal)."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any, TypeAlias, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from lgds_components._csvlines import CsvReader, next_row, text_lines, utf8_lines
from lgds_components.errors import InvalidComponent, InvalidFormat, MissingValue, ValidationError

__all__ = [
    "CsvSource",
    "Progress",
    "clean_text",
    "opened",
    "parse_date",
    "parse_id",
    "parse_id_list",
    "read_rows",
    "row_model",
]

CsvSource: TypeAlias = "str | os.PathLike[str] | IO[str]"
"""A path to a CSV file, or an open text stream."""

Progress: TypeAlias = Callable[[int], None]
"""Called with the amount read since the last call: bytes of a file, characters of a stream."""

M = TypeVar("M", bound=BaseModel)

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LIST_SPLIT = re.compile(r"[;|\s]+")


def clean_text(value: object, *, field: str, max_length: int = 200, required: bool = False) -> str:
    """Strip ``value``; refuse control characters and overlong text."""
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise MissingValue(f"Enter the {field.replace('_', ' ')}", field=field)
        return ""
    if len(text) > max_length:
        raise InvalidComponent(
            f"{field.replace('_', ' ').capitalize()} must be {max_length} characters or fewer",
            field=field,
        )
    if _CONTROL.search(text):
        raise InvalidFormat(
            f"{field.replace('_', ' ').capitalize()} must not contain control characters",
            field=field,
        )
    return text


def parse_id(value: object, *, field: str) -> str:
    """A short key: letters, digits, ``_``, ``.`` and ``-``, up to 64 characters.

    >>> parse_id(" REF-MON-A ", field="round")
    'REF-MON-A'
    """
    text = "" if value is None else str(value).strip()
    if not text:
        raise MissingValue(f"Enter the {field.replace('_', ' ')}", field=field)
    if not _ID.fullmatch(text):
        raise InvalidFormat(
            f"{field.replace('_', ' ').capitalize()} must be up to 64 letters, numbers, "
            "hyphens, dots or underscores",
            field=field,
        )
    return text


def parse_id_list(value: object, *, field: str) -> tuple[str, ...]:
    """Keys separated by semicolons, bars or spaces; ``()`` for a blank cell.

    >>> parse_id_list("REF-MON-A; REC-MON-B", field="rounds")
    ('REF-MON-A', 'REC-MON-B')
    """
    text = "" if value is None else str(value).strip()
    if not text:
        return ()
    items = [parse_id(part, field=field) for part in _LIST_SPLIT.split(text) if part]
    return tuple(dict.fromkeys(items))


def parse_date(value: object, *, field: str, required: bool = True) -> date | None:
    """A date written ``2026-12-25`` or ``25/12/2026``.

    >>> parse_date("25/12/2026", field="date"), parse_date("2026-12-25", field="date")
    (datetime.date(2026, 12, 25), datetime.date(2026, 12, 25))
    """
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise MissingValue(f"Enter the {field.replace('_', ' ')}", field=field)
        return None
    iso = _ISO.fullmatch(text)
    uk = _UK.fullmatch(text) if iso is None else None
    if iso is None and uk is None:
        raise InvalidFormat(
            f"{field.replace('_', ' ').capitalize()} must be a date like 25/12/2026 or 2026-12-25",
            field=field,
        )
    if iso is not None:
        year, month, day = (int(part) for part in iso.groups())
    elif uk is not None:
        day, month, year = (int(part) for part in uk.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise InvalidComponent(
            f"{field.replace('_', ' ').capitalize()} must be a real date", field=field
        ) from exc


def row_model(model: type[M], row: dict[str, Any], line: int) -> M:
    """Validate one CSV row; raise the library's ValidationError naming the line and field."""
    try:
        return model.model_validate(row)
    except PydanticError as exc:
        raise _convert(exc, line) from exc


def _convert(exc: PydanticError, line: int) -> ValidationError:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ())) or None
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, ValidationError):
        return cause.located(field=cause.field or field, line=line)
    if first.get("type") == "missing":
        return MissingValue(f"Enter the {(field or 'value').replace('_', ' ')}",
                            field=field, line=line)
    return InvalidFormat(first.get("msg", "Invalid value"), field=field, line=line)


@contextmanager
def opened(source: CsvSource, progress: Progress | None = None) -> Iterator[Iterator[str]]:
    """The lines of ``source``: a path read as UTF-8 a line at a time (a BOM is
    skipped), or a text stream; each line bounded (see :mod:`lgds_components._csvlines`)."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise InvalidFormat(f"cannot open {path.name}: {exc.strerror or exc}",
                                field=str(path)) from exc
        with stream:
            yield utf8_lines(stream, progress=progress)
    else:
        yield text_lines(source, progress=progress)


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())


def read_rows(
    lines: Iterable[str],
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    name: str = "CSV file",
) -> Iterator[tuple[int, dict[str, str] | ValidationError]]:
    """Yield ``(line, row)`` for each data row of ``lines``, checking the header first.

    Header names are matched without regard to case, spaces or hyphens.
    Blank lines are skipped. A row with more cells than the header is yielded
    as an InvalidFormat error in place of the row, so the caller may skip it.
    Raises InvalidFormat with the line number for a missing or unknown column
    or for text that cannot be read at all (a broken quote, bad UTF-8, a line
    too long).

    >>> rows = read_rows(["ID,Name\\n", "\\n", "1,Rubbish\\n"], required=("id", "name"))
    >>> list(rows)
    [(3, {'id': '1', 'name': 'Rubbish'})]
    """
    reader = csv.reader(lines, strict=True)
    header = _header(_next_row(reader, name), name, required, optional)
    width = len(header)
    while (cells := _next_row(reader, name)) is not None:
        line = reader.line_num
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) > width:
            yield line, InvalidFormat(
                f"{name}: this row has {len(cells)} cells but the header has {width}",
                line=line,
            )
            continue
        yield line, dict(zip(header, cells, strict=False))


def _next_row(reader: CsvReader, name: str) -> list[str] | None:
    """The next row, or None at the end; InvalidFormat naming the file and line if unreadable."""
    try:
        return next_row(reader)
    except ValidationError as exc:
        raise InvalidFormat(f"{name}: {exc.message}", line=exc.line) from exc


def _header(
    cells: list[str] | None, name: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> list[str]:
    """The normalised header; InvalidFormat if it is missing, unknown, short or repeated."""
    if cells is None:
        raise InvalidFormat(f"{name} is empty; it needs a header row", line=1)
    header = [_normalise_header(cell) for cell in cells]
    allowed = set(required) | set(optional)
    unknown = [h for h in header if h not in allowed]
    if unknown:
        raise InvalidFormat(
            f"{name} has unknown column {unknown[0]!r}; its columns can be: "
            f"{', '.join((*required, *optional))}",
            line=1, field=unknown[0],
        )
    missing = [column for column in required if column not in header]
    if missing:
        raise InvalidFormat(f"{name} has no {missing[0]!r} column", line=1, field=missing[0])
    if len(set(header)) != len(header):
        duplicate = next(h for h in header if header.count(h) > 1)
        raise InvalidFormat(f"{name} has the column {duplicate!r} twice", line=1,
                            field=duplicate)
    return header
