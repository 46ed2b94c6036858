"""Helpers for testing code built on lgds-components, and for testing adapters.

Modules here may need the ``test`` extra (pytest, Hypothesis); nothing is
imported until you import the module that needs it.
"""

from __future__ import annotations

__all__: list[str] = []
