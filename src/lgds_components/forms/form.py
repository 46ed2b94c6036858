"""A form: load its schema once, validate posts many times.

>>> form = Form.from_schema({
...     "type": "object",
...     "properties": {
...         "postcode": {"type": "string", "format": "uk-postcode"},
...         "dob": {"type": "string", "format": "date",
...                 "x-lgds": {"label": "Date of birth", "noun": "your date of birth",
...                            "date": {"when": "past"}}},
...     },
...     "required": ["postcode", "dob"],
... })
>>> post = {"postcode": "ex4 1aa", "dob-day": "7", "dob-month": "", "dob-year": "1980"}
>>> result = form.validate(post)
>>> result.is_valid
False
>>> [(e.href, e.message) for e in result.errors]
[('#dob-month', 'Date of birth must include a month')]
>>> form.validate({**post, "postcode": "ex4-1aa", "dob-month": "jun"}).data
{'postcode': 'EX4 1AA', 'dob': datetime.date(1980, 6, 7)}
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from lgds_components.errors import ConfigurationError
from lgds_components.forms import govuk
from lgds_components.forms import post as _post
from lgds_components.forms.codes import priority
from lgds_components.forms.display import display, posted_all
from lgds_components.forms.fields import MISSING, Field, Page, build_fields
from lgds_components.forms.formats import format_checker
from lgds_components.forms.govuk import Change
from lgds_components.forms.messages import LANGUAGES
from lgds_components.forms.normalise import FieldProblem
from lgds_components.forms.result import FieldError, ValidationResult
from lgds_components.forms.schema import (
    DRAFT_2020_12,
    EXTENSION,
    check,
    read_schema,
    registry,
)

__all__ = ["LONDON", "Form"]

#: Dates residents see ("must be in the past") are judged in UK time.
LONDON = ZoneInfo("Europe/London")

# Top-level keywords the form handles itself: its fields come only from
# ``properties``, so ``additionalProperties`` and ``unevaluatedProperties``
# can never fail, and ``required`` is checked field by field.
_HANDLED = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples",
     "type", "properties", "required", "additionalProperties", "unevaluatedProperties",
     "deprecated", "readOnly", "writeOnly", EXTENSION}
)


class Form:
    """A form declared in JSON Schema; build one with :meth:`from_schema` or :meth:`from_file`.

    Attributes:
        schema: the form's schema (a private copy).
        fields: the fields, in the order they appear (page by page).
        pages: the pages, in order; empty for a one-page form.
        languages: the languages the form has labels for.
        test_mode: whether Ofcom's drama phone numbers are accepted.
        validator: a ``jsonschema`` validator for the whole schema, with the
            same format checker (for checking already-normalised data).
    """

    __slots__ = (
        "_by_name",
        "_page_fields",
        "_residual",
        "_residual_names",
        "fields",
        "languages",
        "pages",
        "schema",
        "test_mode",
        "validator",
    )

    def __init__(self, schema: Mapping[str, Any], *, test_mode: bool = False) -> None:
        owned = check(schema)
        resolver = registry().resolver_with_root(DRAFT202012.create_resource(owned))

        def lookup(ref: str) -> Any:
            try:
                return resolver.lookup(ref).contents
            except Unresolvable:  # pragma: no cover - check() has resolved every $ref
                return {}

        fields, pages, residual = build_fields(owned, lookup, test_mode=test_mode)
        self.schema: dict[str, Any] = owned
        self.fields: tuple[Field, ...] = fields
        self.pages: tuple[Page, ...] = pages
        self.languages: tuple[str, ...] = tuple(owned.get(EXTENSION, {}).get("languages", ["en"]))
        self.test_mode: bool = test_mode
        checker = format_checker(test_mode)
        self.validator: Draft202012Validator = Draft202012Validator(
            owned, registry=registry(), format_checker=checker
        )
        self._by_name = {field.name: field for field in fields}
        self._page_fields: dict[str | None, tuple[Field, ...]] = {None: fields}
        for page in pages:
            self._page_fields[page.id] = tuple(f for f in fields if f.page == page.id)
        self._residual_names = residual
        self._residual = self._residual_validator(owned, residual, checker)

    @staticmethod
    def _residual_validator(
        schema: Mapping[str, Any], names: frozenset[str], checker: Any
    ) -> Draft202012Validator | None:
        """A validator for what the compiled checks do not cover, or ``None``."""
        rest = {key: value for key, value in schema.items() if key not in _HANDLED}
        if not rest and not names:
            return None
        rest["$schema"] = DRAFT_2020_12
        for key in ("$id", "$defs"):
            if key in schema:
                rest[key] = schema[key]
        if names:
            rest["properties"] = {n: schema["properties"][n] for n in schema["properties"]
                                  if n in names}
        return Draft202012Validator(rest, registry=registry(), format_checker=checker)

    @classmethod
    def from_schema(cls, schema: Mapping[str, Any], *, test_mode: bool = False) -> Form:
        """Load a form from a schema (a ``dict``, as from :func:`json.load`).

        Raises :class:`~lgds_components.forms.schema.FormSchemaError`
        listing every problem in the schema. ``test_mode`` accepts Ofcom's
        drama phone numbers (``07700 900 982``), for demos and tests.
        """
        return cls(schema, test_mode=test_mode)

    @classmethod
    def from_file(cls, path: str | Path, *, test_mode: bool = False) -> Form:
        """Load a form from a JSON file (UTF-8)."""
        return cls(read_schema(path), test_mode=test_mode)

    def __repr__(self) -> str:
        title = self.schema.get("title")
        return f"<Form {title!r} with {len(self.fields)} fields>" if title else (
            f"<Form with {len(self.fields)} fields>"
        )

    def field(self, name: str) -> Field:
        """The field called ``name``; KeyError if there is none."""
        return self._by_name[name]

    def page_fields(self, page: str | None = None) -> tuple[Field, ...]:
        """The fields on ``page`` (every field for ``None``)."""
        try:
            return self._page_fields[page]
        except KeyError:
            known = ", ".join(p.id for p in self.pages) or "none: the form has one page"
            raise ConfigurationError(f"no page {page!r} in this form; pages: {known}") from None

    def validate(
        self,
        post: Any,
        page: str | None = None,
        lang: str = "en",
        *,
        today: datetime.date | None = None,
    ) -> ValidationResult:
        """Validate a post: raw strings in, typed data or GOV.UK errors out.

        Args:
            post: the submitted answers: a ``dict`` or a multidict with
                ``getlist()`` (``request.form``, ``request.POST``).
            page: check only this page's fields; ``None`` checks them all.
            lang: the language of the messages, ``"en"`` or ``"cy"``.
            today: the date "past" and "future" are judged from (default:
                today in Europe/London).

        Never raises for anything in ``post``: missing keys, lists where one
        answer is expected, huge values and any Unicode give errors in the
        result. Raises ConfigurationError for an unknown page or language,
        and TypeError if ``post`` is not a mapping.
        """
        if lang not in LANGUAGES or lang not in self.languages:
            raise ConfigurationError(
                f"this form has no {lang!r} labels; its languages: {', '.join(self.languages)}"
                + ("" if lang in LANGUAGES else f" (catalogues: {', '.join(LANGUAGES)})")
            )
        if not _post.is_post(post):
            raise TypeError(f"post must be a mapping or multidict, not {type(post).__name__}")
        fields = self.page_fields(page)
        data: dict[str, Any] = {}
        found: dict[str, tuple[int, FieldError]] = {}
        instance: dict[str, object] = {}
        answered: set[str] = set()
        day = today

        def record(field: Field, code: str, *, keyword: str | None = None,
                   params: Mapping[str, str] | None = None, parts: tuple[str, ...] = ()) -> None:
            rank = priority(code)
            held = found.get(field.name)
            if held is not None and held[0] <= rank:
                return
            found[field.name] = (rank, FieldError(
                field=field.name,
                href=field.href(parts),
                message=field.message(code, lang, keyword=keyword, params=params),
                code=code,
                page=field.page,
                parts=parts if field.input == "date" else (),
            ))

        for field in fields:
            try:
                typed, value = field.read(post, self.test_mode)
            except FieldProblem as problem:
                answered.add(field.name)
                record(field, problem.code, params=problem.params, parts=problem.parts)
                continue
            if typed is MISSING:
                if field.required:
                    record(field, field.missing_code, keyword="required")
                else:
                    data[field.name] = field.empty
                continue
            answered.add(field.name)
            instance[field.name] = value
            failed = field.failed_check(value)
            if failed is not None:
                record(field, field.code_for(failed), keyword=failed)
                continue
            if field.date_rules:
                day = day or datetime.datetime.now(LONDON).date()
                broken = field.date_problem(typed, day)  # type: ignore[arg-type]
                if broken is not None:
                    code, dates = broken
                    record(field, code, keyword=code.split(".", 1)[1],
                           params=field.date_params(dates, lang))
                    continue
            data[field.name] = typed

        if self._residual is not None:
            on_page = {field.name: field for field in fields}
            for error in self._residual.iter_errors(instance):
                for name, keyword, schema in _locate(error, on_page):
                    if keyword == "required" and name in answered:
                        break  # typed but wrong: its own error says why
                    field = on_page[name]
                    code = field.code_for(keyword)
                    record(field, code, keyword=keyword, params=field.params_from(schema, code))
                    break

        errors = tuple(found[f.name][1] for f in fields if f.name in found)
        for error in errors:
            data.pop(error.field, None)
        return ValidationResult(data=data, errors=errors, lang=lang, page=page,
                                answers=_answers(post, fields))

    # ------------------------------------------------------------ GOV.UK Frontend

    def govuk(
        self,
        name: str,
        result: ValidationResult | None = None,
        answers: Mapping[str, Any] | None = None,
        *,
        lang: str | None = None,
        heading: bool = False,
    ) -> dict[str, Any]:
        """The complete parameters of field ``name``'s govuk-frontend macro.

        The macro is :meth:`macro` ``(name)``; see
        :func:`~lgds_components.forms.govuk.field_params` for the arguments.
        """
        return govuk.field_params(self.field(name), result, answers, lang=lang, heading=heading)

    def macro(self, name: str) -> str:
        """The govuk-frontend macro for field ``name`` (``"govukDateInput"``, ...)."""
        return govuk.macro_name(self.field(name))

    def answers_for(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Typed answers (``result.data``, or your database's) as a browser posts them.

        >>> form = Form.from_schema({"type": "object", "properties": {
        ...     "start": {"type": "string", "format": "date"}}})
        >>> form.answers_for({"start": datetime.date(2026, 4, 1)})
        {'start-day': '1', 'start-month': '4', 'start-year': '2026'}
        """
        return posted_all(self.fields, data)

    def display(self, name: str, value: object, lang: str = "en") -> str:
        """A typed answer of field ``name`` written for people (see
        :func:`~lgds_components.forms.display.display`)."""
        return display(self.field(name), value, lang)

    def summary_list(
        self,
        answers: ValidationResult | Mapping[str, Any],
        *,
        page: str | None = None,
        change: Change = None,
        lang: str | None = None,
    ) -> dict[str, Any]:
        """``govukSummaryList`` parameters for a check-your-answers page.

        Args:
            answers: a valid result (``validate_all`` of the stored answers),
                or typed data.
            page: only this page's fields (default: every field).
            change: the "Change" links: a format string with ``{page}``,
                ``{id}`` and ``{name}``, or a function of the field.
            lang: default: the result's language, else English.
        """
        if isinstance(answers, ValidationResult):
            data, language = answers.data, lang or answers.lang
        else:
            data, language = answers, lang or "en"
        return govuk.summary_list(self.page_fields(page), data, change=change, lang=language)

    def validate_all(
        self, post: Any, lang: str = "en", *, today: datetime.date | None = None
    ) -> ValidationResult:
        """Validate every page at once (before submitting a multi-page form).

        Errors come page by page, in page order, each with its ``page``.
        """
        return self.validate(post, None, lang, today=today)


def _answers(post: Any, fields: tuple[Field, ...]) -> dict[str, Any]:
    """What was posted for ``fields``, as posted (text, lists for checkboxes)."""
    answers: dict[str, Any] = {}
    for field in fields:
        if field.input == "checkboxes":
            many = _post.many(post, field.name)
            if isinstance(many, list) and many:
                answers[field.name] = many
            continue
        for key in field.keys():
            one = _post.one(post, key)
            if isinstance(one, str):
                answers[key] = one
    return answers


def _located_names(error: Any, fields: Mapping[str, Field]) -> list[tuple[str, str, Any]]:
    path = list(error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if path and isinstance(path[0], str) and path[0] in fields:
        return [(path[0], str(error.validator), schema)]
    if error.validator in ("required", "dependentRequired"):
        prefix = error.message.split(" is a", 1)[0]
        for name in fields:
            if prefix == repr(name):
                return [(name, "required", schema)]
    return []


def _locate(error: Any, fields: Mapping[str, Field]) -> list[tuple[str, str, Any]]:
    """The fields, failing keyword and the (sub)schema holding it, for a
    ``jsonschema`` error.

    Errors inside ``anyOf``/``oneOf`` at the form's root are traced through
    their context; an error that names no field on the page is dropped.
    """
    found = _located_names(error, fields)
    if found:
        return found
    for sub in error.context or ():
        found = _locate(sub, fields)
        if found:
            return found
    return []
