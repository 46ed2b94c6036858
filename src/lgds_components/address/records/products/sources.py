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

import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import attrs

from lgds_components.address.records.lines import CsvFile
from lgds_components.errors import InvalidFormat, MissingValue, ValidationError

__all__ = ["DeliveryProgress", "Source", "open_sources", "rows"]

_DATA = (".csv", ".txt")


@attrs.frozen(slots=True)
class Source:
    """One CSV stream of a delivery.

    Attributes:
        name: how errors name it: the file's path as given, or ``tiles.zip!SX9090.csv``.
        size: its size in bytes as :meth:`open` counts them (on disk for a file or
            ``.gz``, decompressed for a zip member), for progress.
        opener: opens it as CSV rows.
    """

    name: str
    size: int
    opener: Callable[[], CsvFile] = attrs.field(repr=False)

    def open(self) -> CsvFile:
        """The source's rows (close the result)."""
        return self.opener()


@attrs.define
class DeliveryProgress:
    """Bytes read so far across the sources of a delivery."""

    done: int = 0
    current: CsvFile | None = None

    @property
    def bytes_read(self) -> int:
        """Bytes of the finished sources plus those of the one being read."""
        return self.done + (self.current.bytes_read if self.current is not None else 0)


def _zip_sources(path: Path, shown: str) -> list[Source]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = sorted((info for info in archive.infolist()
                              if not info.is_dir() and info.filename.lower().endswith(_DATA)),
                             key=lambda info: info.filename)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidFormat(f"{shown} is not a readable zip file: {exc}", field="source") from exc

    return [Source(f"{shown}!{info.filename}", info.file_size,
                   _Member(path, info.filename, f"{shown}!{info.filename}")) for info in members]


@attrs.frozen
class _File:
    """Opens a file (a picklable opener: a source may be read in another process)."""

    path: Path

    def __call__(self) -> CsvFile:
        return CsvFile(self.path)


@attrs.frozen
class _Member:
    """Opens a zip's member (picklable, as :class:`_File`)."""

    path: Path
    member: str
    name: str

    def __call__(self) -> CsvFile:
        archive = zipfile.ZipFile(self.path)
        rows = CsvFile.of(archive.open(self.member), self.name)
        rows.on_close(archive.close)
        return rows


def _file_sources(path: Path, shown: str) -> list[Source]:
    if path.name.lower().endswith(".zip"):
        return _zip_sources(path, shown)
    return [Source(shown, path.stat().st_size, _File(path))]


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


def rows(source: Source, progress: DeliveryProgress | None = None
         ) -> Iterator[tuple[int, list[str] | ValidationError]]:
    """The CSV rows of ``source`` with the line each starts on (blank lines left
    out), or ``(line, error)`` for a row that cannot be read (the error names
    the source); reading carries on after it.

    Raises:
        InvalidFormat: a line that is not UTF-8 (the rest of the file cannot be read).
    """
    with source.open() as csv_file:
        if progress is not None:
            progress.current = csv_file
        try:
            for line, cells in csv_file.rows():
                if isinstance(cells, ValidationError):
                    yield line, cells.located(line=line, source=source.name)
                elif joined := "".join(cells):  # not a blank row
                    if "\x00" in joined:
                        yield line, InvalidFormat("the row holds a NUL character, which CSV "
                                                  "text cannot", field="row", line=line,
                                                  source=source.name)
                    else:
                        yield line, cells
        except ValidationError as error:
            raise error.located(source=source.name) from error
        finally:
            if progress is not None:
                progress.done += csv_file.bytes_read
                progress.current = None
