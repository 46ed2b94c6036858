"""Each identifier's check as a Django validator, with the GOV.UK message and the library's code.

>>> from lgds_components.django.validators import validate_postcode
>>> validate_postcode("sw1a 1aa")          # fine: validators return nothing
>>> validate_postcode("QA1 1AA")
Traceback (most recent call last):
...
django.core.exceptions.ValidationError: ['Enter a full UK postcode']
>>> try:
...     validate_postcode("QA1 1AA")
... except Exception as exc:
...     exc.code
'invalid_format'

Use them in ``validators=[...]`` of any Django form or model field. A
validator only checks: for the canonical value in ``cleaned_data`` use the
form fields in :mod:`lgds_components.django.forms`, which also convert.
:class:`IdentifierValidator` takes an identifier's options (``bfpo=True``,
``kind="mobile"``) and deconstructs for migrations.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.deconstruct import deconstructible

from lgds_components.errors import ValidationError

__all__ = [
    "IDENTIFIERS",
    "IdentifierValidator",
    "validate_account_number",
    "validate_company_number",
    "validate_email",
    "validate_mobile_number",
    "validate_money",
    "validate_nino",
    "validate_phone",
    "validate_postcode",
    "validate_sort_code",
    "validate_uprn",
    "validate_usrn",
    "validate_vrm",
]

#: The identifiers a validator can check: each names a module of :mod:`lgds_components.identifiers`.
IDENTIFIERS = frozenset({
    "account_number", "company_number", "email", "money", "nino", "phone", "postcode",
    "sort_code", "uprn", "usrn", "vrm",
})


@deconstructible(path="lgds_components.django.validators.IdentifierValidator")
class IdentifierValidator:
    """Checks a value with ``lgds_components.identifiers.<identifier>.validate(value, **options)``.

    Raises Django's ``ValidationError`` carrying the library's message and
    code; :meth:`clean` also returns the canonical value.

    >>> IdentifierValidator("phone", kind="mobile").clean("07400 123456")
    '+447400123456'
    """

    def __init__(self, identifier: str, **options: Any) -> None:
        if identifier not in IDENTIFIERS:
            raise ValueError(f"no identifier {identifier!r}; choose from {sorted(IDENTIFIERS)}")
        self.identifier = identifier
        self.options = options

    def clean(self, value: Any) -> Any:
        """The canonical value, or Django's ``ValidationError`` with the GOV.UK message."""
        module = importlib.import_module(f"lgds_components.identifiers.{self.identifier}")
        try:
            return module.validate(value, **self.options)
        except ValidationError as exc:
            raise DjangoValidationError(exc.message, code=exc.code) from exc

    def __call__(self, value: Any) -> None:
        self.clean(value)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, IdentifierValidator)
                and (self.identifier, self.options) == (other.identifier, other.options))

    def __hash__(self) -> int:
        return hash((self.identifier, tuple(sorted(self.options.items()))))

    def __repr__(self) -> str:
        options = "".join(f", {key}={value!r}" for key, value in self.options.items())
        return f"IdentifierValidator({self.identifier!r}{options})"


validate_postcode: IdentifierValidator = IdentifierValidator("postcode")
validate_uprn: IdentifierValidator = IdentifierValidator("uprn")
validate_usrn: IdentifierValidator = IdentifierValidator("usrn")
validate_nino: IdentifierValidator = IdentifierValidator("nino")
validate_phone: IdentifierValidator = IdentifierValidator("phone")
validate_mobile_number: IdentifierValidator = IdentifierValidator("phone", kind="mobile")
validate_email: IdentifierValidator = IdentifierValidator("email")
validate_sort_code: IdentifierValidator = IdentifierValidator("sort_code")
validate_account_number: IdentifierValidator = IdentifierValidator("account_number")
validate_vrm: IdentifierValidator = IdentifierValidator("vrm")
validate_company_number: IdentifierValidator = IdentifierValidator("company_number")
validate_money: IdentifierValidator = IdentifierValidator("money")
