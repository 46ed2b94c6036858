"""The ``lgds`` command line: one group per component, plus ``lgds demo``."""

from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the ``lgds`` command; returns the exit status."""
    from lgds_components.cli.app import main as _main

    return _main(argv)
