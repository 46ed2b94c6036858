"""Examples and properties for lgds_components.identifiers.nino."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    MissingValue,
    ValidationError,
)
from lgds_components.identifiers import nino
from lgds_components.testing.strategies import ninos, typed_ninos


def wide(text: str) -> str:
    """Fullwidth forms of ``text`` (U+FF01..U+FF5E, spaces as U+3000), as East Asian
    input methods type them."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text
    )


MISSING = "Enter a National Insurance number"
WRONG = "Enter a National Insurance number in the correct format"

ACCEPTED = [
    ("AB123456C", "AB123456C"),
    ("ab123456c", "AB123456C"),
    ("AB 12 34 56 C", "AB123456C"),
    (" ab 12 34 56 c ", "AB123456C"),
    ("AB-12-34-56-C", "AB123456C"),
    ("AB.12.34.56.C", "AB123456C"),
    ("(AB) 123456 C", "AB123456C"),
    ("AB 123456 A", "AB123456A"),
    ("ZY000000D", "ZY000000D"),
    ("\u00a0AB\u00a012\u00a034\u00a056\u00a0C\u00a0", "AB123456C"),
    (wide("AB123456C"), "AB123456C"),  # fullwidth
    ("AB\u200b123456C", "AB123456C"),  # zero-width space
    ("  \t" * 100 + "AB123456C" + "\n" * 100, "AB123456C"),
    ("MA123456A", "MA123456A"),  # Isle of Man
]

REFUSED: list[tuple[object, type[ValidationError], str, str]] = [
    ("", MissingValue, MISSING, "missing"),
    ("  \t ", MissingValue, MISSING, "missing"),
    ("-- --", MissingValue, MISSING, "missing"),
    ("AB 12 34 56", InvalidLength, WRONG, "invalid_length"),
    ("AB12345C", InvalidLength, WRONG, "invalid_length"),
    ("AB1234567C", InvalidLength, WRONG, "invalid_length"),
    ("AB  12  34  56  C", InvalidLength, WRONG, "invalid_length"),  # over 13 characters
    ("A" * 100, InvalidLength, WRONG, "invalid_length"),
    ("AB12345CC", InvalidFormat, WRONG, "invalid_format"),
    ("A1123456C", InvalidFormat, WRONG, "invalid_format"),
    ("12AB3456C", InvalidFormat, WRONG, "invalid_format"),
    ("AB1234561", InvalidFormat, WRONG, "invalid_format"),
    ("AB123456C!", InvalidFormat, WRONG, "invalid_format"),
    ("AB\x00123456C", InvalidFormat, WRONG, "invalid_format"),
    ("\u0410B123456C", InvalidFormat, WRONG, "invalid_format"),  # Cyrillic A
    ("AB123456\u0421", InvalidFormat, WRONG, "invalid_format"),  # Cyrillic Es
    ("AB12345\u0666C", InvalidFormat, WRONG, "invalid_format"),  # Arabic-Indic six
    ("\u017fB123456C", InvalidFormat, WRONG, "invalid_format"),  # long s
    ("QQ123456C", InvalidComponent, WRONG, "invalid_component"),  # HMRC's example
    *[(f"{c}A123456C", InvalidComponent, WRONG, "invalid_component") for c in "DFIQUV"],
    *[(f"A{c}123456C", InvalidComponent, WRONG, "invalid_component") for c in "DFIOQUV"],
    *[
        (f"{p}123456C", InvalidComponent, WRONG, "invalid_component")
        for p in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")
    ],
    ("AB123456E", InvalidComponent, WRONG, "invalid_component"),
    ("AB123456Z", InvalidComponent, WRONG, "invalid_component"),
]


@pytest.mark.parametrize(("typed", "expected"), ACCEPTED)
def test_accepted(typed: str, expected: str) -> None:
    assert nino.validate(typed) == expected
    assert nino.is_valid(typed) is True
    spaced = f"{expected[:2]} {expected[2:4]} {expected[4:6]} {expected[6:8]} {expected[8]}"
    assert nino.format(typed) == spaced


@pytest.mark.parametrize(("typed", "error", "message", "code"), REFUSED)
def test_refused(typed: str, error: type[ValidationError], message: str, code: str) -> None:
    with pytest.raises(error) as caught:
        nino.validate(typed)
    assert type(caught.value) is error
    assert (caught.value.message, caught.value.code) == (message, code)
    assert nino.is_valid(typed) is False


def test_issue_examples() -> None:
    assert nino.format("ab123456c") == "AB 12 34 56 C"
    assert nino.validate("AB 12 34 56 C") == "AB123456C"


def test_thirteen_characters_is_the_limit() -> None:
    assert nino.validate("(AB)123456(C)") == "AB123456C"  # 13
    with pytest.raises(InvalidLength):
        nino.validate("(AB)123456 (C)")  # 14


def test_compact() -> None:
    assert nino.compact(" ab-12-34-56-c ") == "AB123456C"
    assert nino.compact("x") == "X"
    assert nino.compact("") == ""


@pytest.mark.parametrize("value", [None, 123456, b"AB123456C", 1.0, {"AB123456C"}])
def test_not_a_string(value: object) -> None:
    for call in (nino.compact, nino.validate, nino.format):
        with pytest.raises(InvalidFormat) as caught:
            call(value)  # type: ignore[arg-type]
        assert caught.value.message == WRONG
    assert nino.is_valid(value) is False


@given(ninos())
def test_format_round_trips(value: str) -> None:
    assert nino.validate(value) == value
    assert nino.validate(nino.format(value)) == value
    assert nino.compact(nino.format(value)) == value


@given(ninos().flatmap(lambda n: typed_ninos(n).map(lambda typed: (n, typed))))
def test_messy_input_gives_the_canonical_value(pair: tuple[str, str]) -> None:
    canonical, typed = pair
    assert nino.validate(typed) == canonical


_FIRST_OK = set(string.ascii_uppercase) - set("DFIQUV")
_SECOND_OK = set(string.ascii_uppercase) - set("DFIOQUV")
_NEVER = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


@given(
    st.text(string.ascii_uppercase, min_size=2, max_size=2),
    st.text(string.digits, min_size=6, max_size=6),
    st.sampled_from(string.ascii_uppercase),
)
def test_agrees_with_the_hmrc_rules(prefix: str, digits: str, suffix: str) -> None:
    expected = (
        prefix[0] in _FIRST_OK
        and prefix[1] in _SECOND_OK
        and prefix not in _NEVER
        and suffix in "ABCD"
    )
    assert nino.is_valid(prefix + digits + suffix) is expected


@given(st.text(string.ascii_uppercase + string.digits, min_size=9, max_size=9))
def test_fast_path_agrees_with_the_rules_one_by_one(number: str) -> None:
    try:
        slow = nino._check(number) == number
    except ValidationError:
        slow = False
    assert bool(nino._VALID.fullmatch(number)) is slow
