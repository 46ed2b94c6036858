"""How addresses get written down: the parts of an address, typing noise, who exists.

An address is first laid out as :class:`Parts` (the lines a form or a council
system keeps: care-of line, organisation, flat, building, number and street,
locality, town, county, postcode); the kinds of mess in
:mod:`~lgds_components.address.messy_kinds` and :func:`typed_noise` change the
parts, and :func:`render` joins them into one line. :class:`Population` is
what exists, for checking that a made-up address does not.

Everything here draws on ``random.Random`` only, so a seed repeats a set.

>>> import random
>>> from lgds_components.address.model import Address
>>> home = Address(uprn=1, sao_text="Flat B", pao_start_number=40, street="Victoria Square",
...                town="Kelmouth", postcode="EX4 1AA")
>>> parts = Parts.of(home)
>>> parts.flat, parts.number = "", "40B"
>>> render(parts, random.Random(1), upper=False, separator=", ")
'40B Victoria Square, Kelmouth, EX4 1AA'
>>> number_words(21), abbreviated("Station", random.Random(3))
('twenty one', 'Stn')
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable

import attrs

from lgds_components.address.model import Address

__all__ = [
    "COUNTIES",
    "FLOOR_NAMES",
    "TYPE_SHORT",
    "Parts",
    "Population",
    "abbreviated",
    "number_words",
    "render",
    "shorten_types",
    "typed_noise",
    "typo",
]

# -- word lists ------------------------------------------------------------------------

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
         "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
         "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

#: Floors in building order, as a flat named by its floor says them.
FLOOR_NAMES = ("basement", "ground", "first", "second", "third", "fourth")

#: Counties people add to an address (ceremonial, historic and Welsh preserved
#: counties); several share words with street names (West, North, South, Park).
COUNTIES = (
    "Avon", "Bedfordshire", "Berkshire", "Buckinghamshire", "Cambridgeshire", "Cheshire",
    "Cleveland", "Clwyd", "Cornwall", "County Durham", "Cumbria", "Derbyshire", "Devon",
    "Dorset", "Dyfed", "East Riding of Yorkshire", "East Sussex", "Essex", "Glamorgan",
    "Gloucestershire", "Greater London", "Greater Manchester", "Gwent", "Gwynedd",
    "Hampshire", "Herefordshire", "Hertfordshire", "Isle of Wight", "Kent", "Lancashire",
    "Leicestershire", "Lincolnshire", "Merseyside", "Mid Glamorgan", "Norfolk",
    "North Yorkshire", "Northamptonshire", "Northumberland", "Nottinghamshire",
    "Oxfordshire", "Powys", "Rutland", "Shropshire", "Somerset", "South Glamorgan",
    "South Yorkshire", "Staffordshire", "Suffolk", "Surrey", "Tyne and Wear",
    "Warwickshire", "West Glamorgan", "West Midlands", "West Sussex", "West Yorkshire",
    "Wiltshire", "Worcestershire",
)

TYPE_SHORT = {
    "Street": ["St", "St.", "Str", "ST"], "Road": ["Rd", "Rd.", "RD"], "Avenue": ["Ave", "Av"],
    "Lane": ["Ln", "La"], "Drive": ["Dr", "Drv"], "Close": ["Cl", "Cls"],
    "Crescent": ["Cres", "Cresc", "Cr"], "Place": ["Pl"], "Terrace": ["Terr", "Tce", "Ter"],
    "Gardens": ["Gdns", "Gdn"], "Court": ["Ct", "Crt"], "Square": ["Sq"], "Grove": ["Gro", "Gr"],
    "Cottage": ["Cott"], "Cottages": ["Cotts"], "Parade": ["Pde"], "Mews": ["Mws"],
    "Walk": ["Wlk"], "Park": ["Pk"], "House": ["Ho", "Hse"], "Mount": ["Mt"], "Way": ["Wy"],
}
_VOWELS = set("aeiou")


def number_words(value: int) -> str:
    """A number below 100 in words (``21`` -> ``"twenty one"``); others as digits."""
    if 0 <= value < 20:
        return _ONES[value]
    if 20 <= value < 100:
        tens, ones = divmod(value, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    return str(value)


def typo(rng: random.Random, word: str, *, shortest: int = 5) -> str:
    """``word`` with one slip (swap, drop, double or change a letter), or as it was."""
    if len(word) < shortest or not word.isalpha():
        return word
    position = rng.randrange(1, len(word) - 1) if len(word) > 2 else 1
    kind = rng.randrange(4)
    if kind == 0 and position + 1 < len(word):  # swap two letters
        return word[:position] + word[position + 1] + word[position] + word[position + 2:]
    if kind == 1:  # drop one
        return word[:position] + word[position + 1:]
    if kind == 2:  # double one
        return word[:position] + word[position] + word[position:]
    letters = "aeioulnrst".replace(word[position].lower(), "")
    replacement = rng.choice(letters)
    if word[position].isupper():
        replacement = replacement.upper()
    return word[:position] + replacement + word[position + 1:]


def abbreviated(word: str, rng: random.Random) -> str:
    """A clerk's short form of a name word: its consonants (``Stn``, ``Qns``) or its start
    (``Vic``), keeping the first letter and the case."""
    if len(word) < 5:
        return word
    if rng.random() < 0.6:
        consonants = [c for c in word[1:].lower() if c not in _VOWELS and c.isalpha()]
        kept = [c for index, c in enumerate(consonants) if not index or c != consonants[index - 1]]
        short = word[0] + "".join(kept[:rng.choice((2, 3))])
    else:
        short = word[: rng.choice((3, 4))]
    return short if len(short) < len(word) else word


# -- the parts of an address ------------------------------------------------------------


@attrs.define
class Parts:
    """The lines of one address as a system holds them, changed by each kind of mess.

    ``flat_after`` puts the flat after the street (``10 High St Flat 2``);
    ``slash_flat`` writes it ``2/10 High St``.
    """

    before: list[str] = attrs.field(factory=list)
    organisation: str = ""
    flat: str = ""
    building: str = ""
    number: str = ""
    street: str = ""
    extra: str = ""
    locality: str = ""
    town: str = ""
    county: str = ""
    postcode: str = ""
    flat_after: bool = False
    slash_flat: str = ""
    noise: list[str] = attrs.field(factory=list)

    @classmethod
    def of(cls, address: Address) -> Parts:
        """Every part of ``address`` (numbers with the street, the name on its own)."""
        return cls(organisation=address.organisation, flat=address.sao,
                   building=address.pao_text, number=address.pao_numbers,
                   street=address.street, locality=address.locality, town=address.town,
                   postcode=address.postcode)

    def lines(self) -> list[str]:
        """The parts in address order (empty ones left out)."""
        street_line = " ".join(part for part in (self.number, self.street) if part)
        if self.slash_flat and street_line:
            street_line = f"{self.slash_flat}/{street_line}"
        lines = [*self.before, self.organisation]
        if not self.flat_after:
            lines.append(self.flat)
        lines += [self.building, street_line]
        if self.flat_after:
            lines[-1] = f"{street_line} {self.flat}".strip()
        lines += [self.extra, self.locality, self.town, self.county, self.postcode]
        return [line for line in lines if line]


def render(parts: Parts, rng: random.Random, *, upper: bool, separator: str) -> str:
    """Join the parts into one line, upper-cased when the system keeps capitals."""
    text = separator.join(parts.lines())
    return text.upper() if upper else text


# -- who exists: what a made-up address is checked against --------------------------------


def _key(text: str) -> str:
    return " ".join(text.lower().split())


class Population:
    """What exists, for checking that a made-up address does not.

    Built from every address of the gazetteer (a sample leaves some made-up
    addresses possibly existing).
    """

    def __init__(self, addresses: Iterable[Address]) -> None:
        self.numbers: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.names: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.flats: dict[tuple[str, str, str, str], list[Address]] = defaultdict(list)
        self.towns_of_street: dict[str, set[str]] = defaultdict(set)
        self.towns: set[str] = set()
        names: set[str] = set()
        parents: set[int] = set()
        undelivered: list[Address] = []
        for address in addresses:
            if address.parent_uprn is not None:
                parents.add(address.parent_uprn)
            if not address.postal:
                undelivered.append(address)
            place = (_key(address.street), _key(address.town))
            self.towns.add(address.town)
            self.towns_of_street[place[0]].add(address.town)
            start, end = address.pao_start_number, address.pao_end_number
            if start is not None:
                self.numbers[place].update(range(start, (end or start) + 1))
            if address.pao_text:
                self.names[place].add(_key(address.pao_text))
                names.add(address.pao_text)
            if address.sao:
                self.flats[(*place, address.pao_numbers, _key(address.pao_text))].append(address)
        self.all_names: list[str] = sorted(names)
        #: Buildings holding flats or units (their own record, which Royal Mail
        #: does not deliver to): what a planning record may mean.
        self.buildings: list[Address] = [address for address in undelivered
                                         if address.uprn in parents]

    def flats_of(self, address: Address) -> list[Address]:
        """The flats in the building of ``address`` (itself included)."""
        return self.flats.get((_key(address.street), _key(address.town), address.pao_numbers,
                               _key(address.pao_text)), [])

    def numbers_on(self, street: str, town: str) -> set[int]:
        """The house numbers ``street`` has in ``town`` (ranges spelt out)."""
        return self.numbers.get((_key(street), _key(town)), set())

    def towns_with(self, street: str) -> set[str]:
        """The towns having a street called ``street``."""
        return self.towns_of_street.get(_key(street), set())

    def has_number(self, street: str, town: str, number: int) -> bool:
        return number in self.numbers.get((_key(street), _key(town)), ())

    def has_name(self, street: str, town: str, name: str) -> bool:
        return _key(name) in self.names.get((_key(street), _key(town)), ())


# -- as people type them -------------------------------------------------------------------


def shorten_types(rng: random.Random, text: str, chance: float) -> tuple[str, bool]:
    """``text`` with each street-type word shortened (``Road`` -> ``Rd``) at ``chance``."""
    words = text.split()
    changed = False
    for index, word in enumerate(words):
        options = TYPE_SHORT.get(word)
        if options and rng.random() < chance:
            words[index] = rng.choice(options)
            changed = True
    return " ".join(words), changed


def typed_noise(parts: Parts, rng: random.Random, address: Address, strength: float, *,
                keep_town: bool = False) -> None:
    """What people do when typing: street types shortened, a typo, the street type
    or building name dropped, the flat as ``2/10`` or after the street, the town,
    postcode or locality left out or half there. ``strength`` scales how often;
    ``keep_town`` keeps the town, building name and street type (for a made-up
    address, which dropping them could turn into one that exists)."""
    noise = parts.noise
    if parts.building and parts.number and rng.random() < 0.4 and not keep_town:
        parts.building = ""
        noise.append("no building name")
    shortened = False
    for field in ("street", "building", "flat"):
        text, changed = shorten_types(rng, getattr(parts, field), 0.6)
        setattr(parts, field, text)
        shortened = shortened or changed
    if shortened:
        noise.append("abbreviation")
    words = parts.street.split()
    if len(words) > 1 and rng.random() < 0.08 * strength and not keep_town:
        parts.street = " ".join(words[:-1])
        noise.append("no street type")
    if rng.random() < 0.25 * strength and parts.street:
        words = parts.street.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        slipped = typo(rng, words[longest])
        if slipped != words[longest]:
            words[longest] = slipped
            parts.street = " ".join(words)
            noise.append("typo")
    if rng.random() < 0.06 * strength and parts.town:
        slipped = typo(rng, parts.town)
        if slipped != parts.town:
            parts.town = slipped
            noise.append("typo in town")
    _typed_flat(parts, rng, address)
    if rng.random() > 0.3:
        parts.locality = ""
    _typed_place(parts, rng, strength, keep_town)


def _typed_flat(parts: Parts, rng: random.Random, address: Address) -> None:
    if not parts.flat or parts.flat != address.sao:
        return
    flat_number = address.sao_numbers or re.sub(r"^(?:Flat|Apartment) ", "", address.sao_text,
                                                flags=re.IGNORECASE)
    form = rng.random()
    if form < 0.15 and flat_number.isalnum() and parts.number and not parts.building:
        parts.slash_flat, parts.flat = flat_number, ""
        parts.noise.append("2/10 form")
    elif form < 0.3 and not parts.building:
        parts.flat_after = True
        parts.noise.append("flat after street")


def _typed_place(parts: Parts, rng: random.Random, strength: float, keep_town: bool) -> None:
    roll = rng.random()
    postcode = parts.postcode
    if not postcode or roll < 0.25 * strength:
        parts.postcode = ""
        parts.noise.append("no postcode")
        return
    if rng.random() < 0.4 * strength and not keep_town:
        parts.town = ""
        parts.locality = ""
        parts.noise.append("no town")
    if roll < 0.4:
        parts.postcode = postcode.split()[0]
        parts.noise.append("partial postcode")
    elif roll < 0.55:
        parts.postcode = postcode.replace(" ", "").lower()
        parts.noise.append("postcode run together")
