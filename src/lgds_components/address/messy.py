"""Messy address text with known answers, for measuring matching.

:func:`messy_cases` takes addresses from a gazetteer and writes each the way
people and old systems do: abbreviated (``Rd``, ``St``, ``Ave``), in odd
case, with stray or missing punctuation, a small typo, the flat written
``Flat 2, 10 High St``, ``2/10 High Street`` or ``10 High St flat 2``, the
postcode missing, partial or run together, the building name or town left
out. Each :class:`MessyCase` keeps the UPRN it was made from. A share of the
cases describe addresses that do not exist (a house number the street does
not have); their answer is ``None``, so a matcher that guesses loses
precision.

>>> from lgds_components.address import Gazetteer
>>> from lgds_components.address.messy import messy_cases, evaluate
>>> with Gazetteer.sample() as gaz:
...     cases = list(messy_cases(gaz.sample_addresses(50, seed=1), 50, seed=1))
...     result = evaluate(gaz, cases)
>>> len(cases), result.total
(50, 50)
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator, Sequence

import attrs

from lgds_components.address.model import Address
from lgds_components.address.protocol import AddressLookup

__all__ = ["Evaluation", "MessyCase", "evaluate", "messy_cases", "messy_text"]

_SHORT = {
    "Street": ["St", "St.", "Str"], "Road": ["Rd", "Rd."], "Avenue": ["Ave", "Av"],
    "Lane": ["Ln"], "Drive": ["Dr"], "Close": ["Cl"], "Crescent": ["Cres"],
    "Place": ["Pl"], "Terrace": ["Terr", "Tce"], "Gardens": ["Gdns"], "Court": ["Ct"],
    "Square": ["Sq"], "Grove": ["Gro"], "Apartment": ["Apt", "Flat"], "Cottage": ["Cott"],
    "Saint": ["St"], "Flat": ["Flat", "flat", "FLAT", "Flt"],
}


_FLAT_NUMBER = re.compile(r"^(?:Flat|Apartment) ", re.IGNORECASE)


@attrs.frozen(slots=True)
class MessyCase:
    """One messy text and the UPRN it means (``None``: no such address).

    Attributes:
        text: the messy text.
        uprn: the right answer.
        noise: what was done to it, such as ``"abbreviation, typo, no postcode"``.
    """

    text: str
    uprn: int | None
    noise: str


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    position = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:  # swap two letters
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    if kind == 1:  # drop one
        return word[:position] + word[position + 1 :]
    if kind == 2:  # double one
        return word[:position] + word[position] + word[position:]
    replacement = rng.choice("aeioulnrst".replace(word[position].lower(), ""))
    return word[:position] + replacement + word[position + 1 :]


def _shorten(rng: random.Random, text: str, noise: list[str]) -> str:
    words = text.split()
    changed = False
    for index, word in enumerate(words):
        options = _SHORT.get(word)
        if options and rng.random() < 0.6:
            words[index] = rng.choice(options)
            changed = True
    if changed:
        noise.append("abbreviation")
    return " ".join(words)


def messy_text(address: Address, rng: random.Random) -> tuple[str, str]:
    """One messy rendering of ``address`` and a description of the noise."""
    noise: list[str] = []
    flat = address.sao
    building = address.pao_text
    number = address.pao_numbers
    street = address.street
    parts: list[str] = []
    if address.organisation:
        parts.append(address.organisation)
    named = False
    if building and (not number or rng.random() < 0.6):
        parts.append(_shorten(rng, building, noise))
        named = True
    elif building:
        noise.append("no building name")
    street_text = _shorten(rng, street, noise)
    words = street_text.split()
    if len(words) > 1 and rng.random() < 0.08:
        street_text = " ".join(words[:-1])
        noise.append("no street type")
    if rng.random() < 0.25:
        words = street_text.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        typo = _typo(rng, words[longest])
        if typo != words[longest]:
            words[longest] = typo
            noise.append("typo")
        street_text = " ".join(words)
    line = f"{number} {street_text}".strip()
    if flat:
        flat_text = _shorten(rng, flat, noise)
        form = rng.random()
        flat_number = address.sao_numbers or _FLAT_NUMBER.sub("", address.sao_text)
        if form < 0.15 and flat_number.isalnum() and number and not named:
            line = f"{flat_number}/{line}"
            noise.append("2/10 form")
        elif form < 0.3 and not named:
            line = f"{line} {flat_text}"
            noise.append("flat after street")
        else:
            parts.insert(0, flat_text)
    parts.append(line)
    if address.locality and rng.random() < 0.3:
        parts.append(address.locality)
    roll = rng.random()
    postcode = address.postcode
    if not postcode or roll < 0.25:
        parts.append(address.town)
        noise.append("no postcode")
    else:
        if rng.random() < 0.6:
            parts.append(address.town)
        else:
            noise.append("no town")
        if roll < 0.4:
            parts.append(postcode.split()[0])
            noise.append("partial postcode")
        elif roll < 0.55:
            parts.append(postcode.replace(" ", "").lower())
            noise.append("postcode run together")
        else:
            parts.append(postcode)
    if rng.random() < 0.08:
        parts.append(rng.choice(["UK", "United Kingdom", "England", "Great Britain"]))
        noise.append("extra words")
    separator = rng.choice([", ", ", ", " ", ",", " , ", ". "])
    text = separator.join(part for part in parts if part)
    case = rng.random()
    if case < 0.2:
        text = text.upper()
        noise.append("upper case")
    elif case < 0.4:
        text = text.lower()
        noise.append("lower case")
    if rng.random() < 0.1:
        text = f"  {text}.  "
    return text, ", ".join(noise) or "clean"


def messy_cases(
    addresses: Sequence[Address], count: int, seed: int = 0, *, missing: float = 0.05
) -> Iterator[MessyCase]:
    """Yield ``count`` messy cases made from ``addresses`` (chosen at random, repeatably).

    A share ``missing`` of them name a house number that does not exist on the
    street, with answer ``None``.
    """
    rng = random.Random(seed)
    if not addresses:
        return
    for _ in range(count):
        address = rng.choice(addresses)
        if rng.random() < missing and address.pao_start_number is not None:
            fake = address.evolve(pao_start_number=address.pao_start_number + 5000,
                                  pao_end_number=None, pao_start_suffix="")
            text, noise = messy_text(fake, rng)
            yield MessyCase(text, None, f"no such address, {noise}")
            continue
        text, noise = messy_text(address, rng)
        yield MessyCase(text, address.uprn, noise)


@attrs.frozen(slots=True)
class Evaluation:
    """Precision and recall of a matcher on messy cases.

    Attributes:
        total: cases run.
        answered: cases the matcher answered (not ``None``).
        correct: answers that were the right UPRN.
        positives: cases with a right answer (not ``None``).
        seconds: time taken by ``match_many``.
        wrong: up to 50 ``(case, uprn answered)`` pairs that were wrong.
        missed: up to 50 cases with an answer that the matcher did not answer.
    """

    total: int
    answered: int
    correct: int
    positives: int
    seconds: float
    wrong: tuple[tuple[MessyCase, int], ...]
    missed: tuple[MessyCase, ...]

    @property
    def precision(self) -> float:
        """Share of answers that were right."""
        return self.correct / self.answered if self.answered else 1.0

    @property
    def recall(self) -> float:
        """Share of answerable cases answered rightly."""
        return self.correct / self.positives if self.positives else 1.0

    @property
    def per_second(self) -> float:
        """Matches per second."""
        return self.total / self.seconds if self.seconds else 0.0


def evaluate(
    lookup: AddressLookup, cases: Sequence[MessyCase], *, threshold: float | None = None
) -> Evaluation:
    """Run ``lookup.match_many`` over ``cases`` and score the answers."""
    started = time.perf_counter()
    answers = list(lookup.match_many((case.text for case in cases), threshold=threshold))
    seconds = time.perf_counter() - started
    answered = correct = positives = 0
    wrong: list[tuple[MessyCase, int]] = []
    missed: list[MessyCase] = []
    for case, answer in zip(cases, answers, strict=True):
        positives += case.uprn is not None
        if answer is None:
            if case.uprn is not None and len(missed) < 50:
                missed.append(case)
            continue
        answered += 1
        if answer.uprn == case.uprn:
            correct += 1
        elif len(wrong) < 50:
            wrong.append((case, answer.uprn))
    return Evaluation(
        total=len(cases), answered=answered, correct=correct, positives=positives,
        seconds=seconds, wrong=tuple(wrong), missed=tuple(missed),
    )
