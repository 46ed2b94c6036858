"""The states a payment and a refund move through, the same for every provider.

:class:`PaymentState` follows GOV.UK Pay's payment status lifecycle; other
providers map their own states onto it (see :mod:`lgds_components.payments.stripe`).

======================  =========================================================  ==========
state                   meaning                                                    finished
======================  =========================================================  ==========
``created``             created; the payer has not yet opened the payment page     no
``started``             the payer is on the payment page                           no
``submitted``           card details sent and authorised; not yet confirmed        no
``capturable``          confirmed, waiting for the service to capture it           no
``success``             paid                                                       yes
``failed``              declined, abandoned by the payer, or expired               yes
``cancelled``           cancelled by the service                                   yes
``error``               the provider failed; no money was taken                    yes
======================  =========================================================  ==========

States have an order (:attr:`PaymentState.rank`): a payment only ever moves to
a higher rank, and every finished state has the highest. That is how the
ledger applies webhooks that arrive late or twice: a late ``started`` never
overwrites ``success``.

>>> PaymentState.SUCCESS.finished, PaymentState.CAPTURABLE.finished
(True, False)
>>> PaymentState.STARTED.rank < PaymentState.SUBMITTED.rank < PaymentState.SUCCESS.rank
True
>>> PaymentState("cancelled") is PaymentState.CANCELLED
True
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["FINISHED_STATES", "PaymentState", "RefundAvailability", "RefundStatus"]


class PaymentState(StrEnum):
    """Where a payment is in its lifecycle."""

    CREATED = "created"
    STARTED = "started"
    SUBMITTED = "submitted"
    CAPTURABLE = "capturable"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"
    ERROR = "error"

    @property
    def finished(self) -> bool:
        """Whether the state can no longer change."""
        return self in FINISHED_STATES

    @property
    def rank(self) -> int:
        """The state's place in the lifecycle: 0 for ``created`` up to 4 when finished."""
        return _RANK[self]


FINISHED_STATES = frozenset(
    {PaymentState.SUCCESS, PaymentState.FAILED, PaymentState.CANCELLED, PaymentState.ERROR}
)
"""The states a payment never leaves."""

_RANK = {
    PaymentState.CREATED: 0,
    PaymentState.STARTED: 1,
    PaymentState.SUBMITTED: 2,
    PaymentState.CAPTURABLE: 3,
    **{state: 4 for state in FINISHED_STATES},
}


class RefundStatus(StrEnum):
    """The status of one refund."""

    SUBMITTED = "submitted"
    SUCCESS = "success"
    ERROR = "error"


class RefundAvailability(StrEnum):
    """Whether a payment can be refunded now (GOV.UK Pay's ``refund_summary.status``)."""

    PENDING = "pending"
    """Not ready yet: the payment has not succeeded, or the provider is still settling it."""
    UNAVAILABLE = "unavailable"
    """Never refundable: the payment failed or was cancelled."""
    AVAILABLE = "available"
    """Some or all of the amount can be refunded."""
    FULL = "full"
    """Already refunded in full."""
