"""Money in pence: accepted and refused tables, bounds, round trips."""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

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
from lgds_components.identifiers import money

WRONG = "Enter an amount in pounds and pence, like 600 or 193.54"

ACCEPTED = [
    # (typed, keyword arguments, pence, display)
    ("£1,234.50", {}, 123450, "£1,234.50"),
    ("1234.5", {}, 123450, "£1,234.50"),
    ("1234.50", {}, 123450, "£1,234.50"),
    ("0.99", {}, 99, "£0.99"),
    (".5", {}, 50, "£0.50"),
    ("12", {}, 1200, "£12.00"),
    ("0", {}, 0, "£0.00"),
    ("007", {}, 700, "£7.00"),
    (" £ 12.50 ", {}, 1250, "£12.50"),
    ("GBP 12.50", {}, 1250, "£12.50"),
    ("gbp12.50", {}, 1250, "£12.50"),
    ("12.50 GBP", {}, 1250, "£12.50"),
    ("1,234,567.89", {}, 123456789, "£1,234,567.89"),
    ("0" * 38 + "1", {}, 100, "£1.00"),
    ("999999999999999.99", {}, 99999999999999999, "£999,999,999,999,999.99"),
    ("\uffe1\uff11\uff12.\uff15", {}, 1250, "£12.50"),  # fullwidth pound and digits
    ("\u200b£12\u00a0", {}, 1200, "£12.00"),
    (1250, {}, 1250, "£12.50"),  # an int is pence already
    ("-£5", {"allow_negative": True}, -500, "-£5.00"),
    ("£-5.00", {"allow_negative": True}, -500, "-£5.00"),
    ("\u22125.00", {"allow_negative": True}, -500, "-£5.00"),  # minus sign
    (-500, {"allow_negative": True}, -500, "-£5.00"),
    ("£10", {"min": 1000}, 1000, "£10.00"),
    ("£500", {"max": 50000}, 50000, "£500.00"),
]

REFUSED = [
    # (typed, keyword arguments, error class, code, message)
    ("", {}, MissingValue, "missing", "Enter an amount"),
    ("  ", {}, MissingValue, "missing", "Enter an amount"),
    ("£", {}, InvalidFormat, "invalid_format", WRONG),
    ("twelve", {}, InvalidFormat, "invalid_format", WRONG),
    ("1,23", {}, InvalidFormat, "invalid_format", WRONG),
    ("1,2345", {}, InvalidFormat, "invalid_format", WRONG),
    (",123", {}, InvalidFormat, "invalid_format", WRONG),
    ("1234,567", {}, InvalidFormat, "invalid_format", WRONG),
    ("12.", {}, InvalidFormat, "invalid_format", WRONG),
    ("1.2.3", {}, InvalidFormat, "invalid_format", WRONG),
    ("1e3", {}, InvalidFormat, "invalid_format", WRONG),
    ("$12", {}, InvalidFormat, "invalid_format", WRONG),
    ("€12", {}, InvalidFormat, "invalid_format", WRONG),
    ("12 50", {}, InvalidFormat, "invalid_format", WRONG),
    ("--5", {"allow_negative": True}, InvalidFormat, "invalid_format", WRONG),
    ("-£-5", {"allow_negative": True}, InvalidFormat, "invalid_format", WRONG),
    ("\u0661\u0662", {}, InvalidFormat, "invalid_format", WRONG),
    ("NaN", {}, InvalidFormat, "invalid_format", WRONG),
    ("Infinity", {}, InvalidFormat, "invalid_format", WRONG),
    ("1" * 41, {}, InvalidLength, "invalid_length", WRONG),
    (
        "12.345",
        {},
        InvalidFormat,
        "too_many_decimals",
        "Amount must not have more than 2 decimal places",
    ),
    (
        "12.500",
        {},
        InvalidFormat,
        "too_many_decimals",
        "Amount must not have more than 2 decimal places",
    ),
    (
        12.5,
        {},
        InvalidFormat,
        "float_not_allowed",
        "Give an amount as text or as whole pence (an int), not as a float",
    ),
    (Decimal("12.50"), {}, InvalidFormat, "invalid_format", WRONG),
    (True, {}, InvalidFormat, "invalid_format", WRONG),
    (None, {}, InvalidFormat, "invalid_format", WRONG),
    ("-5", {}, InvalidComponent, "negative", "Amount must be £0.00 or more"),
    (-1, {}, InvalidComponent, "negative", "Amount must be £0.00 or more"),
    ("£9.99", {"min": 1000}, InvalidComponent, "too_small", "Amount must be £10.00 or more"),
    ("£500.01", {"max": 50000}, InvalidComponent, "too_large", "Amount must be £500.00 or less"),
    (
        "-£20",
        {"allow_negative": True, "min": -1000},
        InvalidComponent,
        "too_small",
        "Amount must be -£10.00 or more",
    ),
]


@pytest.mark.parametrize(("typed", "options", "pence", "display"), ACCEPTED)
def test_accepted(typed: object, options: dict, pence: int, display: str) -> None:
    assert money.validate(typed, **options) == pence  # type: ignore[arg-type]
    assert money.format(typed, **options) == display  # type: ignore[arg-type]
    assert money.is_valid(typed, **options) is True
    assert money.validate(display, **options) == pence


@pytest.mark.parametrize(("typed", "options", "error", "code", "message"), REFUSED)
def test_refused(typed: object, options: dict, error: type, code: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        money.validate(typed, **options)  # type: ignore[arg-type]
    assert type(info.value) is error
    assert info.value.code == code
    assert info.value.message == message
    assert money.is_valid(typed, **options) is False


def test_compact() -> None:
    assert money.compact(" £1,234.50 ") == "1234.50"
    assert money.compact("12.50 GBP") == "12.50"
    assert money.compact(-5) == "-0.05"
    with pytest.raises(InvalidFormat) as info:
        money.compact(1.5)  # type: ignore[arg-type]
    assert info.value.message == money.FLOAT_MESSAGE


def test_never_goes_through_float() -> None:
    # 0.1 + 0.2 and friends: exact in pence
    assert money.validate("0.10") + money.validate("0.20") == money.validate("0.30")
    assert money.validate("999999999999999.99") == 99_999_999_999_999_999  # float loses this


# -- properties -------------------------------------------------------------


@given(st.integers(min_value=-money.MAX_PENCE, max_value=money.MAX_PENCE))
def test_format_round_trips_every_amount(pence: int) -> None:
    assert money.validate(money.format(pence, allow_negative=True), allow_negative=True) == pence


@given(st.integers(0, 10**12), st.booleans(), st.sampled_from(["", "£", "GBP ", "£ "]))
def test_typed_amounts(pence: int, commas: bool, currency: str) -> None:
    pounds, rest = divmod(pence, 100)
    whole = f"{pounds:,}" if commas else str(pounds)
    typed = f"{currency}{whole}.{rest:02d}"
    assert money.validate(typed) == pence
    assert money.validate(money.format(typed)) == money.validate(typed)


def _raises_only_validation_errors(value: object) -> None:
    for verb in ("compact", "validate", "format"):
        try:
            getattr(money, verb)(value)
        except ValidationError:
            pass
    assert money.is_valid(value) in (True, False)
    assert money.is_valid(value, allow_negative=True, min=-5, max=5) in (True, False)


@given(st.text())
def test_arbitrary_text_raises_only_validation_errors(text: str) -> None:
    _raises_only_validation_errors(text)
    if money.is_valid(text):
        assert money.validate(money.format(text)) == money.validate(text)


@given(st.text(alphabet="£GBP0123456789.,- ", max_size=20))
def test_money_like_text(text: str) -> None:
    _raises_only_validation_errors(text)
    if money.is_valid(text, allow_negative=True):
        pence = money.validate(text, allow_negative=True)
        assert money.validate(money.format(text, allow_negative=True), allow_negative=True) == pence


@given(
    st.one_of(
        st.none(), st.floats(), st.binary(), st.booleans(), st.decimals(), st.lists(st.integers())
    )
)
def test_is_valid_never_raises_for_any_type(value: object) -> None:
    _raises_only_validation_errors(value)
    assert money.is_valid(value) is False


LONG_INPUTS = {
    "digits": "9" * 100_000,
    "commas": "1" + ",000" * 25_000,
    "spaces": " " * 100_000,
    "zero-width spaces": "\u200b" * 100_000,
    "pound signs": "£" * 100_000,
    "amount in spaces": " " * 50_000 + "£12.50" + " " * 50_000,
    "decimals": "0." + "9" * 99_998,
}


@pytest.mark.parametrize("name", sorted(LONG_INPUTS))
def test_long_input_is_refused_quickly(name: str) -> None:
    text = LONG_INPUTS[name]
    with pytest.raises(InvalidLength):
        money.validate(text)
    for verb in ("compact", "validate", "is_valid", "format"):
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            try:
                getattr(money, verb)(text)
            except ValidationError:
                pass
            samples.append(time.perf_counter() - start)
        assert statistics.median(samples) < 0.010, verb


# -- pydantic type ----------------------------------------------------------


def test_pydantic_type() -> None:
    from pydantic import BaseModel

    from lgds_components.identifiers.types import MoneyPence

    class Model(BaseModel):
        value: MoneyPence

    model = Model(value="£1,234.50")
    assert model.value == 123450
    assert Model.model_validate_json(model.model_dump_json()) == model
    with pytest.raises(PydanticValidationError) as info:
        Model(value=12.5)
    assert info.value.errors()[0]["type"] == "float_not_allowed"
    assert Model.model_json_schema(mode="serialization")["properties"]["value"]["examples"]


def test_money_type_bounds_and_json_round_trip() -> None:
    from pydantic import BaseModel

    from lgds_components.identifiers.types import money_type

    class Fee(BaseModel):
        amount: money_type(min=100, max=10_000)  # type: ignore[valid-type]

    fee = Fee(amount="£12.50")
    assert Fee.model_validate_json(fee.model_dump_json()) == fee
    schema = Fee.model_json_schema(mode="serialization")["properties"]["amount"]
    assert (schema["minimum"], schema["maximum"]) == (100, 10_000)
    with pytest.raises(PydanticValidationError) as info:
        Fee(amount="£0.50")
    assert info.value.errors()[0]["msg"] == "Amount must be £1.00 or more"
