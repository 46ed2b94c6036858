"""The pydantic annotated types, and that pydantic stays unimported until used."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

import lgds_components.identifiers as identifiers
from lgds_components.identifiers import UPRN, USRN, NINumber, Postcode, postcode_type, types
from lgds_components.testing.strategies import ninos, postcodes, uprns, usrns


class Resident(BaseModel):
    postcode: Postcode
    uprn: UPRN | None = None
    usrn: USRN | None = None
    ni_number: NINumber | None = None


def test_model_holds_canonical_values() -> None:
    resident = Resident(
        postcode=" sw1a-1aa ", uprn=" 000100023336956 ", usrn=12345, ni_number="ab 12 34 56 c"
    )
    assert resident.model_dump() == {
        "postcode": "SW1A 1AA",
        "uprn": 100023336956,
        "usrn": 12345,
        "ni_number": "AB123456C",
    }
    again = Resident.model_validate_json(resident.model_dump_json())
    assert again == resident


@pytest.mark.parametrize(
    ("data", "loc", "message", "code"),
    [
        ({"postcode": "QA1 1AA"}, "postcode", "Enter a full UK postcode", "invalid_format"),
        ({"postcode": ""}, "postcode", "Enter a postcode", "missing"),
        ({"postcode": 12}, "postcode", "Enter a full UK postcode", "invalid_format"),
        (
            {"postcode": "BF1 3AA"},
            "postcode",
            "Enter a UK postcode. This service does not accept BFPO addresses",
            "bfpo_not_accepted",
        ),
        (
            {"postcode": "SW1A 1AA", "uprn": "1e5"},
            "uprn",
            "Enter a UPRN using numbers only",
            "invalid_format",
        ),
        (
            {"postcode": "SW1A 1AA", "usrn": 0},
            "usrn",
            "USRN must be between 1 and 99999999",
            "invalid_component",
        ),
        (
            {"postcode": "SW1A 1AA", "ni_number": "QQ123456C"},
            "ni_number",
            "Enter a National Insurance number in the correct format",
            "invalid_component",
        ),
    ],
)
def test_errors_carry_our_message_and_code(
    data: dict[str, object], loc: str, message: str, code: str
) -> None:
    with pytest.raises(PydanticValidationError) as caught:
        Resident.model_validate(data)
    (error,) = caught.value.errors()
    assert error["loc"] == (loc,)
    assert error["msg"] == message
    assert error["type"] == code


def test_json_input_errors_too() -> None:
    with pytest.raises(PydanticValidationError) as caught:
        Resident.model_validate_json('{"postcode": "SW1\\u0410 1AA"}')
    assert caught.value.errors()[0]["msg"] == "Enter a full UK postcode"


def test_postcode_type_flags() -> None:
    both = TypeAdapter(postcode_type(bfpo=True, overseas=True))
    assert both.validate_python("bf1 3aa") == "BF1 3AA"
    assert both.validate_python("stHL1zz") == "STHL 1ZZ"
    with pytest.raises(PydanticValidationError):
        TypeAdapter(Postcode).validate_python("STHL 1ZZ")


def _serialization_pattern(annotated: Any) -> re.Pattern[str]:
    schema = TypeAdapter(annotated).json_schema(mode="serialization")
    return re.compile(schema["pattern"])


def test_json_schemas() -> None:
    schema = Resident.model_json_schema()
    assert "pattern" not in schema["properties"]["postcode"]  # input is tidied
    assert schema["properties"]["postcode"]["description"].startswith("A UK postcode")
    out = Resident.model_json_schema(mode="serialization")["properties"]
    assert out["postcode"]["pattern"].startswith("^")
    uprn_schema = TypeAdapter(UPRN).json_schema(mode="serialization")
    assert (uprn_schema["type"], uprn_schema["minimum"], uprn_schema["maximum"]) == (
        "integer",
        1,
        999_999_999_999,
    )
    assert TypeAdapter(USRN).json_schema()["anyOf"][0]["maximum"] == 99_999_999
    json.dumps(schema)


_POSTCODE = _serialization_pattern(Postcode)
_POSTCODE_ALL = _serialization_pattern(postcode_type(bfpo=True, overseas=True))
_NINO = _serialization_pattern(NINumber)


@settings(max_examples=50)
@given(postcodes())
def test_postcode_pattern_matches_canonical(value: str) -> None:
    assert _POSTCODE.fullmatch(TypeAdapter(Postcode).validate_python(value.lower()))


@settings(max_examples=50)
@given(postcodes(bfpo=True, overseas=True))
def test_flagged_pattern_matches_canonical(value: str) -> None:
    assert _POSTCODE_ALL.fullmatch(value)


@settings(max_examples=50)
@given(ninos())
def test_nino_pattern_matches_canonical(value: str) -> None:
    assert _NINO.fullmatch(value)


def test_patterns_refuse() -> None:
    for bad in ("BF1 3AA", "QA1 1AA", "GX11 1AA", "STHL 1ZZ", "SW1A1AA", "sw1a 1aa"):
        assert not _POSTCODE.fullmatch(bad)
    for bad in ("QQ123456C", "TN123456A", "AB123456E", "AB 12 34 56 C"):
        assert not _NINO.fullmatch(bad)


@settings(max_examples=30)
@given(uprns(), usrns())
def test_numbers_serialise_as_ints(uprn_value: int, usrn_value: int) -> None:
    resident = Resident(postcode="M1 1AE", uprn=str(uprn_value), usrn=str(usrn_value))
    data = json.loads(resident.model_dump_json())
    assert (data["uprn"], data["usrn"]) == (uprn_value, usrn_value)


def test_lazy_exports() -> None:
    assert identifiers.Postcode is types.Postcode
    assert "NINumber" in dir(identifiers)
    with pytest.raises(AttributeError):
        identifiers.NotAType  # noqa: B018


def test_identifier_modules_do_not_import_pydantic() -> None:
    code = (
        "import sys\n"
        "import lgds_components.identifiers.postcode\n"
        "from lgds_components.identifiers import nino, uprn, usrn\n"
        "assert nino.is_valid('AB123456C')\n"
        "heavy = {'pydantic', 'pydantic_core'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
