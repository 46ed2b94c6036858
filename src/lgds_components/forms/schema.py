"""Load a form's JSON Schema and check it before it is ever used.

A form is a JSON Schema (Draft 2020-12) object schema whose properties are
the form's fields. Each field, and the form itself, may carry an ``x-lgds``
object (the extension, checked against :data:`FIELD_EXTENSION` and
:data:`FORM_EXTENSION`) saying how it is shown and what its errors say:

.. code-block:: json

    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "type": "object",
      "x-lgds": {"pages": [{"id": "you", "title": "About you"}]},
      "properties": {
        "full_name": {
          "type": "string", "maxLength": 100,
          "x-lgds": {"label": "Full name", "noun": "your full name", "page": "you",
                     "input": "name"}
        }
      },
      "required": ["full_name"]
    }

:func:`check` finds every problem at once, so a form author fixes them in one
go, and names where each is with a JSON Pointer. Loading refuses:

* anything the Draft 2020-12 meta-schema refuses;
* a keyword JSON Schema does not define (``maxLenght``), an extension key
  other than ``x-lgds`` (``x-lgsd``), or a key ``x-lgds`` does not define
  (``lable``), each with a suggestion when one is close;
* a ``format`` no checker knows (``uk-postcod``);
* a ``$ref`` to anything outside the form (``https://...``, ``other.json``),
  one that points nowhere, and a ``$id`` anywhere but the root: a form never
  fetches anything, and the :func:`registry` it validates with refuses to;
* message templates with unknown placeholders, and impossible dates.

>>> check({"type": "object", "properties": {"name": {"type": "string", "maxLenght": 5}}})
Traceback (most recent call last):
...
lgds_components.forms.schema.FormSchemaError: the form schema has 1 problem:
  #/properties/name/maxLenght: unknown keyword 'maxLenght' (did you mean 'maxLength'?)
"""

from __future__ import annotations

import copy
import datetime
import difflib
import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import attrs
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.exceptions import NoSuchResource, Unresolvable
from referencing.jsonschema import DRAFT202012

from lgds_components.errors import ConfigurationError
from lgds_components.forms.formats import known_formats
from lgds_components.forms.messages import PLACEHOLDERS, catalogue, placeholders

__all__ = [
    "DRAFT_2020_12",
    "FIELD_EXTENSION",
    "FORM_EXTENSION",
    "INPUTS",
    "KEYWORDS",
    "FormSchemaError",
    "SchemaProblem",
    "check",
    "message_keys",
    "pointer",
    "read_schema",
    "registry",
    "resolve_date",
]

#: The ``$schema`` a form may declare (or leave out).
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

#: Every keyword Draft 2020-12 defines (core, applicator, unevaluated,
#: validation, meta-data, format and content vocabularies).
KEYWORDS = frozenset(
    {
        "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor",
        "$vocabulary", "$comment", "$defs",
        "prefixItems", "items", "contains", "additionalProperties", "properties",
        "patternProperties", "dependentSchemas", "propertyNames", "if", "then", "else",
        "allOf", "anyOf", "oneOf", "not", "unevaluatedItems", "unevaluatedProperties",
        "type", "const", "enum", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
        "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
        "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties",
        "required", "dependentRequired",
        "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
        "format", "contentEncoding", "contentMediaType", "contentSchema",
    }
)

#: The extension key, on the form and on any subschema.
EXTENSION = "x-lgds"

#: Field input types: how the answer arrives and is read.
INPUTS: tuple[str, ...] = (
    "text", "textarea", "name", "number", "money", "date", "radios", "checkboxes", "select",
)

_ASSERTIONS = (
    "required", "type", "enum", "const", "format", "pattern", "minLength", "maxLength",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minItems", "maxItems", "uniqueItems",
)
_DATE_RULES = ("past", "future", "today_or_past", "today_or_future", "after", "same_or_after",
               "before", "same_or_before", "between", "impossible", "year_digits")



@cache
def message_keys() -> frozenset[str]:
    """Keys allowed in a field's ``x-lgds.messages``: JSON Schema keywords,
    date rules and every catalogue code.

    >>> {"maxLength", "past", "postcode.format"} <= message_keys()
    True
    """
    return frozenset(_ASSERTIONS) | frozenset(_DATE_RULES) | frozenset(catalogue("en"))

_DATE_REF = {"type": "string", "pattern": r"^(today([+-][0-9]{1,5})?|[0-9]{4}-[0-9]{2}-[0-9]{2})$"}
_MESSAGES = {
    "type": "object",
    "additionalProperties": {"type": "string", "minLength": 1},
}

#: The meta-schema for a field's ``x-lgds`` object.
FIELD_EXTENSION: Mapping[str, Any] = {
    "$schema": DRAFT_2020_12,
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "label": {"type": "string", "minLength": 1},
        "noun": {"type": "string", "minLength": 1},
        "hint": {"type": "string"},
        "page": {"type": "string", "minLength": 1},
        "id": {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_:.-]*$"},
        "input": {"enum": list(INPUTS)},
        "messages": _MESSAGES,
        "date": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "when": {"enum": ["past", "future", "today-or-past", "today-or-future"]},
                "after": _DATE_REF,
                "before": _DATE_REF,
                "earliest": _DATE_REF,
                "latest": _DATE_REF,
            },
        },
        "money": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"pence": {"enum": ["optional", "required", "forbidden"]}},
        },
        "cy": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "label": {"type": "string", "minLength": 1},
                "noun": {"type": "string", "minLength": 1},
                "hint": {"type": "string"},
                "messages": _MESSAGES,
            },
        },
    },
}

#: The meta-schema for the form's own ``x-lgds`` object.
FORM_EXTENSION: Mapping[str, Any] = {
    "$schema": DRAFT_2020_12,
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "pages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "title": {"type": "string"},
                    "cy": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {"title": {"type": "string"}},
                    },
                },
            },
        },
        "languages": {
            "type": "array",
            "items": {"enum": ["en", "cy"]},
            "contains": {"const": "en"},
            "uniqueItems": True,
        },
    },
}

_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
_SCHEMA_ONE = (
    "additionalProperties", "items", "contains", "propertyNames", "if", "then", "else", "not",
    "unevaluatedItems", "unevaluatedProperties", "contentSchema",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_OLD_NAMES = {"definitions": "$defs", "dependencies": "dependentRequired"}

_META_VALIDATOR = Draft202012Validator(Draft202012Validator.META_SCHEMA)
_FIELD_VALIDATOR = Draft202012Validator(FIELD_EXTENSION)
_FORM_VALIDATOR = Draft202012Validator(FORM_EXTENSION)


@attrs.frozen(slots=True)
class SchemaProblem:
    """One thing wrong with a form schema: where it is, and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class FormSchemaError(ConfigurationError):
    """A form schema that cannot be used; ``problems`` lists every fault found.

    Each problem names its place in the schema as a JSON Pointer
    (``#/properties/start_date/x-lgds/lable``).
    """

    def __init__(self, problems: list[SchemaProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(
            f"the form schema has {count} problem{'s' if count != 1 else ''}:\n{lines}"
        )


def pointer(*parts: object) -> str:
    """A JSON Pointer fragment for a place in the schema.

    >>> pointer("properties", "a/b", "x-lgds")
    '#/properties/a~1b/x-lgds'
    """
    escaped = (str(part).replace("~", "~0").replace("/", "~1") for part in parts)
    return "#/" + "/".join(escaped) if parts else "#"


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _refuse(uri: str) -> Any:
    raise NoSuchResource(uri)


def registry() -> Registry:  # type: ignore[type-arg]
    """A :class:`referencing.Registry` that never retrieves anything.

    Forms validate with it, so a ``$ref`` to a remote document fails instead
    of fetching it.
    """
    return Registry(retrieve=_refuse)  # type: ignore[call-arg]


def resolve_date(reference: str, today: datetime.date) -> datetime.date:
    """Turn a date rule's reference into a date: ``"today"``, ``"today+14"`` or ISO.

    >>> resolve_date("today-1", datetime.date(2026, 3, 1))
    datetime.date(2026, 2, 28)
    >>> resolve_date("2026-05-01", datetime.date(2026, 3, 1))
    datetime.date(2026, 5, 1)
    """
    if reference.startswith("today"):
        return today + datetime.timedelta(days=int(reference[5:] or 0))
    return datetime.date.fromisoformat(reference)


def read_schema(path: str | Path) -> dict[str, Any]:
    """Read a schema from a UTF-8 JSON file; FormSchemaError if it is not JSON."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
        loaded = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise FormSchemaError([SchemaProblem("#", f"cannot read {source}: {exc}")]) from exc
    except json.JSONDecodeError as exc:
        raise FormSchemaError(
            [SchemaProblem("#", f"{source} is not JSON: {exc.msg} (line {exc.lineno})")]
        ) from exc
    if not isinstance(loaded, dict):
        raise FormSchemaError([SchemaProblem("#", f"{source} must hold a JSON object")])
    return loaded


def _subschemas(schema: Mapping[str, Any], path: tuple[Any, ...]) -> Iterator[tuple[Any, tuple]]:
    for key in _SCHEMA_MAPS:
        value = schema.get(key)
        if isinstance(value, Mapping):
            for name, sub in value.items():
                yield sub, (*path, key, name)
    for key in _SCHEMA_ONE:
        if key in schema:
            yield schema[key], (*path, key)
    for key in _SCHEMA_LISTS:
        value = schema.get(key)
        if isinstance(value, list):
            for index, sub in enumerate(value):
                yield sub, (*path, key, index)


def _unknown_keys(
    obj: Mapping[str, Any], meta: Mapping[str, Any], path: tuple
) -> Iterator[SchemaProblem]:
    """Unknown keys in an x-lgds object, at every level the meta-schema closes."""
    allowed = meta.get("properties", {})
    for key, value in obj.items():
        if key not in allowed:
            yield SchemaProblem(
                pointer(*path, key), f"unknown {EXTENSION} key {key!r}{_suggest(key, allowed)}"
            )
        elif isinstance(value, Mapping) and allowed[key].get("additionalProperties") is False:
            yield from _unknown_keys(value, allowed[key], (*path, key))
        elif isinstance(value, list) and isinstance(allowed[key].get("items"), Mapping):
            item_meta = allowed[key]["items"]
            if item_meta.get("additionalProperties") is False:
                for index, item in enumerate(value):
                    if isinstance(item, Mapping):
                        yield from _unknown_keys(item, item_meta, (*path, key, index))


def _meta_problems(
    validator: Draft202012Validator, instance: Any, path: tuple
) -> Iterator[SchemaProblem]:
    for error in validator.iter_errors(instance):
        if error.validator == "additionalProperties":
            continue  # reported, with suggestions, by _unknown_keys
        yield SchemaProblem(pointer(*path, *error.absolute_path), error.message)


def _message_problems(messages: Any, path: tuple) -> Iterator[SchemaProblem]:
    if not isinstance(messages, Mapping):
        return
    for key, template in messages.items():
        where = pointer(*path, key)
        if key not in message_keys():
            yield SchemaProblem(
                where, f"unknown message key {key!r}{_suggest(key, message_keys())}"
            )
        if not isinstance(template, str):
            continue
        try:
            names = placeholders(template)
        except ValueError as exc:
            yield SchemaProblem(where, str(exc))
            continue
        for name in sorted(names - PLACEHOLDERS):
            yield SchemaProblem(
                where,
                f"unknown placeholder {{{name}}}{_suggest(name, PLACEHOLDERS)}; "
                f"use {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))}",
            )


def _extension_problems(extension: Any, path: tuple, *, root: bool) -> Iterator[SchemaProblem]:
    meta = FORM_EXTENSION if root else FIELD_EXTENSION
    yield from _meta_problems(_FORM_VALIDATOR if root else _FIELD_VALIDATOR, extension, path)
    if not isinstance(extension, Mapping):
        return
    yield from _unknown_keys(extension, meta, path)
    if root:
        return
    yield from _message_problems(extension.get("messages"), (*path, "messages"))
    welsh = extension.get("cy")
    if isinstance(welsh, Mapping):
        yield from _message_problems(welsh.get("messages"), (*path, "cy", "messages"))
    rules = extension.get("date")
    if isinstance(rules, Mapping):
        for key in ("after", "before", "earliest", "latest"):
            value = rules.get(key)
            if isinstance(value, str) and not value.startswith("today"):
                try:
                    datetime.date.fromisoformat(value)
                except ValueError:
                    yield SchemaProblem(
                        pointer(*path, "date", key), f"{value!r} is not a real date"
                    )


def _walk(
    schema: Any, path: tuple, resolver: Any, formats: frozenset[str]
) -> Iterator[SchemaProblem]:
    if not isinstance(schema, Mapping):
        return
    for key, value in schema.items():
        where = pointer(*path, key)
        if key == EXTENSION:
            yield from _extension_problems(value, (*path, key), root=not path)
        elif key.startswith("x-"):
            yield SchemaProblem(
                where, f"unknown extension key {key!r}{_suggest(key, [EXTENSION])}; "
                f"the only extension is {EXTENSION!r}",
            )
        elif key not in KEYWORDS:
            hint = (f" (Draft 2020-12 calls it {_OLD_NAMES[key]!r})" if key in _OLD_NAMES
                    else _suggest(key, KEYWORDS | {EXTENSION}))
            yield SchemaProblem(where, f"unknown keyword {key!r}{hint}")
        elif key == "$id" and path:
            yield SchemaProblem(where, "$id is allowed only at the root of a form schema")
        elif key in ("$ref", "$dynamicRef") and isinstance(value, str):
            yield from _ref_problems(value, where, resolver)
        elif key == "format" and isinstance(value, str) and value not in formats:
            yield SchemaProblem(
                where, f"unknown format {value!r}{_suggest(value, formats)}; "
                "known formats: " + ", ".join(sorted(formats)),
            )
    for sub, sub_path in _subschemas(schema, path):
        yield from _walk(sub, sub_path, resolver, formats)


def _ref_problems(ref: str, where: str, resolver: Any) -> Iterator[SchemaProblem]:
    if not ref.startswith("#"):
        yield SchemaProblem(
            where, f"remote $ref {ref!r} refused: a form may refer only to its own "
            "definitions (\"#/$defs/...\")",
        )
        return
    try:
        resolver.lookup(ref)
    except Unresolvable:
        yield SchemaProblem(where, f"$ref {ref!r} points to nothing in this schema")


def _shape_problems(schema: Mapping[str, Any]) -> Iterator[SchemaProblem]:
    declared = schema.get("$schema")
    wrong = not isinstance(declared, str) or declared.rstrip("#") != DRAFT_2020_12
    if declared is not None and wrong:
        yield SchemaProblem(
            pointer("$schema"), f"forms use JSON Schema Draft 2020-12 ({DRAFT_2020_12}), "
            f"not {declared!r}",
        )
    if schema.get("type") != "object":
        yield SchemaProblem(pointer("type"), 'a form schema must have "type": "object"')
    properties = schema.get("properties")
    if not isinstance(properties, Mapping) or not properties:
        yield SchemaProblem(pointer("properties"), "a form needs at least one field in properties")


def check(schema: Any) -> dict[str, Any]:
    """Check a form schema and return a private deep copy of it.

    Raises :class:`FormSchemaError` listing every problem found.
    """
    if not isinstance(schema, Mapping):
        raise FormSchemaError([SchemaProblem("#", "a form schema must be a JSON object")])
    owned: dict[str, Any] = copy.deepcopy(dict(schema))
    problems = list(_shape_problems(owned))
    problems += [
        SchemaProblem(pointer(*error.absolute_path), error.message)
        for error in _META_VALIDATOR.iter_errors(owned)
    ]
    resolver = registry().resolver_with_root(DRAFT202012.create_resource(owned))
    problems += _walk(owned, (), resolver, known_formats())
    if problems:
        unique = list(dict.fromkeys(problems))
        raise FormSchemaError(unique)
    return owned

