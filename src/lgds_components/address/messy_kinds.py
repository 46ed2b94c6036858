"""Kinds of mess, as council systems hold addresses, and addresses that are not there.

Each of :data:`COUNCIL_KINDS` changes the :class:`~lgds_components.address.messy_forms.Parts`
of a real address the way one kind of council record does (a building name
without its number, a care-of line, an out-of-date postcode, a flat by its
floor, ...) and says whether it applied. Each of :data:`MISSING_KINDS` makes
an address that is not there from a real one (a number or flat the building
lacks, land next to it, a plot, the right street in the wrong town) and checks
it against the :class:`~lgds_components.address.messy_forms.Population`.

>>> import random
>>> from lgds_components.address.model import Address
>>> from lgds_components.address.messy_forms import Parts, render
>>> home = Address(uprn=1, sao_text="Flat B", pao_start_number=40, street="Victoria Square",
...                town="Kelmouth", postcode="EX4 1AA")
>>> parts = Parts.of(home)
>>> letter_suffix_flat(parts, random.Random(1), home, None)
True
>>> render(parts, random.Random(1), upper=False, separator=", ")
'40B Victoria Square, Kelmouth, EX4 1AA'
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import attrs

from lgds_components.address.messy_forms import (
    COUNTIES,
    FLOOR_NAMES,
    TYPE_SHORT,
    Parts,
    Population,
    abbreviated,
    number_words,
    typo,
)
from lgds_components.address.model import Address

__all__ = ["COUNCIL_KINDS", "MISSING_KINDS", "Kind", "Missing", "letter_suffix_flat"]

_SURNAMES = ("Smith", "Jones", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson",
             "Thomas", "Roberts", "Johnson", "Lewis", "Walker", "Robinson", "Wood", "Thompson",
             "White", "Watson", "Jackson", "Wright", "Green", "Harris", "Cooper", "King",
             "Lee", "Martin", "Clarke", "James", "Morgan", "Hughes", "Edwards", "Hill",
             "Moore", "Clark", "Harrison", "Scott", "Young", "Morris", "Hall", "Ward",
             "Turner", "Carter", "Phillips", "Mitchell", "Patel", "Adams", "Campbell",
             "Anderson", "Allen", "Cook", "Bailey", "Parker", "Miller", "Davis", "Murphy",
             "Price", "Bell", "Baker", "Griffiths", "Kelly", "Simpson", "Marshall", "Collins",
             "Bennett", "Cox", "Richardson", "Fox", "Gray", "Rose", "Chapman", "Hunt",
             "Robertson", "Shaw", "Reynolds", "Lloyd", "Ellis", "Richards", "Russell",
             "Wilkinson", "Khan", "Graham", "Stewart", "Reid", "Murray", "Powell", "Palmer",
             "Holmes", "Rogers", "Stevens", "Walsh", "Hunter", "Thomson", "Matthews", "Ross",
             "Owen", "Mason", "Knight", "Kennedy", "Butler", "Saunders", "Singh", "Begum")
_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr", "Mr & Mrs", "MR", "MRS")
_COMPANY_TAILS = (" Ltd", " Limited", " Ltd.", " & Co", " (UK) Ltd", " Plc", " LLP")
_BRANDS = ("Spar", "Costcutter", "Londis", "Premier", "Nisa Local", "One Stop", "Day-Today",
           "Best-one", "Select & Save", "Happy Shopper")
_ESTATES = ("Meadow Park", "Orchard Fields", "Riverside", "Kingsmead", "The Paddocks",
            "Mill View", "Brook Farm", "Chapel Fields", "Castle Rise", "Hillcrest")
_DEVELOPMENT = ("Land off {street}", "{estate}", "{estate} Development", "Phase 2 {estate}")
_NEAR = ("Land adjacent to {place}", "Land adj {place}", "Land to the rear of {place}",
         "Land at rear of {place}", "Garage at {place}", "Garage adj to {place}",
         "Rear of {place}", "R/O {place}", "Land at {place}", "Garages rear of {place}",
         "Store adjacent to {place}", "Land west of {place}")
_QUALIFIER_SHORT = {"Upper": ["Upr", "Up"], "Lower": ["Lwr", "Lr"], "North": ["Nth", "N"],
                    "South": ["Sth", "S"], "East": ["E", "Est"], "West": ["W", "Wst"],
                    "Little": ["Lt", "Lit", "Ltl"], "Great": ["Gt", "Grt"], "Saint": ["St"],
                    "Old": ["Old"], "New": ["New"], "Nether": ["Nthr"], "High": ["Hgh"]}
_FLOOR_ORDINALS = {"first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th"}


# -- kinds of mess, as council systems hold addresses -----------------------------------
#
# Each kind takes (parts, rng, address, population), changes the parts and
# notes what it did, and answers whether it applied.

Kind = Callable[[Parts, random.Random, Address, Population | None], bool]


def name_only(parts: Parts, rng: random.Random, address: Address, _: Population | None) -> bool:
    """A building name without its number: ``Forge Cottage, Devonshire Way``."""
    if not (address.pao_text and address.pao_numbers) or address.sao \
            or parts.number != address.pao_numbers:
        return False
    parts.number = ""
    parts.noise.append("name without number")
    return True


def organisation_only(parts: Parts, rng: random.Random, address: Address,
                      _: Population | None) -> bool:
    """The organisation and street without a number: ``Iqbal Butchers, High Street``."""
    if not address.organisation or address.sao or parts.number != address.pao_numbers:
        return False
    parts.number = ""
    parts.noise.append("organisation without number")
    return True


def trading_name(parts: Parts, rng: random.Random, address: Address,
                 _: Population | None) -> bool:
    """The organisation as it trades or registers: ``Iqbal's Butchers Ltd``, a brand."""
    if not address.organisation:
        return False
    words = address.organisation.split()
    roll = rng.random()
    if roll < 0.35:
        parts.organisation = address.organisation + rng.choice(_COMPANY_TAILS)
    elif roll < 0.55 and len(words) > 1 and words[0].isalpha():
        parts.organisation = f"{words[0]}'s {' '.join(words[1:])}"
    elif roll < 0.75:
        parts.organisation = rng.choice(_BRANDS)
    else:
        parts.organisation = f"The {words[-1]}" if len(words) > 1 else address.organisation
    parts.noise.append("trading name")
    return True


def care_of(parts: Parts, rng: random.Random, address: Address, _: Population | None) -> bool:
    """A care-of line naming a person: ``C/O Mrs J Patel``."""
    initial = rng.choice("ABCDEFGHJKLMNPRST")
    person = rng.choice([f"{rng.choice(_TITLES)} {initial} {rng.choice(_SURNAMES)}",
                         f"{rng.choice(_TITLES)} {rng.choice(_SURNAMES)}",
                         f"{initial} {rng.choice(_SURNAMES)}"])
    parts.before.insert(0, f"{rng.choice(['C/O', 'c/o', 'C/o', 'Care of'])} {person}")
    parts.noise.append("care-of line")
    return True


def po_box(parts: Parts, rng: random.Random, address: Address, _: Population | None) -> bool:
    """A PO Box line: ``PO Box 1234``."""
    label = rng.choice(["PO Box", "P.O. Box", "PO BOX", "P O Box", "POBox"])
    parts.before.append(f"{label} {rng.randrange(1, 9999)}")
    parts.noise.append("PO Box")
    return True


def old_postcode(parts: Parts, rng: random.Random, address: Address,
                 _: Population | None) -> bool:
    """A postcode out of date (a neighbouring unit or sector) or one character wrong."""
    if not address.postcode:
        return False
    outward, inward = address.postcode.split()
    roll = rng.random()
    if roll < 0.3:  # a neighbouring unit in the same sector
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        inward = inward[:2] + rng.choice(letters.replace(inward[2], ""))
        parts.noise.append("old postcode (unit)")
    elif roll < 0.5:  # the sector renumbered
        inward = str((int(inward[0]) + rng.randrange(1, 9)) % 10) + inward[1:]
        parts.noise.append("old postcode (sector)")
    elif roll < 0.65:  # the letters swapped
        if inward[1] == inward[2]:
            return False
        inward = inward[0] + inward[2] + inward[1]
        parts.noise.append("postcode letters swapped")
    else:  # one character misread: O for 0, I for 1, S for 5, or a letter off by one
        confusions = {"0": "O", "1": "I", "5": "S", "8": "B", "O": "0", "I": "1", "S": "5",
                      "B": "8"}
        text = f"{outward} {inward}"
        spots = [index for index, char in enumerate(text) if char in confusions]
        if spots and rng.random() < 0.5:
            spot = rng.choice(spots)
            text = text[:spot] + confusions[text[spot]] + text[spot + 1:]
        else:
            spot = len(text) - rng.choice((1, 2))
            text = text[:spot] + chr((ord(text[spot]) - 65 + 1) % 26 + 65) + text[spot + 1:]
        outward, inward = text.split()
        parts.noise.append("postcode one character wrong")
    parts.postcode = f"{outward} {inward}"
    return True


def flat_in_words(parts: Parts, rng: random.Random, address: Address,
                  _: Population | None) -> bool:
    """A flat number in words: ``Flat Two``."""
    number = _flat_number(address)
    if number is None or number >= 100 or parts.flat != address.sao:
        return False
    label = rng.choice(["Flat", "Flat", "Apartment", "FLAT"])
    parts.flat = f"{label} {number_words(number).title()}"
    parts.noise.append("flat number in words")
    return True


def house_in_words(parts: Parts, rng: random.Random, address: Address,
                   _: Population | None) -> bool:
    """A house number in words: ``Twelve Mill Lane``."""
    start = address.pao_start_number
    if start is None or start > 30 or address.pao_end_number or address.pao_start_suffix \
            or parts.number != address.pao_numbers:
        return False
    parts.number = number_words(start).title()
    parts.noise.append("house number in words")
    return True


def _flat_number(address: Address) -> int | None:
    if address.sao_start_number is not None and not address.sao_text:
        return address.sao_start_number
    found = re.fullmatch(r"(?:Flat|Apartment) ([0-9]+)", address.sao_text)
    return int(found.group(1)) if found else None


def _floor_text(rng: random.Random, floor: str) -> str:
    """One of the ways a flat on ``floor`` is written."""
    if floor == "basement":
        return rng.choice(["Basement Flat", "Basement", "Bsmt Flat", "Flat Basement",
                           "Lower Ground Floor Flat"])
    ordinal = _FLOOR_ORDINALS.get(floor)
    initial = floor[0].upper()
    forms = [f"{floor.title()} Floor Flat", f"{floor.title()} Floor",
             f"Flat {floor.title()} Floor", f"{floor.title()} Flr Flat", f"{initial}FF"]
    if ordinal:
        forms += [f"{ordinal} Floor Flat", f"{ordinal} Flr Flat", f"Flat {ordinal} Floor",
                  f"{ordinal} Floor"]
    else:
        forms += ["Grd Floor Flat", "Grd Flr Flat", "G/F Flat", "Ground Flr"]
    return rng.choice(forms)


def floor_words(parts: Parts, rng: random.Random, address: Address,
                population: Population | None) -> bool:
    """A flat named by its floor, said another way (``1st Flr Flat``, ``FFF``), or a
    numbered or lettered flat of a converted house described by its floor (the
    first flat on the ground floor: ``First Floor Flat`` for ``Flat 2``)."""
    if parts.flat != address.sao:
        return False
    words = address.sao_text.lower().split()
    if words[:1] and words[0] in FLOOR_NAMES[1:]:
        parts.flat = _floor_text(rng, words[0])
        parts.noise.append("floor written another way")
        return True
    if population is None:
        return False
    flats = population.flats_of(address)
    if not 2 <= len(flats) <= 4 or address.pao_text:
        return False
    order = _flat_order(flats)
    if order is None or address.uprn not in order:
        return False
    parts.flat = _floor_text(rng, FLOOR_NAMES[1 + order.index(address.uprn)])
    parts.noise.append("flat described by floor")
    return True


def _flat_order(flats: list[Address]) -> list[int] | None:
    """The UPRNs of flats numbered 1, 2, 3 or lettered A, B, C, in that order, else None."""
    labels = {}
    for flat in flats:
        found = re.fullmatch(r"Flat ([0-9]+|[A-Z])", flat.sao_text)
        if found is None:
            return None
        label = found.group(1)
        labels[label] = flat.uprn
    ordered = sorted(labels, key=lambda label: (len(label), label))
    expected = [str(n) for n in range(1, len(ordered) + 1)]
    if ordered != expected and ordered != list("ABCDE"[: len(ordered)]):
        return None
    return [labels[label] for label in ordered]


def number_range(parts: Parts, rng: random.Random, address: Address,
                 _: Population | None) -> bool:
    """A range for one number (``12-14 High Street`` for a shop at 12) or one number
    of a range (``112 High Street`` for ``110-114``)."""
    start, end = address.pao_start_number, address.pao_end_number
    if start is None or address.pao_start_suffix or parts.number != address.pao_numbers:
        return False
    if end is not None:
        parts.number = rng.choice([str(start), str(rng.randrange(start, end + 1)),
                                   f"{start}/{end}", f"{start} - {end}", f"{start}-{end - 1}"])
        parts.noise.append("part of a range")
        return True
    if not address.organisation and rng.random() < 0.7:
        return False
    step = rng.choice((1, 2, 2, 4))
    joiner = rng.choice(["-", "-", "/", " - ", " & "])
    parts.number = f"{start}{joiner}{start + step}"
    parts.noise.append("number as a range")
    return True


def letter_suffix_flat(parts: Parts, rng: random.Random, address: Address,
                       _: Population | None) -> bool:
    """A lettered flat written as a suffix: ``40B Victoria Square`` for ``Flat B, 40``."""
    found = re.fullmatch(r"Flat ([A-Z])", address.sao_text)
    if found is None or address.pao_start_number is None or address.pao_text \
            or address.pao_end_number or parts.flat != address.sao \
            or parts.number != address.pao_numbers:
        return False
    letter = found.group(1)
    parts.flat = ""
    parts.number = f"{address.pao_start_number}{rng.choice([letter, letter, letter.lower()])}"
    parts.noise.append("flat as a letter suffix")
    return True


def run_together(parts: Parts, rng: random.Random, address: Address,
                 _: Population | None) -> bool:
    """Spaces lost: ``12highstreet``, ``FLAT2``, a postcode glued to the town."""
    roll = rng.random()
    if roll < 0.35 and parts.number and parts.street:
        if rng.random() < 0.5:
            parts.street = parts.street.replace(" ", "")
        parts.number, parts.street = "", parts.number + parts.street
        parts.noise.append("number and street run together")
    elif roll < 0.55 and len(parts.street.split()) > 1:
        parts.street = parts.street.replace(" ", "")
        parts.noise.append("street run together")
    elif roll < 0.75 and parts.town and parts.postcode:
        postcode = parts.postcode if rng.random() < 0.5 else parts.postcode.replace(" ", "")
        parts.town, parts.postcode = parts.town + postcode, ""
        parts.county = ""
        parts.noise.append("postcode glued to town")
    elif parts.flat and re.fullmatch(r"\w+ [0-9]+", parts.flat):
        parts.flat = parts.flat.replace(" ", "")
        parts.noise.append("flat run together")
    else:
        return False
    return True


def stem_abbreviations(parts: Parts, rng: random.Random, address: Address,
                       _: Population | None) -> bool:
    """Name words shortened as clerks do (``Stn Rd``, ``Qns Ave``, ``Upr Farnbury``)."""
    changed = False
    words = parts.street.split()
    for index, word in enumerate(words[:-1] if len(words) > 1 else words):
        short = [form for form in _QUALIFIER_SHORT.get(word, ()) if len(form) > 1]
        if short:
            words[index] = rng.choice(short)
            changed = True
        elif len(word) >= 5 and word.isalpha() and (not changed or rng.random() < 0.3):
            words[index] = abbreviated(word, rng)
            changed = changed or words[index] != word
    if len(words) > 1 and words[-1] in TYPE_SHORT:
        words[-1] = rng.choice(TYPE_SHORT[words[-1]])
    parts.street = " ".join(words)
    for field in ("locality", "town"):
        place = getattr(parts, field).split()
        if place and place[0] in _QUALIFIER_SHORT and rng.random() < 0.7:
            place[0] = rng.choice(_QUALIFIER_SHORT[place[0]])
            setattr(parts, field, " ".join(place))
            changed = True
    if changed:
        parts.noise.append("abbreviated names")
    return changed


def short_name_typo(parts: Parts, rng: random.Random, address: Address,
                    _: Population | None) -> bool:
    """A slip in a short name word (``Kig Street``, ``Lmie Grove``)."""
    words = parts.street.split()
    short = [index for index, word in enumerate(words[:-1] if len(words) > 1 else words)
             if 3 <= len(word) <= 5 and word.isalpha()]
    if not short:
        return False
    index = rng.choice(short)
    slipped = typo(rng, words[index], shortest=3)
    if slipped == words[index]:
        return False
    words[index] = slipped
    parts.street = " ".join(words)
    parts.noise.append("typo in a short name")
    return True


def whole_building(parts: Parts, rng: random.Random, address: Address,
                   population: Population | None) -> bool:
    """The building itself, not a flat in it (planning and building control records)."""
    if population is None or address.postal or address.sao:
        return False
    parts.noise.append("whole building")
    return True


def county(parts: Parts, rng: random.Random, address: Address, _: Population | None) -> bool:
    """A county after the town: ``South Yorkshire``, ``West Midlands``."""
    parts.county = rng.choice(COUNTIES)
    parts.noise.append("county")
    return True


def extra_place(parts: Parts, rng: random.Random, address: Address,
                _: Population | None) -> bool:
    """An estate or neighbourhood name the gazetteer does not hold."""
    parts.extra = rng.choice(_ESTATES) + rng.choice(["", " Estate", ""])
    parts.noise.append("estate name")
    return True


#: Council-system kinds by name, each ``kind(parts, rng, address, population) -> applied``.
COUNCIL_KINDS: dict[str, Kind] = {
    "name only": name_only, "organisation only": organisation_only,
    "trading name": trading_name, "care of": care_of, "po box": po_box,
    "old postcode": old_postcode, "flat in words": flat_in_words,
    "house in words": house_in_words, "floor": floor_words, "range": number_range,
    "letter suffix": letter_suffix_flat, "run together": run_together,
    "stem abbreviations": stem_abbreviations, "short typo": short_name_typo,
    "county": county, "estate": extra_place, "building": whole_building,
}


# -- addresses that are not there ------------------------------------------------------------

Missing = Callable[[random.Random, Address, Population], Address | str | None]


def no_such_number(rng: random.Random, address: Address,
                   population: Population) -> Address | str | None:
    """A house number the street does not have: a gap or just past the end."""
    start = address.pao_start_number
    if start is None or address.sao or address.pao_text:
        return None
    numbers = population.numbers_on(address.street, address.town)
    top = max(numbers, default=start)
    gaps = [n for n in range(1, top) if n not in numbers]
    choice = rng.choice(gaps) if gaps and rng.random() < 0.5 else top + rng.randrange(1, 9)
    if population.has_number(address.street, address.town, choice):
        return None
    return attrs.evolve(address, pao_start_number=choice, pao_start_suffix="",
                        pao_end_number=None, organisation="")


def no_such_flat(rng: random.Random, address: Address,
                 population: Population) -> Address | str | None:
    """A flat the building does not have: one past the last, or a basement flat."""
    flats = population.flats_of(address)
    if not flats:
        return None
    held = {flat.sao.lower() for flat in flats}
    numbers = [n for n in (_flat_number(flat) for flat in flats) if n is not None]
    if numbers and rng.random() < 0.6:
        wanted = f"Flat {max(numbers) + rng.randrange(1, 4)}"
    elif any(re.fullmatch(r"Flat [A-Y]", f.sao_text) for f in flats):
        letters = [f.sao_text[-1] for f in flats if re.fullmatch(r"Flat [A-Y]", f.sao_text)]
        wanted = f"Flat {chr(ord(max(letters)) + 1)}"
    else:
        wanted = "Basement Flat"
    if wanted.lower() in held:
        return None
    return attrs.evolve(address, sao_text=wanted, sao_start_number=None, sao_start_suffix="",
                        organisation="")


def basement_flat(rng: random.Random, address: Address,
                  population: Population) -> Address | str | None:
    """A basement flat in a house or converted building that has none."""
    if address.pao_start_number is None or address.pao_text:
        return None
    flats = population.flats_of(address)
    if any("basement" in flat.sao_text.lower() for flat in flats):
        return None
    return attrs.evolve(address, sao_text="Basement Flat", sao_start_number=None,
                        organisation="")


def plot(rng: random.Random, address: Address, population: Population) -> Address | str | None:
    """A building plot on a new development: ``Plot 12, Land off Mill Lane``."""
    development = rng.choice(_DEVELOPMENT).format(street=address.street,
                                                  estate=rng.choice(_ESTATES))
    line = f"Plot {rng.randrange(1, 120)}, {development}"
    if not development.startswith("Land off"):
        line += f", {address.street}"
    return f"{line}, {address.town}"


def land_near(rng: random.Random, address: Address,
              population: Population) -> Address | str | None:
    """Land, a garage or the rear of an address, not the address itself."""
    if address.sao or address.pao_start_number is None:
        return None
    place = f"{address.pao_numbers} {address.street}"
    return rng.choice(_NEAR).format(place=place) + f", {address.town}"


def wrong_town(rng: random.Random, address: Address,
               population: Population) -> Address | str | None:
    """A number and street that exist, in a town where they do not (and no postcode)."""
    start = address.pao_start_number
    if start is None or address.sao or address.pao_text or len(population.towns) < 2:
        return None
    towns = sorted(population.towns_with(address.street) - {address.town})
    if not towns or rng.random() < 0.4:
        towns = sorted(population.towns - {address.town})
    town = rng.choice(towns)
    if population.has_number(address.street, town, start):
        return None
    return attrs.evolve(address, town=town, locality="", postcode="", organisation="")


def no_such_name(rng: random.Random, address: Address,
                 population: Population) -> Address | str | None:
    """A house name the street does not have."""
    if not address.pao_text or address.pao_start_number is not None or address.sao:
        return None
    for _ in range(5):
        name = rng.choice(population.all_names)
        if not population.has_name(address.street, address.town, name):
            return attrs.evolve(address, pao_text=name, organisation="")
    return None


#: Kinds of address that is not there, each ``kind(rng, address, population)``: a made-up
#: :class:`Address` (rendered like the rest), ready text, or ``None`` (does not apply).
MISSING_KINDS: dict[str, Missing] = {
    "no such number": no_such_number, "no such flat": no_such_flat,
    "basement flat": basement_flat, "plot": plot, "land near": land_near,
    "wrong town": wrong_town, "no such name": no_such_name,
}
