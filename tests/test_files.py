"""atomic_write: whole or untouched, modes kept, devices and FIFOs written to, links refused."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from lgds_components.files import SymlinkRefused, atomic_write


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


class FifoReader:
    """Reads everything written to a FIFO, in a thread (opening a FIFO waits for a writer)."""

    def __init__(self, fifo: Path) -> None:
        self.data = b""
        self._thread = threading.Thread(target=self._read, args=(fifo,), daemon=True)
        self._thread.start()

    def _read(self, fifo: Path) -> None:
        with open(fifo, "rb") as source:
            self.data = source.read()

    def wait(self) -> bytes:
        self._thread.join(timeout=10)
        assert not self._thread.is_alive(), "nothing was written to the FIFO"
        return self.data


def char_device(folder: Path) -> Path:
    """A /dev/null of our own (major 1, minor 3), so the real one is never at risk."""
    node = folder / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return node


def test_writes_text_and_bytes(tmp_path: Path) -> None:
    with atomic_write(tmp_path / "a.txt", "w", newline="") as out:
        out.write("één\r\n")
    with atomic_write(tmp_path / "b.bin") as raw:
        raw.write(b"\x00\xff")
    assert (tmp_path / "a.txt").read_bytes() == "één\r\n".encode()
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"
    assert leftovers(tmp_path) == []


def test_a_failure_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_write(target, "w") as out:
        out.write("half of the new")
        raise RuntimeError("stopped part way")
    assert target.read_text() == "old\n"
    assert leftovers(tmp_path) == []


def test_an_existing_file_keeps_its_mode(tmp_path: Path, umask_027: None) -> None:
    target = tmp_path / "shared.csv"
    target.write_text("old\n")
    os.chmod(target, 0o664)
    with atomic_write(target, "w") as out:
        out.write("new\n")
    assert mode(target) == 0o664 and target.read_text() == "new\n"


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_file_gets_the_umasks_mode(tmp_path: Path, umask: int, expected: int) -> None:
    old = os.umask(umask)
    try:
        with atomic_write(tmp_path / "new.ics") as raw:
            raw.write(b"x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "new.ics") == expected


def test_a_fifo_is_written_straight_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    with atomic_write(fifo, "w") as out:
        out.write("through the pipe\n")
    assert reader.wait() == b"through the pipe\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert leftovers(tmp_path) == []


def test_a_device_is_written_straight_and_stays_a_device(tmp_path: Path) -> None:
    node = char_device(tmp_path)
    with atomic_write(node) as raw:
        raw.write(b"discarded")
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert leftovers(tmp_path) == []


def test_a_link_to_a_fifo_is_written_through(tmp_path: Path) -> None:
    """As ``-o /dev/stdout`` is: a link to a pipe or terminal."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "stdout"
    link.symlink_to(fifo)
    reader = FifoReader(fifo)
    with atomic_write(link) as raw:
        raw.write(b"via the link")
    assert reader.wait() == b"via the link"
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("dangling", [False, True])
def test_a_link_to_a_file_is_refused_and_left_as_it_was(tmp_path: Path, dangling: bool) -> None:
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("keep me\n")
    link = tmp_path / "out.csv"
    link.symlink_to(victim)
    with pytest.raises(SymlinkRefused) as caught, atomic_write(link, "w") as out:
        out.write("never")
    assert caught.value.filename == str(link) and "symbolic link" in str(caught.value)
    assert isinstance(caught.value, OSError)
    assert link.is_symlink()
    assert victim.exists() is not dangling  # a dangling link's target is not created
    if not dangling:
        assert victim.read_text() == "keep me\n"
    assert leftovers(tmp_path) == []


def test_the_temporary_name_cannot_be_planted(tmp_path: Path) -> None:
    """A link waiting at any predictable name is never followed: mkstemp makes a new file."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    target = tmp_path / "bins.ics"
    for planted in (f".{target.name}.tmp", f"{target.name}.tmp", f".{target.name}"):
        (tmp_path / planted).symlink_to(victim)
    with atomic_write(target) as raw:
        raw.write(b"BEGIN:VCALENDAR")
    assert victim.read_text() == "keep me\n"
    assert target.read_bytes() == b"BEGIN:VCALENDAR"


def test_a_missing_folder_or_a_directory_is_the_systems_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), atomic_write(tmp_path / "missing" / "x.csv"):
        pass
    with pytest.raises(IsADirectoryError), atomic_write(tmp_path):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_file_and_its_folder_are_flushed_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real = os.fsync

    def fsync(descriptor: int) -> None:
        synced.append(descriptor)
        real(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    with atomic_write(tmp_path / "x") as raw:
        raw.write(b"x")
    assert len(synced) == 2  # the new file's data, then the folder's entry for it


def test_a_long_name_still_gets_a_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / ("n" * 240)
    with atomic_write(target) as raw:
        raw.write(b"x")
    assert target.read_bytes() == b"x"


def test_only_write_modes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mode"):
        atomic_write(tmp_path / "x", "a")  # type: ignore[call-overload]
