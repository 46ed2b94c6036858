
"""Normalisers: what browsers send, read the GOV.UK way; never slow, never surprised."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgds_components.errors import ValidationError
from lgds_components.forms import formats
from lgds_components.forms.normalise import (
    MONTH_NAMES,
    FieldProblem,
    choice,
    choices,
    date_parts,
    money,
    name,
    number,
    text,
)
from lgds_components.testing.adversarial import ADVERSARIAL_TEXT, python_lines


def code_of(func: Callable[..., object], *args: object, **kwargs: object) -> str:
    with pytest.raises(FieldProblem) as caught:
        func(*args, **kwargs)
    return caught.value.code


class TestText:
    def test_blank_means_missing(self) -> None:
        for blank in ("", "   ", "\t\n", "\u00a0\u200b\ufeff", "\x00\x01", "\x00 " * 1000):
            assert text(blank) is None
            assert name(blank) is None

    def test_trims_and_keeps_what_people_type(self) -> None:
        assert text("  Flat 2, 10 High St  ") == "Flat 2, 10 High St"
        assert text("cafe\u0301") == "café"  # NFC
        assert text("a\x00b\x7fc\x1fd\x85e") == "abcd\x85e"

    def test_line_endings(self) -> None:
        assert text("one\r\ntwo\rthree", multiline=True) == "one\ntwo\nthree"
        assert text("one\r\ntwo") == "one two"

    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("  Siân   O’Brien ", "Siân O’Brien"),
            ("Zoë d'Arcy-Smith", "Zoë d'Arcy-Smith"),
            ("José  María\tAznar", "José María Aznar"),
            ("Nguyễn Thị Minh Khai", "Nguyễn Thị Minh Khai"),
            ("王秀英", "王秀英"),
        ],
    )
    def test_names_keep_accents_and_curly_apostrophes(self, typed: str, expected: str) -> None:
        assert name(typed) == expected


class TestNumbers:
    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("3", 3),
            (" 1,024 ", 1024),
            ("1 000", 1000),
            ("+7", 7),
            ("-2", -2),
            ("２", 2),
            ("2.00", 2),
        ],
    )
    def test_whole_numbers(self, typed: str, expected: int) -> None:
        assert number(typed, integer=True) == expected

    def test_decimals_are_decimal_never_float(self) -> None:
        value = number("0.1")
        assert value == Decimal("0.1") and isinstance(value, Decimal)

    @pytest.mark.parametrize(
        "typed", ["two", "1e5", "NaN", "Infinity", "1,00", "1.2.3", "٣", "9" * 41]
    )
    def test_not_a_number(self, typed: str) -> None:
        assert code_of(number, typed) == "number.not_a_number"

    def test_not_whole(self) -> None:
        assert code_of(number, "2.5", integer=True) == "number.not_whole"


class TestMoney:
    @pytest.mark.parametrize(
        ("typed", "pence"),
        [
            ("£1,234.50", 123450),
            ("1234.5", 123450),
            ("£ 12", 1200),
            ("0.99", 99),
            ("GBP 5", 500),
            ("£0", 0),
            (".5", 50),
        ],
    )
    def test_pounds_to_pence(self, typed: str, pence: int) -> None:
        assert money(typed) == pence

    @pytest.mark.parametrize("typed", ["£12.345", "12p", "$5", "1,23", "five pounds", "£"])
    def test_not_money(self, typed: str) -> None:
        assert code_of(money, typed) == "money.not_a_number"

    def test_negative(self) -> None:
        assert code_of(money, "-£5") == "number.too_low"
        assert money("-£5", allow_negative=True) == -500

    def test_pence_policy(self) -> None:
        assert money("12.00", pence="required") == 1200
        assert code_of(money, "12.5", pence="required") == "money.pence_required"
        assert code_of(money, "12", pence="required") == "money.pence_required"
        assert money("£12", pence="forbidden") == 1200
        assert code_of(money, "12.00", pence="forbidden") == "money.pence_not_allowed"


class TestDates:
    @pytest.mark.parametrize(
        ("day", "month", "year"),
        [
            ("7", "9", "2026"),
            ("07", "09", "2026"),
            ("007", "009", "2026"),
            ("7th", "Sept", "2026"),
            ("7", "september", "2026"),
            ("7", "SEP", "2026"),
            ("7", "sep.", "2026"),
            (" 7 ", " 9 ", " 2026 "),
            ("7", "Medi", "2026"),
            ("７", "９", "２０２６"),
        ],
    )
    def test_accepted_forms(self, day: str, month: str, year: str) -> None:
        assert date_parts(day, month, year) == datetime.date(2026, 9, 7)

    def test_every_month_name(self) -> None:
        for index, month in enumerate(
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
        ):
            assert MONTH_NAMES[month] == index
        assert MONTH_NAMES["gorffennaf"] == 7 and MONTH_NAMES["rhagfyr"] == 12

    def test_ordinals(self) -> None:
        assert [date_parts(d, "1", "2026").day for d in ("1st", "2nd", "3rd", "21ST")] == [
            1,
            2,
            3,
            21,
        ]

    def test_all_blank_is_missing(self) -> None:
        assert date_parts("", " ", "\u200b") is None

    @pytest.mark.parametrize(
        ("parts", "code", "highlight"),
        [
            (("", "3", "2026"), "date.incomplete.day", ("day",)),
            (("1", "", "2026"), "date.incomplete.month", ("month",)),
            (("1", "3", ""), "date.incomplete.year", ("year",)),
            (("", "", "2026"), "date.incomplete.day_month", ("day", "month")),
            (("", "x", ""), "date.incomplete.day_year", ("day", "year")),
            (("1", "", ""), "date.incomplete.month_year", ("month", "year")),
            (("1", "3", "26"), "date.year_digits", ("year",)),
            (("1", "3", "20266"), "date.year_digits", ("year",)),
            (("1", "13", "2026"), "date.impossible", ("month",)),
            (("32", "1", "2026"), "date.impossible", ("day",)),
            (("0", "1", "2026"), "date.impossible", ("day",)),
            (("x", "y", "2026"), "date.impossible", ("day", "month")),
            (("1", "1", "20x6"), "date.impossible", ("year",)),
            (("1", "1", "0000"), "date.impossible", ("year",)),
            (("31", "4", "2026"), "date.impossible", ("day",)),
            (("29", "2", "2025"), "date.impossible", ("day",)),
            (("1", "smarch", "2026"), "date.impossible", ("month",)),
        ],
    )
    def test_problems_in_priority_order(
        self, parts: tuple[str, str, str], code: str, highlight: tuple[str, ...]
    ) -> None:
        with pytest.raises(FieldProblem) as caught:
            date_parts(*parts)
        assert (caught.value.code, caught.value.parts) == (code, highlight)

    def test_leap_day(self) -> None:
        assert date_parts("29", "feb", "2028") == datetime.date(2028, 2, 29)


def test_choices() -> None:
    options = {"a": "a", "1": 1}
    assert choice(" 1 ", options) == 1
    assert choice(" ", options) is None
    assert code_of(choice, "z", options) == "choice.unknown"
    assert choices(["a", "1", "a"], options) == ["a", 1]
    assert code_of(choices, ["a", "b"], options) == "choice.unknown"


def test_problem_is_a_validation_error_with_an_english_message() -> None:
    with pytest.raises(ValidationError) as caught:
        date_parts("1", "", "2026")
    problem = caught.value
    assert isinstance(problem, FieldProblem)
    assert problem.message == "Date must include a month"
    assert problem.priority == 1


# -- adversarial input: every normaliser answers, quickly, with a FieldProblem at worst

ADVERSARIAL = ADVERSARIAL_TEXT

NORMALISERS: list[tuple[str, Callable[[str], object]]] = [
    ("text", text),
    ("textarea", lambda v: text(v, multiline=True)),
    ("name", name),
    ("integer", lambda v: number(v, integer=True)),
    ("number", number),
    ("money", money),
    ("money-required", lambda v: money(v, pence="required")),
    ("day", lambda v: date_parts(v, "1", "2026")),
    ("month", lambda v: date_parts("1", v, "2026")),
    ("year", lambda v: date_parts("1", "1", v)),
    ("choice", lambda v: choice(v, {"a": "a"})),
    *[(fmt, lambda v, f=fmt: formats.normalise(f, v)) for fmt in sorted(formats.FORMATS)],
]


def attempt(func: Callable[[str], object], value: str) -> None:
    try:
        func(value)
    except FieldProblem:
        pass


@pytest.mark.parametrize(("label", "func"), NORMALISERS, ids=[n for n, _ in NORMALISERS])
def test_every_normaliser_does_bounded_work_on_adversarial_input(
    label: str, func: Callable[[str], object]
) -> None:
    # Bounded work, counted rather than timed (timings are in benchmarks/bench_forms.py):
    # 100,000 characters run no more than a handful of extra Python lines than 1,000,
    # and never more than a few hundred, so long input is cut or refused up front.
    for value in ADVERSARIAL:
        small, big = python_lines(attempt, func, value[:1000]), python_lines(attempt, func, value)
        assert big <= small + 50, f"{label}: {small} lines for 1,000 characters, {big} for " \
                                  f"{len(value):,} of {value[:10]!r}: work grows with the input"
        assert big <= 300, f"{label} ran {big} lines of Python on {value[:10]!r}..."


def test_the_work_counter_sees_a_loop_over_the_input() -> None:
    def per_character(value: str) -> object:
        return sum(1 for c in value if c.isdigit())

    assert python_lines(per_character, "9" * 100_000) > 50 * python_lines(per_character, "99")


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_normalisers_never_raise_anything_but_field_problems(value: str) -> None:
    for _, func in NORMALISERS:
        attempt(func, value)


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=datetime.date(1000, 1, 1)),
    st.booleans(),
    st.sampled_from(["num", "abbr", "full"]),
)
def test_dates_round_trip(value: datetime.date, zero_pad: bool, month_style: str) -> None:
    day = f"{value.day:02d}" if zero_pad else str(value.day)
    month = {
        "num": str(value.month),
        "abbr": value.strftime("%b").lower(),
        "full": value.strftime("%B").upper(),
    }[month_style]
    assert date_parts(day, month, f"{value.year:04d}") == value


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_money_round_trips(pence: int) -> None:
    from lgds_components.forms.messages import format_amount

    assert money(format_amount(pence)) == pence
