"""Modulus checking: the published test vectors, table loading, edge cases.

``data/spec-vectors.txt`` holds the 34 test cases published in the Vocalink
(Pay.UK) specification, and ``data/valacdos-spec-vectors.txt`` and
``data/scsubtab-spec-vectors.txt`` the rows of the published tables those
cases use (see ``data/README.md`` for the source). Everything else here is
hand-computed, with the arithmetic in the test.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.errors import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
    MissingValue,
    ValidationError,
)
from lgds_components.identifiers.modulus import (
    CHECKSUM_MESSAGE,
    ModulusChecker,
    SubstitutionTable,
    WeightRow,
    WeightTable,
)

DATA = Path(__file__).parent / "data"
WEIGHTS = DATA / "valacdos-spec-vectors.txt"
SUBSTITUTIONS = DATA / "scsubtab-spec-vectors.txt"


def _vectors() -> list[tuple[str, str, str, bool]]:
    rows = []
    for line in (DATA / "spec-vectors.txt").read_text(encoding="utf-8").splitlines():
        number, description, sort, account, expected = line.split("|")
        rows.append((f"{number}: {description}", sort, account, expected == "Y"))
    return rows


VECTORS = _vectors()


@pytest.fixture(scope="module")
def checker() -> ModulusChecker:
    return ModulusChecker(WeightTable.load(WEIGHTS), SubstitutionTable.load(SUBSTITUTIONS))


def _table_without(exception: int) -> WeightTable:
    """The fixture table with one exception number removed, as a control."""
    lines = []
    for line in WEIGHTS.read_text(encoding="ascii").splitlines():
        fields = line.split()
        if len(fields) == 18 and fields[17] == str(exception):
            fields = fields[:17]
        lines.append(" ".join(fields))
    return WeightTable.parse(lines)


def test_there_are_34_published_vectors() -> None:
    assert len(VECTORS) == 34
    assert sum(1 for *_, expected in VECTORS if not expected) == 8


@pytest.mark.parametrize(
    ("description", "sort", "account", "expected"),
    VECTORS,
    ids=[v[0].split(":")[0] for v in VECTORS],
)
def test_published_vector(
    checker: ModulusChecker, description: str, sort: str, account: str, expected: bool
) -> None:
    assert checker.check(sort, account) is expected, description
    assert checker.is_valid(sort, account) is expected
    if expected:
        assert checker.validate(sort, account) == (sort, account)
    else:
        with pytest.raises(InvalidChecksum) as info:
            checker.validate(sort, account)
        assert info.value.message == "Enter a valid account number like 00733445"
        assert info.value.message == CHECKSUM_MESSAGE
        assert info.value.code == "invalid_checksum"


# Each exception rule matters: without it, its published vector gives the other answer.
CONTROLS = [
    (1, "118765", "64371389"),
    (2, "309070", "12345677"),
    (3, "820000", "73688637"),
    (4, "134020", "63849203"),
    (6, "200915", "41011166"),
    (7, "772798", "99345694"),
    (9, "309070", "12345668"),
    (10, "871427", "09123496"),
    (11, "872427", "46238510"),
    (12, "074456", "11104102"),
    (13, "074456", "11104102"),
    (14, "180002", "00000190"),
]


@pytest.mark.parametrize(("exception", "sort", "account"), CONTROLS)
def test_each_exception_rule_changes_its_vector(
    checker: ModulusChecker, exception: int, sort: str, account: str
) -> None:
    assert checker.check(sort, account) is True
    control = ModulusChecker(_table_without(exception), checker.substitutions)
    assert control.check(sort, account) is False


def test_exception_5_needs_the_substitution_table() -> None:
    without = ModulusChecker(WeightTable.load(WEIGHTS))
    assert without.check("938600", "42368003") is False  # vector 15 needs 938600 -> 938611
    assert without.check("938611", "07806039") is True  # vector 14 needs no substitution


# -- hand-computed vectors --------------------------------------------------

SYNTHETIC = WeightTable.parse(
    [
        "# synthetic rows for hand-computed checks, not from the published table",
        "",
        "000001 000001 MOD10  1  1  1  1  1  1  1  1  1  1  1  1  1  1",
        "000002 000002 MOD11  0  0  0  0  0  0  8  7  6  5  4  3  2  1",
        "499273 499273 DBLAL  2  1  2  1  2  1  2  1  2  1  2  1  2  1",
        "086090 086090 MOD10  1  1  1  1  1  1  1  1  1  1  1  1  1  1  8",
        "180002 180002 MOD11  0  0  0  0  0  0  8  7  6  5  4  3  2  1 14",
    ]
)


@pytest.mark.parametrize(
    ("sort", "account", "expected"),
    [
        # MOD10, all weights 1: digit sum 0+0+0+0+0+1 + 0+0+0+0+0+0+1+8 = 10
        ("000001", "00000018", True),
        ("000001", "00000019", False),  # 11
        # MOD11: 9*8 + 8*7 + 0*6 + 9*5 + 3*4 + 5*3 + 1*2 + 7*1 = 209 = 11 * 19
        ("000002", "98093517", True),
        ("000002", "98093518", False),  # 210
        # DBLAL on 499273 12345678: products 8 9 18 2 14 3 2 2 6 4 10 6 14 8,
        # digits summed 8+9+9+2+5+3+2+2+6+4+1+6+5+8 = 70
        ("499273", "12345678", True),
        ("499273", "12345679", False),  # 8*1 -> 9*1: 71
        # exception 8: calculate with 090126 (digit sum 18), not 086090 (23);
        # 18 + 2 = 20 passes, where 23 + 2 = 25 would not
        ("086090", "00000002", True),
        ("086090", "00000007", False),  # 18 + 7 = 25
        # exception 14: 1*3 + 9*2 + 9*1 = 30 fails; h = 9, so check 00000019:
        # 1*2 + 9*1 = 11 passes
        ("180002", "00000199", True),
        # 1*3 + 9*2 + 2*1 = 23 fails, and h = 2 is not 0, 1 or 9
        ("180002", "00000192", False),
    ],
)
def test_hand_computed(sort: str, account: str, expected: bool) -> None:
    assert ModulusChecker(SYNTHETIC).check(sort, account) is expected


def test_unknown_sort_code_is_valid_by_default(checker: ModulusChecker) -> None:
    assert checker.is_known("089999") is True
    assert checker.is_known("123456") is False
    assert checker.check("12-34-56", "12345678") is True
    assert checker.validate("12-34-56", "733445") == ("123456", "00733445")
    strict = ModulusChecker(checker.weights, unknown_is_valid=False)
    assert strict.check("123456", "12345678") is False
    with pytest.raises(InvalidChecksum):
        strict.validate("123456", "12345678")


def test_input_is_tidied_and_checked_for_shape(checker: ModulusChecker) -> None:
    assert checker.check(" 08-99-99 ", "6637 4958") is True
    assert checker.validate("08 99 99", "66-37-49-58") == ("089999", "66374958")
    with pytest.raises(MissingValue, match="Enter a sort code"):
        checker.check("", "66374958")
    with pytest.raises(InvalidLength, match="Account number must be between 6 and 8 digits"):
        checker.validate("089999", "12345")
    with pytest.raises(InvalidFormat, match="Enter a valid sort code like 309430"):
        checker.validate("08999X", "66374958")
    assert checker.is_valid(None, None) is False


def test_six_and_seven_digit_accounts_are_padded() -> None:
    # 000001 MOD10 (weights 1): 1 + 1 + 8 = 10 whether typed with zeros or not
    assert ModulusChecker(SYNTHETIC).check("000001", "000018") is True


# -- loading tables ---------------------------------------------------------

GOOD_ROW = "089000 089999 MOD10 0 0 0 0 0 0 7 1 3 7 1 3 7 1"


@pytest.mark.parametrize(
    "bad",
    [
        "089000 089999 MOD10 0 0 0 0 0 0 7 1 3 7 1 3 7",  # 13 weights
        "089000 089999 MOD10 0 0 0 0 0 0 7 1 3 7 1 3 7 1 1 1",  # too many fields
        "089000 089999 MOD12 0 0 0 0 0 0 7 1 3 7 1 3 7 1",  # unknown method
        "08900 089999 MOD10 0 0 0 0 0 0 7 1 3 7 1 3 7 1",  # 5-digit sort code
        "089999 089000 MOD10 0 0 0 0 0 0 7 1 3 7 1 3 7 1",  # start after end
        "089000 089999 MOD10 0 0 0 0 0 0 7 1 3 7 1 3 7 x",  # not a number
        "089000 089999 MOD10 0 0 0 0 0 0 7 1 3 7 1 3 7 1.5",
        "089000 089999 MOD10 0 0 0 0 0 0 7 1 3 7 1 3 7 1 15",  # no exception 15
        "089000 089999 MOD10 0 0 0 0 0 0 7 1 3 7 1 3 7 1 0",
        "\uff10\uff18\uff19000 089999 MOD10 0 0 0 0 0 0 7 1 3 7 1 3 7 1",
        "089000 089999 MOD10 " + "0 " * 200,
    ],
)
def test_malformed_weight_line_is_reported_with_its_line_number(bad: str) -> None:
    with pytest.raises(InvalidFormat) as info:
        WeightTable.parse([GOOD_ROW, "", bad], source="valacdos.txt")
    assert info.value.line == 3
    assert info.value.field == "valacdos.txt"
    assert str(info.value).startswith("line 3, valacdos.txt: Each weight table line must be")


def test_load_reports_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "valacdos.txt"
    path.write_bytes(GOOD_ROW.encode() + b"\r\n" + GOOD_ROW.replace("MOD10", "MOD9").encode())
    with pytest.raises(InvalidFormat) as info:
        WeightTable.load(path)
    assert (info.value.line, info.value.field) == (2, str(path))


def test_load_refuses_non_ascii_bytes_by_line(tmp_path: Path) -> None:
    path = tmp_path / "valacdos.txt"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_ROW.encode() + b"\n" + b"\xff\xfe\n")
    with pytest.raises(InvalidFormat) as info:
        WeightTable.load(path)
    assert info.value.line == 2


def test_load_accepts_bom_crlf_comments_and_lower_case_method(tmp_path: Path) -> None:
    path = tmp_path / "valacdos.txt"
    path.write_bytes(
        b"\xef\xbb\xbf# weights\r\n" + GOOD_ROW.replace("MOD10", "mod10").encode() + b"\r\n\r\n"
    )
    table = WeightTable.load(path)
    assert len(table) == 1
    assert list(table) == [
        WeightRow("089000", "089999", "MOD10", (0, 0, 0, 0, 0, 0, 7, 1, 3, 7, 1, 3, 7, 1))
    ]
    assert table.rows_for("089000")[0].line == 2
    assert "1 rows" in repr(table)


def test_negative_weights_are_read() -> None:
    table = WeightTable.load(WEIGHTS)
    assert table.rows_for("070116")[0].weights[-1] == -1


def test_a_third_row_for_a_range_is_refused() -> None:
    with pytest.raises(InvalidFormat) as info:
        WeightTable.parse([GOOD_ROW, GOOD_ROW, GOOD_ROW])
    assert info.value.line == 3


def test_rows_for_keeps_file_order_and_handles_overlaps() -> None:
    table = WeightTable.parse(
        [
            "200000 209999 MOD11 0 0 0 0 0 0 0 7 6 5 4 3 2 1",
            "100000 299999 DBLAL 2 1 2 1 2 1 2 1 2 1 2 1 2 1",
            "200000 209999 MOD10 0 0 0 0 0 0 7 1 3 7 1 3 7 1",
        ]
    )
    assert [row.method for row in table.rows_for("205000")] == ["MOD11", "DBLAL", "MOD10"]
    assert [row.method for row in table.rows_for("150000")] == ["DBLAL"]
    assert table.rows_for("300000") == ()
    assert table.rows_for("099999") == ()


def test_substitution_table() -> None:
    table = SubstitutionTable.load(SUBSTITUTIONS)
    assert dict(table) == {"938600": "938611"}
    assert len(table) == 1 and "938600" in table
    with pytest.raises(InvalidFormat) as info:
        SubstitutionTable.parse(["938600 938611", "938602"], source="scsubtab.txt")
    assert (info.value.line, info.value.field) == (2, "scsubtab.txt")
    with pytest.raises(InvalidFormat, match="appears twice") as info:
        SubstitutionTable.parse(["938600 938611", "", "938600 938343"])
    assert info.value.line == 3


# -- properties -------------------------------------------------------------


@given(st.text(max_size=40), st.text(max_size=40))
def test_arbitrary_pairs_raise_only_validation_errors(sort: str, account: str) -> None:
    checker = ModulusChecker(SYNTHETIC)
    try:
        assert checker.check(sort, account) in (True, False)
    except ValidationError:
        pass
    assert checker.is_valid(sort, account) in (True, False)


@given(st.from_regex(r"[0-9]{6}", fullmatch=True), st.from_regex(r"[0-9]{6,8}", fullmatch=True))
def test_well_formed_pairs_always_get_an_answer(sort: str, account: str) -> None:
    checker = ModulusChecker(WeightTable.load(WEIGHTS), SubstitutionTable.load(SUBSTITUTIONS))
    assert checker.check(sort, account) in (True, False)


@given(st.lists(st.text(max_size=120), max_size=5))
def test_arbitrary_table_lines_raise_only_invalid_format(lines: list[str]) -> None:
    try:
        WeightTable.parse(lines)
    except InvalidFormat as exc:
        assert exc.line is not None
    try:
        SubstitutionTable.parse(lines)
    except InvalidFormat as exc:
        assert exc.line is not None


@pytest.mark.parametrize("text", ["1" * 100_000, " " * 100_000, "\u200b" * 100_000])
def test_long_input_is_refused_quickly(checker: ModulusChecker, text: str) -> None:
    for args in ((text, "12345678"), ("089999", text)):
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            assert checker.is_valid(*args) is False
            samples.append(time.perf_counter() - start)
        assert statistics.median(samples) < 0.010
