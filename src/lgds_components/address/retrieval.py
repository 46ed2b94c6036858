"""Which records a match compares with the text, and how many (internal).

Comparing a record with the text part by part
(:func:`~lgds_components.address.agreement.compare`) is the costly step of a
match, so it is done only for the records most likely to be the one meant.
A store answers *candidate keys* (:data:`~lgds_components.address.stores.base.KEY_COLUMNS`:
UPRN, postcode, postal, sort key, search text, record number);
:class:`Pool` gathers them for one text, once each, and counts the word
groups (:func:`~lgds_components.address.ranking.word_groups`) each holds:
its postcode, its numbers and the words of its search text, a number inside
its range counting as held. :meth:`Pool.best` gives the records holding the
most groups, best first.

>>> from lgds_components.address.ranking import Term
>>> pool = Pool([[Term("ex41aa")], [Term("10")], [Term("high")], [Term("st")]])
>>> pool.add([(1, "EX4 1AA", 1, "a", "||high ho|10|high st||kelmouth|", 1),
...           (2, "EX4 1AA", 1, "b", "||||mill ln||kelmouth|", 2),
...           (3, "EX4 1AA", 1, "c", "|||8|10|high st||kelmouth|", 3)])
>>> [key[ID] for key in pool.best()]
[1, 3]
>>> pool.most
4
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

from lgds_components.address.parts import EXPAND_RANGE, postcode_words
from lgds_components.address.ranking import Group

__all__ = ["ID", "POSTAL", "POSTCODE", "SEARCH", "SORT", "UPRN", "Pool", "holdings"]

# The columns of a candidate key (stores.base.KEY_COLUMNS).
UPRN: Final = 0
POSTCODE: Final = 1
POSTAL: Final = 2
SORT: Final = 3
SEARCH: Final = 4
ID: Final = 5

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# a number with a letter, or a flat's or building's two numbers (a range)
_SUFFIX = re.compile(r"[0-9][a-z]|[0-9] [0-9]")


def holdings(search: str, postcode: str) -> str:
    """The words a record holds, each between spaces: those of its search text
    and, as the index holds them, its postcode's outward and inward codes and
    both together (:func:`~lgds_components.address.parts.postcode_words`), the
    number of a number with a letter (``12a``: ``12``) and the numbers inside a
    short range (``12-14``: ``13``).

    >>> holdings("|||12a 14|high st||kelmouth|", "EX4 1AA")
    '    12a 14 high st  kelmouth  ex4 1aa ex41aa 12 13 '
    """
    text = f" {search.replace('|', ' ')} {_postcode_text(postcode)} "
    if not _SUFFIX.search(search):
        return text
    extra = []
    parts = search.split("|")
    for numbers in (parts[1].split(), parts[3].split()):
        bases = [number.rstrip(_LETTERS) for number in numbers]
        extra += [base for base, number in zip(bases, numbers, strict=True)
                  if base != number and base]
        if len(bases) == 2 and bases[0].isdigit() and bases[1].isdigit():
            low, high = int(bases[0]), int(bases[1])
            if 0 < high - low <= EXPAND_RANGE:
                extra += [str(number) for number in range(low + 1, high)]
    return text + " ".join(extra) + " " if extra else text


@functools.lru_cache(maxsize=4096)
def _postcode_text(postcode: str) -> str:
    # (a text's candidates share a few postcodes: the words are worked out once)
    return " ".join(postcode_words(postcode))


class Pool:
    """The candidate keys gathered for one text, each once, with the number of
    ``groups`` each holds."""

    __slots__ = ("_held", "_padded", "most")

    def __init__(self, groups: list[Group]) -> None:
        # a prefix term (type-ahead) is held by any word starting with it
        self._padded = [[f" {term.text}" if term.prefix else f" {term.text} " for term in group]
                        for group in groups]
        self._held: dict[int, tuple[int, Sequence[Any]]] = {}
        #: The most groups any record in the pool holds (-1 while it is empty).
        self.most: int = -1

    def __len__(self) -> int:
        return len(self._held)

    def add(self, keys: Iterable[Sequence[Any]]) -> None:
        """Count the groups each new key holds."""
        groups = self._padded
        for key in keys:
            if key[ID] in self._held:
                continue
            text = holdings(key[SEARCH], key[POSTCODE])
            held = 0
            for group in groups:
                for padded in group:
                    if padded in text:
                        held += 1
                        break
            self._held[key[ID]] = (held, key)
            if held > self.most:
                self.most = held

    def best(self, floor: int | None = None, cap: int | None = None) -> list[Sequence[Any]]:
        """The keys holding at least ``floor`` groups (by default, or when none
        does, as many as the best), most first then in load order; at most ``cap``."""
        least = self.most if floor is None else min(floor, self.most)
        chosen = sorted(((held, key) for held, key in self._held.values() if held >= least),
                        key=lambda item: (-item[0], item[1][ID]))
        return [key for _, key in chosen[:cap]]
