"""Read answers out of what a web framework hands over for a form post.

A post may be a plain :class:`dict` (``{"name": "Ann"}``, or lists from
:func:`urllib.parse.parse_qs`) or a multidict with ``getlist()``: Werkzeug's
``request.form`` (Flask), Django's ``request.POST``, Starlette's
``FormData`` (FastAPI). Nothing here raises for what a browser, or someone
crafting requests by hand, may send: a value that cannot be an answer is
returned as :data:`UNREADABLE`, and the form reports it as an error.

>>> one({"name": ["Ann"]}, "name"), one({}, "name"), one({"name": ["a", "b"]}, "name")
('Ann', None, UNREADABLE)
>>> many({"bins": "garden"}, "bins"), many({"bins": ["garden", "", "food"]}, "bins")
(['garden'], ['garden', 'food'])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = ["UNREADABLE", "Unreadable", "is_post", "many", "one"]


class Unreadable:
    """The type of :data:`UNREADABLE`: a value no answer can be read from."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNREADABLE"


#: Returned for a list where one answer was expected, or a value that is not text.
UNREADABLE: Final = Unreadable()


def is_post(post: object) -> bool:
    """Whether ``post`` is something answers can be read from (a mapping or multidict)."""
    return callable(getattr(post, "getlist", None)) or isinstance(post, Mapping)


def _all(post: Any, key: str) -> list[object]:
    getlist = getattr(post, "getlist", None)
    if callable(getlist):
        try:
            found = getlist(key)
        except Exception:  # a hostile or broken multidict: treat as unreadable
            return [UNREADABLE]
        return list(found) if isinstance(found, list | tuple) else [UNREADABLE]
    try:
        value = post.get(key, None) if isinstance(post, Mapping) else None
    except Exception:
        return [UNREADABLE]
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _text(value: object) -> str | Unreadable | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return UNREADABLE


def one(post: Any, key: str) -> str | Unreadable | None:
    """Return the single answer posted under ``key``.

    ``None`` when nothing was posted; :data:`UNREADABLE` for several values or
    a value that is not text (numbers from a JSON body are read as text).
    """
    if type(post) is dict:  # the common case, read without the general machinery
        value = post.get(key)
        if value is None or type(value) is str:
            return value
    values = _all(post, key)
    if not values:
        return None
    if len(values) > 1:
        return UNREADABLE
    return _text(values[0])


def many(post: Any, key: str) -> list[str] | Unreadable:
    """Return every non-blank answer posted under ``key`` (checkboxes), in order."""
    answers: list[str] = []
    for value in _all(post, key):
        text = _text(value)
        if text is UNREADABLE:
            return UNREADABLE
        if isinstance(text, str) and text.strip():
            answers.append(text)
    return answers

