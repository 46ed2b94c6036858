"""Dump every public answer of a gazetteer (and its stored rows) to compare two versions.

Used to show that a change to the address package leaves every answer as it
was: run ``dump`` with the old code and with the new, on the same CSV, then
``diff`` the two dumps.

Usage (from the repository root, with the package installed)::

    python benchmarks/compare_answers.py dump CSV OUT.json [--postgres DSN] [--uprns N]
        [--on-error skip]
    python benchmarks/compare_answers.py diff BEFORE.json AFTER.json

``dump`` loads CSV into a fresh SQLite file (or, with ``--postgres``, into
a schema named after OUT at DSN) with this checkout's code, then asks it:

- ``by_postcode`` for every postcode (default and ``postal_only=True``; with
  ``language="cy"`` for 500 of them at most), ``by_uprn`` for every UPRN
  (or ``--uprns N`` of them, picked evenly) in English and Welsh, ``children`` of
  every parent UPRN (500 at most),
  ``sample_addresses`` for three seeds, ``len`` and ``info`` (less the load
  time);
- ``search`` for 2,000 type-ahead prefixes of sampled addresses (plain and
  restricted to the address's postcode) and ``match`` for 2,000 messy cases
  (:func:`lgds_components.address.messy.messy_cases`), giving UPRN, score,
  reason and the whole address of every result;
- and the stored rows, table by table (SQLite: ``address`` less its file
  layout; PostgreSQL: every table the load writes), as SHA-256 digests.

Each section is written as a SHA-256 digest of its answers plus the first
answers themselves, so ``diff`` can say which section differs and show the
first difference. Old and new code are run by pointing ``PYTHONPATH`` at a
checkout's ``src`` (``git archive main | tar -x -C /tmp/before``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

SEARCHES = 2000
MATCHES = 2000
KEPT = 50  # answers kept in the dump per section, to show a difference
WELSH_POSTCODES = 500
PARENTS = 500


# The Address fields every version compared has (later versions add more, which a
# comparison with an earlier one leaves aside).
FIELDS = ("uprn", "parent_uprn", "usrn", "organisation", "sao_start_number", "sao_start_suffix",
          "sao_end_number", "sao_end_suffix", "sao_text", "pao_start_number", "pao_start_suffix",
          "pao_end_number", "pao_end_suffix", "pao_text", "street", "locality", "town",
          "postcode", "easting", "northing", "classification", "logical_status", "language",
          "postal")


def _address(address: Any) -> list[Any]:
    return [getattr(address, name) for name in FIELDS]


def _matches(found: Iterable[Any]) -> list[Any]:
    return [[m.uprn, m.score, m.reason, _address(m.address)] for m in found]


class Sections:
    """Answers by section: a running digest and the first few, for the dump."""

    def __init__(self) -> None:
        self.digests: dict[str, Any] = {}
        self.first: dict[str, list[Any]] = {}
        self.counts: dict[str, int] = {}

    def add(self, section: str, key: Any, answer: Any) -> None:
        line = json.dumps([key, answer], sort_keys=True, default=str)
        self.digests.setdefault(section, hashlib.sha256()).update(line.encode() + b"\n")
        self.counts[section] = self.counts.get(section, 0) + 1
        kept = self.first.setdefault(section, [])
        if len(kept) < KEPT:
            kept.append([key, answer])

    def as_json(self) -> dict[str, Any]:
        return {name: {"sha256": digest.hexdigest(), "answers": self.counts[name],
                       "first": self.first[name]}
                for name, digest in sorted(self.digests.items())}


def _ask(sections: Sections, section: str, keys: Iterable[Any],
         question: Callable[[Any], Any]) -> None:
    for key in keys:
        try:
            answer = question(key)
        except Exception as exc:  # an error is an answer too
            answer = f"{type(exc).__name__}: {exc}"
        sections.add(section, key, answer)


def _sqlite_facts(path: Path) -> tuple[list[str], list[int], list[int]]:
    conn = sqlite3.connect(path)
    try:
        postcodes = [row[0] for row in conn.execute(
            "SELECT DISTINCT postcode FROM address WHERE postcode != '' ORDER BY postcode")]
        uprns = [row[0] for row in conn.execute("SELECT DISTINCT uprn FROM address ORDER BY uprn")]
        parents = [row[0] for row in conn.execute(
            "SELECT DISTINCT parent_uprn FROM address WHERE parent_uprn IS NOT NULL "
            "ORDER BY parent_uprn")]
    finally:
        conn.close()
    return postcodes, uprns, parents


def _sqlite_rows(path: Path, sections: Sections) -> None:
    """Stored rows of the SQLite file, table by table (FTS5 as its vocabulary)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, address_fts, instance)")
        queries = {
            "rows: address": f"SELECT id, {', '.join(FIELDS)}, postcode_key, sort_key, "
            "search, preferred FROM address ORDER BY id",
            "rows: index words": "SELECT doc, group_concat(term, ' ') FROM "
            "(SELECT doc, term FROM temp.v ORDER BY doc, term) GROUP BY doc ORDER BY doc",
            "rows: address_term": "SELECT term, docs FROM address_term ORDER BY term",
            "rows: address_term_delete": "SELECT deletion, term FROM address_term_delete "
            "ORDER BY deletion, term",
        }
        for section, sql in queries.items():
            for number, row in enumerate(conn.execute(sql)):
                sections.add(section, number, list(row))
    finally:
        conn.close()


def _postgres_rows(dsn: str, schema: str, sections: Sections) -> None:
    import psycopg

    queries = {
        "rows: address": f"SELECT id, body, keys, {', '.join(FIELDS)}, postcode_key, "
        f"sort_key, search, line FROM {schema}.address ORDER BY id",
        "rows: address_secondary": f"SELECT id FROM {schema}.address_secondary ORDER BY id",
        "rows: address_term": f"SELECT term, docs FROM {schema}.address_term ORDER BY term",
        "rows: address_term_delete": f"SELECT deletion, term FROM {schema}.address_term_delete "
        "ORDER BY deletion, term",
        "rows: address_prefix": f"SELECT token, docs FROM {schema}.address_prefix "
        "ORDER BY token",
    }
    with psycopg.connect(dsn) as conn:
        for section, sql in queries.items():
            with conn.cursor(name="dump") as cursor:
                cursor.execute(sql)
                for number, row in enumerate(cursor):
                    sections.add(section, number,
                                 [value.hex() if isinstance(value, bytes) else value
                                  for value in row])


def _every(items: list[Any], most: int | None) -> list[Any]:
    if most is None or len(items) <= most:
        return items
    step = len(items) / most
    return [items[int(index * step)] for index in range(most)]


def _questions(gazetteer: Any, sections: Sections, facts: tuple[list[str], list[int], list[int]],
               uprn_count: int | None) -> None:
    from lgds_components.address.messy import messy_cases

    postcodes, uprns, parents = facts
    print(f"  {len(postcodes):,} postcodes, {len(uprns):,} UPRNs, {len(parents):,} parents",
          file=sys.stderr)
    sections.add("len", "len", len(gazetteer))
    info = {key: value for key, value in gazetteer.info().items() if key != "loaded_at"}
    sections.add("info", "info", info)
    _ask(sections, "by_postcode", postcodes,
         lambda code: [_address(a) for a in gazetteer.by_postcode(code)])
    _ask(sections, "by_postcode postal_only", postcodes,
         lambda code: [_address(a) for a in gazetteer.by_postcode(code, postal_only=True)])
    # (Welsh forms: every postcode of a small file; of a large one 500, picked evenly, as
    # the SQLite store answers them with a scan of the table)
    _ask(sections, "by_postcode cy", _every(postcodes, WELSH_POSTCODES),
         lambda code: [_address(a) for a in gazetteer.by_postcode(code, language="cy")])
    chosen = _every(uprns, uprn_count)
    _ask(sections, "by_uprn", chosen, lambda uprn: _address(gazetteer.by_uprn(uprn)))
    _ask(sections, "by_uprn cy", chosen,
         lambda uprn: _address(gazetteer.by_uprn(uprn, language="cy")))
    # (children: of a large file 500 parents, as the SQLite store before 2026-12 answered
    # them with a scan of the table)
    _ask(sections, "children", _every(parents, min(uprn_count or PARENTS, PARENTS)),
         lambda uprn: [_address(a) for a in gazetteer.children(uprn)])
    _ask(sections, "sample_addresses", [(500, 0), (500, 1), (50, 7)],
         lambda args: [_address(a) for a in gazetteer.sample_addresses(*args)])
    rng = random.Random(5)
    texts = []
    picked = gazetteer.sample_addresses(SEARCHES, seed=11)
    for address in picked:
        line = address.single_line()
        texts.append((line[: rng.randrange(4, len(line) + 1)], address.postcode))
    _ask(sections, "search", [text for text, _ in texts],
         lambda text: _matches(gazetteer.search(text)))
    _ask(sections, "search at postcode", [pair for pair in texts if pair[1]],
         lambda pair: _matches(gazetteer.search(pair[0][:8], limit=20, postcode=pair[1])))
    cases = list(messy_cases(gazetteer.sample_addresses(MATCHES, seed=12), MATCHES, seed=12))
    _ask(sections, "match", [case.text for case in cases],
         lambda text: _matches([m] if (m := gazetteer.match(text)) else []))
    _ask(sections, "match_many", [[case.text for case in cases[:200]]],
         lambda rows: _matches(m for m in gazetteer.match_many(rows) if m is not None))
    awkward = ["", "   ", "x" * 301, "'; DROP TABLE address; --", '"high" OR st*', "NEAR(a b)",
               "\x00", "ＳＷ１Ａ １ＡＡ", "10 high st", "flat 2 10"]
    _ask(sections, "awkward search", awkward, lambda text: _matches(gazetteer.search(text)))
    _ask(sections, "awkward match", awkward,
         lambda text: _matches([m] if (m := gazetteer.match(text)) else []))


def _report(report: Any) -> list[Any]:
    return [report.rows_read, report.rows_loaded, report.rows_filtered, report.error_count,
            [[error.line, error.field, error.message] for error in report.errors]]


def _schema_for(out: Path) -> str:
    """A schema of the dump's own (two dumps at once never share one)."""
    name = "".join(ch if ch.isalnum() else "_" for ch in Path(out).stem.lower())
    return f"compare_{name}"[:40]


def dump(source: Path, out: Path, postgres: str | None, uprn_count: int | None,
         on_error: str = "fail") -> None:
    import lgds_components
    from lgds_components.address import Gazetteer

    print(f"lgds_components from {Path(lgds_components.__file__).parent}", file=sys.stderr)
    sections = Sections()
    with tempfile.TemporaryDirectory(dir=Path(out).resolve().parent) as folder:
        target = Path(folder) / "compare.sqlite"
        started = time.perf_counter()
        report = Gazetteer.load(target, source, on_error=on_error)  # type: ignore[arg-type]
        print(f"  SQLite load {time.perf_counter() - started:.1f} s, "
              f"{report.rows_loaded:,} rows", file=sys.stderr)
        facts = _sqlite_facts(target)
        sections.add("load report", "sqlite", _report(report))
        if postgres:
            from lgds_components.address.postgres import PostgresGazetteer

            started = time.perf_counter()
            schema = _schema_for(out)
            report = PostgresGazetteer.load(postgres, source, schema=schema,
                                            on_error=on_error)  # type: ignore[arg-type]
            print(f"  PostgreSQL load {time.perf_counter() - started:.1f} s", file=sys.stderr)
            sections.add("load report", "postgres", _report(report))
            _postgres_rows(postgres, schema, sections)
            with PostgresGazetteer.connect(postgres, schema=schema, pool_size=1) as gazetteer:
                _questions(gazetteer, sections, facts, uprn_count)
        else:
            _sqlite_rows(target, sections)
            with Gazetteer.open(target, readonly=True) as gazetteer:
                _questions(gazetteer, sections, facts, uprn_count)
    Path(out).write_text(json.dumps(sections.as_json(), indent=1), encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


def _first_difference(left: list[Any], right: list[Any]) -> Iterator[str]:
    for one, other in zip(left, right, strict=False):
        if one != other:
            yield f"    before: {json.dumps(one)[:600]}\n    after:  {json.dumps(other)[:600]}"
            return


def diff(before: Path, after: Path) -> int:
    old = json.loads(Path(before).read_text(encoding="utf-8"))
    new = json.loads(Path(after).read_text(encoding="utf-8"))
    differing = 0
    for section in sorted(set(old) | set(new)):
        one, other = old.get(section), new.get(section)
        if one is None or other is None:
            print(f"{section}: only in {'after' if one is None else 'before'}")
            differing += 1
        elif one["sha256"] != other["sha256"]:
            print(f"{section}: DIFFERS ({one['answers']:,} answers before, "
                  f"{other['answers']:,} after)")
            for line in _first_difference(one["first"], other["first"]):
                print(line)
            differing += 1
        else:
            print(f"{section}: same ({one['answers']:,} answers, sha256 {one['sha256'][:16]})")
    print("every section the same" if not differing else f"{differing} sections differ")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump", help="load CSV and dump every answer")
    dumping.add_argument("csv", type=Path)
    dumping.add_argument("out", type=Path)
    dumping.add_argument("--postgres", metavar="DSN", help="ask PostgreSQL instead of SQLite")
    dumping.add_argument("--on-error", choices=("fail", "skip"), default="fail",
                         help="the loads' on_error (skip: the refused rows are in the dump)")
    dumping.add_argument("--uprns", type=int, default=None,
                         help="ask by_uprn and children for this many UPRNs (default: all)")
    comparing = commands.add_parser("diff", help="compare two dumps")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        dump(args.csv, args.out, args.postgres, args.uprns, args.on_error)
        return 0
    return diff(args.before, args.after)


if __name__ == "__main__":
    raise SystemExit(main())
