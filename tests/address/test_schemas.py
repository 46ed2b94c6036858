"""Address and Match through pydantic: the schemas mirror the attrs classes and round-trip."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from lgds_components.address import Address, Gazetteer, Match
from lgds_components.address.schemas import AddressSchema, MatchSchema

COMPUTED = {"lines", "single_line"}


@pytest.mark.parametrize(("value", "schema"), [(Address, AddressSchema), (Match, MatchSchema)])
def test_schema_has_every_field_of_the_attrs_class(value: type, schema: type) -> None:
    # a field added to the attrs class must be added to its schema (or this fails)
    assert set(schema.model_fields) == {field.name for field in attrs.fields(value)}


def test_the_example_is_what_the_schema_makes_of_it() -> None:
    (example,) = AddressSchema.model_json_schema()["examples"]
    dumped = AddressSchema.model_validate(example).model_dump(mode="json")
    assert {key: dumped[key] for key in example} == example


text = st.text(max_size=40)
numbers = st.none() | st.integers(1, 99_999)
addresses = st.builds(
    Address,
    uprn=st.integers(1, 999_999_999_999),
    parent_uprn=st.none() | st.integers(1, 999_999_999_999),
    sao_start_number=numbers, sao_start_suffix=st.sampled_from(["", "a", "B"]), sao_text=text,
    pao_start_number=numbers, pao_end_number=numbers, pao_text=text, street=text, town=text,
    postcode=st.sampled_from(["", "EX4 1AA", "TR5 1EN"]), organisation=text,
    easting=st.none() | st.floats(0, 700_000), northing=st.none() | st.floats(0, 1_300_000),
    logical_status=st.sampled_from([1, 3, 6, 8]), language=st.sampled_from(["en", "cy"]),
    postal=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(addresses, st.floats(0, 1), text)
def test_json_round_trip(address: Address, score: float, reason: str) -> None:
    adapter = TypeAdapter(list[Match])
    matches = [Match(address, score, reason)]
    assert adapter.validate_json(adapter.dump_json(matches)) == matches
    dumped = adapter.dump_python(matches, mode="json")[0]
    assert dumped["uprn"] == address.uprn
    assert dumped["address"]["single_line"] == address.single_line()
    assert tuple(dumped["address"]["lines"]) == address.lines()


def test_sample_addresses_round_trip(lgds_gazetteer: Gazetteer) -> None:
    homes = lgds_gazetteer.by_postcode("TR5 1EN")
    adapter = TypeAdapter(list[Address])
    assert adapter.validate_json(adapter.dump_json(homes)) == homes


def test_an_address_instance_is_kept_as_it_is() -> None:
    address = Address(uprn=1, street="Mill Lane")
    assert TypeAdapter(Address).validate_python(address) is address


def test_input_goes_through_the_address_converters() -> None:
    address = TypeAdapter(Address).validate_python(
        {"uprn": "7", "street": "  Mill Lane ", "language": "CYM", "pao_start_suffix": "a",
         "lines": ["ignored"], "single_line": "ignored"})
    assert (address.uprn, address.street, address.language, address.pao_start_suffix) == (
        7, "Mill Lane", "cy", "A")


@pytest.mark.parametrize("bad", [{}, {"uprn": "abc"}, {"uprn": 1, "easting": "far"},
                                 {"uprn": 1, "postal": "perhaps"}, "not an address", 12, None])
def test_bad_input_is_a_pydantic_validation_error(bad: object) -> None:
    with pytest.raises(PydanticValidationError):
        TypeAdapter(Address).validate_python(bad)


def test_match_score_out_of_range_is_refused() -> None:
    with pytest.raises(PydanticValidationError):
        TypeAdapter(Match).validate_python({"address": {"uprn": 1}, "score": 1.5})


def test_json_schema_describes_the_output() -> None:
    schema = TypeAdapter(list[Match]).json_schema(mode="serialization")
    address = schema["$defs"]["AddressSchema"]
    assert COMPUTED <= set(address["required"])
    assert schema["$defs"]["MatchSchema"]["properties"]["score"]["maximum"] == 1.0
