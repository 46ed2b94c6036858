"""A deterministic generator of synthetic gazetteer records (AddressBase-style CSV rows).

Every town, street, building and organisation is invented from word lists;
nothing comes from AddressBase or PAF. Postcodes follow the BS 7666 rules (so
:func:`lgds_components.identifiers.postcode.validate` accepts them) but the
places they name do not exist. The same ``count`` and ``seed`` always give the
same rows, and rows stream out one at a time, so millions cost no memory.

What it makes: terraced, semi-detached and detached houses with numbers and
occasional suffixes (``2A``); houses converted into flats (``Ground Floor
Flat``, ``Flat A``) and purpose-built blocks (``Flat 1`` to ``Flat 60`` in a
named building) with a parent UPRN for the building; named houses on rural
lanes; shops and offices with organisation names, some over number ranges
(``110-114 High Street``); Welsh towns with Welsh-language alternate records
(``language`` ``cy``); postcodes shared by up to 100 properties; a few
provisional, historical and alternative records.

>>> from lgds_components.address.sample import generate
>>> rows = list(generate(5, seed=1))
>>> len(rows), sorted(rows[0])[:3]
(5, ['addressbase_postal', 'building_name', 'building_number'])
>>> rows == list(generate(5, seed=1))
True

Write a CSV with :func:`write_csv`, or ``lgds address sample --count N --seed S``.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lgds_components.address.loader import ADDRESSBASE_COLUMNS
from lgds_components.address.model import format_numbers
from lgds_components.files import atomic_write
from lgds_components.identifiers import postcode as postcodes

__all__ = ["generate", "write_csv", "write_product"]

Record = dict[str, str]

_FIRST = ["Ash", "Bel", "Brack", "Cal", "Dun", "Elm", "Fen", "Gal", "Hart", "Kel", "Lang",
          "Mar", "Nor", "Pen", "Rad", "Sel", "Thorn", "Wick", "Wold", "Yar", "Bram", "Cold",
          "Dray", "Farn", "Gold", "Hal", "Kings", "Lox", "Mel", "Oak", "Quen", "Ros", "Sand",
          "Tarn", "Ulls", "Ver", "Whit", "Ald", "Bex", "Crow", "Ease", "Grim", "Hol", "Ingle",
          "Lud", "Marl", "Ned", "Oss", "Pol", "Rush", "Stan", "Tew"]
_LAST = ["bridge", "bury", "combe", "ford", "ham", "ley", "mouth", "stead", "ton", "wick",
         "worth", "by", "field", "minster", "hurst", "well", "den", "thorpe", "cott", "borough"]
_WELSH_FIRST = ["Aber", "Llan", "Pont", "Caer", "Tre", "Cwm", "Pen", "Glyn", "Bryn", "Nant",
                "Rhos", "Maes"]
_WELSH_LAST = ["gwyn", "ddu", "fawr", "fach", "helyg", "wen", "teg", "dewi", "eithin", "onnen",
               "derwen", "afon", "celyn", "garth", "meirion"]
_COMMON_STREETS = ["High Street", "Church Road", "Station Road", "Mill Lane", "Park Road",
                   "Victoria Road", "School Lane", "The Green", "Chapel Street", "Queens Road",
                   "Kings Road", "North Street", "Manor Road", "Bridge Street", "Orchard Close",
                   "St Michael's Road", "St John's Close", "New Road", "London Road",
                   "West Street"]
_STREET_TYPES = ["Street", "Road", "Avenue", "Lane", "Close", "Drive", "Way", "Crescent",
                 "Place", "Terrace", "Gardens", "Grove", "Hill", "Rise", "Mews", "Walk", "Court",
                 "Square", "Parade", "Row"]
_STREET_ROOTS = ["Acacia", "Beech", "Birch", "Bramble", "Cedar", "Chestnut", "Clover", "Elder",
                 "Fern", "Foxglove", "Hawthorn", "Hazel", "Heather", "Holly", "Juniper",
                 "Laburnum", "Larch", "Laurel", "Lime", "Linden", "Maple", "Meadow", "Oakfield",
                 "Poplar", "Primrose", "Rowan", "Sycamore", "Willow", "Yew", "Albion", "Argyle",
                 "Balmoral", "Brunswick", "Carlton", "Clarence", "Cromwell", "Devonshire",
                 "Gladstone", "Grosvenor", "Hanover", "Kingsley", "Milton", "Nelson", "Percy",
                 "Regent", "Stanley", "Trafalgar", "Wellington", "Windsor", "York", "Abbey",
                 "Barley", "Castle", "Cherry", "Dairy", "Ferry", "Forge", "Granary", "Harbour",
                 "Lark", "Market", "Mount", "Quarry", "Rectory", "Sheep", "Tannery", "Tower",
                 "Vicarage", "Water", "Wharf", "Woodland"]
_WELSH_STREET_TYPES = ["Heol", "Stryd", "Lôn", "Ffordd", "Cilgant", "Rhodfa", "Teras", "Clos"]
_WELSH_ROOTS = ["y Felin", "yr Eglwys", "Fawr", "y Bont", "y Castell", "Newydd", "y Parc",
                "Glyn", "yr Orsaf", "y Môr", "Tŷ Gwyn", "y Dderwen", "Llys", "y Waun", "Penrhyn",
                "Maes y Coed", "Bryn Hyfryd", "Dewi Sant", "Islwyn", "Gwenallt"]
_HOUSE_NAMES = ["Rose Cottage", "The Old Rectory", "Hillview", "Orchard House", "The Barn",
                "Meadow View", "Ivy Cottage", "Holly Lodge", "The Coach House", "Windrush",
                "Brookside", "The Laurels", "Fernlea", "Greystones", "Oak Tree Cottage",
                "The Old School House", "Sunnyside", "Woodlands", "The Granary",
                "Keeper's Cottage", "Mill House", "Rowan Lodge", "Stable Cottage", "Highfield",
                "Little Acre", "The Paddocks", "Westwinds", "Applegarth", "Beech House",
                "Church Cottage", "Forge Cottage", "Lilac Cottage", "Pear Tree House",
                "The Old Dairy", "Wren Cottage", "Swallows Rest"]
_BLOCK_TYPES = ["Court", "House", "Lodge", "Mansions", "Heights", "Point", "Apartments",
                "Place", "Quay", "Tower"]
_BUSINESSES = ["Stores", "Bakery", "Pharmacy", "Dental Practice", "Solicitors",
               "Veterinary Surgery", "Cafe", "Hardware", "Newsagents", "Surgery",
               "Estate Agents", "Butchers", "Florist", "Opticians", "Hair Studio", "Books",
               "Garage", "Tea Rooms", "Cycles", "Launderette"]
_SURNAMES = ["Abbott", "Baker", "Carter", "Dawson", "Ellis", "Fletcher", "Gibson", "Hughes",
             "Iqbal", "Jones", "Khan", "Lewis", "Morgan", "Nowak", "Owen", "Patel", "Quinn",
             "Reid", "Singh", "Taylor", "Underwood", "Vaughan", "Walker", "Young"]
_ENGLISH_AREAS = ["EX", "TR", "PL", "TQ", "TA", "DT", "BA", "GL", "HR", "WR", "SN", "SP", "YO",
                  "DL", "LA", "CA", "NR", "IP", "CB", "LN"]
_WELSH_AREAS = ["LL", "SA", "CF", "NP", "LD", "SY"]
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_FLOORS = ["Basement Flat", "Ground Floor Flat", "First Floor Flat", "Second Floor Flat",
           "Top Floor Flat"]


_QUALIFIERS = ["Upper ", "Lower ", "Great ", "Little ", "North ", "South ", "East ", "West ",
               "New ", "Old ", "Nether ", "High "]
_SPARE_AREAS = [
    first + second
    for first in "ABCDEFGHJKLMNOPRSTUWYZ"
    for second in "ABCDEFGHKLMNOPQRSTUVWXY"
    if first + second not in {*_ENGLISH_AREAS, *_WELSH_AREAS}
    and postcodes.is_valid(f"{first}{second}1 1AA")  # not BF (BFPO) or GX (Gibraltar)
]
"""Made-up postcode areas (valid letters) for towns once the usual areas' districts run out."""


def _town_name(rng: random.Random, used: set[str]) -> str:
    """A town name not used yet; qualified ("Upper ...") once the plain names run out."""
    for _ in range(50):
        name = rng.choice(_FIRST) + rng.choice(_LAST)
        if name not in used:
            return name
    base = rng.choice(_FIRST) + rng.choice(_LAST)
    qualified = (f"{qualifier}{base}" for qualifier in _QUALIFIERS)
    return next((q for q in qualified if q not in used), None) or next(
        f"{base} {n}" for n in itertools.count(2) if f"{base} {n}" not in used
    )


class _Town:
    def __init__(self, rng: random.Random, welsh: bool, area: str, district: int,
                 used_names: set[str]) -> None:
        name = _town_name(rng, used_names)
        used_names.add(name)
        self.name = name
        self.welsh_name = (rng.choice(_WELSH_FIRST) + rng.choice(_WELSH_LAST)) if welsh else ""
        self.welsh = welsh
        self.area = area
        self.district = district
        self.sector = rng.randrange(10)
        self.unit = 0
        self.easting = rng.randrange(200_000, 600_000)
        self.northing = rng.randrange(50_000, 600_000)
        self.localities = [
            f"{prefix}{rng.choice(_FIRST)}{rng.choice(_LAST)}"
            for prefix in rng.sample(["", "Upper ", "Lower ", "Little ", "North "],
                                     rng.randrange(0, 3))
        ]

    def next_postcode(self) -> str:
        self.unit += 1
        if self.unit >= len(_UNIT_LETTERS) ** 2:
            self.unit = 0
            self.sector = (self.sector + 1) % 10
            if self.sector == 0:
                self.district += 50
        first, second = divmod(self.unit, len(_UNIT_LETTERS))
        return (f"{self.area}{self.district} "
                f"{self.sector}{_UNIT_LETTERS[first]}{_UNIT_LETTERS[second]}")


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.uprn = 10_000_000 + self.rng.randrange(1_000_000)
        self.usrn = 20_000_000 + self.rng.randrange(100_000)
        self.districts: dict[str, int] = {}
        self.town_names: set[str] = set()
        self.towns = 0

    def next_uprn(self) -> int:
        self.uprn += self.rng.randint(1, 4)
        return self.uprn

    def town(self) -> _Town:
        rng = self.rng
        self.towns += 1
        welsh = self.towns % 4 == 2
        area = rng.choice(_WELSH_AREAS if welsh else _ENGLISH_AREAS)
        district = self.districts.get(area, rng.randrange(1, 9))
        if district >= 99:  # every district of this area is taken: use a spare area
            area = next(a for a in _SPARE_AREAS if self.districts.get(a, 1) < 99)
            district = self.districts.get(area, 1)
        self.districts[area] = district + 1
        return _Town(rng, welsh, area, district % 99 + 1, self.town_names)

    def streets(self, town: _Town) -> Iterator[tuple[str, str, str, str]]:
        """(kind, name, welsh name, locality) for each street of a town, forever."""
        rng = self.rng
        used: set[str] = set()
        commons = rng.sample(_COMMON_STREETS, 8)
        while True:
            if commons and rng.random() < 0.35:
                name = commons.pop()
            else:
                name = f"{rng.choice(_STREET_ROOTS)} {rng.choice(_STREET_TYPES)}"
            if name in used:
                continue
            used.add(name)
            welsh_name = ""
            if town.welsh and rng.random() < 0.6:
                welsh_name = f"{rng.choice(_WELSH_STREET_TYPES)} {rng.choice(_WELSH_ROOTS)}"
            kind = rng.choices(["houses", "mixed", "high", "lane", "blocks"],
                               weights=[58, 20, 8, 11, 3])[0]
            if name == "High Street":
                kind = "high"
            locality = rng.choice(town.localities) if town.localities and rng.random() < 0.3 \
                else ""
            yield kind, name, welsh_name, locality


def _record(**values: object) -> Record:
    record = dict.fromkeys(ADDRESSBASE_COLUMNS, "")
    for key, value in values.items():
        record[key] = "" if value is None else str(value)
    return record


def generate(count: int, seed: int = 0) -> Iterator[Record]:
    """Yield ``count`` synthetic AddressBase-style records (dicts keyed by
    :data:`~lgds_components.address.loader.ADDRESSBASE_COLUMNS`), deterministically."""
    if count <= 0:
        return
    emitted = 0
    for record in _all_records(seed):
        yield record
        emitted += 1
        if emitted >= count:
            return


def _all_records(seed: int) -> Iterator[Record]:
    gen = _Generator(seed)
    rng = gen.rng
    while True:
        town = gen.town()
        size = rng.randrange(400, 1500) if rng.random() < 0.6 else rng.randrange(1500, 5000)
        made = 0
        streets = gen.streets(town)
        while made < size:
            kind, street, welsh_street, locality = next(streets)
            gen.usrn += 1
            for record in _street(gen, town, kind, street, welsh_street, locality, gen.usrn):
                made += 1
                yield record


def _street(gen: _Generator, town: _Town, kind: str, street: str, welsh_street: str,
            locality: str, usrn: int) -> Iterator[Record]:
    rng = gen.rng
    postcode = town.next_postcode()
    in_postcode = 0
    postcode_size = rng.randrange(8, 40)
    easting = town.easting + rng.randrange(-3000, 3000)
    northing = town.northing + rng.randrange(-3000, 3000)

    def place(group: int) -> str:
        """The postcode for the next ``group`` properties (kept together)."""
        nonlocal postcode, in_postcode, postcode_size
        if in_postcode and in_postcode + group > postcode_size:
            postcode = town.next_postcode()
            in_postcode = 0
            postcode_size = rng.randrange(8, 40)
        in_postcode += group
        return postcode

    length = {"houses": rng.randrange(6, 80), "mixed": rng.randrange(10, 60),
              "high": rng.randrange(20, 90), "lane": rng.randrange(3, 15),
              "blocks": rng.randrange(2, 6)}[kind]
    number = 0
    names_used: set[str] = set()
    for _ in range(length):
        number += 1 if rng.random() < 0.85 else 2
        base = {
            "usrn": usrn, "street": street, "welsh_street": welsh_street, "locality": locality,
            "town": town, "x": easting + number * 7, "y": northing + rng.randrange(-40, 40),
        }
        roll = rng.random()
        if kind == "lane":
            name = rng.choice(_HOUSE_NAMES)
            while name in names_used:  # house names are unique on a street
                name = _HOUSE_NAMES[(_HOUSE_NAMES.index(name) + 1) % len(_HOUSE_NAMES)]
            names_used.add(name)
            yield from _house(gen, base, place(1), None, "", name, "RD02")
        elif kind == "blocks":
            yield from _block(gen, base, place, number)
        elif kind == "high" and roll < 0.25:
            yield from _shop(gen, base, place(3), number, flats_above=True)
        elif kind == "high" and roll < 0.35:
            end = number + rng.choice([2, 4, 6])
            yield from _shop(gen, base, place(1), number, end=end)
            number = end
        elif kind == "high" and roll < 0.6:
            yield from _shop(gen, base, place(1), number)
        elif kind in ("mixed", "high") and roll < 0.75:
            yield from _converted(gen, base, place, number)
        elif kind == "mixed" and roll < 0.78:
            yield from _block(gen, base, place, number)
        else:
            classification = rng.choice(["RD02", "RD03", "RD03", "RD04", "RD04", "RD04"])
            yield from _house(gen, base, place(1), number, "", "", classification)
            if rng.random() < 0.04:
                yield from _house(gen, base, place(1), number, "A", "", "RD04")
            if rng.random() < 0.01:
                yield from _historical(gen, base, place(1), number)


def _emit(gen: _Generator, base: dict[str, object], postcode: str, *, uprn: int,
          classification: str, parent: int | None = None, postal: str = "D",
          sao: tuple[int | None, str, str] = (None, "", ""),
          pao: tuple[int | None, str, int | None, str] = (None, "", None, ""),
          organisation: str = "", status: int = 1) -> Iterator[Record]:
    sao_number, sao_suffix, sao_text = sao
    pao_number, pao_suffix, pao_end, pao_text = pao
    town: _Town = base["town"]  # type: ignore[assignment]
    street = str(base["street"])
    numbers = format_numbers(pao_number, pao_suffix, pao_end, "")
    simple = pao_number is not None and not pao_suffix and pao_end is None
    sub_building = sao_text or format_numbers(sao_number, sao_suffix)
    building_name = pao_text or ("" if simple else numbers)
    if pao_text and not simple and numbers:
        building_name = f"{pao_text}"
    dpa = postal != "N"
    common = {
        "uprn": uprn, "parent_uprn": parent, "usrn": base["usrn"], "class": classification,
        "logical_status": status, "addressbase_postal": postal,
        "x_coordinate": f"{base['x']}.00", "y_coordinate": f"{base['y']}.00",
        "organisation_name": organisation if dpa else "",
        "sub_building_name": sub_building if dpa else "",
        "building_name": building_name if dpa else "",
        "building_number": pao_number if dpa and (simple or pao_text) else "",
        "thoroughfare": street if dpa else "",
        "dependent_locality": base["locality"] if dpa else "",
        "post_town": town.name.upper() if dpa else "",
        "postcode": postcode if dpa else "",
        "la_organisation": organisation,
        "sao_start_number": sao_number, "sao_start_suffix": sao_suffix, "sao_text": sao_text,
        "pao_start_number": pao_number, "pao_start_suffix": pao_suffix,
        "pao_end_number": pao_end, "pao_text": pao_text,
        "locality": base["locality"], "postcode_locator": postcode,
    }
    yield _record(language="ENG", street_description=street, town_name=town.name, **common)
    if base["welsh_street"] and status == 1:
        welsh_sao = sao_text.replace("Flat", "Fflat") if sao_text else ""
        common["sao_text"] = welsh_sao
        yield _record(language="CYM", street_description=base["welsh_street"],
                      town_name=town.welsh_name, **common)


def _house(gen: _Generator, base: dict[str, object], postcode: str, number: int | None,
           suffix: str, name: str, classification: str) -> Iterator[Record]:
    uprn = gen.next_uprn()
    named = name or ("" if gen.rng.random() > 0.05 else gen.rng.choice(_HOUSE_NAMES))
    yield from _emit(gen, base, postcode, uprn=uprn, classification=classification,
                     pao=(number, suffix, None, named))
    if number is not None and gen.rng.random() < 0.01:
        # an alternative address: the house's old name, kept as status 3
        yield from _emit(gen, base, postcode, uprn=uprn, classification=classification,
                         pao=(None, "", None, gen.rng.choice(_HOUSE_NAMES)), status=3)


def _historical(gen: _Generator, base: dict[str, object], postcode: str,
                number: int) -> Iterator[Record]:
    yield from _emit(gen, base, postcode, uprn=gen.next_uprn(), classification="RD04",
                     pao=(number, "B", None, ""), status=8, postal="N")


def _converted(gen: _Generator, base: dict[str, object], place: object,
               number: int) -> Iterator[Record]:
    rng = gen.rng
    count = rng.randrange(2, 5)
    postcode = place(count + 1)  # type: ignore[operator]
    parent = gen.next_uprn()
    yield from _emit(gen, base, postcode, uprn=parent, classification="PP", postal="N",
                     pao=(number, "", None, ""))
    style = rng.randrange(3)
    for index in range(count):
        if style == 0:
            sao = (None, "", _FLOORS[1 + index])
        elif style == 1:
            sao = (None, "", f"Flat {'ABCDE'[index]}")
        else:
            sao = (None, "", f"Flat {index + 1}")
        yield from _emit(gen, base, postcode, uprn=gen.next_uprn(), classification="RD06",
                         parent=parent, sao=sao, pao=(number, "", None, ""))


def _block(gen: _Generator, base: dict[str, object], place: object,
           number: int) -> Iterator[Record]:
    rng = gen.rng
    flats = rng.randrange(6, 41) if rng.random() < 0.9 else rng.randrange(41, 99)
    name = f"{rng.choice(_STREET_ROOTS)} {rng.choice(_BLOCK_TYPES)}"
    numbered = rng.random() < 0.6
    postcode = place(min(flats + 1, 100))  # type: ignore[operator]
    parent = gen.next_uprn()
    pao = (number if numbered else None, "", None, name)
    yield from _emit(gen, base, postcode, uprn=parent, classification="PP", postal="N", pao=pao)
    style = rng.randrange(3)
    for flat in range(1, flats + 1):
        if style == 0:
            sao: tuple[int | None, str, str] = (None, "", f"Flat {flat}")
        elif style == 1:
            sao = (flat, "", "")
        else:
            sao = (None, "", f"Apartment {flat}")
        yield from _emit(gen, base, postcode, uprn=gen.next_uprn(), classification="RD06",
                         parent=parent, sao=sao, pao=pao)


def _shop(gen: _Generator, base: dict[str, object], postcode: str, number: int,
          end: int | None = None, flats_above: bool = False) -> Iterator[Record]:
    rng = gen.rng
    town: _Town = base["town"]  # type: ignore[assignment]
    owner = rng.choice([rng.choice(_SURNAMES), town.name, rng.choice(_SURNAMES) + " & Sons"])
    organisation = f"{owner} {rng.choice(_BUSINESSES)}"
    classification = rng.choice(["CR08", "CR08", "CO01", "CR07"])
    pao = (number, "", end, "")
    if not flats_above:
        yield from _emit(gen, base, postcode, uprn=gen.next_uprn(), classification=classification,
                         pao=pao, organisation=organisation)
        return
    parent = gen.next_uprn()
    yield from _emit(gen, base, postcode, uprn=parent, classification="PP", postal="N", pao=pao)
    yield from _emit(gen, base, postcode, uprn=gen.next_uprn(), classification=classification,
                     parent=parent, pao=pao, organisation=organisation)
    for floor in ("First Floor Flat", "Second Floor Flat")[: rng.randrange(1, 3)]:
        yield from _emit(gen, base, postcode, uprn=gen.next_uprn(), classification="RD06",
                         parent=parent, pao=pao, sao=(None, "", floor))


def write_csv(target: str | os.PathLike[str] | IO[str], count: int, seed: int = 0) -> int:
    """Write ``count`` generated records as CSV to a path (``.gz`` compresses) or
    an open text file; return the number of rows written.

    A path is written whole or not at all (:func:`lgds_components.files.atomic_write`).
    """
    if isinstance(target, (str, os.PathLike)):
        path = Path(target)
        if path.suffix != ".gz":
            with atomic_write(path, "w", newline="") as handle:
                return write_csv(handle, count, seed)
        with atomic_write(path, "wb") as raw, gzip.open(raw, "wt", encoding="utf-8",
                                                         newline="") as packed:
            return write_csv(packed, count, seed)
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(ADDRESSBASE_COLUMNS)
    written = 0
    for record in generate(count, seed):
        writer.writerow(record.values())
        written += 1
    return written


def write_product(format: str, folder: str | os.PathLike[str], count: int, seed: int = 0,
                  *, tile_size: int | None = None) -> list[Path]:
    """Write ``count`` generated records as a product delivers them: AddressBase
    Plus, Core or Premium, or a DTF 8.1 LLPG (``format``), in ``folder``, split
    into files of ``tile_size`` lines; return the files written.

    >>> import tempfile
    >>> files = write_product("addressbase-plus", tempfile.mkdtemp(), 100, seed=1)
    >>> len(files), len(files[0].read_text().splitlines()) <= 100
    (1, True)

    Raises:
        ValidationError: an unknown format.
    """
    from lgds_components.address.records.products.writers import write

    return write(format, folder, count, seed, tile_size=tile_size)
