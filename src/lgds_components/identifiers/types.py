"""pydantic annotated types for the identifiers.

Use them as field types in pydantic models and FastAPI request bodies. Each one
runs the identifier's ``validate()``, so a model holds the canonical value
(``"SW1A 1AA"``, ``100023336956``, ``"AB123456C"``) and serialises it as it is.
A refusal becomes a pydantic error whose ``msg`` is the GOV.UK-style message
and whose ``type`` is the error's stable ``code``:

>>> from pydantic import BaseModel, ValidationError
>>> from lgds_components.identifiers import NINumber, Postcode, UPRN
>>> class Resident(BaseModel):
...     postcode: Postcode
...     uprn: UPRN | None = None
...     ni_number: NINumber | None = None
>>> resident = Resident(postcode=" sw1a-1aa ", uprn="000100023336956")
>>> resident.postcode, resident.uprn
('SW1A 1AA', 100023336956)
>>> resident.model_dump_json()
'{"postcode":"SW1A 1AA","uprn":100023336956,"ni_number":null}'
>>> try:
...     Resident(postcode="QA1 1AA")
... except ValidationError as exc:
...     error = exc.errors()[0]
>>> error["loc"], error["msg"], error["type"]
(('postcode',), 'Enter a full UK postcode', 'invalid_format')

In FastAPI the same model is a request body, and a bad postcode gives a 422
response carrying that message::

    @app.post("/residents")
    def add_resident(resident: Resident) -> Resident: ...

The JSON Schema of each type describes what is accepted (tidied input, so no
``pattern``) in validation mode, and the canonical form, with a ``pattern``,
in serialization mode (what FastAPI uses for responses):

>>> Resident.model_json_schema(mode="serialization")["properties"]["postcode"]["examples"]
['SW1A 1AA']

The contact, bank and money types work the same way:

>>> from lgds_components.identifiers.types import (
...     AccountNumber, EmailAddress, MoneyPence, PhoneNumber, SortCode)
>>> class Refund(BaseModel):
...     email: EmailAddress
...     phone: PhoneNumber | None = None
...     sort_code: SortCode
...     account_number: AccountNumber
...     amount: MoneyPence
>>> refund = Refund(email="Name@Example.COM", phone="07400 123456",
...                 sort_code="12-34-56", account_number="733445", amount="£12.50")
>>> refund.model_dump()  # doctest: +NORMALIZE_WHITESPACE
{'email': 'Name@example.com', 'phone': '+447400123456', 'sort_code': '123456',
 'account_number': '00733445', 'amount': 1250}
>>> try:
...     Refund(email="name", sort_code="1234", account_number="1", amount=1.5)
... except ValidationError as exc:
...     [(e["loc"][0], e["type"]) for e in exc.errors()]
[('email', 'invalid_format'), ('sort_code', 'invalid_length'),
 ('account_number', 'invalid_length'), ('amount', 'float_not_allowed')]

Importing this module imports pydantic (and phonenumbers and email-validator);
the identifier modules themselves do not import pydantic.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeAlias

import attrs
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, PlainValidator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from lgds_components.errors import ConfigurationError, ValidationError
from lgds_components.identifiers import (
    account_number,
    company_number,
    email,
    money,
    nino,
    phone,
    postcode,
    sort_code,
    uprn,
    usrn,
    vrm,
)

__all__ = [
    "UPRN",
    "USRN",
    "AccountNumber",
    "CompanyNumber",
    "EmailAddress",
    "IdentifierCheck",
    "MobileNumber",
    "MoneyPence",
    "NINumber",
    "PhoneNumber",
    "Postcode",
    "SortCode",
    "VehicleRegistration",
    "money_check",
    "money_type",
    "phone_check",
    "phone_type",
    "postcode_check",
    "postcode_type",
]


@attrs.frozen(eq=False)
class IdentifierCheck:
    """The pydantic metadata each identifier type carries: its check and its JSON Schemas.

    ``Annotated[str, IdentifierCheck(...)]`` validates with ``validate`` (a
    refusal becomes a pydantic error whose ``msg`` is the GOV.UK message and
    whose ``type`` is the stable code) and is described by ``accepted`` in
    validation mode and ``produced`` in serialization mode. Type checkers see
    the annotated type (``str``, ``int``).

    Attributes:
        validate: the identifier's ``validate``, with its options applied.
        name: a short name for pydantic's error and schema displays.
        accepted: the JSON Schema of what is accepted (tidied input).
        produced: the JSON Schema of the canonical form.
    """

    validate: Callable[[Any], Any]
    name: str
    accepted: Mapping[str, Any]
    produced: Mapping[str, Any]

    def check(self, value: Any) -> Any:
        """``validate(value)``, with a refusal as a pydantic error carrying our message."""
        try:
            return self.validate(value)
        except ValidationError as exc:
            # the message is a template: double any braces so they print as typed
            template = exc.message.replace("{", "{{").replace("}", "}}")
            raise PydanticCustomError(exc.code, template) from exc

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        def check(value: Any) -> Any:
            return self.check(value)

        check.__name__ = check.__qualname__ = f"validate_{self.name}"
        return PlainValidator(check).__get_pydantic_core_schema__(source, handler)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return dict(self.accepted if handler.mode == "validation" else self.produced)


def _canonical(validate: Callable[[Any], Any], typed: Any) -> Any:
    """The canonical form of an example, so each schema's examples are ones its type accepts."""
    return validate(typed)


_INWARD = "[0-9][ABD-HJLNP-UW-Z]{2}"


def _postcode_pattern(bfpo: bool, overseas: bool) -> str:
    excluded = "GX" if bfpo else "BF|GX"
    outward = f"(?!{excluded})[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    choices = ["GIR 0AA", f"{outward} {_INWARD}"]
    if overseas:
        choices += sorted(postcode.OVERSEAS_TERRITORY_POSTCODES)
    return "^(?:" + "|".join(choices) + ")$"


def postcode_check(bfpo: bool = False, overseas: bool = False) -> IdentifierCheck:
    """The check behind :func:`postcode_type`: ``Annotated[str, postcode_check(bfpo=True)]``."""
    described = "A UK postcode"
    if bfpo:
        described += ", or a BFPO postcode"
    if overseas:
        described += ", or a British Overseas Territory postcode"

    def validate(value: Any) -> str:
        return postcode.validate(value, bfpo=bfpo, overseas=overseas)

    typed = "sw1a 1aa"
    return IdentifierCheck(
        validate, "postcode",
        {"type": "string",
         "description": f"{described}. Lower case, spaces and punctuation are tidied.",
         "examples": [typed]},
        {"type": "string", "pattern": _postcode_pattern(bfpo, overseas),
         "description": f"{described}, in upper case with one space.",
         "examples": [_canonical(validate, typed)]},
    )


def postcode_type(*, bfpo: bool = False, overseas: bool = False) -> Any:
    """Return a postcode annotated type with BFPO or overseas postcodes allowed.

    Type checkers cannot read a type made by a call; for them write the same
    type as ``Annotated[str, postcode_check(bfpo=True)]``.

    >>> from pydantic import TypeAdapter
    >>> from lgds_components.identifiers import postcode_type
    >>> TypeAdapter(postcode_type(bfpo=True)).validate_python("bf1 3aa")
    'BF1 3AA'
    """
    return Annotated[str, postcode_check(bfpo, overseas)]


def _number_check(module: Any, name: str, what: str, example: int) -> IdentifierCheck:
    bounds = {"type": "integer", "minimum": 1, "maximum": module.MAXIMUM}
    return IdentifierCheck(
        module.validate, name.lower(),
        {"anyOf": [bounds, {"type": "string"}],
         "description": f"{what} ({name}): a number, or digits as text "
         "(zero padding and surrounding spaces are tidied).",
         "examples": [example]},
        {**bounds, "description": f"{what} ({name}).",
         "examples": [_canonical(module.validate, example)]},
    )


def phone_check(
    kind: phone.Kind = "any", allow_drama: bool = False, international: bool = True
) -> IdentifierCheck:
    """The check behind :func:`phone_type`: ``Annotated[str, phone_check("mobile")]``."""
    what = {
        "any": "A telephone number",
        "mobile": "A mobile phone number",
        "landline": "A landline telephone number",
    }[kind]
    if not international:
        what = what.replace("A ", "A UK ", 1)

    def validate(value: Any) -> str:
        return phone.validate(
            value, kind=kind, allow_drama=allow_drama, international=international
        )

    # not Ofcom drama numbers, which only a test-mode type accepts
    typed = "020 7123 4567" if kind == "landline" else "07400 123 456"
    return IdentifierCheck(
        validate, "phone",
        {"type": "string",
         "description": f"{what}, as people write it: spaces, hyphens, dashes, dots "
         "and brackets are ignored; +44 and 0044 are read as UK.",
         "examples": [typed]},
        {"type": "string", "pattern": r"^\+[1-9][0-9]{6,14}$",
         "description": f"{what} in E.164 form.",
         "examples": [_canonical(validate, typed)]},
    )


def phone_type(
    *, kind: phone.Kind = "any", allow_drama: bool = False, international: bool = True
) -> Any:
    """Return a telephone number annotated type with the given options.

    For type checkers, the same type is ``Annotated[str, phone_check(kind, ...)]``.

    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(phone_type(allow_drama=True)).validate_python("07700 900 982")
    '+447700900982'
    """
    return Annotated[str, phone_check(kind, allow_drama, international)]


def money_check(
    allow_negative: bool = False, min: int | None = None, max: int | None = None
) -> IdentifierCheck:
    """The check behind :func:`money_type`: ``Annotated[int, money_check(max=5000)]``."""
    if min is not None and max is not None and min > max:
        raise ConfigurationError(f"money_type: min ({min}) is more than max ({max})")
    bounds: dict[str, Any] = {"type": "integer"}
    if not allow_negative:
        bounds["minimum"] = 0
    if min is not None:
        bounds["minimum"] = min
    if max is not None:
        bounds["maximum"] = max

    def validate(value: Any) -> int:
        return money.validate(value, allow_negative=allow_negative, min=min, max=max)

    pence = 1250  # £12.50, or the nearest amount the bounds allow
    if "minimum" in bounds:
        pence = builtins.max(pence, bounds["minimum"])
    if "maximum" in bounds:
        pence = builtins.min(pence, bounds["maximum"])
    return IdentifierCheck(
        validate, "money",
        {"anyOf": [bounds, {"type": "string"}],
         "description": "An amount of money: whole pence as a number, or pounds as "
         'text ("£1,234.50", "12.5").',
         "examples": [money.format(pence, allow_negative=True), pence]},
        {**bounds, "description": "An amount of money in pence.",
         "examples": [_canonical(validate, pence)]},
    )


def money_type(
    *, allow_negative: bool = False, min: int | None = None, max: int | None = None
) -> Any:
    """Return an amount-in-pence annotated type with the given bounds (in pence).

    For type checkers, the same type is ``Annotated[int, money_check(...)]``.

    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(money_type(max=5000)).validate_python("£49.99")
    4999
    """
    return Annotated[int, money_check(allow_negative, min, max)]


def _text_check(
    validate: Callable[[Any], str], name: str, accepts: str, canonical: str, pattern: str,
    example_in: str,
) -> IdentifierCheck:
    return IdentifierCheck(
        validate, name,
        {"type": "string", "description": accepts, "examples": [example_in]},
        {"type": "string", "pattern": pattern, "description": canonical,
         "examples": [_canonical(validate, example_in)]},
    )


#: A UK postcode, validated by :func:`lgds_components.identifiers.postcode.validate`.
Postcode: TypeAlias = Annotated[str, postcode_check()]

#: A Unique Property Reference Number, an :class:`int` from 1 to 999,999,999,999.
UPRN: TypeAlias = Annotated[
    int, _number_check(uprn, "UPRN", "A Unique Property Reference Number", 100023336956)
]

#: A Unique Street Reference Number, an :class:`int` from 1 to 99,999,999.
USRN: TypeAlias = Annotated[
    int, _number_check(usrn, "USRN", "A Unique Street Reference Number", 12345678)
]

#: A National Insurance number, held compact (``"AB123456C"``).
NINumber: TypeAlias = Annotated[str, IdentifierCheck(
    nino.validate, "nino",
    {"type": "string",
     "description": "A National Insurance number. Lower case, spaces and punctuation are tidied.",
     "examples": ["AB 12 34 56 C"]},
    {"type": "string",
     "pattern": "^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$",
     "description": "A National Insurance number, compact and upper case.",
     "examples": [_canonical(nino.validate, "AB 12 34 56 C")]},
)]

#: A telephone number (UK or international), held in E.164 form.
PhoneNumber: TypeAlias = Annotated[str, phone_check("any", False, True)]

#: A mobile phone number, held in E.164 form.
MobileNumber: TypeAlias = Annotated[str, phone_check("mobile", False, True)]

#: An email address, held normalised (domain in lower case).
EmailAddress: TypeAlias = Annotated[str, _text_check(
    email.validate,
    "email",
    "An email address. Surrounding spaces are trimmed.",
    "An email address, normalised: the domain in lower case.",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    "Name@Example.com",
)]

#: A UK sort code, held as 6 digits.
SortCode: TypeAlias = Annotated[str, _text_check(
    sort_code.validate,
    "sort_code",
    "A UK bank sort code; spaces, hyphens and dashes are ignored.",
    "A UK bank sort code, 6 digits.",
    r"^[0-9]{6}$",
    "12-34-56",
)]

#: A UK bank account number, held as 8 digits (6 and 7 digit numbers padded).
AccountNumber: TypeAlias = Annotated[str, _text_check(
    account_number.validate,
    "account_number",
    "A UK bank account number, 6 to 8 digits; spaces, hyphens and dashes are ignored.",
    "A UK bank account number, 8 digits.",
    r"^[0-9]{8}$",
    "733445",
)]

#: A vehicle registration mark, held compact and upper case.
VehicleRegistration: TypeAlias = Annotated[str, _text_check(
    vrm.validate,
    "vrm",
    "A vehicle registration mark; case, spaces and punctuation are tidied.",
    "A vehicle registration mark, compact and upper case.",
    r"^[A-Z0-9]{2,7}$",
    "ab12 cde",
)]

#: A Companies House company number, held as 8 characters.
CompanyNumber: TypeAlias = Annotated[str, _text_check(
    company_number.validate,
    "company_number",
    "A Companies House company number; leading zeros may be left out.",
    "A Companies House company number, 8 characters.",
    r"^(?:[0-9]{8}|[A-Z][A-Z0-9][0-9]{5}[0-9A-Z])$",
    "sc 12345",
)]

#: An amount of money in pence (never negative).
MoneyPence: TypeAlias = Annotated[int, money_check(False, None, None)]
