"""Sort codes: accepted and refused tables, properties, adversarial input."""

from __future__ import annotations

import statistics
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError as PydanticValidationError

from lgds_components.errors import InvalidFormat, InvalidLength, MissingValue, ValidationError
from lgds_components.identifiers import sort_code

WRONG = "Enter a valid sort code like 309430"

ACCEPTED = [
    ("309430", "309430", "30-94-30"),
    ("30-94-30", "309430", "30-94-30"),
    ("30 94 30", "309430", "30-94-30"),
    (" 30 - 94 - 30 ", "309430", "30-94-30"),
    ("30\u201394\u201430", "309430", "30-94-30"),  # en and em dashes
    ("30\u221294\u221230", "309430", "30-94-30"),  # minus signs
    ("30\u00a094\u200b30", "309430", "30-94-30"),
    ("\uff13\uff10\uff19\uff14\uff13\uff10", "309430", "30-94-30"),  # fullwidth
    ("000000", "000000", "00-00-00"),
]

REFUSED = [
    ("", MissingValue, "missing", "Enter a sort code"),
    (" \t ", MissingValue, "missing", "Enter a sort code"),
    ("30943", InvalidLength, "invalid_length", WRONG),
    ("3094300", InvalidLength, "invalid_length", WRONG),
    ("30-94-3", InvalidLength, "invalid_length", WRONG),
    ("3" * 25, InvalidLength, "invalid_length", WRONG),
    ("30/94/30", InvalidFormat, "invalid_format", WRONG),
    ("30.94.30", InvalidFormat, "invalid_format", WRONG),
    ("30-94-3O", InvalidFormat, "invalid_format", WRONG),
    ("--", InvalidFormat, "invalid_format", WRONG),
    ("\u0663\u0660\u0669\u0664\u0663\u0660", InvalidFormat, "invalid_format", WRONG),
    ("\u00b3\u2070\u2079\u2074\u00b3\u2070", InvalidFormat, "invalid_format", WRONG),
    ("+309430", InvalidFormat, "invalid_format", WRONG),
]


@pytest.mark.parametrize(("typed", "canonical", "display"), ACCEPTED)
def test_accepted(typed: str, canonical: str, display: str) -> None:
    assert sort_code.validate(typed) == canonical
    assert sort_code.format(typed) == display
    assert sort_code.is_valid(typed) is True
    assert sort_code.compact(typed) == canonical


@pytest.mark.parametrize(("typed", "error", "code", "message"), REFUSED)
def test_refused(typed: str, error: type, code: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        sort_code.validate(typed)
    assert type(info.value) is error
    assert info.value.code == code
    assert info.value.message == message
    assert sort_code.is_valid(typed) is False


def test_compact_refuses_only_non_text() -> None:
    assert sort_code.compact("x" * 2000) == "x" * 2000
    with pytest.raises(InvalidFormat):
        sort_code.compact(309430)  # type: ignore[arg-type]


# -- properties -------------------------------------------------------------


def _raises_only_validation_errors(value: object) -> None:
    for verb in ("compact", "validate", "format"):
        try:
            getattr(sort_code, verb)(value)
        except ValidationError:
            pass
    assert sort_code.is_valid(value) in (True, False)


@given(st.text())
def test_arbitrary_text_raises_only_validation_errors(text: str) -> None:
    _raises_only_validation_errors(text)


@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.booleans()))
def test_is_valid_never_raises_for_any_type(value: object) -> None:
    _raises_only_validation_errors(value)
    assert sort_code.is_valid(value) is False


@given(
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.lists(st.sampled_from(["", " ", "-", " - ", "\u2013"]), min_size=6, max_size=6),
)
def test_format_round_trips(digits: str, separators: list[str]) -> None:
    typed = "".join(d + s for d, s in zip(digits, separators, strict=True))
    assert sort_code.validate(typed) == digits
    assert sort_code.validate(sort_code.format(typed)) == sort_code.validate(typed)


LONG_INPUTS = {
    "digits": "1" * 100_000,
    "hyphens": "-" * 100_000,
    "spaces": " " * 100_000,
    "zero-width spaces": "\u200b" * 100_000,
    "fullwidth digits": "\uff11" * 100_000,
    "sort code in spaces": " " * 50_000 + "309430" + " " * 50_000,
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
        sort_code.validate(text)
    for verb in ("compact", "validate", "is_valid", "format"):
        assert _median(getattr(sort_code, verb), text) < 0.010, verb


# -- pydantic type ----------------------------------------------------------


def test_pydantic_type() -> None:
    from pydantic import BaseModel

    from lgds_components.identifiers.types import SortCode

    class Model(BaseModel):
        value: SortCode

    model = Model(value="30-94-30")
    assert model.value == "309430"
    assert Model.model_validate_json(model.model_dump_json()) == model
    with pytest.raises(PydanticValidationError) as info:
        Model(value="30-94-3")
    assert info.value.errors()[0]["type"] == "invalid_length"
    assert Model.model_json_schema(mode="serialization")["properties"]["value"]["examples"]
