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

import re
from collections.abc import Callable, Iterable

import attrs

from lgds_components.address.model import Address
from lgds_components.address.parts import search_text
from lgds_components.address.text import (
    FLAT_WORDS,
    NOISE_WORDS,
    STREET_TYPES,
    fold,
    tokens,
)

__all__ = [
    "Features",
    "Query",
    "Word",
    "damerau_levenshtein",
    "features",
    "features_from_search",
    "parse",
    "score",
    "search_text",
]

_FULL_POSTCODE = re.compile(r"\b([a-z]{1,2}[0-9][a-z0-9]?) ?([0-9][a-z]{2})\b")
_OUTWARD = re.compile(r"[a-z]{1,2}[0-9][a-z0-9]?")
_SECTOR = re.compile(r"[0-9][a-z]?")
_NUMBER = re.compile(r"([0-9]+)([a-z]?)")

# Penalties (subtracted from 1)
_STREET_MISSING = 0.5
_STREET_OPTIONAL = 0.15
_TYPO = 0.03
_UNEXPLAINED_WORD = 0.12
_UNEXPLAINED_NUMBER = 0.45
_SAO_NUMBER_MISSING = 0.35
_PAO_NUMBER_MISSING = 0.45
_SUFFIX_MISMATCH = 0.3
_FLAT_WITHOUT_SAO = 0.2
_SAO_WORDS_MISSING = 0.35
_PAO_WORDS_MISSING_NUMBERED = 0.08
_PAO_WORDS_MISSING_NAMED = 0.4
_POSTCODE_MISMATCH = 0.35
_POSTCODE_SECTOR_MATCH = 0.15
_OUTWARD_MISMATCH = 0.25
_NO_LOCATION = 0.08
_ROLE_MISMATCH = 0.04
_ORGANISATION_MISSING = 0.05
_UNKNOWN_WORD = 0.04
_TYPE_WEIGHT = 0.3


def damerau_levenshtein(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance between ``a`` and ``b``, capped at ``limit + 1``.

    >>> damerau_levenshtein("hihg", "high"), damerau_levenshtein("stret", "street")
    (1, 1)
    >>> damerau_levenshtein("abc", "xyz", limit=1)
    2
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        row_min = i
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


@attrs.frozen(slots=True)
class Word:
    """One word of a query, with the stored terms it may stand for.

    Attributes:
        text: the word as normalised from the query.
        terms: ``{term: weight}``: the word itself (1.0) and typo corrections (< 1).
        prefix: the word is being typed (last in a type-ahead query): any
            stored word starting with it matches.
    """

    text: str
    terms: dict[str, float]
    prefix: bool = False

    def weight(self, candidates: Iterable[str]) -> tuple[float, str]:
        """Best weight of this word against ``candidates``, and the term matched."""
        best, found = 0.0, ""
        for candidate in candidates:
            weight = self.terms.get(candidate, 0.0)
            if weight == 0.0 and self.prefix and candidate.startswith(self.text):
                weight = 1.0
            if weight > best:
                best, found = weight, candidate
        return best, found


@attrs.frozen(slots=True)
class Query:
    """Free text taken apart (see :func:`parse`).

    Attributes:
        postcode: the full postcode typed, compact (``"ex41aa"``), or ``""``.
        outward: the outward code typed or implied (``"ex4"``), or ``""``.
        sector: a partial inward code typed after the outward code (``"1"``), or ``""``.
        numbers: number tokens in order (``"10"``, ``"2a"``).
        words: the words, without flat words and postcode parts.
        flat: a flat word (flat, apartment, unit) was typed.
        sao_numbers: numbers typed straight after a flat word.
        pao_numbers: numbers typed straight before a street or building word.
        uprn: the whole text was a long number, probably a UPRN.
    """

    postcode: str = ""
    outward: str = ""
    sector: str = ""
    numbers: tuple[str, ...] = ()
    words: tuple[Word, ...] = ()
    flat: bool = False
    sao_numbers: tuple[str, ...] = ()
    pao_numbers: tuple[str, ...] = ()
    uprn: int | None = None

    @property
    def is_empty(self) -> bool:
        """Nothing usable was typed."""
        return not (self.postcode or self.outward or self.numbers or self.words or self.uprn)


def _postcode_is_valid(outward: str, inward: str) -> bool:
    from lgds_components.identifiers import postcode

    return postcode.is_valid(f"{outward} {inward}")


def parse(
    text: str,
    *,
    prefix: bool = False,
    corrections: Callable[[str, bool], dict[str, float]] | None = None,
) -> Query:
    """Take free address text apart into a :class:`Query`.

    Args:
        text: what was typed.
        prefix: treat the last word as still being typed (type-ahead).
        corrections: ``corrections(word, prefix)`` gives the stored terms the
            word may stand for, ``{term: weight}``; by default only the word
            itself. A provider with a vocabulary passes typo corrections here.

    >>> q = parse("Flat 2, 10 High St, EX4 1AA")
    >>> q.postcode, q.numbers, [w.text for w in q.words], q.flat, q.sao_numbers
    ('ex41aa', ('2', '10'), ['high', 'st'], True, ('2',))
    >>> parse("10 high st ex4 1").sector
    '1'
    """
    folded = fold(text)
    stripped = folded.replace(" ", "")
    if stripped.isdigit() and len(stripped) >= 6 and len(folded) == len(stripped):
        return Query(uprn=int(stripped))
    postcode = outward = sector = ""
    match = None
    for candidate in _FULL_POSTCODE.finditer(folded):
        if _postcode_is_valid(candidate.group(1), candidate.group(2)):
            match = candidate
    if match is not None:
        outward = match.group(1)
        postcode = outward + match.group(2)
        folded = f"{folded[: match.start()]} {folded[match.end():]}"
    raw = folded.split()
    if not postcode:
        for index, word in enumerate(raw):
            if _OUTWARD.fullmatch(word) and _postcode_is_valid(word, "1aa"):
                outward = word
                rest = raw[index + 1 :]
                if len(rest) == 1 and _SECTOR.fullmatch(rest[0]):
                    sector = rest[0]
                    raw = raw[:index]
                else:
                    raw = raw[:index] + rest
                break
    toks = tokens(" ".join(raw))
    numbers: list[str] = []
    sao: list[str] = []
    pao: list[str] = []
    words: list[Word] = []
    flat = False
    last = len(toks) - 1
    for index, token in enumerate(toks):
        if token in FLAT_WORDS:
            flat = True
            continue
        if token[0].isdigit():
            numbers.append(token)
            before = toks[index - 1] if index else ""
            after = toks[index + 1] if index < last else ""
            if before in FLAT_WORDS:
                sao.append(token)
            elif after and not after[0].isdigit() and after not in FLAT_WORDS:
                pao.append(token)
            continue
        is_prefix = prefix and index == last and text[-1:].isalnum()
        terms = corrections(token, is_prefix) if corrections else {token: 1.0}
        words.append(Word(token, terms, is_prefix))
    return Query(
        postcode=postcode,
        outward=outward,
        sector=sector,
        numbers=tuple(numbers),
        words=tuple(words),
        flat=flat,
        sao_numbers=tuple(sao),
        pao_numbers=tuple(pao),
    )


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


def _split_number(token: str) -> tuple[int, str]:
    found = _NUMBER.fullmatch(token)
    if found is None:  # not a number token; cannot happen for stored numbers
        return -1, token
    return int(found.group(1)), found.group(2)


def _number_match(typed: str, numbers: tuple[str, ...], is_range: bool) -> float:
    """1 for an exact match, 0.5 for the right number with the wrong suffix, else 0."""
    if typed in numbers:
        return 1.0
    value, suffix = _split_number(typed)
    if is_range:
        low, high = _split_number(numbers[0])[0], _split_number(numbers[1])[0]
        if low <= value <= high and not suffix:
            return 0.9
    for number in numbers:
        if _split_number(number)[0] == value:
            return 0.5
    return 0.0


def _unmatched_first(words: tuple[str, ...], matched: set[str]) -> tuple[str, ...]:
    """``words`` with those no typed word has matched yet first, each part in order."""
    if not matched:
        return words
    return (*(w for w in words if w not in matched), *(w for w in words if w in matched))


def _coverage(street: tuple[str, ...], matched: set[str]) -> float:
    """Share of the street's words typed; a final street-type word counts for less."""
    total = have = 0.0
    last = len(street) - 1
    for index, word in enumerate(street):
        weight = _TYPE_WEIGHT if index == last and index and word in STREET_TYPES else 1.0
        total += weight
        if word in matched:
            have += weight
    return have / total if total else 1.0


def score(query: Query, found: Features, *, partial: bool = False) -> tuple[float, str]:
    """Score how well ``query`` describes the address with ``found`` features.

    Returns ``(score, reason)``, the score from 0 to 1. With ``partial``
    (type-ahead), parts of the address not typed yet cost a quarter as much;
    contradictions cost the same.
    """
    penalty = 0.0
    omitted = 0.0
    typo = False
    reasons: list[str] = []

    # -- location ------------------------------------------------------------
    location = ""
    if query.postcode:
        if query.postcode == found.postcode:
            location = "postcode"
        elif found.postcode and found.postcode[:-3] == query.outward:
            penalty += _POSTCODE_MISMATCH - 0.1
            location = "postcode differs"
        else:
            penalty += _POSTCODE_MISMATCH
            location = "postcode differs"
    elif query.outward:
        if found.postcode[:-3] == query.outward:
            if query.sector and not found.postcode[-3:].startswith(query.sector):
                penalty += _POSTCODE_SECTOR_MATCH
            location = "partial postcode"
        else:
            penalty += _OUTWARD_MISMATCH
            location = "postcode differs"

    # -- words -----------------------------------------------------------------
    street = set(found.street)
    places = set(found.town) | set(found.locality)
    sao_words = set(found.sao_words)
    pao_words = set(found.pao_words)
    # in address order, so that of equally good words the first is taken
    # whatever the process's string hashing (sets iterate in hash order)
    elsewhere = tuple(dict.fromkeys((*found.sao_words, *found.pao_words, *found.organisation,
                                     *found.locality, *found.town)))
    matched: set[str] = set()
    place_matched = street_typo = False
    unexplained = 0
    for word in query.words:
        weight, term = word.weight(_unmatched_first(found.street, matched))
        where = "street"
        if weight < 1.0:
            other_weight, other_term = word.weight(_unmatched_first(elsewhere, matched))
            if other_weight > weight:
                weight, term = other_weight, other_term
                where = "place" if term in places else "other"
        if weight == 0.0:
            if word.text in NOISE_WORDS:
                continue
            if word.terms:
                unexplained += 1
            else:  # a word the gazetteer has nowhere (a county): weaker evidence
                penalty += _UNKNOWN_WORD
            continue
        matched.add(term)
        if weight < 1.0:
            typo = True
            penalty += _TYPO
            street_typo = street_typo or where == "street"
        if where == "place":
            place_matched = True
    penalty += _UNEXPLAINED_WORD * unexplained

    if street:
        coverage = _coverage(found.street, matched)
        pao_covered = bool(pao_words) and pao_words <= matched
        if coverage < 1.0:
            missing = _STREET_OPTIONAL if pao_covered else _STREET_MISSING
            omitted += missing * (1.0 - coverage)
    if sao_words:
        omitted += _SAO_WORDS_MISSING * (1.0 - len(sao_words & matched) / len(sao_words))
    if found.organisation and not set(found.organisation) & matched:
        omitted += _ORGANISATION_MISSING
    if pao_words:
        weight = _PAO_WORDS_MISSING_NUMBERED if found.pao_numbers else _PAO_WORDS_MISSING_NAMED
        omitted += weight * (1.0 - len(pao_words & matched) / len(pao_words))
    if query.flat and not (found.sao_numbers or sao_words):
        penalty += _FLAT_WITHOUT_SAO

    # -- numbers -----------------------------------------------------------------
    used_sao = used_pao = False
    typed_numbers = list(query.numbers)
    if len(found.pao_numbers) == 2:
        start, end = found.pao_numbers
        if start in typed_numbers and end in typed_numbers:
            typed_numbers.remove(start)
            typed_numbers.remove(end)
            used_pao = True
    for typed in typed_numbers:
        in_sao = _number_match(typed, found.sao_numbers, False) if found.sao_numbers else 0.0
        in_pao = (
            _number_match(typed, found.pao_numbers, len(found.pao_numbers) == 2)
            if found.pao_numbers else 0.0
        )
        if in_sao and (in_sao >= in_pao) and not used_sao:
            used_sao, quality = True, in_sao
            if typed in query.pao_numbers and typed not in query.sao_numbers and in_pao:
                penalty += _ROLE_MISMATCH
            elif typed in query.pao_numbers and found.pao_numbers and not in_pao:
                penalty += _ROLE_MISMATCH
        elif in_pao and not used_pao:
            used_pao, quality = True, in_pao
            if typed in query.sao_numbers:
                penalty += _ROLE_MISMATCH
        elif in_sao and not used_sao:
            used_sao, quality = True, in_sao
        else:
            penalty += _UNEXPLAINED_NUMBER
            continue
        if quality < 1.0:
            penalty += _SUFFIX_MISMATCH if quality <= 0.5 else 0.05
    if found.sao_numbers and not used_sao:
        omitted += _SAO_NUMBER_MISSING
    if found.pao_numbers and not used_pao:
        omitted += _PAO_NUMBER_MISSING

    # -- location, again -----------------------------------------------------------
    if not location:
        if place_matched:
            location = "town"
        else:
            omitted += _NO_LOCATION

    if location:
        reasons.append(location)
    if used_sao:
        reasons.append("flat")
    if used_pao:
        reasons.append("number")
    if pao_words and pao_words & matched:
        reasons.append("building name")
    if street and street & matched:
        label = "street" if street <= matched else "part of street"
        reasons.append(f"fuzzy {label}" if street_typo else label)
    reason = " + ".join(reasons) if reasons else "words"
    if typo:
        reason += ", typo"
    penalty += omitted * (0.25 if partial else 1.0)
    value = max(0.0, min(1.0, 1.0 - penalty))
    return round(value, 4), reason
