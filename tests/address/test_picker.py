"""The address picker and the manual address form, rendered with govuk-frontend-jinja."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.address import Address, Gazetteer
from lgds_components.address.picker import (
    NOT_LISTED,
    AddressPicker,
    manual_address_form,
    manual_address_lines,
)


@pytest.fixture(scope="module")
def homes() -> list[Address]:
    with Gazetteer.sample() as gaz:
        return gaz.by_postcode("SN7 1BA")


@pytest.fixture(scope="module")
def env() -> Any:
    jinja2 = pytest.importorskip("jinja2")
    pytest.importorskip("govuk_frontend_jinja")
    from lgds_components.forms.jinja import install

    environment = jinja2.Environment(loader=jinja2.PrefixLoader(
        {"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")}), autoescape=True)
    install(environment)
    return environment


def test_only_postal_addresses_are_offered(homes: list[Address]) -> None:
    picker = AddressPicker(homes)
    assert all(a.postal for a in picker.addresses)
    assert len(AddressPicker(homes, postal_only=False)) == len(homes)
    assert len(picker) < len(homes)  # the block's own record is not an address to choose


def test_counts_in_english_and_welsh() -> None:
    one = [Address(uprn=1, pao_start_number=2, street="Mill Lane")]
    assert AddressPicker([]).count_text() == "No addresses found"
    assert AddressPicker(one).count_text() == "1 address found"
    assert AddressPicker(one * 2, lang="cy").count_text() == "2 cyfeiriad wedi’u canfod"
    with pytest.raises(ValueError, match="lang"):
        AddressPicker(one, lang="fr")


def test_select_renders_with_the_choice_kept_and_the_error_linked(
    env: Any, homes: list[Address]
) -> None:
    picker = AddressPicker(homes)
    chosen = picker.addresses[3]
    result = picker.validate({"uprn": "1"})
    html = env.from_string(
        "{{ govuk_error_summary(result) }}{{ govuk_macro('govukSelect', params) }}"
    ).render(result=result, params=picker.select(result))
    assert '<a href="#uprn">Select an address from the list</a>' in html
    assert 'id="uprn" name="uprn"' in html and "govuk-select--error" in html
    assert f'<option value="">{picker.count_text()}</option>' in html
    kept = picker.select(answers={"uprn": str(chosen.uprn)})
    html = env.from_string("{{ govuk_macro('govukSelect', p) }}").render(p=kept)
    assert f'<option value="{chosen.uprn}" selected>' in html
    assert html.count(" selected") == 1


def test_radios_with_not_listed(env: Any, homes: list[Address]) -> None:
    picker = AddressPicker(homes[:3])
    params = picker.radios(answers={"uprn": NOT_LISTED}, heading=True, not_listed=True)
    html = env.from_string("{{ govuk_macro('govukRadios', p) }}").render(p=params)
    assert '<div class="govuk-radios__divider">or</div>' in html
    assert f'value="{NOT_LISTED}" checked' in html
    assert '<h1 class="govuk-fieldset__heading">' in html
    assert picker.validate({"uprn": NOT_LISTED}, not_listed=True).data == {
        "uprn": None, "address": None}
    assert not picker.validate({"uprn": NOT_LISTED}).is_valid


def test_validate_accepts_only_a_uprn_from_the_list(homes: list[Address]) -> None:
    picker = AddressPicker(homes)
    chosen = picker.addresses[0]
    assert picker.validate({"uprn": f" {chosen.uprn} "}).data["address"] == chosen
    for post, message in (({}, "Select an address"), ({"uprn": ""}, "Select an address"),
                          ({"uprn": "100040000012"}, "Select an address from the list"),
                          ({"uprn": [str(chosen.uprn)] * 2}, "Select an address"),
                          ({"uprn": str(homes[0].uprn) if not homes[0].postal else "x"},
                           "Select an address from the list")):
        result = picker.validate(post)
        assert [e.message for e in result.errors] == [message], post
    welsh = AddressPicker(homes, lang="cy").validate({})
    assert welsh.error_message("uprn") == {"text": "Dewiswch gyfeiriad",
                                           "visuallyHiddenText": "Gwall"}


@given(st.one_of(st.text(max_size=50), st.lists(st.text(max_size=12), max_size=3)))
def test_validate_never_raises(value: Any) -> None:
    picker = AddressPicker([Address(uprn=10, street="Mill Lane")])
    result = picker.validate({"uprn": value})
    # a list of one answer is one answer (as parse_qs gives it); several are unreadable
    answer = value[0] if isinstance(value, list) and len(value) == 1 else value
    assert result.is_valid == (isinstance(answer, str) and answer.strip() == "10")


def test_manual_address_form_follows_the_govuk_pattern(env: Any) -> None:
    form = manual_address_form()
    result = form.validate({"address_line_1": "", "town": "", "postcode": "sn7"})
    assert result.error_summary()["errorList"] == [
        {"text": "Enter address line 1, typically the building and street",
         "href": "#address-line-1"},
        {"text": "Enter town or city", "href": "#address-town"},
        {"text": "Enter a full UK postcode", "href": "#address-postcode"},
    ]
    html = env.from_string("{{ govuk_fields(form, None, result) }}").render(
        form=form, result=result)
    for autocomplete in ("address-line1", "address-line2", "address-level2", "postal-code"):
        assert f'autocomplete="{autocomplete}"' in html
    assert "County (optional)" in html and "govuk-!-width-two-thirds" in html
    assert 'value="sn7"' in html
    good = form.validate({"address_line_1": "Rose Cottage", "address_line_2": "",
                          "town": "Rushworth", "county": "", "postcode": "sn7 1ba"})
    assert manual_address_lines(good.data) == ("Rose Cottage", "Rushworth", "SN7 1BA")
    welsh = form.validate({}, lang="cy")
    assert [e.message for e in welsh.errors][1:] == ["Rhowch dref neu ddinas", "Rhowch god post"]
