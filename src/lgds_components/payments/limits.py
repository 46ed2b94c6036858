"""Each provider's limits, checked before any request is sent.

A :class:`~lgds_components.payments.models.PaymentRequest` is valid for every
provider; a provider adds its own limits, declared as a :class:`ProviderLimits`
on its ``limits`` attribute and checked by ``create_payment`` before anything
goes over the network. A refusal names the field and never echoes the value:

>>> from lgds_components.payments.models import CardholderDetails, PaymentRequest
>>> request = PaymentRequest(amount="£100,000.01", reference="GW-1",
...                          description="Garden waste", return_url="http://council.example/")
>>> GOVUK_PAY_LIMITS.check(request, live=False)
Traceback (most recent call last):
...
lgds_components.errors.InvalidComponent: amount: Amount must be £100,000.00 or less
>>> small = request.model_copy(update={"amount": 4500})
>>> GOVUK_PAY_LIMITS.check(small, live=False)
>>> GOVUK_PAY_LIMITS.check(small, live=True)
Traceback (most recent call last):
...
lgds_components.errors.InvalidFormat: return_url: return_url must use https with a live API key

:data:`GOVUK_PAY_LIMITS` follows GOV.UK Pay's documentation: amounts from 1p
to £100,000 (your payment service provider may set a lower maximum: pass
``max_amount``), reference and description up to 255 characters, up to 15
metadata keys of 1 to 30 characters with text values up to 100 characters,
a ``return_url`` up to 2,000 characters and HTTPS with a live key, and none
of the characters GOV.UK Pay's firewall blocks (``< > \\ | "``: error P0920).
:data:`STRIPE_LIMITS` takes every length Stripe's OpenAPI document gives for the
requests the adapter makes (API version 2023-08-16, the one the adapter pins): a
description up to 1,000 characters (``payment_intent_data[description]``; the
same text is the line item's name, which may have 5,000), a client reference up
to 200 and a ``return_url`` up to 5,000 (``success_url`` and ``cancel_url``).
The rest follow Stripe's documentation, since the document gives no limit for
them: at least 30p for GBP, up to 8 digits, up to 50 metadata keys of up to 40
characters with values up to 500, English payment pages only (Checkout has no
Welsh), and no prefilled card-holder details (they are dropped: Checkout asks
for them itself). A test checks these against the document's request schemas.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

import attrs

from lgds_components.errors import InvalidComponent, InvalidFormat, InvalidLength
from lgds_components.payments.models import CardholderDetails, PaymentRequest
from lgds_components.payments.money import format_pence

__all__ = ["GOVUK_PAY_LIMITS", "STRIPE_LIMITS", "ProviderLimits"]


def _too_long(field: str, limit: int) -> InvalidLength:
    return InvalidLength(f"{field} must be {limit:,} characters or fewer", field=field)


@attrs.frozen(slots=True)
class ProviderLimits:
    """What one provider accepts in a payment request.

    Every length is in characters. ``None`` means no limit of that kind.
    """

    min_amount: int = 1
    max_amount: int = 10_000_000
    reference_max: int = 255
    description_max: int = 255
    return_url_max: int = 2_000
    https_when_live: bool = True
    metadata_max_keys: int = 15
    metadata_key_min: int = 1
    metadata_key_max: int = 30
    metadata_value_max: int = 100
    email_max: int = 254
    cardholder_field_max: int = 255
    postcode_max: int = 25
    languages: tuple[str, ...] = ("en", "cy")
    forbidden_characters: str = ""
    prefills_cardholder_details: bool = True
    refund_max: int = 10_000_000

    def check(self, request: PaymentRequest, *, live: bool) -> None:
        """Raise a :class:`~lgds_components.errors.ValidationError` if ``request`` breaks one."""
        self.check_amount(request.amount)
        self._length("reference", request.reference, self.reference_max)
        self._length("description", request.description, self.description_max)
        self._length("return_url", request.return_url, self.return_url_max)
        if live and self.https_when_live and urlsplit(request.return_url).scheme != "https":
            raise InvalidFormat(
                "return_url must use https with a live API key", code="https_required",
                field="return_url",
            )
        if request.language not in self.languages:
            listed = " or ".join(repr(lang) for lang in self.languages)
            raise InvalidComponent(
                f"language must be {listed} for this provider", code="unsupported_language",
                field="language",
            )
        if request.email is not None:
            self._length("email", request.email, self.email_max)
        self._metadata(request.metadata)
        details = request.prefilled_cardholder_details
        if details is not None and self.prefills_cardholder_details:
            self._cardholder(details)

    def check_amount(self, amount: int, *, field: str = "amount") -> None:
        """Raise :class:`~lgds_components.errors.InvalidComponent` unless a payment can be this."""
        self._range(amount, self.min_amount, self.max_amount, field)

    def check_refund(self, amount: int, *, field: str = "amount") -> None:
        """Raise :class:`~lgds_components.errors.InvalidComponent` unless a refund can be this."""
        self._range(amount, 1, self.refund_max, field)

    @staticmethod
    def _range(amount: int, low: int, high: int, field: str) -> None:
        if amount < low:
            raise InvalidComponent(f"Amount must be {format_pence(low)} or more",
                                   code="too_small", field=field)
        if amount > high:
            raise InvalidComponent(f"Amount must be {format_pence(high)} or less",
                                   code="too_large", field=field)

    def _length(self, field: str, value: str, limit: int | None) -> None:
        if limit is not None and len(value) > limit:
            raise _too_long(field, limit)
        self._characters(field, value)

    def _characters(self, field: str, value: str) -> None:
        if self.forbidden_characters and any(c in self.forbidden_characters for c in value):
            shown = " ".join(self.forbidden_characters)
            raise InvalidFormat(
                f"{field} must not contain any of these characters: {shown}",
                code="forbidden_character", field=field,
            )

    def _metadata(self, metadata: Mapping[str, object]) -> None:
        if len(metadata) > self.metadata_max_keys:
            raise InvalidLength(
                f"metadata can have at most {self.metadata_max_keys} keys", field="metadata"
            )
        for key, value in metadata.items():
            where = f"metadata.{key[:40]}"
            if not self.metadata_key_min <= len(key) <= self.metadata_key_max:
                raise InvalidLength(
                    f"metadata keys must be {self.metadata_key_min} to {self.metadata_key_max} "
                    "characters long",
                    field="metadata",
                )
            self._characters("metadata", key)
            if isinstance(value, str):
                if len(value) > self.metadata_value_max:
                    raise InvalidLength(
                        f"metadata values must be {self.metadata_value_max} characters or fewer",
                        field=where,
                    )
                self._characters(where, value)

    def _cardholder(self, details: CardholderDetails) -> None:
        fields: Iterable[tuple[str, str | None, int]] = [
            ("cardholder_name", details.cardholder_name, self.cardholder_field_max),
        ]
        address = details.billing_address
        if address is not None:
            fields = [
                *fields,
                ("billing_address.line1", address.line1, self.cardholder_field_max),
                ("billing_address.line2", address.line2, self.cardholder_field_max),
                ("billing_address.city", address.city, self.cardholder_field_max),
                ("billing_address.postcode", address.postcode, self.postcode_max),
            ]
            country = address.country
            if country is not None and not (
                len(country) == 2 and country.isascii() and country.isalpha() and country.isupper()
            ):
                raise InvalidFormat(
                    "country must be a 2-letter ISO 3166 code in capitals, like GB",
                    field="prefilled_cardholder_details.billing_address.country",
                )
        for name, value, limit in fields:
            if value is not None:
                self._length(f"prefilled_cardholder_details.{name}", value, limit)


GOVUK_PAY_LIMITS = ProviderLimits(forbidden_characters='<>\\|"')
"""GOV.UK Pay's limits (also FakePay's)."""

STRIPE_LIMITS = ProviderLimits(
    min_amount=30,
    max_amount=99_999_999,
    reference_max=200,
    description_max=1_000,
    return_url_max=5_000,
    metadata_max_keys=50,
    metadata_key_max=40,
    metadata_value_max=500,
    email_max=254,
    languages=("en",),
    prefills_cardholder_details=False,
    refund_max=99_999_999,
)
"""Stripe Checkout's limits for a one-off GBP payment."""
