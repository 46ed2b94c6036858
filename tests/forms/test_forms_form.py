
"""Validating posts: typed data, one error per field by GOV.UK priority, in page order."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from lgds_components.errors import ConfigurationError
from lgds_components.forms import Form
from lgds_components.forms.result import FieldError
from tests.forms.forms_support import TODAY, MultiDict, date_post, make_form


def garden_post(**changes: Any) -> dict[str, Any]:
    post = {
        "full_name": "Siân O’Brien",
        "email": "sian@example.com",
        "phone": "",
        "address_line_1": "1 Heol y Frenhines",
        "address_line_2": "",
        "town": "Caerdydd",
        "postcode": "CF10 1AA",
        "start_date-day": "20",
        "start_date-month": "3",
        "start_date-year": "2026",
        "bins": "2",
        "account_name": "S O’Brien",
        "sort_code": "30-94-30",
        "account_number": "00733445",
    }
    post.update(changes)
    return post


class TestTypedData:
    def test_valid_post_gives_typed_data(self, garden_waste: Form) -> None:
        result = garden_waste.validate_all(garden_post(phone="+44 (0)1632 960 001"), today=TODAY)
        assert result.is_valid and result.errors == ()
        assert result.data == {
            "full_name": "Siân O’Brien",
            "email": "sian@example.com",
            "phone": "+441632960001",
            "address_line_1": "1 Heol y Frenhines",
            "address_line_2": None,
            "town": "Caerdydd",
            "postcode": "CF10 1AA",
            "start_date": datetime.date(2026, 3, 20),
            "bins": 2,
            "account_name": "S O’Brien",
            "sort_code": "309430",
            "account_number": "00733445",
        }

    def test_characters_govuk_says_to_ignore_are_ignored(self, garden_waste: Form) -> None:
        post = garden_post(
            postcode=" cf10-1aa. ",
            sort_code="30 94 30",
            account_number="733 445",
            phone="01632–960–001",
            full_name="  Siân   O’Brien ",
        )
        data = garden_waste.validate_all(post, today=TODAY).data
        assert (
            data["postcode"],
            data["sort_code"],
            data["account_number"],
            data["phone"],
            data["full_name"],
        ) == ("CF10 1AA", "309430", "00733445", "+441632960001", "Siân O’Brien")

    def test_number_money_and_choice_types(self) -> None:
        form = Form.from_schema(
            {
                "type": "object",
                "properties": {
                    "weight": {"type": "number"},
                    "fee": {"type": "integer", "format": "money-gbp"},
                    "size": {"type": "integer", "enum": [140, 240]},
                    "days": {"type": "array", "items": {"enum": ["mon", "tue"]}},
                    "note": {"type": "string", "x-lgds": {"input": "textarea"}},
                },
            }
        )
        data = form.validate(
            {
                "weight": "2.50",
                "fee": "£1,234.50",
                "size": "240",
                "days": ["tue", "mon", "tue"],
                "note": "a\r\nb",
            }
        ).data
        assert data == {
            "weight": Decimal("2.50"),
            "fee": 123450,
            "size": 240,
            "days": ["tue", "mon"],
            "note": "a\nb",
        }
        assert form.validate({}).data == {
            "weight": None,
            "fee": None,
            "size": None,
            "days": [],
            "note": None,
        }

    def test_booleans_are_radios_posted_as_true_or_false(self) -> None:
        form = Form.from_schema(
            {
                "type": "object",
                "properties": {"agree": {"type": "boolean", "x-lgds": {"noun": "if you agree"}}},
                "required": ["agree"],
            }
        )
        assert form.field("agree").input == "radios"
        assert form.validate({"agree": "false"}).data == {"agree": False}
        assert form.validate({}).errors[0].message == "Select if you agree"
        assert form.validate({"agree": "yes"}).errors[0].code == "choice.unknown"

    def test_uprn_as_string_or_integer(self) -> None:
        form = Form.from_schema(
            {
                "type": "object",
                "properties": {
                    "a": {"type": "integer", "format": "uprn"},
                    "b": {"type": "string", "format": "uprn"},
                },
            }
        )
        assert form.validate({"a": "0100023336956", "b": "100023336956"}).data == {
            "a": 100023336956,
            "b": "100023336956",
        }

    def test_test_mode_reaches_fields_jsonschema_checks(self) -> None:
        schema = {
            "type": "object",
            "properties": {
                "phone": {"type": "string", "format": "uk-phone", "not": {"const": "+441"}}
            },
        }
        form = Form.from_schema(schema, test_mode=True)
        assert form.field("phone").residual
        assert form.validate({"phone": "01632 960 001"}).data == {"phone": "+441632960001"}

    def test_test_mode_accepts_drama_numbers(self) -> None:
        schema = {
            "type": "object",
            "properties": {"phone": {"type": "string", "format": "uk-mobile"}},
        }
        assert not Form.from_schema(schema).validate({"phone": "07700 900 982"}).is_valid
        data = Form.from_schema(schema, test_mode=True).validate({"phone": "07700 900 982"}).data
        assert data == {"phone": "+447700900982"}


class TestPosts:
    def test_multidict_like_flask_and_django(self, missed_bin: Form) -> None:
        post = MultiDict(
            [
                ("postcode", "EX4 1AA"),
                ("address_line_1", "10 High St"),
                ("bin", "food"),
                ("collection_date-day", "8"),
                ("collection_date-month", "Mar"),
                ("collection_date-year", "2026"),
                ("problems", "damaged"),
                ("problems", "not-emptied"),
            ]
        )
        result = missed_bin.validate(post, today=TODAY)
        assert result.is_valid, result.errors
        assert result.data["problems"] == ["damaged", "not-emptied"]

    def test_parse_qs_style_lists_of_one(self, missed_bin: Form) -> None:
        post = {
            "postcode": ["EX4 1AA"],
            "address_line_1": ["10 High St"],
            "bin": ["food"],
            "collection_date-day": ["8"],
            "collection_date-month": ["3"],
            "collection_date-year": ["2026"],
            "problems": ["damaged"],
        }
        assert missed_bin.validate(post, today=TODAY).is_valid

    def test_lists_where_one_answer_is_expected_are_errors(self, missed_bin: Form) -> None:
        post = {
            "postcode": ["EX4 1AA", "SW1A 1AA"],
            "address_line_1": {"a": 1},
            "bin": ["a", "b"],
            "collection_date-day": ["1", "2"],
            "collection_date-month": "3",
            "collection_date-year": "2026",
            "problems": [["x"]],
        }
        result = missed_bin.validate(post, today=TODAY)
        assert [(e.field, e.code, e.href) for e in result.errors] == [
            ("postcode", "postcode.format", "#postcode"),
            ("address_line_1", "format", "#address-line-1"),
            ("bin", "choice.unknown", "#bin"),
            ("collection_date", "date.impossible", "#collection-date-day"),
            ("problems", "choice.unknown", "#problems"),
        ]

    def test_numbers_from_json_bodies_are_read_as_text(self) -> None:
        form = Form.from_schema({"type": "object", "properties": {"bins": {"type": "integer"}}})
        assert form.validate({"bins": 3}).data == {"bins": 3}
        assert form.validate({"bins": True}).errors[0].code == "number.not_a_number"

    def test_post_must_be_a_mapping(self, missed_bin: Form) -> None:
        with pytest.raises(TypeError, match="post must be a mapping"):
            missed_bin.validate(["postcode", "EX4 1AA"])


class TestErrorSelection:
    def test_one_error_per_field_in_page_order(self, garden_waste: Form) -> None:
        post = garden_post(
            account_number="12",
            full_name="",
            postcode="nope",
            bins="0",
            **{"start_date-month": "13"},
        )
        result = garden_waste.validate_all(post, today=TODAY)
        assert [(e.field, e.page, e.code) for e in result.errors] == [
            ("full_name", "about-you", "missing"),
            ("postcode", "address", "postcode.format"),
            ("start_date", "subscription", "date.impossible"),
            ("bins", "subscription", "number.between"),
            ("account_number", "direct-debit", "account_number.length"),
        ]
        assert set(result.errors_by_page()) == {
            "about-you",
            "address",
            "subscription",
            "direct-debit",
        }

    def test_priority_missing_before_incomplete_before_impossible_before_range(self) -> None:
        form = make_form({"type": "string", "format": "date", "x-lgds": {"date": {"when": "past"}}})
        assert form.validate(date_post("", "", "")).errors[0].code == "missing"
        assert form.validate(date_post("40", "", "26")).errors[0].code == "date.incomplete.month"
        assert form.validate(date_post("40", "13", "26")).errors[0].code == "date.year_digits"
        assert form.validate(date_post("40", "13", "2026")).errors[0].code == "date.impossible"
        assert form.validate(date_post("1", "1", "2999")).errors[0].code == "date.past"

    def test_impossible_beats_out_of_range(self) -> None:
        form = make_form({"type": "string", "pattern": "^[0-9]+$", "minLength": 3})
        assert form.validate({"answer": "ab"}).errors[0].code == "format"
        assert form.validate({"answer": "12"}).errors[0].code == "text.too_short"

    def test_too_long_is_reported_before_running_a_pattern(self) -> None:
        form = make_form({"type": "string", "pattern": "^(a+)+$", "maxLength": 10})
        result = form.validate({"answer": "a" * 100_000 + "b"})
        assert result.errors[0].code == "text.too_long"

    def test_date_links_to_its_first_wrong_part(self) -> None:
        form = make_form({"type": "string", "format": "date", "x-lgds": {"id": "dob"}})
        cases = {
            ("1", "", "2000"): ("#dob-month", ("month",)),
            ("", "", "2000"): ("#dob-day", ("day", "month")),
            ("1", "3", ""): ("#dob-year", ("year",)),
            ("1", "13", "2000"): ("#dob-month", ("month",)),
            ("1", "1", "20"): ("#dob-year", ("year",)),
            ("31", "2", "2000"): ("#dob-day", ("day",)),
            ("", "", ""): ("#dob-day", ()),
        }
        for parts, (href, highlight) in cases.items():
            error = form.validate(date_post(*parts)).errors[0]
            assert (error.href, error.parts) == (href, highlight), parts

    def test_radios_and_checkboxes_link_to_their_first_option(self, missed_bin: Form) -> None:
        hrefs = {e.field: e.href for e in missed_bin.validate({}, today=TODAY).errors}
        assert hrefs["bin"] == "#bin" and hrefs["problems"] == "#problems"

    def test_custom_messages_per_keyword_and_per_code(self) -> None:
        form = make_form(
            {
                "type": "string",
                "format": "date",
                "x-lgds": {
                    "label": "Date of birth",
                    "noun": "your date of birth",
                    "date": {"when": "past"},
                    "messages": {
                        "required": "Tell us your date of birth",
                        "past": "Your date of birth cannot be in the future",
                        "date.incomplete.month": "Add the month you were born",
                    },
                    "cy": {
                        "label": "Dyddiad geni",
                        "messages": {"required": "Rhowch eich dyddiad geni"},
                    },
                },
            },
        )
        messages = [
            form.validate(p, today=TODAY).errors[0].message
            for p in (
                date_post("", "", ""),
                date_post("1", "1", "2030"),
                date_post("1", "", "2000"),
                date_post("1", "13", "2000"),
            )
        ]
        assert messages == [
            "Tell us your date of birth",
            "Your date of birth cannot be in the future",
            "Add the month you were born",
            "Date of birth must be a real date",
        ]
        welsh = form.validate(date_post("", "", ""), lang="cy").errors[0].message
        assert welsh == "Rhowch eich dyddiad geni"

    def test_explicit_noun_replaces_a_format_missing_message(self) -> None:
        form = make_form(
            {
                "type": "string",
                "format": "uk-postcode",
                "x-lgds": {"noun": "the postcode of the property"},
            }
        )
        assert form.validate({}).errors[0].message == "Enter the postcode of the property"


class TestPages:
    def test_validating_a_page_checks_only_its_fields(self, garden_waste: Form) -> None:
        result = garden_waste.validate({"sort_code": "309430"}, page="direct-debit", today=TODAY)
        assert [e.field for e in result.errors] == ["account_name", "account_number"]
        assert {e.page for e in result.errors} == {"direct-debit"}
        assert result.page == "direct-debit"
        page = garden_waste.validate(garden_post(), page="about-you")
        assert page.is_valid and set(page.data) == {"full_name", "email", "phone"}

    def test_validate_all_reports_every_page(self, garden_waste: Form) -> None:
        result = garden_waste.validate_all({}, today=TODAY)
        assert [e.page for e in result.errors] == (
            ["about-you"] * 2 + ["address"] * 3 + ["subscription"] * 2 + ["direct-debit"] * 3
        )
        assert result.page is None

    def test_fields_are_ordered_by_page_then_declaration(self) -> None:
        form = Form.from_schema(
            {
                "type": "object",
                "x-lgds": {"pages": [{"id": "first"}, {"id": "second"}]},
                "properties": {
                    "b": {"type": "string", "x-lgds": {"page": "second"}},
                    "a": {"type": "string", "x-lgds": {"page": "first"}},
                    "c": {"type": "string", "x-lgds": {"page": "first"}},
                },
                "required": ["a", "b", "c"],
            }
        )
        assert [e.field for e in form.validate_all({}).errors] == ["a", "c", "b"]

    def test_pages_inferred_from_fields(self) -> None:
        form = Form.from_schema(
            {
                "type": "object",
                "properties": {
                    "a": {"type": "string", "x-lgds": {"page": "p2"}},
                    "b": {"type": "string", "x-lgds": {"page": "p1"}},
                },
            }
        )
        assert [page.id for page in form.pages] == ["p2", "p1"]

    def test_unknown_page_and_language(self, garden_waste: Form, missed_bin: Form) -> None:
        with pytest.raises(ConfigurationError, match="no page 'nope'"):
            garden_waste.validate({}, page="nope")
        with pytest.raises(ConfigurationError, match="one page"):
            missed_bin.validate({}, page="any")
        with pytest.raises(ConfigurationError, match="no 'cy' labels"):
            missed_bin.validate({}, lang="cy")
        with pytest.raises(ConfigurationError, match="catalogues"):
            garden_waste.validate({}, lang="fr")


class TestCrossFieldRules:
    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "x-lgds": {"pages": [{"id": "how"}, {"id": "details"}]},
            "properties": {
                "contact": {
                    "type": "string",
                    "enum": ["email", "phone"],
                    "x-lgds": {"page": "how", "noun": "how we should contact you"},
                },
                "email": {"type": "string", "format": "email", "x-lgds": {"page": "how"}},
                "phone": {"type": "string", "format": "uk-phone", "x-lgds": {"page": "how"}},
                "count": {"type": "integer", "multipleOf": 2, "x-lgds": {"page": "details"}},
                "name": {"type": "string", "x-lgds": {"page": "details"}},
                "alias": {"type": "string", "x-lgds": {"page": "details"}},
            },
            "required": ["contact"],
            "allOf": [
                {
                    "if": {"properties": {"contact": {"const": "email"}}, "required": ["contact"]},
                    "then": {"required": ["email"]},
                },
                {
                    "if": {"properties": {"contact": {"const": "phone"}}, "required": ["contact"]},
                    "then": {"required": ["phone"]},
                },
            ],
            "dependentRequired": {"alias": ["name"]},
        }

    def test_if_then_required(self) -> None:
        form = Form.from_schema(self.schema())
        assert form.validate({"contact": "email"}).errors == (
            FieldError("email", "#email", "Enter an email address", "email.missing", "how"),
        )
        assert form.validate({"contact": "phone", "phone": "020 7123 4567"}).is_valid

    def test_conditional_requirement_does_not_hide_a_format_error(self) -> None:
        form = Form.from_schema(self.schema())
        error = form.validate({"contact": "email", "email": "nope"}).errors[0]
        assert error.code == "email.format"

    def test_dependent_required_and_residual_field_keywords(self) -> None:
        form = Form.from_schema(self.schema())
        result = form.validate(
            {"contact": "phone", "phone": "020 7123 4567", "alias": "Jo", "count": "3"}
        )
        assert [(e.field, e.code) for e in result.errors] == [
            ("count", "number.multiple_of"),
            ("name", "missing"),
        ]
        assert result.data == {
            "contact": "phone",
            "email": None,
            "phone": "+442071234567",
            "alias": "Jo",
        }

    def test_cross_field_errors_are_dropped_for_other_pages(self) -> None:
        form = Form.from_schema(self.schema())
        assert form.validate({"alias": "Jo", "name": "Jo"}, page="details").is_valid
        assert [e.field for e in form.validate({"alias": "Jo"}, page="details").errors] == ["name"]

    def test_any_of_at_the_root_lands_on_a_field(self) -> None:
        form = Form.from_schema(
            {
                "type": "object",
                "properties": {
                    "email": {"type": "string", "format": "email"},
                    "phone": {"type": "string", "format": "uk-phone"},
                },
                "anyOf": [{"required": ["email"]}, {"required": ["phone"]}],
            }
        )
        assert [e.code for e in form.validate({}).errors] == ["email.missing"]
        assert form.validate({"phone": "020 7123 4567"}).is_valid


class TestLoadOnce:
    def test_compiled_once_and_reused(self, garden_waste: Form) -> None:
        validator, fields = garden_waste.validator, garden_waste.fields
        for _ in range(3):
            garden_waste.validate_all(garden_post(), today=TODAY)
        assert garden_waste.validator is validator and garden_waste.fields is fields
        assert all(not field.residual for field in fields)

    def test_full_validator_agrees_on_normalised_data(self, garden_waste: Form) -> None:
        data = garden_waste.validate_all(garden_post(), today=TODAY).data
        instance = {
            k: (v.isoformat() if isinstance(v, datetime.date) else v)
            for k, v in data.items()
            if v is not None
        }
        assert garden_waste.validator.is_valid(instance)

    def test_field_lookup(self, garden_waste: Form) -> None:
        field = garden_waste.field("start_date")
        assert (field.input, field.id, field.keys()) == (
            "date",
            "start-date",
            ("start_date-day", "start_date-month", "start_date-year"),
        )
        with pytest.raises(KeyError):
            garden_waste.field("nope")


def test_today_defaults_to_london() -> None:
    form = make_form(
        {"type": "string", "format": "date", "x-lgds": {"date": {"when": "today-or-past"}}}
    )
    today = datetime.datetime.now(datetime.UTC).date()
    tomorrow = today + datetime.timedelta(days=2)
    assert form.validate(
        date_post(str(tomorrow.day), str(tomorrow.month), str(tomorrow.year))
    ).errors
