"""The fake card page's form: what a payer types, checked as GOV.UK Pay checks it.

:func:`check_card` reads the posted card details and returns the GOV.UK Pay
style error message for each field that is wrong (none when all are right);
:func:`outcome` says what a test card number does on the fake card page
(the numbers GOV.UK Pay's test accounts document):

>>> check_card({"cardNo": "4444 3333 2222 1111", "expiryMonth": "12", "expiryYear": "30",
...             "cardholderName": "A Resident", "cvc": "123"}, today=date(2026, 6, 1))
{}
>>> check_card({"cardNo": "4444 3333 2222 1112", "expiryMonth": "1", "expiryYear": "26",
...             "cardholderName": " ", "cvc": "12"}, today=date(2026, 6, 1))
... # doctest: +NORMALIZE_WHITESPACE
{'cardNo': 'Enter a valid card number', 'expiryMonth': 'Enter a valid expiry date',
 'cardholderName': 'Enter the name as it appears on the card',
 'cvc': 'Enter a valid card security code'}
>>> outcome("4000 0000 0000 0002"), outcome("4444333322221111")
('decline', 'pay')
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final, Literal

__all__ = ["CARD_FIELDS", "TEST_CARDS", "Outcome", "check_card", "digits", "outcome"]

Outcome = Literal["pay", "decline", "error"]

CARD_FIELDS: Final = ("cardNo", "expiryMonth", "cardholderName", "cvc")
"""The form's fields in page order (the expiry year shares the month's error)."""

TEST_CARDS: Final[dict[str, tuple[Outcome, str]]] = {
    "4444333322221111": ("pay", "Visa: the payment succeeds"),
    "4000000000000002": ("decline", "the bank declines the card"),
    "4000000000000069": ("decline", "the card has expired: declined"),
    "4000000000000127": ("decline", "the security code is wrong: declined"),
    "4000000000000119": ("error", "the payment service provider fails"),
}
"""Card numbers with a fixed outcome; any other valid number pays."""

_LONGEST = 40


def digits(value: str) -> str:
    """The digits of a card number as typed (spaces and hyphens dropped, at most 40 kept)."""
    return "".join(c for c in value[:_LONGEST] if c not in " -")


def _luhn(number: str) -> bool:
    total = 0
    for place, char in enumerate(reversed(number)):
        value = int(char)
        if place % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card_number(raw: str) -> str | None:
    number = digits(raw)
    if not number:
        return "Enter a card number"
    if not (number.isascii() and number.isdigit() and 12 <= len(number) <= 19 and _luhn(number)):
        return "Enter a valid card number"
    return None


def _expiry(month: str, year: str, today: date) -> str | None:
    month, year = month.strip(), year.strip()
    if not month and not year:
        return "Enter the expiry date"
    if not (month.isascii() and month.isdigit() and year.isascii() and year.isdigit()
            and len(month) <= 2 and len(year) in (2, 4) and 1 <= int(month) <= 12):
        return "Enter a valid expiry date"
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    if (full_year, int(month)) < (today.year, today.month):
        return "Enter a valid expiry date"
    return None


def check_card(form: Mapping[str, str], *, today: date | None = None) -> dict[str, str]:
    """Error messages by field for the posted card details; empty when they are all right."""
    today = today or date.today()
    errors: dict[str, str | None] = {
        "cardNo": _card_number(form.get("cardNo", "")),
        "expiryMonth": _expiry(form.get("expiryMonth", "")[:_LONGEST],
                               form.get("expiryYear", "")[:_LONGEST], today),
        "cardholderName": (None if form.get("cardholderName", "").strip()
                           else "Enter the name as it appears on the card"),
        "cvc": (None if (code := form.get("cvc", "").strip()).isascii() and code.isdigit()
                and len(code) in (3, 4) else "Enter a valid card security code"),
    }
    return {field: message for field, message in errors.items() if message}


def outcome(card_number: str) -> Outcome:
    """What paying with this (valid) card number does on the fake card page."""
    return TEST_CARDS.get(digits(card_number), ("pay", ""))[0]
