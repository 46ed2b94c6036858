"""Schemas that would never finish or would exhaust the stack are refused when loaded."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from lgds_components.cli import main
from lgds_components.forms import Form, FormSchemaError
from lgds_components.forms.schema import MAX_DEPTH, deep_place, read_schema


def form(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, **extra}


def problems(schema: Any) -> list[str]:
    with pytest.raises(FormSchemaError) as caught:
        Form.from_schema(schema)
    return [str(problem) for problem in caught.value.problems]


def nested_all_of(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": 1}
    for _ in range(levels):
        schema = {"allOf": [schema]}
    return schema


@pytest.mark.parametrize(
    ("schema", "where", "route"),
    [
        (form({"a": {"$ref": "#/$defs/x"}},
              **{"$defs": {"x": {"$ref": "#/$defs/y"}, "y": {"$ref": "#/$defs/x"}}}),
         "#/$defs/x/$ref", "#/$defs/x -> #/$defs/y -> #/$defs/x"),
        (form({"a": {"$ref": "#/$defs/x"}}, **{"$defs": {"x": {"$ref": "#/$defs/x"}}}),
         "#/$defs/x/$ref", "#/$defs/x -> #/$defs/x"),
        (form({"a": {"allOf": [{"$ref": "#"}]}}), "#/properties/a/allOf/0/$ref",
         "#/properties/a/allOf/0 -> #"),
        (form({"a": {"$ref": "#/$defs/x"}}, **{"$defs": {
            "x": {"anyOf": [{"type": "string"}, {"not": {"$ref": "#/$defs/y"}}]},
            "y": {"if": {"$ref": "#/$defs/x"}}}}),
         "#/$defs/x/anyOf/1/not/$ref", "#/$defs/x/anyOf/1/not -> #/$defs/y -> #/$defs/x"),
        (form({"a": {"$ref": "#node"}}, **{"$defs": {
            "n": {"$anchor": "node", "allOf": [{"$ref": "#/$defs/m"}]},
            "m": {"oneOf": [{"$ref": "#node"}]}}}),
         "#/$defs/m/oneOf/0/$ref", "#/$defs/m/oneOf/0 -> #node -> #/$defs/m"),
        (form({"a": {"$ref": "#/$defs/a~1b"}}, **{"$defs": {"a/b": {"$ref": "#/$defs/a%7E1b"}}}),
         "#/$defs/a~1b/$ref", "#/$defs/a~1b -> #/$defs/a%7E1b"),
    ],
    ids=["two-defs", "self", "root", "through-applicators", "anchor", "escaped"],
)
def test_a_ref_loop_is_refused_at_load_naming_its_place(
    schema: dict[str, Any], where: str, route: str
) -> None:
    found = problems(schema)
    assert len(found) == 1
    assert found[0].startswith(f"{where}: this $ref leads back to itself ({route}")


def test_refs_without_a_loop_still_load() -> None:
    schema = form(
        {"a": {"$ref": "#/$defs/x"}, "b": {"$ref": "#/$defs/x"}, "c": {"$ref": "#postcode"}},
        **{"$defs": {"x": {"allOf": [{"$ref": "#/$defs/y"}, {"$ref": "#/$defs/y"}]},
                     "y": {"type": "string", "pattern": "^[a-e]*$"},
                     "p": {"$anchor": "postcode", "type": "string", "format": "uk-postcode"}}},
    )
    result = Form.from_schema(schema).validate({"a": "abcdef", "b": "abc", "c": "ex4 1aa"})
    assert [e.field for e in result.errors] == ["a"]
    assert result.data == {"b": "abc", "c": "EX4 1AA"}


def test_a_schema_nested_too_deep_is_refused_naming_where() -> None:
    found = problems(form({"a": nested_all_of(80)}))
    assert len(found) == 1
    where, message = found[0].split(": ", 1)
    assert where.startswith("#/properties/a/allOf/0/allOf/0/")
    assert where.count("/") == MAX_DEPTH
    assert message.startswith(f"nested more than {MAX_DEPTH} objects or arrays deep")


def test_nesting_anywhere_counts_and_a_self_containing_dict_is_refused() -> None:
    deep_default: Any = []
    for _ in range(100_000):
        deep_default = [deep_default]
    found = problems(form({"a": {"type": "array", "default": deep_default}}))
    assert "nested more than" in found[0]
    looped: dict[str, Any] = {"type": "string"}
    looped["allOf"] = [looped]
    assert "nested more than" in problems(form({"a": looped}))[0]


def call_with_frames_in_use(frames: int, work: Any) -> Any:
    return work() if frames <= 0 else call_with_frames_in_use(frames - 1, work)


def test_a_schema_at_the_depth_limit_works_deep_in_a_callers_stack() -> None:
    # root, properties, a: 3 levels; each allOf adds a list and an object
    schema = form({"a": nested_all_of((MAX_DEPTH - 3) // 2)}, required=["a"])

    def load_and_validate() -> list[str]:
        loaded = Form.from_schema(schema)
        return [e.code for e in loaded.validate({"a": ""}).errors]

    headroom = sys.getrecursionlimit() - 650  # a web framework's frames and more
    assert call_with_frames_in_use(headroom, load_and_validate) == ["missing"]


def test_deep_place_names_where_json_text_nests_too_deep() -> None:
    text = '{"type": "object", "properties": {"a\\"b": {"enum": [1, ' + "[" * 50 + "]" * 50 + "]}}}"
    place = deep_place(text)
    assert place[:5] == ("properties", 'a"b', "enum", 1, 0) and len(place) == MAX_DEPTH
    assert deep_place(json.dumps(form({"a": {"type": "string"}}))) == ()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"type": "object", "properties": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}",
         "#/properties/a/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0: nested"),
        ('{"type": "object", "properties": {"a": {"maxLength": ' + "9" * 5000 + "}}}",
         "not JSON: Exceeds the limit (4300 digits)"),
        ('{"type": "object", "properties": {"a": {"maximum": NaN}}}',
         "not JSON: NaN is not a JSON number"),
        ('{"type": "object", "properties": {"a": {"minimum": -Infinity}}}',
         "not JSON: -Infinity is not a JSON number"),
    ],
    ids=["deep", "huge-number", "nan", "infinity"],
)
def test_files_json_cannot_hold_are_refused(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "form.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormSchemaError) as caught:
        read_schema(path)
    assert says in str(caught.value)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("[" * 100_000 + "]" * 100_000, "#/0/0/0/0"),
        (json.dumps(form({"a": {"$ref": "#/$defs/x"}}, **{"$defs": {"x": {"$ref": "#/$defs/x"}}})),
         "#/$defs/x/$ref: this $ref leads back to itself"),
        (json.dumps(form({"a": nested_all_of(80)})), "nested more than 32"),
    ],
    ids=["deep-json", "loop", "deep-schema"],
)
def test_lgds_forms_check_gives_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, says: str
) -> None:
    path = tmp_path / "form.json"
    path.write_text(content, encoding="utf-8")
    code = main(["forms", "check", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and says in err, err
