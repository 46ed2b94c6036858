"""Built-in sample data: a made-up council's services, rounds, streets and properties.

The CSV files live in ``data/sample/`` beside this module and double as
examples of every file :class:`~lgds_components.bins.store.BinStore` loads.

>>> sorted(sample_files())
['overrides', 'properties', 'rounds', 'services', 'streets']
>>> SAMPLE_UPRNS[:3]
(100040000001, 100040000002, 100040000003)
>>> with sample_store() as store:
...     store.rounds_for(100040000012)
('FOOD-FRI', 'GDN-WED-A', 'REC-FRI-B', 'REF-FRI-A')
"""

from __future__ import annotations

import io
from datetime import date
from importlib import resources
from typing import Any, Final

from lgds_components.bins.store import BinStore

__all__ = ["DEMO_DATE", "DEMO_UPRN", "SAMPLE_UPRNS", "sample_files", "sample_store"]

SAMPLE_UPRNS: Final = (
    100040000001, 100040000002, 100040000003,
    100040000011, 100040000012, 100040000013,
    100040000021, 100040000022,
)
"""Every property in the sample data."""

DEMO_UPRN: Final = 100040000012
"""A sample property on Friday rounds (with garden waste): its collections on
Christmas Day 2026 and New Year's Day 2027 move."""

DEMO_DATE: Final = date(2026, 12, 14)
"""The fixed "today" the demo uses, so the Christmas 2026 shifts are in view."""

_KINDS: Final = ("services", "rounds", "streets", "properties", "overrides")


def sample_files() -> dict[str, str]:
    """The sample CSV files' text, by kind."""
    folder = resources.files("lgds_components.bins").joinpath("data").joinpath("sample")
    return {kind: folder.joinpath(f"{kind}.csv").read_text(encoding="utf-8") for kind in _KINDS}


def sample_store() -> BinStore:
    """An in-memory :class:`~lgds_components.bins.store.BinStore` holding the sample data.

    Division England and Wales, policy ``later-in-week``.
    """
    files = sample_files()
    store = BinStore.memory()
    try:
        sources: dict[str, Any] = {kind: io.StringIO(text) for kind, text in files.items()}
        store.load(**sources, division="england-and-wales", policy="later-in-week")
    except BaseException:
        store.close()
        raise
    return store
