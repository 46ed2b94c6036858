"""The GOV.UK Pay adapter against GOV.UK Pay's own OpenAPI contract.

* Every request body (and header, and search parameter) the adapter sends
  validates against the contract's schemas, resolved with a ``referencing``
  registry holding the contract; nothing is fetched.
* Responses built from the contract's schemas (every property, from the
  contract's examples where it gives one), with unknown fields added, parse.
* Every documented ``P`` code becomes the typed error the table says.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from lgds_components.errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    ProviderError,
    ProviderUnavailable,
)
from lgds_components.http import RetryPolicy
from lgds_components.payments import _govuk_wire as wire
from lgds_components.payments.govuk_pay import GovUkPay
from lgds_components.payments.govuk_pay_codes import ERROR_CODES
from lgds_components.payments.states import PaymentState, RefundStatus
from lgds_components.payments.webhooks import pay_signature
from lgds_components.testing.http_server import LocalHTTPServer
from tests.payments.payments_support import CONTRACT, SHARED_CONTRACT, make_request

SPEC_URI = "urn:govuk-pay-openapi"
EXTRA = {"a_field_added_in_2030": {"nested": [1, 2, 3]}, "another_new_one": {"kind": "value"}}


@pytest.fixture(scope="module")
def registry(spec: dict[str, Any]) -> Registry:
    return Registry().with_resource(SPEC_URI, DRAFT4.create_resource(spec))


def validator(registry: Registry, schema: dict[str, Any]) -> Draft4Validator:
    return Draft4Validator(schema, registry=registry)


def component(registry: Registry, name: str) -> Draft4Validator:
    return validator(registry, {"$ref": f"{SPEC_URI}#/components/schemas/{name}"})


def operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The contract's operation for a concrete request path (templates matched)."""
    for template, operations in spec["paths"].items():
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        if re.fullmatch(pattern, path) and method.lower() in operations:
            return operations[method.lower()]
    raise AssertionError(f"the contract has no {method} {path}")


def ref_schema(schema: dict[str, Any]) -> dict[str, Any]:
    return {"$ref": SPEC_URI + schema["$ref"]} if "$ref" in schema else schema


def test_the_copied_contract_is_the_shared_one() -> None:
    if not SHARED_CONTRACT.exists():
        pytest.skip("../shared/contracts is not beside this checkout")
    assert CONTRACT.read_bytes() == SHARED_CONTRACT.read_bytes()


# ---------------------------------------------------------------------------- requests


def drive_every_request(govuk: GovUkPay, server: Any) -> None:
    """Make the adapter send every kind of request it can, with every optional field."""
    full = make_request(
        reference="GW-2024-0001", description="Garden waste: brown bin, 12 months",
        email="resident@example.com", language="cy", delayed_capture=True,
        metadata={"ledger_code": "AB100", "an_internal_reference_number": 200, "flag": True,
                  "ratio": 1.5},
        prefilled_cardholder_details={
            "cardholder_name": "A Resident",
            "billing_address": {"line1": "1 High Street", "line2": "Flat 2",
                                "postcode": "EX4 1AA", "city": "Exeter", "country": "GB"},
        },
    )
    minimal = make_request(reference="R", description="D")
    paid = govuk.create_payment(minimal, idempotency_key="attempt-1")
    delayed = govuk.create_payment(full)
    govuk.create_payment(make_request(prefilled_cardholder_details={"cardholder_name": "B"}))
    server.pay(paid.id)
    server.pay(delayed.id)
    govuk.capture_payment(delayed.id)
    govuk.refund(paid.id, 1000, expected_available=4500)
    govuk.refund(paid.id, 500)
    govuk.refunds(paid.id)
    govuk.get_payment(paid.id)
    cancellable = govuk.create_payment(minimal)
    govuk.cancel_payment(cancellable.id)
    from datetime import UTC, datetime

    list(govuk.search(reference="R", state=PaymentState.SUCCESS, page_size=1,
                      from_date=datetime(2020, 1, 1, tzinfo=UTC),
                      to_date=datetime(2100, 1, 1, tzinfo=UTC), email="example.com"))
    list(govuk.search(page_size=2))


def test_every_request_body_validates_against_the_contract(
    govuk: GovUkPay, govuk_server: Any, spec: dict[str, Any], registry: Registry
) -> None:
    drive_every_request(govuk, govuk_server)
    checked = 0
    for request in govuk_server.requests:
        op = operation(spec, request.method, request.path)
        body_spec = op.get("requestBody")
        if body_spec is None:
            assert request.body == b"", f"{request.method} {request.path} sent a body"
            continue
        assert request.headers["Content-Type"] == "application/json"
        schema = ref_schema(body_spec["content"]["application/json"]["schema"])
        body = request.json()
        errors = sorted(validator(registry, schema).iter_errors(body), key=str)
        assert not errors, f"{request.method} {request.path}: {errors[0].message}"
        checked += 1
    assert checked >= 6


def test_every_header_and_query_parameter_validates(
    govuk: GovUkPay, govuk_server: Any, spec: dict[str, Any], registry: Registry
) -> None:
    drive_every_request(govuk, govuk_server)
    from urllib.parse import parse_qs

    seen_key = seen_search = False
    for request in govuk_server.requests:
        op = operation(spec, request.method, request.path)
        params = {p["name"]: p for p in op.get("parameters", [])}
        assert request.headers["Authorization"].startswith("Bearer ")
        key = request.headers.get("Idempotency-Key")
        if key is not None:
            assert "Idempotency-Key" in params, f"{request.path} takes no Idempotency-Key"
            assert not list(validator(registry, params["Idempotency-Key"]["schema"])
                            .iter_errors(key))
            seen_key = True
        for name, values in parse_qs(request.query).items():
            assert name in params and params[name]["in"] == "query", name
            for value in values:
                errors = list(validator(registry, params[name]["schema"]).iter_errors(value))
                assert not errors, f"{name}={value}: {errors[0].message}"
            seen_search = True
    assert seen_key and seen_search


def test_metadata_follows_the_documented_limits_not_the_stale_spec_text(
    govuk: GovUkPay, govuk_server: Any, registry: Registry
) -> None:
    metadata = {f"key{i:02d}": "v" * 100 for i in range(15)}
    govuk.create_payment(make_request(metadata=metadata))
    body = govuk_server.requests[-1].json()
    assert body["metadata"] == metadata
    assert not list(component(registry, "CreateCardPaymentRequest").iter_errors(body))


# ---------------------------------------------------------------------------- responses


def instance(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """An instance of ``schema`` with every property, from the contract's examples."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return instance(spec, spec["components"]["schemas"][name], depth + 1)
    kind = schema.get("type")
    example = schema.get("example")
    if kind == "object" or "properties" in schema:
        if "properties" not in schema:  # free-form maps: the contract's examples break them
            return {}
        return {name: instance(spec, sub, depth + 1)
                for name, sub in schema["properties"].items() if depth < 8}
    if kind == "array":
        return [instance(spec, schema.get("items", {}), depth + 1)]
    if "enum" in schema:
        return example if example in schema["enum"] else schema["enum"][0]
    python = {"string": str, "integer": int, "boolean": bool, "number": (int, float)}.get(kind)
    if example is not None and python is not None and isinstance(example, python):
        return example
    return {"string": "text", "integer": 1, "boolean": False, "number": 1}.get(kind, None)


def with_extras(data: Any) -> Any:
    """``data`` with unknown fields added to it and every object inside it."""
    if isinstance(data, dict):
        return {**{k: with_extras(v) for k, v in data.items()}, **EXTRA}
    if isinstance(data, list):
        return [with_extras(item) for item in data]
    return data


def response_schema(spec: dict[str, Any], method: str, path: str, status: str) -> dict[str, Any]:
    return spec["paths"][path][method]["responses"][status]["content"]["application/json"][
        "schema"]


@pytest.mark.parametrize("name", ["CreatePaymentResult", "PaymentWithAllLinks",
                                  "PaymentDetailForSearch"])
def test_payments_built_from_the_contract_parse(
    spec: dict[str, Any], registry: Registry, name: str
) -> None:
    data = instance(spec, {"$ref": f"#/components/schemas/{name}"})
    assert not list(component(registry, name).iter_errors(data))
    extended = with_extras(data)
    assert not list(component(registry, name).iter_errors(extended))
    payment = wire.parse_payment(extended)
    assert payment.id == data["payment_id"] and payment.amount == data["amount"]
    assert payment.state is PaymentState(data["state"]["status"])
    assert payment.created is not None and payment.created.year == 2016


def test_a_refund_and_refund_list_built_from_the_contract_parse(
    spec: dict[str, Any], registry: Registry
) -> None:
    refund = with_extras(instance(spec, {"$ref": "#/components/schemas/Refund"}))
    assert not list(component(registry, "Refund").iter_errors(refund))
    parsed = wire.parse_refund(refund, "hu20sqlact5260q2nanm0q8u93")
    assert (parsed.id, parsed.amount, parsed.status) == (refund["refund_id"], refund["amount"],
                                                         RefundStatus.SUCCESS)
    listing = with_extras(instance(spec, {"$ref": "#/components/schemas/RefundForSearchResult"}))
    assert not list(component(registry, "RefundForSearchResult").iter_errors(listing))
    assert [r.id for r in wire.parse_refunds(listing, "x")] == [refund["refund_id"]]


def test_search_results_built_from_the_contract_parse(
    spec: dict[str, Any], registry: Registry
) -> None:
    page = with_extras(instance(spec, {"$ref": "#/components/schemas/PaymentSearchResults"}))
    assert not list(component(registry, "PaymentSearchResults").iter_errors(page))
    payments, total = wire.parse_search(page)
    assert len(payments) == 1 and total == page["total"]


def test_the_adapter_reads_contract_responses_served_over_http(spec: dict[str, Any]) -> None:
    payment = with_extras(instance(spec, {"$ref": "#/components/schemas/PaymentWithAllLinks"}))
    created = with_extras(instance(spec, response_schema(spec, "post", "/v1/payments", "201")))
    refund = with_extras(instance(spec, {"$ref": "#/components/schemas/Refund"}))
    refunds = with_extras(instance(spec, response_schema(
        spec, "get", "/v1/payments/{paymentId}/refunds", "200")))
    page = with_extras(instance(spec, response_schema(spec, "get", "/v1/payments", "200")))
    pid = payment["payment_id"]
    json_type = {"Content-Type": "application/json"}
    routes = {
        "POST /v1/payments": (201, json_type, created),
        f"GET /v1/payments/{pid}": (200, json_type, payment),
        f"POST /v1/payments/{pid}/refunds": (202, json_type, refund),
        f"GET /v1/payments/{pid}/refunds": (200, json_type, refunds),
        "GET /v1/payments": (200, json_type, page),
        f"POST /v1/payments/{pid}/cancel": (204, None, None),
    }
    with LocalHTTPServer(routes) as server, GovUkPay(
        "api_test_contract", base_url=server.url, retry=None
    ) as govuk:
        assert govuk.create_payment(make_request()).id == created["payment_id"]
        assert govuk.get_payment(pid).reference == payment["reference"]
        assert govuk.refund(pid, 120).id == refund["refund_id"]
        assert len(govuk.refunds(pid)) == 1
        assert len(list(govuk.search())) == 1
        assert govuk.cancel_payment(pid) is None


def test_a_payment_missing_what_every_payment_has_is_a_typed_error(spec: dict[str, Any]) -> None:
    with pytest.raises(ProviderError, match="cannot read"):
        wire.parse_payment({})
    with pytest.raises(ProviderError, match="unknown payment status"):
        wire.parse_payment({"payment_id": "x", "amount": 1, "state": {"status": "teleported"}})


def test_a_webhook_carrying_a_contract_payment_parses(spec: dict[str, Any]) -> None:
    resource = with_extras(instance(spec, {"$ref": "#/components/schemas/PaymentWithAllLinks"}))
    body = json.dumps({
        "webhook_message_id": "s0wjen129ejalk21nfjkdknf1jejklh", "api_version": 1,
        "created_date": "2019-07-11T10:36:26.988Z", "resource_id": resource["payment_id"],
        "resource_type": "payment", "event_type": "card_payment_captured",
        "resource": resource, "something_new": True,
    }).encode()
    with GovUkPay("api_test_x", webhook_secret="whsec") as govuk:
        event = govuk.verify_webhook(body, {"Pay-Signature": pay_signature(body, "whsec")})
    assert event.payment_id == resource["payment_id"] and event.type == "card_payment_captured"
    assert event.state is PaymentState(resource["state"]["status"])


# ---------------------------------------------------------------------------- error codes

_STATUS = {NotFound: 404, Conflict: 409, ProviderUnavailable: 500, ProviderError: 422,
           AuthenticationError: 401}


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_every_documented_p_code_is_a_typed_error(code: str) -> None:
    expected = ERROR_CODES[code].error
    status = 429 if code == "P0900" else 412 if code == "P0604" else _STATUS[expected]
    body = {"code": code, "description": ERROR_CODES[code].meaning, "field": "amount"}
    with LocalHTTPServer(lambda request: (status, {"Content-Type": "application/json"}, body)
                         ) as server, GovUkPay("api_test_codes", base_url=server.url,
                                               retry=None) as govuk:
        with pytest.raises(ProviderError) as caught:
            govuk.get_payment("hu20sqlact5260q2nanm0q8u93")
    assert type(caught.value) is expected
    assert caught.value.provider_code == code and caught.value.status == status
    assert caught.value.provider == "govuk-pay"


@pytest.mark.parametrize(("code", "status", "expected"), [
    ("P0191", 400, Conflict), ("P0604", 400, Conflict), ("P0900", 503, ProviderUnavailable),
    ("P0920", 403, ProviderError), ("P0200", 400, NotFound), ("P9999", 409, Conflict),
    (None, 401, AuthenticationError),
])
def test_the_code_decides_the_error_whatever_the_status(
    code: str | None, status: int, expected: type[ProviderError]
) -> None:
    body = {"code": code, "description": "x"} if code else None
    with LocalHTTPServer(lambda request: (status, {"Content-Type": "application/json"}, body)
                         ) as server, GovUkPay("api_test_codes", base_url=server.url,
                                               retry=RetryPolicy(attempts=1)) as govuk:
        with pytest.raises(ProviderError) as caught:
            govuk.create_payment(make_request())
    assert type(caught.value) is expected


def test_rate_limiting_says_how_long_to_wait() -> None:
    reply = (429, {"Content-Type": "application/json"},
             {"code": "P0900", "description": "Too many requests"})
    with LocalHTTPServer(lambda request: reply) as server, GovUkPay(
        "api_test_codes", base_url=server.url, retry=None
    ) as govuk:
        with pytest.raises(ProviderUnavailable) as caught:
            govuk.create_payment(make_request())
    assert caught.value.retry_after == 1.0 and caught.value.retryable
