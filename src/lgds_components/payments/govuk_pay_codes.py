"""GOV.UK Pay's error codes and the library error each one becomes.

GOV.UK Pay answers a failed API call with a JSON body holding a ``code``
(``P0900``) and a ``description``. :class:`~lgds_components.payments.govuk_pay.GovUkPay`
raises the error class this table gives for the code, whatever the HTTP
status, and keeps the code in ``provider_code``. Codes not listed fall back to
the class for the HTTP status (:func:`lgds_components.http.raise_for_status`).

>>> ERROR_CODES["P0604"].error.__name__, ERROR_CODES["P0900"].error.__name__
('Conflict', 'ProviderUnavailable')
>>> STATE_CODES["P0020"]
'Payment expired'

The codes and meanings are from GOV.UK Pay's API reference
(docs.payments.service.gov.uk/api_reference, "GOV.UK Pay API error codes" and
"Errors caused by payment statuses"); the OpenAPI contract itself names only
``P0102``, ``P0900`` and the state code ``P010`` in its examples.
"""

from __future__ import annotations

from typing import Final

import attrs

from lgds_components.errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    ProviderError,
    ProviderUnavailable,
)

__all__ = ["ERROR_CODES", "RATE_LIMIT_RETRY_AFTER", "STATE_CODES", "PayErrorCode", "error_class"]

RATE_LIMIT_RETRY_AFTER: Final = 1.0
"""Seconds to wait after ``P0900`` when no ``Retry-After`` is sent ("after a second, retry")."""


@attrs.frozen(slots=True)
class PayErrorCode:
    """One GOV.UK Pay API error code."""

    code: str
    error: type[ProviderError]
    meaning: str


def _table(*rows: tuple[str, type[ProviderError], str]) -> dict[str, PayErrorCode]:
    return {code: PayErrorCode(code, error, meaning) for code, error, meaning in rows}


_DOWN = "Something went wrong with GOV.UK Pay; try again later"

ERROR_CODES: Final[dict[str, PayErrorCode]] = _table(
    ("P0101", ProviderError, "Create payment: a required parameter is missing"),
    ("P0102", ProviderError, "Create payment: a header or parameter value is invalid"),
    ("P0104", ProviderError, "Create payment: return_url cannot be used with moto_api"),
    ("P0191", Conflict, "Create payment: the Idempotency-Key was already used for another request"),
    ("P0195", ProviderError, "Create payment: MOTO API payments are not enabled"),
    ("P0196", ProviderError, "Create payment: this type of payment is not enabled"),
    ("P0197", ProviderError, "Create payment: the request body is not valid JSON"),
    ("P0198", ProviderUnavailable, f"Create payment: {_DOWN}"),
    ("P0199", ProviderError, "Create payment: there is a problem with the service account"),
    ("P0200", NotFound, "Get payment: no payment has this id"),
    ("P0298", ProviderUnavailable, f"Get payment: {_DOWN}"),
    ("P0300", NotFound, "Payment events: no payment has this id"),
    ("P0398", ProviderUnavailable, f"Payment events: {_DOWN}"),
    ("P0401", ProviderError, "Search payments: a parameter is invalid"),
    ("P0402", NotFound, "Search payments: the page does not exist"),
    ("P0498", ProviderUnavailable, f"Search payments: {_DOWN}"),
    ("P0500", NotFound, "Cancel payment: no payment has this id"),
    ("P0501", Conflict, "Cancel payment: cancelling the payment failed"),
    ("P0502", Conflict, "Cancel payment: this payment cannot be cancelled"),
    ("P0598", ProviderUnavailable, f"Cancel payment: {_DOWN}"),
    ("P0600", NotFound, "Refund: no payment has this id"),
    ("P0601", ProviderError, "Refund: a required attribute is missing"),
    ("P0602", ProviderError, "Refund: an attribute value is invalid"),
    ("P0603", Conflict, "Refund: this payment cannot be refunded"),
    ("P0604", Conflict, "Refund: refund_amount_available does not match the amount available"),
    ("P0697", ProviderError, "Refund: the request body is not valid JSON"),
    ("P0698", ProviderUnavailable, f"Refund: {_DOWN}"),
    ("P0700", NotFound, "Refund status: no such refund or payment"),
    ("P0798", ProviderUnavailable, f"Refund status: {_DOWN}"),
    ("P0800", NotFound, "Payment refunds: no payment has this id"),
    ("P0898", ProviderUnavailable, f"Payment refunds: {_DOWN}"),
    ("P0900", ProviderUnavailable, "Too many requests: rate limited; back off and retry"),
    ("P0920", ProviderError, "Blocked by GOV.UK Pay's firewall (content type, characters, http)"),
    ("P0940", ProviderError, "The payment service provider account is not fully configured"),
    ("P0941", ProviderError, "GOV.UK Pay has disabled payment and refund creation on the account"),
    ("P0999", ProviderUnavailable, "GOV.UK Pay is temporarily down"),
    ("P1000", NotFound, "Capture: no payment has this id"),
    ("P1001", ProviderError, "Capture: GOV.UK Pay could not capture this payment"),
    ("P1003", Conflict, "Capture: the payment is not capturable"),
    ("P1098", ProviderUnavailable, f"Capture: {_DOWN}"),
    ("P1100", NotFound, "Search refunds: the page does not exist"),
    ("P1101", ProviderError, "Search refunds: a parameter is invalid"),
    ("P1211", NotFound, "MOTO authorisation: no payment matches the one_time_token"),
    ("P1212", Conflict, "MOTO authorisation: the one_time_token was already used"),
    ("P2101", ProviderError, "Create agreement: a required parameter is missing"),
    ("P2102", ProviderError, "Create agreement: a parameter value is invalid"),
    ("P2197", ProviderError, "Create agreement: the request body is not valid JSON"),
    ("P2198", ProviderUnavailable, f"Create agreement: {_DOWN}"),
    ("P2200", NotFound, "Get agreement: no agreement has this id"),
    ("P2298", ProviderUnavailable, f"Get agreement: {_DOWN}"),
    ("P2401", ProviderError, "Search agreements: a parameter is invalid"),
    ("P2402", NotFound, "Search agreements: the page does not exist"),
    ("P2498", ProviderUnavailable, f"Search agreements: {_DOWN}"),
    ("P2500", NotFound, "Cancel agreement: no agreement has this id"),
    ("P2501", Conflict, "Cancel agreement: only active agreements can be cancelled"),
    ("P2598", ProviderUnavailable, f"Cancel agreement: {_DOWN}"),
)
"""Every API error code GOV.UK Pay documents, with the library error it raises."""

STATE_CODES: Final[dict[str, str]] = {
    "P0010": "Payment method rejected",
    "P0020": "Payment expired",
    "P0030": "Payment was cancelled by the user",
    "P0040": "Payment was cancelled by the service",
    "P0050": "Payment provider returned an error",
}
"""Why a payment failed, as ``state.code`` on a finished payment (not an API error)."""


def error_class(code: str | None, status: int | None = None) -> type[ProviderError] | None:
    """The error class for a GOV.UK Pay code, or ``None`` to keep the HTTP status's class.

    A ``401`` is always :class:`~lgds_components.errors.AuthenticationError`.

    >>> error_class("P0191").__name__, error_class("P9999") is None
    ('Conflict', True)
    """
    if status == 401:
        return AuthenticationError
    entry = ERROR_CODES.get(code or "")
    return entry.error if entry is not None else None
