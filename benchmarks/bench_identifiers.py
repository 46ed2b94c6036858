"""Identifier validators against the cheapest honest floor.

* ``identifiers.postcode.validate``: 10,000 messy-but-valid postcodes (mixed
  case, missing or extra spaces, hyphens, dots, brackets, surrounding
  whitespace), against one precompiled regular expression ``fullmatch`` on the
  same postcodes already clean. The floor does less work (no tidying, no
  error messages), so the ratio is the price of tolerance and clear errors.
* ``identifiers.nino.validate``: 10,000 spaced, mixed-case numbers against a
  raw regex on the compact ones.
* ``identifiers.uprn.validate``: 10,000 zero-padded, spaced UPRNs against
  :func:`int` on the same text (which also strips spaces, but takes signs,
  underscores and other scripts' digits).

Inputs are generated with :class:`random.Random` from a fixed seed, so every
run measures the same strings.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable

from harness import Case, size

from lgds_components.identifiers import nino, postcode, uprn

__all__ = ["cases"]

SEED = 20240601
SIZE = size("LGDS_BENCH_IDENTIFIERS_SIZE", 10_000, smoke=50)

_FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"
_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"
_THIRD = "ABCDEFGHJKPSTUW"
_FOURTH = "ABEHMNPRVWXY"
_UNIT = "ABDEFGHJLNPQRSTUWXYZ"

# The floors: one precompiled pattern each, on clean input.
_POSTCODE_FLOOR = re.compile(
    r"[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?) [0-9][ABD-HJLNP-UW-Z]{2}"
)
_NINO_FLOOR = re.compile(
    r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]"
)


def _postcode(rng: random.Random) -> str:
    digit = rng.choice(string.digits)
    shape = rng.randrange(6)
    first = rng.choice(_FIRST)
    second = rng.choice(_SECOND)
    if first + second in ("BF", "GX"):
        second = "A"
    outward = [
        first + digit,
        first + digit + rng.choice(string.digits),
        first + second + digit,
        first + second + digit + rng.choice(string.digits),
        first + digit + rng.choice(_THIRD),
        first + second + digit + rng.choice(_FOURTH),
    ][shape]
    inward = rng.choice(string.digits) + rng.choice(_UNIT) + rng.choice(_UNIT)
    return f"{outward} {inward}"


def _messy_postcode(rng: random.Random, clean: str) -> str:
    outward, inward = clean.split(" ")
    text = "".join(c.lower() if rng.random() < 0.5 else c for c in outward + "|" + inward)
    middle = rng.choice(["", " ", "  ", "-", " - ", "."])
    text = text.replace("|", middle)
    if rng.random() < 0.2:
        text = f"({text})"
    return rng.choice(["", " ", "\t"]) + text + rng.choice(["", " ", "."])


def _nino(rng: random.Random) -> str:
    while True:
        prefix = rng.choice("ABCEGHJKLMNOPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")
        if prefix not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
            break
    digits = "".join(rng.choice(string.digits) for _ in range(6))
    return prefix + digits + rng.choice("ABCD")


def _messy_nino(rng: random.Random, clean: str) -> str:
    groups = [clean[:2], clean[2:4], clean[4:6], clean[6:8], clean[8]]
    text = rng.choice(["", " ", "-"]).join(groups)
    return text.lower() if rng.random() < 0.5 else text


def _pairs(
    make: Callable[[random.Random], str],
    mess: Callable[[random.Random, str], str],
    seed: int,
) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    clean = [make(rng) for _ in range(SIZE)]
    messy = [mess(rng, value) for value in clean]
    return clean, messy


def _indexed(func: Callable[[str], object], values: list[str]) -> Callable[[object], object]:
    """Call ``func`` on ``values[i]`` given ``i``.

    The case and its floor both take an index, so each pays the same small
    lookup and the floor can see the clean twin of the messy input.
    """

    def call(index: object) -> object:
        return func(values[index])  # type: ignore[call-overload]

    return call


def cases() -> list[Case]:
    """The identifier benchmarks, each against its floor."""
    pc_clean, pc_messy = _pairs(_postcode, _messy_postcode, SEED)
    if not all(postcode.validate(m) == c for m, c in zip(pc_messy, pc_clean, strict=True)):
        raise RuntimeError("generated postcodes do not validate")
    if not all(_POSTCODE_FLOOR.fullmatch(c) for c in pc_clean):
        raise RuntimeError("the postcode floor refuses a generated postcode")

    ni_clean, ni_messy = _pairs(_nino, _messy_nino, SEED + 1)
    if not all(nino.validate(m) == c for m, c in zip(ni_messy, ni_clean, strict=True)):
        raise RuntimeError("generated NI numbers do not validate")

    rng = random.Random(SEED + 2)
    uprns = [
        " " * rng.randrange(3) + str(rng.randrange(1, uprn.MAXIMUM + 1)).zfill(12)
        for _ in range(SIZE)
    ]
    if not all(uprn.validate(u) == int(u) for u in uprns):
        raise RuntimeError("generated UPRNs do not validate")

    indexes = list(range(SIZE))
    return [
        Case(
            name="identifiers.postcode.validate",
            inputs=indexes,
            run=_indexed(postcode.validate, pc_messy),
            floor=_indexed(_POSTCODE_FLOOR.fullmatch, pc_clean),
            floor_name="re.fullmatch on clean text",
            note="messy typed postcodes; the floor sees the same postcodes clean",
        ),
        Case(
            name="identifiers.nino.validate",
            inputs=indexes,
            run=_indexed(nino.validate, ni_messy),
            floor=_indexed(_NINO_FLOOR.fullmatch, ni_clean),
            floor_name="re.fullmatch on compact text",
            note="spaced, mixed-case numbers; the floor sees them compact",
        ),
        Case(
            name="identifiers.uprn.validate",
            inputs=uprns,
            run=uprn.validate,  # type: ignore[arg-type]
            floor=int,  # type: ignore[arg-type]
            floor_name="int()",
            note="zero-padded text with leading spaces, the same for both",
        ),
    ]
