"""Matching messy text to UPRNs: precision and recall on a generated set with known answers."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.address import Address, Gazetteer
from lgds_components.address.agreement import similar
from lgds_components.address.messy import STYLES, evaluate, messy_cases, messy_text
from lgds_components.address.scoring import damerau_levenshtein, features, parse, score

from .conftest import every_address


@pytest.mark.parametrize(("style", "precision", "recall", "refused"), [
    ("typed", 0.995, 0.98, 0.9), ("council", 0.99, 0.93, 0.9), ("mixed", 0.98, 0.88, 0.85)])
def test_precision_and_recall_on_messy_sets(
    sample: Gazetteer, style: str, precision: float, recall: float, refused: float
) -> None:
    """A floor well under what the benchmark measures (docs/benchmarks.md), on the
    small shipped sample: a change that breaks a kind of mess fails here."""
    addresses = sample.sample_addresses(500, seed=11)
    cases = list(messy_cases(addresses, 500, seed=11, style=style,
                             population=every_address(sample)))
    assert sum(case.uprn is None for case in cases) >= 10  # some have no right answer
    result = evaluate(sample, cases)
    assert result.precision >= precision, result.wrong
    assert result.recall >= recall, result.missed
    assert result.missing_refused >= refused
    assert result.total == 500 and result.per_second > 0


def test_every_kind_of_mess_is_made(sample: Gazetteer) -> None:
    everyone = every_address(sample)
    picked = sample.sample_addresses(600, seed=3)
    council = list(messy_cases(picked, 1500, seed=3, style="council", population=everyone))
    assert {case.kind for case in council if case.uprn} == {*STYLES["council"].kinds, "typed"}
    assert {case.kind for case in council if case.uprn is None} == set(STYLES["council"].missing)
    typed = list(messy_cases(picked, 400, seed=3))
    assert any("typo" in c.noise for c in typed) and any("2/10" in c.noise for c in typed)
    with pytest.raises(KeyError):
        list(messy_cases(picked, 1, style="neat"))


def test_made_up_addresses_do_not_exist(sample: Gazetteer) -> None:
    import random

    from lgds_components.address import messy_forms, messy_kinds

    everyone = every_address(sample)
    known = messy_forms.Population(everyone)
    numbers = {(a.street, a.town, n) for a in everyone if a.pao_start_number is not None
               for n in range(a.pao_start_number, (a.pao_end_number or a.pao_start_number) + 1)}
    flats = {(a.street, a.town, a.pao_numbers, a.pao_text, a.sao) for a in everyone}
    rng = random.Random(1)
    made = 0
    for address in sample.sample_addresses(300, seed=8):
        for kind in ("no such number", "wrong town"):
            fake = messy_kinds.MISSING_KINDS[kind](rng, address, known)
            if isinstance(fake, Address):
                made += 1
                assert (fake.street, fake.town, fake.pao_start_number) not in numbers
        fake = messy_kinds.MISSING_KINDS["no such flat"](rng, address, known)
        if isinstance(fake, Address):
            made += 1
            assert (fake.street, fake.town, fake.pao_numbers, fake.pao_text, fake.sao) \
                not in flats
    assert made > 200


def test_messy_cases_are_repeatable(sample: Gazetteer) -> None:
    addresses = sample.sample_addresses(20, seed=2)
    assert list(messy_cases(addresses, 30, seed=4)) == list(messy_cases(addresses, 30, seed=4))
    assert list(messy_cases([], 5)) == []


def test_messy_text_keeps_what_identifies_the_address() -> None:
    address = Address(
        uprn=1,
        sao_text="Flat 2",
        pao_start_number=10,
        street="High Street",
        town="Kelmouth",
        postcode="EX4 1AA",
    )
    for seed in range(50):
        text, _ = messy_text(address, random.Random(seed))
        assert "2" in text and "10" in text
        assert "kelmouth" in text.lower() or "ex4" in text.lower().replace(" ", "")


def test_scores_explain_themselves() -> None:
    flat = Address(
        uprn=1,
        sao_text="Flat 2",
        pao_start_number=10,
        street="High Street",
        town="Kelmouth",
        postcode="EX4 1AA",
    )
    assert score(parse("flat 2 10 high st ex4 1aa"), features(flat)) == (
        1.0,
        "postcode + flat + number + street",
    )
    value, reason = score(parse("flat 2 10 high st ex4 9zz"), features(flat))
    assert value < 0.8 and reason.startswith("postcode differs")
    value, _ = score(parse("flat 12 10 high st ex4 1aa"), features(flat))
    assert value < 0.8
    partial, _ = score(parse("flat 2", prefix=True), features(flat), partial=True)
    complete, _ = score(parse("flat 2"), features(flat))
    assert partial > complete


def test_damerau_levenshtein() -> None:
    assert damerau_levenshtein("street", "street") == 0
    assert damerau_levenshtein("stret", "street") == 1
    assert damerau_levenshtein("sterr", "street", limit=3) == 3
    assert damerau_levenshtein("", "abc", limit=5) == 3


@given(st.text(alphabet="abc", max_size=7), st.text(alphabet="abc", max_size=7))
def test_damerau_levenshtein_within_one_agrees_with_the_full_table(a: str, b: str) -> None:
    # limit=1 takes a shortcut; it must agree with the full table capped at 2
    assert damerau_levenshtein(a, b, limit=1) == min(damerau_levenshtein(a, b, limit=2), 2)


def test_a_repeated_letter_and_one_more_slip_is_a_typo() -> None:
    assert similar("konggs", "kings") == similar("waatre", "water") == "typo"
    assert similar("yorrrk", "york") == similar("mannrr", "manor") == "typo"
    assert similar("konggs", "kent") == similar("mannrr", "mill") == ""


_SCORE_IN_A_FRESH_PROCESS = """
from lgds_components.address import Address
from lgds_components.address.scoring import features, parse, score
home = Address(uprn=1, pao_text="Barn", pao_start_number=18, street="Elder Street",
               locality="North Ludbury", town="New Belbury", postcode="TA1 1AA")
query = parse("18 north street, north ludbury, new b", prefix=True,
              corrections=lambda word, prefix: {word: 1.0})
print(score(query, features(home), partial=True))
"""


def test_scores_do_not_depend_on_string_hashing() -> None:
    """A prefix ("b") that starts two stored words (Barn, Belbury) is matched to the
    same one in every process: sets iterate in hash order, which differs per process."""
    import os
    import subprocess
    import sys

    seen = set()
    for seed in range(6):
        done = subprocess.run(
            [sys.executable, "-c", _SCORE_IN_A_FRESH_PROCESS], capture_output=True, text=True,
            check=True, env={**os.environ, "PYTHONHASHSEED": str(seed)},
        )
        seen.add(done.stdout.strip())
    assert len(seen) == 1, seen
