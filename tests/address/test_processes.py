"""records.processes: frames in and out of a helper process's pipe."""

from __future__ import annotations

import io
import os
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.address.records.processes import frame, read_frame, write_all

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.binary(),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner),
    max_leaves=20,
)


@given(st.lists(values, max_size=5))
def test_frames_read_back_as_written(items: list[object]) -> None:
    stream = io.BytesIO(b"".join(frame(item) for item in items))
    assert [read_frame(stream) for _ in items] == items
    assert read_frame(stream) is None


@given(values, st.data())
def test_a_frame_cut_short_is_an_eof_error(item: object, data: st.DataObject) -> None:
    written = frame(item)
    cut = data.draw(st.integers(1, len(written) - 1))
    with pytest.raises(EOFError, match="part way"):
        read_frame(io.BytesIO(written[:cut]))


def test_write_all_puts_a_frame_bigger_than_the_pipe_in_whole_after_what_is_buffered() -> None:
    reading, writing = os.pipe()
    big = b"x" * 300_000  # more than a pipe holds: the write goes on as it is read
    with os.fdopen(reading, "rb") as source, os.fdopen(writing, "wb") as sink:
        sink.write(frame("first"))  # still in the stream's buffer
        writer = threading.Thread(target=write_all, args=(sink, frame(big)))
        writer.start()
        assert (read_frame(source), read_frame(source)) == ("first", big)
        writer.join()
