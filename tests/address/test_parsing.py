"""Reading address text as council records and residents write it (address.parsing)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.address.parsing import Query, parse

STORED = {"high", "st", "rd", "mill", "ln", "kelmouth", "ex41aa", "ex4", "dl113ah", "dl11",
          "sn33ad", "sn3", "ld35bs", "station", "flat", "close", "cl", "mews", "way", "ho", "north"}


def known(term: str) -> bool:
    return term in STORED


def corrections(word: str, prefix: bool) -> dict[str, float]:
    return {word: 1.0} if word in STORED else {}


def read(text: str) -> Query:
    return parse(text, corrections=corrections, known=known)


def words(query: Query) -> list[str]:
    return [word.text for word in query.words if not word.optional]


@pytest.mark.parametrize("text", [
    "C/O Mrs J Patel, 12 High St, Kelmouth",
    "c/o Mr & Mrs Baker 12 High St Kelmouth",
    "Care of A Smith, 12 High St, Kelmouth",
    "PO Box 1234, 12 High St, Kelmouth",
    "P.O. BOX 56 12 HIGH ST KELMOUTH",
])
def test_care_of_and_po_box_lines_are_not_the_address(text: str) -> None:
    query = read(text)
    assert query.numbers == ("12",) and words(query) == ["high", "st", "kelmouth"]
    assert query.dropped


@pytest.mark.parametrize(("text", "qualifier"), [
    ("Land adjacent to 12 High Street", "land"),
    ("LAND ADJ 12 HIGH ST", "land"),
    ("Land to the rear of 12 High St", "land"),
    ("Garage at 12 High St", "garage"),
    ("Garages rear of 12 High St", "garage"),
    ("Rear of 12 High St", "rear"),
    ("R/O 12 High St", "rear"),
    ("Plot 12, Land off Mill Lane", "plot"),
])
def test_land_garages_plots_and_rears_are_qualified(text: str, qualifier: str) -> None:
    query = read(text)
    assert query.qualifier == qualifier
    assert "high" in words(query) or "mill" in words(query)


def test_a_business_called_garage_is_not_a_qualifier() -> None:
    assert read("Patel Garage, 12 High St").qualifier == ""


@pytest.mark.parametrize(("text", "floor"), [
    ("First Floor Flat, 12 High St", "first"), ("1st Flr Flat 12 High St", "first"),
    ("FFF 12 HIGH ST", "first"), ("GFF, 12 High St", "ground"),
    ("Flat Ground Floor, 12 High St", "ground"), ("Basement Flat 12 High St", "basement"),
    ("Lower Ground Floor Flat, 12 High St", "basement"), ("Top Floor Flat 12 High St", "top"),
])
def test_flats_by_floor(text: str, floor: str) -> None:
    query = read(text)
    assert query.floor == floor and query.flat
    assert query.numbers == ("12",) and query.sao_numbers == ()  # 12 numbers the building
    assert words(query) == ["high", "st"]


def test_numbers_in_words() -> None:
    assert read("Flat Two, 12 High St").sao_numbers == ("2",)
    assert read("Apartment Twenty-One 12 High St").sao_numbers == ("21",)
    spelt = read("Twenty Six High Street")
    assert spelt.numbers == () and spelt.words[0].number == "26"


@pytest.mark.parametrize(("text", "pair"), [
    ("12-14 High St", ("12", "14")), ("12 - 14 High St", ("12", "14")),
    ("12/14 High St", ("12", "14")), ("12 & 14 High St", ("12", "14")),
])
def test_ranges_are_kept_as_pairs(text: str, pair: tuple[str, str]) -> None:
    assert read(text).ranges == (pair,)


def test_a_letter_suffix_stays_on_its_number() -> None:
    assert read("40B High St").numbers == ("40b",)


def test_postcodes_glued_misread_or_half_there() -> None:
    assert read("12 High St KelmouthEX4 1AA").postcode == "ex41aa"
    assert read("12 High St, Kelmouthex41aa").postcode == "ex41aa"
    assert read("Flat 2, 37 High St, DLI1 3AH").postcode == "dl113ah"  # I for 1
    assert read("16 High St, 5N3 3AD").postcode == "sn33ad"  # 5 for S
    assert read("58 High St, LD3 5B5").postcode == "ld35bs"  # 5 for S in the inward code
    assert read("16 High St, SN3 JAD").postcode == ""  # J is no digit
    assert read("Flat 2, 37 High St, DLI1").outward == "dl11"
    shaped = read("12 High St, EX4 1OA")  # O is never an inward letter
    assert (shaped.postcode, shaped.outward, shaped.sector, shaped.numbers) == (
        "", "ex4", "1", ("12",))
    assert parse("12 High St KelmouthEX4 1AA").postcode == ""  # no vocabulary: not guessed


def test_run_together_words_are_split_when_both_halves_are_known() -> None:
    assert words(read("12highstreet kelmouth")) == ["high", "st", "kelmouth"]
    assert words(read("12 millclose")) == ["mill", "cl"]
    assert "zzqqxxyy" in words(read("12 zzqqxxyy"))


def test_a_flat_letter_run_into_the_street_stays_with_the_number() -> None:
    glued = read("45cmill lane, kelmouth")
    assert glued.numbers == ("45c",) and words(glued) == ["mill", "ln", "kelmouth"]
    assert read("81ahighstreet").numbers == ("81a",)
    assert read("12 highstreet").numbers == ("12",)


def test_a_word_with_a_typo_reading_is_not_split_into_a_flat_letter() -> None:
    # "wter" reads as "water" (a letter dropped), not as flat W of 104 and "ter"
    def slips(word: str, prefix: bool) -> dict[str, float]:
        return {"water": 0.9} if word == "wter" else corrections(word, prefix)

    def stored(term: str) -> bool:
        return term in {"ter", "water", *STORED}

    query = parse("104 Wter Way", corrections=slips, known=stored)
    assert query.numbers == ("104",) and words(query) == ["wter", "way"]
    glued = parse("45cmill lane", corrections=slips, known=stored)  # no reading keeps the c
    assert glued.numbers == ("45c",)


def test_unlisted_short_forms_of_street_words() -> None:
    terms = {word.text: word.terms for word in read("12 Mill Cls, Kelmouth").words}
    assert terms["cls"] == {"cl": 0.9}
    assert read("The Coach Hse").words[1].terms == {"ho": 0.9}


def test_a_county_at_the_end_is_optional() -> None:
    query = read("12 High St, Kelmouth, West Midlands, UK")
    assert [(w.text, w.optional) for w in query.words if w.text in ("west", "midlands")] == [
        ("west", True), ("midlands", True)]
    assert not any(w.optional for w in read("12 West Street, Kelmouth").words)


def test_number_roles_and_following_words() -> None:
    query = read("27, Hawthorn Tower, 27 Holly Mews")
    assert query.numbers == ("27", "27") and query.following == ("hawthorn", "holly")
    assert read("Forge Apartments, 5 High St").sao_numbers == ()  # a plural is a name


@given(st.text(max_size=200))
def test_any_text_parses(text: str) -> None:
    query = parse(text, corrections=corrections, known=known)
    assert isinstance(query, Query)
    assert len(query.following) == len(query.numbers)


def _fold_reference(text: str) -> str:
    """:func:`~lgds_components.address.text.fold` as first written (one regex over the
    case-folded text, accents removed): its one-table path for ASCII must agree."""
    import re
    import unicodedata

    text = text.translate(str.maketrans("", "", "'\u2019\u2018`\u00b4"))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_fold_of_ascii_text_is_the_regex_fold(text: str) -> None:
    from lgds_components.address.text import fold

    assert fold(text) == _fold_reference(text)


@given(st.text(max_size=40))
def test_fold_of_any_text_is_the_regex_fold(text: str) -> None:
    from lgds_components.address.text import fold

    assert fold(text) == _fold_reference(text)
