"""Why a payment failed, in words for the resident: one message per provider failure code.

Providers say why a payment did not go through with a code: GOV.UK Pay's
``state.code`` (``P0010`` declined, ``P0020`` expired, ``P0030`` cancelled by
the payer, ``P0040`` cancelled by the service, ``P0050`` provider error) and
Stripe's ``last_payment_error.code`` (``card_declined``, ``expired_card``,
...). :func:`resident_message` turns one into what a "try again" page says,
in English or Welsh; :attr:`Attempt.failure_message
<lgds_components.payments.ledger.Attempt.failure_message>` is the English one
for an attempt in the ledger.

>>> resident_message("P0010")
'Your payment was declined'
>>> resident_message("P0030", lang="cy")
'Gwnaethoch ganslo eich taliad'
>>> resident_message("card_declined")
'Your payment was declined'
>>> resident_message(None, PaymentState.FAILED)
'Your payment was not completed'
>>> resident_message(None, PaymentState.SUCCESS) is None
True

The Welsh text has not yet been reviewed by a translator.
"""

from __future__ import annotations

from typing import Final, Literal

from lgds_components.payments.states import PaymentState

__all__ = ["FAILURE_MESSAGES", "STATE_MESSAGES", "Language", "resident_message"]

Language = Literal["en", "cy"]

_DECLINED = ("Your payment was declined", "Cafodd eich taliad ei wrthod")
_TIMED_OUT = ("You did not finish paying in time", "Ni wnaethoch orffen talu mewn pryd")
_YOU_CANCELLED = ("You cancelled your payment", "Gwnaethoch ganslo eich taliad")
_WE_CANCELLED = ("Your payment was cancelled", "Cafodd eich taliad ei ganslo")
_PROBLEM = ("There was a problem taking your payment", "Roedd problem wrth gymryd eich taliad")
_NOT_COMPLETED = ("Your payment was not completed", "Ni chafodd eich taliad ei gwblhau")

FAILURE_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # GOV.UK Pay's payment state codes
    "P0010": _DECLINED,
    "P0020": _TIMED_OUT,
    "P0030": _YOU_CANCELLED,
    "P0040": _WE_CANCELLED,
    "P0050": _PROBLEM,
    # Stripe's card error codes, and the Stripe adapter's code for an expired session
    "card_declined": _DECLINED,
    "insufficient_funds": _DECLINED,
    "expired_card": _DECLINED,
    "incorrect_cvc": _DECLINED,
    "incorrect_number": _DECLINED,
    "authentication_required": _DECLINED,
    "payment_intent_authentication_failure": _DECLINED,
    "processing_error": _PROBLEM,
    "expired": _TIMED_OUT,
}
"""``(English, Welsh)`` for each provider failure code."""

STATE_MESSAGES: Final[dict[PaymentState, tuple[str, str]]] = {
    PaymentState.FAILED: _NOT_COMPLETED,
    PaymentState.CANCELLED: _WE_CANCELLED,
    PaymentState.ERROR: _PROBLEM,
}
"""``(English, Welsh)`` for a payment that ended without a code this module knows."""


def resident_message(code: str | None, state: PaymentState | None = None,
                     lang: Language = "en") -> str | None:
    """What to tell the resident about a payment that did not go through; ``None`` if it did.

    ``code`` is the provider's failure code; ``state`` the payment's state,
    used when the code is missing or unknown. A successful payment (or one
    still in progress without a code) has no message.
    """
    if state in (PaymentState.SUCCESS, PaymentState.CAPTURABLE):
        return None
    texts = FAILURE_MESSAGES.get(code or "") or (STATE_MESSAGES.get(state) if state else None)
    if texts is None and code:
        texts = _NOT_COMPLETED
    if texts is None:
        return None
    return texts[1] if lang == "cy" else texts[0]
