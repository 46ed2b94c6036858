"""Vehicle registration marks (number plates) issued in Great Britain and Northern Ireland.

Four formats are recognised (``A`` a letter, ``9`` a digit):

==========  ==============  ==========  ==========================================
format      shape           example     issued
==========  ==============  ==========  ==========================================
current     ``AA99 AAA``    AB12 CDE    since September 2001
prefix      ``A999 AAA``    A123 BCD    August 1983 to August 2001 (and Q plates)
suffix      ``AAA 999A``    ABC 123D    1963 to July 1983
dateless    ``AAA 9999``    ABC 1234    before 1963, and Northern Ireland to this
            ``9999 AAA``    1234 AB     day; 1 to 3 letters and 1 to 4 digits
==========  ==============  ==========  ==========================================

Lower case, spaces, hyphens, dots and brackets are tidied, and fullwidth forms
read as ASCII. :func:`validate` returns the compact upper-case mark and
:func:`format` the display form with the space where DVLA puts it:

>>> validate("ab12 cde")
'AB12CDE'
>>> format("ab12cde"), format("a123bcd"), format("abc123d"), format("abz1234")
('AB12 CDE', 'A123 BCD', 'ABC 123D', 'ABZ 1234')
>>> kind("ABC 123D")
'suffix'

Letters DVLA never issues are refused where the rules are clear:

* current format (DVLA's leaflet INF104 and its table of memory tags and age
  identifiers): ``I`` and ``Q`` never appear, and ``Z`` never in the first two
  letters (the memory tag), only in the three random letters; the age
  identifiers ``00``, ``01`` and ``50`` were never issued (the table starts at
  ``51``, September 2001, then ``02``, March 2002);
* prefix format: the year letter is never ``I``, ``O``, ``U`` or ``Z``
  (``Q`` is allowed: Q plates, for vehicles of unknown age); the last three
  letters (a serial letter and the issuing office's two) never include
  ``I``, ``Q`` or ``Z``, which mainland Britain never issued in dated marks
  (``I`` and ``Z`` belong to Northern Ireland, whose marks are dateless);
* suffix format: the year letter is never ``I``, ``O``, ``Q``, ``U`` or
  ``Z``; the first three letters never include ``I``, ``Q`` or ``Z``;
* dateless marks never include ``Q``; ``I`` and ``Z`` are allowed, since
  Northern Ireland marks use them (``IAZ 1234``).

Serial numbers never start with 0 (``A012 BCD`` is refused). Dateless marks
can be refused with ``dateless=False`` when only the three dated formats
should be accepted. No check is made that a mark has actually been issued:
only DVLA's records can say that.

Errors (all :class:`~lgds_components.errors.ValidationError`):

================  ======================  ===========================================
error             code                    message
================  ======================  ===========================================
MissingValue      ``missing``             Enter a vehicle registration number
InvalidLength     ``invalid_length``      Enter a vehicle registration number in the
                                          correct format, like AB12 CDE
InvalidFormat     ``invalid_format``      (the same)
InvalidComponent  ``invalid_component``   (the same: a letter or age identifier DVLA
                                          does not issue in that place)
================  ======================  ===========================================
"""

from __future__ import annotations

import re
from typing import Literal

from lgds_components.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from lgds_components.identifiers._common import squeeze, trimmed

__all__ = [
    "FORMAT_MESSAGE",
    "MISSING_MESSAGE",
    "Kind",
    "compact",
    "format",
    "is_valid",
    "kind",
    "validate",
]

Kind = Literal["current", "prefix", "suffix", "dateless"]

MISSING_MESSAGE = "Enter a vehicle registration number"
FORMAT_MESSAGE = "Enter a vehicle registration number in the correct format, like AB12 CDE"

# Room for spacing and punctuation around at most 7 letters and digits.
_MAX_INPUT = 20

_CURRENT = re.compile(r"([A-Z]{2})([0-9]{2})([A-Z]{3})")
_PREFIX = re.compile(r"([A-Z])([1-9][0-9]{0,2})([A-Z]{3})")
_SUFFIX = re.compile(r"([A-Z]{3})([1-9][0-9]{0,2})([A-Z])")
_DATELESS_LETTERS_FIRST = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,3})")
_DATELESS_DIGITS_FIRST = re.compile(r"([1-9][0-9]{0,3})([A-Z]{1,3})")

_NOT_YEAR_PREFIX = frozenset("IOUZ")
_NOT_YEAR_SUFFIX = frozenset("IOQUZ")
_NOT_RANDOM = frozenset("IQ")  # the current format's three random letters
_NOT_TAG = frozenset("IQZ")  # its memory tag, and the letters of prefix and suffix marks
_NEVER_ISSUED_AGES = frozenset({"00", "01", "50"})


def compact(value: str) -> str:
    """Return ``value`` upper-cased with spaces and punctuation removed.

    Does not check the mark; raises InvalidFormat only when ``value`` is not
    a ``str``.

    >>> compact(" ab12-cde ")
    'AB12CDE'
    """
    return squeeze(value, FORMAT_MESSAGE)


def _classify(value: object, dateless: bool) -> tuple[Kind, str]:
    text = trimmed(
        value, wrong_type=FORMAT_MESSAGE, missing=MISSING_MESSAGE, too_long=FORMAT_MESSAGE
    )
    if len(text) > _MAX_INPUT:
        raise InvalidLength(FORMAT_MESSAGE)
    mark = squeeze(text, FORMAT_MESSAGE)
    if not (mark.isascii() and mark.isalnum()):
        raise InvalidFormat(FORMAT_MESSAGE)
    if not 2 <= len(mark) <= 7:
        raise InvalidLength(FORMAT_MESSAGE)
    if match := _CURRENT.fullmatch(mark):
        tag, age, series = match.groups()
        if set(tag) & _NOT_TAG or set(series) & _NOT_RANDOM or age in _NEVER_ISSUED_AGES:
            raise InvalidComponent(FORMAT_MESSAGE)
        return "current", mark
    if match := _PREFIX.fullmatch(mark):
        year, _, series = match.groups()
        if year in _NOT_YEAR_PREFIX or set(series) & _NOT_TAG:
            raise InvalidComponent(FORMAT_MESSAGE)
        return "prefix", mark
    if match := _SUFFIX.fullmatch(mark):
        series, _, year = match.groups()
        if year in _NOT_YEAR_SUFFIX or set(series) & _NOT_TAG:
            raise InvalidComponent(FORMAT_MESSAGE)
        return "suffix", mark
    if _DATELESS_LETTERS_FIRST.fullmatch(mark) or _DATELESS_DIGITS_FIRST.fullmatch(mark):
        if not dateless:
            raise InvalidFormat(FORMAT_MESSAGE)
        if "Q" in mark:
            raise InvalidComponent(FORMAT_MESSAGE)
        return "dateless", mark
    raise InvalidFormat(FORMAT_MESSAGE)


def validate(value: str, *, dateless: bool = True) -> str:
    """Return the compact upper-case mark (``"AB12CDE"``), or raise a ValidationError.

    Args:
        value: what the person typed.
        dateless: accept dateless marks (``ABC 1234``, ``1234 AB``).

    >>> validate("A123 bcd")
    'A123BCD'
    >>> validate("")
    Traceback (most recent call last):
    ...
    lgds_components.errors.MissingValue: Enter a vehicle registration number
    >>> validate("AB12 CDI")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidComponent: Enter a vehicle registration number in the correct format, like AB12 CDE
    """  # noqa: E501
    return _classify(value, dateless)[1]


def is_valid(value: object, *, dateless: bool = True) -> bool:
    """Return whether ``value`` is a registration mark; never raises.

    >>> is_valid("AB12 CDE"), is_valid("ABC 1234", dateless=False), is_valid(1234)
    (True, False, False)
    """
    try:
        _classify(value, dateless)
    except ValidationError:
        return False
    return True


def kind(value: str, *, dateless: bool = True) -> Kind:
    """Return which format the mark is in: ``"current"``, ``"prefix"``, ``"suffix"`` or ``"dateless"``.

    Validates first.

    >>> kind("AB12CDE"), kind("1234 AB")
    ('current', 'dateless')
    """  # noqa: E501
    return _classify(value, dateless)[0]


def format(value: str, *, dateless: bool = True) -> str:
    """Return the display form with DVLA's space; validates first.

    >>> format("ab12cde"), format("1234ab"), format("a1")
    ('AB12 CDE', '1234 AB', 'A 1')
    """
    which, mark = _classify(value, dateless)
    if which == "current":
        split = 4
    elif which == "prefix":
        split = len(mark) - 3
    elif which == "suffix":
        split = 3
    else:
        split = len(mark) - len(mark.lstrip("0123456789")) or len(mark.rstrip("0123456789"))
    return f"{mark[:split]} {mark[split:]}"
