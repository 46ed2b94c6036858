"""Webhook signatures and the events they carry: valid, tampered, wrong secret, missing,
replayed, out of order, rotated secrets, stale timestamps, and arbitrary input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lgds_components.errors import ConfigurationError, ValidationError
from lgds_components.payments.fake import FakePay
from lgds_components.payments.govuk_pay import GovUkPay
from lgds_components.payments.ledger import Ledger, WebhookOutcome
from lgds_components.payments.states import PaymentState
from lgds_components.payments.stripe import Stripe
from lgds_components.payments.webhooks import (
    InvalidSignature,
    StripeSignature,
    get_header,
    parse_stripe_signature,
    pay_signature,
    stripe_signature,
    stripe_signature_header,
    verify_pay_signature,
    verify_stripe_signature,
)
from tests.payments.payments_support import make_request

BODY = b'{"webhook_message_id":"m1","event_type":"card_payment_captured"}'
NOW = 1_700_000_000
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------- Pay-Signature


def test_pay_signature_is_lowercase_hex_hmac_sha256_of_the_raw_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest()
    assert pay_signature(BODY, "s3cret") == expected
    verify_pay_signature(BODY, {"Pay-Signature": expected.upper()}, "s3cret")  # case-blind hex


@pytest.mark.parametrize("headers", [
    {"Pay-Signature": "0" * 64}, {"Pay-Signature": "zz"}, {"Pay-Signature": "é" * 64},
    {"Pay-Signature": "a" * 100_000},
])
def test_wrong_or_malformed_pay_signatures_are_refused(headers: dict[str, str]) -> None:
    with pytest.raises(InvalidSignature):
        verify_pay_signature(BODY, headers, "s3cret")


@pytest.mark.parametrize("headers", [{}, {"Pay-Signature": ""}, {"Pay-Signature": "  "},
                                     {"Other": "x"}, [("Pay-Signature", None)]])
def test_a_missing_pay_signature_is_refused(headers: Any) -> None:
    with pytest.raises(InvalidSignature) as caught:
        verify_pay_signature(BODY, headers, "s3cret")
    assert caught.value.code == "missing_signature" and caught.value.field == "Pay-Signature"


def test_either_secret_is_accepted_while_rotating() -> None:
    for secret in ("old-secret", "new-secret"):
        headers = {"Pay-Signature": pay_signature(BODY, secret)}
        verify_pay_signature(BODY, headers, ["old-secret", "new-secret"])
    with pytest.raises(InvalidSignature):
        verify_pay_signature(BODY, {"Pay-Signature": pay_signature(BODY, "older")},
                             ["old-secret", "new-secret"])


def test_headers_are_found_in_any_form() -> None:
    signature = pay_signature(BODY, "k")
    for headers in ({"pay-signature": signature}, {"PAY-SIGNATURE": signature},
                    [("Pay-Signature", signature)], {"HTTP_PAY_SIGNATURE": signature},
                    {"Pay-Signature": signature.encode()}):
        verify_pay_signature(BODY, headers, "k")
    assert get_header({1: "x", "a": 2}, "a") is None


def test_a_body_given_as_text_is_signed_as_utf8() -> None:
    text = '{"reference": "Ffordd-y-Môr"}'
    verify_pay_signature(text, {"Pay-Signature": pay_signature(text.encode(), "k")}, "k")


def test_no_secret_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        verify_pay_signature(BODY, {"Pay-Signature": "x"}, [])


# ---------------------------------------------------------------------------- Stripe-Signature


def test_a_stripe_signature_is_accepted_within_the_tolerance() -> None:
    header = stripe_signature_header(BODY, "whsec_a", NOW)
    assert verify_stripe_signature(BODY, {"Stripe-Signature": header}, "whsec_a",
                                   now=NOW + 299) == NOW


@pytest.mark.parametrize("now", [NOW + 301, NOW + 10**9])
def test_a_stripe_signature_older_than_the_tolerance_is_refused(now: int) -> None:
    header = stripe_signature_header(BODY, "whsec_a", NOW)
    with pytest.raises(InvalidSignature) as caught:
        verify_stripe_signature(BODY, {"Stripe-Signature": header}, "whsec_a", now=now)
    assert caught.value.code == "timestamp_out_of_tolerance"
    verify_stripe_signature(BODY, {"Stripe-Signature": header}, "whsec_a", now=now,
                            tolerance=None)


@pytest.mark.parametrize("now", [NOW - 301, NOW - 86_400])
def test_a_stripe_signature_from_a_clock_ahead_of_ours_is_accepted(now: int) -> None:
    """Only the age is checked, as Stripe's libraries do: the timestamp is signed by Stripe."""
    header = stripe_signature_header(BODY, "whsec_a", NOW)
    assert verify_stripe_signature(BODY, {"Stripe-Signature": header}, "whsec_a",
                                   now=now) == NOW


def test_any_of_several_v1_signatures_is_accepted() -> None:
    good = stripe_signature(BODY, "whsec_new", NOW)
    header = f"t={NOW},v1={'0' * 64},v0=deadbeef,v1={good}"
    verify_stripe_signature(BODY, {"Stripe-Signature": header}, ["whsec_old", "whsec_new"],
                            now=NOW)
    both = stripe_signature_header(BODY, ["whsec_old", "whsec_new"], NOW)
    assert both.count("v1=") == 2
    verify_stripe_signature(BODY, {"Stripe-Signature": both}, "whsec_old", now=NOW)


@pytest.mark.parametrize(("header", "code"), [
    (None, "missing_signature"), ("", "missing_signature"), ("v1=abc", "malformed_signature"),
    (f"t={NOW}", "malformed_signature"), ("t=abc,v1=abc", "malformed_signature"),
    (f"t={NOW},t={NOW},v1=abc", "malformed_signature"),
    ("t=\uff11\uff12,v1=abc", "malformed_signature"),
    (f"t={NOW},v1=" + "a" * 64, "signature_mismatch"),
])
def test_bad_stripe_signature_headers(header: str | None, code: str) -> None:
    headers = {} if header is None else {"Stripe-Signature": header}
    with pytest.raises(InvalidSignature) as caught:
        verify_stripe_signature(BODY, headers, "whsec_a", now=NOW)
    assert caught.value.code == code


def test_a_timestamp_changed_after_signing_is_refused() -> None:
    good = stripe_signature(BODY, "whsec_a", NOW)
    with pytest.raises(InvalidSignature):
        verify_stripe_signature(BODY, {"Stripe-Signature": f"t={NOW + 5},v1={good}"},
                                "whsec_a", now=NOW)


# ---------------------------------------------------------------------------- Hypothesis

header_text = st.one_of(st.text(max_size=300), st.text(alphabet="tv01=,abcdef ", max_size=200),
                        st.builds(lambda t, sigs: f"t={t}," + ",".join(f"v1={s}" for s in sigs),
                                  st.integers(-10, 10**13), st.lists(st.text(max_size=70),
                                                                     max_size=4)))


@FAST
@given(header_text)
def test_parsing_any_stripe_header_raises_only_invalid_signature(value: str) -> None:
    try:
        parsed = parse_stripe_signature(value)
    except InvalidSignature:
        return
    assert isinstance(parsed, StripeSignature) and parsed.signatures


@FAST
@given(header_text, st.binary(max_size=200))
def test_verifying_any_stripe_header_raises_only_invalid_signature(value: str, body: bytes) -> None:
    with pytest.raises(InvalidSignature):
        verify_stripe_signature(body, {"Stripe-Signature": value}, "whsec_a", now=NOW)


@FAST
@given(st.one_of(st.text(max_size=200), st.binary(max_size=100)), st.binary(max_size=200))
def test_verifying_any_pay_signature_raises_only_invalid_signature(value: Any, body: bytes) -> None:
    with pytest.raises(InvalidSignature):
        verify_pay_signature(body, {"Pay-Signature": value}, "whsec_a")


@FAST
@given(st.binary(max_size=400) | st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["webhook_message_id", "event_type", "resource", "resource_type",
                         "created_date", "id", "type", "data", "object", "state", "status",
                         "payment_id", "amount"]), inner, max_size=5),
    max_leaves=20).map(lambda v: json.dumps(v).encode()))
def test_any_correctly_signed_body_gives_an_event_or_a_validation_error(body: bytes) -> None:
    with GovUkPay("api_test_h", webhook_secret="k") as govuk, Stripe(
        "sk_test_h", webhook_secret="k", clock=lambda: NOW
    ) as stripe:
        for provider, headers in (
            (govuk, {"Pay-Signature": pay_signature(body, "k")}),
            (stripe, {"Stripe-Signature": stripe_signature_header(body, "k", NOW)}),
        ):
            try:
                event = provider.verify_webhook(body, headers)
            except ValidationError:
                continue
            assert event.provider == provider.name and event.id


# ---------------------------------------------------------------------------- events and the ledger


def test_providers_without_a_webhook_secret_say_so() -> None:
    with GovUkPay("api_test_x") as govuk, pytest.raises(ConfigurationError):
        govuk.verify_webhook(BODY, {"Pay-Signature": "x"})
    with Stripe("sk_test_x") as stripe, pytest.raises(ConfigurationError):
        stripe.verify_webhook(BODY, {"Stripe-Signature": "x"})


@pytest.mark.parametrize("event_type", ["card_payment_started", "card_payment_succeeded",
                                        "card_payment_captured", "card_payment_refunded",
                                        "card_payment_failed", "card_payment_expired"])
def test_every_pay_event_type_without_a_resource_still_parses(event_type: str) -> None:
    from lgds_components.payments._govuk_wire import EVENT_STATES, parse_webhook

    body = json.dumps({"webhook_message_id": "m", "event_type": event_type.upper(),
                       "resource_id": "p1", "resource_type": "payment",
                       "created_date": "2024-01-01T00:00:00Z"}).encode()
    event = parse_webhook(body)
    assert event.type == event_type and event.payment_id == "p1"
    assert event.state == EVENT_STATES[event_type]


def test_a_replayed_webhook_is_applied_once(tmp_path: Any) -> None:
    fake = FakePay()
    with Ledger(tmp_path / "l.sqlite", fake) as ledger:
        attempt = ledger.begin(make_request(), idempotency_key="a-1")
        fake.pay(attempt.payment_id)
        events = [fake.verify_webhook(w.body, w.headers) for w in fake.webhooks]
        outcomes = [ledger.apply_webhook(e) for e in events]
        assert outcomes == [WebhookOutcome.APPLIED, WebhookOutcome.APPLIED,
                            WebhookOutcome.NO_CHANGE]
        assert {ledger.apply_webhook(e) for e in events} == {WebhookOutcome.DUPLICATE}
        assert [s.state for s in ledger.history("a-1")] == [
            PaymentState.CREATED, PaymentState.STARTED, PaymentState.SUCCESS]


def test_out_of_order_webhooks_never_move_a_payment_back(tmp_path: Any) -> None:
    fake = FakePay()
    with Ledger(tmp_path / "l.sqlite", fake) as ledger:
        attempt = ledger.begin(make_request(), idempotency_key="a-2")
        fake.pay(attempt.payment_id)
        started, succeeded, captured = (fake.verify_webhook(w.body, w.headers)
                                        for w in fake.webhooks)
        assert ledger.apply_webhook(captured) is WebhookOutcome.APPLIED
        assert ledger.apply_webhook(started) is WebhookOutcome.STALE
        assert ledger.apply_webhook(succeeded) is WebhookOutcome.NO_CHANGE
        assert ledger.attempt("a-2").state is PaymentState.SUCCESS
        history = ledger.history("a-2")
        assert [(s.state, s.applied) for s in history] == [
            (PaymentState.CREATED, True), (PaymentState.SUCCESS, True),
            (PaymentState.STARTED, False)]


def test_a_tampered_webhook_never_reaches_the_ledger(tmp_path: Any) -> None:
    fake = FakePay()
    attempt = fake.create_payment(make_request())
    fake.pay(attempt.id)
    webhook = fake.webhooks[-1]
    forged = webhook.body.replace(b'"success"', b'"failed"')
    with pytest.raises(InvalidSignature):
        fake.verify_webhook(forged, webhook.headers)
    with pytest.raises(InvalidSignature):
        fake.verify_webhook(webhook.body, fake.sign(webhook.body, "guessed-secret"))


def test_stripe_events_map_onto_our_states(stripe: Stripe, stripe_server: Any) -> None:
    delayed = stripe.create_payment(make_request(delayed_capture=True))
    stripe_server.decline(delayed.id)
    stripe_server.pay(delayed.id)
    stripe.capture_payment(delayed.id)
    events = [stripe.verify_webhook(body, headers) for body, headers in stripe_server.webhooks]
    assert [(e.type, e.state) for e in events] == [
        ("payment_intent.payment_failed", PaymentState.STARTED),
        ("checkout.session.completed", PaymentState.SUBMITTED),
        ("payment_intent.amount_capturable_updated", PaymentState.CAPTURABLE),
        ("payment_intent.succeeded", PaymentState.SUCCESS),
    ]
    assert events[1].payment_id == delayed.id
    assert {e.provider_reference for e in events} == {events[0].provider_reference}


def test_stripe_webhooks_apply_to_the_ledger_through_the_payment_intent(
    stripe: Stripe, stripe_server: Any, tmp_path: Any
) -> None:
    with Ledger(tmp_path / "l.sqlite", stripe) as ledger:
        attempt = ledger.begin(make_request(), idempotency_key="s-1")
        stripe_server.pay(attempt.payment_id)
        events = [stripe.verify_webhook(b, h) for b, h in stripe_server.webhooks]
        intent_event = events[-1]
        assert intent_event.payment_id is None
        # the ledger does not know the PaymentIntent yet: kept, then applied when it does
        assert ledger.apply_webhook(intent_event) is WebhookOutcome.UNKNOWN
        assert ledger.apply_webhook(events[0]) is WebhookOutcome.APPLIED
        assert ledger.attempt("s-1").state is PaymentState.SUCCESS
        refund = stripe.refund(attempt.payment_id, 500)
        refund_events = [stripe.verify_webhook(b, h) for b, h in stripe_server.webhooks[2:]]
        assert [e.type for e in refund_events] == ["charge.refunded"]
        assert ledger.apply_webhook(refund_events[0]) is WebhookOutcome.NO_CHANGE
        assert refund.amount == 500
