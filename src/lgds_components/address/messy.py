"""Messy address text with known answers, for measuring matching.

:func:`messy_cases` takes addresses from a gazetteer and writes each in one of
three :data:`STYLES`:

- ``"typed"``: as people type: abbreviated (``Rd``, ``St``, ``Ave``), in odd
  case, with stray or missing punctuation, a small typo, the flat written
  ``Flat 2, 10 High St``, ``2/10 High Street`` or ``10 High St flat 2``, the
  postcode missing, partial or run together, the building name or town left
  out;
- ``"council"``: as council systems hold them (electoral register, council
  tax, benefits, planning, licensing): building and organisation names
  without numbers, care-of and PO Box lines, out-of-date or mistyped
  postcodes, numbers in words, flats described by floor, number ranges,
  lettered flats as suffixes (``40B``), words run together, name words
  shortened (``Stn Rd``), short names mistyped, counties, estate names;
- ``"mixed"``: both at once in other proportions, for checking a matcher on a
  setting it was not tuned on.

Each :class:`MessyCase` keeps the UPRN it was made from. A share of the cases
describe addresses that are not there (a number or flat the building does not
have, a basement flat, a building plot, land next to an address, a street and
number in the wrong town, a house name the lane lacks); their answer is
``None``, so a matcher that guesses loses precision.

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
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence

import attrs

from lgds_components.address import messy_forms as forms
from lgds_components.address.messy_kinds import COUNCIL_KINDS, MISSING_KINDS
from lgds_components.address.model import Address
from lgds_components.address.protocol import AddressLookup

__all__ = [
    "STYLES",
    "Evaluation",
    "MessyCase",
    "Style",
    "evaluate",
    "messy_cases",
    "messy_text",
    "score_answers",
]


@attrs.frozen(slots=True)
class MessyCase:
    """One messy text and the UPRN it means (``None``: no such address).

    Attributes:
        text: the messy text.
        uprn: the right answer.
        noise: what was done to it, such as ``"abbreviation, typo, no postcode"``.
        kind: the main kind of mess (a key of ``Style.kinds`` or ``Style.missing``),
            ``"typed"`` when only typing noise was added.
    """

    text: str
    uprn: int | None
    noise: str
    kind: str = "typed"


@attrs.frozen(slots=True)
class Style:
    """How a set of messy cases is written (see :data:`STYLES`).

    Attributes:
        name: the style's name.
        typed: how strongly typing noise applies (0 none, 1 as people type).
        kinds: council-system kinds (names in
            :data:`~lgds_components.address.messy_kinds.COUNCIL_KINDS`) and their weights.
        kinds_per_case: chances of 0, 1, 2, ... kinds in one case.
        missing: kinds of address that is not there and their weights.
        upper: share of cases in capitals (as many systems keep them).
        county: share with a county after the town.
        separators: what joins the lines.
    """

    name: str
    typed: float
    kinds: Mapping[str, float]
    kinds_per_case: tuple[float, ...]
    missing: Mapping[str, float]
    upper: float
    county: float
    separators: tuple[str, ...]


_ALL_KINDS = tuple(COUNCIL_KINDS)
_SAFE_FOR_MISSING = ("care of", "po box", "stem abbreviations", "short typo", "county",
                     "estate", "run together")

#: The styles :func:`messy_cases` can write (see the module docs).
STYLES: dict[str, Style] = {
    "typed": Style(
        name="typed", typed=1.0,
        kinds={"short typo": 1, "stem abbreviations": 1, "old postcode": 1, "county": 1},
        kinds_per_case=(0.85, 0.15),
        missing={"no such number": 3, "no such flat": 1, "wrong town": 1},
        upper=0.2, county=0.0, separators=(", ", ", ", " ", ",", " , ", ". "),
    ),
    "council": Style(
        name="council", typed=0.25,
        kinds={"name only": 3, "organisation only": 2, "trading name": 2, "care of": 2,
               "po box": 1, "old postcode": 3, "flat in words": 2, "house in words": 0.5,
               "floor": 3, "range": 2, "letter suffix": 2, "run together": 2,
               "stem abbreviations": 3, "short typo": 2, "county": 2, "estate": 1,
               "building": 1},
        kinds_per_case=(0.35, 0.45, 0.17, 0.03),
        missing={"no such number": 2, "no such flat": 1, "basement flat": 1, "plot": 1,
                 "land near": 2, "wrong town": 2, "no such name": 1},
        upper=0.5, county=0.2, separators=(", ", ", ", ",", " "),
    ),
    "mixed": Style(
        name="mixed", typed=0.7,
        kinds=dict.fromkeys(_ALL_KINDS, 1.0),
        kinds_per_case=(0.25, 0.4, 0.25, 0.1),
        missing={"no such number": 1, "no such flat": 1, "basement flat": 1, "plot": 1,
                 "land near": 1, "wrong town": 1, "no such name": 1},
        upper=0.35, county=0.1, separators=(", ", " ", "; ", " / ", ",  "),
    ),
}


def _finish(parts: forms.Parts, rng: random.Random, style: Style) -> str:
    """Case, separators and stray spaces, the same way for every kind."""
    if rng.random() < style.county and not parts.county:
        parts.county = rng.choice(forms.COUNTIES)
        parts.noise.append("county")
    upper = rng.random() < style.upper
    text = forms.render(parts, rng, upper=upper, separator=rng.choice(style.separators))
    if upper:
        parts.noise.append("upper case")
    elif rng.random() < 0.2 * style.typed:
        text = text.lower()
        parts.noise.append("lower case")
    if rng.random() < 0.1 * style.typed:
        text = f"  {text}.  "
    return text


def _council_layout(parts: forms.Parts, rng: random.Random, keep_town: bool) -> None:
    """What a council system keeps: the locality often, the postcode nearly always."""
    if rng.random() < 0.4:
        parts.locality = ""
    text, changed = forms.shorten_types(rng, parts.street, 0.35)
    if changed:
        parts.street = text
        parts.noise.append("abbreviation")
    if parts.postcode and rng.random() < 0.12:
        parts.postcode = ""
        parts.noise.append("no postcode")
    elif parts.postcode and not keep_town and rng.random() < 0.05:
        parts.town = parts.locality = ""
        parts.noise.append("no town")


def _write(address: Address, rng: random.Random, style: Style, kinds: Sequence[str],
           population: forms.Population | None, *,
           keep_town: bool = False) -> tuple[str, str] | None:
    """Apply ``kinds`` then the style's layout and noise; return (text, noise), or
    ``None`` when a kind does not apply to ``address``."""
    parts = forms.Parts.of(address)
    for kind in kinds:
        if not COUNCIL_KINDS[kind](parts, rng, address, population):
            return None
    if style.typed >= 0.5:
        forms.typed_noise(parts, rng, address, style.typed, keep_town=keep_town)
    else:
        _council_layout(parts, rng, keep_town)
    text = _finish(parts, rng, style)
    return text, ", ".join(dict.fromkeys(parts.noise)) or "clean"


def messy_text(address: Address, rng: random.Random, style: str = "typed") -> tuple[str, str]:
    """One messy rendering of ``address`` in ``style`` (no council kinds) and a
    description of the noise."""
    written = _write(address, rng, STYLES[style], (), None)
    assert written is not None  # no kinds: always written
    return written


def _pick_kinds(rng: random.Random, style: Style) -> list[str]:
    roll, count = rng.random(), 0
    for count, chance in enumerate(style.kinds_per_case):  # noqa: B007 - count used after
        if roll < chance:
            break
        roll -= chance
    names, weights = list(style.kinds), list(style.kinds.values())
    picked: list[str] = []
    while len(picked) < count and len(picked) < len(names):
        kind = rng.choices(names, weights)[0]
        if kind not in picked:
            picked.append(kind)
    return picked


def _positive(rng: random.Random, addresses: Sequence[Address], style: Style,
              population: forms.Population) -> MessyCase:
    kinds = _pick_kinds(rng, style)
    pool = population.buildings if "building" in kinds and population.buildings else addresses
    for _ in range(200):
        address = rng.choice(pool)
        written = _write(address, rng, style, kinds, population)
        if written is not None:
            text, noise = written
            return MessyCase(text, address.uprn, noise, kinds[0] if kinds else "typed")
    address = rng.choice(addresses)
    text, noise = messy_text(address, rng, style.name)
    return MessyCase(text, address.uprn, noise)


def _missing(rng: random.Random, addresses: Sequence[Address], style: Style,
             population: forms.Population) -> MessyCase | None:
    names, weights = list(style.missing), list(style.missing.values())
    kind = rng.choices(names, weights)[0]
    for _ in range(200):
        address = rng.choice(addresses)
        made = MISSING_KINDS[kind](rng, address, population)
        if made is None:
            continue
        if isinstance(made, str):
            upper = rng.random() < style.upper
            return MessyCase(made.upper() if upper else made, None, f"not there: {kind}", kind)
        extra = [k for k in _pick_kinds(rng, style) if k in _SAFE_FOR_MISSING]
        written = _write(made, rng, style, extra, population, keep_town=True)
        if written is None:
            continue
        text, noise = written
        return MessyCase(text, None, f"not there: {kind}, {noise}", kind)
    return None


def messy_cases(
    addresses: Sequence[Address], count: int, seed: int = 0, *, missing: float = 0.05,
    style: str = "typed", population: Iterable[Address] | None = None,
) -> Iterator[MessyCase]:
    """Yield ``count`` messy cases made from ``addresses`` in ``style`` (repeatably).

    A share ``missing`` of them describe an address that is not there, with
    answer ``None``. ``population`` is every address of the gazetteer, against
    which a made-up address is checked (by default ``addresses``: then a
    made-up number may exist among addresses not passed).

    Raises:
        KeyError: ``style`` is not one of :data:`STYLES`.
    """
    chosen = STYLES[style]
    rng = random.Random(seed)
    if not addresses:
        return
    known = forms.Population(addresses if population is None else population)
    made = 0
    while made < count:
        case = None
        if rng.random() < missing:
            case = _missing(rng, addresses, chosen, known)
        if case is None:
            case = _positive(rng, addresses, chosen, known)
        made += 1
        yield case


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
        refused_missing: cases with no right answer that the matcher refused.
    """

    total: int
    answered: int
    correct: int
    positives: int
    seconds: float
    wrong: tuple[tuple[MessyCase, int], ...]
    missed: tuple[MessyCase, ...]
    refused_missing: int = 0

    @property
    def precision(self) -> float:
        """Share of answers that were right."""
        return self.correct / self.answered if self.answered else 1.0

    @property
    def recall(self) -> float:
        """Share of answerable cases answered rightly."""
        return self.correct / self.positives if self.positives else 1.0

    @property
    def missing_refused(self) -> float:
        """Share of the cases with no right answer that were refused."""
        negatives = self.total - self.positives
        return self.refused_missing / negatives if negatives else 1.0

    @property
    def per_second(self) -> float:
        """Matches per second."""
        return self.total / self.seconds if self.seconds else 0.0


def score_answers(cases: Sequence[MessyCase], answers: Sequence[int | None],
                  seconds: float = 0.0) -> Evaluation:
    """An :class:`Evaluation` of ``answers`` (a UPRN or ``None`` per case), from any matcher."""
    answered = correct = positives = refused = 0
    wrong: list[tuple[MessyCase, int]] = []
    missed: list[MessyCase] = []
    for case, answer in zip(cases, answers, strict=True):
        positives += case.uprn is not None
        if answer is None:
            if case.uprn is None:
                refused += 1
            elif len(missed) < 50:
                missed.append(case)
            continue
        answered += 1
        if answer == case.uprn:
            correct += 1
        elif len(wrong) < 50:
            wrong.append((case, answer))
    return Evaluation(
        total=len(cases), answered=answered, correct=correct, positives=positives,
        seconds=seconds, wrong=tuple(wrong), missed=tuple(missed), refused_missing=refused,
    )


def evaluate(
    lookup: AddressLookup, cases: Sequence[MessyCase], *, threshold: float | None = None
) -> Evaluation:
    """Run ``lookup.match_many`` over ``cases`` and score the answers."""
    started = time.perf_counter()
    answers = [None if found is None else found.uprn
               for found in lookup.match_many((case.text for case in cases), threshold=threshold)]
    return score_answers(cases, answers, time.perf_counter() - started)
