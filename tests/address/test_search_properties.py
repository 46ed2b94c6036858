"""Arbitrary text never reaches SQLite as syntax: results or a ValidationError, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lgds_components.address import Gazetteer, Match
from lgds_components.address.scoring import parse
from lgds_components.errors import ValidationError

SYNTAX = st.sampled_from(
    [
        '"',
        "'",
        "*",
        "(",
        ")",
        "^",
        ":",
        "-",
        "+",
        " AND ",
        " OR ",
        " NOT ",
        " NEAR ",
        "NEAR(",
        ",",
        "/",
        "\\",
        "\x00",
        ";",
        "--",
        "{",
        "}",
        "high",
        "st",
        "10",
        "flat",
        "ex4",
        "1aa",
        " ",
    ]
)
TEXT = st.one_of(st.text(max_size=80), st.lists(SYNTAX, max_size=25).map("".join))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_search_and_match_never_raise_database_errors(sample: Gazetteer, text: str) -> None:
    try:
        results = sample.search(text)
    except ValidationError:
        return
    assert all(isinstance(m, Match) and 0.0 <= m.score <= 1.0 for m in results)
    assert len({m.uprn for m in results}) == len(results)
    assert [m.score for m in results] == sorted((m.score for m in results), reverse=True)
    found = sample.match(text)
    assert found is None or found.score >= sample.threshold


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_parse_accepts_any_text(text: str) -> None:
    query = parse(text, prefix=True)
    assert all(number[0].isdigit() for number in query.numbers)
    assert all(word.text.isascii() for word in query.words)
