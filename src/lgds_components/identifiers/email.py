"""Email addresses, checked with ``email-validator``.

The syntax is checked by ``email-validator`` (RFC 5321 and 5322 as mail
systems really use them, with internationalised domain names). No DNS lookup
is made unless asked for with ``check_deliverability=True``, so validation
works offline and takes microseconds.

:func:`validate` returns the normalised address: the domain in lower case (and
an internationalised domain in its Unicode form), the part before the ``@``
as typed, since only the receiving mail server may decide that its case does
not matter:

>>> validate("  Name@Example.COM ")
'Name@example.com'
>>> validate("name@bücher.example")
'name@bücher.example'
>>> is_valid("name@example"), is_valid("name@@example.com")
(False, False)

What is accepted, beyond what ``email-validator`` accepts by default:

* Surrounding whitespace and invisible characters are trimmed; fullwidth
  forms of ASCII characters (U+FF01 to U+FF5E, typed by East Asian input
  methods) are read as ASCII.
* Up to 254 characters, the longest address that can be used (RFC 3696
  errata 1690), the limit the GOV.UK pattern gives, with at most 64 before
  the ``@`` (RFC 5321).

What is refused: anything ``email-validator`` refuses (no ``@``, two dots in a
row, a domain with no dot, special-use domains such as ``.invalid`` and
``localhost``, quoted local parts, IP address literals, display names such as
``Name <name@example.com>``), and by default a part before the ``@`` with
non-ASCII characters (``allow_smtputf8=True`` accepts them, for mail systems
that support SMTPUTF8). Look-alike letters from other scripts are therefore
refused before the ``@``; after it they are part of an internationalised
domain name, which is the address the person typed.

Councils send residents' email through GOV.UK Notify, so the domain must also
pass Notify's rules (published in ``alphagov/notifications-utils``, module
``recipient_validation/email_address.py``), which are stricter than the
standards: in its ASCII form (``例え.テスト`` is ``xn--r8jz45g.xn--zckzah``)
each label is letters and digits joined by single or double hyphens, and the
top-level domain is 2 to 63 letters or a punycode label starting ``xn--``.
An address this module accepts is one Notify will send to:

>>> is_valid("name@example.c0m"), is_valid("a@b.c"), is_valid("a@b.co")
(False, False, True)
>>> is_valid("info@example.vermögensberatung"), is_valid("name@例え.テスト")
(True, True)

Errors (all :class:`~lgds_components.errors.ValidationError`; messages from
the GOV.UK email addresses pattern):

================  ======================  ===================================================
error             code                    message
================  ======================  ===================================================
MissingValue      ``missing``             Enter an email address
InvalidLength     ``invalid_length``      Enter an email address in the correct format,
                                          like name@example.com
InvalidFormat     ``invalid_format``      (the same)
================  ======================  ===================================================

The reason ``email-validator`` gave (``"An email address cannot have two
periods in a row."``) is kept on the error's ``__cause__`` for logs.
"""

from __future__ import annotations

import re

import email_validator

from lgds_components.errors import InvalidFormat, InvalidLength, ValidationError
from lgds_components.identifiers._common import (
    RAW_LIMIT,
    WIDTH_TABLE,
    require_text,
    trim,
    trimmed,
)

__all__ = [
    "FORMAT_MESSAGE",
    "MAX_LENGTH",
    "MAX_LOCAL_LENGTH",
    "MISSING_MESSAGE",
    "compact",
    "format",
    "is_valid",
    "validate",
]

MISSING_MESSAGE = "Enter an email address"
FORMAT_MESSAGE = "Enter an email address in the correct format, like name@example.com"

#: The longest address accepted, in characters.
MAX_LENGTH = 254

#: The longest part before the ``@`` accepted, in characters (RFC 5321).
MAX_LOCAL_LENGTH = 64

# GOV.UK Notify's domain rules (see the module docstring), on the ASCII form.
_NOTIFY_LABEL = re.compile(r"[a-z0-9]+(?:--?[a-z0-9]+)*", re.IGNORECASE)
_NOTIFY_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9]+(?:-[a-z0-9]+)*", re.IGNORECASE)


def compact(value: str) -> str:
    """Return ``value`` trimmed, with fullwidth forms read as ASCII.

    Does not check the address; raises InvalidFormat only when ``value`` is
    not a ``str``.

    >>> compact(" name@example.com\\u200b")
    'name@example.com'
    """
    text = require_text(value, FORMAT_MESSAGE)
    if len(text) > RAW_LIMIT:
        return text
    return trim(text).translate(WIDTH_TABLE)


def _check(
    value: object, allow_smtputf8: bool, check_deliverability: bool
) -> email_validator.ValidatedEmail:
    text = trimmed(
        value, wrong_type=FORMAT_MESSAGE, missing=MISSING_MESSAGE, too_long=FORMAT_MESSAGE
    )
    if len(text) > MAX_LENGTH:
        raise InvalidLength(FORMAT_MESSAGE)
    text = text.translate(WIDTH_TABLE)
    if len(text.rpartition("@")[0]) > MAX_LOCAL_LENGTH:
        # RFC 5321's limit, which email-validator applies only in strict mode
        raise InvalidFormat(FORMAT_MESSAGE)
    try:
        checked = email_validator.validate_email(
            text,
            check_deliverability=check_deliverability,
            allow_smtputf8=allow_smtputf8,
        )
    except email_validator.EmailNotValidError as exc:
        raise InvalidFormat(FORMAT_MESSAGE) from exc
    *labels, top = checked.ascii_domain.split(".")
    if not _NOTIFY_TLD.fullmatch(top) or not all(_NOTIFY_LABEL.fullmatch(x) for x in labels):
        raise InvalidFormat(FORMAT_MESSAGE)
    return checked


def validate(
    value: str, *, allow_smtputf8: bool = False, check_deliverability: bool = False
) -> str:
    """Return the normalised address, or raise a ValidationError.

    Args:
        value: what the person typed.
        allow_smtputf8: accept non-ASCII characters before the ``@``.
        check_deliverability: also look the domain up in DNS (slow, needs the
            network; a failed lookup is refused like a wrong format).

    >>> validate("name@EXAMPLE.org")
    'name@example.org'
    >>> validate("")
    Traceback (most recent call last):
    ...
    lgds_components.errors.MissingValue: Enter an email address
    >>> validate("name.example.com")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidFormat: Enter an email address in the correct format, like name@example.com
    """  # noqa: E501
    return _check(value, allow_smtputf8, check_deliverability).normalized


def is_valid(
    value: object, *, allow_smtputf8: bool = False, check_deliverability: bool = False
) -> bool:
    """Return whether ``value`` is an email address; never raises.

    >>> is_valid("name@example.com"), is_valid("name@localhost"), is_valid(None)
    (True, False, False)
    """
    try:
        _check(value, allow_smtputf8, check_deliverability)
    except ValidationError:
        return False
    return True


def format(value: str, *, allow_smtputf8: bool = False, check_deliverability: bool = False) -> str:
    """Return the display form, the same as :func:`validate`'s.

    >>> format("Name@Example.com")
    'Name@example.com'
    """
    return validate(value, allow_smtputf8=allow_smtputf8, check_deliverability=check_deliverability)
