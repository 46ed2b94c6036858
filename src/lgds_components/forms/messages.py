"""The English and Welsh message catalogues, and how messages are filled in.

Each catalogue is a JSON file shipped with the package
(``lgds_components/forms/catalogues/en.json`` and ``cy.json``), mapping an
error code to a GOV.UK-style template. Templates may use these placeholders:

``{label}``
    the field's label, as the subject of a sentence: "Date of birth must be a
    real date".
``{noun}``
    what the person is asked for, after "Enter" or "Select": "Enter your
    date of birth". Defaults to the label with its first letter in lower case.
``{min}``, ``{max}``, ``{step}``
    limits, formatted for people (``1,000``, ``£12.50``).
``{date}``, ``{earliest}``, ``{latest}``
    dates in GOV.UK style (``1 September 2017``; in Welsh ``1 Medi 2017``).

>>> message("date.incomplete.month", "en", label="Date of birth")
'Date of birth must include a month'
>>> message("missing", "cy", noun="eich enw")
'Rhowch eich enw'
>>> import datetime
>>> format_date(datetime.date(2017, 9, 1), "cy")
'1 Medi 2017'

The Welsh catalogue has a translation for every key. It was written without
a Welsh speaker's review: have it checked before a Welsh-language service goes
live, and give each field its own Welsh ``label`` and ``noun`` (Welsh mutates
words after ``i`` and ``Rhowch``, which no template can do for you).
"""

from __future__ import annotations

import datetime
import json
import string
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType

from lgds_components.errors import ConfigurationError

__all__ = [
    "LANGUAGES",
    "PLACEHOLDERS",
    "catalogue",
    "format_amount",
    "format_date",
    "format_number",
    "message",
    "placeholders",
]

#: Languages with a catalogue: English and Welsh.
LANGUAGES: tuple[str, ...] = ("en", "cy")

#: Every placeholder a template may use.
PLACEHOLDERS = frozenset({"label", "noun", "min", "max", "step", "date", "earliest", "latest"})

_MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ),
    "cy": (
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf",
        "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
    ),
}


def _check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ConfigurationError(
            f"no message catalogue for language {lang!r}; available: {', '.join(LANGUAGES)}"
        )
    return lang


@cache
def catalogue(lang: str = "en") -> Mapping[str, str]:
    """Return the catalogue for ``lang`` (``"en"`` or ``"cy"``), read once.

    >>> catalogue("en")["summary.title"]
    'There is a problem'
    >>> set(catalogue("en")) == set(catalogue("cy"))
    True
    """
    _check_language(lang)
    source = resources.files("lgds_components.forms").joinpath("catalogues", f"{lang}.json")
    text = source.read_text(encoding="utf-8")
    return MappingProxyType(json.loads(text))


def placeholders(template: str) -> set[str]:
    """Return the placeholder names a template uses; raise ValueError if it is malformed.

    >>> sorted(placeholders("{label} must be {max} characters or less"))
    ['label', 'max']
    """
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"unsupported placeholder {{{name}}} in {template!r}")
        names.add(name)
    return names


def message(code: str, lang: str = "en", /, **params: str) -> str:
    """Fill in the template for ``code`` in ``lang`` with ``params``."""
    return catalogue(lang)[code].format_map(params)


def format_date(value: datetime.date, lang: str = "en") -> str:
    """Write a date the GOV.UK way: ``1 September 2017`` (no leading zero)."""
    return f"{value.day} {_MONTHS[_check_language(lang)][value.month - 1]} {value.year}"


def format_number(value: int | float | Decimal) -> str:
    """Write a number for people: thousands separated by commas.

    >>> format_number(16), format_number(12000), format_number(Decimal("2.5"))
    ('16', '12,000', '2.5')
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,f}" if isinstance(value, Decimal) else f"{value:,}"


def format_amount(pence: int | float | Decimal) -> str:
    """Write an amount of money held in pence: ``£5`` or ``£1,234.50``.

    >>> format_amount(500), format_amount(123450), format_amount(5)
    ('£5', '£1,234.50', '£0.05')
    """
    whole = Decimal(pence)
    if whole == whole.to_integral_value() and int(whole) % 100 == 0:
        return f"£{int(whole) // 100:,}"
    return f"£{whole / 100:,.2f}"
