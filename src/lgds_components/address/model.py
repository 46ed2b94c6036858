"""The :class:`Address` value: BS 7666 structure, Royal Mail style lines, natural order.

An address is held the way a gazetteer (an LLPG, AddressBase) structures it:
a secondary addressable object (SAO: the flat, the unit) inside a primary
addressable object (PAO: the building), on a street, in a town, with a
postcode. Each of SAO and PAO has a start number and suffix, an end number and
suffix (a range such as ``110-114``), and text (a name such as ``Flat 2`` or
``Victoria House``).

>>> from lgds_components.address.model import Address
>>> flat = Address(uprn=10001, sao_text="Flat 2", pao_start_number=10,
...                street="High Street", town="Exeter", postcode="EX4 1AA")
>>> flat.lines()
('Flat 2', '10 High Street', 'Exeter', 'EX4 1AA')
>>> flat.single_line()
'Flat 2, 10 High Street, Exeter, EX4 1AA'

Two renderings are offered. :meth:`Address.lines` follows the Royal Mail PAF
conventions for a postal address, including the *building-name exception
rule*: a building "name" that is really a number (``12A``, ``110-114``, a
single letter) goes on the same line as the street. :meth:`Address.bs7666_lines`
renders the SAO and PAO fields as an LPI record lays them out.

Addresses order naturally with :func:`natural_key` (numbers compared as
numbers, so ``Flat 2`` comes before ``Flat 10`` and ``2`` before ``2A``
before ``10``):

>>> rows = [Address(uprn=3, pao_start_number=10, street="Mill Lane"),
...         Address(uprn=2, pao_start_number=2, pao_start_suffix="A", street="Mill Lane"),
...         Address(uprn=1, pao_start_number=2, street="Mill Lane")]
>>> [a.lines()[0] for a in sorted(rows, key=natural_key)]
['2 Mill Lane', '2A Mill Lane', '10 Mill Lane']
"""

from __future__ import annotations

from typing import Any

import attrs

from lgds_components.address.parts import (
    join_sort_key,
    natural_text_key,
    pao_sort,
    place_sort,
    sao_sort,
)
from lgds_components.pydantic_bridge import pydantic_schema

__all__ = [
    "ALTERNATIVE",
    "APPROVED",
    "HISTORICAL",
    "PROVISIONAL",
    "Address",
    "format_numbers",
    "is_number_like",
    "natural_key",
    "natural_text_key",
]

#: BS 7666 logical status: an approved, current address.
APPROVED = 1
#: BS 7666 logical status: an alternative address for an approved one.
ALTERNATIVE = 3
#: BS 7666 logical status: provisional (planned, not yet built or named).
PROVISIONAL = 6
#: BS 7666 logical status: historical (no longer current).
HISTORICAL = 8



def _opt_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _suffix(value: Any) -> str:
    return "" if value is None else str(value).strip().upper()


def _opt_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def _language(value: Any) -> str:
    text = "en" if value is None or value == "" else str(value).strip().lower()
    return {"eng": "en", "cym": "cy", "wel": "cy", "gae": "gd"}.get(text, text)


def _lines(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(line.strip() for line in value.split("\n") if line.strip())
    return tuple(str(line).strip() for line in value if str(line).strip())


def format_numbers(
    start: int | None, start_suffix: str = "", end: int | None = None, end_suffix: str = ""
) -> str:
    """Render a BS 7666 number range: ``12``, ``12A``, ``110-114``, ``1A-1C``.

    >>> format_numbers(110, "", 114, "")
    '110-114'
    >>> format_numbers(12, "a")
    '12A'
    >>> format_numbers(None)
    ''
    """
    if start is None:
        return ""
    text = f"{start}{start_suffix.upper()}"
    if end is not None and (end, end_suffix.upper()) != (start, start_suffix.upper()):
        text += f"-{end}{end_suffix.upper()}"
    return text


def is_number_like(name: str) -> bool:
    """Whether a building or sub-building name falls under the PAF exception rule.

    Royal Mail's rule: a name whose first and last characters are digits
    (``110-114``, ``1TO1``, ``100:1``), whose first and last-but-one are digits
    and last a letter (``12A``, ``1A-1C``), or of one character (``B``) is
    printed on the same line as what follows it, not on a line of its own.

    >>> is_number_like("12A"), is_number_like("110-114"), is_number_like("B")
    (True, True, True)
    >>> is_number_like("1TO1"), is_number_like("100:1")
    (True, True)
    >>> is_number_like("Victoria House"), is_number_like("10 Sellon Court")
    (False, False)
    """
    name = name.strip()
    if len(name) == 1:
        return name.isalnum()
    if len(name) < 2 or not name[0].isdigit():
        return False
    return name[-1].isdigit() or (name[-1].isalpha() and name[-2].isdigit())


def natural_key(address: Address) -> str:
    """The natural sort key of an address (see :meth:`Address.sort_key`).

    Use it with :func:`sorted`: ``sorted(addresses, key=natural_key)``.
    """
    return address.sort_key()


@pydantic_schema("lgds_components.address.schemas:AddressSchema", "to_address")
@attrs.frozen(slots=True, kw_only=True)
class Address:
    """One addressable place, structured as in BS 7666 (LLPG / AddressBase LPI).

    Only ``uprn`` is required. Numbers are ``int`` or ``None``; text fields
    default to ``""``; suffixes are upper-cased; ``language`` is ``"en"`` or
    ``"cy"`` (Welsh) or ``"gd"`` (Scottish Gaelic): ISO 639-1; the products'
    ``"ENG"``, ``"CYM"`` and ``"GAE"`` are read too.

    Attributes:
        uprn: Unique Property Reference Number.
        parent_uprn: the UPRN of the building this one sits in (a flat's block).
        usrn: Unique Street Reference Number of the street.
        organisation: organisation name (a business, a school).
        sao_start_number, sao_start_suffix, sao_end_number, sao_end_suffix, sao_text:
            the secondary addressable object (the flat or unit).
        pao_start_number, pao_start_suffix, pao_end_number, pao_end_suffix, pao_text:
            the primary addressable object (the building).
        street: the street description (thoroughfare).
        locality: locality (dependent locality), may be empty.
        town: town (post town).
        postcode: postcode in display form, ``"EX4 1AA"``.
        easting, northing: British National Grid coordinates in metres.
        classification: AddressBase classification code (``"RD04"``; ``"R"`` is residential).
        logical_status: BS 7666 logical status (1 approved, 3 alternative,
            6 provisional, 8 historical).
        language: ``"en"`` or ``"cy"`` (a Welsh-language alternate record).
        postal: whether Royal Mail delivers to it (a postal address).
        latitude, longitude: WGS84 position in degrees, where the product gives it
            (AddressBase does; an LLPG does not).
        udprn: Royal Mail's Unique Delivery Point Reference Number, for a postal address.
        delivery_lines: Royal Mail's (PAF) form of the address as printed lines,
            beside the LPI form, where the product carries it (AddressBase
            Plus, Core and Premium); ``()`` otherwise. It may differ from
            :meth:`lines`: ``16 High Street, Upper Town`` where the council
            names the building ``The Old Bakery``.
    """

    uprn: int = attrs.field(converter=int)
    parent_uprn: int | None = attrs.field(default=None, converter=_opt_int)
    usrn: int | None = attrs.field(default=None, converter=_opt_int)
    organisation: str = attrs.field(default="", converter=_text)
    sao_start_number: int | None = attrs.field(default=None, converter=_opt_int)
    sao_start_suffix: str = attrs.field(default="", converter=_suffix)
    sao_end_number: int | None = attrs.field(default=None, converter=_opt_int)
    sao_end_suffix: str = attrs.field(default="", converter=_suffix)
    sao_text: str = attrs.field(default="", converter=_text)
    pao_start_number: int | None = attrs.field(default=None, converter=_opt_int)
    pao_start_suffix: str = attrs.field(default="", converter=_suffix)
    pao_end_number: int | None = attrs.field(default=None, converter=_opt_int)
    pao_end_suffix: str = attrs.field(default="", converter=_suffix)
    pao_text: str = attrs.field(default="", converter=_text)
    street: str = attrs.field(default="", converter=_text)
    locality: str = attrs.field(default="", converter=_text)
    town: str = attrs.field(default="", converter=_text)
    postcode: str = attrs.field(default="", converter=_text)
    easting: float | None = attrs.field(default=None, converter=_opt_float)
    northing: float | None = attrs.field(default=None, converter=_opt_float)
    classification: str = attrs.field(default="", converter=_text)
    logical_status: int = attrs.field(default=APPROVED, converter=int)
    language: str = attrs.field(default="en", converter=_language)
    postal: bool = attrs.field(default=True, converter=bool)
    latitude: float | None = attrs.field(default=None, converter=_opt_float)
    longitude: float | None = attrs.field(default=None, converter=_opt_float)
    udprn: int | None = attrs.field(default=None, converter=_opt_int)
    delivery_lines: tuple[str, ...] = attrs.field(default=(), converter=_lines)

    # -- the parts -----------------------------------------------------------

    @property
    def sao_numbers(self) -> str:
        """The SAO number range as text: ``"2"``, ``"1A-1C"`` or ``""``."""
        return format_numbers(
            self.sao_start_number, self.sao_start_suffix, self.sao_end_number, self.sao_end_suffix
        )

    @property
    def pao_numbers(self) -> str:
        """The PAO number range as text: ``"10"``, ``"110-114"``, ``"12A"`` or ``""``."""
        return format_numbers(
            self.pao_start_number, self.pao_start_suffix, self.pao_end_number, self.pao_end_suffix
        )

    @property
    def sao(self) -> str:
        """The whole SAO in one piece: its text, then its numbers.

        >>> Address(uprn=1, sao_text="Flat", sao_start_number=3).sao
        'Flat 3'
        """
        return " ".join(part for part in (self.sao_text, self.sao_numbers) if part)

    @property
    def pao(self) -> str:
        """The whole PAO in one piece: its text, then its numbers.

        >>> Address(uprn=1, pao_text="Victoria House", pao_start_number=15).pao
        'Victoria House 15'
        """
        return " ".join(part for part in (self.pao_text, self.pao_numbers) if part)

    # -- renderings ----------------------------------------------------------

    def _tail(self, postcode: bool) -> list[str]:
        tail = [part for part in (self.locality, self.town) if part]
        if postcode and self.postcode:
            tail.append(self.postcode)
        return tail

    def lines(self, *, postcode: bool = True) -> tuple[str, ...]:
        """The address as printed on an envelope, following Royal Mail PAF rules.

        - a building number goes on the street line: ``10 High Street``;
        - a building name goes on its own line, unless it is number-like
          (``12A``, ``110-114``, one letter: the *exception rule*), when it
          goes on the street line;
        - a sub-building (flat) goes on its own line above the building; a
          number-like sub-building shares the building name's line
          (``2 Rose Court``).

        >>> Address(uprn=1, pao_start_number=110, pao_end_number=114,
        ...         street="High Street", town="Exeter").lines()
        ('110-114 High Street', 'Exeter')
        >>> Address(uprn=1, sao_text="Flat 1", pao_text="Victoria House",
        ...         pao_start_number=15, street="The Street").lines(postcode=False)
        ('Flat 1', 'Victoria House', '15 The Street')
        >>> Address(uprn=1, sao_start_number=2, pao_text="Rose Court",
        ...         street="Mill Lane").lines()
        ('2 Rose Court', 'Mill Lane')
        """
        out: list[str] = []
        if self.organisation:
            out.append(self.organisation)
        sub = self.sao
        name = self.pao_text
        number = self.pao_numbers
        if name and not number and is_number_like(name):
            number, name = name, ""
        if sub:
            if name and is_number_like(sub):
                name = f"{sub} {name}"
            else:
                out.append(sub)
        if name:
            out.append(name)
        street_line = " ".join(part for part in (number, self.street) if part)
        if street_line:
            out.append(street_line)
        out.extend(self._tail(postcode))
        return tuple(out)

    def bs7666_lines(self, *, postcode: bool = True) -> tuple[str, ...]:
        """The address laid out from its BS 7666 fields, as an LPI record reads.

        Organisation; SAO text; SAO numbers (joined to the PAO text when there
        is one); PAO text; PAO numbers with the street; locality; town; postcode.

        >>> Address(uprn=1, sao_text="Basement", sao_start_number=2, pao_text="Mill House",
        ...         pao_start_number=4, street="Mill Lane", town="Exeter").bs7666_lines()
        ('Basement', '2 Mill House', '4 Mill Lane', 'Exeter')
        """
        out: list[str] = []
        if self.organisation:
            out.append(self.organisation)
        if self.sao_text:
            out.append(self.sao_text)
        sao_numbers = self.sao_numbers
        if self.pao_text:
            out.append(" ".join(part for part in (sao_numbers, self.pao_text) if part))
        elif sao_numbers:
            out.append(sao_numbers)
        street_line = " ".join(part for part in (self.pao_numbers, self.street) if part)
        if street_line:
            out.append(street_line)
        out.extend(self._tail(postcode))
        return tuple(out)

    def single_line(self, *, postcode: bool = True) -> str:
        """:meth:`lines` joined with commas, for a drop-down or a CSV cell."""
        return ", ".join(self.lines(postcode=postcode))

    def __str__(self) -> str:
        return self.single_line()

    # -- order ---------------------------------------------------------------

    def sort_key(self) -> str:
        """Natural order: street, then building number (2, 2A, 10, then named
        buildings), then building name, then flat (Flat 2 before Flat 10;
        basement, ground, first floor flats in that order).

        >>> flats = [Address(uprn=n, sao_text=f"Flat {n}", pao_text="Rose Court")
        ...          for n in (10, 2, 1)]
        >>> [a.sao_text for a in sorted(flats, key=Address.sort_key)]
        ['Flat 1', 'Flat 2', 'Flat 10']
        """
        return join_sort_key(
            place_sort(self.street, self.locality, self.town),
            pao_sort(self.pao_start_number, self.pao_start_suffix, self.pao_end_number,
                     self.pao_end_suffix, self.pao_text),
            sao_sort(self.sao_start_number, self.sao_start_suffix, self.sao_end_number,
                     self.sao_end_suffix, self.sao_text),
            natural_text_key(self.organisation),
            self.uprn,
        )

    def evolve(self, **changes: Any) -> Address:
        """A copy with some fields changed."""
        return attrs.evolve(self, **changes)
