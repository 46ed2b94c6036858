"""The GOV.UK Pay adapter's per-call overhead against raw ``requests`` on the same server.

* ``payments.govuk_pay.get_payment``: ``GovUkPay.get_payment`` (``send`` through
  the retrying adapter, typed errors, parsing into a ``Payment``), against a
  reused :class:`requests.Session` doing ``GET`` with the same headers and
  ``.json()`` on the same loopback server.
* ``payments.govuk_pay.create_payment``: ``GovUkPay.create_payment`` with an
  idempotency key (limits checked, body built, response parsed), against a
  raw ``POST`` of the same JSON body with ``.json()``.

The server is :class:`~lgds_components.testing.http_server.LocalHTTPServer`
on 127.0.0.1 (HTTP/1.1 keep-alive, Nagle's algorithm off) answering every
call with the same payment JSON, as GOV.UK Pay's ``GET /v1/payments/{id}``
returns it. Both sides pay the same
server cost, so the ratio is the adapter's overhead on a real round trip. The
server is written in Python and dominates both sides; over a real network
the ratio is closer still to 1.

``LGDS_BENCH_PAYMENT_CALLS`` sets the calls per round (default 400; 5 rounds).
"""

from __future__ import annotations

import atexit
from typing import Any

import requests
from harness import Case, size

from lgds_components.payments.govuk_pay import GovUkPay
from lgds_components.payments.models import PaymentRequest
from lgds_components.payments.simulator import PaySimulator
from lgds_components.testing.http_server import LocalHTTPServer

__all__ = ["cases"]

CALLS = size("LGDS_BENCH_PAYMENT_CALLS", 400, smoke=10)
API_KEY = "api_test_benchmarkkey0000000000000000000000"


def _setup() -> tuple[GovUkPay, requests.Session, str, str, PaymentRequest, dict[str, Any]]:
    fake = PaySimulator(seed=1, base_url="https://publicapi.payments.service.gov.uk")
    request = PaymentRequest(amount=4500, reference="GW-2024-0001",
                             description="Garden waste collection, 12 months",
                             return_url="https://council.example/garden-waste/paid",
                             metadata={"ledger_code": "GW100"})
    created, _ = fake.create(request)
    payment_id = created["payment_id"]
    body = fake.payment_json(payment_id)
    json_type = {"Content-Type": "application/json"}
    server = LocalHTTPServer({f"GET /v1/payments/{payment_id}": (200, json_type, body),
                              "POST /v1/payments": (201, json_type, body)}).start()
    url = server.url
    adapter = GovUkPay(API_KEY, base_url=url)
    raw = requests.Session()
    raw.headers.update({"Authorization": f"Bearer {API_KEY}", "Accept": "application/json"})

    def stop() -> None:
        adapter.close()
        raw.close()
        server.close()

    atexit.register(stop)
    json_body = {"amount": 4500, "reference": "GW-2024-0001",
                 "description": "Garden waste collection, 12 months",
                 "return_url": "https://council.example/garden-waste/paid", "language": "en",
                 "metadata": {"ledger_code": "GW100"}}
    return adapter, raw, url, payment_id, request, json_body


def cases() -> list[Case]:
    adapter, raw, url, payment_id, request, json_body = _setup()
    timeout = (3.05, 15.0)
    inputs = list(range(CALLS))

    def raw_get(_: object) -> object:
        with raw.get(f"{url}/v1/payments/{payment_id}", timeout=timeout) as response:
            response.raise_for_status()
            return response.json()

    def raw_post(_: object) -> object:
        with raw.post(f"{url}/v1/payments", json=json_body, timeout=timeout,
                      headers={"Idempotency-Key": "GW-2024-0001-attempt-1"}) as response:
            response.raise_for_status()
            return response.json()

    return [
        Case(
            name="payments.govuk_pay.get_payment",
            inputs=inputs,
            run=lambda _: adapter.get_payment(payment_id),
            floor=raw_get,
            floor_name="requests.Session.get + .json()",
            note="loopback; same server and headers",
        ),
        Case(
            name="payments.govuk_pay.create_payment",
            inputs=inputs,
            run=lambda _: adapter.create_payment(request,
                                                 idempotency_key="GW-2024-0001-attempt-1"),
            floor=raw_post,
            floor_name="requests.Session.post(json=) + .json()",
            note="loopback; limits checked, body built, reply parsed",
        ),
    ]
