"""AddressBase Premium and the DTF LLPG: multi-record files, staged and assembled.

Every line starts with a record identifier. Each record the gazetteer needs is
checked where it stands (so an error names its file, line and record type) and
written to the on-disk :class:`~.staging.RecordsStore`; the rest (streets, cross
references, successors, metadata, provenance) are recognised and not kept.
Header (10) and trailer (99) records are read for the file's version and type.

What an address is assembled from (see :mod:`.staging`): its LPI (one address
record per LPI: each language, each logical status 1, 3, 6 and 8), the BLPU of
its UPRN (parent UPRN, coordinates, latitude/longitude, postal flag, postcode
locator), the street descriptor of the LPI's USRN in the LPI's language (else
English), its current organisation (31) and classification (32), and the
delivery point (28) of its UPRN as the delivery-point form.
"""

from __future__ import annotations

import functools
import json
import operator
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import attrs

from lgds_components.address.records.checks import is_decimal
from lgds_components.address.records.products import layouts as layouts_module
from lgds_components.address.records.products.layouts import RecordLayout
from lgds_components.address.records.products.record import LANGUAGES, Where
from lgds_components.address.records.products.sources import DeliveryProgress, Source, rows
from lgds_components.address.records.products.staging import (
    DELIVERY_FIELDS,
    KEYS,
    STORE_LAYOUT,
    TABLES,
    RecordsStore,
    delivery_point,
)
from lgds_components.errors import InvalidFormat, ValidationError

__all__ = ["PRODUCTS", "READ", "Binding", "Product", "Staged", "stage_changes", "stage_full",
           "stage_part"]

_IGNORED_PREMIUM = frozenset({"10", "11", "23", "29", "30", "99"})
_IGNORED_DTF = frozenset({"10", "11", "12", "13", "14", "16", "17", "22", "23", "29", "30",
                          "99"})


#: The columns read from each record type for each staging table: the table's own,
#: but a delivery point's fields, kept as its lines (:func:`~.staging.delivery_point`).
READ: Mapping[str, tuple[str, ...]] = {
    **TABLES, "dpa": ("key", "uprn", *DELIVERY_FIELDS)}
# how the values read become the table's (where they differ)
_KEPT: Mapping[str, Callable[[list[Any]], list[Any]]] = {"dpa": delivery_point}


@attrs.frozen(slots=True)
class Binding:
    """How one record type fills one staging table: the layout field read into
    each of the table's :data:`READ` columns (``""`` leaves the column empty)."""

    table: str
    fields: tuple[str, ...]


def _bind(table: str, **fields: str) -> Binding:
    return Binding(table, tuple(fields.get(column, "") for column in READ[table]))


_LPI_FIELDS = {name: name.upper() for name in TABLES["lpi"] if name.startswith(("sao", "pao"))}
_LPI = dict(key="LPI_KEY", uprn="UPRN", language="LANGUAGE", logical_status="LOGICAL_STATUS",
            usrn="USRN", **_LPI_FIELDS)
_DPA = {name: name.upper() for name in DELIVERY_FIELDS}
_ORG = _bind("org", key="ORG_KEY", uprn="UPRN", organisation="ORGANISATION", end_date="END_DATE")
_CLS = _bind("cls", key="CLASS_KEY", uprn="UPRN", code="CLASSIFICATION_CODE",
             scheme="CLASS_SCHEME", end_date="END_DATE")


@attrs.frozen(slots=True)
class Product:
    """A multi-record product: its layouts, the bindings of the records kept,
    and the record identifiers recognised and not kept."""

    name: str
    layouts: Mapping[str, RecordLayout]
    bindings: Mapping[str, Binding]
    ignored: frozenset[str]


PREMIUM = Product("AddressBase Premium", layouts_module.PREMIUM, {
    "21": _bind("blpu", uprn="UPRN", logical_status="LOGICAL_STATUS", parent_uprn="PARENT_UPRN",
                x="X_COORDINATE", y="Y_COORDINATE", lat="LATITUDE", lon="LONGITUDE",
                postal="ADDRESSBASE_POSTAL", postcode="POSTCODE_LOCATOR"),
    "24": _bind("lpi", **_LPI),
    "15": _bind("street", usrn="USRN", language="LANGUAGE", street="STREET_DESCRIPTION",
                locality="LOCALITY_NAME", town="TOWN_NAME"),
    "28": _bind("dpa", key="UDPRN", uprn="UPRN", **_DPA),
    "31": _ORG,
    "32": _CLS,
}, _IGNORED_PREMIUM)

_DTF_STREET = _bind("street", usrn="USRN", language="LANGUAGE", street="STREET_DESCRIPTOR",
                    locality="LOCALITY_NAME", town="TOWN_NAME")
_DTF_LPI = _bind("lpi", **_LPI, postal="POSTAL_ADDRESS", postcode="POSTCODE")
DTF_8_1 = Product("DTF 8.1", layouts_module.DTF_8_1, {
    "21": _bind("blpu", uprn="UPRN", logical_status="LOGICAL_STATUS", parent_uprn="PARENT_UPRN",
                x="X_COORDINATE", y="Y_COORDINATE"),
    "24": _DTF_LPI, "15": _DTF_STREET, "31": _ORG, "32": _CLS,
}, _IGNORED_DTF)
DTF_7_3 = Product("DTF 7.3", layouts_module.DTF_7_3, {
    "21": _bind("blpu", uprn="UPRN", logical_status="LOGICAL_STATUS", parent_uprn="PARENT_UPRN",
                x="X_COORDINATE", y="Y_COORDINATE", classification="BLPU_CLASS",
                organisation="ORGANISATION"),
    "24": _DTF_LPI, "15": _DTF_STREET,
}, _IGNORED_DTF)

#: The multi-record products by format name.
PRODUCTS: Mapping[str, Product] = {"addressbase-premium": PREMIUM, "dtf": DTF_8_1}

# checks made where a record stands, by staging column
_INTEGER = frozenset({"uprn", "parent_uprn", "usrn", "sao_start_number", "sao_end_number",
                      "pao_start_number", "pao_end_number", "logical_status"})
_DECIMAL = frozenset({"x", "y", "lat", "lon"})
_CHANGE = {"I": "insert", "U": "update", "D": "delete"}
_BATCH = 5000  # records a staging table's insert


@functools.lru_cache(maxsize=65536)
def _postcode(text: str) -> str:
    from lgds_components.identifiers import postcode

    return postcode.validate(text)


class _Plan:
    """How the records of one type are read: the cells kept, in staging-column
    order, and the checks each must pass (compiled once per load)."""

    def __init__(self, record: str, layout: RecordLayout, binding: Binding) -> None:
        self.record = record
        self.name = layout.name
        self.table = binding.table
        self.sizes = frozenset((len(layout.fields), *layout.also_accepted))
        self.size = len(layout.fields)
        self.source = layout.source
        self.names = binding.fields
        pad = max(self.sizes)  # the blank cell appended to each row, for absent fields
        self.take = operator.itemgetter(*(layout.index(field) if field else pad
                                          for field in binding.fields))
        columns = READ[binding.table]
        self.kept = _KEPT.get(binding.table)
        self.integer = [i for i, column in enumerate(columns) if column in _INTEGER and
                        binding.fields[i]]
        self.decimal = [i for i, column in enumerate(columns) if column in _DECIMAL and
                        binding.fields[i]]
        self.language = columns.index("language") if "language" in columns else -1
        self.postcode = columns.index("postcode") if "postcode" in columns and \
            binding.fields[columns.index("postcode")] else -1
        self.uprn = columns.index("uprn") if binding.table != "street" else -1

    def values(self, cells: list[str]) -> list[str]:
        """The cells kept, checked (raises ``_Fault`` naming the field at fault)."""
        cells.append("")
        values: list[str] = list(self.take(cells))
        for i in self.integer:
            value = values[i]
            if value and not (value.isdigit() and value.isascii() and len(value) <= 12):
                value = values[i] = value.strip()
                if value and not (value.isdigit() and value.isascii() and len(value) <= 12):
                    raise _Fault(self.names[i], f"must be a whole number, not {value[:20]!r}")
        for i in self.decimal:
            if values[i] and not is_decimal(values[i]):
                raise _Fault(self.names[i], f"must be a number, not {values[i][:20]!r}")
        at = self.language
        if at >= 0:
            code = values[at] = values[at].strip().upper()
            if code not in LANGUAGES:
                raise _Fault(self.names[at], f"must be ENG, CYM or GAE, not {code[:20]!r}")
        at = self.postcode
        if at >= 0 and values[at]:
            try:
                values[at] = _postcode(values[at])
            except ValidationError as error:
                raise _Fault(self.names[at], f"{values[at][:20]!r} is not a postcode: "
                             f"{error.message}") from None
        if self.uprn >= 0 and not values[self.uprn]:
            raise _Fault("UPRN", "is missing")
        return values if self.kept is None else self.kept(values)


class _Fault(Exception):
    """A record's field at fault (made into a ValidationError where the record is known)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class Staged(NamedTuple):
    """One record read and checked, ready for its staging table (``values`` end with
    the source id and line)."""

    table: str
    action: str
    values: list[object]
    order: int


@attrs.define
class _Reader:
    """Reads one product's files into a store: routing, checks, batching."""

    product: Product
    store: RecordsStore
    changes: bool
    counts: dict[str, int] = attrs.field(factory=dict)
    progress: DeliveryProgress | None = None
    header: dict[str, str] = attrs.field(factory=dict)
    _plans: dict[str, _Plan] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        for record, binding in self.product.bindings.items():
            self._plans[record] = _Plan(record, self.product.layouts[record], binding)

    def _where(self, source: Source, line: int, record: str) -> Where:
        layout = self.product.layouts.get(record)
        return Where(source.name, line, record, layout.name if layout else "record")

    def _sized(self, cells: list[str], where: Where) -> None:
        layout = self.product.layouts[where.record]
        if len(cells) != len(layout.fields) and len(cells) not in layout.also_accepted:
            raise InvalidFormat(
                f"{where.what}: has {len(cells)} fields; the {self.product.name} layout read "
                f"here has {len(layout.fields)} ({layout.source})", field="row", line=where.line,
                source=where.source)

    def _header(self, cells: list[str], where: Where) -> None:
        self._sized(cells, where)
        layout = self.product.layouts["10"]
        self.header = dict(zip(layout.fields, (cell.strip() for cell in cells), strict=False))
        file_type = self.header.get("FILE_TYPE", "").upper()
        if file_type == "C" and not self.changes:
            raise InvalidFormat(f"{where.what}: FILE_TYPE is C, a change-only update; apply it "
                                "as changes to a gazetteer loaded from the full supply",
                                field="FILE_TYPE", line=where.line, source=where.source)

    def records(self, source: Source, src: int,
                batches: dict[str, list[list[object]]] | None = None
                ) -> Iterator[Staged | ValidationError]:
        """Each record kept, checked and ready to stage (``src`` is the source's id
        in the store), or an error in place of a record that cannot be read (raises
        for a file that cannot be used at all).

        With ``batches`` (a full supply: one list a staging table), each record's
        values are added to its table's batch instead of yielded, and a batch of
        :data:`_BATCH` written to the store; only the errors are yielded."""
        plans, counts, full = self._plans, self.counts, not self.changes
        insert = self.store.insert
        for line, cells in rows(source, self.progress):
            if isinstance(cells, ValidationError):
                yield cells  # a row the CSV reader could not read
                continue
            record = cells[0]
            plan = plans.get(record)
            if plan is None:
                record = record.strip()
                plan = plans.get(record)
            counts[record] = counts.get(record, 0) + 1
            if plan is None:
                if record == "10":
                    self._header(cells, self._where(source, line, "10"))
                elif record not in self.product.ignored:
                    yield InvalidFormat(
                        f"{record[:20]!r} is not a record identifier of {self.product.name}",
                        field="RECORD_IDENTIFIER", line=line, source=source.name)
                continue
            try:
                if full and cells[1] == "I" and len(cells) in plan.sizes:
                    action, order = "insert", 0
                else:
                    action, order = self._checked(cells, self._where(source, line, record))
                values: list[Any] = plan.values(cells)
            except _Fault as fault:
                yield self._where(source, line, record).error(fault.field, fault.message)
                continue
            except ValidationError as error:
                yield error
                continue
            values.append(src)
            values.append(line)
            if batches is None:
                yield Staged(plan.table, action, values, order)
                continue
            batch = batches[plan.table]
            batch.append(values)
            if len(batch) >= _BATCH:
                insert(plan.table, batch)
                batch.clear()

    def _checked(self, cells: list[str], where: Where) -> tuple[str, int]:
        """The action and PRO_ORDER of a record (its size checked)."""
        self._sized(cells, where)
        action = _CHANGE.get(cells[1].strip().upper())
        if action is None:
            raise where.error("CHANGE_TYPE", f"must be I, U or D, not {cells[1][:20]!r}")
        if action != "insert" and not self.changes:
            raise where.error("CHANGE_TYPE", f"is {cells[1].strip()!r} in a full supply; "
                              "apply change-only updates as changes")
        order = cells[2].strip()
        if not order.isdigit():
            raise where.error("PRO_ORDER", f"must be a whole number, not {order[:20]!r}")
        return action, int(order)


def stage_part(product: Product, sources: Sequence[Source], ids: Sequence[int],
               store: RecordsStore, counts: dict[str, int],
               progress: DeliveryProgress | None = None) -> Iterator[ValidationError]:
    """Stage a full supply's ``sources`` (their ids in the store ``ids``) into
    ``store``, yielding an error for each record that cannot be read (that record is
    not staged); ``counts`` is filled with the records read by record type."""
    reader = _Reader(product, store, changes=False, counts=counts, progress=progress)
    batches: dict[str, list[list[object]]] = {table: [] for table in TABLES}
    for source, src in zip(sources, ids, strict=True):
        for item in reader.records(source, src, batches):
            if isinstance(item, ValidationError):
                yield item
    for table, batch in batches.items():
        store.insert(table, batch)


def stage_full(product: Product, sources: Sequence[Source], store: RecordsStore,
               counts: dict[str, int],
               progress: DeliveryProgress | None = None) -> Iterator[ValidationError]:
    """Read a full supply into a fresh store and index it, yielding an error for
    each record that cannot be read (that record is not staged); ``counts`` is
    filled with the records read by record type.

    A big supply of several tiles is staged by two processes (see :mod:`.helper`):
    the same records and errors, in the same order."""
    from lgds_components.address.records.products.helper import StagingHelper, helper_cut

    ids = [store.source(source.name) for source in sources]
    cut = helper_cut(sources)
    helper = None
    if cut < len(sources):
        helper = StagingHelper(product, sources[cut:], ids[cut:],
                               store.path.with_name(store.path.name + ".part"))
    try:
        yield from stage_part(product, sources[:cut], ids[:cut], store, counts, progress)
        if helper is not None:
            yield from helper.merge_into(store, counts)
            if progress is not None:
                progress.done += helper.bytes
    finally:
        if helper is not None:
            helper.close()
    try:
        store.finish_full({"product": product.name, "store_layout": STORE_LAYOUT})
    except sqlite3.IntegrityError:
        uprn, first, first_line, second, second_line = store.duplicate_blpus()[0]
        raise InvalidFormat(
            f"UPRN {uprn} has two BLPU records (21): {first}, line {first_line} and {second}, "
            f"line {second_line}; was a file given twice?", field="UPRN",
            line=second_line) from None


def _key_where(table: str) -> str:
    return " AND ".join(f"{column} = ?" for column in KEYS[table])


def _touched_by(store: RecordsStore, table: str, values: list[str]) -> list[int]:
    """The UPRNs whose addresses a change to this record can alter (before and after)."""
    columns = TABLES[table]
    row = dict(zip(columns, values, strict=True))
    if table == "street":
        return [uprn for (uprn,) in store.conn.execute(
            "SELECT DISTINCT uprn FROM lpi WHERE usrn = ?", (row["usrn"],))]
    keys = [row[column] for column in KEYS[table]]
    before = [uprn for (uprn,) in store.conn.execute(
        f"SELECT uprn FROM {table} WHERE {_key_where(table)}", keys)]
    return [*before, int(row["uprn"])]


def stage_changes(product: Product, sources: Sequence[Source],
                  store: RecordsStore) -> dict[str, int]:
    """Apply a change-only update's records to the store inside the open
    transaction, listing every UPRN they touch in the temporary table ``touched``
    and those that had addresses before in ``existed``; return counts by record type.

    Records are applied in PRO_ORDER (then file and line) order: an insert or
    update replaces the record with the same key; a delete removes it.
    """
    conn = store.conn
    if store.meta().get("store_layout") != STORE_LAYOUT:
        raise InvalidFormat(f"the records store {store.path} was written by an earlier version "
                            "of lgds-components, in another layout: load the full supply again "
                            "(with records_path) and apply the update to that",
                            field="records_path")
    store.index_for_updates()
    conn.execute("CREATE TEMP TABLE incoming (pro_order INTEGER, seq INTEGER, tab TEXT, "
                 "action TEXT, vals TEXT, src INTEGER, line INTEGER)")
    conn.execute("CREATE TEMP TABLE touched (uprn INTEGER PRIMARY KEY)")
    reader = _Reader(product, store, changes=True)
    seq = 0
    for source in sources:
        batch = []
        for item in reader.records(source, store.source(source.name)):
            if isinstance(item, ValidationError):
                raise item  # a change-only update is applied whole or not at all
            seq += 1
            *values, src, line = item.values
            batch.append((item.order, seq, item.table, item.action, json.dumps(values),
                          src, line))
        conn.executemany("INSERT INTO incoming VALUES (?, ?, ?, ?, ?, ?, ?)", batch)
    for table, vals in list(conn.execute("SELECT tab, vals FROM incoming")):
        conn.executemany("INSERT OR IGNORE INTO touched VALUES (?)",
                         [(uprn,) for uprn in _touched_by(store, table, json.loads(vals))])
    conn.execute("CREATE TEMP TABLE existed AS SELECT DISTINCT uprn FROM lpi "
                 "WHERE uprn IN (SELECT uprn FROM touched)")
    for table, action, vals, src, line in list(conn.execute(
            "SELECT tab, action, vals, src, line FROM incoming ORDER BY pro_order, seq")):
        values = json.loads(vals)
        keys = [values[TABLES[table].index(column)] for column in KEYS[table]]
        conn.execute(f"DELETE FROM {table} WHERE {_key_where(table)}", keys)
        if action != "delete":
            store.insert(table, [[*values, src, line]])
    for table, vals in list(conn.execute("SELECT tab, vals FROM incoming")):
        conn.executemany("INSERT OR IGNORE INTO touched VALUES (?)",
                         [(uprn,) for uprn in _touched_by(store, table, json.loads(vals))])
    return reader.counts
