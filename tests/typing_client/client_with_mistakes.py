"""A typed client of lgds-components with deliberate mistakes, each on a line marked ``# mistake``.

tests/test_type_checkers.py runs ``mypy --strict`` and pyright on this file and
fails unless each checker reports exactly the marked lines. If the library's
names turned into ``Any`` for checkers again (a lazy re-export without its
``TYPE_CHECKING`` import, a type made by a call), the mistakes would pass
unseen and that test fails. Nothing here runs: importing the module only
defines the function.
"""

from __future__ import annotations

from pydantic import BaseModel

from lgds_components.address import Gazetteer, Match, OSPlaces
from lgds_components.bins import Schedule
from lgds_components.identifiers import UPRN, PhoneNumber, Postcode
from lgds_components.payments import FakePay, Ledger, PaymentRequest, provider


class Resident(BaseModel):
    postcode: Postcode
    uprn: UPRN
    phone: PhoneNumber


def client(resident: Resident, gazetteer: Gazetteer, schedule: Schedule) -> None:
    postcode_as_number: int = resident.postcode  # mistake: a postcode is a str
    uprn_as_text: str = resident.uprn  # mistake: a UPRN is an int
    gazetteer.no_such_method()  # mistake: Gazetteer has no such method
    Ledger(":memory:", FakePay()).begin(42)  # mistake: begin takes a PaymentRequest
    first = schedule.next_collections(resident.uprn, count=1)[0]
    day_after: int = first.original_date + 1  # mistake: a date plus an int
    provider("fake").no_such_method()  # mistake: a PaymentProvider has no such method
    OSPlaces(api_key=None)  # mistake: the key is not optional
    best: Match = gazetteer.match("10 high st")  # mistake: match may give None
    PaymentRequest(amount=4500, reference="GW-1")  # mistake: description, return_url missing
    print(postcode_as_number, uprn_as_text, day_after, best)
