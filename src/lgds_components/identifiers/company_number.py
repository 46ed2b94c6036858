"""Companies House company registration numbers.

A company number is 8 characters: 8 digits for a company registered in England
and Wales (``01234567``), or a 2-character prefix naming the register and
6 digits (``SC123456``). Leading zeros are often left out, so a shorter number
is padded: ``644831`` is ``00644831`` and ``SC 12345`` is ``SC012345``. Spaces,
punctuation and lower case are tidied:

>>> validate("644831")
'00644831'
>>> validate("sc-123456")
'SC123456'
>>> is_valid("XX123456")
False

The prefixes (:data:`PREFIXES`) are those Companies House lists in its URI
customer guide and bulk data documentation, with the ones seen on its
register since: ``AC`` ``ZC`` ``FC`` ``GE`` ``LP`` ``OC`` ``SE`` ``SA`` ``SZ``
``SF`` ``GS`` ``SL`` ``SO`` ``SC`` ``ES`` ``NA`` ``NZ`` ``NF`` ``GN`` ``NL``
``NC`` ``R0`` ``NI`` ``EN``; ``IP`` ``SP`` ``IC`` ``SI`` ``NP`` ``NV`` ``RC``
``SR`` ``NR`` ``NO``; and ``RS`` ``CE`` ``CS`` ``SG`` ``FE`` ``PC``.

After a prefix come 6 digits; the last may be a letter instead, as in some
older society and Northern Ireland numbers (``IP28778R``, ``NI01234A``).
Rarer shapes (registered society numbers ending in two or three letters,
LLP numbers containing ``P``) are not accepted. The number is not looked up:
only the Companies House register can say whether a company exists.

:func:`validate` and :func:`format` both return the 8-character form, which
is also how Companies House displays it.

Errors (all :class:`~lgds_components.errors.ValidationError`):

================  ======================  ==================================================
error             code                    message
================  ======================  ==================================================
MissingValue      ``missing``             Enter a company number
InvalidLength     ``invalid_length``      Enter a company number in the correct format,
                                          like 01234567 or SC123456
InvalidFormat     ``invalid_format``      (the same)
InvalidComponent  ``invalid_component``   (the same: an unknown prefix, or all zeros)
================  ======================  ==================================================
"""

from __future__ import annotations

import re

from lgds_components.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from lgds_components.identifiers._common import squeeze, trimmed

__all__ = [
    "FORMAT_MESSAGE",
    "MISSING_MESSAGE",
    "PREFIXES",
    "compact",
    "format",
    "is_valid",
    "validate",
]

MISSING_MESSAGE = "Enter a company number"
FORMAT_MESSAGE = "Enter a company number in the correct format, like 01234567 or SC123456"

#: Companies House prefixes and what each register holds.
PREFIXES: dict[str, str] = {
    "AC": "Assurance company, England and Wales",
    "ZC": "Unregistered company, England and Wales",
    "FC": "Overseas company",
    "GE": "European Economic Interest Grouping, England and Wales",
    "LP": "Limited partnership, England and Wales",
    "OC": "Limited liability partnership, England and Wales",
    "SE": "European company (Societas Europaea), England and Wales",
    "SA": "Assurance company, Scotland",
    "SZ": "Unregistered company, Scotland",
    "SF": "Overseas company registered in Scotland before October 2009",
    "GS": "European Economic Interest Grouping, Scotland",
    "SL": "Limited partnership, Scotland",
    "SO": "Limited liability partnership, Scotland",
    "SC": "Company registered in Scotland",
    "ES": "European company (Societas Europaea), Scotland",
    "NA": "Assurance company, Northern Ireland",
    "NZ": "Unregistered company, Northern Ireland",
    "NF": "Overseas company registered in Northern Ireland before October 2009",
    "GN": "European Economic Interest Grouping, Northern Ireland",
    "NL": "Limited partnership, Northern Ireland",
    "NC": "Limited liability partnership, Northern Ireland",
    "R0": "Northern Ireland company registered before partition",
    "NI": "Company registered in Northern Ireland",
    "EN": "European company (Societas Europaea), Northern Ireland",
    "IP": "Industrial and provident society, England and Wales",
    "SP": "Industrial and provident society, Scotland",
    "IC": "Investment company with variable capital, England and Wales",
    "SI": "Investment company with variable capital, Scotland",
    "NP": "Industrial and provident society or credit union, Northern Ireland",
    "NV": "Investment company with variable capital, Northern Ireland",
    "RC": "Royal charter company, England and Wales",
    "SR": "Royal charter company, Scotland",
    "NR": "Royal charter company, Northern Ireland",
    "NO": "Credit union or industrial and provident society, Northern Ireland",
    "RS": "Registered society",
    "CE": "Charitable incorporated organisation, England and Wales",
    "CS": "Charitable incorporated organisation, Scotland",
    "SG": "Scottish partnership",
    "FE": "Further education or sixth form college corporation",
    "PC": "Protected cell company",
}

# Room for spacing and punctuation around 8 characters.
_MAX_INPUT = 24
_PREFIXED = re.compile(r"([A-Z][A-Z0-9])([0-9]{1,6})")
_PREFIXED_LETTER_END = re.compile(r"([A-Z][A-Z0-9])([0-9]{5}[A-Z])")


def compact(value: str) -> str:
    """Return ``value`` upper-cased with spaces and punctuation removed (not padded).

    Does not check the number; raises InvalidFormat only when ``value`` is not
    a ``str``.

    >>> compact(" sc 123456 ")
    'SC123456'
    """
    return squeeze(value, FORMAT_MESSAGE)


def validate(value: str) -> str:
    """Return the 8-character company number, or raise a ValidationError.

    >>> validate("SC 12345")
    'SC012345'
    >>> validate("")
    Traceback (most recent call last):
    ...
    lgds_components.errors.MissingValue: Enter a company number
    >>> validate("123456789")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidLength: Enter a company number in the correct format, like 01234567 or SC123456
    """  # noqa: E501
    text = trimmed(
        value, wrong_type=FORMAT_MESSAGE, missing=MISSING_MESSAGE, too_long=FORMAT_MESSAGE
    )
    if len(text) > _MAX_INPUT:
        raise InvalidLength(FORMAT_MESSAGE)
    number = squeeze(text, FORMAT_MESSAGE)
    if not (number.isascii() and number.isalnum()):
        raise InvalidFormat(FORMAT_MESSAGE)
    if len(number) > 8:
        raise InvalidLength(FORMAT_MESSAGE)
    if number.isdigit():
        if not number.strip("0"):
            raise InvalidComponent(FORMAT_MESSAGE)
        return number.zfill(8)
    match = _PREFIXED.fullmatch(number) or _PREFIXED_LETTER_END.fullmatch(number)
    if not match:
        raise InvalidFormat(FORMAT_MESSAGE)
    prefix, rest = match.groups()
    if prefix not in PREFIXES:
        raise InvalidComponent(FORMAT_MESSAGE)
    if rest.isdigit():
        if not rest.strip("0"):
            raise InvalidComponent(FORMAT_MESSAGE)
        rest = rest.zfill(6)
    return prefix + rest


def is_valid(value: object) -> bool:
    """Return whether ``value`` is a company number in a recognised form; never raises.

    >>> is_valid("00644831"), is_valid("OC300001"), is_valid("00000000")
    (True, True, False)
    """
    try:
        validate(value)  # type: ignore[arg-type]
    except ValidationError:
        return False
    return True


def format(value: str) -> str:
    """Return the display form, the 8 characters; validates first.

    >>> format("ni 1234")
    'NI001234'
    """
    return validate(value)
