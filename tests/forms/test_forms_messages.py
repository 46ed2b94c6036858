"""Every message in both catalogues is produced by a real form post in this table.

Each row is one field, one post and the code (catalogue key) it must give.
``test_each_case_gives_its_code`` checks the rows one by one;
``test_every_catalogue_message_is_produced`` runs them all in English and Welsh
and checks that every key of both catalogues was produced, with every
placeholder filled in.
"""

from __future__ import annotations

import string
from typing import Any

import pytest

from lgds_components.forms import Form
from lgds_components.forms.messages import LANGUAGES, catalogue, placeholders
from tests.forms.forms_support import TODAY, date_post, make_form

TEXT = {"type": "string"}
DATE = {"type": "string", "format": "date"}
MONEY = {"type": "integer", "format": "money-gbp"}
CHOICE = {"type": "string", "enum": ["a", "b"]}
BOXES = {"type": "array", "items": {"enum": ["a", "b", "c"]}}


def with_rules(schema: dict[str, Any], **x_lgds: Any) -> dict[str, Any]:
    return {**schema, "x-lgds": x_lgds}


def fmt(name: str) -> dict[str, Any]:
    return {"type": "string", "format": name}


# (expected code, field schema, post, expected English message or None)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str | None]] = [
    ("missing", TEXT, {}, "Enter answer"),
    ("missing", DATE, date_post("", "", ""), "Enter answer"),
    ("choice.missing", CHOICE, {"answer": ""}, "Select answer"),
    ("choice.missing", BOXES, {"answer": []}, "Select answer"),
    ("choice.unknown", CHOICE, {"answer": "c"}, "Select answer"),
    ("choice.unknown", BOXES, {"answer": ["a", "d"]}, "Select answer"),
    (
        "format",
        {"type": "string", "pattern": "^[A-Z]+$"},
        {"answer": "abc"},
        "Enter answer in the correct format",
    ),
    ("format", TEXT, {"answer": ["one", "two"]}, "Enter answer in the correct format"),
    (
        "text.too_long",
        {"type": "string", "maxLength": 3},
        {"answer": "abcd"},
        "Answer must be 3 characters or less",
    ),
    (
        "text.too_short",
        {"type": "string", "minLength": 3},
        {"answer": "ab"},
        "Answer must be 3 characters or more",
    ),
    (
        "text.length_between",
        {"type": "string", "minLength": 2, "maxLength": 3},
        {"answer": "a"},
        "Answer must be between 2 and 3 characters",
    ),
    ("number.not_a_number", {"type": "integer"}, {"answer": "two"}, "Answer must be a number"),
    ("number.not_whole", {"type": "integer"}, {"answer": "2.5"}, "Answer must be a whole number"),
    (
        "number.too_low",
        {"type": "integer", "minimum": 1},
        {"answer": "0"},
        "Answer must be 1 or more",
    ),
    (
        "number.too_high",
        {"type": "integer", "maximum": 1500},
        {"answer": "1,501"},
        "Answer must be 1,500 or fewer",
    ),
    (
        "number.between",
        {"type": "integer", "minimum": 1, "maximum": 5},
        {"answer": "6"},
        "Answer must be between 1 and 5",
    ),
    (
        "number.more_than",
        {"type": "number", "exclusiveMinimum": 0},
        {"answer": "0"},
        "Answer must be more than 0",
    ),
    (
        "number.less_than",
        {"type": "number", "exclusiveMaximum": 10},
        {"answer": "10.0"},
        "Answer must be less than 10",
    ),
    (
        "number.multiple_of",
        {"type": "integer", "multipleOf": 5},
        {"answer": "7"},
        "Answer must be a multiple of 5",
    ),
    ("number.too_low", MONEY, {"answer": "-£5"}, "Answer must be £0 or more"),
    (
        "number.between",
        {**MONEY, "minimum": 500, "maximum": 10050},
        {"answer": "£100.51"},
        "Answer must be between £5 and £100.50",
    ),
    (
        "money.not_a_number",
        MONEY,
        {"answer": "£12.345"},
        "Answer must be an amount of money, like £125 or £125.50",
    ),
    (
        "money.pence_required",
        with_rules(MONEY, money={"pence": "required"}),
        {"answer": "12"},
        "Answer must include pence, like 123.45 or 156.00",
    ),
    (
        "money.pence_not_allowed",
        with_rules(MONEY, money={"pence": "forbidden"}),
        {"answer": "12.50"},
        "Answer must not include pence, like 123 or 156",
    ),
    (
        "checkboxes.too_few",
        {**BOXES, "minItems": 2},
        {"answer": ["a"]},
        "Select at least 2 options for answer",
    ),
    (
        "checkboxes.too_many",
        {**BOXES, "maxItems": 1},
        {"answer": ["a", "b"]},
        "Select no more than 1 options for answer",
    ),
    ("date.incomplete.day", DATE, date_post("", "3", "2026"), "Answer must include a day"),
    ("date.incomplete.month", DATE, date_post("1", "", "2026"), "Answer must include a month"),
    ("date.incomplete.year", DATE, date_post("1", "3", ""), "Answer must include a year"),
    (
        "date.incomplete.day_month",
        DATE,
        date_post("", "", "2026"),
        "Answer must include a day and month",
    ),
    (
        "date.incomplete.day_year",
        DATE,
        date_post("", "3", ""),
        "Answer must include a day and year",
    ),
    (
        "date.incomplete.month_year",
        DATE,
        date_post("1", "", ""),
        "Answer must include a month and year",
    ),
    ("date.year_digits", DATE, date_post("1", "3", "26"), "Year must include 4 numbers"),
    ("date.impossible", DATE, date_post("1", "13", "2026"), "Answer must be a real date"),
    (
        "date.past",
        with_rules(DATE, date={"when": "past"}),
        date_post("10", "3", "2026"),
        "Answer must be in the past",
    ),
    (
        "date.future",
        with_rules(DATE, date={"when": "future"}),
        date_post("10", "3", "2026"),
        "Answer must be in the future",
    ),
    (
        "date.today_or_past",
        with_rules(DATE, date={"when": "today-or-past"}),
        date_post("11", "3", "2026"),
        "Answer must be today or in the past",
    ),
    (
        "date.today_or_future",
        with_rules(DATE, date={"when": "today-or-future"}),
        date_post("9", "3", "2026"),
        "Answer must be today or in the future",
    ),
    (
        "date.after",
        with_rules(DATE, date={"after": "2017-09-01"}),
        date_post("1", "9", "2017"),
        "Answer must be after 1 September 2017",
    ),
    (
        "date.same_or_after",
        with_rules(DATE, date={"earliest": "today-14"}),
        date_post("23", "2", "2026"),
        "Answer must be the same as or after 24 February 2026",
    ),
    (
        "date.before",
        with_rules(DATE, date={"before": "today"}),
        date_post("10", "3", "2026"),
        "Answer must be before 10 March 2026",
    ),
    (
        "date.same_or_before",
        with_rules(DATE, date={"latest": "today+90"}),
        date_post("9", "6", "2026"),
        "Answer must be the same as or before 8 June 2026",
    ),
    (
        "date.between",
        with_rules(DATE, date={"earliest": "2026-01-01", "latest": "2026-12-31"}),
        date_post("1", "1", "2027"),
        "Answer must be between 1 January 2026 and 31 December 2026",
    ),
    ("postcode.missing", fmt("uk-postcode"), {"answer": " "}, "Enter your postcode"),
    ("postcode.format", fmt("uk-postcode"), {"answer": "SW1A"}, "Enter a full UK postcode"),
    (
        "postcode.bfpo",
        fmt("uk-postcode"),
        {"answer": "BF1 3AA"},
        "Enter a UK postcode. This service does not accept BFPO addresses",
    ),
    (
        "postcode.overseas",
        fmt("uk-postcode"),
        {"answer": "STHL 1ZZ"},
        "Enter a UK postcode. This service does not accept postcodes in British Overseas "
        "Territories",
    ),
    ("nino.missing", fmt("uk-nino"), {}, "Enter a National Insurance number"),
    (
        "nino.format",
        fmt("uk-nino"),
        {"answer": "QQ 12 34 56 C"},
        "Enter a National Insurance number in the correct format",
    ),
    ("phone.missing", fmt("uk-phone"), {}, "Enter a phone number"),
    (
        "phone.format",
        fmt("uk-phone"),
        {"answer": "12345"},
        "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
    ),
    (
        "phone.drama",
        fmt("uk-phone"),
        {"answer": "020 7946 0123"},
        "Enter a real phone number, not an example number",
    ),
    ("mobile.missing", fmt("uk-mobile"), {}, "Enter a mobile phone number"),
    (
        "mobile.format",
        fmt("uk-mobile"),
        {"answer": "020 7123 4567"},
        "Enter a mobile phone number, like 07700 900 982",
    ),
    (
        "mobile.drama",
        fmt("uk-mobile"),
        {"answer": "07700 900 982"},
        "Enter a real mobile phone number, not an example number",
    ),
    ("email.missing", fmt("email"), {}, "Enter an email address"),
    (
        "email.format",
        fmt("email"),
        {"answer": "name.example.com"},
        "Enter an email address in the correct format, like name@example.com",
    ),
    ("uprn.missing", fmt("uprn"), {}, "Enter a unique property reference number (UPRN)"),
    ("uprn.format", fmt("uprn"), {"answer": "12-ab"}, None),
    ("usrn.missing", fmt("usrn"), {}, "Enter a unique street reference number (USRN)"),
    ("usrn.format", fmt("usrn"), {"answer": "street"}, None),
    ("sort_code.missing", fmt("uk-sort-code"), {}, "Enter a sort code"),
    (
        "sort_code.format",
        fmt("uk-sort-code"),
        {"answer": "30-94"},
        "Enter a valid sort code like 309430",
    ),
    ("account_number.missing", fmt("uk-bank-account"), {}, "Enter an account number"),
    (
        "account_number.format",
        fmt("uk-bank-account"),
        {"answer": "0073344x"},
        "Enter a valid account number like 00733445",
    ),
    (
        "account_number.length",
        fmt("uk-bank-account"),
        {"answer": "1234"},
        "Account number must be between 6 and 8 digits",
    ),
    ("vrm.missing", fmt("uk-vrm"), {}, "Enter a vehicle registration number"),
    ("vrm.format", fmt("uk-vrm"), {"answer": "!!!!"}, None),
    ("company_number.missing", fmt("uk-company-number"), {}, "Enter a company number"),
    ("company_number.format", fmt("uk-company-number"), {"answer": "??"}, None),
]


def run(case: tuple[str, dict[str, Any], dict[str, Any], str | None], lang: str) -> Any:
    _, schema, post, _ = case
    form: Form = make_form(schema)
    return form.validate(post, lang=lang, today=TODAY)


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_case_gives_its_code(
    case: tuple[str, dict[str, Any], dict[str, Any], str | None],
) -> None:
    code, _, _, english = case
    result = run(case, "en")
    assert [error.code for error in result.errors] == [code]
    if english is not None:
        assert result.errors[0].message == english


def test_every_catalogue_message_is_produced() -> None:
    for lang in LANGUAGES:
        produced: dict[str, str] = {}
        for case in CASES:
            result = run(case, lang)
            for error in result.errors:
                produced[error.code] = error.message
            produced["summary.title"] = result.error_summary()["titleText"]
            hidden = result.error_message("answer", visually_hidden_text=True)
            assert hidden is not None
            produced["error.prefix"] = hidden["visuallyHiddenText"]
        missing = sorted(set(catalogue(lang)) - set(produced))
        assert not missing, f"{lang}: no test produces {missing}"
        for code, text in produced.items():
            assert "{" not in text and "}" not in text, (lang, code, text)
            assert text.strip() == text and text, (lang, code)


def test_welsh_catalogue_has_every_key_with_the_same_placeholders() -> None:
    english, welsh = catalogue("en"), catalogue("cy")
    assert set(english) == set(welsh)
    for key, template in english.items():
        assert placeholders(welsh[key]) <= placeholders(template) | {"label", "noun"}, key
        assert placeholders(template) - {"label", "noun"} <= placeholders(welsh[key]), key


def test_templates_use_only_known_placeholders() -> None:
    from lgds_components.forms.messages import PLACEHOLDERS

    for lang in LANGUAGES:
        for key, template in catalogue(lang).items():
            names = {n for _, n, _, _ in string.Formatter().parse(template) if n}
            assert names <= PLACEHOLDERS, (lang, key)


def test_unknown_language_is_a_configuration_error() -> None:
    from lgds_components.errors import ConfigurationError
    from lgds_components.forms.messages import format_date, message

    with pytest.raises(ConfigurationError, match="'fr'"):
        message("missing", "fr", noun="x")
    with pytest.raises(ConfigurationError):
        format_date(TODAY, "gd")
