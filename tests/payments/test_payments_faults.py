"""Adapters under injected faults: nothing created twice, every failure a typed error.

The local servers inject timeouts (``hang``), connection resets, 500, 503 and
429 with ``Retry-After`` before the request is carried out, and
``lose_next_response`` after it is carried out (the answer never arrives in
time). In every case the number of payments created server-side equals the
number the caller meant to create, or the caller gets a typed error and no
payment was made twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lgds_components.errors import AuthenticationError, LGDSError, ProviderUnavailable
from lgds_components.http import RetryPolicy
from lgds_components.payments.govuk_pay import GovUkPay
from lgds_components.payments.stripe import Stripe
from lgds_components.testing.payment_servers import GovUkPayServer, StripeServer
from tests.payments.payments_support import READ_TIMEOUT, make_request

HANG = READ_TIMEOUT * 4

FAULTS: dict[str, Callable[[Any], None]] = {
    "timeout": lambda server: server.hang(HANG),
    "reset": lambda server: server.reset(),
    "500": lambda server: server.status(500, {"Content-Type": "application/json"},
                                        {"code": "P0198", "description": "Downstream error"}),
    "503": lambda server: server.status(503, {}, b"Service Unavailable"),
    "429": lambda server: server.status(429, {"Retry-After": "1",
                                              "Content-Type": "application/json"},
                                        {"code": "P0900", "description": "Too many requests"}),
    "lost response": lambda server: server.lose_next_response(HANG),
}


def creates(server: Any) -> list[Any]:
    return [r for r in server.requests if r.method == "POST" and r.path.endswith(
        ("/v1/payments", "/checkout/sessions"))]


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_govuk_create_with_a_key_is_retried_and_made_once(
    govuk: GovUkPay, govuk_server: GovUkPayServer, sleeps: list[float], fault: str
) -> None:
    FAULTS[fault](govuk_server)
    payment = govuk.create_payment(make_request(), idempotency_key="GW-1-attempt-1")
    assert govuk_server.created_count == 1
    assert govuk.get_payment(payment.id).amount == 4500
    sent = creates(govuk_server)
    assert len(sent) == 2 and {r.headers["Idempotency-Key"] for r in sent} == {"GW-1-attempt-1"}
    assert sent[0].body == sent[1].body
    if fault == "429":
        assert sleeps == [1.0]  # Retry-After honoured


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_govuk_create_without_a_key_is_sent_once(
    govuk: GovUkPay, govuk_server: GovUkPayServer, fault: str
) -> None:
    FAULTS[fault](govuk_server)
    with pytest.raises(ProviderUnavailable) as caught:
        govuk.create_payment(make_request())
    assert len(creates(govuk_server)) == 1  # never retried
    # carried out only when the answer, not the request, was lost
    assert govuk_server.created_count == (1 if fault == "lost response" else 0)
    assert caught.value.provider == "govuk-pay"
    if fault == "429":
        assert caught.value.retry_after == 1.0


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_govuk_reads_are_retried(
    govuk: GovUkPay, govuk_server: GovUkPayServer, fault: str
) -> None:
    payment = govuk.create_payment(make_request())
    FAULTS[fault](govuk_server)
    assert govuk.get_payment(payment.id).id == payment.id
    assert govuk_server.created_count == 1


def test_govuk_refunds_are_never_retried_blindly(
    govuk: GovUkPay, govuk_server: GovUkPayServer
) -> None:
    payment = govuk.create_payment(make_request())
    govuk_server.pay(payment.id)
    govuk_server.lose_next_response(HANG)
    with pytest.raises(ProviderUnavailable):
        govuk.refund(payment.id, 1000, expected_available=4500)
    # the refund happened; trying again with the same expectation is refused, not paid twice
    with pytest.raises(LGDSError):
        govuk.refund(payment.id, 1000, expected_available=4500)
    assert [r.amount for r in govuk.refunds(payment.id)] == [1000]


def test_govuk_persistent_failure_gives_up_with_a_typed_error(
    govuk: GovUkPay, govuk_server: GovUkPayServer, sleeps: list[float]
) -> None:
    for _ in range(4):
        govuk_server.status(503)
    with pytest.raises(ProviderUnavailable) as caught:
        govuk.create_payment(make_request(), idempotency_key="k-1")
    assert caught.value.status == 503 and len(sleeps) == 3
    assert govuk_server.created_count == 0


def test_govuk_a_long_retry_after_is_not_waited_for(
    govuk_server: GovUkPayServer, sleeps: list[float]
) -> None:
    govuk_server.status(429, {"Retry-After": "3600"}, {"code": "P0900"})
    with govuk_server.client(retry=RetryPolicy(sleep=sleeps.append)) as govuk:
        with pytest.raises(ProviderUnavailable) as caught:
            govuk.create_payment(make_request(), idempotency_key="k-2")
    assert caught.value.retry_after == 3600 and sleeps == []


def test_govuk_wrong_key_is_an_authentication_error(govuk_server: GovUkPayServer) -> None:
    with govuk_server.client(api_key="api_test_wrongkey12345") as govuk:
        with pytest.raises(AuthenticationError) as caught:
            govuk.create_payment(make_request(), idempotency_key="k-3")
    assert "wrongkey" not in str(caught.value) and govuk_server.created_count == 0


def test_govuk_nothing_listening_is_unavailable() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with GovUkPay("api_test_x", base_url=f"http://127.0.0.1:{port}",
                  retry=RetryPolicy(attempts=2, sleep=lambda s: None)) as govuk:
        with pytest.raises(ProviderUnavailable, match="could not connect"):
            govuk.get_payment("abc")


# ---------------------------------------------------------------------------- Stripe


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("key", ["caller-key-1", None])
def test_stripe_create_is_made_once_whatever_happens(
    stripe: Stripe, stripe_server: StripeServer, fault: str, key: str | None
) -> None:
    FAULTS[fault](stripe_server)
    payment = stripe.create_payment(make_request(), idempotency_key=key)
    assert stripe_server.created_count == 1
    sent = creates(stripe_server)
    keys = {r.headers["Idempotency-Key"] for r in sent}
    assert len(sent) == 2 and len(keys) == 1  # the generated key is reused for the retry
    if key is not None:
        assert keys == {key}
    assert stripe.get_payment(payment.id).amount == 4500


def test_stripe_same_key_same_request_replays(stripe: Stripe, stripe_server: StripeServer
                                              ) -> None:
    first = stripe.create_payment(make_request(), idempotency_key="k")
    second = stripe.create_payment(make_request(), idempotency_key="k")
    assert first.id == second.id and stripe_server.created_count == 1


@pytest.mark.parametrize("fault", ["timeout", "reset", "500", "lost response"])
def test_stripe_refunds_carry_a_key_and_are_made_once(
    stripe: Stripe, stripe_server: StripeServer, fault: str
) -> None:
    payment = stripe.create_payment(make_request())
    stripe_server.pay(payment.id)
    FAULTS[fault](stripe_server)
    stripe.refund(payment.id, 1000)
    assert [r.amount for r in stripe.refunds(payment.id)] == [1000]
    posts = [r for r in stripe_server.requests if r.path == "/v1/refunds" and r.method == "POST"]
    assert len({r.headers["Idempotency-Key"] for r in posts}) == 1


def test_stripe_persistent_failure_is_typed(stripe: Stripe, stripe_server: StripeServer) -> None:
    for _ in range(4):
        stripe_server.status(500, {"Content-Type": "application/json"},
                             {"error": {"type": "api_error", "message": "Something went wrong"}})
    with pytest.raises(ProviderUnavailable):
        stripe.create_payment(make_request())
    assert stripe_server.created_count == 0


def test_stripe_wrong_key_is_an_authentication_error(stripe_server: StripeServer) -> None:
    with stripe_server.client(api_key="sk_test_wrongkey999") as stripe:
        with pytest.raises(AuthenticationError) as caught:
            stripe.get_payment("cs_test_x")
    assert "wrongkey999" not in str(caught.value)
