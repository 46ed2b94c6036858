"""Bin days on a GOV.UK page: the parameters of govuk-frontend's ``govukTable``.

:func:`bin_days_table` turns :meth:`next_days
<lgds_components.bins.protocol.SourceFeatures.next_days>` into a table a
page renders with ``govukTable``: one row per collection day, with the date
as GOV.UK writes it ("Friday 18 December 2026", and "today" or "tomorrow"
when it is), what is collected (each service with its container), and, when
any day has moved, why.

>>> from datetime import date
>>> from lgds_components.bins import Schedule
>>> with Schedule.sample() as schedule:
...     days = schedule.next_days(100040000012, count=3, on_or_after=date(2026, 12, 17))
>>> table = bin_days_table(days, today=date(2026, 12, 17), caption="Your bin days")
>>> [cell["text"] for cell in table["head"]]
['Date', 'Bins collected', 'Changes']
>>> for row in table["rows"]:
...     print(" | ".join(cell.get("text", cell.get("html", "")) for cell in row))
Friday 18 December 2026 (tomorrow) | Rubbish (black wheelie bin)<br>Food waste (green food caddy) |
Saturday 26 December 2026 | Recycling (blue wheelie bin)<br>Food waste (green food caddy)
  | Moved from Friday 25 December because of Christmas Day
Saturday 2 January 2027 | Rubbish (black wheelie bin)
  | Moved from Friday 1 January: New Year catch-up
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from typing import Any

from lgds_components.bins.describe import day_label, relative_day
from lgds_components.bins.model import CollectionDay, Service

__all__ = ["bin_days_table", "service_text"]


def service_text(service: Service) -> str:
    """A service as residents read it: its name, and its container when known.

    >>> service_text(Service("refuse", "Rubbish", container="Black wheelie bin"))
    'Rubbish (black wheelie bin)'
    """
    if not service.container:
        return service.name
    container = service.container[:1].lower() + service.container[1:]
    return f"{service.name} ({container})"


def _date_text(day: date, today: date | None) -> str:
    label = day_label(day)
    if today is not None and 0 <= (day - today).days <= 1:
        return f"{label} ({relative_day(day, today).lower()})"
    return label


def bin_days_table(
    days: Sequence[CollectionDay],
    *,
    today: date | None = None,
    caption: str | None = None,
) -> dict[str, Any]:
    """``govukTable`` parameters for a property's collection days.

    Args:
        days: from ``next_days()``.
        today: marks today's and tomorrow's rows (pass the schedule's ``today()``).
        caption: the table's caption, shown as a medium heading.

    The "Changes" column appears only when a day in the table has moved.
    """
    moved = any(day.moved for day in days)
    head = [{"text": "Date"}, {"text": "Bins collected"}]
    if moved:
        head.append({"text": "Changes"})
    rows = []
    for day in days:
        services = "<br>".join(escape(service_text(s)) for s in day.services)
        row: list[dict[str, str]] = [{"text": _date_text(day.date, today)}, {"html": services}]
        if moved:
            reasons = dict.fromkeys(c.move_description() for c in day.moved)
            row.append({"text": "; ".join(reasons)})
        rows.append(row)
    params: dict[str, Any] = {"firstCellIsHeader": True, "head": head, "rows": rows}
    if caption:
        params["caption"] = caption
        params["captionClasses"] = "govuk-table__caption--m"
    return params
