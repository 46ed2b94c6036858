"""The options of radios, checkboxes and selects: what is posted, stored and shown.

A choice field's options come from its schema, in the order given:

* ``enum`` (for checkboxes, ``items.enum``): each value is posted and shown as
  it is written;
* ``oneOf`` or ``anyOf`` of ``const`` (for checkboxes, under ``items``), JSON
  Schema's own way to give each value a ``title`` (the text shown) and a
  ``description`` (its hint);
* ``const``, or ``"type": "boolean"`` (Yes and No).

``x-lgds.options`` gives, or replaces, each option's text and hint, and their
Welsh, keyed by the posted value: ``{"garden": {"text": "Garden waste",
"hint": "Brown bin", "cy": {"text": "Gwastraff gardd"}}}``, or just
``{"garden": "Garden waste"}``.

>>> schema = {"type": "string", "oneOf": [
...     {"const": "rubbish", "title": "Rubbish", "description": "Black bin"},
...     {"const": "recycling", "title": "Recycling"}]}
>>> [(o.value, o.text, o.hint) for o in options_of(schema, "radios", {})]
[('rubbish', 'Rubbish', 'Black bin'), ('recycling', 'Recycling', None)]
>>> [o.text for o in options_of({"type": "boolean"}, "radios", {})]
['Yes', 'No']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

__all__ = ["Option", "const_branches", "option_problems", "options_of", "posted_text"]

_YES_NO = {"en": ("Yes", "No"), "cy": ("Ie", "Na")}


@attrs.frozen(slots=True)
class Option:
    """One option of a choice field.

    Attributes:
        value: the text posted for it (``"garden"``, ``"2"``, ``"true"``).
        data: the value stored: the ``enum`` or ``const`` value itself.
        text: what the option says.
        hint: the option's hint, if any.
        welsh: the Welsh ``(text, hint)``, if given.
    """

    value: str
    data: object
    text: str
    hint: str | None = None
    welsh: tuple[str, str | None] | None = None

    def text_in(self, lang: str) -> str:
        """The option's text in ``lang`` (English when there is no Welsh)."""
        return self.welsh[0] if lang == "cy" and self.welsh else self.text

    def hint_in(self, lang: str) -> str | None:
        """The option's hint in ``lang``."""
        if lang == "cy" and self.welsh:
            return self.welsh[1]
        return self.hint


def posted_text(value: object) -> str | None:
    """The text a browser posts for a choice value: strings as they are, numbers
    as written, ``true``/``false`` for booleans; ``None`` for anything else.

    >>> posted_text(True), posted_text(2), posted_text(2.5), posted_text("a"), posted_text(None)
    ('true', '2', '2.5', 'a', None)
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(value, "g")
    return None


def const_branches(schema: Mapping[str, Any]) -> list[Mapping[str, Any]] | None:
    """The branches of a ``oneOf``/``anyOf`` whose every branch has a ``const``, or ``None``."""
    for keyword in ("oneOf", "anyOf"):
        branches = schema.get(keyword)
        if (isinstance(branches, list) and branches
                and all(isinstance(b, Mapping) and "const" in b for b in branches)):
            return branches
    return None


def _declared(schema: Mapping[str, Any], field_input: str) -> list[tuple[object, Any, Any]]:
    """``(value, title, description)`` for each option the schema declares."""
    if field_input == "checkboxes":
        items = schema.get("items")
        schema = items if isinstance(items, Mapping) else {}
    branches = const_branches(schema)
    if branches is not None:
        return [(b["const"], b.get("title"), b.get("description")) for b in branches]
    if isinstance(schema.get("enum"), list):
        return [(value, None, None) for value in schema["enum"]]
    if "const" in schema:
        return [(schema["const"], None, None)]
    declared = schema.get("type")
    if declared == "boolean" or declared == ["boolean"]:
        return [(True, None, None), (False, None, None)]
    return []


def _words(given: Any) -> tuple[str | None, str | None]:
    if isinstance(given, str):
        return given, None
    if isinstance(given, Mapping):
        return given.get("text"), given.get("hint")
    return None, None


def options_of(
    schema: Mapping[str, Any], field_input: str, extension: Mapping[str, Any]
) -> tuple[Option, ...]:
    """The options of a choice field, in schema order (see the module notes).

    Values that cannot be posted (``null``, objects) and repeats are left out.
    """
    given: Mapping[str, Any] = extension.get("options") or {}
    found: dict[str, Option] = {}
    for value, title, description in _declared(schema, field_input):
        posted = posted_text(value)
        if posted is None or posted in found:
            continue
        text, hint = _words(given.get(posted))
        if isinstance(value, bool):
            default = _YES_NO["en"][0 if value else 1]
        else:
            default = posted
        welsh = None
        welsh_given = given.get(posted, {}).get("cy") if isinstance(given.get(posted),
                                                                    Mapping) else None
        if isinstance(welsh_given, Mapping) and welsh_given.get("text"):
            welsh = (welsh_given["text"], welsh_given.get("hint"))
        elif isinstance(value, bool):
            welsh = (_YES_NO["cy"][0 if value else 1], None)
        found[posted] = Option(
            value=posted, data=value,
            text=text or (title if isinstance(title, str) and title else default),
            hint=hint or (description if isinstance(description, str) else None),
            welsh=welsh,
        )
    return tuple(found.values())


def option_problems(options: Sequence[Option], extension: Mapping[str, Any]) -> list[str]:
    """What is wrong with a field's ``x-lgds.options``: keys that are not options."""
    given = extension.get("options")
    if not isinstance(given, Mapping):
        return []
    known = {option.value for option in options}
    listed = ", ".join(repr(option.value) for option in options) or "none"
    return [
        f"x-lgds.options names {key!r}, which is not one of the field's values ({listed})"
        for key in given if key not in known
    ]
