
"""Turn the strings a browser sends into typed values, the way GOV.UK asks.

Every function takes what was typed (a ``str``) and returns the typed value,
``None`` when nothing was entered (blank means missing), or raises
:class:`FieldProblem`, whose ``code`` is a key in the message catalogues.
Each refuses oversized input before doing any real work, so none takes more
than a fraction of a millisecond whatever it is given.

>>> text("  Flat 2 \\n"), name(" Siân   O’Brien "), text("   ")
('Flat 2', 'Siân O’Brien', None)
>>> number("1,024", integer=True), money("£1,234.50"), money("12")
(1024, 123450, 1200)
>>> date_parts("7", "Sept", "2026"), date_parts("07", "09", "2026")
(datetime.date(2026, 9, 7), datetime.date(2026, 9, 7))
>>> date_parts("31", "", "")
Traceback (most recent call last):
...
lgds_components.forms.normalise.FieldProblem: Date must include a month and year
>>> date_parts("30", "2", "2026")
Traceback (most recent call last):
...
lgds_components.forms.normalise.FieldProblem: Date must be a real date
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Literal

from lgds_components.errors import ValidationError
from lgds_components.forms.codes import priority
from lgds_components.forms.messages import catalogue
from lgds_components.identifiers._common import WIDTH_TABLE, trim

__all__ = [
    "DATE_PARTS",
    "MONTH_NAMES",
    "NFC_LIMIT",
    "FieldProblem",
    "choice",
    "choices",
    "date_parts",
    "money",
    "name",
    "number",
    "text",
]

#: The parts of a date input, in the order govuk-frontend shows them.
DATE_PARTS: tuple[str, str, str] = ("day", "month", "year")

_EN = (
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december",
)
_CY = (
    "ionawr", "chwefror", "mawrth", "ebrill", "mai", "mehefin", "gorffennaf",
    "awst", "medi", "hydref", "tachwedd", "rhagfyr",
)


def _month_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for number, (english, welsh) in enumerate(zip(_EN, _CY, strict=True), start=1):
        names[english] = names[english[:3]] = names[welsh] = number
    names["sept"] = 9
    return names


#: Month names people type, lower case: English in full and abbreviated
#: ("sep" and "sept"), and Welsh in full.
MONTH_NAMES: Mapping[str, int] = _month_names()

# C0 control characters (except tab, line feed and carriage return) and DEL:
# never part of an answer, and trouble for whatever receives the data. They
# are deleted from the UTF-8 bytes, where each is one byte, so the cost stays
# linear and small however many there are.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_LINE_ENDINGS = re.compile(r"\r\n?")
_SURROGATES = re.compile("[\ud800-\udfff]")

#: Answers up to this many characters are NFC-normalised. Normalising costs
#: time that grows with the square of a run of combining marks (a crafted
#: 50,000-character answer takes seconds), so longer answers, which only a
#: textarea holds, are kept as typed.
NFC_LIMIT = 2000

# Longest input read for numbers, money and date parts (as the identifier
# modules do): anything longer cannot be a real answer, and is refused before
# any work is done on it.
_RAW_LIMIT = 1000
_MAX_NUMBER = 40
_MAX_DATE_PART = 20

_NUMBER = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?")
_PENCE = re.compile(r"\.([0-9]*)")
_DAY = re.compile(r"0*([0-9]{1,2})(?:st|nd|rd|th)?", re.IGNORECASE)
_MONTH_NUMBER = re.compile(r"0*([0-9]{1,2})")


class FieldProblem(ValidationError):
    """An answer that breaks a rule; ``code`` is its message's catalogue key.

    Attributes:
        params: values for the message's placeholders (``min``, ``max``, ...).
        parts: for a date, the parts to highlight and link to, first one first
            (``("month",)``); empty for other fields.
        priority: the GOV.UK priority of the code (see :mod:`~lgds_components.forms.codes`).
    """

    default_code = "format"

    def __init__(
        self,
        code: str,
        *,
        params: Mapping[str, str] | None = None,
        parts: tuple[str, ...] = (),
        field: str | None = None,
    ) -> None:
        self.params: dict[str, str] = dict(params or {})
        self.parts = parts
        self.priority: int = priority(code)
        fill = {"label": "Date" if code.startswith("date.") else "Answer", "noun": "an answer"}
        fill.update(self.params)
        super().__init__(catalogue("en")[code].format_map(fill), code=code, field=field)


def text(value: str, *, multiline: bool = False) -> str | None:
    """Trim, drop control characters and NFC-normalise; ``None`` if blank.

    Line endings become ``"\\n"`` when ``multiline`` (a textarea), and
    spaces otherwise. Accents and curly quotes are kept as typed. Answers
    longer than :data:`NFC_LIMIT` are not NFC-normalised. A lone surrogate
    (``"\\ud800"``, which a JSON body can carry but no keyboard types) is a
    ``format`` problem: no text holding one can be encoded or stored.

    >>> text("\\u200b cafe\\u0301\\x00 "), text("a\\r\\nb", multiline=True), text("a\\r\\nb")
    ('café', 'a\\nb', 'a b')
    >>> text("ab\\ud800cd")
    Traceback (most recent call last):
    ...
    lgds_components.forms.normalise.FieldProblem: Enter an answer in the correct format
    """
    if not value.isascii() and _SURROGATES.search(value):
        raise FieldProblem("format")
    if _CONTROLS.search(value):
        value = value.encode("utf-8").translate(None, _CONTROL_BYTES).decode("utf-8")
    cleaned = trim(value)
    if not cleaned:
        return None
    if "\r" in cleaned:
        cleaned = _LINE_ENDINGS.sub("\n", cleaned)
    if not multiline and "\n" in cleaned:
        cleaned = cleaned.replace("\n", " ")
    if len(cleaned) <= NFC_LIMIT and not cleaned.isascii():
        cleaned = unicodedata.normalize("NFC", cleaned)
    return cleaned


def name(value: str) -> str | None:
    """A person's name: :func:`text`, with runs of spaces made single.

    Every character people have in their names is allowed: accents, curly and
    straight apostrophes, hyphens, letters in any script.

    >>> name("  Zoë   d’Arcy-Smith ")
    'Zoë d’Arcy-Smith'
    """
    cleaned = text(value)
    return " ".join(cleaned.split()) if cleaned else None


def _digits(value: str, limit: int) -> str | None:
    """Trim, map fullwidth digits to ASCII; ``None`` if blank; refuse long input."""
    if len(value) > _RAW_LIMIT:
        return "\x00"  # cannot match any pattern below
    cleaned = trim(value)
    if not cleaned:
        return None
    if len(cleaned) > limit:
        return "\x00"  # cannot match any pattern below
    return cleaned.translate(WIDTH_TABLE)


def number(value: str, *, integer: bool = False) -> int | Decimal | None:
    """Read a number: spaces and thousands commas allowed, no exponents.

    Returns an ``int`` when ``integer`` (raising ``number.not_whole`` for
    ``2.5``), otherwise a :class:`~decimal.Decimal`, never a float.

    >>> number(" 2.50 "), number("2.0", integer=True)
    (Decimal('2.50'), 2)
    >>> number("2.5", integer=True)
    Traceback (most recent call last):
    ...
    lgds_components.forms.normalise.FieldProblem: Answer must be a whole number
    """
    cleaned = _digits(value, _MAX_NUMBER)
    if cleaned is None:
        return None
    cleaned = cleaned.replace(" ", "")
    if not _NUMBER.fullmatch(cleaned):
        raise FieldProblem("number.not_a_number")
    try:
        amount = Decimal(cleaned.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only decimals
        raise FieldProblem("number.not_a_number") from exc
    if not integer:
        return amount
    if amount != amount.to_integral_value():
        raise FieldProblem("number.not_whole")
    return int(amount)


def money(
    value: str,
    *,
    pence: Literal["optional", "required", "forbidden"] = "optional",
    allow_negative: bool = False,
) -> int | None:
    """Read an amount of money in pounds, returning integer pence.

    The reading is :func:`lgds_components.identifiers.money.validate`'s: a
    pound sign or ``GBP``, spaces, thousands commas, up to 2 decimal places
    (``"£1,234.50"``, ``"1234.5"``, ``"£ 12"``, ``".5"``). ``pence`` says
    whether pence must be given (``"12.00"``) or must not be; a negative
    amount is ``number.too_low`` (``{min}`` is ``£0``) unless
    ``allow_negative``.

    >>> money("£1,234.5"), money("0.99")
    (123450, 99)
    >>> money("12", pence="required")
    Traceback (most recent call last):
    ...
    lgds_components.forms.normalise.FieldProblem: Answer must include pence, like 123.45 or 156.00
    >>> money("12.345")
    Traceback (most recent call last):
    ...
    lgds_components.forms.normalise.FieldProblem: Answer must be an amount of money, like £125 or £125.50
    """  # noqa: E501
    from lgds_components.identifiers import money as _money

    if len(value) > _RAW_LIMIT:
        raise FieldProblem("money.not_a_number")
    cleaned = trim(value)
    if not cleaned:
        return None
    try:
        amount = _money.validate(cleaned, allow_negative=True)
    except ValidationError as exc:
        raise FieldProblem("money.not_a_number") from exc
    if amount < 0 and not allow_negative:
        raise FieldProblem("number.too_low", params={"min": "£0"})
    if pence != "optional":
        decimals = _PENCE.search(cleaned.translate(WIDTH_TABLE))
        if pence == "required" and (decimals is None or len(decimals.group(1)) != 2):
            raise FieldProblem("money.pence_required")
        if pence == "forbidden" and decimals is not None:
            raise FieldProblem("money.pence_not_allowed")
    return amount


def _incomplete_code(missing: list[str]) -> str:
    return "date.incomplete." + "_".join(missing) if len(missing) < 3 else "missing"


def _day(text_: str) -> int | None:
    match = _DAY.fullmatch(text_)
    day = int(match.group(1)) if match else 0
    return day if 1 <= day <= 31 else None


def _month(text_: str) -> int | None:
    match = _MONTH_NUMBER.fullmatch(text_)
    if match:
        month = int(match.group(1))
        return month if 1 <= month <= 12 else None
    return MONTH_NAMES.get(text_.lower().rstrip("."))


def date_parts(day: str, month: str, year: str) -> datetime.date | None:
    """Read a date from the three parts of a GOV.UK date input.

    Leading zeros are optional (``"7"`` or ``"07"``); days may be ordinals
    (``"7th"``); months may be numbers, English names in full or
    abbreviated (``"Sept"``, ``"sep"``, ``"September"``) or Welsh names
    (``"Medi"``). Years need 4 digits. Returns ``None`` when all three parts
    are blank. Problems, in GOV.UK order of priority:

    * ``date.incomplete.*``: some parts blank (``parts`` lists them);
    * ``date.year_digits``: a year without 4 digits;
    * ``date.impossible``: a part that cannot be right (``parts`` lists
      them), or a day the month does not have (``parts == ("day",)``).
    """
    given = [_digits(part, _MAX_DATE_PART) for part in (day, month, year)]
    missing = [part for part, text_ in zip(DATE_PARTS, given, strict=True) if text_ is None]
    if len(missing) == 3:
        return None
    if missing:
        raise FieldProblem(_incomplete_code(missing), parts=tuple(missing))
    day_text, month_text, year_text = (str(text_) for text_ in given)
    if year_text.isascii() and year_text.isdigit() and len(year_text) != 4:
        raise FieldProblem("date.year_digits", parts=("year",))
    day_number, month_number = _day(day_text), _month(month_text)
    year_number = int(year_text) if year_text.isascii() and year_text.isdigit() else 0
    wrong = tuple(
        part
        for part, ok in zip(DATE_PARTS, (day_number, month_number, year_number), strict=True)
        if not ok
    )
    if wrong:
        raise FieldProblem("date.impossible", parts=wrong)
    try:
        return datetime.date(year_number, month_number, day_number)  # type: ignore[arg-type]
    except ValueError as exc:  # 31 April, 29 February in a common year
        raise FieldProblem("date.impossible", parts=("day",)) from exc


def choice(value: str, options: Mapping[str, object]) -> object | None:
    """The option a radio or select answer picks; ``choice.unknown`` if none.

    ``options`` maps each option's posted text to its value.

    >>> choice("2", {"1": 1, "2": 2}), choice("", {"1": 1})
    (2, None)
    """
    cleaned = trim(value)
    if not cleaned:
        return None
    try:
        return options[cleaned]
    except KeyError:
        raise FieldProblem("choice.unknown") from None


def choices(values: list[str], options: Mapping[str, object]) -> list[object]:
    """The options checkbox answers pick, each once, in the order posted.

    >>> choices(["food", "garden", "food"], {"garden": "garden", "food": "food"})
    ['food', 'garden']
    """
    picked: list[object] = []
    seen: set[str] = set()
    for value in values:
        cleaned = trim(value)
        if cleaned in seen:
            continue
        if cleaned not in options:
            raise FieldProblem("choice.unknown")
        seen.add(cleaned)
        picked.append(options[cleaned])
    return picked
