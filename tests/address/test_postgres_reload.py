"""Reloading the PostgreSQL gazetteer while readers run (issue 11, item 16).

A load's swap drops the six live tables and renames the new ones. Readers
(search, match, by_postcode) lock several of those tables per statement; if
the swap locks them in another order, PostgreSQL finds a deadlock and kills
one side ("deadlock detected"), a reader or the load. Readers running in
threads through repeated loads must see no error at all, and every load must
succeed.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import attrs

from lgds_components.address.postgres import PostgresGazetteer
from tests.address.conftest import ROWS, first_and_renamed

READERS = 4
LOADS = 12


def _read_until(stop: threading.Event, gazetteer: PostgresGazetteer, errors: list[BaseException],
                calls: list[int]) -> None:
    done = 0
    while not stop.is_set():
        try:
            gazetteer.search("2 high st")
            gazetteer.search("kelm")
            gazetteer.match("flat 3, 10 high street, kelmouth")
            gazetteer.match("30 lon y felin")
            gazetteer.by_postcode("EX4 1AA")
            gazetteer.by_uprn(1020)
            done += 6
        except BaseException as exc:  # every failure counts, whatever its kind
            errors.append(exc)
            return
    calls.append(done)


def test_readers_never_fail_and_loads_are_never_killed_during_reloads(
    database: str, tmp_path: Path
) -> None:
    first, second = first_and_renamed(tmp_path)
    PostgresGazetteer.load(database, first, schema="reload")
    stop = threading.Event()
    errors: list[BaseException] = []
    calls: list[int] = []
    with PostgresGazetteer.connect(database, schema="reload", pool_size=READERS) as gazetteer:
        readers = [threading.Thread(target=_read_until, args=(stop, gazetteer, errors, calls))
                   for _ in range(READERS)]
        for reader in readers:
            reader.start()
        try:
            for number in range(LOADS):
                report = PostgresGazetteer.load(database, (first, second)[number % 2],
                                                schema="reload")
                assert report.ok and report.rows_loaded == len(ROWS) - 2
                time.sleep(0.01)
        finally:
            stop.set()
            for reader in readers:
                reader.join(timeout=60)
    assert errors == [], errors[:3]
    assert len(calls) == READERS and min(calls) > 0


def test_every_reader_statement_locks_the_live_tables_in_the_swap_order() -> None:
    """The swap locks the live tables in LOCK_ORDER; a reader statement naming them in
    another order could hold one the swap wants while waiting for one it holds."""
    from lgds_components.address.stores import postgres_schema

    queries = postgres_schema.Queries.of("gaz")
    order = postgres_schema.LOCK_ORDER
    statements = [getattr(queries, field.name) for field in attrs.fields(type(queries))]
    flat = [item for statement in statements
            for item in (statement if isinstance(statement, tuple) else (statement,))]
    assert flat and sorted(order) == sorted(postgres_schema.LIVE_TABLES)
    for statement in flat:
        named = [match.group(1) for match in re.finditer(r"\bgaz\.(\w+)", statement)]
        positions = [order.index(table) for table in named]
        assert positions == sorted(positions), statement
    assert postgres_schema.lock_statement("gaz") == (
        "LOCK TABLE " + ", ".join(f"gaz.{table}" for table in order)
        + " IN ACCESS EXCLUSIVE MODE")
