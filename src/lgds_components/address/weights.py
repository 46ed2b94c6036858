"""The learned weights behind matching: a small logistic model over agreement features.

:func:`active` turns an :class:`~lgds_components.address.agreement.Agreement`
into named features (most are 0 or 1, a few are counts or shares);
:func:`log_odds` adds up their :data:`WEIGHTS` and :func:`probability` turns
the sum into the chance that the address is the one meant.

The weights were fitted by ``benchmarks/train_match_weights.py --queries
10000`` (L2-regularised logistic regression, Newton's method) on generated
query-candidate pairs: 10,000 messy cases in each of the ``typed`` and
``council`` styles of :mod:`~lgds_components.address.messy`, seed 1, against
a 200,000-address gazetteer of the sample generator with seed 7, each case's
best ten candidates labelled by whether they were the address the case was
made from (2,033 distinct feature vectors). No benchmark data (seed 2,
gazetteer seed 1, the ``mixed`` style) was used. The candidates depend on the
weights in place when the script runs (they decide when the search widens),
so running it again with these shipped gives weights within 0.15 of these and
the same tuning figures to 0.0001.

>>> from lgds_components.address.agreement import Agreement
>>> sure = Agreement(postcode="exact", number="exact", street_typed=True)
>>> unsure = Agreement(postcode="none", number="missing", street=0.5, street_typed=True)
>>> probability(sure) > 0.95 > 0.5 > probability(unsure)
True
"""

from __future__ import annotations

import math

from lgds_components.address.agreement import Agreement

__all__ = ["FEATURES", "INTERCEPT", "WEIGHTS", "active", "log_odds", "probability"]

#: Every feature the model knows, in a fixed order (the training script's columns).
FEATURES = (
    "postcode exact", "postcode unit", "postcode one off", "postcode sector", "postcode wrong",
    "postcode outward", "postcode outward wrong",
    "town matched", "town partly", "town contradicts", "town contradicts, no postcode",
    "number exact", "number in range", "number range end", "number suffix",
    "number letter flat", "number words", "number missing named", "number missing",
    "flat exact", "flat floor order", "flat missing", "flat extra", "flat wrong",
    "street missing", "street missing, named", "street missing, postcode", "street typed",
    "street type differs",
    "name matched", "name partly", "name missing", "name missing unnumbered",
    "organisation matched", "organisation partly", "organisation renamed",
    "organisation missing", "not a delivery point",
    "typos", "abbreviations", "unexplained words", "unknown words", "unexplained lines",
    "unexplained numbers",
    "role mismatch", "no location",
)

#: The model's constant term.
INTERCEPT = 0.583

#: One weight per feature (log-odds per unit).
WEIGHTS: dict[str, float] = {
    "postcode exact": 1.988,
    "postcode unit": 0.514,
    "postcode one off": 1.634,
    "postcode sector": -1.923,
    "postcode wrong": -7.171,
    "postcode outward": 0.842,
    "postcode outward wrong": 0.049,
    "town matched": -0.314,
    "town partly": -0.386,
    "town contradicts": -3.384,
    "town contradicts, no postcode": -3.384,
    "number exact": 3.853,
    "number in range": 0.543,
    "number range end": -5.962,
    "number suffix": -5.158,
    "number letter flat": 2.355,
    "number words": 3.545,
    "number missing named": -0.227,
    "number missing": -5.181,
    "flat exact": 2.684,
    "flat floor order": 1.201,
    "flat missing": -10.554,
    "flat extra": -9.013,
    "flat wrong": -11.646,
    "street missing": -6.231,
    "street missing, named": -5.011,
    "street missing, postcode": 5.526,
    "street typed": -1.111,
    "street type differs": -4.660,
    "name matched": 3.307,
    "name partly": -2.943,
    "name missing": -1.565,
    "name missing unnumbered": -4.295,
    "organisation matched": 2.605,
    "organisation partly": -1.828,
    "organisation renamed": 1.380,
    "organisation missing": -6.632,
    "not a delivery point": -2.592,
    "typos": 0.541,
    "abbreviations": 0.498,
    "unexplained words": -1.202,
    "unknown words": -1.355,
    "unexplained lines": -2.053,
    "unexplained numbers": -6.093,
    "role mismatch": -5.597,
    "no location": -2.726,
}


def active(found: Agreement) -> list[tuple[str, float]]:
    """The features of ``found`` that are not zero, with their values."""
    out: list[tuple[str, float]] = []
    if found.postcode != "none":
        out.append((f"postcode {found.postcode}", 1.0))
    if found.town_matched:
        out.append(("town matched", 1.0))
        if found.town_partly:
            out.append(("town partly", 1.0))
    if found.town_contradicts:
        out.append(("town contradicts", 1.0))
        if found.postcode != "exact":
            out.append(("town contradicts, no postcode", 1.0))
    if found.number != "none":
        out.append((f"number {found.number}", 1.0))
    if found.flat != "none":
        out.append((f"flat {found.flat}", 1.0))
    if found.street < 1.0:
        named = found.name in ("matched", "partly") or found.organisation in ("matched",
                                                                               "partly")
        out.append(("street missing, named" if named else "street missing", 1.0 - found.street))
        if found.postcode == "exact":
            out.append(("street missing, postcode", 1.0 - found.street))
    if found.street_typed:
        out.append(("street typed", 1.0))
    if found.street_type_differs:
        out.append(("street type differs", 1.0))
    if found.name != "none":
        out.append((f"name {found.name}", 1.0))
    if found.organisation != "none":
        out.append((f"organisation {found.organisation}", 1.0))
    if not found.delivery_point:
        out.append(("not a delivery point", 1.0))
    for name, value in (("typos", found.typos), ("abbreviations", found.abbreviations),
                        ("unexplained words", found.unexplained_words),
                        ("unknown words", found.unknown_words),
                        ("unexplained lines", found.unexplained_lines),
                        ("unexplained numbers", found.unexplained_numbers),
                        ("role mismatch", found.role_mismatch)):
        if value:
            out.append((name, float(value)))
    if found.postcode == "none" and not found.town_matched:
        out.append(("no location", 1.0))
    return out


def log_odds(found: Agreement) -> float:
    """The model's log-odds that ``found`` describes the address meant."""
    total = INTERCEPT
    for name, value in active(found):
        total += WEIGHTS[name] * value
    return total


def probability(found: Agreement) -> float:
    """The model's probability (0 to 1, four decimals) that ``found`` is the address meant."""
    z = log_odds(found)
    return round(1.0 / (1.0 + math.exp(-z)) if z > -40 else 0.0, 4)
