"""Times as the ledger's SQLite file stores them: UTC text that sorts in time order.

>>> from datetime import UTC, datetime
>>> stamp(datetime(2025, 3, 30, 1, 30, tzinfo=UTC))
'2025-03-30T01:30:00.000000Z'
>>> parse_stamp('2025-03-30T01:30:00.000000Z').isoformat()
'2025-03-30T01:30:00+00:00'
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

__all__ = ["parse_stamp", "stamp"]

_FORMAT: Final = "%Y-%m-%dT%H:%M:%S.%fZ"


def stamp(moment: datetime) -> str:
    """``moment`` (timezone-aware) as stored text."""
    return moment.astimezone(UTC).strftime(_FORMAT)


def parse_stamp(text: str) -> datetime:
    """Stored text back to an aware UTC datetime."""
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)
