"""A conformance suite every :class:`~lgds_components.address.AddressLookup` passes.

Like the compliance suite SQLAlchemy ships for its dialects, the suite is a
class of tests you import into your own test module. Subclass it (the
subclass name must start with ``Test`` so pytest collects it) and say how to
build your provider over the suite's records::

    # tests/test_my_lookup.py
    from lgds_components.testing.address_conformance import AddressLookupConformance

    class TestMyLookupConformance(AddressLookupConformance):
        def make_lookup(self, addresses, tmp_path):
            return MyLookup.build(addresses, tmp_path / "index")

``addresses`` is :func:`~lgds_components.testing.address.conformance_addresses`:
a small, fixed, synthetic set with flats, named buildings, number ranges and
suffixes, organisations, Welsh-language alternates and shared postcodes.
``tmp_path`` is a fresh directory for any file you need. If the object you
return has ``close()``, it is called when the class's tests are done.
Provider-specific knobs are class attributes (``match_threshold``). Build the
provider once per class: the fixture is class-scoped. Add your own provider's
tests alongside.

The cases the suite runs are public (:data:`SEARCH_CASES`, :data:`HOSTILE`,
...), so a provider's own tests can compare two providers on the same inputs.
This module needs pytest; :mod:`lgds_components.testing.address` (the
records and the in-memory lookup) does not.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from lgds_components.address.match import Match
from lgds_components.address.model import Address, natural_key
from lgds_components.address.protocol import AddressLookup
from lgds_components.errors import NotFound, ValidationError
from lgds_components.identifiers import postcode as postcodes
from lgds_components.testing.address import conformance_addresses, conformance_records

__all__ = [
    "BAD_POSTCODES",
    "BAD_UPRNS",
    "HOSTILE",
    "MATCH_CASES",
    "NONSENSE",
    "ORDER_CHECKS",
    "POSTCODE_SETS",
    "SEARCH_CASES",
    "UNKNOWN_POSTCODE",
    "UNKNOWN_UPRN",
    "AddressLookupConformance",
]

#: A valid postcode with no address in the suite's records.
UNKNOWN_POSTCODE = "EX99 8ZZ"
#: A valid UPRN that is not in the suite's records.
UNKNOWN_UPRN = 100000000999

#: Each postcode and the records (by name) found there.
POSTCODE_SETS: dict[str, tuple[str, ...]] = {
    "EX99 1AA": ("hs_1", "hs_2", "hs_2a", "hs_10", "hs_10_flat_1", "hs_10_flat_2",
                 "hs_10_flat_10", "hs_110"),
    "EX99 1AB": ("ml_7_9", "ml_12", "ml_12a", "rc", "rc_1", "rc_2", "vh_gff"),
    "EX99 9AA": ("cr_hs_10",),
    "SA99 1AA": ("w_1", "w_ty_gwyn", "w_3"),
}

#: Records (by name) that ``by_postcode`` gives in this order.
ORDER_CHECKS: tuple[tuple[str, ...], ...] = (
    ("hs_1", "hs_2", "hs_2a", "hs_10", "hs_110"),
    ("hs_10_flat_1", "hs_10_flat_2", "hs_10_flat_10"),
    ("ml_12", "ml_12a"),
    ("rc_1", "rc_2"),
)

#: Text as residents type it, and the record ``search`` must put first.
SEARCH_CASES: tuple[tuple[str, str], ...] = (
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

#: Records whose own single line ``match`` must find.
MATCH_CASES: tuple[str, ...] = (
    "hs_10_flat_2", "hs_10_flat_10", "hs_2a", "hs_110", "ml_12a", "rc_2", "vh_gff",
    "cr_hs_10", "w_1", "w_1_cy",
)

#: Text that ``match`` must answer with ``None``.
NONSENSE: tuple[str, ...] = ("qwerty uiop", "99 Nowhere Road, Atlantis", "zzzz", "high street")

#: SQL, full-text-search syntax and odd characters: results or ValidationError only.
HOSTILE: tuple[str, ...] = (
    '"', "'", '""', "''", "high street\"", 'NEAR(high street)', "NEAR/2", "high* AND street",
    "high OR street", "NOT high", "high -street", "(((", ")))", "{high}", "[10]", "*", "^high",
    "high:street", "street:high", "10 high st; DROP TABLE address;--", "' OR '1'='1",
    '" OR 1=1 --', "%", "_", "\\", "\x00", "high\x00street", "\u202e10 high st",
    "\uff28\uff29\uff27\uff28 \uff33\uff34\uff32\uff25\uff25\uff34",  # fullwidth letters
    "h\u0456gh street",  # a Cyrillic i
    "🏠 10 high st", "x" * 100_000, "10 " * 200, "\n\t\r",
)

#: Postcodes every lookup refuses with ValidationError.
BAD_POSTCODES: tuple[str, ...] = ("", "   ", "not a postcode", "QA1 1AA", "EX99", "x" * 100_000)
#: UPRNs every lookup refuses with ValidationError.
BAD_UPRNS: tuple[object, ...] = ("", "abc", "-1", "1.5", 0, "1234567890123", "\uff11\uff12x")


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

    @pytest.mark.parametrize("postcode", sorted(POSTCODE_SETS))
    def test_by_postcode_returns_exactly_the_addresses_there(
        self, lookup: AddressLookup, records: dict[str, Address], postcode: str
    ) -> None:
        found = lookup.by_postcode(postcode)
        uprns_found = [a.uprn for a in found]
        assert len(uprns_found) == len(set(uprns_found)), "a UPRN appears more than once"
        assert set(uprns_found) == {records[n].uprn for n in POSTCODE_SETS[postcode]}
        assert all(isinstance(a, Address) for a in found)
        assert {postcodes.compact(a.postcode) for a in found} == {postcodes.compact(postcode)}

    @pytest.mark.parametrize("postcode", sorted(POSTCODE_SETS))
    def test_by_postcode_is_in_natural_order(self, lookup: AddressLookup, postcode: str) -> None:
        found = lookup.by_postcode(postcode)
        assert [a.uprn for a in found] == [a.uprn for a in sorted(found, key=natural_key)]

    @pytest.mark.parametrize("names", ORDER_CHECKS, ids=lambda names: "<".join(names))
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
        assert lookup.by_postcode(UNKNOWN_POSTCODE) == []

    @pytest.mark.parametrize("bad", BAD_POSTCODES, ids=lambda v: repr(v[:20]))
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
            assert postcodes.compact(found.postcode) == postcodes.compact(address.postcode)

    def test_by_uprn_accepts_text(self, lookup: AddressLookup, records: dict[str, Address]) -> None:
        uprn = records["hs_10_flat_2"].uprn
        assert lookup.by_uprn(f" 000{uprn} ").uprn == uprn

    def test_by_uprn_unknown_is_not_found(self, lookup: AddressLookup) -> None:
        with pytest.raises(NotFound):
            lookup.by_uprn(UNKNOWN_UPRN)

    @pytest.mark.parametrize("bad", BAD_UPRNS, ids=repr)
    def test_by_uprn_malformed_is_a_validation_error(
        self, lookup: AddressLookup, bad: Any
    ) -> None:
        with pytest.raises(ValidationError):
            lookup.by_uprn(bad)

    # -- search -----------------------------------------------------------------

    @pytest.mark.parametrize(("text", "name"), SEARCH_CASES, ids=[c[0] for c in SEARCH_CASES])
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
        assert {postcodes.compact(m.address.postcode) for m in found} == {"EX999AA"}

    def test_search_invalid_postcode_is_a_validation_error(self, lookup: AddressLookup) -> None:
        with pytest.raises(ValidationError):
            lookup.search("10 high street", postcode="not a postcode")

    @pytest.mark.parametrize("text", ["", "   ", "!!!", ",,,", "-", "\n"])
    def test_search_without_words_is_empty(self, lookup: AddressLookup, text: str) -> None:
        assert lookup.search(text) == []

    @pytest.mark.parametrize("text", HOSTILE, ids=lambda v: repr(v[:24]))
    def test_search_syntax_never_leaks_an_error(self, lookup: AddressLookup, text: str) -> None:
        for call in (lambda: lookup.search(text), lambda: lookup.match(text)):
            try:
                result = call()
            except ValidationError:
                continue
            assert result is None or isinstance(result, (list, Match))

    # -- match -------------------------------------------------------------------

    @pytest.mark.parametrize("name", MATCH_CASES)
    def test_match_finds_clean_input(
        self, lookup: AddressLookup, records: dict[str, Address], name: str
    ) -> None:
        address = records[name]
        found = lookup.match(address.single_line(), threshold=self.match_threshold)
        assert found is not None, f"no match for {address.single_line()!r}"
        assert found.uprn == address.uprn

    @pytest.mark.parametrize("text", NONSENSE)
    def test_match_gives_none_for_nonsense_or_ambiguity(
        self, lookup: AddressLookup, text: str
    ) -> None:
        assert lookup.match(text, threshold=self.match_threshold) is None

    def test_match_many_agrees_with_match(
        self, lookup: AddressLookup, records: dict[str, Address]
    ) -> None:
        rows = [records[n].single_line() for n in MATCH_CASES] + list(NONSENSE)
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
