"""UK bank holidays from GOV.UK, for England and Wales, Scotland and Northern Ireland.

A snapshot in GOV.UK's own JSON shape ships with the package and works
offline (see ``data/SOURCE.md`` beside this module for where it came from).
Each council chooses its division:

>>> from datetime import date
>>> england = BankHolidays.bundled().division("england-and-wales")
>>> england.get(date(2026, 12, 28))
BankHoliday(date=datetime.date(2026, 12, 28), title='Boxing Day', notes='Substitute day', ...)
>>> scotland = BankHolidays.bundled().division("scotland")
>>> england.is_holiday(date(2026, 4, 6)), scotland.is_holiday(date(2026, 4, 6))  # Easter Monday
(True, False)

Years the data does not reach are filled in from the statutory rules and
marked ``projected``; one-off holidays (a jubilee, a state funeral) cannot be
foreseen, so refresh the data when GOV.UK publishes a new year:

>>> england.get(date(2031, 12, 25))
BankHoliday(date=datetime.date(2031, 12, 25), title='Christmas Day', notes='', projected=True)

:func:`refresh` downloads the live file through :mod:`lgds_components.http`,
validates it and caches it in the user cache directory;
:meth:`BankHolidays.default` prefers that copy when it reaches at least as far
as the bundled one. Nothing here touches the network unless :func:`refresh` is
called.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

import attrs
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from lgds_components.errors import ConfigurationError, InvalidFormat, ProviderError
from lgds_components.files import atomic_write

if TYPE_CHECKING:
    import requests

__all__ = [
    "DIVISIONS",
    "GOVUK_URL",
    "BankHoliday",
    "BankHolidays",
    "Division",
    "GovUkBankHolidays",
    "GovUkDivision",
    "GovUkEvent",
    "HolidayCalendar",
    "cache_path",
    "easter_sunday",
    "parse",
    "projected",
    "refresh",
]

Division = Literal["england-and-wales", "scotland", "northern-ireland"]
"""A GOV.UK bank holiday division."""

DIVISIONS: Final[tuple[str, ...]] = ("england-and-wales", "scotland", "northern-ireland")
"""The three divisions, as GOV.UK names them."""

GOVUK_URL: Final = "https://www.gov.uk/bank-holidays.json"
"""Where GOV.UK publishes the bank holidays."""

_CACHE_FILE: Final = "bank-holidays.json"


class GovUkEvent(BaseModel):
    """One event in GOV.UK's bank holidays JSON."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="ignore", frozen=True)

    title: str = Field(min_length=1, max_length=200)
    date: date
    notes: str = Field(default="", max_length=200)
    bunting: bool = False


class GovUkDivision(BaseModel):
    """One division in GOV.UK's bank holidays JSON."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="ignore", frozen=True)

    division: str | None = None
    events: list[GovUkEvent]


class GovUkMeta(BaseModel):
    """The ``_meta`` key this library adds to its copies (ignored by other readers)."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="ignore", frozen=True)

    source: str = ""
    assembled: str | None = None
    method: str = ""


class GovUkBankHolidays(BaseModel):
    """GOV.UK's bank holidays JSON (``https://www.gov.uk/bank-holidays.json``)."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="ignore", frozen=True, populate_by_name=True
    )

    england_and_wales: GovUkDivision | None = Field(default=None, alias="england-and-wales")
    scotland: GovUkDivision | None = None
    northern_ireland: GovUkDivision | None = Field(default=None, alias="northern-ireland")
    meta: GovUkMeta | None = Field(default=None, alias="_meta")

    def divisions(self) -> dict[str, GovUkDivision]:
        """The divisions present, by GOV.UK name."""
        pairs = (("england-and-wales", self.england_and_wales), ("scotland", self.scotland),
                 ("northern-ireland", self.northern_ireland))
        return {name: value for name, value in pairs if value is not None}


@attrs.frozen(slots=True)
class BankHoliday:
    """One bank holiday in one division.

    Attributes:
        date: the day off.
        title: GOV.UK's name for it (``"Christmas Day"``).
        notes: GOV.UK's notes, such as ``"Substitute day"``.
        projected: true when computed from the rules for a year the data does
            not cover, rather than read from GOV.UK's data.
    """

    date: date
    title: str
    notes: str = ""
    projected: bool = False


@attrs.frozen(slots=True)
class HolidayCalendar:
    """The bank holidays of one division.

    Years from the first to the last year in the data are answered from the
    data alone; other years from :func:`projected` (for the three GOV.UK
    divisions; a custom calendar has no holidays outside its data).

    Attributes:
        division: the division's name.
        known: the holidays read from data, by date.
        first_year, last_year: the years the data covers.
    """

    division: str
    known: Mapping[date, BankHoliday] = attrs.field(repr=False)
    first_year: int
    last_year: int
    _projected: dict[int, dict[date, BankHoliday]] = attrs.field(
        init=False, factory=dict, repr=False, eq=False
    )

    @classmethod
    def from_holidays(cls, division: str, holidays: Iterable[BankHoliday]) -> HolidayCalendar:
        """Build a calendar from a list of holidays (a custom list of closure days).

        >>> show = BankHoliday(date(2026, 7, 1), "Show day")
        >>> cal = HolidayCalendar.from_holidays("custom", [show])
        >>> cal.is_holiday(date(2026, 7, 1)), cal.first_year, cal.last_year
        (True, 2026, 2026)
        """
        known = {h.date: h for h in holidays}
        if not known:
            raise ConfigurationError(f"no bank holidays given for division {division!r}")
        years = [d.year for d in known]
        return cls(division, known, min(years), max(years))

    def covers(self, day: date) -> bool:
        """Whether ``day``'s year is answered from data rather than projected."""
        return self.first_year <= day.year <= self.last_year

    def get(self, day: date) -> BankHoliday | None:
        """The bank holiday on ``day``, or ``None``."""
        if self.first_year <= day.year <= self.last_year:
            return self.known.get(day)
        year = self._projected.get(day.year)
        if year is None:
            if self.division not in DIVISIONS:
                return None
            year = {h.date: h for h in _project(self.division, day.year)}
            self._projected[day.year] = year
        return year.get(day)

    def is_holiday(self, day: date) -> bool:
        """Whether ``day`` is a bank holiday in this division."""
        return self.get(day) is not None

    def between(self, start: date, end: date) -> list[BankHoliday]:
        """The bank holidays from ``start`` to ``end`` inclusive, in date order."""
        found = []
        day = start
        while day <= end:
            holiday = self.get(day)
            if holiday is not None:
                found.append(holiday)
            day += timedelta(days=1)
        return found

    def __iter__(self) -> Iterator[BankHoliday]:
        """The holidays read from data, in date order."""
        return iter(sorted(self.known.values(), key=lambda h: h.date))


@attrs.frozen(slots=True)
class BankHolidays:
    """Bank holidays for every division, with where they came from.

    Attributes:
        divisions: one :class:`HolidayCalendar` per division name.
        source: where the data came from (a URL or a file path).
        assembled: when it was fetched or put together, as ISO text, if known.
    """

    divisions: Mapping[str, HolidayCalendar]
    source: str
    assembled: str | None = None

    @classmethod
    def bundled(cls) -> BankHolidays:
        """The snapshot shipped with the package (read once, then shared)."""
        return _bundled()

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> BankHolidays:
        """Read a file in GOV.UK's JSON shape.

        Raises:
            InvalidFormat: the file is not bank holiday data.
        """
        data = Path(path).read_bytes()
        return parse(data, source=str(path))

    @classmethod
    def default(cls, cache_dir: str | os.PathLike[str] | None = None) -> BankHolidays:
        """The cached refreshed copy if it reaches as far as the bundled one; else the bundled one.

        A cached file that cannot be read is ignored.
        """
        bundled = _bundled()
        cached = cache_path(cache_dir)
        if cached.is_file():
            try:
                fresh = cls.from_file(cached)
            except (OSError, InvalidFormat):
                return bundled
            if fresh.last_year >= bundled.last_year:
                return fresh
        return bundled

    @property
    def last_year(self) -> int:
        """The last year every division's data reaches."""
        return min(cal.last_year for cal in self.divisions.values())

    def division(self, name: str) -> HolidayCalendar:
        """The calendar of one division (``"england-and-wales"``, ``"scotland"``, ...).

        Raises:
            ConfigurationError: no such division; the message lists those there are.
        """
        try:
            return self.divisions[name]
        except KeyError:
            listed = ", ".join(sorted(self.divisions))
            raise ConfigurationError(
                f"unknown bank holiday division {name!r}; choose one of: {listed}"
            ) from None


def parse(data: bytes | str | Mapping[str, Any], *, source: str = "(given)") -> BankHolidays:
    """Validate bank holiday data in GOV.UK's JSON shape and return it.

    Extra keys (like the snapshot's ``_meta``) are ignored.

    >>> text = '''{"scotland": {"division": "scotland", "events": [
    ...     {"title": "St Andrew\u2019s Day", "date": "2026-11-30", "notes": "",
    ...      "bunting": true}]}}'''
    >>> parse(text).division("scotland").get(date(2026, 11, 30)).title
    'St Andrew’s Day'
    >>> parse('{"scotland": {"events": [{"title": "St Andrew", "date": "30/11/2026"}]}}')
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidFormat: scotland.events.0.date: Input should be a valid date...

    Raises:
        InvalidFormat: not JSON, or not in the expected shape.
    """
    try:
        if isinstance(data, bytes | str):
            model = GovUkBankHolidays.model_validate_json(data)
        else:
            model = GovUkBankHolidays.model_validate(data)
    except PydanticError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidFormat(f"{where}: {first['msg']}" if where else first["msg"]) from exc
    divisions: dict[str, HolidayCalendar] = {}
    for name, division in model.divisions().items():
        holidays = [BankHoliday(e.date, e.title, e.notes) for e in division.events]
        if not holidays:
            raise InvalidFormat(f"{name}: no bank holidays listed")
        divisions[name] = HolidayCalendar.from_holidays(name, holidays)
    if not divisions:
        raise InvalidFormat("no bank holiday divisions found")
    assembled = model.meta.assembled if model.meta else None
    return BankHolidays(divisions, source, assembled)


@lru_cache(maxsize=1)
def _bundled() -> BankHolidays:
    path = resources.files("lgds_components.bins").joinpath("data").joinpath("bank-holidays.json")
    data = path.read_bytes()
    return parse(data, source=GOVUK_URL + " (bundled snapshot)")


def cache_path(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where :func:`refresh` keeps its copy.

    ``cache_dir`` if given, else ``$LGDS_COMPONENTS_CACHE``, else the platform's
    user cache directory (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux,
    ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows) under
    ``lgds-components``.
    """
    if cache_dir is not None:
        return Path(cache_dir) / _CACHE_FILE
    env = os.environ.get("LGDS_COMPONENTS_CACHE")
    if env:
        return Path(env) / _CACHE_FILE
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "lgds-components" / _CACHE_FILE


def refresh(
    *,
    url: str = GOVUK_URL,
    session: requests.Session | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> BankHolidays:
    """Download the bank holidays from GOV.UK, validate them and cache them.

    The file is written beside its final name and renamed into place, so a
    failed download leaves the previous copy intact.

    Raises:
        ProviderError: (or a subclass) GOV.UK could not be reached or refused.
        InvalidFormat: the reply was not bank holiday data.
    """
    from lgds_components.http import build_session, send

    own = session is None
    active = build_session(provider="govuk-bank-holidays") if session is None else session
    try:
        response = send(active, "GET", url, provider="govuk-bank-holidays")
        try:
            body = response.content
        finally:
            response.close()
    finally:
        if own:
            active.close()
    try:
        raw = json.loads(body)
    except ValueError as exc:
        raise ProviderError("GOV.UK bank holidays reply was not JSON",
                            provider="govuk-bank-holidays") from exc
    if not isinstance(raw, dict):
        raise InvalidFormat("GOV.UK bank holidays reply was not a JSON object")
    from datetime import datetime

    fetched = datetime.now(UTC).date().isoformat()
    raw["_meta"] = {"source": url, "assembled": fetched, "method": "downloaded"}
    holidays = parse(raw, source=url)
    target = cache_path(cache_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(target, "w") as out:
        json.dump(raw, out, ensure_ascii=False)
    return holidays


# --------------------------------------------------------------------------- the rules


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm).

    >>> easter_sunday(2026), easter_sunday(2027)
    (datetime.date(2026, 4, 5), datetime.date(2027, 3, 28))
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    after = date(year + (month == 12), month % 12 + 1, 1)
    last = after - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _substituted(fixed: list[tuple[date, str]]) -> list[BankHoliday]:
    """Fixed-date holidays with substitute weekdays for those falling at a weekend."""
    taken = {day for day, _ in fixed if day.weekday() < 5}
    result = [BankHoliday(day, title, "", True) for day, title in fixed if day.weekday() < 5]
    for day, title in fixed:
        if day.weekday() < 5:
            continue
        sub = day + timedelta(days=1)
        while sub.weekday() >= 5 or sub in taken:
            sub += timedelta(days=1)
        taken.add(sub)
        result.append(BankHoliday(sub, title, "Substitute day", True))
    return result


def _scottish_new_year(year: int) -> list[BankHoliday]:
    """Scotland's two January holidays when 1 January is a Sunday, as GOV.UK names them:
    New Year's Day is substituted on Monday 2nd, and 2nd January on Tuesday 3rd
    (both "Substitute day"), not 2nd January kept on the 2nd."""
    return [BankHoliday(date(year, 1, 2), "New Year\u2019s Day", "Substitute day", True),
            BankHoliday(date(year, 1, 3), "2nd January", "Substitute day", True)]


def _project(division: str, year: int) -> list[BankHoliday]:
    easter = easter_sunday(year)
    rules: list[BankHoliday] = [
        BankHoliday(easter - timedelta(days=2), "Good Friday", "", True),
        BankHoliday(_first_monday(year, 5), "Early May bank holiday", "", True),
        BankHoliday(_last_monday(year, 5), "Spring bank holiday", "", True),
    ]
    fixed = [(date(year, 1, 1), "New Year\u2019s Day")]
    if division == "scotland":
        if date(year, 1, 1).weekday() == 6:  # see _scottish_new_year
            fixed = []
            rules += _scottish_new_year(year)
        else:
            fixed.append((date(year, 1, 2), "2nd January"))
        rules.append(BankHoliday(_first_monday(year, 8), "Summer bank holiday", "", True))
        andrew = date(year, 11, 30)
        if andrew.weekday() >= 5:
            rules.append(BankHoliday(andrew + timedelta(days=7 - andrew.weekday()),
                                     "St Andrew\u2019s Day", "Substitute day", True))
        else:
            rules.append(BankHoliday(andrew, "St Andrew\u2019s Day", "", True))
    else:
        rules.append(BankHoliday(easter + timedelta(days=1), "Easter Monday", "", True))
        rules.append(BankHoliday(_last_monday(year, 8), "Summer bank holiday", "", True))
        if division == "northern-ireland":
            for day, title in ((date(year, 3, 17), "St Patrick\u2019s Day"),
                               (date(year, 7, 12), "Battle of the Boyne (Orangemen\u2019s Day)")):
                if day.weekday() >= 5:
                    rules.append(BankHoliday(day + timedelta(days=7 - day.weekday()), title,
                                             "Substitute day", True))
                else:
                    rules.append(BankHoliday(day, title, "", True))
    fixed += [(date(year, 12, 25), "Christmas Day"), (date(year, 12, 26), "Boxing Day")]
    return sorted([*rules, *_substituted(fixed)], key=lambda h: h.date)


def projected(division: str, year: int) -> list[BankHoliday]:
    """The bank holidays the statutory rules give for ``division`` in ``year``.

    The rules: New Year's Day, Good Friday, the first and last Mondays in May,
    Christmas Day and Boxing Day everywhere, with substitute weekdays for those
    at a weekend; Easter Monday and the last Monday in August in England, Wales
    and Northern Ireland; 2 January, the first Monday in August and St Andrew's
    Day (30 November, or the Monday after) in Scotland; St Patrick's Day and
    the Battle of the Boyne (12 July) in Northern Ireland. One-off holidays and
    moved ones (8 May 2020, June 2022) are not foreseen.

    >>> [h.date.isoformat() for h in projected("england-and-wales", 2027)][-2:]
    ['2027-12-27', '2027-12-28']

    Raises:
        ConfigurationError: an unknown division.
    """
    if division not in DIVISIONS:
        raise ConfigurationError(
            f"unknown bank holiday division {division!r}; choose one of: {', '.join(DIVISIONS)}"
        )
    return _project(division, year)
