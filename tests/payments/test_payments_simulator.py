"""One GOV.UK Pay simulator behind every fake face: FakePay, the card page, both local servers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lgds_components.errors import Conflict
from lgds_components.payments import FakePay, PaymentState
from lgds_components.payments.simulator import PaySimulator
from lgds_components.testing.payment_servers import GovUkPayServer, StripeServer
from tests.payments.payments_support import make_request


def test_the_govuk_server_fakepay_and_simulator_are_one_set_of_payments() -> None:
    with GovUkPayServer(seed=1) as server, server.client() as client:
        payment = client.create_payment(make_request())
        server.fake.pay(payment.id)  # the in-process face
        assert client.get_payment(payment.id).state is PaymentState.SUCCESS  # the HTTP face
        assert server.simulator.payment(payment.id).state is PaymentState.SUCCESS
        assert server.created_count == server.simulator.created_count == 1


def test_stripe_server_keeps_its_payments_in_the_simulator() -> None:
    with StripeServer() as server, server.client() as stripe:
        payment = stripe.create_payment(make_request())
        held = server.simulator.payment(payment.id.removeprefix("cs_test_"))
        assert (held.amount, held.state) == (4500, PaymentState.CREATED)
        server.decline(payment.id)
        assert (held.state, held.declined) == (PaymentState.STARTED, "card_declined")
        assert stripe.get_payment(payment.id).failure_code == "card_declined"
        server.pay(payment.id)
        assert (held.state, held.declined) == (PaymentState.SUCCESS, None)
        refund = stripe.refund(payment.id, 1000)
        assert refund.id == "re_" + held.refunds[0].id and held.available() == 3500
        assert server.created_count == server.simulator.created_count == 1


def test_a_stripe_session_lasts_24_hours_by_the_servers_clock() -> None:
    now = [1_800_000_000.0]
    with StripeServer(clock=lambda: now[0]) as server, server.client() as stripe:
        payment = stripe.create_payment(make_request())
        now[0] += 2 * 3600  # past GOV.UK Pay's 90 minutes: still open at Stripe
        assert stripe.get_payment(payment.id).state is PaymentState.CREATED
        now[0] += 23 * 3600
        expired = stripe.get_payment(payment.id)
        assert (expired.state, expired.failure_code) == (PaymentState.FAILED, "expired")


def test_a_retryable_decline_keeps_the_payment_open() -> None:
    simulator = PaySimulator(seed=2)
    pay = FakePay(simulator=simulator)
    payment = pay.create_payment(make_request())
    simulator.decline(payment.id, final=False)
    assert pay.get_payment(payment.id).state is PaymentState.STARTED
    assert [w.event_type for w in simulator.webhooks] == ["card_payment_started"]
    simulator.decline(payment.id)  # final, as at GOV.UK Pay
    assert pay.get_payment(payment.id).failure_code == "P0010"
    with pytest.raises(Conflict):
        simulator.decline(payment.id, final=False)


def test_expiry_is_the_simulators_setting() -> None:
    clock = [datetime(2026, 6, 1, 9, 0, tzinfo=UTC)]
    simulator = PaySimulator(clock=lambda: clock[0], expiry=timedelta(minutes=5))
    created, _ = simulator.create(make_request())
    clock[0] += timedelta(minutes=5)
    assert simulator.payment(created["payment_id"]).code == "P0020"
    assert [p.id for p in simulator.payments()] == [created["payment_id"]]
