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
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

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
    "MobileNumber",
    "MoneyPence",
    "NINumber",
    "PhoneNumber",
    "Postcode",
    "SortCode",
    "VehicleRegistration",
    "money_type",
    "phone_type",
    "postcode_type",
]


def _pydantic_validator(validate: Callable[[Any], Any], name: str) -> PlainValidator:
    """Wrap ``validate`` so a refusal becomes a pydantic error with our message."""

    def check(value: Any) -> Any:
        try:
            return validate(value)
        except ValidationError as exc:
            # the message is a template: double any braces so they print as typed
            template = exc.message.replace("{", "{{").replace("}", "}}")
            raise PydanticCustomError(exc.code, template) from exc

    check.__name__ = check.__qualname__ = f"validate_{name}"
    return PlainValidator(check)


def _schemas(validation: dict[str, Any], serialization: dict[str, Any]) -> tuple[Any, ...]:
    return (
        WithJsonSchema(validation, mode="validation"),
        WithJsonSchema(serialization, mode="serialization"),
    )


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


def postcode_type(*, bfpo: bool = False, overseas: bool = False) -> Any:
    """Return a postcode annotated type with BFPO or overseas postcodes allowed.

    >>> from pydantic import TypeAdapter
    >>> from lgds_components.identifiers import postcode_type
    >>> TypeAdapter(postcode_type(bfpo=True)).validate_python("bf1 3aa")
    'BF1 3AA'
    """
    described = "A UK postcode"
    if bfpo:
        described += ", or a BFPO postcode"
    if overseas:
        described += ", or a British Overseas Territory postcode"
    def validate(value: Any) -> str:
        return postcode.validate(value, bfpo=bfpo, overseas=overseas)

    typed = "sw1a 1aa"
    return Annotated[
        str,
        _pydantic_validator(validate, "postcode"),
        *_schemas(
            {
                "type": "string",
                "description": f"{described}. Lower case, spaces and punctuation are tidied.",
                "examples": [typed],
            },
            {
                "type": "string",
                "pattern": _postcode_pattern(bfpo, overseas),
                "description": f"{described}, in upper case with one space.",
                "examples": [_canonical(validate, typed)],
            },
        ),
    ]


def _number_type(module: Any, name: str, what: str, example: int) -> Any:
    bounds = {"type": "integer", "minimum": 1, "maximum": module.MAXIMUM}
    return Annotated[
        int,
        _pydantic_validator(module.validate, name.lower()),
        *_schemas(
            {
                "anyOf": [bounds, {"type": "string"}],
                "description": f"{what} ({name}): a number, or digits as text "
                "(zero padding and surrounding spaces are tidied).",
                "examples": [example],
            },
            {**bounds, "description": f"{what} ({name}).",
             "examples": [_canonical(module.validate, example)]},
        ),
    ]


#: A UK postcode, validated by :func:`lgds_components.identifiers.postcode.validate`.
Postcode = postcode_type()

#: A Unique Property Reference Number, an :class:`int` from 1 to 999,999,999,999.
UPRN = _number_type(uprn, "UPRN", "A Unique Property Reference Number", 100023336956)

#: A Unique Street Reference Number, an :class:`int` from 1 to 99,999,999.
USRN = _number_type(usrn, "USRN", "A Unique Street Reference Number", 12345678)

#: A National Insurance number, held compact (``"AB123456C"``).
NINumber = Annotated[
    str,
    _pydantic_validator(nino.validate, "nino"),
    *_schemas(
        {
            "type": "string",
            "description": "A National Insurance number. Lower case, spaces and "
            "punctuation are tidied.",
            "examples": ["AB 12 34 56 C"],
        },
        {
            "type": "string",
            "pattern": (
                "^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$"
            ),
            "description": "A National Insurance number, compact and upper case.",
            "examples": [_canonical(nino.validate, "AB 12 34 56 C")],
        },
    ),
]


def phone_type(
    *, kind: phone.Kind = "any", allow_drama: bool = False, international: bool = True
) -> Any:
    """Return a telephone number annotated type with the given options.

    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(phone_type(allow_drama=True)).validate_python("07700 900 982")
    '+447700900982'
    """
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
    return Annotated[
        str,
        _pydantic_validator(validate, "phone"),
        *_schemas(
            {
                "type": "string",
                "description": f"{what}, as people write it: spaces, hyphens, dashes, dots "
                "and brackets are ignored; +44 and 0044 are read as UK.",
                "examples": [typed],
            },
            {
                "type": "string",
                "pattern": r"^\+[1-9][0-9]{6,14}$",
                "description": f"{what} in E.164 form.",
                "examples": [_canonical(validate, typed)],
            },
        ),
    ]


def money_type(
    *, allow_negative: bool = False, min: int | None = None, max: int | None = None
) -> Any:
    """Return an amount-in-pence annotated type with the given bounds (in pence).

    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(money_type(max=5000)).validate_python("£49.99")
    4999
    """
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
    return Annotated[
        int,
        _pydantic_validator(validate, "money"),
        *_schemas(
            {
                "anyOf": [bounds, {"type": "string"}],
                "description": "An amount of money: whole pence as a number, or pounds as "
                'text ("£1,234.50", "12.5").',
                "examples": [money.format(pence, allow_negative=True), pence],
            },
            {**bounds, "description": "An amount of money in pence.",
             "examples": [_canonical(validate, pence)]},
        ),
    ]


def _text_type(
    validate: Any,
    name: str,
    accepts: str,
    canonical: str,
    pattern: str,
    example_in: str,
) -> Any:
    return Annotated[
        str,
        _pydantic_validator(validate, name),
        *_schemas(
            {"type": "string", "description": accepts, "examples": [example_in]},
            {
                "type": "string",
                "pattern": pattern,
                "description": canonical,
                "examples": [_canonical(validate, example_in)],
            },
        ),
    ]


#: A telephone number (UK or international), held in E.164 form.
PhoneNumber = phone_type()

#: A mobile phone number, held in E.164 form.
MobileNumber = phone_type(kind="mobile")

#: An email address, held normalised (domain in lower case).
EmailAddress = _text_type(
    email.validate,
    "email",
    "An email address. Surrounding spaces are trimmed.",
    "An email address, normalised: the domain in lower case.",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    "Name@Example.com",
)

#: A UK sort code, held as 6 digits.
SortCode = _text_type(
    sort_code.validate,
    "sort_code",
    "A UK bank sort code; spaces, hyphens and dashes are ignored.",
    "A UK bank sort code, 6 digits.",
    r"^[0-9]{6}$",
    "12-34-56",
)

#: A UK bank account number, held as 8 digits (6 and 7 digit numbers padded).
AccountNumber = _text_type(
    account_number.validate,
    "account_number",
    "A UK bank account number, 6 to 8 digits; spaces, hyphens and dashes are ignored.",
    "A UK bank account number, 8 digits.",
    r"^[0-9]{8}$",
    "733445",
)

#: A vehicle registration mark, held compact and upper case.
VehicleRegistration = _text_type(
    vrm.validate,
    "vrm",
    "A vehicle registration mark; case, spaces and punctuation are tidied.",
    "A vehicle registration mark, compact and upper case.",
    r"^[A-Z0-9]{2,7}$",
    "ab12 cde",
)

#: A Companies House company number, held as 8 characters.
CompanyNumber = _text_type(
    company_number.validate,
    "company_number",
    "A Companies House company number; leading zeros may be left out.",
    "A Companies House company number, 8 characters.",
    r"^(?:[0-9]{8}|[A-Z][A-Z0-9][0-9]{5}[0-9A-Z])$",
    "sc 12345",
)

#: An amount of money in pence (never negative).
MoneyPence = money_type()
