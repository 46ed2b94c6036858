"""Deciding which address a text means, or refusing and saying why.

The store-independent end of ``match``: after a store has fetched candidate
records (:func:`lgds_components.address.ranking.candidates`),
:func:`score_rows` compares the query with each
(:func:`~lgds_components.address.agreement.compare`, every other
candidate's towns as evidence against it) and scores the agreement with the
learned model (:mod:`~lgds_components.address.weights`); :func:`decide` then
accepts the best or refuses, with a reason a review queue can sort by:

- ``"near an address"``: the text describes land, a garage, a plot or the rear
  of an address that the best candidate is not;
- ``"below threshold"`` or ``"town contradicts"``: the best candidate is not
  sure enough (the latter when it is in another town than the one named);
- ``"tie with runner-up"``: another address scores almost as well (its
  log-odds within :data:`MARGIN` of the best).

>>> from lgds_components.address import Gazetteer
>>> with Gazetteer.sample() as gaz:
...     decision = gaz.decide("12 Willow, Wickton")  # Willow Avenue or Willow Lane?
>>> decision.reason, [m.address.street for m in decision.candidates][:2]
('tie with runner-up', ['Willow Avenue', 'Willow Lane'])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from lgds_components.address import ranking, retrieval
from lgds_components.address.agreement import Agreement, compare
from lgds_components.address.match import Decision, Match
from lgds_components.address.model import Address
from lgds_components.address.parsing import Query
from lgds_components.address.scoring import Features, features_from_search
from lgds_components.address.text import NOISE_WORDS, STOP_WORDS
from lgds_components.address.weights import log_odds
from lgds_components.errors import ValidationError

__all__ = ["COMPARED", "MARGIN", "POSTCODE_ROWS", "REVIEW_CANDIDATES", "Fetch", "Scored",
           "check_workers", "decide", "decide_each", "exact_uprn", "ranked", "review_ids",
           "score_rows", "verdict"]

MARGIN = 1.5
"""``match`` refuses when the runner-up's log-odds are within this of the best's."""
REVIEW_CANDIDATES = 3
"""Candidates kept on a :class:`~lgds_components.address.match.Decision` for review."""
POSTCODE_ROWS = 300
"""A postcode with fewer records than this has them all compared first."""
COMPARED = 100
"""At most this many records are compared with one text (those holding most words)."""
_PLACE_ROWS = 20
_TIE_FLOOR = 0.05


@attrs.frozen(slots=True)
class Scored:
    """One candidate record with how it agrees and the model's log-odds for it."""

    log_odds: float
    agreement: Agreement
    found: Features
    row: Sequence[Any]

    @property
    def probability(self) -> float:
        """The log-odds as a probability, four decimals."""
        import math

        return round(1.0 / (1.0 + math.exp(-self.log_odds)) if self.log_odds > -40 else 0.0, 4)


Fetch = Callable[[list[ranking.Group], int], list[Any]]
"""A store's ``candidate_keys``: the first ``limit`` records holding a term of every group."""


def score_rows(keys: Iterable[Sequence[Any]], query: Query, places: Iterable[str] = (),
               done: dict[tuple[int, frozenset[str]], Scored] | None = None) -> list[Scored]:
    """Every candidate UPRN once, best first (ties in natural order), from candidate keys.

    The towns and localities of all the candidates, and ``places``, are the
    place names a candidate is checked against (another town named).
    ``done`` keeps the records already scored for this query (a search that
    widens scores its first records again), by record number and the typed
    words that are place names: all a comparison reads of the places.
    """
    parsed = [(key, features_from_search(key[retrieval.SEARCH], key[retrieval.POSTCODE]))
              for key in keys]
    places = {*places, *(word for _, found in parsed for word in (*found.town, *found.locality))}
    named = frozenset(word.text for word in query.words if word.text in places)
    best: dict[int, Scored] = {}
    for key, found in parsed:
        scored = None if done is None else done.get((key[retrieval.ID], named))
        if scored is None:
            agreement = compare(query, found, places, postal=bool(key[retrieval.POSTAL]))
            scored = Scored(log_odds(agreement), agreement, found, key)
            if done is not None:
                done[key[retrieval.ID], named] = scored
        previous = best.get(key[retrieval.UPRN])
        if previous is None or scored.log_odds > previous.log_odds:
            best[key[retrieval.UPRN]] = scored
    return sorted(best.values(), key=lambda item: (-item.log_odds, item.row[retrieval.SORT]))


def ranked(query: Query, fetch: Fetch, *, threshold: float) -> list[Scored]:
    """The candidates for ``query``, scored, best first.

    ``fetch`` is the store's :meth:`candidate_keys`. With a postcode, the
    postcode's records come first (one query), and those holding the most of
    the text's words are compared; otherwise, or when there are more than
    :data:`POSTCODE_ROWS`, the records holding every word. When none holds
    every word (with a postcode: none of the postcode's records, so a postcode
    out of date is not read as another address there), or the best found is
    not sure enough (a word the address lacks), the search widens: the outward
    code instead of the postcode, then each word left out in turn, and the
    records holding all but one of the words, at most :data:`COMPARED` of
    them, are compared with those compared first. A text with no postcode is
    not widened when a record holds all its words (and it has no range of
    numbers).
    """
    groups = ranking.word_groups(query, None)
    if not groups:
        return []
    pool = retrieval.Pool(groups)
    located = bool(query.postcode) and groups[0] == [ranking.Term(query.postcode)]
    complete = False
    if located:
        at_postcode = fetch(groups[:1], POSTCODE_ROWS)
        complete = len(at_postcode) < POSTCODE_ROWS
        if complete:
            pool.add(at_postcode)
    if not complete:
        pool.add(fetch(groups, ranking.CANDIDATES))
    first = pool.best(cap=COMPARED)
    done: dict[tuple[int, frozenset[str]], Scored] = {}
    scored = score_rows(first, query, done=done)
    # Without a postcode, when some record holds every word (and no range was
    # typed), leaving words out only finds addresses explaining less of the text.
    found_all = not located and pool.most == len(groups) and not query.ranges
    unsure = not scored or scored[0].probability < threshold or pool.most < len(groups)
    if len(groups) >= 2 and unsure and not found_all:
        _widen(query, groups, pool, fetch, located=located, complete=complete)
        compared = {key[retrieval.ID] for key in first}
        scored = score_rows([*first, *(key for key in pool.best(len(groups) - 1, COMPARED)
                                       if key[retrieval.ID] not in compared)], query, done=done)
    best = scored[0].agreement if scored else None
    if best and (best.unexplained_words or best.unexplained_lines) and best.postcode != "exact":
        towns = _places(query, scored[0], fetch)
        if towns:
            scored = score_rows([item.row for item in scored], query, places=towns, done=done)
    return scored


def _widen(query: Query, groups: list[ranking.Group], pool: retrieval.Pool, fetch: Fetch, *,
           located: bool, complete: bool) -> None:
    """Add to ``pool`` the records holding all but one of ``groups`` (with a
    postcode, also those at its outward code holding the other groups)."""
    half = ranking.CANDIDATES // 2
    retries = list(ranking.relaxed(groups, None))
    if located:  # the first retry leaves the postcode out
        widened = fetch(retries.pop(0), half)
        if len(widened) >= half:  # (fewer: it holds all the outward code's would)
            pool.add(fetch([[ranking.Term(query.outward)], *groups[1:]], half))
        pool.add(widened)
    for fewer in retries:
        if not (complete and fewer[0] == groups[0]):  # (the postcode's are all in)
            pool.add(fetch(fewer, half))
    if not len(pool):  # two words or more that no candidate has: location and numbers, or words
        split = 1 + len(dict.fromkeys(query.numbers)) if (query.postcode or query.outward) \
            else len(dict.fromkeys(query.numbers))
        for part in (groups[:split], groups[split:]):
            if part and len(part) < len(groups):
                pool.add(fetch(part, half))


def _places(query: Query, best: Scored, fetch: Fetch) -> set[str]:
    """Which of the words ``best`` leaves unexplained are town or locality names
    elsewhere (among the first records holding each)."""
    towns: set[str] = set()
    for word in query.words:
        if (not word.terms or word.optional or word.text in NOISE_WORDS
                or word.text in STOP_WORDS or set(word.terms) & best.agreement.matched):
            continue  # (only words the search looked up: a store may know no others)
        for key in fetch([[ranking.Term(term)] for term in list(word.terms)[:1]], _PLACE_ROWS):
            found = features_from_search(key[retrieval.SEARCH], key[retrieval.POSTCODE])
            if word.text in (*found.town, *found.locality) or set(word.terms) & {
                    *found.town, *found.locality}:
                towns.update(word.terms)
                towns.add(word.text)
                break
    return towns


def _holds(found: Features, word: str) -> bool:
    return word in (*found.sao_words, *found.pao_words, *found.organisation)


def review_ids(ranked: Sequence[Scored], query: Query | None = None,
               threshold: float = 0.0) -> list[int]:
    """The record numbers of the candidates a decision shows (the best few); with
    ``query``, only the accepted one's (or none), all a match needs."""
    if query is not None:
        return [ranked[0].row[retrieval.ID]] if verdict(query, ranked, threshold)[0] == \
            "accepted" else []
    return [item.row[retrieval.ID] for item in ranked[:REVIEW_CANDIDATES]]


def verdict(query: Query, ranked: Sequence[Scored], threshold: float) -> tuple[str, str]:
    """The reason for accepting the best of ``ranked`` or refusing, and the detail."""
    if query.is_empty:
        return "nothing to match", "no usable words or numbers"
    if not ranked:
        return "no candidate", "no address holds these words"
    best = ranked[0]
    runner_up = ranked[1] if len(ranked) > 1 else None
    if query.qualifier and not _holds(best.found, query.qualifier):
        return ("near an address", f"the text describes {query.qualifier} near an address, "
                "not the address itself")
    below = best.probability < threshold
    if below and best.agreement.town_contradicts:
        return ("town contradicts",
                f"best {best.probability:.4f} is in another town than the one named")
    if (runner_up is not None and best.log_odds - runner_up.log_odds < MARGIN
            and best.probability >= _TIE_FLOOR):
        return ("tie with runner-up", f"best {best.probability:.4f} and runner-up "
                f"{runner_up.probability:.4f} are too close to tell apart")
    if below:
        return ("below threshold",
                f"best {best.probability:.4f} is below the threshold {threshold:g}")
    return "accepted", f"{best.probability:.4f} at or above the threshold {threshold:g}"


def decide(
    text: str, query: Query, ranked: Sequence[Scored], threshold: float,
    addresses: Mapping[int, Address],
) -> Decision:
    """Accept the best of ``ranked`` or refuse, with the reason (see the module docs).

    ``addresses`` holds the Address of each record :func:`review_ids` names
    (the candidates shown are those it holds).
    """
    reason, detail = verdict(query, ranked, threshold)
    candidates = tuple(Match(addresses[item.row[retrieval.ID]], item.probability,
                             item.agreement.reason())
                       for item in ranked[:REVIEW_CANDIDATES]
                       if item.row[retrieval.ID] in addresses)
    if reason != "accepted":
        return Decision(text, None, reason, candidates, detail)
    best = candidates[0]
    why = best.reason + (f"; next best {ranked[1].probability:.4f}" if len(ranked) > 1
                         else "; no other candidate")
    return Decision(text, Match(best.address, best.score, why), reason, candidates, detail)


def exact_uprn(text: str, address: Address) -> Decision:
    """The decision for a text that is the UPRN of ``address``."""
    found = Match(address, 1.0, "exact uprn")
    return Decision(text, found, "accepted", (found,), "the text is this address's UPRN")


def decide_each(decide: Callable[[str], Decision], rows: Iterable[str]) -> Iterator[Decision]:
    """``decide`` each row lazily; a row that is not usable text is refused as
    ``"nothing to match"`` with the problem in ``detail``."""
    for row in rows:
        try:
            yield decide(row)
        except ValidationError as exc:
            text = row if isinstance(row, str) else ""
            yield Decision(text, None, "nothing to match", (), str(exc))


def check_workers(workers: object) -> int:
    """``workers`` if it is a whole number from 1 to 64.

    Raises:
        ValidationError: it is not.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 64:
        raise ValidationError("workers must be a whole number from 1 to 64", field="workers")
    return workers
