"""Fixtures for the payments tests: local provider servers, fast retries, the contract."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from lgds_components.http import RetryPolicy
from lgds_components.testing.payment_servers import GovUkPayServer, StripeServer
from tests.payments.payments_support import CONTRACT, READ_TIMEOUT


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """GOV.UK Pay's OpenAPI contract."""
    return json.loads(CONTRACT.read_text(encoding="utf-8"))


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def retry(sleeps: list[float]) -> RetryPolicy:
    """Retries that record their waits instead of sleeping."""
    return RetryPolicy(attempts=4, sleep=sleeps.append)


@pytest.fixture
def govuk_server(lgds_govuk_pay_server: GovUkPayServer) -> GovUkPayServer:
    """The pytest plugin's local GOV.UK Pay server."""
    return lgds_govuk_pay_server


@pytest.fixture
def govuk(govuk_server: GovUkPayServer, retry: RetryPolicy) -> Iterator[Any]:
    with govuk_server.client(retry=retry, timeout=(1.0, READ_TIMEOUT)) as client:
        yield client


@pytest.fixture
def stripe_server(lgds_stripe_server: StripeServer) -> StripeServer:
    """The pytest plugin's local Stripe server."""
    return lgds_stripe_server


@pytest.fixture
def stripe(stripe_server: StripeServer, retry: RetryPolicy) -> Iterator[Any]:
    with stripe_server.client(retry=retry, timeout=(1.0, READ_TIMEOUT)) as client:
        yield client
