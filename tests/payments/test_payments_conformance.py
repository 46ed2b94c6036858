"""Every built-in provider passes the conformance suite contributed adapters run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lgds_components.http import RetryPolicy
from lgds_components.payments.fake import FakePay
from lgds_components.testing.payment_servers import GovUkPayServer, StripeServer
from lgds_components.testing.payments import PaymentHarness, PaymentProviderConformance

_NO_WAIT = RetryPolicy(attempts=3, sleep=lambda seconds: None)


class TestFakePayConformance(PaymentProviderConformance):
    @pytest.fixture
    def payment_harness(self) -> PaymentHarness:
        secret = "fakepay-conformance-webhook-secret"
        return PaymentHarness.for_fakepay(FakePay(webhook_secret=secret), secrets=[secret])


class TestGovUkPayConformance(PaymentProviderConformance):
    @pytest.fixture
    def payment_harness(self) -> Iterator[PaymentHarness]:
        with GovUkPayServer() as server, server.client(retry=_NO_WAIT) as provider:
            yield PaymentHarness.for_govuk_pay_server(server, provider)


class TestStripeConformance(PaymentProviderConformance):
    @pytest.fixture
    def payment_harness(self) -> Iterator[PaymentHarness]:
        with StripeServer() as server, server.client(retry=_NO_WAIT) as provider:
            yield PaymentHarness.for_stripe_server(server, provider)
