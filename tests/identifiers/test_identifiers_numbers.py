"""Examples and properties for lgds_components.identifiers.uprn and .usrn."""

from __future__ import annotations

import enum
from types import ModuleType

import pytest
from hypothesis import given

from lgds_components.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    MissingValue,
    ValidationError,
)
from lgds_components.identifiers import uprn, usrn
from lgds_components.testing.strategies import typed_uprns, typed_usrns, uprns, usrns


def wide(text: str) -> str:
    """Fullwidth forms of ``text`` (U+FF01..U+FF5E, spaces as U+3000), as East Asian
    input methods type them."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text
    )


UPRN_ACCEPTED: list[tuple[object, int]] = [
    ("1", 1),
    ("100023336956", 100023336956),
    (" 100023336956 ", 100023336956),
    ("000100023336956", 100023336956),
    ("999999999999", 999_999_999_999),
    ("00000000000000000000999999999999", 999_999_999_999),  # 32 characters
    ("\t42\n", 42),
    ("\u00a042\u200b", 42),
    (wide("123"), 123),  # fullwidth digits are read as ASCII
    (100023336956, 100023336956),
    (1, 1),
    (999_999_999_999, 999_999_999_999),
]

UPRN_REFUSED: list[tuple[object, type[ValidationError], str, str]] = [
    ("", MissingValue, "Enter a UPRN", "missing"),
    ("   ", MissingValue, "Enter a UPRN", "missing"),
    ("0", InvalidComponent, "UPRN must be between 1 and 999999999999", "invalid_component"),
    ("000000", InvalidComponent, "UPRN must be between 1 and 999999999999", "invalid_component"),
    (0, InvalidComponent, "UPRN must be between 1 and 999999999999", "invalid_component"),
    (-1, InvalidComponent, "UPRN must be between 1 and 999999999999", "invalid_component"),
    ("1000000000000", InvalidLength, "UPRN must be 12 digits or fewer", "invalid_length"),
    (10**12, InvalidLength, "UPRN must be 12 digits or fewer", "invalid_length"),
    (10**40, InvalidLength, "UPRN must be 12 digits or fewer", "invalid_length"),
    ("0" * 33, InvalidLength, "UPRN must be 12 digits or fewer", "invalid_length"),
    ("+1", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("-1", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("1.0", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("1e5", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("1_000", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("1,000", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("1 000", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("0x1F", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("12\x00", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("\u0661\u0662\u0663", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("\u0967\u0968", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("\u00b9\u00b2", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("\U0001d7cf", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    ("\u2460", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    (wide("12.0"), InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    (True, InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    (False, InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    (12.0, InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    (None, InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
    (b"12", InvalidFormat, "Enter a UPRN using numbers only", "invalid_format"),
]

USRN_ACCEPTED: list[tuple[object, int]] = [
    ("1", 1),
    ("12345678", 12345678),
    (" 00012345 ", 12345),
    ("99999999", 99_999_999),
    (99_999_999, 99_999_999),
    (wide("0012"), 12),
]

USRN_REFUSED: list[tuple[object, type[ValidationError], str, str]] = [
    ("", MissingValue, "Enter a USRN", "missing"),
    ("0", InvalidComponent, "USRN must be between 1 and 99999999", "invalid_component"),
    (-5, InvalidComponent, "USRN must be between 1 and 99999999", "invalid_component"),
    ("100000000", InvalidLength, "USRN must be 8 digits or fewer", "invalid_length"),
    (100_000_000, InvalidLength, "USRN must be 8 digits or fewer", "invalid_length"),
    ("12.5", InvalidFormat, "Enter a USRN using numbers only", "invalid_format"),
    ("-12", InvalidFormat, "Enter a USRN using numbers only", "invalid_format"),
    ("1e3", InvalidFormat, "Enter a USRN using numbers only", "invalid_format"),
    ("\u0661", InvalidFormat, "Enter a USRN using numbers only", "invalid_format"),
    (True, InvalidFormat, "Enter a USRN using numbers only", "invalid_format"),
    (1.0, InvalidFormat, "Enter a USRN using numbers only", "invalid_format"),
]

CASES = [
    *[(uprn, typed, expected) for typed, expected in UPRN_ACCEPTED],
    *[(usrn, typed, expected) for typed, expected in USRN_ACCEPTED],
]
REFUSALS = [
    *[(uprn, *row) for row in UPRN_REFUSED],
    *[(usrn, *row) for row in USRN_REFUSED],
]


@pytest.mark.parametrize(("module", "typed", "expected"), CASES)
def test_accepted(module: ModuleType, typed: object, expected: int) -> None:
    result = module.validate(typed)
    assert result == expected
    assert type(result) is int
    assert module.format(typed) == str(expected)
    assert module.is_valid(typed) is True


@pytest.mark.parametrize(("module", "typed", "error", "message", "code"), REFUSALS)
def test_refused(
    module: ModuleType, typed: object, error: type[ValidationError], message: str, code: str
) -> None:
    with pytest.raises(error) as caught:
        module.validate(typed)
    assert type(caught.value) is error
    assert (caught.value.message, caught.value.code) == (message, code)
    assert module.is_valid(typed) is False
    with pytest.raises(error):
        module.format(typed)


def test_int_subclasses_give_a_plain_int() -> None:
    class Ref(enum.IntEnum):
        TOWN_HALL = 100023336956

    assert type(uprn.validate(Ref.TOWN_HALL)) is int
    assert uprn.format(Ref.TOWN_HALL) == "100023336956"


def test_huge_ints_are_refused_quickly() -> None:
    # str() of an int this size raises ValueError; the validator never converts it
    with pytest.raises(InvalidLength):
        uprn.validate(10**5000)
    with pytest.raises(InvalidComponent):
        usrn.validate(-(10**5000))
    assert uprn.is_valid(10**5000) is False


def test_compact() -> None:
    assert uprn.compact(" 0001234 ") == "0001234"
    assert uprn.compact(wide("12")) == "12"
    assert uprn.compact("1.5") == "1.5"  # not checked
    assert uprn.compact(1234) == "1234"
    assert usrn.compact(" 7 ") == "7"
    with pytest.raises(InvalidFormat):
        uprn.compact(True)
    with pytest.raises(InvalidFormat):
        usrn.compact(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidLength):
        uprn.compact(10**13)


def test_maximum() -> None:
    assert uprn.MAXIMUM == 999_999_999_999
    assert usrn.MAXIMUM == 99_999_999


@given(uprns())
def test_uprn_round_trips(value: int) -> None:
    assert uprn.validate(value) == value
    assert uprn.validate(uprn.format(value)) == value
    assert uprn.validate(uprn.compact(value)) == value


@given(usrns())
def test_usrn_round_trips(value: int) -> None:
    assert usrn.validate(value) == value
    assert usrn.validate(usrn.format(value)) == value


@given(uprns().flatmap(lambda n: typed_uprns(n).map(lambda typed: (n, typed))))
def test_uprn_messy_input(pair: tuple[int, str | int]) -> None:
    canonical, typed = pair
    assert uprn.validate(typed) == canonical


@given(usrns().flatmap(lambda n: typed_usrns(n).map(lambda typed: (n, typed))))
def test_usrn_messy_input(pair: tuple[int, str | int]) -> None:
    canonical, typed = pair
    assert usrn.validate(typed) == canonical
