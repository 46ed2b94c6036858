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
made from (2,157 distinct feature vectors). No benchmark data (seed 2,
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
INTERCEPT = 0.108

#: One weight per feature (log-odds per unit).
WEIGHTS: dict[str, float] = {
    "postcode exact": 1.991,
    "postcode unit": 0.524,
    "postcode one off": 1.634,
    "postcode sector": -1.916,
    "postcode wrong": -7.144,
    "postcode outward": 0.888,
    "postcode outward wrong": 0.049,
    "town matched": -0.292,
    "town partly": -0.385,
    "town contradicts": -3.422,
    "town contradicts, no postcode": -3.422,
    "number exact": 3.867,
    "number in range": 0.566,
    "number range end": -5.933,
    "number suffix": -5.089,
    "number letter flat": 2.388,
    "number words": 3.556,
    "number missing named": -0.213,
    "number missing": -5.151,
    "flat exact": 2.681,
    "flat floor order": 1.213,
    "flat missing": -10.570,
    "flat extra": -9.014,
    "flat wrong": -11.645,
    "street missing": -6.285,
    "street missing, named": -4.778,
    "street missing, postcode": 4.312,
    "street typed": -0.667,
    "street type differs": -5.143,
    "name matched": 3.323,
    "name partly": -2.978,
    "name missing": -1.537,
    "name missing unnumbered": -4.307,
    "organisation matched": 2.606,
    "organisation partly": -1.867,
    "organisation renamed": 1.455,
    "organisation missing": -6.640,
    "not a delivery point": -2.582,
    "typos": 0.523,
    "abbreviations": 0.502,
    "unexplained words": -1.141,
    "unknown words": -1.366,
    "unexplained lines": -2.093,
    "unexplained numbers": -6.109,
    "role mismatch": -5.587,
    "no location": -2.530,
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
