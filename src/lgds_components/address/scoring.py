"""Scoring free text against an address: the light re-ranker behind search and match.

A provider first finds candidate addresses cheaply (an index), then scores
each with :func:`score`, which compares the parts of the text (postcode,
numbers, words) with the parts of the address:

- every number typed must be one of the address's numbers, and the address's
  own flat and building numbers must have been typed (``12`` is not ``12A``);
- the street's words must be there (abbreviations and, through the
  ``corrections`` given to :func:`parse`, small typos allowed);
- a typed postcode must agree; a typed town or locality counts as location;
- words that explain nothing about the address cost a little each.

The score is 1 for a complete, unambiguous description and falls with each
thing missing or contradicting. The reason lists what matched.

>>> from lgds_components.address.model import Address
>>> from lgds_components.address.scoring import parse, score, features
>>> home = Address(uprn=1, sao_text="Flat 2", pao_start_number=10, street="High Street",
...                town="Kelmouth", postcode="EX4 1AA")
>>> score(parse("flat 2, 10 high st, ex4 1aa"), features(home))
(1.0, 'postcode + flat + number + street')
>>> score(parse("10 High Street Kelmouth"), features(home))[0] < 0.8
True
"""

from __future__ import annotations

import attrs

from lgds_components.address.agreement import Agreement, compare
from lgds_components.address.agreement import damerau_levenshtein as damerau_levenshtein
from lgds_components.address.model import Address
from lgds_components.address.parsing import Query as Query
from lgds_components.address.parsing import Word as Word
from lgds_components.address.parsing import parse as parse
from lgds_components.address.parts import search_text

# Query, Word, parse (address.parsing) and damerau_levenshtein (address.agreement)
# are importable from here too, as they were before those modules existed.
__all__ = [
    "Features",
    "features",
    "features_from_search",
    "hand_score",
    "score",
    "search_text",
]

# Penalties (subtracted from 1) of the hand-weighted score behind search
_STREET_MISSING = 0.5
_STREET_OPTIONAL = 0.15
_TYPO = 0.03
_UNEXPLAINED_WORD = 0.12
_UNEXPLAINED_NUMBER = 0.45
_SAO_MISSING = 0.35
_PAO_NUMBER_MISSING = 0.45
_FLAT_WITHOUT_SAO = 0.2
_FLAT_WRONG = 0.35
_PAO_WORDS_MISSING_NUMBERED = 0.08
_PAO_WORDS_MISSING_NAMED = 0.4
_NO_LOCATION = 0.08
_ROLE_MISMATCH = 0.04
_ORGANISATION_MISSING = 0.05
_UNKNOWN_WORD = 0.04
_POSTCODE = {"exact": 0.0, "unit": 0.25, "one off": 0.25, "sector": 0.25, "wrong": 0.35,
             "outward": 0.0, "outward wrong": 0.2, "none": 0.0}
_NUMBER = {"exact": 0.0, "none": 0.0, "in range": 0.05, "range end": 0.1, "letter flat": 0.05,
           "words": 0.05, "suffix": 0.3}


@attrs.frozen(slots=True)
class Features:
    """The parts of an address that scoring compares (see :func:`features`)."""

    sao_words: tuple[str, ...]
    sao_numbers: tuple[str, ...]
    pao_words: tuple[str, ...]
    pao_numbers: tuple[str, ...]
    street: tuple[str, ...]
    locality: tuple[str, ...]
    town: tuple[str, ...]
    organisation: tuple[str, ...]
    postcode: str


def features_from_search(search: str, postcode: str) -> Features:
    """Rebuild :class:`Features` from :func:`search_text` and the postcode."""
    parts = search.split("|")
    return Features(
        tuple(parts[0].split()), tuple(parts[1].split()), tuple(parts[2].split()),
        tuple(parts[3].split()), tuple(parts[4].split()), tuple(parts[5].split()),
        tuple(parts[6].split()), tuple(parts[7].split()),
        postcode.replace(" ", "").lower(),
    )


def features(address: Address) -> Features:
    """The parts of ``address`` that :func:`score` compares."""
    return features_from_search(search_text(address), address.postcode)


def hand_score(found: Agreement, *, partial: bool = False) -> float:
    """The hand-weighted score of an agreement: 1 less a penalty for each part that
    is missing or contradicts (missing parts cost a quarter with ``partial``)."""
    penalty = _POSTCODE[found.postcode] + _NUMBER.get(found.number, 0.0)
    penalty += _TYPO * (found.typos + found.abbreviations)
    penalty += _UNEXPLAINED_WORD * found.unexplained_words
    penalty += _UNEXPLAINED_WORD * found.town_contradicts + _UNKNOWN_WORD * found.unknown_words
    penalty += _UNEXPLAINED_NUMBER * found.unexplained_numbers
    penalty += _ROLE_MISMATCH * found.role_mismatch
    penalty += {"extra": _FLAT_WITHOUT_SAO, "wrong": _FLAT_WRONG, "floor order": 0.05}.get(
        found.flat, 0.0)
    omitted = 0.0
    named = found.name in ("matched", "partly")
    if found.street < 1.0:
        omitted += (_STREET_OPTIONAL if named else _STREET_MISSING) * (1.0 - found.street)
    if found.flat == "missing":
        omitted += _SAO_MISSING
    if found.organisation == "missing":
        omitted += _ORGANISATION_MISSING
    omitted += {"missing": _PAO_WORDS_MISSING_NUMBERED, "missing unnumbered":
                _PAO_WORDS_MISSING_NAMED, "partly": _PAO_WORDS_MISSING_NUMBERED / 2}.get(
        found.name, 0.0)
    if found.number in ("missing", "missing named"):
        omitted += _PAO_NUMBER_MISSING
    if found.postcode == "none" and not found.town_matched:
        omitted += _NO_LOCATION
    penalty += omitted * (0.25 if partial else 1.0)
    return round(max(0.0, min(1.0, 1.0 - penalty)), 4)


def score(query: Query, found: Features, *, partial: bool = False) -> tuple[float, str]:
    """Score how well ``query`` describes the address with ``found`` features.

    Returns ``(score, reason)``, the score from 0 to 1 (:func:`hand_score` of
    :func:`~lgds_components.address.agreement.compare`). With ``partial``
    (type-ahead), parts of the address not typed yet cost a quarter as much;
    contradictions cost the same.
    """
    agreement = compare(query, found)
    return hand_score(agreement, partial=partial), agreement.reason()
