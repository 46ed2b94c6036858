"""Address text normalised for searching: folded, tokenised, abbreviations unified.

Both sides of a search go through the same functions, so ``"St. Michael's
Rd"`` and ``"ST MICHAELS ROAD"`` give the same tokens. Street-type words take
their short form (street and saint both become ``st``, road ``rd``, avenue
``ave``); words for a flat (flat, apartment, unit, maisonette) become
``flat``; accents are removed (``Lôn`` becomes ``lon``) and so are
apostrophes.

>>> from lgds_components.address.text import tokens
>>> tokens("Flat 2, 10 High St.")
['flat', '2', '10', 'high', 'st']
>>> tokens("St Michael's Road")
['st', 'michaels', 'rd']
>>> tokens("110-114 Heol y Fêlin")
['110', '114', 'heol', 'y', 'felin']
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

__all__ = [
    "ABBREVIATIONS",
    "COUNTY_PHRASES",
    "FLAT_WORDS",
    "FLOOR_ORDER",
    "NOISE_WORDS",
    "NUMBER_WORDS",
    "STOP_WORDS",
    "STREET_TYPES",
    "cached_tokens",
    "canonical",
    "fold",
    "is_shortening",
    "long_forms",
    "tokens",
    "typed_tokens",
]

#: Long form (as typed) -> the short form every token is stored as.
ABBREVIATIONS: dict[str, str] = {
    "street": "st", "str": "st", "saint": "st",
    "road": "rd",
    "avenue": "ave", "av": "ave", "avn": "ave",
    "lane": "ln",
    "drive": "dr", "drv": "dr",
    "close": "cl",
    "crescent": "cres", "cresc": "cres", "cr": "cres",
    "place": "pl",
    "terrace": "ter", "terr": "ter", "tce": "ter",
    "gardens": "gdns", "gdn": "gdns",
    "court": "ct", "crt": "ct",
    "square": "sq",
    "grove": "gr", "gro": "gr",
    "park": "pk",
    "mount": "mt",
    "parade": "pde",
    "cottages": "cotts",
    "cottage": "cott",
    "industrial": "ind",
    "estate": "est",
    "house": "ho",
    "mews": "mews",
    "flat": "flat", "flats": "flat", "flt": "flat", "apartment": "flat",
    "apartments": "flat", "apt": "flat", "unit": "flat", "maisonette": "flat",
}

#: Canonical tokens that only say "this is a flat"; they carry no identity.
FLAT_WORDS = frozenset({"flat"})

#: Words dropped everywhere.
STOP_WORDS = frozenset({"the", "of", "and"})

#: Words people add that never identify an address (the country).
NOISE_WORDS = frozenset({"uk", "gb", "united", "kingdom", "england", "wales", "cymru",
                         "scotland", "britain", "great"})

#: Stored forms of street-type words (the last word of most street names).
STREET_TYPES = frozenset({
    "st", "rd", "ave", "ln", "dr", "cl", "cres", "pl", "ter", "gdns", "ct", "sq", "gr", "pk",
    "mt", "pde", "way", "hill", "rise", "mews", "walk", "row", "green", "view", "vale",
    "heol", "stryd", "lon", "ffordd", "cilgant", "rhodfa", "teras", "clos",
})

#: Numbers written as words, as in ``Flat Two`` (compounds add: ``twenty one``).
NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}

#: Floors in building order, as flats named by their floor say them (``top``: the highest).
FLOOR_ORDER: dict[str, int] = {"basement": -1, "ground": 0, "first": 1, "second": 2,
                               "third": 3, "fourth": 4, "fifth": 5, "top": 99}

_COUNTIES = (
    "Avon", "Bedfordshire", "Berkshire", "Buckinghamshire", "Cambridgeshire", "Cheshire",
    "Cleveland", "Clwyd", "Cornwall", "County Durham", "Cumbria", "Derbyshire", "Devon",
    "Dorset", "Dyfed", "East Riding of Yorkshire", "East Sussex", "East Yorkshire", "Essex",
    "Glamorgan", "Gloucestershire", "Greater London", "Greater Manchester", "Gwent", "Gwynedd",
    "Hampshire", "Herefordshire", "Hertfordshire", "Humberside", "Huntingdonshire",
    "Isle of Wight", "Kent", "Lancashire", "Leicestershire", "Lincolnshire", "Merseyside",
    "Mid Glamorgan", "Middlesex", "Norfolk", "North Humberside", "North Yorkshire",
    "Northamptonshire", "Northumberland", "Nottinghamshire", "Oxfordshire", "Powys",
    "Rutland", "Shropshire", "Somerset", "South Glamorgan", "South Humberside",
    "South Yorkshire", "Staffordshire", "Suffolk", "Surrey", "Sussex", "Tyne and Wear",
    "Warwickshire", "West Glamorgan", "West Midlands", "West Sussex", "West Yorkshire",
    "Wiltshire", "Worcestershire", "Anglesey", "Isle of Anglesey", "Conwy", "Denbighshire",
    "Flintshire", "Monmouthshire", "Pembrokeshire", "Carmarthenshire", "Ceredigion",
)

_LONG_FORMS: dict[str, tuple[str, ...]] = {}
for _long, _short in ABBREVIATIONS.items():
    _LONG_FORMS[_short] = (*_LONG_FORMS.get(_short, ()), _long)

_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018`\u00b4")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# ASCII text folded in one pass: apostrophes dropped, other marks made spaces
_ASCII_FOLD = str.maketrans({
    **{chr(code): " " for code in range(128) if not chr(code).isalnum()},
    **dict.fromkeys("'`"),
})
# a number with at most one letter suffix, a run of digits, or a run of letters
_TOKEN = re.compile(r"[0-9]+[a-z](?![a-z])|[0-9]+|[a-z]+")


def fold(text: str) -> str:
    """Lower-case ASCII with accents and apostrophes removed, other marks as spaces.

    >>> fold("  Tŷ'r  Ysgol, Lôn-Las ")
    'tyr ysgol lon las'
    """
    if text.isascii():  # (the common case: one pass of a table)
        return " ".join(text.lower().translate(_ASCII_FOLD).split())
    text = text.translate(_APOSTROPHES)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def canonical(token: str) -> str:
    """The stored form of one folded token (``"road"`` -> ``"rd"``)."""
    return ABBREVIATIONS.get(token, token)


def is_shortening(short: str, long: str) -> bool:
    """Whether ``short`` keeps letters of ``long`` in order, as a shortening does
    (``stn`` of ``station``, ``vic`` of ``victoria``).

    >>> is_shortening("stn", "station"), is_shortening("nts", "station")
    (True, False)
    """
    position = 0
    for char in short:
        position = long.find(char, position) + 1
        if not position:
            return False
    return True


def long_forms(short: str) -> tuple[str, ...]:
    """The long forms that share a short form: ``long_forms("st")`` -> street, str, saint."""
    return _LONG_FORMS.get(short, ())


def tokens(text: str) -> list[str]:
    """Split address text into canonical tokens (see the module docs).

    A number keeps a one-letter suffix (``12a``); a word glued to a number is
    split (``flat2`` -> ``flat``, ``2``).
    """
    return list(cached_tokens(text)) if len(text) <= 100 else list(_tokens(text))


def typed_tokens(text: str) -> list[tuple[str, str]]:
    """Each token of ``text`` as typed (folded) and in its stored form, stop words left out.

    >>> typed_tokens("Forge Apartments, 5 the Rd")
    [('forge', 'forge'), ('apartments', 'flat'), ('5', '5'), ('rd', 'rd')]
    """
    out = []
    for token in _TOKEN.findall(fold(text)):
        stored = ABBREVIATIONS.get(token, token)
        if stored not in STOP_WORDS:
            out.append((token, stored))
    return out


def _tokens(text: str) -> tuple[str, ...]:
    out = []
    for token in _TOKEN.findall(fold(text)):
        token = ABBREVIATIONS.get(token, token)
        if token not in STOP_WORDS:
            out.append(token)
    return tuple(out)


#: :func:`tokens` as a tuple, remembered for the 65,536 most recent short texts
#: (gazetteer loads repeat the same street and town names many times).
cached_tokens: Callable[[str], tuple[str, ...]] = functools.lru_cache(maxsize=65536)(_tokens)

#: Counties of England and Wales (ceremonial, historic, preserved) as token tuples,
#: which people add after the town (``("west", "midlands")``).
COUNTY_PHRASES: frozenset[tuple[str, ...]] = frozenset(_tokens(name) for name in _COUNTIES)
