"""Error codes and the GOV.UK order of priority between them.

Every error a form reports has a ``code``, which is also the key of its
message in the catalogues (:mod:`lgds_components.forms.messages`). When one
field breaks several rules, only the error with the highest priority is shown,
as the GOV.UK Design System asks:

1. :data:`MISSING`: nothing was entered (``missing``, ``*.missing``);
2. :data:`INCOMPLETE`: part of the answer is missing (``date.incomplete.*``,
   ``date.year_digits``);
3. :data:`IMPOSSIBLE`: the answer cannot be right (``date.impossible``,
   ``format``, ``*.format``, ``number.not_a_number``, ``choice.unknown``);
4. :data:`RANGE`: a real answer outside what the service accepts (too long,
   too many, too early, too high).

>>> priority("missing"), priority("date.incomplete.month"), priority("postcode.format")
(0, 1, 2)
>>> priority("text.too_long") > priority("format")
True
"""

from __future__ import annotations

__all__ = ["IDENTIFIER_PREFIXES", "IMPOSSIBLE", "INCOMPLETE", "MISSING", "RANGE", "priority"]

MISSING = 0
INCOMPLETE = 1
IMPOSSIBLE = 2
RANGE = 3

#: Code prefixes of the identifier formats; every non-missing error of theirs
#: means the answer cannot be right.
IDENTIFIER_PREFIXES: tuple[str, ...] = (
    "postcode.",
    "nino.",
    "phone.",
    "mobile.",
    "email.",
    "uprn.",
    "usrn.",
    "sort_code.",
    "account_number.",
    "vrm.",
    "company_number.",
)

_IMPOSSIBLE_CODES = frozenset(
    {
        "format",
        "choice.unknown",
        "number.not_a_number",
        "number.not_whole",
        "money.not_a_number",
        "money.pence_required",
        "money.pence_not_allowed",
        "date.impossible",
    }
)


def priority(code: str) -> int:
    """Return the priority of an error code: lower is shown first."""
    known = _KNOWN.get(code)
    if known is None:
        known = _KNOWN[code] = _priority(code)
    return known


_KNOWN: dict[str, int] = {}


def _priority(code: str) -> int:
    if code in ("missing", "choice.missing") or code.endswith(".missing"):
        return MISSING
    if code.startswith("date.incomplete") or code == "date.year_digits":
        return INCOMPLETE
    if code in _IMPOSSIBLE_CODES or code.startswith(IDENTIFIER_PREFIXES):
        return IMPOSSIBLE
    return RANGE
