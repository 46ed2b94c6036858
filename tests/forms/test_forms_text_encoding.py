"""Answers that hold a lone surrogate (possible in a JSON body) are a field error."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.forms import Form
from lgds_components.forms.formats import known_formats
from lgds_components.forms.normalise import FieldProblem, name, text

TEXT_INPUTS = {
    "summary": {"type": "string"},
    "details": {"type": "string", "x-lgds": {"input": "textarea"}},
    "full_name": {"type": "string", "x-lgds": {"input": "name"}},
}
FORMATS = {f"f_{fmt.replace('-', '_')}": {"type": "integer" if fmt == "money-gbp" else "string",
                                         "format": fmt}
           for fmt in sorted(known_formats()) if fmt != "date"}
FORM = Form.from_schema({"type": "object", "properties": {**TEXT_INPUTS, **FORMATS}})


@pytest.mark.parametrize("answer", ["ab\ud800cd", "\udfff", "x" * 3000 + "\udc80",
                                    "caf\u00e9 \ud83d\ude00"])  # a pair, but as two code points
@pytest.mark.parametrize("field", sorted(TEXT_INPUTS))
def test_a_lone_surrogate_in_a_text_answer_is_a_field_error(field: str, answer: str) -> None:
    result = FORM.validate({field: answer})
    assert [(e.field, e.code) for e in result.errors] == [(field, "format")]
    assert field not in result.data


def test_every_answer_kept_can_be_encoded_and_stored() -> None:
    post = dict.fromkeys([*TEXT_INPUTS, *FORMATS], "a\ud800b@example.com")
    result = FORM.validate(post)
    assert sorted(e.field for e in result.errors) == sorted(post)
    json.dumps(result.data, ensure_ascii=False, default=str).encode("utf-8")


def test_a_json_body_with_an_escaped_surrogate_is_refused() -> None:
    post = json.loads('{"summary": "ab\\ud800cd", "full_name": "Sia\\u0302n \\ud83d\\ude00"}')
    result = FORM.validate(post)
    assert [e.field for e in result.errors] == ["summary"]
    assert result.data["full_name"] == "Siân 😀"  # an escaped pair is one real character


@given(st.text(st.characters(exclude_categories=()))  # surrogates too
       | st.builds("{}\ud800{}".format, st.text(), st.text()))
def test_text_never_returns_what_cannot_be_encoded(value: str) -> None:
    for normalise in (text, name):
        try:
            cleaned = normalise(value)
        except FieldProblem as problem:
            assert problem.code == "format"
            continue
        if cleaned is not None:
            cleaned.encode("utf-8")
