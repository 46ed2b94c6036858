"""Stripe: Checkout Sessions and Refunds over Stripe's REST API, with ``requests``.

No Stripe SDK: requests are form-encoded (``line_items[0][price_data][unit_amount]=4500``)
and sent through :func:`lgds_components.http.send`, like every other adapter.

>>> from lgds_components.payments.stripe import Stripe
>>> stripe = Stripe(api_key="sk_test_0123456789", webhook_secret="whsec_example")
>>> stripe, stripe.is_live
(<Stripe test key https://api.stripe.com>, False)
>>> stripe.close()

* A payment is a **Checkout Session** in ``payment`` mode, for one line item
  in GBP; :attr:`Payment.id <lgds_components.payments.models.Payment.id>` is the
  session id (``cs_...``), ``provider_reference`` the PaymentIntent id
  (``pi_...``) once there is one, and ``next_url`` the session's ``url``.
  ``return_url`` is both the success and the cancel URL; ``reference`` is the
  ``client_reference_id``; ``metadata`` goes on the session and on the
  PaymentIntent (as text: Stripe keeps metadata values as strings).
  ``delayed_capture`` asks for ``capture_method=manual``. Checkout has no Welsh
  pages and no card-holder prefill, so ``language="cy"`` is refused and
  prefilled card-holder details are not sent
  (:data:`~lgds_components.payments.limits.STRIPE_LIMITS`).
* **Every POST carries an** ``Idempotency-Key``: the one given to
  ``create_payment``, or a fresh UUID, kept for the adapter's own retries of
  that request (so a timeout or a 5xx is retried safely).
* **Webhooks**: ``Stripe-Signature`` (``t=...,v1=...``) checked against the
  raw body with each configured endpoint secret, any matching ``v1`` accepted
  (Stripe sends one per active secret while you roll a secret), and the
  timestamp no more than ``tolerance`` seconds old (300 by default; only the
  age, as Stripe's own libraries check it: see :mod:`~lgds_components.payments.webhooks`).
* **One API version**: every request sends ``Stripe-Version:`` :data:`API_VERSION`,
  the version of Stripe's OpenAPI document the requests are tested against,
  so replies have the same shape whatever the account's default version is.
* **Typed errors** from one place, :func:`lgds_components.http.raise_for_status`,
  with :func:`error_class` mapping Stripe's codes (``resource_missing`` is
  :class:`~lgds_components.errors.NotFound` whatever its status).

How Stripe's states map onto :class:`~lgds_components.payments.states.PaymentState`
(the first row that matches wins):

=====================  ==========================================  ==============
Checkout Session       PaymentIntent                               our state
=====================  ==========================================  ==============
``expired``            any (or none)                               ``failed``
any                    ``canceled``                                ``cancelled``
any                    ``requires_capture``                        ``capturable``
``complete``           ``succeeded``, or ``payment_status`` paid   ``success``
``complete``           ``processing`` (or unpaid)                  ``submitted``
``open``               ``succeeded``                               ``success``
``open``               ``requires_action``, ``processing`` or      ``submitted``
                       ``requires_confirmation``
``open``               ``requires_payment_method`` after a         ``started``
                       decline (the payer may try again)
``open``               none yet                                    ``created``
=====================  ==========================================  ==============

Refunds: Stripe's ``pending`` and ``requires_action`` are ``submitted``,
``succeeded`` is ``success``, ``failed`` and ``canceled`` are ``error``.
``refund(expected_available=...)`` is checked here against the
PaymentIntent's ``amount_received`` less the charge's ``amount_refunded``
before the refund is sent, giving the same protection as GOV.UK Pay's
``refund_amount_available``.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import quote

import pydantic
import requests
from pydantic import BaseModel, ConfigDict, Field

from lgds_components.errors import (
    ConfigurationError,
    Conflict,
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
from lgds_components.payments.limits import STRIPE_LIMITS, ProviderLimits
from lgds_components.payments.models import (
    Payment,
    PaymentRequest,
    Refund,
    RefundSummary,
    WebhookEvent,
)
from lgds_components.payments.money import to_pence
from lgds_components.payments.states import PaymentState, RefundAvailability, RefundStatus
from lgds_components.payments.webhooks import (
    DEFAULT_TOLERANCE,
    Headers,
    verify_stripe_signature,
)
from lgds_components.secret import Secret, as_secret, secrets_of

__all__ = [
    "API_VERSION",
    "BASE_URL",
    "ERROR_CODES",
    "Stripe",
    "error_class",
    "event_from_body",
    "form_encode",
    "key_kind",
    "payment_from_session",
]

logger: logging.Logger = logging.getLogger(__name__)

BASE_URL: Final = "https://api.stripe.com"

API_VERSION: Final = "2023-08-16"
"""The ``Stripe-Version`` sent with every request: the version of Stripe's OpenAPI
document the adapter's requests are tested against (whatever the account's default
version is; ``expand[]=payment_intent.latest_charge`` needs 2022-11-15 or later)."""
_ID = re.compile(r"[A-Za-z0-9_]{1,255}")
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_PAGE_MAX = 100
_DEFAULT_RETRY = RetryPolicy()
_EXPAND = ("payment_intent", "payment_intent.latest_charge")

ERROR_CODES: Final[dict[str, type[ProviderError]]] = {
    "idempotency_error": Conflict,
    "idempotency_key_in_use": Conflict,
    "charge_already_refunded": Conflict,
    "payment_intent_unexpected_state": Conflict,
    "checkout_session_not_open": Conflict,
    "resource_missing": NotFound,
    "rate_limit": ProviderUnavailable,
    "lock_timeout": ProviderUnavailable,
    "api_error": ProviderUnavailable,
}
"""Stripe error codes (or types) whose error class differs from their HTTP status's."""


def error_class(code: str | None, status: int) -> type[ProviderError] | None:
    """The error class for a Stripe error code, or ``None`` to keep the HTTP status's class.

    The hook :func:`lgds_components.http.raise_for_status` calls; a ``401`` is
    always :class:`~lgds_components.errors.AuthenticationError`.

    >>> error_class("resource_missing", 400).__name__, error_class("card_declined", 402)
    ('NotFound', None)
    """
    if status == 401:
        return None
    return ERROR_CODES.get(code or "")


def key_kind(api_key: Secret | str) -> str:
    """``"test"``, ``"live"`` or ``"unknown"`` from a Stripe secret or restricted key's prefix.

    >>> key_kind("sk_test_x"), key_kind("rk_live_x"), key_kind("pk_test_x")
    ('test', 'live', 'unknown')
    """
    value = api_key.reveal() if isinstance(api_key, Secret) else api_key
    for prefix in ("sk_", "rk_"):
        if value.startswith(prefix + "test_"):
            return "test"
        if value.startswith(prefix + "live_"):
            return "live"
    return "unknown"


def form_encode(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten nested data into Stripe's bracketed form fields.

    >>> form_encode({"a": 1, "b": {"c": True, "d": [{"e": "x"}]}, "f": None})
    [('a', '1'), ('b[c]', 'true'), ('b[d][0][e]', 'x')]
    """
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if value is None:
            continue
        if isinstance(value, Mapping):
            pairs.extend(form_encode(value, name))
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    pairs.extend(form_encode(item, f"{name}[{index}]"))
                else:
                    pairs.append((f"{name}[]" if key == "expand" else f"{name}[{index}]",
                                  _scalar(item)))
        else:
            pairs.append((name, _scalar(value)))
    return pairs


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------------------- wire models

_WIRE = ConfigDict(extra="ignore", hide_input_in_errors=True)


class _Error(BaseModel):
    model_config = _WIRE
    code: str | None = None
    message: str | None = None


class _Charge(BaseModel):
    model_config = _WIRE
    id: str
    amount_refunded: int = 0


class _Intent(BaseModel):
    model_config = _WIRE
    id: str
    status: str
    amount: int = 0
    amount_received: int = 0
    description: str | None = None
    capture_method: str | None = None
    last_payment_error: _Error | None = None
    latest_charge: _Charge | str | None = None
    created: int | None = None


class _Session(BaseModel):
    model_config = _WIRE
    id: str = Field(min_length=1)
    status: str | None = None
    payment_status: str | None = None
    amount_total: int | None = None
    currency: str | None = None
    client_reference_id: str | None = None
    created: int | None = None
    url: str | None = None
    success_url: str | None = None
    metadata: dict[str, Any] | None = None
    payment_intent: _Intent | str | None = None


class _Refund(BaseModel):
    model_config = _WIRE
    id: str
    amount: int
    status: str | None = None
    created: int | None = None
    payment_intent: str | None = None
    metadata: dict[str, Any] | None = None


class _List(BaseModel):
    model_config = _WIRE
    data: list[dict[str, Any]] = Field(default_factory=list)
    has_more: bool = False


class _Event(BaseModel):
    model_config = _WIRE
    id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    created: int | None = None
    data: dict[str, Any] = Field(default_factory=dict)


def _when(seconds: int | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


_EPOCH = datetime.fromtimestamp(0, UTC)


def _state(session: _Session, intent: _Intent | None) -> PaymentState:
    status = intent.status if intent is not None else None
    if session.status == "expired":
        return PaymentState.FAILED
    if status == "canceled":
        return PaymentState.CANCELLED
    if status == "requires_capture":
        return PaymentState.CAPTURABLE
    if session.status == "complete":
        if status == "succeeded" or session.payment_status in ("paid", "no_payment_required"):
            return PaymentState.SUCCESS
        return PaymentState.SUBMITTED
    if status == "succeeded":
        return PaymentState.SUCCESS
    if status in ("requires_action", "processing", "requires_confirmation"):
        return PaymentState.SUBMITTED
    if status == "requires_payment_method":
        return PaymentState.STARTED if intent and intent.last_payment_error else (
            PaymentState.CREATED)
    return PaymentState.CREATED


def _refund_status(raw: str | None) -> RefundStatus:
    if raw == "succeeded":
        return RefundStatus.SUCCESS
    if raw in ("failed", "canceled"):
        return RefundStatus.ERROR
    return RefundStatus.SUBMITTED


def _unreadable(what: str, exc: Exception) -> ProviderError:
    return ProviderError(f"Stripe sent {what} this library cannot read ({type(exc).__name__})",
                         provider="stripe")


def _parse_error(response: requests.Response) -> tuple[str | None, str | None]:
    data = response.json()
    error = data.get("error") if isinstance(data, Mapping) else None
    if not isinstance(error, Mapping):
        return None, None
    code = error.get("code") or error.get("type")
    message = error.get("message")
    return (code if isinstance(code, str) else None, message if isinstance(message, str) else None)


def payment_from_session(data: Any, provider: str = "stripe") -> Payment:
    """A :class:`Payment` from a Checkout Session object (its PaymentIntent expanded or not)."""
    try:
        session = _Session.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _unreadable("a Checkout Session", exc) from exc
    intent = session.payment_intent if isinstance(session.payment_intent, _Intent) else None
    state = _state(session, intent)
    amount = session.amount_total if session.amount_total is not None else (
        intent.amount if intent else 0)
    refund: dict[str, Any] = {"status": RefundAvailability.UNAVAILABLE if state.finished
                              else RefundAvailability.PENDING}
    if state is PaymentState.SUCCESS:
        received = intent.amount_received if intent and intent.amount_received else amount
        charge = intent.latest_charge if intent else None
        refunded = charge.amount_refunded if isinstance(charge, _Charge) else 0
        available = max(0, received - refunded)
        refund = {
            "status": RefundAvailability.AVAILABLE if available else RefundAvailability.FULL,
            "amount_available": available,
            "amount_submitted": refunded,
        }
    reference_id = intent.id if intent else (
        session.payment_intent if isinstance(session.payment_intent, str) else None)
    failure_code = failure_message = None
    if state is PaymentState.FAILED:
        failure_code, failure_message = "expired", "Payment expired"
    elif intent is not None and intent.last_payment_error is not None:
        failure_code = intent.last_payment_error.code
    return Payment(
        id=session.id,
        provider=provider,
        state=state,
        amount=amount,
        reference=session.client_reference_id or "",
        description=(intent.description if intent and intent.description else ""),
        next_url=session.url if session.status == "open" else None,
        return_url=session.success_url,
        provider_reference=reference_id,
        refund=RefundSummary(**refund),
        created=_when(session.created),
        failure_code=failure_code,
        failure_message=failure_message,
        delayed_capture=bool(intent and intent.capture_method == "manual"),
        metadata=session.metadata or {},
    )


def _refund(data: Any, payment_id: str) -> Refund:
    try:
        wire = _Refund.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _unreadable("a refund", exc) from exc
    return Refund(id=wire.id, payment_id=payment_id, amount=wire.amount,
                  status=_refund_status(wire.status), created=_when(wire.created) or _EPOCH)


_INTENT_EVENT_STATES = {
    "requires_capture": PaymentState.CAPTURABLE,
    "succeeded": PaymentState.SUCCESS,
    "canceled": PaymentState.CANCELLED,
    "processing": PaymentState.SUBMITTED,
    "requires_action": PaymentState.SUBMITTED,
    "requires_payment_method": PaymentState.STARTED,
}


def event_from_body(body: bytes, provider: str = "stripe") -> WebhookEvent:
    """A :class:`WebhookEvent` from a Stripe event body (already verified)."""
    from lgds_components.errors import InvalidFormat as _Invalid

    try:
        data = json.loads(body)
        event = _Event.model_validate(data)
    except (ValueError, UnicodeDecodeError, pydantic.ValidationError) as exc:
        raise _Invalid("The webhook body is not a Stripe event", code="invalid_webhook") from exc
    obj = event.data.get("object")
    obj = obj if isinstance(obj, Mapping) else {}
    kind = obj.get("object")
    fields: dict[str, Any] = {}
    try:
        if kind == "checkout.session":
            payment = payment_from_session(obj, provider)
            fields = {"payment": payment, "payment_id": payment.id, "state": payment.state,
                      "provider_reference": payment.provider_reference}
        elif kind == "payment_intent":
            intent = _Intent.model_validate(obj)
            fields = {"provider_reference": intent.id,
                      "state": _INTENT_EVENT_STATES.get(intent.status)}
        elif kind == "charge":
            intent_id = obj.get("payment_intent")
            fields = {"provider_reference": intent_id if isinstance(intent_id, str) else None}
        elif kind == "refund":
            refund = _Refund.model_validate(obj)
            fields = {"provider_reference": refund.payment_intent,
                      "refund": _refund(obj, (refund.metadata or {}).get("lgds_payment_id", ""))}
    except (ProviderError, pydantic.ValidationError) as exc:
        raise _Invalid("The webhook's object cannot be read", code="invalid_webhook") from exc
    return WebhookEvent(id=event.id, provider=provider, type=event.type,
                        created=_when(event.created) or _EPOCH, **fields)


# ---------------------------------------------------------------------------- the adapter


class Stripe(SessionHolder):
    """A :class:`~lgds_components.payments.protocol.PaymentProvider` for Stripe Checkout.

    Args:
        api_key: a secret or restricted key (``sk_test_...``, ``sk_live_...``).
        webhook_secret: the endpoint's signing secret (``whsec_...``), or several.
        base_url: Stripe's API (change it only for a local test server).
        session: a :class:`requests.Session`; by default one from
            :func:`~lgds_components.http.build_session`.
        retry: the retry policy for a session built here.
        timeout: ``(connect, read)`` seconds for a session built here.
        tolerance: seconds a webhook's timestamp may be older than now.
        api_version: sent as ``Stripe-Version``: :data:`API_VERSION` unless you
            choose another (``None`` sends none, so the account's default applies).
        clock: returns the Unix time, for checking webhook timestamps.
        new_key: makes the idempotency keys this adapter generates.
    """

    name = "stripe"

    def __init__(
        self,
        api_key: Secret | str,
        *,
        webhook_secret: Secret | str | Iterable[Secret | str] | None = None,
        base_url: str = BASE_URL,
        session: requests.Session | None = None,
        retry: RetryPolicy | None = _DEFAULT_RETRY,
        timeout: Timeout = DEFAULT_TIMEOUT,
        tolerance: float | None = DEFAULT_TOLERANCE,
        api_version: str | None = API_VERSION,
        clock: Callable[[], float] = time.time,
        new_key: Callable[[], str] = lambda: str(uuid.uuid4()),
        limits: ProviderLimits = STRIPE_LIMITS,
    ) -> None:
        self._key = as_secret(api_key, name="Stripe api_key")
        self.key_kind: str = key_kind(self._key)
        self.is_live: bool = self.key_kind != "test"
        self.limits = limits
        self.base_url: str = base_url.rstrip("/")
        self.tolerance = tolerance
        self._clock = clock
        self._new_key = new_key
        self._webhook_secrets = secrets_of(webhook_secret)
        self._secrets = (self._key, *self._webhook_secrets)
        self.api_version = api_version
        self._hold_session(session, lambda: build_session(
            provider=self.name, secrets=self._secrets, retry=retry, timeout=timeout
        ))

    def __repr__(self) -> str:
        return f"<Stripe {self.key_kind} key {self.base_url}>"

    # ------------------------------------------------------------------ HTTP

    def _call(
        self,
        method: str,
        path: str,
        *,
        form: Mapping[str, Any] | None = None,
        params: Iterable[tuple[str, str]] | None = None,
        idempotency_key: str | None = None,
        hide: Iterable[str] = (),
    ) -> Any:
        headers = {"Authorization": bearer(self._key)}  # made per request, never kept
        if self.api_version:
            headers["Stripe-Version"] = self.api_version
        data = None
        if method == "POST":
            headers[IDEMPOTENCY_KEY_HEADER] = idempotency_key or self._new_key()
            data = form_encode(form or {})
        response = send(
            self._session, method, self.base_url + path, provider=self.name,
            secrets=(*self._secrets, *(h for h in hide if h)), parse_error=_parse_error,
            error_class=error_class, data=data, params=list(params or ()), headers=headers,
        )
        try:
            return response.json()
        except ValueError as exc:
            raise ProviderError("Stripe sent a reply that is not JSON", provider=self.name,
                                status=response.status_code) from exc
        finally:
            response.close()

    @staticmethod
    def _path_id(value: str, field: str = "payment_id") -> str:
        if not isinstance(value, str) or not _ID.fullmatch(value):
            raise InvalidFormat(f"{field} must be a Stripe id (letters, digits and _)",
                                field=field)
        return quote(value, safe="")

    def _session_data(self, payment_id: str) -> dict[str, Any]:
        params = [("expand[]", item) for item in _EXPAND]
        data: dict[str, Any] = self._call(
            "GET", f"/v1/checkout/sessions/{self._path_id(payment_id)}", params=params)
        return data

    def _intent_of(self, payment_id: str) -> tuple[Payment, _Intent | None]:
        data = self._session_data(payment_id)
        payment = payment_from_session(data, self.name)
        raw = data.get("payment_intent") if isinstance(data, Mapping) else None
        intent = None
        if isinstance(raw, Mapping):
            try:
                intent = _Intent.model_validate(raw)
            except pydantic.ValidationError as exc:
                raise _unreadable("a PaymentIntent", exc) from exc
        return payment, intent

    # ------------------------------------------------------------------ the provider interface

    def create_payment(
        self, request: PaymentRequest, idempotency_key: str | None = None
    ) -> Payment:
        """Create a Checkout Session; send the payer to ``next_url``."""
        if not isinstance(request, PaymentRequest):
            raise TypeError("create_payment needs a PaymentRequest")
        self.limits.check(request, live=self.is_live)
        if idempotency_key is not None and not (
            isinstance(idempotency_key, str) and _KEY.fullmatch(idempotency_key)
        ):
            raise InvalidFormat("idempotency_key must be 1 to 255 printable ASCII characters",
                                field="idempotency_key")
        metadata = {key: _scalar(value) for key, value in request.metadata.items()}
        intent_data: dict[str, Any] = {"description": request.description}
        if metadata:
            intent_data["metadata"] = metadata
        if request.delayed_capture:
            intent_data["capture_method"] = "manual"
        form: dict[str, Any] = {
            "mode": "payment",
            "success_url": request.return_url,
            "cancel_url": request.return_url,
            "client_reference_id": request.reference,
            "locale": request.language,
            "line_items": [{
                "quantity": 1,
                "price_data": {
                    "currency": "gbp",
                    "unit_amount": request.amount,
                    "product_data": {"name": request.description},
                },
            }],
            "payment_intent_data": intent_data,
            "customer_email": request.email,
            "metadata": metadata or None,
            "expand": ["payment_intent"],
        }
        data = self._call("POST", "/v1/checkout/sessions", form=form,
                          idempotency_key=idempotency_key, hide=(request.email or "",))
        payment = payment_from_session(data, self.name)
        if not payment.description:
            payment = payment.model_copy(update={"description": request.description})
        logger.info("stripe created checkout session %s for %d pence", payment.id,
                    payment.amount)
        return payment

    def get_payment(self, payment_id: str) -> Payment:
        """The payment now: the session with its PaymentIntent and latest charge expanded."""
        return payment_from_session(self._session_data(payment_id), self.name)

    def cancel_payment(self, payment_id: str) -> None:
        """Expire an open session, or cancel an uncaptured PaymentIntent; else :class:`Conflict`."""
        payment, intent = self._intent_of(payment_id)
        if payment.state.finished:
            raise Conflict(f"A {payment.state} payment cannot be cancelled", provider=self.name,
                           provider_code="payment_finished")
        if intent is not None and intent.status == "requires_capture":
            self._call("POST", f"/v1/payment_intents/{self._path_id(intent.id)}/cancel")
        else:
            self._call("POST", f"/v1/checkout/sessions/{self._path_id(payment_id)}/expire")

    def capture_payment(self, payment_id: str) -> None:
        """Capture an uncaptured PaymentIntent; :class:`Conflict` if not ``capturable``."""
        payment, intent = self._intent_of(payment_id)
        if intent is None or payment.state is not PaymentState.CAPTURABLE:
            raise Conflict(f"A {payment.state} payment cannot be captured", provider=self.name,
                           provider_code="payment_intent_unexpected_state")
        self._call("POST", f"/v1/payment_intents/{self._path_id(intent.id)}/capture")

    def refund(
        self, payment_id: str, amount: int, expected_available: int | None = None
    ) -> Refund:
        """Refund ``amount`` pence of a successful payment (see the module notes)."""
        pence = to_pence(amount, field="amount")
        self.limits.check_refund(pence)
        payment, intent = self._intent_of(payment_id)
        if payment.state is not PaymentState.SUCCESS or intent is None:
            raise Conflict("This payment cannot be refunded", provider=self.name,
                           provider_code="payment_not_refundable")
        available = payment.refund.amount_available
        if expected_available is not None and expected_available != available:
            raise Conflict("expected_available does not match the amount available to refund",
                           provider=self.name, provider_code="refund_amount_available_mismatch")
        if pence > available:
            raise Conflict("The refund is more than the amount available to refund",
                           provider=self.name, provider_code="amount_too_large")
        data = self._call("POST", "/v1/refunds", form={
            "payment_intent": intent.id,
            "amount": pence,
            "metadata": {"lgds_payment_id": payment_id},
        })
        return _refund(data, payment_id)

    def refunds(self, payment_id: str) -> list[Refund]:
        """Every refund of the payment, oldest first (all pages of ``GET /v1/refunds``)."""
        payment = self.get_payment(payment_id)
        if payment.provider_reference is None:
            return []
        found: list[Refund] = []
        after: str | None = None
        while True:
            params = [("payment_intent", payment.provider_reference), ("limit", str(_PAGE_MAX))]
            if after:
                params.append(("starting_after", after))
            page = self._list(self._call("GET", "/v1/refunds", params=params), "refunds")
            found.extend(_refund(item, payment_id) for item in page.data)
            if not page.has_more or not page.data:
                break
            after = str(page.data[-1].get("id"))
        return sorted(found, key=lambda r: (r.created, r.id))

    @staticmethod
    def _list(data: Any, what: str) -> _List:
        try:
            return _List.model_validate(data)
        except pydantic.ValidationError as exc:
            raise _unreadable(what, exc) from exc

    def search(
        self,
        *,
        reference: str | None = None,
        state: PaymentState | None = None,
        from_date: datetime | None = None,
        to_date: datetime | None = None,
        page_size: int | None = None,
    ) -> Iterator[Payment]:
        """Iterate over Checkout Sessions, newest first, following ``starting_after`` pages.

        Stripe's list of Checkout Sessions takes no date or reference filter
        (at :data:`API_VERSION`), so ``reference``, ``state`` and the dates
        are filtered here; since the list is newest first, paging stops at the
        first session made before ``from_date``.
        """
        size = page_size or _PAGE_MAX
        if not 1 <= size <= _PAGE_MAX:
            raise InvalidFormat(f"page_size must be 1 to {_PAGE_MAX}", field="page_size")
        wanted = PaymentState(state) if state is not None else None
        for name, moment in (("from_date", from_date), ("to_date", to_date)):
            if moment is not None and moment.tzinfo is None:
                raise InvalidFormat("search dates must be timezone-aware", field=name)
        base = [("limit", str(size)), ("expand[]", "data.payment_intent"),
                ("expand[]", "data.payment_intent.latest_charge")]
        after: str | None = None
        while True:
            params = [*base, ("starting_after", after)] if after else base
            page = self._list(self._call("GET", "/v1/checkout/sessions", params=params),
                              "a session list")
            for item in page.data:
                payment = payment_from_session(item, self.name)
                created = payment.created
                if from_date is not None and created is not None and created < from_date:
                    return  # everything after this is older still
                if to_date is not None and created is not None and created >= to_date:
                    continue
                if reference is not None and payment.reference != reference:
                    continue
                if wanted is not None and payment.state is not wanted:
                    continue
                yield payment
            if not page.has_more or not page.data:
                return
            after = str(page.data[-1].get("id"))

    def verify_webhook(self, body: bytes, headers: Headers) -> WebhookEvent:
        """Check ``Stripe-Signature`` on the raw ``body`` and return the event.

        Raises :class:`~lgds_components.payments.webhooks.InvalidSignature`
        for a missing, malformed, wrong or stale signature, and
        :class:`~lgds_components.errors.ConfigurationError` without a ``webhook_secret``.
        """
        if not self._webhook_secrets:
            raise ConfigurationError("Stripe needs webhook_secret to verify webhooks")
        verify_stripe_signature(body, headers, self._webhook_secrets,
                                tolerance=self.tolerance, now=self._clock())
        return event_from_body(body, self.name)
