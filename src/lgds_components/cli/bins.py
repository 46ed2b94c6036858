"""``lgds bins``: bin days for a property, its iCalendar and JSON feeds, and CSV loads.

    lgds bins next --sample --uprn 100040000012 --from 2026-12-14
    lgds bins next --db council.sqlite --postcode "EX4 1AA" --house 10 --gazetteer council.sqlite
    lgds bins ical --db council.sqlite --uprn 100040000012 -o bins.ics
    lgds bins json --db council.sqlite --uprn 100040000012 --format ukbcd
    lgds bins load council.sqlite --services services.csv --rounds rounds.csv \\
        --streets streets.csv --properties properties.csv --overrides overrides.csv
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from lgds_components.cli._output import AtomicOutput
from lgds_components.cli.app import EXIT_INVALID, EXIT_OK

__all__ = ["bins", "demo_step"]

F = TypeVar("F", bound=Callable[..., Any])

_DIVISIONS = ("england-and-wales", "scotland", "northern-ireland")
_POLICIES = ("later-in-week", "next-working-day", "saturday-before", "no-change")


if TYPE_CHECKING:
    _DateParam = click.ParamType[date]
else:  # generic only in newer click: no subscript at run time
    _DateParam = click.ParamType


class _DateType(_DateParam):
    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        from lgds_components.bins._csv import parse_date
        from lgds_components.errors import ValidationError

        try:
            parsed = parse_date(value, field=param.name if param and param.name else "date")
        except ValidationError as exc:
            self.fail(f"{value!r}: {exc.message}", param, ctx)
        if parsed is None:  # pragma: no cover - required=True above
            self.fail("Enter a date", param, ctx)
        return parsed


DATE = _DateType()


@click.group()
def bins() -> None:
    """Bin collection days: next collections, iCalendar and JSON feeds, CSV loads."""


def _source_options(func: F) -> F:
    """The options that pick a schedule and a property."""
    options = [
        click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path),
                     help="The council's SQLite file (loaded with `lgds bins load`)."),
        click.option("--sample", is_flag=True, help="Use the built-in sample data."),
        click.option("--uprn", help="The property's UPRN."),
        click.option("--postcode", help="The property's postcode (with --house)."),
        click.option("--house", help="The property's house number or name (with --postcode)."),
        click.option("--gazetteer", type=click.Path(dir_okay=False, path_type=Path),
                     help="The address gazetteer file to find --postcode/--house in."),
        click.option("--division", type=click.Choice(_DIVISIONS),
                     help="Bank holiday division (default: the council file's setting)."),
        click.option("--policy", type=click.Choice(_POLICIES),
                     help="Bank holiday policy (default: the council file's setting)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _open_schedule(db: Path | None, sample: bool, division: str | None,
                   policy: str | None) -> Any:
    from lgds_components.bins.schedule import Schedule

    if sample == (db is not None):
        raise click.UsageError("give --db PATH or --sample (one of them)")
    options: dict[str, Any] = {"division": division, "policy": policy}
    if sample:
        return Schedule.sample(**options)
    return Schedule.open(db, **options)  # type: ignore[arg-type]


def _property(uprn: str | None, postcode: str | None, house: str | None,
              gazetteer: Path | None, sample: bool = False) -> tuple[int, int | None]:
    """The property's UPRN and, when found through the gazetteer, its street's USRN."""
    from lgds_components.identifiers import uprn as uprn_rules

    if uprn is not None:
        if postcode is not None or house is not None:
            raise click.UsageError("give --uprn, or --postcode with --house, not both")
        return uprn_rules.validate(uprn), None
    if postcode is None or house is None:
        raise click.UsageError("give --uprn, or --postcode with --house")
    if gazetteer is None and not sample:
        raise click.UsageError("--postcode and --house need --gazetteer PATH to find the UPRN")
    return _resolve_with_gazetteer(gazetteer, postcode, house)


def _resolve_with_gazetteer(path: Path | None, postcode: str, house: str) -> tuple[int, int | None]:
    """Find the property in the gazetteer at ``path`` (the shipped sample if ``None``)."""
    from lgds_components.address import Gazetteer
    from lgds_components.bins.resolve import resolve_uprn

    gazetteer = Gazetteer.sample() if path is None else Gazetteer.open(path)
    try:
        number = resolve_uprn(gazetteer, postcode, house)
        return number, gazetteer.by_uprn(number).usrn
    finally:
        gazetteer.close()


@bins.command("next")
@_source_options
@click.option("--count", "-n", type=click.IntRange(1, 1000), default=8, show_default=True,
              help="How many collections to show.")
@click.option("--from", "start", type=DATE, help="Start from this date (default: today in London).")
@click.option("--json", "as_json", is_flag=True, help="Print this library's JSON feed instead.")
def next_command(db: Path | None, sample: bool, uprn: str | None, postcode: str | None,
                 house: str | None, gazetteer: Path | None, division: str | None,
                 policy: str | None, count: int, start: date | None, as_json: bool) -> int:
    """Show a property's next collections, grouped by day, with any moves explained.

        lgds bins next --sample --uprn 100040000012 --from 2026-12-14
    """
    from lgds_components.bins.describe import day_label, relative_day
    from lgds_components.bins.feeds import lgds_feed
    from lgds_components.bins.model import group_by_date

    number, usrn = _property(uprn, postcode, house, gazetteer, sample)
    with _open_schedule(db, sample, division, policy) as schedule:
        today = start or schedule.today()
        collections = schedule.next_collections(number, count=count, on_or_after=today, usrn=usrn)
        if as_json:
            feed = lgds_feed(collections, uprn=number, today=today, source=schedule.name)
            click.echo(json.dumps(feed, indent=2, ensure_ascii=False))
            return EXIT_OK
        click.echo(f"Bin days for UPRN {number} from {day_label(today)}:")
        for text in _describe_days(schedule, number, usrn):
            click.echo(f"  {text}")
        for day in group_by_date(collections):
            names = ", ".join(s.name for s in day.services)
            click.echo(f"  {day_label(day.date)} ({relative_day(day.date, today)}): {names}")
            for moved in day.moved:
                click.echo(f"      {moved.service.name}: {moved.move_description()}")
        if not collections:
            click.echo("  No collections found.")
    return EXIT_OK


def _describe_days(schedule: Any, uprn: int, usrn: int | None = None) -> list[str]:
    return [f"{service}: {pattern}" for service, pattern in schedule.describe(uprn, usrn=usrn)]


def _output_option(func: F) -> F:
    return click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                        help="Write to this file (default: standard output).")(func)


def _window_options(func: F) -> F:
    func = click.option("--days", type=click.IntRange(1, 3 * 366), default=365,
                        show_default=True, help="How many days the feed covers.")(func)
    return click.option("--from", "start", type=DATE,
                        help="First day of the feed (default: today in London).")(func)


def _write(data: bytes, output: Path | None) -> None:
    with AtomicOutput(output, binary=True) as sink:
        sink.write(data)


@bins.command("ical")
@_source_options
@_window_options
@_output_option
def ical_command(db: Path | None, sample: bool, uprn: str | None, postcode: str | None,
                 house: str | None, gazetteer: Path | None, division: str | None,
                 policy: str | None, start: date | None, days: int,
                 output: Path | None) -> int:
    """Write a property's collections as an iCalendar (.ics) feed.

        lgds bins ical --sample --uprn 100040000012 -o bins.ics
    """
    number, usrn = _property(uprn, postcode, house, gazetteer, sample)
    with _open_schedule(db, sample, division, policy) as schedule:
        data = schedule.to_ical(number, start=start, days=days, usrn=usrn)
    _write(data, output)
    return EXIT_OK


@bins.command("json")
@_source_options
@_window_options
@_output_option
@click.option("--format", "shape", type=click.Choice(["lgds", "ukbcd"]), default="lgds",
              show_default=True,
              help="lgds: this library's feed; ukbcd: the UKBinCollectionData shape.")
def json_command(db: Path | None, sample: bool, uprn: str | None, postcode: str | None,
                 house: str | None, gazetteer: Path | None, division: str | None,
                 policy: str | None, start: date | None, days: int, output: Path | None,
                 shape: str) -> int:
    """Write a property's collections as JSON (for Home Assistant: --format ukbcd).

        lgds bins json --sample --uprn 100040000012 --format ukbcd
    """
    number, usrn = _property(uprn, postcode, house, gazetteer, sample)
    with _open_schedule(db, sample, division, policy) as schedule:
        feed = schedule.to_json(number, start=start, days=days, shape=shape, usrn=usrn)
    _write((json.dumps(feed, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), output)
    return EXIT_OK


_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@bins.command("load")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--services", type=_FILE, help="Services CSV (id, name, colour, container, policy).")
@click.option("--rounds", type=_FILE, help="Rounds CSV (id, service, weekday, every_weeks, ...).")
@click.option("--streets", type=_FILE, help="Street defaults CSV (usrn, rounds).")
@click.option("--properties", type=_FILE, help="Properties CSV (uprn, usrn, rounds, exclude).")
@click.option("--overrides", type=_FILE,
              help="Overrides CSV (round, service, date, new_date, note).")
@click.option("--division", type=click.Choice(_DIVISIONS),
              help="The council's bank holiday division.")
@click.option("--policy", type=click.Choice(_POLICIES), help="The council's bank holiday policy.")
@click.option("--skip-bad-rows", is_flag=True,
              help="Leave out bad rows and list them, rather than loading nothing.")
def load_command(db: Path, services: Path | None, rounds: Path | None, streets: Path | None,
                 properties: Path | None, overrides: Path | None, division: str | None,
                 policy: str | None, skip_bad_rows: bool) -> int:
    """Load CSV files into the council's SQLite file DB, all in one transaction.

    Each file given replaces its table in full; on an error nothing changes
    (exit 2, with the file's line number). With --skip-bad-rows, bad rows are
    listed on standard error and the exit status is 1.

        lgds bins load council.sqlite --rounds rounds.csv --properties properties.csv
    """
    from lgds_components.bins.store import BinStore

    files = {"services": services, "rounds": rounds, "streets": streets,
             "properties": properties, "overrides": overrides}
    given = {kind: path for kind, path in files.items() if path is not None}
    if not given and division is None and policy is None:
        raise click.UsageError("give at least one CSV file, --division or --policy")
    total = sum(path.stat().st_size for path in given.values())
    with BinStore.open(db) as store, click.progressbar(
        length=max(total, 1), label=f"loading {db.name}", file=sys.stderr
    ) as bar:
        report = store.load(
            **given, division=division, policy=policy,
            on_error="skip" if skip_bad_rows else "fail",
            progress=bar.update,
        )
    click.echo(report.summary() + f"; {report.properties_assigned:,} properties assigned",
               err=True)
    for error in report.errors[:50]:
        click.echo(f"  {error}", err=True)
    if report.skipped > 50:
        click.echo(f"  ... and {report.skipped - 50:,} more", err=True)
    return EXIT_INVALID if report.skipped else EXIT_OK


def demo_step() -> None:
    """`lgds demo`: your bin days for a sample property, over Christmas 2026."""
    from lgds_components.bins.describe import day_label, relative_day
    from lgds_components.bins.sample import DEMO_DATE, DEMO_UPRN
    from lgds_components.bins.schedule import Schedule

    title = "Your bin days"
    click.echo()
    click.secho(title, bold=True)
    click.echo("-" * len(title))
    click.echo(f"  Sample property UPRN {DEMO_UPRN}, England and Wales bank holidays, "
               f"taking today as {day_label(DEMO_DATE)} (a fixed date, so Christmas shows).")
    with Schedule.sample() as schedule:
        for service, pattern in schedule.describe(DEMO_UPRN):
            click.echo(f"  {service}: {pattern}")
        for day in schedule.next_days(DEMO_UPRN, count=6, on_or_after=DEMO_DATE):
            names = ", ".join(s.name for s in day.services)
            line = f"  {day_label(day.date):<28} {relative_day(day.date, DEMO_DATE):<11} {names}"
            click.echo(click.style(line, fg="yellow") if day.moved else line)
            for moved in day.moved:
                click.echo(click.style(f"      {moved.service.name}: {moved.move_description()}",
                                       fg="yellow"))
        feed = schedule.to_ical(DEMO_UPRN, start=DEMO_DATE, days=365)
    click.echo(f"  A year's iCalendar feed: {feed.count(b'BEGIN:VEVENT')} collection days, "
               f"{len(feed):,} bytes (`lgds bins ical --sample --uprn {DEMO_UPRN}`).")
    number, usrn = _resolve_with_gazetteer(None, "SN7 1BA", "67")
    with Schedule.sample() as schedule:
        first = schedule.next_collections(number, count=1, on_or_after=DEMO_DATE, usrn=usrn)[0]
    click.echo(f"  By postcode and house number through the address gazetteer: SN7 1BA, 67 -> "
               f"UPRN {number}; next {first.service.name} on {day_label(first.date)} "
               "(`lgds bins next --sample --postcode 'SN7 1BA' --house 67`).")
