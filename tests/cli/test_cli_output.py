"""Every command that writes ``-o PATH`` writes it the same way (issue 11 items 1-3).

Through :func:`lgds_components.files.atomic_write`: a FIFO or device is written
straight and left a FIFO or device (``-o /dev/null`` as root once replaced
/dev/null with a regular 0600 file), an existing file keeps its mode, a new
file gets the umask's, a link planted at a predictable temporary name is never
followed, a symbolic link at the target is refused, and a folder that does not
exist is one line on standard error with exit code 2.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from lgds_components.cli import main
from tests.test_files import FifoReader, char_device, mode

Command = Callable[[Path, Path], list[str]]


def check_csv(source: Path, out: Path) -> list[str]:
    return ["identifiers", "check-csv", str(source), "-c", "postcode", "--type", "postcode",
            "-o", str(out)]


def address_match(source: Path, out: Path) -> list[str]:
    return ["address", "match", str(source), "-c", "postcode", "-o", str(out)]


def address_sample(source: Path, out: Path) -> list[str]:
    return ["address", "sample", "-n", "3", "-o", str(out)]


def bins_ical(source: Path, out: Path) -> list[str]:
    return ["bins", "ical", "--sample", "--uprn", "100040000012", "--days", "7", "-o", str(out)]


def bins_json(source: Path, out: Path) -> list[str]:
    return ["bins", "json", "--sample", "--uprn", "100040000012", "--days", "7", "-o", str(out)]


COMMANDS: dict[str, Command] = {
    "identifiers check-csv": check_csv,
    "address match": address_match,
    "address sample": address_sample,
    "bins ical": bins_ical,
    "bins json": bins_json,
}


@pytest.fixture(params=sorted(COMMANDS))
def command(request: pytest.FixtureRequest) -> Command:
    return COMMANDS[request.param]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("name,postcode\nAnn,EX4 1AA\n", encoding="utf-8")
    return path


def planted_link(link: Path) -> Path:
    """A symbolic link at ``link`` to a file that must be left alone; returns that file."""
    victim = link.with_name("victim.txt")
    victim.write_text("keep me\n")
    link.symlink_to(victim)
    return victim


def run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


def succeeded(code: int, err: str) -> bool:
    return code in (0, 1) and "Traceback" not in err  # 1: some rows refused or unmatched


def test_a_fifo_is_written_straight(
    tmp_path: Path, source: Path, command: Command, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    code, err = run(capsys, command(source, fifo))
    assert succeeded(code, err), err
    assert reader.wait()  # the output went down the pipe
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_device_is_written_straight(
    tmp_path: Path, source: Path, command: Command, capsys: pytest.CaptureFixture[str]
) -> None:
    node = char_device(tmp_path)  # our own /dev/null
    code, err = run(capsys, command(source, node))
    assert succeeded(code, err), err
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "null"]


def test_an_existing_file_keeps_its_mode_and_a_new_one_gets_the_umasks(
    tmp_path: Path, source: Path, command: Command, capsys: pytest.CaptureFixture[str],
    umask_027: None,
) -> None:
    kept = tmp_path / "kept.out"
    kept.write_text("old\n")
    os.chmod(kept, 0o664)
    new = tmp_path / "new.out"
    for target in (kept, new):
        code, err = run(capsys, command(source, target))
        assert succeeded(code, err), err
    assert (mode(kept), mode(new)) == (0o664, 0o640)
    assert kept.read_text() != "old\n"


def test_a_link_planted_at_the_old_temporary_name_is_not_followed(
    tmp_path: Path, source: Path, command: Command, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.file"
    victim = planted_link(tmp_path / f".{out.name}.tmp")
    code, err = run(capsys, command(source, out))
    assert succeeded(code, err), err
    assert victim.read_text() == "keep me\n"
    assert out.stat().st_size > 0


def test_a_symbolic_link_is_refused_in_one_line(
    tmp_path: Path, source: Path, command: Command, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "out.file"
    victim = planted_link(link)
    code, err = run(capsys, command(source, link))
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        f"Error: cannot write {link}: is a symbolic link; give the path of the file it "
        "points to")
    assert "Traceback" not in err
    assert link.is_symlink() and victim.read_text() == "keep me\n"


def test_a_missing_folder_is_one_line_and_the_usage_exit_code(
    tmp_path: Path, source: Path, command: Command, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing_dir" / "x.out"
    code, err = run(capsys, command(source, target))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[-1] == f"Error: cannot write {target}: No such file or directory"
    assert "Traceback" not in err
    assert not target.parent.exists()


def test_the_fakepay_state_file_is_written_the_same_way(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], umask_027: None
) -> None:
    create = ["create", "--amount", "45", "--reference", "R", "--description", "D",
              "--return-url", "https://council.example/done"]
    state = tmp_path / "fakepay.json"
    assert run(capsys, ["pay", "--state", str(state), *create])[0] == 0
    assert mode(state) == 0o640
    os.chmod(state, 0o600)
    assert run(capsys, ["pay", "--state", str(state), *create])[0] == 0
    assert mode(state) == 0o600
    link = tmp_path / "linked.json"
    link.symlink_to(state)
    code, err = run(capsys, ["pay", "--state", str(link), *create])
    assert code == 2 and "is a symbolic link" in err and "Traceback" not in err
    assert link.is_symlink()
