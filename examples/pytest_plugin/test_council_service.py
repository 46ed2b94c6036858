"""A council's own tests, using the fixtures of the lgds-components pytest plugin.

Nothing is imported to get the fixtures: pytest finds them by name.
"""

from __future__ import annotations

from datetime import date

from lgds_components.address import Gazetteer
from lgds_components.bins import Schedule
from lgds_components.payments import FakePay, Ledger, PaymentRequest, PaymentState
from lgds_components.payments.fake import ManualClock
from lgds_components.testing.os_places_server import OSPlacesServer
from lgds_components.testing.payment_servers import GovUkPayServer, StripeServer

GARDEN_WASTE = PaymentRequest(amount="£45.00", reference="GW-1", description="Garden waste",
                              return_url="https://council.example/paid")


def test_messy_text_matches_a_sample_address(lgds_gazetteer: Gazetteer) -> None:
    best = lgds_gazetteer.match("flat 2 36 lime wy ashham")
    assert best is not None
    assert best.address.single_line() == "Flat 2, 36 Lime Way, Ashham, TR5 1EN"


def test_christmas_moves_the_recycling(lgds_schedule: Schedule) -> None:
    first = lgds_schedule.next_collections(100040000012, count=1, on_or_after=date(2026, 12, 21))
    assert (first[0].date, first[0].original_date) == (date(2026, 12, 26), date(2026, 12, 25))


def test_a_paid_subscription_is_settled(lgds_fakepay: FakePay, lgds_ledger: Ledger) -> None:
    attempt = lgds_ledger.begin(GARDEN_WASTE, idempotency_key="GW-1-attempt-1")
    lgds_fakepay.pay(attempt.payment_id)            # the fake plays the payer
    assert lgds_ledger.settle("GW-1-attempt-1").state is PaymentState.SUCCESS


def test_a_payer_who_never_comes_back_times_out(
    lgds_ledger: Ledger, lgds_clock: ManualClock
) -> None:
    lgds_ledger.begin(GARDEN_WASTE, idempotency_key="GW-1-attempt-1")
    lgds_clock.advance(minutes=91)                  # GOV.UK Pay gives a payer 90 minutes
    assert lgds_ledger.settle("GW-1-attempt-1").state is PaymentState.FAILED


def test_govuk_pay_adapter_against_the_local_server(
    lgds_govuk_pay_server: GovUkPayServer,
) -> None:
    with lgds_govuk_pay_server.client() as pay:
        payment = pay.create_payment(GARDEN_WASTE, idempotency_key="GW-1-attempt-1")
        lgds_govuk_pay_server.pay(payment.id)
        assert pay.get_payment(payment.id).state is PaymentState.SUCCESS


def test_stripe_adapter_against_the_local_server(lgds_stripe_server: StripeServer) -> None:
    with lgds_stripe_server.client() as pay:
        payment = pay.create_payment(GARDEN_WASTE, idempotency_key="GW-1-attempt-1")
        lgds_stripe_server.pay(payment.id)
        assert pay.get_payment(payment.id).state is PaymentState.SUCCESS


def test_os_places_answers_for_our_street(lgds_os_places_server: OSPlacesServer) -> None:
    # conftest.py overrides the plugin's server to serve the council's own addresses
    with lgds_os_places_server.client() as places:
        homes = places.by_postcode("kl1 2ab")
    assert [home.pao_start_number for home in homes] == list(range(1, 13))
