
"""``lgds forms``: check a form schema, or validate a post against one.

    lgds forms check SCHEMA.json
    lgds forms validate SCHEMA.json POST.json [--page P] [--lang cy] [--test-mode]
    lgds forms govuk-assets --to static [--node-modules node_modules]

``validate`` prints JSON: the typed data when the post is valid (exit 0), or
the parameters for govuk-frontend's ``govukErrorSummary`` and each error
(exit 1). A schema with problems lists every problem (``check``: exit 1;
``validate``: exit 2, as the input file is unusable).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import IO, Any

import click

from lgds_components.cli.app import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from lgds_components.errors import ConfigurationError

__all__ = ["DEMO_SCHEMA", "demo_step", "forms"]


@click.group()
def forms() -> None:
    """Check form schemas and validate form posts (GOV.UK error messages)."""


def _load(schema: Path, test_mode: bool) -> Any:
    from lgds_components.forms import Form, FormSchemaError

    try:
        return Form.from_file(schema, test_mode=test_mode)
    except FormSchemaError as exc:
        click.echo(f"{schema}: {exc}", err=True)
        return None


def _json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


@forms.command()
@click.argument("schema", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def check(schema: Path, strict: bool) -> int:
    """Load SCHEMA and report every problem in it (exit 1 if there are any).

    Checks the schema against JSON Schema Draft 2020-12 and the x-lgds
    extension: unknown keywords and extension keys, unknown formats, remote
    or dangling $refs, fields that cannot work (a date input without
    "format": "date", radios without options, pages that are not declared).

    Then warns where messages will read badly: a label that is a question or
    an instruction with no "noun" or "subject" ("Select which bin?"), options
    of a bilingual form without Welsh text.
    """
    from lgds_components.forms.wording import warnings

    form = _load(schema, test_mode=False)
    if form is None:
        return EXIT_INVALID
    title = form.schema.get("title") or schema.name
    pages = f" on {len(form.pages)} pages" if form.pages else ""
    click.echo(f"{schema}: OK, {title!r}: {len(form.fields)} fields{pages}, "
               f"languages: {', '.join(form.languages)}")
    for field in form.fields:
        where = f" [{field.page}]" if field.page else ""
        required = "required" if field.required else "optional"
        fmt = f", {field.format}" if field.format else ""
        click.echo(f"  {field.name}{where}: {field.input}{fmt}, {required}, #{field.id}")
    found = warnings(form.fields)
    for warning in found:
        click.echo(f"warning: {warning}", err=True)
    if found:
        click.echo(f"{schema}: {len(found)} warning{'s' if len(found) != 1 else ''}", err=True)
    return EXIT_INVALID if found and strict else EXIT_OK


@forms.command()
@click.argument("schema", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("post", type=click.File("r", encoding="utf-8"))
@click.option("--page", help="Validate only this page's fields.")
@click.option("--lang", type=click.Choice(["en", "cy"]), default="en", show_default=True,
              help="The language of the messages.")
@click.option("--test-mode", is_flag=True, help="Accept Ofcom's drama phone numbers.")
def validate(schema: Path, post: IO[str], page: str | None, lang: str, test_mode: bool) -> int:
    """Validate POST (a JSON object of field names to strings or lists) against SCHEMA.

    POST may be "-" for standard input. Prints the typed data, or the error
    summary; exits 1 when the post has errors.

        lgds forms validate garden_waste.schema.json post.json --page direct-debit
    """
    form = _load(schema, test_mode)
    if form is None:
        return EXIT_USAGE
    try:
        answers = json.load(post)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        click.echo(f"{post.name}: not JSON: {exc}", err=True)
        return EXIT_USAGE
    if not isinstance(answers, dict):
        click.echo(f"{post.name}: must hold a JSON object of answers", err=True)
        return EXIT_USAGE
    try:
        result = form.validate(answers, page, lang)
    except ConfigurationError as exc:
        click.echo(str(exc), err=True)
        return EXIT_USAGE
    if result.is_valid:
        click.echo(_json({"valid": True, "data": result.data}))
        return EXIT_OK
    errors = [
        {"field": e.field, "href": e.href, "code": e.code, "message": e.message, "page": e.page}
        for e in result.errors
    ]
    click.echo(_json({"valid": False, "errorSummary": result.error_summary(), "errors": errors}))
    return EXIT_INVALID


#: A compact garden waste subscription form for ``lgds demo`` (the full one,
#: with pages and Welsh, is ``examples/forms/garden_waste.schema.json``).
DEMO_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Apply for a garden waste subscription",
    "type": "object",
    "properties": {
        "full_name": {"type": "string", "maxLength": 100,
                      "x-lgds": {"label": "Full name", "noun": "your full name", "input": "name",
                                 "id": "full-name"}},
        "email": {"type": "string", "format": "email"},
        "postcode": {"type": "string", "format": "uk-postcode"},
        "start_date": {"type": "string", "format": "date",
                       "x-lgds": {"label": "Start date", "id": "start-date",
                                  "noun": "the date you want collections to start",
                                  "date": {"when": "today-or-future"}}},
        "bins": {"type": "integer", "minimum": 1, "maximum": 5,
                 "x-lgds": {"label": "Number of garden waste bins",
                            "noun": "how many garden waste bins you want"}},
        "sort_code": {"type": "string", "format": "uk-sort-code", "x-lgds": {"id": "sort-code"}},
        "account_number": {"type": "string", "format": "uk-bank-account",
                           "x-lgds": {"id": "account-number"}},
    },
    "required": ["full_name", "email", "postcode", "start_date", "bins", "sort_code",
                 "account_number"],
}


@forms.command("govuk-assets")
@click.option("--to", "target", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The static folder the service serves at /assets.")
@click.option("--node-modules", type=click.Path(file_okay=False, path_type=Path),
              default=Path("node_modules"), show_default=True,
              help="Where npm installed govuk-frontend.")
def govuk_assets(target: Path, node_modules: Path) -> int:
    """Copy GOV.UK Frontend's CSS, JavaScript, fonts and images into a static folder.

    Serve the folder at /assets (where govuk-frontend's CSS looks for its
    fonts and images). Install the npm package first: npm install govuk-frontend.
    """
    from lgds_components.forms.assets import copy_govuk_assets

    version = copy_govuk_assets(target, node_modules=node_modules)
    click.echo(f"govuk-frontend {version} copied to {target}; serve it at /assets")
    return EXIT_OK


def demo_step() -> None:
    """A bad garden waste application, and the error summary GOV.UK services show."""
    from lgds_components.forms import Form

    title = "Forms: a garden waste application with mistakes"
    click.echo()
    click.secho(title, bold=True)
    click.echo("-" * len(title))
    form = Form.from_schema(DEMO_SCHEMA)
    year = datetime.date.today().year + 1
    post = {
        "full_name": "  ", "email": "sian@example", "postcode": "cf10 1",
        "start_date-day": "31", "start_date-month": "", "start_date-year": str(year),
        "bins": "7", "sort_code": "30-94-30", "account_number": "12 34",
    }
    click.echo("  posted: " + json.dumps(post, ensure_ascii=False))
    result = form.validate(post)
    summary = result.error_summary()
    click.secho(f"  {summary['titleText']}", fg="red", bold=True)
    for item in summary["errorList"]:
        click.echo(f"    {item['href']:<18} " + click.style(item["text"], fg="red"))
    good = dict(post, full_name="Siân O’Brien", email="sian@example.com", postcode="cf10 1aa",
                **{"start_date-month": "jan"}, bins="2", account_number="733445")
    data = form.validate(good).data
    click.echo("  fixed, it gives typed data: " + click.style(
        json.dumps(data, ensure_ascii=False, default=str), fg="green"))

