"""UK bank account numbers.

Most UK account numbers are 8 digits; some banks issue 6 or 7. As the GOV.UK
bank details pattern asks, 6 to 8 digits are accepted, with spaces, hyphens
and dashes ignored. Shorter numbers are padded to 8 with leading zeros, the
rule the Vocalink (Pay.UK) modulus checking specification gives for
non-standard account numbers and the form Bacs payment files take:

>>> validate("1234-5678")
'12345678'
>>> validate("733445")
'00733445'
>>> is_valid("12345"), is_valid("123456789")
(False, False)

Account numbers of 9 or 10 digits (some building societies, National
Westminster and Co-operative Bank accounts) are refused: which 8 digits to
keep depends on the bank, and the GOV.UK pattern asks people to shorten them
the way their bank tells them to. Building society roll numbers are a
separate field.

Errors (all :class:`~lgds_components.errors.ValidationError`; messages from
the GOV.UK bank details pattern):

================  ======================  ================================================
error             code                    message
================  ======================  ================================================
MissingValue      ``missing``             Enter an account number
InvalidLength     ``invalid_length``      Account number must be between 6 and 8 digits
InvalidFormat     ``invalid_format``      Enter a valid account number like 00733445
================  ======================  ================================================
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

__all__ = [
    "FORMAT_MESSAGE",
    "LENGTH_MESSAGE",
    "MISSING_MESSAGE",
    "compact",
    "format",
    "is_valid",
    "validate",
]

MISSING_MESSAGE = "Enter an account number"
FORMAT_MESSAGE = "Enter a valid account number like 00733445"
LENGTH_MESSAGE = "Account number must be between 6 and 8 digits"

_SEPARATORS = INVISIBLE + "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_TABLE: dict[int, int | None] = {**WIDTH_TABLE, **{ord(c): None for c in _SEPARATORS}}

# Eight digits and room for generous separators, after trimming.
_MAX_INPUT = 32


def compact(value: str) -> str:
    """Return ``value`` with spaces, hyphens and dashes removed (not padded).

    Does not check the number; raises InvalidFormat only when ``value`` is not
    a ``str``.

    >>> compact(" 0073 3445 ")
    '00733445'
    """
    text = require_text(value, FORMAT_MESSAGE)
    if len(text) > RAW_LIMIT:
        return text
    return trim(text).translate(_TABLE)


def validate(value: str) -> str:
    """Return the 8-digit account number, or raise a ValidationError.

    >>> validate("0733445")
    '00733445'
    >>> validate("")
    Traceback (most recent call last):
    ...
    lgds_components.errors.MissingValue: Enter an account number
    >>> validate("12345")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidLength: Account number must be between 6 and 8 digits
    >>> validate("1234567X")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidFormat: Enter a valid account number like 00733445
    """
    text = trimmed(
        value, wrong_type=FORMAT_MESSAGE, missing=MISSING_MESSAGE, too_long=LENGTH_MESSAGE
    )
    if len(text) > _MAX_INPUT:
        raise InvalidLength(LENGTH_MESSAGE)
    digits = text.translate(_TABLE)
    if not (digits.isascii() and digits.isdigit()):
        raise InvalidFormat(FORMAT_MESSAGE)
    if not 6 <= len(digits) <= 8:
        raise InvalidLength(LENGTH_MESSAGE)
    return digits.zfill(8)


def is_valid(value: object) -> bool:
    """Return whether ``value`` is an account number in a recognised shape; never raises.

    >>> is_valid("00733445"), is_valid("733445"), is_valid(733445)
    (True, True, False)
    """
    try:
        validate(value)  # type: ignore[arg-type]
    except ValidationError:
        return False
    return True


def format(value: str) -> str:
    """Return the display form, the 8 digits; validates first.

    >>> format("733445")
    '00733445'
    """
    return validate(value)
