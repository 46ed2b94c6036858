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
made from (2,150 distinct feature vectors). No benchmark data (seed 2,
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
INTERCEPT = 0.459

#: One weight per feature (log-odds per unit).
WEIGHTS: dict[str, float] = {
    "postcode exact": 2.036,
    "postcode unit": 0.597,
    "postcode one off": 1.658,
    "postcode sector": -1.840,
    "postcode wrong": -7.133,
    "postcode outward": 0.919,
    "postcode outward wrong": 0.050,
    "town matched": -0.285,
    "town partly": -0.320,
    "town contradicts": -3.445,
    "town contradicts, no postcode": -3.444,
    "number exact": 3.896,
    "number in range": 0.612,
    "number range end": -5.937,
    "number suffix": -5.466,
    "number letter flat": 2.432,
    "number words": 3.570,
    "number missing named": -0.216,
    "number missing": -5.091,
    "flat exact": 2.636,
    "flat floor order": 1.261,
    "flat missing": -10.626,
    "flat extra": -9.067,
    "flat wrong": -11.708,
    "street missing": -6.735,
    "street missing, named": -4.965,
    "street missing, postcode": 4.155,
    "street typed": -1.047,
    "street type differs": -5.040,
    "name matched": 3.329,
    "name partly": -2.991,
    "name missing": -1.518,
    "name missing unnumbered": -4.295,
    "organisation matched": 2.596,
    "organisation partly": -1.896,
    "organisation renamed": 1.601,
    "organisation missing": -6.684,
    "not a delivery point": -2.588,
    "typos": 0.567,
    "abbreviations": 0.530,
    "unexplained words": -1.120,
    "unknown words": -1.482,
    "unexplained lines": -2.127,
    "unexplained numbers": -6.136,
    "role mismatch": -5.582,
    "no location": -2.486,
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
