"""Where a command writes its results: standard output, or a file replaced atomically."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = ["AtomicOutput"]


class AtomicOutput:
    """Standard output, or a file written beside its target and renamed into place.

    A command that fails part-way leaves any earlier file at the target as it was.
    """

    def __init__(self, target: Path | None) -> None:
        self.target = target
        self._tmp: str | None = None

    def __enter__(self) -> IO[str]:
        if self.target is None:
            self._stream: IO[str] = sys.stdout
            return self._stream
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", dir=self.target.parent)
        self._stream = os.fdopen(fd, "w", newline="", encoding="utf-8")
        return self._stream

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._tmp is None or self.target is None:
            self._stream.flush()
            return
        self._stream.close()
        if exc_type is None:
            os.replace(self._tmp, self.target)
        else:
            os.unlink(self._tmp)
