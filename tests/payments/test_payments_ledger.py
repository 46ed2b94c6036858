"""The ledger: crashes between every pair of steps lose nothing and charge nothing twice.

A crash is simulated by raising :class:`SimulatedCrash` (a ``BaseException``,
so no ``except Exception`` can swallow it) inside the provider or between the
ledger's writes; the crashed ledger is closed without further work, and a
fresh :class:`Ledger` on the same file recovers. The provider is GOV.UK Pay's
adapter talking to the local GOV.UK Pay server, which counts the payments it
creates.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lgds_components.errors import ConfigurationError, Conflict, InvalidFormat, NotFound
from lgds_components.http import RetryPolicy
from lgds_components.payments.fake import FakePay, ManualClock
from lgds_components.payments.govuk_pay import GovUkPay
from lgds_components.payments.ledger import SCHEMA_VERSION, Ledger, WebhookOutcome
from lgds_components.payments.models import Payment, PaymentRequest, Refund
from lgds_components.payments.states import PaymentState
from lgds_components.testing.payment_servers import GovUkPayServer
from tests.payments.payments_support import make_request

KEY = "GW-1-attempt-1"


class SimulatedCrash(BaseException):
    """The process dying at this point."""


def crash_at(step: str) -> Callable[[str], None]:
    def hook(name: str) -> None:
        if name == step:
            raise SimulatedCrash(step)

    return hook


class CrashAfterCalling:
    """Wraps a provider: the named call is carried out, then the process 'dies'."""

    def __init__(self, provider: Any, method: str) -> None:
        self._provider, self._method = provider, method

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._provider, name)
        if name != self._method:
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            attribute(*args, **kwargs)
            raise SimulatedCrash(name)

        return call


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite"


@pytest.fixture
def server() -> Iterator[GovUkPayServer]:
    with GovUkPayServer(seed=3) as srv:
        yield srv


@pytest.fixture
def govuk(server: GovUkPayServer) -> Iterator[GovUkPay]:
    with server.client(retry=RetryPolicy(attempts=3, sleep=lambda s: None),
                       timeout=(1.0, 0.3)) as client:
        yield client


def crashed(path: Path, provider: Any, action: Callable[[Ledger], Any], *,
            step: str | None = None) -> None:
    """Run ``action`` on a ledger that crashes at ``step``; the ledger is then abandoned."""
    ledger = Ledger(path, provider, on_step=crash_at(step) if step else None)
    try:
        with pytest.raises(SimulatedCrash):
            action(ledger)
    finally:
        ledger.close()


def recover(ledger: Ledger, how: str) -> Any:
    if how == "begin again":
        return ledger.begin(make_request(), idempotency_key=KEY)
    if how == "settle":
        return ledger.settle(KEY)
    report = ledger.reconcile(older_than_minutes=0)
    assert report.checked == 1 and not report.failed
    return ledger.attempt(KEY)


# ---------------------------------------------------------------------------- begin


@pytest.mark.parametrize("how", ["begin again", "settle", "reconcile"])
def test_crash_after_recording_before_asking_the_provider(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, how: str
) -> None:
    crashed(path, govuk, lambda ledger: ledger.begin(make_request(), idempotency_key=KEY),
            step="begin:recorded")
    assert server.created_count == 0
    with Ledger(path, govuk) as ledger:
        assert ledger.attempt(KEY).pending
        attempt = recover(ledger, how)
        assert attempt.state is PaymentState.CREATED and attempt.payment_id
    assert server.created_count == 1


@pytest.mark.parametrize("how", ["begin again", "settle", "reconcile"])
def test_crash_inside_the_provider_after_it_created_the_payment(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, how: str
) -> None:
    crashed(path, CrashAfterCalling(govuk, "create_payment"),
            lambda ledger: ledger.begin(make_request(), idempotency_key=KEY))
    assert server.created_count == 1
    with Ledger(path, govuk) as ledger:
        assert ledger.attempt(KEY).pending
        attempt = recover(ledger, how)
    assert server.created_count == 1  # the same key: the same payment, not a second
    assert attempt.payment_id == server.simulator.search_json()["results"][0]["payment_id"]


@pytest.mark.parametrize("how", ["begin again", "settle", "reconcile"])
def test_crash_after_the_provider_answered_before_recording(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, how: str
) -> None:
    crashed(path, govuk, lambda ledger: ledger.begin(make_request(), idempotency_key=KEY),
            step="begin:created")
    with Ledger(path, govuk) as ledger:
        attempt = recover(ledger, how)
        assert attempt.state is PaymentState.CREATED
        assert ledger.history(KEY)[0].source in ("create", "settle", "reconcile")
    assert server.created_count == 1


def test_a_lost_answer_is_retried_with_the_same_key(
    path: Path, server: GovUkPayServer, govuk: GovUkPay
) -> None:
    server.lose_next_response(2.0)
    with Ledger(path, govuk) as ledger:
        attempt = ledger.begin(make_request(), idempotency_key=KEY)
    assert attempt.state is PaymentState.CREATED and server.created_count == 1


def test_a_lost_answer_without_retries_is_recovered_later(
    path: Path, server: GovUkPayServer
) -> None:
    from lgds_components.errors import ProviderUnavailable

    server.lose_next_response(2.0)
    with server.client(retry=None, timeout=(1.0, 0.3)) as once, Ledger(path, once) as ledger:
        with pytest.raises(ProviderUnavailable):
            ledger.begin(make_request(), idempotency_key=KEY)
        assert ledger.attempt(KEY).pending and server.created_count == 1
        assert ledger.begin(make_request(), idempotency_key=KEY).payment_id
    assert server.created_count == 1


def test_a_webhook_for_a_payment_not_yet_recorded_is_applied_on_recovery(
    path: Path, server: GovUkPayServer, govuk: GovUkPay
) -> None:
    crashed(path, govuk, lambda ledger: ledger.begin(make_request(), idempotency_key=KEY),
            step="begin:created")
    payment_id = server.simulator.search_json()["results"][0]["payment_id"]
    server.pay(payment_id)
    with Ledger(path, govuk) as ledger:
        events = [govuk.verify_webhook(w.body, w.headers) for w in server.webhooks]
        assert {ledger.apply_webhook(e) for e in events} == {WebhookOutcome.UNKNOWN}
        attempt = ledger.begin(make_request(), idempotency_key=KEY)
        assert attempt.state is PaymentState.SUCCESS
        assert {ledger.apply_webhook(e) for e in events} == {WebhookOutcome.DUPLICATE}
        assert [s.state for s in ledger.history(KEY) if s.applied][-1] is PaymentState.SUCCESS
    assert server.created_count == 1


def test_the_same_key_for_another_request_is_a_conflict(path: Path, govuk: GovUkPay) -> None:
    with Ledger(path, govuk) as ledger:
        ledger.begin(make_request(), idempotency_key=KEY)
        with pytest.raises(Conflict):
            ledger.begin(make_request(amount=4501), idempotency_key=KEY)


def test_beginning_a_finished_attempt_again_asks_nothing(
    path: Path, server: GovUkPayServer, govuk: GovUkPay
) -> None:
    with Ledger(path, govuk) as ledger:
        attempt = ledger.begin(make_request(), idempotency_key=KEY)
        server.pay(attempt.payment_id)
        ledger.settle(KEY)
        asked = len(server.requests)
        again = ledger.begin(make_request(), idempotency_key=KEY)
        assert again.state is PaymentState.SUCCESS and again.next_url is None
        assert len(server.requests) == asked


def test_resuming_an_unfinished_attempt_gives_a_fresh_next_url(
    path: Path, server: GovUkPayServer, govuk: GovUkPay
) -> None:
    with Ledger(path, govuk) as ledger:
        first = ledger.begin(make_request(), idempotency_key=KEY)
        again = ledger.begin(make_request(), idempotency_key=KEY)
        assert again.payment_id == first.payment_id and again.next_url
    assert server.created_count == 1


def test_without_a_key_one_is_made_and_kept(path: Path, govuk: GovUkPay) -> None:
    with Ledger(path, govuk) as ledger:
        attempt = ledger.begin(make_request())
        assert ledger.attempt(attempt.key).payment_id == attempt.payment_id
        assert len(attempt.key) == 36


@pytest.mark.parametrize("key", ["", "has space", "a" * 256, "ünïcode", "x;DROP TABLE"])
def test_bad_keys_are_refused_before_anything_is_written(path: Path, key: str) -> None:
    with Ledger(path, FakePay()) as ledger:
        with pytest.raises(InvalidFormat):
            ledger.begin(make_request(), idempotency_key=key)
        assert ledger.attempts() == []


# ---------------------------------------------------------------------------- settle and webhooks


def test_crash_in_settle_loses_nothing(
    path: Path, server: GovUkPayServer, govuk: GovUkPay
) -> None:
    with Ledger(path, govuk) as ledger:
        attempt = ledger.begin(make_request(), idempotency_key=KEY)
    server.pay(attempt.payment_id)
    crashed(path, govuk, lambda ledger: ledger.settle(KEY), step="settle:fetched")
    with Ledger(path, govuk) as ledger:
        assert ledger.attempt(KEY).state is PaymentState.CREATED
        assert ledger.settle(attempt.payment_id).state is PaymentState.SUCCESS


def test_crash_while_applying_a_webhook_leaves_no_trace(
    path: Path, server: GovUkPayServer, govuk: GovUkPay
) -> None:
    with Ledger(path, govuk) as ledger:
        attempt = ledger.begin(make_request(), idempotency_key=KEY)
    server.pay(attempt.payment_id)
    event = govuk.verify_webhook(server.webhooks[-1].body, server.webhooks[-1].headers)
    crashed(path, govuk, lambda ledger: ledger.apply_webhook(event), step="apply_webhook:recorded")
    with Ledger(path, govuk) as ledger:
        assert ledger.apply_webhook(event) is WebhookOutcome.APPLIED  # not "duplicate"
        assert ledger.apply_webhook(event) is WebhookOutcome.DUPLICATE
        assert ledger.attempt(KEY).state is PaymentState.SUCCESS


def test_settle_with_a_payment_already_fetched(path: Path, govuk: GovUkPay,
                                               server: GovUkPayServer) -> None:
    with Ledger(path, govuk) as ledger:
        attempt = ledger.begin(make_request(), idempotency_key=KEY)
        server.pay(attempt.payment_id)
        payment = govuk.get_payment(attempt.payment_id)
        asked = len(server.requests)
        assert ledger.settle(KEY, payment=payment).state is PaymentState.SUCCESS
        assert len(server.requests) == asked
        other = Payment(id="someone-else", provider="govuk-pay", state="success", amount=1)
        with pytest.raises(Conflict):
            ledger.settle(KEY, payment=other)


def test_concurrent_deliveries_of_one_webhook_apply_once(
    path: Path, server: GovUkPayServer, govuk: GovUkPay
) -> None:
    with Ledger(path, govuk) as ledger:
        attempt = ledger.begin(make_request(), idempotency_key=KEY)
        server.pay(attempt.payment_id)
        event = govuk.verify_webhook(server.webhooks[-1].body, server.webhooks[-1].headers)
        outcomes: list[WebhookOutcome] = []
        lock = threading.Lock()

        def deliver() -> None:
            with Ledger(path, govuk) as mine:  # a separate connection, as a second worker has
                outcome = mine.apply_webhook(event)
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=deliver) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == sorted([WebhookOutcome.APPLIED] + [
            WebhookOutcome.DUPLICATE] * 7)


def test_a_different_finished_state_never_replaces_the_first(path: Path, caplog: Any) -> None:
    fake = FakePay()
    with Ledger(path, fake) as ledger:
        attempt = ledger.begin(make_request(), idempotency_key=KEY)
        fake.pay(attempt.payment_id)
        ledger.settle(KEY)
        wrong = Payment(id=attempt.payment_id, provider="fake", state="failed", amount=4500)
        ledger.settle(KEY, payment=wrong)
        assert ledger.attempt(KEY).state is PaymentState.SUCCESS
        assert "failed reported after success" in caplog.text


# ---------------------------------------------------------------------------- reconcile


def test_reconcile_finds_the_payers_who_never_came_back(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    fake = FakePay(clock=clock)
    with Ledger(tmp_path / "l.sqlite", fake, clock=clock) as ledger:
        gone = ledger.begin(make_request(reference="gone"), idempotency_key="gone-1")
        paid = ledger.begin(make_request(reference="paid"), idempotency_key="paid-1")
        fake.start(gone.payment_id)
        fake.pay(paid.payment_id)
        clock.advance(minutes=30)
        fresh = ledger.begin(make_request(reference="fresh"), idempotency_key="fresh-1")
        clock.advance(minutes=61)  # gone and paid are now 91 minutes old, fresh 61
        report = ledger.reconcile(older_than_minutes=90)
        assert report.checked == 2 and set(report.changed) == {"gone-1", "paid-1"}
        assert ledger.attempt("gone-1").state is PaymentState.FAILED
        assert ledger.attempt("paid-1").state is PaymentState.SUCCESS
        assert ledger.attempt("fresh-1").state is PaymentState.CREATED
        assert fake.get_payment(gone.payment_id).failure_code == "P0020"
        assert ledger.reconcile(older_than_minutes=90).checked == 0
        assert [a.key for a in ledger.attempts(unfinished=True)] == [fresh.key]


def test_a_crash_during_reconcile_is_finished_by_the_next_run(
    path: Path, server: GovUkPayServer, govuk: GovUkPay
) -> None:
    with Ledger(path, govuk) as ledger:
        for n in range(3):
            attempt = ledger.begin(make_request(reference=f"R{n}"), idempotency_key=f"k-{n}")
            server.pay(attempt.payment_id)
    crashed(path, govuk, lambda ledger: ledger.reconcile(older_than_minutes=0),
            step="reconcile:settled")
    with Ledger(path, govuk) as ledger:
        assert sum(a.finished for a in ledger.attempts()) == 1
        report = ledger.reconcile(older_than_minutes=0)
        assert report.checked == 2 and len(report.changed) == 2
        assert all(a.state is PaymentState.SUCCESS for a in ledger.attempts())
    assert server.created_count == 3


def test_reconcile_reports_what_the_provider_could_not_answer(
    path: Path, server: GovUkPayServer
) -> None:
    with server.client(retry=None) as govuk, Ledger(path, govuk) as ledger:
        ledger.begin(make_request(reference="a"), idempotency_key="k-a")
        ledger.begin(make_request(reference="b"), idempotency_key="k-b")
        server.status(503)
        report = ledger.reconcile(older_than_minutes=0)
        assert report.checked == 2 and [key for key, _ in report.failed] == ["k-a"]
        assert "503" in report.failed[0][1]


# ---------------------------------------------------------------------------- refunds


def paid_attempt(path: Path, server: GovUkPayServer, govuk: GovUkPay) -> str:
    with Ledger(path, govuk) as ledger:
        attempt = ledger.begin(make_request(amount=5000), idempotency_key=KEY)
        server.pay(attempt.payment_id)
        ledger.settle(KEY)
        return attempt.payment_id or ""


@pytest.mark.parametrize("where", ["before asking", "inside the provider", "before recording"])
def test_a_refund_interrupted_anywhere_is_made_exactly_once(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, where: str
) -> None:
    payment_id = paid_attempt(path, server, govuk)
    if where == "inside the provider":
        crashed(path, CrashAfterCalling(govuk, "refund"), lambda ledger: ledger.refund(KEY, 1500))
    else:
        step = "refund:recorded" if where == "before asking" else "refund:made"
        crashed(path, govuk, lambda ledger: ledger.refund(KEY, 1500), step=step)
    with Ledger(path, govuk) as ledger:
        refund = ledger.refund(KEY, "£15.00")
        assert isinstance(refund, Refund) and refund.amount == 1500
        assert ledger.attempt(KEY).refunded == 1500
        assert [r.amount for r in govuk.refunds(payment_id)] == [1500]
        # a second, deliberate refund is still possible
        ledger.refund(KEY, 500)
        assert ledger.attempt(KEY).refunded == 2000
    assert [r.amount for r in govuk.refunds(payment_id)] == [1500, 500]


def test_an_unconfirmed_refund_blocks_a_different_one(
    path: Path, server: GovUkPayServer, govuk: GovUkPay
) -> None:
    paid_attempt(path, server, govuk)
    crashed(path, govuk, lambda ledger: ledger.refund(KEY, 1500), step="refund:recorded")
    with Ledger(path, govuk) as ledger:
        with pytest.raises(Conflict):
            ledger.refund(KEY, 700)


def test_refunding_a_pending_attempt_is_a_conflict(path: Path, govuk: GovUkPay) -> None:
    crashed(path, govuk, lambda ledger: ledger.begin(make_request(), idempotency_key=KEY),
            step="begin:recorded")
    with Ledger(path, govuk) as ledger, pytest.raises(Conflict):
        ledger.refund(KEY, 100)


# ---------------------------------------------------------------------------- the file


def test_the_file_is_wal_and_versioned(path: Path) -> None:
    with Ledger(path, FakePay()):
        pass
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        conn.execute("PRAGMA user_version=99")
    conn.close()
    with pytest.raises(ConfigurationError):
        Ledger(path, FakePay())


def test_attempts_made_with_an_earlier_provider_are_still_settled(path: Path) -> None:
    old, new = FakePay(), FakePay()
    new.name = "new-fake"
    with Ledger(path, old) as ledger:
        attempt = ledger.begin(make_request(), idempotency_key=KEY)
    old.pay(attempt.payment_id)
    with Ledger(path, new) as ledger, pytest.raises(ConfigurationError):
        ledger.settle(KEY)
    with Ledger(path, new, others=[old]) as ledger:
        assert ledger.settle(KEY).state is PaymentState.SUCCESS
        assert ledger.begin(make_request(reference="n"), idempotency_key="k-new").provider == (
            "new-fake")


def test_references_are_stored_as_given(path: Path) -> None:
    nasty = "'); DROP TABLE attempts; -- Ffordd y Môr"
    with Ledger(path, FakePay()) as ledger:
        ledger.begin(make_request(reference=nasty), idempotency_key=KEY)
        assert ledger.attempt(KEY).reference == nasty
        assert ledger.request(KEY) == make_request(reference=nasty)
        with pytest.raises(NotFound):
            ledger.attempt("no-such-key")
        dumped = ledger.dump()
    assert dumped["attempts"][0]["reference"] == nasty
    assert "next_url" not in dumped["attempts"][0]


def test_a_ledger_is_thread_safe(path: Path) -> None:
    fake = FakePay()
    with Ledger(path, fake) as ledger:
        def begin(n: int) -> None:
            ledger.begin(make_request(reference=f"R{n}"), idempotency_key=f"k-{n}")

        threads = [threading.Thread(target=begin, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(ledger.attempts()) == 16 and fake.created_count == 16


def test_begin_needs_a_payment_request(path: Path) -> None:
    with Ledger(path, FakePay()) as ledger, pytest.raises(TypeError):
        ledger.begin({"amount": 1})  # type: ignore[arg-type]
    assert isinstance(make_request(), PaymentRequest)
