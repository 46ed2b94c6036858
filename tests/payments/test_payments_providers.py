"""What is particular to each provider: FakePay's rules and journeys, GOV.UK Pay's keys and
paths, Stripe's form encoding and state mapping, the registry, and secrets kept out of sight."""

from __future__ import annotations

import logging
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest

from lgds_components.errors import (
    ConfigurationError,
    Conflict,
    InvalidFormat,
    LGDSError,
    NotFound,
    UnknownProvider,
    ValidationError,
)
from lgds_components.payments import provider
from lgds_components.payments.fake import FakePay, ManualClock
from lgds_components.payments.govuk_pay import GovUkPay, key_kind
from lgds_components.payments.ledger import Ledger
from lgds_components.payments.protocol import PaymentProvider
from lgds_components.payments.states import PaymentState, RefundAvailability
from lgds_components.payments.stripe import Stripe, form_encode, payment_from_session
from lgds_components.registry import PAYMENT_PROVIDERS
from lgds_components.testing.payment_servers import GovUkPayServer, StripeServer
from tests.payments.payments_support import make_request

# ---------------------------------------------------------------------------- FakePay


def test_unfinished_payments_expire_after_90_minutes() -> None:
    clock = ManualClock(datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    fake = FakePay(clock=clock)
    waiting = fake.create_payment(make_request())
    started = fake.create_payment(make_request())
    fake.start(started.id)
    clock.advance(minutes=89, seconds=59)
    assert fake.get_payment(waiting.id).state is PaymentState.CREATED
    clock.advance(seconds=1)
    for payment_id in (waiting.id, started.id):
        expired = fake.get_payment(payment_id)
        assert (expired.state, expired.failure_code, expired.failure_message) == (
            PaymentState.FAILED, "P0020", "Payment expired")
    assert [w.event_type for w in fake.webhooks].count("card_payment_expired") == 2
    with pytest.raises(Conflict):
        fake.pay(waiting.id)


def test_capturable_payments_do_not_expire() -> None:
    clock = ManualClock()
    fake = FakePay(clock=clock)
    payment = fake.create_payment(make_request(delayed_capture=True))
    fake.pay(payment.id)
    clock.advance(hours=5)
    assert fake.get_payment(payment.id).state is PaymentState.CAPTURABLE


def test_idempotency_keys_are_remembered_for_24_hours() -> None:
    clock = ManualClock()
    fake = FakePay(clock=clock)
    first = fake.create_payment(make_request(), idempotency_key="k")
    clock.advance(hours=23)
    assert fake.create_payment(make_request(), idempotency_key="k").id == first.id
    clock.advance(hours=2)
    assert fake.create_payment(make_request(), idempotency_key="k").id != first.id


@pytest.mark.parametrize("key", ["", "under_score", "a" * 256, "ключ", "a b"])
def test_fakepay_refuses_keys_gov_uk_pay_refuses(key: str) -> None:
    with pytest.raises(InvalidFormat):
        FakePay().create_payment(make_request(), idempotency_key=key)


@pytest.mark.parametrize(("journey", "state", "code"), [
    ("decline", PaymentState.FAILED, "P0010"), ("abandon", PaymentState.FAILED, "P0030"),
    ("expire", PaymentState.FAILED, "P0020"), ("fail_with_error", PaymentState.ERROR, "P0050"),
])
def test_journeys_end_as_gov_uk_pay_ends_them(journey: str, state: PaymentState,
                                              code: str) -> None:
    fake = FakePay()
    payment = fake.create_payment(make_request())
    getattr(fake, journey)(payment.id)
    ended = fake.get_payment(payment.id)
    assert (ended.state, ended.failure_code) == (state, code)
    assert ended.refund.status is RefundAvailability.UNAVAILABLE


def test_service_cancellation_is_p0040() -> None:
    fake = FakePay()
    payment = fake.create_payment(make_request())
    fake.cancel_payment(payment.id)
    assert fake.get_payment(payment.id).failure_code == "P0040"
    with pytest.raises(Conflict) as caught:
        fake.cancel_payment(payment.id)
    assert caught.value.provider_code == "P0502"


def test_state_survives_save_and_load(tmp_path: Path) -> None:
    fake = FakePay(seed=3)
    paid = fake.create_payment(make_request(), idempotency_key="k-1")
    fake.pay(paid.id)
    fake.refund(paid.id, 500)
    fake.save(tmp_path / "state.json")
    again = FakePay.load(tmp_path / "state.json")
    assert again.get_payment(paid.id) == fake.get_payment(paid.id)
    assert again.create_payment(make_request(), idempotency_key="k-1").id == paid.id
    assert again.created_count == 1 and [r.amount for r in again.refunds(paid.id)] == [500]
    assert FakePay.load(tmp_path / "missing.json").created_count == 0


@pytest.mark.parametrize("content", ["[]", '{"charges": [{"id": 1}]}', "\x00\x01"])
def test_a_corrupt_state_file_is_a_validation_error(tmp_path: Path, content: str) -> None:
    (tmp_path / "state.json").write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError):
        FakePay.load(tmp_path / "state.json")


def test_next_url_on_the_local_server_starts_the_payment(govuk: GovUkPay,
                                                         govuk_server: GovUkPayServer) -> None:
    payment = govuk.create_payment(make_request())
    with urlopen(payment.next_url) as page:
        assert page.status == 200
    assert govuk.get_payment(payment.id).state is PaymentState.STARTED


# ---------------------------------------------------------------------------- GOV.UK Pay


def test_test_and_live_keys_are_told_apart() -> None:
    assert key_kind("api_test_abc") == "test" and key_kind("api_live_abc") == "live"
    with GovUkPay("api_live_abc") as live, GovUkPay("legacykeywithoutprefix") as old:
        assert live.is_live and old.is_live
        for pay in (live, old):
            with pytest.raises(InvalidFormat) as caught:
                pay.create_payment(make_request(return_url="http://council.example/"))
            assert caught.value.code == "https_required"


@pytest.mark.parametrize("key", ["", "   ", None, 123])
def test_a_missing_key_is_a_configuration_error(key: Any) -> None:
    with pytest.raises(ConfigurationError):
        GovUkPay(key)


@pytest.mark.parametrize("payment_id", ["", "../refunds", "a/b", "a" * 65, "é", "id?x=1"])
def test_payment_ids_cannot_reach_other_paths(govuk: GovUkPay, govuk_server: GovUkPayServer,
                                              payment_id: str) -> None:
    with pytest.raises(InvalidFormat):
        govuk.get_payment(payment_id)
    assert govuk_server.requests == []


def test_search_walks_gov_uk_pay_pages(govuk: GovUkPay, govuk_server: GovUkPayServer) -> None:
    made = [govuk.create_payment(make_request(reference="page")).id for _ in range(5)]
    found = list(govuk.search(reference="page", page_size=2))
    assert sorted(p.id for p in found) == sorted(made)
    pages = [r.query for r in govuk_server.requests if r.method == "GET"]
    assert [q.split("page=")[1] for q in pages] == ["1", "2", "3"]
    with pytest.raises(InvalidFormat):
        list(govuk.search(page_size=501))
    with pytest.raises(InvalidFormat):
        list(govuk.search(from_date=datetime(2024, 1, 1)))


def test_a_refund_accepted_without_a_body_is_found() -> None:
    from lgds_components.testing.http_server import LocalHTTPServer

    refunds = {"payment_id": "p1", "_embedded": {"refunds": [
        {"refund_id": "r1", "amount": 100, "status": "submitted",
         "created_date": "2024-01-01T00:00:00.000Z"}]}}
    routes = {"POST /v1/payments/p1/refunds": (202, {}, b""),
              "GET /v1/payments/p1/refunds": (200, {"Content-Type": "application/json"}, refunds)}
    with LocalHTTPServer(routes) as server, GovUkPay("api_test_x", base_url=server.url) as pay:
        assert pay.refund("p1", 100).id == "r1"


# ---------------------------------------------------------------------------- Stripe


def test_stripe_keys() -> None:
    with Stripe("sk_live_x") as live, Stripe("rk_test_x") as test:
        assert live.is_live and not test.is_live
    with pytest.raises(ConfigurationError):
        Stripe("  ")


def test_stripe_requests_are_form_encoded(stripe: Stripe, stripe_server: StripeServer) -> None:
    stripe.create_payment(make_request(metadata={"ledger_code": "AB100", "flag": True},
                                       email="resident@example.com", delayed_capture=True))
    sent = stripe_server.requests[-1]
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    body = sent.body.decode()
    for part in ("mode=payment", "line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=4500",
                 "payment_intent_data%5Bcapture_method%5D=manual", "metadata%5Bflag%5D=true",
                 "client_reference_id=GW-1", "customer_email=resident%40example.com",
                 "expand%5B%5D=payment_intent"):
        assert part in body
    assert form_encode({"a": [1, 2], "expand": ["x"]}) == [("a[0]", "1"), ("a[1]", "2"),
                                                          ("expand[]", "x")]


def test_stripe_cancels_open_and_uncaptured_payments(stripe: Stripe,
                                                     stripe_server: StripeServer) -> None:
    open_payment = stripe.create_payment(make_request())
    stripe.cancel_payment(open_payment.id)
    assert stripe.get_payment(open_payment.id).state is PaymentState.FAILED
    held = stripe.create_payment(make_request(delayed_capture=True))
    stripe_server.pay(held.id)
    stripe.cancel_payment(held.id)
    assert stripe.get_payment(held.id).state is PaymentState.CANCELLED
    with pytest.raises(Conflict):
        stripe.cancel_payment(held.id)
    with pytest.raises(Conflict):
        stripe.capture_payment(held.id)


def test_a_declined_stripe_payment_can_still_be_paid(stripe: Stripe,
                                                     stripe_server: StripeServer) -> None:
    payment = stripe.create_payment(make_request())
    stripe_server.decline(payment.id)
    declined = stripe.get_payment(payment.id)
    assert declined.state is PaymentState.STARTED and declined.failure_code == "card_declined"
    stripe_server.pay(payment.id)
    assert stripe.get_payment(payment.id).state is PaymentState.SUCCESS


@pytest.mark.parametrize(("session", "intent", "state"), [
    ({"status": "open"}, None, PaymentState.CREATED),
    ({"status": "open"}, {"status": "requires_action"}, PaymentState.SUBMITTED),
    ({"status": "open"}, {"status": "processing"}, PaymentState.SUBMITTED),
    ({"status": "complete", "payment_status": "unpaid"}, {"status": "processing"},
     PaymentState.SUBMITTED),
    ({"status": "complete", "payment_status": "paid"}, None, PaymentState.SUCCESS),
    ({"status": "complete", "payment_status": "unpaid"}, {"status": "requires_capture"},
     PaymentState.CAPTURABLE),
    ({"status": "complete", "payment_status": "unpaid"}, {"status": "canceled"},
     PaymentState.CANCELLED),
    ({"status": "expired"}, {"status": "canceled"}, PaymentState.FAILED),
    ({"status": "open", "something_new": 1}, {"status": "a_new_status"}, PaymentState.CREATED),
])
def test_stripe_state_mapping(session: dict[str, Any], intent: dict[str, Any] | None,
                              state: PaymentState) -> None:
    data = {"id": "cs_test_1", "amount_total": 4500, "created": 1_700_000_000, **session}
    if intent is not None:
        data["payment_intent"] = {"id": "pi_1", "amount": 4500, **intent}
    assert payment_from_session(data).state is state


# ---------------------------------------------------------------------------- registry


def test_providers_are_found_by_name() -> None:
    assert isinstance(provider("fake"), FakePay)
    with provider("govuk-pay", api_key="api_test_x") as govuk:
        assert isinstance(govuk, PaymentProvider)
    with PAYMENT_PROVIDERS.registered("fake-for-test", FakePay):
        assert isinstance(provider("fake-for-test"), FakePay)
    with pytest.raises(UnknownProvider):
        provider("no-such-provider")


# ---------------------------------------------------------------------------- secrets


API_KEY = "api_test_TOPSECRETKEY0123456789abcdef"
STRIPE_KEY = "sk_test_TOPSECRETSTRIPE0123456789"
WEBHOOK_SECRET = "whsec_TOPSECRETWEBHOOK"


def everything_shown(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc)


def test_keys_never_show_in_errors_tracebacks_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    shown: list[str] = []
    with GovUkPayServer(api_keys=[API_KEY], webhook_secret=WEBHOOK_SECRET) as govuk_server, \
            StripeServer(api_keys=[STRIPE_KEY], webhook_secret=WEBHOOK_SECRET) as stripe_server:
        providers: list[Any] = [govuk_server.client(retry=None), stripe_server.client(retry=None),
                                FakePay(webhook_secret=WEBHOOK_SECRET)]
        for server in (govuk_server, stripe_server):
            server.reset()
            server.status(500, {"Content-Type": "application/json"},
                          {"code": "P0999", "error": {"message": "down"}})
        for pay in providers:
            shown += [repr(pay), str(pay)]
            for call in (lambda p=pay: p.get_payment("nosuchpayment0000000000000"),
                         lambda p=pay: p.get_payment("nosuchpayment0000000000000"),
                         lambda p=pay: p.verify_webhook(b"{}", {"Pay-Signature": "0" * 64,
                                                                "Stripe-Signature": "t=1,v1=0"}),
                         lambda p=pay: p.refund("nosuchpayment0000000000000", 1)):
                try:
                    call()
                except LGDSError as exc:
                    shown.append(everything_shown(exc))
            with Ledger(":memory:", pay) as ledger:
                shown.append(repr(ledger))
                attempt = ledger.begin(make_request(email="zq.payer@example.com"))
                shown.append(repr(attempt))
            if hasattr(pay, "close"):
                pay.close()
    shown.append(caplog.text)
    assert len(shown) > 20
    for text in shown:
        for secret in (API_KEY, STRIPE_KEY, WEBHOOK_SECRET, "TOPSECRET", "zq.payer"):
            assert secret not in text, text[:300]


def test_next_url_and_webhook_bodies_stay_out_of_repr() -> None:
    fake = FakePay()
    payment = fake.create_payment(make_request(prefilled_cardholder_details={
        "cardholder_name": "Zq Holder"}))
    fake.pay(payment.id)
    assert payment.next_url and payment.next_url not in repr(payment)
    assert "Zq Holder" in fake.webhooks[-1].body.decode()  # as GOV.UK Pay sends it
    assert "Zq Holder" not in repr(fake.webhooks[-1])
    assert "Zq Holder" not in repr(fake.verify_webhook(fake.webhooks[-1].body,
                                                       fake.webhooks[-1].headers))


def test_dates_are_aware_and_utc(govuk: GovUkPay) -> None:
    payment = govuk.create_payment(make_request())
    assert payment.created is not None and payment.created.utcoffset() == timedelta(0)
    assert abs(payment.created - datetime.now(UTC)) < timedelta(minutes=5)
    with pytest.raises(NotFound):
        govuk.refunds("nosuchpayment0000000000000")
