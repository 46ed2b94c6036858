
"""Forms: garden waste submissions validated per second, against raw ``jsonschema``.

The form is ``examples/forms/garden_waste.schema.json`` (12 fields on 4 pages:
name, email, phone, address with postcode, start date, number of bins,
account name, sort code and account number). Each case validates whole-form
posts of raw browser strings with :meth:`Form.validate_all`: normalising,
checking, choosing one error per field and writing GOV.UK messages.

The floor is a reused :class:`jsonschema.Draft202012Validator` for the same
schema with the same format checker, collecting every error
(``list(iter_errors(...))``) on the same submissions already normalised
(canonical postcodes, ISO dates, integer bins): what validating with
``jsonschema`` alone costs, before any normalising or messages.

Valid posts are all different (names, emails, phone numbers, postcodes,
dates, account numbers); invalid posts break 4 to 8 fields each in different
ways. ``results()`` adds one-shot figures: submissions per second over a
whole run of posts on one core, for the form and the floor, and the time to
load the form.

A last case times every field normaliser (text, name, number, money, date
parts, choice and each format) on
:data:`~lgds_components.testing.adversarial.ADVERSARIAL_TEXT` (about 100,000
characters each), against ``str.strip()`` of the same input: one C pass over
every character. The tests check the same property without a clock (bounded
Python work, counted with ``python_lines``).

Sizes: ``LGDS_BENCH_FORMS_POSTS`` posts per case (default 2,000).

    python benchmarks/run.py forms
"""

from __future__ import annotations

import datetime
import gc
import random
import time
from pathlib import Path
from typing import Any

from harness import Case, Result, size
from jsonschema import Draft202012Validator

from lgds_components.forms import Form, formats
from lgds_components.forms.formats import format_checker
from lgds_components.forms.normalise import FieldProblem, date_parts, money, name, number, text
from lgds_components.testing.adversarial import ADVERSARIAL_TEXT

SCHEMA = Path(__file__).resolve().parents[1] / "examples" / "forms" / "garden_waste.schema.json"
POSTS = size("LGDS_BENCH_FORMS_POSTS", 2000, smoke=20)
TODAY = datetime.date(2026, 3, 10)

_FIRST = ["Siân", "Gareth", "Aisha", "Tomasz", "Zoë", "Oluwaseun", "Mary", "Rhodri", "Priya",
          "Liam"]
_LAST = ["O’Brien", "Jones", "Khan", "Nowak", "Smith-Jones", "Adeyemi", "Evans", "Patel", "Murphy"]
_POSTCODES = ["CF10 1AA", "sw1a-1aa", "ex4 1aa", "M1 1AE", "b33 8th", "EC1A 1BB", "ll57 2dg"]
_PHONES = ["01632 960 {:03d}", "020 7946 0{:03d}", "+44 7700 900{:03d}", "(0113) 496 0{:03d}"]
_SORT_CODES = ["30-94-30", "309430", "20 00 00", "40–47–84"]


def _valid_post(rng: random.Random, index: int) -> dict[str, str]:
    start = TODAY + datetime.timedelta(days=rng.randint(0, 90))
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return {
        "full_name": f"  {first} {last} ",
        "email": f"{first.lower()}.{index}@example.com",
        "phone": rng.choice(_PHONES).format(rng.randint(0, 999)),
        "address_line_1": f"{rng.randint(1, 200)} High Street",
        "address_line_2": rng.choice(["", "Flat 2"]),
        "town": rng.choice(["Cardiff", "Exeter", "Leeds"]),
        "postcode": rng.choice(_POSTCODES),
        "start_date-day": str(start.day),
        "start_date-month": rng.choice(
            [str(start.month), start.strftime("%b"), start.strftime("%B")]
        ),
        "start_date-year": str(start.year),
        "bins": str(rng.randint(1, 5)),
        "account_name": f"{first[0]} {last}"[:18],
        "sort_code": rng.choice(_SORT_CODES),
        "account_number": f"{rng.randint(0, 99_999_999):08d}",
    }


_BREAKAGES: list[tuple[str, str]] = [
    ("full_name", ""), ("email", "not-an-email"), ("phone", "12345"), ("address_line_1", ""),
    ("postcode", "CF10"), ("start_date-month", ""), ("start_date-day", "31"),
    ("start_date-year", "26"), ("bins", "9"), ("bins", "two"), ("account_name", "x" * 40),
    ("sort_code", "30-94"), ("account_number", "1234"), ("town", ""),
]


def _invalid_post(rng: random.Random, index: int) -> dict[str, str]:
    post = _valid_post(rng, index)
    for key, value in rng.sample(_BREAKAGES, rng.randint(4, 8)):
        post[key] = value
    if post["start_date-day"] == "31":
        post["start_date-month"] = "2"
    return post


def _instance(form: Form, post: dict[str, str]) -> dict[str, Any]:
    """The submission as already-normalised JSON: canonical where readable, raw where not."""
    result = form.validate_all(post, today=TODAY)
    instance: dict[str, Any] = {}
    for field in form.fields:
        if field.name in result.data:
            value = result.data[field.name]
            if value is None:
                continue
            instance[field.name] = value.isoformat() if isinstance(value, datetime.date) else value
        elif field.input == "date":
            instance[field.name] = "-".join(post.get(k, "") for k in reversed(field.keys()))
        elif post.get(field.name):
            instance[field.name] = post[field.name]
    return instance


def _setup() -> tuple[Form, Draft202012Validator, list[dict[str, str]], list[dict[str, str]]]:
    form = Form.from_file(SCHEMA, test_mode=True)
    raw = Draft202012Validator(form.schema, format_checker=format_checker(test_mode=True))
    rng = random.Random(20260310)
    valid = [_valid_post(rng, i) for i in range(POSTS)]
    invalid = [_invalid_post(rng, i) for i in range(POSTS)]
    return form, raw, valid, invalid


def cases() -> list[Case]:
    form, raw, valid, invalid = _setup()
    out = []
    for label, posts in (("valid", valid), ("invalid", invalid)):
        instances = [_instance(form, post) for post in posts]
        pairs = list(zip(posts, instances, strict=True))
        out.append(Case(
            name=f"forms: garden waste, {label} post",
            inputs=pairs,
            run=lambda pair: form.validate_all(pair[0], today=TODAY),  # type: ignore[index]
            floor=lambda pair: list(raw.iter_errors(pair[1])),  # type: ignore[index]
            floor_name="raw jsonschema, normalised",
            note="whole form: normalise, check, GOV.UK messages",
        ))
    out.append(adversarial_case())
    return out


def _every_normaliser(value: str) -> None:
    calls = [text, name, number, money, lambda v: date_parts(v, "1", "2026"),
             *[lambda v, f=fmt: formats.normalise(f, v) for fmt in sorted(formats.FORMATS)]]
    for call in calls:
        try:
            call(value)
        except FieldProblem:
            pass


def adversarial_case() -> Case:
    return Case(
        name="forms: every normaliser, 100,000-character adversarial input",
        inputs=list(ADVERSARIAL_TEXT),
        run=_every_normaliser,  # type: ignore[arg-type]
        floor=lambda value: value.strip(),  # type: ignore[attr-defined]
        floor_name="str.strip() of the input",
        note=f"{5 + len(formats.FORMATS)} normalisers per input; long input cut or refused",
    )


def _rate(func: Any, items: list[Any], repeat: int = 5) -> float:
    """Best time per item over ``repeat`` passes, in seconds (garbage collector off, as
    in the harness)."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            for item in items:
                func(item)
            best = min(best, (time.perf_counter() - start) / len(items))
    finally:
        gc.enable()
    return best


def results(filter_text: str = "") -> list[Result]:
    if filter_text not in "forms: garden waste throughput / load":
        return []
    start = time.perf_counter()
    Form.from_file(SCHEMA, test_mode=True)
    load = time.perf_counter() - start
    form, raw, valid, invalid = _setup()
    rows = [Result(name="forms: load garden waste form", size=1, median_s=load, p99_s=load,
                   floor_median_s=None, floor_name="", note="check schema, compile fields")]
    for label, posts in (("valid", valid), ("invalid", invalid)):
        instances = [_instance(form, post) for post in posts]
        ours = _rate(lambda post: form.validate_all(post, today=TODAY), posts)
        floor = _rate(lambda inst: list(raw.iter_errors(inst)), instances)
        rows.append(Result(
            name=f"forms: garden waste throughput, {label}",
            size=len(posts),
            median_s=ours,
            p99_s=ours,
            floor_median_s=floor,
            floor_name="raw jsonschema, normalised",
            note=f"{1 / ours:,.0f} submissions/s on one core (raw jsonschema {1 / floor:,.0f}/s)",
        ))
    return rows
