"""Which property a schedule is asked about: a UPRN, or an address that carries one.

Every schedule method that takes a property takes a UPRN (an ``int`` or text
a resident typed) or an address from the gazetteer: anything with ``uprn``
and ``usrn`` attributes, such as :class:`lgds_components.address.Address`.
An address's USRN names its street, so a property the council's bin file does
not list still gets its street's rounds:

>>> from lgds_components.address import Address
>>> home = Address(uprn=10120533, usrn=20080771, street="Mount Parade")
>>> property_ids(home)
(10120533, 20080771)
>>> property_ids("100040000012"), property_ids(100040000012, usrn="14200002")
((100040000012, None), (100040000012, 14200002))

An explicit ``usrn=`` wins over the address's own.
"""

from __future__ import annotations

from typing import Protocol, TypeAlias, runtime_checkable

from lgds_components.identifiers import uprn as uprn_rules
from lgds_components.identifiers import usrn as usrn_rules

__all__ = ["HasUPRN", "PropertyRef", "property_ids"]

_UPRN_MAX = uprn_rules.MAXIMUM


@runtime_checkable
class HasUPRN(Protocol):
    """An address from a gazetteer: its UPRN, and its street's USRN (or ``None``)."""

    @property
    def uprn(self) -> int:
        """Unique Property Reference Number."""

    @property
    def usrn(self) -> int | None:
        """Unique Street Reference Number of the property's street."""


PropertyRef: TypeAlias = int | str | HasUPRN
"""A UPRN, as an ``int`` or typed text, or an address carrying one (and its USRN)."""


def _uprn(value: object) -> int:
    if type(value) is int and 0 < value <= _UPRN_MAX:
        return value
    return uprn_rules.validate(value)  # type: ignore[arg-type]


def property_ids(
    place: PropertyRef, usrn: int | str | None = None
) -> tuple[int, int | None]:
    """``(uprn, usrn)`` for a property: checked, as integers; ``usrn`` may be ``None``.

    Raises:
        ValidationError: a malformed UPRN or USRN.
    """
    if isinstance(place, int | str):
        street = usrn
        number = _uprn(place)
    else:
        street = usrn if usrn is not None else getattr(place, "usrn", None)
        number = _uprn(getattr(place, "uprn", place))
    if street is None:
        return number, None
    return number, usrn_rules.validate(street)
