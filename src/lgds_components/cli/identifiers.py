"""``lgds identifiers``: check UK identifiers one at a time or a CSV column at once."""

from __future__ import annotations

import csv
import importlib
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import click

from lgds_components._csvlines import CsvReader, next_row, utf8_lines
from lgds_components.cli._output import AtomicOutput
from lgds_components.cli.app import EXIT_INVALID, EXIT_OK, BadInput
from lgds_components.errors import ValidationError

__all__ = ["IDENTIFIER_TYPES", "identifiers"]

IDENTIFIER_TYPES: dict[str, str] = {
    "postcode": "lgds_components.identifiers.postcode",
    "uprn": "lgds_components.identifiers.uprn",
    "usrn": "lgds_components.identifiers.usrn",
    "nino": "lgds_components.identifiers.nino",
    "phone": "lgds_components.identifiers.phone",
    "email": "lgds_components.identifiers.email",
    "sort-code": "lgds_components.identifiers.sort_code",
    "account-number": "lgds_components.identifiers.account_number",
    "vrm": "lgds_components.identifiers.vrm",
    "company-number": "lgds_components.identifiers.company_number",
    "money": "lgds_components.identifiers.money",
}
"""Identifier names the command line knows, and the module implementing each."""

_TYPE = click.Choice(sorted(IDENTIFIER_TYPES), case_sensitive=False)


def _module(kind: str) -> ModuleType:
    return importlib.import_module(IDENTIFIER_TYPES[kind.lower()])


@click.group()
def identifiers() -> None:
    """Validate and format UK identifiers (postcode, UPRN, NI number, phone, ...)."""


@identifiers.command()
@click.argument("kind", type=_TYPE)
@click.argument("values", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per value.")
def check(kind: str, values: tuple[str, ...], as_json: bool) -> int:
    """Check each VALUE as a KIND; print its canonical form or why it was refused.

    Exits 1 if any value was refused.

        lgds identifiers check postcode "sw1a 1aa" "QA1 1AA"
    """
    module = _module(kind)
    status = EXIT_OK
    for value in values:
        try:
            canonical = module.format(value)
        except ValidationError as exc:
            status = EXIT_INVALID
            record: dict[str, Any] = {"value": value, "valid": False, "code": exc.code,
                                      "message": exc.message}
            line = f"{value!r}: refused ({exc.code}): {exc.message}"
        else:
            record = {"value": value, "valid": True, "canonical": canonical}
            line = f"{value!r}: {canonical}"
        click.echo(json.dumps(record, ensure_ascii=False) if as_json else line)
    return status


@identifiers.command("check-csv")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--column", "-c", required=True, help="The column holding the values.")
@click.option("--type", "kind", type=_TYPE, required=True, help="What the column holds.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the checked CSV here (default: standard output).",
)
def check_csv(path: Path, column: str, kind: str, output: Path | None) -> int:
    """Check every value in one column of a CSV file.

    Writes the rows back with three columns added: COLUMN_valid,
    COLUMN_canonical and COLUMN_error. A summary goes to standard error.
    Exits 1 if any value was refused.

        lgds identifiers check-csv residents.csv -c postcode --type postcode -o out.csv
    """
    module = _module(kind)
    counts = {"valid": 0, "invalid": 0}
    with _lines(path) as lines:
        reader = csv.reader(lines, strict=True)
        header = _read_header(reader, column, path)
        added = [f"{column}_valid", f"{column}_canonical", f"{column}_error"]
        with AtomicOutput(output) as sink:
            writer = csv.DictWriter(sink, fieldnames=[*header, *added], extrasaction="ignore")
            writer.writeheader()
            for row in _rows(reader, header, path):
                value = row.get(column) or ""
                try:
                    canonical, error = module.format(value), ""
                except ValidationError as exc:
                    canonical, error = "", exc.message
                counts["invalid" if error else "valid"] += 1
                outcome = ["false" if error else "true", canonical, error]
                row.update(dict(zip(added, outcome, strict=True)))
                writer.writerow(row)
    total = counts["valid"] + counts["invalid"]
    click.echo(
        f"checked {total:,} rows of {path.name}: {counts['valid']:,} valid, "
        f"{counts['invalid']:,} refused",
        err=True,
    )
    return EXIT_INVALID if counts["invalid"] else EXIT_OK


def _read_header(reader: CsvReader, column: str, path: Path) -> list[str]:
    header = _next_row(reader, path, "cannot read the header: ") or []
    if column not in header:
        listed = ", ".join(header) if header else "none (the file is empty)"
        raise click.BadParameter(
            f"{path.name} has no column {column!r}; its columns are: {listed}",
            param_hint="--column",
        )
    return header


def _rows(reader: CsvReader, header: list[str], path: Path) -> Iterator[dict[str, Any]]:
    """Each row that is not blank, by column name (a short row's missing cells left out)."""
    while (cells := _next_row(reader, path)) is not None:
        if cells:
            yield dict(zip(header, cells, strict=False))


def _next_row(reader: CsvReader, path: Path, what: str = "") -> list[str] | None:
    try:
        return next_row(reader)
    except ValidationError as exc:  # bad UTF-8, a line too long, broken quoting
        raise BadInput(f"{path}: line {exc.line}: {what}{exc.message}") from exc


@contextmanager
def _lines(path: Path) -> Iterator[Iterator[str]]:
    """The lines of the file at ``path`` (see :mod:`lgds_components._csvlines`),
    with a progress bar on a terminal."""
    size = path.stat().st_size
    with path.open("rb") as source, click.progressbar(
        length=size, label=f"checking {path.name}", file=sys.stderr
    ) as bar:
        yield utf8_lines(source, progress=bar.update)
