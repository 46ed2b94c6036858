"""UK postcodes (Royal Mail, BS 7666).

A postcode is an outward code (area and district, such as ``SW1A``) and an
inward code (sector digit and two unit letters, such as ``1AA``). The outward
code has one of six shapes, ``A9``, ``A99``, ``AA9``, ``AA99``, ``A9A`` and
``AA9A`` (``A`` a letter, ``9`` a digit), and the letters follow BS 7666:

* the first letter is never Q, V or X; the second is never I, J or Z;
* a letter in the third place (``A9A``) is one of A B C D E F G H J K P S T U W;
* a letter in the fourth place (``AA9A``) is one of A B E H M N P R V W X Y;
* the inward code's letters are never C, I, K, M, O or V.

``GIR 0AA`` (the old Girobank postcode) is accepted too.

What people type is tolerated: lower case, missing or extra spaces, hyphens,
dots, commas, slashes and brackets:

>>> from lgds_components.identifiers import postcode
>>> postcode.validate(" sw1a-1aa ")
'SW1A 1AA'
>>> postcode.format("ec1a1bb")
'EC1A 1BB'
>>> postcode.is_valid("QA1 1AA")
False

Two kinds of code look like postcodes but are refused unless asked for:

* BFPO postcodes (area ``BF``, such as ``BF1 3AA``), given since 2012 to
  British Forces Post Office addresses: pass ``bfpo=True``. BFPO numbers
  (``BFPO 61``) are not postcodes and are always refused, with a message
  asking for the BF1 postcode instead.
* British Overseas Territory postcodes (``ASCN 1ZZ`` Ascension Island,
  ``BBND 1ZZ`` British Indian Ocean Territory, ``BIQQ 1ZZ`` British Antarctic
  Territory, ``FIQQ 1ZZ`` Falkland Islands, ``GX11 1AA`` Gibraltar,
  ``PCRN 1ZZ`` Pitcairn Islands, ``SIQQ 1ZZ`` South Georgia and the South
  Sandwich Islands, ``STHL 1ZZ`` St Helena, ``TDCU 1ZZ`` Tristan da Cunha,
  ``TKCA 1ZZ`` Turks and Caicos Islands): pass ``overseas=True``. Territories
  with their own postcode systems (Anguilla, Bermuda, British Virgin Islands,
  Cayman Islands, Montserrat) are not UK-style and are never accepted.

>>> postcode.is_valid("BF1 3AA"), postcode.is_valid("bf1 3aa", bfpo=True)
(False, True)
>>> postcode.validate("fiqq1zz", overseas=True)
'FIQQ 1ZZ'

Errors, all :class:`~lgds_components.errors.ValidationError` subclasses, as
``class (code): message``:

* ``MissingValue`` (``missing``): "Enter a postcode". Nothing was typed, or
  only spaces and punctuation.
* ``InvalidFormat`` (``invalid_format``): "Enter a full UK postcode". Not a
  postcode's shape, characters no postcode has, or a letter BS 7666 does not
  allow in that place.
* ``InvalidLength`` (``invalid_length``): "Enter a full UK postcode". More than
  32 characters after trimming (or 1,000 before).
* ``InvalidComponent`` (``bfpo_not_accepted``): "Enter a UK postcode. This
  service does not accept BFPO addresses". A BFPO postcode or number without
  ``bfpo=True``.
* ``InvalidFormat`` (``bfpo_number``): "Enter the postcode for the BFPO
  address, starting BF1". A BFPO number with ``bfpo=True``.
* ``InvalidComponent`` (``overseas_not_accepted``): "Enter a UK postcode. This
  service does not accept postcodes in British Overseas Territories". A
  territory's postcode without ``overseas=True``.
"""

from __future__ import annotations

import re

import attrs

from lgds_components.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    MissingValue,
    ValidationError,
)
from lgds_components.identifiers._common import SEPARATOR_TABLE, squeeze, trimmed

__all__ = [
    "BFPO_MESSAGE",
    "BFPO_NUMBER_MESSAGE",
    "FORMAT_MESSAGE",
    "MISSING_MESSAGE",
    "OVERSEAS_MESSAGE",
    "OVERSEAS_TERRITORY_POSTCODES",
    "PostcodeParts",
    "compact",
    "format",
    "is_valid",
    "parse",
    "validate",
]

MISSING_MESSAGE = "Enter a postcode"
FORMAT_MESSAGE = "Enter a full UK postcode"
BFPO_MESSAGE = "Enter a UK postcode. This service does not accept BFPO addresses"
BFPO_NUMBER_MESSAGE = "Enter the postcode for the BFPO address, starting BF1"
OVERSEAS_MESSAGE = (
    "Enter a UK postcode. This service does not accept postcodes in British Overseas Territories"
)

#: The UK-style single postcodes of British Overseas Territories, by territory.
OVERSEAS_TERRITORY_POSTCODES: dict[str, str] = {
    "ASCN 1ZZ": "Ascension Island",
    "BBND 1ZZ": "British Indian Ocean Territory",
    "BIQQ 1ZZ": "British Antarctic Territory",
    "FIQQ 1ZZ": "Falkland Islands",
    "GX11 1AA": "Gibraltar",
    "PCRN 1ZZ": "Pitcairn Islands",
    "SIQQ 1ZZ": "South Georgia and the South Sandwich Islands",
    "STHL 1ZZ": "St Helena",
    "TDCU 1ZZ": "Tristan da Cunha",
    "TKCA 1ZZ": "Turks and Caicos Islands",
}
_OVERSEAS_COMPACT = frozenset(code.replace(" ", "") for code in OVERSEAS_TERRITORY_POSTCODES)
# Outward codes that belong to no UK postcode area, so anything else there is refused
_OVERSEAS_OUTWARD = frozenset(code.split()[0] for code in OVERSEAS_TERRITORY_POSTCODES)

# Longest input looked at, after trimming: room for generous spacing and punctuation.
_MAX_INPUT = 32

# Shapes only (A9, A99, AA9, AA99, A9A, AA9A + 9AA), for the slow path; BS 7666
# letters are checked after. Input is at most 32 characters, and no pattern
# has nested repeats: backtracking is bounded.
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_INWARD = re.compile(r"[0-9][A-Z]{2}")
_BFPO_NUMBER = re.compile(r"BFPO[0-9]{1,4}")
# The fast path: every ordinary postcode, BS 7666 letters included. Codes in the
# BF and GX areas match it too, and go the slow way.
_VALID = re.compile(
    r"([A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?))"
    r"([0-9][ABD-HJLNP-UW-Z]{2})"
)
_SPECIAL_AREAS = frozenset({"BF", "GX"})

_NOT_FIRST = frozenset("QVX")
_NOT_SECOND = frozenset("IJZ")
_THIRD = frozenset("ABCDEFGHJKPSTUW")
_FOURTH = frozenset("ABEHMNPRVWXY")
_NOT_INWARD = frozenset("CIKMOV")


@attrs.frozen(slots=True)
class PostcodeParts:
    """A valid postcode split into its parts (see :func:`parse`).

    Attributes:
        area: the leading letters, ``"SW"``.
        district: the outward code, ``"SW1A"``.
        sector: the district and the sector digit, ``"SW1A 1"``.
        unit: the two final letters, ``"AA"``.
        outward: the part before the space, ``"SW1A"``.
        inward: the part after the space, ``"1AA"``.
    """

    area: str
    district: str
    sector: str
    unit: str
    outward: str
    inward: str

    @property
    def postcode(self) -> str:
        """The whole postcode in display form, ``"SW1A 1AA"``."""
        return f"{self.outward} {self.inward}"

    def __str__(self) -> str:
        return self.postcode


def compact(value: str) -> str:
    """Return ``value`` upper-cased with spaces and punctuation removed.

    Never raises for a ``str`` (a non-``str`` raises InvalidFormat) and does
    not check the postcode:

    >>> from lgds_components.identifiers import postcode
    >>> postcode.compact(" sw1a-1aa ")
    'SW1A1AA'
    >>> postcode.compact("(EC1A) 1BB.")
    'EC1A1BB'
    """
    return squeeze(value, FORMAT_MESSAGE)


def _split(value: object, bfpo: bool, overseas: bool) -> tuple[str, str]:
    """Check ``value`` and return its outward and inward codes."""
    text = trimmed(
        value, wrong_type=FORMAT_MESSAGE, missing=MISSING_MESSAGE, too_long=FORMAT_MESSAGE
    )
    if len(text) > _MAX_INPUT:
        raise InvalidLength(FORMAT_MESSAGE)
    code = text.translate(SEPARATOR_TABLE)
    match = _VALID.fullmatch(code)
    if match is not None and code[:2] not in _SPECIAL_AREAS:
        return match.group(1), match.group(2)
    return _classify(code, bfpo, overseas)


def _classify(code: str, bfpo: bool, overseas: bool) -> tuple[str, str]:
    """The rules one by one: special codes, and the precise error for a refusal.

    For ordinary postcodes this agrees with the fast path's pattern; a test
    keeps them equal.
    """
    if not code:
        raise MissingValue(MISSING_MESSAGE)
    if not (code.isascii() and code.isalnum()):
        raise InvalidFormat(FORMAT_MESSAGE)
    if _BFPO_NUMBER.fullmatch(code):
        if bfpo:
            raise InvalidFormat(BFPO_NUMBER_MESSAGE, code="bfpo_number")
        raise InvalidComponent(BFPO_MESSAGE, code="bfpo_not_accepted")
    if not 5 <= len(code) <= 7:
        raise InvalidFormat(FORMAT_MESSAGE)
    outward, inward = code[:-3], code[-3:]
    if code == "GIR0AA":
        return outward, inward
    if code in _OVERSEAS_COMPACT:
        if not overseas:
            raise InvalidComponent(OVERSEAS_MESSAGE, code="overseas_not_accepted")
        return outward, inward
    if outward in _OVERSEAS_OUTWARD or outward.startswith("GX"):
        raise InvalidFormat(FORMAT_MESSAGE)
    if not (_OUTWARD.fullmatch(outward) and _INWARD.fullmatch(inward)):
        raise InvalidFormat(FORMAT_MESSAGE)
    if not _letters_allowed(outward, inward):
        raise InvalidFormat(FORMAT_MESSAGE)
    if outward.startswith("BF") and not bfpo:
        raise InvalidComponent(BFPO_MESSAGE, code="bfpo_not_accepted")
    return outward, inward


def _letters_allowed(outward: str, inward: str) -> bool:
    """Apply the BS 7666 letter rules to a code of the right shape."""
    if outward[0] in _NOT_FIRST:
        return False
    second_is_letter = outward[1].isalpha()
    if second_is_letter and outward[1] in _NOT_SECOND:
        return False
    last = outward[-1]
    if last.isalpha() and len(outward) > 2:
        # A9A has its letter third, AA9A fourth
        allowed = _FOURTH if second_is_letter else _THIRD
        if last not in allowed:
            return False
    return inward[1] not in _NOT_INWARD and inward[2] not in _NOT_INWARD


def validate(value: str, *, bfpo: bool = False, overseas: bool = False) -> str:
    """Return the postcode in display form, or raise a ValidationError.

    Args:
        value: what the person typed.
        bfpo: accept BFPO postcodes (``BF1 3AA``).
        overseas: accept British Overseas Territory postcodes (``STHL 1ZZ``).

    >>> from lgds_components.identifiers import postcode
    >>> postcode.validate("w1a0ax")
    'W1A 0AX'
    >>> postcode.validate("gir 0aa")
    'GIR 0AA'
    >>> postcode.validate("   ")
    Traceback (most recent call last):
    ...
    lgds_components.errors.MissingValue: Enter a postcode
    >>> postcode.validate("SW1A")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidFormat: Enter a full UK postcode
    >>> postcode.validate("STHL 1ZZ")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidComponent: Enter a UK postcode. This service does not accept ...
    """
    outward, inward = _split(value, bfpo, overseas)
    return f"{outward} {inward}"


def is_valid(value: object, *, bfpo: bool = False, overseas: bool = False) -> bool:
    """Return whether ``value`` is a postcode; never raises.

    >>> from lgds_components.identifiers import postcode
    >>> postcode.is_valid("sw1a 1aa"), postcode.is_valid("QA1 1AA")
    (True, False)
    >>> postcode.is_valid(None)
    False
    """
    try:
        validate(value, bfpo=bfpo, overseas=overseas)  # type: ignore[arg-type]
    except ValidationError:
        return False
    return True


def format(value: str, *, bfpo: bool = False, overseas: bool = False) -> str:
    """Return the display form (upper case, one space); validates first.

    >>> from lgds_components.identifiers import postcode
    >>> postcode.format("m11ae")
    'M1 1AE'
    """
    return validate(value, bfpo=bfpo, overseas=overseas)


def parse(value: str, *, bfpo: bool = False, overseas: bool = False) -> PostcodeParts:
    """Validate ``value`` and split it into its parts.

    >>> from lgds_components.identifiers import postcode
    >>> parts = postcode.parse("sw1a1aa")
    >>> parts.area, parts.district, parts.sector, parts.unit
    ('SW', 'SW1A', 'SW1A 1', 'AA')
    >>> parts.outward, parts.inward, str(parts)
    ('SW1A', '1AA', 'SW1A 1AA')
    >>> postcode.parse("B33 8TH").area
    'B'
    """
    outward, inward = _split(value, bfpo, overseas)
    letters = len(outward) - len(outward.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return PostcodeParts(
        area=outward[:letters],
        district=outward,
        sector=f"{outward} {inward[0]}",
        unit=inward[1:],
        outward=outward,
        inward=inward,
    )
