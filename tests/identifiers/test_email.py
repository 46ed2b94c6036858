"""Email addresses: accepted and refused tables, properties, adversarial input."""

from __future__ import annotations

import socket
import statistics
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError as PydanticValidationError

from lgds_components.errors import InvalidFormat, InvalidLength, MissingValue, ValidationError
from lgds_components.identifiers import email

WRONG = "Enter an email address in the correct format, like name@example.com"

ACCEPTED = [
    # (typed, keyword arguments, normalised)
    ("name@example.com", {}, "name@example.com"),
    ("  Name@Example.COM ", {}, "Name@example.com"),
    ("first.last+tag@sub.example.co.uk", {}, "first.last+tag@sub.example.co.uk"),
    ("o'brien@example.com", {}, "o'brien@example.com"),
    ("name@b\u00fccher.de", {}, "name@b\u00fccher.de"),
    ("name@xn--bcher-kva.de", {}, "name@b\u00fccher.de"),
    ("\u200bname@example.com\u00a0", {}, "name@example.com"),
    (
        "\uff4e\uff41\uff4d\uff45\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d",
        {},
        "name@example.com",
    ),
    ("j\u00f6rg@example.com", {"allow_smtputf8": True}, "j\u00f6rg@example.com"),
    (
        "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 61,
        {},
        "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 61,
    ),  # 254 characters
]

REFUSED = [
    # (typed, keyword arguments, error class, code, message)
    ("", {}, MissingValue, "missing", "Enter an email address"),
    ("   ", {}, MissingValue, "missing", "Enter an email address"),
    ("name", {}, InvalidFormat, "invalid_format", WRONG),
    ("name.example.com", {}, InvalidFormat, "invalid_format", WRONG),
    ("name@", {}, InvalidFormat, "invalid_format", WRONG),
    ("@example.com", {}, InvalidFormat, "invalid_format", WRONG),
    ("name@@example.com", {}, InvalidFormat, "invalid_format", WRONG),
    ("name@example", {}, InvalidFormat, "invalid_format", WRONG),
    ("name@localhost", {}, InvalidFormat, "invalid_format", WRONG),
    ("name@example.invalid", {}, InvalidFormat, "invalid_format", WRONG),
    ("first..last@example.com", {}, InvalidFormat, "invalid_format", WRONG),
    ("name @example.com", {}, InvalidFormat, "invalid_format", WRONG),
    ("na\u200bme@example.com", {}, InvalidFormat, "invalid_format", WRONG),
    ('"quoted"@example.com', {}, InvalidFormat, "invalid_format", WRONG),
    ("name@[192.0.2.1]", {}, InvalidFormat, "invalid_format", WRONG),
    ("Name <name@example.com>", {}, InvalidFormat, "invalid_format", WRONG),
    ("j\u00f6rg@example.com", {}, InvalidFormat, "invalid_format", WRONG),
    ("n\u0430me@example.com", {}, InvalidFormat, "invalid_format", WRONG),  # Cyrillic a
    ("name@example.com; other@example.com", {}, InvalidFormat, "invalid_format", WRONG),
    ("a" * 65 + "@example.com", {}, InvalidFormat, "invalid_format", WRONG),
    (
        "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 62,
        {},
        InvalidLength,
        "invalid_length",
        WRONG,
    ),  # 255 characters
]


@pytest.mark.parametrize(("typed", "options", "normalised"), ACCEPTED)
def test_accepted(typed: str, options: dict, normalised: str) -> None:
    assert email.validate(typed, **options) == normalised
    assert email.format(typed, **options) == normalised
    assert email.is_valid(typed, **options) is True
    assert email.validate(normalised, **options) == normalised


@pytest.mark.parametrize(("typed", "options", "error", "code", "message"), REFUSED)
def test_refused(typed: str, options: dict, error: type, code: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        email.validate(typed, **options)
    assert type(info.value) is error
    assert info.value.code == code
    assert info.value.message == message
    assert email.is_valid(typed, **options) is False


def test_reason_is_kept_for_logs() -> None:
    with pytest.raises(InvalidFormat) as info:
        email.validate("first..last@example.com")
    assert "two periods" in str(info.value.__cause__)


def test_no_dns_lookup_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("DNS was used")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert email.validate("name@example.com") == "name@example.com"


def test_compact() -> None:
    assert email.compact(" name@example.com\u200b") == "name@example.com"
    assert email.compact("x" * 2000) == "x" * 2000
    with pytest.raises(InvalidFormat):
        email.compact(b"name@example.com")  # type: ignore[arg-type]


# -- properties -------------------------------------------------------------


def _raises_only_validation_errors(value: object) -> None:
    for verb in ("compact", "validate", "format"):
        try:
            getattr(email, verb)(value)
        except ValidationError:
            pass
    assert email.is_valid(value) in (True, False)
    assert email.is_valid(value, allow_smtputf8=True) in (True, False)


@given(st.text())
def test_arbitrary_text_raises_only_validation_errors(text: str) -> None:
    _raises_only_validation_errors(text)


@given(st.text(max_size=30), st.text(max_size=30))
def test_anything_around_an_at_sign(local: str, domain: str) -> None:
    _raises_only_validation_errors(f"{local}@{domain}")


@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.booleans()))
def test_is_valid_never_raises_for_any_type(value: object) -> None:
    _raises_only_validation_errors(value)
    assert email.is_valid(value) is False


@given(st.emails())
def test_format_round_trips(address: str) -> None:
    if email.is_valid(address):
        assert email.validate(email.format(address)) == email.validate(address)


LONG_INPUTS = {
    "letters": "a" * 100_000,
    "at signs": "@" * 100_000,
    "spaces": " " * 100_000,
    "zero-width spaces": "\u200b" * 100_000,
    "long local part": "a" * 99_988 + "@example.com",
    "long domain": "name@" + "a." * 49_997 + "com",
    "address in spaces": " " * 50_000 + "name@example.com" + " " * 50_000,
    "fullwidth": "\uff41" * 100_000,
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
        email.validate(text)
    for verb in ("compact", "validate", "is_valid", "format"):
        assert _median(getattr(email, verb), text) < 0.010, verb


# -- pydantic type ----------------------------------------------------------


def test_pydantic_type() -> None:
    from pydantic import BaseModel

    from lgds_components.identifiers.types import EmailAddress

    class Model(BaseModel):
        value: EmailAddress

    model = Model(value="Name@Example.COM")
    assert model.value == "Name@example.com"
    assert Model.model_validate_json(model.model_dump_json()) == model
    with pytest.raises(PydanticValidationError) as info:
        Model(value="name")
    assert info.value.errors()[0]["type"] == "invalid_format"
    assert Model.model_json_schema(mode="serialization")["properties"]["value"]["examples"]
