"""Helper Python processes of a load, and the length-framed pickles they exchange (internal).

The record reader's worker (:mod:`~lgds_components.address.records.worker`)
and the product helpers (:mod:`~lgds_components.address.records.products.helper`)
run as fresh interpreters started by :func:`start_module`, and pass values
through pipes or spool files as frames: an 8-byte length, then a pickle.
:func:`write_all` puts a frame into a pipe whole, even when the process is
stopped and resumed part way (Ctrl-Z then ``fg``, ``SIGSTOP``, a profiler).

>>> import io
>>> stream = io.BytesIO(frame(("records", [1, 2])) + frame("done"))
>>> read_frame(stream), read_frame(stream), read_frame(stream)
(('records', [1, 2]), 'done', None)
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

__all__ = ["can_start", "frame", "read_frame", "start_module", "write_all"]

_LENGTH = struct.Struct("<Q")


def frame(value: object) -> bytes:
    """``value`` pickled, after its length."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def write_all(stream: IO[bytes], data: bytes) -> None:
    """Write all of ``data`` to the pipe ``stream`` (after what it holds already).

    A write to a pipe that stops part way, when the process is stopped and
    resumed, writes only some of the bytes; a frame written through Python's
    buffered stream then reached the reader cut and out of step. This writes
    to the file descriptor until every byte is in.
    """
    stream.flush()
    descriptor = stream.fileno()
    rest = memoryview(data)
    while rest:
        rest = rest[os.write(descriptor, rest):]


def read_frame(stream: IO[bytes]) -> Any:
    """The next value :func:`frame` wrote to ``stream``, or None at its end.

    Raises:
        EOFError: the stream ends part way through a frame.
    """
    head = stream.read(_LENGTH.size)
    if not head:
        return None
    if len(head) < _LENGTH.size:
        raise EOFError("the stream ends part way through a frame's length")
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the stream ends part way through a frame")
    return pickle.loads(data)


def can_start() -> bool:
    """Whether helper processes are worth starting: two cores or more, and a Python
    interpreter to start."""
    return (os.cpu_count() or 1) >= 2 and Path(sys.executable).name.startswith("python")


def start_module(module: str, environment: Mapping[str, str] | None = None
                 ) -> subprocess.Popen[bytes]:
    """``python -m module`` in this interpreter, with pipes to its stdin and stdout,
    seeing this process's ``sys.path``; ``environment`` holds defaults the caller's
    own environment variables override."""
    variables = {**(environment or {}), **os.environ,
                 "PYTHONPATH": os.pathsep.join(entry for entry in sys.path if entry)}
    return subprocess.Popen([sys.executable, "-m", module], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=variables)
