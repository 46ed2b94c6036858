"""An address's derived text, built part by part: sort key, search text, index words (internal).

A stored gazetteer row carries three texts made from its fields: the natural
sort key (:meth:`Address.sort_key <lgds_components.address.model.Address.sort_key>`),
the compact text scoring reads (:func:`search_text`) and the words the
full-text index holds (:func:`index_words`). Each is made of parts that
depend on one group of fields only:

- the SAO (the flat): :func:`sao_sort`, :func:`object_search`, :func:`text_words`,
  :func:`number_words`;
- the PAO (the building): :func:`pao_sort`, :func:`object_search`, ...;
- the place (street, locality, town): :func:`place_sort`, :func:`place_search`;
- the organisation: :func:`natural_text_key`, :func:`organisation_search`;
- the postcode: :func:`postcode_words`.

The model and scoring build a whole address's texts from these functions, and
the record reader (:mod:`lgds_components.address.records.reader`) builds each
group's parts once per distinct group and joins them per row, so a loaded row
and a live :class:`~lgds_components.address.model.Address` always agree.

>>> from lgds_components.address.model import Address
>>> flat = Address(uprn=7, sao_text="Flat 2", pao_start_number=10, street="High Street",
...                town="Kelmouth", postcode="EX4 1AA")
>>> search_text(flat)
'|2||10|high st||kelmouth|'
>>> index_words(flat)
'2 high st kelmouth 10 ex4 1aa ex41aa'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from lgds_components.address.text import FLAT_WORDS, cached_tokens

if TYPE_CHECKING:
    from lgds_components.address.model import Address

__all__ = [
    "AFTER_NUMBERS",
    "EXPAND_RANGE",
    "SEP",
    "floor_key",
    "index_words",
    "join_sort_key",
    "natural_text_key",
    "number_key",
    "number_words",
    "numbers_of",
    "object_search",
    "organisation_search",
    "pao_sort",
    "place_search",
    "place_sort",
    "postcode_words",
    "sao_sort",
    "search_text",
    "text_words",
]

#: Field separator in sort keys: below every printable character, so that
#: "Mill Lane" sorts before "Mill Lane East".
SEP: Final = "\x00"
#: Sorts a building without a number after those with one ("~" > digits).
AFTER_NUMBERS: Final = "~"
#: A number range up to this long is indexed number by number (``2-6``: 2, 3, 4, 5, 6).
EXPAND_RANGE: Final = 20

_DIGITS = re.compile(r"[0-9]+")
_WIDTH = 10
_FLOORS = {"basement": 0, "lower": 1, "ground": 2, "first": 3, "second": 4, "third": 5,
           "fourth": 6, "fifth": 7, "top": 9}


# -- natural order ---------------------------------------------------------------------


def natural_text_key(text: str) -> str:
    """A sort key for text that compares runs of digits as numbers.

    The key is a plain string (digits zero-padded, case folded, spaces
    collapsed), so it can be stored in a database column and sorted there.

    >>> sorted(["Flat 10", "Flat 2", "flat 1"], key=natural_text_key)
    ['flat 1', 'Flat 2', 'Flat 10']
    """
    return _natural_text_key(text) if len(text) <= 100 else _natural(text)


def _natural(text: str) -> str:
    return _DIGITS.sub(_pad, " ".join(text.casefold().split()))


_natural_text_key = functools.lru_cache(maxsize=32768)(_natural)


def _pad(match: re.Match[str]) -> str:
    digits = match.group().lstrip("0")
    return digits.rjust(_WIDTH, "0") if len(digits) <= _WIDTH else digits


def number_key(number: int | None, suffix: str, missing: str) -> str:
    """The sort key of one number and suffix (``missing`` when there is no number)."""
    if number is None:
        return missing
    return f"{number:0{_WIDTH}d}\x01{suffix.casefold()}"


def floor_key(text: str) -> str:
    """Natural key of a flat name, with floors in building order (basement to top)."""
    key = natural_text_key(text)
    rank = _FLOORS.get(key.split(" ", 1)[0])
    return key if rank is None else f"\x01{rank}{key}"


def sao_sort(start: int | None, suffix: str, end: int | None, end_suffix: str,
             text: str) -> str:
    """The SAO's part of the sort key."""
    return SEP.join((number_key(start, suffix, ""), number_key(end, end_suffix, ""),
                     floor_key(text)))


def pao_sort(start: int | None, suffix: str, end: int | None, end_suffix: str,
             text: str) -> str:
    """The PAO's part of the sort key: numbered buildings first, then named ones."""
    return SEP.join((number_key(start, suffix, AFTER_NUMBERS), number_key(end, end_suffix, ""),
                     natural_text_key(text)))


def place_sort(street: str, locality: str, town: str) -> str:
    """The street, locality and town's part of the sort key."""
    return SEP.join((natural_text_key(street), natural_text_key(locality),
                     natural_text_key(town)))


def join_sort_key(place: str, pao: str, sao: str, organisation: str, uprn: int) -> str:
    """The whole sort key from its parts: street, building, flat, organisation, UPRN."""
    return f"{place}{SEP}{pao}{SEP}{sao}{SEP}{organisation}{SEP}{uprn:012d}"


# -- the text scoring reads ----------------------------------------------------------------


def numbers_of(
    start: int | None, start_suffix: str, end: int | None, end_suffix: str,
    text_tokens: Iterable[str],
) -> tuple[list[str], list[str]]:
    """An SAO's or PAO's number tokens and word tokens (numbers in its text count
    only when it has no number of its own; flat words are left out)."""
    numbers = []
    if start is not None:
        numbers.append(f"{start}{start_suffix.lower()}")
        if end is not None:
            numbers.append(f"{end}{end_suffix.lower()}")
    words = []
    for token in text_tokens:
        if token[0].isdigit():
            if start is None:
                numbers.append(token)
        elif token not in FLAT_WORDS:
            words.append(token)
    return numbers, words


def object_search(start: int | None, suffix: str, end: int | None, end_suffix: str,
                  text: str) -> str:
    """An SAO's or PAO's two parts of the search text: ``"words|numbers"``."""
    numbers, words = numbers_of(start, suffix, end, end_suffix, cached_tokens(text))
    return " ".join(words) + "|" + " ".join(numbers)


def place_search(street: str, locality: str, town: str) -> str:
    """The street, locality and town's three parts of the search text."""
    return "|".join((" ".join(cached_tokens(street)), " ".join(cached_tokens(locality)),
                     " ".join(cached_tokens(town))))


def organisation_search(name: str) -> str:
    """The organisation's part of the search text."""
    return " ".join(cached_tokens(name))


def search_text(address: Address) -> str:
    """The compact text a gazetteer stores to score an address without rebuilding it.

    Eight ``|``-separated parts: SAO words, SAO numbers, PAO words, PAO numbers,
    street, locality, town, organisation (tokens separated by spaces).

    >>> from lgds_components.address.model import Address
    >>> search_text(Address(uprn=1, sao_text="Flat 2", pao_start_number=10,
    ...                     street="High Street", town="Kelmouth"))
    '|2||10|high st||kelmouth|'
    """
    a = address
    sao = object_search(a.sao_start_number, a.sao_start_suffix, a.sao_end_number,
                        a.sao_end_suffix, a.sao_text)
    pao = object_search(a.pao_start_number, a.pao_start_suffix, a.pao_end_number,
                        a.pao_end_suffix, a.pao_text)
    return "|".join((sao, pao, place_search(a.street, a.locality, a.town),
                     organisation_search(a.organisation)))


# -- the words the full-text index holds ---------------------------------------------------


def text_words(*texts: str) -> tuple[str, ...]:
    """The index words of some texts, in order (``flat`` is never indexed)."""
    return tuple(word for text in texts for word in cached_tokens(text) if word != "flat")


def number_words(start: int | None, suffix: str, end: int | None) -> tuple[str, ...]:
    """The index words of an SAO or PAO number range (a short range is spelt out)."""
    if start is None:
        return ()
    words = [str(start)]
    if suffix:
        words.append(f"{start}{suffix.lower()}")
    if end is not None:
        if 0 < end - start <= EXPAND_RANGE:
            words.extend(str(n) for n in range(start + 1, end + 1))
        else:
            words.append(str(end))
    return tuple(words)


def postcode_words(postcode: str) -> tuple[str, ...]:
    """The index words of a postcode: outward code, inward code, both together."""
    if not postcode:
        return ()
    outward, _, inward = postcode.lower().partition(" ")
    return outward, inward, outward + inward


def index_words(address: Address) -> str:
    """The words indexed for full-text search of ``address``, space-separated, once each."""
    a = address
    words = (
        text_words(a.sao_text) + text_words(a.pao_text)
        + text_words(a.street, a.locality, a.town) + text_words(a.organisation)
        + number_words(a.sao_start_number, a.sao_start_suffix, a.sao_end_number)
        + number_words(a.pao_start_number, a.pao_start_suffix, a.pao_end_number)
        + postcode_words(a.postcode)
    )
    return " ".join(dict.fromkeys(words))
