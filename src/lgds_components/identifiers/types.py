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

Importing this module imports pydantic; the identifier modules themselves do
not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from lgds_components.errors import ValidationError
from lgds_components.identifiers import nino, postcode, uprn, usrn

__all__ = ["UPRN", "USRN", "NINumber", "Postcode", "postcode_type"]


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
    return Annotated[
        str,
        _pydantic_validator(
            lambda value: postcode.validate(value, bfpo=bfpo, overseas=overseas), "postcode"
        ),
        *_schemas(
            {
                "type": "string",
                "description": f"{described}. Lower case, spaces and punctuation are tidied.",
                "examples": ["SW1A 1AA"],
            },
            {
                "type": "string",
                "pattern": _postcode_pattern(bfpo, overseas),
                "description": f"{described}, in upper case with one space.",
                "examples": ["SW1A 1AA"],
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
            {**bounds, "description": f"{what} ({name}).", "examples": [example]},
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
            "examples": ["AB123456C"],
        },
    ),
]
