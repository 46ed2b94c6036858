"""Unique Street Reference Numbers (USRN).

A USRN identifies one street in Great Britain (the National Street Gazetteer,
OS Open USRN): a whole number from 1 to 99,999,999 (up to 8 digits). The
canonical value is an :class:`int`; :func:`format` gives the plain decimal
text, without padding or separators.

The input rules are the UPRN's (see :mod:`lgds_components.identifiers.uprn`):
zero-padded text with surrounding spaces or an :class:`int` (not a
:class:`bool` or :class:`float`); no signs, decimal points, exponents or inner
separators; ASCII or fullwidth digits only.

>>> from lgds_components.identifiers import usrn
>>> usrn.validate(" 00012345 ")
12345
>>> usrn.validate(12345)
12345
>>> usrn.format("0012345")
'12345'
>>> usrn.is_valid("123456789"), usrn.is_valid("12.5"), usrn.is_valid(False)
(False, False, False)

Errors (all :class:`~lgds_components.errors.ValidationError`):

================  ======================  ======================================
error             code                    message
================  ======================  ======================================
MissingValue      ``missing``             Enter a USRN
InvalidFormat     ``invalid_format``      Enter a USRN using numbers only
InvalidLength     ``invalid_length``      USRN must be 8 digits or fewer
InvalidComponent  ``invalid_component``   USRN must be between 1 and 99999999
================  ======================  ======================================
"""

from __future__ import annotations

from lgds_components.identifiers._common import NumericIdentifier, is_valid_by

__all__ = ["MAXIMUM", "compact", "format", "is_valid", "validate"]

_RULES = NumericIdentifier("USRN", max_digits=8)

#: The largest USRN, 99,999,999.
MAXIMUM: int = _RULES.maximum


def compact(value: str | int) -> str:
    """Return ``value`` trimmed, with fullwidth digits read as ASCII.

    Does not check the text; an :class:`int` is checked and returned as decimal
    text. Raises InvalidFormat only for a value that is neither.

    >>> from lgds_components.identifiers import usrn
    >>> usrn.compact(" 00012345 ")
    '00012345'
    """
    return _RULES.compact(value)


def validate(value: str | int) -> int:
    """Return the USRN as an :class:`int`, or raise a ValidationError.

    >>> from lgds_components.identifiers import usrn
    >>> usrn.validate("0")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidComponent: USRN must be between 1 and 99999999
    >>> usrn.validate(" 1 2 ")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidFormat: Enter a USRN using numbers only
    """
    return _RULES.validate(value)


def is_valid(value: object) -> bool:
    """Return whether ``value`` is a USRN; never raises.

    >>> from lgds_components.identifiers import usrn
    >>> usrn.is_valid("99999999"), usrn.is_valid(100_000_000)
    (True, False)
    """
    return is_valid_by(_RULES.validate, value)


def format(value: str | int) -> str:
    """Return the plain decimal text; validates first.

    >>> from lgds_components.identifiers import usrn
    >>> usrn.format(" 0000012345")
    '12345'
    """
    return str(_RULES.validate(value))
