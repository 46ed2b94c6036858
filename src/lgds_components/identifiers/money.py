"""Amounts of money in pounds sterling, held as integer pence.

Money is never a :class:`float` in this library. :func:`validate` reads what
people type into an amount field and returns whole pence; :func:`format`
gives the display form:

>>> validate("£1,234.50")
123450
>>> validate("1234.5"), validate("0.99"), validate("GBP 12")
(123450, 99, 1200)
>>> format(123450)
'£1,234.50'

What is accepted:

* an optional ``£`` (or the fullwidth pound sign, U+FFE1) before the number, or ``GBP`` before
  or after it, in any case, with spaces around it;
* digits, with commas only between groups of three (``1,234,567.89``), and
  up to 2 decimal places (``12``, ``12.5``, ``12.50``, ``.5``);
* a minus sign (``-``, or U+2212 MINUS SIGN) before the number or the ``£``, only with
  ``allow_negative=True``;
* surrounding whitespace; fullwidth digits, read as ASCII;
* an :class:`int`, taken as pence already (so a value :func:`validate`
  returned can be checked again, as pydantic models do).

What is refused: more than 2 decimal places (``12.345``, and ``12.500``, as
typed), commas in the wrong places (``1,23``), exponents, other currencies,
other scripts' digits, and values that are not ``str`` or ``int``. A
:class:`float` is refused outright: ``0.1 + 0.2`` is not ``0.3``, and an amount
that has been through a float may already be wrong.

``min`` and ``max`` (in pence) bound the amount; the messages show the bound
in pounds.

>>> validate("£5", min=1000)
Traceback (most recent call last):
...
lgds_components.errors.InvalidComponent: Amount must be £10.00 or more

The text is parsed with :class:`decimal.Decimal`, never through a float.
``validate(format(pence)) == pence`` for every amount (with
``allow_negative=True`` for negative ones).

Errors (all :class:`~lgds_components.errors.ValidationError`):

================  ======================  ===================================================
error             code                    message
================  ======================  ===================================================
MissingValue      ``missing``             Enter an amount
InvalidLength     ``invalid_length``      Enter an amount in pounds and pence, like 600 or
                                          193.54
InvalidFormat     ``invalid_format``      (the same)
InvalidFormat     ``too_many_decimals``   Amount must not have more than 2 decimal places
InvalidFormat     ``float_not_allowed``   Give an amount as text or as whole pence (an int),
                                          not as a float
InvalidComponent  ``negative``            Amount must be £0.00 or more
InvalidComponent  ``too_small``           Amount must be £10.00 or more (``min=1000``)
InvalidComponent  ``too_large``           Amount must be £500.00 or less (``max=50000``;
                                          without ``max``, above :data:`MAX_PENCE`)
================  ======================  ===================================================
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from lgds_components.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from lgds_components.identifiers._common import (
    RAW_LIMIT,
    WIDTH_TABLE,
    require_text,
    trim,
    trimmed,
)

__all__ = [
    "DECIMALS_MESSAGE",
    "FLOAT_MESSAGE",
    "FORMAT_MESSAGE",
    "MAX_PENCE",
    "MISSING_MESSAGE",
    "NEGATIVE_MESSAGE",
    "compact",
    "format",
    "is_valid",
    "validate",
]

MISSING_MESSAGE = "Enter an amount"
FORMAT_MESSAGE = "Enter an amount in pounds and pence, like 600 or 193.54"
DECIMALS_MESSAGE = "Amount must not have more than 2 decimal places"
FLOAT_MESSAGE = "Give an amount as text or as whole pence (an int), not as a float"
NEGATIVE_MESSAGE = "Amount must be £0.00 or more"

#: The largest amount accepted either way, in pence: £999,999,999,999,999.99.
#: (Its display form still fits in the input limit, so ``format`` round-trips.)
MAX_PENCE = 10**17 - 1

# Room for a 15-digit amount with commas, pence, a sign and a currency.
_MAX_INPUT = 40

_TABLE: dict[int, int | None] = {**WIDTH_TABLE, 0xFFE1: ord("£"), 0x2212: ord("-")}
_SIGN_AND_CURRENCY = re.compile(
    r"(?P<sign1>-?)\s*(?:£|GBP)?\s*(?P<sign2>-?)\s*(?P<number>[0-9.,]+)\s*(?:GBP)?",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.(?P<pence>[0-9]+))?")


def compact(value: str | int) -> str:
    """Return ``value`` trimmed, without its ``£``, ``GBP``, commas and spaces.

    Does not check the amount; an :class:`int` (pence) is returned as pounds
    text. Raises InvalidFormat only for a value that is neither.

    >>> compact(" £1,234.50 ")
    '1234.50'
    >>> compact(123450)
    '1234.50'
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return _pounds(value)
    text = require_text(value, _type_message(value))
    if len(text) > RAW_LIMIT:
        return text
    text = trim(text).translate(_TABLE)
    for noise in ("£", ",", " "):
        text = text.replace(noise, "")
    upper = text.upper()
    if upper.startswith("GBP"):
        text = text[3:]
    elif upper.endswith("GBP"):
        text = text[:-3]
    return text.strip()


def _type_message(value: object) -> str:
    return FLOAT_MESSAGE if isinstance(value, float) else FORMAT_MESSAGE


def _pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{rest:02d}"


def _parse(value: object) -> int:
    if isinstance(value, bool):
        raise InvalidFormat(FORMAT_MESSAGE)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        raise InvalidFormat(FLOAT_MESSAGE, code="float_not_allowed")
    text = trimmed(
        value, wrong_type=FORMAT_MESSAGE, missing=MISSING_MESSAGE, too_long=FORMAT_MESSAGE
    )
    if len(text) > _MAX_INPUT:
        raise InvalidLength(FORMAT_MESSAGE)
    text = text.translate(_TABLE)
    if not text.isascii() and not text.replace("£", "").isascii():
        raise InvalidFormat(FORMAT_MESSAGE)
    outer = _SIGN_AND_CURRENCY.fullmatch(text)
    if outer is None or (outer["sign1"] and outer["sign2"]):
        raise InvalidFormat(FORMAT_MESSAGE)
    number = _NUMBER.fullmatch(outer["number"])
    if number is None or not (number["whole"] or number["pence"]):
        raise InvalidFormat(FORMAT_MESSAGE)
    pence_digits = number["pence"] or ""
    if len(pence_digits) > 2:
        raise InvalidFormat(DECIMALS_MESSAGE, code="too_many_decimals")
    whole = (number["whole"] or "0").replace(",", "")
    try:
        amount = Decimal(f"{whole}.{pence_digits or '0'}")
    except InvalidOperation as exc:  # unreachable: the pattern admits digits only
        raise InvalidFormat(FORMAT_MESSAGE) from exc
    pence = int(amount * 100)
    return -pence if (outer["sign1"] or outer["sign2"]) else pence


def validate(
    value: str | int,
    *,
    allow_negative: bool = False,
    min: int | None = None,
    max: int | None = None,
) -> int:
    """Return the amount in pence, or raise a ValidationError.

    Args:
        value: what the person typed, or pence as an :class:`int`.
        allow_negative: accept amounts below zero.
        min: the smallest amount accepted, in pence.
        max: the largest amount accepted, in pence.

    >>> validate(" £0.5 ")
    50
    >>> validate("-£5", allow_negative=True)
    -500
    >>> validate("12.345")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidFormat: Amount must not have more than 2 decimal places
    >>> validate("-5")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidComponent: Amount must be £0.00 or more
    """
    pence = _parse(value)
    if abs(pence) > MAX_PENCE:
        raise InvalidComponent(
            f"Amount must be {_display(MAX_PENCE if pence > 0 else -MAX_PENCE)} or "
            + ("less" if pence > 0 else "more"),
            code="too_large" if pence > 0 else "too_small",
        )
    if pence < 0 and not allow_negative:
        raise InvalidComponent(NEGATIVE_MESSAGE, code="negative")
    if min is not None and pence < min:
        raise InvalidComponent(f"Amount must be {_display(min)} or more", code="too_small")
    if max is not None and pence > max:
        raise InvalidComponent(f"Amount must be {_display(max)} or less", code="too_large")
    return pence


def is_valid(
    value: object,
    *,
    allow_negative: bool = False,
    min: int | None = None,
    max: int | None = None,
) -> bool:
    """Return whether ``value`` is an acceptable amount; never raises.

    >>> is_valid("£12.50"), is_valid("12.505"), is_valid(12.5)
    (True, False, False)
    """
    try:
        validate(value, allow_negative=allow_negative, min=min, max=max)  # type: ignore[arg-type]
    except ValidationError:
        return False
    return True


def format(
    value: str | int,
    *,
    allow_negative: bool = False,
    min: int | None = None,
    max: int | None = None,
) -> str:
    """Return the display form, ``"£1,234.50"`` (``"-£5.00"`` when negative); validates first.

    >>> format(99), format("1234567.8"), format(-500, allow_negative=True)
    ('£0.99', '£1,234,567.80', '-£5.00')
    """
    return _display(validate(value, allow_negative=allow_negative, min=min, max=max))


def _display(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"
