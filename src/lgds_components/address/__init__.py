"""Addresses: postcode lookup, UPRN lookup, free-text search and matching to UPRNs.

Offline by default: :class:`Gazetteer` answers from one SQLite file built from
the council's own gazetteer CSV (an LLPG export or AddressBase-style CSV).
:meth:`Gazetteer.sample` opens a small synthetic gazetteer that ships with the
package.

>>> from lgds_components.address import Gazetteer
>>> with Gazetteer.sample() as gaz:
...     homes = gaz.by_postcode("sn7 1ba", postal_only=True)
...     best = gaz.match("flat 2, 65 mount pde, rushworth")
>>> [home.single_line() for home in homes[:3]]  # doctest: +NORMALIZE_WHITESPACE
['Flat 1, 65 Mount Parade, Radham, Rushworth, SN7 1BA',
 'Flat 2, 65 Mount Parade, Radham, Rushworth, SN7 1BA',
 '67 Mount Parade, Radham, Rushworth, SN7 1BA']
>>> best.uprn, best.score > 0.9, best.reason
(10120533, True, 'town + flat + number + street; no other candidate')

Names are imported lazily: importing this package loads only the model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from lgds_components.address.match import Match
from lgds_components.address.model import Address, natural_key
from lgds_components.address.protocol import AddressLookup

if TYPE_CHECKING:  # what type checkers see of the names loaded on first use
    from lgds_components.address.gazetteer import Gazetteer
    from lgds_components.address.loader import LoadReport
    from lgds_components.address.os_places import OSPlaces

__all__ = [
    "Address",
    "AddressLookup",
    "Gazetteer",
    "LoadReport",
    "Match",
    "OSPlaces",
    "natural_key",
]

_LAZY = {
    "Gazetteer": "lgds_components.address.gazetteer",
    "LoadReport": "lgds_components.address.loader",
    "OSPlaces": "lgds_components.address.os_places",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lgds_components.address' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
