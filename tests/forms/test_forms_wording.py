"""Labels, message subjects and nouns kept apart; options from oneOf and x-lgds.options."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.forms import Form, FormSchemaError
from lgds_components.forms.wording import reads_badly, subject_of


def one_field(field: dict[str, Any], **top: Any) -> Form:
    return Form.from_schema({"type": "object", "properties": {"answer": field}, **top})


def messages(form: Form, post: dict[str, Any]) -> list[str]:
    return [error.message for error in form.validate(post).errors]


def test_optional_is_not_part_of_the_subject() -> None:
    form = one_field({"type": "string", "maxLength": 5,
                      "x-lgds": {"input": "textarea", "label": "Tell us more (optional)"}})
    assert form.field("answer").label == "Tell us more (optional)"
    assert messages(form, {"answer": "abcdefg"}) == ["Tell us more must be 5 characters or less"]


def test_a_question_with_a_noun_takes_its_subject_from_the_noun() -> None:
    form = one_field({"type": "string", "format": "date", "x-lgds": {
        "label": "What is your date of birth?", "noun": "your date of birth",
        "date": {"when": "past"}}}, required=["answer"])
    assert messages(form, {}) == ["Enter your date of birth"]
    assert messages(form, {"answer-day": "31", "answer-month": "2", "answer-year": "1990"}) == [
        "Date of birth must be a real date"]


def test_an_explicit_subject_wins() -> None:
    form = one_field({"type": "integer", "maximum": 3, "x-lgds": {
        "label": "How many bins do you need?", "noun": "how many bins you need",
        "subject": "Number of bins"}})
    assert messages(form, {"answer": "4"}) == ["Number of bins must be 3 or fewer"]


def test_a_question_without_a_noun_loses_its_question_mark() -> None:
    form = one_field({"enum": ["a"], "x-lgds": {"label": "Which bin?"}}, required=["answer"])
    assert messages(form, {}) == ["Select which bin"]


def test_oneof_consts_give_option_text_and_compile_to_an_enum() -> None:
    form = one_field({"type": "integer", "oneOf": [
        {"const": 1, "title": "One bin"}, {"const": 2, "title": "Two bins"}]})
    field = form.field("answer")
    assert field.input == "radios" and not field.residual
    assert [(o.value, o.text) for o in field.choices] == [("1", "One bin"), ("2", "Two bins")]
    assert form.validate({"answer": "2"}).data == {"answer": 2}
    assert messages(form, {"answer": "3"}) == ["Select answer"]


def test_oneof_with_more_than_consts_is_left_to_jsonschema() -> None:
    form = one_field({"type": "array", "items": {"anyOf": [
        {"const": "a", "title": "A"}, {"const": "b", "title": "B", "deprecated": True}]}})
    field = form.field("answer")
    assert field.input == "checkboxes" and field.residual
    assert form.validate({"answer": ["b", "a"]}).data == {"answer": ["b", "a"]}


def test_options_must_name_real_values() -> None:
    with pytest.raises(FormSchemaError) as caught:
        one_field({"enum": ["a", "b"], "x-lgds": {"options": {"c": "C"}}})
    assert [str(p) for p in caught.value.problems] == [
        "#/properties/answer/x-lgds/options: x-lgds.options names 'c', which is not one of "
        "the field's values ('a', 'b')"]
    with pytest.raises(FormSchemaError, match="did you mean 'text'"):
        one_field({"enum": ["a"], "x-lgds": {"options": {"a": {"txt": "A"}}}})


def test_boolean_radios_say_yes_and_no() -> None:
    form = one_field({"type": "boolean"})
    assert [(o.value, o.text, o.text_in("cy")) for o in form.field("answer").choices] == [
        ("true", "Yes", "Ie"), ("false", "No", "Na")]


@given(st.text(alphabet=st.sampled_from("ab ?:(optional)？\t"), max_size=40) | st.text())
def test_a_derived_subject_never_ends_in_a_question_mark_or_optional(label: str) -> None:
    subject = subject_of(label)
    assert isinstance(reads_badly(label), bool)
    if subject != label.strip():  # something was taken off
        assert subject == subject.strip()
        assert not subject.endswith(("?", ":", "？"))
        assert not subject.casefold().endswith(("(optional)", "(dewisol)"))
