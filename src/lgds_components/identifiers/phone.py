"""UK telephone numbers, checked with ``phonenumbers`` (Google's libphonenumber).

As the GOV.UK telephone numbers pattern advises, people can type a number the
way they know it: spaces, hyphens, dashes, dots and brackets are ignored, and
``+44``, ``0044`` and ``+44 (0)`` forms are read as UK numbers. Fullwidth
digits are read as ASCII; letters (``0800 FLOWERS``) and every other
character are refused.

:func:`validate` returns the number in E.164 form, the form to store and to
hand to SMS and telephony services; :func:`format` gives the display form:
UK numbers in national form spaced as the GOV.UK style guide writes them
(``01632 960 001``, ``020 7946 0000``, ``07700 900 982``: libphonenumber's
groups, with a group of six digits written as two of three), others in
international form. The examples in the error messages are written the same
way, so what a resident reads in a hint, an error and a confirmation agrees:

>>> validate("07400 123456")
'+447400123456'
>>> validate("+44 (0)20 7123 4567")
'+442071234567'
>>> format("+447400123456")
'07400 123 456'
>>> is_valid("0800 123 4567", kind="mobile")
False

``kind`` narrows what is accepted:

``"any"`` (default)
    every number libphonenumber knows to be valid, including freephone,
    ``03``, premium rate and personal numbers.
``"mobile"``
    mobile numbers (UK ``07`` mobiles other than ``070`` personal numbers and
    ``076`` pagers; abroad, numbers libphonenumber cannot tell from landlines,
    as in the USA, are accepted too).
``"landline"``
    fixed lines: geographic ``01`` and ``02`` numbers, ``03`` UK-wide numbers
    and ``056`` VoIP numbers (abroad, also numbers that may be either).

International numbers are accepted when typed with ``+`` or ``00`` and the
country code (``+353 1 234 5678``), as GOV.UK services accept them; pass
``international=False`` to accept UK numbers only. Numbers on the UK numbering
plan that belong to the Isle of Man, Jersey and Guernsey (``07624 ...``) are UK
numbers here. Extensions are not accepted.

**Drama numbers.** Ofcom reserves numbers for use in TV, radio and film, and
never allocates them to anyone. They are refused unless ``allow_drama=True``
("test mode", for demos and tests), when they are accepted even though
libphonenumber calls some of them invalid:

>>> validate("07700 900 982")
Traceback (most recent call last):
...
lgds_components.errors.InvalidComponent: Enter a real telephone number, not an example number
>>> validate("07700 900 982", allow_drama=True)
'+447700900982'

The ranges (:data:`DRAMA_RANGES`, from Ofcom's "Telephone numbers for drama
purposes", the list the GOV.UK pattern points to) are 1,000 numbers each:
``0113``, ``0114``, ``0115``, ``0116``, ``0117``, ``0118``, ``0121``, ``0131``,
``0141``, ``0151`` and ``0161 496 0000`` to ``0999``; ``020 7946 0000`` to
``0999``; ``0191 498 0000`` to ``0999``; ``028 9649 6000`` to ``6999``;
``029 2018 0000`` to ``0999``; ``01632 960000`` to ``960999``; mobile
``07700 900000`` to ``900999``; freephone ``08081 570000`` to ``570999``;
premium rate ``0909 879 0000`` to ``0999``; and UK-wide ``03069 990000`` to
``990999``.

Errors (all :class:`~lgds_components.errors.ValidationError`; the messages
follow the GOV.UK pattern, with the mobile and landline ones by analogy):

================  =======================  ===========================================
error             code                     message (``kind="any"``)
================  =======================  ===========================================
MissingValue      ``missing``              Enter a telephone number
InvalidLength     ``invalid_length``       Enter a telephone number, like 01632 960 001,
                                           07700 900 982 or +44 808 157 0192
InvalidFormat     ``invalid_format``       (the same)
InvalidComponent  ``invalid_component``    (the same: a number of the wrong kind)
InvalidComponent  ``not_uk``               Enter a UK telephone number
                                           (``international=False``)
InvalidComponent  ``drama_number``         Enter a real telephone number, not an
                                           example number
================  =======================  ===========================================

With ``kind="mobile"`` the messages are "Enter a mobile phone number", "Enter a
mobile phone number, like 07700 900 982" and "Enter a real mobile phone
number, not an example number"; with ``kind="landline"``, "Enter a landline
telephone number", "Enter a landline telephone number, like 01632 960 001"
and "Enter a real landline telephone number, not an example number".
"""

from __future__ import annotations

import re
from typing import Literal

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from lgds_components.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from lgds_components.identifiers._common import (
    INVISIBLE,
    RAW_LIMIT,
    WIDTH_TABLE,
    require_text,
    trim,
    trimmed,
)

__all__ = [
    "DRAMA_RANGES",
    "FORMAT_MESSAGE",
    "LANDLINE_FORMAT_MESSAGE",
    "MISSING_MESSAGE",
    "MOBILE_FORMAT_MESSAGE",
    "Kind",
    "compact",
    "format",
    "is_drama",
    "is_valid",
    "validate",
]

Kind = Literal["any", "mobile", "landline"]

MISSING_MESSAGE = "Enter a telephone number"
FORMAT_MESSAGE = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
MOBILE_MISSING_MESSAGE = "Enter a mobile phone number"
MOBILE_FORMAT_MESSAGE = "Enter a mobile phone number, like 07700 900 982"
LANDLINE_MISSING_MESSAGE = "Enter a landline telephone number"
LANDLINE_FORMAT_MESSAGE = "Enter a landline telephone number, like 01632 960 001"
UK_ONLY_MESSAGE = "Enter a UK telephone number"

#: Ofcom's drama ranges: the first 8 digits of an 11-digit UK national number;
#: the last 3 digits run from 000 to 999. Value: what kind of number it is.
DRAMA_RANGES: dict[str, str] = {
    **{
        f"0{area}4960": "landline"
        for area in (113, 114, 115, 116, 117, 118, 121, 131, 141, 151, 161)
    },
    "02079460": "landline",  # London
    "01914980": "landline",  # Tyneside, Durham and Sunderland
    "02896496": "landline",  # Northern Ireland
    "02920180": "landline",  # Cardiff
    "01632960": "landline",  # no area
    "07700900": "mobile",
    "08081570": "freephone",
    "09098790": "premium rate",
    "03069990": "UK-wide",
}

_MESSAGES: dict[str, tuple[str, str, str]] = {
    # kind: (missing, wrong format, drama)
    "any": (
        MISSING_MESSAGE,
        FORMAT_MESSAGE,
        "Enter a real telephone number, not an example number",
    ),
    "mobile": (
        MOBILE_MISSING_MESSAGE,
        MOBILE_FORMAT_MESSAGE,
        "Enter a real mobile phone number, not an example number",
    ),
    "landline": (
        LANDLINE_MISSING_MESSAGE,
        LANDLINE_FORMAT_MESSAGE,
        "Enter a real landline telephone number, not an example number",
    ),
}

_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_LANDLINE_TYPES = frozenset(
    {
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
        PhoneNumberType.UAN,
        PhoneNumberType.VOIP,
    }
)
_DRAMA_KINDS = {"mobile": {"mobile"}, "landline": {"landline", "UK-wide"}}

# The longest input looked at, after trimming: 15 digits (E.164's most), a
# "+", and generous room for spaces and punctuation.
_MAX_INPUT = 40

# What people type between the digits: every Unicode space and invisible
# character, hyphens and dashes, dots and brackets. (Fullwidth forms are
# mapped to ASCII before this is applied.)
_SEPARATORS = INVISIBLE + "-.()[]" + "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_STRIP_TABLE: dict[int, int | None] = {ord(char): None for char in _SEPARATORS}
_SHAPE = re.compile(r"\+?[0-9]{1,17}")
# "+44 (0) 20 ..." and "0044 (0)20 ...": the national prefix in brackets after
# a country code, never dialled from abroad.
_BRACKETED_ZERO = re.compile(r"[(\[]\s*0\s*[)\]]")


def _messages(kind: str) -> tuple[str, str, str]:
    try:
        return _MESSAGES[kind]
    except (KeyError, TypeError):
        raise ValueError(f"kind must be 'any', 'mobile' or 'landline', not {kind!r}") from None


def compact(value: str) -> str:
    """Return ``value`` with spaces, hyphens, dashes, dots and brackets removed.

    Fullwidth digits become ASCII; a bracketed national ``(0)`` after a
    country code is dropped. Does not check the number; raises InvalidFormat
    only when ``value`` is not a ``str``.

    >>> compact(" +44 (0)20-7946.0123 ")
    '+442079460123'
    >>> compact("(01632) 960 001")
    '01632960001'
    """
    text = require_text(value, FORMAT_MESSAGE)
    if len(text) > RAW_LIMIT:
        return text
    return _strip(trim(text))


def _strip(text: str) -> str:
    text = text.translate(WIDTH_TABLE)
    if text.startswith(("+", "00")):
        text = _BRACKETED_ZERO.sub("", text)
    return text.translate(_STRIP_TABLE)


def is_drama(value: str) -> bool:
    """Return whether ``value`` is one of Ofcom's drama numbers; never raises.

    >>> is_drama("07700 900 982"), is_drama("+44 20 7946 0000"), is_drama("07400 123456")
    (True, True, False)
    """
    try:
        number = _parse(value, _messages("any"))
    except ValidationError:
        return False
    return _drama_kind(number) is not None


def _parse(value: object, messages: tuple[str, str, str]) -> phonenumbers.PhoneNumber:
    missing, wrong, _ = messages
    text = trimmed(value, wrong_type=wrong, missing=missing, too_long=wrong)
    if len(text) > _MAX_INPUT:
        raise InvalidLength(wrong)
    digits = _strip(text)
    if not digits:
        raise InvalidFormat(wrong)
    if not _SHAPE.fullmatch(digits):
        raise InvalidFormat(wrong)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    try:
        return phonenumbers.parse(digits, "GB")
    except phonenumbers.NumberParseException as exc:
        raise InvalidFormat(wrong) from exc


def _drama_kind(number: phonenumbers.PhoneNumber) -> str | None:
    if number.country_code != 44:
        return None
    national = "0" + str(number.national_number)
    if len(national) != 11:
        return None
    return DRAMA_RANGES.get(national[:8])


def _check(
    value: object, kind: str, allow_drama: bool, international: bool
) -> phonenumbers.PhoneNumber:
    messages = _messages(kind)
    wrong, drama_message = messages[1], messages[2]
    number = _parse(value, messages)
    if number.country_code != 44 and not international:
        raise InvalidComponent(UK_ONLY_MESSAGE, code="not_uk")
    drama = _drama_kind(number)
    if drama is not None:
        if not allow_drama:
            raise InvalidComponent(drama_message, code="drama_number")
        if kind != "any" and drama not in _DRAMA_KINDS[kind]:
            raise InvalidComponent(wrong)
        return number
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason in (
        phonenumbers.ValidationResult.TOO_SHORT,
        phonenumbers.ValidationResult.TOO_LONG,
        phonenumbers.ValidationResult.INVALID_LENGTH,
    ):
        raise InvalidLength(wrong)
    if not phonenumbers.is_valid_number(number):
        raise InvalidFormat(wrong)
    if kind != "any":
        allowed = _MOBILE_TYPES if kind == "mobile" else _LANDLINE_TYPES
        if phonenumbers.number_type(number) not in allowed:
            raise InvalidComponent(wrong)
    return number


def validate(
    value: str,
    *,
    kind: Kind = "any",
    allow_drama: bool = False,
    international: bool = True,
) -> str:
    """Return the number in E.164 form (``"+447400123456"``), or raise a ValidationError.

    Args:
        value: what the person typed.
        kind: ``"any"``, ``"mobile"`` or ``"landline"`` (see the module notes).
        allow_drama: accept Ofcom's drama numbers (test mode).
        international: accept non-UK numbers typed with ``+`` or ``00``.

    >>> validate("(01632) 960 001", allow_drama=True)
    '+441632960001'
    >>> validate("+1 (202) 456-1111")
    '+12024561111'
    >>> validate("")
    Traceback (most recent call last):
    ...
    lgds_components.errors.MissingValue: Enter a telephone number
    >>> validate("020 7123 4567", kind="mobile")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidComponent: Enter a mobile phone number, like 07700 900 982
    """
    number = _check(value, kind, allow_drama, international)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def is_valid(
    value: object,
    *,
    kind: Kind = "any",
    allow_drama: bool = False,
    international: bool = True,
) -> bool:
    """Return whether ``value`` is an acceptable telephone number; never raises.

    >>> is_valid("07400 123456"), is_valid("07400 12345"), is_valid(7400123456)
    (True, False, False)
    """
    _messages(kind)  # a wrong ``kind`` is a programming error: raise ValueError
    try:
        _check(value, kind, allow_drama, international)
    except ValidationError:
        return False
    return True


def format(
    value: str,
    *,
    kind: Kind = "any",
    allow_drama: bool = True,
    international: bool = True,
) -> str:
    """Return the display form; validates first.

    UK numbers (country code 44) are shown in national form, spaced as the
    GOV.UK style guide writes them; others in international form. Ofcom's
    drama numbers are formatted too (``allow_drama=False`` refuses them), so
    a number a form accepted in test mode can always be shown.

    >>> format("+442071234567")
    '020 7123 4567'
    >>> format("+441632960001"), format("07700900982")
    ('01632 960 001', '07700 900 982')
    >>> format("00353 1 234 5678")
    '+353 1 234 5678'
    """
    number = _check(value, kind, allow_drama, international)
    if number.country_code != 44:
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return " ".join(
        f"{group[:3]} {group[3:]}" if len(group) == 6 and group.isdigit() else group
        for group in national.split(" ")
    )
