"""Nasty input for validators, and a way to check they do bounded work on it without a clock.

:data:`ADVERSARIAL_TEXT` is text a validator must survive: 100,000 characters
of digits, spaces, combining marks, zero-width spaces, lone surrogates, NUL,
emoji, fullwidth digits, SQL. :func:`python_lines` counts the lines of Python
a call runs (with :func:`sys.settrace`): a deterministic measure of work that
a loaded machine cannot change, so a test can say "no more work for 100,000
characters than for 1,000" without timing anything (timings belong in
benchmarks):

>>> def bounded(value):
...     return value[:40].strip()
>>> def linear(value):
...     return [c for c in value if c != " "]
>>> python_lines(bounded, "9" * 100_000) == python_lines(bounded, "9" * 1_000)
True
>>> python_lines(linear, "9" * 100_000) > 50 * python_lines(linear, "9" * 1_000)
True

Work done inside C (a regular expression, ``str.strip``) is not counted;
refuse or cut long input before such calls, as the library's normalisers do.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any, Final

__all__ = ["ADVERSARIAL_TEXT", "python_lines"]

ADVERSARIAL_TEXT: Final[tuple[str, ...]] = (
    "9" * 100_000,
    "1," * 50_000,
    "£" + "9" * 99_999,
    "a" * 100_000,
    " " * 100_000 + "1",
    "\u0301" * 100_000,
    "\ufdfd" * 100_000,
    "\U0001f600" * 50_000,
    "1" + "\u200b" * 99_999,
    "((((((((((" * 10_000,
    "'; DROP TABLE forms; --" * 1000,
    "\x00" * 100_000,
    "１" * 100_000,
    "Sept" * 25_000,
    "1st" * 33_000,
    "a" + "\u0301\u0316" * 50_000,
    "\x00é" * 50_000,
    "\ud800" * 100_000,
)
"""About 100,000 characters each of what breaks naive validators."""


def python_lines(func: Callable[..., Any], *args: Any, **kwargs: Any) -> int:
    """How many lines of Python ``func(*args, **kwargs)`` runs; any exception is swallowed.

    Not thread-aware: call it from the test's own thread, with no other
    tracer (coverage, a debugger) active, or the count includes theirs.
    """
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        func(*args, **kwargs)
    except Exception:
        pass
    finally:
        sys.settrace(previous)
    return count
