"""The interface every payment provider implements.

:class:`PaymentProvider` is a :class:`typing.Protocol`: a provider need not
inherit from anything, only have these attributes and methods. Built-in
providers are :class:`~lgds_components.payments.govuk_pay.GovUkPay`,
:class:`~lgds_components.payments.stripe.Stripe` and
:class:`~lgds_components.payments.fake.FakePay`; a contributed one registers
under the ``lgds_components.payment_providers`` entry-point group and proves
itself with :mod:`lgds_components.testing.payments`.

>>> from lgds_components.payments.fake import FakePay
>>> isinstance(FakePay(), PaymentProvider)
True

What every implementation promises:

* ``create_payment`` checks the request against ``limits`` before sending
  anything, and sends an ``idempotency_key`` it is given so that the provider
  returns the same payment when the same key comes again.
* Every failure is a :class:`~lgds_components.errors.LGDSError`:
  :class:`~lgds_components.errors.ValidationError` for bad input (before any
  request), :class:`~lgds_components.errors.NotFound` for an unknown id,
  :class:`~lgds_components.errors.Conflict` when the payment's state forbids
  the action (cancelling a paid payment, refunding more than is available,
  ``expected_available`` out of date, an idempotency key reused for a
  different request), :class:`~lgds_components.errors.ProviderUnavailable`
  for anything worth retrying later, and
  :class:`~lgds_components.payments.webhooks.InvalidSignature` for a webhook
  that fails verification.
* API keys, webhook secrets, the payer's email address and card-holder
  details never appear in ``repr()``, logs or exception messages.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from lgds_components.payments.limits import ProviderLimits
from lgds_components.payments.models import Payment, PaymentRequest, Refund, WebhookEvent
from lgds_components.payments.states import PaymentState

__all__ = ["PaymentProvider"]


@runtime_checkable
class PaymentProvider(Protocol):
    """A payment provider: GOV.UK Pay, Stripe, the in-process fake, or a contributed one."""

    name: str
    """The provider's registry name, such as ``"govuk-pay"``; recorded on each payment."""

    @property
    def limits(self) -> ProviderLimits:
        """What the provider accepts; checked before any request is sent."""
        ...

    @property
    def is_live(self) -> bool:
        """Whether real money moves (a live API key)."""
        ...

    def create_payment(
        self, request: PaymentRequest, idempotency_key: str | None = None
    ) -> Payment:
        """Create a payment and return it, with the ``next_url`` to send the payer to."""
        ...

    def get_payment(self, payment_id: str) -> Payment:
        """Return the payment as the provider sees it now."""
        ...

    def cancel_payment(self, payment_id: str) -> None:
        """Cancel a payment that has not finished (``created`` to ``capturable``)."""
        ...

    def capture_payment(self, payment_id: str) -> None:
        """Take the money for a ``capturable`` payment (made with ``delayed_capture``)."""
        ...

    def refund(
        self, payment_id: str, amount: int, expected_available: int | None = None
    ) -> Refund:
        """Refund ``amount`` pence.

        With ``expected_available``, the refund is made only if that is still
        the amount available to refund (otherwise
        :class:`~lgds_components.errors.Conflict`): a retried refund can then
        never be paid twice.
        """
        ...

    def refunds(self, payment_id: str) -> list[Refund]:
        """Every refund of a payment, oldest first."""
        ...

    def search(
        self,
        *,
        reference: str | None = None,
        state: PaymentState | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
        page_size: int | None = None,
    ) -> Iterator[Payment]:
        """Iterate over matching payments, newest first, fetching pages as needed."""
        ...

    def verify_webhook(self, body: bytes, headers: Mapping[str, Any]) -> WebhookEvent:
        """Check a webhook message's signature on its raw body and return the event."""
        ...
