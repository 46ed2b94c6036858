"""Hypothesis: arbitrary posts never raise, and compiled rules agree with jsonschema."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from lgds_components.forms import Form
from lgds_components.forms.fields import _compile, json_equal
from lgds_components.forms.formats import format_checker
from lgds_components.forms.messages import catalogue
from tests.forms.forms_support import TODAY

# -- arbitrary posts -------------------------------------------------------

huge = st.sampled_from(
    [
        "9" * 100_000,
        "a" * 100_000,
        "\u0301" * 100_000,
        " " * 100_000,
        "£" * 100_000,
        "\x00" * 100_000,
    ]
)
scalars = st.one_of(
    st.text(), huge, st.none(), st.integers(), st.floats(), st.booleans(), st.binary(max_size=10)
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)


def keys_of(form: Form) -> list[str]:
    return [key for field in form.fields for key in field.keys()] + ["unrelated"]


def posts(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys_of(form)), values, max_size=len(keys_of(form)))


def check_result(form: Form, post: dict[str, Any], lang: str, page: str | None = None) -> None:
    result = form.validate(post, page, lang, today=TODAY)
    names = {field.name for field in form.page_fields(page)}
    assert result.is_valid == (not result.errors)
    seen = set()
    for error in result.errors:
        assert error.field in names and error.field not in seen
        seen.add(error.field)
        assert error.code in catalogue(lang)
        assert error.href.startswith("#") and error.message and "{" not in error.message
        assert error.field not in result.data
    if result.is_valid:
        assert set(result.data) == names
    summary = result.error_summary()
    assert summary["errorList"] == [{"text": e.message, "href": e.href} for e in result.errors]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["en", "cy"]))
def test_arbitrary_garden_waste_posts_give_a_result(
    garden_waste: Form, data: st.DataObject, lang: str
) -> None:
    post = data.draw(posts(garden_waste))
    check_result(garden_waste, post, lang)
    check_result(garden_waste, post, lang, page="direct-debit")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_arbitrary_missed_bin_posts_give_a_result(missed_bin: Form, data: st.DataObject) -> None:
    check_result(missed_bin, data.draw(posts(missed_bin)), "en")


class ListPost:
    """A multidict whose every key holds the drawn list."""

    def __init__(self, values: list[Any]) -> None:
        self.values = values

    def getlist(self, key: str) -> list[Any]:
        return list(self.values)


@settings(max_examples=40, deadline=None)
@given(st.lists(scalars, max_size=4))
def test_arbitrary_multidicts_give_a_result(garden_waste: Form, items: list[Any]) -> None:
    result = garden_waste.validate(ListPost(items), today=TODAY)
    assert isinstance(result.errors, tuple)


# -- compiled checks agree with jsonschema ----------------------------------

FIELD_SCHEMAS: list[dict[str, Any]] = [
    {"type": "string", "minLength": 2, "maxLength": 5},
    {"type": "string", "pattern": "^[A-Z][a-z]*$"},
    {"type": "string", "enum": ["a", "b", "1"]},
    {"type": "integer", "minimum": 1, "maximum": 5},
    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10.5},
    {"type": ["integer", "null"], "const": 3},
    {
        "type": "array",
        "items": {"enum": ["a", "b", 1]},
        "minItems": 1,
        "maxItems": 2,
        "uniqueItems": True,
    },
    {"type": "string", "format": "uk-postcode"},
    {"type": "string", "format": "date"},
    {"type": "string", "format": "ipv4"},
    {"enum": [1, True, "1", None, [1]]},
]

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-10, 20),
        st.floats(-10, 20, allow_nan=False),
        st.text(max_size=6),
        st.sampled_from(["SW1A 1AA", "2026-02-28", "2026-02-30", "a", "b", "1", "10.0.0.1", "Ab"]),
    ),
    lambda children: st.lists(children, max_size=3),
    max_leaves=5,
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(range(len(FIELD_SCHEMAS))), json_values)
def test_compiled_checks_agree_with_jsonschema(index: int, value: Any) -> None:
    schema = FIELD_SCHEMAS[index]
    validator = Draft202012Validator(schema, format_checker=format_checker())
    checks = _compile(schema, test_mode=False, skip_format=False)
    compiled_ok = all(passes(value) for _, passes in checks)
    assert compiled_ok == validator.is_valid(value), (schema, value)


@given(json_values, json_values)
def test_json_equal_matches_jsonschema_const(one: Any, two: Any) -> None:
    assert json_equal(one, two) == Draft202012Validator({"const": one}).is_valid(two)
