"""The ledger: a durable record of every payment attempt that loses nothing.

A council service takes a payment in three moves, and the ledger records each
one in SQLite (WAL, ``synchronous=FULL``, parameterised SQL only) before the
next one can happen:

1. :meth:`Ledger.begin` before redirecting the payer: the attempt and its
   idempotency key are written **first**, then the provider is asked for the
   payment, then the answer is written. If the process dies after the
   provider created the payment but before the answer was written, running
   ``begin`` again with the same key (or :meth:`Ledger.reconcile`) asks again
   with the same key, and the provider returns the same payment: nothing is
   lost and nothing is created, or charged, twice.
2. :meth:`Ledger.settle` when the payer comes back to ``return_url``, and
   :meth:`Ledger.apply_webhook` when the provider says something changed.
   Webhooks are applied once (a message seen before is ignored) and in state
   order: a payment only ever moves forward (:attr:`PaymentState.rank
   <lgds_components.payments.states.PaymentState.rank>`), so a late
   ``started`` never overwrites ``success``. Every state seen is kept, with
   its time and where it came from (:meth:`Ledger.history`). A webhook for a
   payment the ledger does not know yet is kept and applied as soon as the
   payment is recorded.
3. :meth:`Ledger.reconcile` from a scheduled job: every attempt still
   unfinished after ``older_than_minutes`` is checked with the provider, for
   the payers who never come back.

:meth:`Ledger.refund` records the amount available *before* asking for the
refund and sends it as ``expected_available``, so a refund retried after a
crash is refused by the provider instead of paid twice, and then found in the
provider's list of refunds and recorded.

>>> from lgds_components.payments import FakePay, Ledger, PaymentRequest
>>> pay = FakePay()
>>> ledger = Ledger(":memory:", pay)
>>> attempt = ledger.begin(PaymentRequest(amount=4500, reference="GW-1",
...     description="Garden waste", return_url="https://council.example/done"),
...     idempotency_key="GW-1-attempt-1")
>>> attempt.state, attempt.next_url is not None
(<PaymentState.CREATED: 'created'>, True)
>>> pay.pay(attempt.payment_id)
>>> ledger.settle("GW-1-attempt-1").state
<PaymentState.SUCCESS: 'success'>
>>> [seen.state.value for seen in ledger.history("GW-1-attempt-1")]
['created', 'success']
>>> ledger.close()

The ledger does not store ``next_url`` (anyone holding it can take over the
payer's payment); ``begin`` and ``settle`` return a fresh one. It does store
the request, email address and prefilled details included, since a retried
create must send exactly the same request.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import attrs

from lgds_components.errors import (
    ConfigurationError,
    Conflict,
    InvalidFormat,
    LGDSError,
    NotFound,
    ProviderError,
    ProviderUnavailable,
)
from lgds_components.payments import claims
from lgds_components.payments.failures import resident_message
from lgds_components.payments.models import Payment, PaymentRequest, Refund, WebhookEvent
from lgds_components.payments.money import to_pence
from lgds_components.payments.protocol import PaymentProvider
from lgds_components.payments.refund_book import RefundBook, RefundClaim
from lgds_components.payments.stamps import parse_stamp, stamp
from lgds_components.payments.states import PaymentState, RefundStatus

__all__ = ["Attempt", "Ledger", "ReconcileReport", "StateSeen", "WebhookOutcome"]

logger: logging.Logger = logging.getLogger(__name__)

_KEY = re.compile(r"[A-Za-z0-9-]{1,255}")
SCHEMA_VERSION: Final = 3
REFUND_LEASE: Final = timedelta(minutes=10)
"""How long a refund being made by another host's process blocks a retry (see
:mod:`~lgds_components.payments.claims`); far longer than any one provider call."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    key TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    payment_id TEXT,
    provider_reference TEXT,
    reference TEXT NOT NULL,
    amount INTEGER NOT NULL,
    request TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT,
    refunded INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    failure_code TEXT,
    provider_failure_message TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS attempts_by_payment
    ON attempts (provider, payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS attempts_by_reference ON attempts (provider, provider_reference);
CREATE INDEX IF NOT EXISTS attempts_open ON attempts (state, created_at);
CREATE TABLE IF NOT EXISTS states (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL REFERENCES attempts (key),
    state TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    source TEXT NOT NULL,
    applied INTEGER NOT NULL,
    event_id TEXT
);
CREATE INDEX IF NOT EXISTS states_by_key ON states (key, id);
CREATE TABLE IF NOT EXISTS webhook_events (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    payment_id TEXT,
    provider_reference TEXT,
    state TEXT,
    outcome TEXT NOT NULL,
    refund TEXT,
    PRIMARY KEY (provider, event_id)
);
CREATE INDEX IF NOT EXISTS webhook_events_waiting ON webhook_events (provider, outcome);
CREATE TABLE IF NOT EXISTS refunds (
    refund_key TEXT PRIMARY KEY,
    key TEXT NOT NULL REFERENCES attempts (key),
    amount INTEGER NOT NULL,
    expected_available INTEGER NOT NULL,
    refund_id TEXT,
    status TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    refund_created TEXT,
    source TEXT NOT NULL DEFAULT 'ledger',
    claimed_by TEXT,
    claimed_at TEXT
);
CREATE INDEX IF NOT EXISTS refunds_by_key ON refunds (key);
"""

_UPGRADES: Final[dict[int, tuple[str, ...]]] = {
    1: (  # version 1 to 2: refund claims and idempotency keys, refunds from webhooks
        "ALTER TABLE webhook_events ADD COLUMN refund TEXT",
        "ALTER TABLE refunds ADD COLUMN refund_created TEXT",
        "ALTER TABLE refunds ADD COLUMN source TEXT NOT NULL DEFAULT 'ledger'",
        "ALTER TABLE refunds ADD COLUMN claimed_by TEXT",
        "ALTER TABLE refunds ADD COLUMN claimed_at TEXT",
    ),
    2: (  # version 2 to 3: why a payment failed
        "ALTER TABLE attempts ADD COLUMN failure_code TEXT",
        "ALTER TABLE attempts ADD COLUMN provider_failure_message TEXT",
    ),
}
"""Statements that bring a file from each older schema version to the next."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class WebhookOutcome(StrEnum):
    """What :meth:`Ledger.apply_webhook` did with a message."""

    APPLIED = "applied"
    """The payment moved to the state the message reports."""
    STALE = "stale"
    """Recorded in the history, but the payment is already further on."""
    NO_CHANGE = "no_change"
    """The message reports nothing new (a refund note, a repeated state)."""
    DUPLICATE = "duplicate"
    """This message was applied before; nothing was done."""
    UNKNOWN = "unknown"
    """No attempt has this payment yet; kept, and applied when the payment is recorded."""


_OUTCOMES: Final = {True: WebhookOutcome.APPLIED, False: WebhookOutcome.STALE,
                    None: WebhookOutcome.NO_CHANGE}


@attrs.frozen(slots=True)
class StateSeen:
    """One state the ledger saw for an attempt."""

    state: PaymentState
    seen_at: datetime
    source: str
    """``create``, ``settle``, ``webhook`` or ``reconcile``."""
    applied: bool
    """False when it arrived after a later state and was only recorded."""
    event_id: str | None = None


@attrs.frozen(slots=True)
class Attempt:
    """One payment attempt as the ledger records it.

    ``state`` is ``None`` while the attempt is *pending*: written, but not yet
    confirmed by the provider (a crash may have come in between).

    A payment that did not go through carries the provider's
    ``failure_code`` (``P0010``, ``card_declined``), the provider's own
    ``provider_failure_message`` and, for the resident,
    :attr:`failure_message` ("Your payment was declined"); see
    :mod:`~lgds_components.payments.failures`.
    """

    key: str
    provider: str
    payment_id: str | None
    provider_reference: str | None
    reference: str
    amount: int
    state: PaymentState | None
    refunded: int
    created_at: datetime
    updated_at: datetime
    next_url: str | None = attrs.field(default=None, repr=False)
    failure_code: str | None = None
    provider_failure_message: str | None = None

    @property
    def failure_message(self) -> str | None:
        """Why the payment did not go through, for the resident (English); ``None`` if it did.

        For Welsh: ``resident_message(attempt.failure_code, attempt.state, "cy")``
        (:func:`~lgds_components.payments.failures.resident_message`).
        """
        return resident_message(self.failure_code, self.state)

    @property
    def pending(self) -> bool:
        """Whether the provider has not yet confirmed the payment."""
        return self.state is None

    @property
    def finished(self) -> bool:
        """Whether the payment's state can no longer change."""
        return self.state is not None and self.state.finished


@attrs.frozen(slots=True)
class ReconcileReport:
    """What :meth:`Ledger.reconcile` did."""

    checked: int
    changed: tuple[str, ...]
    """Keys of attempts whose state moved on."""
    failed: tuple[tuple[str, str], ...]
    """``(key, error message)`` for attempts the provider could not answer for now."""


class Ledger:
    """A durable record of payment attempts, in one SQLite file.

    Args:
        path: the SQLite file (created if missing), or ``":memory:"``.
        provider: the provider new attempts use.
        others: providers of earlier attempts, by name, so that attempts
            made before a change of provider can still be settled and
            reconciled.
        clock: returns the current time (aware), for tests.
        new_key: makes idempotency keys for ``begin`` when none is given.
        on_step: called with the name of each step as it completes
            (``"begin:recorded"``, ``"begin:created"``, ``"settle:fetched"``,
            ``"apply_webhook:recorded"``, ``"reconcile:settled"``,
            ``"refund:recorded"``, ``"refund:made"``); tests raise from it to
            simulate a crash between steps.

    One ledger may be shared by the threads of a web application, and several
    processes may open the same file.
    """

    def __init__(
        self,
        path: str | Path,
        provider: PaymentProvider,
        *,
        others: Mapping[str, PaymentProvider] | Iterable[PaymentProvider] = (),
        clock: Callable[[], datetime] | None = None,
        new_key: Callable[[], str] | None = None,
        on_step: Callable[[str], None] | None = None,
    ) -> None:
        self.provider = provider
        extra = others.values() if isinstance(others, Mapping) else others
        self._providers: dict[str, PaymentProvider] = {p.name: p for p in extra}
        self._providers[provider.name] = provider
        self._clock = clock or _utcnow
        self._new_key = new_key or (lambda: str(uuid.uuid4()))
        self._on_step = on_step
        self._refunds = RefundBook(REFUND_LEASE)
        self._lock = threading.RLock()
        self.path: str = str(path)
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                     timeout=30.0)
        try:
            self._setup()
        except BaseException:
            self._conn.close()
            raise

    def _setup(self) -> None:
        conn = self._conn
        conn.row_factory = sqlite3.Row
        if self.path != ":memory:":
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ConfigurationError(
                f"the ledger {self.path!r} was written by a newer version of lgds-components"
            )
        with self._tx():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for older in range(version or SCHEMA_VERSION, SCHEMA_VERSION):
                for statement in _UPGRADES[older]:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def __repr__(self) -> str:
        return f"<Ledger {self.path!r} provider={self.provider.name!r}>"

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _step(self, name: str) -> None:
        if self._on_step is not None:
            self._on_step(name)

    def _now(self) -> str:
        return stamp(self._clock())

    def _provider_for(self, name: str) -> PaymentProvider:
        try:
            return self._providers[name]
        except KeyError:
            raise ConfigurationError(
                f"the ledger has attempts made with {name!r}; pass that provider in others="
            ) from None

    def _row(self, key_or_id: str) -> sqlite3.Row:
        if not isinstance(key_or_id, str) or not key_or_id:
            raise InvalidFormat("give an idempotency key or a payment id", field="key")
        with self._lock:
            row: sqlite3.Row | None = self._conn.execute(
                "SELECT * FROM attempts WHERE key = ?", (key_or_id,)).fetchone()
            if row is None:
                row = self._conn.execute(
                    "SELECT * FROM attempts WHERE payment_id = ? ORDER BY created_at LIMIT 1",
                    (key_or_id,),
                ).fetchone()
        if row is None:
            raise NotFound("The ledger has no attempt with this key or payment id",
                           provider=self.provider.name)
        return row

    @staticmethod
    def _attempt(row: sqlite3.Row, next_url: str | None = None) -> Attempt:
        return Attempt(
            key=row["key"],
            provider=row["provider"],
            payment_id=row["payment_id"],
            provider_reference=row["provider_reference"],
            reference=row["reference"],
            amount=row["amount"],
            state=PaymentState(row["state"]) if row["state"] else None,
            refunded=row["refunded"],
            created_at=parse_stamp(row["created_at"]),
            updated_at=parse_stamp(row["updated_at"]),
            next_url=next_url,
            failure_code=row["failure_code"],
            provider_failure_message=row["provider_failure_message"],
        )

    def _apply_state(
        self, conn: sqlite3.Connection, key: str, new: PaymentState, source: str,
        event_id: str | None = None,
    ) -> bool | None:
        """Move the attempt to ``new`` if that is forward; True applied, False stale, None same."""
        row = conn.execute("SELECT state FROM attempts WHERE key = ?", (key,)).fetchone()
        current = PaymentState(row["state"]) if row["state"] else None
        now = self._now()
        if current is new:
            return None
        forward = current is None or new.rank > current.rank
        conn.execute(
            "INSERT INTO states (key, state, seen_at, source, applied, event_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (key, new.value, now, source, int(forward), event_id),
        )
        if forward:
            conn.execute("UPDATE attempts SET state = ?, updated_at = ? WHERE key = ?",
                         (new.value, now, key))
        elif current is not None and current.finished and new.finished:
            logger.warning("payment attempt %s: %s reported after %s; keeping %s",
                           key, new.value, current.value, current.value)
        return forward

    def _record(self, key: str, payment: Payment, source: str) -> bool:
        """Write what the provider said about the attempt's payment; True if its state moved."""
        with self._tx() as conn:
            row = conn.execute("SELECT * FROM attempts WHERE key = ?", (key,)).fetchone()
            if row["payment_id"] not in (None, payment.id):
                raise Conflict("The provider returned a different payment for this attempt",
                               provider=row["provider"])
            try:
                conn.execute(
                    "UPDATE attempts SET payment_id = ?, "
                    "provider_reference = COALESCE(?, provider_reference), "
                    "refunded = MAX(refunded, ?), updated_at = ? WHERE key = ?",
                    (payment.id, payment.provider_reference, payment.refund.amount_submitted,
                     self._now(), key),
                )
            except sqlite3.IntegrityError as exc:
                raise Conflict("This payment is already recorded for another attempt",
                               provider=row["provider"]) from exc
            applied = self._apply_state(conn, key, payment.state, source)
            if applied is not False:
                self._record_failure(conn, key, payment)
            moved = bool(applied)
            moved = self._apply_waiting(conn, key) or moved
        return moved

    @staticmethod
    def _record_failure(conn: sqlite3.Connection, key: str, payment: Payment) -> None:
        """Keep why the payment failed (or clear it: a Stripe payer may try again and pay)."""
        conn.execute("UPDATE attempts SET failure_code = ?, provider_failure_message = ? "
                     "WHERE key = ?", (payment.failure_code, payment.failure_message, key))

    def _apply_waiting(self, conn: sqlite3.Connection, key: str) -> bool:
        row = conn.execute("SELECT * FROM attempts WHERE key = ?", (key,)).fetchone()
        waiting = conn.execute(
            "SELECT * FROM webhook_events WHERE provider = ? AND outcome = ? AND "
            "(payment_id = ? OR (provider_reference IS NOT NULL AND provider_reference = ?)) "
            "ORDER BY received_at",
            (row["provider"], WebhookOutcome.UNKNOWN.value, row["payment_id"],
             row["provider_reference"]),
        ).fetchall()
        moved = False
        for event in waiting:
            state = PaymentState(event["state"]) if event["state"] else None
            refund = Refund.model_validate_json(event["refund"]) if event["refund"] else None
            outcome = self._apply_event(conn, row, event["event_id"], state, refund)
            moved = moved or (state is not None and outcome is WebhookOutcome.APPLIED)
            conn.execute("UPDATE webhook_events SET outcome = ? WHERE provider = ? AND "
                         "event_id = ?", (outcome.value, event["provider"], event["event_id"]))
        return moved

    def _apply_event(
        self, conn: sqlite3.Connection, attempt: sqlite3.Row, event_id: str,
        state: PaymentState | None, refund: Refund | None,
    ) -> WebhookOutcome:
        """Apply one webhook's state and refund to the attempt."""
        key = attempt["key"]
        outcome = WebhookOutcome.NO_CHANGE
        if state is not None:
            outcome = _OUTCOMES[self._apply_state(conn, key, state, "webhook", event_id)]
        if refund is not None and self._refunds.apply(conn, key, attempt["provider"], refund,
                                                      self._clock()):
            if outcome is WebhookOutcome.NO_CHANGE:
                outcome = WebhookOutcome.APPLIED
        return outcome

    # ------------------------------------------------------------------ begin

    def begin(self, request: PaymentRequest, *, idempotency_key: str | None = None) -> Attempt:
        """Record a payment attempt, create the payment, and return it with its ``next_url``.

        Give an ``idempotency_key`` you can make again (from your own order or
        application id and attempt number): calling ``begin`` again with it,
        after a crash or a timeout, returns the same payment and never creates
        a second one. Without a key one is made up (a UUID) and returned as
        :attr:`Attempt.key`.

        If the attempt exists and is unfinished, the payment is fetched again
        for a fresh ``next_url``. The same key with a different request is a
        :class:`~lgds_components.errors.Conflict`.
        """
        if not isinstance(request, PaymentRequest):
            raise TypeError("begin needs a PaymentRequest")
        key = self._new_key() if idempotency_key is None else idempotency_key
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise InvalidFormat("idempotency_key must be 1 to 255 letters, digits and hyphens",
                                field="idempotency_key")
        fingerprint = request.fingerprint()
        with self._tx() as conn:
            row = conn.execute("SELECT * FROM attempts WHERE key = ?", (key,)).fetchone()
            if row is None:
                now = self._now()
                conn.execute(
                    "INSERT INTO attempts (key, provider, reference, amount, request, fingerprint,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, self.provider.name, request.reference, request.amount,
                     request.model_dump_json(), fingerprint, now, now),
                )
            elif row["fingerprint"] != fingerprint:
                raise Conflict("This idempotency key was used for a different payment request",
                               provider=row["provider"])
        self._step("begin:recorded")
        if row is not None and row["payment_id"] is not None:
            if row["state"] and PaymentState(row["state"]).finished:
                return self._attempt(self._row(key))
            return self.settle(key)
        return self._create(key)

    def begin_next(self, request: PaymentRequest, *, order: str | None = None) -> Attempt:
        """Begin the next payment attempt for an order, or carry on with the current one.

        The "Pay" and "Try the payment again" buttons of a service call this.
        Attempts are keyed ``{order}-attempt-{n}`` (``order`` defaults to the
        request's reference; letters, digits and hyphens, at most 200). The
        latest attempt, settled with the provider first, decides what happens:
        one still unfinished is resumed (with a fresh ``next_url``), a paid one
        is returned as it is, and after one that failed, was cancelled or went
        wrong, attempt ``n + 1`` begins.
        A second click, or two requests at once, therefore never start a
        second payment: they reach the same key, and ``begin`` makes one
        payment per key.

        >>> from lgds_components.payments import FakePay
        >>> pay = FakePay()
        >>> ledger = Ledger(":memory:", pay)
        >>> request = PaymentRequest(amount=2500, reference="BIN-7", description="New bin",
        ...                          return_url="https://council.example/paid")
        >>> first = ledger.begin_next(request)
        >>> first.key, ledger.begin_next(request).key          # a second click
        ('BIN-7-attempt-1', 'BIN-7-attempt-1')
        >>> pay.decline(first.payment_id)
        >>> ledger.begin_next(request).key                     # try again
        'BIN-7-attempt-2'
        >>> ledger.close()
        """
        prefix = f"{request.reference if order is None else order}-attempt-"
        if not _KEY.fullmatch(prefix) or len(prefix) > 200 + len("-attempt-"):
            raise InvalidFormat("order must be 1 to 200 letters, digits and hyphens (pass "
                                "order= when the reference has other characters)",
                                field="order")
        with self._lock:
            keys = [row[0] for row in self._conn.execute(
                "SELECT key FROM attempts WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))]
        numbers = [int(k[len(prefix):]) for k in keys if k[len(prefix):].isdigit()]
        latest = max(numbers, default=0)
        if latest:
            attempt = self.attempt(f"{prefix}{latest}")
            if not attempt.finished:  # the provider may know more than the ledger
                attempt = self.settle(attempt.key)
            if attempt.state is PaymentState.SUCCESS or not attempt.finished:
                return attempt
        return self.begin(request, idempotency_key=f"{prefix}{latest + 1}")

    def _create(self, key: str) -> Attempt:
        row = self._row(key)
        provider = self._provider_for(row["provider"])
        request = PaymentRequest.model_validate_json(row["request"])
        payment = provider.create_payment(request, idempotency_key=key)
        self._step("begin:created")
        self._record(key, payment, "create")
        return self._attempt(self._row(key), payment.next_url)

    # ------------------------------------------------------------------ settle

    def settle(self, key: str, *, payment: Payment | None = None,
               source: str = "settle") -> Attempt:
        """Bring an attempt up to date with the provider (when the payer returns, say).

        ``key`` is the idempotency key or the provider's payment id. A pending
        attempt is completed first (created with its key). Give ``payment`` to
        record a payment you already fetched instead of asking again.
        """
        row = self._row(key)
        key = row["key"]
        if row["payment_id"] is None:
            attempt = self._create(key)
            if payment is None:
                return attempt
        if payment is None:
            payment = self._provider_for(row["provider"]).get_payment(self._row(key)["payment_id"])
        elif payment.id != self._row(key)["payment_id"]:
            raise Conflict("This payment does not belong to the attempt", provider=payment.provider)
        self._step("settle:fetched")
        self._record(key, payment, source)
        return self._attempt(self._row(key), payment.next_url if not payment.finished else None)

    # ------------------------------------------------------------------ webhooks

    def apply_webhook(self, event: WebhookEvent) -> WebhookOutcome:
        """Apply a verified webhook event once, and only if it moves the payment forward.

        A message already applied is a :attr:`WebhookOutcome.DUPLICATE`; one
        reporting a state the payment has passed is recorded in the history
        but changes nothing (:attr:`WebhookOutcome.STALE`). A message about a
        refund (GOV.UK Pay's ``resource_type: REFUND``, Stripe's ``refund``
        objects) records the refund, or its new status, against the attempt
        (:attr:`WebhookOutcome.APPLIED`; :attr:`Attempt.refunded` follows).
        Everything
        happens in one transaction: a crash part way leaves no trace, and the
        provider's redelivery is applied as if it were the first.
        """
        if not isinstance(event, WebhookEvent):
            raise TypeError("apply_webhook needs a WebhookEvent (from verify_webhook)")
        with self._tx() as conn:
            try:
                conn.execute(
                    "INSERT INTO webhook_events (provider, event_id, received_at, payment_id,"
                    " provider_reference, state, outcome, refund) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (event.provider, event.id, self._now(), event.payment_id,
                     event.provider_reference, event.state.value if event.state else None,
                     WebhookOutcome.UNKNOWN.value,
                     event.refund.model_dump_json() if event.refund else None),
                )
            except sqlite3.IntegrityError:
                return WebhookOutcome.DUPLICATE
            self._step("apply_webhook:recorded")
            row = None
            if event.payment_id:
                row = conn.execute("SELECT * FROM attempts WHERE provider = ? AND payment_id = ?",
                                   (event.provider, event.payment_id)).fetchone()
            if row is None and event.provider_reference:
                row = conn.execute(
                    "SELECT * FROM attempts WHERE provider = ? AND provider_reference = ?",
                    (event.provider, event.provider_reference),
                ).fetchone()
            if row is None:
                return WebhookOutcome.UNKNOWN
            outcome = self._apply_event(conn, row, event.id, event.state, event.refund)
            conn.execute("UPDATE webhook_events SET outcome = ? WHERE provider = ? AND "
                         "event_id = ?", (outcome.value, event.provider, event.id))
            if event.payment is not None and outcome is WebhookOutcome.APPLIED:
                self._record_failure(conn, row["key"], event.payment)
            if event.payment is not None:
                conn.execute(
                    "UPDATE attempts SET refunded = MAX(refunded, ?), "
                    "provider_reference = COALESCE(provider_reference, ?) WHERE key = ?",
                    (event.payment.refund.amount_submitted, event.payment.provider_reference,
                     row["key"]),
                )
                self._apply_waiting(conn, row["key"])
            return outcome

    # ------------------------------------------------------------------ reconcile

    def reconcile(self, older_than_minutes: float = 90) -> ReconcileReport:
        """Check every unfinished attempt older than ``older_than_minutes`` with the provider.

        For the payers who never come back: run it from a scheduled job (every
        15 minutes, say). Pending attempts are completed with their own key.
        An attempt the provider cannot answer for now is reported in
        ``failed`` and tried again next time; other errors propagate.
        """
        cutoff = stamp(self._clock() - timedelta(minutes=older_than_minutes))
        finished = [state.value for state in PaymentState if state.finished]
        marks = ", ".join("?" for _ in finished)
        with self._lock:
            keys = [r["key"] for r in self._conn.execute(
                f"SELECT key FROM attempts WHERE (state IS NULL OR state NOT IN ({marks})) "
                "AND created_at <= ? ORDER BY created_at", (*finished, cutoff),
            )]
        changed: list[str] = []
        failed: list[tuple[str, str]] = []
        for key in keys:
            before = self._attempt(self._row(key)).state
            try:
                after = self.settle(key, source="reconcile").state
            except ProviderError as exc:
                failed.append((key, str(exc)))
                continue
            if after is not before:
                changed.append(key)
            self._step("reconcile:settled")
        return ReconcileReport(len(keys), tuple(changed), tuple(failed))

    # ------------------------------------------------------------------ refunds

    def refund(self, key: str, amount: int | str, *, idempotency_key: str | None = None
               ) -> Refund:
        """Refund ``amount`` of an attempt's payment; with an ``idempotency_key``, at most once.

        Give an ``idempotency_key`` you can make again (from your own refund
        request's id): calling ``refund`` again with it, after a crash, a
        timeout or a second click, from any thread or process using this
        ledger file, returns the same refund and never asks for another. The
        same key for another attempt or amount is a
        :class:`~lgds_components.errors.Conflict`. Without a key each call is
        a new refund, except that a refund of the same amount recorded but not
        confirmed (a crash) is resumed rather than asked for again.

        The amount available is read from the provider and recorded before the
        refund is asked for, and sent as ``expected_available``: the provider
        refuses a second refund made from the same reading. A request the
        provider refuses, and one refused here because another refund of the
        payment is being made at that moment, leave nothing behind: ask again.
        An interrupted refund is resumed by the next call: the provider
        refuses to pay it twice, and it is found in the provider's list of
        refunds and recorded. See :mod:`~lgds_components.payments.refund_book`
        for the rules.
        """
        row = self._row(key)
        key = row["key"]
        if row["payment_id"] is None:
            raise Conflict("This attempt has no payment to refund yet", provider=row["provider"])
        pence = to_pence(amount, field="amount")
        if idempotency_key is not None and not (
            isinstance(idempotency_key, str) and _KEY.fullmatch(idempotency_key)
        ):
            raise InvalidFormat("idempotency_key must be 1 to 255 letters, digits and hyphens",
                                field="idempotency_key")
        provider = self._provider_for(row["provider"])
        provider.limits.check_refund(pence)
        if idempotency_key is not None:
            with self._lock:
                done = self._refunds.recorded(self._conn, key, pence, idempotency_key,
                                              row["payment_id"], row["provider"])
            if done is not None:
                return done
        available = provider.get_payment(row["payment_id"]).refund.amount_available
        with claims.holding() as owner:
            with self._tx() as conn:
                claim = self._refunds.claim(
                    conn, key=key, amount=pence, refund_key=idempotency_key,
                    available=available, payment_id=row["payment_id"],
                    provider=row["provider"], owner=owner, now=self._clock(),
                    new_key=self._new_key)
            if claim.done is not None:
                return claim.done
            self._step("refund:recorded")
            refund = self._ask_for_refund(provider, row, pence, claim, owner)
            self._step("refund:made")
            with self._tx() as conn:
                self._refunds.record(conn, key, claim.refund_key, refund, self._clock())
        return refund

    def _ask_for_refund(self, provider: PaymentProvider, row: sqlite3.Row, pence: int,
                        claim: RefundClaim, owner: str) -> Refund:
        """Ask the provider; tidy the claim up after any refusal or failure, never after a crash."""
        try:
            return provider.refund(row["payment_id"], pence,
                                   expected_available=claim.expected_available)
        except Conflict as exc:
            if claim.fresh:  # refused: this request made no refund
                self._end_claim(claim, owner, drop=True)
                raise
            return self._resumed_refund(provider, row, pence, claim, owner, exc)
        except ProviderUnavailable:  # it may or may not have been made: keep it to resume
            self._end_claim(claim, owner, drop=False)
            raise
        except LGDSError:  # refused before anything was made
            self._end_claim(claim, owner, drop=claim.fresh)
            raise
        except Exception:
            self._end_claim(claim, owner, drop=False)
            raise

    def _resumed_refund(self, provider: PaymentProvider, row: sqlite3.Row, pence: int,
                        claim: RefundClaim, owner: str, refused: Conflict) -> Refund:
        """After a resumed refund is refused: find it if it was made earlier, else end it."""
        try:
            listed = provider.refunds(row["payment_id"])
            with self._lock:
                known = self._refunds.known_ids(self._conn, row["key"], claim.refund_key)
            found = [r for r in listed if r.amount == pence and r.id not in known
                     and r.status is not RefundStatus.ERROR]
            if found:
                return found[-1]
            submitted = provider.get_payment(row["payment_id"]).refund.amount_submitted
        except Exception:
            self._end_claim(claim, owner, drop=False)
            raise
        if sum(r.amount for r in listed if r.status is not RefundStatus.ERROR) == submitted:
            # the provider lists every refund it counts, and this one is not there
            self._end_claim(claim, owner, drop=True)
            raise Conflict("This refund was never made, and the amount available to refund has "
                           "changed since it was asked for; nothing was refunded, ask again",
                           provider=row["provider"], provider_code="refund_not_made") from refused
        self._end_claim(claim, owner, drop=False)
        raise Conflict("The provider does not list this refund yet; try again shortly",
                       provider=row["provider"], provider_code="refund_unconfirmed") from refused

    def _end_claim(self, claim: RefundClaim, owner: str, *, drop: bool) -> None:
        with self._tx() as conn:
            if drop:
                self._refunds.drop(conn, claim.refund_key, owner)
            else:
                self._refunds.release(conn, claim.refund_key, owner)

    # ------------------------------------------------------------------ reading

    def attempt(self, key: str) -> Attempt:
        """The attempt with this idempotency key (or provider payment id)."""
        return self._attempt(self._row(key))

    def attempts(self, *, unfinished: bool = False) -> list[Attempt]:
        """Every attempt, oldest first (only the unfinished ones if asked)."""
        with self._lock:
            rows = self._conn.execute("SELECT * FROM attempts ORDER BY created_at, key").fetchall()
        found = [self._attempt(r) for r in rows]
        return [a for a in found if not a.finished] if unfinished else found

    def history(self, key: str) -> list[StateSeen]:
        """Every state seen for the attempt, in the order seen."""
        row = self._row(key)
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM states WHERE key = ? ORDER BY id", (row["key"],)).fetchall()
        return [StateSeen(PaymentState(r["state"]), parse_stamp(r["seen_at"]), r["source"],
                          bool(r["applied"]), r["event_id"]) for r in rows]

    def request(self, key: str) -> PaymentRequest:
        """The payment request recorded for the attempt."""
        return PaymentRequest.model_validate_json(self._row(key)["request"])

    def dump(self) -> dict[str, Any]:
        """Every attempt with its history, as JSON-ready data (for reports and the CLI)."""
        return {
            "attempts": [
                {**{k: (v.value if isinstance(v, PaymentState) else v)
                    for k, v in attrs.asdict(a, recurse=False).items()
                    if k not in ("next_url", "created_at", "updated_at")},
                 "failure_message": a.failure_message,
                 "created_at": a.created_at.isoformat(),
                 "history": [[s.state.value, s.seen_at.isoformat(), s.source, s.applied]
                             for s in self.history(a.key)]}
                for a in self.attempts()
            ]
        }
