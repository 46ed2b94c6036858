"""The ledger's refunds table: who may ask for a refund now, and what each refund became.

Used by :meth:`Ledger.refund <lgds_components.payments.ledger.Ledger.refund>` and
:meth:`Ledger.apply_webhook <lgds_components.payments.ledger.Ledger.apply_webhook>`;
every method works inside the ledger's own transaction (``conn``).

Each row is one refund, keyed by its idempotency key (``refund_key``). A row
written before the provider is asked has no ``status`` (*unconfirmed*) and a
claim (:mod:`~lgds_components.payments.claims`) naming who is asking. The
rules :meth:`RefundBook.claim` applies, in one ``BEGIN IMMEDIATE``
transaction, so that they hold across threads and processes:

* a key already confirmed gives its refund back, and nothing is asked again;
* while any refund of the payment is being asked for (a live claim), another
  is refused (:class:`~lgds_components.errors.Conflict`, code
  ``refund_in_progress``) and nothing is written;
* an unconfirmed refund whose claim has lapsed (a crash) is resumed by a call
  with its key, or, for calls without a key, by one for the same amount;
  any other refund of the payment is refused until it is (code
  ``refund_unconfirmed``);
* otherwise a new row is written, with the amount available to refund as the
  provider said it was, which is sent as ``expected_available``.

Refunds learnt from webhooks are rows of their own (``source = 'webhook'``)
until the ledger's own request for the same refund is confirmed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

import attrs

from lgds_components.errors import Conflict
from lgds_components.payments import claims
from lgds_components.payments.models import Refund
from lgds_components.payments.money import format_pence
from lgds_components.payments.stamps import parse_stamp, stamp
from lgds_components.payments.states import RefundStatus

__all__ = ["RefundBook", "RefundClaim"]

_FINAL: Final = (RefundStatus.SUCCESS.value, RefundStatus.ERROR.value)


def _same_request(row: sqlite3.Row, key: str, amount: int, provider: str) -> None:
    if row["key"] != key or row["amount"] != amount:
        raise Conflict("This idempotency key was used for a different refund",
                       provider=provider, provider_code="idempotency_key_reused")


@attrs.frozen(slots=True)
class RefundClaim:
    """What :meth:`RefundBook.claim` decided."""

    refund_key: str
    expected_available: int
    fresh: bool
    """True for a row written by this claim: the provider has never been asked for it."""
    done: Refund | None = None
    """The refund, when the key was confirmed before: nothing is to be asked."""


@attrs.frozen(slots=True)
class RefundBook:
    """The refunds table's rules; see the module notes.

    Args:
        lease: how long a claim made on another host stands
            (see :mod:`~lgds_components.payments.claims`).
    """

    lease: timedelta

    def recorded(self, conn: sqlite3.Connection, key: str, amount: int,
                 refund_key: str, payment_id: str, provider: str) -> Refund | None:
        """The confirmed refund with this idempotency key, if there is one."""
        row = conn.execute("SELECT * FROM refunds WHERE refund_key = ?", (refund_key,)).fetchone()
        if row is None or row["status"] is None:
            return None
        _same_request(row, key, amount, provider)
        return self._refund(row, payment_id)

    def claim(
        self, conn: sqlite3.Connection, *, key: str, amount: int, refund_key: str | None,
        available: int, payment_id: str, provider: str, owner: str, now: datetime,
        new_key: Callable[[], str],
    ) -> RefundClaim:
        """Decide, in the caller's transaction, whether this refund may be asked for now."""
        mine = None
        if refund_key is not None:
            mine = conn.execute("SELECT * FROM refunds WHERE refund_key = ?",
                                (refund_key,)).fetchone()
            if mine is not None:
                _same_request(mine, key, amount, provider)
                if mine["status"] is not None:
                    return RefundClaim(refund_key, mine["expected_available"], False,
                                       self._refund(mine, payment_id))
        open_rows = conn.execute(
            "SELECT * FROM refunds WHERE key = ? AND status IS NULL ORDER BY created_at",
            (key,)).fetchall()
        if any(self._live(row, now) for row in open_rows):
            raise Conflict("A refund of this payment is being made now; try again in a moment",
                           provider=provider, provider_code="refund_in_progress")
        if mine is not None:
            return self._take_over(conn, mine, owner, now)
        if open_rows:
            same = [row for row in open_rows if row["amount"] == amount]
            if refund_key is None and same:
                return self._take_over(conn, same[0], owner, now)
            raise Conflict(
                f"A refund of {format_pence(open_rows[0]['amount'])} of this payment is not yet "
                "confirmed; retry that refund first (the same amount, and its idempotency "
                "key if it had one)", provider=provider, provider_code="refund_unconfirmed")
        refund_key = refund_key or new_key()
        conn.execute(
            "INSERT INTO refunds (refund_key, key, amount, expected_available, created_at, "
            "updated_at, claimed_by, claimed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (refund_key, key, amount, available, stamp(now), stamp(now), owner, stamp(now)),
        )
        return RefundClaim(refund_key, available, True)

    def drop(self, conn: sqlite3.Connection, refund_key: str, owner: str) -> None:
        """Forget an unconfirmed refund this claim made that the provider refused."""
        conn.execute("DELETE FROM refunds WHERE refund_key = ? AND status IS NULL AND "
                     "claimed_by = ?", (refund_key, owner))

    def release(self, conn: sqlite3.Connection, refund_key: str, owner: str) -> None:
        """Keep an unconfirmed refund for a retry to resume, and let a retry take it now."""
        conn.execute("UPDATE refunds SET claimed_by = NULL, claimed_at = NULL WHERE "
                     "refund_key = ? AND status IS NULL AND claimed_by = ?", (refund_key, owner))

    def known_ids(self, conn: sqlite3.Connection, key: str, refund_key: str) -> set[str]:
        """Provider refund ids the ledger's other requests for this payment were confirmed as."""
        return {row["refund_id"] for row in conn.execute(
            "SELECT refund_id FROM refunds WHERE key = ? AND refund_key != ? AND "
            "source = 'ledger' AND refund_id IS NOT NULL", (key, refund_key))}

    def record(self, conn: sqlite3.Connection, key: str, refund_key: str, refund: Refund,
               now: datetime) -> None:
        """Confirm ``refund_key`` as ``refund``, taking over any row a webhook made for it."""
        status = refund.status.value
        learnt = conn.execute(
            "SELECT status FROM refunds WHERE key = ? AND refund_id = ? AND source = 'webhook'",
            (key, refund.id)).fetchone()
        if learnt is not None and learnt["status"] in _FINAL and status not in _FINAL:
            status = learnt["status"]  # the webhook already said how it ended
        conn.execute("DELETE FROM refunds WHERE key = ? AND refund_id = ? AND source = 'webhook'",
                     (key, refund.id))
        conn.execute(
            "UPDATE refunds SET refund_id = ?, status = ?, refund_created = ?, updated_at = ?, "
            "claimed_by = NULL, claimed_at = NULL WHERE refund_key = ?",
            (refund.id, status, stamp(refund.created), stamp(now), refund_key))
        self._total(conn, key, now)

    def apply(self, conn: sqlite3.Connection, key: str, provider: str, refund: Refund,
              now: datetime) -> bool:
        """Record what a webhook says of a refund; True if anything changed."""
        row = conn.execute(
            "SELECT * FROM refunds WHERE key = ? AND refund_id = ? ORDER BY source = 'webhook'",
            (key, refund.id)).fetchone()
        status = refund.status.value
        if row is not None:
            if row["status"] == status or (row["status"] in _FINAL and status not in _FINAL):
                return False
            conn.execute("UPDATE refunds SET status = ?, updated_at = ? WHERE refund_key = ?",
                         (status, stamp(now), row["refund_key"]))
        else:
            conn.execute(
                "INSERT INTO refunds (refund_key, key, amount, expected_available, refund_id, "
                "status, created_at, updated_at, refund_created, source) "
                "VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, 'webhook')",
                (f"webhook:{provider}:{refund.id}", key, refund.amount, refund.id, status,
                 stamp(now), stamp(now), stamp(refund.created)))
        self._total(conn, key, now)
        return True

    # ------------------------------------------------------------------ helpers

    def _live(self, row: sqlite3.Row, now: datetime) -> bool:
        return row["claimed_by"] is not None and claims.is_live(
            row["claimed_by"], parse_stamp(row["claimed_at"]), now=now, lease=self.lease)

    @staticmethod
    def _take_over(conn: sqlite3.Connection, row: sqlite3.Row, owner: str,
                   now: datetime) -> RefundClaim:
        conn.execute("UPDATE refunds SET claimed_by = ?, claimed_at = ? WHERE refund_key = ?",
                     (owner, stamp(now), row["refund_key"]))
        return RefundClaim(row["refund_key"], row["expected_available"], False)

    @staticmethod
    def _refund(row: sqlite3.Row, payment_id: str) -> Refund:
        return Refund(id=row["refund_id"], payment_id=payment_id, amount=row["amount"],
                      status=RefundStatus(row["status"]),
                      created=parse_stamp(row["refund_created"] or row["created_at"]))

    @staticmethod
    def _total(conn: sqlite3.Connection, key: str, now: datetime) -> None:
        total = conn.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE key = ? AND status IS NOT NULL"
            " AND status != ?", (key, RefundStatus.ERROR.value)).fetchone()[0]
        conn.execute("UPDATE attempts SET refunded = MAX(refunded, ?), updated_at = ? "
                     "WHERE key = ?", (total, stamp(now), key))
