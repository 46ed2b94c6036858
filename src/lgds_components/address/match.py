"""The result of a search or a match: an address, a score and the reason; and
the :class:`Decision` a matcher took on one text, accepted or refused, and why.

>>> from lgds_components.address.model import Address
>>> from lgds_components.address.match import Decision, Match
>>> m = Match(Address(uprn=10001, pao_start_number=10, street="High Street"),
...           0.97, "postcode + number + street")
>>> m.uprn, m.score, m.reason
(10001, 0.97, 'postcode + number + street')
>>> refused = Decision("10 high st", None, "tie with runner-up", (m, m))
>>> refused.accepted, refused.reason
(False, 'tie with runner-up')
"""

from __future__ import annotations

import attrs

from lgds_components.address.model import Address
from lgds_components.pydantic_bridge import pydantic_schema

__all__ = ["REASONS", "Decision", "Match"]

#: Why a matcher accepted or refused a text, one of these (stable: sort a review queue by it).
REASONS = (
    "accepted",
    "below threshold",
    "tie with runner-up",
    "town contradicts",
    "near an address",
    "no candidate",
    "nothing to match",
)


def _score(value: float) -> float:
    score = float(value)
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"a match score is between 0 and 1, not {score!r}")
    return score


@pydantic_schema("lgds_components.address.schemas:MatchSchema", "to_match")
@attrs.frozen(slots=True)
class Match:
    """One candidate address for some text, with how sure the provider is.

    Attributes:
        address: the address found.
        score: confidence from 0 (no resemblance) to 1 (certain), comparable
            within one provider; a provider's ``match()`` answers ``None``
            below its threshold.
        reason: a short human-readable explanation of what matched, such as
            ``"exact uprn"``, ``"postcode + number + street"`` or
            ``"fuzzy street, typo"``.
    """

    address: Address
    score: float = attrs.field(converter=_score)
    reason: str = ""

    @property
    def uprn(self) -> int:
        """The matched address's UPRN."""
        return self.address.uprn


@attrs.frozen(slots=True)
class Decision:
    """What a matcher decided for one text: the match it accepted, or why it refused.

    Attributes:
        text: the text as given.
        match: the accepted match, or ``None`` when refused.
        reason: one of :data:`REASONS`: ``"accepted"``; ``"below threshold"``
            (the best candidate was not sure enough); ``"tie with runner-up"``
            (another address fits almost as well); ``"town contradicts"`` (the
            text names another town and has no postcode agreeing); ``"near an
            address"`` (the text describes land, a garage, a plot or the rear of
            an address, which the gazetteer does not hold); ``"no candidate"``;
            ``"nothing to match"`` (no usable words).
        candidates: the best candidates considered, best first (up to three),
            for a reviewer.
        detail: the reason in a sentence, with the scores involved.
    """

    text: str
    match: Match | None
    reason: str
    candidates: tuple[Match, ...] = ()
    detail: str = ""

    @property
    def accepted(self) -> bool:
        """Whether a match was accepted."""
        return self.match is not None
