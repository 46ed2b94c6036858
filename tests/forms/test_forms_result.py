"""Results in the exact shapes govuk-frontend-jinja's macros take."""

from __future__ import annotations

from lgds_components.forms import Form, ValidationResult
from lgds_components.forms.result import FieldError
from tests.forms.forms_support import TODAY


def test_error_summary_is_the_govuk_error_summary_parameters(garden_waste: Form) -> None:
    result = garden_waste.validate({"sort_code": "30-94"}, page="direct-debit")
    assert result.error_summary() == {
        "titleText": "There is a problem",
        "errorList": [
            {"text": "Enter the name on the account", "href": "#name-on-the-account"},
            {"text": "Enter a valid sort code like 309430", "href": "#sort-code"},
            {"text": "Enter an account number", "href": "#account-number"},
        ],
    }


def test_welsh_summary_and_error_message(garden_waste: Form) -> None:
    result = garden_waste.validate({"sort_code": "30-94"}, page="direct-debit", lang="cy")
    assert result.error_summary()["titleText"] == "Mae problem wedi codi"
    assert result.error_message("sort_code") == {
        "text": "Rhowch god didoli dilys fel 309430",
        "visuallyHiddenText": "Gwall",
    }


def test_error_message_is_the_errormessage_parameter(garden_waste: Form) -> None:
    result = garden_waste.validate(
        {"start_date-day": "1", "start_date-year": "2026"}, page="subscription", today=TODAY
    )
    assert result.error_message("start_date") == {"text": "Start date must include a month"}
    assert result.error_message("start_date", visually_hidden_text=True) == {
        "text": "Start date must include a month",
        "visuallyHiddenText": "Error",
    }
    assert result.error_message("sort_code") is None
    assert result.error_for("bins") is not None and result.error_for("nope") is None


def test_valid_result() -> None:
    result = ValidationResult(data={"a": 1}, errors=())
    assert result.is_valid
    assert result.error_summary() == {"titleText": "There is a problem", "errorList": []}
    assert result.errors_by_page() == {}


def test_errors_by_page_keeps_page_order() -> None:
    errors = (
        FieldError("a", "#a", "A", "missing", "one"),
        FieldError("b", "#b", "B", "missing", "two"),
        FieldError("c", "#c", "C", "missing", "one"),
    )
    grouped = ValidationResult(data={}, errors=errors).errors_by_page()
    assert list(grouped) == ["one", "two"] and [e.field for e in grouped["one"]] == ["a", "c"]
