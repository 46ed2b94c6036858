"""A big multi-record supply staged, and assembled, by two processes reads as by one."""

from __future__ import annotations

from pathlib import Path

import pytest

from lgds_components.address.records.products import helper, read
from lgds_components.address.records.products.flat import Entry
from lgds_components.address.records.products.writers import write
from lgds_components.errors import InvalidFormat, ValidationError


def _read(folder: Path) -> tuple[list[tuple[str, str, tuple[tuple[str, ...], ...]]],
                                  list[tuple[str, str | None, int | None, str | None]],
                                  dict[str, int]]:
    delivery = read(folder, "addressbase-premium")
    entries, errors = [], []
    for item in delivery.entries():
        if isinstance(item, Entry):
            entries.append((item.action, item.uprn,
                            tuple((*record.values, str(record.where)) for record in item.records)))
        else:
            errors.append((str(item), item.field, item.line, item.source))
    return entries, errors, dict(delivery.counts)


@pytest.fixture
def tiles(tmp_path: Path) -> Path:
    """Six Premium tiles with a bad record in the first and in the last."""
    folder = tmp_path / "tiles"
    paths = sorted(write("addressbase-premium", folder, 3000, seed=3, tile_size=2000))
    assert len(paths) >= 4
    for path in (paths[0], paths[-1]):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith("21,") and i > 3)
        cells = lines[at].split(",")
        cells[8] = "44O000.00"  # X_COORDINATE
        lines[at] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_two_processes_stage_what_one_does(tiles: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _read(tiles)
    # the two bad records, named, and each LPI left without its BLPU
    assert [error[1] for error in alone[1]] == ["X_COORDINATE", "X_COORDINATE", "UPRN", "UPRN"]
    started: list[int] = []
    real = helper.StagingHelper.__init__

    def counted(self: helper.StagingHelper, *args: object, **kwargs: object) -> None:
        started.append(1)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(helper, "HELPER_BYTES", 0)
    monkeypatch.setattr(helper.StagingHelper, "__init__", counted)
    together = _read(tiles)
    assert started == [1]
    assert together == alone
    assert not list(tiles.parent.glob("**/*.part"))


def test_a_file_the_helper_cannot_read_stops_the_load(
        tiles: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    last = sorted(tiles.iterdir())[-1]
    last.write_bytes(last.read_bytes().replace(b"21,", b"21\xef,", 3))
    monkeypatch.setattr(helper, "HELPER_BYTES", 0)
    with pytest.raises(InvalidFormat, match="not UTF-8") as caught:
        list(read(tiles, "addressbase-premium").entries())
    assert Path(caught.value.source or "").name == last.name


def test_the_cut_halves_the_bytes() -> None:
    from lgds_components.address.records.products.sources import Source

    def sources(*sizes: int) -> list[Source]:
        return [Source(f"t{i}", size, lambda: None) for i, size in enumerate(sizes)]  # type: ignore[arg-type, return-value]

    assert helper.helper_cut(sources(10, 10, 10, 10), threshold=0) == 2
    assert helper.helper_cut(sources(30, 5, 5, 10), threshold=0) == 1
    assert helper.helper_cut(sources(100), threshold=0) == 1  # one tile: no helper
    assert helper.helper_cut(sources(10, 10), threshold=1000) == 2  # too small: no helper


def test_errors_cross_the_process_intact() -> None:
    import pickle

    error = InvalidFormat("BLPU record (21): X_COORDINATE must be a number", field="X_COORDINATE",
                          line=12, source="tile.csv")
    back = pickle.loads(pickle.dumps(error))
    assert isinstance(back, ValidationError)
    assert (str(back), back.field, back.line, back.source) == (
        str(error), error.field, error.line, error.source)


def _rows(folder: Path) -> tuple[list[tuple[object, ...]], dict[str, int]]:
    delivery = read(folder, "addressbase-premium")
    rows: list[tuple[object, ...]] = [
        ("error", str(item), item.field, item.line, item.source)
        if isinstance(item, ValidationError) else item for item in delivery.flat_rows()]
    return rows, dict(delivery.counts)


def test_two_processes_assemble_what_one_does(tiles: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # the errors of LPIs left without their BLPU fall in both halves of the UPRNs
    monkeypatch.setattr(helper, "HELPER_BYTES", 1 << 60)
    alone, counts = _rows(tiles)
    assert [row[2] for row in alone if row[0] == "error"] == [
        "X_COORDINATE", "X_COORDINATE", "UPRN", "UPRN"]
    # the records and errors the entries give, in the same order
    expected: list[tuple[object, ...]] = []
    for item in read(tiles, "addressbase-premium").entries():
        if isinstance(item, Entry):
            expected.extend((*record.values, record.where.line, record.where.source)
                            for record in item.records)
        else:
            expected.append(("error", str(item), item.field, item.line, item.source))
    assert alone == expected
    started: list[int] = []
    real = helper.AssemblyHelper.__init__

    def counted(self: helper.AssemblyHelper, *args: object) -> None:
        started.append(1)
        real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(helper, "HELPER_BYTES", 0)
    monkeypatch.setattr(helper.AssemblyHelper, "__init__", counted)
    together, counts_together = _rows(tiles)
    assert started == [1]
    assert together == alone
    assert counts_together == counts
    assert not list(tiles.parent.glob("**/*.rows"))


def test_what_stops_the_assembling_helper_stops_the_load(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lgds_components.address.records.products.staging import RecordsStore

    store = RecordsStore(tmp_path / "records.sqlite", fresh=True)
    store.conn.execute("COMMIT")
    store.conn.execute("INSERT INTO lpi (key, uprn) VALUES ('a', 1), ('b', 2)")
    store.conn.execute("DROP TABLE blpu")  # the helper's scan fails
    with pytest.raises(Exception, match="no such table"):
        list(helper.assembled_rows(store, threshold=0))
    assert not (tmp_path / "records.sqlite.rows").exists()
    store.close()
