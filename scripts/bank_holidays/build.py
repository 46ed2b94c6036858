"""Build the shipped bank holidays file from GOV.UK's own source data.

GOV.UK's page and JSON (https://www.gov.uk/bank-holidays.json) are made by
alphagov/frontend from two files: ``lib/data/bank-holidays.json`` (dates,
bunting, and translation keys for titles, notes and divisions) and
``config/locales/en.yml`` (the English text of those keys). Copies of both
(the locale file cut down to the keys the data uses, as JSON) are kept beside
this script, with where they came from in ``SOURCE.md``; this script turns
them into ``src/lgds_components/bins/data/bank-holidays.json`` in GOV.UK's
JSON shape.

    python3 scripts/bank_holidays/build.py                     # rebuild from the copies
    python3 scripts/bank_holidays/build.py --check             # exit 1 if the shipped file differs
    python3 scripts/bank_holidays/build.py --frontend ../frontend   # take new copies first

``--frontend`` reads a checkout of alphagov/frontend and needs PyYAML
(``pip install pyyaml``) to read its locale file; the rest needs only Python.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CALENDAR = HERE / "frontend-bank-holidays.json"
TITLES = HERE / "frontend-en-titles.json"
SHIPPED = ROOT / "src" / "lgds_components" / "bins" / "data" / "bank-holidays.json"
DIVISION_ORDER = ("england-and-wales", "scotland", "northern-ireland")
REPOSITORY = "https://github.com/alphagov/frontend"


def used_keys(calendar: Mapping[str, Any]) -> set[str]:
    """Every translation key the calendar data refers to."""
    keys = set()
    for division in calendar["divisions"].values():
        keys |= {division["slug"], division["title"]}
        for year, events in division.items():
            if year.isdigit():
                for event in events:
                    keys.add(event["title"])
                    if event["notes"]:
                        keys.add(event["notes"])
    return keys


def extract_titles(locale: Mapping[str, Any], keys: set[str]) -> dict[str, str]:
    """The English text of each key (``bank_holidays.new_year``) from the parsed locale file."""
    found = {}
    for key in sorted(keys):
        node: Any = locale["en"]
        for part in key.split("."):
            node = node[part]
        if not isinstance(node, str):
            raise SystemExit(f"{key} is not a piece of text in the locale file")
        found[key] = node
    return found


def build(calendar: Mapping[str, Any], titles: Mapping[str, str],
          source: Mapping[str, str]) -> dict[str, Any]:
    """GOV.UK's bank holidays JSON, as gov.uk/bank-holidays.json publishes it, with ``_meta``."""
    built: dict[str, Any] = {"_meta": {
        "source": "https://www.gov.uk/bank-holidays.json",
        "assembled": source["date"],
        "method": (f"built by scripts/bank_holidays/build.py from {REPOSITORY} "
                   f"(lib/data/bank-holidays.json, config/locales/en.yml) at commit "
                   f"{source['commit']}"),
    }}
    divisions = {}
    for division in calendar["divisions"].values():
        name = titles[division["slug"]]
        events: list[dict[str, Any]] = []
        for year, listed in division.items():
            if not year.isdigit():
                continue
            for event in listed:
                day, month, year_text = event["date"].split("/")
                events.append({
                    "title": titles[event["title"]],
                    "date": f"{year_text}-{month}-{day}",
                    "notes": titles[event["notes"]] if event["notes"] else "",
                    "bunting": bool(event["bunting"]),
                })
        events.sort(key=lambda e: e["date"])
        divisions[name] = {"division": name, "events": events}
    for name in DIVISION_ORDER:
        built[name] = divisions.pop(name)
    if divisions:
        raise SystemExit(f"unexpected divisions in the source data: {sorted(divisions)}")
    return built


def render(data: Mapping[str, Any]) -> str:
    """The file's text: one event a line, so a changed holiday is a one-line diff."""
    lines = ["{", f' "_meta": {json.dumps(data["_meta"], ensure_ascii=False)},']
    for index, name in enumerate(DIVISION_ORDER):
        division = data[name]
        lines.append(f' {json.dumps(name)}: {{"division": {json.dumps(name)}, "events": [')
        rows = [f"  {json.dumps(event, ensure_ascii=False)}" for event in division["events"]]
        lines.append(",\n".join(rows))
        lines.append(" ]}" + ("," if index < len(DIVISION_ORDER) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def load_copies() -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The copies kept beside this script: (calendar, titles, where they came from)."""
    calendar = json.loads(CALENDAR.read_text(encoding="utf-8"))
    titles = json.loads(TITLES.read_text(encoding="utf-8"))
    source = titles.pop("_source")
    return calendar, titles, source


def take_copies(frontend: Path) -> None:
    """Copy the calendar data and the titles it uses from a checkout of alphagov/frontend."""
    try:
        import yaml
    except ImportError:
        raise SystemExit("reading the locale file needs PyYAML: pip install pyyaml") from None
    calendar_path = frontend / "lib" / "data" / "bank-holidays.json"
    calendar = json.loads(calendar_path.read_text(encoding="utf-8"))
    locale = yaml.safe_load((frontend / "config" / "locales" / "en.yml").read_text("utf-8"))
    git = ["git", "-C", str(frontend), "log", "-1", "--format=%H %cI"]
    commit, stamp = subprocess.run(git, capture_output=True, text=True,
                                   check=True).stdout.split()
    date = datetime.fromisoformat(stamp).date().isoformat()
    titles: dict[str, Any] = {"_source": {"repository": REPOSITORY, "commit": commit,
                                          "date": date}}
    titles.update(extract_titles(locale, used_keys(calendar)))
    shutil.copyfile(calendar_path, CALENDAR)
    TITLES.write_text(json.dumps(titles, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"copied the source data of {REPOSITORY} at {commit} ({date})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frontend", type=Path, help="a checkout of alphagov/frontend")
    parser.add_argument("--check", action="store_true",
                        help="only compare the shipped file with a fresh build")
    args = parser.parse_args(argv)
    if args.frontend is not None:
        take_copies(args.frontend)
    text = render(build(*load_copies()))
    if args.check:
        if SHIPPED.read_text(encoding="utf-8") != text:
            print(f"{SHIPPED.relative_to(ROOT)} differs from the build; run this script",
                  file=sys.stderr)
            return 1
        print(f"{SHIPPED.relative_to(ROOT)} is up to date")
        return 0
    SHIPPED.write_text(text, encoding="utf-8")
    print(f"wrote {SHIPPED.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
