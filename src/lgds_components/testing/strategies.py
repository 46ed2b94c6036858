"""Hypothesis strategies for the UK identifiers (needs the ``test`` extra).

Valid values come in canonical form, the form ``validate()`` returns:

* :func:`postcodes` - ``"SW1A 1AA"``-style postcodes of every BS 7666 shape;
* :func:`uprns`, :func:`usrns` - :class:`int`;
* :func:`ninos` - compact National Insurance numbers, ``"AB123456C"``.

The ``typed_*`` strategies give what people type for those values: mixed case,
missing or extra spaces, hyphens, dots, brackets, zero padding, fullwidth
characters, surrounding whitespace. Each takes an optional canonical value to
vary, which makes round-trip properties easy to write:

>>> from hypothesis import given
>>> from lgds_components.identifiers import postcode
>>> from lgds_components.testing.strategies import postcodes, typed_postcodes
>>> @given(postcodes().flatmap(lambda pc: typed_postcodes(pc).map(lambda t: (pc, t))))
... def test_tidies_what_people_type(pair):
...     canonical, typed = pair
...     assert postcode.validate(typed) == canonical
>>> test_tidies_what_people_type()

The rules are restated here independently of the validators, so the
strategies can be used to test them.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

__all__ = [
    "ninos",
    "postcodes",
    "typed_ninos",
    "typed_postcodes",
    "typed_uprns",
    "typed_usrns",
    "uprns",
    "usrns",
]

_LETTERS = string.ascii_uppercase
_FIRST = "".join(c for c in _LETTERS if c not in "QVX")
_SECOND = "".join(c for c in _LETTERS if c not in "IJZ")
_THIRD = "ABCDEFGHJKPSTUW"
_FOURTH = "ABEHMNPRVWXY"
_UNIT = "".join(c for c in _LETTERS if c not in "CIKMOV")
_OVERSEAS = (
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
)

_NINO_FIRST = "".join(c for c in _LETTERS if c not in "DFIQUV")
_NINO_SECOND = "".join(c for c in _LETTERS if c not in "DFIOQUV")
_NINO_NEVER = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})

_SURROUNDING = st.sampled_from(["", " ", "  ", "\t", "\n", "\u00a0", "\u200b", "\u3000"])


def _letter(alphabet: str) -> st.SearchStrategy[str]:
    return st.sampled_from(alphabet)


def _digit() -> st.SearchStrategy[str]:
    return st.sampled_from(string.digits)


def _outward() -> st.SearchStrategy[str]:
    first, second = _letter(_FIRST), _letter(_SECOND)
    digit = _digit()
    shapes = st.one_of(
        st.tuples(first, digit),  # A9
        st.tuples(first, digit, digit),  # A99
        st.tuples(first, second, digit),  # AA9
        st.tuples(first, second, digit, digit),  # AA99
        st.tuples(first, digit, _letter(_THIRD)),  # A9A
        st.tuples(first, second, digit, _letter(_FOURTH)),  # AA9A
    )
    return shapes.map("".join)


def _inward() -> st.SearchStrategy[str]:
    return st.tuples(_digit(), _letter(_UNIT), _letter(_UNIT)).map("".join)


def postcodes(*, bfpo: bool = False, overseas: bool = False) -> st.SearchStrategy[str]:
    """Valid postcodes in display form (``"SW1A 1AA"``).

    ``bfpo`` adds BFPO postcodes (``"BF1 3AA"``) and ``overseas`` the British
    Overseas Territory postcodes, matching the validator's keyword flags.
    """
    ordinary = st.builds(lambda out, inw: f"{out} {inw}", _outward(), _inward()).filter(
        lambda pc: not pc.startswith(("BF", "GX"))
    )
    choices = [ordinary, st.just("GIR 0AA")]
    if bfpo:
        choices.append(_inward().map(lambda inw: f"BF1 {inw}"))
    if overseas:
        choices.append(st.sampled_from(_OVERSEAS))
    return st.one_of(*choices)


def _mixed_case(text: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
        lambda lower: "".join(c.lower() if low else c for c, low in zip(text, lower, strict=True))
    )


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _typed_postcode(postcode: str) -> st.SearchStrategy[str]:
    outward, inward = postcode.split(" ")

    @st.composite
    def typed(draw: st.DrawFn) -> str:
        out = draw(_mixed_case(outward))
        inw = draw(_mixed_case(inward))
        if draw(st.booleans()):
            out = f"({out})"
        middle = draw(st.sampled_from(["", " ", "  ", "-", " - ", ".", "\u2013", "\u00a0"]))
        text = out + middle + inw + draw(st.sampled_from(["", ".", ","]))
        if draw(st.integers(0, 9)) == 0:
            text = _fullwidth(text)
        return draw(_SURROUNDING) + text + draw(_SURROUNDING)

    return typed()


def typed_postcodes(postcode: str | None = None) -> st.SearchStrategy[str]:
    """Postcodes as people type them; variants of ``postcode`` if given.

    ``postcode`` is a valid postcode in display form; without it, variants of
    any ordinary postcode are drawn.
    """
    if postcode is None:
        return postcodes().flatmap(_typed_postcode)
    return _typed_postcode(postcode)


def _numbers(maximum: int) -> st.SearchStrategy[int]:
    return st.one_of(
        st.integers(1, maximum),
        st.sampled_from([1, 9, 10, maximum // 10, maximum // 10 + 1, maximum]),
    )


def uprns() -> st.SearchStrategy[int]:
    """Valid UPRNs, :class:`int` from 1 to 999,999,999,999."""
    return _numbers(999_999_999_999)


def usrns() -> st.SearchStrategy[int]:
    """Valid USRNs, :class:`int` from 1 to 99,999,999."""
    return _numbers(99_999_999)


def _typed_number(number: int, width: int) -> st.SearchStrategy[str | int]:
    @st.composite
    def typed(draw: st.DrawFn) -> str:
        text = str(number).zfill(draw(st.integers(0, width)))
        if draw(st.integers(0, 9)) == 0:
            text = _fullwidth(text)
        return draw(_SURROUNDING) + text + draw(_SURROUNDING)

    return st.one_of(st.just(number), typed())


def typed_uprns(uprn: int | None = None) -> st.SearchStrategy[str | int]:
    """UPRNs as they arrive: an :class:`int`, or text zero-padded and spaced."""
    if uprn is None:
        return uprns().flatmap(lambda n: _typed_number(n, 16))
    return _typed_number(uprn, 16)


def typed_usrns(usrn: int | None = None) -> st.SearchStrategy[str | int]:
    """USRNs as they arrive: an :class:`int`, or text zero-padded and spaced."""
    if usrn is None:
        return usrns().flatmap(lambda n: _typed_number(n, 12))
    return _typed_number(usrn, 12)


def ninos() -> st.SearchStrategy[str]:
    """Valid National Insurance numbers in compact form (``"AB123456C"``)."""
    prefix = st.tuples(_letter(_NINO_FIRST), _letter(_NINO_SECOND)).map("".join)
    return st.builds(
        lambda pre, digits, suffix: f"{pre}{digits}{suffix}",
        prefix.filter(lambda pre: pre not in _NINO_NEVER),
        st.text(string.digits, min_size=6, max_size=6),
        _letter("ABCD"),
    )


def _typed_nino(number: str) -> st.SearchStrategy[str]:
    groups = [number[:2], number[2:4], number[4:6], number[6:8], number[8]]

    @st.composite
    def typed(draw: st.DrawFn) -> str:
        parts = [draw(_mixed_case(group)) for group in groups]
        separator = st.sampled_from(["", " ", "-", ".", "\u00a0"])
        text = parts[0]
        for part in parts[1:]:  # at most 4 separators: never over 13 characters
            text += draw(separator) + part
        return draw(_SURROUNDING) + text + draw(_SURROUNDING)

    return typed()


def typed_ninos(nino: str | None = None) -> st.SearchStrategy[str]:
    """National Insurance numbers as people type them (at most 13 characters
    between the surrounding spaces); variants of ``nino`` if given."""
    if nino is None:
        return ninos().flatmap(_typed_nino)
    return _typed_nino(nino)
