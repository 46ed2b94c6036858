"""What validating a form post gives back: typed data, or errors in GOV.UK shape.

:class:`ValidationResult` hands its errors over in exactly the shapes
govuk-frontend's macros take (through govuk-frontend-jinja, or any port of
them), so a template needs no glue:

* :meth:`ValidationResult.error_summary` gives the parameters of
  ``govukErrorSummary``: ``{"titleText": "There is a problem", "errorList":
  [{"text": ..., "href": "#..."}]}``;
* :meth:`ValidationResult.error_message` gives the ``errorMessage``
  parameter of a field's own macro (``govukInput``, ``govukDateInput``,
  ``govukRadios``, ...): ``{"text": ...}``, or ``None`` when the field is
  fine (govuk-frontend shows no message for a falsy ``errorMessage``).

>>> error = FieldError(field="dob", href="#dob-month", code="date.incomplete.month",
...                    message="Date of birth must include a month", parts=("month",))
>>> result = ValidationResult(data={}, errors=(error,))
>>> result.is_valid
False
>>> summary = result.error_summary()
>>> summary["titleText"]
'There is a problem'
>>> summary["errorList"]
[{'text': 'Date of birth must include a month', 'href': '#dob-month'}]
>>> result.error_message("dob"), result.error_message("email")
({'text': 'Date of birth must include a month'}, None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from lgds_components.forms.messages import catalogue

__all__ = ["FieldError", "ValidationResult"]


@attrs.frozen(slots=True)
class FieldError:
    """The one error shown for a field.

    Attributes:
        field: the field's name (the key answers are posted under).
        href: the link target for the error summary: ``"#email"``, a date's
            first wrong part (``"#dob-month"``), radios' first option.
        message: the text to show, in the language asked for.
        code: the stable code of the rule broken, also its catalogue key
            (``"date.incomplete.month"``, ``"text.too_long"``).
        page: the id of the page the field is on, if the form has pages.
        parts: for a date, the parts to highlight (``("day", "month")``).
    """

    field: str
    href: str
    message: str
    code: str
    page: str | None = None
    parts: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class ValidationResult:
    """The outcome of validating one post.

    Attributes:
        data: the typed answers that passed: ``str``, ``int`` (money in pence),
            :class:`~decimal.Decimal`, :class:`datetime.date`, lists for
            checkboxes; ``None`` (``[]`` for checkboxes) for optional fields
            left blank. Fields with errors are left out.
        errors: one :class:`FieldError` per field in error, in the order the
            fields appear (page by page).
        lang: the language of the messages, ``"en"`` or ``"cy"``.
        page: the page validated, or ``None`` for the whole form.
        answers: what was posted for the fields checked, as posted: text by
            post key (``"dob-day"``), lists for checkboxes. It fills the page
            in again, and is plain JSON, safe to keep in a session and
            validate again later (:meth:`Form.validate_all
            <lgds_components.forms.form.Form.validate_all>`).
    """

    data: Mapping[str, Any]
    errors: tuple[FieldError, ...]
    lang: str = "en"
    page: str | None = None
    answers: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def is_valid(self) -> bool:
        """Whether there are no errors."""
        return not self.errors

    def error_for(self, field: str) -> FieldError | None:
        """The error for ``field``, or ``None``."""
        for error in self.errors:
            if error.field == field:
                return error
        return None

    def error_summary(self) -> dict[str, Any]:
        """The parameters for govuk-frontend's ``govukErrorSummary`` macro.

        ``titleText`` is "There is a problem" ("Mae problem wedi codi" in
        Welsh); ``errorList`` has one ``{"text", "href"}`` per error, in page
        order. Show the summary only when :attr:`is_valid` is false.
        """
        return {
            "titleText": catalogue(self.lang)["summary.title"],
            "errorList": [{"text": error.message, "href": error.href} for error in self.errors],
        }

    def error_message(
        self, field: str, *, visually_hidden_text: bool | None = None
    ) -> dict[str, str] | None:
        """The ``errorMessage`` parameter for ``field``'s component macro.

        ``None`` when the field has no error. The hidden prefix screen readers
        announce ("Error:") is added as ``visuallyHiddenText`` when it differs
        from govuk-frontend's default (in Welsh, "Gwall"), or always with
        ``visually_hidden_text=True``.
        """
        error = self.error_for(field)
        if error is None:
            return None
        params = {"text": error.message}
        prefix = catalogue(self.lang)["error.prefix"]
        if visually_hidden_text or (visually_hidden_text is None and prefix != "Error"):
            params["visuallyHiddenText"] = prefix
        return params

    def title(self, text: str) -> str:
        """The page's ``<title>``: ``text``, after "Error: " when there are errors.

        >>> ValidationResult(data={}, errors=()).title("Your details")
        'Your details'
        """
        if self.is_valid:
            return text
        return f"{catalogue(self.lang)['error.prefix']}: {text}"

    def errors_by_page(self) -> dict[str | None, list[FieldError]]:
        """The errors grouped by page, pages in form order."""
        grouped: dict[str | None, list[FieldError]] = {}
        for error in self.errors:
            grouped.setdefault(error.page, []).append(error)
        return grouped
