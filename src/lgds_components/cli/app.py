"""The ``lgds`` entry point, its exit codes and its error handling.

Exit codes:

- ``0``: done, nothing wrong.
- ``1``: the command ran and found invalid data (a refused value, a bad row).
- ``2``: the command was used wrongly: an unknown option, a missing column,
  an unreadable or corrupt input file.
- ``3``: a provider or configuration failed (a service down, a bad key).

User errors print one line to standard error, never a traceback.
"""

from __future__ import annotations

from typing import Any

import click

from lgds_components import version
from lgds_components.errors import ConfigurationError, LGDSError, ProviderError, ValidationError

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_PROVIDER", "EXIT_USAGE", "BadInput", "cli", "main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_PROVIDER = 3


class LGDSGroup(click.Group):
    """A click group that turns library errors into one-line messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationError as exc:
            raise BadInput(str(exc)) from exc
        except (ProviderError, ConfigurationError) as exc:
            raise _ProviderFailed(str(exc)) from exc
        except LGDSError as exc:
            raise _ProviderFailed(str(exc)) from exc


class BadInput(click.ClickException):
    """An input file or value the user must fix: one line on stderr, exit code 2."""

    exit_code = EXIT_USAGE


class _ProviderFailed(click.ClickException):
    exit_code = EXIT_PROVIDER


@click.group(cls=LGDSGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version(), "-V", "--version", prog_name="lgds-components")
def cli() -> None:
    """Building blocks for UK council digital services.

    Run `lgds demo` to see them at work, or `lgds COMMAND --help` for one group.
    """


def _register_commands() -> None:
    from lgds_components.cli.address import address
    from lgds_components.cli.bins import bins
    from lgds_components.cli.demo import demo
    from lgds_components.cli.forms import forms
    from lgds_components.cli.identifiers import identifiers
    from lgds_components.cli.payments import pay

    for command in (demo, identifiers, address, bins, forms, pay):
        cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Run ``lgds`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    A command returns an exit code (or ``None`` for success); errors become
    one-line messages on standard error.
    """
    _register_commands()
    try:
        result = cli.main(args=argv, prog_name="lgds", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return result if isinstance(result, int) else EXIT_OK
