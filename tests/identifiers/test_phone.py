"""UK telephone numbers: accepted and refused tables, drama numbers, properties."""

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
from lgds_components.identifiers import phone

ANY = phone.FORMAT_MESSAGE
MOBILE = phone.MOBILE_FORMAT_MESSAGE
LANDLINE = phone.LANDLINE_FORMAT_MESSAGE
DRAMA = "Enter a real telephone number, not an example number"

ACCEPTED = [
    # (typed, keyword arguments, E.164, display)
    ("07400 123456", {}, "+447400123456", "07400 123 456"),
    ("07400-123-456", {}, "+447400123456", "07400 123 456"),
    ("(07400) 123456", {}, "+447400123456", "07400 123 456"),
    ("07400.123.456", {}, "+447400123456", "07400 123 456"),
    ("07400\u2013123\u2014456", {}, "+447400123456", "07400 123 456"),
    ("+44 7400 123456", {}, "+447400123456", "07400 123 456"),
    ("+44 (0)7400 123456", {}, "+447400123456", "07400 123 456"),
    ("+44(0)20 7123 4567", {}, "+442071234567", "020 7123 4567"),
    ("0044 20 7123 4567", {}, "+442071234567", "020 7123 4567"),
    ("00 44 (0) 20 7123 4567", {}, "+442071234567", "020 7123 4567"),
    ("\u00a0020 7123 4567\u200b", {}, "+442071234567", "020 7123 4567"),
    ("\uff10\uff12\uff10 7123 4567", {}, "+442071234567", "020 7123 4567"),
    ("0113 123 4567", {}, "+441131234567", "0113 123 4567"),
    ("0800 123 4567", {}, "+448001234567", "0800 123 4567"),
    ("0300 123 4567", {}, "+443001234567", "0300 123 4567"),
    ("07624 123456", {}, "+447624123456", "07624 123 456"),  # Isle of Man
    ("+353 1 234 5678", {}, "+35312345678", "+353 1 234 5678"),
    ("+1 (202) 456-1111", {}, "+12024561111", "+1 202-456-1111"),
    ("07400 123456", {"kind": "mobile"}, "+447400123456", "07400 123 456"),
    ("020 7123 4567", {"kind": "landline"}, "+442071234567", "020 7123 4567"),
    ("0300 123 4567", {"kind": "landline"}, "+443001234567", "0300 123 4567"),
    ("020 7123 4567", {"international": False}, "+442071234567", "020 7123 4567"),
    # Ofcom drama numbers, test mode
    ("07700 900 982", {"allow_drama": True}, "+447700900982", "07700 900 982"),
    ("01632 960 001", {"allow_drama": True}, "+441632960001", "01632 960 001"),
    ("+44 808 157 0192", {"allow_drama": True}, "+448081570192", "0808 157 0192"),
    ("020 7946 0000", {"allow_drama": True}, "+442079460000", "020 7946 0000"),
    ("0113 496 0999", {"allow_drama": True}, "+441134960999", "0113 496 0999"),
    ("028 9649 6000", {"allow_drama": True}, "+442896496000", "028 9649 6000"),
    ("07700 900 982", {"allow_drama": True, "kind": "mobile"}, "+447700900982", "07700 900 982"),
    ("01632 960 001", {"allow_drama": True, "kind": "landline"}, "+441632960001", "01632 960 001"),
    ("03069 990000", {"allow_drama": True, "kind": "landline"}, "+443069990000", "0306 999 0000"),
]

REFUSED = [
    # (typed, keyword arguments, error class, code, message)
    ("", {}, MissingValue, "missing", "Enter a telephone number"),
    (" \u200b ", {}, MissingValue, "missing", "Enter a telephone number"),
    ("", {"kind": "mobile"}, MissingValue, "missing", "Enter a mobile phone number"),
    ("", {"kind": "landline"}, MissingValue, "missing", "Enter a landline telephone number"),
    ("0800 FLOWERS", {}, InvalidFormat, "invalid_format", ANY),
    ("07400/123456", {}, InvalidFormat, "invalid_format", ANY),
    ("07400 123456 ext 12", {}, InvalidFormat, "invalid_format", ANY),
    ("+", {}, InvalidFormat, "invalid_format", ANY),
    ("--", {}, InvalidFormat, "invalid_format", ANY),
    ("07400+123456", {}, InvalidFormat, "invalid_format", ANY),
    ("\u0660\u0667\u0664\u0660\u0660 123456", {}, InvalidFormat, "invalid_format", ANY),
    ("07400 12345", {}, InvalidFormat, "invalid_format", ANY),  # a possible UK length
    ("07400 1234567", {}, InvalidLength, "invalid_length", ANY),
    ("066", {}, InvalidLength, "invalid_length", ANY),
    ("0" * 41, {}, InvalidLength, "invalid_length", ANY),
    ("01000 123456", {}, InvalidFormat, "invalid_format", ANY),
    ("020 7123 4567", {"kind": "mobile"}, InvalidComponent, "invalid_component", MOBILE),
    ("0800 123 4567", {"kind": "mobile"}, InvalidComponent, "invalid_component", MOBILE),
    ("07400 123456", {"kind": "landline"}, InvalidComponent, "invalid_component", LANDLINE),
    ("0800 123 4567", {"kind": "landline"}, InvalidComponent, "invalid_component", LANDLINE),
    (
        "+353 1 234 5678",
        {"international": False},
        InvalidComponent,
        "not_uk",
        "Enter a UK telephone number",
    ),
    # drama numbers, refused outside test mode even where libphonenumber says valid
    ("07700 900 982", {}, InvalidComponent, "drama_number", DRAMA),
    ("01632 960 001", {}, InvalidComponent, "drama_number", DRAMA),
    ("020 7946 0123", {}, InvalidComponent, "drama_number", DRAMA),
    ("0191 498 0000", {}, InvalidComponent, "drama_number", DRAMA),
    ("029 2018 0999", {}, InvalidComponent, "drama_number", DRAMA),
    ("+44 808 157 0192", {}, InvalidComponent, "drama_number", DRAMA),
    ("0909 879 0000", {}, InvalidComponent, "drama_number", DRAMA),
    (
        "07700 900 982",
        {"kind": "mobile"},
        InvalidComponent,
        "drama_number",
        "Enter a real mobile phone number, not an example number",
    ),
    (
        "01632 960 001",
        {"kind": "landline"},
        InvalidComponent,
        "drama_number",
        "Enter a real landline telephone number, not an example number",
    ),
    # test mode still checks the kind
    (
        "07700 900 982",
        {"allow_drama": True, "kind": "landline"},
        InvalidComponent,
        "invalid_component",
        LANDLINE,
    ),
    (
        "0808 157 0192",
        {"allow_drama": True, "kind": "landline"},
        InvalidComponent,
        "invalid_component",
        LANDLINE,
    ),
    (
        "01632 960 001",
        {"allow_drama": True, "kind": "mobile"},
        InvalidComponent,
        "invalid_component",
        MOBILE,
    ),
]


@pytest.mark.parametrize(("typed", "options", "canonical", "display"), ACCEPTED)
def test_accepted(typed: str, options: dict, canonical: str, display: str) -> None:
    assert phone.validate(typed, **options) == canonical
    assert phone.format(typed, **options) == display
    assert phone.is_valid(typed, **options) is True
    assert phone.validate(display, **options) == canonical


@pytest.mark.parametrize(("typed", "options", "error", "code", "message"), REFUSED)
def test_refused(typed: str, options: dict, error: type, code: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        phone.validate(typed, **options)
    assert type(info.value) is error
    assert info.value.code == code
    assert info.value.message == message
    assert phone.is_valid(typed, **options) is False


def test_every_drama_range_is_refused_then_accepted_in_test_mode() -> None:
    assert len(phone.DRAMA_RANGES) == 20  # Ofcom reserves 20,000 numbers
    for prefix in phone.DRAMA_RANGES:
        for last in ("000", "999"):
            number = prefix + last
            assert phone.is_drama(number)
            assert not phone.is_valid(number)
            assert phone.validate(number, allow_drama=True) == "+44" + number[1:]
    # just outside the ranges
    assert not phone.is_drama("07700 901000")
    assert not phone.is_drama("020 7946 1000")


def test_compact() -> None:
    assert phone.compact(" +44 (0)20-7946.0123 ") == "+442079460123"
    assert phone.compact("(01632) 960 001") == "01632960001"
    assert phone.compact("x" * 2000) == "x" * 2000
    with pytest.raises(InvalidFormat):
        phone.compact(None)  # type: ignore[arg-type]


def test_wrong_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="kind must be"):
        phone.validate("07400 123456", kind="cell")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind must be"):
        phone.is_valid("07400 123456", kind="cell")  # type: ignore[arg-type]


# -- properties -------------------------------------------------------------

VERBS = ("compact", "validate", "format")
UK_MOBILE = st.from_regex(r"07[45789][0-9]{8}", fullmatch=True)
UK_LONDON = st.from_regex(r"020[378][0-9]{7}", fullmatch=True)
SEPARATOR = st.sampled_from(["", " ", "-", ".", "  ", " - "])


def _raises_only_validation_errors(value: object) -> None:
    for verb in VERBS:
        try:
            getattr(phone, verb)(value)
        except ValidationError:
            pass
    for kind in ("any", "mobile", "landline"):
        assert phone.is_valid(value, kind=kind) in (True, False)  # type: ignore[arg-type]
    assert phone.is_drama(value) in (True, False)  # type: ignore[arg-type]


@given(st.text())
def test_arbitrary_text_raises_only_validation_errors(text: str) -> None:
    _raises_only_validation_errors(text)


@given(st.text(alphabet="0123456789+()-. \u00a0\u200b\uff10\uff17", max_size=30))
def test_phone_like_text_raises_only_validation_errors(text: str) -> None:
    _raises_only_validation_errors(text)
    if phone.is_valid(text):
        assert phone.validate(phone.format(text)) == phone.validate(text)


@given(
    st.one_of(
        st.none(), st.integers(), st.floats(), st.binary(), st.booleans(), st.lists(st.text())
    )
)
def test_is_valid_never_raises_for_any_type(value: object) -> None:
    _raises_only_validation_errors(value)
    assert phone.is_valid(value) is False


@given(
    st.one_of(UK_MOBILE, UK_LONDON),
    st.lists(SEPARATOR, min_size=11, max_size=11),
    st.sampled_from(["", "+44", "+44 (0)", "0044"]),
)
def test_format_round_trips(number: str, separators: list[str], prefix: str) -> None:
    typed = "".join(d + s for d, s in zip(number, separators, strict=True))
    if prefix:
        typed = prefix + " " + typed[1:].lstrip(" -.")
    if phone.is_valid(typed):
        canonical = phone.validate(typed)
        assert canonical == "+44" + number[1:]
        assert phone.validate(phone.format(typed)) == canonical


LONG_INPUTS = {
    "digits": "7" * 100_000,
    "spaces": " " * 100_000,
    "zero-width spaces": "\u200b" * 100_000,
    "fullwidth digits": "\uff17" * 100_000,
    "look-alike digits": "\u0667" * 100_000,
    "repeated number": "07400 123456 " * 7_700,
    "valid number in spaces": " " * 50_000 + "07400123456" + " " * 50_000,
    "plus signs": "+" * 100_000,
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
        phone.validate(text)
    for verb in ("compact", "validate", "is_valid", "format", "is_drama"):
        assert _median(getattr(phone, verb), text) < 0.010, verb


# -- pydantic type ----------------------------------------------------------


def test_pydantic_type() -> None:
    from pydantic import BaseModel

    from lgds_components.identifiers.types import PhoneNumber

    class Model(BaseModel):
        value: PhoneNumber

    model = Model(value="07400 123456")
    assert model.value == "+447400123456"
    assert Model.model_validate_json(model.model_dump_json()) == model
    with pytest.raises(PydanticValidationError) as info:
        Model(value="07700 900 982")
    assert info.value.errors()[0]["type"] == "drama_number"
    assert Model.model_json_schema(mode="serialization")["properties"]["value"]["examples"]


def test_mobile_type() -> None:
    from pydantic import TypeAdapter

    from lgds_components.identifiers.types import MobileNumber

    assert TypeAdapter(MobileNumber).validate_python("+44 7400 123456") == "+447400123456"
    with pytest.raises(PydanticValidationError) as info:
        TypeAdapter(MobileNumber).validate_python("020 7123 4567")
    assert info.value.errors()[0]["msg"] == MOBILE


def test_format_shows_drama_numbers_that_test_mode_forms_accept() -> None:
    stored = phone.validate("07700 900 982", allow_drama=True)
    assert phone.format(stored) == "07700 900 982"
    with pytest.raises(InvalidComponent):
        phone.format(stored, allow_drama=False)


def test_every_example_number_in_a_message_is_written_as_format_writes_it() -> None:
    import json
    import re
    from importlib import resources

    catalogues = resources.files("lgds_components.forms").joinpath("catalogues")
    texts = [phone.FORMAT_MESSAGE, phone.MOBILE_FORMAT_MESSAGE, phone.LANDLINE_FORMAT_MESSAGE]
    for lang in ("en", "cy"):
        catalogue = json.loads(catalogues.joinpath(f"{lang}.json").read_text(encoding="utf-8"))
        texts += [text for key, text in catalogue.items() if key.startswith(("phone", "mobile"))]
    examples = {
        match.strip() for text in texts for match in re.findall(r"\+?[0-9][0-9 ]{8,}[0-9]", text)
    }
    assert {"01632 960 001", "07700 900 982", "+44 808 157 0192"} <= examples
    for example in examples:
        shown = phone.format(example)
        if example.startswith("+44"):  # written in international form on purpose
            canonical = phone.validate(example, allow_drama=True)
            assert phone.validate(shown, allow_drama=True) == canonical
        else:
            assert shown == example
