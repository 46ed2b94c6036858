"""The store-independent steps of search and matching, shared by every gazetteer.

The SQLite and PostgreSQL gazetteers keep their words differently but must
give the same answers, so everything but the storage lives here:

1. :func:`check_text` refuses what is not text or is too long;
2. :func:`parse` splits the text, asking :func:`corrections` which stored
   terms each word may stand for (itself, an abbreviation's long form, a typo
   fix), through the store's :class:`Vocabulary`;
3. :func:`word_groups` says what a candidate must hold: one group of
   alternative terms per postcode, number and word;
4. :func:`candidates` asks the store for the first :data:`CANDIDATES` records
   (in load order) holding a term of every group, and retries without each
   word in turn when none does;
5. :func:`best_matches` scores them for search; ``match`` scores and decides
   in :mod:`~lgds_components.address.matching`.

A new store implements :class:`Vocabulary` and the fetch of step 4; the
conformance suite in :mod:`lgds_components.testing.address` checks the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, Protocol

from lgds_components.address import scoring
from lgds_components.address.arguments import (
    MAX_QUERY_LENGTH,
    check_limit,
    check_text,
    postcode_key,
)
from lgds_components.address.match import Match
from lgds_components.address.model import Address
from lgds_components.address.text import ABBREVIATIONS, NOISE_WORDS, STOP_WORDS
from lgds_components.errors import ValidationError

__all__ = [
    "CANDIDATES",
    "DEFAULT_THRESHOLD",
    "MAX_QUERY_LENGTH",
    "MAX_WORDS",
    "PREFIX_INDEXED",
    "PREFIX_TERMS",
    "Group",
    "Memo",
    "Term",
    "Vocabulary",
    "best_matches",
    "candidates",
    "check_text",
    "corrections",
    "match_each",
    "parse",
    "relaxed",
    "search_limits",
    "word_groups",
]

DEFAULT_THRESHOLD = 0.5
"""Confidence below which ``match`` answers ``None``."""
CANDIDATES = 300
"""Records fetched from the index for scoring (half as many on each relaxed retry)."""
MAX_WORDS = 12
"""Words of a query that must be present; later ones only count in the score."""
PREFIX_INDEXED = 3
"""A word being typed up to this long is looked up as a prefix in the index itself;
a longer one is expanded to the :data:`PREFIX_TERMS` commonest words it starts."""
PREFIX_TERMS = 16


class Term(NamedTuple):
    """One term a candidate may hold: a stored word, or (``prefix``) the start of one."""

    text: str
    prefix: bool = False


Group = list[Term]
"""Alternative terms, of which a candidate must hold at least one."""


class Vocabulary(Protocol):
    """A store's words with the number of records holding each (what corrections need)."""

    def starting(self, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` stored words starting with ``prefix``, the commonest first
        (ties in alphabetical order, so every store picks the same)."""
        ...

    def contains(self, word: str, prefix: bool = False) -> bool:
        """Whether any record holds ``word`` (with ``prefix``, a word starting with
        ``word``, which is then at most :data:`PREFIX_INDEXED` characters long)."""
        ...

    def near(self, keys: list[str]) -> Iterable[tuple[str, int]]:
        """``(word, records)`` for the stored words of four or more letters that are
        one of ``keys`` or become one when a letter is deleted."""
        ...


def corrections(vocabulary: Vocabulary, word: str, prefix: bool) -> dict[str, float]:
    """The stored terms ``word`` may stand for, each with a confidence: itself, the
    short forms of abbreviations it spells or starts, and typo fixes (one edit, or
    two for words of eight letters or more; the four closest, commonest first)."""
    terms: dict[str, float] = {}
    if prefix:
        if len(word) <= PREFIX_INDEXED:
            if vocabulary.contains(word, prefix=True):
                terms[word] = 1.0
        else:
            terms.update((term, 1.0) for term in vocabulary.starting(word, PREFIX_TERMS))
        for long, short in ABBREVIATIONS.items():
            if len(word) >= 2 and long.startswith(word) and long != word:
                terms[short] = 1.0
        if terms:
            return terms
    elif vocabulary.contains(word):
        return {word: 1.0}
    if len(word) < 4 or not word.isalpha():
        return terms
    for long, short in ABBREVIATIONS.items():
        if (len(long) >= 4 and long[0] == word[0] and abs(len(long) - len(word)) <= 1
                and scoring.damerau_levenshtein(word, long, 1) <= 1):
            terms[short] = 0.9
    limit = 1 if len(word) < 8 else 2
    keys = [word, *sorted({word[:i] + word[i + 1 :] for i in range(len(word))})]
    scored = []
    for term, docs in vocabulary.near(keys):
        distance = scoring.damerau_levenshtein(word, term, limit)
        if distance <= limit:
            scored.append((distance, -docs, term))
    for distance, _, term in sorted(scored)[:4]:
        terms[term] = 0.9 if distance == 1 else 0.8
    return terms


class Memo:
    """What a vocabulary answered, remembered for a batch of texts (one ``match_many``):
    the same words recur (towns, street types), and each answer is a query.

    Up to :attr:`LIMIT` answers are kept, then it starts afresh. A gazetteer
    reloaded during the batch may be seen as it was (the words it held).

    >>> memo = Memo()
    >>> class Words:
    ...     asked = 0
    ...     def contains(self, word, prefix=False):
    ...         Words.asked += 1
    ...         return word == "high"
    >>> memo.known(Words(), "high"), memo.known(Words(), "high"), Words.asked
    (True, True, 1)
    """

    __slots__ = ("_known", "_terms")

    #: Answers kept before the memo starts afresh.
    LIMIT = 100_000

    def __init__(self) -> None:
        self._known: dict[str, bool] = {}
        self._terms: dict[tuple[str, bool], dict[str, float]] = {}

    def __len__(self) -> int:
        """How many answers are remembered."""
        return len(self._known) + len(self._terms)

    def known(self, vocabulary: Vocabulary, word: str) -> bool:
        """``vocabulary.contains(word)``, remembered."""
        found = self._known.get(word)
        if found is None:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            found = self._known[word] = vocabulary.contains(word)
        return found

    def corrections(self, vocabulary: Vocabulary, word: str, prefix: bool) -> dict[str, float]:
        """:func:`corrections`, remembered (the same dict for the same word: not to be changed)."""
        found = self._terms.get((word, prefix))
        if found is None:
            if len(self._terms) >= self.LIMIT:
                self._terms.clear()
            found = self._terms[word, prefix] = corrections(vocabulary, word, prefix)
        return found


def parse(text: str, vocabulary: Vocabulary, *, prefix: bool,
          memo: Memo | None = None) -> scoring.Query:
    """:func:`parsing.parse <lgds_components.address.parsing.parse>` with
    :func:`corrections` from ``vocabulary`` (remembered in ``memo`` when given)."""
    if memo is None:
        return scoring.parse(
            text, prefix=prefix,
            corrections=lambda word, is_prefix: corrections(vocabulary, word, is_prefix),
            known=vocabulary.contains,
        )
    return scoring.parse(
        text, prefix=prefix,
        corrections=lambda word, is_prefix: memo.corrections(vocabulary, word, is_prefix),
        known=lambda word: memo.known(vocabulary, word),
    )


def word_groups(query: scoring.Query, postcode_key: str | None) -> list[Group]:
    """What a candidate must hold, one group of alternatives per postcode, number and word.

    A word being typed that is :data:`PREFIX_INDEXED` characters or fewer is a
    prefix term; stop words, noise words, optional words (a county) and numbers
    in words the gazetteer does not hold as words are left to the score. A
    number with a letter (``40b``) may be found as the number alone.
    """
    groups: list[Group] = []
    if postcode_key:
        groups.append([Term(postcode_key.lower())])
    elif query.postcode:
        groups.append([Term(query.postcode)])
    elif query.outward:
        groups.append([Term(query.outward)])
    for number in dict.fromkeys(query.numbers):
        base = number.rstrip("abcdefghijklmnopqrstuvwxyz")
        # 40B may be flat B of 40, held as 40 and B
        groups.append([Term(number)] if base == number else [Term(number), Term(base)])
    for word in query.words[:MAX_WORDS]:
        if word.text in STOP_WORDS or word.text in NOISE_WORDS or word.optional:
            continue
        alternatives = [Term(term) for term in word.terms]
        if word.number and alternatives:  # a number in words (twelve) is left to the score
            alternatives.append(Term(word.number))
        if word.prefix and word.text in word.terms and len(word.text) <= PREFIX_INDEXED:
            alternatives.remove(Term(word.text))
            alternatives.append(Term(word.text, prefix=True))
        if alternatives:
            groups.append(alternatives)
    return groups


def relaxed(groups: Sequence[Group], postcode_key: str | None) -> Iterator[list[Group]]:
    """The word groups again without each word in turn (never the postcode), for a retry
    when nothing holds every word: a county, a misspelt town, a word the gazetteer lacks."""
    for skip in range(1 if postcode_key else 0, min(len(groups), 8)):
        fewer = [*groups[:skip], *groups[skip + 1 :]]
        if fewer:
            yield fewer


def candidates(
    groups: list[Group], postcode_key: str | None,
    fetch: Callable[[list[Group], int], list[Any]],
) -> list[Any]:
    """``fetch(groups, limit)``: the first ``limit`` records in load order holding a
    term of every group; when there are none, the relaxed retries' records."""
    if not groups:
        return []
    rows = fetch(groups, CANDIDATES)
    if rows or len(groups) < 2:
        return rows
    found: list[Any] = []
    for fewer in relaxed(groups, postcode_key):
        found.extend(fetch(fewer, CANDIDATES // 2))
    return found


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


def search_limits(limit: object, postcode: str | None) -> str | None:
    """Check ``search``'s ``limit`` and return the postcode as a key (no space), if any.

    Raises:
        ValidationError: ``limit`` is not 1 to 100, or ``postcode`` is not a postcode.
    """
    check_limit(limit)
    return None if postcode is None else postcode_key(postcode)


def match_each(
    match: Callable[[str], Match | None], rows: Iterable[str]
) -> Iterator[Match | None]:
    """``match`` each row lazily; a row that is not usable text gives ``None``."""
    for row in rows:
        try:
            yield match(row)
        except ValidationError:
            yield None
