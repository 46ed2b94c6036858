"""Report a missed bin collection: one good and one bad submission.

Run from anywhere:

    python examples/forms/missed_bin.py

The form (missed_bin.schema.json, beside this script) is one page: a
postcode, an address line, radios, a date, checkboxes, a textarea and an
optional mobile number. Posts arrive as a multidict, as Flask and Django hand
them over; a tiny one stands in for ``request.form`` here.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from lgds_components.forms import Form

HERE = Path(__file__).resolve().parent


class MultiDict(dict[str, list[str]]):
    """The part of Werkzeug's MultiDict (Flask's ``request.form``) a form reads."""

    def getlist(self, key: str) -> list[str]:
        return list(self.get(key, []))


def as_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def main() -> int:
    form = Form.from_file(HERE / "missed_bin.schema.json", test_mode=True)
    missed = datetime.date.today() - datetime.timedelta(days=2)

    good = MultiDict({
        "postcode": ["EX4 1AA"],
        "address_line_1": ["10 High Street"],
        "bin": ["recycling"],
        "collection_date-day": [f"{missed.day:02d}"],
        "collection_date-month": [str(missed.month)],
        "collection_date-year": [str(missed.year)],
        "problems": ["not-emptied", "left-in-wrong-place"],
        "details": ["The bin is by the side gate.\r\nThe gate is unlocked."],
        "mobile": ["07700 900 982"],
    })
    result = form.validate(good)
    print("Good submission: valid =", result.is_valid)
    print(as_json(result.data))

    bad = MultiDict({
        "postcode": ["EX4 1AA"],
        "address_line_1": [""],
        "bin": ["compost"],
        "collection_date-day": ["31"],
        "collection_date-month": ["2"],
        "collection_date-year": [str(missed.year)],
        "details": ["x" * 501],
        "mobile": ["01632 960 001"],
    })
    result = form.validate(bad)
    print()
    print("Bad submission: valid =", result.is_valid)
    for error in result.errors:
        print(f"  {error.href:<24} {error.code:<22} {error.message}")
    print("govukErrorSummary parameters:")
    print(as_json(result.error_summary()))
    return 0 if form.validate(good).is_valid and not result.is_valid else 1


if __name__ == "__main__":
    raise SystemExit(main())
