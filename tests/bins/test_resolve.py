"""Postcode and house number to UPRN, through any object with by_postcode()."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgds_components.bins.resolve import resolve_uprn
from lgds_components.errors import (
    InvalidComponent,
    InvalidFormat,
    MissingValue,
    NotFound,
    ValidationError,
)


@attrs.frozen
class StandIn:
    """The least an address needs: uprn, lines() and single_line()."""

    uprn: int
    parts: tuple[str, ...]

    def lines(self) -> tuple[str, ...]:
        return self.parts

    def single_line(self) -> str:
        return ", ".join(self.parts)


@attrs.frozen
class Rich(StandIn):
    """Like the address component's Address, with PAO/SAO fields."""

    pao_numbers: str = ""
    pao_text: str = ""
    sao: str = ""


class Lookup:
    def __init__(self, addresses: Sequence[StandIn]) -> None:
        self.addresses = list(addresses)
        self.asked: list[str] = []

    def by_postcode(self, postcode: str) -> list[StandIn]:
        self.asked.append(postcode)
        if not postcode.strip():
            raise InvalidFormat("Enter a full UK postcode", field="postcode")
        return self.addresses if postcode.replace(" ", "").upper() == "EX41AA" else []


STREET = Lookup([
    StandIn(1, ("2 Mill Lane", "Exeter", "EX4 1AA")),
    StandIn(2, ("2A Mill Lane", "Exeter", "EX4 1AA")),
    StandIn(3, ("Rose Cottage", "Mill Lane", "Exeter", "EX4 1AA")),
    StandIn(4, ("Flat 1", "10 Mill Lane", "Exeter", "EX4 1AA")),
    StandIn(5, ("Flat 2", "10 Mill Lane", "Exeter", "EX4 1AA")),
    StandIn(6, ("The Old Forge, 12 Mill Lane", "Exeter", "EX4 1AA")),
    StandIn(7, ("100 Mill Lane", "Exeter", "EX4 1AA")),
    StandIn(8, ("Flat 1", "Rose Court", "Exeter", "EX4 1AA")),
])


@pytest.mark.parametrize(("house", "uprn"), [
    ("2", 1), ("2a", 2), ("2A", 2), (" rose  cottage ", 3), ("Rose Cottage.", 3),
    ("Flat 2, 10", 5), ("flat 2 10 mill lane", 5), ("100", 7), ("12", 6),
    ("The Old Forge", 6), ("ROSE COURT", 8), ("１００", 7),
])
def test_matches(house: str, uprn: int) -> None:
    assert resolve_uprn(STREET, "EX4 1AA", house) == uprn


def test_ambiguous_lists_the_candidates() -> None:
    with pytest.raises(InvalidComponent) as caught:
        resolve_uprn(STREET, "ex4 1aa", "10")
    assert caught.value.field == "house"
    assert "Flat 1, 10 Mill Lane" in caught.value.message
    assert "Flat 2, 10 Mill Lane" in caught.value.message
    with pytest.raises(InvalidComponent, match="Rose Court"):
        resolve_uprn(STREET, "EX4 1AA", "Flat 1")


def test_no_match_lists_what_is_there() -> None:
    with pytest.raises(NotFound, match="2 Mill Lane"):
        resolve_uprn(STREET, "EX4 1AA", "99")
    with pytest.raises(NotFound, match="no addresses"):
        resolve_uprn(STREET, "SW1A 1AA", "2")


def test_bad_input() -> None:
    with pytest.raises(MissingValue):
        resolve_uprn(STREET, "EX4 1AA", "   ")
    with pytest.raises(InvalidComponent):
        resolve_uprn(STREET, "EX4 1AA", "9" * 100_000)
    with pytest.raises(InvalidFormat):
        resolve_uprn(STREET, "", "2")


def test_pao_fields_are_used_when_present() -> None:
    lookup = Lookup([
        Rich(11, ("Flat 1", "Victoria House", "4 High Street", "EX4 1AA"), pao_numbers="4",
             pao_text="Victoria House", sao="Flat 1"),
        Rich(12, ("4A High Street", "EX4 1AA"), pao_numbers="4A"),
        Rich(13, ("4 High Street", "EX4 1AA"), pao_numbers="4"),
    ])
    assert resolve_uprn(lookup, "EX4 1AA", "4") == 13  # the whole building beats a flat in it
    assert resolve_uprn(lookup, "EX4 1AA", "4a") == 12


def test_welsh_alternates_with_the_same_uprn_are_one_property() -> None:
    lookup = Lookup([StandIn(21, ("3 Heol y Felin", "EX4 1AA")),
                     StandIn(21, ("3 Mill Road", "EX4 1AA"))])
    assert resolve_uprn(lookup, "EX4 1AA", "3") == 21


@settings(max_examples=100)
@given(st.text(max_size=60))
def test_any_house_text_raises_only_library_errors(house: str) -> None:
    try:
        assert resolve_uprn(STREET, "EX4 1AA", house) in range(1, 9)
    except (ValidationError, NotFound):
        pass
