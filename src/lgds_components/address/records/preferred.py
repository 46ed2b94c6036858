"""Each UPRN's preferred record, worked out as records stream past in UPRN order (internal).

A UPRN may have several records: its approved English one, a Welsh form, an
alternative or historical address. Its *preferred* record is the first by
:func:`preference`: approved before anything else, then English before Welsh,
then by logical status, then load order. A UPRN has at most one approved
record per language; a second is refused.

Gazetteers are delivered in UPRN order, so a UPRN's records are next to each
other and both rules can be applied as the records stream, holding only one
UPRN's records at a time. :class:`UprnRuns` does that, and notices when the
order breaks; from then on a store works the rules out itself, in SQL.

>>> from lgds_components.address.records.contract import record_of
>>> from lgds_components.address.model import Address
>>> done = []
>>> runs = UprnRuns(done.append)
>>> records = [record_of(Address(uprn=7, language=lang, logical_status=status), n)
...            for n, (lang, status) in enumerate([("cy", 1), ("en", 3), ("cy", 1)], 1)]
>>> [runs.take(record) for record in records]
[True, True, False]
>>> runs.finish()
>>> [[record.id for record in group] for group in done], preference(records[0])
([[1, 2]], (False, True, 1, 1))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lgds_components.address.records.contract import Record, source_in_errors
from lgds_components.errors import InvalidFormat

__all__ = ["DUPLICATE", "UprnRuns", "duplicate", "preference"]

#: What a second approved record for a UPRN and language is told.
DUPLICATE = "duplicate approved record for this UPRN and language"


def duplicate(record: Record, sources: Sequence[Path]) -> InvalidFormat:
    """The error refusing ``record`` as a second approved record for its UPRN and language."""
    return InvalidFormat(DUPLICATE, field="uprn", line=record.line,
                         source=source_in_errors(sources, record.source))


def preference(record: Record) -> tuple[Any, ...]:
    """The order in which a UPRN's records are preferred (least first)."""
    status = record.logical_status
    return (status != 1, record.language != "en", status, record.id)


class UprnRuns:
    """The records of each UPRN, as they come in UPRN order (see the module docs).

    Args:
        finished: called with a UPRN's records (the ones kept, in order) once
            the next UPRN starts, or at :meth:`finish`; never for records that
            come after the order broke.
    """

    __slots__ = ("_approved", "_finished", "_records", "in_order", "last")

    def __init__(self, finished: Callable[[list[Record]], object]) -> None:
        self._finished = finished
        #: The records came in UPRN order so far.
        self.in_order: bool = True
        #: The UPRN of the last record taken.
        self.last: int = 0
        self._records: list[Record] = []
        self._approved: set[str] = set()  # languages with an approved record

    def take(self, record: Record) -> bool:
        """Note ``record``; False if it is a second approved record for its UPRN and
        language (while in order; after that, the store refuses such records)."""
        uprn = record.uprn
        if uprn != self.last:
            if self.in_order:
                self.finish()
                if uprn < self.last:
                    self.in_order = False
            self.last = uprn
        if not self.in_order:
            return True
        if record.logical_status == 1:
            if record.language in self._approved:
                return False
            self._approved.add(record.language)
        self._records.append(record)
        return True

    def finish(self) -> None:
        """The current UPRN is complete: hand its records on."""
        if self._records:
            self._finished(self._records)
            self._records = []
            self._approved = set()
