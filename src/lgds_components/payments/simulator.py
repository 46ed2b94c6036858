"""One GOV.UK Pay simulator: the state machine behind every fake payment face.

:class:`PaySimulator` keeps payments the way GOV.UK Pay does (its limits,
state machine, idempotency keys, refunds with ``refund_amount_available``,
``P`` codes on every refusal, expiry after 90 minutes, webhooks signed with
``Pay-Signature``) and answers in GOV.UK Pay's JSON. Several faces share it:

* :class:`~lgds_components.payments.fake.FakePay`, the in-process
  :class:`~lgds_components.payments.protocol.PaymentProvider`;
* :class:`~lgds_components.payments.fake_page.FakePayPage`, the card page a
  browser opens at ``next_url`` (a WSGI app);
* :class:`~lgds_components.testing.payment_servers.GovUkPayServer`, GOV.UK
  Pay's HTTP API on 127.0.0.1 (and ``lgds pay fake-server``).

A payment made through one face is the same payment in all of them:

>>> from lgds_components.payments import FakePay, PaymentRequest
>>> simulator = PaySimulator(seed=1)
>>> pay = FakePay(simulator=simulator)
>>> payment = pay.create_payment(PaymentRequest(
...     amount=2500, reference="BIN-1", description="Replacement wheelie bin",
...     return_url="https://council.example/paid"))
>>> checkout = simulator.checkout(payment.next_url.rsplit("/", 1)[1])
>>> checkout.amount, checkout.state
(2500, <PaymentState.STARTED: 'started'>)
>>> simulator.pay(payment.id)
>>> simulator.payment_json(payment.id)["state"]
{'status': 'success', 'finished': True}
>>> pay.get_payment(payment.id).state
<PaymentState.SUCCESS: 'success'>
"""

from __future__ import annotations

import json
import os
import random
import re
import string
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final, TypeAlias

import attrs

from lgds_components.errors import (
    Conflict,
    InvalidFormat,
    NotFound,
    ProviderError,
    ValidationError,
)
from lgds_components.files import atomic_write
from lgds_components.payments.limits import GOVUK_PAY_LIMITS, ProviderLimits
from lgds_components.payments.models import PaymentRequest
from lgds_components.payments.money import to_pence
from lgds_components.payments.states import PaymentState, RefundAvailability, RefundStatus
from lgds_components.payments.webhooks import (
    PAY_SIGNATURE_HEADER,
    pay_signature,
)
from lgds_components.secret import Secret

__all__ = [
    "DEFAULT_WEBHOOK_SECRET",
    "EXPIRY",
    "IDEMPOTENCY_KEY_PATTERN",
    "IDEMPOTENCY_WINDOW",
    "Checkout",
    "DeliveredWebhook",
    "ManualClock",
    "PaySimulator",
    "SimulatedPayment",
    "SimulatedRefund",
    "WebhookSink",
]

EXPIRY: Final = timedelta(minutes=90)
"""How long a payer has to finish before an unfinished payment fails with ``P0020``."""

IDEMPOTENCY_WINDOW: Final = timedelta(hours=24)
"""How long GOV.UK Pay remembers an ``Idempotency-Key``."""

IDEMPOTENCY_KEY_PATTERN: Final = re.compile(r"[A-Za-z0-9-]{1,255}")
"""GOV.UK Pay's rule for ``Idempotency-Key`` values."""

DEFAULT_WEBHOOK_SECRET: Final = "fakepay-webhook-signing-secret"
"""The signing secret a FakePay uses when given none (it is not a real secret)."""

_ID_ALPHABET = string.ascii_lowercase + string.digits
_IN_PROGRESS = frozenset({PaymentState.CREATED, PaymentState.STARTED, PaymentState.SUBMITTED})
_CANCELLABLE = _IN_PROGRESS | {PaymentState.CAPTURABLE}


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    when = moment.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


@attrs.define
class ManualClock:
    """A clock that stands still until told to move, for testing expiry.

    >>> clock = ManualClock(datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    >>> clock.advance(minutes=91)
    >>> clock().isoformat()
    '2026-04-01T10:31:00+00:00'
    """

    now: datetime = attrs.field(factory=_utcnow)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock on by a :class:`~datetime.timedelta` given as keywords."""
        self.now = self.now + timedelta(**delta)


@attrs.frozen
class DeliveredWebhook:
    """A webhook message the simulator sent: its raw body and headers, as a receiver gets them."""

    event_type: str
    payment_id: str
    body: bytes = attrs.field(repr=False)
    headers: dict[str, str] = attrs.field(repr=False)


@attrs.define
class SimulatedRefund:
    """One refund the simulator made (read it; only the simulator changes it)."""

    id: str
    amount: int
    status: RefundStatus
    created: datetime


@attrs.define
class SimulatedPayment:
    """One payment as the simulator holds it: what every face reads to show it its own way.

    Read it under :attr:`PaySimulator.lock`; only the simulator changes it.
    ``code`` is GOV.UK Pay's state code once it failed; ``declined`` the code
    of the last decline a payer may still retry after (Stripe's
    ``card_declined``: the payment stays open).
    """

    id: str
    amount: int
    reference: str
    description: str
    return_url: str
    language: str
    delayed_capture: bool
    metadata: dict[str, Any]
    email: str | None
    cardholder: dict[str, Any] | None
    created: datetime
    token: str
    provider_id: str
    state: PaymentState = PaymentState.CREATED
    code: str | None = None
    message: str | None = None
    card: dict[str, Any] | None = None
    refunds: list[SimulatedRefund] = attrs.field(factory=list)
    declined: str | None = None

    def refunded(self) -> int:
        return sum(r.amount for r in self.refunds if r.status is not RefundStatus.ERROR)

    def available(self) -> int:
        return self.amount - self.refunded() if self.state is PaymentState.SUCCESS else 0

    def refund_status(self) -> RefundAvailability:
        if self.state is PaymentState.SUCCESS:
            return RefundAvailability.AVAILABLE if self.available() > 0 else RefundAvailability.FULL
        if self.state.finished:
            return RefundAvailability.UNAVAILABLE
        return RefundAvailability.PENDING


WebhookSink: TypeAlias = Callable[[DeliveredWebhook], None]
"""Called with each webhook as it is sent (while the simulator holds its lock)."""


@attrs.frozen
class Checkout:
    """What the payment page shows for one payment (:meth:`PaySimulator.checkout`)."""

    payment_id: str
    token: str
    amount: int
    description: str
    reference: str
    return_url: str
    language: str
    state: PaymentState
    failure_code: str | None
    cardholder_name: str | None = attrs.field(repr=False)


def _refused(cls: type[ProviderError], message: str, code: str, status: int) -> ProviderError:
    return cls(message, provider="fake", status=status, provider_code=code)


class PaySimulator:
    """GOV.UK Pay's payments, kept in memory: the state every fake payment face shares.

    Args:
        webhook_secret: the webhook signing secret (or several, the first
            signing, all accepted); a fixed, public default if not given.
        clock: returns the current time (aware); pass a :class:`ManualClock`
            to test expiry.
        base_url: where ``next_url`` points (``{base_url}/secure/{token}``):
            the card page's address, absolute or a path on the service's own
            site (``"/fakepay"``).
        is_live: behave as with a live key (``return_url`` must be HTTPS).
        seed: make ids repeatable.
        webhook_sink: called with each :class:`DeliveredWebhook` as it is sent;
            more can be added with :meth:`add_webhook_sink`.
        limits: the limits to enforce (GOV.UK Pay's by default).
        expiry: how long a payer has before an unfinished payment fails with
            ``P0020`` (GOV.UK Pay's 90 minutes by default).

    Sinks are called while the simulator holds its lock: one may call the
    simulator from the same thread, but must not wait for another thread that
    does. Thread-safe: one lock guards every operation.
    """

    def __init__(
        self,
        *,
        webhook_secret: Secret | str | Iterable[Secret | str] | None = None,
        clock: Callable[[], datetime] | None = None,
        base_url: str = "https://fakepay.invalid",
        is_live: bool = False,
        seed: int | None = None,
        webhook_sink: WebhookSink | None = None,
        limits: ProviderLimits = GOVUK_PAY_LIMITS,
        expiry: timedelta = EXPIRY,
    ) -> None:
        secrets = webhook_secret if webhook_secret is not None else DEFAULT_WEBHOOK_SECRET
        if isinstance(secrets, (Secret, str)):
            secrets = [secrets]
        self.webhook_secrets: tuple[Secret, ...] = tuple(
            s if isinstance(s, Secret) else Secret(s) for s in secrets)
        if not self.webhook_secrets:
            raise InvalidFormat("give at least one webhook secret", field="webhook_secret")
        self.clock: Callable[[], datetime] = clock or _utcnow
        self.base_url: str = base_url.rstrip("/")
        self.is_live: bool = is_live
        self.limits: ProviderLimits = limits
        self.expiry: timedelta = expiry
        self.webhook_sinks: list[WebhookSink] = [webhook_sink] if webhook_sink else []
        self.webhooks: list[DeliveredWebhook] = []
        self.created_count: int = 0
        self._rng: random.Random = (random.Random(seed) if seed is not None
                                    else random.SystemRandom())
        self._lock = threading.RLock()
        self._charges: dict[str, SimulatedPayment] = {}
        self._tokens: dict[str, str] = {}
        self._keys: dict[str, tuple[str, str, datetime]] = {}

    def __repr__(self) -> str:
        return f"<PaySimulator payments={len(self._charges)}>"

    @property
    def lock(self) -> threading.RLock:
        """The lock every operation holds; hold it to read several payments consistently."""
        return self._lock

    def payment(self, payment_id: str) -> SimulatedPayment:
        """The payment with this id (expired first if its time is up); NotFound otherwise."""
        with self._lock:
            return self._charge(payment_id)

    def payments(self) -> list[SimulatedPayment]:
        """Every payment, oldest first (each expired first if its time is up)."""
        with self._lock:
            for charge in self._charges.values():
                self._expire_if_due(charge)
            return sorted(self._charges.values(), key=lambda c: (c.created, c.id))

    def add_webhook_sink(self, sink: WebhookSink) -> None:
        """Call ``sink`` with every webhook sent from now on (after the sinks already added)."""
        with self._lock:
            self.webhook_sinks.append(sink)

    # ------------------------------------------------------------------ helpers

    def _new_id(self, length: int = 26) -> str:
        return "".join(self._rng.choice(_ID_ALPHABET) for _ in range(length))

    def _charge(self, payment_id: str, *, code: str = "P0200") -> SimulatedPayment:
        charge = self._charges.get(payment_id) if isinstance(payment_id, str) else None
        if charge is None:
            raise _refused(NotFound, "No payment has this id", code, 404)
        self._expire_if_due(charge)
        return charge

    def _expire_if_due(self, charge: SimulatedPayment) -> None:
        if charge.state in _IN_PROGRESS and self.clock() - charge.created >= self.expiry:
            self._finish(charge, PaymentState.FAILED, "P0020", "card_payment_expired")

    def _finish(self, charge: SimulatedPayment, state: PaymentState, code: str | None,
                event: str | None) -> None:
        charge.state = state
        charge.code = code
        charge.message = _state_message(code)
        if event:
            self._emit(event, charge)

    def _move(self, payment_id: str, allowed: frozenset[PaymentState], action: str
              ) -> SimulatedPayment:
        charge = self._charge(payment_id)
        if charge.state not in allowed:
            raise _refused(Conflict, f"A {charge.state} payment cannot be {action}", "P0502", 409)
        return charge

    # ------------------------------------------------------------------ JSON in GOV.UK Pay's shape

    def payment_json(self, payment_id: str, api_url: str | None = None) -> dict[str, Any]:
        """The payment as GOV.UK Pay's ``GET /v1/payments/{id}`` returns it."""
        with self._lock:
            return self._payment_json(self._charge(payment_id), api_url)

    def _payment_json(self, charge: SimulatedPayment, api_url: str | None = None) -> dict[str, Any]:
        api = (api_url or self.base_url).rstrip("/")
        here = f"{api}/v1/payments/{charge.id}"
        state: dict[str, Any] = {"status": charge.state.value, "finished": charge.state.finished}
        if charge.code:
            state["code"] = charge.code
            state["message"] = charge.message
        links: dict[str, Any] = {
            "self": {"href": here, "method": "GET"},
            "events": {"href": f"{here}/events", "method": "GET"},
            "refunds": {"href": f"{here}/refunds", "method": "GET"},
        }
        if charge.state in _IN_PROGRESS:
            links["next_url"] = {"href": f"{self.base_url}/secure/{charge.token}", "method": "GET"}
            links["next_url_post"] = {
                "type": "application/x-www-form-urlencoded",
                "params": {"chargeTokenId": charge.token},
                "href": f"{self.base_url}/secure",
                "method": "POST",
            }
        if charge.state in _CANCELLABLE:
            links["cancel"] = {"href": f"{here}/cancel", "method": "POST"}
        if charge.state is PaymentState.CAPTURABLE:
            links["capture"] = {"href": f"{here}/capture", "method": "POST"}
        data: dict[str, Any] = {
            "amount": charge.amount,
            "description": charge.description,
            "reference": charge.reference,
            "language": charge.language,
            "state": state,
            "payment_id": charge.id,
            "payment_provider": "sandbox",
            "created_date": _iso(charge.created),
            "refund_summary": {
                "status": charge.refund_status().value,
                "amount_available": charge.available(),
                "amount_submitted": charge.refunded(),
            },
            "settlement_summary": {},
            "delayed_capture": charge.delayed_capture,
            "moto": False,
            "return_url": charge.return_url,
            "provider_id": charge.provider_id,
            "authorisation_mode": "web",
            "_links": links,
        }
        if charge.email is not None:
            data["email"] = charge.email
        if charge.metadata:
            data["metadata"] = dict(charge.metadata)
        if charge.card is not None:
            data["card_details"] = dict(charge.card)
        return data

    def _refund_json(self, payment_id: str, refund: SimulatedRefund, api_url: str | None = None
                     ) -> dict[str, Any]:
        """One refund as GOV.UK Pay's refund endpoints return it."""
        api = (api_url or self.base_url).rstrip("/")
        here = f"{api}/v1/payments/{payment_id}"
        return {
            "refund_id": refund.id,
            "amount": refund.amount,
            "status": refund.status.value,
            "created_date": _iso(refund.created),
            "payment_id": payment_id,
            "settlement_summary": {},
            "_links": {
                "self": {"href": f"{here}/refunds/{refund.id}", "method": "GET"},
                "payment": {"href": here, "method": "GET"},
            },
        }

    def refunds_json(self, payment_id: str, api_url: str | None = None) -> dict[str, Any]:
        """GOV.UK Pay's ``GET /v1/payments/{id}/refunds`` body."""
        with self._lock:
            charge = self._charge(payment_id, code="P0800")
            api = (api_url or self.base_url).rstrip("/")
            here = f"{api}/v1/payments/{payment_id}"
            return {
                "payment_id": payment_id,
                "_links": {
                    "self": {"href": f"{here}/refunds", "method": "GET"},
                    "payment": {"href": here, "method": "GET"},
                },
                "_embedded": {
                    "refunds": [self._refund_json(payment_id, r, api_url) for r in charge.refunds]
                },
            }

    def get_refund_json(self, payment_id: str, refund_id: str, api_url: str | None = None
                        ) -> dict[str, Any]:
        """GOV.UK Pay's ``GET /v1/payments/{id}/refunds/{refund_id}`` body."""
        with self._lock:
            charge = self._charge(payment_id, code="P0700")
            for refund in charge.refunds:
                if refund.id == refund_id:
                    return self._refund_json(payment_id, refund, api_url)
        raise _refused(NotFound, "No refund has this id", "P0700", 404)

    # ------------------------------------------------------------------ the service's side

    def create(
        self, request: PaymentRequest, idempotency_key: str | None = None
    ) -> tuple[dict[str, Any], bool]:
        """Create a payment (or find the one this key made); return its JSON and if it is new."""
        if not isinstance(request, PaymentRequest):
            raise TypeError("create_payment needs a PaymentRequest")
        self.limits.check(request, live=self.is_live)
        if idempotency_key is not None and not (
            isinstance(idempotency_key, str) and IDEMPOTENCY_KEY_PATTERN.fullmatch(idempotency_key)
        ):
            raise InvalidFormat(
                "Idempotency-Key must be 1 to 255 letters, digits and hyphens",
                code="P0102", field="Idempotency-Key",
            )
        fingerprint = request.fingerprint()
        with self._lock:
            now = self.clock()
            if idempotency_key is not None:
                known = self._keys.get(idempotency_key)
                if known is not None and now - known[2] < IDEMPOTENCY_WINDOW:
                    if known[0] != fingerprint:
                        raise _refused(
                            Conflict,
                            "The Idempotency-Key was already used to create a different payment",
                            "P0191", 409,
                        )
                    return self._payment_json(self._charge(known[1])), False
            charge = SimulatedPayment(
                id=self._unique(self._charges),
                amount=request.amount,
                reference=request.reference,
                description=request.description,
                return_url=request.return_url,
                language=request.language,
                delayed_capture=request.delayed_capture,
                metadata=dict(request.metadata),
                email=request.email,
                cardholder=(request.prefilled_cardholder_details.model_dump(exclude_none=True)
                            if request.prefilled_cardholder_details is not None else None),
                created=now,
                token=self._unique(self._tokens, 32),
                provider_id=str(self._rng.randrange(10**10, 10**11)),
            )
            self._charges[charge.id] = charge
            self._tokens[charge.token] = charge.id
            self.created_count += 1
            if idempotency_key is not None:
                self._keys[idempotency_key] = (fingerprint, charge.id, now)
            return self._payment_json(charge), True

    def _unique(self, taken: Mapping[str, Any], length: int = 26) -> str:
        while True:
            candidate = self._new_id(length)
            if candidate not in taken:
                return candidate

    def cancel_payment(self, payment_id: str) -> None:
        """Cancel an unfinished payment (``P0040``); :class:`Conflict` (``P0502``) otherwise."""
        with self._lock:
            charge = self._charge(payment_id, code="P0500")
            if charge.state not in _CANCELLABLE:
                raise _refused(Conflict, "This payment cannot be cancelled", "P0502", 409)
            self._finish(charge, PaymentState.CANCELLED, "P0040", None)

    def capture_payment(self, payment_id: str) -> None:
        """Capture a ``capturable`` payment; :class:`Conflict` (``P1003``) otherwise."""
        with self._lock:
            charge = self._charge(payment_id, code="P1000")
            if charge.state is not PaymentState.CAPTURABLE:
                raise _refused(Conflict, "The payment is not capturable", "P1003", 409)
            self._finish(charge, PaymentState.SUCCESS, None, "card_payment_captured")

    def refund_payment(
        self, payment_id: str, amount: int, expected_available: int | None = None
    ) -> dict[str, Any]:
        """Refund and return the refund's JSON; the rules of :meth:`refund`."""
        pence = to_pence(amount, field="amount")
        self.limits.check_refund(pence)
        with self._lock:
            charge = self._charge(payment_id, code="P0600")
            if charge.state is not PaymentState.SUCCESS:
                raise _refused(Conflict, "This payment cannot be refunded", "P0603", 400)
            available = charge.available()
            if expected_available is not None and expected_available != available:
                raise _refused(
                    Conflict,
                    "refund_amount_available does not match the amount available to refund",
                    "P0604", 412,
                )
            if pence > available:
                raise _refused(
                    Conflict, "The refund is more than the amount available to refund", "P0603",
                    400,
                )
            refund = SimulatedRefund(self._new_id(), pence, RefundStatus.SUCCESS, self.clock())
            charge.refunds.append(refund)
            self._emit("card_payment_refunded", charge)
            return self._refund_json(payment_id, refund)

    def search_json(
        self,
        *,
        reference: str | None = None,
        email: str | None = None,
        state: str | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
        page: int = 1,
        display_size: int = 500,
        api_url: str | None = None,
    ) -> dict[str, Any]:
        """One page of GOV.UK Pay's ``GET /v1/payments`` body, newest first."""
        if not 1 <= display_size <= 500 or page < 1:
            raise InvalidFormat("page must be 1 or more and display_size 1 to 500",
                                code="P0401", field="display_size")
        with self._lock:
            found = []
            for charge in self._charges.values():
                self._expire_if_due(charge)
                if reference is not None and charge.reference != reference:
                    continue
                if email is not None and (charge.email is None
                                          or email.lower() not in charge.email.lower()):
                    continue
                if state is not None and charge.state.value != state:
                    continue
                if from_date is not None and charge.created < from_date:
                    continue
                if to_date is not None and charge.created >= to_date:
                    continue
                found.append(charge)
            found.sort(key=lambda c: (c.created, c.id), reverse=True)
            total = len(found)
            last = max(1, -(-total // display_size))
            if page > last and total:
                raise _refused(NotFound, "The requested page of search results does not exist",
                               "P0402", 404)
            chunk = found[(page - 1) * display_size: page * display_size]
            api = (api_url or self.base_url).rstrip("/")

            def link(number: int) -> dict[str, str]:
                return {"href": f"{api}/v1/payments?display_size={display_size}&page={number}",
                        "method": "GET"}

            links: dict[str, Any] = {"self": link(page), "first_page": link(1),
                                     "last_page": link(last)}
            if page > 1:
                links["prev_page"] = link(page - 1)
            if page < last:
                links["next_page"] = link(page + 1)
            return {
                "total": total,
                "count": len(chunk),
                "page": page,
                "results": [self._payment_json(c, api_url) for c in chunk],
                "_links": links,
            }

    # ------------------------------------------------------------------ the payer's journey

    def start(self, payment_id: str) -> None:
        """The payer opens ``next_url``: ``created`` becomes ``started``."""
        with self._lock:
            charge = self._move(payment_id, _IN_PROGRESS, "started")
            if charge.state is PaymentState.CREATED:
                charge.state = PaymentState.STARTED
                self._emit("card_payment_started", charge)

    def visit(self, token: str) -> str:
        """The payer follows ``next_url`` (its last path segment); return the payment id."""
        with self._lock:
            payment_id = self._tokens.get(token)
            if payment_id is None:
                raise _refused(NotFound, "No payment has this token", "P0200", 404)
            charge = self._charge(payment_id)
            if charge.state is PaymentState.CREATED:
                self.start(payment_id)
            return payment_id

    def checkout(self, token: str) -> Checkout:
        """The payer opens ``next_url`` (its last path segment): what their page shows.

        A ``created`` payment becomes ``started``, as on GOV.UK Pay; an
        unknown token is :class:`~lgds_components.errors.NotFound`.
        """
        with self._lock:
            charge = self._charge(self.visit(token))
            return Checkout(charge.id, charge.token, charge.amount, charge.description,
                            charge.reference, charge.return_url, charge.language, charge.state,
                            charge.code, (charge.cardholder or {}).get("cardholder_name"))

    def submit(self, payment_id: str, *, cardholder_name: str | None = None) -> None:
        """The payer enters card details and their bank authorises them: ``submitted``."""
        with self._lock:
            self.start(payment_id)
            charge = self._charge(payment_id)
            if charge.state is PaymentState.STARTED:
                charge.state = PaymentState.SUBMITTED
                prefilled = charge.cardholder or {}
                charge.card = {
                    "card_brand": "Visa",
                    "card_type": "debit",
                    "last_digits_card_number": "4242",
                    "first_digits_card_number": "424242",
                    "expiry_date": "12/30",
                    "cardholder_name": cardholder_name or prefilled.get("cardholder_name")
                    or "Test Payer",
                    "billing_address": prefilled.get("billing_address"),
                }

    def pay(self, payment_id: str, *, cardholder_name: str | None = None) -> None:
        """The payer completes the payment: ``success`` (``capturable`` with delayed capture)."""
        with self._lock:
            self.submit(payment_id, cardholder_name=cardholder_name)
            charge = self._move(payment_id, frozenset({PaymentState.SUBMITTED}), "paid")
            charge.declined = None
            if charge.delayed_capture:
                charge.state = PaymentState.CAPTURABLE
                self._emit("card_payment_succeeded", charge)
            else:
                charge.state = PaymentState.SUCCESS
                self._emit("card_payment_succeeded", charge)
                self._emit("card_payment_captured", charge)

    def decline(self, payment_id: str, *, final: bool = True) -> None:
        """The payer's bank rejects the card: ``failed`` with ``P0010``.

        With ``final=False`` (as at Stripe) the payment stays open for another
        card: ``started``, with ``declined`` set and no GOV.UK Pay webhook.
        """
        with self._lock:
            charge = self._move(payment_id, _IN_PROGRESS, "declined")
            if final:
                self._finish(charge, PaymentState.FAILED, "P0010", "card_payment_failed")
                return
            self.start(payment_id)
            charge.state = PaymentState.STARTED
            charge.declined = "card_declined"

    def abandon(self, payment_id: str) -> None:
        """The payer selects "Cancel payment": ``failed`` with ``P0030``."""
        with self._lock:
            charge = self._move(payment_id, _IN_PROGRESS, "abandoned")
            self._finish(charge, PaymentState.FAILED, "P0030", "card_payment_failed")

    def fail_with_error(self, payment_id: str) -> None:
        """The payment service provider fails: ``error`` with ``P0050``; no money taken."""
        with self._lock:
            charge = self._move(payment_id, _IN_PROGRESS, "failed")
            self._finish(charge, PaymentState.ERROR, "P0050", "card_payment_failed")

    def expire(self, payment_id: str) -> None:
        """The payer runs out of time now (as after 90 minutes): ``failed`` with ``P0020``."""
        with self._lock:
            charge = self._move(payment_id, _IN_PROGRESS, "expired")
            self._finish(charge, PaymentState.FAILED, "P0020", "card_payment_expired")

    # ------------------------------------------------------------------ webhooks

    def _emit(self, event_type: str, charge: SimulatedPayment) -> None:
        message = {
            "webhook_message_id": self._new_id(),
            "api_version": 1,
            "created_date": _iso(self.clock()),
            "resource_id": charge.id,
            "resource_type": "payment",
            "event_type": event_type,
            "resource": self._payment_json(charge),
        }
        body = json.dumps(message, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            PAY_SIGNATURE_HEADER: pay_signature(body, self.webhook_secrets[0]),
        }
        delivered = DeliveredWebhook(event_type, charge.id, body, headers)
        self.webhooks.append(delivered)
        for sink in self.webhook_sinks:
            sink(delivered)

    def sign(self, body: bytes, secret: Secret | str | None = None) -> dict[str, str]:
        """Headers signing ``body`` as the simulator does (with ``secret`` if given, for tests)."""
        return {PAY_SIGNATURE_HEADER: pay_signature(body, secret or self.webhook_secrets[0])}

    # ------------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        """Everything the simulator knows, as JSON-ready data (webhooks not included)."""
        with self._lock:
            return {
                "version": 1,
                "created_count": self.created_count,
                "charges": [
                    {
                        **{k: v for k, v in attrs.asdict(c, recurse=False).items()
                           if k not in ("refunds", "created", "state")},
                        "state": c.state.value,
                        "created": c.created.isoformat(),
                        "refunds": [
                            {"id": r.id, "amount": r.amount, "status": r.status.value,
                             "created": r.created.isoformat()}
                            for r in c.refunds
                        ],
                    }
                    for c in self._charges.values()
                ],
                "keys": {k: [fp, pid, when.isoformat()]
                         for k, (fp, pid, when) in self._keys.items()},
            }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **kwargs: Any) -> PaySimulator:
        """Rebuild a simulator from :meth:`to_dict` output; ``kwargs`` as for the constructor."""
        simulator = cls(**kwargs)
        try:
            for item in data.get("charges", []):
                fields = dict(item)
                fields["state"] = PaymentState(fields["state"])
                fields["created"] = datetime.fromisoformat(fields["created"])
                fields["refunds"] = [
                    SimulatedRefund(r["id"], int(r["amount"]), RefundStatus(r["status"]),
                            datetime.fromisoformat(r["created"]))
                    for r in fields.get("refunds", [])
                ]
                charge = SimulatedPayment(**fields)
                simulator._charges[charge.id] = charge
                simulator._tokens[charge.token] = charge.id
            for key, (fp, pid, when) in data.get("keys", {}).items():
                simulator._keys[key] = (fp, pid, datetime.fromisoformat(when))
            simulator.created_count = int(data.get("created_count", len(simulator._charges)))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError("The FakePay state file is corrupt", code="corrupt_state"
                                  ) from exc
        return simulator

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state to ``path`` whole or not at all.

        Through :func:`~lgds_components.files.atomic_write`: a temporary file,
        ``fsync``, then a rename.
        """
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_dict(), indent=1, sort_keys=True)
        with atomic_write(target, "w") as out:
            out.write(text)

    @classmethod
    def load(cls, path: str | os.PathLike[str], **kwargs: Any) -> PaySimulator:
        """A simulator with the state saved at ``path`` (empty if there is no file yet)."""
        source = Path(path)
        if not source.exists():
            return cls(**kwargs)
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValidationError("The FakePay state file cannot be read", code="corrupt_state"
                                  ) from exc
        if not isinstance(data, Mapping):
            raise ValidationError("The FakePay state file is corrupt", code="corrupt_state")
        return cls.from_dict(data, **kwargs)


def _state_message(code: str | None) -> str | None:
    """The message GOV.UK Pay gives with a payment state code."""
    from lgds_components.payments.govuk_pay_codes import STATE_CODES

    return STATE_CODES.get(code or "")
