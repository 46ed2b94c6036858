"""`lgds identifiers check-csv` on broken files: the right line, and huge lines refused cheaply."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lgds_components.cli import main

LONG = b"x" * 200_000


def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes) -> tuple[int, str]:
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    code = main(["identifiers", "check-csv", str(source), "-c", "postcode", "--type", "postcode"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"name,postcode\nAnn,EX4 1AA\nBob," + LONG + b"\nCy,EX4 1AB\n",
         "line 3: longer than 131,072 characters"),
        (b"name,postcode\nAnn,EX4 1AA\nBob,\"EX4\" 1AA\n", "line 3: ',' expected after '\"'"),
        (b"name,postcode\nAnn,EX4 1AA\r\nBob,\"EX4\r\n1AA\"\r\nCy,EX4\xff\n", "line 5: not UTF-8"),
        (b"name,postcode\nAnn,\"" + b"x\n" * 70_000 + b"\"\n", "line 65538: field larger"),
        (LONG, "line 1: cannot read the header: longer than 131,072 characters"),
    ],
    ids=["over-long", "bad-quote", "not-utf8-after-quoted-newline", "long-quoted-field",
         "long-header"],
)
def test_errors_name_the_line_they_are_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, says: str
) -> None:
    code, err = check(tmp_path, capsys, data)
    assert code == 2
    assert says in err and "Traceback" not in err


SPARSE_CHECK = """
import sys
from lgds_components.cli import main
code = main(["identifiers", "check-csv", sys.argv[1], "-c", "postcode", "--type", "postcode"])
with open("/proc/self/status") as status:  # VmHWM: this program's peak RSS (ru_maxrss
    peak = next(line for line in status if line.startswith("VmHWM:"))  # counts the parent's)
print(code, peak.split()[1])
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_a_huge_file_without_a_newline_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    with source.open("wb") as handle:
        handle.write(b"name,postcode\nAnn,EX4 1AA\nBob,")
        handle.truncate(512 << 20)  # sparse: 512 MiB of NUL bytes that take no disk
    result = subprocess.run([sys.executable, "-c", SPARSE_CHECK, str(source)],
                            capture_output=True, text=True, check=True)
    code, peak_kib = (int(part) for part in result.stdout.splitlines()[-1].split())
    assert code == 2
    assert "line 3: longer than 131,072 characters" in result.stderr
    assert peak_kib < 100 * 1024, f"peak RSS {peak_kib} KiB"
