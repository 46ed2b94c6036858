"""The one load-error policy the gazetteer and bin collection loads share."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.address import Gazetteer
from lgds_components.address.postgres import PostgresGazetteer
from lgds_components.bins.store import BinStore
from lgds_components.errors import InvalidFormat, ValidationError
from lgds_components.load_errors import MAX_REPORTED_ERRORS, ErrorLog, check_on_error


def error(line: int, source: str | None = None) -> InvalidFormat:
    return InvalidFormat("bad", field="uprn", line=line, source=source)


def test_fail_raises_the_error_itself() -> None:
    bad = error(3)
    with pytest.raises(InvalidFormat) as raised:
        ErrorLog("fail").reject(bad)
    assert raised.value is bad


def test_skip_counts_every_error_and_keeps_the_first_thousand() -> None:
    log = ErrorLog("skip")
    for line in range(MAX_REPORTED_ERRORS + 10, 0, -1):
        log.reject(error(line))
    assert log.count == MAX_REPORTED_ERRORS + 10 and not log.ok
    assert len(log.errors) == MAX_REPORTED_ERRORS
    assert log.errors[0].line == MAX_REPORTED_ERRORS + 10  # in the order refused
    assert [e.line for e in log.by_line()][:2] == [11, 12]  # or by line


def test_by_line_keeps_files_in_the_order_met() -> None:
    log = ErrorLog("skip")
    for item in (error(9, "b.csv"), error(2, "a.csv"), error(1, "b.csv"), error(5, "a.csv")):
        log.reject(item)
    assert [(e.source, e.line) for e in log.by_line()] == [
        ("b.csv", 1), ("b.csv", 9), ("a.csv", 2), ("a.csv", 5)]


@given(st.one_of(st.text(), st.integers(), st.none(), st.booleans()))
def test_only_fail_and_skip_are_policies(value: object) -> None:
    if value in ("fail", "skip"):
        assert check_on_error(value) == value
    else:
        with pytest.raises(ValidationError) as raised:
            check_on_error(value)
        assert raised.value.field == "on_error"


def test_every_load_refuses_a_bad_policy_alike(tmp_path: Path) -> None:
    """The gazetteer loads (both stores) and the bins load raise the same error."""
    raised = []
    with pytest.raises(ValidationError) as one:
        Gazetteer.load(tmp_path / "g.sqlite", tmp_path / "none.csv", on_error="ignore")  # type: ignore[arg-type]
    raised.append(one.value)
    with pytest.raises(ValidationError) as two:
        PostgresGazetteer.load("postgresql://nowhere.invalid/x", tmp_path / "none.csv",
                               on_error="ignore")  # type: ignore[arg-type]
    raised.append(two.value)
    with BinStore.memory() as store, pytest.raises(ValidationError) as three:
        store.load(properties=io.StringIO("uprn\n"), on_error="ignore")  # type: ignore[arg-type]
    raised.append(three.value)
    assert {(type(e), e.field, e.message) for e in raised} == {
        (ValidationError, "on_error", "on_error must be 'fail' or 'skip', not 'ignore'")}


def test_bins_and_gazetteer_skip_reports_follow_the_same_cap(tmp_path: Path) -> None:
    rows = "".join(f"bad{n}\n" for n in range(MAX_REPORTED_ERRORS + 5))
    with BinStore.memory() as store:
        report = store.load(properties=io.StringIO("uprn\n100040000001\n" + rows),
                            on_error="skip")
    assert (report.skipped, len(report.errors)) == (MAX_REPORTED_ERRORS + 5, MAX_REPORTED_ERRORS)
    source = tmp_path / "g.csv"
    source.write_text("uprn,street_description,postcode\n" + rows, encoding="utf-8")
    loaded = Gazetteer.load(tmp_path / "g.sqlite", source, on_error="skip")
    assert (loaded.error_count, len(loaded.errors)) == (MAX_REPORTED_ERRORS + 5,
                                                        MAX_REPORTED_ERRORS)
