"""The :class:`AddressLookup` protocol every address provider implements.

The embedded :class:`~lgds_components.address.gazetteer.Gazetteer`, the OS
Places client and any contributed adapter all answer the same five questions,
so a service can swap one for another in configuration:

>>> from lgds_components.address import AddressLookup, Gazetteer
>>> gaz = Gazetteer.sample()
>>> isinstance(gaz, AddressLookup)
True
>>> gaz.close()
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, runtime_checkable

from lgds_components.address.match import Match
from lgds_components.address.model import Address

__all__ = ["AddressLookup"]


@runtime_checkable
class AddressLookup(Protocol):
    """What an address provider does.

    Every method raises :class:`~lgds_components.errors.ValidationError` for
    input it cannot use (a malformed postcode or UPRN, an over-long search)
    and :class:`~lgds_components.errors.ProviderError` (or a subclass) when
    the provider itself fails.
    """

    def by_postcode(self, postcode: str) -> list[Address]:
        """Every address at ``postcode``, in natural order (2 before 2A before 10).

        The postcode is normalised first (``"ex41aa"`` works); a valid postcode
        with no addresses gives ``[]``; an invalid one raises ValidationError.
        One address per UPRN.
        """
        ...

    def by_uprn(self, uprn: int | str) -> Address:
        """The address with this UPRN.

        Raises:
            ValidationError: ``uprn`` is not a UPRN.
            NotFound: the provider has no such UPRN.
        """
        ...

    def search(self, text: str, limit: int = 10, postcode: str | None = None) -> list[Match]:
        """Addresses resembling free ``text``, best first, at most ``limit``.

        For type-ahead: copes with case, punctuation, abbreviations, partial
        postcodes and small typos. ``postcode``, when given, restricts the
        results to that postcode. Text with no usable words gives ``[]``.
        One match per UPRN.
        """
        ...

    def match(self, text: str, *, threshold: float | None = None) -> Match | None:
        """The single address ``text`` means, or ``None`` when not confident.

        ``threshold`` (0..1) overrides the provider's default confidence
        threshold; below it the answer is ``None`` rather than a guess.
        """
        ...

    def match_many(
        self, rows: Iterable[str], *, threshold: float | None = None
    ) -> Iterator[Match | None]:
        """:meth:`match` for each of ``rows``, lazily, in order (for batches).

        Consumes ``rows`` as it goes, so a file of millions of lines streams.
        """
        ...
