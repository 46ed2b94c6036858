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
* a ``$ref`` that leads back to where it started, directly or through
  others (``#/$defs/a`` refers to ``#/$defs/b``, which refers to
  ``#/$defs/a``): a form's fields are flat, and following such a schema
  would never end;
* objects and arrays nested more than :data:`MAX_DEPTH` deep (a real form
  needs about six levels), which could exhaust Python's stack;
* message templates with unknown placeholders, and impossible dates.

>>> check({"type": "object", "properties": {"name": {"type": "string", "maxLenght": 5}}})
Traceback (most recent call last):
...
lgds_components.forms.schema.FormSchemaError: the form schema has 1 problem: #/properties/name/maxLenght: unknown keyword 'maxLenght' (did you mean 'maxLength'?)
"""  # noqa: E501

from __future__ import annotations

import bisect
import copy
import datetime
import difflib
import json
import re
import urllib.parse
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
    "MAX_DEPTH",
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

#: How deeply a form schema may nest objects and arrays. A real form needs
#: about six levels; checking and validating a much deeper one could exhaust
#: Python's stack (``RecursionError``), so it is refused when loaded.
MAX_DEPTH = 32

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

_TEXT = {"type": "string", "minLength": 1}
_OPTION_WORDS = {
    "type": ["string", "object"],
    "minLength": 1,
    "additionalProperties": False,
    "properties": {"text": _TEXT, "hint": {"type": "string"}},
}
_OPTION = {
    **_OPTION_WORDS,
    "properties": {
        **_OPTION_WORDS["properties"],  # type: ignore[dict-item]
        "cy": {**_OPTION_WORDS, "type": "object"},
    },
}

#: The meta-schema for a field's ``x-lgds`` object.
FIELD_EXTENSION: Mapping[str, Any] = {
    "$schema": DRAFT_2020_12,
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "label": _TEXT,
        "subject": _TEXT,
        "noun": _TEXT,
        "hint": {"type": "string"},
        "autocomplete": {"type": "string", "pattern": r"^[a-z0-9 -]+$"},
        "classes": {"type": "string"},
        "options": {"type": "object", "additionalProperties": _OPTION},
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
                "label": _TEXT,
                "subject": _TEXT,
                "noun": _TEXT,
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
        self.problems: tuple[SchemaProblem, ...] = tuple(problems)
        if len(self.problems) == 1:  # one line, for a command line's one-line error
            super().__init__(f"the form schema has 1 problem: {self.problems[0]}")
            return
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"the form schema has {len(self.problems)} problems:\n{lines}")


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


def registry() -> Registry:
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
    """Read a schema from a UTF-8 JSON file; FormSchemaError if it is not JSON.

    JSON's own rules apply: ``NaN`` and ``Infinity`` are refused, as are
    numbers too long to read and nesting deeper than :data:`MAX_DEPTH`.
    """
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormSchemaError([SchemaProblem("#", f"cannot read {source}: {exc}")]) from exc
    try:
        loaded = json.loads(text, parse_constant=_not_json_constant)
    except json.JSONDecodeError as exc:
        raise FormSchemaError(
            [SchemaProblem("#", f"{source} is not JSON: {exc.msg} (line {exc.lineno})")]
        ) from exc
    except RecursionError as exc:  # nested far deeper than MAX_DEPTH
        raise FormSchemaError([_too_deep(deep_place(text))]) from exc
    except ValueError as exc:  # NaN, or an integer too long to read
        raise FormSchemaError(
            [SchemaProblem("#", f"{source} is not JSON: {str(exc).split(';')[0]}")]
        ) from exc
    if not isinstance(loaded, dict):
        raise FormSchemaError([SchemaProblem("#", f"{source} must hold a JSON object")])
    return loaded


def _not_json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[][{}:,]')


def deep_place(text: str) -> tuple[str | int, ...]:
    """Where JSON ``text`` first nests deeper than :data:`MAX_DEPTH`, without
    parsing it (which may exhaust the stack); ``()`` if it does not.

    >>> deep_place('{"a": [[1], {"b": 2}]}'), deep_place('{"a": ' + "[" * 40 + "]" * 40 + "}")[:3]
    ((), ('a', 0, 0))
    """
    stack: list[list[Any]] = []  # per open object or array: [key or index, object?]
    key: str | None = None
    for token in _JSON_TOKENS.finditer(text):
        mark = token.group()
        if mark in "[{":
            if len(stack) >= MAX_DEPTH:
                return tuple(place for place, _ in stack)
            stack.append([None if mark == "{" else 0, mark == "{"])
        elif mark in "]}":
            if stack:
                stack.pop()
        elif mark == ",":
            if stack and not stack[-1][1]:
                stack[-1][0] += 1
        elif mark == ":":
            if stack:
                stack[-1][0] = key
        else:
            key = json.loads(mark)
    return ()


def _depth_problem(schema: Any) -> SchemaProblem | None:
    """The first object or array nested deeper than MAX_DEPTH, found without recursion."""
    pending: list[tuple[Any, tuple[Any, ...]]] = [(schema, ())]
    while pending:
        value, path = pending.pop()
        if isinstance(value, Mapping):
            children: Any = value.items()
        elif isinstance(value, list | tuple):
            children = enumerate(value)
        else:
            continue
        if len(path) >= MAX_DEPTH:
            return _too_deep(path)
        pending.extend((child, (*path, key)) for key, child in children)
    return None


def _too_deep(path: tuple[Any, ...]) -> SchemaProblem:
    return SchemaProblem(
        pointer(*path), f"nested more than {MAX_DEPTH} objects or arrays deep; "
        "a form schema needs far fewer",
    )


def _subschemas(
    schema: Mapping[str, Any], path: tuple[Any, ...]
) -> Iterator[tuple[Any, tuple[Any, ...]]]:
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
    obj: Mapping[str, Any], meta: Mapping[str, Any], path: tuple[Any, ...]
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
        elif isinstance(value, Mapping) and isinstance(
            allowed[key].get("additionalProperties"), Mapping
        ):
            each = allowed[key]["additionalProperties"]
            for name, item in value.items():
                if isinstance(item, Mapping):
                    yield from _unknown_keys(item, each, (*path, key, name))
        elif isinstance(value, list) and isinstance(allowed[key].get("items"), Mapping):
            item_meta = allowed[key]["items"]
            if item_meta.get("additionalProperties") is False:
                for index, item in enumerate(value):
                    if isinstance(item, Mapping):
                        yield from _unknown_keys(item, item_meta, (*path, key, index))


def _meta_problems(
    validator: Draft202012Validator, instance: Any, path: tuple[Any, ...]
) -> Iterator[SchemaProblem]:
    for error in validator.iter_errors(instance):
        if error.validator == "additionalProperties":
            continue  # reported, with suggestions, by _unknown_keys
        yield SchemaProblem(pointer(*path, *error.absolute_path), error.message)


def _message_problems(messages: Any, path: tuple[Any, ...]) -> Iterator[SchemaProblem]:
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


def _extension_problems(
    extension: Any, path: tuple[Any, ...], *, root: bool
) -> Iterator[SchemaProblem]:
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
    schema: Any, path: tuple[Any, ...], resolver: Any, formats: frozenset[str]
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


def _ref_sites(
    schema: Any, path: tuple[Any, ...], anchors: dict[str, tuple[str, ...]]
) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """``(path, keyword, ref)`` for every local ``$ref`` and ``$dynamicRef`` in
    ``schema``; fills ``anchors`` with the place of every anchor."""
    if not isinstance(schema, Mapping):
        return
    here = tuple(str(part) for part in path)
    for keyword in ("$anchor", "$dynamicAnchor"):
        if isinstance(schema.get(keyword), str):
            anchors[schema[keyword]] = here
    for keyword in ("$ref", "$dynamicRef"):
        ref = schema.get(keyword)
        if isinstance(ref, str) and ref.startswith("#"):
            yield here, keyword, ref
    for sub, sub_path in _subschemas(schema, path):
        yield from _ref_sites(sub, sub_path, anchors)


def _target(ref: str, anchors: Mapping[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The place a local ``$ref`` points to, as path parts; None if it is unknown."""
    fragment = urllib.parse.unquote(ref[1:])
    if not fragment.startswith("/"):
        return anchors.get(fragment) if fragment else ()
    return tuple(part.replace("~1", "/").replace("~0", "~")
                 for part in fragment[1:].split("/"))


def _cycle_problems(schema: Mapping[str, Any]) -> Iterator[SchemaProblem]:
    """A problem for a ``$ref`` that leads back to itself, with the way round.

    Following ``$ref`` A reaches ``$ref`` B when B lies inside A's target; a
    loop of such steps would be followed for ever.
    """
    anchors: dict[str, tuple[str, ...]] = {}
    sites = sorted(_ref_sites(schema, (), anchors))
    places = [site[0] for site in sites]
    targets = [_target(site[2], anchors) for site in sites]

    def reached(index: int) -> range:
        target = targets[index]
        if target is None:
            return range(0)
        start = end = bisect.bisect_left(places, target)
        while end < len(places) and places[end][: len(target)] == target:
            end += 1
        return range(start, end)

    state = [0] * len(sites)  # 0 unseen, 1 on the current way, 2 done
    for first in range(len(sites)):
        if state[first]:
            continue
        way, steps = [first], [iter(reached(first))]
        state[first] = 1
        while steps:
            following = next(steps[-1], None)
            if following is None:
                state[way.pop()] = 2
                steps.pop()
            elif state[following] == 1:
                loop = way[way.index(following):]
                place, keyword, _ = sites[following]
                route = " -> ".join([pointer(*place), *(sites[i][2] for i in loop)])
                yield SchemaProblem(
                    pointer(*place, keyword),
                    f"this $ref leads back to itself ({route}); a form's $refs may not loop",
                )
                return
            elif state[following] == 0:
                state[following] = 1
                way.append(following)
                steps.append(iter(reached(following)))


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
    too_deep = _depth_problem(schema)
    if too_deep is not None:  # before anything that recurses: copying, validating
        raise FormSchemaError([too_deep])
    owned: dict[str, Any] = copy.deepcopy(dict(schema))
    problems = list(_shape_problems(owned))
    problems += _cycle_problems(owned)
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

