"""PostgresGazetteer against a real PostgreSQL server (the ``postgres_dsn`` fixture).

Each test module gets a database of its own; tests use their own schema in it.
The parity tests load the same CSV into the SQLite gazetteer and into
PostgreSQL and check that both give the same answers: the same UPRNs, the
same scores, the same reasons, in the same order.
"""

from __future__ import annotations

import csv
import secrets
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lgds_components.address import Address, AddressLookup, Gazetteer
from lgds_components.address.changes import Change, read_changes
from lgds_components.address.loader import ADDRESSBASE_COLUMNS, LLPG_COLUMNS
from lgds_components.address.messy import messy_cases
from lgds_components.address.postgres import PostgresGazetteer, safe_dsn
from lgds_components.errors import (
    ConfigurationError,
    InvalidFormat,
    MissingValue,
    NotFound,
    ProviderError,
    ProviderUnavailable,
    ValidationError,
)
from lgds_components.testing import address_conformance as conformance
from lgds_components.testing.address import conformance_addresses
from lgds_components.testing.address_conformance import AddressLookupConformance
from tests.address.conftest import ROWS, first_and_renamed, street_row, write

# -- fixtures ---------------------------------------------------------------------------


def sql(dsn: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def write_llpg(addresses: list[Address], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(LLPG_COLUMNS.values())
        for address in addresses:
            row = []
            for field in LLPG_COLUMNS:
                value = getattr(address, field)
                if field == "postal":
                    value = "Y" if value else "N"
                row.append("" if value is None else value)
            writer.writerow(row)
    return path


def sample_csv() -> Any:
    return resources.as_file(
        resources.files("lgds_components.data").joinpath("sample_gazetteer.csv.gz")
    )


@pytest.fixture(scope="module")
def pg_sample(database: str) -> Iterator[PostgresGazetteer]:
    """The shipped sample, loaded into PostgreSQL."""
    with sample_csv() as source:
        PostgresGazetteer.load(database, source, schema="sample")
    with PostgresGazetteer.connect(database, schema="sample", pool_size=2) as gazetteer:
        yield gazetteer


@pytest.fixture(scope="module")
def generated(
    database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[PostgresGazetteer, Gazetteer]]:
    """20,000 generated records in both stores: enough for common words to pass
    the 300-candidate cut, so the choice of candidates is tested too."""
    from lgds_components.address.sample import write_csv

    folder = tmp_path_factory.mktemp("generated")
    source = folder / "generated.csv"
    write_csv(source, 20_000, seed=7)
    Gazetteer.load(folder / "generated.sqlite", source)
    PostgresGazetteer.load(database, source, schema="generated")
    with PostgresGazetteer.connect(database, schema="generated", pool_size=2) as pg, \
            Gazetteer.open(folder / "generated.sqlite") as lite:
        yield pg, lite


def answers(lookup: Any, text: str, **kw: Any) -> list[tuple[int, float, str]]:
    return [(m.uprn, m.score, m.reason) for m in lookup.search(text, **kw)]


def matched(lookup: Any, text: str) -> tuple[int, float, str] | None:
    found = lookup.match(text)
    return None if found is None else (found.uprn, found.score, found.reason)


def decided(lookup: Any, text: str) -> tuple[Any, ...]:
    """Everything a decision says: the reason, the detail and each candidate."""
    found = lookup.decide(text)
    return (found.reason, found.detail, matched(lookup, text),
            [(m.uprn, m.score, m.reason) for m in found.candidates])


def type_ahead(addresses: list[Address]) -> list[str]:
    out = []
    for index, address in enumerate(addresses):
        line = address.single_line()
        out.append(line[: 4 + (index * 7) % max(len(line) - 3, 1)])
    return out


# -- importing and configuration -----------------------------------------------------


def test_importing_does_not_import_psycopg() -> None:
    code = ("import sys, lgds_components.address, lgds_components.address.postgres, "
            "lgds_components.cli.address; print('psycopg' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_missing_driver_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(ConfigurationError, match=r'pip install "lgds-components\[postgres\]"'):
        PostgresGazetteer.connect("postgresql://nobody@127.0.0.1:1/none")


def test_unreachable_server_is_provider_unavailable() -> None:
    with pytest.raises(ProviderUnavailable) as caught:
        PostgresGazetteer.connect("postgresql://app:hunter2@127.0.0.1:1/none")
    assert "hunter2" not in str(caught.value)


def test_safe_dsn_masks_passwords() -> None:
    assert "s3cret" not in safe_dsn("postgresql://u:s3cret@h/db")
    assert "s3cret" not in safe_dsn("host=h password=s3cret dbname=x")


def test_connect_needs_a_migrated_schema(database: str) -> None:
    with pytest.raises(ConfigurationError, match="migrate"):
        PostgresGazetteer.connect(database, schema="never_made")
    with pytest.raises(ConfigurationError, match="schema"):
        PostgresGazetteer.connect(database, schema="Bad-Name")


def test_migrate_is_idempotent_and_an_empty_gazetteer_answers(database: str) -> None:
    assert PostgresGazetteer.migrate(database, schema="empty") == 3
    assert PostgresGazetteer.migrate(database, schema="empty") == 3
    assert sql(database, "SELECT version FROM empty.schema_version ORDER BY version") == [
        (1,), (2,), (3,)]
    with PostgresGazetteer.connect(database, schema="empty", pool_size=1) as gazetteer:
        assert isinstance(gazetteer, AddressLookup)
        assert len(gazetteer) == 0
        assert gazetteer.by_postcode("EX4 1AA") == []
        assert gazetteer.search("10 high street") == []
        assert gazetteer.match("10 high street") is None
        with pytest.raises(NotFound):
            gazetteer.by_uprn(1001)


def test_version_2_adds_the_delivered_products_columns(database: str) -> None:
    PostgresGazetteer.migrate(database, schema="older")
    sql(database, "ALTER TABLE older.address DROP COLUMN latitude, DROP COLUMN longitude, "
                  "DROP COLUMN udprn, DROP COLUMN delivery_lines")
    sql(database, "DELETE FROM older.schema_version WHERE version >= 2")
    assert PostgresGazetteer.migrate(database, schema="older") == 3
    columns = {name for (name,) in sql(
        database, "SELECT column_name FROM information_schema.columns "
                  "WHERE table_schema = 'older' AND table_name = 'address'")}
    assert {"latitude", "longitude", "udprn", "delivery_lines"} <= columns


def tokens_of(body: str) -> list[str]:
    """A stored body's words and then its prefix tokens: what its ``keys`` hold."""
    from lgds_components.address.stores.postgres_load import prefix_tokens

    words = body.split()
    return [*words, *prefix_tokens(words)]


def assert_keys_match_the_tokens(database: str, schema: str) -> None:
    """Each row's index keys are those of its words and prefix tokens, worked out in SQL."""
    from lgds_components.address.stores.postgres_schema import KEY

    rows = sql(database, f"SELECT id, body, keys FROM {schema}.address")
    owners, tokens = [], []
    for identifier, body, _ in rows:
        owners += [identifier] * len(tokens_of(body))
        tokens += tokens_of(body)
    worked_out = dict(sql(
        database, f"SELECT id, array_agg({KEY} ORDER BY n) FROM unnest(%s::bigint[], "
                  "%s::text[]) WITH ORDINALITY AS u (id, t, n) GROUP BY id", (owners, tokens)))
    assert rows and {identifier: keys for identifier, _, keys in rows if keys} == worked_out


def test_version_3_keys_a_gazetteer_loaded_before_it(database: str) -> None:
    """A gazetteer of words index over text tokens (version 2: a ``prefixes`` column of
    each word's prefix tokens) gets integer keys worked out in SQL, the same as a load
    gives, loses the ``prefixes`` column, and answers as before."""
    with sample_csv() as source:
        PostgresGazetteer.load(database, source, schema="keyless")
    assert_keys_match_the_tokens(database, "keyless")
    with PostgresGazetteer.connect(database, schema="keyless", pool_size=1) as gazetteer:
        before = [[(m.uprn, m.score) for m in gazetteer.search(text)]
                  for text in ("10 high street", "mic", "st michaels road", "orchard")]
    sql(database, "DROP INDEX keyless.address_words")
    sql(database, "ALTER TABLE keyless.address DROP COLUMN keys, "
                  "ADD COLUMN prefixes text COLLATE \"C\" NOT NULL DEFAULT ''")
    bodies = sql(database, "SELECT id, body FROM keyless.address")
    sql(database, "UPDATE keyless.address a SET prefixes = p.prefixes FROM unnest("
                  "%s::bigint[], %s::text[]) AS p (id, prefixes) WHERE a.id = p.id",
        ([identifier for identifier, _ in bodies],
         ["".join(f"{token} " for token in tokens_of(body)[len(body.split()):])
          for _, body in bodies]))
    sql(database, "CREATE INDEX address_words ON keyless.address USING gin "
                  "((string_to_array(btrim(body || prefixes), ' ')))")
    sql(database, "DELETE FROM keyless.schema_version WHERE version = 3")
    assert PostgresGazetteer.migrate(database, schema="keyless") == 3
    assert_keys_match_the_tokens(database, "keyless")
    with PostgresGazetteer.connect(database, schema="keyless", pool_size=1) as gazetteer:
        after = [[(m.uprn, m.score) for m in gazetteer.search(text)]
                 for text in ("10 high street", "mic", "st michaels road", "orchard")]
    assert after == before and all(before)
    assert sql(database, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'keyless' "
                         "AND indexname = 'address_words'")[0][0].endswith("USING gin (keys)")


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=st.lists(st.text(st.characters(blacklist_categories=("Cs",),
                                             blacklist_characters="\x00"), max_size=40),
                       min_size=1, max_size=20))
def test_token_keys_are_the_same_in_python_and_sql(database: str, tokens: list[str]) -> None:
    from lgds_components.address.stores.postgres_schema import KEY, token_key

    found = sql(database, f"SELECT ARRAY(SELECT {KEY} FROM unnest(%s::text[]) AS t)", (tokens,))
    assert found == [([token_key(token) for token in tokens],)]


def test_a_newer_schema_is_refused(database: str) -> None:
    PostgresGazetteer.migrate(database, schema="future")
    sql(database, "INSERT INTO future.schema_version (version, library) VALUES (99, 'x')")
    with pytest.raises(ConfigurationError, match="upgrade lgds-components"):
        PostgresGazetteer.connect(database, schema="future")
    with pytest.raises(ConfigurationError, match="newer"):
        PostgresGazetteer.migrate(database, schema="future")


def test_repr_close_and_context_manager(database: str, postgres_dsn: str) -> None:
    PostgresGazetteer.migrate(database, schema="empty")
    from psycopg.conninfo import make_conninfo

    with_password = make_conninfo(database, password="hunter2")
    gazetteer = PostgresGazetteer.connect(with_password, schema="empty", pool_size=1)
    assert "hunter2" not in repr(gazetteer) and "empty" in repr(gazetteer)
    gazetteer.close()
    gazetteer.close()
    with pytest.raises(ProviderError, match="closed"):
        gazetteer.by_postcode("EX4 1AA")


# -- the conformance suite ---------------------------------------------------------------


class TestPostgresConformance(AddressLookupConformance):
    """The AddressLookup contract, on PostgreSQL."""

    @pytest.fixture(scope="class")
    @classmethod
    def lookup(
        cls, database: str, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[PostgresGazetteer]:
        source = write_llpg(conformance_addresses(),
                            tmp_path_factory.mktemp("conformance") / "llpg.csv")
        PostgresGazetteer.load(database, source, schema="conformance", format="llpg")
        with PostgresGazetteer.connect(database, schema="conformance", pool_size=2) as found:
            yield found


# -- the same answers as SQLite ----------------------------------------------------------


@pytest.fixture(scope="module")
def conformance_pair(
    database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[PostgresGazetteer, Gazetteer]]:
    folder = tmp_path_factory.mktemp("pair")
    source = write_llpg(conformance_addresses(), folder / "llpg.csv")
    Gazetteer.load(folder / "g.sqlite", source, format="llpg")
    PostgresGazetteer.load(database, source, schema="pair", format="llpg")
    with PostgresGazetteer.connect(database, schema="pair", pool_size=1) as pg, \
            Gazetteer.open(folder / "g.sqlite") as lite:
        yield pg, lite


def test_conformance_queries_give_the_same_answers(
    conformance_pair: tuple[PostgresGazetteer, Gazetteer],
) -> None:
    pg, lite = conformance_pair
    texts = [text for text, _ in conformance.SEARCH_CASES]
    texts += [a.single_line() for a in conformance_addresses()]
    texts += list(conformance.NONSENSE) + list(conformance.HOSTILE)
    texts += ["high street", "mill", "flat", "10", "1", "h", "st", "rose c", "ex99"]
    for text in texts:
        for call in (answers, matched):
            try:
                expected = call(lite, text)
            except ValidationError:
                with pytest.raises(ValidationError):
                    call(pg, text)
                continue
            assert call(pg, text) == expected, text
    for postcode in conformance.POSTCODE_SETS:
        assert pg.by_postcode(postcode) == lite.by_postcode(postcode)
        assert pg.by_postcode(postcode, language="cy") == lite.by_postcode(postcode, language="cy")
        assert answers(pg, "10", postcode=postcode) == answers(lite, "10", postcode=postcode)


def test_sample_gives_the_same_answers(pg_sample: PostgresGazetteer, sample: Gazetteer) -> None:
    assert len(pg_sample) == len(sample)
    picked = sample.sample_addresses(150, seed=11)
    assert pg_sample.sample_addresses(150, seed=11) == picked
    for address in picked[:40]:
        assert pg_sample.by_postcode(address.postcode) == sample.by_postcode(address.postcode)
        assert pg_sample.by_postcode(address.postcode, postal_only=True, language="cy") == \
            sample.by_postcode(address.postcode, postal_only=True, language="cy")
        assert pg_sample.by_uprn(address.uprn) == sample.by_uprn(address.uprn)
        assert pg_sample.by_uprn(address.uprn, language="cy") == \
            sample.by_uprn(address.uprn, language="cy")
        if address.parent_uprn:
            assert pg_sample.children(address.parent_uprn) == sample.children(address.parent_uprn)
    for text in type_ahead(picked):
        assert answers(pg_sample, text) == answers(sample, text), text
    for case in messy_cases(picked, 150, seed=11):
        assert matched(pg_sample, case.text) == matched(sample, case.text), case.text
        assert answers(pg_sample, case.text, limit=5) == answers(sample, case.text, limit=5)
    for style in ("council", "mixed"):
        for case in messy_cases(picked, 150, seed=11, style=style):
            assert decided(pg_sample, case.text) == decided(sample, case.text), case.text
    texts = [case.text for case in messy_cases(picked, 250, seed=12, style="council")]
    shared = [(d.reason, d.match) for d in pg_sample.decide_many(texts, workers=2)]
    assert shared == [(d.reason, d.match) for d in sample.decide_many(texts)]


def test_generated_gives_the_same_answers_past_the_candidate_cut(
    generated: tuple[PostgresGazetteer, Gazetteer],
) -> None:
    pg, lite = generated
    picked = lite.sample_addresses(120, seed=3)
    common = ["1", "2", "s", "st", "12 h", "flat", "high street", "rd", "1 st", "road",
              "12", "a", "cl", "church rd", "mill", "ground floor flat", "house"]
    for text in common + type_ahead(picked):
        assert answers(pg, text, limit=20) == answers(lite, text, limit=20), text
    for case in messy_cases(picked, 120, seed=3):
        assert matched(pg, case.text) == matched(lite, case.text), case.text
    for case in messy_cases(picked, 120, seed=3, style="council"):
        assert decided(pg, case.text) == decided(lite, case.text), case.text


@pytest.mark.parametrize("plan", ["index only", "scan first"])
def test_both_ways_of_fetching_give_the_same_answers(
    generated: tuple[PostgresGazetteer, Gazetteer], plan: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever way the store finds the candidates (the words index, or reading rows in
    id order and falling back to the index for the rest), the answers are SQLite's."""
    from lgds_components.address.stores import postgres

    if plan == "index only":
        monkeypatch.setattr(postgres, "_SCAN_ROWS", 0)
        monkeypatch.setattr(postgres, "_POSTINGS_PER_ROW", 10**9)
    else:
        monkeypatch.setattr(postgres, "_SCAN_ROWS", 2_000)
        monkeypatch.setattr(postgres, "_POSTINGS_PER_ROW", 1)
    pg, lite = generated
    picked = lite.sample_addresses(40, seed=5)
    common = ["1", "s", "12 h", "flat", "high street", "1 st", "12", "a", "ground floor flat",
              "2 r", "first floor flat 1", "zzz", "1 2 3"]
    for text in common + type_ahead(picked):
        assert answers(pg, text, limit=20) == answers(lite, text, limit=20), text


def test_vocabulary_matches_the_sqlite_index(
    database: str, pg_sample: PostgresGazetteer, sample: Gazetteer
) -> None:
    import sqlite3

    pg_terms = dict(sql(database, "SELECT term, docs FROM sample.address_term"))
    pg_deletions = set(sql(database, "SELECT deletion, term FROM sample.address_term_delete"))
    with sqlite3.connect(f"file:{sample.path}?mode=ro", uri=True) as lite:
        lite_terms = dict(lite.execute("SELECT term, docs FROM address_term"))
        lite_deletions = set(lite.execute("SELECT deletion, term FROM address_term_delete"))
    lite.close()
    assert pg_terms == lite_terms
    assert pg_deletions == lite_deletions


# -- hostile input ---------------------------------------------------------------------

_NASTY = st.text(
    alphabet=st.sampled_from(list("%_\\'\";-*()[]{}:^$|~`!@#,. \t\n\x00ab1zé\u2019")),
    max_size=60,
) | st.text(max_size=40)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_NASTY)
def test_search_syntax_never_reaches_the_database(pg_sample: PostgresGazetteer,
                                                  text: str) -> None:
    for call in (lambda: pg_sample.search(text, limit=5), lambda: pg_sample.match(text)):
        try:
            result = call()
        except ValidationError:
            continue
        assert result is None or isinstance(result, list) or result.uprn


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_NASTY)
def test_postcode_and_uprn_input_is_checked(pg_sample: PostgresGazetteer, text: str) -> None:
    try:
        assert isinstance(pg_sample.by_postcode(text), list)
    except ValidationError:
        pass
    try:
        pg_sample.by_uprn(text)
    except (ValidationError, NotFound):
        pass


def test_long_and_odd_input(pg_sample: PostgresGazetteer) -> None:
    with pytest.raises(ValidationError):
        pg_sample.search("x" * 100_000)
    with pytest.raises(ValidationError):
        pg_sample.match("x" * 100_000)
    assert list(pg_sample.match_many(["x" * 100_000, 7, "zzzz"])) == [None, None, None]  # type: ignore[list-item]
    with pytest.raises(ValidationError):
        pg_sample.search("high", limit=0)
    with pytest.raises(ValidationError):
        pg_sample.search("high", postcode="not a postcode")


# -- loading --------------------------------------------------------------------------


def street_names(gazetteer: PostgresGazetteer) -> set[str]:
    return {a.street for a in gazetteer.by_postcode("EX4 1AA")}


def test_readers_see_the_old_gazetteer_until_the_new_one_is_complete(
    database: str, tmp_path: Path
) -> None:
    first, second = first_and_renamed(tmp_path)
    PostgresGazetteer.load(database, first, schema="swap")
    with PostgresGazetteer.connect(database, schema="swap", pool_size=1) as reader:
        assert street_names(reader) == {"High Street"}
        seen: list[tuple[str, set[str]]] = []

        def progress(state: Any) -> None:
            seen.append((state.phase, street_names(reader)))

        report = PostgresGazetteer.load(database, second, schema="swap", progress=progress)
        assert report.rows_loaded == len(ROWS) - 2 and report.ok
        assert [phase for phase, _ in seen] == ["indexing", "done"]
        assert all(names == {"High Street"} for _, names in seen)
        assert street_names(reader) == {"Market Street"}
        assert reader.search("market st")[0].address.street == "Market Street"


def test_a_failed_load_leaves_the_old_gazetteer_answering(database: str, tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", ROWS)
    bad_rows = [*ROWS, street_row(5000, pao_start_number=1, postcode="not a postcode")]
    bad = write(tmp_path / "bad.csv", bad_rows)
    PostgresGazetteer.load(database, good, schema="failed")
    with PostgresGazetteer.connect(database, schema="failed", pool_size=1) as reader:
        before = reader.by_postcode("EX4 1AA")
        with pytest.raises(ValidationError) as caught:
            PostgresGazetteer.load(database, bad, schema="failed")
        assert caught.value.line == len(bad_rows) + 1 and caught.value.field == "postcode"

        def explode(state: Any) -> None:
            if state.phase == "indexing":
                raise RuntimeError("disk full")

        with pytest.raises(RuntimeError):
            PostgresGazetteer.load(database, good, schema="failed", progress=explode)
        assert reader.by_postcode("EX4 1AA") == before
        assert reader.search("2 high st")[0].uprn == 1020
    leftovers = sql(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'failed' "
                              "AND tablename LIKE '%%_new'")
    assert leftovers == []


def test_a_second_load_at_once_is_refused(database: str, tmp_path: Path) -> None:
    import psycopg

    from lgds_components.address.stores import postgres_schema

    source = write(tmp_path / "g.csv", ROWS)
    PostgresGazetteer.migrate(database, schema="busy")
    with psycopg.connect(database, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (postgres_schema.lock_key("busy"),))
        with pytest.raises(ProviderUnavailable, match="another load"):
            PostgresGazetteer.load(database, source, schema="busy")
    PostgresGazetteer.load(database, source, schema="busy")


def test_a_change_while_a_load_builds_its_indexes_is_refused(database: str,
                                                             tmp_path: Path) -> None:
    """The load holds the schema's write lock between its transactions too (the rows
    are committed under new names before the indexes are built)."""
    source = write(tmp_path / "g.csv", ROWS)
    PostgresGazetteer.load(database, source, schema="held")
    refused: list[str] = []

    def progress(state: Any) -> None:
        if state.phase == "indexing":
            with PostgresGazetteer.connect(database, schema="held", pool_size=1) as other, \
                    pytest.raises(ProviderUnavailable, match="another load") as caught:
                other.apply_changes([("delete", 1020)])
            refused.append(str(caught.value))

    PostgresGazetteer.load(database, source, schema="held", progress=progress)
    assert len(refused) == 1


def test_duplicates_and_bad_rows_as_sqlite_reports_them(database: str, tmp_path: Path) -> None:
    rows = [*ROWS, street_row(1020, pao_start_number=2),
            street_row(6000, pao_start_number=1, street="Bad\x00Street"),
            street_row(6001, pao_start_number=1, postcode="QQ1 1QQ")]
    source = write(tmp_path / "dups.csv", rows)
    clean = write(tmp_path / "dups-clean.csv", rows[:-2])
    with pytest.raises(InvalidFormat) as caught:
        PostgresGazetteer.load(database, clean, schema="dups")
    with pytest.raises(InvalidFormat) as expected:
        Gazetteer.load(tmp_path / "d.sqlite", clean)
    assert (caught.value.line, caught.value.field) == (expected.value.line, expected.value.field)
    with pytest.raises(InvalidFormat) as nul:
        PostgresGazetteer.load(database, source, schema="dups")
    with pytest.raises(InvalidFormat) as lite_nul:
        Gazetteer.load(tmp_path / "d.sqlite", source)
    assert (nul.value.line, nul.value.field) == (lite_nul.value.line, lite_nul.value.field) \
        == (len(rows), "street_description")
    report = PostgresGazetteer.load(database, source, schema="dups", on_error="skip")
    lite = Gazetteer.load(tmp_path / "d.sqlite", source, on_error="skip")
    assert report.rows_loaded == lite.rows_loaded  # one reader: the same rows refused
    assert [(e.line, e.field) for e in report.errors] == [(e.line, e.field) for e in lite.errors]
    assert [e.line for e in report.errors] == [len(rows) - 1, len(rows), len(rows) + 1]
    with PostgresGazetteer.connect(database, schema="dups", pool_size=1) as gazetteer:
        assert [a.uprn for a in gazetteer.by_postcode("EX4 1AA")].count(1020) == 1
    assert_prefix_counts_match_the_rows(database, "dups")
    assert_keys_match_the_tokens(database, "dups")


def test_load_options_as_sqlite(database: str, tmp_path: Path) -> None:
    source = write(tmp_path / "all.csv", ROWS)
    report = PostgresGazetteer.load(database, source, schema="options",
                                    statuses=("approved", "historical"), classifications=("R",))
    lite = Gazetteer.load(tmp_path / "o.sqlite", source, statuses=("approved", "historical"),
                          classifications=("R",))
    assert (report.rows_loaded, report.rows_filtered) == (lite.rows_loaded, lite.rows_filtered)
    with PostgresGazetteer.connect(database, schema="options", pool_size=1) as pg, \
            Gazetteer.open(tmp_path / "o.sqlite") as sq:
        assert pg.by_postcode("EX4 1AA") == sq.by_postcode("EX4 1AA")
        assert pg.info()["statuses"] == "1,8" and pg.info()["classifications"] == "R"
    with pytest.raises(ValidationError):
        PostgresGazetteer.load(database, source, schema="options", on_error="ignore")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        PostgresGazetteer.load(database, tmp_path / "missing.csv", schema="options")


# -- change-only updates ----------------------------------------------------------------


def change_rows(*rows: tuple[str, dict[str, str]]) -> list[dict[str, str]]:
    return [dict(row, change_type=kind) for kind, row in rows]


CHANGE_COLUMNS = [*ADDRESSBASE_COLUMNS, "change_type"]


@pytest.fixture
def changed(database: str, tmp_path: Path) -> Iterator[PostgresGazetteer]:
    schema = f"changes_{secrets.token_hex(3)}"
    PostgresGazetteer.load(database, write(tmp_path / "base.csv", ROWS), schema=schema)
    with PostgresGazetteer.connect(database, schema=schema, pool_size=1) as gazetteer:
        yield gazetteer


def test_changes_from_a_file_match_a_fresh_load(changed: PostgresGazetteer,
                                                 tmp_path: Path) -> None:
    updated = street_row(1022, pao_start_number=14)
    inserted = street_row(2001, pao_start_number=5, street="Orchard Way", postcode="EX4 1AB")
    welsh = street_row(1029, pao_start_number=31, postcode="EX4 1AB", street="Lôn y Felin",
                       town_name="Aberkel", language="CYM")
    rows = change_rows(("D", dict.fromkeys(ADDRESSBASE_COLUMNS, "") | {"uprn": "1020"}),
                       ("U", updated), ("I", inserted), ("u", welsh))
    source = write(tmp_path / "changes.csv", rows, CHANGE_COLUMNS)
    before = len(changed)
    report = changed.apply_changes(source)
    assert (report.rows_read, report.inserted, report.updated, report.deleted) == (4, 1, 2, 1)
    with pytest.raises(NotFound):
        changed.by_uprn(1020)
    assert changed.by_uprn(1022).pao_start_number == 14
    assert changed.by_uprn(1029).street == "Mill Lane"
    assert changed.by_uprn(1029, language="cy").pao_start_number == 31
    assert len(changed) == before and "changed_at" in changed.info()
    # the same records loaded fresh into SQLite, changed rows last (as their new ids are)
    final = [row for row in ROWS if row["uprn"] not in ("1020", "1022")
             and not (row["uprn"] == "1029" and row["language"] == "CYM")]
    final += [updated, inserted, welsh]
    Gazetteer.load(tmp_path / "fresh.sqlite", write(tmp_path / "fresh.csv", final))
    with Gazetteer.open(tmp_path / "fresh.sqlite") as fresh:
        for text in ("orchard way", "orch", "14 high st", "12 high street", "2 high st", "high",
                     "lon y felin", "31 lon", "flat 2 10 high st", "h", "1"):
            assert answers(changed, text) == answers(fresh, text), text
            assert matched(changed, text) == matched(fresh, text), text
        for postcode in ("EX4 1AA", "EX4 1AB"):
            assert changed.by_postcode(postcode) == fresh.by_postcode(postcode)
            assert changed.by_postcode(postcode, language="cy") == \
                fresh.by_postcode(postcode, language="cy")


def test_changes_are_all_or_nothing_with_the_line(changed: PostgresGazetteer,
                                                  tmp_path: Path) -> None:
    good = street_row(3001, pao_start_number=7, street="Orchard Way")
    cases = [
        (("D", dict.fromkeys(ADDRESSBASE_COLUMNS, "") | {"uprn": "999999"}), "uprn"),
        (("I", street_row(1021, pao_start_number=2, pao_start_suffix="A")), "uprn"),
        (("U", street_row(424242, pao_start_number=3)), "uprn"),
        (("I", street_row(3002, pao_start_number=3, postcode="EX4")), "postcode"),
        (("X", street_row(3003, pao_start_number=3)), "change_type"),
        (("I", street_row(3004, pao_start_number=3, street="Nul\x00Lane")), "row"),
    ]
    before = answers(changed, "orchard way")
    for bad, field in cases:
        source = write(tmp_path / "bad.csv", change_rows(("I", good), bad), CHANGE_COLUMNS)
        with pytest.raises(ValidationError) as caught:
            changed.apply_changes(source)
        assert (caught.value.line, caught.value.field) == (3, field), bad
        assert answers(changed, "orchard way") == before
        with pytest.raises(NotFound):
            changed.by_uprn(3001)
    source = write(tmp_path / "nocol.csv", [good])
    with pytest.raises(MissingValue) as missing:
        changed.apply_changes(source)
    assert missing.value.line == 1


def test_changes_from_code(changed: PostgresGazetteer) -> None:
    home = Address(uprn=4001, pao_start_number=9, street="Orchard Way", town="Kelmouth",
                   postcode="ex4 1ab", classification="RD04")
    old = Address(uprn=4002, pao_start_number=11, street="Orchard Way", town="Kelmouth",
                  postcode="EX4 1AB", logical_status=8)
    report = changed.apply_changes([Change.insert(home), ("insert", old), ("delete", 1021),
                                    Change.update(home.evolve(pao_start_number=10))])
    assert (report.inserted, report.updated, report.deleted, report.filtered) == (2, 1, 1, 1)
    assert changed.by_uprn(4001).pao_start_number == 10
    assert changed.by_uprn(4001).postcode == "EX4 1AB"
    with pytest.raises(NotFound):
        changed.by_uprn(4002)  # historical records are left out, as at the load
    with pytest.raises(NotFound):
        changed.by_uprn(1021)
    assert changed.search("10 orchard")[0].uprn == 4001
    for bad in ([("frobnicate", home)], [("insert", 4001)], ["nonsense"],
                [Change.insert(home.evolve(uprn=4003, postcode="XX"))]):
        with pytest.raises(ValidationError) as caught:
            changed.apply_changes(bad)  # type: ignore[arg-type]
        assert caught.value.line == 1


def assert_prefix_counts_match_the_rows(database: str, schema: str) -> None:
    """address_prefix holds, for each prefix token, the number of records holding it."""
    from collections import Counter

    stored = sql(database, f"SELECT token, docs FROM {schema}.address_prefix ORDER BY token")
    counted = Counter(token for (body,) in sql(database, f"SELECT body FROM {schema}.address")
                      for token in tokens_of(body)[len(body.split()):])
    assert stored == sorted(counted.items()) and stored


def test_deleting_a_street_removes_its_words(changed: PostgresGazetteer, database: str) -> None:
    schema = changed.schema
    assert sql(database, f"SELECT docs FROM {schema}.address_term WHERE term = 'michaels'")
    assert sql(database, f"SELECT docs FROM {schema}.address_prefix WHERE token = 'mic*'")
    changed.apply_changes([("delete", 1030)])
    assert not sql(database, f"SELECT 1 FROM {schema}.address_term WHERE term = 'michaels'")
    assert not sql(database,
                   f"SELECT 1 FROM {schema}.address_term_delete WHERE term = 'michaels'")
    assert not sql(database, f"SELECT docs FROM {schema}.address_prefix WHERE token = 'mic*'")
    assert all(m.uprn != 1030 for m in changed.search("st michaels road"))
    assert all(m.uprn != 1030 for m in changed.search("mic"))
    new = Address(uprn=4005, pao_start_number=99, street="Micklegate", town="Kelmouth",
                  postcode="EX4 1AB", classification="RD04")
    changed.apply_changes([Change.insert(new), Change.update(new.evolve(pao_start_number=98))])
    assert_prefix_counts_match_the_rows(database, schema)
    assert_keys_match_the_tokens(database, schema)
    assert [m.uprn for m in changed.search("98 mic")][:1] == [4005]
    assert changed.search("99 mic")[0].score < changed.search("98 mic")[0].score


def test_read_changes_reads_lazily_with_lines(tmp_path: Path) -> None:
    rows = change_rows(("I", street_row(1, pao_start_number=1)),
                       ("D", dict.fromkeys(ADDRESSBASE_COLUMNS, "") | {"uprn": "2"}))
    source = write(tmp_path / "c.csv", rows, CHANGE_COLUMNS)
    found = list(read_changes(source))
    assert [(c.action, c.uprn, c.line) for c in found] == [("insert", 1, 2), ("delete", 2, 3)]


# -- pools and replicas ---------------------------------------------------------------


def test_reads_go_to_the_replica_and_writes_to_the_primary(
    database: str, changed: PostgresGazetteer
) -> None:
    from psycopg.conninfo import make_conninfo

    replica = make_conninfo(database, application_name="lgds_replica_test",
                            options="-c default_transaction_read_only=on")
    with PostgresGazetteer.connect(database, schema=changed.schema, read_dsn=replica,
                                   pool_size=1) as gazetteer:
        assert gazetteer.search("2 high st")[0].uprn == 1020
        names = {row[0] for row in sql(database, "SELECT application_name FROM "
                                                 "pg_stat_activity")}
        assert "lgds_replica_test" in names
        report = gazetteer.apply_changes([("delete", 1020)])
        assert report.deleted == 1
    with pytest.raises(NotFound):
        changed.by_uprn(1020)


def test_a_replica_without_the_schema_is_refused(database: str, postgres_dsn: str) -> None:
    with pytest.raises(ConfigurationError):
        PostgresGazetteer.connect(database, schema="sample", read_dsn=postgres_dsn)


def test_pool_is_shared_by_threads(pg_sample: PostgresGazetteer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = ["67 mount parade", "flat 2 65 mount pde", "sn7 1ba", "rushworth"] * 10
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda t: answers(pg_sample, t), texts))
    assert results == [answers(pg_sample, t) for t in texts]


# -- the command line ------------------------------------------------------------------


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    from lgds_components.cli.address import address

    return CliRunner().invoke(address, list(args), standalone_mode=False,
                              catch_exceptions=True, env=env)


def test_cli_against_postgres(database: str, tmp_path: Path, small_csv: Path) -> None:
    pg = ["--postgres", database, "--schema", "cli"]
    result = invoke("load", str(small_csv), *pg)
    assert result.return_value == 0, result.output
    assert f"loaded {len(ROWS) - 2} of" in result.output and "PostgreSQL" in result.output
    lines = invoke("postcode", "ex41aa", *pg).output.splitlines()
    assert lines[0].split(None, 1)[1] == "2 High Street, Kelmouth, EX4 1AA"
    assert invoke("uprn", "1003", *pg).output.splitlines()[0] == "Flat 2"
    assert "1003" in invoke("search", "2/10 high st", *pg, "-n", "1").output
    env = {"LGDS_POSTGRES_DSN": database}
    assert "1003" in invoke("search", "2/10 high st", "--schema", "cli", env=env).output
    source = tmp_path / "in.csv"
    source.write_text('address\n"Flat 2, 10 High St, EX4 1AA"\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    assert invoke("match", str(source), *pg, "-o", str(out)).return_value == 0
    assert "1003" in out.read_text(encoding="utf-8")
    changes = write(tmp_path / "c.csv", change_rows(
        ("D", dict.fromkeys(ADDRESSBASE_COLUMNS, "") | {"uprn": "1003"})), CHANGE_COLUMNS)
    result = invoke("changes", str(changes), *pg)
    assert result.return_value == 0 and "1 deleted" in result.output
    assert invoke("uprn", "1003", *pg).return_value == 1
    assert invoke("migrate", *pg).return_value == 0
    both = invoke("postcode", "ex41aa", *pg, "-g", str(tmp_path / "x.sqlite"))
    assert both.exception is not None and "not both" in str(both.exception)
    assert invoke("changes", str(changes)).exception is not None
    assert invoke("load", str(small_csv)).exception is not None


def test_temporary_server_takes_plain_settings(postgres_dsn: str) -> None:
    import os

    from lgds_components.testing.postgres import DSN_VARIABLE, temporary_server

    with pytest.raises(ValueError, match="plain server setting"), \
            temporary_server(settings={"work_mem": "8MB -c fsync=on"}):
        pass
    if os.environ.get(DSN_VARIABLE):
        pytest.skip(f"{DSN_VARIABLE} names an existing server; settings apply to new ones")
    with temporary_server(settings={"work_mem": "8MB"}) as dsn:
        assert sql(dsn, "SHOW work_mem") == [("8MB",)]


def test_several_files_load_as_one_as_sqlite_loads_them(database: str, tmp_path: Path) -> None:
    north = write(tmp_path / "north.csv", [street_row(1, pao_start_number=1),
                                           street_row(2, pao_start_number=2)])
    south = write(tmp_path / "south.csv", [street_row(3, pao_start_number=3, postcode="EX4 1AB"),
                                           street_row(1, pao_start_number=9)])
    with pytest.raises(InvalidFormat, match="duplicate") as raised:
        PostgresGazetteer.load(database, [north, south], schema="tiles")
    assert (raised.value.source, raised.value.line) == ("south.csv", 3)
    report = PostgresGazetteer.load(database, [north, south], schema="tiles", on_error="skip")
    lite = Gazetteer.load(tmp_path / "g.sqlite", [north, south], on_error="skip")
    assert (report.rows_read, report.rows_loaded) == (lite.rows_read, lite.rows_loaded) == (4, 3)
    assert [(e.source, e.line) for e in report.errors] == [(e.source, e.line)
                                                           for e in lite.errors]
    with PostgresGazetteer.connect(database, schema="tiles", pool_size=1) as gazetteer:
        assert gazetteer.info()["source"] == "north.csv, south.csv"
        assert [a.uprn for a in gazetteer.by_postcode("EX4 1AB")] == [3]
