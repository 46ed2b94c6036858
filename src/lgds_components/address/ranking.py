"""The store-independent steps of search and matching, shared by every gazetteer.

The SQLite and PostgreSQL gazetteers fetch candidates differently but must
rank them alike; these functions are that common part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from lgds_components.address import scoring
from lgds_components.address.match import Match
from lgds_components.address.model import Address
from lgds_components.errors import ValidationError

__all__ = ["MARGIN", "best_matches", "confident", "match_each", "relaxed", "search_limits"]

MARGIN = 0.05
"""``match`` refuses when the runner-up scores within this of the best."""


def relaxed(groups: Sequence[str], postcode_key: str | None) -> Iterator[list[str]]:
    """The word groups again without each word in turn (never the postcode), for a retry
    when nothing holds every word: a county, a misspelt town, a word the gazetteer lacks."""
    for skip in range(1 if postcode_key else 0, min(len(groups), 8)):
        fewer = [*groups[:skip], *groups[skip + 1 :]]
        if fewer:
            yield fewer


def best_matches(
    rows: Iterable[Sequence[Any]],
    query: scoring.Query,
    *,
    count: int,
    partial: bool,
    search_column: int,
    sort_column: int,
    to_address: Callable[[Sequence[Any]], Address],
) -> list[Match]:
    """Score candidate rows, keep the best per UPRN (column 0), best first, then natural order."""
    best: dict[int, tuple[float, str, Sequence[Any]]] = {}
    for row in rows:
        found = scoring.features_from_search(row[search_column], row[17])
        value, reason = scoring.score(query, found, partial=partial)
        previous = best.get(row[0])
        if previous is None or value > previous[0]:
            best[row[0]] = (value, reason, row)
    ordered = sorted(best.values(), key=lambda item: (-item[0], item[2][sort_column]))[:count]
    return [Match(to_address(row), value, reason) for value, reason, row in ordered]


def confident(ranked: Sequence[Match], threshold: float) -> Match | None:
    """The best match, or ``None`` below ``threshold`` or when the runner-up is too close."""
    if not ranked or ranked[0].score < threshold:
        return None
    if len(ranked) > 1 and ranked[0].score - ranked[1].score < MARGIN:
        return None
    return ranked[0]


def search_limits(limit: object, postcode: str | None) -> str | None:
    """Check ``search``'s ``limit`` and return the postcode as a key (no space), if any.

    Raises:
        ValidationError: ``limit`` is not 1 to 100, or ``postcode`` is not a postcode.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
        raise ValidationError("limit must be a whole number from 1 to 100", field="limit")
    if postcode is None:
        return None
    from lgds_components.identifiers import postcode as postcodes

    return postcodes.validate(postcode).replace(" ", "")


def match_each(
    match: Callable[[str], Match | None], rows: Iterable[str]
) -> Iterator[Match | None]:
    """``match`` each row lazily; a row that is not usable text gives ``None``."""
    for row in rows:
        try:
            yield match(row)
        except ValidationError:
            yield None
