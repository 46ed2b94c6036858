"""Ledger refunds under concurrency, retries, crashes and refund webhooks.

The provider is GOV.UK Pay's adapter talking to the local GOV.UK Pay server,
which answers a stale ``refund_amount_available`` as the contract says: HTTP
412 with no body. Threads share one ledger file (and sometimes one
:class:`Ledger`); processes open the same file, as a web application's workers do.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from lgds_components.errors import Conflict, InvalidComponent, InvalidFormat
from lgds_components.http import RetryPolicy
from lgds_components.payments.govuk_pay import GovUkPay
from lgds_components.payments.ledger import REFUND_LEASE, SCHEMA_VERSION, Ledger, WebhookOutcome
from lgds_components.payments.models import Refund
from lgds_components.payments.states import RefundStatus
from lgds_components.testing.payment_servers import GovUkPayServer
from tests.payments.payments_support import make_request

KEY = "GW-7-attempt-1"
API_KEY = "api_test_refunds0000000000000000000000000000"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite"


@pytest.fixture
def server() -> Iterator[GovUkPayServer]:
    with GovUkPayServer(seed=11, api_keys=[API_KEY], webhook_secret=WEBHOOK_SECRET) as srv:
        yield srv


WEBHOOK_SECRET = "refund-tests-webhook-secret"


def client(url: str) -> GovUkPay:
    return GovUkPay(API_KEY, base_url=url, webhook_secret=WEBHOOK_SECRET,
                    retry=RetryPolicy(attempts=3, sleep=lambda s: None), timeout=(2.0, 5.0))


@pytest.fixture
def govuk(server: GovUkPayServer) -> Iterator[GovUkPay]:
    with client(server.url) as pay:
        yield pay


@pytest.fixture
def paid(path: Path, server: GovUkPayServer, govuk: GovUkPay) -> str:
    """A £50.00 attempt, paid; returns its payment id."""
    with Ledger(path, govuk) as ledger:
        attempt = ledger.begin(make_request(amount=5000), idempotency_key=KEY)
        server.pay(attempt.payment_id or "")
        ledger.settle(KEY)
        return attempt.payment_id or ""


def refund_posts(server: GovUkPayServer) -> list[Any]:
    return [r for r in server.requests if r.method == "POST" and r.path.endswith("/refunds")]


def unconfirmed(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT refund_key, amount FROM refunds WHERE status IS NULL")
        found = rows.fetchall()
    conn.close()
    return found


class MeetAtGetPayment:
    """Wraps a provider: the first ``parties`` calls of ``get_payment`` wait for each other.

    So every racing refund has read the same amount available before any of
    them goes on: the worst interleaving, every time.
    """

    def __init__(self, provider: Any, parties: int) -> None:
        self._provider, self._parties = provider, parties
        self._barrier = threading.Barrier(parties, timeout=10)
        self._calls = 0
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._provider, name)

    def get_payment(self, payment_id: str) -> Any:
        with self._lock:
            self._calls += 1
            meet = self._calls <= self._parties
        payment = self._provider.get_payment(payment_id)
        if meet:
            self._barrier.wait()
        return payment


def race(count: int, action: Callable[[int], Any]) -> list[Any]:
    """Run ``action(i)`` in ``count`` threads at once; each result or exception, in order."""
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            results[index] = action(index)
        except Exception as exc:  # collected for the test to look at
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


# ---------------------------------------------------------------------------- item 4: losers


@pytest.mark.parametrize("shared", [True, False], ids=["one ledger", "a ledger each"])
def test_the_loser_of_two_concurrent_refunds_leaves_nothing_behind(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str, shared: bool
) -> None:
    racing = MeetAtGetPayment(govuk, parties=2)
    ledgers = [Ledger(path, racing)] * 2 if shared else [Ledger(path, racing) for _ in range(2)]
    try:
        results = race(2, lambda i: ledgers[i].refund(KEY, 1000))
    finally:
        for ledger in set(ledgers):
            ledger.close()
    made = [r for r in results if isinstance(r, Refund)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(made) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], Conflict)
    assert [r.amount for r in govuk.refunds(paid)] == [1000]
    assert unconfirmed(path) == []
    with Ledger(path, govuk) as ledger:
        assert ledger.attempt(KEY).refunded == 1000
        rest = ledger.refund(KEY, 4000)  # the remaining amount
        assert rest.amount == 4000 and ledger.attempt(KEY).refunded == 5000
    assert sorted(r.amount for r in govuk.refunds(paid)) == [1000, 4000]


def test_eight_refunds_from_one_reading_of_the_amount_make_one_refund(
    path: Path, govuk: GovUkPay, paid: str
) -> None:
    racing = MeetAtGetPayment(govuk, parties=8)

    def refund(index: int) -> Refund:
        with Ledger(path, racing) as ledger:
            return ledger.refund(KEY, 1000)

    results = race(8, refund)
    assert all(isinstance(r, (Refund, Conflict)) for r in results), results
    assert len({r.id for r in results if isinstance(r, Refund)}) == 1
    assert [r.amount for r in govuk.refunds(paid)] == [1000]
    assert unconfirmed(path) == []
    with Ledger(path, govuk) as ledger:
        assert ledger.attempt(KEY).refunded == 1000


def test_a_refund_refused_for_a_stale_amount_leaves_nothing(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str
) -> None:
    class RefundElsewhereFirst:
        """Someone refunds in GOV.UK Pay's admin tool just after the ledger read the amount."""

        def __init__(self, provider: GovUkPay) -> None:
            self._provider = provider

        def __getattr__(self, name: str) -> Any:
            return getattr(self._provider, name)

        def get_payment(self, payment_id: str) -> Any:
            payment = self._provider.get_payment(payment_id)
            server.simulator.refund_payment(payment_id, 300)
            return payment

    with Ledger(path, RefundElsewhereFirst(govuk)) as ledger, pytest.raises(Conflict) as caught:
        ledger.refund(KEY, 1000)
    assert caught.value.status == 412  # GOV.UK Pay's bodyless answer, classified by status
    assert unconfirmed(path) == []
    with Ledger(path, govuk) as ledger:
        assert ledger.refund(KEY, 1000).amount == 1000


# ---------------------------------------------------------------------------- item 5: keys


def test_a_refund_retried_with_its_key_after_success_is_not_made_again(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str
) -> None:
    with Ledger(path, govuk) as ledger:
        first = ledger.refund(KEY, "£10.00", idempotency_key="refund-request-1")
        again = ledger.refund(KEY, 1000, idempotency_key="refund-request-1")
    with Ledger(path, govuk) as ledger:  # later, from another worker
        later = ledger.refund(KEY, 1000, idempotency_key="refund-request-1")
        assert ledger.attempt(KEY).refunded == 1000
    assert first == again == later
    assert len(refund_posts(server)) == 1
    assert [r.amount for r in govuk.refunds(paid)] == [1000]


def test_a_key_used_for_another_refund_is_a_conflict(
    path: Path, govuk: GovUkPay, paid: str
) -> None:
    with Ledger(path, govuk) as ledger:
        ledger.refund(KEY, 1000, idempotency_key="refund-request-1")
        with pytest.raises(Conflict) as caught:
            ledger.refund(KEY, 2000, idempotency_key="refund-request-1")
        assert caught.value.provider_code == "idempotency_key_reused"


@pytest.mark.parametrize("bad", ["", "has space", "x" * 256, "emoji-\N{PILE OF POO}"])
def test_bad_refund_keys_are_refused_before_anything_is_asked(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str, bad: str
) -> None:
    asked = len(server.requests)
    with Ledger(path, govuk) as ledger, pytest.raises(InvalidFormat):
        ledger.refund(KEY, 1000, idempotency_key=bad)
    assert len(server.requests) == asked


def test_an_amount_over_the_provider_limit_is_refused_before_anything_is_written(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str
) -> None:
    asked = len(server.requests)
    with Ledger(path, govuk) as ledger, pytest.raises(InvalidComponent):
        ledger.refund(KEY, 10_000_001)
    assert len(server.requests) == asked and unconfirmed(path) == []


def test_one_key_from_eight_threads_refunds_once(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str
) -> None:
    racing = MeetAtGetPayment(govuk, parties=8)

    def refund(index: int) -> Refund:
        with Ledger(path, racing) as ledger:
            return ledger.refund(KEY, 1000, idempotency_key="refund-request-9")

    results = race(8, refund)
    made = {r.id for r in results if isinstance(r, Refund)}
    assert len(made) == 1, results
    assert all(isinstance(r, Refund) or (isinstance(r, Conflict) and r.provider_code
                                         == "refund_in_progress") for r in results), results
    assert len(refund_posts(server)) == 1
    with Ledger(path, govuk) as ledger:
        assert ledger.refund(KEY, 1000, idempotency_key="refund-request-9").id in made


def _refund_in_a_process(path: str, url: str, barrier: Any, results: Any) -> None:
    with Ledger(path, client(url)) as ledger:
        barrier.wait(timeout=30)
        try:
            results.put(ledger.refund(KEY, 1000, idempotency_key="refund-request-5").id)
        except Conflict as exc:
            results.put(exc.provider_code)


def test_one_key_from_four_processes_refunds_once(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str
) -> None:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    workers = [context.Process(target=_refund_in_a_process,
                               args=(str(path), server.url, barrier, results))
               for _ in range(4)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    ids = {o for o in outcomes if o != "refund_in_progress"}
    assert len(ids) == 1, outcomes
    assert len(refund_posts(server)) == 1
    with Ledger(path, govuk) as ledger:
        assert ledger.refund(KEY, 1000, idempotency_key="refund-request-5").id in ids


# ---------------------------------------------------------------------------- crashes


def _die_after_refunding(path: str, url: str) -> None:
    class DieAfterRefunding:
        def __init__(self, provider: GovUkPay) -> None:
            self._provider = provider

        def __getattr__(self, name: str) -> Any:
            return getattr(self._provider, name)

        def refund(self, *args: Any, **kwargs: Any) -> Any:
            self._provider.refund(*args, **kwargs)
            os._exit(7)  # the process dies: no finally, no tidying up

    with Ledger(path, DieAfterRefunding(client(url))) as ledger:
        ledger.refund(KEY, 1500, idempotency_key="refund-request-3")


def test_a_process_that_died_mid_refund_is_taken_over_at_once(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str
) -> None:
    worker = multiprocessing.get_context("spawn").Process(
        target=_die_after_refunding, args=(str(path), server.url))
    worker.start()
    worker.join(timeout=60)
    assert worker.exitcode == 7
    assert unconfirmed(path) == [("refund-request-3", 1500)]
    with Ledger(path, govuk) as ledger:
        refund = ledger.refund(KEY, 1500, idempotency_key="refund-request-3")
        assert ledger.attempt(KEY).refunded == 1500
    assert [r.id for r in govuk.refunds(paid)] == [refund.id]
    assert unconfirmed(path) == []


def test_a_claim_from_another_host_stands_until_its_lease_ends(
    path: Path, govuk: GovUkPay, paid: str
) -> None:
    with Ledger(path, govuk) as ledger:
        ledger.refund(KEY, 100)  # a row to copy the shape of
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO refunds (refund_key, key, amount, expected_available, created_at, "
            "updated_at, claimed_by, claimed_at) SELECT 'refund-request-4', key, 700, 4900, "
            "created_at, updated_at, 'another-host 4242 abc', updated_at FROM refunds")
    conn.close()
    claimed = Ledger(path, govuk).attempt(KEY).updated_at
    with Ledger(path, govuk, clock=lambda: claimed + timedelta(minutes=1)) as ledger:
        with pytest.raises(Conflict) as caught:
            ledger.refund(KEY, 700, idempotency_key="refund-request-4")
        assert caught.value.provider_code == "refund_in_progress"
    late = claimed + REFUND_LEASE + timedelta(seconds=1)
    with Ledger(path, govuk, clock=lambda: late) as ledger:
        assert ledger.refund(KEY, 700, idempotency_key="refund-request-4").amount == 700
        assert ledger.attempt(KEY).refunded == 800


def leave_unconfirmed(path: Path, refund_key: str, amount: int, expected: int) -> None:
    """The row a crash leaves: written, never confirmed, claimed by nobody alive."""
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO refunds (refund_key, key, amount, expected_available, created_at, "
            "updated_at) SELECT ?, key, ?, ?, created_at, updated_at FROM attempts",
            (refund_key, amount, expected))
    conn.close()


def test_a_refund_the_provider_has_not_listed_yet_is_kept_until_it_is(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str
) -> None:
    class Lagging:
        """GOV.UK Pay's refund list is eventually consistent: the newest refund is missing."""

        lag = True

        def __init__(self, provider: GovUkPay) -> None:
            self._provider = provider

        def __getattr__(self, name: str) -> Any:
            return getattr(self._provider, name)

        def refunds(self, payment_id: str) -> list[Refund]:
            found = self._provider.refunds(payment_id)
            return found[:-1] if self.lag else found

    lagging = Lagging(govuk)
    govuk.refund(paid, 1500, expected_available=5000)  # made, as if before a crash
    leave_unconfirmed(path, "refund-request-6", 1500, 5000)  # ...that left its row unconfirmed
    with Ledger(path, lagging) as ledger:
        with pytest.raises(Conflict) as caught:
            ledger.refund(KEY, 1500, idempotency_key="refund-request-6")
        assert caught.value.provider_code == "refund_unconfirmed"
        assert unconfirmed(path) == [("refund-request-6", 1500)]
        lagging.lag = False
        assert ledger.refund(KEY, 1500, idempotency_key="refund-request-6").amount == 1500
    assert [r.amount for r in govuk.refunds(paid)] == [1500]


def test_a_refund_that_was_never_made_is_dropped_when_the_list_is_complete(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str
) -> None:
    server.simulator.refund_payment(paid, 300)  # the amount moved on: 5000 is stale
    leave_unconfirmed(path, "refund-request-8", 1500, 5000)  # a crash before asking
    with Ledger(path, govuk) as ledger:
        with pytest.raises(Conflict) as caught:
            ledger.refund(KEY, 1500, idempotency_key="refund-request-8")
        assert caught.value.provider_code == "refund_not_made"
        assert unconfirmed(path) == []
        assert ledger.refund(KEY, 1500, idempotency_key="refund-request-8").amount == 1500
    assert sorted(r.amount for r in govuk.refunds(paid)) == [300, 1500]


# ---------------------------------------------------------------------------- item 6: webhooks


def refund_webhook(server: GovUkPayServer, payment_id: str, refund_id: str, *,
                   message_id: str, status: str | None = None,
                   keep_payment_id: bool = True) -> tuple[bytes, dict[str, str]]:
    resource = server.simulator.get_refund_json(payment_id, refund_id, server.url)
    if status is not None:
        resource["status"] = status
    if not keep_payment_id:
        del resource["payment_id"]  # then only _links.payment says which payment
    body = json.dumps({
        "webhook_message_id": message_id, "api_version": 1,
        "created_date": "2025-05-01T10:00:00.000Z", "resource_id": refund_id,
        "resource_type": "REFUND", "event_type": "card_payment_refunded", "resource": resource,
    }).encode()
    return body, server.sign(body)


@pytest.mark.parametrize("keep_payment_id", [True, False])
def test_a_refund_webhook_is_applied_to_the_ledger(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str, keep_payment_id: bool
) -> None:
    made = govuk.refund(paid, 1200)  # made outside the ledger (the admin tool, say)
    body, headers = refund_webhook(server, paid, made.id, message_id="msg-1",
                                   keep_payment_id=keep_payment_id)
    event = govuk.verify_webhook(body, headers)
    assert event.refund is not None and event.refund.id == made.id
    assert event.payment_id == paid and event.state is None
    with Ledger(path, govuk) as ledger:
        assert ledger.apply_webhook(event) is WebhookOutcome.APPLIED
        assert ledger.attempt(KEY).refunded == 1200
        assert ledger.apply_webhook(event) is WebhookOutcome.DUPLICATE
        assert ledger.refund(KEY, 3800).amount == 3800  # the rest, from a fresh reading
        assert ledger.attempt(KEY).refunded == 5000


def test_a_refund_webhook_updates_the_ledgers_own_refund(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str
) -> None:
    with Ledger(path, govuk) as ledger:
        made = ledger.refund(KEY, 1000, idempotency_key="refund-request-2")
        for message_id, status, outcome in [("m-1", "success", WebhookOutcome.NO_CHANGE),
                                            ("m-2", "error", WebhookOutcome.APPLIED),
                                            ("m-3", "submitted", WebhookOutcome.NO_CHANGE)]:
            body, headers = refund_webhook(server, paid, made.id, message_id=message_id,
                                           status=status)
            assert ledger.apply_webhook(govuk.verify_webhook(body, headers)) is outcome
        again = ledger.refund(KEY, 1000, idempotency_key="refund-request-2")
        assert (again.id, again.status) == (made.id, RefundStatus.ERROR)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM refunds").fetchone()[0] == 1
    conn.close()


def test_a_refund_webhook_before_the_payment_is_recorded_waits_for_it(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str
) -> None:
    made = govuk.refund(paid, 700)
    body, headers = refund_webhook(server, paid, made.id, message_id="msg-early")
    event = govuk.verify_webhook(body, headers)
    other = path.with_name("other.sqlite")  # a ledger that has not recorded the payment yet
    with Ledger(other, govuk) as ledger:
        assert ledger.apply_webhook(event) is WebhookOutcome.UNKNOWN
        ledger.begin(make_request(amount=5000), idempotency_key=KEY)  # a new attempt...
        with sqlite3.connect(other) as conn:  # ...recorded as the paid payment
            conn.execute("UPDATE attempts SET payment_id = ? WHERE key = ?", (paid, KEY))
        conn.close()
        ledger.settle(KEY)
        assert ledger.attempt(KEY).refunded == 700


def test_a_refund_learnt_from_a_webhook_is_merged_with_the_ledgers_request(
    path: Path, server: GovUkPayServer, govuk: GovUkPay, paid: str
) -> None:
    class WebhookFirst:
        """The refund's webhook is applied before the ledger hears back from its request."""

        def __init__(self, provider: GovUkPay, ledger_path: Path) -> None:
            self._provider, self._path = provider, ledger_path

        def __getattr__(self, name: str) -> Any:
            return getattr(self._provider, name)

        def refund(self, *args: Any, **kwargs: Any) -> Refund:
            refund: Refund = self._provider.refund(*args, **kwargs)
            body, headers = refund_webhook(server, paid, refund.id, message_id="m-first",
                                           status="success")
            with Ledger(self._path, self._provider) as other:
                assert other.apply_webhook(self._provider.verify_webhook(body, headers)) is (
                    WebhookOutcome.APPLIED)
            return refund.model_copy(update={"status": RefundStatus.SUBMITTED})

    with Ledger(path, WebhookFirst(govuk, path)) as ledger:
        made = ledger.refund(KEY, 900, idempotency_key="refund-request-7")
        assert ledger.attempt(KEY).refunded == 900
        again = ledger.refund(KEY, 900, idempotency_key="refund-request-7")
        assert again.id == made.id and again.status is RefundStatus.SUCCESS
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM refunds").fetchone()[0] == 1
    conn.close()


# ---------------------------------------------------------------------------- the file


V1_REFUNDS = """
CREATE TABLE attempts (key TEXT PRIMARY KEY, provider TEXT NOT NULL, payment_id TEXT,
    provider_reference TEXT, reference TEXT NOT NULL, amount INTEGER NOT NULL,
    request TEXT NOT NULL, fingerprint TEXT NOT NULL, state TEXT,
    refunded INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE webhook_events (provider TEXT NOT NULL, event_id TEXT NOT NULL,
    received_at TEXT NOT NULL, payment_id TEXT, provider_reference TEXT, state TEXT,
    outcome TEXT NOT NULL, PRIMARY KEY (provider, event_id));
CREATE TABLE refunds (refund_key TEXT PRIMARY KEY, key TEXT NOT NULL REFERENCES attempts (key),
    amount INTEGER NOT NULL, expected_available INTEGER NOT NULL, refund_id TEXT, status TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
PRAGMA user_version=1;
"""


def test_a_version_1_file_is_upgraded_and_keeps_its_refunds(
    path: Path, govuk: GovUkPay
) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_REFUNDS)
        stamp = "2025-01-01T10:00:00.000000Z"
        conn.execute("INSERT INTO attempts VALUES ('old-1', 'govuk-pay', 'pay-1', NULL, 'R', "
                     "500, '{}', 'f', 'success', 200, ?, ?)", (stamp, stamp))
        conn.execute("INSERT INTO refunds VALUES ('r-1', 'old-1', 200, 500, 'ref-1', "
                     "'success', ?, ?)", (stamp, stamp))
    conn.close()
    with Ledger(path, govuk) as ledger:
        assert ledger.attempt("old-1").refunded == 200
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        row = conn.execute("SELECT refund_id, source, claimed_by FROM refunds").fetchone()
        assert row == ("ref-1", "ledger", None)
    conn.close()
