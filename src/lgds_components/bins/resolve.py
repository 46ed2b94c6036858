"""Find a property's UPRN from its postcode and house number or name.

Residents know their postcode and house, not their UPRN. :func:`resolve_uprn`
asks any address lookup with a ``by_postcode(postcode)`` method (the
address component's ``Gazetteer``, OS Places, or a stand-in in tests) and
picks the one property that matches.

>>> from types import SimpleNamespace as Addr
>>> class Lookup:
...     def by_postcode(self, postcode):
...         rows = [(1, ["2 Mill Lane", "Exeter", "EX4 1AA"]),
...                 (2, ["Rose Cottage", "Mill Lane", "Exeter", "EX4 1AA"]),
...                 (3, ["Flat 1", "10 Mill Lane", "Exeter", "EX4 1AA"]),
...                 (4, ["Flat 2", "10 Mill Lane", "Exeter", "EX4 1AA"])]
...         return [Addr(uprn=u, lines=lambda l=l: tuple(l),
...                      single_line=lambda l=l: ", ".join(l)) for u, l in rows]
>>> resolve_uprn(Lookup(), "EX4 1AA", "2"), resolve_uprn(Lookup(), "EX4 1AA", "rose cottage")
(1, 2)
>>> resolve_uprn(Lookup(), "EX4 1AA", "Flat 2, 10")
4
>>> resolve_uprn(Lookup(), "EX4 1AA", "10")
Traceback (most recent call last):
...
lgds_components.errors.InvalidComponent: house: More than one address matches "10": Flat 1, ...
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any, Final, Protocol

from lgds_components.errors import InvalidComponent, MissingValue, NotFound

__all__ = ["PostcodeLookup", "resolve_uprn"]

_PUNCTUATION: Final = re.compile(r"[,.'\"’()]+")
_SPACES: Final = re.compile(r"\s+")
_MAX_HOUSE: Final = 200
_MAX_LISTED: Final = 10


class PostcodeLookup(Protocol):
    """Anything with ``by_postcode(postcode) -> list[address]``.

    Each address needs ``uprn`` (an int) and ``lines()`` and/or
    ``single_line()``; ``pao_numbers``, ``pao_text`` and ``sao`` are used when
    present (the address component's ``Address`` has them).
    """

    def by_postcode(self, postcode: str) -> Sequence[Any]:
        """The addresses at a postcode."""


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _lines(address: Any) -> list[str]:
    lines = getattr(address, "lines", None)
    if callable(lines):
        try:
            return [str(line) for line in lines(postcode=False)]
        except TypeError:
            return [str(line) for line in lines()]
    single = getattr(address, "single_line", None)
    return [part.strip() for part in str(single() if callable(single) else address).split(",")]


def _single(address: Any) -> str:
    single = getattr(address, "single_line", None)
    return str(single()) if callable(single) else ", ".join(_lines(address))


def _score(address: Any, house: str) -> int:
    """3 for a whole-line or building match, 2 for "number + street", 1 for a prefix, else 0."""
    for name in ("pao_text", "pao_numbers"):
        value = getattr(address, name, None)
        if isinstance(value, str) and value and _norm(value) == house:
            sao = getattr(address, "sao", "")
            return 3 if not sao else 2
    raw = _lines(address)
    lines = [_norm(part) for line in raw for part in line.split(",")]
    if house in lines:
        return 3
    if any(line.startswith(house + " ") for line in lines):
        return 2
    whole = _norm(" ".join(raw))
    if whole == house or whole.startswith(house + " "):
        return 1
    return 0


def resolve_uprn(lookup: PostcodeLookup, postcode: str, house: str) -> int:
    """The UPRN of the property at ``postcode`` whose number or name is ``house``.

    ``house`` is matched, without regard to case or punctuation, against the
    address's building number or name and the start of each address line
    ("10" matches "10 Mill Lane", "rose cottage" matches "Rose Cottage",
    "flat 2 10" matches "Flat 2, 10 Mill Lane"). An exact line or building
    match beats a partial one.

    Raises:
        MissingValue: ``house`` is blank.
        ValidationError: (from the lookup) a malformed postcode.
        NotFound: no address at the postcode matches; the message lists some.
        InvalidComponent: more than one address matches; the message lists them.
    """
    wanted = _norm(house or "")
    if not wanted:
        raise MissingValue("Enter a house number or name", field="house")
    if len(wanted) > _MAX_HOUSE:
        raise InvalidComponent(
            f"House number or name must be {_MAX_HOUSE} characters or fewer", field="house")
    addresses = list(lookup.by_postcode(postcode))
    if not addresses:
        raise NotFound(f"no addresses found for postcode {postcode.strip().upper()}",
                       provider="address")
    scored = [(score, address) for address in addresses if (score := _score(address, wanted))]
    if not scored:
        listed = "; ".join(_single(a) for a in addresses[:_MAX_LISTED])
        more = f" (and {len(addresses) - _MAX_LISTED} more)" if len(addresses) > _MAX_LISTED else ""
        raise NotFound(f"no address at {postcode.strip().upper()} matches {house.strip()!r}; "
                       f"addresses there: {listed}{more}", provider="address")
    best = max(score for score, _ in scored)
    winners = list({int(a.uprn): a for score, a in scored if score == best}.values())
    if len(winners) == 1:
        return int(winners[0].uprn)
    listed = "; ".join(_single(a) for a in winners[:_MAX_LISTED])
    more = f" (and {len(winners) - _MAX_LISTED} more)" if len(winners) > _MAX_LISTED else ""
    raise InvalidComponent(f'More than one address matches "{house.strip()}": {listed}{more}',
                           field="house")
