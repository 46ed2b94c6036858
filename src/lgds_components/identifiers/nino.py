"""National Insurance numbers (HMRC manual NIM39110).

A National Insurance number is 2 prefix letters, 6 digits and a suffix letter,
shown as ``QQ 12 34 56 C`` (the example HMRC and GOV.UK use; ``QQ`` is not a
real prefix, so that example is itself refused). The rules:

* the first letter is never D, F, I, Q, U or V;
* the second letter is never D, F, I, O, Q, U or V;
* the prefixes BG, GB, KN, NK, NT, TN and ZZ are never used;
* the suffix is A, B, C or D (numbers recorded without a suffix are refused).

As the GOV.UK pattern advises, up to 13 characters are accepted (after
trimming surrounding whitespace), so people can type spaces, hyphens, dots
and brackets between the groups, in any case:

>>> from lgds_components.identifiers import nino
>>> nino.validate("ab 12 34 56 c")
'AB123456C'
>>> nino.format("ab123456c")
'AB 12 34 56 C'
>>> nino.is_valid("QQ 12 34 56 C")
False

The canonical value (what :func:`validate` returns) is compact, the form
HMRC's systems take; :func:`format` gives the spaced display form.

Errors (all :class:`~lgds_components.errors.ValidationError`):

================  ======================  ======================================================
error             code                    message
================  ======================  ======================================================
MissingValue      ``missing``             Enter a National Insurance number
InvalidLength     ``invalid_length``      Enter a National Insurance number in the correct format
InvalidFormat     ``invalid_format``      Enter a National Insurance number in the correct format
InvalidComponent  ``invalid_component``   Enter a National Insurance number in the correct format
================  ======================  ======================================================

InvalidLength means more than 13 characters were typed, or not 9 letters and
digits; InvalidFormat means the letters and digits are not in the places they
belong; InvalidComponent means the shape is right but the prefix or suffix is
one HMRC never issues.
"""

from __future__ import annotations

import re

from lgds_components.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    MissingValue,
    ValidationError,
)
from lgds_components.identifiers._common import SEPARATOR_TABLE, squeeze, trimmed

__all__ = [
    "FORMAT_MESSAGE",
    "MAX_INPUT_LENGTH",
    "MISSING_MESSAGE",
    "compact",
    "format",
    "is_valid",
    "validate",
]

MISSING_MESSAGE = "Enter a National Insurance number"
FORMAT_MESSAGE = "Enter a National Insurance number in the correct format"

#: The most characters accepted, after trimming surrounding whitespace.
MAX_INPUT_LENGTH = 13

_SHAPE = re.compile(r"[A-Z]{2}[0-9]{6}[A-Z]")
# The fast path: every valid number, rules included.
_VALID = re.compile(r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]")
_NOT_FIRST = frozenset("DFIQUV")
_NOT_SECOND = frozenset("DFIOQUV")
_NOT_PREFIX = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_SUFFIXES = frozenset("ABCD")


def compact(value: str) -> str:
    """Return ``value`` upper-cased with spaces and punctuation removed.

    Never raises for a ``str`` (a non-``str`` raises InvalidFormat) and does
    not check the number:

    >>> from lgds_components.identifiers import nino
    >>> nino.compact(" ab-12-34-56-c ")
    'AB123456C'
    """
    return squeeze(value, FORMAT_MESSAGE)


def validate(value: str) -> str:
    """Return the compact number (``"AB123456C"``), or raise a ValidationError.

    >>> from lgds_components.identifiers import nino
    >>> nino.validate("AB.12.34.56.C")
    'AB123456C'
    >>> nino.validate("")
    Traceback (most recent call last):
    ...
    lgds_components.errors.MissingValue: Enter a National Insurance number
    >>> nino.validate("AB 12 34 56")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidLength: Enter a National Insurance number in the correct format
    >>> nino.validate("TN 12 34 56 C")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidComponent: Enter a National Insurance number in the correct format
    """
    text = trimmed(
        value, wrong_type=FORMAT_MESSAGE, missing=MISSING_MESSAGE, too_long=FORMAT_MESSAGE
    )
    if len(text) > MAX_INPUT_LENGTH:
        raise InvalidLength(FORMAT_MESSAGE)
    number = text.translate(SEPARATOR_TABLE)
    if _VALID.fullmatch(number):
        return number
    return _check(number)


def _check(number: str) -> str:
    """The rules one by one: return ``number``, or raise the precise error.

    The fast path's pattern says the same in one step; a test keeps them equal.
    """
    if not number:
        raise MissingValue(MISSING_MESSAGE)
    if not (number.isascii() and number.isalnum()):
        raise InvalidFormat(FORMAT_MESSAGE)
    if len(number) != 9:
        raise InvalidLength(FORMAT_MESSAGE)
    if not _SHAPE.fullmatch(number):
        raise InvalidFormat(FORMAT_MESSAGE)
    if (
        number[0] in _NOT_FIRST
        or number[1] in _NOT_SECOND
        or number[:2] in _NOT_PREFIX
        or number[8] not in _SUFFIXES
    ):
        raise InvalidComponent(FORMAT_MESSAGE)
    return number


def is_valid(value: object) -> bool:
    """Return whether ``value`` is a National Insurance number; never raises.

    >>> from lgds_components.identifiers import nino
    >>> nino.is_valid("AB123456C"), nino.is_valid("AB123456E"), nino.is_valid(123)
    (True, False, False)
    """
    try:
        validate(value)  # type: ignore[arg-type]
    except ValidationError:
        return False
    return True


def format(value: str) -> str:
    """Return the display form, ``"AB 12 34 56 C"``; validates first.

    >>> from lgds_components.identifiers import nino
    >>> nino.format(" ab123456c")
    'AB 12 34 56 C'
    """
    number = validate(value)
    return f"{number[:2]} {number[2:4]} {number[4:6]} {number[6:8]} {number[8]}"
