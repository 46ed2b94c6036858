"""Companies House numbers: accepted and refused tables, padding, properties."""

from __future__ import annotations

import statistics
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError as PydanticValidationError

from lgds_components.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    MissingValue,
    ValidationError,
)
from lgds_components.identifiers import company_number

WRONG = "Enter a company number in the correct format, like 01234567 or SC123456"

ACCEPTED = [
    ("01234567", "01234567"),
    ("644831", "00644831"),
    ("1", "00000001"),
    (" 0123 4567 ", "01234567"),
    ("SC123456", "SC123456"),
    ("sc-123456", "SC123456"),
    ("SC 12345", "SC012345"),
    ("NI001234", "NI001234"),
    ("R0000001", "R0000001"),
    ("r0 1", "R0000001"),
    ("OC300001", "OC300001"),
    ("SO300001", "SO300001"),
    ("NC000001", "NC000001"),
    ("FC000011", "FC000011"),
    ("LP001682", "LP001682"),
    ("IP28778R", "IP28778R"),
    ("NI01234A", "NI01234A"),
    ("\uff33\uff23\uff11\uff12\uff13\uff14\uff15\uff16", "SC123456"),
]

REFUSED = [
    ("", MissingValue, "missing", "Enter a company number"),
    ("\u3000", MissingValue, "missing", "Enter a company number"),
    ("123456789", InvalidLength, "invalid_length", WRONG),
    ("SC1234567", InvalidLength, "invalid_length", WRONG),
    ("1" * 25, InvalidLength, "invalid_length", WRONG),
    ("XX123456", InvalidComponent, "invalid_component", WRONG),
    ("QQ123456", InvalidComponent, "invalid_component", WRONG),
    ("00000000", InvalidComponent, "invalid_component", WRONG),
    ("0", InvalidComponent, "invalid_component", WRONG),
    ("SC000000", InvalidComponent, "invalid_component", WRONG),
    ("S1234567", InvalidComponent, "invalid_component", WRONG),  # no prefix S1
    ("SC12345AB", InvalidLength, "invalid_length", WRONG),
    ("SC1234AB", InvalidFormat, "invalid_format", WRONG),
    ("1A234567", InvalidFormat, "invalid_format", WRONG),
    ("SC", InvalidFormat, "invalid_format", WRONG),
    ("SC12345\u0410", InvalidFormat, "invalid_format", WRONG),  # Cyrillic A
    ("\u0661\u0662\u0663", InvalidFormat, "invalid_format", WRONG),
]


@pytest.mark.parametrize(("typed", "canonical"), ACCEPTED)
def test_accepted(typed: str, canonical: str) -> None:
    assert company_number.validate(typed) == canonical
    assert company_number.format(typed) == canonical
    assert company_number.is_valid(typed) is True


@pytest.mark.parametrize(("typed", "error", "code", "message"), REFUSED)
def test_refused(typed: str, error: type, code: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        company_number.validate(typed)
    assert type(info.value) is error
    assert info.value.code == code
    assert info.value.message == message
    assert company_number.is_valid(typed) is False


def test_every_listed_prefix_is_accepted() -> None:
    assert len(company_number.PREFIXES) == 40
    for prefix in company_number.PREFIXES:
        assert company_number.validate(prefix.lower() + "123456") == prefix + "123456"


def test_compact_does_not_pad() -> None:
    assert company_number.compact(" sc 12345 ") == "SC12345"


# -- properties -------------------------------------------------------------

NUMBERS = st.one_of(
    st.integers(1, 99_999_999).map(lambda n: f"{n:08d}"),
    st.builds(
        lambda p, n: p + f"{n:06d}",
        st.sampled_from(sorted(company_number.PREFIXES)),
        st.integers(1, 999_999),
    ),
)


@given(NUMBERS, st.booleans(), st.sampled_from(["", " ", "-"]))
def test_generated_numbers_round_trip(number: str, drop_zeros: bool, separator: str) -> None:
    typed = number
    if drop_zeros and number.isdigit():
        typed = number.lstrip("0")
    typed = separator.join([typed[:2], typed[2:]])
    assert company_number.validate(typed) == number
    assert company_number.validate(company_number.format(typed)) == number


def _raises_only_validation_errors(value: object) -> None:
    for verb in ("compact", "validate", "format"):
        try:
            getattr(company_number, verb)(value)
        except ValidationError:
            pass
    assert company_number.is_valid(value) in (True, False)


@given(st.text())
def test_arbitrary_text_raises_only_validation_errors(text: str) -> None:
    _raises_only_validation_errors(text)
    if company_number.is_valid(text):
        assert company_number.validate(company_number.format(text)) == company_number.validate(text)


@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.booleans()))
def test_is_valid_never_raises_for_any_type(value: object) -> None:
    _raises_only_validation_errors(value)
    assert company_number.is_valid(value) is False


LONG_INPUTS = {
    "digits": "1" * 100_000,
    "letters": "S" * 100_000,
    "spaces": " " * 100_000,
    "zero-width spaces": "\u200b" * 100_000,
    "number in spaces": " " * 50_000 + "SC123456" + " " * 50_000,
}


@pytest.mark.parametrize("name", sorted(LONG_INPUTS))
def test_long_input_is_refused_quickly(name: str) -> None:
    text = LONG_INPUTS[name]
    with pytest.raises(InvalidLength):
        company_number.validate(text)
    for verb in ("compact", "validate", "is_valid", "format"):
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            try:
                getattr(company_number, verb)(text)
            except ValidationError:
                pass
            samples.append(time.perf_counter() - start)
        assert statistics.median(samples) < 0.010, verb


# -- pydantic type ----------------------------------------------------------


def test_pydantic_type() -> None:
    from pydantic import BaseModel

    from lgds_components.identifiers.types import CompanyNumber

    class Model(BaseModel):
        value: CompanyNumber

    model = Model(value="sc 12345")
    assert model.value == "SC012345"
    assert Model.model_validate_json(model.model_dump_json()) == model
    with pytest.raises(PydanticValidationError) as info:
        Model(value="XX123456")
    assert info.value.errors()[0]["type"] == "invalid_component"
    assert Model.model_json_schema(mode="serialization")["properties"]["value"]["examples"]
