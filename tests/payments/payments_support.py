"""Helpers shared by the payments tests (fixtures are in conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lgds_components.payments.models import PaymentRequest

__all__ = ["CONTRACT", "READ_TIMEOUT", "SHARED_CONTRACT", "make_request"]

DATA = Path(__file__).resolve().parent / "data"
CONTRACT = DATA / "govuk-pay-openapi.json"
SHARED_CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contracts" / CONTRACT.name
READ_TIMEOUT = 0.3
"""Seconds a test client waits for a reply; a hung server is given four times this."""


def make_request(**fields: Any) -> PaymentRequest:
    """A valid GOV.UK Pay payment request; ``fields`` override the defaults."""
    values: dict[str, Any] = {
        "amount": 4500,
        "reference": "GW-1",
        "description": "Garden waste",
        "return_url": "https://council.example/pay/done",
    }
    values.update(fields)
    return PaymentRequest(**values)
