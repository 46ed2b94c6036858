"""Django: validators, form fields, model fields and template filters, against a real Django."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, models
from django.db.migrations.writer import MigrationWriter
from django.http import QueryDict
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from lgds_components.django import forms as lgds_forms
from lgds_components.django import models as lgds_models
from lgds_components.django import validators
from lgds_components.errors import InvalidFormat
from lgds_components.forms import Form
from lgds_components.forms.result import FieldError, ValidationResult
from lgds_components.identifiers import postcode

# -- validators -----------------------------------------------------------------------------


def test_a_plain_validate_function_is_a_500_in_django() -> None:
    # the problem: Django catches only its own ValidationError
    class Plain(forms.Form):
        postcode = forms.CharField(validators=[postcode.validate])

    with pytest.raises(InvalidFormat):
        Plain({"postcode": "QA1 1AA"}).is_valid()


def test_the_library_validator_is_a_form_error_with_message_and_code() -> None:
    class Checked(forms.Form):
        postcode = forms.CharField(validators=[validators.validate_postcode])

    form = Checked({"postcode": "QA1 1AA"})
    assert not form.is_valid()
    assert form.errors.get_json_data()["postcode"] == [
        {"message": "Enter a full UK postcode", "code": "invalid_format"}]


@pytest.mark.parametrize("name", sorted(n for n in validators.__all__ if n.startswith("validate_")))
def test_every_validator_raises_djangos_error(name: str) -> None:
    validator = getattr(validators, name)
    with pytest.raises(DjangoValidationError) as caught:
        validator("")
    assert caught.value.code == "missing" and caught.value.messages[0].startswith("Enter ")


def test_validators_deconstruct_for_migrations() -> None:
    validator = validators.IdentifierValidator("phone", kind="mobile")
    text, imports = MigrationWriter.serialize(validator)
    assert text == "lgds_components.django.validators.IdentifierValidator('phone', kind='mobile')"
    assert imports == {"import lgds_components.django.validators"}
    assert validator == validators.validate_mobile_number
    with pytest.raises(ValueError, match="no identifier"):
        validators.IdentifierValidator("postcodes")


# -- form fields -----------------------------------------------------------------------------

CASES: list[tuple[type[lgds_forms.IdentifierField], dict[str, Any], str, Any, str, str, str]] = [
    # field, options, good input, canonical, bad input, bad code, required message
    (lgds_forms.PostcodeField, {}, " sw1a-1aa ", "SW1A 1AA", "QA1 1AA", "invalid_format",
     "Enter a postcode"),
    (lgds_forms.PostcodeField, {"bfpo": True}, "bf1 3aa", "BF1 3AA", "SW1A", "invalid_format",
     "Enter a postcode"),
    (lgds_forms.UPRNField, {}, "000100023336956", 100023336956, "12x", "invalid_format",
     "Enter a UPRN"),
    (lgds_forms.USRNField, {}, " 12345678 ", 12345678, "123456789", "invalid_length",
     "Enter a USRN"),
    (lgds_forms.NINumberField, {}, "ab 12 34 56 c", "AB123456C", "QQ123456C", "invalid_component",
     "Enter a National Insurance number"),
    (lgds_forms.PhoneNumberField, {}, "020 7123 4567", "+442071234567", "07700 900982",
     "drama_number", "Enter a telephone number"),
    (lgds_forms.PhoneNumberField, {"allow_drama": True}, "07700 900982", "+447700900982",
     "0800 FLOWERS", "invalid_format", "Enter a telephone number"),
    (lgds_forms.MobileNumberField, {}, "07400 123456", "+447400123456", "020 7123 4567",
     "invalid_component", "Enter a mobile phone number"),
    (lgds_forms.EmailAddressField, {}, "Name@Example.COM", "Name@example.com", "name",
     "invalid_format", "Enter an email address"),
    (lgds_forms.SortCodeField, {}, "30-94-30", "309430", "1234", "invalid_length",
     "Enter a sort code"),
    (lgds_forms.AccountNumberField, {}, "733445", "00733445", "1", "invalid_length",
     "Enter an account number"),
    (lgds_forms.VehicleRegistrationField, {}, "ab12 cde", "AB12CDE", "!!", "invalid_format",
     "Enter a vehicle registration number"),
    (lgds_forms.CompanyNumberField, {}, "sc 12345", "SC012345", "ZZ", "invalid_format",
     "Enter a company number"),
    (lgds_forms.MoneyField, {}, "£1,234.50", 123450, "12.345", "too_many_decimals",
     "Enter an amount"),
    (lgds_forms.MoneyField, {"max": 5000}, "£50", 5000, "£50.01", "too_large", "Enter an amount"),
]
IDS = [f"{case[0].__name__}{case[1] or ''}" for case in CASES]


def one_field_form(field: forms.Field) -> type[forms.Form]:
    return type("OneField", (forms.Form,), {"value": field})


@pytest.mark.parametrize(("field", "options", "good", "canonical", "bad", "code", "missing"),
                         CASES, ids=IDS)
def test_fields_clean_to_the_canonical_value_or_the_govuk_error(
    field: type[lgds_forms.IdentifierField], options: dict[str, Any], good: str, canonical: Any,
    bad: str, code: str, missing: str,
) -> None:
    form_class = one_field_form(field(**options))
    form = form_class({"value": good})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == canonical
    form = form_class({"value": bad})
    assert not form.is_valid()
    (error,) = form.errors.get_json_data()["value"]
    assert error["code"] == code
    for empty in ({}, {"value": ""}, {"value": "   "}):
        form = form_class(empty)
        assert not form.is_valid()
        assert form.errors.get_json_data()["value"] == [{"message": missing, "code": "missing"}]


@pytest.mark.parametrize("field", sorted({case[0] for case in CASES}, key=lambda f: f.__name__))
def test_optional_fields_left_empty(field: type[lgds_forms.IdentifierField]) -> None:
    form = one_field_form(field(required=False))({"value": "  "})
    assert form.is_valid()
    numbers = (lgds_forms.UPRNField, lgds_forms.USRNField, lgds_forms.MoneyField)
    assert form.cleaned_data["value"] == (None if issubclass(field, numbers) else "")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CASES), st.text(max_size=60) | st.text(max_size=2) .map(lambda t: t * 5000))
def test_any_text_is_a_clean_answer_or_a_form_error(case: tuple[Any, ...], text: str) -> None:
    form = one_field_form(case[0](**case[1]))({"value": text})
    if form.is_valid():
        assert form.cleaned_data["value"] is not None or not text.strip()
    else:
        assert form.errors.get_json_data()["value"][0]["message"]


def test_inputs_carry_the_govuk_attributes_and_no_maxlength() -> None:
    class Details(forms.Form):
        postcode = lgds_forms.PostcodeField()
        phone = lgds_forms.PhoneNumberField()
        email = lgds_forms.EmailAddressField()
        uprn = lgds_forms.UPRNField(max_length=12)

    form = Details()
    html = {name: str(form[name]) for name in ("postcode", "phone", "email", "uprn")}
    assert 'autocomplete="postal-code"' in html["postcode"]
    assert 'spellcheck="false"' in html["postcode"]
    assert 'type="tel"' in html["phone"] and 'autocomplete="tel"' in html["phone"]
    assert 'type="email"' in html["email"]
    assert 'inputmode="numeric"' in html["uprn"]
    assert not any("maxlength" in tag for tag in html.values())


# -- model fields ---------------------------------------------------------------------------


class MissedBin(models.Model):
    uprn = lgds_models.UPRNField()
    postcode = lgds_models.PostcodeField()
    forces_postcode = lgds_models.PostcodeField(bfpo=True, blank=True)

    class Meta:
        app_label = "lgds_test"


@pytest.fixture
def table() -> Iterator[None]:
    with connection.schema_editor() as editor:
        editor.create_model(MissedBin)
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(MissedBin)


@pytest.mark.usefixtures("table")
def test_model_fields_store_canonical_values_and_lookups_match() -> None:
    saved = MissedBin.objects.create(uprn="000100023336956", postcode=" sw1a-1aa ")
    row = MissedBin.objects.get(pk=saved.pk)
    assert (row.uprn, row.postcode) == (100023336956, "SW1A 1AA")
    assert MissedBin.objects.filter(postcode="sw1a1aa").count() == 1
    assert MissedBin.objects.filter(uprn=" 100023336956").count() == 1
    assert MissedBin.objects.filter(postcode="not a postcode").count() == 0


def test_full_clean_gives_the_govuk_messages() -> None:
    with pytest.raises(DjangoValidationError) as caught:
        MissedBin(uprn="12x", postcode="QA1 1AA", forces_postcode="BF1 3AA").full_clean()
    assert caught.value.message_dict == {
        "uprn": ["Enter a UPRN using numbers only"], "postcode": ["Enter a full UK postcode"]}
    assert caught.value.error_dict["postcode"][0].code == "invalid_format"


def test_model_forms_get_the_library_form_fields() -> None:
    class MissedBinForm(forms.ModelForm):  # type: ignore[type-arg]
        class Meta:
            model = MissedBin
            fields = ("uprn", "postcode", "forces_postcode")

    form = MissedBinForm({"uprn": "100023336956", "postcode": "", "forces_postcode": "bf1 3aa"})
    assert isinstance(form.fields["postcode"], lgds_forms.PostcodeField)
    assert isinstance(form.fields["uprn"], lgds_forms.UPRNField)
    assert not form.is_valid()
    assert form.errors["postcode"] == ["Enter a postcode"]
    assert form.cleaned_data["forces_postcode"] == "BF1 3AA"
    assert "maxlength" not in str(form["postcode"])


def test_model_fields_deconstruct_for_migrations() -> None:
    for name in ("uprn", "postcode", "forces_postcode"):
        field = MissedBin._meta.get_field(name)
        _, path, args, kwargs = field.deconstruct()
        rebuilt = type(field)(*args, **kwargs)
        assert rebuilt.deconstruct()[1:] == (path, args, kwargs)
        MigrationWriter.serialize(field)
    assert MissedBin._meta.get_field("forces_postcode").deconstruct()[3] == {
        "blank": True, "bfpo": True}


# -- template filters for the library's Form results ---------------------------------------

SCHEMA = {
    "type": "object",
    "required": ["postcode"],
    "properties": {"postcode": {"type": "string", "format": "uk-postcode",
                                "x-lgds": {"label": "Postcode"}}},
}

PAGE = Template(
    "{% load lgds %}<title>{{ result|page_title:'Find your address' }}</title>"
    "{% govuk_error_message result 'postcode' %}"
    "[{{ result|error_text:'postcode' }}]"
    "{% with message=result|error_message:'postcode' %}({{ message.text }}){% endwith %}"
    "<input value=\"{{ result|answer:'postcode' }}\">"
)


def render(result: ValidationResult | None) -> str:
    return PAGE.render(Context({"result": result}))


def test_filters_and_tag_on_a_result_with_an_error() -> None:
    post = QueryDict("postcode=ex4")  # as request.POST gives it
    html = render(Form.from_schema(SCHEMA).validate(post))
    assert "<title>Error: Find your address</title>" in html
    assert ('<p id="postcode-error" class="govuk-error-message"><span class="govuk-visually-'
            'hidden">Error:</span> Enter a full UK postcode</p>') in html
    assert "[Enter a full UK postcode]" in html and "(Enter a full UK postcode)" in html
    assert '<input value="ex4">' in html


@pytest.mark.parametrize(
    "result", [None, Form.from_schema(SCHEMA).validate({"postcode": "ex4 1aa"})])
def test_filters_and_tag_with_no_error(result: ValidationResult | None) -> None:
    html = render(result)
    assert "<title>Find your address</title>" in html
    assert "govuk-error-message" not in html and "[]" in html


def test_everything_shown_is_escaped() -> None:
    nasty = '<script>alert("x")</script>'
    result = ValidationResult(data={}, errors=(FieldError("postcode", "#postcode", nasty, "x"),),
                              answers={"postcode": nasty})
    html = render(result)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
