
"""The UK formats: a jsonschema format checker, and reading what people type."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from lgds_components.errors import ConfigurationError
from lgds_components.forms import formats
from lgds_components.forms.formats import FORMATS, FormatSpec, format_checker, known_formats
from lgds_components.forms.normalise import FieldProblem

CANONICAL = {
    "uk-postcode": ("SW1A 1AA", "QA1 1AA"),
    "uk-nino": ("AB123456C", "QQ123456C"),
    "uk-phone": ("+442071234567", "12345"),
    "uk-mobile": ("+447400123456", "+442071234567"),
    "email": ("name@example.com", "name.example.com"),
    "uprn": ("100023336956", "0"),
    "usrn": ("12345678", "x"),
    "uk-sort-code": ("309430", "3094"),
    "uk-bank-account": ("00733445", "12"),
    "uk-vrm": ("AB12CDE", "!!"),
    "uk-company-number": ("SC123456", "??"),
    "money-gbp": ("£12.50", "£12.505"),
    "date": ("2026-02-28", "2026-02-30"),
}


def test_every_format_is_known() -> None:
    assert set(CANONICAL) <= known_formats()
    assert set(FORMATS) | {"date", "money-gbp"} == set(CANONICAL)


@pytest.mark.parametrize("name", sorted(CANONICAL))
def test_checker_accepts_canonical_values_and_refuses_wrong_ones(name: str) -> None:
    good, bad = CANONICAL[name]
    checker = format_checker()
    assert checker.conforms(good, name)
    assert not checker.conforms(bad, name)
    assert checker.conforms(None, name) and checker.conforms(["list"], name)


def test_integer_uprns_are_checked_and_other_types_pass() -> None:
    checker = format_checker()
    assert checker.conforms(100023336956, "uprn") and not checker.conforms(0, "uprn")
    assert checker.conforms(5, "uk-postcode") and checker.conforms(1200, "money-gbp")


@pytest.mark.parametrize("date", ["2026-2-28", "20260228", "2026/02/28", "２０２６-02-28"])
def test_date_format_is_strict_iso(date: str) -> None:
    assert not format_checker().conforms(date, "date")


def test_checker_works_in_a_raw_validator() -> None:
    validator = Draft202012Validator(
        {"type": "string", "format": "uk-postcode"}, format_checker=format_checker()
    )
    assert validator.is_valid("EX4 1AA") and not validator.is_valid("EX4")


def test_test_mode_checker_accepts_drama_numbers() -> None:
    assert not format_checker().conforms("+447700900982", "uk-mobile")
    assert format_checker(test_mode=True).conforms("+447700900982", "uk-mobile")


@pytest.mark.parametrize(
    ("name", "typed", "expected"),
    [
        ("uk-postcode", " sw1a-1aa ", "SW1A 1AA"),
        ("uk-nino", "ab 12 34 56 c", "AB123456C"),
        ("uk-phone", "(020) 7123-4567", "+442071234567"),
        ("email", " Name@EXAMPLE.com ", "Name@example.com"),
        ("uprn", "000100023336956", 100023336956),
        ("uk-sort-code", "30–94–30", "309430"),
        ("uk-bank-account", "733445", "00733445"),
        ("uk-vrm", "ab12 cde", "AB12CDE"),
        ("uk-company-number", "sc123456", "SC123456"),
    ],
)
def test_normalise(name: str, typed: str, expected: object) -> None:
    assert formats.normalise(name, typed) == expected


def test_blank_is_none_and_errors_are_field_problems() -> None:
    assert formats.normalise("uk-postcode", "   ") is None
    with pytest.raises(FieldProblem) as caught:
        formats.normalise("uk-postcode", "BF1 3AA")
    assert caught.value.code == "postcode.bfpo"


def test_missing_identifier_module_is_a_configuration_error() -> None:
    spec = FormatSpec("uk-nothing", "lgds_components.identifiers.nothing", "nothing")
    with pytest.raises(ConfigurationError, match="cannot be imported"):
        spec.load()
