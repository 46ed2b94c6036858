"""A conformance suite every :class:`~lgds_components.payments.protocol.PaymentProvider` passes.

A provider adapter (built in, or contributed as its own package) proves it
keeps the interface's promises by running these tests against itself. Subclass
:class:`PaymentProviderConformance` in a test module and give it a
``payment_harness`` fixture returning a :class:`PaymentHarness`: the provider
under test plus a way to play the payer's part (pay, decline, let a payment
expire) and to read the webhooks it sent. The harness for a contributed
adapter usually drives a local fake of the provider's API::

    import pytest
    from lgds_components.testing.payments import PaymentHarness, PaymentProviderConformance

    class TestWorldpayConformance(PaymentProviderConformance):
        @pytest.fixture
        def payment_harness(self):
            with MyWorldpayServer() as server, server.client() as provider:
                yield PaymentHarness(
                    provider=provider,
                    pay=server.pay, decline=server.decline, expire=server.expire,
                    webhooks=server.delivered_webhooks, sign=server.sign,
                    created_count=lambda: server.created_count,
                    secrets=[server.api_key, server.webhook_secret],
                )

The built-in providers run it with :meth:`PaymentHarness.for_fakepay`,
:meth:`PaymentHarness.for_govuk_pay_server` and
:meth:`PaymentHarness.for_stripe_server`. The suite needs pytest.

What it checks: creating a payment (limits checked before anything is sent,
idempotency keys honoured, no payment created twice), the payer's journeys
(paid, declined, expired, abandoned), cancel and capture, refunds (partial,
full, too much, ``expected_available`` out of date), listing refunds,
searching across pages, webhook verification (valid, tampered body, wrong
secret, missing header), the ledger's flow over the provider (webhooks
replayed and out of order applied once, in order), and that API keys,
webhook secrets, the payer's email and card-holder details never show in
``repr()``, exception messages or logs.
"""

from __future__ import annotations

import itertools
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from lgds_components.errors import Conflict, LGDSError, NotFound, ValidationError
from lgds_components.payments.ledger import Ledger, WebhookOutcome
from lgds_components.payments.models import PaymentRequest
from lgds_components.payments.protocol import PaymentProvider
from lgds_components.payments.states import PaymentState
from lgds_components.payments.webhooks import InvalidSignature

if TYPE_CHECKING:
    from pathlib import Path

    from lgds_components.payments.fake import FakePay
    from lgds_components.testing.payment_servers import GovUkPayServer, StripeServer

__all__ = ["PaymentHarness", "PaymentProviderConformance"]

Webhook = tuple[bytes, Mapping[str, str]]

PAYER_EMAIL = "conformance.payer@example.com"
CARDHOLDER_NAME = "Conformance Cardholder Zqx"


@attrs.define
class PaymentHarness:
    """The provider under test, and how to play the payer's part.

    Attributes:
        provider: the provider under test.
        pay: the payer completes the payment.
        decline: the payer's card is declined.
        expire: the payer runs out of time.
        webhooks: every signed webhook sent so far, as ``(body, headers)``.
        sign: headers signing a body as the provider does, with a given secret.
        created_count: payments created at the provider so far, if it can tell.
        abandon: the payer leaves the payment page (default: nothing happens).
        secrets: API keys and webhook secrets that must never be shown.
        declines_are_final: a decline finishes the payment (GOV.UK Pay); at
            Stripe the payer may try another card.
        delayed_capture: the provider supports ``delayed_capture``.
    """

    provider: PaymentProvider
    pay: Callable[[str], None]
    decline: Callable[[str], None]
    expire: Callable[[str], None]
    webhooks: Callable[[], Sequence[Webhook]]
    sign: Callable[[bytes, str], Mapping[str, str]]
    created_count: Callable[[], int] | None = None
    abandon: Callable[[str], None] = lambda payment_id: None
    secrets: Sequence[str] = ()
    declines_are_final: bool = True
    delayed_capture: bool = True

    @classmethod
    def for_fakepay(cls, fake: FakePay, secrets: Sequence[str] = ()) -> PaymentHarness:
        """A harness for a :class:`~lgds_components.payments.fake.FakePay`."""
        return cls(
            provider=fake, pay=fake.pay, decline=fake.decline, expire=fake.expire,
            abandon=fake.abandon,
            webhooks=lambda: [(w.body, w.headers) for w in fake.webhooks],
            sign=lambda body, secret: fake.sign(body, secret),
            created_count=lambda: fake.created_count, secrets=secrets,
        )

    @classmethod
    def for_govuk_pay_server(cls, server: GovUkPayServer, provider: PaymentProvider
                             ) -> PaymentHarness:
        """A harness for :class:`~lgds_components.payments.govuk_pay.GovUkPay` on a local server."""
        return cls(
            provider=provider, pay=server.pay, decline=server.decline, expire=server.expire,
            abandon=server.abandon,
            webhooks=lambda: [(w.body, w.headers) for w in server.webhooks],
            sign=server.sign, created_count=lambda: server.created_count,
            secrets=[*server.api_keys, server.webhook_secret],
        )

    @classmethod
    def for_stripe_server(cls, server: StripeServer, provider: PaymentProvider
                          ) -> PaymentHarness:
        """A harness for :class:`~lgds_components.payments.stripe.Stripe` on a local server."""
        return cls(
            provider=provider, pay=server.pay, decline=server.decline, expire=server.expire,
            abandon=server.abandon, webhooks=lambda: list(server.webhooks),
            sign=server.sign, created_count=lambda: server.created_count,
            secrets=[*server.api_keys, server.webhook_secret], declines_are_final=False,
        )


def _reference() -> str:
    return "CONF-" + uuid.uuid4().hex[:12]


class PaymentProviderConformance:
    """Tests every payment provider must pass; subclass with a ``payment_harness`` fixture."""

    return_url = "https://council.example/payments/done"

    def make_request(self, harness: PaymentHarness, **fields: Any) -> PaymentRequest:
        """A request within the provider's limits; ``fields`` override the defaults."""
        values: dict[str, Any] = {
            "amount": max(4500, harness.provider.limits.min_amount),
            "reference": _reference(),
            "description": "Garden waste subscription",
            "return_url": self.return_url,
        }
        values.update(fields)
        return PaymentRequest(**values)

    def paid(self, harness: PaymentHarness, **fields: Any) -> str:
        """Create a payment, pay it, and return its id."""
        payment = harness.provider.create_payment(self.make_request(harness, **fields))
        harness.pay(payment.id)
        return payment.id

    def _created(self, harness: PaymentHarness) -> int | None:
        return harness.created_count() if harness.created_count is not None else None

    # ------------------------------------------------------------------ creating

    def test_provider_satisfies_the_protocol(self, payment_harness: PaymentHarness) -> None:
        provider = payment_harness.provider
        assert isinstance(provider, PaymentProvider)
        assert isinstance(provider.name, str) and provider.name
        assert isinstance(provider.is_live, bool)

    def test_create_returns_an_unfinished_payment_to_send_the_payer_to(
        self, payment_harness: PaymentHarness
    ) -> None:
        request = self.make_request(payment_harness)
        payment = payment_harness.provider.create_payment(request)
        assert payment.provider == payment_harness.provider.name
        assert payment.state is PaymentState.CREATED and not payment.finished
        assert payment.amount == request.amount and payment.reference == request.reference
        assert payment.next_url and payment.next_url.startswith(("http://", "https://"))
        fetched = payment_harness.provider.get_payment(payment.id)
        assert (fetched.id, fetched.amount, fetched.state) == (payment.id, request.amount,
                                                               PaymentState.CREATED)

    def test_unknown_payment_is_not_found(self, payment_harness: PaymentHarness) -> None:
        with pytest.raises(NotFound):
            payment_harness.provider.get_payment("nosuchpayment0000000000000")

    def test_limits_are_checked_before_anything_is_sent(
        self, payment_harness: PaymentHarness
    ) -> None:
        limits = payment_harness.provider.limits
        before = self._created(payment_harness)
        with pytest.raises(ValidationError) as caught:
            payment_harness.provider.create_payment(
                self.make_request(payment_harness, amount=limits.max_amount + 1))
        assert caught.value.field == "amount"
        with pytest.raises(ValidationError):
            payment_harness.provider.create_payment(
                self.make_request(payment_harness, reference="R" * (limits.reference_max + 1)))
        assert self._created(payment_harness) == before

    def test_the_same_idempotency_key_returns_the_same_payment(
        self, payment_harness: PaymentHarness
    ) -> None:
        request = self.make_request(payment_harness)
        key = "conf-" + uuid.uuid4().hex
        before = self._created(payment_harness)
        first = payment_harness.provider.create_payment(request, idempotency_key=key)
        second = payment_harness.provider.create_payment(request, idempotency_key=key)
        assert first.id == second.id
        if before is not None:
            assert self._created(payment_harness) == before + 1

    def test_an_idempotency_key_reused_for_another_request_is_a_conflict(
        self, payment_harness: PaymentHarness
    ) -> None:
        key = "conf-" + uuid.uuid4().hex
        payment_harness.provider.create_payment(self.make_request(payment_harness),
                                                idempotency_key=key)
        with pytest.raises(Conflict):
            payment_harness.provider.create_payment(
                self.make_request(payment_harness, amount=5000), idempotency_key=key)

    # ------------------------------------------------------------------ journeys

    def test_a_paid_payment_succeeds(self, payment_harness: PaymentHarness) -> None:
        payment = payment_harness.provider.get_payment(self.paid(payment_harness))
        assert payment.state is PaymentState.SUCCESS and payment.finished
        assert payment.refund.amount_available == payment.amount

    def test_a_declined_payment_never_succeeds(self, payment_harness: PaymentHarness) -> None:
        payment = payment_harness.provider.create_payment(self.make_request(payment_harness))
        payment_harness.decline(payment.id)
        state = payment_harness.provider.get_payment(payment.id).state
        assert state is not PaymentState.SUCCESS
        if payment_harness.declines_are_final:
            assert state is PaymentState.FAILED
        with pytest.raises(Conflict):
            payment_harness.provider.refund(payment.id, 100)

    def test_an_abandoned_payment_fails_when_it_expires(
        self, payment_harness: PaymentHarness
    ) -> None:
        payment = payment_harness.provider.create_payment(self.make_request(payment_harness))
        payment_harness.abandon(payment.id)
        assert payment_harness.provider.get_payment(payment.id).state is not PaymentState.SUCCESS
        if not payment_harness.provider.get_payment(payment.id).finished:
            payment_harness.expire(payment.id)
        finished = payment_harness.provider.get_payment(payment.id)
        assert finished.state is PaymentState.FAILED and finished.finished

    def test_an_expired_payment_fails(self, payment_harness: PaymentHarness) -> None:
        payment = payment_harness.provider.create_payment(self.make_request(payment_harness))
        payment_harness.expire(payment.id)
        expired = payment_harness.provider.get_payment(payment.id)
        assert expired.state is PaymentState.FAILED and expired.finished

    def test_an_unfinished_payment_can_be_cancelled(self, payment_harness: PaymentHarness) -> None:
        payment = payment_harness.provider.create_payment(self.make_request(payment_harness))
        payment_harness.provider.cancel_payment(payment.id)
        cancelled = payment_harness.provider.get_payment(payment.id)
        assert cancelled.finished and cancelled.state in (PaymentState.CANCELLED,
                                                          PaymentState.FAILED)

    def test_a_paid_payment_cannot_be_cancelled(self, payment_harness: PaymentHarness) -> None:
        payment_id = self.paid(payment_harness)
        with pytest.raises(Conflict):
            payment_harness.provider.cancel_payment(payment_id)
        assert payment_harness.provider.get_payment(payment_id).state is PaymentState.SUCCESS

    def test_a_delayed_payment_is_captured(self, payment_harness: PaymentHarness) -> None:
        if not payment_harness.delayed_capture:
            pytest.skip("the provider does not support delayed capture")
        payment_id = self.paid(payment_harness, delayed_capture=True)
        assert payment_harness.provider.get_payment(payment_id).state is PaymentState.CAPTURABLE
        payment_harness.provider.capture_payment(payment_id)
        assert payment_harness.provider.get_payment(payment_id).state is PaymentState.SUCCESS
        with pytest.raises(Conflict):
            payment_harness.provider.capture_payment(payment_id)

    # ------------------------------------------------------------------ refunds

    def test_partial_then_full_refunds(self, payment_harness: PaymentHarness) -> None:
        provider = payment_harness.provider
        payment_id = self.paid(payment_harness, amount=5000)
        first = provider.refund(payment_id, 1500, expected_available=5000)
        assert first.amount == 1500 and first.payment_id == payment_id
        assert provider.get_payment(payment_id).refund.amount_available == 3500
        provider.refund(payment_id, 3500, expected_available=3500)
        after = provider.get_payment(payment_id)
        assert after.refund.amount_available == 0 and after.refund.amount_submitted == 5000
        assert sorted(r.amount for r in provider.refunds(payment_id)) == [1500, 3500]

    def test_refunding_more_than_is_available_is_a_conflict(
        self, payment_harness: PaymentHarness
    ) -> None:
        payment_id = self.paid(payment_harness, amount=5000)
        with pytest.raises(Conflict):
            payment_harness.provider.refund(payment_id, 5001)
        assert payment_harness.provider.refunds(payment_id) == []

    def test_a_stale_expected_available_refuses_the_refund(
        self, payment_harness: PaymentHarness
    ) -> None:
        provider = payment_harness.provider
        payment_id = self.paid(payment_harness, amount=5000)
        provider.refund(payment_id, 1000, expected_available=5000)
        with pytest.raises(Conflict):  # the same refund retried: refused, not paid twice
            provider.refund(payment_id, 1000, expected_available=5000)
        assert [r.amount for r in provider.refunds(payment_id)] == [1000]

    def test_an_unpaid_payment_cannot_be_refunded(self, payment_harness: PaymentHarness) -> None:
        payment = payment_harness.provider.create_payment(self.make_request(payment_harness))
        with pytest.raises(Conflict):
            payment_harness.provider.refund(payment.id, 100)

    def test_refund_amounts_are_checked(self, payment_harness: PaymentHarness) -> None:
        payment_id = self.paid(payment_harness)
        for bad in (0, -5, 12.5):
            with pytest.raises(ValidationError):
                payment_harness.provider.refund(payment_id, bad)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ search

    def test_search_iterates_over_every_page(self, payment_harness: PaymentHarness) -> None:
        reference = _reference()
        made = {payment_harness.provider.create_payment(
            self.make_request(payment_harness, reference=reference)).id for _ in range(3)}
        found = list(payment_harness.provider.search(reference=reference, page_size=2))
        assert {p.id for p in found} == made and len(found) == 3
        paid = self.paid(payment_harness, reference=reference)
        successes = list(payment_harness.provider.search(reference=reference,
                                                         state=PaymentState.SUCCESS, page_size=2))
        assert [p.id for p in successes] == [paid]

    # ------------------------------------------------------------------ webhooks

    def _a_webhook(self, harness: PaymentHarness) -> Webhook:
        self.paid(harness)
        webhooks = harness.webhooks()
        assert webhooks, "paying should send at least one webhook"
        return webhooks[-1]

    def test_a_valid_webhook_is_accepted(self, payment_harness: PaymentHarness) -> None:
        payment = payment_harness.provider.create_payment(self.make_request(payment_harness))
        payment_harness.pay(payment.id)
        events = [payment_harness.provider.verify_webhook(body, headers)
                  for body, headers in payment_harness.webhooks()]
        assert all(e.provider == payment_harness.provider.name for e in events)
        mine = [e for e in events if e.payment_id == payment.id or (
            e.provider_reference is not None
            and e.provider_reference == payment_harness.provider.get_payment(payment.id)
            .provider_reference)]
        assert mine and any(e.state is PaymentState.SUCCESS for e in mine)

    def test_a_tampered_webhook_is_refused(self, payment_harness: PaymentHarness) -> None:
        body, headers = self._a_webhook(payment_harness)
        tampered = body.replace(b'"', b"'", 1) if body[:1] != b"'" else body + b" "
        with pytest.raises(InvalidSignature) as caught:
            payment_harness.provider.verify_webhook(tampered, headers)
        assert caught.value.code == "signature_mismatch"

    def test_a_webhook_signed_with_another_secret_is_refused(
        self, payment_harness: PaymentHarness
    ) -> None:
        body, _ = self._a_webhook(payment_harness)
        forged = payment_harness.sign(body, "not-the-webhook-secret")
        with pytest.raises(InvalidSignature):
            payment_harness.provider.verify_webhook(body, forged)

    def test_a_webhook_without_a_signature_is_refused(
        self, payment_harness: PaymentHarness
    ) -> None:
        body, _ = self._a_webhook(payment_harness)
        with pytest.raises(InvalidSignature) as caught:
            payment_harness.provider.verify_webhook(body, {"Content-Type": "application/json"})
        assert caught.value.code == "missing_signature"

    # ------------------------------------------------------------------ ledger

    def test_the_ledger_applies_webhooks_once_and_in_order(
        self, payment_harness: PaymentHarness, tmp_path: Path
    ) -> None:
        provider = payment_harness.provider
        with Ledger(tmp_path / "ledger.sqlite", provider) as ledger:
            key = "conf-" + uuid.uuid4().hex
            attempt = ledger.begin(self.make_request(payment_harness), idempotency_key=key)
            already = len(payment_harness.webhooks())
            payment_harness.pay(attempt.payment_id or "")
            events = [provider.verify_webhook(body, headers)
                      for body, headers in payment_harness.webhooks()[already:]]
            for event in reversed(events):  # out of order
                ledger.apply_webhook(event)
            for event in events:  # replayed
                assert ledger.apply_webhook(event) is WebhookOutcome.DUPLICATE
            assert ledger.settle(key).state is PaymentState.SUCCESS
            applied = [s for s in ledger.history(key) if s.applied]
            assert [s.state for s in applied][-1] is PaymentState.SUCCESS
            assert all(a.state.rank < b.state.rank for a, b in itertools.pairwise(applied))
            created = self._created(payment_harness)
            request = ledger.request(key)
            assert ledger.begin(request, idempotency_key=key).payment_id == attempt.payment_id
            assert self._created(payment_harness) == created

    # ------------------------------------------------------------------ secrets

    def test_secrets_and_cardholder_details_never_show(
        self, payment_harness: PaymentHarness, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        provider = payment_harness.provider
        request = self.make_request(
            payment_harness, email=PAYER_EMAIL,
            prefilled_cardholder_details={"cardholder_name": CARDHOLDER_NAME,
                                          "billing_address": {"line1": "1 Zqx Street",
                                                              "postcode": "ZQ1 1XX"}},
        )
        payment = provider.create_payment(request)
        payment_harness.pay(payment.id)
        shown = [repr(provider), str(provider), repr(request), str(request),
                 repr(provider.get_payment(payment.id))]
        for body, headers in payment_harness.webhooks()[-2:]:
            shown.append(repr(provider.verify_webhook(body, headers)))
        failures: list[LGDSError] = []
        for attempt in (
            lambda: provider.get_payment("nosuchpayment0000000000000"),
            lambda: provider.refund(payment.id, 10 ** 9),
            lambda: provider.cancel_payment(payment.id),
            lambda: provider.create_payment(request.model_copy(update={"amount": 10 ** 10})),
        ):
            try:
                attempt()
            except LGDSError as exc:
                failures.append(exc)
        assert len(failures) == 4
        shown += [str(e) for e in failures] + [repr(e) for e in failures]
        shown.append(caplog.text)
        private = [*payment_harness.secrets, PAYER_EMAIL, CARDHOLDER_NAME, "1 Zqx Street"]
        for text in shown:
            for value in private:
                assert value not in text, f"{value!r} shown in {text[:200]!r}"

    def test_webhook_events_never_carry_cardholder_details(
        self, payment_harness: PaymentHarness
    ) -> None:
        payment = payment_harness.provider.create_payment(self.make_request(
            payment_harness,
            prefilled_cardholder_details={"cardholder_name": CARDHOLDER_NAME}))
        payment_harness.pay(payment.id)
        for body, headers in payment_harness.webhooks():
            event = payment_harness.provider.verify_webhook(body, headers)
            assert CARDHOLDER_NAME not in event.model_dump_json()

