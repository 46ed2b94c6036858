"""Bins CSV files as delivered: the right line on every error, and huge lines refused cheaply."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from lgds_components.bins._csv import opened, read_rows
from lgds_components.bins.store import BinStore
from lgds_components.cli import main
from lgds_components.errors import InvalidFormat

SETUP = {
    "services": "id,name\nrefuse,Rubbish\n",
    "rounds": "id,service,weekday,reference_date\nR1,refuse,Mon,2026-01-05\n",
    "streets": "usrn,rounds\n14200001,R1\n",
}
LONG = "x" * 200_000


@pytest.fixture
def store(tmp_path: Path) -> Iterator[BinStore]:
    with BinStore.open(tmp_path / "council.sqlite") as opened_store:
        opened_store.load(**{kind: io.StringIO(text) for kind, text in SETUP.items()})
        yield opened_store


def properties(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "properties.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "line", "says"),
    [
        (b"uprn,usrn\n100040000001,14200001\n10004\xff0000002,14200001\n", 3, "not UTF-8"),
        (b"uprn,usrn\n100040000001,14200001\n100040000002," + LONG.encode() + b"\n", 3,
         "longer than 131,072 characters"),
        (b"uprn,usrn\n100040000001,14200001\n100040000002,\"142\"0\n100040000003,1\n", 3,
         "',' expected after '\"'"),
        (b"uprn,usrn\n100040000001,14200001\n\"100040000002,1\n100040000003,1\n", 4,
         "unexpected end of data (in the row starting on line 3)"),
        (b"uprn,usrn\n100040000001,\"" + b"x\n" * 70_000 + b"\"\n", 65_538,
         "field larger than field limit (131072) (in the row starting on line 2)"),
        (b"\xef\xbb\xbfuprn,usrn\r\n100040000001,14200001\r\n\r\n\xe9,1\r\n", 4, "not UTF-8"),
    ],
    ids=["not-utf8", "over-long-field", "bad-quote", "unclosed-quote", "long-quoted-field",
         "bom-crlf-blank-line"],
)
def test_errors_in_a_file_name_the_line_they_are_on(
    store: BinStore, tmp_path: Path, data: bytes, line: int, says: str
) -> None:
    with pytest.raises(InvalidFormat) as caught:
        store.load(properties=properties(tmp_path, data))
    assert caught.value.line == line, caught.value
    assert says in caught.value.message
    assert caught.value.message.startswith("properties file: ")
    assert store.rounds_for(100040000001) is None  # nothing was loaded


def test_a_bad_byte_in_a_million_row_file_names_its_line(tmp_path: Path) -> None:
    rows = b"".join(b"%d,14200001\n" % (100040000001 + n) for n in range(1_000_000))
    start = rows.index(b"\n100040500001,") + 1  # the 500,001st row, on line 500,002
    data = b"uprn,usrn\n" + rows[:start + 5] + b"\xff" + rows[start + 6:]
    with pytest.raises(InvalidFormat) as caught, opened(properties(tmp_path, data)) as lines:
        for _ in read_rows(lines, required=("uprn",), optional=("usrn",)):
            pass
    assert caught.value.line == 500_002


def test_a_bad_byte_in_a_loaded_file_names_its_line(store: BinStore, tmp_path: Path) -> None:
    rows = [b"%d,14200001\n" % (100040000001 + n) for n in range(20_000)]
    rows[12_345] = b"1000\xe900012346,14200001\n"
    with pytest.raises(InvalidFormat) as caught:
        store.load(properties=properties(tmp_path, b"uprn,usrn\n" + b"".join(rows)))
    assert caught.value.line == 12_347


def test_a_huge_file_without_a_newline_is_refused_after_reading_a_little(
    store: BinStore, tmp_path: Path
) -> None:
    path = tmp_path / "properties.csv"
    with path.open("wb") as handle:
        handle.write(b"uprn,usrn\n100040000001,1")
        handle.truncate(256 << 20)  # sparse: 256 MiB of NUL bytes that take no disk
    read: list[int] = []
    with pytest.raises(InvalidFormat) as caught:
        store.load(properties=path, progress=read.append)
    assert caught.value.line == 2 and "longer than 131,072" in caught.value.message
    assert sum(read) < 1 << 20


def test_a_huge_stream_line_is_refused_after_reading_a_little(store: BinStore) -> None:
    read: list[int] = []
    with pytest.raises(InvalidFormat) as caught:
        store.load(properties=io.StringIO("uprn\n" + "1" * (32 << 20)), progress=read.append)
    assert caught.value.line == 2
    assert sum(read) < 1 << 20


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"uprn,usrn\n100040000001,14200001\n100040000002,14\xff\n",
         "line 3: properties file: not UTF-8 text (byte 16 of the line)"),
        (b"uprn,usrn\n" + LONG.encode(), "line 2: properties file: longer than 131,072"),
        (LONG.encode(), "line 1: properties file: longer than 131,072"),
    ],
)
def test_lgds_bins_load_gives_the_line_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, says: str
) -> None:
    code = main(["bins", "load", str(tmp_path / "council.sqlite"),
                 "--properties", str(properties(tmp_path, data))])
    err = capsys.readouterr().err
    assert code == 2
    assert says in err and "Traceback" not in err
