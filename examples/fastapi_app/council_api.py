"""A council's JSON API on FastAPI, built on lgds-components.

Run it with ``uvicorn council_api:app`` from this folder (uvicorn is not a
dependency of the library). Every answer is a library object returned as it
is: FastAPI validates and serialises ``Address``, ``Match``, ``Collection``
and ``Payment`` through their pydantic schemas, and the request bodies use the
identifier types, so a bad postcode is a 422 carrying the GOV.UK message.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from lgds_components.address import Address, AddressLookup, Gazetteer, Match
from lgds_components.bins import Collection, Schedule, ScheduleSource
from lgds_components.errors import NotFound, ValidationError
from lgds_components.identifiers import UPRN, EmailAddress, PhoneNumber, Postcode
from lgds_components.payments import FakePay, Payment, PaymentProvider, PaymentRequest

app = FastAPI(title="Council services")


# The providers, as dependencies: tests (and other councils) swap them with
# app.dependency_overrides. Each is made once, on first use.
@cache
def addresses() -> AddressLookup:
    return Gazetteer.sample()            # or Gazetteer.open("council.sqlite"), OSPlaces(...)


@cache
def bin_schedule() -> ScheduleSource:
    return Schedule.sample()             # or Schedule.open("council.sqlite")


@cache
def payments() -> PaymentProvider:
    return FakePay()                     # or GovUkPay(api_key=...)


Addresses = Annotated[AddressLookup, Depends(addresses)]
BinSchedule = Annotated[ScheduleSource, Depends(bin_schedule)]
Payments = Annotated[PaymentProvider, Depends(payments)]


# The library's errors as HTTP answers: a refusal is a 422 with its GOV.UK
# message, something that is not there a 404.
@app.exception_handler(ValidationError)
def refused(request: Request, exc: ValidationError) -> JSONResponse:
    return JSONResponse({"detail": [{"msg": exc.message, "type": exc.code}]}, status_code=422)


@app.exception_handler(NotFound)
def not_found(request: Request, exc: NotFound) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)


@app.get("/addresses")
def addresses_at(postcode: Postcode, lookup: Addresses) -> list[Address]:
    """The addresses at a postcode, in natural order (2 before 10)."""
    return lookup.by_postcode(postcode)


@app.get("/addresses/{uprn}")
def address(uprn: UPRN, lookup: Addresses) -> Address:
    """One address by its UPRN."""
    return lookup.by_uprn(uprn)


@app.get("/match")
def match(text: Annotated[str, Query(max_length=300)], lookup: Addresses) -> Match | None:
    """The address that messy text is, or null when no address is a confident match."""
    return lookup.match(text)


@app.get("/bin-days/{uprn}")
def bin_days(
    uprn: UPRN, schedule: BinSchedule, count: Annotated[int, Query(ge=1, le=20)] = 4,
    on_or_after: date | None = None,
) -> list[Collection]:
    """The next collections at a property, with the day each was moved from."""
    return schedule.next_collections(uprn, count=count, on_or_after=on_or_after)


class Contact(BaseModel):
    """How to reach a resident: typed loosely, held canonically."""

    email: EmailAddress
    phone: PhoneNumber | None = None
    postcode: Postcode


@app.post("/contacts")
def add_contact(contact: Contact) -> Contact:
    """Check a resident's contact details; the answer holds their canonical forms."""
    return contact


@app.post("/payments", status_code=201)
def start_payment(request: PaymentRequest, provider: Payments) -> Payment:
    """Start a payment; send the payer to its ``next_url``."""
    return provider.create_payment(request)
