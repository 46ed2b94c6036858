"""The gazetteer on PostgreSQL, for national scale: the same answers as the SQLite file.

:class:`PostgresGazetteer` answers every
:class:`~lgds_components.address.AddressLookup` question from a PostgreSQL
database (13 or later; no extension needed), so a service moves
from the embedded file to a database server by changing one line::

    gazetteer = Gazetteer.open("council.sqlite")
    gazetteer = PostgresGazetteer.connect("postgresql://gazetteer@db.internal/addresses")

It needs the optional driver: ``pip install "lgds-components[postgres]"``
(psycopg 3 and psycopg_pool); importing :mod:`lgds_components.address`
does not import it.

Like :class:`~lgds_components.address.gazetteer.Gazetteer`, it is a
:class:`~lgds_components.address.gazetteer.GazetteerFront`: every public
method, argument check and the ranking are shared, and only the store
differs (:mod:`lgds_components.address.stores.postgres`).

- **Loading** (:meth:`PostgresGazetteer.load`) reads the same CSV formats as
  :meth:`~lgds_components.address.gazetteer.Gazetteer.load` through the same
  record reader, with the same checks and line-numbered errors, streams the
  records in with ``COPY`` into new tables, builds the indexes after the rows
  are in (two at once, on two connections), and swaps the new tables for the
  old in one transaction: readers see the old gazetteer until that commit,
  then the new one, never a half-loaded one, and never fail because a load
  is swapping (they wait the few milliseconds the swap takes).
- **Change-only updates** (:meth:`PostgresGazetteer.apply_changes`) apply
  inserts, updates and deletes by UPRN in one transaction (see
  :mod:`lgds_components.address.changes`).
- **Lookups** by postcode and UPRN use B-tree indexes.
- **Search and matching** find candidates with one GIN index over each
  record's normalised words and their first one to three characters (the
  words being typed), then rank them with
  :mod:`lgds_components.address.ranking` exactly as the SQLite gazetteer
  does: the same candidates, the same scores, the same order.
- **Pooling**: a psycopg_pool pool on the primary; give ``read_dsn`` to send
  reads to a replica through a second pool (loads and changes always go to
  the primary).

The schema (``lgds_address`` by default) is created and upgraded by the
library: :meth:`PostgresGazetteer.migrate`, run by every load.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Unpack

from lgds_components.address.changes import Change, ChangeReport
from lgds_components.address.gazetteer import GazetteerFront
from lgds_components.address.loader import (
    Format,
    LoadOptions,
    LoadReport,
    Sources,
    reader_for,
    run_load,
)
from lgds_components.address.ranking import DEFAULT_THRESHOLD
from lgds_components.address.stores import postgres_schema as schema_sql
from lgds_components.address.stores.postgres import (
    DEFAULT_POOL_SIZE,
    PostgresStore,
    connect,
    database_errors,
    safe_dsn,
)

__all__ = ["DEFAULT_POOL_SIZE", "DEFAULT_SCHEMA", "PostgresGazetteer", "safe_dsn"]

#: The PostgreSQL schema the gazetteer lives in unless another is named.
DEFAULT_SCHEMA = schema_sql.DEFAULT_SCHEMA


class PostgresGazetteer(GazetteerFront):
    """An address gazetteer in PostgreSQL (see the module docs).

    Make one with :meth:`connect` (or the constructor, which takes the same
    arguments); close it, or use ``with``, to close its pools. One object is
    meant to be shared by every thread of a process.

    Args:
        dsn: the primary's connection string (libpq keywords or a URL);
            libpq's ``PG*`` environment variables fill in what it leaves out.
        pool_size: connections in each pool.
        read_dsn: a read replica's connection string: searches and lookups
            go there through a second pool; loads and changes stay on the primary.
        read_pool_size: connections in the read pool (default ``pool_size``).
        schema: the PostgreSQL schema holding the gazetteer.
        threshold: default confidence threshold for :meth:`match`.
        timeout: seconds to wait for a free pooled connection.
        connect_kwargs: more psycopg connection arguments, for example
            ``{"prepare_threshold": None}`` behind a PgBouncer older than 1.21
            in transaction mode.

    Raises:
        ConfigurationError: psycopg is not installed, or the database has no
            gazetteer schema (run :meth:`migrate` or :meth:`load`), or a newer one.
        ProviderUnavailable: the server cannot be reached.
    """

    def __init__(
        self,
        dsn: str,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        read_dsn: str | None = None,
        read_pool_size: int | None = None,
        schema: str = DEFAULT_SCHEMA,
        threshold: float = DEFAULT_THRESHOLD,
        timeout: float = 30.0,
        connect_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        self._database = PostgresStore(
            dsn, schema=schema, pool_size=pool_size, read_dsn=read_dsn,
            read_pool_size=read_pool_size, timeout=timeout, connect_kwargs=connect_kwargs)
        self.schema: str = self._database.schema
        super().__init__(self._database, threshold)

    def __repr__(self) -> str:
        store = self._database
        replica = f", read_dsn={safe_dsn(store.read_dsn)!r}" if store.read_dsn else ""
        return f"PostgresGazetteer({safe_dsn(store.dsn)!r}{replica}, schema={self.schema!r})"

    def __enter__(self) -> PostgresGazetteer:
        return self

    def _opener(self) -> Callable[[], PostgresGazetteer]:
        store = self._database
        return functools.partial(type(self).connect, store.dsn, pool_size=1,
                                 read_dsn=store.read_dsn, schema=self.schema,
                                 threshold=self.threshold, connect_kwargs=store.connect_kwargs)

    @classmethod
    def connect(
        cls,
        dsn: str,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        read_dsn: str | None = None,
        read_pool_size: int | None = None,
        schema: str = DEFAULT_SCHEMA,
        threshold: float = DEFAULT_THRESHOLD,
        timeout: float = 30.0,
        connect_kwargs: Mapping[str, Any] | None = None,
    ) -> PostgresGazetteer:
        """Connect to a gazetteer database (see the class for the arguments)."""
        return cls(
            dsn, pool_size=pool_size, read_dsn=read_dsn, read_pool_size=read_pool_size,
            schema=schema, threshold=threshold, timeout=timeout, connect_kwargs=connect_kwargs,
        )

    @classmethod
    def migrate(
        cls, dsn: str, *, schema: str = DEFAULT_SCHEMA,
        connect_kwargs: Mapping[str, Any] | None = None,
    ) -> int:
        """Create the gazetteer schema, or bring it up to date; return its version.

        Needs the right to create a schema (or the schema, already made).
        Safe to run at every deployment, from several processes.

        Raises:
            ConfigurationError: the schema was made by a newer lgds-components.
            ProviderUnavailable: the server cannot be reached.
        """
        schema = schema_sql.check_schema_name(schema)
        with connect(dsn, connect_kwargs) as conn, \
                database_errors(f"cannot migrate {safe_dsn(dsn)}"):
            return schema_sql.migrate(conn, schema)

    @classmethod
    def load(
        cls, dsn: str, source_csv: Sources, *, schema: str = DEFAULT_SCHEMA,
        maintenance_work_mem: str = "512MB", connect_kwargs: Mapping[str, Any] | None = None,
        **options: Unpack[LoadOptions],
    ) -> LoadReport:
        """Load a CSV (or several, in order) into the gazetteer at ``dsn``, atomically
        replacing its contents.

        The options (:class:`~lgds_components.address.loader.LoadOptions`) and
        formats are those of :func:`lgds_components.address.loader.load`; the
        report's ``path`` is the (first) source CSV. Migrates the schema first. Runs on the primary
        (copy, index, swap: see
        :mod:`~lgds_components.address.stores.postgres_load`): if anything fails (a
        bad row with ``on_error="fail"``, an exception from ``progress``, a lost
        connection) the previous gazetteer stays, and readers keep answering from it
        throughout.

        Args:
            schema: the PostgreSQL schema to load into.
            maintenance_work_mem: memory PostgreSQL may use to build each
                index (two are built at once); more builds the search index faster.
            connect_kwargs: more psycopg connection arguments.

        Raises:
            ValidationError: a malformed row (``line`` and ``field`` say where),
                a missing column or a bad argument.
            ProviderUnavailable: the server cannot be reached, or another load
                or change of the same schema is running.
        """
        from lgds_components.address.stores.postgres_load import PostgresLoad

        schema = schema_sql.check_schema_name(schema)
        records = reader_for(source_csv, options)
        target = PostgresLoad(dsn, schema, source_format=records.layout.name,
                              maintenance_work_mem=maintenance_work_mem,
                              connect_kwargs=connect_kwargs)
        return run_load(target, records, options.get("progress"), records.sources[0])

    def apply_changes(
        self,
        changes: Sources | Iterable[Change | tuple[str, Any]],
        *,
        format: Format | None = None,
        mapping: Mapping[str, str | None] | None = None,
        change_column: str = "change_type",
        records_path: str | os.PathLike[str] | None = None,
    ) -> ChangeReport:
        """Apply change-only updates (inserts, updates, deletes by UPRN) in one transaction.

        ``changes`` is a change file (see :func:`lgds_components.address.changes.read_changes`
        for the layout), an iterable of :class:`~lgds_components.address.changes.Change`
        values or ``(action, Address or UPRN)`` pairs, or a delivered product's
        change-only update (``format="addressbase-plus"``, ``"addressbase-core"``,
        ``"addressbase-premium"`` or ``"dtf"``, or None to tell it from the
        first line; files, folders or zips). An AddressBase Premium or DTF
        update is applied to the records store its full supply was loaded
        with (``records_path``), and each UPRN it touches is replaced with its
        records assembled afresh; the store keeps the update only if the
        gazetteer does. Every change is read and checked before anything is
        written; the whole batch is applied or, at the first error, none of
        it. Inserted and updated records pass the same status and
        classification filters as the last load.

        Raises:
            ValidationError: a malformed row, a delete or update of a UPRN the
                gazetteer does not hold, an insert of an approved record that
                already exists (``line`` says which change).
            ProviderUnavailable: the primary cannot be reached, or a load or
                another batch of changes is running.
        """
        from lgds_components.address.loader import PRODUCT_FORMATS, detect_format
        from lgds_components.address.records.products.layout import change_list
        from lgds_components.address.records.products.reader import changes as product_changes
        from lgds_components.address.stores.postgres_changes import apply_changes

        paths = _paths(changes)
        if paths is not None:
            kind = format or detect_format(paths)
            if kind in PRODUCT_FORMATS:
                with product_changes(paths, records_path, kind) as update, \
                        self._database.writing() as conn:
                    return apply_changes(conn, self.schema, change_list(update))
            changes = paths[0] if len(paths) == 1 else changes
            format = kind  # type: ignore[assignment]
        with self._database.writing() as conn:
            return apply_changes(conn, self.schema, changes,  # type: ignore[arg-type]
                                 format=format or "addressbase", mapping=mapping,
                                 change_column=change_column)


def _paths(changes: object) -> list[str | os.PathLike[str]] | None:
    """The files a change argument names, or None when it holds changes built in code."""
    if isinstance(changes, (str, os.PathLike)):
        return [changes]
    if isinstance(changes, (list, tuple)) and changes and all(
            isinstance(item, os.PathLike) or (isinstance(item, str) and os.path.exists(item))
            for item in changes):
        return list(changes)
    return None
