
"""Apply for a garden waste subscription: one good and one bad submission.

Run from anywhere:

    python examples/forms/garden_waste.py

The form (garden_waste.schema.json, beside this script) has four pages and
English and Welsh labels. A good submission gives typed data; a bad one gives
the parameters for govuk-frontend's error summary, in English and in Welsh.
Test mode is on because the good submission uses Ofcom's drama phone numbers.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from lgds_components.forms import Form

HERE = Path(__file__).resolve().parent


def as_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def main() -> int:
    form = Form.from_file(HERE / "garden_waste.schema.json", test_mode=True)
    start = datetime.date.today() + datetime.timedelta(days=14)

    good = {
        "full_name": "  Siân O’Brien ",
        "email": "sian.obrien@example.com",
        "phone": "(01632) 960 001",
        "address_line_1": "1 Heol y Frenhines",
        "town": "Caerdydd",
        "postcode": "cf10-1aa",
        "start_date-day": str(start.day),
        "start_date-month": start.strftime("%b"),
        "start_date-year": str(start.year),
        "bins": " 2 ",
        "account_name": "S O’Brien",
        "sort_code": "30 94 30",
        "account_number": "733445",
    }
    result = form.validate_all(good)
    print("Good submission: valid =", result.is_valid)
    print(as_json(result.data))

    bad = {
        "full_name": "",
        "email": "sian.obrien.example.com",
        "phone": "12345",
        "address_line_1": "1 Heol y Frenhines",
        "town": "Caerdydd",
        "postcode": "CF10",
        "start_date-day": "14",
        "start_date-month": "",
        "start_date-year": str(start.year),
        "bins": "9",
        "account_name": "Siân O’Brien and Gareth Jones",
        "sort_code": "30-94",
        "account_number": "1234",
    }
    result = form.validate_all(bad)
    print()
    print("Bad submission: valid =", result.is_valid)
    print("govukErrorSummary parameters:")
    print(as_json(result.error_summary()))
    print("errorMessage for the start date:", as_json(result.error_message("start_date")))

    welsh = form.validate(bad, page="direct-debit", lang="cy")
    print()
    print("The Direct Debit page alone, in Welsh:")
    print(as_json(welsh.error_summary()))
    return 0 if form.validate_all(good).is_valid and not result.is_valid else 1


if __name__ == "__main__":
    raise SystemExit(main())
