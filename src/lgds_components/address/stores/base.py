"""The private store protocol behind the gazetteer front (internal).

:class:`~lgds_components.address.gazetteer.GazetteerFront` owns every public
method, the argument checks and the ranking; a store only answers a handful
of primitive queries, on one connection at a time (a :class:`Session`), and
loads records (:class:`~lgds_components.address.loader.LoadTarget`). The
SQLite file (:mod:`~lgds_components.address.stores.sqlite`) and PostgreSQL
(:mod:`~lgds_components.address.stores.postgres`) are the two stores; a third
would implement these two protocols and pass the conformance suite
(:mod:`lgds_components.testing.address`).

**Rows.** Every query answers rows whose first 24 columns are the
:class:`~lgds_components.address.model.Address` fields in attrs order, stored
canonical (``postal`` may be 0 or 1); :func:`address_of` makes the Address.
Candidate rows add the natural sort key (:data:`SORT_KEY`, comparable within
one store) and the search text (:data:`SEARCH`); a store may add more
columns after those. A match compares many candidates and shows few, so it
asks for *candidate keys* first, narrow rows of what scoring reads
(:data:`KEY_COLUMNS`), and the whole rows of the few it shows by record number.

**Preferred records.** A UPRN may have several records (a Welsh form, an
alternative address). Its *preferred* record is its approved English record,
else its approved Welsh one, else the first by logical status; lookups by
postcode, by parent and the sample give preferred records only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Final, Protocol

from lgds_components.address.model import Address
from lgds_components.address.ranking import Group
from lgds_components.address.records.contract import ADDRESS_FIELDS, address_from_values

__all__ = ["KEY_COLUMNS", "SEARCH", "SORT_KEY", "Row", "Session", "Store", "address_of"]

Row = Sequence[Any]
"""A stored row: the Address fields in attrs order, then what the query adds."""

#: Column of a candidate row holding the natural sort key.
SORT_KEY: Final = len(ADDRESS_FIELDS)
#: Column of a candidate row holding the search text.
SEARCH: Final = SORT_KEY + 1
#: The columns of a candidate key, in order: the UPRN, the postcode (as stored),
#: whether Royal Mail delivers there, the natural sort key, the search text and
#: the record number (last).
KEY_COLUMNS: Final = ("uprn", "postcode", "postal", "sort_key", "search", "id")


def address_of(row: Row) -> Address:
    """The Address of a stored row."""
    return address_from_values(row)


class Session(Protocol):
    """One connection's worth of primitive queries, for one call of the front.

    Also a :class:`~lgds_components.address.ranking.Vocabulary`
    (:meth:`starting`, :meth:`contains`, :meth:`near`).
    """

    def by_postcode(self, key: str, postal_only: bool) -> list[Row]:
        """The preferred records at postcode ``key`` (no space), in natural order."""
        ...

    def approved_at_postcode(self, key: str, postal_only: bool) -> list[Row]:
        """Every approved record at postcode ``key``, in load order, each row ending
        with its sort key (to choose a language per UPRN)."""
        ...

    def by_uprn(self, uprn: int, language: str) -> list[Row]:
        """Every record of ``uprn``: the preferred one first, then those in
        ``language``, then by logical status."""
        ...

    def children(self, uprn: int) -> list[Row]:
        """The preferred records whose parent UPRN is ``uprn``, in natural order."""
        ...

    def top_id(self) -> int:
        """The largest record number (0 when empty)."""
        ...

    def sample_rows(self, ids: list[int]) -> dict[int, Row]:
        """Of the records numbered ``ids``, the preferred postal ones, by number."""
        ...

    def starting(self, prefix: str, limit: int) -> list[str]:
        """See :class:`~lgds_components.address.ranking.Vocabulary`."""
        ...

    def contains(self, word: str, prefix: bool = False) -> bool:
        """See :class:`~lgds_components.address.ranking.Vocabulary`."""
        ...

    def near(self, keys: list[str]) -> Iterable[tuple[str, int]]:
        """See :class:`~lgds_components.address.ranking.Vocabulary`."""
        ...

    def candidates(self, groups: list[Group], limit: int) -> list[Row]:
        """The first ``limit`` records in load order holding a term of every group,
        as candidate rows (with :data:`SORT_KEY` and :data:`SEARCH`)."""
        ...

    def candidate_keys(self, groups: list[Group], limit: int) -> list[Row]:
        """The records :meth:`candidates` gives, in the same order, as candidate keys
        (:data:`KEY_COLUMNS`)."""
        ...

    def candidate_rows(self, ids: list[int]) -> list[Row]:
        """The candidate rows of the records numbered ``ids``, each ending with its
        number (in any order)."""
        ...


class Store(Protocol):
    """A gazetteer store: sessions for reading, and what was loaded."""

    #: Named in errors (``ProviderError.provider``).
    provider: str

    def reading(self) -> AbstractContextManager[Session]:
        """A session on one connection; errors become the library's ProviderError family."""
        ...

    def info(self) -> dict[str, str]:
        """What was loaded: source, format, time, row counts."""
        ...

    def count(self) -> int:
        """How many addresses (UPRNs) the store holds."""
        ...

    def close(self) -> None:
        """Release the store's connections."""
        ...
