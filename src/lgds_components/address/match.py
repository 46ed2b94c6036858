"""The result of a search or a match: an address, a score and the reason.

>>> from lgds_components.address.model import Address
>>> from lgds_components.address.match import Match
>>> m = Match(Address(uprn=10001, pao_start_number=10, street="High Street"),
...           0.97, "postcode + number + street")
>>> m.uprn, m.score, m.reason
(10001, 0.97, 'postcode + number + street')
"""

from __future__ import annotations

import attrs

from lgds_components.address.model import Address
from lgds_components.pydantic_bridge import pydantic_schema

__all__ = ["Match"]


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
