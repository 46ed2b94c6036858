"""Test doubles for address lookups, and the records every provider is tested over.

What lives here:

* :class:`InMemoryAddressLookup`, an :class:`~lgds_components.address.AddressLookup`
  over a plain list of :class:`~lgds_components.address.Address` records,
  for the tests of services that look addresses up. It needs no file, no
  server and no network, and answers every question the real providers do,
  with the same errors.
* :func:`conformance_addresses`, the fixed synthetic records that the
  conformance suite (:mod:`lgds_components.testing.address_conformance`) and
  the local OS Places server use.

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

This module does not need pytest. ``AddressLookupConformance`` is still
importable from here (it lives in
:mod:`~lgds_components.testing.address_conformance`, which imports pytest
when first used).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from lgds_components.address.arguments import MAX_QUERY_LENGTH, check_limit, check_text
from lgds_components.address.match import Match
from lgds_components.address.model import Address, natural_key
from lgds_components.address.text import FLAT_WORDS, long_forms, tokens
from lgds_components.errors import NotFound, ValidationError
from lgds_components.identifiers import postcode as postcodes
from lgds_components.identifiers import uprn as uprns

if TYPE_CHECKING:
    from lgds_components.testing.address_conformance import (
        AddressLookupConformance as AddressLookupConformance,
    )

__all__ = [
    "MAX_QUERY_LENGTH",
    "InMemoryAddressLookup",
    "SimpleIndex",
    "check_limit",
    "check_text",
    "conformance_addresses",
    "conformance_records",
]


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
            at_end = _OUTWARD_AT_END.search(text)
            if at_end and at_end.group(1).upper() in self._by_outward:
                outward = at_end.group(1).upper()
                text = text[: at_end.start()]
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


def __getattr__(name: str) -> Any:
    # the suite needs pytest: imported only when asked for by its old name
    if name == "AddressLookupConformance":
        from lgds_components.testing.address_conformance import AddressLookupConformance

        return AddressLookupConformance
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
