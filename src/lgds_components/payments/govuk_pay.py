"""GOV.UK Pay: the public API v1 over HTTPS, as its OpenAPI contract describes it.

>>> from lgds_components.payments.govuk_pay import GovUkPay
>>> pay = GovUkPay(api_key="api_test_0123456789abcdefghijklmnopqrstuvwxyz")
>>> pay
<GovUkPay test key https://publicapi.payments.service.gov.uk>
>>> pay.is_live
False
>>> pay.close()

What it does for you:

* **Bearer authentication** with the API key held as a
  :class:`~lgds_components.secret.Secret` (never in ``repr()``, ``vars()``,
  logs or errors: the ``Authorization`` header is made for each request and
  not kept). Keys starting ``api_test_`` are test keys; ``api_live_`` and keys
  without a prefix (made before GOV.UK Pay added them) are treated as live,
  so a ``return_url`` must then be HTTPS.
* **Limits checked before sending** (:data:`~lgds_components.payments.limits.GOVUK_PAY_LIMITS`).
* **Idempotency**: ``create_payment(request, idempotency_key=...)`` sends the
  ``Idempotency-Key`` header, and GOV.UK Pay returns the same payment when the
  same key comes again with the same request (for 24 hours). Only then is a
  create retried after a timeout, reset or 5xx; without a key the request is
  sent exactly once and nothing is generated for you, since a key you did not
  keep cannot protect a retry you make later. Use the
  :class:`~lgds_components.payments.ledger.Ledger`, which keeps the key.
* **Typed errors** for every ``P`` code (:mod:`~lgds_components.payments.govuk_pay_codes`):
  ``P0900`` (rate limited) is :class:`~lgds_components.errors.ProviderUnavailable`
  with ``retry_after`` (1 second unless the response says), ``P0191`` and
  ``P0604`` are :class:`~lgds_components.errors.Conflict`, ``P0200`` is
  :class:`~lgds_components.errors.NotFound`, and so on. A reply with no
  known code is classified by its status (:func:`lgds_components.http.raise_for_status`):
  the ``412`` with no body that the contract gives for a stale
  ``refund_amount_available`` is a :class:`~lgds_components.errors.Conflict`.
  A failure to connect is chained (``__cause__``) to the ``requests`` exception.
* **Webhooks** verified with ``Pay-Signature`` (HMAC-SHA256 hex of the raw
  body with the webhook's signing secret, compared in constant time); give
  ``webhook_secret`` (or a list of secrets while rotating).
* Fields GOV.UK Pay adds to its responses later are ignored.

Calls go through :func:`lgds_components.http.send` on a session from
:func:`lgds_components.http.build_session` (or yours), so timeouts, retries
with backoff and jitter for safe requests, ``Retry-After`` and redaction are
shared with every other adapter.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import quote

import requests

from lgds_components.errors import (
    ConfigurationError,
    InvalidFormat,
    NotFound,
    ProviderError,
    ProviderUnavailable,
)
from lgds_components.http import (
    DEFAULT_TIMEOUT,
    IDEMPOTENCY_KEY_HEADER,
    RetryPolicy,
    SessionHolder,
    Timeout,
    bearer,
    build_session,
    send,
)
from lgds_components.payments import _govuk_wire as wire
from lgds_components.payments.govuk_pay_codes import RATE_LIMIT_RETRY_AFTER, error_class
from lgds_components.payments.limits import GOVUK_PAY_LIMITS, ProviderLimits
from lgds_components.payments.models import Payment, PaymentRequest, Refund, WebhookEvent
from lgds_components.payments.money import to_pence
from lgds_components.payments.states import PaymentState
from lgds_components.payments.webhooks import Headers, verify_pay_signature
from lgds_components.secret import Secret, as_secret, secrets_of

__all__ = ["BASE_URL", "GovUkPay", "key_kind"]

logger: logging.Logger = logging.getLogger(__name__)

BASE_URL: Final = "https://publicapi.payments.service.gov.uk"
"""GOV.UK Pay's API, for test and live keys alike."""

_PAYMENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9-]{1,255}")
_PAGE_SIZE_MAX = 500
_DEFAULT_RETRY = RetryPolicy()


def key_kind(api_key: Secret | str) -> str:
    """``"test"``, ``"live"`` or ``"unknown"`` (a key made before prefixes), from the key's prefix.

    >>> key_kind("api_test_abc"), key_kind(Secret("api_live_abc")), key_kind("abc")
    ('test', 'live', 'unknown')
    """
    value = api_key.reveal() if isinstance(api_key, Secret) else api_key
    if value.startswith("api_test_"):
        return "test"
    if value.startswith("api_live_"):
        return "live"
    return "unknown"


def _parse_error(response: requests.Response) -> tuple[str | None, str | None]:
    data = response.json()
    if isinstance(data, Mapping):
        code, description = data.get("code"), data.get("description")
        return (code if isinstance(code, str) else None,
                description if isinstance(description, str) else None)
    return None, None


def _date(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise InvalidFormat("search dates must be timezone-aware", field="from_date")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class GovUkPay(SessionHolder):
    """A :class:`~lgds_components.payments.protocol.PaymentProvider` for GOV.UK Pay.

    Args:
        api_key: the service's API key (``api_test_...`` or ``api_live_...``).
        webhook_secret: the webhook signing secret, or several while rotating;
            needed only for :meth:`verify_webhook`.
        base_url: the API's address (change it only for a local test server).
        session: a :class:`requests.Session` to use; by default one from
            :func:`~lgds_components.http.build_session`, closed by :meth:`close`.
        retry: the retry policy for a session built here.
        timeout: ``(connect, read)`` seconds for a session built here.
        limits: the limits to check (for a lower maximum amount set by your
            payment service provider, say).
    """

    name = "govuk-pay"

    def __init__(
        self,
        api_key: Secret | str,
        *,
        webhook_secret: Secret | str | Iterable[Secret | str] | None = None,
        base_url: str = BASE_URL,
        session: requests.Session | None = None,
        retry: RetryPolicy | None = _DEFAULT_RETRY,
        timeout: Timeout = DEFAULT_TIMEOUT,
        limits: ProviderLimits = GOVUK_PAY_LIMITS,
    ) -> None:
        self._key = as_secret(api_key, name="GovUkPay api_key")
        self.key_kind: str = key_kind(self._key)
        self.is_live: bool = self.key_kind != "test"
        self.limits = limits
        self.base_url: str = base_url.rstrip("/")
        self._webhook_secrets = secrets_of(webhook_secret)
        self._secrets = (self._key, *self._webhook_secrets)
        self._hold_session(session, lambda: build_session(
            provider=self.name, secrets=self._secrets, retry=retry, timeout=timeout
        ))

    def __repr__(self) -> str:
        return f"<GovUkPay {self.key_kind} key {self.base_url}>"

    # ------------------------------------------------------------------ HTTP

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send one request; the ``Authorization`` header is made here, never stored."""
        all_headers = {"Authorization": bearer(self._key), "Accept": "application/json",
                       **(headers or {})}
        try:
            return send(
                self._session, method, self.base_url + path, provider=self.name,
                secrets=self._secrets, parse_error=_parse_error, error_class=error_class,
                json=json, params=params, headers=all_headers,
            )
        except ProviderUnavailable as exc:
            if exc.provider_code == "P0900" and exc.retry_after is None:
                exc.retry_after = RATE_LIMIT_RETRY_AFTER  # GOV.UK Pay: "after a second, retry"
            raise

    def _json(self, response: requests.Response, what: str) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise ProviderError(f"GOV.UK Pay sent {what} that is not JSON", provider=self.name,
                                status=response.status_code) from exc
        finally:
            response.close()

    @staticmethod
    def _path_id(payment_id: str, field: str = "payment_id") -> str:
        if not isinstance(payment_id, str) or not _PAYMENT_ID.fullmatch(payment_id):
            raise InvalidFormat(f"{field} must be 1 to 64 letters, digits, - or _", field=field)
        return quote(payment_id, safe="")

    # ------------------------------------------------------------------ the provider interface

    def create_payment(
        self, request: PaymentRequest, idempotency_key: str | None = None
    ) -> Payment:
        """Create a payment; send ``next_url`` to the payer. See the module notes on keys."""
        if not isinstance(request, PaymentRequest):
            raise TypeError("create_payment needs a PaymentRequest")
        self.limits.check(request, live=self.is_live)
        headers: dict[str, str] = {}
        if idempotency_key is not None:
            if not isinstance(idempotency_key, str) or not _IDEMPOTENCY_KEY.fullmatch(
                idempotency_key
            ):
                raise InvalidFormat(
                    "Idempotency-Key must be 1 to 255 letters, digits and hyphens",
                    field="idempotency_key",
                )
            headers[IDEMPOTENCY_KEY_HEADER] = idempotency_key
        response = self._call("POST", "/v1/payments", json=wire.create_body(request),
                              headers=headers)
        payment = wire.parse_payment(self._json(response, "a payment"), self.name)
        logger.info("govuk-pay created payment %s for %d pence", payment.id, payment.amount)
        return payment

    def get_payment(self, payment_id: str) -> Payment:
        """The payment now (``GET /v1/payments/{id}``, strongly consistent)."""
        response = self._call("GET", f"/v1/payments/{self._path_id(payment_id)}")
        return wire.parse_payment(self._json(response, "a payment"), self.name)

    def cancel_payment(self, payment_id: str) -> None:
        """Cancel an unfinished payment; :class:`~lgds_components.errors.Conflict` if it cannot."""
        self._call("POST", f"/v1/payments/{self._path_id(payment_id)}/cancel").close()

    def capture_payment(self, payment_id: str) -> None:
        """Take a delayed payment; :class:`~lgds_components.errors.Conflict` unless capturable."""
        self._call("POST", f"/v1/payments/{self._path_id(payment_id)}/capture").close()

    def refund(
        self, payment_id: str, amount: int, expected_available: int | None = None
    ) -> Refund:
        """Refund ``amount`` pence; ``expected_available`` is sent as ``refund_amount_available``.

        With ``expected_available`` GOV.UK Pay refuses the refund (``P0604``,
        :class:`~lgds_components.errors.Conflict`) unless that is still the
        amount available, so a retry can never refund twice.
        """
        path_id = self._path_id(payment_id)
        pence = to_pence(amount, field="amount")
        self.limits.check_refund(pence)
        if expected_available is not None:
            expected_available = to_pence(expected_available, field="expected_available")
        response = self._call("POST", f"/v1/payments/{path_id}/refunds",
                              json=wire.refund_body(pence, expected_available))
        if not response.content:  # 202 Accepted with no body: find the refund just made
            response.close()
            matching = [r for r in self.refunds(payment_id) if r.amount == pence]
            if not matching:
                raise ProviderError("GOV.UK Pay accepted the refund but does not list it yet",
                                    provider=self.name, status=202)
            return matching[-1]
        return wire.parse_refund(self._json(response, "a refund"), payment_id, self.name)

    def refunds(self, payment_id: str) -> list[Refund]:
        """Every refund of the payment, oldest first (eventually consistent)."""
        response = self._call("GET", f"/v1/payments/{self._path_id(payment_id)}/refunds")
        return wire.parse_refunds(self._json(response, "refunds"), payment_id, self.name)

    def search(
        self,
        *,
        reference: str | None = None,
        state: PaymentState | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
        page_size: int | None = None,
        email: str | None = None,
    ) -> Iterator[Payment]:
        """Iterate over matching payments, newest first, fetching pages as needed.

        Search is eventually consistent at GOV.UK Pay: to learn a payment's
        outcome use :meth:`get_payment`.
        """
        size = page_size or _PAGE_SIZE_MAX
        if not 1 <= size <= _PAGE_SIZE_MAX:
            raise InvalidFormat(f"page_size must be 1 to {_PAGE_SIZE_MAX}", field="page_size")
        params: dict[str, Any] = {"display_size": size}
        if reference is not None:
            params["reference"] = reference
        if email is not None:
            params["email"] = email
        if state is not None:
            params["state"] = PaymentState(state).value
        if from_date is not None:
            params["from_date"] = _date(from_date)
        if to_date is not None:
            params["to_date"] = _date(to_date)
        page = 1
        while True:
            try:
                response = self._call("GET", "/v1/payments", params={**params, "page": page})
            except NotFound:
                if page == 1:
                    raise
                return  # the page past the last one
            payments, total = wire.parse_search(self._json(response, "search results"), self.name)
            yield from payments
            if not payments or page * size >= (total or 0):
                return
            page += 1

    def verify_webhook(self, body: bytes, headers: Headers) -> WebhookEvent:
        """Check ``Pay-Signature`` on the raw ``body`` and return the event.

        Raises :class:`~lgds_components.payments.webhooks.InvalidSignature`
        for a missing or wrong signature, and
        :class:`~lgds_components.errors.ConfigurationError` if no
        ``webhook_secret`` was given.
        """
        if not self._webhook_secrets:
            raise ConfigurationError("GovUkPay needs webhook_secret to verify webhooks")
        verify_pay_signature(body, headers, self._webhook_secrets)
        return wire.parse_webhook(body, self.name)
