"""Reading a delivered gazetteer: full supplies and change-only updates.

:func:`read` opens what it is given (files, folders, zips of tiles), tells the
product from the first line unless ``format`` names it, and yields each UPRN's
flat records as an :class:`~.flat.Entry`. Multi-record products are staged in a
SQLite file on disk and assembled in UPRN order; the staging file is kept at
``records_path`` when given, so that a later change-only update can be applied
to it (:func:`changes`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

import attrs

from lgds_components.address.records.products import multi
from lgds_components.address.records.products.detect import FORMATS, detect
from lgds_components.address.records.products.flat import Entry, read_core, read_plus
from lgds_components.address.records.products.layouts import RecordLayout
from lgds_components.address.records.products.record import Flat, Where
from lgds_components.address.records.products.sources import (
    DeliveryProgress,
    Source,
    open_sources,
    rows,
)
from lgds_components.address.records.products.staging import FlatRow, RecordsStore
from lgds_components.errors import InvalidFormat, MissingValue, ValidationError

__all__ = ["ChangeSet", "Delivery", "changes", "read", "strict"]

PathArg = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]
_T = TypeVar("_T")


def _format(sources: list[Source], format: str | None) -> str:
    if format is not None:
        if format not in FORMATS:
            raise InvalidFormat(f"format must be one of {', '.join(FORMATS)}, not {format!r}",
                                field="format")
        return format
    found = {source.name: detect(source) for source in sources}
    kinds = set(found.values())
    if len(kinds) > 1:
        listed = "; ".join(f"{name}: {kind}" for name, kind in list(found.items())[:6])
        raise InvalidFormat(f"the files are of different products ({listed})", field="format")
    kind = kinds.pop()
    if kind not in FORMATS:
        raise InvalidFormat(f"{sources[0].name} is a flat {kind} CSV; load it with "
                            f"format={kind!r}, not as a delivered product", field="format")
    return kind


def _dtf_product(sources: list[Source],
                 layouts: Mapping[str, RecordLayout] | None) -> multi.Product:
    product = multi.DTF_8_1
    for _line, cells in rows(sources[0]):
        if isinstance(cells, ValidationError):
            raise cells
        if cells[0].strip() == "10" and len(cells) > 7 and cells[7].strip().startswith("7"):
            product = multi.DTF_7_3
        break
    if layouts:
        product = attrs.evolve(product, layouts={**product.layouts, **layouts})
    return product


def _product(format: str, sources: list[Source],
             layouts: Mapping[str, RecordLayout] | None) -> multi.Product:
    if format == "dtf":
        return _dtf_product(sources, layouts)
    product = multi.PREMIUM
    if layouts:
        product = attrs.evolve(product, layouts={**product.layouts, **layouts})
    return product


@attrs.define
class Delivery:
    """A full supply being read; iterate :meth:`entries` once.

    Attributes:
        format: the product (one of :data:`~.detect.FORMATS`).
        sources: the CSV streams, in reading order.
        counts: records read by record type (multi-record products), filled as it reads.
    """

    format: str
    sources: list[Source]
    records_path: Path | None = None
    layouts: Mapping[str, RecordLayout] | None = None
    progress: DeliveryProgress = attrs.field(factory=DeliveryProgress)
    counts: dict[str, int] = attrs.field(factory=dict)
    store: RecordsStore | None = None

    @property
    def bytes_total(self) -> int:
        """The size of every source, decompressed."""
        return sum(source.size for source in self.sources)

    def entries(self) -> Iterator[Entry | ValidationError]:
        """Each UPRN's records (flat products: each row's), or an error in place of
        a row or record that cannot be read."""
        if self.format in ("addressbase-plus", "addressbase-core"):
            reader = read_plus if self.format == "addressbase-plus" else read_core
            for source in self.sources:
                yield from reader(source, self.progress)
            return
        yield from self._assembled(_entries)

    def flat_rows(self) -> Iterator[FlatRow | ValidationError]:
        """Each flat record as a plain tuple (:data:`~.staging.FlatRow`: its values,
        line and source), or an error in place of a row or record that cannot be
        read; a big multi-record supply is assembled by two processes
        (:func:`~.helper.assembled_rows`)."""
        if self.format in ("addressbase-plus", "addressbase-core") or self.store is not None:
            for entry in self.entries():  # (an update's store is not committed yet)
                if isinstance(entry, ValidationError):
                    yield entry
                    continue
                for record in entry.records:
                    yield (*record.values, record.where.line, record.where.source)
            return
        from lgds_components.address.records.products.helper import assembled_rows

        yield from self._assembled(assembled_rows)

    def _assembled(self, assemble: Callable[[RecordsStore], Iterator[_T]]
                   ) -> Iterator[_T | ValidationError]:
        """``assemble`` of the records store, staged from the sources first (with the
        errors of the records that cannot be staged); the store is closed after
        and, unless kept at ``records_path``, removed."""
        if self.store is not None:  # already staged (an update being applied)
            yield from assemble(self.store)
            return
        product = _product(self.format, self.sources, self.layouts)
        with contextlib.ExitStack() as stack:
            path = self.records_path
            if path is None:
                folder = tempfile.mkdtemp(prefix="lgds-staging-")
                stack.callback(shutil.rmtree, folder, ignore_errors=True)
                path = Path(folder) / "records.sqlite"
            store = RecordsStore(path, fresh=True)
            stack.callback(store.close)
            yield from multi.stage_full(product, self.sources, store, self.counts, self.progress)
            store.conn.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (self.format,))
            yield from assemble(store)


def read(paths: PathArg, format: str | None = None, *, records_path: str | os.PathLike[str]
         | None = None, layouts: Mapping[str, RecordLayout] | None = None) -> Delivery:
    """Open a full supply: one file, several, a folder or a zip of tiles.

    Args:
        paths: what to read.
        format: one of :data:`~.detect.FORMATS`; detected from the first line if omitted.
        records_path: where to keep the staging store of a multi-record product
            (needed later by :func:`changes`); a temporary file if omitted.
        layouts: record layouts replacing the built-in ones, by record identifier
            (for a DTF export whose field order differs).

    Raises:
        ValidationError: a path that cannot be read, a format that cannot be told.
    """
    sources = open_sources(paths)
    kind = _format(sources, format)
    return Delivery(kind, sources, Path(records_path) if records_path else None, layouts)


@attrs.frozen
class ChangeSet:
    """A change-only update being applied (see :func:`changes`).

    Attributes:
        format: the product.
        entries: each UPRN the update touches: ``"insert"`` (new), ``"update"``
            (its records replaced) or ``"delete"`` (no address left).
        store: for Premium and DTF, the records store with the update applied
            (not yet committed): a full delivery can be assembled from it.
    """

    format: str
    entries: Iterator[Entry]
    store: RecordsStore | None = None

    def delivery(self) -> Delivery:
        """The whole updated supply, assembled from the records store."""
        if self.store is None:
            raise MissingValue(f"an update to {self.format} has no records store to rebuild "
                               "from", field="records_path")
        return Delivery(self.format, [], store=self.store)


@contextlib.contextmanager
def changes(paths: PathArg, records_path: str | os.PathLike[str] | None,
            format: str | None = None, *, layouts: Mapping[str, RecordLayout] | None = None,
            ) -> Iterator[ChangeSet]:
    """Read a change-only update as entries, all or nothing.

    For AddressBase Plus and Core each row is an entry (its CHANGE_TYPE or
    CHANGE_CODE the action; ``records_path`` is not used). For Premium and DTF
    the update's records are applied to the staging store the full supply was
    read into (``records_path``), and each UPRN they touch is assembled afresh:
    ``"insert"`` (new), ``"update"`` (replace every record of the UPRN) or
    ``"delete"`` (no address left). The store is changed only if the ``with``
    block finishes without an exception.
    """
    sources = open_sources(paths)
    kind = _format(sources, format)
    if kind in ("addressbase-plus", "addressbase-core"):
        reader = read_plus if kind == "addressbase-plus" else read_core
        yield ChangeSet(kind, strict(entry for source in sources for entry in reader(source)))
        return
    if records_path is None:
        raise MissingValue(f"an update to {kind} is applied to the records store its full "
                           "supply was loaded with: give records_path", field="records_path")
    path = Path(records_path)
    if not path.exists():
        raise MissingValue(f"no staging store at {path}: load the full supply with "
                           "records_path first", field="records_path")
    store = RecordsStore(path, fresh=False)
    try:
        store.conn.execute("BEGIN IMMEDIATE")
        product = _product(kind, sources, layouts)
        multi.stage_changes(product, sources, store)
        existed = {uprn for (uprn,) in store.conn.execute("SELECT uprn FROM temp.existed")}
        yield ChangeSet(kind, _change_entries(store, existed), store)
        store.conn.execute("COMMIT")
    except BaseException:
        if store.conn.in_transaction:
            store.conn.execute("ROLLBACK")
        raise
    finally:
        store.close()


def _entries(store: RecordsStore) -> Iterator[Entry | ValidationError]:
    for uprn, items in store.assemble():
        records = _records(items)
        if records:
            yield Entry("insert", str(uprn), records, records[0].where)
        yield from (item for item in items if isinstance(item, ValidationError))


def _records(items: list[Flat | ValidationError]) -> tuple[Flat, ...]:
    return tuple(item for item in items if not isinstance(item, ValidationError))


def strict(entries: Iterable[Entry | ValidationError]) -> Iterator[Entry]:
    """The entries, raising the first error in their place (``on_error="fail"``)."""
    for entry in entries:
        if isinstance(entry, ValidationError):
            raise entry
        yield entry


def _change_entries(store: RecordsStore, existed: set[int]) -> Iterator[Entry]:
    kept: set[int] = set()
    for uprn, items in store.assemble("temp.touched"):
        for item in items:
            if isinstance(item, ValidationError):
                raise item  # a change-only update is applied whole or not at all
        records = _records(items)
        if records:
            kept.add(uprn)
            yield Entry("update" if uprn in existed else "insert", str(uprn), tuple(records),
                        records[0].where)
    for uprn in sorted(existed - kept):
        yield Entry("delete", str(uprn), (), Where(str(store.path), 0, "", "staging store"))
