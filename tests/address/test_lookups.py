"""Postcode and UPRN lookups, search and matching on real SQLite files."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from lgds_components.address import Address, AddressLookup, Gazetteer, Match
from lgds_components.errors import InvalidLength, MissingValue, NotFound, ValidationError


def test_gazetteer_is_an_address_lookup(small: Gazetteer) -> None:
    assert isinstance(small, AddressLookup)
    assert repr(small).startswith("Gazetteer(")


def test_by_postcode_normalises_and_orders_naturally(small: Gazetteer) -> None:
    found = small.by_postcode(" ex4-1aa ")
    assert all(isinstance(a, Address) for a in found)
    assert [a.single_line(postcode=False).replace(", Kelmouth", "") for a in found] == [
        "2 High Street",
        "2A High Street",
        "10 High Street",
        *[f"Flat {n}, 10 High Street" for n in range(1, 13)],
        "12 High Street",
        "Rose Court, 20 High Street",
        "2 Rose Court, 20 High Street",
        "Kelmouth Stores, 110-114 High Street",
        "Rose Cottage, High Street",
    ]
    postal = small.by_postcode("EX4 1AA", postal_only=True)
    assert 1001 not in {a.uprn for a in postal} and len(postal) == len(found) - 2


def test_by_postcode_edge_cases(small: Gazetteer) -> None:
    assert small.by_postcode("EX4 9ZZ") == []
    with pytest.raises(MissingValue):
        small.by_postcode("")
    with pytest.raises(ValidationError):
        small.by_postcode("QA1 1AA")
    with pytest.raises(ValidationError):
        small.by_postcode("x" * 100_000)
    with pytest.raises(ValidationError):
        small.by_postcode("EX4 1AA' OR 1=1 --")


def test_one_address_per_uprn_and_welsh_forms(small: Gazetteer) -> None:
    english = small.by_postcode("EX4 1AB")
    assert [a.street for a in english] == ["Mill Lane", "St Michael's Road"]
    welsh = small.by_postcode("EX4 1AB", language="cy")
    assert [a.street for a in welsh] == ["Lôn y Felin", "St Michael's Road"]
    assert small.by_uprn(1029).language == "en"
    assert small.by_uprn(1029, language="cy").town == "Aberkel"


def test_by_uprn(small: Gazetteer) -> None:
    flat = small.by_uprn("0001003")
    assert flat.lines() == ("Flat 2", "10 High Street", "Kelmouth", "EX4 1AA")
    assert (flat.parent_uprn, flat.usrn, flat.classification, flat.postal) == (
        1001,
        14200001,
        "RD06",
        True,
    )
    assert [a.uprn for a in small.children(1001)][:3] == [1002, 1003, 1004]
    with pytest.raises(NotFound) as caught:
        small.by_uprn(999)
    assert caught.value.provider == "gazetteer" and isinstance(caught.value, LookupError)
    for bad in ("", "12 34", "-5", "1" * 13, "١٢٣", 0, 1.5, None):
        with pytest.raises(ValidationError):
            small.by_uprn(bad)  # type: ignore[arg-type]


def uprns(matches: list[Match]) -> list[int]:
    return [m.uprn for m in matches]


@pytest.mark.parametrize(
    "typed",
    [
        "Flat 2, 10 High St",
        "flat 2 10 high street",
        "2/10 High Street",
        "10 High St flat 2",
        "FLAT 2, 10, HIGH-STREET, KELMOUTH",
        "apartment 2 10 high st ex4 1aa",
        "Flat 2 10 Hihg St",
        "flat 2, 10 high st, ex4",
        "Flat 2 10 High Streeet EX41AA",
    ],
)
def test_flat_forms_abbreviations_typos_and_postcodes_all_find_the_flat(
    small: Gazetteer, typed: str
) -> None:
    assert small.search(typed)[0].uprn == 1003
    found = small.match(typed)
    assert found is not None and found.uprn == 1003 and 0.8 <= found.score <= 1.0


def test_search_is_type_ahead(small: Gazetteer) -> None:
    assert small.search("") == [] and small.search("  ,. ") == []
    assert set(uprns(small.search("rose c"))[:3]) == {1024, 1025, 1026}
    assert 1023 in uprns(small.search("kelmouth stor"))
    assert uprns(small.search("st michaels rd"))[0] == 1030
    assert uprns(small.search("3 saint michael's road"))[0] == 1030
    assert uprns(small.search("112 high")) == [1023]  # inside the range 110-114
    assert uprns(small.search("2a high st"))[0] == 1021
    results = small.search("high st", limit=3)
    assert len(results) == 3 and [m.score for m in results] == sorted(
        (m.score for m in results), reverse=True
    )
    assert {m.address.postcode for m in small.search("high street", postcode="ex41ab")} <= {
        "EX4 1AB"
    }
    assert uprns(small.search("mill", postcode="EX4 1AB")) == [1029]
    assert uprns(small.search("lon y felin")) == [1029]  # the Welsh form
    assert small.search("lon y felin")[0].address.language == "cy"


def test_search_arguments_are_checked(small: Gazetteer) -> None:
    with pytest.raises(InvalidLength):
        small.search("x" * 100_000)
    for limit in (0, 101, -1, True, 2.5):
        with pytest.raises(ValidationError):
            small.search("high", limit=limit)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        small.search("high", postcode="nonsense")
    with pytest.raises(ValidationError):
        small.search(None)  # type: ignore[arg-type]


FTS_SYNTAX = [
    '"',
    '""',
    "'",
    'high"',
    "NEAR(high street)",
    "NEAR",
    "high NEAR street",
    "*",
    "high*",
    "* high",
    "AND",
    "OR",
    "NOT",
    "high AND street",
    "high OR low",
    "NOT high",
    "high NOT street",
    "(",
    ")",
    "(high",
    "high)",
    "((()))",
    "^high",
    "high:street",
    "body:high",
    "-high",
    "high - street",
    "{high street}",
    "high + street",
    "'; DROP TABLE address; --",
    "\x00",
    "\\",
    "%",
    "_",
    "high\u200bstreet",
    "\uff48\uff49\uff47\uff48 \uff53\uff54",
    "\u041dIGH STREET",
    "🏠 10 high st",
    "\ud800"[0:0] + "x",
    "10" * 140,
    "a " * 140,
    "!@#$%^&*()_+=[]{}|;:'\",.<>/?`~",
]


@pytest.mark.parametrize("typed", FTS_SYNTAX)
def test_sql_and_fts_syntax_is_just_text(small: Gazetteer, typed: str) -> None:
    results = small.search(typed)
    assert isinstance(results, list)
    assert small.match(typed) is None or isinstance(small.match(typed), Match)


def test_match_threshold_and_ambiguity(small: Gazetteer) -> None:
    assert small.match("10 high street, ex4 1aa").uprn == 1001  # the building itself
    assert small.match("flat 2 high street") is None  # which number?
    assert small.match("99 high street kelmouth") is None  # no such house
    assert small.match("") is None and small.match("   ") is None
    exact = small.match("1003")
    assert exact is None  # short numbers are house numbers, not UPRNs
    weak = small.match("10 high st", threshold=0.0)
    assert weak is not None and weak.uprn == 1001
    assert "typo" in small.match("2 Hihg St Kelmouth").reason  # type: ignore[union-attr]
    assert small.match("flat 2 10 high st ex4 1aa", threshold=0.99) is not None


def test_match_by_uprn(sample: Gazetteer) -> None:
    address = sample.sample_addresses(1, seed=5)[0]
    found = sample.match(str(address.uprn))
    assert found == Match(address, 1.0, "exact uprn")
    assert sample.search(f" {address.uprn} ")[0].reason == "exact uprn"


def test_match_many_streams(small: Gazetteer) -> None:
    consumed: list[str] = []

    def rows() -> Iterator[str]:
        for text in itertools.cycle(["flat 2 10 high st", "nowhere at all", "x" * 1000, 5]):
            consumed.append(text)  # type: ignore[arg-type]
            yield text  # type: ignore[misc]

    results = small.match_many(rows())
    first = next(results)
    assert first is not None and first.uprn == 1003
    assert len(consumed) == 1  # lazily: one row read per answer
    assert [next(results) for _ in range(3)] == [None, None, None]


def test_open_read_only_and_info(small: Gazetteer) -> None:
    with Gazetteer.open(small.path, readonly=True, threshold=0.9) as readonly:
        assert readonly.threshold == 0.9
        assert readonly.by_uprn(1003) == small.by_uprn(1003)
        assert readonly.info()["rows"] == small.info()["rows"]


@pytest.mark.parametrize(("statement", "parameters"), [
    ("BY_POSTCODE", ("EX41AA",)),
    ("APPROVED_AT_POSTCODE", ("EX41AA", "EX41AA")),
    ("BY_UPRN", (1020, "en")),
    ("CHILDREN", (1001,)),
])
def test_sqlite_lookups_use_an_index_not_a_scan(small: Gazetteer, statement: str,
                                                 parameters: tuple[object, ...]) -> None:
    """children() and the Welsh by_postcode() read the whole table before their indexes."""
    import sqlite3

    from lgds_components.address.stores import sqlite_schema

    text = getattr(sqlite_schema, statement)
    for sql in text if isinstance(text, tuple) else (text,):
        conn = sqlite3.connect(small.path)
        try:
            plan = " | ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}",
                                                               parameters))
        finally:
            conn.close()
        assert "SEARCH address USING" in plan and "SCAN" not in plan, plan
