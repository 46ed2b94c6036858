"""Tested, typed building blocks for UK local council digital services.

The components live in subpackages, imported on their own so that using one
never loads the others::

    from lgds_components.identifiers import postcode

The package root only carries the version and the exception tree's root.

>>> import lgds_components
>>> lgds_components.__version__ == lgds_components.version()
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lgds_components.errors import LGDSError

if TYPE_CHECKING:
    __version__: str  # read from the package metadata on first use (see __getattr__)

__all__ = ["LGDSError", "__version__", "version"]


def version() -> str:
    """Return the installed version of ``lgds-components`` from its metadata."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _metadata_version

    try:
        return _metadata_version("lgds-components")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> str:
    # ``__version__`` is read from package metadata on first use, not at import.
    if name == "__version__":
        return version()
    raise AttributeError(f"module 'lgds_components' has no attribute {name!r}")
