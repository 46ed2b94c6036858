"""The complete parameters of govuk-frontend's macros for a form's fields.

:func:`field_params` gives, for one field, everything its govuk-frontend
macro takes: the label (or fieldset legend) and hint in the page's language,
``id`` (or ``idPrefix``) and ``name`` matching the error summary's links, the
answer filled back in, the error message, and the ``type``, ``autocomplete``,
``spellcheck``, ``inputmode`` and width classes the GOV.UK Design System's
patterns give each kind of answer. :func:`macro_name` says which macro:

=====================================  ======================
field                                  macro
=====================================  ======================
text, name, number, money, identifier  ``govukInput``
date                                   ``govukDateInput`` (three items; only
                                       the wrong parts get the error class)
radios                                 ``govukRadios``
checkboxes                             ``govukCheckboxes``
select                                 ``govukSelect``
textarea                               ``govukTextarea``; with ``maxLength``,
                                       ``govukCharacterCount``
=====================================  ======================

The same parameter names are taken by every port of the macros
(govuk-frontend's Nunjucks, govuk-frontend-jinja, ...). Usually you call
:meth:`Form.govuk <lgds_components.forms.form.Form.govuk>` or the Jinja
helpers in :mod:`~lgds_components.forms.jinja` rather than this module.

>>> from lgds_components.forms import Form
>>> form = Form.from_schema({"type": "object", "required": ["postcode"], "properties": {
...     "postcode": {"type": "string", "format": "uk-postcode",
...                  "x-lgds": {"label": "What is your postcode?", "noun": "your postcode"}}}})
>>> result = form.validate({"postcode": "SW1A"})
>>> params = form.govuk("postcode", result)
>>> for key, value in params.items():
...     print(f"{key}: {value!r}")
id: 'postcode'
name: 'postcode'
label: {'text': 'What is your postcode?'}
value: 'SW1A'
errorMessage: {'text': 'Enter a full UK postcode'}
autocomplete: 'postal-code'
spellcheck: False
classes: 'govuk-input--width-10'
>>> result.title("Find your bin days")
'Error: Find your bin days'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any, TypeAlias

from lgds_components.forms.display import display_lines
from lgds_components.forms.normalise import DATE_PARTS
from lgds_components.forms.wording import lower_first

if TYPE_CHECKING:
    from lgds_components.forms.fields import Field
    from lgds_components.forms.result import ValidationResult

__all__ = [
    "COMPONENTS",
    "INPUT_STYLES",
    "Answers",
    "Change",
    "field_params",
    "macro_name",
    "summary_list",
]

#: Posted answers: the raw strings (lists for checkboxes) by post key.
Answers = Mapping[str, Any]

#: Each macro's component folder in govuk-frontend (and its ports).
COMPONENTS: Mapping[str, str] = {
    "govukInput": "input",
    "govukDateInput": "date-input",
    "govukRadios": "radios",
    "govukCheckboxes": "checkboxes",
    "govukSelect": "select",
    "govukTextarea": "textarea",
    "govukCharacterCount": "character-count",
    "govukErrorSummary": "error-summary",
    "govukSummaryList": "summary-list",
    "govukTable": "table",
}

_CODE = "govuk-input--extra-letter-spacing"

#: ``govukInput`` parameters by format (and for the name, number and money
#: inputs), from the GOV.UK Design System's patterns: email addresses,
#: telephone numbers, addresses, National Insurance numbers, bank details,
#: names; codes get extra letter spacing.
INPUT_STYLES: Mapping[str, Mapping[str, Any]] = {
    "uk-postcode": {"autocomplete": "postal-code", "spellcheck": False,
                    "classes": "govuk-input--width-10"},
    "email": {"type": "email", "autocomplete": "email", "spellcheck": False},
    "uk-phone": {"type": "tel", "autocomplete": "tel", "classes": "govuk-input--width-20"},
    "uk-mobile": {"type": "tel", "autocomplete": "tel", "classes": "govuk-input--width-20"},
    "uk-nino": {"spellcheck": False, "classes": f"govuk-input--width-10 {_CODE}"},
    "uprn": {"inputmode": "numeric", "spellcheck": False, "classes": "govuk-input--width-20"},
    "usrn": {"inputmode": "numeric", "spellcheck": False, "classes": "govuk-input--width-10"},
    "uk-sort-code": {"inputmode": "numeric", "spellcheck": False,
                     "classes": f"govuk-input--width-5 {_CODE}"},
    "uk-bank-account": {"inputmode": "numeric", "spellcheck": False,
                        "classes": f"govuk-input--width-10 {_CODE}"},
    "uk-vrm": {"spellcheck": False, "classes": f"govuk-input--width-10 {_CODE}"},
    "uk-company-number": {"spellcheck": False, "classes": f"govuk-input--width-10 {_CODE}"},
    "name": {"autocomplete": "name", "spellcheck": False},
    "integer": {"inputmode": "numeric", "spellcheck": False, "classes": "govuk-input--width-5"},
    "number": {"inputmode": "decimal", "spellcheck": False, "classes": "govuk-input--width-5"},
    "money": {"inputmode": "decimal", "spellcheck": False, "classes": "govuk-input--width-10",
              "prefix": {"text": "£"}},
}

_DATE_WIDTHS = {"day": "govuk-input--width-2", "month": "govuk-input--width-2",
                "year": "govuk-input--width-4"}
_PART_LABELS = {"en": ("Day", "Month", "Year"), "cy": ("Diwrnod", "Mis", "Blwyddyn")}
_CHANGE = {"en": "Change", "cy": "Newid"}
_WELSH_PLURALS = ("zero", "one", "two", "few", "many", "other")
# govuk-frontend's character count messages in Welsh (unreviewed, as the
# message catalogue is). Welsh nouns after numbers stay singular, so every
# plural form says the same.
_WELSH_COUNT = {
    "textareaDescriptionText": "Gallwch roi hyd at %{count} nod",
    "charactersUnderLimitText": "Mae gennych %{count} nod ar ôl",
    "charactersAtLimitText": "Mae gennych 0 nod ar ôl",
    "charactersOverLimitText": "Mae gennych %{count} nod yn ormod",
}


def macro_name(field: Field) -> str:
    """The govuk-frontend macro that shows ``field`` (see the module notes)."""
    if field.input == "textarea":
        return "govukCharacterCount" if _max_length(field) is not None else "govukTextarea"
    return {
        "date": "govukDateInput",
        "radios": "govukRadios",
        "checkboxes": "govukCheckboxes",
        "select": "govukSelect",
    }.get(field.input, "govukInput")


def _max_length(field: Field) -> int | None:
    limit = field.schema.get("maxLength")
    return limit if isinstance(limit, int) and not isinstance(limit, bool) else None


def _one(answers: Answers, key: str) -> str:
    value = answers.get(key)
    if isinstance(value, list | tuple):
        value = value[0] if len(value) == 1 else None
    return value if isinstance(value, str) else ""


def _many(answers: Answers, key: str) -> set[str]:
    value = answers.get(key)
    values = value if isinstance(value, list | tuple) else [value]
    return {item.strip() for item in values if isinstance(item, str)}


def _heading(kind: str, text: str, heading: bool) -> dict[str, Any]:
    """A label or legend: a page heading (``--l``) or, for a legend, ``--m``."""
    params: dict[str, Any] = {"text": text}
    if heading:
        params["isPageHeading"] = True
        params["classes"] = f"govuk-{kind}--l"
    elif kind == "fieldset__legend":
        params["classes"] = "govuk-fieldset__legend--m"
    return params


def _classes(*names: str | None) -> str | None:
    joined = " ".join(name for name in names if name)
    return joined or None


def _input_style(field: Field) -> dict[str, Any]:
    if field.format is not None and field.format in INPUT_STYLES:
        return dict(INPUT_STYLES[field.format])
    if field.input == "number":
        return dict(INPUT_STYLES["number" if "number" in _types(field) else "integer"])
    if field.input in ("name", "money"):
        return dict(INPUT_STYLES[field.input])
    return {}


def _types(field: Field) -> set[str]:
    declared = field.schema.get("type")
    return {declared} if isinstance(declared, str) else set(declared or ())


def _date_items(field: Field, answers: Answers, wrong: Sequence[str],
                lang: str) -> list[dict[str, Any]]:
    labels = _PART_LABELS.get(lang, _PART_LABELS["en"])
    items = []
    for part, key, label in zip(DATE_PARTS, field.keys(), labels, strict=True):
        item: dict[str, Any] = {
            "id": f"{field.id}-{part}",
            "name": part,
            "label": label,
            "value": _one(answers, key),
            "classes": _classes(_DATE_WIDTHS[part],
                                "govuk-input--error" if part in wrong else None),
        }
        if field.autocomplete:
            item["autocomplete"] = f"{field.autocomplete}-{part}"
        items.append(item)
    return items


def _choice_items(field: Field, answers: Answers, lang: str, key: str) -> list[dict[str, Any]]:
    picked = _many(answers, field.name)
    items = []
    for option in field.choices:
        item: dict[str, Any] = {"value": option.value, "text": option.text_in(lang)}
        hint = option.hint_in(lang)
        if hint:
            item["hint"] = {"text": hint}
        item[key] = option.value in picked
        items.append(item)
    return items


def _character_count(field: Field, lang: str) -> dict[str, Any]:
    params: dict[str, Any] = {"maxlength": _max_length(field)}
    if lang == "cy":
        for name, text in _WELSH_COUNT.items():
            plural = "At" not in name and "Description" not in name
            params[name] = {form: text for form in _WELSH_PLURALS} if plural else text
    return params


def field_params(
    field: Field,
    result: ValidationResult | None = None,
    answers: Answers | None = None,
    *,
    lang: str | None = None,
    heading: bool = False,
) -> dict[str, Any]:
    """The parameters of ``field``'s govuk-frontend macro (:func:`macro_name`).

    Args:
        field: the form's field.
        result: the result of validating the post, if any: its error for this
            field, and the answers posted (filled back in).
        answers: answers to fill in when there is no post (stored answers, as
            :attr:`ValidationResult.answers
            <lgds_components.forms.result.ValidationResult.answers>` gave them,
            or :meth:`Form.answers_for <lgds_components.forms.form.Form.answers_for>`
            made them from typed data); the result's answers win.
        lang: ``"en"`` or ``"cy"`` (default: the result's language, else English).
        heading: make the label or legend the page's ``<h1>`` (GOV.UK's "one
            question per page": ``isPageHeading`` and the large size).
    """
    language = lang or (result.lang if result is not None else "en")
    posted: dict[str, Any] = dict(answers or {})
    if result is not None:
        posted.update(result.answers)
    words = field.words_in(language)
    error = result.error_for(field.name) if result is not None else None
    message = result.error_message(field.name) if result is not None else None
    macro = macro_name(field)
    grouped = macro in ("govukDateInput", "govukRadios", "govukCheckboxes")

    params: dict[str, Any] = {"idPrefix" if macro in ("govukRadios", "govukCheckboxes")
                              else "id": field.id}
    if macro == "govukDateInput":
        params["namePrefix"] = field.name
    else:
        params["name"] = field.name
    if grouped:
        params["fieldset"] = {"legend": _heading("fieldset__legend", words.label, heading)}
    else:
        params["label"] = _heading("label", words.label, heading)
    if words.hint:
        params["hint"] = {"text": words.hint}
    if macro == "govukDateInput":
        wrong = (error.parts or DATE_PARTS) if error is not None else ()
        params["items"] = _date_items(field, posted, wrong, language)
    elif macro in ("govukRadios", "govukCheckboxes"):
        params["items"] = _choice_items(field, posted, language, "checked")
    elif macro == "govukSelect":
        params["items"] = _choice_items(field, posted, language, "selected")
    else:
        params["value"] = _one(posted, field.name)
    if message is not None:
        params["errorMessage"] = message
    if macro == "govukInput":
        params.update(_input_style(field))
    elif macro == "govukCharacterCount":
        params.update(_character_count(field, language))
    if field.autocomplete and macro != "govukDateInput":
        params["autocomplete"] = field.autocomplete
    classes = _classes(params.get("classes"), field.classes)
    if classes:
        params["classes"] = classes
    return params


def _value(field: Field, value: object, lang: str) -> dict[str, str]:
    lines = display_lines(field, value, lang)
    if len(lines) <= 1:
        return {"text": lines[0] if lines else ""}
    return {"html": "<br>".join(escape(line) for line in lines)}


#: Where a summary row's "Change" link goes: a format string, a function of the field, or none.
Change: TypeAlias = "str | Callable[[Field], str] | None"


def _change_href(change: Change, field: Field) -> str | None:
    if change is None:
        return None
    if callable(change):
        return change(field)
    return change.format(page=field.page or "", id=field.id, name=field.name)


def summary_list(
    fields: Sequence[Field],
    data: Mapping[str, Any],
    *,
    change: Change = None,
    lang: str = "en",
) -> dict[str, Any]:
    """``govukSummaryList`` parameters: a check-your-answers row per answered field.

    Args:
        fields: the fields to show, in order.
        data: typed answers (``ValidationResult.data``); fields not in it are left out.
        change: where each row's "Change" link goes: a format string taking
            ``{page}``, ``{id}`` and ``{name}`` (``"/apply/{page}#{id}"``), or a
            function of the field; ``None`` for no links.
        lang: ``"en"`` or ``"cy"``.
    """
    rows = []
    for field in fields:
        if field.name not in data:
            continue
        words = field.words_in(lang)
        key = words.subject[:1].upper() + words.subject[1:]
        row: dict[str, Any] = {"key": {"text": key},
                               "value": _value(field, data[field.name], lang)}
        href = _change_href(change, field)
        if href is not None:
            row["actions"] = {"items": [{
                "href": href, "text": _CHANGE.get(lang, _CHANGE["en"]),
                "visuallyHiddenText": lower_first(words.subject),
            }]}
        rows.append(row)
    return {"rows": rows}
