"""Money in pence, the request model and each provider's limits, with nasty inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lgds_components.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    MissingValue,
    ValidationError,
)
from lgds_components.payments.limits import GOVUK_PAY_LIMITS, STRIPE_LIMITS, ProviderLimits
from lgds_components.payments.models import Payment, PaymentRequest
from lgds_components.payments.money import format_pence, to_pence
from lgds_components.payments.states import PaymentState
from tests.payments.payments_support import make_request

FAST = settings(max_examples=200, deadline=None)


# ---------------------------------------------------------------------------- money


@pytest.mark.parametrize(("typed", "pence"), [
    ("£45.00", 4500), ("45", 4500), ("45.5", 4550), ("£1,234.56", 123456), (" £0.01 ", 1),
    ("GBP 10", 1000), (4500, 4500), (Decimal("45.00"), 4500), (Decimal("0.5"), 50),
    (Decimal("45.500"), 4550), ("\uff10.\uff19\uff19", 99),
])
def test_amounts_people_type_become_pence(typed: Any, pence: int) -> None:
    assert to_pence(typed) == pence


@pytest.mark.parametrize("bad", [45.0, 0.1 + 0.2, float("nan"), float("inf"), True, None, "",
                                 "12.345", "£-5", "-5", "1e3", "£", "1,23", "$5", "٤٥",
                                 "4" * 100_000, Decimal("1.005"), Decimal("NaN"), [45], b"45"])
def test_bad_amounts_are_refused_with_a_validation_error(bad: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        to_pence(bad)
    assert caught.value.field == "amount"


def test_floats_are_refused_whatever_their_value() -> None:
    with pytest.raises(InvalidFormat) as caught:
        to_pence(45.0)
    assert caught.value.code == "float_not_allowed"


@FAST
@given(st.integers(0, 10**12))
def test_format_then_parse_gives_the_same_pence(pence: int) -> None:
    assert to_pence(format_pence(pence)) == pence


@FAST
@given(st.text(max_size=60) | st.from_regex(r"\A-?£?[0-9,]{0,12}(\.[0-9]{0,4})?\Z"))
def test_any_text_is_pence_or_a_validation_error(text: str) -> None:
    try:
        pence = to_pence(text)
    except ValidationError:
        return
    assert isinstance(pence, int) and pence >= 0


@FAST
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_no_float_is_ever_accepted(value: float) -> None:
    with pytest.raises(ValidationError):
        to_pence(value)


@FAST
@given(st.decimals(allow_nan=True, allow_infinity=True, places=None))
def test_decimals_are_pence_or_a_validation_error(value: Decimal) -> None:
    try:
        pence = to_pence(value)
    except ValidationError:
        return
    assert Decimal(pence) == value * 100


def test_format_pence_refuses_non_integers() -> None:
    with pytest.raises(InvalidFormat):
        format_pence(45.0)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- the request model


def test_a_request_reads_pounds_and_keeps_pence() -> None:
    request = make_request(amount="£45.00", metadata={"ledger_code": "AB100", "n": 2})
    assert request.amount == 4500 and request.model_dump()["amount"] == 4500
    assert PaymentRequest.model_validate_json(request.model_dump_json()) == request


@pytest.mark.parametrize(("fields", "error", "field"), [
    ({"amount": 0}, InvalidFormat, "amount"),
    ({"amount": 45.0}, InvalidFormat, "amount"),
    ({"reference": ""}, MissingValue, "reference"),
    ({"description": "   "}, MissingValue, "description"),
    ({"return_url": "javascript:alert(1)"}, InvalidFormat, "return_url"),
    ({"return_url": "/relative"}, InvalidFormat, "return_url"),
    ({"return_url": "https://exa mple.com"}, InvalidFormat, "return_url"),
    ({"email": "not an email"}, InvalidFormat, "email"),
    ({"language": "fr"}, InvalidFormat, "language"),
    ({"metadata": {"k": None}}, InvalidFormat, "metadata.k"),
    ({"metadata": {"k": [1]}}, InvalidFormat, "metadata.k"),
    ({"metadata": {"k": float("inf")}}, InvalidFormat, "metadata.k"),
    ({"prefilled_cardholder_details": {"cardholder_name": 5}}, InvalidFormat,
     "prefilled_cardholder_details.cardholder_name"),
    ({"surprise": 1}, InvalidFormat, "surprise"),
])
def test_bad_requests_name_the_field(fields: dict[str, Any], error: type, field: str) -> None:
    with pytest.raises(error) as caught:
        make_request(**fields)
    assert caught.value.field == field


def test_a_missing_field_is_a_missing_value() -> None:
    with pytest.raises(MissingValue) as caught:
        PaymentRequest(amount=100, reference="R", description="D")  # type: ignore[call-arg]
    assert caught.value.field == "return_url"


def test_refusals_never_echo_what_was_given() -> None:
    secret_name = "Zxq Private Name"
    for fields in ({"email": f"{secret_name}@@example.com"},
                   {"prefilled_cardholder_details": {"cardholder_name": secret_name,
                                                     "billing_address": {"line1": 7}}},
                   {"metadata": {"k": {secret_name: 1}}}):
        with pytest.raises(ValidationError) as caught:
            make_request(**fields)
        text = f"{caught.value} {caught.value!r} {caught.value.__cause__}"
        assert secret_name not in text


def test_fingerprints_tell_requests_apart() -> None:
    assert make_request().fingerprint() == make_request().fingerprint()
    assert make_request().fingerprint() != make_request(amount=4501).fingerprint()
    assert make_request(metadata={"a": 1, "b": 2}).fingerprint() == make_request(
        metadata={"b": 2, "a": 1}).fingerprint()


def test_payment_finished_follows_its_state() -> None:
    payment = Payment(id="p", provider="fake", state=PaymentState.CAPTURABLE, amount=1)
    assert not payment.finished and payment.model_dump()["finished"] is False
    assert Payment(id="p", provider="fake", state="error", amount=1).finished


# ---------------------------------------------------------------------------- limits


def check(limits: ProviderLimits, live: bool = False, **fields: Any) -> None:
    limits.check(make_request(**fields), live=live)


@pytest.mark.parametrize(("fields", "ok"), [
    ({"amount": 1}, True), ({"amount": 10_000_000}, True), ({"amount": 10_000_001}, False),
    ({"reference": "R" * 255}, True), ({"reference": "R" * 256}, False),
    ({"description": "D" * 255}, True), ({"description": "D" * 256}, False),
    ({"description": "D" * 100_000}, False),
    ({"metadata": {f"k{i}": i for i in range(15)}}, True),
    ({"metadata": {f"k{i}": i for i in range(16)}}, False),
    ({"metadata": {"k" * 30: "v" * 100}}, True),
    ({"metadata": {"k" * 31: "v"}}, False),
    ({"metadata": {"": "v"}}, False),
    ({"metadata": {"k": "v" * 101}}, False),
    ({"return_url": "https://x.example/" + "a" * 1982}, True),
    ({"return_url": "https://x.example/" + "a" * 1983}, False),
    ({"reference": "<script>"}, False), ({"description": 'Say "hi"'}, False),
    ({"reference": "a|b"}, False), ({"metadata": {"k": "a\\b"}}, False),
    ({"reference": "'; DROP TABLE payments; --"}, True),
    ({"reference": "Ffordd y M\u00f4r \u2013 \u0181"}, True),
    ({"prefilled_cardholder_details": {"cardholder_name": "N" * 256}}, False),
    ({"prefilled_cardholder_details": {"billing_address": {"postcode": "P" * 26}}}, False),
    ({"prefilled_cardholder_details": {"billing_address": {"country": "gb"}}}, False),
    ({"prefilled_cardholder_details": {"billing_address": {"country": "\uff27\uff22"}}}, False),
    ({"prefilled_cardholder_details": {"billing_address": {"country": "GB"}}}, True),
])
def test_govuk_pay_limits(fields: dict[str, Any], ok: bool) -> None:
    if ok:
        check(GOVUK_PAY_LIMITS, **fields)
    else:
        with pytest.raises(ValidationError):
            check(GOVUK_PAY_LIMITS, **fields)


def test_live_keys_need_https() -> None:
    check(GOVUK_PAY_LIMITS, live=False, return_url="http://localhost:8000/done")
    with pytest.raises(InvalidFormat) as caught:
        check(GOVUK_PAY_LIMITS, live=True, return_url="http://council.example/done")
    assert caught.value.code == "https_required"


def test_stripe_limits() -> None:
    check(STRIPE_LIMITS, amount=30, metadata={f"k{i}": "v" * 500 for i in range(50)})
    with pytest.raises(InvalidComponent):
        check(STRIPE_LIMITS, amount=29)
    with pytest.raises(InvalidComponent) as caught:
        check(STRIPE_LIMITS, language="cy")
    assert caught.value.code == "unsupported_language"
    with pytest.raises(InvalidLength):
        check(STRIPE_LIMITS, reference="R" * 201)
    # card-holder details are not prefilled at Stripe, so not checked either
    check(STRIPE_LIMITS, prefilled_cardholder_details={"cardholder_name": "N" * 300})


# ---------------------------------------------------------------------------- arbitrary input

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.decimals(allow_nan=True),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=10,
)
fields = st.sampled_from(["amount", "reference", "description", "return_url", "email",
                          "language", "metadata", "prefilled_cardholder_details",
                          "delayed_capture", "other"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(fields, json_values | st.text(max_size=300)), st.booleans())
def test_any_request_fields_give_a_request_or_a_validation_error(
    data: dict[str, Any], live: bool
) -> None:
    base = {"amount": 100, "reference": "R", "description": "D",
            "return_url": "https://x.example/"}
    try:
        request = PaymentRequest(**{**base, **data})
    except ValidationError:
        return
    for limits in (GOVUK_PAY_LIMITS, STRIPE_LIMITS):
        try:
            limits.check(request, live=live)
        except ValidationError:
            pass


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["payment_id", "amount", "state", "created_date",
                                        "refund_summary", "_links", "metadata", "reference",
                                        "id", "status", "payment_intent", "amount_total",
                                        "created", "payment_status"]), json_values))
def test_any_provider_json_gives_a_payment_or_a_provider_error(data: dict[str, Any]) -> None:
    from lgds_components.errors import ProviderError
    from lgds_components.payments._govuk_wire import parse_payment
    from lgds_components.payments.stripe import payment_from_session

    for parse in (parse_payment, payment_from_session):
        try:
            payment = parse(data)
        except ProviderError:
            continue
        assert isinstance(payment, Payment)
