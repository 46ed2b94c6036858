"""Examples and properties for lgds_components.identifiers.postcode."""

from __future__ import annotations

import re

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    MissingValue,
    ValidationError,
)
from lgds_components.identifiers import postcode
from lgds_components.testing.strategies import postcodes, typed_postcodes


def wide(text: str) -> str:
    """Fullwidth forms of ``text`` (U+FF01..U+FF5E, spaces as U+3000), as East Asian
    input methods type them."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text
    )


FULL = "Enter a full UK postcode"
MISSING = "Enter a postcode"
BFPO = "Enter a UK postcode. This service does not accept BFPO addresses"
BFPO_NUMBER = "Enter the postcode for the BFPO address, starting BF1"
OVERSEAS = (
    "Enter a UK postcode. This service does not accept postcodes in British Overseas Territories"
)

ACCEPTED = [
    # the six outward shapes
    ("M1 1AE", "M1 1AE"),  # A9
    ("B33 8TH", "B33 8TH"),  # A99
    ("CR2 6XH", "CR2 6XH"),  # AA9
    ("DN55 1PT", "DN55 1PT"),  # AA99
    ("W1A 0AX", "W1A 0AX"),  # A9A
    ("EC1A 1BB", "EC1A 1BB"),  # AA9A
    ("GIR 0AA", "GIR 0AA"),
    ("gir0aa", "GIR 0AA"),
    # what people type
    (" sw1a-1aa ", "SW1A 1AA"),
    ("sw1a1aa", "SW1A 1AA"),
    ("SW1A   1AA", "SW1A 1AA"),
    ("s w 1 a 1 a a", "SW1A 1AA"),
    ("SW1A.1AA.", "SW1A 1AA"),
    ("(SW1A) 1AA", "SW1A 1AA"),
    ("[ec1a] [1bb]", "EC1A 1BB"),
    ("SW1A\u20131AA", "SW1A 1AA"),  # en dash
    ("\tSW1A\n1AA\r\n", "SW1A 1AA"),
    ("\u00a0SW1A\u00a01AA\u00a0", "SW1A 1AA"),  # no-break spaces
    ("SW1A\u200b1AA\ufeff", "SW1A 1AA"),  # zero-width space, byte-order mark
    (wide("SW1A 1AA"), "SW1A 1AA"),  # fullwidth, ideographic space
    (wide("sw1a1aa"), "SW1A 1AA"),
    (" " * 496 + "SW1A 1AA" + " " * 496, "SW1A 1AA"),  # 1,000 characters
    # Crown dependencies and non-geographic codes are ordinary postcodes
    ("JE2 3AB", "JE2 3AB"),
    ("IM1 1AA", "IM1 1AA"),
    ("BX1 1LT", "BX1 1LT"),
    # letters allowed in each place
    ("W9W 9AA", "W9W 9AA"),
    ("AB9Y 9ZZ", "AB9Y 9ZZ"),
    ("AY1 1AB", "AY1 1AB"),
]

# (typed, keyword flags, error class, message, code)
REFUSED = [
    ("", {}, MissingValue, MISSING, "missing"),
    ("   ", {}, MissingValue, MISSING, "missing"),
    ("\u200b\u00a0", {}, MissingValue, MISSING, "missing"),
    ("-", {}, MissingValue, MISSING, "missing"),
    ("( )", {}, MissingValue, MISSING, "missing"),
    ("SW1A", {}, InvalidFormat, FULL, "invalid_format"),
    ("SW1 1", {}, InvalidFormat, FULL, "invalid_format"),
    ("SW1A 1A", {}, InvalidFormat, FULL, "invalid_format"),
    ("SW1AA 1AA", {}, InvalidFormat, FULL, "invalid_format"),
    ("S" * 33, {}, InvalidLength, FULL, "invalid_length"),
    (" " * 497 + "SW1A 1AA" + " " * 496, {}, InvalidLength, FULL, "invalid_length"),  # 1,001
    (" " * 100_000, {}, InvalidLength, FULL, "invalid_length"),  # too long to read
    ("SW1A 1AA SW1A 1AA SW1A 1AA SW1A 1A", {}, InvalidLength, FULL, "invalid_length"),  # 34
    ("S W 1 A 1 A A S W 1 A 1 A A S W 1", {}, InvalidLength, FULL, "invalid_length"),  # 33
    ("SW1A 1AA!", {}, InvalidFormat, FULL, "invalid_format"),
    ("SW1A\x001AA", {}, InvalidFormat, FULL, "invalid_format"),
    ("SW1A 1A1", {}, InvalidFormat, FULL, "invalid_format"),
    ("1W1A 1AA", {}, InvalidFormat, FULL, "invalid_format"),
    ("SWA 1AA", {}, InvalidFormat, FULL, "invalid_format"),
    ("SW1 AAA", {}, InvalidFormat, FULL, "invalid_format"),
    ("S1AA 1AA", {}, InvalidFormat, FULL, "invalid_format"),
    ("GIR 0AB", {}, InvalidFormat, FULL, "invalid_format"),
    # look-alikes are not the postcode
    ("SW1\u0410 1AA", {}, InvalidFormat, FULL, "invalid_format"),  # Cyrillic A
    ("\u0405W1A 1AA", {}, InvalidFormat, FULL, "invalid_format"),  # Cyrillic DZE
    ("SW1\u0391 1AA", {}, InvalidFormat, FULL, "invalid_format"),  # Greek Alpha
    ("\u017fw1a 1aa", {}, InvalidFormat, FULL, "invalid_format"),  # long s
    ("SW\u0661A 1AA", {}, InvalidFormat, FULL, "invalid_format"),  # Arabic-Indic one
    ("SW\u00b9A 1AA", {}, InvalidFormat, FULL, "invalid_format"),  # superscript one
    # BS 7666 letter rules
    ("QA1 1AA", {}, InvalidFormat, FULL, "invalid_format"),  # Q first
    ("VA1 1AA", {}, InvalidFormat, FULL, "invalid_format"),  # V first
    ("XM4 5HQ", {}, InvalidFormat, FULL, "invalid_format"),  # X first
    ("AI1 1AA", {}, InvalidFormat, FULL, "invalid_format"),  # I second
    ("AJ1 1AA", {}, InvalidFormat, FULL, "invalid_format"),  # J second
    ("AZ1 1AA", {}, InvalidFormat, FULL, "invalid_format"),  # Z second
    ("W1I 0AX", {}, InvalidFormat, FULL, "invalid_format"),  # A9A third not I
    ("W1L 0AX", {}, InvalidFormat, FULL, "invalid_format"),
    ("EC1C 1BB", {}, InvalidFormat, FULL, "invalid_format"),  # AA9A fourth not C
    ("EC1Z 1BB", {}, InvalidFormat, FULL, "invalid_format"),
    ("SW1A 1CA", {}, InvalidFormat, FULL, "invalid_format"),  # inward C
    ("SW1A 1AI", {}, InvalidFormat, FULL, "invalid_format"),
    ("SW1A 1KA", {}, InvalidFormat, FULL, "invalid_format"),
    ("SW1A 1AM", {}, InvalidFormat, FULL, "invalid_format"),
    ("SW1A 1OA", {}, InvalidFormat, FULL, "invalid_format"),
    ("SW1A 1AV", {}, InvalidFormat, FULL, "invalid_format"),
    # BFPO and overseas territories need asking for
    ("BF1 3AA", {}, InvalidComponent, BFPO, "bfpo_not_accepted"),
    ("bf1-3aa", {"overseas": True}, InvalidComponent, BFPO, "bfpo_not_accepted"),
    ("BFPO 61", {}, InvalidComponent, BFPO, "bfpo_not_accepted"),
    ("BFPO1234", {}, InvalidComponent, BFPO, "bfpo_not_accepted"),
    ("BFPO 61", {"bfpo": True}, InvalidFormat, BFPO_NUMBER, "bfpo_number"),
    ("BFPO 12345", {"bfpo": True}, InvalidFormat, FULL, "invalid_format"),
    ("ASCN 1ZZ", {}, InvalidComponent, OVERSEAS, "overseas_not_accepted"),
    ("GX11 1AA", {"bfpo": True}, InvalidComponent, OVERSEAS, "overseas_not_accepted"),
    ("STHL 1ZZ", {}, InvalidComponent, OVERSEAS, "overseas_not_accepted"),
    ("STHL 1ZA", {"overseas": True}, InvalidFormat, FULL, "invalid_format"),
    ("GX11 1AB", {"overseas": True}, InvalidFormat, FULL, "invalid_format"),
    ("GX1 1AA", {}, InvalidFormat, FULL, "invalid_format"),
]


@pytest.mark.parametrize(("typed", "expected"), ACCEPTED)
def test_accepted(typed: str, expected: str) -> None:
    assert postcode.validate(typed) == expected
    assert postcode.format(typed) == expected
    assert postcode.is_valid(typed) is True


@pytest.mark.parametrize(("typed", "flags", "error", "message", "code"), REFUSED)
def test_refused(
    typed: str, flags: dict[str, bool], error: type[ValidationError], message: str, code: str
) -> None:
    with pytest.raises(error) as caught:
        postcode.validate(typed, **flags)
    assert type(caught.value) is error
    assert caught.value.message == message
    assert caught.value.code == code
    assert postcode.is_valid(typed, **flags) is False


def test_issue_examples() -> None:
    assert postcode.validate(" sw1a-1aa ") == "SW1A 1AA"
    with pytest.raises(InvalidFormat):  # as the README shows
        postcode.validate("SW1A")
    assert postcode.is_valid("QA1 1AA") is False
    assert postcode.format("sw1a1aa") == "SW1A 1AA"


@pytest.mark.parametrize(
    "code",
    [
        "ASCN 1ZZ",
        "BBND 1ZZ",
        "BIQQ 1ZZ",
        "FIQQ 1ZZ",
        "GX11 1AA",
        "PCRN 1ZZ",
        "SIQQ 1ZZ",
        "STHL 1ZZ",
        "TDCU 1ZZ",
        "TKCA 1ZZ",
    ],
)
def test_overseas_territories_only_when_asked(code: str) -> None:
    assert not postcode.is_valid(code)
    assert postcode.validate(code.lower().replace(" ", ""), overseas=True) == code
    assert postcode.is_valid(code, overseas=True, bfpo=True)
    assert code in postcode.OVERSEAS_TERRITORY_POSTCODES


def test_bfpo_only_when_asked() -> None:
    assert postcode.validate("bf1 3aa", bfpo=True) == "BF1 3AA"
    assert postcode.format("BF13AA", bfpo=True) == "BF1 3AA"
    assert postcode.parse("BF1 3AA", bfpo=True).area == "BF"
    with pytest.raises(InvalidComponent):
        postcode.parse("BF1 3AA")


def test_compact() -> None:
    assert postcode.compact(" sw1a-1aa ") == "SW1A1AA"
    assert postcode.compact("(ec1a) 1bb.") == "EC1A1BB"
    assert postcode.compact(wide("SW1A 1AA")) == "SW1A1AA"
    # compact does not check, and leaves what it does not understand alone
    assert postcode.compact("qq 1\u0410") == "QQ1\u0410"
    assert postcode.compact("") == ""
    assert postcode.compact("\u017f") == "\u017f"  # only ASCII letters are upper-cased


@pytest.mark.parametrize("value", [None, 1, 1.5, b"SW1A 1AA", ["SW1A 1AA"], object()])
def test_not_a_string(value: object) -> None:
    for call in (postcode.compact, postcode.validate, postcode.format, postcode.parse):
        with pytest.raises(InvalidFormat) as caught:
            call(value)  # type: ignore[arg-type]
        assert caught.value.message == FULL
    assert postcode.is_valid(value) is False


def test_str_subclass_methods_never_run() -> None:
    class Odd(str):
        def strip(self, chars: str | None = None) -> str:
            raise RuntimeError("not called")

        def translate(self, table: object) -> str:
            raise RuntimeError("not called")

    assert postcode.validate(Odd(" sw1a 1aa ")) == "SW1A 1AA"
    assert type(postcode.validate(Odd("sw1a1aa"))) is str


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("sw1a1aa", ("SW", "SW1A", "SW1A 1", "AA", "SW1A", "1AA")),
        ("M1 1AE", ("M", "M1", "M1 1", "AE", "M1", "1AE")),
        ("B33 8TH", ("B", "B33", "B33 8", "TH", "B33", "8TH")),
        ("W1A 0AX", ("W", "W1A", "W1A 0", "AX", "W1A", "0AX")),
        ("GIR 0AA", ("GIR", "GIR", "GIR 0", "AA", "GIR", "0AA")),
    ],
)
def test_parse(typed: str, parts: tuple[str, ...]) -> None:
    result = postcode.parse(typed)
    assert (
        result.area,
        result.district,
        result.sector,
        result.unit,
        result.outward,
        result.inward,
    ) == parts
    assert str(result) == result.postcode == postcode.validate(typed)


def test_parts_are_frozen_and_slotted() -> None:
    parts = postcode.parse("SW1A 1AA")
    assert attrs.has(type(parts))
    assert not hasattr(parts, "__dict__")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        parts.area = "X"  # type: ignore[misc]
    assert parts == postcode.parse("sw1a1aa")
    assert parts.area == "SW"


def test_overseas_parse() -> None:
    parts = postcode.parse("ascn 1zz", overseas=True)
    assert (parts.area, parts.district, parts.sector) == ("ASCN", "ASCN", "ASCN 1")
    assert parts.unit == "ZZ"
    assert postcode.parse("GX11 1AA", overseas=True).area == "GX"


# --- properties -------------------------------------------------------------

# An independent statement of the rules, checked against the validator.
_ORACLE = re.compile(
    r"GIR0AA|(?!BF|GX)[A-PR-UWYZ]"
    r"(?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r"[0-9][ABD-HJLNP-UW-Z]{2}"
)


@given(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=5, max_size=7))
def test_agrees_with_an_independent_pattern(code: str) -> None:
    assert postcode.is_valid(code) == bool(_ORACLE.fullmatch(code))


@given(postcodes(bfpo=True, overseas=True))
def test_format_round_trips(value: str) -> None:
    flags = {"bfpo": True, "overseas": True}
    assert postcode.validate(value, **flags) == value
    assert postcode.validate(postcode.format(value, **flags), **flags) == value
    assert postcode.validate(postcode.compact(value), **flags) == value
    assert postcode.parse(value, **flags).postcode == value


@given(postcodes())
def test_valid_by_default(value: str) -> None:
    assert postcode.is_valid(value)


@given(postcodes().flatmap(lambda pc: typed_postcodes(pc).map(lambda typed: (pc, typed))))
def test_messy_input_gives_the_canonical_value(pair: tuple[str, str]) -> None:
    canonical, typed = pair
    assert postcode.validate(typed) == canonical


_CYRILLIC_LOOK_ALIKES = "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425"


@given(postcodes(), st.integers(0, 7), st.sampled_from(_CYRILLIC_LOOK_ALIKES))
def test_a_cyrillic_look_alike_anywhere_is_refused(value: str, index: int, cyrillic: str) -> None:
    index = min(index, len(value) - 1)
    with pytest.raises(InvalidFormat):
        postcode.validate(value[:index] + cyrillic + value[index + 1 :])


@given(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=5, max_size=7))
def test_fast_path_agrees_with_the_rules_one_by_one(code: str) -> None:
    if code[:2] in ("BF", "GX"):
        return
    try:
        outward, inward = postcode._classify(code, bfpo=False, overseas=False)
        slow = outward + inward == code and code != "GIR0AA"
    except ValidationError:
        slow = False
    assert bool(postcode._VALID.fullmatch(code)) is slow
