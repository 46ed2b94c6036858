"""Where a command writes its results: standard output, or a file put in place whole.

Every ``-o PATH`` goes through :func:`lgds_components.files.atomic_write`
(a temporary file beside the target, ``fsync``, rename; devices and FIFOs
written straight; symbolic links refused). A path that cannot be written
(a folder that does not exist, a directory, a link, no permission) is one
line on standard error and exit code 2, not a traceback.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import IO, Any, cast

from lgds_components.cli.app import BadInput
from lgds_components.files import atomic_write

__all__ = ["AtomicOutput", "cannot_write"]


def cannot_write(target: Path, exc: OSError) -> BadInput:
    """The one-line error for a file that cannot be written."""
    reason = exc.strerror or type(exc).__name__
    return BadInput(f"cannot write {target}: {reason}")


class _TextAsBytes:
    """Bytes written to a text stream with no binary buffer (a notebook's, say)."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, data: bytes) -> int:
        self._stream.write(data.decode("utf-8"))
        return len(data)

    def flush(self) -> None:
        self._stream.flush()


class AtomicOutput:
    """Standard output, or ``target`` written through :func:`~lgds_components.files.atomic_write`.

    Text (UTF-8, newlines as written) unless ``binary``. A command that fails
    part way leaves any earlier file at the target as it was.
    """

    def __init__(self, target: Path | None, *, binary: bool = False) -> None:
        self.target = target
        self.binary = binary
        self._file: AbstractContextManager[IO[Any]] | None = None

    def __enter__(self) -> IO[Any]:
        if self.target is None:
            sys.stdout.flush()
            if not self.binary:
                return sys.stdout
            buffer = getattr(sys.stdout, "buffer", None)
            return buffer if buffer is not None else cast(IO[bytes], _TextAsBytes(sys.stdout))
        self._file = (atomic_write(self.target, "wb") if self.binary
                      else atomic_write(self.target, "w", newline=""))
        try:
            return self._file.__enter__()
        except OSError as exc:
            raise cannot_write(self.target, exc) from exc

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._file is None or self.target is None:
            sys.stdout.flush()
            if self.binary and getattr(sys.stdout, "buffer", None) is not None:
                sys.stdout.buffer.flush()
            return
        try:
            self._file.__exit__(exc_type, exc, tb)
        except OSError as error:
            if error is exc:  # the command's own error: let it through as it was
                raise
            raise cannot_write(self.target, error) from error
