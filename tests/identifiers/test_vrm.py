"""Vehicle registration marks: accepted and refused tables, properties."""

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
from lgds_components.identifiers import vrm

WRONG = "Enter a vehicle registration number in the correct format, like AB12 CDE"

ACCEPTED = [
    # (typed, compact, display, kind)
    ("AB12 CDE", "AB12CDE", "AB12 CDE", "current"),
    ("ab12cde", "AB12CDE", "AB12 CDE", "current"),
    (" ab-12-cde ", "AB12CDE", "AB12 CDE", "current"),
    ("YX51 ZZZ", "YX51ZZZ", "YX51 ZZZ", "current"),  # Z allowed in the random letters
    ("LB07 SEO", "LB07SEO", "LB07 SEO", "current"),
    ("\uff21\uff22\uff11\uff12\uff23\uff24\uff25", "AB12CDE", "AB12 CDE", "current"),
    ("A123 BCD", "A123BCD", "A123 BCD", "prefix"),
    ("a1bcd", "A1BCD", "A1 BCD", "prefix"),
    ("Q123 BCD", "Q123BCD", "Q123 BCD", "prefix"),  # Q plate
    ("ABC 123D", "ABC123D", "ABC 123D", "suffix"),
    ("abc1y", "ABC1Y", "ABC 1Y", "suffix"),
    ("ABC 1234", "ABC1234", "ABC 1234", "dateless"),
    ("IAZ 1234", "IAZ1234", "IAZ 1234", "dateless"),  # Northern Ireland
    ("1234 AB", "1234AB", "1234 AB", "dateless"),
    ("A 1", "A1", "A 1", "dateless"),
    ("1 A", "1A", "1 A", "dateless"),
]

REFUSED = [
    # (typed, keyword arguments, error class, code)
    ("", {}, MissingValue, "missing"),
    (" \u200b", {}, MissingValue, "missing"),
    ("A", {}, InvalidLength, "invalid_length"),
    ("AB12CDEF", {}, InvalidLength, "invalid_length"),
    ("A" * 21, {}, InvalidLength, "invalid_length"),
    ("AB12 CD\u0415", {}, InvalidFormat, "invalid_format"),  # Cyrillic E
    ("AB12 CD", {}, InvalidFormat, "invalid_format"),
    ("ABCD 123", {}, InvalidFormat, "invalid_format"),
    ("A012 BCD", {}, InvalidFormat, "invalid_format"),  # serial starting with 0
    ("ABC 0123", {}, InvalidFormat, "invalid_format"),
    ("12345 AB", {}, InvalidFormat, "invalid_format"),
    ("AB12 CDE!", {}, InvalidFormat, "invalid_format"),
    ("ABC 1234", {"dateless": False}, InvalidFormat, "invalid_format"),
    # letters DVLA does not issue in that place
    ("IB12 CDE", {}, InvalidComponent, "invalid_component"),
    ("QB12 CDE", {}, InvalidComponent, "invalid_component"),
    ("ZB12 CDE", {}, InvalidComponent, "invalid_component"),
    ("AZ12 CDE", {}, InvalidComponent, "invalid_component"),
    ("AB12 CDI", {}, InvalidComponent, "invalid_component"),
    ("AB12 QDE", {}, InvalidComponent, "invalid_component"),
    ("AB00 CDE", {}, InvalidComponent, "invalid_component"),
    ("AB01 CDE", {}, InvalidComponent, "invalid_component"),
    ("I123 BCD", {}, InvalidComponent, "invalid_component"),
    ("O123 BCD", {}, InvalidComponent, "invalid_component"),
    ("U123 BCD", {}, InvalidComponent, "invalid_component"),
    ("Z123 BCD", {}, InvalidComponent, "invalid_component"),
    ("A123 BCQ", {}, InvalidComponent, "invalid_component"),
    ("ABC 123I", {}, InvalidComponent, "invalid_component"),
    ("ABC 123Q", {}, InvalidComponent, "invalid_component"),
    ("ABC 123Z", {}, InvalidComponent, "invalid_component"),
    ("AIC 123D", {}, InvalidComponent, "invalid_component"),
    ("QAB 1234", {}, InvalidComponent, "invalid_component"),
]


@pytest.mark.parametrize(("typed", "canonical", "display", "which"), ACCEPTED)
def test_accepted(typed: str, canonical: str, display: str, which: str) -> None:
    assert vrm.validate(typed) == canonical
    assert vrm.format(typed) == display
    assert vrm.kind(typed) == which
    assert vrm.is_valid(typed) is True
    assert vrm.validate(display) == canonical


@pytest.mark.parametrize(("typed", "options", "error", "code"), REFUSED)
def test_refused(typed: str, options: dict, error: type, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        vrm.validate(typed, **options)
    assert type(info.value) is error
    assert info.value.code == code
    expected = "Enter a vehicle registration number" if error is MissingValue else WRONG
    assert info.value.message == expected
    assert vrm.is_valid(typed, **options) is False


def test_dated_formats_stay_accepted_without_dateless() -> None:
    for mark in ("AB12 CDE", "A123 BCD", "ABC 123D"):
        assert vrm.is_valid(mark, dateless=False)


def test_compact() -> None:
    assert vrm.compact(" ab-12.cde ") == "AB12CDE"
    with pytest.raises(InvalidFormat):
        vrm.compact(None)  # type: ignore[arg-type]


# -- properties -------------------------------------------------------------

ISSUED = "ABCDEFGHJKLMNOPRSTUVWXYZ"  # no I or Q
TAG = "ABCDEFGHJKLMNOPRSTUVWXY"  # no I, Q or Z (also the letters of prefix and suffix marks)
YEAR_PREFIX = "ABCDEFGHJKLMNPQRSTVWXY"
YEAR_SUFFIX = "ABCDEFGHJKLMNPRSTVWXY"
SERIAL3 = st.integers(1, 999).map(str)

MARKS = st.one_of(
    st.builds(
        lambda t, a, s: t + a + s,
        st.text(TAG, min_size=2, max_size=2),
        st.integers(2, 99).filter(lambda n: n != 50).map(lambda n: f"{n:02d}"),
        st.text(ISSUED, min_size=3, max_size=3),
    ),
    st.builds(
        lambda y, n, s: y + n + s,
        st.sampled_from(YEAR_PREFIX),
        SERIAL3,
        st.text(TAG, min_size=3, max_size=3),
    ),
    st.builds(
        lambda s, n, y: s + n + y,
        st.text(TAG, min_size=3, max_size=3),
        SERIAL3,
        st.sampled_from(YEAR_SUFFIX),
    ),
)


@given(MARKS, st.sampled_from(["", " ", "-"]), st.booleans())
def test_generated_marks_round_trip(mark: str, separator: str, lower: bool) -> None:
    typed = separator.join(mark) if separator else mark
    typed = typed.lower() if lower else typed
    assert vrm.validate(typed) == mark
    assert vrm.validate(vrm.format(typed)) == vrm.validate(typed)


def _raises_only_validation_errors(value: object) -> None:
    for verb in ("compact", "validate", "format", "kind"):
        try:
            getattr(vrm, verb)(value)
        except ValidationError:
            pass
    assert vrm.is_valid(value) in (True, False)


@given(st.text())
def test_arbitrary_text_raises_only_validation_errors(text: str) -> None:
    _raises_only_validation_errors(text)
    if vrm.is_valid(text):
        assert vrm.validate(vrm.format(text)) == vrm.validate(text)


@given(st.text(alphabet="ABCIQZ0129 -", max_size=10))
def test_plate_like_text_round_trips(text: str) -> None:
    _raises_only_validation_errors(text)
    if vrm.is_valid(text):
        assert vrm.validate(vrm.format(text)) == vrm.validate(text)


@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.booleans()))
def test_is_valid_never_raises_for_any_type(value: object) -> None:
    _raises_only_validation_errors(value)
    assert vrm.is_valid(value) is False


LONG_INPUTS = {
    "letters": "A" * 100_000,
    "spaces": " " * 100_000,
    "zero-width spaces": "\u200b" * 100_000,
    "fullwidth letters": "\uff21" * 100_000,
    "mark in spaces": " " * 50_000 + "AB12CDE" + " " * 50_000,
    "repeated mark": "AB12 CDE " * 11_111,
}


@pytest.mark.parametrize("name", sorted(LONG_INPUTS))
def test_long_input_is_refused_quickly(name: str) -> None:
    text = LONG_INPUTS[name]
    with pytest.raises(InvalidLength):
        vrm.validate(text)
    for verb in ("compact", "validate", "is_valid", "format", "kind"):
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            try:
                getattr(vrm, verb)(text)
            except ValidationError:
                pass
            samples.append(time.perf_counter() - start)
        assert statistics.median(samples) < 0.010, verb


# -- pydantic type ----------------------------------------------------------


def test_pydantic_type() -> None:
    from pydantic import BaseModel

    from lgds_components.identifiers.types import VehicleRegistration

    class Model(BaseModel):
        value: VehicleRegistration

    model = Model(value="ab12 cde")
    assert model.value == "AB12CDE"
    assert Model.model_validate_json(model.model_dump_json()) == model
    with pytest.raises(PydanticValidationError) as info:
        Model(value="AB12 CDI")
    assert info.value.errors()[0]["type"] == "invalid_component"
    assert Model.model_json_schema(mode="serialization")["properties"]["value"]["examples"]
