"""Take payments through one interface, whichever provider the council has.

* :class:`PaymentRequest`, :class:`Payment`, :class:`Refund`,
  :class:`WebhookEvent` and :class:`PaymentState`: the same models for every
  provider; money is integer pence (:mod:`~lgds_components.payments.money`).
* :class:`PaymentProvider`: the interface, implemented by :class:`GovUkPay`,
  :class:`Stripe` and :class:`FakePay` (GOV.UK Pay's behaviour in process).
* :class:`Ledger`: a durable record of every payment attempt that loses
  nothing and charges nothing twice, with webhooks applied once and in order.

>>> from lgds_components.payments import FakePay, PaymentRequest
>>> pay = FakePay()
>>> payment = pay.create_payment(PaymentRequest(amount="£45.00", reference="GW-1",
...     description="Garden waste", return_url="https://council.example/done"))
>>> payment.state, payment.amount
(<PaymentState.CREATED: 'created'>, 4500)

Names are imported on first use, so ``import lgds_components.payments`` is
cheap; :func:`provider` builds a registered provider by name (``"govuk-pay"``,
``"stripe"``, ``"fake"`` or a contributed one).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers see of the names loaded on first use
    from lgds_components.payments.fake import FakePay
    from lgds_components.payments.govuk_pay import GovUkPay
    from lgds_components.payments.ledger import Ledger
    from lgds_components.payments.limits import ProviderLimits
    from lgds_components.payments.models import Payment, PaymentRequest, Refund, WebhookEvent
    from lgds_components.payments.money import format_pence, to_pence
    from lgds_components.payments.protocol import PaymentProvider
    from lgds_components.payments.states import PaymentState, RefundStatus
    from lgds_components.payments.stripe import Stripe
    from lgds_components.payments.webhooks import InvalidSignature

__all__ = [
    "FakePay",
    "GovUkPay",
    "InvalidSignature",
    "Ledger",
    "Payment",
    "PaymentProvider",
    "PaymentRequest",
    "PaymentState",
    "ProviderLimits",
    "Refund",
    "RefundStatus",
    "Stripe",
    "WebhookEvent",
    "format_pence",
    "provider",
    "to_pence",
]

_LAZY = {
    "FakePay": "lgds_components.payments.fake",
    "GovUkPay": "lgds_components.payments.govuk_pay",
    "InvalidSignature": "lgds_components.payments.webhooks",
    "Ledger": "lgds_components.payments.ledger",
    "Payment": "lgds_components.payments.models",
    "PaymentProvider": "lgds_components.payments.protocol",
    "PaymentRequest": "lgds_components.payments.models",
    "PaymentState": "lgds_components.payments.states",
    "ProviderLimits": "lgds_components.payments.limits",
    "Refund": "lgds_components.payments.models",
    "RefundStatus": "lgds_components.payments.states",
    "Stripe": "lgds_components.payments.stripe",
    "WebhookEvent": "lgds_components.payments.models",
    "format_pence": "lgds_components.payments.money",
    "to_pence": "lgds_components.payments.money",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lgds_components.payments' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def provider(name: str, /, **settings: Any) -> PaymentProvider:
    """Build the payment provider registered as ``name`` with ``settings``.

    >>> provider("fake").name
    'fake'

    Raises :class:`~lgds_components.errors.UnknownProvider` for a name no
    installed package provides.
    """
    from lgds_components.registry import PAYMENT_PROVIDERS

    if name not in PAYMENT_PROVIDERS and name in _BUILT_IN:
        module, attribute = _BUILT_IN[name].split(":")
        factory = getattr(importlib.import_module(module), attribute)
    else:
        factory = PAYMENT_PROVIDERS.get(name)
    made: PaymentProvider = factory(**settings)
    return made


_BUILT_IN = {
    "govuk-pay": "lgds_components.payments.govuk_pay:GovUkPay",
    "stripe": "lgds_components.payments.stripe:Stripe",
    "fake": "lgds_components.payments.fake:FakePay",
}
"""The built-in providers, used until their entry points are installed."""
