"""Every identifier type's JSON Schema examples are values the type itself accepts.

Swagger UI's "Try it out" sends the validation-mode example; a type that
refused it (the phone types once offered Ofcom drama numbers) made the first
request anyone tried fail. The serialization-mode example must be what the
type makes of it, and match the schema's pattern.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from lgds_components.identifiers import money_type, phone_type, postcode_type, types

NAMED = sorted(name for name in types.__all__ if name[0].isupper() and name != "IdentifierCheck")


def check_examples(annotated: Any) -> None:
    adapter = TypeAdapter(annotated)
    accepted = adapter.json_schema(mode="validation")
    produced = adapter.json_schema(mode="serialization")
    assert accepted["examples"] and produced["examples"]
    canonical = [adapter.dump_python(adapter.validate_python(e)) for e in accepted["examples"]]
    for example in produced["examples"]:
        assert adapter.validate_python(example) == example, "not its own canonical form"
        assert example in canonical, f"{example!r} is not what the input examples give"
        if "pattern" in produced:
            assert re.fullmatch(produced["pattern"], example), (example, produced["pattern"])
        assert produced.get("minimum", example) <= example <= produced.get("maximum", example)


@pytest.mark.parametrize("name", NAMED)
def test_examples_are_accepted(name: str) -> None:
    check_examples(getattr(types, name))


def test_phone_examples_are_not_drama_numbers() -> None:
    # the regression: "07700 900 982" is an Ofcom drama number, refused by default
    for annotated in (types.PhoneNumber, types.MobileNumber):
        schema = TypeAdapter(annotated).json_schema(mode="validation")
        assert "07700 900 982" not in schema["examples"]
        check_examples(annotated)


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(["any", "mobile", "landline"]), allow_drama=st.booleans(),
       international=st.booleans())
def test_every_phone_type_accepts_its_examples(
    kind: Any, allow_drama: bool, international: bool
) -> None:
    check_examples(phone_type(kind=kind, allow_drama=allow_drama, international=international))


@settings(max_examples=60, deadline=None)
@given(allow_negative=st.booleans(),
       low=st.none() | st.integers(-10**9, 10**9), high=st.none() | st.integers(-10**9, 10**9))
def test_every_money_type_accepts_its_examples(
    allow_negative: bool, low: int | None, high: int | None
) -> None:
    if low is not None and high is not None and low > high:
        low, high = high, low
    if not allow_negative and high is not None and high < 0:
        high = None  # no amount at all would be allowed
    check_examples(money_type(allow_negative=allow_negative, min=low, max=high))


@pytest.mark.parametrize(("bfpo", "overseas"), [(False, False), (True, False), (False, True),
                                                (True, True)])
def test_every_postcode_type_accepts_its_examples(bfpo: bool, overseas: bool) -> None:
    check_examples(postcode_type(bfpo=bfpo, overseas=overseas))


def test_money_type_with_no_possible_amount_is_a_configuration_error() -> None:
    from lgds_components.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="min"):
        money_type(min=500, max=100)
