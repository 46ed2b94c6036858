"""``Schedule``: a council's bin collections, computed from its rounds.

Open the council's SQLite file (loaded with
:meth:`~lgds_components.bins.store.BinStore.load` or ``lgds bins load``), or
the built-in sample, and ask about a property by UPRN:

>>> from datetime import date
>>> schedule = Schedule.sample()
>>> for c in schedule.next_collections(100040000012, count=5, on_or_after=date(2026, 12, 21)):
...     print(c.date, c.service.name, c.move_description())
2026-12-26 Recycling Moved from Friday 25 December because of Christmas Day
2026-12-26 Food waste Moved from Friday 25 December because of Christmas Day
2027-01-02 Rubbish Moved from Friday 1 January: New Year catch-up
2027-01-04 Food waste Moved from Friday 1 January because of Boxing Day and New Year’s Day
2027-01-08 Recycling
>>> schedule.describe(100040000012)[:2]
[('Rubbish', 'Every other Friday'), ('Recycling', 'Every other Friday')]
>>> schedule.close()

"Today" is today in Europe/London. Pass ``now`` (a function returning an
aware datetime) to fix the clock, as tests and the demo do:

>>> from datetime import datetime, timezone
>>> with Schedule.sample(now=lambda: datetime(2026, 12, 13, 23, 30, tzinfo=timezone.utc)) as s:
...     s.today(), s.next_days(100040000012, count=1)[0].date
(datetime.date(2026, 12, 13), datetime.date(2026, 12, 18))

The calculation happens once per round and is shared by every property on
it, so asking for many properties is cheap (see
:meth:`Schedule.next_collections_many`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, Final

from lgds_components.bins.describe import Clock, london_today
from lgds_components.bins.engine import Calculator
from lgds_components.bins.holidays import BankHolidays, HolidayCalendar
from lgds_components.bins.model import Collection, Round, Service
from lgds_components.bins.policies import ShiftPolicy
from lgds_components.bins.property import PropertyRef, property_ids
from lgds_components.bins.protocol import SourceFeatures
from lgds_components.bins.store import BinStore
from lgds_components.errors import InvalidFormat, NotFound

__all__ = ["DEFAULT_DIVISION", "DEFAULT_POLICY", "Schedule"]

DEFAULT_DIVISION: Final = "england-and-wales"
"""The bank holiday division used when the council's file names none."""

DEFAULT_POLICY: Final = "later-in-week"
"""The shift policy used when the council's file names none."""

_RECHECK_SECONDS: Final = 1.0

PolicyArg = str | ShiftPolicy | Callable[..., Any]


def _check_date(value: object, field: str) -> date:
    if type(value) is date or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    raise InvalidFormat(f"{field.replace('_', ' ').capitalize()} must be a date", field=field)


class Schedule(SourceFeatures):
    """Bin collections for every property in a council's file.

    Args:
        store: the council's :class:`~lgds_components.bins.store.BinStore`.
        division: the bank holiday division (default: the file's setting, else
            England and Wales).
        policy: the council's shift policy (default: the file's setting, else
            ``"later-in-week"``).
        policies: shift policies for particular services, by service id; these
            beat the services file's ``policy`` column.
        holidays: bank holiday data (default :meth:`BankHolidays.default`), or
            one :class:`~lgds_components.bins.holidays.HolidayCalendar` to use
            as it is (a council's own list of closure days).
        now: the clock, returning an aware datetime (default: the system clock).
        close_store: close ``store`` when the schedule is closed.
    """

    name = "sqlite"

    def __init__(
        self,
        store: BinStore,
        *,
        division: str | None = None,
        policy: PolicyArg | None = None,
        policies: Mapping[str, PolicyArg] | None = None,
        holidays: BankHolidays | HolidayCalendar | None = None,
        now: Clock | None = None,
        close_store: bool = True,
    ) -> None:
        self.store = store
        self._division = division
        self._policy = policy
        self._policies = dict(policies or {})
        self._holidays = holidays
        self._now = now
        self._close_store = close_store
        self._lock = threading.Lock()
        self._calc: Calculator | None = None
        self._sets: dict[int, tuple[str, ...]] = {}
        self._version: tuple[int, int] | None = None
        self._checked = 0.0
        self._build()

    def __repr__(self) -> str:
        return f"<Schedule {self.store.path!r} division={self.division!r}>"

    @classmethod
    def open(cls, path: str | os.PathLike[str], **options: Any) -> Schedule:
        """Open the council's SQLite file (it must exist); ``options`` as for the constructor.

        Raises:
            ConfigurationError: no such file, or an unknown division or policy.
        """
        store = BinStore.open(path, create=False)
        try:
            return cls(store, **options)
        except BaseException:
            store.close()
            raise

    @classmethod
    def sample(cls, **options: Any) -> Schedule:
        """A schedule over the built-in sample data (see :mod:`lgds_components.bins.sample`)."""
        from lgds_components.bins.sample import sample_store

        store = sample_store()
        try:
            return cls(store, **options)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        """Close the council's file (when the schedule owns it)."""
        if self._close_store:
            self.store.close()

    # ------------------------------------------------------------------ configuration

    def _build(self) -> None:
        settings = self.store.settings()
        self.division: str = self._division or settings.get("division") or DEFAULT_DIVISION
        if isinstance(self._holidays, HolidayCalendar):
            calendar = self._holidays
        else:
            data = self._holidays or BankHolidays.default()
            calendar = data.division(self.division)
        policy = self._policy or settings.get("policy") or DEFAULT_POLICY
        version = self.store.data_version()
        calc = Calculator(
            self.store.services(), self.store.rounds(), calendar,
            policy=policy, policies=self._policies, overrides=self.store.overrides(),
        )
        self._calc = calc
        self._sets = self.store.round_sets()
        self._version = version
        self._checked = time.monotonic()

    def _calculator(self) -> Calculator:
        now = time.monotonic()
        if now - self._checked >= _RECHECK_SECONDS:
            with self._lock:
                self._checked = now
                if self.store.data_version() != self._version:
                    self._build()
        calc = self._calc
        if calc is None:  # pragma: no cover - set in __init__
            raise RuntimeError("schedule not built")
        return calc

    def reload(self) -> None:
        """Read the council's file again now (changes are otherwise seen within a second)."""
        with self._lock:
            self._build()

    @property
    def holidays(self) -> HolidayCalendar:
        """The bank holidays in use."""
        return self._calculator().holidays

    @property
    def services(self) -> dict[str, Service]:
        """Every service, by id, in the council's order."""
        return dict(self._calculator().services)

    @property
    def rounds(self) -> dict[str, Round]:
        """Every round, by id."""
        return dict(self._calculator().rounds)

    def today(self) -> date:
        """Today's date in Europe/London, by this schedule's clock."""
        return london_today(self._now)

    # ------------------------------------------------------------------ properties

    def rounds_for(self, uprn: PropertyRef, *, usrn: int | str | None = None) -> tuple[str, ...]:
        """The ids of the rounds a property is on.

        ``uprn`` is a UPRN or an address from the gazetteer (see
        :mod:`~lgds_components.bins.property`). A property not in the file
        falls back to its street's rounds: the address's USRN, or ``usrn``.

        Raises:
            ValidationError: a malformed UPRN or USRN.
            NotFound: the property is not in the file (nor its street, when known).
        """
        return self._rounds(uprn, usrn)

    def _rounds(self, place: PropertyRef, usrn: int | str | None) -> tuple[str, ...]:
        number, street = property_ids(place, usrn)
        set_id = self.store.round_set_id(number)
        if set_id is not None:
            found = self._sets.get(set_id)
            if found is None:
                found = self.store.round_sets().get(set_id, ())
                self._sets[set_id] = found
            return found
        if street is not None:
            rounds = self.store.street_rounds(street)
            if rounds is not None:
                return rounds
            raise NotFound(
                f"no bin collections are recorded for UPRN {number} or its street "
                f"(USRN {street})", provider=self.name)
        raise NotFound(
            f"no bin collections are recorded for UPRN {number}; to use its street's rounds, "
            "pass the Address from the gazetteer instead of the UPRN, or usrn=its USRN",
            provider=self.name)

    def describe(
        self, uprn: PropertyRef, *, usrn: int | str | None = None
    ) -> list[tuple[str, str]]:
        """Each of a property's rounds in words: ``[("Rubbish", "Every other Friday"), ...]``."""
        calc = self._calculator()
        rounds = [calc.rounds[rid] for rid in self.rounds_for(uprn, usrn=usrn)]
        rounds.sort(key=lambda r: (calc.service_rank(r.service), r.weekday, r.id))
        return [(calc.services[r.service].name, r.description()) for r in rounds]

    def next_collections(
        self,
        uprn: PropertyRef,
        count: int = 8,
        on_or_after: date | None = None,
        *,
        usrn: int | str | None = None,
    ) -> list[Collection]:
        """A property's next ``count`` collections dated ``on_or_after`` (default today) or later.

        ``uprn`` is a UPRN or an address from the gazetteer, whose USRN finds
        its street's rounds when the property is not listed (as ``usrn`` does).

        Raises:
            ValidationError: a malformed UPRN, a count outside 1 to 1000.
            NotFound: an unknown property (and street); the message says what to pass.
        """
        day = self.today() if on_or_after is None else _check_date(on_or_after, "on_or_after")
        calc = self._calculator()
        return list(calc.next(self._rounds(uprn, usrn), day, count))

    def collections_between(
        self, uprn: PropertyRef, start: date, end: date, *, usrn: int | str | None = None
    ) -> list[Collection]:
        """Every collection for a property dated ``start`` to ``end`` inclusive, in order.

        Raises:
            ValidationError: a malformed UPRN, or ``end`` before ``start``.
            NotFound: an unknown property (and street).
        """
        first = _check_date(start, "start")
        last = _check_date(end, "end")
        calc = self._calculator()
        return calc.between(self._rounds(uprn, usrn), first, last)

    def next_collections_many(
        self, uprns: Iterable[PropertyRef], count: int = 8, on_or_after: date | None = None
    ) -> Iterator[tuple[int, list[Collection] | None]]:
        """``(uprn, collections)`` for many properties, in the order given.

        Unknown properties give ``None`` rather than raising; addresses from the
        gazetteer fall back to their street's rounds. Looks properties up in
        batches, and shares each set of rounds' answer between them.

        Raises:
            ValidationError: a malformed UPRN.
        """
        day = self.today() if on_or_after is None else _check_date(on_or_after, "on_or_after")
        calc = self._calculator()
        sets = self._sets
        pending: list[tuple[int, int | None]] = []
        for raw in uprns:
            pending.append(property_ids(raw))
            if len(pending) == 2000:
                yield from self._answer_batch(pending, calc, sets, day, count)
                pending = []
        if pending:
            yield from self._answer_batch(pending, calc, sets, day, count)

    def _answer_batch(
        self, batch: list[tuple[int, int | None]], calc: Calculator,
        sets: dict[int, tuple[str, ...]], day: date, count: int,
    ) -> Iterator[tuple[int, list[Collection] | None]]:
        found = self.store.round_set_ids([uprn for uprn, _ in batch])
        answers: dict[int, tuple[Collection, ...]] = {}
        for uprn, usrn in batch:
            set_id = found.get(uprn)
            if set_id is None:
                street = None if usrn is None else self.store.street_rounds(usrn)
                yield uprn, None if street is None else list(calc.next(street, day, count))
                continue
            answer = answers.get(set_id)
            if answer is None:
                rounds = sets.get(set_id)
                if rounds is None:
                    rounds = self.store.round_sets().get(set_id, ())
                    sets[set_id] = rounds
                answer = answers[set_id] = calc.next(rounds, day, count)
            yield uprn, list(answer)
