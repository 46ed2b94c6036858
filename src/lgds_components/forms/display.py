"""Typed answers shown to people, and turned back into what a browser posts.

:func:`display` writes a validated value the way a check-your-answers page or
a confirmation shows it: dates as GOV.UK writes them, money in pounds, a
choice's option text, identifiers in their display form (a phone number as
``07700 900 982``, a sort code as ``30-94-30``). :func:`posted` turns a typed
value back into the strings a form posts, to fill a page in again from stored
answers (the "Change" link of a check-your-answers page).

>>> import datetime
>>> from lgds_components.forms import Form
>>> form = Form.from_schema({"type": "object", "properties": {
...     "mobile": {"type": "string", "format": "uk-mobile"},
...     "start": {"type": "string", "format": "date"},
...     "fee": {"type": "integer", "format": "money-gbp"}}}, test_mode=True)
>>> display(form.field("mobile"), "+447700900982")
'07700 900 982'
>>> display(form.field("start"), datetime.date(2026, 4, 1), "cy")
'1 Ebrill 2026'
>>> display(form.field("fee"), 2500)
'£25'
>>> posted(form.field("start"), datetime.date(2026, 4, 1))
{'start-day': '1', 'start-month': '4', 'start-year': '2026'}
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lgds_components.errors import ValidationError
from lgds_components.forms.fields import json_equal
from lgds_components.forms.formats import FORMATS
from lgds_components.forms.messages import format_amount, format_date, format_number
from lgds_components.forms.options import Option, posted_text

if TYPE_CHECKING:
    from lgds_components.forms.fields import Field

__all__ = ["display", "display_lines", "posted", "posted_all"]


def _option(field: Field, value: object) -> Option | None:
    for option in field.choices:
        if json_equal(option.data, value):
            return option
    return None


def _identifier(field: Field, value: object) -> str:
    spec = FORMATS[field.format or ""]
    formatter = getattr(spec.load(), "format", None)
    if formatter is None:  # pragma: no cover - every identifier module has format()
        return str(value)
    options = {k: v for k, v in spec.options.items() if k == "kind"}
    try:
        return str(formatter(str(value), **options))
    except ValidationError:
        return str(value)  # stored before a rule changed: show it as it is


def display_lines(field: Field, value: object, lang: str = "en") -> list[str]:
    """The lines that show ``value``: one for most answers, one per option for
    checkboxes, one per line of a textarea; none for a blank answer."""
    if value is None or value == "" or value == []:
        return []
    if field.input == "checkboxes" and isinstance(value, list | tuple):
        return [_choice_text(field, item, lang) for item in value]
    if field.input in ("radios", "select"):
        return [_choice_text(field, value, lang)]
    if isinstance(value, datetime.date):
        return [format_date(value, lang)]
    if field.input == "money" and isinstance(value, int | Decimal):
        return [format_amount(value)]
    if field.input == "number" and isinstance(value, int | float | Decimal):
        return [format_number(value)]
    if field.format in FORMATS:
        return [_identifier(field, value)]
    return str(value).split("\n")


def _choice_text(field: Field, value: object, lang: str) -> str:
    option = _option(field, value)
    return option.text_in(lang) if option else str(value)


def display(field: Field, value: object, lang: str = "en") -> str:
    """``value`` (as validated: ``ValidationResult.data[name]``) written for people.

    Checkboxes and the lines of a textarea are joined with newlines; a blank
    optional answer is ``""``.
    """
    return "\n".join(display_lines(field, value, lang))


def _money_text(pence: int) -> str:
    pounds, rest = divmod(abs(pence), 100)
    sign = "-" if pence < 0 else ""
    return f"{sign}{pounds}.{rest:02d}" if rest else f"{sign}{pounds}"


def posted(field: Field, value: object) -> dict[str, Any]:
    """The answers a browser would post for ``value``: ``{post key: text}``.

    A date gives its three parts; checkboxes a list; money pounds and pence
    (``"12.50"``); anything else its text. ``None`` gives ``{}``.
    """
    if value is None:
        return {}
    if field.input == "date" and isinstance(value, datetime.date):
        day, month, year = field.keys()
        return {day: str(value.day), month: str(value.month), year: str(value.year)}
    if field.input == "checkboxes" and isinstance(value, list | tuple):
        texts = [posted_text(item) for item in value]
        return {field.name: [text for text in texts if text is not None]}
    if field.input == "money" and isinstance(value, int):
        return {field.name: _money_text(value)}
    if isinstance(value, Decimal):
        return {field.name: format(value, "f")}
    text = posted_text(value)
    return {field.name: text if text is not None else str(value)}


def posted_all(fields: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`posted` for every field in ``fields`` that ``data`` has."""
    answers: dict[str, Any] = {}
    for field in fields:
        if field.name in data:
            answers.update(posted(field, data[field.name]))
    return answers
