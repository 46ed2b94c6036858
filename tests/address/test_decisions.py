"""Why a match is accepted or refused: Gazetteer.decide and its reasons."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lgds_components.address import Gazetteer
from lgds_components.address.match import REASONS, Decision
from lgds_components.address.ranking import Memo

from .conftest import street_row, write

TWO_TOWNS = [
    street_row(2001, postcode="EX4 1AA", street="Station Road", pao_start_number=5),
    street_row(2002, postcode="TR1 2BB", street="Station Road", pao_start_number=5,
               town_name="Polmouth"),
    street_row(2003, postcode="TR1 2BD", street="Maple Street", pao_start_number=79,
               town_name="Polmouth"),
    street_row(2004, postcode="EX4 1AB", street="Mill Lane", pao_start_number=1),
    street_row(2005, postcode="EX4 1AB", street="Mill Lane", pao_start_number=3,
               **{"class": "PP"}, addressbase_postal="N"),
    *[street_row(2006 + n, postcode="EX4 1AB", street="Mill Lane", pao_start_number=3,
                 sao_text=f"Flat {letter}", parent_uprn=2005)
      for n, letter in enumerate("ABC")],
    street_row(2010, postcode="EX4 1AD", street="Mill Lane", pao_text="The Old Forge"),
    street_row(2011, postcode="EX4 1AD", street="Mill Lane", pao_text="Rose Cottage",
               pao_start_number=7),
]


@pytest.fixture
def towns(tmp_path: Path) -> Iterator[Gazetteer]:
    Gazetteer.load(tmp_path / "towns.sqlite", write(tmp_path / "towns.csv", TWO_TOWNS))
    with Gazetteer.open(tmp_path / "towns.sqlite") as gazetteer:
        yield gazetteer


def test_accepted_matches_say_why(towns: Gazetteer) -> None:
    decision = towns.decide("5 Station Rd, EX4 1AA")
    assert decision.accepted and decision.reason == "accepted"
    assert decision.match is not None and decision.match.uprn == 2001
    assert decision.match.reason == "postcode + number + street; no other candidate"
    assert decision.candidates[0].uprn == 2001
    assert decision.detail.endswith(f"at or above the threshold {towns.threshold:g}")
    flat = towns.decide("3A Mill Lane, EX4 1AB").match
    assert flat is not None and flat.uprn == 2006
    assert flat.reason.startswith("postcode + number + flat letter + street; next best 0.")


def test_a_tie_is_refused_with_both_candidates(towns: Gazetteer) -> None:
    decision = towns.decide("5 Station Road")
    assert decision.reason == "tie with runner-up" and decision.match is None
    assert {found.uprn for found in decision.candidates[:2]} == {2001, 2002}
    assert towns.match("5 Station Road") is None


def test_another_town_named_is_a_contradiction(towns: Gazetteer) -> None:
    decision = towns.decide("79 Maple Street, Kelmouth")  # 79 Maple Street is in Polmouth
    assert decision.reason == "town contradicts" and decision.match is None
    assert decision.candidates[0].uprn == 2003
    assert towns.decide("79 Maple Street, Polmouth").match.uprn == 2003  # type: ignore[union-attr]


def test_land_next_to_an_address_is_not_the_address(towns: Gazetteer) -> None:
    decision = towns.decide("Land adjacent to 5 Station Road, EX4 1AA")
    assert decision.reason == "near an address" and decision.candidates[0].uprn == 2001
    assert "land" in decision.detail


def test_letter_suffix_flats_floors_and_names(towns: Gazetteer) -> None:
    assert towns.decide("3B Mill Lane, EX4 1AB").match.uprn == 2007  # type: ignore[union-attr]
    assert towns.decide("First Floor Flat, 3 Mill Lane, EX4 1AB").match.uprn == 2007  # type: ignore[union-attr]
    assert towns.decide("3 Mill Lane, EX4 1AB").match.uprn == 2005  # type: ignore[union-attr]
    assert towns.decide("Basement Flat, 3 Mill Lane, EX4 1AB").match is None
    assert towns.decide("The Old Forge, Mill Lane, EX4 1AD").match.uprn == 2010  # type: ignore[union-attr]
    assert towns.decide("Rose Cottage, Mill Lane, EX4 1AD").match.uprn == 2011  # type: ignore[union-attr]
    assert towns.decide("C/O Mrs J Patel, 1 Mill Lane, EX4 1AB").match.uprn == 2004  # type: ignore[union-attr]


def test_refusals_below_threshold_no_candidate_and_nothing(towns: Gazetteer) -> None:
    assert towns.decide("99 Mill Lane, EX4 1AB").reason == "below threshold"
    assert towns.decide("nowhere at all").reason == "no candidate"
    empty = towns.decide("  ,.  ")
    assert empty.reason == "nothing to match" and empty.candidates == ()
    strict = towns.decide("5 Station Rd, EX4 1AA", threshold=1.0)
    assert strict.reason == "below threshold" and strict.candidates[0].uprn == 2001


def test_every_reason_is_listed(towns: Gazetteer) -> None:
    texts = ["5 Station Rd, EX4 1AA", "5 Station Road", "79 Maple Street, Kelmouth",
             "Land adj 5 Station Road, EX4 1AA", "99 Mill Lane, EX4 1AB", "nowhere", ""]
    assert {towns.decide(text).reason for text in texts} == set(REASONS)


def test_decide_many_streams_and_refuses_what_is_not_text(towns: Gazetteer) -> None:
    found = list(towns.decide_many(["5 Station Rd, EX4 1AA", 7, "x" * 1000]))  # type: ignore[list-item]
    assert [decision.reason for decision in found] == [
        "accepted", "nothing to match", "nothing to match"]
    assert all(isinstance(decision, Decision) for decision in found)
    assert "300" in found[2].detail


NASTY = ["", "   ", "x" * 300, '"high" OR st*', "NEAR(high st)", "\uff48\uff49\uff47\uff48 st",
         "\u041dIGH STREET", "🏠 5 station rd", "c/o", "c/o c/o c/o", "po box", "plot",
         "land adjacent to", "flat flat flat", "1/2/3/4/5", "12-", "-12", "five-five-five",
         "ex4", "EX4 1AA EX4 1AA", "qqlineqq", "1st 2nd 3rd floor flat", ",,,,", "a/b/c"]


@pytest.mark.parametrize("text", NASTY)
def test_odd_text_is_decided_with_a_listed_reason(towns: Gazetteer, text: str) -> None:
    decision = towns.decide(text)
    assert decision.reason in REASONS and decision.text == text
    assert (decision.match is None) == (decision.reason != "accepted")


def test_text_too_long_raises(towns: Gazetteer) -> None:
    from lgds_components.errors import ValidationError

    with pytest.raises(ValidationError):
        towns.decide("x" * 301)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60,
          deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_decided(towns: Gazetteer, text: str) -> None:
    decision = towns.decide(text)
    assert decision.reason in REASONS
    assert len(decision.candidates) <= 3


def test_several_workers_give_the_same_answers_in_order(towns: Gazetteer) -> None:
    texts = ["5 Station Rd, EX4 1AA", "5 Station Road", 7, "Land adj 5 Station Road, EX4 1AA",
             "3B Mill Lane, EX4 1AB", "x" * 400] * 35  # more than one chunk
    alone = [(d.reason, d.match) for d in towns.decide_many(texts)]  # type: ignore[arg-type]
    shared = [(d.reason, d.match)
              for d in towns.decide_many(texts, workers=2)]  # type: ignore[arg-type]
    assert shared == alone
    assert list(towns.match_many(texts[:6], workers=3)) == [  # type: ignore[arg-type]
        found for _, found in alone[:6]]


@pytest.mark.parametrize("workers", [0, -1, 65, 1.5, "2", True])
def test_workers_must_be_a_small_whole_number(towns: Gazetteer, workers: object) -> None:
    from lgds_components.errors import ValidationError

    with pytest.raises(ValidationError, match="workers"):
        towns.decide_many(["5 Station Road"], workers=workers)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="workers"):
        towns.match_many(["5 Station Road"], workers=workers)  # type: ignore[arg-type]


def test_a_three_letter_name_typed_with_a_letter_dropped(tmp_path: Path) -> None:
    rows = [street_row(3001, postcode="TR1 2BB", street="New Road", pao_start_number=6,
                       town_name="Polmouth"),
            street_row(3002, postcode="TR1 2BD", street="Church Road", pao_start_number=6,
                       town_name="Polmouth")]
    Gazetteer.load(tmp_path / "new.sqlite", write(tmp_path / "new.csv", rows))
    with Gazetteer.open(tmp_path / "new.sqlite") as gazetteer:
        found = gazetteer.decide("6 Nw Road, Polmouth")
        assert found.match is not None and found.match.uprn == 3001, found.detail
        assert "typo" in found.match.reason
        assert gazetteer.match("6 Yw Road, Polmouth") is None  # no Yew Road


def test_an_old_postcode_is_not_read_as_another_address_there(tmp_path: Path) -> None:
    # no record at NR5 4AS holds every word: the search widens, and 15 Station
    # Road (there) is not accepted for 15 Kings Road (moved to NR5 4AN)
    rows = [street_row(4001, postcode="NR5 4AN", street="Kings Road", pao_start_number=15,
                       town_name="Wickton"),
            street_row(4002, postcode="NR5 4AS", street="Station Road", pao_start_number=15,
                       town_name="Wickton"),
            *[street_row(4003 + n, postcode="NR5 4AS", street="Station Road",
                         pao_start_number=17 + n, town_name="Wickton") for n in range(5)]]
    Gazetteer.load(tmp_path / "moved.sqlite", write(tmp_path / "moved.csv", rows))
    with Gazetteer.open(tmp_path / "moved.sqlite") as gazetteer:
        found = gazetteer.decide("15 Kings Road, Wickton, NR5 4AS")
        assert found.match is None or found.match.uprn == 4001, found
        assert 4001 in {candidate.uprn for candidate in found.candidates}


def test_a_memo_carries_the_vocabulary_from_one_batch_to_the_next() -> None:
    # batch workers pass one memo to each chunk's match_many / decide_many
    texts = ["2/65 Mount Parade SN7", "12 Willow, Wickton", "Flat 9, 1 Nowhere Lane"]
    memo = Memo()
    with Gazetteer.sample() as gazetteer:
        first = [m and m.uprn for m in gazetteer.match_many(texts, memo=memo)]
        remembered = len(memo)
        assert remembered > 0
        again = [m and m.uprn for m in gazetteer.match_many(texts, memo=memo)]
        reasons = [d.reason for d in gazetteer.decide_many(texts, memo=memo)]
        assert len(memo) == remembered  # nothing new to ask the vocabulary
        assert again == first == [m and m.uprn for m in gazetteer.match_many(texts)]
        assert reasons == [d.reason for d in gazetteer.decide_many(texts)]
