"""``lgds address`` against either store: the SQLite file or PostgreSQL (``--postgres DSN``).

:func:`open_store` opens whichever store the options name; :func:`load_store`
loads a CSV into it with a progress bar; :data:`postgres_options` adds
``--postgres DSN`` and ``--schema NAME`` to a command. The commands that
only make sense for PostgreSQL (``changes``, ``migrate``) live here too.

The connection string can come from ``LGDS_POSTGRES_DSN`` instead of the
command line (where other users of the machine may see it); libpq's own
variables (``PGHOST``, ``PGPASSWORD``, ``~/.pgpass``) fill in what it leaves out.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from lgds_components.cli.app import EXIT_INVALID, EXIT_OK

if TYPE_CHECKING:
    from lgds_components.address.loader import Format

__all__ = [
    "FORMAT_CHOICES",
    "changes",
    "load_store",
    "migrate",
    "open_store",
    "postgres_options",
    "report_load",
]

_DEFAULT_SCHEMA = "lgds_address"  # as lgds_components.address.postgres.DEFAULT_SCHEMA

F = TypeVar("F", bound=Callable[..., Any])


def postgres_options(command: F) -> F:
    """Add ``--postgres DSN`` and ``--schema NAME`` to a click command."""
    command = click.option(
        "--schema", "pg_schema", default=_DEFAULT_SCHEMA, show_default=True, metavar="NAME",
        help="The PostgreSQL schema holding the gazetteer (with --postgres).",
    )(command)
    return click.option(
        "--postgres", "postgres_dsn", metavar="DSN", envvar="LGDS_POSTGRES_DSN",
        help="Use the PostgreSQL gazetteer at DSN instead of a file "
             "(or set LGDS_POSTGRES_DSN).",
    )(command)


def _check_one(gazetteer_path: Path | None, postgres_dsn: str | None) -> None:
    if gazetteer_path is not None and postgres_dsn is not None:
        raise click.UsageError("give either --gazetteer or --postgres, not both")


def open_store(
    gazetteer_path: Path | None, postgres_dsn: str | None = None,
    schema: str = _DEFAULT_SCHEMA,
) -> Any:
    """The gazetteer the options name: PostgreSQL, a file, or the shipped sample."""
    _check_one(gazetteer_path, postgres_dsn)
    if postgres_dsn is not None:
        from lgds_components.address.postgres import PostgresGazetteer

        return PostgresGazetteer.connect(postgres_dsn, pool_size=1, schema=schema)
    from lgds_components.address import Gazetteer

    if gazetteer_path is None:
        return Gazetteer.sample()
    return Gazetteer.open(gazetteer_path, readonly=True)


def _sizes(sources: tuple[Path, ...]) -> int:
    """The bytes a load of ``sources`` will read (files, folders, zips of tiles)."""
    from lgds_components.address.records.products.sources import open_sources
    from lgds_components.errors import ValidationError

    try:
        return sum(source.size for source in open_sources(list(sources)))
    except ValidationError:
        return 0  # the load itself says what is wrong


def _label(sources: tuple[Path, ...]) -> str:
    return sources[0].name + (f" and {len(sources) - 1} more" if len(sources) > 1 else "")


def load_store(
    source: Path | tuple[Path, ...],
    gazetteer_path: Path | None,
    postgres_dsn: str | None,
    schema: str = _DEFAULT_SCHEMA,
    **options: Any,
) -> Any:
    """Load ``source`` into the store the options name, showing a progress bar on stderr.

    ``options`` are those of :meth:`lgds_components.address.Gazetteer.load`
    (``format``, ``mapping``, ``statuses``, ``classifications``, ``on_error``).
    Returns the :class:`~lgds_components.address.loader.LoadReport`.
    """
    from lgds_components.address.loader import LoadProgress

    _check_one(gazetteer_path, postgres_dsn)
    if gazetteer_path is None and postgres_dsn is None:
        raise click.UsageError("give --gazetteer PATH or --postgres DSN to load into")
    sources = source if isinstance(source, tuple) else (source,)
    with click.progressbar(length=max(_sizes(sources), 1),
                           label=f"loading {_label(sources)}", file=sys.stderr) as bar:
        position = [0]
        phase = ["reading"]

        def progress(state: LoadProgress) -> None:
            bar.update(state.bytes_read - position[0])
            position[0] = state.bytes_read
            if state.phase != phase[0]:
                phase[0] = state.phase
                if state.phase == "indexing":
                    bar.label = f"indexing {state.rows_loaded:,} rows"
                    bar.render_progress()

        if postgres_dsn is not None:
            from lgds_components.address.postgres import PostgresGazetteer

            return PostgresGazetteer.load(postgres_dsn, list(sources), schema=schema,
                                          progress=progress, **options)
        from lgds_components.address import Gazetteer

        return Gazetteer.load(cast(Path, gazetteer_path), list(sources), progress=progress,
                              **options)


def _mapping(mappings: tuple[str, ...]) -> dict[str, str | None] | None:
    mapping: dict[str, str | None] = {}
    for item in mappings:
        field, sep, column = item.partition("=")
        if not sep or not field.strip():
            raise click.BadParameter(f"{item!r} is not FIELD=COLUMN", param_hint="--map")
        mapping[field.strip()] = column.strip() or None
    return mapping or None


def _require(postgres_dsn: str | None) -> str:
    if postgres_dsn is None:
        raise click.UsageError("give --postgres DSN (or set LGDS_POSTGRES_DSN)")
    return postgres_dsn


#: The ``--format`` choices of ``load`` and ``changes`` (omitted: told from the first line).
FORMAT_CHOICES = ("addressbase", "llpg", "addressbase-plus", "addressbase-core",
                  "addressbase-premium", "dtf")


@click.command()
@click.argument("sources", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--gazetteer", "-g", "gazetteer_path",
              type=click.Path(dir_okay=False, path_type=Path),
              help="The gazetteer file to update (AddressBase Premium or DTF updates; "
                   "or give --postgres).")
@postgres_options
@click.option("--format", "source_format", type=click.Choice(FORMAT_CHOICES), default=None,
              help="The update's layout; told from the first line if omitted.")
@click.option("--records", "records_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The records store the full supply was loaded with (AddressBase "
                   "Premium and DTF updates).")
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN",
              help="Read FIELD from COLUMN (repeatable; flat CSV change files).")
@click.option("--change-column", default="change_type", show_default=True,
              help="The column saying I (insert), U (update) or D (delete) (flat CSV).")
def changes(sources: tuple[Path, ...], gazetteer_path: Path | None, postgres_dsn: str | None,
            pg_schema: str, source_format: str | None, records_path: Path | None,
            mappings: tuple[str, ...], change_column: str) -> int:
    """Apply a change-only update (SOURCES: files, folders or zips) in one transaction.

    All of it is applied, or, at the first bad row or record, none of it. A
    PostgreSQL gazetteer takes every format; a gazetteer file takes AddressBase
    Premium and DTF updates (it is rebuilt from the records store).

        lgds address changes cou-2026-11.csv --postgres "$DATABASE_URL"
        lgds address changes abp-cou/ --postgres "$DATABASE_URL" --records abp.records
        lgds address changes abp-cou/ -g council.sqlite --records abp.records
    """
    _check_one(gazetteer_path, postgres_dsn)
    if gazetteer_path is not None:
        from lgds_components.address import Gazetteer

        if records_path is None:
            raise click.UsageError("give --records: the store the full supply was loaded with")
        loaded = Gazetteer.load_update(gazetteer_path, list(sources), records_path=records_path,
                                       format=cast("Format | None", source_format))
        click.echo(f"rebuilt {gazetteer_path} with the update: {loaded.rows_loaded:,} records "
                   f"in {loaded.seconds:.1f} s", err=True)
        return EXIT_OK
    from lgds_components.address.postgres import PostgresGazetteer

    with PostgresGazetteer.connect(_require(postgres_dsn), pool_size=1,
                                   schema=pg_schema) as gazetteer:
        report = gazetteer.apply_changes(
            list(sources), format=source_format,  # type: ignore[arg-type]
            mapping=_mapping(mappings), change_column=change_column, records_path=records_path)
    click.echo(
        f"applied {report.rows_read:,} changes in {report.seconds:.1f} s: "
        f"{report.inserted:,} inserted, {report.updated:,} updated, {report.deleted:,} deleted"
        f" ({report.filtered:,} left out by the load's filters)",
        err=True,
    )
    return EXIT_OK


@click.command()
@postgres_options
def migrate(postgres_dsn: str | None, pg_schema: str) -> int:
    """Create or upgrade the PostgreSQL gazetteer schema (loads do this too).

        lgds address migrate --postgres "$DATABASE_URL"
    """
    from lgds_components.address.postgres import PostgresGazetteer

    version = PostgresGazetteer.migrate(_require(postgres_dsn), schema=pg_schema)
    click.echo(f"gazetteer schema {pg_schema!r} is at version {version}", err=True)
    return EXIT_OK


def report_load(report: Any, target: str) -> int:
    """Print a load's summary to stderr; 0 if no row was skipped, else 1."""
    echo = click.echo
    echo(
        f"loaded {report.rows_loaded:,} of {report.rows_read:,} rows into {target} "
        f"in {report.seconds:.1f} s ({report.rows_filtered:,} filtered out, "
        f"{report.error_count:,} malformed)",
        err=True,
    )
    for error in report.errors[:20]:
        echo(f"  {error}", err=True)
    if report.error_count > 20:
        echo(f"  ... and {report.error_count - 20:,} more", err=True)
    return EXIT_OK if report.ok else EXIT_INVALID
