"""FakePay: GOV.UK Pay's behaviour in process, for demos and council test suites.

:class:`FakePay` implements :class:`~lgds_components.payments.protocol.PaymentProvider`
with GOV.UK Pay's rules (its limits, state machine, idempotency keys, refunds
with ``refund_amount_available``, ``P`` codes on every refusal, expiry after
90 minutes) and adds a journey API that moves a payment the way a payer would:

>>> from lgds_components.payments import FakePay, PaymentRequest
>>> pay = FakePay(seed=1)
>>> payment = pay.create_payment(PaymentRequest(
...     amount="£45.00", reference="GW-1", description="Garden waste",
...     return_url="https://council.example/pay/done"), idempotency_key="GW-1-attempt-1")
>>> payment.state, payment.next_url.startswith("https://fakepay.invalid/secure/")
(<PaymentState.CREATED: 'created'>, True)
>>> pay.pay(payment.id)
>>> paid = pay.get_payment(payment.id)
>>> paid.state, paid.finished, paid.refund.amount_available
(<PaymentState.SUCCESS: 'success'>, True, 4500)

The same idempotency key with the same request returns the same payment, as
GOV.UK Pay does; with a different request it is refused (``P0191``):

>>> again = pay.create_payment(PaymentRequest(
...     amount="£45.00", reference="GW-1", description="Garden waste",
...     return_url="https://council.example/pay/done"), idempotency_key="GW-1-attempt-1")
>>> again.id == payment.id, pay.created_count
(True, 1)

Journeys: :meth:`FakePay.start` (the payer opens ``next_url``), :meth:`FakePay.pay`,
:meth:`FakePay.decline` (``P0010``), :meth:`FakePay.abandon` (the payer
cancels, ``P0030``), :meth:`FakePay.fail_with_error` (``P0050``) and
:meth:`FakePay.expire` (``P0020``; also happens by itself 90 minutes after
creation, measured with the injectable ``clock``).

Every change of state sends a webhook signed exactly like GOV.UK Pay's
(``Pay-Signature``: HMAC-SHA256 hex of the body), kept in
:attr:`FakePay.webhooks` and passed to ``webhook_sink`` if one is given:

>>> [w.event_type for w in pay.webhooks]
['card_payment_started', 'card_payment_succeeded', 'card_payment_captured']
>>> event = pay.verify_webhook(pay.webhooks[-1].body, pay.webhooks[-1].headers)
>>> event.type, event.state, event.payment_id == payment.id
('card_payment_captured', <PaymentState.SUCCESS: 'success'>, True)

FakePay is one face of a :class:`~lgds_components.payments.simulator.PaySimulator`
(:attr:`FakePay.simulator`): the card page a browser can open at ``next_url``
(:class:`~lgds_components.payments.fake_page.FakePayPage`) and the local
GOV.UK Pay API server are others over the same payments. The CLI keeps a
FakePay between invocations with :meth:`FakePay.save` and :meth:`FakePay.load`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from lgds_components.payments import _govuk_wire as wire
from lgds_components.payments.limits import GOVUK_PAY_LIMITS, ProviderLimits
from lgds_components.payments.models import Payment, PaymentRequest, Refund, WebhookEvent
from lgds_components.payments.simulator import (
    DEFAULT_WEBHOOK_SECRET as DEFAULT_WEBHOOK_SECRET,
)
from lgds_components.payments.simulator import EXPIRY as EXPIRY
from lgds_components.payments.simulator import IDEMPOTENCY_KEY_PATTERN as IDEMPOTENCY_KEY_PATTERN
from lgds_components.payments.simulator import IDEMPOTENCY_WINDOW as IDEMPOTENCY_WINDOW
from lgds_components.payments.simulator import DeliveredWebhook, PaySimulator, WebhookSink
from lgds_components.payments.simulator import ManualClock as ManualClock
from lgds_components.payments.states import PaymentState
from lgds_components.payments.webhooks import Headers, verify_pay_signature
from lgds_components.secret import Secret

# ManualClock, DeliveredWebhook and the constants are the simulator's, importable
# from here as before; documented once, in lgds_components.payments.simulator.
__all__ = ["FakePay"]


class FakePay:
    """An in-process payment provider with GOV.UK Pay's rules and a payer journey API.

    Args:
        webhook_secret: the webhook signing secret (or several, the first
            signing, all accepted); a fixed, public default if not given.
        clock: returns the current time (aware); pass a :class:`ManualClock`
            to test expiry.
        base_url: where ``next_url`` points (``{base_url}/secure/{token}``):
            where :class:`~lgds_components.payments.fake_page.FakePayPage` is
            served, absolute or a path on the service's own site (``"/fakepay"``).
        is_live: behave as with a live key (``return_url`` must be HTTPS).
        seed: make ids repeatable.
        webhook_sink: called with each :class:`DeliveredWebhook` as it is sent, while
            FakePay holds its lock: it may call FakePay from the same thread, but must
            not wait for another thread that does.
        limits: the limits to enforce (GOV.UK Pay's by default).
        simulator: the :class:`~lgds_components.payments.simulator.PaySimulator`
            to be a face of (the other arguments then must not be given); a new
            one by default.

    Thread-safe: the simulator's lock guards every operation.
    """

    name = "fake"

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
        simulator: PaySimulator | None = None,
    ) -> None:
        if simulator is None:
            simulator = PaySimulator(webhook_secret=webhook_secret, clock=clock,
                                     base_url=base_url, is_live=is_live, seed=seed,
                                     webhook_sink=webhook_sink, limits=limits)
        elif webhook_sink is not None:
            simulator.add_webhook_sink(webhook_sink)
        self.simulator: PaySimulator = simulator

    def __repr__(self) -> str:
        return f"<FakePay payments={self.simulator.created_count}>"

    def close(self) -> None:
        """Nothing to release; here so every provider can be closed alike."""

    def __enter__(self) -> FakePay:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the simulator's settings

    @property
    def clock(self) -> Callable[[], datetime]:
        """The simulator's clock."""
        return self.simulator.clock

    @property
    def base_url(self) -> str:
        """Where ``next_url`` points; set it once the card page's address is known."""
        return self.simulator.base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        self.simulator.base_url = value.rstrip("/")

    @property
    def limits(self) -> ProviderLimits:
        """The limits checked before a payment or refund is made (GOV.UK Pay's)."""
        return self.simulator.limits

    @property
    def is_live(self) -> bool:
        """Whether it behaves as with a live key (``return_url`` must be HTTPS)."""
        return self.simulator.is_live

    @property
    def webhooks(self) -> list[DeliveredWebhook]:
        """Every webhook sent, oldest first."""
        return self.simulator.webhooks

    @property
    def created_count(self) -> int:
        """How many payments have been created."""
        return self.simulator.created_count

    # ------------------------------------------------------------------ the provider interface

    def create_payment(
        self, request: PaymentRequest, idempotency_key: str | None = None
    ) -> Payment:
        """Create a payment, as GOV.UK Pay would; see :class:`FakePay`."""
        data, _ = self.simulator.create(request, idempotency_key)
        return wire.parse_payment(data, self.name)

    def get_payment(self, payment_id: str) -> Payment:
        """The payment now (an unfinished payment past its 90 minutes has expired)."""
        return wire.parse_payment(self.simulator.payment_json(payment_id), self.name)

    def cancel_payment(self, payment_id: str) -> None:
        """Cancel an unfinished payment (``P0040``); :class:`Conflict` (``P0502``) otherwise."""
        self.simulator.cancel_payment(payment_id)

    def capture_payment(self, payment_id: str) -> None:
        """Capture a ``capturable`` payment; :class:`Conflict` (``P1003``) otherwise."""
        self.simulator.capture_payment(payment_id)

    def refund(
        self, payment_id: str, amount: int, expected_available: int | None = None
    ) -> Refund:
        """Refund ``amount`` pence of a ``success`` payment.

        :class:`Conflict` when the payment has not succeeded or the amount is
        more than is available (``P0603``), or ``expected_available`` is not
        the amount available (``P0604``).
        """
        data = self.simulator.refund_payment(payment_id, amount, expected_available)
        return wire.parse_refund(data, payment_id, self.name)

    def refunds(self, payment_id: str) -> list[Refund]:
        """Every refund of the payment, oldest first."""
        return wire.parse_refunds(self.simulator.refunds_json(payment_id), payment_id, self.name)

    def search(
        self,
        *,
        reference: str | None = None,
        state: PaymentState | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
        page_size: int | None = None,
    ) -> Iterator[Payment]:
        """Iterate over matching payments, newest first, a page at a time."""
        size = page_size or 500
        page = 1
        while True:
            data = self.simulator.search_json(
                reference=reference, state=PaymentState(state).value if state else None,
                from_date=from_date, to_date=to_date, page=page, display_size=size)
            payments, total = wire.parse_search(data, self.name)
            yield from payments
            if not payments or page * size >= (total or 0):
                return
            page += 1

    def verify_webhook(self, body: bytes, headers: Headers) -> WebhookEvent:
        """Verify a webhook FakePay sent (as GOV.UK Pay's are verified) and return the event."""
        verify_pay_signature(body, headers, self.simulator.webhook_secrets)
        return wire.parse_webhook(body, self.name)

    def sign(self, body: bytes, secret: Secret | str | None = None) -> dict[str, str]:
        """Headers signing ``body`` as FakePay does (with ``secret`` if given, for tests)."""
        return self.simulator.sign(body, secret)

    # ------------------------------------------------------------------ the payer's journey

    def start(self, payment_id: str) -> None:
        """The payer opens ``next_url``: ``created`` becomes ``started``."""
        self.simulator.start(payment_id)

    def visit(self, token: str) -> str:
        """The payer follows ``next_url`` (its last path segment); return the payment id."""
        return self.simulator.visit(token)

    def submit(self, payment_id: str, *, cardholder_name: str | None = None) -> None:
        """The payer enters card details and their bank authorises them: ``submitted``."""
        self.simulator.submit(payment_id, cardholder_name=cardholder_name)

    def pay(self, payment_id: str, *, cardholder_name: str | None = None) -> None:
        """The payer completes the payment: ``success`` (``capturable`` with delayed capture)."""
        self.simulator.pay(payment_id, cardholder_name=cardholder_name)

    def decline(self, payment_id: str) -> None:
        """The payer's bank rejects the card: ``failed`` with ``P0010``."""
        self.simulator.decline(payment_id)

    def abandon(self, payment_id: str) -> None:
        """The payer selects "Cancel payment": ``failed`` with ``P0030``."""
        self.simulator.abandon(payment_id)

    def fail_with_error(self, payment_id: str) -> None:
        """The payment service provider fails: ``error`` with ``P0050``; no money taken."""
        self.simulator.fail_with_error(payment_id)

    def expire(self, payment_id: str) -> None:
        """The payer runs out of time now (as after 90 minutes): ``failed`` with ``P0020``."""
        self.simulator.expire(payment_id)

    # ------------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        """Everything FakePay knows, as JSON-ready data (webhooks not included)."""
        return self.simulator.to_dict()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **kwargs: Any) -> FakePay:
        """Rebuild a FakePay from :meth:`to_dict` output; ``kwargs`` as for the constructor."""
        return cls(simulator=PaySimulator.from_dict(data, **kwargs))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state to ``path`` whole or not at all (:meth:`PaySimulator.save`)."""
        self.simulator.save(path)

    @classmethod
    def load(cls, path: str | os.PathLike[str], **kwargs: Any) -> FakePay:
        """A FakePay with the state saved at ``path`` (empty if there is no file yet)."""
        return cls(simulator=PaySimulator.load(path, **kwargs))
