"""``lgds demo``: each component shows what it does, on embedded defaults only.

Every step runs offline. A component adds its step to :data:`STEPS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import click

from lgds_components.errors import ValidationError

__all__ = ["DOCS_URL", "STEPS", "demo", "docs_url"]

#: Where the documentation is published, if the installed metadata does not say.
DOCS_URL = "https://lgds-components.readthedocs.io/"


def _heading(title: str) -> None:
    click.echo()
    click.secho(title, bold=True)
    click.echo("-" * len(title))


def identifiers_step() -> None:
    """Messy input as residents type it, and what the identifier rules make of it."""
    from lgds_components.identifiers import nino, postcode, uprn

    _heading("UK identifiers")
    samples = [
        (postcode, "postcode", " sw1a-1aa "),
        (postcode, "postcode", "ex4 1aa."),
        (postcode, "postcode", "QA1 1AA"),
        (postcode, "postcode", "SW1A"),
        (nino, "NI number", "qq 12 34 56 c"),
        (nino, "NI number", "ab123456c"),
        (uprn, "UPRN", "000100040212345"),
        (uprn, "UPRN", "12 34"),
    ]
    for module, label, typed in samples:
        try:
            shown = click.style(module.format(typed), fg="green")
        except ValidationError as exc:
            shown = click.style(f'refused: "{exc.message}"', fg="red")
        click.echo(f"  {label:<10} {typed!r:<20} -> {shown}")
    parts = postcode.parse("SW1A 1AA")
    click.echo(
        f"  postcode.parse('SW1A 1AA'): area {parts.area}, district {parts.district}, "
        f"sector {parts.sector}, unit {parts.unit}"
    )


def _step(module: str, function: str = "demo_step") -> Callable[[], None]:
    """A step defined by a component's CLI module, imported only when it runs."""

    def run() -> None:
        getattr(importlib.import_module(module), function)()

    run.__name__ = f"{module.rsplit('.', 1)[-1]}_step"
    return run


STEPS: list[Callable[[], None]] = [
    identifiers_step,
    _step("lgds_components.cli.address"),
    _step("lgds_components.cli.bins"),
    _step("lgds_components.cli.forms"),
    _step("lgds_components.cli.payments"),
]
"""The demo's steps, in the order they run."""


@click.command()
def demo() -> None:
    """Show every component at work on built-in sample data (offline)."""
    click.secho("lgds-components demo", bold=True, fg="blue")
    for step in STEPS:
        step()
    click.echo()
    click.echo(f"Read the docs for more: {docs_url()}")


def docs_url() -> str:
    """The documentation's address, from the installed package's ``Documentation`` project URL.

    >>> docs_url().startswith("https://")
    True
    """
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("lgds-components").get_all("Project-URL") or []
    except PackageNotFoundError:  # a source tree that was never installed
        return DOCS_URL
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation":
            return str(url).strip()
    return DOCS_URL
