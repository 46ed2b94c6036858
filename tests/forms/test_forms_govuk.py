"""GOV.UK Frontend parameters, checked by rendering them with govuk-frontend-jinja.

Every test renders real govuk-frontend-jinja templates and reads the HTML
back: the ids the error summary links to exist on the inputs, answers are
filled back in, errors show where they should and nowhere else.
"""

from __future__ import annotations

import datetime
from html.parser import HTMLParser
from typing import Any

import pytest

jinja2 = pytest.importorskip("jinja2")
pytest.importorskip("govuk_frontend_jinja")

from lgds_components.forms import Form  # noqa: E402
from lgds_components.forms.jinja import install  # noqa: E402

SCHEMA: dict[str, Any] = {
    "type": "object",
    "x-lgds": {"languages": ["en", "cy"]},
    "required": ["full_name", "dob", "bin", "postcode", "bins", "contact", "mobile", "fee"],
    "properties": {
        "full_name": {"type": "string", "maxLength": 100, "x-lgds": {
            "input": "name", "id": "full-name", "label": "What is your full name?",
            "noun": "your full name", "cy": {"label": "Beth yw eich enw llawn?"}}},
        "dob": {"type": "string", "format": "date", "x-lgds": {
            "label": "What is your date of birth?", "noun": "your date of birth",
            "hint": "For example, 27 3 2007", "autocomplete": "bday", "date": {"when": "past"},
            "cy": {"label": "Beth yw eich dyddiad geni?", "hint": "Er enghraifft, 27 3 2007"}}},
        "bin": {"type": "string", "oneOf": [
            {"const": "rubbish", "title": "Rubbish", "description": "The black bin"},
            {"const": "recycling", "title": "Recycling"}], "x-lgds": {
            "label": "Which bin do you need?", "noun": "the bin you need",
            "options": {"rubbish": {"cy": {"text": "Sbwriel", "hint": "Y bin du"}},
                        "recycling": {"cy": {"text": "Ailgylchu"}}},
            "cy": {"label": "Pa fin sydd ei angen arnoch?"}}},
        "postcode": {"type": "string", "format": "uk-postcode", "x-lgds": {
            "cy": {"label": "Cod post"}}},
        "bins": {"type": "array", "items": {"enum": ["garden", "food"]}, "x-lgds": {
            "label": "Extra bins", "options": {"garden": "Garden waste", "food": "Food caddy"},
            "cy": {"label": "Biniau ychwanegol"}}},
        "contact": {"enum": ["email", "phone"], "x-lgds": {
            "input": "select", "label": "How should we contact you?",
            "noun": "how we should contact you", "cy": {"label": "Sut dylem gysylltu?"}}},
        "mobile": {"type": "string", "format": "uk-mobile", "x-lgds": {
            "label": "Mobile phone number", "cy": {"label": "Rhif ffôn symudol"}}},
        "fee": {"type": "integer", "format": "money-gbp", "minimum": 100, "x-lgds": {
            "label": "Amount", "cy": {"label": "Swm"}}},
        "details": {"type": "string", "maxLength": 20, "x-lgds": {
            "input": "textarea", "label": "Tell us more (optional)",
            "noun": "more detail", "subject": "Your description",
            "cy": {"label": "Dywedwch fwy (dewisol)"}}},
        "notes": {"type": "string", "x-lgds": {"input": "textarea", "cy": {"label": "Nodiadau"}}},
    },
}

TODAY = datetime.date(2026, 3, 10)
BAD = {
    "full_name": "Siân <O’Brien>", "dob-day": "31", "dob-month": "", "dob-year": "1990",
    "bin": "recycling", "postcode": "sw1a", "bins": ["food"], "contact": "phone",
    "mobile": "07700 900 982", "fee": "12.50", "details": "x" * 21, "notes": "a\nb",
}


class Page(HTMLParser):
    """Every element with an id, and the error summary's links, from rendered HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, tuple[str, dict[str, str | None]]] = {}
        self.summary_links: list[str] = []
        self.text: list[str] = []
        self._in_summary = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "govuk-error-summary" in (found.get("class") or "").split():
            self._in_summary = True
        if tag == "a" and self._in_summary and found.get("href", "").startswith("#"):
            self.summary_links.append(found["href"][1:])  # type: ignore[index]
        if found.get("id"):
            self.by_id[found["id"]] = (tag, found)  # type: ignore[index]

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(" ".join(data.split()))

    def classes(self, element_id: str) -> set[str]:
        return set((self.by_id[element_id][1].get("class") or "").split())

    def attr(self, element_id: str, name: str) -> str | None:
        return self.by_id[element_id][1].get(name)


@pytest.fixture(scope="module")
def env() -> Any:
    environment = jinja2.Environment(
        loader=jinja2.PrefixLoader(
            {"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")}),
        autoescape=True,
    )
    install(environment)
    return environment


@pytest.fixture(scope="module")
def form() -> Form:
    return Form.from_schema(SCHEMA, test_mode=True)


def render(env: Any, form: Form, result: Any = None, answers: Any = None) -> Page:
    template = env.from_string(
        "<title>{{ govuk_title('Order a bin', result) }}</title>"
        "{{ govuk_error_summary(result) }}{{ govuk_fields(form, None, result, answers) }}"
    )
    return Page(template.render(form=form, result=result, answers=answers))


def test_every_summary_link_points_at_a_rendered_input(env: Any, form: Form) -> None:
    result = form.validate(BAD, today=TODAY)
    page = render(env, form, result)
    assert page.summary_links == [e.href[1:] for e in result.errors]
    assert page.summary_links == ["dob-month", "postcode", "details"]
    for target in page.summary_links:
        tag, _ = page.by_id[target]
        assert tag in ("input", "select", "textarea")
    assert page.text[0] == "Error: Order a bin"


def test_radios_and_checkboxes_errors_link_to_their_first_option(env: Any, form: Form) -> None:
    result = form.validate({}, today=TODAY)
    page = render(env, form, result)
    for name in ("bin", "bins"):
        tag, attrs = page.by_id[name]
        assert (tag, attrs["type"]) == ("input", "radio" if name == "bin" else "checkbox")
        assert f"{name}-error" in page.by_id
    assert set(page.summary_links) <= set(page.by_id)
    assert page.by_id["dob-error"][0] == "p"


def test_answers_are_filled_back_in_as_typed_and_escaped(env: Any, form: Form) -> None:
    page = render(env, form, form.validate(BAD, today=TODAY))
    assert page.attr("full-name", "value") == "Siân <O’Brien>"  # parsed back from &lt;...
    assert page.attr("dob-day", "value") == "31"
    assert page.attr("dob-month", "value") == ""
    assert page.attr("dob-year", "value") == "1990"
    assert page.attr("postcode", "value") == "sw1a"
    assert page.attr("mobile", "value") == "07700 900 982"
    assert page.attr("fee", "value") == "12.50"
    assert page.attr("bin-2", "checked") is None and "checked" in page.by_id["bin-2"][1]
    assert "checked" not in page.by_id["bin"][1]
    assert "checked" in page.by_id["bins-2"][1] and "checked" not in page.by_id["bins"][1]


def test_select_marks_the_posted_option(env: Any, form: Form) -> None:
    html = env.from_string("{{ govuk_field(form, 'contact', result) }}").render(
        form=form, result=form.validate({"contact": "phone"}))
    assert '<option value="phone" selected>' in html
    assert '<option value="email">' in html


def test_only_the_wrong_date_parts_get_the_error_class(env: Any, form: Form) -> None:
    page = render(env, form, form.validate(BAD, today=TODAY))
    assert "govuk-input--error" in page.classes("dob-month")
    assert "govuk-input--error" not in page.classes("dob-day")
    assert "govuk-input--error" not in page.classes("dob-year")
    # a whole-date error (in the future) marks all three parts
    future = form.validate({**BAD, "dob-day": "1", "dob-month": "4", "dob-year": "2030"},
                           today=TODAY)
    assert future.error_for("dob").code == "date.past"  # type: ignore[union-attr]
    page = render(env, form, future)
    assert all("govuk-input--error" in page.classes(f"dob-{p}") for p in ("day", "month", "year"))
    # an impossible day marks the day only
    page = render(env, form, form.validate({**BAD, "dob-day": "31", "dob-month": "2"},
                                           today=TODAY))
    assert "govuk-input--error" in page.classes("dob-day")
    assert "govuk-input--error" not in page.classes("dob-month")


def test_no_error_markup_on_a_fresh_page(env: Any, form: Form) -> None:
    page = render(env, form)
    assert page.summary_links == []
    assert not any(key.endswith("-error") for key in page.by_id)
    assert page.text[0] == "Order a bin"


def test_input_attributes_follow_the_design_system_patterns(env: Any, form: Form) -> None:
    page = render(env, form, form.validate(BAD, today=TODAY))
    assert page.attr("postcode", "autocomplete") == "postal-code"
    assert "govuk-input--width-10" in page.classes("postcode")
    assert page.attr("mobile", "type") == "tel" and page.attr("mobile", "autocomplete") == "tel"
    assert page.attr("full-name", "autocomplete") == "name"
    assert page.attr("full-name", "spellcheck") == "false"
    assert page.attr("fee", "inputmode") == "decimal"
    assert page.attr("dob-day", "autocomplete") == "bday-day"
    assert page.attr("dob-year", "inputmode") == "numeric"
    assert page.attr("details", "name") == "details"
    group = page.by_id["details"][1]
    assert "govuk-js-character-count" in (group.get("class") or "")


def test_character_count_carries_the_limit(env: Any, form: Form) -> None:
    html = env.from_string("{{ govuk_field(form, 'details') }}").render(form=form)
    assert 'data-maxlength="20"' in html
    assert form.macro("details") == "govukCharacterCount"
    assert form.macro("notes") == "govukTextarea"


def test_one_field_on_a_page_is_its_heading(env: Any) -> None:
    single = Form.from_schema({"type": "object", "properties": {
        "postcode": {"type": "string", "format": "uk-postcode",
                     "x-lgds": {"label": "What is your postcode?"}}}})
    html = env.from_string("{{ govuk_fields(form) }}").render(form=single)
    assert '<h1 class="govuk-label-wrapper">' in html
    assert "govuk-label--l" in html


def test_overrides_replace_parameters(env: Any, form: Form) -> None:
    html = env.from_string(
        "{{ govuk_field(form, 'postcode', classes='govuk-input--width-5') }}").render(form=form)
    assert 'class="govuk-input govuk-input--width-5"' in html


def test_welsh_labels_hints_options_and_hidden_prefix(env: Any, form: Form) -> None:
    result = form.validate(BAD, lang="cy", today=TODAY)
    page = render(env, form, result)
    text = " ".join(page.text)
    assert page.text[0] == "Gwall: Order a bin"
    assert "Mae problem wedi codi" in text
    assert "Beth yw eich dyddiad geni?" in text and "Er enghraifft, 27 3 2007" in text
    assert "Diwrnod" in text and "Blwyddyn" in text
    assert "Sbwriel" in text and "Y bin du" in text and "Ailgylchu" in text
    assert "Gwall:" in text  # the error message's hidden prefix
    html = env.from_string("{{ govuk_field(form, 'details', result) }}").render(
        form=form, result=result)
    assert "Gallwch roi hyd at 20 nod" in html


def test_stored_answers_fill_in_a_page_without_a_post(env: Any, form: Form) -> None:
    good = {**BAD, "dob-day": "1", "dob-month": "June", "postcode": "sw1a 1aa",
            "fee": "12.50", "details": "Round the back"}
    result = form.validate(good, today=TODAY)
    assert result.is_valid, result.errors
    page = render(env, form, answers=result.answers)
    assert page.attr("dob-month", "value") == "June"
    again = render(env, form, answers=form.answers_for(result.data))
    assert again.attr("dob-month", "value") == "6"
    assert again.attr("fee", "value") == "12.50"
    assert "checked" in again.by_id["bin-2"][1]
    assert form.validate(form.answers_for(result.data), today=TODAY).data == result.data


def test_check_your_answers_rows(env: Any, form: Form) -> None:
    good = {**BAD, "dob-day": "1", "dob-month": "6", "postcode": "sw1a 1aa",
            "details": "Round the back", "bins": ["food", "garden"]}
    result = form.validate(good, today=TODAY)
    params = form.summary_list(result, change="/order/{name}#{id}")
    rows = {row["key"]["text"]: row for row in params["rows"]}
    assert rows["Date of birth"]["value"] == {"text": "1 June 1990"}
    assert rows["Full name"]["value"] == {"text": "Siân <O’Brien>"}
    assert rows["Mobile phone number"]["value"] == {"text": "07700 900 982"}
    assert rows["The bin you need"]["value"] == {"text": "Recycling"}
    assert rows["Amount"]["value"] == {"text": "£12.50"}
    assert rows["Extra bins"]["value"] == {"html": "Food caddy<br>Garden waste"}
    assert rows["Your description"]["actions"]["items"][0] == {
        "href": "/order/details#details", "text": "Change",
        "visuallyHiddenText": "your description"}
    html = env.from_string("{{ govuk_summary_list(form, result, '/order/{name}') }}").render(
        form=form, result=result)
    assert "govuk-summary-list" in html and "&lt;O’Brien&gt;" in html
    welsh = form.summary_list(form.validate(good, lang="cy", today=TODAY), change=str)
    keys = [row["key"]["text"] for row in welsh["rows"]]
    assert "Beth yw eich dyddiad geni" in keys
    assert welsh["rows"][1]["value"] == {"text": "1 Mehefin 1990"}
    assert welsh["rows"][1]["actions"]["items"][0]["text"] == "Newid"


def test_unknown_macro_is_a_clear_error(env: Any) -> None:
    with pytest.raises(KeyError, match="govukInput"):
        env.globals["govuk_macro"]("govukBanana", {})
