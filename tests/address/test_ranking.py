"""address.ranking on its own, with a vocabulary held in a dict (as a new store would)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.address import ranking, scoring
from lgds_components.address.ranking import Term
from lgds_components.errors import InvalidLength, ValidationError


class DictVocabulary:
    """The smallest Vocabulary: words with the number of records holding each."""

    def __init__(self, docs: dict[str, int]) -> None:
        self.docs = docs

    def starting(self, prefix: str, limit: int) -> list[str]:
        found = sorted((-count, word) for word, count in self.docs.items()
                       if word.startswith(prefix))
        return [word for _, word in found[:limit]]

    def contains(self, word: str, prefix: bool = False) -> bool:
        return any(stored.startswith(word) for stored in self.docs) if prefix \
            else word in self.docs

    def near(self, keys: list[str]) -> Iterable[tuple[str, int]]:
        wanted = set(keys)
        for word, count in self.docs.items():
            deletions = {word[:i] + word[i + 1:] for i in range(len(word))}
            if len(word) >= 4 and word.isalpha() and (word in wanted or deletions & wanted):
                yield word, count


VOCABULARY = DictVocabulary({"high": 40, "hill": 40, "highfield": 3, "higher": 5, "st": 90,
                             "exeter": 12, "exmouth": 7, "12": 30, "ex4": 20})


def test_a_stored_word_stands_for_itself() -> None:
    assert ranking.corrections(VOCABULARY, "exeter", prefix=False) == {"exeter": 1.0}


def test_a_typo_is_corrected_commonest_first() -> None:
    assert ranking.corrections(VOCABULARY, "exter", prefix=False) == {"exeter": 0.9}
    assert ranking.corrections(VOCABULARY, "hihg", prefix=False) == {"high": 0.9}


def test_a_short_prefix_is_looked_up_in_the_index_a_long_one_expanded() -> None:
    assert ranking.corrections(VOCABULARY, "hi", prefix=True) == {"hi": 1.0}
    assert ranking.corrections(VOCABULARY, "high", prefix=True) == {
        "high": 1.0, "higher": 1.0, "highfield": 1.0}
    assert ranking.corrections(VOCABULARY, "stre", prefix=True) == {"st": 1.0}


def test_expansion_ties_are_alphabetical() -> None:
    tied = DictVocabulary({f"mill{c}": 1 for c in "zyxwvutsrqponmlkjihgfedcba"})
    assert list(ranking.corrections(tied, "mill", prefix=True)) == \
        [f"mill{c}" for c in "abcdefghijklmnop"]


def test_word_groups_and_relaxed_retries() -> None:
    query = ranking.parse("12 high st ex4 hi", VOCABULARY, prefix=True)
    groups = ranking.word_groups(query, None)
    assert groups[0] == [Term("ex4")] and [Term("12")] in groups
    assert groups[-1] == [Term("hi", prefix=True)]
    retries = list(ranking.relaxed(groups, None))
    assert len(retries) == len(groups) and all(len(r) == len(groups) - 1 for r in retries)
    assert all(r[0] == groups[0] for r in ranking.relaxed(groups, "ex41aa"))


def test_candidates_retry_without_each_word_only_when_nothing_holds_them_all() -> None:
    asked: list[tuple[int, int]] = []

    def fetch(groups: list[ranking.Group], limit: int) -> list[str]:
        asked.append((len(groups), limit))
        return [] if len(groups) == 3 else ["row"]

    groups = [[Term("a")], [Term("b")], [Term("c")]]
    assert ranking.candidates(groups, None, fetch) == ["row"] * 3
    assert asked == [(3, ranking.CANDIDATES)] + [(2, ranking.CANDIDATES // 2)] * 3
    assert ranking.candidates([], None, fetch) == []


@given(st.text(max_size=400))
def test_check_text_takes_text_up_to_the_limit(text: str) -> None:
    if len(text) > ranking.MAX_QUERY_LENGTH:
        with pytest.raises(InvalidLength):
            ranking.check_text(text)
    else:
        assert ranking.check_text(text) == text


@pytest.mark.parametrize("value", [None, 12, b"high", ["high"]])
def test_check_text_refuses_what_is_not_text(value: object) -> None:
    with pytest.raises(ValidationError, match="as text"):
        ranking.check_text(value)


@given(st.text(max_size=120))
def test_any_text_parses_to_terms_of_the_vocabulary_or_the_query(text: str) -> None:
    query = ranking.parse(text, VOCABULARY, prefix=True)
    for group in ranking.word_groups(query, None):
        assert group
        for term in group:
            assert term.text and " " not in term.text
    assert isinstance(query, scoring.Query)
