
"""A form's fields: what each one is, how its answer is read, and its rules.

:func:`build_fields` turns a checked schema (see :mod:`~lgds_components.forms.schema`)
into :class:`Field` objects once, when the form is loaded. Each field knows:

* its input type (``x-lgds.input``, or inferred: ``format: date`` is a
  date input, ``format: money-gbp`` money, an ``enum`` radios, an array of
  an ``enum`` checkboxes, ``integer`` or ``number`` a number, anything else
  text);
* how to read its answer from a post and normalise it
  (:mod:`~lgds_components.forms.normalise`, :mod:`~lgds_components.forms.formats`);
* its JSON Schema rules, compiled to plain Python checks where the keyword is
  one of :data:`COMPILED` (the keywords form fields use). A field using any
  other keyword is checked by ``jsonschema`` itself, and so are form-level
  rules such as ``if``/``then`` and ``dependentRequired``.

The compiled checks give the same verdict as ``jsonschema`` on the same value;
the test suite checks this with Hypothesis.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

import attrs

from lgds_components.forms import post as _post
from lgds_components.forms.formats import FORMATS, format_checker
from lgds_components.forms.formats import reader as _reader
from lgds_components.forms.messages import (
    catalogue,
    format_amount,
    format_date,
    format_number,
)
from lgds_components.forms.normalise import (
    DATE_PARTS,
    FieldProblem,
    choice,
    choices,
    date_parts,
    money,
    number,
    text,
)
from lgds_components.forms.normalise import name as read_name
from lgds_components.forms.options import Option, const_branches, option_problems, options_of
from lgds_components.forms.schema import (
    EXTENSION,
    FormSchemaError,
    SchemaProblem,
    pointer,
    resolve_date,
)
from lgds_components.forms.wording import Wording, wording

__all__ = [
    "ANNOTATIONS",
    "COMPILED",
    "MISSING",
    "Field",
    "Page",
    "build_fields",
    "json_equal",
]

#: Keywords that only describe; they never fail.
ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "$comment", "deprecated", "readOnly",
     "writeOnly", "$anchor", EXTENSION}
)

#: Field keywords checked in Python; any other sends the field to ``jsonschema``.
COMPILED = frozenset(
    {"type", "enum", "const", "minLength", "maxLength", "pattern", "format", "minimum",
     "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems",
     "uniqueItems", "items"}
)


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


#: What a field's reader returns when nothing was entered.
MISSING: Final = _Missing()

Reader = Callable[[Any, bool], tuple[object, object]]
Check = tuple[str, Callable[[object], bool]]


@attrs.frozen(slots=True)
class Page:
    """One page of a form: its ``id``, ``title`` and Welsh title."""

    id: str
    title: str = ""
    title_cy: str = ""


def json_equal(one: object, two: object) -> bool:
    """JSON equality: ``True`` is not ``1``; lists and objects compare deeply.

    >>> json_equal(1, 1.0), json_equal(True, 1), json_equal([1, "a"], [1.0, "a"])
    (True, False, True)
    """
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, list | tuple) and isinstance(two, list | tuple):
        return len(one) == len(two) and all(
            json_equal(a, b) for a, b in zip(one, two, strict=True)
        )
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return one.keys() == two.keys() and all(json_equal(one[k], two[k]) for k in one)
    return bool(one == two)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _is_type(value: object, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "number":
        return _is_number(value)
    if name == "integer":
        if isinstance(value, float | Decimal):
            return value == value.to_integral_value() if isinstance(value, Decimal) else (
                value.is_integer()
            )
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if name == "array":
        return isinstance(value, list)
    return isinstance(value, dict)


def _types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type")
    if declared is None:
        return set()
    return {declared} if isinstance(declared, str) else set(declared)


def _compile(schema: Mapping[str, Any], *, test_mode: bool, skip_format: bool) -> list[Check]:
    """Python checks for the compiled keywords of ``schema``, cheapest first."""
    checks: list[Check] = []
    if "maxLength" in schema:
        limit = schema["maxLength"]
        checks.append(("maxLength", lambda v: not isinstance(v, str) or len(v) <= limit))
    types = _types(schema)
    if types:
        checks.append(("type", lambda v: any(_is_type(v, t) for t in types)))
    if "enum" in schema:
        options = list(schema["enum"])
        strings = frozenset(o for o in options if isinstance(o, str))
        checks.append((
            "enum",
            lambda v: (v in strings) if isinstance(v, str) else any(
                json_equal(v, o) for o in options
            ),
        ))
    if "const" in schema:
        constant = schema["const"]
        checks.append(("const", lambda v: json_equal(v, constant)))
    if "pattern" in schema:
        regex = re.compile(schema["pattern"])
        checks.append(("pattern", lambda v: not isinstance(v, str) or bool(regex.search(v))))
    fmt = schema.get("format")
    if isinstance(fmt, str) and not skip_format:
        checker = format_checker(test_mode)
        checks.append(("format", lambda v: checker.conforms(v, fmt)))
    if "items" in schema and isinstance(schema["items"], Mapping):
        item_checks = _compile(schema["items"], test_mode=test_mode, skip_format=False)
        checks.append((
            "items",
            lambda v: not isinstance(v, list) or all(f(i) for i in v for _, f in item_checks),
        ))
    if "minLength" in schema:
        least = schema["minLength"]
        checks.append(("minLength", lambda v: not isinstance(v, str) or len(v) >= least))
    for keyword, test in (
        ("minimum", lambda v, b: v >= b),
        ("maximum", lambda v, b: v <= b),
        ("exclusiveMinimum", lambda v, b: v > b),
        ("exclusiveMaximum", lambda v, b: v < b),
    ):
        if keyword in schema:
            bound = schema[keyword]
            checks.append((
                keyword,
                lambda v, b=bound, t=test: not _is_number(v) or bool(t(v, b)),  # type: ignore[misc]
            ))
    if "minItems" in schema:
        fewest = schema["minItems"]
        checks.append(("minItems", lambda v: not isinstance(v, list) or len(v) >= fewest))
    if "maxItems" in schema:
        most = schema["maxItems"]
        checks.append(("maxItems", lambda v: not isinstance(v, list) or len(v) <= most))
    if schema.get("uniqueItems") is True:
        checks.append((
            "uniqueItems",
            lambda v: not isinstance(v, list) or all(
                not json_equal(a, b) for i, a in enumerate(v) for b in v[i + 1 :]
            ),
        ))
    return checks


@attrs.frozen(slots=True, eq=False)
class Field:
    """One field of a form, ready to read and check answers.

    Attributes:
        name: the property name, which is also the name answers are posted under
            (a date's parts are posted as ``NAME-day``, ``NAME-month``, ``NAME-year``).
        id: the HTML id error links point at (``x-lgds.id``, default ``name``).
        wording: what the field says, by language (``"en"``, and ``"cy"`` when
            the form is bilingual): label, message subject, noun and hint (see
            :mod:`~lgds_components.forms.wording`).
        page: the id of the page the field is on, or ``None`` for a one-page form.
        input: the input type, one of :data:`~lgds_components.forms.schema.INPUTS`.
        required: whether the top-level ``required`` names it.
        format: the field's ``format``, if any.
        schema: the field's schema, with any ``$ref`` resolved.
        order: its position in the form (page order, then field order).
        messages: per-language overrides (``{"en": {"maxLength": "..."}}``).
        missing_code: the catalogue code for an empty answer.
        checks: the compiled checks, as ``(keyword, passes)`` pairs.
        residual: whether ``jsonschema`` checks this field's keywords.
        date_rules: the field's ``x-lgds.date`` rules.
        options: for choice inputs, each option's posted text and its value.
        choices: for choice inputs, the options with their text and hints.
        autocomplete: the ``autocomplete`` attribute (``x-lgds.autocomplete``).
        classes: extra classes for the input (``x-lgds.classes``).
        money_pence: for money, whether pence are ``optional``, ``required`` or
            ``forbidden``.
        bound_params: the limits each code's message shows (``{"max": "100"}``).
        parse: reads one posted string: the typed value, ``None`` when blank.
        to_json: turns a typed value into the JSON value checked (``None``: the same).
    """

    name: str
    id: str
    wording: Mapping[str, Wording]
    page: str | None
    input: str
    required: bool
    format: str | None
    schema: Mapping[str, Any]
    order: int
    messages: Mapping[str, Mapping[str, str]]
    missing_code: str
    checks: tuple[Check, ...]
    residual: bool
    date_rules: Mapping[str, str]
    options: Mapping[str, object]
    choices: tuple[Option, ...]
    money_pence: str
    bound_params: Mapping[str, Mapping[str, str]]
    parse: Callable[[str, bool], object | None]
    to_json: Callable[[Any], object] | None = None
    autocomplete: str | None = None
    classes: str | None = None

    @property
    def label(self) -> str:
        """The English label, as shown."""
        return self.wording["en"].label

    @property
    def subject(self) -> str:
        """The English subject of "must" messages ("Date of birth")."""
        return self.wording["en"].subject

    @property
    def noun(self) -> str:
        """What English "Enter" and "Select" messages ask for."""
        return self.wording["en"].noun

    @property
    def hint(self) -> str | None:
        """The English hint, if any."""
        return self.wording["en"].hint

    def words_in(self, lang: str) -> Wording:
        """The field's :class:`~lgds_components.forms.wording.Wording` in ``lang``
        (English when it has none in ``lang``)."""
        return self.wording.get(lang) or self.wording["en"]

    @property
    def empty(self) -> object:
        """The value ``data`` holds for an optional field left blank."""
        return [] if self.input == "checkboxes" else None

    def href(self, parts: Sequence[str] = ()) -> str:
        """The link target for an error: the field, or a date's first wrong part.

        Radios and checkboxes link to their first option, whose id in
        govuk-frontend is the bare id prefix (later options get ``-2``, ``-3``).
        """
        if self.input == "date":
            return f"#{self.id}-{parts[0] if parts else 'day'}"
        return f"#{self.id}"

    def keys(self) -> tuple[str, ...]:
        """The names this field's answers are posted under."""
        if self.input == "date":
            return tuple(f"{self.name}-{part}" for part in DATE_PARTS)
        return (self.name,)

    def words(self, lang: str) -> tuple[str, str]:
        """The ``(subject, noun)`` to put in messages in ``lang``."""
        words = self.words_in(lang)
        return words.subject, words.noun

    def read(self, post: Any, test_mode: bool) -> tuple[object, object]:
        """Read and normalise this field's answer from ``post``.

        Returns ``(typed value, JSON value)``, or ``(MISSING, MISSING)`` when
        blank; raises :class:`~lgds_components.forms.normalise.FieldProblem`.
        """
        if self.input == "date":
            return self._read_date(post)
        if self.input == "checkboxes":
            answers = _post.many(post, self.name)
            if answers is _post.UNREADABLE:
                raise FieldProblem("choice.unknown")
            picked = choices(answers, self.options)  # type: ignore[arg-type]
            return (picked, picked) if picked else (MISSING, MISSING)
        raw = _post.one(post, self.name)
        if raw is None:
            return MISSING, MISSING
        if raw is _post.UNREADABLE:
            raise FieldProblem("choice.unknown" if self.options else self._format_code())
        value = self.parse(raw, test_mode)  # type: ignore[arg-type]
        if value is None:
            return MISSING, MISSING
        return value, (value if self.to_json is None else self.to_json(value))

    def _format_code(self) -> str:
        spec = FORMATS.get(self.format or "")
        if spec is not None:
            return f"{spec.key}.format"
        return {"number": "number.not_a_number", "money": "money.not_a_number"}.get(
            self.input, "format"
        )

    def _read_date(self, post: Any) -> tuple[object, object]:
        parts: list[str] = []
        unreadable = []
        for part, key in zip(DATE_PARTS, self.keys(), strict=True):
            raw = _post.one(post, key)
            if isinstance(raw, str):
                parts.append(raw)
            else:
                parts.append("" if raw is None else "?")
                if raw is not None:
                    unreadable.append(part)
        value = date_parts(*parts)
        if unreadable:
            raise FieldProblem("date.impossible", parts=tuple(unreadable))
        if value is None:
            return MISSING, MISSING
        return value, value.isoformat()

    def failed_check(self, value: object) -> str | None:
        """The first compiled keyword ``value`` fails, or ``None``."""
        for keyword, passes in self.checks:
            if not passes(value):
                return keyword
        return None

    def date_problem(
        self, value: datetime.date, today: datetime.date
    ) -> tuple[str, dict[str, datetime.date]] | None:
        """The first ``x-lgds.date`` rule ``value`` breaks: ``(code, dates)``."""
        rules = self.date_rules
        when = rules.get("when")
        if when == "past" and not value < today:
            return "date.past", {}
        if when == "future" and not value > today:
            return "date.future", {}
        if when == "today-or-past" and not value <= today:
            return "date.today_or_past", {}
        if when == "today-or-future" and not value >= today:
            return "date.today_or_future", {}
        earliest = resolve_date(rules["earliest"], today) if "earliest" in rules else None
        latest = resolve_date(rules["latest"], today) if "latest" in rules else None
        if earliest and latest and not earliest <= value <= latest:
            return "date.between", {"earliest": earliest, "latest": latest}
        if earliest and value < earliest:
            return "date.same_or_after", {"date": earliest}
        if latest and value > latest:
            return "date.same_or_before", {"date": latest}
        if "after" in rules:
            after = resolve_date(rules["after"], today)
            if not value > after:
                return "date.after", {"date": after}
        if "before" in rules:
            before = resolve_date(rules["before"], today)
            if not value < before:
                return "date.before", {"date": before}
        return None

    def code_for(self, keyword: str) -> str:
        """The catalogue code for a failed JSON Schema keyword on this field."""
        if keyword == "required":
            return self.missing_code
        if keyword in ("enum", "const", "items", "oneOf", "anyOf"):
            return "choice.unknown" if self.options else "format"
        if keyword in ("minLength", "maxLength"):
            if "minLength" in self.schema and "maxLength" in self.schema:
                return "text.length_between"
            return "text.too_long" if keyword == "maxLength" else "text.too_short"
        if keyword in ("minimum", "maximum"):
            if "minimum" in self.schema and "maximum" in self.schema:
                return "number.between"
            return "number.too_low" if keyword == "minimum" else "number.too_high"
        if keyword == "exclusiveMinimum":
            return "number.more_than"
        if keyword == "exclusiveMaximum":
            return "number.less_than"
        if keyword == "multipleOf":
            return "number.multiple_of"
        if keyword == "minItems":
            return "checkboxes.too_few"
        if keyword == "maxItems":
            return "checkboxes.too_many"
        if keyword == "type" and self.input in ("number", "money"):
            return self._format_code()
        return self._format_code() if keyword == "format" else "format"

    def message(
        self, code: str, lang: str, *, keyword: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> str:
        """The message for ``code``: the field's override, else the catalogue's."""
        overrides = self.messages.get(lang, {})
        template = overrides.get(code) or (overrides.get(keyword) if keyword else None)
        if template is None:
            template = catalogue(lang)[code]
        label, noun = self.words(lang)
        fill = {"label": label, "subject": label, "noun": noun,
                **self.bound_params.get(code, {})}
        if params:
            fill.update(params)
        return template.format_map(fill)

    def params_from(self, schema: Mapping[str, Any], code: str) -> dict[str, str]:
        """The limits ``code``'s message shows, taken from ``schema``.

        ``schema`` is the (sub)schema holding the keyword that failed, such as
        one entry of an ``allOf``: its limit is the one the answer broke, so
        it comes before the field's own in the message.
        """
        found = _bound_params(schema, self.input).get(code, {})
        return {key: value for key, value in found.items() if value}

    def date_params(self, dates: Mapping[str, datetime.date], lang: str) -> dict[str, str]:
        """Format a date rule's dates for a message in ``lang``."""
        return {key: format_date(value, lang) for key, value in dates.items()}


def _resolve(
    schema: Mapping[str, Any], lookup: Callable[[str], Any], depth: int = 0
) -> tuple[dict[str, Any], bool]:
    """Merge a field's ``$ref`` target under its own keywords.

    Returns the merged schema and whether the merge is exact (no keyword
    both places disagree on, no deeper trickery); if not, ``jsonschema``
    checks the field.
    """
    if "$ref" not in schema or depth > 8:
        return dict(schema), "$ref" not in schema
    target = lookup(schema["$ref"])
    if not isinstance(target, Mapping):
        return {k: v for k, v in schema.items() if k != "$ref"}, False
    merged, exact = _resolve(target, lookup, depth + 1)
    for key, value in schema.items():
        if key == "$ref":
            continue
        if key == EXTENSION and isinstance(merged.get(key), Mapping) and isinstance(value, Mapping):
            merged[key] = {**merged[key], **value}
            continue
        if key in merged and key not in ANNOTATIONS and not json_equal(merged[key], value):
            exact = False
        merged[key] = value
    return merged, exact


def _plain_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _parser(
    field_input: str, schema: Mapping[str, Any], fmt: str | None, options: Mapping[str, object],
    pence: str, test_mode: bool,
) -> tuple[Callable[[str, bool], object | None], Callable[[Any], object] | None]:
    """How a field reads one posted string, and how its value is held in JSON."""
    types = _types(schema)
    if field_input in ("radios", "select"):
        return (lambda raw, _: choice(raw, options)), None
    if field_input == "number":
        if "number" in types:
            return (lambda raw, _: number(raw)), _plain_number
        return (lambda raw, _: number(raw, integer=True)), None
    if field_input == "money":
        bounded = "minimum" in schema or "exclusiveMinimum" in schema
        return (lambda raw, _: money(raw, pence=pence, allow_negative=bounded)), None  # type: ignore[arg-type]
    if fmt is not None and fmt in FORMATS:
        as_text = "string" in types
        _reader(fmt, test_mode)  # import the identifier module now: fail at load, not later

        def identifier(raw: str, mode: bool) -> object | None:
            value = _reader(fmt, mode)(raw)
            return str(value) if as_text and isinstance(value, int) else value

        return identifier, None
    if field_input == "name":
        return (lambda raw, _: read_name(raw)), None
    multiline = field_input == "textarea"
    return (lambda raw, _: text(raw, multiline=multiline)), None


def _infer_input(schema: Mapping[str, Any]) -> str:
    types = _types(schema)
    fmt = schema.get("format")
    if fmt == "date":
        return "date"
    if fmt == "money-gbp":
        return "money"
    if "array" in types:
        return "checkboxes"
    if "enum" in schema or "const" in schema or types == {"boolean"} or const_branches(schema):
        return "radios"
    if types & {"integer", "number"} and fmt not in FORMATS:
        return "number"
    return "text"


_BRANCH_KEYS = frozenset({"const", "title", "description", "$comment"})


def _as_enum(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """``schema`` with a ``oneOf``/``anyOf`` of bare consts (with titles) as an ``enum``
    (the same rule, which compiles), at the top or under ``items``."""
    branches = const_branches(schema)
    if branches is not None and all(set(b) <= _BRANCH_KEYS for b in branches):
        keyword = "oneOf" if schema.get("oneOf") is branches else "anyOf"
        rest = {k: v for k, v in schema.items() if k != keyword}
        values = [b["const"] for b in branches]
        if keyword == "oneOf" and any(
            json_equal(a, b) for i, a in enumerate(values) for b in values[i + 1:]
        ):
            return schema  # two equal consts: oneOf then fails on them; leave it to jsonschema
        return {**rest, "enum": values} if "enum" not in rest else schema
    items = schema.get("items")
    if isinstance(items, Mapping):
        converted = _as_enum(items)
        if converted is not items:
            return {**schema, "items": converted}
    return schema


def _input_problems(
    field_input: str, schema: Mapping[str, Any], where: tuple[str, ...]
) -> list[str]:
    types = _types(schema)
    fmt = schema.get("format")
    problems = []
    if field_input == "date" and (fmt != "date" or types - {"string"}):
        problems.append('a date input needs "type": "string" and "format": "date"')
    if fmt == "date" and field_input != "date":
        problems.append(f'"format": "date" fields use the date input, not {field_input!r}')
    if field_input == "money" and (fmt != "money-gbp" or types != {"integer"}):
        problems.append('a money input needs "type": "integer" and "format": "money-gbp" '
                        "(amounts are held in pence)")
    if fmt == "money-gbp" and field_input != "money":
        problems.append(f'"format": "money-gbp" fields use the money input, not {field_input!r}')
    if field_input == "number" and (not types or types - {"integer", "number"}):
        problems.append('a number input needs "type": "integer" or "number"')
    if field_input in ("radios", "select") and not options_of(schema, field_input, {}):
        problems.append(f"a {field_input} input needs an enum of strings, numbers or "
                        'booleans, a oneOf of consts, or "type": "boolean"')
    if field_input == "checkboxes" and (
        types != {"array"} or not options_of(schema, field_input, {})
    ):
        problems.append('a checkboxes input needs "type": "array" and "items" with an enum '
                        "or a oneOf of consts")
    if field_input in ("text", "textarea", "name"):
        spec = FORMATS.get(fmt) if isinstance(fmt, str) else None
        allowed = {"string"} | ({"integer"} if spec and "integer" in spec.types else set())
        if types - allowed:
            problems.append(f"a {field_input} input holds text; its type cannot be "
                            + ", ".join(sorted(types - allowed)))
    return problems


def _bound_params(schema: Mapping[str, Any], field_input: str) -> dict[str, dict[str, str]]:
    show = format_amount if field_input == "money" else format_number
    params: dict[str, dict[str, str]] = {}
    lengths = {k: format_number(schema[k]) for k in ("minLength", "maxLength") if k in schema}
    if lengths:
        both = {"min": lengths.get("minLength", ""), "max": lengths.get("maxLength", "")}
        for code in ("text.too_long", "text.too_short", "text.length_between"):
            params[code] = both
    bounds: dict[str, str] = {}
    for keyword, key in (("minimum", "min"), ("exclusiveMinimum", "min"),
                         ("maximum", "max"), ("exclusiveMaximum", "max")):
        if _is_number(schema.get(keyword)):
            bounds.setdefault(key, show(schema[keyword]))
    if bounds:
        for code in ("number.too_low", "number.too_high", "number.between",
                     "number.more_than", "number.less_than"):
            params[code] = bounds
    if _is_number(schema.get("multipleOf")):
        params["number.multiple_of"] = {"step": show(schema["multipleOf"])}
    items = {k: format_number(schema[k]) for k in ("minItems", "maxItems") if k in schema}
    if items:
        pair = {"min": items.get("minItems", ""), "max": items.get("maxItems", "")}
        params["checkboxes.too_few"] = params["checkboxes.too_many"] = pair
    return params


def _pages(extension: Mapping[str, Any], used: list[str | None]) -> list[Page]:
    declared = extension.get("pages")
    if declared:
        return [
            Page(page["id"], page.get("title", ""), page.get("cy", {}).get("title", ""))
            for page in declared
        ]
    return [Page(page) for page in dict.fromkeys(p for p in used if p is not None)]


def build_fields(
    schema: Mapping[str, Any], lookup: Callable[[str], Any], *, test_mode: bool = False
) -> tuple[tuple[Field, ...], tuple[Page, ...], frozenset[str]]:
    """Build every field of a checked schema.

    Returns the fields (in form order), the pages, and the names of fields
    whose keywords ``jsonschema`` must check. Raises FormSchemaError for
    fields that cannot work (a date input without ``format: date``, radios
    without options, a page that is not declared, ...).
    """
    extension = schema.get(EXTENSION, {})
    languages = extension.get("languages", ["en"])
    bilingual = "cy" in languages
    properties: Mapping[str, Any] = schema["properties"]
    required = set(schema.get("required", []))
    problems: list[SchemaProblem] = [
        SchemaProblem(pointer("required"), f"{name!r} is required but is not a field")
        for name in sorted(required - set(properties))
    ]
    drafts = []
    for name, raw in properties.items():
        where = ("properties", name)
        if not isinstance(raw, Mapping):
            problems.append(SchemaProblem(pointer(*where), "a field's schema must be an object"))
            continue
        merged, exact = _resolve(raw, lookup)
        ext = merged.get(EXTENSION, {}) if isinstance(merged.get(EXTENSION), Mapping) else {}
        field_input = ext.get("input") or _infer_input(merged)
        for text_ in _input_problems(field_input, merged, where):
            problems.append(SchemaProblem(pointer(*where), text_))
        if "pattern" in merged:
            try:
                re.compile(merged["pattern"])
            except (re.error, TypeError) as exc:
                problems.append(SchemaProblem(pointer(*where, "pattern"), f"not a regex: {exc}"))
                continue
        if field_input in ("radios", "select", "checkboxes"):
            for text_ in option_problems(options_of(merged, field_input, ext), ext):
                problems.append(SchemaProblem(pointer(*where, EXTENSION, "options"), text_))
        welsh = ext.get("cy", {})
        if bilingual and "label" not in welsh:
            problems.append(SchemaProblem(
                pointer(*where, EXTENSION), 'the form is bilingual ("languages" has "cy") '
                'but this field has no Welsh label ("cy": {"label": ...})',
            ))
        drafts.append((name, merged, exact, ext, field_input, welsh))
    pages = _pages(extension, [d[3].get("page") for d in drafts])
    page_ids = [page.id for page in pages]
    if pages:
        for name, _, _, ext, _, _ in drafts:
            page = ext.get("page")
            if page is None:
                problems.append(SchemaProblem(
                    pointer("properties", name, EXTENSION),
                    f"the form has pages, so this field needs one of: {', '.join(page_ids)}",
                ))
            elif page not in page_ids:
                problems.append(SchemaProblem(
                    pointer("properties", name, EXTENSION, "page"),
                    f"page {page!r} is not in x-lgds.pages ({', '.join(page_ids)})",
                ))
    ids: dict[str, str] = {}
    for name, _, _, ext, _, _ in drafts:
        field_id = ext.get("id", name)
        if field_id in ids:
            problems.append(SchemaProblem(
                pointer("properties", name, EXTENSION, "id"),
                f"id {field_id!r} is already used by {ids[field_id]!r}",
            ))
        ids[field_id] = name
    if problems:
        raise FormSchemaError(problems)

    fields = []
    residual = set()
    position = {page: index for index, page in enumerate(page_ids)}
    for index, (name, merged, exact, ext, field_input, welsh) in enumerate(drafts):
        rules = _as_enum(merged)
        keywords = set(rules) - ANNOTATIONS
        compiled = exact and keywords <= COMPILED and (
            not isinstance(rules.get("items"), Mapping)
            or set(rules["items"]) - ANNOTATIONS <= COMPILED - {"items"}
        )
        if not compiled:
            residual.add(name)
        fmt = merged.get("format") if isinstance(merged.get("format"), str) else None
        title = merged.get("title") if isinstance(merged.get("title"), str) else None
        words = {"en": wording(ext, name, title=title)}
        if "label" in welsh:
            words["cy"] = wording(welsh, name, welsh=True)
        if fmt is not None and fmt in FORMATS and "noun" not in ext:
            missing_code = f"{FORMATS[fmt].key}.missing"
        elif field_input in ("radios", "checkboxes", "select"):
            missing_code = "choice.missing"
        else:
            missing_code = "missing"
        choices = (
            options_of(merged, field_input, ext)
            if field_input in ("radios", "select", "checkboxes") else ()
        )
        options = {option.value: option.data for option in choices}
        skip_format = fmt in FORMATS or fmt in ("date", "money-gbp")
        checks = _compile(rules, test_mode=test_mode, skip_format=skip_format) if compiled else []
        if field_input not in ("radios", "select"):
            # the reader already gives the declared type (checked above)
            checks = [check for check in checks if check[0] != "type"]
        page = ext.get("page")
        money_pence = ext.get("money", {}).get("pence", "optional")
        parse, to_json = _parser(field_input, merged, fmt, options, money_pence, test_mode)
        fields.append(Field(
            name=name,
            id=ext.get("id", name),
            wording=words,
            page=page,
            input=field_input,
            required=name in required,
            format=fmt,
            schema=merged,
            order=(position[page] if page is not None else 0) * 10_000 + index,
            messages={"en": dict(ext.get("messages", {})), "cy": dict(welsh.get("messages", {}))},
            missing_code=missing_code,
            checks=tuple(sorted(checks, key=lambda c: _check_rank(c[0]))),
            residual=not compiled,
            date_rules=dict(ext.get("date", {})),
            options=options,
            choices=choices,
            money_pence=money_pence,
            bound_params=_bound_params(merged, field_input),
            parse=parse,
            to_json=to_json,
            autocomplete=ext.get("autocomplete"),
            classes=ext.get("classes"),
        ))
    fields.sort(key=lambda f: f.order)
    return tuple(fields), tuple(pages), frozenset(residual)


# Compiled checks run in GOV.UK priority order (a value that cannot be right
# before one out of range), except that a string over maxLength is reported
# as too long before any pattern runs on it.
_RANK = {"maxLength": 0, "type": 1, "enum": 2, "const": 2, "items": 2, "pattern": 3, "format": 3}


def _check_rank(keyword: str) -> int:
    return _RANK.get(keyword, 10)

