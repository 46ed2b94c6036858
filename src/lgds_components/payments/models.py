"""What crosses the boundary: a payment request, a payment, a refund, a webhook event.

These are pydantic models, frozen, the same for every provider. Providers
translate their own JSON into them and ignore fields they do not know.

A :class:`PaymentRequest` checks what is true for every provider (a positive
amount in pence, a reference, a description, an absolute ``return_url``, a
valid email address, ``en`` or ``cy``); each provider then checks its own
limits (:mod:`lgds_components.payments.limits`) before anything is sent.
A bad value raises a :class:`~lgds_components.errors.ValidationError` naming
the field, never echoing what was given:

>>> from lgds_components.payments.models import PaymentRequest
>>> request = PaymentRequest(amount="£45.00", reference="GW-1", description="Garden waste",
...                          return_url="https://council.example/pay/done")
>>> request.amount, request.language
(4500, 'en')
>>> PaymentRequest(amount=45.0, reference="GW-1", description="Garden waste",
...                return_url="https://council.example/pay/done")
Traceback (most recent call last):
...
lgds_components.errors.InvalidFormat: amount: Give an amount as text or as whole pence ...

Inside other pydantic models (a FastAPI request body, say) the same refusal
arrives as a pydantic ``ValidationError`` whose message is ours
(``"Value error, amount: ..."``); the value itself is never shown.

The payer's email address and prefilled card-holder details never appear in
``repr()``:

>>> PaymentRequest(amount=100, reference="R", description="D", return_url="https://x.example/",
...                email="resident@example.com",
...                prefilled_cardholder_details={"cardholder_name": "A Resident"})
PaymentRequest(amount=100, reference='R', description='D', return_url='https://x.example/', ...)
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import pydantic
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
    computed_field,
    field_validator,
)
from pydantic_core import PydanticCustomError

from lgds_components.errors import InvalidFormat, InvalidLength, MissingValue, ValidationError
from lgds_components.identifiers import email as _email
from lgds_components.payments.money import Pence
from lgds_components.payments.states import PaymentState, RefundAvailability, RefundStatus

__all__ = [
    "BillingAddress",
    "CardholderDetails",
    "MetadataValue",
    "Payment",
    "PaymentRequest",
    "Refund",
    "RefundSummary",
    "WebhookEvent",
]

MASKED = "********"
_URL_MESSAGE = "return_url must be an absolute http or https URL"



def _metadata_value(value: Any) -> str | bool | int | float:
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("invalid_metadata", "metadata numbers must be finite")
    if not isinstance(value, (str, bool, int, float)):
        raise PydanticCustomError(
            "invalid_metadata", "metadata values must be text, a number, true or false"
        )
    return value


MetadataValue = Annotated[
    str | bool | int | float,
    PlainValidator(_metadata_value),
    WithJsonSchema({"type": ["string", "number", "boolean"]}),
]
"""A metadata value: text, a number, ``True`` or ``False`` (never nested, never null)."""

_INPUT = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)
_OUTPUT = ConfigDict(frozen=True, extra="ignore", hide_input_in_errors=True)


def _lgds_error(exc: pydantic.ValidationError) -> ValidationError:
    """Our error for the first problem pydantic found, located at its field, input hidden."""
    first = exc.errors(include_input=False, include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    kind, message = first["type"], first["msg"]
    inner = first.get("ctx", {}).get("error")
    if isinstance(inner, ValidationError):  # a nested model of ours refused a value
        where = ".".join(part for part in (field, inner.field) if part) or None
        return inner.located(field=where)
    if kind == "missing":
        return MissingValue(f"{field} is required", field=field)
    if kind in ("string_too_short", "string_too_long", "too_short", "too_long"):
        return InvalidLength(message, code=kind, field=field)
    if kind in ("missing_value", MissingValue.default_code):
        return MissingValue(message, field=field)
    if kind == InvalidLength.default_code:
        return InvalidLength(message, field=field)
    return InvalidFormat(message, code=kind, field=field)


class _Input(BaseModel):
    """A model built from what a caller hands in: errors are ours, inputs hidden."""

    model_config = _INPUT

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise _lgds_error(exc) from exc


def _text(value: Any, *, required: bool = True) -> Any:
    if isinstance(value, str) and required and not value.strip():
        raise PydanticCustomError("missing_value", "must not be empty")
    return value


class BillingAddress(_Input):
    """A billing address to prefill on the payment page. Shown masked in ``repr()``."""

    line1: str | None = None
    line2: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2, such as GB")

    def __repr__(self) -> str:
        return f"BillingAddress({MASKED})"

    __str__ = __repr__


class CardholderDetails(_Input):
    """Card-holder details to prefill on the payment page. Shown masked in ``repr()``.

    >>> CardholderDetails(cardholder_name="A Resident")
    CardholderDetails(********)
    """

    cardholder_name: str | None = None
    billing_address: BillingAddress | None = None

    def __repr__(self) -> str:
        return f"CardholderDetails({MASKED})"

    __str__ = __repr__


class PaymentRequest(_Input):
    """A payment the service asks a provider to take.

    Attributes:
        amount: in pence (an int), or pounds as text (``"£45.00"``); never a float.
        reference: the service's own reference (not necessarily unique).
        description: what the payer is paying for; shown on the payment page.
        return_url: where the provider sends the payer when they finish.
        email: the payer's email address, to prefill; hidden from ``repr()``.
        language: ``"en"`` or ``"cy"`` (Welsh) for the payment pages.
        metadata: up to the provider's limit of keys with text, number or
            boolean values, for reconciliation in the provider's reports.
        prefilled_cardholder_details: name and billing address to prefill;
            hidden from ``repr()``.
        delayed_capture: authorise now and take the money later with
            ``capture_payment`` (the payment stops at ``capturable``).
    """

    amount: Pence
    reference: str
    description: str
    return_url: str
    email: str | None = Field(default=None, repr=False)
    language: Literal["en", "cy"] = "en"
    metadata: dict[str, MetadataValue] = Field(default_factory=dict)
    prefilled_cardholder_details: CardholderDetails | None = Field(default=None, repr=False)
    delayed_capture: bool = False

    @field_validator("reference", "description", mode="before")
    @classmethod
    def _not_blank(cls, value: Any) -> Any:
        return _text(value)

    @field_validator("amount", mode="after")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise PydanticCustomError("too_small", "Amount must be £0.01 or more")
        return value

    @field_validator("return_url", mode="after")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        if len(value) > 10_000 or any(c.isspace() for c in value):
            raise PydanticCustomError("invalid_url", _URL_MESSAGE)
        try:
            parts = urlsplit(value)
        except ValueError:
            raise PydanticCustomError("invalid_url", _URL_MESSAGE) from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PydanticCustomError("invalid_url", _URL_MESSAGE)
        return value

    @field_validator("email", mode="after")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return _email.validate(value)
        except ValidationError as exc:
            raise PydanticCustomError(exc.code, exc.message) from None

    def fingerprint(self) -> str:
        """A digest of every field, to tell a retried request from a different one.

        >>> a = PaymentRequest(amount=100, reference="R", description="D",
        ...                    return_url="https://x.example/")
        >>> a.fingerprint() == a.model_copy().fingerprint()
        True
        """
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(canonical.encode()).hexdigest()


class RefundSummary(BaseModel):
    """How much of a payment can still be refunded."""

    model_config = _OUTPUT

    status: RefundAvailability = RefundAvailability.PENDING
    amount_available: int = 0
    amount_submitted: int = 0


class Payment(BaseModel):
    """A payment as a provider reports it.

    Attributes:
        id: the provider's payment id (GOV.UK Pay ``payment_id``, a Stripe
            Checkout Session id).
        provider: the provider's registry name.
        state: where the payment is; ``finished`` says whether it can change.
        amount: in pence.
        next_url: where to send the payer; give it to nobody else (hidden from ``repr()``).
        provider_reference: the payment service provider's own id, when known.
        refund: how much can still be refunded.
        failure_code: why a payment failed (GOV.UK Pay ``P0010`` ... ``P0050``).
    """

    model_config = _OUTPUT

    id: str
    provider: str
    state: PaymentState
    amount: int
    reference: str = ""
    description: str = ""
    next_url: str | None = Field(default=None, repr=False)
    return_url: str | None = Field(default=None, repr=False)
    provider_reference: str | None = None
    refund: RefundSummary = Field(default_factory=RefundSummary)
    created: datetime | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    delayed_capture: bool = False
    metadata: dict[str, Any] = Field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def finished(self) -> bool:
        """Whether the payment's state can no longer change."""
        return self.state.finished


class Refund(BaseModel):
    """One refund of a payment."""

    model_config = _OUTPUT

    id: str
    payment_id: str
    amount: int
    status: RefundStatus
    created: datetime


class WebhookEvent(BaseModel):
    """A verified webhook message, in provider-neutral form.

    Attributes:
        id: the provider's id for this message; the same message delivered
            twice has the same id.
        provider: the provider's registry name.
        type: the provider's event type (``card_payment_succeeded``,
            ``checkout.session.completed``).
        payment_id: the payment it is about, when the message says (Stripe
            payment-intent events give ``provider_reference`` instead).
        state: the payment's state after the event, when the message says.
        refund: the refund it is about, for refund events.
        payment: the payment as the message describes it, when it does.
    """

    model_config = _OUTPUT

    id: str
    provider: str
    type: str
    created: datetime
    payment_id: str | None = None
    provider_reference: str | None = None
    state: PaymentState | None = None
    refund: Refund | None = None
    payment: Payment | None = Field(default=None, repr=False)
