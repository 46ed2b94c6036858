"""Account numbers: accepted and refused tables, padding, properties."""

from __future__ import annotations

import statistics
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError as PydanticValidationError

from lgds_components.errors import InvalidFormat, InvalidLength, MissingValue, ValidationError
from lgds_components.identifiers import account_number

WRONG = "Enter a valid account number like 00733445"
LENGTH = "Account number must be between 6 and 8 digits"

ACCEPTED = [
    ("00733445", "00733445"),
    ("733445", "00733445"),  # 6 digits: two zeros in front
    ("0733445", "00733445"),  # 7 digits: one zero in front
    ("1234 5678", "12345678"),
    ("1234-5678", "12345678"),
    (" 12\u20133456\u201478 ", "12345678"),
    ("\uff11\uff12\uff13\uff14\uff15\uff16", "00123456"),
    ("000000", "00000000"),
]

REFUSED = [
    ("", MissingValue, "missing", "Enter an account number"),
    ("\u200b", MissingValue, "missing", "Enter an account number"),
    ("12345", InvalidLength, "invalid_length", LENGTH),
    ("123456789", InvalidLength, "invalid_length", LENGTH),
    ("1234567890", InvalidLength, "invalid_length", LENGTH),
    ("1" * 33, InvalidLength, "invalid_length", LENGTH),
    ("1234567X", InvalidFormat, "invalid_format", WRONG),
    ("1234.5678", InvalidFormat, "invalid_format", WRONG),
    ("12/345678", InvalidFormat, "invalid_format", WRONG),
    ("-", InvalidFormat, "invalid_format", WRONG),
    ("\u0661\u0662\u0663\u0664\u0665\u0666", InvalidFormat, "invalid_format", WRONG),
]


@pytest.mark.parametrize(("typed", "canonical"), ACCEPTED)
def test_accepted(typed: str, canonical: str) -> None:
    assert account_number.validate(typed) == canonical
    assert account_number.format(typed) == canonical
    assert account_number.is_valid(typed) is True


@pytest.mark.parametrize(("typed", "error", "code", "message"), REFUSED)
def test_refused(typed: str, error: type, code: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        account_number.validate(typed)
    assert type(info.value) is error
    assert info.value.code == code
    assert info.value.message == message
    assert account_number.is_valid(typed) is False


def test_compact_does_not_pad() -> None:
    assert account_number.compact(" 7334-45 ") == "733445"
    with pytest.raises(InvalidFormat):
        account_number.compact(733445)  # type: ignore[arg-type]


# -- properties -------------------------------------------------------------


def _raises_only_validation_errors(value: object) -> None:
    for verb in ("compact", "validate", "format"):
        try:
            getattr(account_number, verb)(value)
        except ValidationError:
            pass
    assert account_number.is_valid(value) in (True, False)


@given(st.text())
def test_arbitrary_text_raises_only_validation_errors(text: str) -> None:
    _raises_only_validation_errors(text)


@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.booleans()))
def test_is_valid_never_raises_for_any_type(value: object) -> None:
    _raises_only_validation_errors(value)
    assert account_number.is_valid(value) is False


@given(st.from_regex(r"[0-9]{6,8}", fullmatch=True), st.sampled_from(["", " ", "-"]))
def test_format_round_trips_and_pads(digits: str, separator: str) -> None:
    typed = separator.join([digits[:4], digits[4:]])
    canonical = account_number.validate(typed)
    assert canonical == digits.zfill(8)
    assert account_number.validate(account_number.format(typed)) == canonical


LONG_INPUTS = {
    "digits": "1" * 100_000,
    "spaces": " " * 100_000,
    "zero-width spaces": "\u200b" * 100_000,
    "fullwidth digits": "\uff11" * 100_000,
    "number in spaces": " " * 50_000 + "12345678" + " " * 50_000,
}


def _median(func, value) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        try:
            func(value)
        except ValidationError:
            pass
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@pytest.mark.parametrize("name", sorted(LONG_INPUTS))
def test_long_input_is_refused_quickly(name: str) -> None:
    text = LONG_INPUTS[name]
    with pytest.raises(InvalidLength):
        account_number.validate(text)
    for verb in ("compact", "validate", "is_valid", "format"):
        assert _median(getattr(account_number, verb), text) < 0.010, verb


# -- pydantic type ----------------------------------------------------------


def test_pydantic_type() -> None:
    from pydantic import BaseModel

    from lgds_components.identifiers.types import AccountNumber

    class Model(BaseModel):
        value: AccountNumber

    model = Model(value="733445")
    assert model.value == "00733445"
    assert Model.model_validate_json(model.model_dump_json()) == model
    with pytest.raises(PydanticValidationError) as info:
        Model(value="12345")
    assert info.value.errors()[0]["type"] == "invalid_length"
    assert Model.model_json_schema(mode="serialization")["properties"]["value"]["examples"]
