"""Writing a file so that it is whole or untouched: the one helper every writer uses.

:func:`atomic_write` writes to a new temporary file beside the target (made
with :func:`tempfile.mkstemp`, so its name cannot be guessed or planted in
advance), flushes it to disk (``fsync``), and renames it over the target
(:func:`os.replace`). A reader sees the old file or the new one, never half of
either, and a failure part way leaves the old file as it was:

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_write(folder / "bins.ics", "w") as out:
...     _ = out.write("BEGIN:VCALENDAR\\n")
>>> (folder / "bins.ics").read_text()
'BEGIN:VCALENDAR\\n'

What it does with the target:

* **A regular file** is replaced, keeping its permission bits (and, where
  allowed, its owner and group): ``0640`` stays ``0640``.
* **No file yet**: the new file gets the mode your umask gives any new file
  (``0644`` under the usual ``022``), not the ``0600`` of a bare temporary file.
* **A device or a FIFO** (``/dev/null``, ``/dev/stdout``, a named pipe) is
  written straight to, as a shell's ``>`` would: it cannot be swapped, and
  replacing it would turn ``/dev/null`` into a regular file. Nothing is
  atomic there.
* **A symbolic link** is refused (:class:`SymlinkRefused`), unless it leads to
  a device or FIFO (``/dev/stdout`` is one). Replacing the link would
  silently break whatever it was for; writing through it would mean
  resolving it here and renaming into wherever it points, which escapes the
  kernel's protection against links planted in shared directories such as
  ``/tmp`` (``fs.protected_symlinks`` guards opening a path, not renaming into
  a resolved one). Give the path the link points to if that is the file you mean.
* **A directory**, or a folder that does not exist, raises the ``OSError``
  the operating system gives (:class:`IsADirectoryError`,
  :class:`FileNotFoundError`); nothing is created.

A file with several hard links is replaced by a new file: the other names
keep the old content.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any, Literal, overload

__all__ = ["SymlinkRefused", "atomic_write"]


class SymlinkRefused(OSError):
    """The target is a symbolic link to a file (see :mod:`lgds_components.files`)."""

    def __init__(self, path: str) -> None:
        super().__init__(errno.ELOOP, "is a symbolic link; give the path of the file it "
                         "points to", path)


@overload
def atomic_write(path: str | os.PathLike[str], mode: Literal["wb"] = "wb"
                 ) -> AbstractContextManager[IO[bytes]]: ...


@overload
def atomic_write(path: str | os.PathLike[str], mode: Literal["w"], *,
                 encoding: str = "utf-8", newline: str | None = None
                 ) -> AbstractContextManager[IO[str]]: ...


def atomic_write(path: str | os.PathLike[str], mode: Literal["w", "wb"] = "wb", *,
                 encoding: str = "utf-8", newline: str | None = None
                 ) -> AbstractContextManager[IO[Any]]:
    """Open ``path`` for writing, ``"wb"`` (bytes) or ``"w"`` (text); see the module notes.

    Use it as a context manager: the file is put in place when the block ends
    without an exception, and left untouched if it raises.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    return _atomic_write(Path(path), mode, encoding, newline)


@contextmanager
def _atomic_write(target: Path, mode: str, encoding: str, newline: str | None
                  ) -> Iterator[IO[Any]]:
    kwargs: dict[str, Any] = {"encoding": encoding, "newline": newline} if mode == "w" else {}
    existing = _stat(target)
    if existing is not None and _special(existing.st_mode):
        with open(target, mode, **kwargs) as stream:  # a device or FIFO: straight to it
            yield stream
        return
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    if target.is_symlink():
        raise SymlinkRefused(str(target))
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name[:100]}.", suffix=".tmp",
                                             dir=target.parent)
    try:
        _take_mode(temporary, descriptor, existing)
        with os.fdopen(descriptor, mode, **kwargs) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    _sync_directory(target.parent)


def _stat(target: Path) -> os.stat_result | None:
    """The target's status, following links; ``None`` if there is nothing there."""
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None


def _special(mode: int) -> bool:
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _take_mode(temporary: str, descriptor: int, existing: os.stat_result | None) -> None:
    """Give the temporary file the mode (and owner) the target has, or a new file would get."""
    if existing is None:
        os.chmod(temporary, 0o666 & ~_umask())
        return
    os.chmod(temporary, stat.S_IMODE(existing.st_mode))
    if hasattr(os, "fchown"):
        try:
            os.fchown(descriptor, existing.st_uid, existing.st_gid)
        except PermissionError:  # only root may give a file away; keep ours
            pass


def _umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore (not thread-safe, but brief)
    os.umask(mask)
    return mask


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable (POSIX); skipped where directories cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
