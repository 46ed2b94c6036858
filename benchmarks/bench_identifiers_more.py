"""Phone, email, money and modulus-check validators against the cheapest honest floor.

* ``identifiers.phone.validate``: messy-but-valid UK numbers (spaces, hyphens,
  brackets, ``+44``/``0044``/``(0)`` prefixes), against raw
  ``phonenumbers.parse(clean, "GB")`` plus ``is_valid_number`` on the same
  numbers already clean. The ratio is the price of tidying, the drama-number
  check and typed errors.
* ``identifiers.email.validate``: addresses with surrounding spaces and mixed
  case domains, against raw ``email_validator.validate_email(clean,
  check_deliverability=False)``.
* ``identifiers.money.validate``: amounts typed as ``"£1,234.50"``, ``"12.5"``
  and ``"GBP 7"``, against ``int(Decimal(clean) * 100)`` on the bare number.
* ``identifiers.modulus.check``: sort code and account number pairs against a
  1,100-row synthetic weight table (the size of the published one), against
  one weighted sum modulo 11 over 14 prepared digits, which is the least any
  check can do.
* ``identifiers.modulus.WeightTable.load`` (one-shot, in ``results``): load
  time of that table from a file (median of 7), and the peak Python memory a
  load allocates (a separate run under :mod:`tracemalloc`).

Sizes: ``LGDS_BENCH_IDENTIFIERS_MORE_SIZE`` inputs per case (default 5,000).
Inputs come from :class:`random.Random` with a fixed seed, so every run
measures the same strings.
"""

from __future__ import annotations

import random
import string
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import email_validator
import phonenumbers
from harness import Case, Result, size

from lgds_components.identifiers import email, money, phone
from lgds_components.identifiers.modulus import ModulusChecker, WeightTable

__all__ = ["cases", "results"]

SEED = 20261129
SIZE = size("LGDS_BENCH_IDENTIFIERS_MORE_SIZE", 5000, smoke=50)
TABLE_ROWS = 1_100

# UK ranges libphonenumber knows to be valid: mobiles, London, Leeds, 0300.
_PHONE_STARTS = ["0740", "0771", "0780", "0791", "0207", "0208", "01132", "0300"]


def _phone(rng: random.Random) -> tuple[str, str]:
    while True:
        start = rng.choice(_PHONE_STARTS)
        clean = start + "".join(rng.choice(string.digits) for _ in range(11 - len(start)))
        # libphonenumber must call it valid, and it must not be a drama number
        if phonenumbers.is_valid_number(phonenumbers.parse(clean, "GB")) and not phone.is_drama(
            clean
        ):
            break
    style = rng.randrange(5)
    if style == 0:
        messy = f"{clean[:5]} {clean[5:]}"
    elif style == 1:
        messy = f"+44 {clean[1:5]} {clean[5:]}"
    elif style == 2:
        messy = f"+44 (0){clean[1:4]}-{clean[4:7]}-{clean[7:]}"
    elif style == 3:
        messy = f"0044 {clean[1:]}"
    else:
        messy = f"({clean[:5]}) {clean[5:8]} {clean[8:]} "
    return messy, clean


def _email(rng: random.Random) -> tuple[str, str]:
    local = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 12)))
    if rng.random() < 0.5:
        local += "." + "".join(rng.choice(string.ascii_lowercase) for _ in range(5))
    domain = rng.choice(["example.com", "council.gov.uk", "mail.example.co.uk"])
    clean = f"{local}@{domain}"
    messy = f"  {local}@{domain.upper() if rng.random() < 0.3 else domain} "
    return messy, clean


def _money(rng: random.Random) -> tuple[str, str]:
    pence = rng.randrange(0, 10_000_000)
    pounds, rest = divmod(pence, 100)
    clean = f"{pounds}.{rest:02d}"
    style = rng.randrange(3)
    if style == 0:
        messy = f"£{pounds:,}.{rest:02d}"
    elif style == 1:
        messy = f"{pounds}.{rest:02d}".rstrip("0") if rest % 10 == 0 and rest else clean
    else:
        messy = f"GBP {pounds}"
        clean = str(pounds)
    return messy, clean


def _table_lines(rng: random.Random) -> list[str]:
    """A table shaped like the published one: sorted ranges, some with two rows."""
    lines: list[str] = []
    start = 10_000
    while len(lines) < TABLE_ROWS:
        end = start + rng.randrange(0, 2_000)
        method = rng.choice(["MOD10", "MOD11", "DBLAL"])
        weights = " ".join(str(rng.randrange(0, 10)) for _ in range(14))
        lines.append(f"{start:06d} {end:06d} {method} {weights}")
        if rng.random() < 0.5:
            lines.append(f"{start:06d} {end:06d} DBLAL 2 1 2 1 2 1 2 1 2 1 2 1 2 1")
        start = end + 1 + rng.randrange(0, 200)
    return lines


def _checker_and_pairs(rng: random.Random) -> tuple[ModulusChecker, list[tuple[str, str]]]:
    table = WeightTable.parse(_table_lines(random.Random(SEED)))
    rows = list(table)
    pairs = []
    for _ in range(SIZE):
        row = rng.choice(rows)
        sort = f"{rng.randrange(int(row.start), int(row.end) + 1):06d}"
        account = "".join(rng.choice(string.digits) for _ in range(8))
        pairs.append((sort, account))
    return ModulusChecker(table), pairs


_FLOOR_WEIGHTS = (0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1)


def _floor_modulus(digits: object) -> bool:
    total = 0
    for digit, weight in zip(digits, _FLOOR_WEIGHTS, strict=True):  # type: ignore[call-overload]
        total += digit * weight
    return total % 11 == 0


def cases() -> list[Case]:
    rng = random.Random(SEED)
    phones = [_phone(rng) for _ in range(SIZE)]
    emails = [_email(rng) for _ in range(SIZE)]
    amounts = [_money(rng) for _ in range(SIZE)]
    checker, pairs = _checker_and_pairs(random.Random(SEED + 1))
    # Each input carries what the run needs and what the floor needs.
    return [
        Case(
            name="identifiers.phone.validate",
            inputs=phones,
            run=lambda pair: phone.validate(pair[0]),  # type: ignore[index]
            floor=lambda pair: phonenumbers.is_valid_number(
                phonenumbers.parse(pair[1], "GB")  # type: ignore[index]
            ),
            floor_name="phonenumbers.parse + is_valid_number",
            note="messy UK numbers",
        ),
        Case(
            name="identifiers.email.validate",
            inputs=emails,
            run=lambda pair: email.validate(pair[0]),  # type: ignore[index]
            floor=lambda pair: email_validator.validate_email(
                pair[1],  # type: ignore[index]
                check_deliverability=False,
            ),
            floor_name="email_validator.validate_email",
            note="no DNS",
        ),
        Case(
            name="identifiers.money.validate",
            inputs=amounts,
            run=lambda pair: money.validate(pair[0]),  # type: ignore[index]
            floor=lambda pair: int(Decimal(pair[1]) * 100),  # type: ignore[index]
            floor_name="int(Decimal(text) * 100)",
            note="£, commas, GBP",
        ),
        Case(
            name="identifiers.modulus.check",
            inputs=[(s, a, [int(c) for c in s + a]) for s, a in pairs],
            run=lambda triple: checker.check(triple[0], triple[1]),  # type: ignore[index]
            floor=lambda triple: _floor_modulus(triple[2]),  # type: ignore[index]
            floor_name="one weighted sum mod 11",
            note=f"{len(checker.weights):,}-row table",
        ),
    ]


def results(filter: str) -> list[Result]:
    name = "identifiers.modulus.WeightTable.load"
    if filter not in name:
        return []
    lines = _table_lines(random.Random(SEED))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "valacdos.txt"
        path.write_text("\n".join(lines) + "\n", encoding="ascii")
        timings = []
        for _ in range(7):
            start = time.perf_counter()
            WeightTable.load(path)
            timings.append(time.perf_counter() - start)
        tracemalloc.start()
        table = WeightTable.load(path)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del table
    timings.sort()
    return [
        Result(
            name=name,
            size=len(lines),
            median_s=timings[len(timings) // 2],
            p99_s=timings[-1],
            floor_median_s=None,
            floor_name="",
            note=f"peak {peak / 1024:.0f} KiB allocated while loading (tracemalloc)",
        )
    ]
