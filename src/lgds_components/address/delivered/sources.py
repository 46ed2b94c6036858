"""Where a delivered gazetteer comes from: files, folders, zips of tiles, gzip.

Ordnance Survey supplies AddressBase as many tile files, often zipped, and a
council may hand over one file or a folder. :func:`open_sources` turns what it
is given into an ordered list of :class:`Source` values, one per CSV (a zip
contributes each CSV member; a folder each CSV, ``.csv.gz`` or ``.zip`` in it,
in name order), and :func:`rows` reads one source as CSV rows with their line
numbers, naming the source in every error.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "b.csv").write_text("2,y\\n")
>>> _ = (folder / "a.csv").write_text("1,x\\n")
>>> [pathlib.Path(source.name).name for source in open_sources(folder)]
['a.csv', 'b.csv']
>>> [(line, cells) for line, cells in rows(open_sources(folder / "a.csv")[0])]
[(1, ['1', 'x'])]
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

import attrs

from lgds_components.errors import InvalidFormat, MissingValue, ValidationError

__all__ = ["Source", "open_sources", "rows"]

_DATA = (".csv", ".txt")


@attrs.frozen(slots=True)
class Source:
    """One CSV stream of a delivery.

    Attributes:
        name: how errors name it: the file's path as given, or ``tiles.zip!SX9090.csv``.
        size: its size in bytes once decompressed (for progress).
        opener: opens it as a binary stream (decompressed).
    """

    name: str
    size: int
    opener: Callable[[], IO[bytes]] = attrs.field(repr=False)

    def open(self) -> IO[bytes]:
        """The decompressed bytes of the source."""
        return self.opener()


def _gzip_size(path: Path) -> int:
    """The uncompressed size a gzip file records in its trailer (modulo 4 GiB)."""
    with open(path, "rb") as handle:
        handle.seek(-4, os.SEEK_END)
        return int(struct.unpack("<I", handle.read(4))[0])


def _zip_sources(path: Path, shown: str) -> list[Source]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = sorted((info for info in archive.infolist()
                              if not info.is_dir() and info.filename.lower().endswith(_DATA)),
                             key=lambda info: info.filename)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidFormat(f"{shown} is not a readable zip file: {exc}", field="source") from exc

    def opener(member: str) -> Callable[[], IO[bytes]]:
        def open_member() -> IO[bytes]:
            archive = zipfile.ZipFile(path)
            handle = archive.open(member)
            original_close = handle.close

            def close() -> None:
                original_close()
                archive.close()

            handle.close = close  # type: ignore[method-assign]
            return handle
        return open_member

    return [Source(f"{shown}!{info.filename}", info.file_size, opener(info.filename))
            for info in members]


def _file_sources(path: Path, shown: str) -> list[Source]:
    lower = path.name.lower()
    if lower.endswith(".zip"):
        return _zip_sources(path, shown)
    if lower.endswith(".gz"):
        return [Source(shown, _gzip_size(path), lambda: _gunzipped(path))]
    return [Source(shown, path.stat().st_size, lambda: open(path, "rb"))]


def _gunzipped(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb")  # type: ignore[return-value]


def _wanted(path: Path) -> bool:
    lower = path.name.lower()
    return lower.endswith((*_DATA, ".zip", ".csv.gz", ".txt.gz")) and not path.name.startswith(".")


def open_sources(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Source]:
    """The CSV streams in ``paths`` (one path or several), in the order given;
    a folder gives its CSV, ``.csv.gz`` and zip files in name order.

    Raises:
        ValidationError: a path that does not exist or cannot be read, a folder
            or zip holding no CSV file, or no path at all.
    """
    given = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not given:
        raise MissingValue("give at least one file, folder or zip to load", field="source")
    found: list[Source] = []
    for item in given:
        path = Path(item)
        shown = os.fspath(item)
        if path.is_dir():
            inside = sorted(child for child in path.iterdir() if child.is_file() and _wanted(child))
            if not inside:
                raise MissingValue(f"the folder {shown} holds no CSV, .csv.gz or zip file",
                                   field="source")
            for child in inside:
                found.extend(_file_sources(child, os.path.join(shown, child.name)))
        elif path.is_file():
            sources = _file_sources(path, shown)
            if not sources:
                raise MissingValue(f"the zip {shown} holds no CSV file", field="source")
            found.extend(sources)
        else:
            raise ValidationError(f"cannot read {shown}: no such file or folder", field="source")
    return found


def rows(source: Source) -> Iterator[tuple[int, list[str]]]:
    """The CSV rows of ``source`` with the line each starts on; blank lines are skipped.

    Raises:
        InvalidFormat: a line that is not UTF-8 or not CSV (a NUL byte, an
            unclosed quote), naming the source and line.
    """
    with source.open() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InvalidFormat(f"{source.name}, line {reader.line_num}: not CSV ({exc})",
                                    field="row", line=reader.line_num) from exc
            except UnicodeDecodeError as exc:
                raise InvalidFormat(
                    f"{source.name}, after line {reader.line_num}: not UTF-8 text; "
                    "the products are delivered as UTF-8", field="row",
                    line=reader.line_num + 1) from exc
            if cells and any(cells):
                if "\x00" in "".join(cells):
                    raise InvalidFormat(f"{source.name}, line {line}: not CSV (a NUL character)",
                                        field="row", line=line)
                yield line, cells
            line = reader.line_num + 1
