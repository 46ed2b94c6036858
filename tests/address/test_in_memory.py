"""InMemoryAddressLookup and SimpleIndex beyond what the conformance suite checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgds_components.address import Address
from lgds_components.errors import NotFound, ValidationError
from lgds_components.testing.address import (
    InMemoryAddressLookup,
    SimpleIndex,
    conformance_addresses,
    conformance_records,
)

RECORDS = conformance_records()
LOOKUP = InMemoryAddressLookup(conformance_addresses())


def test_counts_and_repr() -> None:
    assert len(LOOKUP) == 19
    assert repr(LOOKUP) == "<InMemoryAddressLookup addresses=22>"


def test_welsh_forms_on_request() -> None:
    assert [a.language for a in LOOKUP.by_postcode("SA99 1AA")] == ["en"] * 3
    welsh = LOOKUP.by_postcode("SA99 1AA", language="cy")
    assert [a.street for a in welsh] == ["Heol y Felin"] * 3
    assert LOOKUP.by_uprn(RECORDS["w_1"].uprn, language="cy") == RECORDS["w_1_cy"]


def test_approved_records_win_over_historical_ones() -> None:
    old = RECORDS["hs_1"].evolve(street="Old High Street", logical_status=8)
    lookup = InMemoryAddressLookup([old, RECORDS["hs_1"]])
    assert lookup.by_uprn(RECORDS["hs_1"].uprn).street == "High Street"
    assert len(lookup.by_postcode("EX99 1AA")) == 1


def test_not_found_names_the_provider() -> None:
    lookup = InMemoryAddressLookup([], provider="test-fixture")
    with pytest.raises(NotFound) as caught:
        lookup.by_uprn(1)
    assert caught.value.provider == "test-fixture"
    assert lookup.by_postcode("EX99 1AA") == []
    assert lookup.search("high street") == []


def test_postcode_alone() -> None:
    found = LOOKUP.search("ex99 9aa")
    assert [(m.uprn, m.score) for m in found] == [(RECORDS["cr_hs_10"].uprn, 0.5)]
    assert [m.uprn for m in LOOKUP.search("", postcode="EX99 9AA")] == [RECORDS["cr_hs_10"].uprn]


def test_a_wrong_postcode_lowers_the_score() -> None:
    right = LOOKUP.search("2 rose court ex99 1ab")[0]
    wrong = LOOKUP.search("2 rose court ex99 9aa")[0]
    assert right.uprn == wrong.uprn == RECORDS["rc_2"].uprn
    assert wrong.score < right.score


def test_threshold() -> None:
    assert LOOKUP.match("rose court") is None
    assert LOOKUP.match("rose court", threshold=0.1) is not None
    strict = InMemoryAddressLookup(conformance_addresses(), threshold=1.0)
    assert strict.match("12a mill") is None
    assert strict.match("12a mill lane, exeter, ex99 1ab") is not None


def test_simple_index_scores() -> None:
    index = SimpleIndex(conformance_addresses())
    flat = RECORDS["hs_10_flat_2"]
    assert index.score(flat.single_line(), flat) == 1.0
    assert index.score("qwerty", flat) == 0.0
    assert 0 < index.score("10 high st", flat) < index.score("2/10 high st", flat)
    assert index.score("flat 2 10 hihg street", flat) < 1.0  # a typo costs a little
    ranked = index.ranked("high street", postcode="EX99 9AA")
    assert [a.uprn for _, a in ranked] == [RECORDS["cr_hs_10"].uprn]


@settings(max_examples=150)
@given(st.text(max_size=80))
def test_any_text_gives_matches_or_a_validation_error(text: str) -> None:
    try:
        found = LOOKUP.search(text, limit=5)
    except ValidationError:
        return
    assert len(found) <= 5
    assert all(0.0 <= m.score <= 1.0 for m in found)
    assert LOOKUP.match(text) is None or LOOKUP.match(text) == found[0]


@settings(max_examples=60)
@given(
    st.lists(st.sampled_from(conformance_addresses()), max_size=8),
    st.sampled_from([a.single_line() for a in conformance_addresses()]),
)
def test_index_scores_stay_between_0_and_1(addresses: list[Address], text: str) -> None:
    index = SimpleIndex(addresses)
    for score, _ in index.ranked(text):
        assert 0.0 < score <= 1.0
