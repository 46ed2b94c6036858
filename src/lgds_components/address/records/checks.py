"""The checks a gazetteer record's raw text must pass, one checker per group of fields (internal).

Each checker takes raw text (as a layout found it), strips and checks it, and
returns the canonical values, or raises a
:class:`~lgds_components.errors.ValidationError` naming the column at fault
(``columns`` maps an Address field to the column it came from, for the
message). The record reader puts a cache in front of each group checker, so a
street, a building or a status code repeated on many rows is checked once.

Values: text at most 200 characters with no NUL; numbers whole, 0 to 99999;
a suffix one or two letters; a postcode valid
(:func:`lgds_components.identifiers.postcode.validate`) or empty; UPRN,
parent UPRN and USRN checked by their identifier modules; ``logical_status``
1, 3, 6 or 8 (empty means 1); ``language`` ``en``, ``cy``, ``ENG``, ``CYM``
or ``WEL`` (empty means ``en``); the postal flag ``Y``/``N``,
``true``/``false``, ``1``/``0`` or AddressBase's ``D``, ``C``, ``L``, ``N``.

>>> check_place(("High Street", "", "Kelmouth", "ex4 1aa"), {})
PlaceValues(street='High Street', locality='', town='Kelmouth', postcode='EX4 1AA')
>>> check_object((" 12", "a", "", "", ""), ("pao_start_number", "pao_start_suffix",
...              "pao_end_number", "pao_end_suffix", "pao_text"), {})
ObjectValues(start=12, start_suffix='A', end=None, end_suffix='', text='')
>>> check_unit(("RD04", "", "CYM", "N", "", "", "", "", "Flat 1"), {})
UnitValues(classification='RD04', logical_status=1, language='cy', postal=False, sao=ObjectValues(start=None, start_suffix='', end=None, end_suffix='', text='Flat 1'))
"""  # noqa: E501

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from lgds_components.errors import InvalidFormat, MissingValue, ValidationError

__all__ = [
    "MAX_DELIVERY_LINES",
    "MAX_NUMBER",
    "MAX_TEXT",
    "NO_DELIVERY",
    "PAO_FIELDS",
    "SAO_FIELDS",
    "DeliveryValues",
    "ObjectValues",
    "PlaceValues",
    "UnitValues",
    "check_coordinate",
    "check_delivery",
    "check_identifier",
    "check_object",
    "check_organisation",
    "check_place",
    "check_text",
    "check_unit",
    "is_decimal",
]

#: Longest text a field may hold.
MAX_TEXT: Final = 200
#: Largest SAO or PAO number.
MAX_NUMBER: Final = 99999

#: The Address fields of a secondary (SAO) and a primary (PAO) addressable object.
SAO_FIELDS: Final = ("sao_start_number", "sao_start_suffix", "sao_end_number",
                     "sao_end_suffix", "sao_text")
PAO_FIELDS: Final = ("pao_start_number", "pao_start_suffix", "pao_end_number",
                     "pao_end_suffix", "pao_text")

_LANGUAGES = {"": "en", "en": "en", "eng": "en", "cy": "cy", "cym": "cy", "wel": "cy",
              "gd": "gd", "gae": "gd"}
_POSTAL = {
    "": True, "y": True, "yes": True, "true": True, "1": True, "d": True, "c": True, "l": True,
    "n": False, "no": False, "false": False, "0": False,
}
_STATUSES = {"": 1, "1": 1, "3": 3, "6": 6, "8": 8}


class ObjectValues(NamedTuple):
    """An SAO or PAO: number range and text."""

    start: int | None
    start_suffix: str
    end: int | None
    end_suffix: str
    text: str


class UnitValues(NamedTuple):
    """What varies by flat but repeats across a street: codes, flags and the SAO."""

    classification: str
    logical_status: int
    language: str
    postal: bool
    sao: ObjectValues


class PlaceValues(NamedTuple):
    """Street, locality, town and postcode (display form)."""

    street: str
    locality: str
    town: str
    postcode: str


def _name(columns: Mapping[str, str], field: str) -> str:
    return columns.get(field, field)


def check_text(value: str, field: str, columns: Mapping[str, str]) -> str:
    """``value`` stripped: at most :data:`MAX_TEXT` characters, no NUL."""
    text = value.strip()
    if len(text) > MAX_TEXT:
        name = _name(columns, field)
        raise InvalidFormat(f"{name} must be {MAX_TEXT} characters or fewer", field=name)
    if "\x00" in text:
        name = _name(columns, field)
        raise InvalidFormat(f"{name} contains a NUL character", field=name)
    return text


def _number(value: str, field: str, columns: Mapping[str, str]) -> int | None:
    text = check_text(value, field, columns)
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_NUMBER:
        name = _name(columns, field)
        raise InvalidFormat(f"{name} must be a whole number from 0 to {MAX_NUMBER}", field=name)
    return int(text)


def _suffix(value: str, field: str, columns: Mapping[str, str]) -> str:
    text = check_text(value, field, columns)
    if text and not (len(text) <= 2 and text.isascii() and text.isalpha()):
        name = _name(columns, field)
        raise InvalidFormat(f"{name} must be one or two letters", field=name)
    return text.upper()


def check_object(raw: tuple[str, ...], fields: tuple[str, ...],
                 columns: Mapping[str, str]) -> ObjectValues:
    """An SAO or PAO from its five raw cells (``fields`` names them, as :data:`SAO_FIELDS`)."""
    start_field, suffix_field, end_field, end_suffix_field, text_field = fields
    start = _number(raw[0], start_field, columns)
    suffix = _suffix(raw[1], suffix_field, columns)
    end = _number(raw[2], end_field, columns)
    end_suffix = _suffix(raw[3], end_suffix_field, columns)
    text = check_text(raw[4], text_field, columns)
    if start is None and (end is not None or suffix):
        name = _name(columns, start_field)
        raise MissingValue(f"{name} is missing", field=name)
    return ObjectValues(start, suffix, end, end_suffix, text)


def check_unit(raw: tuple[str, ...], columns: Mapping[str, str]) -> UnitValues:
    """Classification, logical status, language, postal flag and the five SAO cells."""
    classification = check_text(raw[0], "classification", columns)
    status = _STATUSES.get(check_text(raw[1], "logical_status", columns))
    if status is None:
        name = _name(columns, "logical_status")
        raise InvalidFormat(f"{name} must be 1, 3, 6 or 8", field=name)
    language = _LANGUAGES.get(check_text(raw[2], "language", columns).lower())
    if language is None:
        name = _name(columns, "language")
        raise InvalidFormat(f"{name} must be en, cy or gd (ENG, CYM or GAE)", field=name)
    postal = _POSTAL.get(check_text(raw[3], "postal", columns).lower())
    if postal is None:
        name = _name(columns, "postal")
        raise InvalidFormat(f"{name} must be Y or N", field=name)
    return UnitValues(classification, status, language, postal,
                      check_object(raw[4:], SAO_FIELDS, columns))


def check_place(raw: tuple[str, ...], columns: Mapping[str, str]) -> PlaceValues:
    """Street, locality, town and postcode."""
    from lgds_components.identifiers import postcode as postcodes

    street = check_text(raw[0], "street", columns)
    locality = check_text(raw[1], "locality", columns)
    town = check_text(raw[2], "town", columns)
    code = check_text(raw[3], "postcode", columns)
    if code:
        try:
            code = postcodes.validate(code)
        except ValidationError as exc:
            raise exc.located(field=_name(columns, "postcode")) from exc
    return PlaceValues(street, locality, town, code)


def check_organisation(raw: str, columns: Mapping[str, str]) -> str:
    """The organisation name."""
    return check_text(raw, "organisation", columns)


def check_identifier(value: str, module: Any, field: str,
                     columns: Mapping[str, str]) -> int | None:
    """A UPRN or USRN (``module`` is its identifier module), or None when empty."""
    text = check_text(value, field, columns)
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= 12 and 0 < int(text) <= module.MAXIMUM:
        return int(text)
    try:
        return int(module.validate(text))
    except ValidationError as exc:
        raise exc.located(field=_name(columns, field)) from exc


def is_decimal(text: str) -> bool:
    """Whether ``text`` is a finite number written as a CSV holds one.

    Python's ``float`` also reads underscores, non-ASCII digits, ``nan`` and
    ``inf``; a gazetteer file holds none of those.

    >>> [is_decimal(t) for t in ("292010.00", "-3.5", "1e3", "29_201", "\uff11", "nan")]
    [True, True, True, False, False, False]
    """
    if not text.isascii() or "_" in text:
        return False
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _bounded(value: str, field: str, columns: Mapping[str, str], low: float, high: float,
             what: str, unit: str) -> float | None:
    """A number from ``low`` to ``high`` (``what`` names it in the message), or None."""
    text = check_text(value, field, columns)
    if not text:
        return None
    name = _name(columns, field)
    if not is_decimal(text):
        raise InvalidFormat(f"{name} must be a number{unit}", field=name)
    number = float(text)
    if not low <= number <= high:
        raise InvalidFormat(f"{name} must be {what}", field=name)
    return number


def check_coordinate(value: str, field: str, columns: Mapping[str, str]) -> float | None:
    """An easting or northing in metres, or None when empty."""
    return _bounded(value, field, columns, math.nextafter(-1e7, 0), math.nextafter(1e7, 0),
                    "a grid coordinate in metres", "")


#: The longest delivery-point form read (its lines joined): Royal Mail's fields
#: are at most about 60 characters each, and there are at most a dozen.
MAX_DELIVERY_LINES: Final = 1000


class DeliveryValues(NamedTuple):
    """What the products carry beside the LPI: position, UDPRN, the delivery-point form."""

    latitude: float | None
    longitude: float | None
    udprn: int | None
    delivery_lines: str


NO_DELIVERY: Final = DeliveryValues(None, None, None, "")


def _degrees(value: str, field: str, limit: float, columns: Mapping[str, str]) -> float | None:
    # the common case, a number in range: no more to do
    if value and len(value) <= MAX_TEXT and value.isascii() and "_" not in value:
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if -limit <= number <= limit:
                return number
    return _bounded(value, field, columns, -limit, limit,
                    f"from -{limit:g} to {limit:g} degrees", " of degrees")


def check_delivery(raw: tuple[str, str, str, str], columns: Mapping[str, str]) -> DeliveryValues:
    """Latitude, longitude, UDPRN and the delivery-point lines (joined with ``"\\n"``).

    >>> check_delivery(("50.7", "-3.5", "12345678", "4 MILL LANE\\nKELMOUTH"), {})
    DeliveryValues(latitude=50.7, longitude=-3.5, udprn=12345678, delivery_lines='4 MILL LANE\\nKELMOUTH')
    """  # noqa: E501
    if not any(raw):
        return NO_DELIVERY
    latitude = _degrees(raw[0], "latitude", 90, columns)
    longitude = _degrees(raw[1], "longitude", 180, columns)
    udprn_text = raw[2]
    if not (udprn_text.isdigit() and udprn_text.isascii() and len(udprn_text) <= 8):
        udprn_text = check_text(udprn_text, "udprn", columns)
        if udprn_text and not (udprn_text.isascii() and udprn_text.isdigit()
                               and len(udprn_text) <= 8):
            name = _name(columns, "udprn")
            raise InvalidFormat(f"{name} must be a whole number of up to 8 digits", field=name)
    udprn = int(udprn_text) if udprn_text else None
    lines = raw[3].strip()
    if len(lines) > MAX_DELIVERY_LINES or "\x00" in lines:
        name = _name(columns, "delivery_lines")
        raise InvalidFormat(f"{name} must be {MAX_DELIVERY_LINES} characters or fewer, "
                            "with no NUL", field=name)
    return DeliveryValues(latitude, longitude, udprn, lines)
