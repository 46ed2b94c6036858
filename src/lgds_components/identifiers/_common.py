"""Shared plumbing for the identifier modules (private).

One Unicode policy for every identifier:

* Surrounding whitespace is removed, and so are "invisible" characters that
  arrive with copy and paste: every Unicode space (no-break, thin, ideographic,
  ...), line and paragraph separators, zero-width space, zero-width joiners,
  word joiner, byte-order mark and soft hyphen.
* Fullwidth forms of ASCII (``\uff33`` U+FF33, ``\uff11`` U+FF11, what East Asian input
  methods type) are mapped to the ASCII character they stand for. This is a
  fixed, explicit table, not NFKC: NFKC would also turn ``\u2460`` into ``1`` and
  ``\u210c`` into ``H``.
* Every other non-ASCII character is refused, including look-alikes such as
  Cyrillic ``\u0410`` (U+0410) and Greek ``\u0391`` (U+0391), and other scripts' digits
  such as Arabic-Indic ``\u0661`` (U+0661) that :func:`int` would quietly accept.
  Upper-casing is applied to ASCII letters only, so ``\u017f`` (long s) never
  becomes ``S``.
* Length is checked before anything else is done: input longer than
  :data:`RAW_LIMIT` characters is refused as too long without being read
  (even if it is all spaces), and after trimming each identifier allows only a
  few dozen characters. ``compact()`` returns input longer than
  :data:`RAW_LIMIT` unchanged. So no call's cost grows with its input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from lgds_components.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    MissingValue,
    ValidationError,
)

__all__ = [
    "INVISIBLE",
    "RAW_LIMIT",
    "SEPARATOR_TABLE",
    "WIDTH_TABLE",
    "NumericIdentifier",
    "is_valid_by",
    "require_text",
    "squeeze",
    "trim",
    "trimmed",
]

#: Input longer than this (before trimming) is refused unread by ``validate()``
#: and returned unchanged by ``compact()``: it can never be valid, and even
#: trimming 100,000 characters costs milliseconds.
RAW_LIMIT = 1000

_UNICODE_SPACES = (
    "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_ZERO_WIDTH = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"

#: Characters removed from both ends of every input (and, for postcodes and
#: National Insurance numbers, from anywhere inside).
INVISIBLE = _UNICODE_SPACES + _ZERO_WIDTH

# What people type between the parts of a postcode or NI number: hyphens and
# dashes, dots, commas, slashes, underscores and brackets.
_PUNCTUATION = "-.,/_()[]{}" + "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"

_FULLWIDTH_OFFSET = 0xFEE0  # U+FF01..U+FF5E are U+0021..U+007E, made wide


def _build_width_table() -> dict[int, int]:
    return {code: code - _FULLWIDTH_OFFSET for code in range(0xFF01, 0xFF5F)}


def _build_separator_table() -> dict[int, int | None]:
    table: dict[int, int | None] = {}
    for code, ascii_code in _build_width_table().items():
        table[code] = ascii_code
    for letter in range(ord("a"), ord("z") + 1):
        table[letter] = letter - 32
        table[letter + _FULLWIDTH_OFFSET] = letter - 32
    for char in INVISIBLE + _PUNCTUATION:
        table[ord(char)] = None
        if 0x21 <= ord(char) <= 0x7E:
            table[ord(char) + _FULLWIDTH_OFFSET] = None
    return table


#: ``str.translate`` table mapping fullwidth ASCII forms to ASCII.
WIDTH_TABLE: dict[int, int] = _build_width_table()

#: ``str.translate`` table that deletes separators, maps fullwidth forms to
#: ASCII and upper-cases ASCII letters (and only those).
SEPARATOR_TABLE: dict[int, int | None] = _build_separator_table()


def require_text(value: object, message: str) -> str:
    """Return ``value`` as a plain :class:`str`, or raise InvalidFormat.

    A ``str`` subclass is copied to a plain ``str`` so that overridden methods
    never run.
    """
    if not isinstance(value, str):
        raise InvalidFormat(message)
    return str.__str__(value)


def trim(text: str) -> str:
    """Remove whitespace and invisible characters from both ends of ``text``."""
    return text.strip(INVISIBLE)


def trimmed(value: object, *, wrong_type: str, missing: str, too_long: str) -> str:
    """The first steps of every ``validate()``: type, raw length, trim, blank.

    Raises InvalidFormat (not a ``str``), InvalidLength (over :data:`RAW_LIMIT`)
    or MissingValue (nothing left after trimming).
    """
    text = require_text(value, wrong_type)
    if len(text) > RAW_LIMIT:
        raise InvalidLength(too_long)
    text = trim(text)
    if not text:
        raise MissingValue(missing)
    return text


def squeeze(value: object, message: str) -> str:
    """The shared ``compact()`` for letter-and-digit identifiers.

    Removes separators anywhere, maps fullwidth forms to ASCII and upper-cases
    ASCII letters; raises InvalidFormat only when ``value`` is not a ``str``.
    """
    text = require_text(value, message)
    if len(text) > RAW_LIMIT:
        return text
    return trim(text).translate(SEPARATOR_TABLE)


def is_valid_by(validate: Callable[[object], object], value: object) -> bool:
    """Return whether ``validate(value)`` succeeds."""
    try:
        validate(value)
    except ValidationError:
        return False
    return True


class NumericIdentifier:
    """Rules for a positive whole-number identifier with a maximum digit count.

    Used by :mod:`~lgds_components.identifiers.uprn` and
    :mod:`~lgds_components.identifiers.usrn`, which document the behaviour.
    """

    __slots__ = (
        "_max_input",
        "max_digits",
        "maximum",
        "missing",
        "name",
        "out_of_range",
        "too_long",
        "wrong_format",
    )

    def __init__(self, name: str, max_digits: int) -> None:
        self.name = name
        self.max_digits = max_digits
        self.maximum = 10**max_digits - 1
        self.missing = f"Enter a {name}"
        self.wrong_format = f"Enter a {name} using numbers only"
        self.too_long = f"{name} must be {max_digits} digits or fewer"
        self.out_of_range = f"{name} must be between 1 and {self.maximum}"
        # generous room for zero padding, but bounded
        self._max_input = max_digits + 20

    def _refuse_type(self) -> NoReturn:
        raise InvalidFormat(self.wrong_format)

    def _check_int(self, value: int) -> int:
        number = int.__index__(value)
        if number > self.maximum:
            raise InvalidLength(self.too_long)
        if number < 1:
            raise InvalidComponent(self.out_of_range)
        return number

    def compact(self, value: object) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self._refuse_type()
        if isinstance(value, int):
            return str(self._check_int(value))
        text = str.__str__(value)
        if len(text) > RAW_LIMIT:
            return text
        return trim(text).translate(WIDTH_TABLE)

    def validate(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self._refuse_type()
        if isinstance(value, int):
            return self._check_int(value)
        text = trimmed(
            value, wrong_type=self.wrong_format, missing=self.missing, too_long=self.too_long
        )
        if len(text) > self._max_input:
            raise InvalidLength(self.too_long)
        if not text.isascii():
            text = text.translate(WIDTH_TABLE)
        # isdigit() alone accepts superscripts and other scripts' digits
        if not (text.isascii() and text.isdigit()):
            raise InvalidFormat(self.wrong_format)
        digits = text.lstrip("0")
        if not digits:
            raise InvalidComponent(self.out_of_range)
        if len(digits) > self.max_digits:
            raise InvalidLength(self.too_long)
        return int(digits)
