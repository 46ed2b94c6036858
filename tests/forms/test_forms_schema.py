"""Load-time checks: a broken form never loads, and the error says where it is broken."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from lgds_components.errors import ConfigurationError
from lgds_components.forms import Form, FormSchemaError
from lgds_components.forms.schema import (
    FIELD_EXTENSION,
    FORM_EXTENSION,
    check,
    pointer,
    read_schema,
    registry,
)


def form_with(field: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"answer": field}, **top}


def problems(schema: Any) -> list[str]:
    with pytest.raises(FormSchemaError) as caught:
        Form.from_schema(schema)
    assert isinstance(caught.value, ConfigurationError)
    return [str(p) for p in caught.value.problems]


def test_misspelled_extension_key_names_the_field_path() -> None:
    found = problems(form_with({"type": "string", "x-lgds": {"lable": "Name"}}))
    assert found == [
        "#/properties/answer/x-lgds/lable: unknown x-lgds key 'lable' (did you mean 'label'?)"
    ]


def test_misspelled_extension_name_is_refused() -> None:
    found = problems(form_with({"type": "string", "x-lgsd": {"label": "Name"}}))
    assert found == [
        "#/properties/answer/x-lgsd: unknown extension key 'x-lgsd' (did you mean 'x-lgds'?); "
        "the only extension is 'x-lgds'"
    ]


def test_misspelled_nested_extension_keys_are_found() -> None:
    field = {
        "type": "string",
        "format": "date",
        "x-lgds": {"date": {"whne": "past"}, "cy": {"lable": "Dyddiad"}},
    }
    found = problems(form_with(field))
    assert (
        "#/properties/answer/x-lgds/date/whne: unknown x-lgds key 'whne' (did you mean 'when'?)"
        in found
    )
    assert (
        "#/properties/answer/x-lgds/cy/lable: unknown x-lgds key 'lable' (did you mean 'label'?)"
        in found
    )


def test_form_level_extension_is_checked_too() -> None:
    found = problems(form_with({"type": "string"}, **{"x-lgds": {"page": [{"id": "a"}]}}))
    assert found == ["#/x-lgds/page: unknown x-lgds key 'page' (did you mean 'pages'?)"]
    found = problems(
        form_with({"type": "string"}, **{"x-lgds": {"pages": [{"id": "a", "titel": "A"}]}})
    )
    assert found == ["#/x-lgds/pages/0/titel: unknown x-lgds key 'titel' (did you mean 'title'?)"]


def test_wrong_extension_value_types_come_from_the_meta_schema() -> None:
    found = problems(form_with({"type": "string", "x-lgds": {"input": "dropdown", "label": 3}}))
    assert any(
        p.startswith("#/properties/answer/x-lgds/input: 'dropdown' is not one of") for p in found
    )
    assert any(
        p.startswith("#/properties/answer/x-lgds/label: 3 is not of type 'string'") for p in found
    )


def test_unknown_format_is_refused_with_a_suggestion() -> None:
    found = problems(form_with({"type": "string", "format": "uk-postcod"}))
    assert len(found) == 1
    assert found[0].startswith(
        "#/properties/answer/format: unknown format 'uk-postcod' (did you mean 'uk-postcode'?)"
    )


def test_unknown_format_deep_inside_a_schema_is_refused() -> None:
    schema = form_with({"type": "string"}, **{"$defs": {"x": {"format": "telephone"}}})
    assert problems(schema)[0].startswith("#/$defs/x/format: unknown format 'telephone'")


@pytest.mark.parametrize(
    "ref", ["https://example.com/postcode.json", "other.json#/x", "//example.com/x", "urn:uuid:x"]
)
def test_remote_ref_is_refused_at_load(ref: str) -> None:
    found = problems(form_with({"$ref": ref}))
    assert found == [
        f"#/properties/answer/$ref: remote $ref {ref!r} refused: a form may refer only to its "
        'own definitions ("#/$defs/...")'
    ]


def test_dangling_local_ref_is_refused() -> None:
    assert problems(form_with({"$ref": "#/$defs/nothing"})) == [
        "#/properties/answer/$ref: $ref '#/$defs/nothing' points to nothing in this schema"
    ]


def test_local_refs_and_anchors_resolve() -> None:
    schema = form_with(
        {"$ref": "#postcode", "x-lgds": {"label": "Postcode"}},
        **{"$defs": {"pc": {"$anchor": "postcode", "type": "string", "format": "uk-postcode"}}},
    )
    form = Form.from_schema(schema)
    assert form.field("answer").format == "uk-postcode"
    assert form.validate({"answer": "sw1a1aa"}).data == {"answer": "SW1A 1AA"}


def test_registry_never_retrieves() -> None:
    validator = Draft202012Validator({"$ref": "https://example.com/x.json"}, registry=registry())
    with pytest.raises(Unresolvable):
        validator.is_valid("anything")


def test_nested_id_is_refused() -> None:
    found = problems(form_with({"$id": "https://example.com/field", "type": "string"}))
    assert found == ["#/properties/answer/$id: $id is allowed only at the root of a form schema"]


def test_unknown_and_old_keywords_are_refused() -> None:
    found = problems(form_with({"type": "string", "maxLenght": 5}, definitions={}))
    assert (
        "#/properties/answer/maxLenght: unknown keyword 'maxLenght' (did you mean 'maxLength'?)"
        in found
    )
    assert "#/definitions: unknown keyword 'definitions' (Draft 2020-12 calls it '$defs')" in found


def test_meta_schema_errors_are_reported_with_their_path() -> None:
    found = problems(form_with({"type": "string", "maxLength": "5"}))
    assert found == ["#/properties/answer/maxLength: '5' is not of type 'integer'"]


def test_every_problem_is_reported_at_once() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string", "format": "uk-postcod"},
            "b": {"type": "string", "x-lgds": {"hnit": "x"}},
            "c": {"$ref": "https://example.com/c.json"},
        },
    }
    with pytest.raises(FormSchemaError) as caught:
        Form.from_schema(schema)
    assert len(caught.value.problems) == 3
    assert str(caught.value).startswith("the form schema has 3 problems:\n  #/properties/a/format")


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ([], "#: a form schema must be a JSON object"),
        (
            {"type": "array", "properties": {"a": {}}},
            '#/type: a form schema must have "type": "object"',
        ),
        (
            {"type": "object", "properties": {}},
            "#/properties: a form needs at least one field in properties",
        ),
        (
            {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "type": "object",
                "properties": {"a": {}},
            },
            "#/$schema: forms use JSON Schema Draft 2020-12",
        ),
    ],
)
def test_form_shape(schema: Any, expected: str) -> None:
    assert any(p.startswith(expected) for p in problems(schema))


def test_message_overrides_are_checked() -> None:
    field = {
        "type": "string",
        "maxLength": 5,
        "x-lgds": {
            "messages": {
                "maxLenght": "Too long",
                "required": "Enter {nuon}",
                "pattern": "{label!r}",
            }
        },
    }
    found = problems(form_with(field))
    assert any(
        "messages/maxLenght: unknown message key 'maxLenght' (did you mean 'maxLength'?)" in p
        for p in found
    )
    assert any(
        "messages/required: unknown placeholder {nuon} (did you mean 'noun'?)" in p for p in found
    )
    assert any("messages/pattern: unsupported placeholder" in p for p in found)


def test_impossible_date_rule_is_refused() -> None:
    field = {"type": "string", "format": "date", "x-lgds": {"date": {"after": "2026-02-30"}}}
    assert problems(form_with(field)) == [
        "#/properties/answer/x-lgds/date/after: '2026-02-30' is not a real date"
    ]


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (
            {"type": "string", "x-lgds": {"input": "date"}},
            'a date input needs "type": "string" and "format": "date"',
        ),
        (
            {"type": "string", "format": "date", "x-lgds": {"input": "text"}},
            '"format": "date" fields use the date input',
        ),
        ({"type": "string", "format": "money-gbp"}, 'a money input needs "type": "integer"'),
        (
            {"type": "integer", "x-lgds": {"input": "money"}},
            'a money input needs "type": "integer" and "format": "money-gbp"',
        ),
        (
            {"type": "string", "x-lgds": {"input": "number"}},
            'a number input needs "type": "integer" or "number"',
        ),
        ({"type": "string", "x-lgds": {"input": "radios"}}, "a radios input needs an enum"),
        (
            {"type": "array", "items": {"type": "string"}},
            'a checkboxes input needs "type": "array" and "items" with an enum',
        ),
        (
            {"type": "integer", "x-lgds": {"input": "text"}},
            "a text input holds text; its type cannot be integer",
        ),
        ({"type": "string", "pattern": "(["}, "not a regex"),
        (True, "a field's schema must be an object"),
    ],
)
def test_fields_that_cannot_work_are_refused(field: Any, expected: str) -> None:
    found = problems(form_with(field))
    assert any(p.startswith("#/properties/answer") and expected in p for p in found), found


def test_page_problems() -> None:
    schema = {
        "type": "object",
        "x-lgds": {"pages": [{"id": "one"}]},
        "properties": {
            "a": {"type": "string", "x-lgds": {"page": "one"}},
            "b": {"type": "string", "x-lgds": {"page": "two"}},
            "c": {"type": "string"},
        },
    }
    found = problems(schema)
    assert "#/properties/b/x-lgds/page: page 'two' is not in x-lgds.pages (one)" in found
    assert "#/properties/c/x-lgds: the form has pages, so this field needs one of: one" in found


def test_duplicate_ids_and_unknown_required_names() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string", "x-lgds": {"id": "a"}}},
        "required": ["a", "c"],
    }
    found = problems(schema)
    assert "#/required: 'c' is required but is not a field" in found
    assert "#/properties/b/x-lgds/id: id 'a' is already used by 'a'" in found


def test_bilingual_form_needs_welsh_labels() -> None:
    schema = form_with({"type": "string"}, **{"x-lgds": {"languages": ["en", "cy"]}})
    assert problems(schema) == [
        '#/properties/answer/x-lgds: the form is bilingual ("languages" has "cy") but this field '
        'has no Welsh label ("cy": {"label": ...})'
    ]


def test_check_returns_a_private_copy() -> None:
    schema = form_with({"type": "string", "maxLength": 5})
    owned = check(schema)
    owned["properties"]["answer"]["maxLength"] = 1
    assert schema["properties"]["answer"]["maxLength"] == 5
    form = Form.from_schema(schema)
    schema["properties"]["answer"]["maxLength"] = 1
    assert form.validate({"answer": "abcde"}).is_valid


def test_read_schema_errors(tmp_path: Path) -> None:
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{", encoding="utf-8")
    with pytest.raises(FormSchemaError, match="is not JSON"):
        read_schema(bad_json)
    array = tmp_path / "array.json"
    array.write_text("[]", encoding="utf-8")
    with pytest.raises(FormSchemaError, match="must hold a JSON object"):
        Form.from_file(array)
    with pytest.raises(FormSchemaError, match="cannot read"):
        read_schema(tmp_path / "missing.json")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(form_with({"type": "string"})), encoding="utf-8")
    assert Form.from_file(good).field("answer").input == "text"


def test_extension_meta_schemas_are_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(FIELD_EXTENSION)
    Draft202012Validator.check_schema(FORM_EXTENSION)


def test_pointer_escapes() -> None:
    assert pointer() == "#"
    assert pointer("properties", "a~b/c") == "#/properties/a~0b~1c"


def test_example_schemas_load(garden_waste: Form, missed_bin: Form) -> None:
    assert [page.id for page in garden_waste.pages] == [
        "about-you",
        "address",
        "subscription",
        "direct-debit",
    ]
    assert garden_waste.languages == ("en", "cy")
    assert missed_bin.pages == ()
    assert repr(missed_bin) == "<Form 'Report a missed bin collection' with 7 fields>"
