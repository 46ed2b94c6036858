"""Django form fields for the identifiers: GOV.UK messages, canonical values in ``cleaned_data``.

>>> import django
>>> from django.conf import settings
>>> if not settings.configured:       # your project's settings module does this
...     settings.configure()
...     django.setup()
>>> from django import forms
>>> from lgds_components.django.forms import PostcodeField, UPRNField
>>> class FindAddress(forms.Form):
...     postcode = PostcodeField()
...     uprn = UPRNField(required=False)
>>> form = FindAddress({"postcode": " sw1a-1aa ", "uprn": "000100023336956"})
>>> form.is_valid(), form.cleaned_data
(True, {'postcode': 'SW1A 1AA', 'uprn': 100023336956})
>>> form = FindAddress({"postcode": ""})
>>> form.is_valid(), form.errors["postcode"], form.errors.get_json_data()["postcode"][0]["code"]
(False, ['Enter a postcode'], 'missing')

Each field is a ``CharField`` that runs the identifier's ``validate()``: a
refusal is a Django ``ValidationError`` with the library's message and code
(``invalid_format``, ``drama_number``, ...), and an empty required field
says what to enter ("Enter a postcode", "Enter a UPRN") instead of Django's
"This field is required.". An optional field left empty gives ``None``
(``""`` for text identifiers, as Django's own text fields do).

The fields set the input attributes GOV.UK's patterns advise: ``type`` (``tel``,
``email``), ``autocomplete`` (``postal-code``, ``tel``, ``email``),
``inputmode="numeric"`` for numbers, ``spellcheck="false"``, and never a
``maxlength`` (people type spaces and punctuation the check tidies away).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError

from lgds_components.django.validators import IdentifierValidator
from lgds_components.errors import MissingValue
from lgds_components.identifiers.phone import Kind

__all__ = [
    "AccountNumberField",
    "CompanyNumberField",
    "EmailAddressField",
    "IdentifierField",
    "MobileNumberField",
    "MoneyField",
    "NINumberField",
    "PhoneNumberField",
    "PostcodeField",
    "SortCodeField",
    "TelInput",
    "UPRNField",
    "USRNField",
    "VehicleRegistrationField",
]

_NO_SPELLCHECK = {"spellcheck": "false"}
_NUMERIC = {"inputmode": "numeric", "spellcheck": "false"}


class TelInput(forms.TextInput):
    """An ``<input type="tel">``."""

    input_type = "tel"


class IdentifierField(forms.CharField):
    """A text field checked and converted by one identifier's ``validate()``.

    Subclasses name the identifier; keyword options the identifier takes
    (``bfpo``, ``kind``, ``max``...) go to its ``validate()``.
    """

    identifier: ClassVar[str]
    input_attrs: ClassVar[dict[str, str]] = _NO_SPELLCHECK
    #: the identifier's check, with this field's options
    checker: IdentifierValidator

    def __init__(self, *, identifier_options: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self.checker = IdentifierValidator(self.identifier, **(identifier_options or {}))
        missing = _missing(self.checker)
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = {"required": missing.message, **kwargs["error_messages"]}
        self.required_code: str = missing.code
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if text in self.empty_values:
            return self.empty_value
        return self.checker.clean(text)

    def validate(self, value: Any) -> None:
        if value in self.empty_values and self.required:
            raise DjangoValidationError(self.error_messages["required"], code=self.required_code)
        super().validate(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        attrs.pop("minlength", None)
        return {**attrs, **self.input_attrs}


def _missing(checker: IdentifierValidator) -> MissingValue:
    """The library's own error for an empty value of this identifier ("Enter a postcode")."""
    try:
        checker.clean("")
    except DjangoValidationError as exc:
        cause = exc.__cause__
        if isinstance(cause, MissingValue):
            return cause
    raise AssertionError(f"{checker!r} accepted an empty value")  # pragma: no cover


class PostcodeField(IdentifierField):
    """A UK postcode, cleaned to ``"SW1A 1AA"``; BFPO and overseas postcodes on request."""

    identifier = "postcode"
    input_attrs: ClassVar[dict[str, str]] = {"autocomplete": "postal-code", **_NO_SPELLCHECK}

    def __init__(self, *, bfpo: bool = False, overseas: bool = False, **kwargs: Any) -> None:
        super().__init__(identifier_options={"bfpo": bfpo, "overseas": overseas}, **kwargs)


class UPRNField(IdentifierField):
    """A Unique Property Reference Number, cleaned to an ``int``."""

    identifier = "uprn"
    input_attrs = _NUMERIC

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("empty_value", None)
        super().__init__(**kwargs)


class USRNField(UPRNField):
    """A Unique Street Reference Number, cleaned to an ``int``."""

    identifier = "usrn"


class NINumberField(IdentifierField):
    """A National Insurance number, cleaned to ``"AB123456C"``."""

    identifier = "nino"


class PhoneNumberField(IdentifierField):
    """A telephone number, cleaned to E.164 (``"+447400123456"``).

    ``kind`` is ``"any"``, ``"mobile"`` or ``"landline"``; Ofcom's drama
    numbers only with ``allow_drama=True``; ``international=False`` for UK
    numbers only.
    """

    identifier = "phone"
    input_attrs: ClassVar[dict[str, str]] = {"autocomplete": "tel", **_NO_SPELLCHECK}
    widget = TelInput

    def __init__(self, *, kind: Kind = "any", allow_drama: bool = False,
                 international: bool = True, **kwargs: Any) -> None:
        super().__init__(identifier_options={"kind": kind, "allow_drama": allow_drama,
                                             "international": international}, **kwargs)


class MobileNumberField(PhoneNumberField):
    """A mobile phone number, cleaned to E.164."""

    def __init__(self, *, allow_drama: bool = False, international: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(kind="mobile", allow_drama=allow_drama, international=international,
                         **kwargs)


class EmailAddressField(IdentifierField):
    """An email address, cleaned with its domain in lower case."""

    identifier = "email"
    input_attrs: ClassVar[dict[str, str]] = {"autocomplete": "email", **_NO_SPELLCHECK}
    widget = forms.EmailInput


class SortCodeField(IdentifierField):
    """A UK bank sort code, cleaned to six digits."""

    identifier = "sort_code"
    input_attrs = _NUMERIC


class AccountNumberField(IdentifierField):
    """A UK bank account number, cleaned to eight digits."""

    identifier = "account_number"
    input_attrs = _NUMERIC


class VehicleRegistrationField(IdentifierField):
    """A vehicle registration mark, cleaned to ``"AB12CDE"``."""

    identifier = "vrm"
    input_attrs: ClassVar[dict[str, str]] = {"autocapitalize": "characters", **_NO_SPELLCHECK}


class CompanyNumberField(IdentifierField):
    """A Companies House company number, cleaned to eight characters."""

    identifier = "company_number"


class MoneyField(IdentifierField):
    """An amount of money typed in pounds (``"£1,234.50"``), cleaned to whole pence (``int``)."""

    identifier = "money"
    input_attrs: ClassVar[dict[str, str]] = {"inputmode": "decimal", **_NO_SPELLCHECK}

    def __init__(self, *, allow_negative: bool = False, min: int | None = None,
                 max: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("empty_value", None)
        super().__init__(identifier_options={"allow_negative": allow_negative, "min": min,
                                             "max": max}, **kwargs)
