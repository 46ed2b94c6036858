"""GOV.UK Pay's JSON, in and out: request bodies and response parsing.

Shared by the GOV.UK Pay adapter, FakePay and the local GOV.UK Pay server.
Response models ignore fields they do not know, as GOV.UK Pay asks clients to.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from lgds_components.errors import InvalidFormat, ProviderError
from lgds_components.payments.models import (
    Payment,
    PaymentRequest,
    Refund,
    RefundSummary,
    WebhookEvent,
)
from lgds_components.payments.states import PaymentState, RefundAvailability, RefundStatus

__all__ = [
    "EVENT_STATES",
    "create_body",
    "parse_payment",
    "parse_refund",
    "parse_refunds",
    "parse_search",
    "parse_webhook",
    "refund_body",
]

_WIRE = ConfigDict(extra="ignore", hide_input_in_errors=True, populate_by_name=True)

EVENT_STATES: dict[str, PaymentState | None] = {
    "card_payment_started": PaymentState.STARTED,
    "card_payment_succeeded": PaymentState.SUCCESS,
    "card_payment_captured": PaymentState.SUCCESS,
    "card_payment_settled": PaymentState.SUCCESS,
    "card_payment_refunded": None,
    "card_payment_failed": PaymentState.FAILED,
    "card_payment_expired": PaymentState.FAILED,
}
"""The state a webhook event type implies, used when the message carries no payment state."""


def create_body(request: PaymentRequest) -> dict[str, Any]:
    """The JSON body of ``POST /v1/payments`` for ``request``."""
    body: dict[str, Any] = {
        "amount": request.amount,
        "reference": request.reference,
        "description": request.description,
        "return_url": request.return_url,
        "language": request.language,
    }
    if request.delayed_capture:
        body["delayed_capture"] = True
    if request.email is not None:
        body["email"] = request.email
    if request.metadata:
        body["metadata"] = dict(request.metadata)
    details = request.prefilled_cardholder_details
    if details is not None:
        prefill: dict[str, Any] = {}
        if details.cardholder_name is not None:
            prefill["cardholder_name"] = details.cardholder_name
        if details.billing_address is not None:
            address = details.billing_address.model_dump(exclude_none=True)
            if address:
                prefill["billing_address"] = address
        if prefill:
            body["prefilled_cardholder_details"] = prefill
    return body


def refund_body(amount: int, expected_available: int | None) -> dict[str, Any]:
    """The JSON body of ``POST /v1/payments/{id}/refunds``."""
    body: dict[str, Any] = {"amount": amount}
    if expected_available is not None:
        body["refund_amount_available"] = expected_available
    return body


class _Link(BaseModel):
    model_config = _WIRE
    href: str | None = None
    method: str | None = None


class _Links(BaseModel):
    model_config = _WIRE
    next_url: _Link | None = None


class _State(BaseModel):
    model_config = _WIRE
    status: str
    finished: bool | None = None
    code: str | None = None
    message: str | None = None


class _RefundSummary(BaseModel):
    model_config = _WIRE
    status: str | None = None
    amount_available: int | None = None
    amount_submitted: int | None = None


class _Payment(BaseModel):
    model_config = _WIRE
    payment_id: str = Field(min_length=1)
    amount: int
    state: _State
    reference: str = ""
    description: str = ""
    return_url: str | None = None
    created_date: datetime | None = None
    provider_id: str | None = None
    delayed_capture: bool = False
    metadata: dict[str, Any] | None = None
    refund_summary: _RefundSummary | None = None
    links: _Links | None = Field(default=None, alias="_links")


class _Refund(BaseModel):
    model_config = _WIRE
    refund_id: str = Field(min_length=1)
    amount: int
    status: str
    created_date: datetime | None = None
    payment_id: str | None = None


class _Embedded(BaseModel):
    model_config = _WIRE
    refunds: list[_Refund] = Field(default_factory=list)


class _RefundList(BaseModel):
    model_config = _WIRE
    payment_id: str | None = None
    embedded: _Embedded | None = Field(default=None, alias="_embedded")


class _SearchPage(BaseModel):
    model_config = _WIRE
    total: int | None = None
    count: int | None = None
    page: int | None = None
    results: list[dict[str, Any]] = Field(default_factory=list)


class _Webhook(BaseModel):
    model_config = _WIRE
    webhook_message_id: str | None = None
    id: str | None = None
    created_date: datetime | None = None
    resource_id: str | None = None
    resource_type: str | None = None
    event_type: str = Field(min_length=1)
    resource: dict[str, Any] | None = None


_EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")


def _unreadable(provider: str, what: str, exc: Exception) -> ProviderError:
    return ProviderError(
        f"{provider} sent {what} this library cannot read ({type(exc).__name__})",
        provider=provider,
    )


def _state(raw: str, provider: str) -> PaymentState:
    try:
        return PaymentState(raw)
    except ValueError:
        raise ProviderError(f"{provider} reported an unknown payment status", provider=provider
                            ) from None


def _refund_summary(raw: _RefundSummary | None, state: PaymentState) -> dict[str, Any]:
    if raw is None:
        return {}
    try:
        status = RefundAvailability(raw.status) if raw.status else None
    except ValueError:  # a status added after this library was written
        status = None
    summary: dict[str, Any] = {
        "amount_available": raw.amount_available or 0,
        "amount_submitted": raw.amount_submitted or 0,
    }
    if status is not None:
        summary["status"] = status
    elif state is not PaymentState.SUCCESS:
        summary["status"] = RefundAvailability.UNAVAILABLE if state.finished else (
            RefundAvailability.PENDING)
    return summary


def parse_payment(data: Any, provider: str = "govuk-pay") -> Payment:
    """A :class:`Payment` from GOV.UK Pay's payment JSON (create, get, search result, webhook)."""
    try:
        wire = _Payment.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _unreadable(provider, "a payment", exc) from exc
    state = _state(wire.state.status, provider)
    next_url = None
    if wire.links is not None and wire.links.next_url is not None:
        next_url = wire.links.next_url.href
    return Payment(
        id=wire.payment_id,
        provider=provider,
        state=state,
        amount=wire.amount,
        reference=wire.reference,
        description=wire.description,
        next_url=next_url,
        return_url=wire.return_url,
        provider_reference=wire.provider_id,
        refund=RefundSummary(**_refund_summary(wire.refund_summary, state)),
        created=wire.created_date,
        failure_code=wire.state.code,
        failure_message=wire.state.message,
        delayed_capture=wire.delayed_capture,
        metadata=wire.metadata or {},
    )


def _refund_status(raw: str, provider: str) -> RefundStatus:
    try:
        return RefundStatus(raw)
    except ValueError:
        raise ProviderError(f"{provider} reported an unknown refund status", provider=provider
                            ) from None


def _refund(wire: _Refund, payment_id: str, provider: str) -> Refund:
    return Refund(
        id=wire.refund_id,
        payment_id=wire.payment_id or payment_id,
        amount=wire.amount,
        status=_refund_status(wire.status, provider),
        created=wire.created_date or _EPOCH,
    )


def parse_refund(data: Any, payment_id: str, provider: str = "govuk-pay") -> Refund:
    """A :class:`Refund` from GOV.UK Pay's refund JSON."""
    try:
        wire = _Refund.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _unreadable(provider, "a refund", exc) from exc
    return _refund(wire, payment_id, provider)


def parse_refunds(data: Any, payment_id: str, provider: str = "govuk-pay") -> list[Refund]:
    """Every :class:`Refund` in a ``GET /v1/payments/{id}/refunds`` body, oldest first."""
    try:
        wire = _RefundList.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _unreadable(provider, "a refund list", exc) from exc
    refunds = [_refund(r, payment_id, provider) for r in (wire.embedded.refunds if wire.embedded
                                                          else [])]
    return sorted(refunds, key=lambda r: r.created)


def parse_search(data: Any, provider: str = "govuk-pay") -> tuple[list[Payment], int | None]:
    """The payments on one page of GOV.UK Pay's search results, and the total."""
    try:
        wire = _SearchPage.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _unreadable(provider, "search results", exc) from exc
    return [parse_payment(item, provider) for item in wire.results], wire.total


def _refund_payment_id(resource: Mapping[str, Any]) -> str | None:
    """The payment a refund belongs to: ``payment_id``, else the end of ``_links.payment``."""
    payment_id = resource.get("payment_id")
    if isinstance(payment_id, str) and payment_id:
        return payment_id
    links = resource.get("_links")
    link = links.get("payment") if isinstance(links, Mapping) else None
    href = link.get("href") if isinstance(link, Mapping) else None
    if isinstance(href, str) and href.rstrip("/"):
        return href.rstrip("/").rsplit("/", 1)[-1] or None
    return None


def _webhook_resource(
    wire: _Webhook, provider: str
) -> tuple[Payment | None, Refund | None, str | None]:
    """The payment or refund a webhook carries, and the payment it is about."""
    resource_type = (wire.resource_type or "payment").lower()
    resource = wire.resource if isinstance(wire.resource, Mapping) else None
    if resource_type == "refund":
        if resource is None:
            return None, None, None
        payment_id = _refund_payment_id(resource)
        try:
            refund = parse_refund(resource, payment_id or "", provider)
        except ProviderError as exc:
            raise InvalidFormat("The webhook's refund cannot be read",
                                code="invalid_webhook") from exc
        return None, refund, payment_id
    if resource_type != "payment":
        return None, None, None
    if resource is None:
        return None, None, wire.resource_id
    try:
        payment = parse_payment(resource, provider)
    except ProviderError as exc:
        raise InvalidFormat("The webhook's payment cannot be read",
                            code="invalid_webhook") from exc
    return payment, None, payment.id


def parse_webhook(body: bytes, provider: str = "govuk-pay") -> WebhookEvent:
    """A :class:`WebhookEvent` from a GOV.UK Pay webhook body (already verified).

    ``resource_type`` ``PAYMENT`` (any case) gives the payment and its state;
    ``REFUND`` gives the refund (``resource_id`` is then the refund's id, and
    the payment's id comes from the refund's ``payment_id`` or its
    ``_links.payment``), with no payment state.
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidFormat("The webhook body is not JSON", code="invalid_webhook") from exc
    if not isinstance(data, Mapping):
        raise InvalidFormat("The webhook body is not a JSON object", code="invalid_webhook")
    try:
        wire = _Webhook.model_validate(data)
    except pydantic.ValidationError as exc:
        raise InvalidFormat("The webhook body has no event_type", code="invalid_webhook") from exc
    message_id = wire.webhook_message_id or wire.id
    if not message_id:
        raise InvalidFormat("The webhook body has no webhook_message_id", code="invalid_webhook")
    event_type = wire.event_type.lower()
    payment, refund, payment_id = _webhook_resource(wire, provider)
    state = payment.state if payment is not None else (
        None if refund is not None else EVENT_STATES.get(event_type))
    return WebhookEvent(
        id=message_id,
        provider=provider,
        type=event_type,
        created=wire.created_date or _EPOCH,
        payment_id=payment_id,
        provider_reference=payment.provider_reference if payment is not None else None,
        state=state,
        refund=refund,
        payment=payment,
    )
