"""The Stripe adapter against Stripe's own OpenAPI document.

``data/stripe-openapi-extract.json`` holds the operations the adapter calls,
trimmed from Stripe's published document (stripe/openapi, commit and licence
recorded in the file and in ``data/README.md``). Every request the adapter
sends to the local Stripe server is decoded from Stripe's bracketed form
encoding, typed by the document's own schema, and validated against the
operation's request body or query parameters; the limits the adapter checks
before sending are the document's; and every request carries the pinned
``Stripe-Version`` the document describes.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from jsonschema import Draft4Validator

from lgds_components.errors import InvalidLength
from lgds_components.payments.limits import STRIPE_LIMITS
from lgds_components.payments.states import PaymentState
from lgds_components.payments.stripe import API_VERSION, Stripe
from lgds_components.testing.payment_servers import StripeServer
from tests.payments.payments_support import DATA, READ_TIMEOUT, make_request

EXTRACT = DATA / "stripe-openapi-extract.json"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXTRACT.read_text(encoding="utf-8"))
    return data


def operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    for template, operations in document["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path) and (
                method.lower() in operations):
            found: dict[str, Any] = operations[method.lower()]
            return found
    raise AssertionError(f"the extract has no {method} {path}")


def body_schema(op: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = op["requestBody"]["content"]["application/x-www-form-urlencoded"][
        "schema"]
    return schema


# ---------------------------------------------------------------------------- decoding


def form_tree(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``a[b][0][c]=x`` and ``expand[]=y`` as nested data, every leaf still text."""
    tree: dict[str, Any] = {}
    for name, value in pairs:
        head, _, rest = name.partition("[")
        keys = [head, *(part.rstrip("]") for part in rest.split("["))] if rest else [head]
        node: Any = tree
        for key, following in itertools.pairwise(keys):
            node = node.setdefault(key, [] if following == "" else {})
        if keys[-1] == "":
            node.append(value)
        else:
            assert keys[-1] not in node, f"{name} sent twice"
            node[keys[-1]] = value
    return tree


def typed(value: Any, schema: dict[str, Any]) -> Any:
    """Form text typed as the schema says (Stripe's form encoding carries no types)."""
    if "anyOf" in schema:
        for option in schema["anyOf"]:
            candidate = typed(value, option)
            if not list(Draft4Validator(option).iter_errors(candidate)):
                return candidate
        return value
    kind = schema.get("type")
    if kind == "object" and isinstance(value, dict):
        extra = schema.get("additionalProperties")
        return {key: typed(item, schema.get("properties", {}).get(
            key, extra if isinstance(extra, dict) else {})) for key, item in value.items()}
    if kind == "array" and isinstance(value, dict):  # a[0]=x, a[1]=y
        assert sorted(value, key=int) == [str(i) for i in range(len(value))], value
        value = [value[str(i)] for i in range(len(value))]
    if kind == "array" and isinstance(value, list):
        return [typed(item, schema.get("items", {})) for item in value]
    if kind == "integer" and isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def errors(value: Any, schema: dict[str, Any]) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in Draft4Validator(schema).iter_errors(typed(value, schema)))


# ---------------------------------------------------------------------------- requests


def drive_every_request(stripe: Stripe, server: StripeServer) -> None:
    """Make the adapter send every kind of request it can, with every optional field."""
    full = make_request(
        reference="GW-2024-0001", description="D" * STRIPE_LIMITS.description_max,
        email="resident@example.com", delayed_capture=True,
        metadata={"ledger_code": "AB100", "count": 200, "flag": True, "ratio": 1.5},
        return_url="https://council.example/" + "p" * (STRIPE_LIMITS.return_url_max - 24),
    )
    paid = stripe.create_payment(make_request(reference="R" * 200), idempotency_key="attempt-1")
    delayed = stripe.create_payment(full)
    server.pay(paid.id)
    server.pay(delayed.id)
    stripe.capture_payment(delayed.id)
    stripe.refund(paid.id, 1000, expected_available=4500)
    stripe.refund(paid.id, 500)
    stripe.refunds(paid.id)
    stripe.get_payment(paid.id)
    stripe.cancel_payment(stripe.create_payment(make_request()).id)  # expires the session
    uncaptured = stripe.create_payment(make_request(delayed_capture=True))
    server.pay(uncaptured.id)
    stripe.cancel_payment(uncaptured.id)  # cancels the PaymentIntent
    list(stripe.search(reference="R", state=PaymentState.SUCCESS, page_size=1,
                       from_date=datetime(2020, 1, 1, tzinfo=UTC),
                       to_date=datetime(2100, 1, 1, tzinfo=UTC)))


@pytest.fixture
def driven(stripe: Stripe, stripe_server: StripeServer) -> list[Any]:
    drive_every_request(stripe, stripe_server)
    return list(stripe_server.requests)


def test_the_extract_says_where_it_came_from(document: dict[str, Any]) -> None:
    source = document["x-extract"]
    assert source["repository"] == "https://github.com/stripe/openapi"
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    assert (DATA / "stripe-openapi.LICENSE").read_text().startswith("The MIT License")
    assert "responses" not in EXTRACT.read_text() and len(document["paths"]) == 6  # trimmed


def test_every_request_body_validates_against_stripes_document(
    driven: list[Any], document: dict[str, Any]
) -> None:
    checked = set()
    for request in driven:
        if request.method != "POST":
            continue
        op = operation(document, request.method, request.path)
        body = form_tree(parse_qsl(request.body.decode(), keep_blank_values=True))
        found = errors(body, body_schema(op))
        assert not found, f"{request.path}: {found}"
        checked.add(op["operationId"])
    assert checked == {"PostCheckoutSessions", "PostCheckoutSessionsSessionExpire",
                       "PostPaymentIntentsIntentCapture", "PostPaymentIntentsIntentCancel",
                       "PostRefunds"}


def test_every_query_parameter_validates_against_stripes_document(
    driven: list[Any], document: dict[str, Any]
) -> None:
    checked = set()
    for request in driven:
        if request.method != "GET":
            continue
        op = operation(document, request.method, request.path)
        params = {p["name"]: p for p in op["parameters"] if p["in"] == "query"}
        for name, value in form_tree(parse_qsl(request.query, keep_blank_values=True)).items():
            assert name in params, f"{request.path} takes no {name}"
            found = errors(value, params[name]["schema"])
            assert not found, f"{request.path} {name}: {found}"
        checked.add(op["operationId"])
    assert checked == {"GetCheckoutSessions", "GetCheckoutSessionsSession", "GetRefunds"}


def test_every_request_sends_the_pinned_stripe_version(
    driven: list[Any], document: dict[str, Any]
) -> None:
    assert API_VERSION == document["info"]["version"]
    assert {r.headers.get("Stripe-Version") for r in driven} == {API_VERSION}


def test_an_account_on_an_old_default_version_can_still_read_the_charge() -> None:
    """``expand[]=payment_intent.latest_charge`` needs 2022-11-15; the account may be older."""
    with StripeServer(account_api_version="2020-08-27") as server, \
            server.client(timeout=(1.0, READ_TIMEOUT)) as stripe:
        payment = stripe.create_payment(make_request())
        server.pay(payment.id)
        assert stripe.get_payment(payment.id).refund.amount_available == 4500
        with Stripe(server.api_key, base_url=server.url, api_version=None) as unpinned:
            with pytest.raises(Exception, match="cannot be expanded"):
                unpinned.get_payment(payment.id)


# ---------------------------------------------------------------------------- limits


def checkout_field(document: dict[str, Any], *names: str) -> dict[str, Any]:
    schema = body_schema(document["paths"]["/v1/checkout/sessions"]["post"])
    for name in names:
        schema = schema["items"] if name == "[]" else schema["properties"][name]
    return schema


def test_stripe_limits_are_the_documents(document: dict[str, Any]) -> None:
    description = min(
        checkout_field(document, "payment_intent_data", "description")["maxLength"],
        checkout_field(document, "line_items", "[]", "price_data", "product_data",
                       "name")["maxLength"],
    )
    assert STRIPE_LIMITS.description_max == description == 1_000
    assert STRIPE_LIMITS.reference_max == checkout_field(
        document, "client_reference_id")["maxLength"]
    assert STRIPE_LIMITS.return_url_max == min(
        checkout_field(document, "success_url")["maxLength"],
        checkout_field(document, "cancel_url")["maxLength"])
    locales = checkout_field(document, "locale")["enum"]
    assert set(STRIPE_LIMITS.languages) <= set(locales)


@pytest.mark.parametrize(("field", "value"), [
    ("description", "D" * 1_001), ("description", "D" * 5_000),
    ("reference", "R" * 201), ("return_url", "https://council.example/" + "p" * 4_977),
])
def test_a_field_over_stripes_limit_is_refused_before_sending(
    stripe: Stripe, stripe_server: StripeServer, field: str, value: str
) -> None:
    with pytest.raises(InvalidLength) as caught:
        stripe.create_payment(make_request(**{field: value}))
    assert caught.value.field == field
    assert stripe_server.requests == []


def test_the_extract_is_not_stale_against_the_adapter(document: dict[str, Any]) -> None:
    """Every path the adapter can call is in the extract (a new call needs a new extract)."""
    source = Path(__file__).resolve().parents[2] / "src/lgds_components/payments/stripe.py"
    called = set(re.findall(r'"(?:GET|POST)", f?"(/v1/[^"]+)"', source.read_text()))
    templates = {re.sub(r"\{[^}]+\}", "{}", t) for t in document["paths"]}
    for path in called:
        assert re.sub(r"\{[^}]+\}", "{}", path) in templates, path


def test_search_filters_dates_itself_and_stops_at_the_first_older_session() -> None:
    """The document's list of Checkout Sessions has no ``created`` filter to send."""
    now = [1_700_000_000.0]
    with StripeServer(clock=lambda: now[0]) as server, \
            server.client(timeout=(1.0, READ_TIMEOUT)) as stripe:
        made = []
        for _ in range(6):
            made.append(stripe.create_payment(make_request()).id)
            now[0] += 3600
        start = datetime.fromtimestamp(1_700_000_000 + 2 * 3600, UTC)
        end = datetime.fromtimestamp(1_700_000_000 + 4 * 3600, UTC)
        asked = len(server.requests)
        found = [p.id for p in stripe.search(from_date=start, to_date=end, page_size=1)]
        lists = server.requests[asked:]
    assert found == [made[3], made[2]]
    assert len(lists) == 5  # sessions 5, 4, 3, 2, then 1 is older: no sixth page
    assert all("created" not in r.query for r in lists)
