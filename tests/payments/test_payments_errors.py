"""How the GOV.UK Pay and Stripe adapters fail, and where their keys live.

* An HTTP failure becomes a typed error in one place (``http.raise_for_status``,
  with each adapter's hook for its error codes); a reply without a known code
  is classified by its status, as GOV.UK Pay's bodyless 412 must be.
* A typed error's ``__cause__`` is the real cause (the ``requests`` exception
  behind a timeout or reset), never the error itself.
* The API key is in no attribute an adapter keeps (``vars()`` all the way
  down), only in its :class:`~lgds_components.secret.Secret`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from lgds_components.errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    ProviderError,
    ProviderUnavailable,
)
from lgds_components.payments.govuk_pay import GovUkPay
from lgds_components.payments.stripe import Stripe
from lgds_components.secret import Secret
from lgds_components.testing.http_server import LocalHTTPServer
from lgds_components.testing.payment_servers import GovUkPayServer, StripeServer
from tests.payments.payments_support import READ_TIMEOUT, make_request

GOVUK_KEY = "api_test_errorsk3y00000000000000000000000000"
STRIPE_KEY = "sk_test_errorsk3y000000000000"

STATUS_CLASSES = [
    (400, ProviderError), (401, AuthenticationError), (403, AuthenticationError),
    (404, NotFound), (409, Conflict), (412, Conflict), (422, ProviderError),
    (429, ProviderUnavailable), (500, ProviderUnavailable), (502, ProviderUnavailable),
    (503, ProviderUnavailable),
]


def adapter(kind: str, url: str) -> Any:
    if kind == "govuk-pay":
        return GovUkPay(GOVUK_KEY, base_url=url, retry=None)
    return Stripe(STRIPE_KEY, base_url=url, retry=None)


def a_call(pay: Any) -> Any:
    return pay.get_payment("hu20sqlact5260q2nanm0q8u93" if isinstance(pay, GovUkPay)
                           else "cs_test_a1")


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc.__cause__``, its cause, and so on; fails the test rather than looping."""
    seen = {id(exc)}
    current = exc.__cause__
    for _ in itertools.count():
        if current is None:
            return
        assert id(current) not in seen, f"{type(current).__name__} is its own cause"
        seen.add(id(current))
        yield current
        current = current.__cause__


# ---------------------------------------------------------------------------- status only


@pytest.mark.parametrize("kind", ["govuk-pay", "stripe"])
@pytest.mark.parametrize(("status", "expected"), STATUS_CLASSES)
def test_a_reply_without_a_body_is_classified_by_its_status(
    kind: str, status: int, expected: type[ProviderError]
) -> None:
    with LocalHTTPServer(lambda request: (status, None, None)) as server, \
            adapter(kind, server.url) as pay, pytest.raises(ProviderError) as caught:
        a_call(pay)
    assert type(caught.value) is expected
    assert (caught.value.status, caught.value.provider) == (status, kind)


@pytest.mark.parametrize("status", [409, 412, 429, 503])
def test_a_body_with_no_known_code_is_classified_by_its_status(status: int) -> None:
    reply = (status, {"Content-Type": "application/json"}, {"code": "P9876", "description": "?"})
    expected = dict(STATUS_CLASSES)[status]
    with LocalHTTPServer(lambda request: reply) as server, \
            adapter("govuk-pay", server.url) as pay, pytest.raises(ProviderError) as caught:
        a_call(pay)
    assert type(caught.value) is expected and caught.value.provider_code == "P9876"


def test_a_stale_refund_amount_is_a_conflict(
    govuk: GovUkPay, govuk_server: GovUkPayServer
) -> None:
    payment = govuk.create_payment(make_request())
    govuk_server.pay(payment.id)
    with pytest.raises(Conflict) as caught:
        govuk.refund(payment.id, 100, expected_available=4499)
    assert caught.value.status == 412 and caught.value.provider_code is None
    assert govuk.refunds(payment.id) == []


# ---------------------------------------------------------------------------- causes


FAULTS: dict[str, tuple[Callable[[Any], None], type[Exception]]] = {
    "timeout": (lambda server: server.hang(READ_TIMEOUT * 4), requests.Timeout),
    "reset": (lambda server: server.reset(), requests.ConnectionError),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("kind", ["govuk-pay", "stripe"])
def test_a_connection_failure_is_chained_to_the_requests_exception(
    kind: str, fault: str, govuk_server: GovUkPayServer, stripe_server: StripeServer
) -> None:
    server = govuk_server if kind == "govuk-pay" else stripe_server
    inject, expected = FAULTS[fault]
    with server.client(retry=None, timeout=(1.0, READ_TIMEOUT)) as pay:
        inject(server)
        with pytest.raises(ProviderUnavailable) as caught:
            pay.get_payment("hu20sqlact5260q2nanm0q8u93" if kind == "govuk-pay" else "cs_a1")
    chain = list(causes(caught.value))
    assert chain and isinstance(chain[0], expected), chain


@pytest.mark.parametrize("kind", ["govuk-pay", "stripe"])
@pytest.mark.parametrize(("status", "body"), [
    (404, {"code": "P0200", "description": "Not found"}),
    (429, {"code": "P0900", "description": "Too many requests"}),
    (400, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                     "message": "No such checkout.session"}}),
    (412, None),
])
def test_an_error_status_has_no_cause_but_never_itself(
    kind: str, status: int, body: Any
) -> None:
    reply = (status, {"Content-Type": "application/json"} if body else None, body)
    with LocalHTTPServer(lambda request: reply) as server, adapter(kind, server.url) as pay:
        with pytest.raises(ProviderError) as caught:
            a_call(pay)
    assert caught.value.__cause__ is not caught.value
    assert list(causes(caught.value)) == []


def test_rate_limiting_still_says_how_long_to_wait() -> None:
    reply = (429, {"Content-Type": "application/json"},
             {"code": "P0900", "description": "Too many requests"})
    with LocalHTTPServer(lambda request: reply) as server, \
            adapter("govuk-pay", server.url) as pay, pytest.raises(ProviderUnavailable) as caught:
        a_call(pay)
    assert caught.value.retry_after == 1.0 and caught.value.__cause__ is None


# ---------------------------------------------------------------------------- keys


def plain_strings(value: Any, seen: set[int] | None = None, depth: int = 0) -> Iterator[str]:
    """Every str reachable from ``value`` through attributes and containers, bar Secrets."""
    seen = set() if seen is None else seen
    if id(value) in seen or depth > 12 or isinstance(value, Secret):
        return
    seen.add(id(value))
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        yield value.decode("latin-1")
    elif isinstance(value, dict) or hasattr(value, "items"):
        try:
            items = list(value.items())
        except Exception:
            items = []
        for key, item in items:
            yield from plain_strings(key, seen, depth + 1)
            yield from plain_strings(item, seen, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from plain_strings(item, seen, depth + 1)
    if hasattr(value, "__dict__") and not isinstance(value, type):
        yield from plain_strings(vars(value), seen, depth + 1)


@pytest.mark.parametrize("kind", ["govuk-pay", "stripe"])
def test_no_attribute_holds_the_key_in_plain_text(
    kind: str, govuk_server: GovUkPayServer, stripe_server: StripeServer
) -> None:
    server = govuk_server if kind == "govuk-pay" else stripe_server
    with server.client(retry=None) as pay:
        payment = pay.create_payment(make_request(amount=4500))
        pay.get_payment(payment.id)  # the session has been used
        assert server.requests[-1].headers["Authorization"] == f"Bearer {server.api_key}"
        found = [text for text in plain_strings(pay) if server.api_key in text]
    assert found == []


@pytest.mark.parametrize("kind", ["govuk-pay", "stripe"])
def test_a_key_read_from_a_file_works_as_it_is(
    kind: str, govuk_server: GovUkPayServer, stripe_server: StripeServer
) -> None:
    """``Secret(open(path).read())`` keeps the newline out of the header (and the traceback)."""
    server = govuk_server if kind == "govuk-pay" else stripe_server
    with server.client(api_key=Secret(server.api_key + "\n"), retry=None) as pay:
        pay.create_payment(make_request())
    assert server.requests[-1].headers["Authorization"] == f"Bearer {server.api_key}"
