"""Limits stated inside ``allOf``/``$ref`` reach the error message.

A ``maxLength`` (or ``maximum``, ``minItems``...) that a field takes from an
``allOf`` entry is checked by jsonschema; the message must show that entry's
limit instead of failing to fill ``{max}`` in.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.forms import Form

DEFS = {"short": {"type": "string", "maxLength": 5}}


def _message(field: dict[str, Any], answer: str) -> str:
    form = Form.from_schema({
        "type": "object",
        "$defs": DEFS,
        "properties": {"name": {**field, "x-lgds": {"label": "Name"}}},
    })
    result = form.validate({"name": answer})
    assert not result.is_valid
    return result.errors[0].message


@pytest.mark.parametrize(("field", "answer", "message"), [
    ({"allOf": [{"type": "string"}, {"maxLength": 3}]}, "abcdef",
     "Name must be 3 characters or less"),
    ({"type": "string", "allOf": [{"minLength": 4}]}, "ab",
     "Name must be 4 characters or more"),
    ({"type": "string", "maxLength": 10, "allOf": [{"maxLength": 3}]}, "abcdef",
     "Name must be 3 characters or less"),
    ({"allOf": [{"$ref": "#/$defs/short"}]}, "abcdefgh",
     "Name must be 5 characters or less"),
    ({"$ref": "#/$defs/short"}, "abcdefgh", "Name must be 5 characters or less"),
])
def test_a_limit_from_a_nested_schema_is_the_one_the_message_shows(
    field: dict[str, Any], answer: str, message: str
) -> None:
    assert _message(field, answer) == message


@given(limit=st.integers(min_value=0, max_value=50), extra=st.integers(min_value=1, max_value=20))
def test_any_nested_max_length_gives_a_message_naming_it(limit: int, extra: int) -> None:
    message = _message({"type": "string", "allOf": [{"maxLength": limit}]}, "x" * (limit + extra))
    assert f" {limit} character" in message
