"""Test doubles and a conformance suite for address providers.

Two things live here:

* :class:`InMemoryAddressLookup`, an :class:`~lgds_components.address.AddressLookup`
  over a plain list of :class:`~lgds_components.address.Address` records,
  for the tests of services that look addresses up. It needs no file, no
  server and no network, and answers every question the real providers do,
  with the same errors.
* :class:`AddressLookupConformance`, a pytest test class that any address
  provider (built in or contributed) subclasses in its own tests to prove it
  keeps the :class:`~lgds_components.address.AddressLookup` contract.

>>> from lgds_components.address import Address
>>> from lgds_components.testing.address import InMemoryAddressLookup
>>> lookup = InMemoryAddressLookup([
...     Address(uprn=10, pao_start_number=10, street="High Street", town="Exeter",
...             postcode="EX99 1AA"),
...     Address(uprn=2, pao_start_number=2, street="High Street", town="Exeter",
...             postcode="EX99 1AA"),
... ])
>>> [a.single_line() for a in lookup.by_postcode("ex99 1aa")]
['2 High Street, Exeter, EX99 1AA', '10 High Street, Exeter, EX99 1AA']
>>> lookup.match("10 high st exeter").uprn
10

Using the conformance suite
---------------------------

Like the compliance suite SQLAlchemy ships for its dialects, the suite is a
class of tests you import into your own test module. Subclass it (the
subclass name must start with ``Test`` so pytest collects it) and say how to
build your provider over the suite's records::

    # tests/test_my_lookup.py
    from lgds_components.testing.address import AddressLookupConformance

    class TestMyLookupConformance(AddressLookupConformance):
        def make_lookup(self, addresses, tmp_path):
            return MyLookup.build(addresses, tmp_path / "index")

``addresses`` is :func:`conformance_addresses`: a small, fixed, synthetic
set with flats, named buildings, number ranges and suffixes, organisations,
Welsh-language alternates and shared postcodes. ``tmp_path`` is a fresh
directory for any file you need. If the object you return has ``close()``,
it is called when the class's tests are done. Provider-specific knobs are
class attributes (``match_threshold``). Build the provider once per class:
the fixture is class-scoped. Add your own provider's tests alongside.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest

from lgds_components.address.match import Match
from lgds_components.address.model import Address, natural_key
from lgds_components.address.protocol import AddressLookup
from lgds_components.address.text import FLAT_WORDS, long_forms, tokens
from lgds_components.errors import InvalidLength, NotFound, ValidationError
from lgds_components.identifiers import postcode as postcodes
from lgds_components.identifiers import uprn as uprns

__all__ = [
    "MAX_QUERY_LENGTH",
    "AddressLookupConformance",
    "InMemoryAddressLookup",
    "SimpleIndex",
    "check_limit",
    "check_text",
    "conformance_addresses",
    "conformance_records",
]

#: Longest search text accepted (as the embedded gazetteer).
MAX_QUERY_LENGTH = 300

_FULL_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\s*([0-9][A-Za-z]{2})(?![A-Za-z0-9])"
)
_OUTWARD_AT_END = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\W*$")

# Score factors (see SimpleIndex.score)
_FUZZY_CREDIT = 0.8
_STRAY_NUMBER = 0.5
_MISSING_NUMBER = 0.7
_WRONG_POSTCODE = 0.6
_WRONG_OUTWARD = 0.7
_POSTCODE_ONLY = 0.5
_MATCH_MARGIN = 0.02


def check_text(text: object) -> str:
    """Return ``text`` if it is a string a provider can search for, else raise.

    >>> check_text("10 high st")
    '10 high st'
    >>> check_text("x" * 301)
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidLength: text: Address must be 300 characters or fewer
    """
    if not isinstance(text, str):
        raise ValidationError("Enter an address as text", field="text")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidLength(f"Address must be {MAX_QUERY_LENGTH} characters or fewer", field="text")
    return text


def check_limit(limit: object) -> int:
    """Return ``limit`` if it is a whole number from 1 to 100, else raise ValidationError."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
        raise ValidationError("limit must be a whole number from 1 to 100", field="limit")
    return limit


def _compact_postcode(value: str) -> str:
    return "".join(value.split()).upper()


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (edits and adjacent swaps), capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _tolerance(word: str) -> int:
    if len(word) < 4 or word[0].isdigit():
        return 0
    return 1 if len(word) < 8 else 2


@attrs.frozen(slots=True)
class _Query:
    words: tuple[str, ...]
    postcode: str | None  # compact, when a full postcode was typed
    outward: str | None  # when only an outward code was typed, at the end


@attrs.frozen(slots=True)
class _Entry:
    address: Address
    words: Counter[str]
    core: Counter[str]
    numbers: frozenset[str]  # every number token the address shows
    starts: frozenset[str]  # the SAO and PAO start numbers: "2", "12a"
    postcode: str  # compact
    sort_key: str


def _identity_numbers(address: Address) -> frozenset[str]:
    found = set()
    for number, suffix in (
        (address.sao_start_number, address.sao_start_suffix),
        (address.pao_start_number, address.pao_start_suffix),
    ):
        if number is not None:
            found.add(f"{number}{suffix}".lower())
    for text in (address.sao_text, address.pao_text):
        found.update(t for t in tokens(text) if t[0].isdigit())
    return frozenset(found)


def _entry(address: Address) -> _Entry:
    shown = tokens(" ".join(address.lines(postcode=False)))
    words = Counter(t for t in shown if t not in FLAT_WORDS)
    core_text = " ".join(
        (address.organisation, address.sao, address.pao_text, address.pao_numbers, address.street)
    )
    core = Counter(t for t in tokens(core_text) if t not in FLAT_WORDS)
    return _Entry(
        address=address,
        words=words,
        core=core,
        numbers=frozenset(w for w in words if w[0].isdigit()),
        starts=_identity_numbers(address),
        postcode=_compact_postcode(address.postcode),
        sort_key=natural_key(address),
    )


class SimpleIndex:
    """A small, dependable address scorer: token overlap with typo tolerance.

    Not fast and not clever, but predictable: it is what
    :class:`InMemoryAddressLookup` and the local OS Places server
    (:mod:`lgds_components.testing.os_places_server`) rank with. Text is
    tokenised by :func:`lgds_components.address.text.tokens` (case,
    punctuation and abbreviations do not matter; words meaning "flat" carry
    no weight), a typed postcode is compared as a postcode, and a word of
    four letters or more may be one edit (two from eight letters) away from
    the address's word.

    A score is ``coverage * (0.5 + 0.5 * identity) * penalties``, from 0 to 1:
    *coverage* is the share of typed words the address explains (a typo
    counts 0.8), *identity* the share of the address's identifying words
    (organisation, flat, building, street) that were typed, and penalties
    apply for each typed number the address lacks (x0.5), each flat or
    building number of the address not typed (x0.7) and a typed postcode that
    differs (x0.6; x0.7 for a differing outward code). A postcode typed alone
    scores 0.5 for every address at it.

    >>> from lgds_components.address import Address
    >>> index = SimpleIndex([Address(uprn=1, sao_text="Flat 2", pao_start_number=10,
    ...                              street="High Street", town="Exeter", postcode="EX99 1AA")])
    >>> index.score("2/10 High St", index.addresses[0])
    1.0
    >>> round(index.score("10 High St", index.addresses[0]), 3)
    0.613
    """

    def __init__(self, addresses: Iterable[Address]) -> None:
        self._entries = [_entry(a) for a in addresses]
        self._by_word: dict[str, set[int]] = defaultdict(set)
        self._by_postcode: dict[str, list[int]] = defaultdict(list)
        self._by_outward: dict[str, list[int]] = defaultdict(list)
        for i, entry in enumerate(self._entries):
            for word in entry.words:
                self._by_word[word].add(i)
            if entry.postcode:
                self._by_postcode[entry.postcode].append(i)
                self._by_outward[entry.postcode[:-3]].append(i)
        # every spelling a stored word stands for ("st": st, street, str, saint)
        self._spellings: dict[str, set[str]] = defaultdict(set)
        for word in self._by_word:
            if not word[0].isdigit():
                for form in (word, *long_forms(word)):
                    self._spellings[form].add(word)

    @property
    def addresses(self) -> list[Address]:
        """The indexed addresses, in the order given."""
        return [e.address for e in self._entries]

    def __len__(self) -> int:
        return len(self._entries)

    # -- parsing ------------------------------------------------------------

    def _parse(self, text: str) -> _Query:
        full = None
        for found in _FULL_POSTCODE.finditer(text):
            candidate = found.group(1) + found.group(2)
            if postcodes.is_valid(candidate):
                full = _compact_postcode(candidate)
                text = text[: found.start()] + " " + text[found.end() :]
                break
        outward = None
        if full is None:
            found = _OUTWARD_AT_END.search(text)
            if found and found.group(1).upper() in self._by_outward:
                outward = found.group(1).upper()
                text = text[: found.start()]
        words = tuple(t for t in tokens(text) if t not in FLAT_WORDS)
        return _Query(words, full, outward)

    def _fuzzy(self, word: str) -> set[str]:
        """Stored words within the typo tolerance of ``word`` (not ``word`` itself)."""
        limit = _tolerance(word)
        if not limit:
            return set()
        found: set[str] = set()
        for form, stored in self._spellings.items():
            if form != word and _osa_distance(word, form, limit) <= limit:
                found |= stored
        found.discard(word)
        return found

    # -- scoring -------------------------------------------------------------

    def _score(self, query: _Query, entry: _Entry, fuzzy: dict[str, set[str]]) -> float:
        factor = 1.0
        if query.postcode is not None:
            factor = 1.0 if entry.postcode == query.postcode else _WRONG_POSTCODE
        elif query.outward is not None:
            factor = 1.0 if entry.postcode[:-3] == query.outward else _WRONG_OUTWARD
        if not query.words:
            return _POSTCODE_ONLY * factor if factor == 1.0 else 0.0
        available = Counter(entry.words)
        used: Counter[str] = Counter()
        explained = 0.0
        for word in query.words:
            if available[word] > 0:
                available[word] -= 1
                used[word] += 1
                explained += 1.0
                continue
            for near in fuzzy.get(word, ()):
                if available[near] > 0:
                    available[near] -= 1
                    used[near] += 1
                    explained += _FUZZY_CREDIT
                    break
        if not explained:
            return 0.0
        coverage = explained / len(query.words)
        identity = sum((used & entry.core).values()) / max(1, sum(entry.core.values()))
        typed = set(query.words)
        for word in typed:
            if word[0].isdigit() and word not in entry.numbers:
                factor *= _STRAY_NUMBER
        for number in entry.starts:
            if number not in typed:
                factor *= _MISSING_NUMBER
        return round(coverage * (0.5 + 0.5 * identity) * factor, 6)

    def score(self, text: str, address: Address) -> float:
        """How well ``text`` describes ``address``, from 0 to 1."""
        query = self._parse(text)
        fuzzy = {w: self._fuzzy(w) for w in set(query.words) if w not in self._by_word}
        return self._score(query, _entry(address), fuzzy)

    def ranked(self, text: str, *, postcode: str | None = None) -> list[tuple[float, Address]]:
        """Every address scoring above 0 for ``text``, best first.

        ``postcode`` (compact or display form, already valid) keeps only
        addresses at that postcode. Equal scores keep natural order. An
        address appears once per record, so an address with a Welsh
        alternate may appear twice (with their own scores).
        """
        query = self._parse(text)
        fuzzy = {w: self._fuzzy(w) for w in set(query.words) if w not in self._by_word}
        if query.words:
            candidates: set[int] = set()
            for word in query.words:
                candidates |= self._by_word.get(word, set())
                for near in fuzzy.get(word, ()):
                    candidates |= self._by_word.get(near, set())
        elif query.postcode is not None:
            candidates = set(self._by_postcode.get(query.postcode, ()))
        elif query.outward is not None:
            candidates = set(self._by_outward.get(query.outward, ()))
        elif postcode is not None:
            candidates = set(self._by_postcode.get(_compact_postcode(postcode), ()))
            query = _Query((), _compact_postcode(postcode), None)
        else:
            candidates = set()
        if postcode is not None:
            wanted = _compact_postcode(postcode)
            candidates = {i for i in candidates if self._entries[i].postcode == wanted}
        scored = []
        for i in candidates:
            entry = self._entries[i]
            value = self._score(query, entry, fuzzy)
            if value > 0:
                scored.append((-value, entry.sort_key, i))
        scored.sort()
        return [(-value, self._entries[i].address) for value, _, i in scored]


def _preference(address: Address, language: str | None) -> tuple[int, int, int]:
    status_rank = {1: 0, 6: 1, 3: 2, 8: 3}.get(address.logical_status, 4)
    wanted = language or "en"
    return (0 if address.logical_status == 1 else 1, 0 if address.language == wanted else 1,
            status_rank)


class InMemoryAddressLookup:
    """An :class:`~lgds_components.address.AddressLookup` over a list of addresses.

    For tests: build it from a handful of :class:`~lgds_components.address.Address`
    records (or :func:`conformance_addresses`) and hand it to the code under
    test in place of a :class:`~lgds_components.address.Gazetteer` or
    :class:`~lgds_components.address.os_places.OSPlaces`. Ranking is
    :class:`SimpleIndex`'s. Several records may share a UPRN (a Welsh
    alternate, a historical record): lookups answer one per UPRN, preferring
    the approved English record (or the ``language`` asked for).

    Args:
        addresses: the records.
        threshold: default confidence threshold for :meth:`match`.
        provider: the name put in errors (``NotFound.provider``).

    Errors are those of the protocol: ValidationError for a bad postcode,
    UPRN, text or limit; :class:`~lgds_components.errors.NotFound` for an
    unknown UPRN.
    """

    def __init__(
        self, addresses: Iterable[Address], *, threshold: float = 0.8, provider: str = "memory"
    ) -> None:
        self.threshold = threshold
        self.provider = provider
        self._index = SimpleIndex(addresses)
        self._by_uprn: dict[int, list[Address]] = defaultdict(list)
        self._by_postcode: dict[str, list[Address]] = defaultdict(list)
        for address in self._index.addresses:
            self._by_uprn[address.uprn].append(address)
            if address.postcode:
                self._by_postcode[_compact_postcode(address.postcode)].append(address)

    def __repr__(self) -> str:
        return f"<InMemoryAddressLookup addresses={len(self._index)}>"

    def __len__(self) -> int:
        """The number of distinct UPRNs."""
        return len(self._by_uprn)

    def _best(self, records: Iterable[Address], language: str | None) -> list[Address]:
        chosen: dict[int, Address] = {}
        for address in records:
            held = chosen.get(address.uprn)
            if held is None or _preference(address, language) < _preference(held, language):
                chosen[address.uprn] = address
        return list(chosen.values())

    def by_postcode(self, postcode: str, *, language: str | None = None) -> list[Address]:
        """Every address at ``postcode`` in natural order, one per UPRN."""
        key = _compact_postcode(postcodes.validate(postcode))
        return sorted(self._best(self._by_postcode.get(key, ()), language), key=natural_key)

    def by_uprn(self, uprn: int | str, *, language: str | None = None) -> Address:
        """The address with this UPRN; NotFound if there is none."""
        value = uprns.validate(uprn)
        records = self._by_uprn.get(value)
        if not records:
            raise NotFound(f"no address with UPRN {value}", provider=self.provider)
        return self._best(records, language)[0]

    def search(self, text: str, limit: int = 10, postcode: str | None = None) -> list[Match]:
        """Addresses resembling ``text``, best first, one per UPRN, at most ``limit``."""
        text = check_text(text)
        check_limit(limit)
        if postcode is not None:
            postcode = postcodes.validate(postcode)
        found: dict[int, Match] = {}
        for value, address in self._index.ranked(text, postcode=postcode):
            if address.uprn not in found:
                found[address.uprn] = Match(address, value, "token overlap")
                if len(found) == limit:
                    break
        return list(found.values())

    def match(self, text: str, *, threshold: float | None = None) -> Match | None:
        """The single address ``text`` means, or ``None`` below the threshold or on a near tie."""
        text = check_text(text)
        limit = self.threshold if threshold is None else threshold
        ranked = self.search(text, limit=2)
        if not ranked or ranked[0].score < limit:
            return None
        if len(ranked) > 1 and ranked[0].score - ranked[1].score < _MATCH_MARGIN:
            return None
        return ranked[0]

    def match_many(
        self, rows: Iterable[str], *, threshold: float | None = None
    ) -> Iterator[Match | None]:
        """:meth:`match` each row lazily; a row that is not usable text gives ``None``."""
        for row in rows:
            try:
                yield self.match(row, threshold=threshold)
            except ValidationError:
                yield None


# ----------------------------------------------------------------------------- records


def _records() -> dict[str, Address]:
    exeter = {"town": "Exeter", "usrn": 14200001}
    high = {"street": "High Street", "postcode": "EX99 1AA", **exeter}
    mill = {"street": "Mill Lane", "postcode": "EX99 1AB", "town": "Exeter", "usrn": 14200002}
    swansea = {"street": "Mill Road", "town": "Swansea", "postcode": "SA99 1AA", "usrn": 14200004}
    welsh = {"street": "Heol y Felin", "town": "Abertawe", "language": "cy"}
    house = {"classification": "RD04", "easting": 292000.0, "northing": 92500.0}
    flat = {"classification": "RD06", "easting": 292010.0, "northing": 92510.0}
    r: dict[str, Address] = {}

    def add(name: str, uprn: int, **fields: Any) -> None:
        r[name] = Address(uprn=uprn, **fields)

    add("hs_1", 100000000021, pao_start_number=1, **high, **house)
    add("hs_2", 100000000019, pao_start_number=2, **high, **house)
    add("hs_2a", 100000000017, pao_start_number=2, pao_start_suffix="A", **high, **house)
    add("hs_10", 100000000015, pao_start_number=10, postal=False, **high,
        classification="PP", easting=292010.0, northing=92510.0)
    for name, uprn, text in (("hs_10_flat_1", 100000000013, "Flat 1"),
                             ("hs_10_flat_2", 100000000011, "Flat 2"),
                             ("hs_10_flat_10", 100000000009, "Flat 10")):
        add(name, uprn, sao_text=text, pao_start_number=10, parent_uprn=100000000015,
            **high, **flat)
    add("hs_110", 100000000007, organisation="Riverside Dental Practice", pao_start_number=110,
        pao_end_number=114, **high, classification="CM03")
    add("ml_7_9", 100000000037, organisation="Mill Lane Stores", pao_start_number=7,
        pao_end_number=9, **mill, classification="CR08")
    add("ml_12", 100000000029, pao_start_number=12, **mill, **house)
    add("ml_12a", 100000000027, pao_start_number=12, pao_start_suffix="A", **mill, **house)
    add("rc", 100000000025, pao_text="Rose Court", postal=False, **mill, classification="PP")
    add("rc_1", 100000000023, sao_start_number=1, pao_text="Rose Court",
        parent_uprn=100000000025, **mill, **flat)
    add("rc_2", 100000000031, sao_start_number=2, pao_text="Rose Court",
        parent_uprn=100000000025, **mill, **flat)
    add("vh_gff", 100000000033, sao_text="Ground Floor Flat", pao_text="Victoria House",
        pao_start_number=15, **mill, **flat)
    add("cr_hs_10", 100000000035, pao_start_number=10, street="High Street", town="Crediton",
        postcode="EX99 9AA", usrn=14200003, **house)
    add("w_1", 100000000041, pao_start_number=1, **swansea, **house)
    add("w_1_cy", 100000000041, pao_start_number=1, postcode="SA99 1AA", usrn=14200004,
        **welsh, **house)
    add("w_ty_gwyn", 100000000043, pao_text="Tŷ Gwyn", **swansea, **house)
    add("w_ty_gwyn_cy", 100000000043, pao_text="Tŷ Gwyn", postcode="SA99 1AA", usrn=14200004,
        **welsh, **house)
    add("w_3", 100000000045, pao_start_number=3, **swansea, **house)
    add("w_3_cy", 100000000045, pao_start_number=3, postcode="SA99 1AA", usrn=14200004,
        **welsh, **house)
    return r


def conformance_records() -> dict[str, Address]:
    """The conformance suite's records by name (see :func:`conformance_addresses`).

    Names: ``hs_*`` are at ``EX99 1AA`` (High Street, Exeter: 1, 2, 2A, 10
    with Flat 1, Flat 2 and Flat 10 inside, and a dental practice at
    110-114); ``ml_*``, ``rc*`` and ``vh_gff`` at ``EX99 1AB`` (Mill Lane:
    a shop at 7-9, 12, 12A, Rose Court with flats 1 and 2, Ground Floor
    Flat at Victoria House 15); ``cr_hs_10`` is 10 High Street, Crediton,
    ``EX99 9AA``; ``w_*`` are at ``SA99 1AA`` (Swansea) with Welsh alternates
    ``w_*_cy`` sharing their UPRNs.

    >>> records = conformance_records()
    >>> records["hs_10_flat_2"].single_line()
    'Flat 2, 10 High Street, Exeter, EX99 1AA'
    >>> records["w_1_cy"].uprn == records["w_1"].uprn
    True
    """
    return _records()


def conformance_addresses() -> list[Address]:
    """The fixed synthetic records every provider is tested over (22 records, 19 UPRNs).

    Every record is approved (logical status 1); the Welsh alternates have
    ``language="cy"``; the parent buildings (10 High Street, Rose Court) are
    not postal addresses. UPRNs run against natural order, so sorting by
    UPRN does not pass the order tests by accident.
    """
    return list(_records().values())


# ----------------------------------------------------------------------------- the suite

_UNKNOWN_POSTCODE = "EX99 8ZZ"
_UNKNOWN_UPRN = 100000000999

_POSTCODE_SETS: dict[str, tuple[str, ...]] = {
    "EX99 1AA": ("hs_1", "hs_2", "hs_2a", "hs_10", "hs_10_flat_1", "hs_10_flat_2",
                 "hs_10_flat_10", "hs_110"),
    "EX99 1AB": ("ml_7_9", "ml_12", "ml_12a", "rc", "rc_1", "rc_2", "vh_gff"),
    "EX99 9AA": ("cr_hs_10",),
    "SA99 1AA": ("w_1", "w_ty_gwyn", "w_3"),
}

_ORDER_CHECKS: tuple[tuple[str, ...], ...] = (
    ("hs_1", "hs_2", "hs_2a", "hs_10", "hs_110"),
    ("hs_10_flat_1", "hs_10_flat_2", "hs_10_flat_10"),
    ("ml_12", "ml_12a"),
    ("rc_1", "rc_2"),
)

_SEARCH_CASES: tuple[tuple[str, str], ...] = (
    ("flat 2, 10 high st", "hs_10_flat_2"),
    ("2/10 High Street", "hs_10_flat_2"),
    ("10 High St flat 2", "hs_10_flat_2"),
    ("FLAT 10 10 HIGH STREET EXETER", "hs_10_flat_10"),
    ("12a mill lane", "ml_12a"),
    ("12 Mill Ln", "ml_12"),
    ("2 rose court", "rc_2"),
    ("riverside dental", "hs_110"),
    ("ground floor flat victoria house", "vh_gff"),
    ("10 high street crediton", "cr_hs_10"),
    ("1 heol y felin", "w_1"),
    ("ty gwyn swansea", "w_ty_gwyn"),
    ("2 rose cuort", "rc_2"),
    ("10 hihg street exeter", "hs_10"),
    ("7 mill lane stores", "ml_7_9"),
)

_MATCH_CASES: tuple[str, ...] = (
    "hs_10_flat_2", "hs_10_flat_10", "hs_2a", "hs_110", "ml_12a", "rc_2", "vh_gff",
    "cr_hs_10", "w_1", "w_1_cy",
)

_NONSENSE: tuple[str, ...] = ("qwerty uiop", "99 Nowhere Road, Atlantis", "zzzz", "high street")

_HOSTILE: tuple[str, ...] = (
    '"', "'", '""', "''", "high street\"", 'NEAR(high street)', "NEAR/2", "high* AND street",
    "high OR street", "NOT high", "high -street", "(((", ")))", "{high}", "[10]", "*", "^high",
    "high:street", "street:high", "10 high st; DROP TABLE address;--", "' OR '1'='1",
    '" OR 1=1 --', "%", "_", "\\", "\x00", "high\x00street", "\u202e10 high st",
    "\uff28\uff29\uff27\uff28 \uff33\uff34\uff32\uff25\uff25\uff34",  # fullwidth letters
    "h\u0456gh street",  # a Cyrillic i
    "🏠 10 high st", "x" * 100_000, "10 " * 200, "\n\t\r",
)

_BAD_POSTCODES: tuple[str, ...] = ("", "   ", "not a postcode", "QA1 1AA", "EX99", "x" * 100_000)
_BAD_UPRNS: tuple[object, ...] = ("", "abc", "-1", "1.5", 0, "1234567890123", "\uff11\uff12x")


def _close(lookup: object) -> None:
    close = getattr(lookup, "close", None)
    if callable(close):
        close()


class AddressLookupConformance:
    """The tests every :class:`~lgds_components.address.AddressLookup` must pass.

    Subclass it as ``Test<Something>`` and implement :meth:`make_lookup` (or
    override the ``lookup`` fixture). See the module docs for an example.

    What is checked, over :func:`conformance_addresses`:

    * ``by_postcode`` returns exactly the UPRNs at the postcode, once each,
      in natural order (2 before 2A before 10; Flat 2 before Flat 10),
      whatever the postcode's case and spacing; ``[]`` for an unknown postcode;
      ValidationError for an invalid one.
    * ``by_uprn`` finds each UPRN (given as int or text), raises NotFound for
      an unknown UPRN and ValidationError for a malformed one.
    * ``search`` puts the obvious address first for typical resident input
      (abbreviations, flat forms, case, a small typo, Welsh), respects
      ``limit`` and ``postcode``, returns one match per UPRN with scores
      from 0 to 1 best first, returns ``[]`` for text with no words, and for
      text full of SQL or full-text-search syntax returns results or raises
      ValidationError, never anything else.
    * ``match`` finds the right UPRN for each record's own single line and
      ``None`` for nonsense or ambiguous text; ``match_many`` streams (it
      consumes a generator lazily) and agrees with ``match``.
    """

    #: Passed as ``threshold`` to ``match``/``match_many`` (``None``: the provider's default).
    match_threshold: ClassVar[float | None] = None

    def make_lookup(self, addresses: list[Address], tmp_path: Path) -> AddressLookup:
        """Build the provider under test over ``addresses``; override this."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement make_lookup(addresses, tmp_path)"
        )

    @pytest.fixture(scope="class")
    @classmethod
    def lookup(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AddressLookup]:
        """The provider under test, built once for the class by :meth:`make_lookup`."""
        made = cls().make_lookup(conformance_addresses(), tmp_path_factory.mktemp("conformance"))
        try:
            yield made
        finally:
            _close(made)

    @pytest.fixture(scope="class")
    @classmethod
    def records(cls) -> dict[str, Address]:
        """The suite's records by name (:func:`conformance_records`)."""
        return conformance_records()

    # -- the protocol ---------------------------------------------------------

    def test_is_an_address_lookup(self, lookup: AddressLookup) -> None:
        assert isinstance(lookup, AddressLookup)

    # -- by_postcode -----------------------------------------------------------

    @pytest.mark.parametrize("postcode", sorted(_POSTCODE_SETS))
    def test_by_postcode_returns_exactly_the_addresses_there(
        self, lookup: AddressLookup, records: dict[str, Address], postcode: str
    ) -> None:
        found = lookup.by_postcode(postcode)
        uprns_found = [a.uprn for a in found]
        assert len(uprns_found) == len(set(uprns_found)), "a UPRN appears more than once"
        assert set(uprns_found) == {records[n].uprn for n in _POSTCODE_SETS[postcode]}
        assert all(isinstance(a, Address) for a in found)
        assert {_compact_postcode(a.postcode) for a in found} == {_compact_postcode(postcode)}

    @pytest.mark.parametrize("postcode", sorted(_POSTCODE_SETS))
    def test_by_postcode_is_in_natural_order(self, lookup: AddressLookup, postcode: str) -> None:
        found = lookup.by_postcode(postcode)
        assert [a.uprn for a in found] == [a.uprn for a in sorted(found, key=natural_key)]

    @pytest.mark.parametrize("names", _ORDER_CHECKS, ids=lambda names: "<".join(names))
    def test_by_postcode_orders_numbers_naturally(
        self, lookup: AddressLookup, records: dict[str, Address], names: tuple[str, ...]
    ) -> None:
        order = [a.uprn for a in lookup.by_postcode(records[names[0]].postcode)]
        positions = [order.index(records[n].uprn) for n in names]
        assert positions == sorted(positions), f"expected {' < '.join(names)}"

    @pytest.mark.parametrize("typed", ["ex991aa", " Ex99-1AA ", "EX99  1AA", "ex99 1aa"])
    def test_by_postcode_normalises_what_people_type(
        self, lookup: AddressLookup, typed: str
    ) -> None:
        assert [a.uprn for a in lookup.by_postcode(typed)] == [
            a.uprn for a in lookup.by_postcode("EX99 1AA")
        ]

    def test_by_postcode_unknown_postcode_is_empty(self, lookup: AddressLookup) -> None:
        assert lookup.by_postcode(_UNKNOWN_POSTCODE) == []

    @pytest.mark.parametrize("bad", _BAD_POSTCODES, ids=lambda v: repr(v[:20]))
    def test_by_postcode_invalid_postcode_is_a_validation_error(
        self, lookup: AddressLookup, bad: str
    ) -> None:
        with pytest.raises(ValidationError):
            lookup.by_postcode(bad)

    # -- by_uprn -----------------------------------------------------------------

    def test_by_uprn_finds_every_uprn(
        self, lookup: AddressLookup, records: dict[str, Address]
    ) -> None:
        for address in records.values():
            found = lookup.by_uprn(address.uprn)
            assert found.uprn == address.uprn
            assert _compact_postcode(found.postcode) == _compact_postcode(address.postcode)

    def test_by_uprn_accepts_text(self, lookup: AddressLookup, records: dict[str, Address]) -> None:
        uprn = records["hs_10_flat_2"].uprn
        assert lookup.by_uprn(f" 000{uprn} ").uprn == uprn

    def test_by_uprn_unknown_is_not_found(self, lookup: AddressLookup) -> None:
        with pytest.raises(NotFound):
            lookup.by_uprn(_UNKNOWN_UPRN)

    @pytest.mark.parametrize("bad", _BAD_UPRNS, ids=repr)
    def test_by_uprn_malformed_is_a_validation_error(
        self, lookup: AddressLookup, bad: Any
    ) -> None:
        with pytest.raises(ValidationError):
            lookup.by_uprn(bad)

    # -- search -----------------------------------------------------------------

    @pytest.mark.parametrize(("text", "name"), _SEARCH_CASES, ids=[c[0] for c in _SEARCH_CASES])
    def test_search_puts_the_obvious_address_first(
        self, lookup: AddressLookup, records: dict[str, Address], text: str, name: str
    ) -> None:
        found = lookup.search(text)
        assert found, f"nothing found for {text!r}"
        assert found[0].uprn == records[name].uprn, (
            f"{text!r}: first was {found[0].address.single_line()!r}, "
            f"expected {records[name].single_line()!r}"
        )

    @pytest.mark.parametrize("limit", [1, 3, 5])
    def test_search_respects_limit(self, lookup: AddressLookup, limit: int) -> None:
        found = lookup.search("high street", limit=limit)
        assert 1 <= len(found) <= limit

    @pytest.mark.parametrize("text", ["high street", "mill", "flat", "10"])
    def test_search_results_are_well_formed(self, lookup: AddressLookup, text: str) -> None:
        found = lookup.search(text, limit=20)
        assert all(isinstance(m, Match) and isinstance(m.address, Address) for m in found)
        assert len({m.uprn for m in found}) == len(found), "a UPRN appears more than once"
        scores = [m.score for m in found]
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert scores == sorted(scores, reverse=True), "results are not best first"

    def test_search_postcode_restricts_results(
        self, lookup: AddressLookup, records: dict[str, Address]
    ) -> None:
        found = lookup.search("10 high street", postcode="ex99 9aa")
        assert [m.uprn for m in found][:1] == [records["cr_hs_10"].uprn]
        assert {_compact_postcode(m.address.postcode) for m in found} == {"EX999AA"}

    def test_search_invalid_postcode_is_a_validation_error(self, lookup: AddressLookup) -> None:
        with pytest.raises(ValidationError):
            lookup.search("10 high street", postcode="not a postcode")

    @pytest.mark.parametrize("text", ["", "   ", "!!!", ",,,", "-", "\n"])
    def test_search_without_words_is_empty(self, lookup: AddressLookup, text: str) -> None:
        assert lookup.search(text) == []

    @pytest.mark.parametrize("text", _HOSTILE, ids=lambda v: repr(v[:24]))
    def test_search_syntax_never_leaks_an_error(self, lookup: AddressLookup, text: str) -> None:
        for call in (lambda: lookup.search(text), lambda: lookup.match(text)):
            try:
                result = call()
            except ValidationError:
                continue
            assert result is None or isinstance(result, (list, Match))

    # -- match -------------------------------------------------------------------

    @pytest.mark.parametrize("name", _MATCH_CASES)
    def test_match_finds_clean_input(
        self, lookup: AddressLookup, records: dict[str, Address], name: str
    ) -> None:
        address = records[name]
        found = lookup.match(address.single_line(), threshold=self.match_threshold)
        assert found is not None, f"no match for {address.single_line()!r}"
        assert found.uprn == address.uprn

    @pytest.mark.parametrize("text", _NONSENSE)
    def test_match_gives_none_for_nonsense_or_ambiguity(
        self, lookup: AddressLookup, text: str
    ) -> None:
        assert lookup.match(text, threshold=self.match_threshold) is None

    def test_match_many_agrees_with_match(
        self, lookup: AddressLookup, records: dict[str, Address]
    ) -> None:
        rows = [records[n].single_line() for n in _MATCH_CASES] + list(_NONSENSE)
        expected = [lookup.match(r, threshold=self.match_threshold) for r in rows]
        got = list(lookup.match_many((r for r in rows), threshold=self.match_threshold))
        assert [m.uprn if m else None for m in got] == [m.uprn if m else None for m in expected]

    def test_match_many_streams(self, lookup: AddressLookup, records: dict[str, Address]) -> None:
        consumed = 0
        total = 100_000
        line = records["hs_10_flat_2"].single_line()

        def rows() -> Iterator[str]:
            nonlocal consumed
            for _ in range(total):
                consumed += 1
                yield line

        results = lookup.match_many(rows(), threshold=self.match_threshold)
        first = list(itertools.islice(results, 3))
        close = getattr(results, "close", None)
        if callable(close):
            close()
        assert [m.uprn if m else None for m in first] == [records["hs_10_flat_2"].uprn] * 3
        assert consumed < total, "match_many read every row before answering the first"

    def test_match_many_of_nothing_is_nothing(self, lookup: AddressLookup) -> None:
        assert list(lookup.match_many(iter(()), threshold=self.match_threshold)) == []
