"""The argument checks every address provider makes, in one place.

The gazetteers (:mod:`~lgds_components.address.gazetteer`), the OS Places
client (:mod:`~lgds_components.address.os_places`) and the in-memory lookup
for tests (:mod:`lgds_components.testing.address`) refuse the same things
with the same errors:

>>> check_text("10 high st")
'10 high st'
>>> check_text("x" * 301)
Traceback (most recent call last):
...
lgds_components.errors.InvalidLength: text: Address must be 300 characters or fewer
>>> check_limit(0)
Traceback (most recent call last):
...
lgds_components.errors.ValidationError: limit: limit must be a whole number from 1 to 100
>>> postcode_key(" ex4 1aa"), uprn_value("000100040212345")
('EX41AA', 100040212345)
"""

from __future__ import annotations

from typing import Final

from lgds_components.errors import InvalidLength, ValidationError

__all__ = [
    "MAX_LIMIT",
    "MAX_QUERY_LENGTH",
    "check_limit",
    "check_text",
    "postcode_key",
    "uprn_value",
]

#: Longest text ``search`` and ``match`` accept.
MAX_QUERY_LENGTH: Final = 300
#: Most results ``search`` gives at once.
MAX_LIMIT: Final = 100


def check_text(text: object) -> str:
    """Return ``text`` if it can be searched for.

    Raises:
        ValidationError: not a string, or longer than :data:`MAX_QUERY_LENGTH`.
    """
    if not isinstance(text, str):
        raise ValidationError("Enter an address as text", field="text")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidLength(
            f"Address must be {MAX_QUERY_LENGTH} characters or fewer", field="text"
        )
    return text


def check_limit(limit: object) -> int:
    """Return ``limit`` if it is a whole number from 1 to :data:`MAX_LIMIT`.

    Raises:
        ValidationError: anything else (``True`` is not a number here).
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            f"limit must be a whole number from 1 to {MAX_LIMIT}", field="limit"
        )
    return limit


def postcode_key(postcode: str) -> str:
    """The postcode as stores key it: validated, capitals, no space.

    Raises:
        ValidationError: not a valid postcode.
    """
    from lgds_components.identifiers import postcode as postcodes

    return postcodes.validate(postcode).replace(" ", "")


def uprn_value(uprn: int | str) -> int:
    """The UPRN as a number.

    Raises:
        ValidationError: not a UPRN.
    """
    from lgds_components.identifiers import uprn as uprns

    return uprns.validate(uprn)
