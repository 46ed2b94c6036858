"""Claims on shared work that lapse when the thread or process that made them is gone.

The :class:`~lgds_components.payments.ledger.Ledger` marks a refund it is
asking for with a claim, kept in the ledger's file, so that another thread or
process finding the same refund unconfirmed can tell "someone is making it
now: wait" from "whoever was making it has crashed: take over". A claim names
its maker (host, process id and a token) and a claim is *live*:

* if made by this process: while the token is held (:func:`holding`);
* if made by another process on this host: while that process exists;
* if made on another host (the file is shared): until ``lease`` has passed.

Whoever made it, a claim older than its ``lease`` is never live, so a process
that hangs cannot block the work for ever.

>>> from datetime import UTC, datetime, timedelta
>>> now, lease = datetime(2025, 1, 1, tzinfo=UTC), timedelta(minutes=10)
>>> with holding() as owner:
...     is_live(owner, now, now=now, lease=lease)
True
>>> is_live(owner, now, now=now, lease=lease)
False
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

__all__ = ["holding", "is_live"]

_held: set[str] = set()
_held_lock = threading.Lock()


@contextmanager
def holding() -> Iterator[str]:
    """A new claim's owner string, live (in this process) until the block ends."""
    token = uuid.uuid4().hex
    owner = f"{socket.gethostname()} {os.getpid()} {token}"
    with _held_lock:
        _held.add(token)
    try:
        yield owner
    finally:
        with _held_lock:
            _held.discard(token)


def is_live(owner: str, made_at: datetime, *, now: datetime, lease: timedelta) -> bool:
    """Whether the claim ``owner`` made at ``made_at`` still stands (see the module notes)."""
    if now - made_at > lease:
        return False
    host, _, rest = owner.partition(" ")
    pid_text, _, token = rest.partition(" ")
    if host != socket.gethostname() or not pid_text.isdigit():
        return True  # cannot look: the lease decides
    pid = int(pid_text)
    if pid == os.getpid():
        with _held_lock:
            return token in _held
    return _process_exists(pid)


def _process_exists(pid: int) -> bool:
    if os.name != "posix":
        return True  # no safe way to ask; the lease decides
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours (EPERM), or cannot be asked
        return True
    return True
