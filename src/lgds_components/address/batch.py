"""Deciding a batch of texts in several processes, in order, streaming.

Matching is mostly Python work, so one process uses one core. With
``workers=`` greater than one, ``decide_many`` and ``match_many`` hand rows
out in chunks to that many processes, each with its own connection to the
same gazetteer (opened by a picklable ``opener``), and yield the answers in
the order of the rows, holding only a few chunks at a time. Each worker
remembers the vocabulary's answers across its chunks (one
:class:`~lgds_components.address.ranking.Memo`), and for ``match_many``
sends back only the matches.

>>> import functools
>>> from lgds_components.address import Gazetteer
>>> with Gazetteer.sample() as gaz:
...     opener = functools.partial(Gazetteer.open, gaz.path, readonly=True)
...     found = list(decide_in_processes(opener, ["2/65 Mount Parade SN7", "nowhere"],
...                                      threshold=0.6, workers=2))
>>> [decision.reason for decision in found]
['accepted', 'no candidate']
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from lgds_components.address.match import Decision, Match
from lgds_components.address.ranking import Memo

__all__ = ["CHUNK", "decide_in_processes", "match_in_processes"]

CHUNK = 200
"""Rows handed to a worker at a time."""

_WORKER: dict[str, Any] = {}
_Answer = TypeVar("_Answer", Decision, Match | None)


def _start(opener: Callable[[], Any]) -> None:
    _WORKER["gazetteer"] = opener()
    _WORKER["memo"] = Memo()  # one per worker, kept across its chunks


def _decide_chunk(rows: list[Any], threshold: float | None) -> list[Decision]:
    return list(_WORKER["gazetteer"].decide_many(rows, threshold=threshold,
                                                 memo=_WORKER["memo"]))


def _match_chunk(rows: list[Any], threshold: float | None) -> list[Match | None]:
    return list(_WORKER["gazetteer"].match_many(rows, threshold=threshold,
                                                memo=_WORKER["memo"]))


def decide_in_processes(
    opener: Callable[[], Any], rows: Iterable[Any], *, threshold: float | None, workers: int,
) -> Iterator[Decision]:
    """Decide each of ``rows`` in ``workers`` processes, each with the gazetteer
    ``opener()`` returns; answers come back in the order of ``rows``."""
    return _in_processes(_decide_chunk, opener, rows, threshold, workers)


def match_in_processes(
    opener: Callable[[], Any], rows: Iterable[Any], *, threshold: float | None, workers: int,
) -> Iterator[Match | None]:
    """:func:`decide_in_processes`, the matches only (less to send between processes)."""
    return _in_processes(_match_chunk, opener, rows, threshold, workers)


def _in_processes(
    work: Callable[[list[Any], float | None], list[_Answer]], opener: Callable[[], Any],
    rows: Iterable[Any], threshold: float | None, workers: int,
) -> Iterator[_Answer]:
    pending: deque[Future[list[_Answer]]] = deque()
    source = iter(rows)
    with ProcessPoolExecutor(workers, initializer=_start, initargs=(opener,)) as pool:
        while True:
            while len(pending) < 2 * workers:
                chunk = list(itertools.islice(source, CHUNK))
                if not chunk:
                    break
                pending.append(pool.submit(work, chunk, threshold))
            if not pending:
                return
            yield from pending.popleft().result()
