"""Unique Property Reference Numbers (UPRN).

A UPRN identifies one addressable place in Great Britain (AddressBase, a
council's LLPG): a whole number from 1 to 999,999,999,999 (up to 12 digits).
The canonical value is an :class:`int`; :func:`format` gives the plain decimal
text, without padding or separators.

Text may be zero-padded and carry surrounding spaces; an :class:`int` is
accepted as it is (but not a :class:`bool` or a :class:`float`). Signs,
decimal points, exponents, inner spaces and separators are refused. Digits are
ASCII ``0`` to ``9``; fullwidth digits (``\uff11\uff12\uff13``, from East Asian keyboards)
are read as ASCII digits, and every other script's digits (Arabic-Indic
``\u0661\u0662\u0663``, Devanagari, superscripts) are refused even though :func:`int` would
take them.

>>> from lgds_components.identifiers import uprn
>>> uprn.validate(" 000100023336956 ")
100023336956
>>> uprn.validate(100023336956)
100023336956
>>> uprn.format("0012345")
'12345'
>>> uprn.is_valid("1e5"), uprn.is_valid(True), uprn.is_valid(0)
(False, False, False)

Errors (all :class:`~lgds_components.errors.ValidationError`):

================  ======================  ======================================
error             code                    message
================  ======================  ======================================
MissingValue      ``missing``             Enter a UPRN
InvalidFormat     ``invalid_format``      Enter a UPRN using numbers only
InvalidLength     ``invalid_length``      UPRN must be 12 digits or fewer
InvalidComponent  ``invalid_component``   UPRN must be between 1 and 999999999999
================  ======================  ======================================
"""

from __future__ import annotations

from lgds_components.identifiers._common import NumericIdentifier, is_valid_by

__all__ = ["MAXIMUM", "compact", "format", "is_valid", "validate"]

_RULES = NumericIdentifier("UPRN", max_digits=12)

#: The largest UPRN, 999,999,999,999.
MAXIMUM: int = _RULES.maximum


def compact(value: str | int) -> str:
    """Return ``value`` trimmed, with fullwidth digits read as ASCII.

    Does not check the text; an :class:`int` is checked and returned as decimal
    text. Raises InvalidFormat only for a value that is neither.

    >>> from lgds_components.identifiers import uprn
    >>> uprn.compact(" 0001234 ")
    '0001234'
    >>> uprn.compact(1234)
    '1234'
    """
    return _RULES.compact(value)


def validate(value: str | int) -> int:
    """Return the UPRN as an :class:`int`, or raise a ValidationError.

    >>> from lgds_components.identifiers import uprn
    >>> uprn.validate("\uff11\uff12\uff13")
    123
    >>> uprn.validate("-5")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidFormat: Enter a UPRN using numbers only
    >>> uprn.validate("1000000000000")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidLength: UPRN must be 12 digits or fewer
    """
    return _RULES.validate(value)


def is_valid(value: object) -> bool:
    """Return whether ``value`` is a UPRN; never raises.

    >>> from lgds_components.identifiers import uprn
    >>> uprn.is_valid("100023336956"), uprn.is_valid(12.0)
    (True, False)
    >>> uprn.is_valid("\u0661\u0662\u0663")  # Arabic-Indic digits
    False
    """
    return is_valid_by(_RULES.validate, value)


def format(value: str | int) -> str:
    """Return the plain decimal text; validates first.

    >>> from lgds_components.identifiers import uprn
    >>> uprn.format(" 00100023336956")
    '100023336956'
    """
    return str(_RULES.validate(value))
