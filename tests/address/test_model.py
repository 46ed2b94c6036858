"""Address rendering (Royal Mail PAF rules, BS 7666) and natural order."""

from __future__ import annotations

import random

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.address import Address, Match, natural_key
from lgds_components.address.model import format_numbers, is_number_like, natural_text_key

TOWN = {"town": "Kelmouth", "postcode": "EX4 1AA"}

PAF_CASES = [
    # building number only
    (dict(pao_start_number=1, street="Acacia Avenue"), ("1 Acacia Avenue",)),
    # building name only
    (dict(pao_text="The Manor", street="Upper Hill"), ("The Manor", "Upper Hill")),
    # building-name exception rule: number-like names join the street line
    (dict(pao_text="1A", street="Upper Hill"), ("1A Upper Hill",)),
    (dict(pao_text="12-14", street="High Street"), ("12-14 High Street",)),
    (dict(pao_text="B", street="High Street"), ("B High Street",)),
    # number and name
    (
        dict(pao_text="Victoria House", pao_start_number=15, street="The Street"),
        ("Victoria House", "15 The Street"),
    ),
    # sub-building and number
    (
        dict(sao_text="Flat 1", pao_start_number=12, street="Saltash Road"),
        ("Flat 1", "12 Saltash Road"),
    ),
    # sub-building and name
    (
        dict(sao_text="Stables Flat", pao_text="The Manor", street="Upper Hill"),
        ("Stables Flat", "The Manor", "Upper Hill"),
    ),
    # number-like sub-building joins the building name
    (
        dict(
            sao_start_number=10,
            sao_start_suffix="B",
            pao_text="Barry Jackson Tower",
            street="Estone Walk",
        ),
        ("10B Barry Jackson Tower", "Estone Walk"),
    ),
    # sub-building, name and number
    (
        dict(
            sao_text="Flat 1", pao_text="Victoria House", pao_start_number=15, street="The Street"
        ),
        ("Flat 1", "Victoria House", "15 The Street"),
    ),
    # sub-building with a number-like building name
    (
        dict(sao_text="Caretakers Flat", pao_text="110-114", street="High Street"),
        ("Caretakers Flat", "110-114 High Street"),
    ),
    # number ranges and suffixes from structured fields
    (
        dict(pao_start_number=110, pao_end_number=114, street="High Street"),
        ("110-114 High Street",),
    ),
    (dict(pao_start_number=12, pao_start_suffix="a", street="High Street"), ("12A High Street",)),
    (
        dict(
            pao_start_number=1,
            pao_start_suffix="A",
            pao_end_number=1,
            pao_end_suffix="C",
            street="High Street",
        ),
        ("1A-1C High Street",),
    ),
    # organisation first
    (
        dict(organisation="Kelmouth Stores", pao_start_number=3, street="High Street"),
        ("Kelmouth Stores", "3 High Street"),
    ),
    # numeric sub-building with a numbered building and no name: its own line
    (dict(sao_start_number=2, pao_start_number=10, street="High Street"), ("2", "10 High Street")),
    # no street (a rural property known by name and locality)
    (dict(pao_text="Rose Cottage", locality="Little Kel"), ("Rose Cottage", "Little Kel")),
]


@pytest.mark.parametrize(("fields", "expected"), PAF_CASES)
def test_lines_follow_paf_rules(fields: dict[str, object], expected: tuple[str, ...]) -> None:
    address = Address(uprn=1, **fields, **TOWN)  # type: ignore[arg-type]
    assert address.lines() == (*expected, "Kelmouth", "EX4 1AA")
    assert address.lines(postcode=False) == (*expected, "Kelmouth")
    assert address.single_line() == ", ".join((*expected, "Kelmouth", "EX4 1AA"))
    assert str(address) == address.single_line()


BS7666_CASES = [
    (
        dict(sao_text="Flat 2", pao_start_number=10, street="High Street"),
        ("Flat 2", "10 High Street"),
    ),
    (
        dict(sao_start_number=2, pao_text="Rose Court", pao_start_number=20, street="High Street"),
        ("2 Rose Court", "20 High Street"),
    ),
    (
        dict(sao_start_number=1, sao_end_number=3, pao_start_number=20, street="High Street"),
        ("1-3", "20 High Street"),
    ),
    (
        dict(
            organisation="Kelmouth Stores",
            pao_start_number=110,
            pao_end_number=114,
            street="High Street",
        ),
        ("Kelmouth Stores", "110-114 High Street"),
    ),
    (
        dict(sao_text="Basement", sao_start_number=2, pao_text="Mill House", street="Mill Lane"),
        ("Basement", "2 Mill House", "Mill Lane"),
    ),
]


@pytest.mark.parametrize(("fields", "expected"), BS7666_CASES)
def test_bs7666_lines(fields: dict[str, object], expected: tuple[str, ...]) -> None:
    address = Address(uprn=1, **fields, **TOWN)  # type: ignore[arg-type]
    assert address.bs7666_lines() == (*expected, "Kelmouth", "EX4 1AA")


def test_fields_are_converted_and_frozen() -> None:
    address = Address(
        uprn="00123",
        pao_start_number="10",
        sao_start_suffix="a",
        language="CYM",
        easting="1.5",
        street=" High St ",
        parent_uprn="",
        usrn=None,
    )
    assert (address.uprn, address.pao_start_number, address.sao_start_suffix) == (123, 10, "A")
    assert (address.language, address.easting, address.street) == ("cy", 1.5, "High St")
    assert address.parent_uprn is None and address.usrn is None
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        address.uprn = 5  # type: ignore[misc]
    assert address.evolve(uprn=7).uprn == 7
    assert Address.__slots__  # slotted


def test_match_score_must_be_between_zero_and_one() -> None:
    address = Address(uprn=1)
    assert Match(address, 1, "exact uprn").score == 1.0
    with pytest.raises(ValueError):
        Match(address, 1.5, "too sure")


def test_number_helpers() -> None:
    assert format_numbers(2, "", 2, "") == "2"
    assert format_numbers(2, "a", 4, "b") == "2A-4B"
    assert is_number_like(" 12 - 14 ") and not is_number_like("12 High") and not is_number_like("")


@pytest.mark.parametrize("name", ["1TO1", "100:1", "1to1", "12A", "110-114", "1A-1C", "B"])
def test_paf_exception_names_go_on_the_thoroughfare_line(name: str) -> None:
    """Royal Mail's PAF rule: a building name whose first and last characters are
    digits (or first and last-but-one digits and last a letter, or one character)
    is printed with the street, as 12A is."""
    house = Address(uprn=1, pao_text=name, street="High Street", town="Exeter",
                    postcode="EX4 1AA")
    assert house.lines() == (f"{name} High Street", "Exeter", "EX4 1AA")
    flat = Address(uprn=2, sao_text="Flat 1", pao_text=name, street="High Street")
    assert flat.lines(postcode=False) == ("Flat 1", f"{name} High Street")


@pytest.mark.parametrize("name", ["10 Sellon Court", "Victoria House", "1st Floor", "A1 House",
                                  "Unit 1"])
def test_other_building_names_keep_their_own_line(name: str) -> None:
    house = Address(uprn=1, pao_text=name, street="High Street", town="Exeter")
    assert house.lines() == (name, "High Street", "Exeter")


def street(*specs: tuple[object, ...]) -> list[Address]:
    return [
        Address(uprn=i + 1, pao_start_number=n, pao_start_suffix=s, sao_text=t, street="Mill Lane")
        for i, (n, s, t) in enumerate(specs)
    ]


def test_natural_order_numbers_suffixes_flats_and_names() -> None:
    expected = street(
        (2, "", ""),
        (2, "A", ""),
        (2, "B", ""),
        (10, "", ""),
        (10, "", "Flat 1"),
        (10, "", "Flat 2"),
        (10, "", "Flat 10"),
        (101, "", ""),
        (None, "", ""),
    )
    named = Address(uprn=99, pao_text="Rose Cottage", street="Mill Lane")
    expected[-1] = named
    shuffled = expected[:]
    random.Random(3).shuffle(shuffled)
    assert sorted(shuffled, key=natural_key) == expected


def test_floors_sort_in_building_order() -> None:
    names = [
        "Top Floor Flat",
        "First Floor Flat",
        "Basement Flat",
        "Ground Floor Flat",
        "Second Floor Flat",
    ]
    flats = [
        Address(uprn=i + 1, sao_text=n, pao_start_number=4, street="X") for i, n in enumerate(names)
    ]
    assert [a.sao_text for a in sorted(flats, key=natural_key)] == [
        "Basement Flat",
        "Ground Floor Flat",
        "First Floor Flat",
        "Second Floor Flat",
        "Top Floor Flat",
    ]


def test_shorter_street_name_sorts_first() -> None:
    east = Address(uprn=1, pao_start_number=1, street="Mill Lane East")
    plain = Address(uprn=2, pao_start_number=9, street="Mill Lane")
    assert sorted([east, plain], key=natural_key) == [plain, east]


@given(
    st.lists(st.tuples(st.integers(0, 99999), st.sampled_from(["", "A", "B", "Z"])), max_size=30)
)
def test_sort_key_orders_numbers_then_suffixes(pairs: list[tuple[int, str]]) -> None:
    addresses = [
        Address(uprn=i + 1, pao_start_number=n, pao_start_suffix=s, street="X")
        for i, (n, s) in enumerate(pairs)
    ]
    ordered = sorted(addresses, key=natural_key)
    assert [(a.pao_start_number, a.pao_start_suffix) for a in ordered] == sorted(pairs)


@given(st.text(max_size=60), st.text(max_size=60))
def test_natural_text_key_is_total_and_case_blind(a: str, b: str) -> None:
    assert isinstance(natural_text_key(a), str)
    assert natural_text_key(a.casefold()) == natural_text_key(a)
    assert natural_text_key(f"Flat {len(a)}") < natural_text_key(f"Flat {len(a) + 10}")
