"""``lgds address``: load a gazetteer, look up postcodes and UPRNs, search, match a CSV.

Every command but ``load`` and ``sample`` reads the gazetteer given by
``--gazetteer PATH`` (default: the synthetic sample shipped with the package),
or the PostgreSQL gazetteer given by ``--postgres DSN`` (see
:mod:`lgds_components.cli._address_store`, which also adds ``changes`` and
``migrate`` for PostgreSQL).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from lgds_components.address.ranking import DEFAULT_THRESHOLD
from lgds_components.cli._address_store import (
    FORMAT_CHOICES,
    changes,
    load_store,
    migrate,
    open_store,
    postgres_options,
    report_load,
)
from lgds_components.cli._output import AtomicOutput, cannot_write
from lgds_components.cli.app import EXIT_INVALID, EXIT_OK
from lgds_components.errors import ValidationError

#: The products ``lgds address sample --format`` writes.
PRODUCTS = ("addressbase-plus", "addressbase-core", "addressbase-premium", "dtf")

__all__ = ["MATCH_COLUMNS", "REVIEW_CANDIDATES", "address", "demo_step"]

_GAZETTEER = click.option(
    "--gazetteer", "-g", "gazetteer_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The gazetteer file (default: the synthetic sample shipped with the package).",
)
_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def _open(path: Path | None, postgres_dsn: str | None = None,
          schema: str = "lgds_address") -> Any:
    return open_store(path, postgres_dsn, schema)


def _address_json(address: Any) -> dict[str, Any]:
    import attrs

    record = attrs.asdict(address)
    record["lines"] = list(address.lines())
    return record


@click.group()
def address() -> None:
    """Addresses: postcode and UPRN lookup, search and matching, offline by default."""


@address.command()
@click.argument("sources", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--gazetteer", "-g", "gazetteer_path",
              type=click.Path(dir_okay=False, path_type=Path),
              help="The gazetteer file to build or replace (or give --postgres).")
@postgres_options
@click.option("--format", "source_format", type=click.Choice(FORMAT_CHOICES), default=None,
              help="The layout: a flat CSV (addressbase, llpg) or a product as delivered; "
                   "told from the first line if omitted.")
@click.option("--records", "records_path", type=click.Path(dir_okay=False, path_type=Path),
              help="AddressBase Premium and DTF: keep the records store here, for the "
                   "change-only updates (lgds address changes --records).")
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN",
              help="Read FIELD from COLUMN (repeatable), e.g. --map street=STREET_NAME.")
@click.option("--status", "statuses", multiple=True, default=("approved",), show_default=True,
              help="Logical statuses to keep (repeatable): approved, alternative, "
                   "provisional, historical.")
@click.option("--class", "classes", multiple=True, metavar="PREFIX",
              help="Keep only classification codes starting PREFIX (repeatable), e.g. R.")
@click.option("--skip-errors", is_flag=True,
              help="Leave malformed rows out and list them, instead of stopping at the first.")
def load(sources: tuple[Path, ...], gazetteer_path: Path | None, postgres_dsn: str | None,
         pg_schema: str, source_format: str | None, records_path: Path | None,
         mappings: tuple[str, ...], statuses: tuple[str, ...], classes: tuple[str, ...],
         skip_errors: bool) -> int:
    """Load SOURCES into a gazetteer, replacing its contents atomically.

    SOURCES are CSV, .csv.gz or zip files or folders of them: a flat gazetteer
    CSV, or AddressBase Plus, Core or Premium tiles or a DTF LLPG as delivered.

    A failed load leaves the previous contents in place. Exits 1 if rows were
    skipped (--skip-errors).

        lgds address load llpg.csv -g council.sqlite --format llpg --map street=STREET_NAME
        lgds address load abplus/ -g council.sqlite
        lgds address load abprem.zip -g council.sqlite --records abprem.records
        lgds address load addressbase.csv.gz --postgres "$DATABASE_URL"
    """
    mapping: dict[str, str | None] = {}
    for item in mappings:
        field, sep, column = item.partition("=")
        if not sep or not field.strip():
            raise click.BadParameter(f"{item!r} is not FIELD=COLUMN", param_hint="--map")
        mapping[field.strip()] = column.strip() or None
    report = load_store(
        sources, gazetteer_path, postgres_dsn, pg_schema, format=source_format,
        records_path=records_path,
        mapping=mapping or None, statuses=statuses, classifications=classes or None,
        on_error="skip" if skip_errors else "fail",
    )
    if postgres_dsn is not None:
        from lgds_components.address.postgres import safe_dsn

        target = f"PostgreSQL {safe_dsn(postgres_dsn)} (schema {pg_schema})"
    else:
        target = str(gazetteer_path)
    return report_load(report, target)


@address.command()
@click.argument("postcode")
@_GAZETTEER
@postgres_options
@click.option("--postal-only", is_flag=True, help="Only addresses Royal Mail delivers to.")
@click.option("--welsh", is_flag=True, help="Welsh-language forms where the gazetteer has them.")
@_JSON
def postcode(postcode: str, gazetteer_path: Path | None, postgres_dsn: str | None,
             pg_schema: str, postal_only: bool, welsh: bool, as_json: bool) -> int:
    """List the addresses at POSTCODE in natural order (exits 1 if there are none).

        lgds address postcode "sn7 1ba"
    """
    with _open(gazetteer_path, postgres_dsn, pg_schema) as gazetteer:
        found = gazetteer.by_postcode(postcode, postal_only=postal_only,
                                      language="cy" if welsh else None)
    for item in found:
        if as_json:
            click.echo(json.dumps(_address_json(item), ensure_ascii=False))
        else:
            click.echo(f"{item.uprn:>12}  {item.single_line()}")
    if not found:
        click.echo(f"no addresses at {postcode.strip().upper()}", err=True)
        return EXIT_INVALID
    return EXIT_OK


@address.command()
@click.argument("uprn")
@_GAZETTEER
@postgres_options
@_JSON
def uprn(uprn: str, gazetteer_path: Path | None, postgres_dsn: str | None, pg_schema: str,
         as_json: bool) -> int:
    """Show the address with UPRN (exits 1 if there is none)."""
    from lgds_components.errors import NotFound

    with _open(gazetteer_path, postgres_dsn, pg_schema) as gazetteer:
        try:
            found = gazetteer.by_uprn(uprn)
        except NotFound as exc:
            click.echo(exc.message, err=True)
            return EXIT_INVALID
    if as_json:
        click.echo(json.dumps(_address_json(found), ensure_ascii=False))
    else:
        for line in found.lines():
            click.echo(line)
    return EXIT_OK


@address.command()
@click.argument("text")
@_GAZETTEER
@postgres_options
@click.option("--limit", "-n", default=10, show_default=True, help="At most this many results.")
@click.option("--postcode", "only_postcode", help="Only addresses at this postcode.")
@_JSON
def search(text: str, gazetteer_path: Path | None, postgres_dsn: str | None, pg_schema: str,
           limit: int, only_postcode: str | None, as_json: bool) -> int:
    """Search for addresses resembling TEXT, best first.

        lgds address search "12 mount parade"
    """
    with _open(gazetteer_path, postgres_dsn, pg_schema) as gazetteer:
        found = gazetteer.search(text, limit=limit, postcode=only_postcode)
    for match in found:
        if as_json:
            click.echo(json.dumps({"uprn": match.uprn, "score": match.score,
                                   "reason": match.reason,
                                   "address": match.address.single_line()}, ensure_ascii=False))
        else:
            click.echo(f"{match.score:5.2f}  {match.uprn:>12}  {match.address.single_line()}"
                       f"  ({match.reason})")
    if not found:
        click.echo("no matches", err=True)
        return EXIT_INVALID
    return EXIT_OK


#: Columns ``lgds address match`` adds to each row.
MATCH_COLUMNS = ("uprn", "score", "reason", "detail", "matched_address")
#: Candidates written per refused row to the review file.
REVIEW_CANDIDATES = 3


def _review_header(line_column: str, column: str) -> list[str]:
    header = [line_column, column, "reason", "detail"]
    for rank in range(1, REVIEW_CANDIDATES + 1):
        header += [f"candidate_{rank}_uprn", f"candidate_{rank}_score",
                   f"candidate_{rank}_address", f"candidate_{rank}_evidence"]
    return header


def _review_row(line: int, text: str, decision: Any) -> list[object]:
    row: list[object] = [line, text, decision.reason, decision.detail]
    for found in decision.candidates[:REVIEW_CANDIDATES]:
        row += [found.uprn, f"{found.score:.4f}", found.address.single_line(), found.reason]
    return row


@address.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_GAZETTEER
@postgres_options
@click.option("--column", "-c", default="address", show_default=True,
              help="The column holding the address text.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0),
              help="Confidence below which a row is left unmatched (default: the "
                   f"gazetteer's, {DEFAULT_THRESHOLD:g}).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the CSV here (default: standard output).")
@click.option("--review", "-r", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the refused rows here, each with its best candidates, "
                   "for a person to review.")
@click.option("--workers", "-w", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes sharing the matching (one per core is a good start).")
def match(path: Path, gazetteer_path: Path | None, postgres_dsn: str | None, pg_schema: str,
          column: str, threshold: float | None, output: Path | None,
          review: Path | None, workers: int) -> int:
    """Match every address in one column of a CSV file to a UPRN.

    Writes the rows back with uprn, score, reason, detail and matched_address
    added. reason is "accepted" or why the row was refused (below threshold,
    tie with runner-up, town contradicts, near an address, no candidate,
    nothing to match): sort by it to work through refusals. detail says what
    agreed, or the scores behind a refusal. With --review, the refused rows
    also go to a second CSV (their line number in the input, text, reason and
    the best three candidates with scores). A summary goes to standard error.
    Exits 1 if any row was left unmatched.

        lgds address match customers.csv -c address -o matched.csv -r review.csv -w 2
    """
    counts: dict[str, int] = {}
    with _open(gazetteer_path, postgres_dsn, pg_schema) as gazetteer, path.open(
        "r", encoding="utf-8-sig", newline=""
    ) as source:
        reader = csv.DictReader(source)
        try:
            header = list(reader.fieldnames or [])
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ValidationError(f"cannot read the header: {exc}", field="header", line=1) \
                from exc
        if column not in header:
            listed = ", ".join(header) if header else "none (the file is empty)"
            raise click.BadParameter(f"{path.name} has no column {column!r}; its columns are: "
                                     f"{listed}", param_hint="--column")
        size = max(path.stat().st_size, 1)
        with AtomicOutput(output) as sink, _MaybeOutput(review) as reviewing, \
                click.progressbar(length=size, label=f"matching {path.name}",
                                  file=sys.stderr) as bar:
            writer = csv.DictWriter(sink, fieldnames=[*header, *[a for a in MATCH_COLUMNS
                                                                 if a not in header]],
                                    extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            reviewer = csv.writer(reviewing, lineterminator="\n") if reviewing else None
            if reviewer is not None:
                reviewer.writerow(_review_header("line", column))
            rows = _rows(reader, path, bar, size)
            pending: list[tuple[int, dict[str, Any]]] = []

            def texts() -> Iterator[str]:
                for row in rows:
                    pending.append((reader.line_num, row))
                    yield row.get(column) or ""

            for decision in gazetteer.decide_many(texts(), threshold=threshold,
                                                  workers=workers):
                line, row = pending.pop(0)
                counts[decision.reason] = counts.get(decision.reason, 0) + 1
                found = decision.match
                row.update(uprn=found.uprn if found else "",
                           score=f"{found.score:.4f}" if found else "",
                           reason=decision.reason,
                           detail=found.reason if found else decision.detail,
                           matched_address=found.address.single_line() if found else "")
                writer.writerow(row)
                if reviewer is not None and found is None:
                    reviewer.writerow(_review_row(line, decision.text, decision))
    matched = counts.get("accepted", 0)
    total = sum(counts.values())
    refusals = ", ".join(f"{count:,} {reason}" for reason, count in sorted(counts.items())
                         if reason != "accepted")
    click.echo(f"matched {matched:,} of {total:,} rows of {path.name}; "
               f"{total - matched:,} left unmatched" + (f" ({refusals})" if refusals else ""),
               err=True)
    return EXIT_INVALID if total - matched else EXIT_OK


class _MaybeOutput:
    """:class:`AtomicOutput` for a file that may not be wanted (``None``: nothing)."""

    def __init__(self, target: Path | None) -> None:
        self._inner = AtomicOutput(target) if target is not None else None

    def __enter__(self) -> Any:
        return self._inner.__enter__() if self._inner is not None else None

    def __exit__(self, *exc_info: Any) -> None:
        if self._inner is not None:
            self._inner.__exit__(*exc_info)


def _rows(reader: csv.DictReader[str], path: Path, bar: Any, size: int) -> Iterator[dict[str, Any]]:
    done = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            bar.update(size - done)
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ValidationError(f"{path.name}: unreadable row: {exc}", field="row",
                                  line=reader.line_num + 1) from exc
        step = sum(len(value or "") for value in row.values() if isinstance(value, str)) + 1
        bar.update(step)
        done += step
        yield row


@address.command()
@click.option("--count", "-n", type=click.IntRange(1, 50_000_000), default=1000,
              show_default=True, help="How many records.")
@click.option("--seed", "-s", type=int, default=0, show_default=True,
              help="The same seed gives the same records.")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Write here (.gz compresses; default: standard output); with "
                   "--format, the folder to write the tiles to.")
@click.option("--format", "product", type=click.Choice(PRODUCTS), default=None,
              help="Write the records as this product delivers them, in tiles (-o FOLDER).")
@click.option("--tile-size", type=click.IntRange(1, None), default=None,
              help="With --format: lines per tile file (default: one file).")
def sample(count: int, seed: int, output: Path | None, product: str | None,
           tile_size: int | None) -> int:
    """Write COUNT synthetic gazetteer records: AddressBase-style CSV, or a product's layout.

    Every address is invented. Load the result with `lgds address load`.

        lgds address sample --count 100000 --seed 7 -o addresses.csv
        lgds address sample -n 100000 --format addressbase-premium --tile-size 250000 -o tiles/
    """
    from lgds_components.address.sample import write_csv, write_product

    if product is not None:
        if output is None:
            raise click.UsageError("give -o FOLDER to write the tiles to")
        files = write_product(product, output, count, seed, tile_size=tile_size)
        click.echo(f"wrote {count:,} records as {product} in {len(files):,} files to {output}",
                   err=True)
        return EXIT_OK
    if output is None:
        write_csv(sys.stdout, count, seed)
    else:
        try:
            written = write_csv(output, count, seed)
        except OSError as exc:
            raise cannot_write(output, exc) from exc
        click.echo(f"wrote {written:,} records to {output}", err=True)
    return EXIT_OK


address.add_command(changes)
address.add_command(migrate)


def demo_step() -> None:
    """Postcode lookup, search and matching on the shipped sample gazetteer."""
    from lgds_components.address import Gazetteer

    title = "Addresses (synthetic sample gazetteer)"
    click.echo()
    click.secho(title, bold=True)
    click.echo("-" * len(title))
    with Gazetteer.sample() as gazetteer:
        found = gazetteer.by_postcode("sn7 1ba", postal_only=True)
        click.echo(f"  by_postcode('sn7 1ba'): {len(found)} addresses, in natural order")
        for item in found[:6]:
            click.echo(f"    {item.uprn}  {item.single_line()}")
        click.echo("    ...")
        typed = "67a mount parade"
        click.echo(f"  search({typed!r}):")
        for result in gazetteer.search(typed, limit=3):
            click.echo(f"    {result.score:.2f}  {result.address.single_line()}")
        for messy in ("FLAT 2 65 MOUNT PDE RUSHWORTH", "2/65 Mount Prade, SN7",
                      "99 Nowhere Street"):
            best = gazetteer.match(messy)
            shown = (click.style(f"{best.uprn} ({best.score:.2f}, {best.reason})",
                                 fg="green")
                     if best else click.style("no confident match", fg="red"))
            click.echo(f"  match({messy!r}) -> {shown}")


