"""UK bank sort codes.

A sort code is 6 digits, usually shown in pairs: ``12-34-56``. As the GOV.UK
bank details pattern advises, people can type it in whatever format they know,
with spaces, hyphens and dashes anywhere (and fullwidth digits, read as ASCII):

>>> validate("12-34-56")
'123456'
>>> validate(" 12 34 56 ")
'123456'
>>> format("123456")
'12-34-56'
>>> is_valid("12-34-5"), is_valid("12/34/56")
(False, False)

Only the shape is checked here. Whether a sort code and account number can
belong together is checked by
:class:`~lgds_components.identifiers.modulus.ModulusChecker`, against the
weight table the council supplies.

Errors (all :class:`~lgds_components.errors.ValidationError`; messages from
the GOV.UK bank details pattern):

================  ======================  ====================================
error             code                    message
================  ======================  ====================================
MissingValue      ``missing``             Enter a sort code
InvalidLength     ``invalid_length``      Enter a valid sort code like 309430
InvalidFormat     ``invalid_format``      Enter a valid sort code like 309430
================  ======================  ====================================
"""

from __future__ import annotations

from lgds_components.errors import InvalidFormat, InvalidLength, ValidationError
from lgds_components.identifiers._common import (
    INVISIBLE,
    RAW_LIMIT,
    WIDTH_TABLE,
    require_text,
    trim,
    trimmed,
)

__all__ = ["FORMAT_MESSAGE", "MISSING_MESSAGE", "compact", "format", "is_valid", "validate"]

MISSING_MESSAGE = "Enter a sort code"
FORMAT_MESSAGE = "Enter a valid sort code like 309430"

# Spaces (every Unicode space and invisible character), hyphens and dashes.
_SEPARATORS = INVISIBLE + "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_TABLE: dict[int, int | None] = {**WIDTH_TABLE, **{ord(c): None for c in _SEPARATORS}}

# Six digits and room for generous separators, after trimming.
_MAX_INPUT = 24


def compact(value: str) -> str:
    """Return ``value`` with spaces, hyphens and dashes removed.

    Does not check the sort code; raises InvalidFormat only when ``value`` is
    not a ``str``.

    >>> compact("12 - 34 - 56")
    '123456'
    """
    text = require_text(value, FORMAT_MESSAGE)
    if len(text) > RAW_LIMIT:
        return text
    return trim(text).translate(_TABLE)


def validate(value: str) -> str:
    """Return the 6 digits (``"123456"``), or raise a ValidationError.

    >>> validate("30-94-30")
    '309430'
    >>> validate(" ")
    Traceback (most recent call last):
    ...
    lgds_components.errors.MissingValue: Enter a sort code
    >>> validate("30-94-3")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidLength: Enter a valid sort code like 309430
    >>> validate("30-94-3O")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidFormat: Enter a valid sort code like 309430
    """
    text = trimmed(
        value, wrong_type=FORMAT_MESSAGE, missing=MISSING_MESSAGE, too_long=FORMAT_MESSAGE
    )
    if len(text) > _MAX_INPUT:
        raise InvalidLength(FORMAT_MESSAGE)
    digits = text.translate(_TABLE)
    if not (digits.isascii() and digits.isdigit()):
        raise InvalidFormat(FORMAT_MESSAGE)
    if len(digits) != 6:
        raise InvalidLength(FORMAT_MESSAGE)
    return digits


def is_valid(value: object) -> bool:
    """Return whether ``value`` is a sort code in a recognised shape; never raises.

    >>> is_valid("309430"), is_valid("3094300"), is_valid(309430)
    (True, False, False)
    """
    try:
        validate(value)  # type: ignore[arg-type]
    except ValidationError:
        return False
    return True


def format(value: str) -> str:
    """Return the display form, ``"12-34-56"``; validates first.

    >>> format("309430")
    '30-94-30'
    """
    digits = validate(value)
    return f"{digits[:2]}-{digits[2:4]}-{digits[4:]}"
