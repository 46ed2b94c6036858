"""Why a payment failed: the provider's code and the resident's message on each ledger attempt."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.payments.failures import FAILURE_MESSAGES, resident_message
from lgds_components.payments.fake import FakePay
from lgds_components.payments.ledger import SCHEMA_VERSION, Ledger
from lgds_components.payments.states import PaymentState
from lgds_components.testing.payment_servers import StripeServer
from tests.payments.payments_support import make_request


@pytest.fixture
def pay() -> FakePay:
    return FakePay(seed=12)


@pytest.fixture
def ledger(tmp_path: Path, pay: FakePay) -> Any:
    with Ledger(tmp_path / "ledger.sqlite", pay) as opened:
        yield opened


@pytest.mark.parametrize(("journey", "code", "provider_text", "message"), [
    ("decline", "P0010", "Payment method rejected", "Your payment was declined"),
    ("abandon", "P0030", "Payment was cancelled by the user", "You cancelled your payment"),
    ("expire", "P0020", "Payment expired", "You did not finish paying in time"),
    ("fail_with_error", "P0050", "Payment provider returned an error",
     "There was a problem taking your payment"),
])
def test_a_settled_attempt_says_why_it_failed(ledger: Ledger, pay: FakePay, journey: str,
                                              code: str, provider_text: str,
                                              message: str) -> None:
    attempt = ledger.begin(make_request(), idempotency_key="BIN-1-attempt-1")
    getattr(pay, journey)(attempt.payment_id)
    settled = ledger.settle("BIN-1-attempt-1")
    assert (settled.failure_code, settled.provider_failure_message) == (code, provider_text)
    assert settled.failure_message == message
    assert ledger.attempt("BIN-1-attempt-1").failure_message == message  # kept in the file


def test_a_webhook_alone_records_the_failure(ledger: Ledger, pay: FakePay) -> None:
    attempt = ledger.begin(make_request(), idempotency_key="BIN-2-attempt-1")
    pay.decline(attempt.payment_id)
    for webhook in pay.webhooks:
        ledger.apply_webhook(pay.verify_webhook(webhook.body, webhook.headers))
    assert ledger.attempt("BIN-2-attempt-1").failure_code == "P0010"


def test_a_retry_that_pays_has_no_failure(ledger: Ledger, pay: FakePay) -> None:
    first = ledger.begin(make_request(), idempotency_key="BIN-3-attempt-1")
    pay.decline(first.payment_id)
    ledger.settle(first.key)
    second = ledger.begin(make_request(), idempotency_key="BIN-3-attempt-2")
    pay.pay(second.payment_id)
    paid = ledger.settle(second.key)
    assert (paid.state, paid.failure_code, paid.failure_message) == (PaymentState.SUCCESS, None,
                                                                     None)
    assert ledger.attempt(first.key).failure_message == "Your payment was declined"


def test_a_stripe_decline_then_payment_clears_the_failure(tmp_path: Path) -> None:
    with StripeServer() as server, server.client() as stripe, \
            Ledger(tmp_path / "ledger.sqlite", stripe) as ledger:
        attempt = ledger.begin(make_request(), idempotency_key="BIN-4-attempt-1")
        server.decline(attempt.payment_id)  # at Stripe the session stays open
        declined = ledger.settle(attempt.key)
        assert (declined.state, declined.failure_code) == (PaymentState.STARTED, "card_declined")
        assert declined.failure_message == "Your payment was declined"
        server.pay(attempt.payment_id)
        paid = ledger.settle(attempt.key)
        assert (paid.state, paid.failure_code, paid.failure_message) == (
            PaymentState.SUCCESS, None, None)


def test_a_version_2_file_gains_the_failure_columns(tmp_path: Path, pay: FakePay) -> None:
    path = tmp_path / "ledger.sqlite"
    with Ledger(path, pay) as ledger:
        ledger.begin(make_request(), idempotency_key="OLD-1")
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE attempts DROP COLUMN failure_code")
        conn.execute("ALTER TABLE attempts DROP COLUMN provider_failure_message")
        conn.execute("PRAGMA user_version=2")
    conn.close()
    with Ledger(path, pay) as ledger:
        old = ledger.attempt("OLD-1")
        assert (old.state, old.failure_code) == (PaymentState.CREATED, None)
        pay.decline(old.payment_id or "")
        assert ledger.settle("OLD-1").failure_message == "Your payment was declined"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    conn.close()


def test_every_code_has_english_and_welsh() -> None:
    for code, (english, welsh) in FAILURE_MESSAGES.items():
        assert resident_message(code) == english and resident_message(code, lang="cy") == welsh
        assert english != welsh


@given(st.text(max_size=50) | st.none(), st.sampled_from([*PaymentState, None]))
def test_any_code_and_state_give_a_message_or_none(code: str | None,
                                                   state: PaymentState | None) -> None:
    message = resident_message(code, state)
    if state in (PaymentState.SUCCESS, PaymentState.CAPTURABLE):
        assert message is None
    elif code or (state is not None and state.finished):
        assert message


# -- the next attempt for an order: the "Pay" and "Try again" buttons


def test_begin_next_resumes_then_moves_on_after_a_failure(ledger: Ledger, pay: FakePay) -> None:
    request = make_request(reference="BIN-8")
    first = ledger.begin_next(request)
    again = ledger.begin_next(request)  # a second click, or the back button
    assert (first.key, again.key, again.payment_id) == ("BIN-8-attempt-1", first.key,
                                                         first.payment_id)
    pay.abandon(first.payment_id)
    second = ledger.begin_next(request)
    assert second.key == "BIN-8-attempt-2" and second.next_url
    pay.pay(second.payment_id)
    done = ledger.begin_next(request)  # paid: nothing new begins
    assert (done.key, done.state) == ("BIN-8-attempt-2", PaymentState.SUCCESS)
    assert pay.created_count == 2


def test_begin_next_from_two_requests_at_once_makes_one_payment(tmp_path: Path) -> None:
    import threading

    pay = FakePay(seed=13)
    request = make_request(reference="BIN-9")
    with Ledger(tmp_path / "ledger.sqlite", pay) as ledger:
        pay.decline(ledger.begin_next(request).payment_id)
        keys: list[str] = []
        threads = [threading.Thread(target=lambda: keys.append(ledger.begin_next(request).key))
                   for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert keys == ["BIN-9-attempt-2"] * 4 and pay.created_count == 2


def test_begin_next_needs_an_order_it_can_put_in_a_key(ledger: Ledger) -> None:
    from lgds_components.errors import InvalidFormat

    request = make_request(reference="GW/2026/17")
    with pytest.raises(InvalidFormat) as refused:
        ledger.begin_next(request)
    assert refused.value.field == "order"
    assert ledger.begin_next(request, order="GW-2026-17").key == "GW-2026-17-attempt-1"
    with pytest.raises(InvalidFormat):
        ledger.begin_next(request, order="x" * 201)
