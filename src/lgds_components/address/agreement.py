"""How a query agrees with one candidate address, part by part.

:func:`compare` lines up a parsed :class:`~lgds_components.address.parsing.Query`
with a candidate's :class:`~lgds_components.address.scoring.Features` and
says, for each part, whether it agrees, is merely missing, is slightly off
or contradicts: the postcode (exact, another unit of the same sector, one
character off, another sector, wrong), the town (named, or another town
named), the building number (exact, inside a range, a range typed, a letter
suffix that is really a flat, in words, not typed), the flat (exact, by floor
order, not typed, typed where there is none), the street, building name and
organisation, and what is left over (words and numbers the address does not
explain, words the gazetteer has nowhere).

:class:`Agreement` is what both scorers read: the hand-weighted score that
search uses and the learned model that matching uses
(:mod:`~lgds_components.address.weights`).

>>> from lgds_components.address.model import Address
>>> from lgds_components.address.parsing import parse
>>> from lgds_components.address.scoring import features
>>> flat_b = Address(uprn=1, sao_text="Flat B", pao_start_number=40,
...                  street="Victoria Square", town="Kelmouth", postcode="EX4 1AA")
>>> found = compare(parse("40B Victoria Sq, EX4 1AB"), features(flat_b))
>>> found.postcode, found.number, found.flat
('unit', 'letter flat', 'exact')
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from lgds_components.address.parsing import Query, Word
from lgds_components.address.text import FLOOR_ORDER, NOISE_WORDS, STREET_TYPES, is_shortening

if TYPE_CHECKING:
    from lgds_components.address.scoring import Features

__all__ = ["Agreement", "compare", "damerau_levenshtein", "similar"]

_TYPE_WEIGHT = 0.3
_FLOOR_WORDS = frozenset({*FLOOR_ORDER, "floor"})
_LETTERS = "abcdefghij"
_REPEATS = re.compile(r"(.)\1+")


@attrs.frozen(slots=True)
class Agreement:
    """How a query agrees with one address (see :func:`compare`).

    Attributes:
        postcode: ``"exact"``, ``"unit"`` (same sector, another unit), ``"one off"``
            (one character different), ``"sector"`` (same outward code),
            ``"wrong"``, ``"outward"`` / ``"outward wrong"`` (only the outward
            code typed), or ``"none"``.
        town_matched: a typed word is the address's town or locality.
        town_partly: the town or locality named only in part (``Ossthorpe`` for
            ``Little Ossthorpe``).
        town_contradicts: a typed word the address does not explain is another
            candidate's town or locality.
        number: the building number: ``"exact"``, ``"in range"`` (typed inside
            the address's range, or a typed range covering it), ``"range end"``
            (a typed range starting or ending at it), ``"suffix"`` (12 for 12A),
            ``"letter flat"`` (40B for Flat B, 40), ``"words"`` (in words),
            ``"missing named"`` (not typed, but the building or organisation
            named), ``"missing"``, or ``"none"`` (the address has none).
        flat: ``"exact"``, ``"floor order"`` (a floor for a numbered or lettered
            flat), ``"missing"`` (not typed), ``"extra"`` (a flat typed where the
            address has none), ``"wrong"`` (another floor), or ``"none"``.
        street: share of the street's words typed (1 when it has none).
        street_typed: any street word typed.
        street_type_differs: a street type typed (``Square``) that is not this
            street's (``Grove``): another street.
        name: the building name: ``"matched"``, ``"partly"``, ``"missing"``
            (with a number) or ``"missing unnumbered"``, or ``"none"``.
        organisation: ``"matched"`` (its own words, not the town's or street's,
            all typed), ``"partly"``, ``"renamed"`` (not named, but a line or
            words the gazetteer lacks are: another trading name), ``"missing"``
            or ``"none"``.
        delivery_point: Royal Mail delivers to the address (a building's own
            record, holding flats or shops, is not one).
        typos: words matched through a typo.
        abbreviations: words matched as an abbreviation (``Stn`` for ``Station``).
        unexplained_words: typed words the gazetteer holds but this address does not.
        unknown_words: typed words the gazetteer holds nowhere.
        unexplained_lines: lines of the text (between commas) none of whose words
            this address explains (their words not counted one by one).
        unexplained_numbers: typed numbers this address does not have.
        role_mismatch: numbers typed as a flat but matched to the building, or back.
        matched: the address's words that were typed (for the reason).
    """

    postcode: str = "none"
    town_matched: bool = False
    town_partly: bool = False
    town_contradicts: bool = False
    number: str = "none"
    flat: str = "none"
    street: float = 1.0
    street_typed: bool = False
    street_type_differs: bool = False
    name: str = "none"
    organisation: str = "none"
    delivery_point: bool = True
    typos: int = 0
    abbreviations: int = 0
    unexplained_words: int = 0
    unknown_words: int = 0
    unexplained_lines: int = 0
    unexplained_numbers: int = 0
    role_mismatch: int = 0
    matched: frozenset[str] = frozenset()

    def reason(self) -> str:
        """What agreed, in a few words: ``"postcode + flat + number + street"``."""
        parts = []
        if self.postcode == "exact":
            parts.append("postcode")
        elif self.postcode in ("unit", "one off", "sector"):
            parts.append({"unit": "postcode differs (same sector)",
                          "one off": "postcode differs (one character)",
                          "sector": "postcode differs (same district)"}[self.postcode])
        elif self.postcode == "outward":
            parts.append("partial postcode")
        elif self.postcode in ("wrong", "outward wrong"):
            parts.append("postcode differs")
        elif self.town_matched:
            parts.append("town")
        if self.town_contradicts:
            parts.append("another town named")
        if self.flat == "exact" and self.number != "letter flat":
            parts.append("flat")
        elif self.flat == "floor order":
            parts.append("flat by floor")
        if self.number in ("exact", "words"):
            parts.append("number")
        elif self.number in ("in range", "range end"):
            parts.append("number in range")
        elif self.number == "letter flat":
            parts.append("number + flat letter")
        elif self.number == "suffix":
            parts.append("number (suffix differs)")
        if self.name in ("matched", "partly"):
            parts.append("building name")
        if self.organisation in ("matched", "partly"):
            parts.append("organisation" if self.organisation == "matched"
                         else "part of organisation")
        if self.street_typed:
            parts.append("street" if self.street >= 1.0 else "part of street")
        if self.street_type_differs:
            parts.append("another street type")
        reason = " + ".join(parts) if parts else "words"
        if self.typos:
            reason += ", typo"
        if self.abbreviations:
            reason += ", abbreviation"
        return reason


def damerau_levenshtein(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance between ``a`` and ``b``, capped at ``limit + 1``.

    >>> damerau_levenshtein("hihg", "high"), damerau_levenshtein("stret", "street")
    (1, 1)
    >>> damerau_levenshtein("abc", "xyz", limit=1)
    2
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if limit == 1:
        return _within_one(a, b)
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


def _within_one(a: str, b: str) -> int:
    """:func:`damerau_levenshtein` with ``limit=1`` for lengths at most one apart:
    0, 1 (one letter changed, added, dropped or two neighbours swapped) or 2."""
    if a == b:
        return 0
    if len(a) > len(b):
        a, b = b, a
    index = 0
    while index < len(a) and a[index] == b[index]:
        index += 1
    if len(a) < len(b):
        return 1 if a[index:] == b[index + 1:] else 2
    if a[index + 1:] == b[index + 1:]:
        return 1
    swapped = (index + 1 < len(a) and a[index] == b[index + 1] and a[index + 1] == b[index]
               and a[index + 2:] == b[index + 2:])
    return 1 if swapped else 2


@functools.lru_cache(maxsize=200_000)
def similar(typed: str, stored: str) -> str:
    """``"abbreviation"`` when ``typed`` shortens ``stored`` (``stn`` for ``station``,
    ``vic`` for ``victoria``), ``"typo"`` when one slip apart (two for long words),
    else ``""``.

    >>> similar("stn", "station"), similar("qns", "queens"), similar("knig", "king")
    ('abbreviation', 'abbreviation', 'typo')
    >>> similar("mill", "hill"), similar("nw", "new"), similar("mooount", "mount")
    ('', 'typo', 'typo')
    """
    if not typed or not stored or typed[0] != stored[0] or not typed.isalpha():
        return ""
    if 2 <= len(typed) < len(stored) and len(stored) >= 4 and is_shortening(typed, stored):
        return "abbreviation"
    if len(typed) == 2 and len(stored) == 3 and is_shortening(typed, stored):
        return "typo"  # a three-letter name with a letter dropped (nw: new)
    if len(typed) >= 3 and len(stored) >= 3:
        limit = 2 if min(len(typed), len(stored)) >= 8 else 1
        if damerau_levenshtein(typed, stored, limit) <= limit:
            return "typo"
        squeezed, stored_squeezed = _REPEATS.sub(r"\1", typed), _REPEATS.sub(r"\1", stored)
        if (squeezed, stored_squeezed) != (typed, stored) and len(squeezed) >= 3 \
                and damerau_levenshtein(squeezed, stored_squeezed, 1) <= 1:
            return "typo"  # a key held down (yorrrk) or a letter doubled, and one more slip
    return ""


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


def _postcode(query: Query, postcode: str) -> str:
    if query.postcode:
        if not postcode:
            return "wrong"
        if query.postcode == postcode:
            return "exact"
        if query.postcode[:-2] == postcode[:-2]:
            return "unit"
        if damerau_levenshtein(query.postcode, postcode, 1) <= 1:
            return "one off"
        if query.postcode[:-3] == postcode[:-3]:
            return "sector"
        return "wrong"
    if query.outward:
        if postcode[:-3] != query.outward:
            return "outward wrong"
        if query.sector and not postcode[-3:].startswith(query.sector):
            return "outward wrong"
        return "outward"
    return "none"


def _split(token: str) -> tuple[int, str]:
    digits = token.rstrip("abcdefghijklmnopqrstuvwxyz")
    return (int(digits), token[len(digits):]) if digits.isdigit() else (-1, token)


def _flat_rank(sao_numbers: tuple[str, ...], sao_words: tuple[str, ...]) -> int | None:
    """The place of a numbered or lettered flat in its building (Flat 1 or A: 0)."""
    if len(sao_numbers) == 1 and not sao_words and sao_numbers[0].isdigit():
        number = int(sao_numbers[0])
        return number - 1 if 1 <= number <= 6 else None
    if len(sao_words) == 1 and not sao_numbers and len(sao_words[0]) == 1:
        index = _LETTERS.find(sao_words[0])
        return index if index >= 0 else None
    return None


class _Numbers:
    """The numbers typed, matched against the address's building and flat numbers."""

    def __init__(self, query: Query, found: Features) -> None:
        self.query = query
        self.pao, self.sao, self.sao_words = found.pao_numbers, found.sao_numbers, found.sao_words
        self.found = found
        self.number = "none" if not self.pao else "missing"
        self.used_sao = self.letter = False
        self.unexplained = self.role = 0
        self.matched: list[str] = []

    def _roles(self) -> list[tuple[str, str]]:
        """Each typed number with the role its place says (``"sao"`` before the
        building name or after a flat word, ``"pao"`` before the street)."""
        query, found = self.query, self.found
        out = []
        for index, token in enumerate(query.numbers):
            after = query.following[index] if index < len(query.following) else ""
            in_name, in_street = _among(after, found.pao_words), _among(after, found.street)
            if token in query.sao_numbers or (after and in_name and not in_street):
                role = "sao"
            elif (after and in_street and not in_name) or query.floor:
                role = "pao"  # before the street, or a flat named by its floor
            else:
                role = ""
            out.append((token, role))
        return out

    def run(self, word_numbers: list[str]) -> None:
        typed = self._roles()
        pao = self.pao
        tokens = [token for token, _ in typed]
        if len(pao) == 2 and pao[0] in tokens and pao[1] in tokens:
            typed = [pair for pair in typed if pair[0] not in pao]
            self.number = "exact"
            self.matched += list(pao)
        partners = {low: high for low, high in self.query.ranges}
        partners.update({high: low for low, high in self.query.ranges})
        for token, role in typed:
            if not self._one(token, role, partners):
                self.unexplained += 1
        for digits in word_numbers:
            if self.number == "missing" and digits == (pao[0] if pao else ""):
                self.number = "words"

    def _one(self, token: str, role: str, partners: dict[str, str]) -> bool:
        for target in (("pao", "sao") if role == "pao" else ("sao", "pao")):
            if target == "sao" and self._flat(token):
                self.role += role == "pao"
                return True
            if target == "pao" and self._building(token):
                self.role += role == "sao"
                return True
        if partners.get(token) in self.matched:
            return True  # a typed range's other end
        return self._range_end(token, partners)

    def _flat(self, token: str) -> bool:
        if self.sao and not self.used_sao and token in self.sao:
            self.used_sao = True
            return True
        return False

    def _building(self, token: str) -> bool:
        pao = self.pao
        if not pao or self.number not in ("missing", "none"):
            return False
        value, suffix = _split(token)
        start, start_suffix = _split(pao[0])
        if token == pao[0]:
            self.number = "exact"
        elif len(pao) == 2 and start <= value <= _split(pao[1])[0] and not suffix:
            self.number = "in range"
        elif (suffix and value == start and not self.used_sao and not start_suffix
              and suffix in self.sao_words):
            self.number, self.used_sao, self.letter = "letter flat", True, True
        elif value == start and (suffix or start_suffix):
            self.number = "suffix"
        else:
            return False
        self.matched.append(token)
        return True

    def _range_end(self, token: str, partners: dict[str, str]) -> bool:
        partner = partners.get(token)
        if partner is None or not self.pao or self.number not in ("missing", "none"):
            return False
        low, high = sorted((_split(token)[0], _split(partner)[0]))
        start = _split(self.pao[0])[0]
        end = _split(self.pao[-1])[0]
        if start <= low and high <= end:
            self.number = "in range"
        elif low <= start <= high or low <= end <= high:
            self.number = "range end"
        else:
            return False
        self.matched.append(token)
        return True


def _among(word: str, words: tuple[str, ...]) -> bool:
    """``word`` is one of ``words``, or a slip or short form of one."""
    return bool(word) and (word in words or any(similar(word, other) for other in words))


def _flat(query: Query, found: Features, numbers: _Numbers, matched: set[str]) -> str:
    sao_words, sao_numbers = found.sao_words, found.sao_numbers
    typed_flat = query.flat or bool(query.sao_numbers) or bool(query.floor)
    if not (sao_words or sao_numbers):
        return "extra" if typed_flat and not numbers.letter else "none"
    if numbers.used_sao:
        return "exact"
    named = [word for word in sao_words if word not in _FLOOR_WORDS]
    stored_floor = next((word for word in sao_words if word in FLOOR_ORDER), "")
    if query.floor:
        if stored_floor:
            return "exact" if stored_floor == query.floor else "wrong"
        rank = _flat_rank(sao_numbers, sao_words)
        if rank is not None and FLOOR_ORDER[query.floor] == rank:
            return "floor order"
        return "wrong"
    if sao_words and set(sao_words) <= matched:
        return "exact"
    if named and set(named) <= matched and not sao_numbers:
        return "exact"
    return "missing"


def compare(query: Query, found: Features, places: Iterable[str] = (), *,
            postal: bool = True) -> Agreement:
    """How ``query`` agrees with the address whose features are ``found``.

    ``places`` are town and locality words of the other candidates: a typed
    word among them that this address does not explain is another town named.
    ``postal``: whether Royal Mail delivers to the address.
    """
    here = set(found.town) | set(found.locality)
    elsewhere = tuple(dict.fromkeys((*found.sao_words, *found.pao_words, *found.organisation,
                                     *found.locality, *found.town)))
    matched: set[str] = set()
    leftover = []
    town_matched = False
    slips = {"typo": 0, "abbreviation": 0}
    for word in query.words:
        weight, term = _best(word, found.street, matched)
        if weight < 1.0:
            other_weight, other_term = _best(word, elsewhere, matched)
            if other_weight > weight:
                weight, term = other_weight, other_term
        if weight == 0.0:
            leftover.append(word)
            continue
        matched.add(term)
        slips["typo"] += weight < 1.0
        town_matched = town_matched or term in here
    unmatched = [w for w in (*found.street, *elsewhere) if w not in matched]
    word_numbers = []
    unexplained: list[Word] = []
    contradicts = type_differs = False
    last = found.street[-1] if len(found.street) > 1 else ""
    other_type = last in STREET_TYPES and last not in matched
    place_words = set(places)
    for word in leftover:
        if word.text in NOISE_WORDS or (word.optional and word.text in _FLOOR_WORDS):
            continue
        if word.number:
            word_numbers.append(word.number)
        kind = None if word.text in word.terms else next(
            ((kind, stored) for stored in unmatched if (kind := similar(word.text, stored))),
            None)  # a word the gazetteer holds as it is is not read as a slip for another
        if kind is not None:
            matched.add(kind[1])
            unmatched.remove(kind[1])
            slips[kind[0]] += 1
            town_matched = town_matched or kind[1] in here
            continue
        if word.optional or (word.number and found.pao_numbers
                             and word.number == found.pao_numbers[0]):
            continue
        if word.text in place_words and word.text not in here:
            contradicts = True
        elif other_type and (word.text in STREET_TYPES or set(word.terms) & STREET_TYPES):
            type_differs = True
        else:
            unexplained.append(word)
    numbers = _Numbers(query, found)
    numbers.run(word_numbers)
    return _finish(query, found, matched, numbers, town_matched, contradicts, slips,
                   _lines_left(query, unexplained), type_differs=type_differs, postal=postal)


def _lines_left(query: Query, unexplained: list[Word]) -> tuple[int, int, int]:
    """(words the gazetteer holds, words it does not, whole lines) left unexplained,
    the words of a wholly unexplained line (an estate or trading name on a line of
    its own) counted as the line, not one by one."""
    if not unexplained:
        return 0, 0, 0
    left = {id(word) for word in unexplained}
    lines: dict[int, bool] = {}
    for word in query.words:
        if word.optional or word.text in NOISE_WORDS:
            continue
        lines[word.line] = lines.get(word.line, True) and id(word) in left
    whole = {line for line, all_left in lines.items() if all_left} if len(lines) > 1 else set()
    known = sum(1 for word in unexplained if word.terms and word.line not in whole)
    unknown = sum(1 for word in unexplained if not word.terms and word.line not in whole)
    return known, unknown, len(whole)


def _finish(query: Query, found: Features, matched: set[str], numbers: _Numbers,
            town_matched: bool, contradicts: bool, slips: dict[str, int],
            left: tuple[int, int, int], *, type_differs: bool, postal: bool) -> Agreement:
    places = set(found.town) | set(found.locality) | set(found.street)
    pao_words = set(found.pao_words)
    name = "none"
    if pao_words:
        share = len(pao_words & matched) / len(pao_words)
        if share and not (pao_words & matched) - places:
            share = 0.0  # only words that are the street's or town's too
        name = ("matched" if share == 1.0 else "partly" if share
                else "missing" if found.pao_numbers else "missing unnumbered")
    organisation = "none"
    if found.organisation:
        own = set(found.organisation) - places
        named = own & matched
        organisation = "matched" if named and named == own else "partly" if named \
            else "renamed" if left[1] or left[2] else "missing"
    number = numbers.number
    if number == "missing" and (name in ("matched", "partly")
                                or organisation in ("matched", "partly")):
        number = "missing named"
    town, locality = set(found.town), set(found.locality)
    whole = (town and town <= matched) or (locality and locality <= matched)
    return Agreement(
        postcode=_postcode(query, found.postcode),
        town_matched=town_matched,
        town_partly=town_matched and not whole,
        town_contradicts=contradicts,
        number=number,
        flat=_flat(query, found, numbers, matched),
        street=_coverage(found.street, matched) if found.street else 1.0,
        street_typed=bool(set(found.street) & matched),
        street_type_differs=type_differs,
        delivery_point=postal,
        name=name,
        organisation=organisation,
        typos=slips["typo"],
        abbreviations=slips["abbreviation"],
        unexplained_words=left[0],
        unknown_words=left[1],
        unexplained_lines=left[2],
        unexplained_numbers=numbers.unexplained,
        role_mismatch=numbers.role,
        matched=frozenset(matched),
    )


def _best(word: Word, words: tuple[str, ...], matched: set[str]) -> tuple[float, str]:
    """The best weight of ``word`` against ``words`` and the word it matched: those no
    typed word has matched yet first, each in address order (so ties go the same way
    in every process, whatever the string hashing)."""
    best, found = 0.0, ""
    terms, prefix, text = word.terms, word.prefix, word.text
    for already in (False, True):
        if already and (best >= 1.0 or not matched):
            break
        for candidate in words:
            if (candidate in matched) != already:
                continue
            weight = terms.get(candidate, 0.0)
            if weight == 0.0 and prefix and candidate.startswith(text):
                weight = 1.0
            if weight > best:
                best, found = weight, candidate
    return best, found
