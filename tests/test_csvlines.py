"""Reading CSV lines one bounded line at a time: numbering, bad UTF-8, over-long lines."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components._csvlines import line_limit, text_lines, utf8_lines
from lgds_components.errors import InvalidFormat


class EndlessBytes(io.RawIOBase):
    """``size`` bytes of ``fill`` after ``head``, made as they are read; counts what was read."""

    def __init__(self, head: bytes, size: int, fill: bytes = b"x") -> None:
        self.head, self.left, self.fill, self.served = head, size, fill, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.head:
            count = min(len(buffer), len(self.head))
            buffer[:count], self.head = self.head[:count], self.head[count:]
        else:
            count = min(len(buffer), self.left)
            buffer[:count] = self.fill * count
            self.left -= count
        self.served += count
        return count


def first_error(lines: object) -> InvalidFormat:
    with pytest.raises(InvalidFormat) as caught:
        list(lines)  # type: ignore[call-overload]
    return caught.value


def test_a_huge_line_is_refused_after_reading_a_bounded_amount() -> None:
    raw = EndlessBytes(b"id,name\n", 1 << 30)  # 1 GiB with no newline, never held at once
    error = first_error(utf8_lines(io.BufferedReader(raw)))
    assert error.line == 2 and "longer than 131,072 characters" in error.message
    assert raw.served < 1 << 20


def test_a_huge_text_line_is_refused_after_reading_a_bounded_amount() -> None:
    class Endless(io.TextIOBase):
        served = 0

        def readline(self, size: int | None = -1) -> str:
            if size is None or size < 0:
                raise AssertionError("an unbounded readline")
            self.served += size
            return "x" * size

    stream = Endless()
    error = first_error(text_lines(stream))
    assert error.line == 1
    assert stream.served <= line_limit() + 2


def test_a_line_of_exactly_the_limit_is_read() -> None:
    line = "x" * line_limit()
    data = f"id\r\n{line}\r\n{line}".encode()
    assert list(utf8_lines(io.BytesIO(data))) == ["id\r\n", line + "\r\n", line]
    assert list(text_lines(io.StringIO(f"{line}\n"))) == [line + "\n"]
    assert first_error(utf8_lines(io.BytesIO(f"id\n{line}x\n".encode()))).line == 2


def test_multibyte_characters_count_as_characters() -> None:
    line = "é" * line_limit()  # twice as many bytes as the limit, but not too long
    assert list(utf8_lines(io.BytesIO(line.encode()))) == [line]
    assert first_error(utf8_lines(io.BytesIO(("€" * (line_limit() + 1)).encode()))).line == 1


@pytest.mark.parametrize(
    ("data", "line", "byte"),
    [
        (b"id\n1\n\xff\n", 3, 1),
        (b"\xef\xbb\xbfid\r\n\xe9t\xe9\r\n", 2, 1),
        (b"id\nab\xc3\n", 2, 3),  # a character cut short by the line end
        (b"\xfe\xffid\n", 1, 1),
    ],
)
def test_bytes_that_are_not_utf8_name_their_own_line(data: bytes, line: int, byte: int) -> None:
    error = first_error(utf8_lines(io.BytesIO(data)))
    assert (error.line, error.code) == (line, "invalid_format")
    assert f"byte {byte} of the line" in error.message


def test_a_bad_byte_deep_in_a_big_file_names_its_line() -> None:
    # decoding a block at a time would name a line some way before it
    data = b"uprn\n" + b"100040000001\n" * 500_000 + b"1000400\xff00001\n" + b"1\n" * 10
    error = first_error(utf8_lines(io.BytesIO(data)))
    assert error.line == 500_002


def test_lone_carriage_returns_end_lines_as_open_newline_empty_does() -> None:
    text = 'a,b\rc,"d\re"\r\nf\r'
    expected = list(csv.reader(io.StringIO(text, newline="")))
    lines = list(utf8_lines(io.BytesIO(text.encode())))
    assert lines == ["a,b\r", 'c,"d\r', 'e"\r\n', "f\r"]
    assert list(csv.reader(lines)) == expected


def test_progress_counts_every_byte() -> None:
    data = "id\nCafé\n".encode() + b"x" * 10
    seen: list[int] = []
    list(utf8_lines(io.BytesIO(data), progress=seen.append))
    assert sum(seen) == len(data)


@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_lines_or_invalid_format(data: bytes) -> None:
    try:
        lines = list(utf8_lines(io.BytesIO(data)))
    except InvalidFormat as exc:
        assert exc.line is not None and exc.line >= 1
        return
    assert "".join(lines).encode() == data.removeprefix(b"\xef\xbb\xbf")


@given(st.text(alphabet=st.sampled_from('ab,"\r\n é'), max_size=200))
def test_csv_over_the_lines_reads_as_csv_over_the_file(text: str) -> None:
    def rows(source: object) -> list[list[str]] | str:
        try:
            return list(csv.reader(source, strict=True))  # type: ignore[call-overload]
        except csv.Error as exc:
            return str(exc)

    expected = rows(io.StringIO(text, newline=""))
    assert rows(utf8_lines(io.BytesIO(text.encode()))) == expected
    assert rows(text_lines(io.StringIO(text, newline=""))) == expected
