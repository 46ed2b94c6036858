"""Template filters and a tag for the errors of a :class:`~lgds_components.forms.Form` result.

A Django template cannot call ``result.error_message("postcode")``; these
filters do it (``{% load lgds %}`` once ``"lgds_components.django"`` is in
``INSTALLED_APPS``)::

    {% load lgds %}
    <title>{{ result|page_title:"Find your address" }}</title>
    {% govuk_error_message result "postcode" %}
    <input class="govuk-input{% if result|error_text:'postcode' %} govuk-input--error{% endif %}"
           id="postcode" name="postcode" value="{{ result|answer:'postcode' }}">

``error_message`` gives the ``errorMessage`` parameters of govuk-frontend's
macros (``{"text": ...}`` or ``None``), ``error_text`` the message alone
(``""`` when the field is fine), ``answer`` what was posted (to fill the
field in again), ``page_title`` the ``<title>`` with "Error: " in front when
there are errors. The ``govuk_error_message`` tag renders govuk-frontend's
error message markup (nothing when the field is fine); every value in it is
escaped.

All of them take ``None`` (no post yet) as a result with no errors.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from lgds_components.forms.result import ValidationResult

__all__ = ["answer", "error_message", "error_text", "govuk_error_message", "page_title",
           "register"]

register: template.Library = template.Library()


@register.filter
def error_message(result: ValidationResult | None, field: str) -> dict[str, str] | None:
    """The ``errorMessage`` parameters for ``field``, or ``None`` when it has no error."""
    return None if result is None else result.error_message(field)


@register.filter
def error_text(result: ValidationResult | None, field: str) -> str:
    """The error message for ``field``, or ``""`` when it has no error."""
    error = None if result is None else result.error_for(field)
    return "" if error is None else error.message


@register.filter
def answer(result: ValidationResult | None, key: str) -> Any:
    """What was posted under ``key`` (``"postcode"``, ``"dob-day"``), or ``""``."""
    return "" if result is None else result.answers.get(key, "")


@register.filter
def page_title(result: ValidationResult | None, text: str) -> str:
    """The page's ``<title>``: ``text``, after "Error: " when the result has errors."""
    return text if result is None else result.title(text)


@register.simple_tag
def govuk_error_message(
    result: ValidationResult | None, field: str, id: str | None = None
) -> SafeString:
    """govuk-frontend's error message for ``field`` (its ``id`` is ``field``'s unless given)."""
    params = None if result is None else result.error_message(field, visually_hidden_text=True)
    if params is None:
        return SafeString("")
    return format_html(
        '<p id="{}-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">{}:</span> {}</p>',
        id or field, params["visuallyHiddenText"], params["text"],
    )
