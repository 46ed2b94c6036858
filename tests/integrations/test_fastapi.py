"""FastAPI: the how-to's example API, answered through a real FastAPI app and TestClient.

The example app (examples/fastapi_app/council_api.py) runs with the pytest
plugin's sample gazetteer, schedule and FakePay swapped in as dependencies.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from lgds_components.address import Gazetteer
from lgds_components.bins import Schedule
from lgds_components.payments import FakePay

APP = Path(__file__).resolve().parents[2] / "examples" / "fastapi_app" / "council_api.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("council_api", APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["council_api"] = module  # pydantic resolves the module's annotations here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example() -> ModuleType:
    return load_example()


@pytest.fixture
def client(
    example: ModuleType, lgds_gazetteer: Gazetteer, lgds_schedule: Schedule,
    lgds_fakepay: FakePay,
) -> Iterator[TestClient]:
    app = example.app
    app.dependency_overrides = {
        example.addresses: lambda: lgds_gazetteer,
        example.bin_schedule: lambda: lgds_schedule,
        example.payments: lambda: lgds_fakepay,
    }
    with TestClient(app) as test_client:
        yield test_client
    app.dependency_overrides = {}


def test_addresses_are_a_response_model(client: TestClient) -> None:
    reply = client.get("/addresses", params={"postcode": "tr5 1en"})
    assert reply.status_code == 200
    first = reply.json()[0]
    assert first["single_line"] == "35 Lime Way, Ashham, TR5 1EN"
    assert first["lines"] == ["35 Lime Way", "Ashham", "TR5 1EN"]
    assert {"uprn", "sao_text", "pao_start_number", "postcode", "postal"} <= set(first)


def test_one_address_and_not_found(client: TestClient) -> None:
    assert client.get("/addresses/10119368").json()["uprn"] == 10119368
    missing = client.get("/addresses/99999")
    assert missing.status_code == 404


def test_bad_identifiers_are_a_422_with_the_govuk_message(client: TestClient) -> None:
    reply = client.get("/addresses", params={"postcode": "QA1 1AA"})
    assert reply.status_code == 422
    error = reply.json()["detail"][0]
    assert (error["loc"], error["msg"], error["type"]) == (
        ["query", "postcode"], "Enter a full UK postcode", "invalid_format")
    reply = client.get("/addresses/12x")
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["msg"] == "Enter a UPRN using numbers only"


def test_match_is_a_match_or_null(client: TestClient) -> None:
    found = client.get("/match", params={"text": "flat 2 36 lime wy ashham"}).json()
    assert (found["uprn"], found["address"]["uprn"]) == (10119368, 10119368)
    assert 0 < found["score"] <= 1 and found["reason"]
    assert client.get("/match", params={"text": "qwerty uiop"}).json() is None


@pytest.mark.parametrize("text", ["", "x" * 301, "' OR 1=1 --", "NEAR(high street)", "\x00"])
def test_hostile_match_text_gets_an_answer_not_a_500(client: TestClient, text: str) -> None:
    assert client.get("/match", params={"text": text}).status_code in {200, 422}


def test_collections_are_a_response_model(client: TestClient) -> None:
    reply = client.get("/bin-days/100040000012", params={"on_or_after": "2026-12-21", "count": 2})
    assert reply.status_code == 200
    first = reply.json()[0]
    assert first["date"] == "2026-12-26" and first["original_date"] == "2026-12-25"
    assert first["moved"] is True and first["service"]["name"] == "Recycling"
    assert first["move_description"] == "Moved from Friday 25 December because of Christmas Day"


def test_request_body_identifiers_are_held_canonically(client: TestClient) -> None:
    reply = client.post("/contacts", json={"email": "A@Example.COM", "phone": "07400 123456",
                                           "postcode": "sw1a1aa"})
    assert reply.json() == {"email": "A@example.com", "phone": "+447400123456",
                            "postcode": "SW1A 1AA"}
    reply = client.post("/contacts", json={"email": "nope", "phone": "07700 900982",
                                           "postcode": "QA1 1AA"})
    assert reply.status_code == 422
    assert [(e["loc"][-1], e["type"]) for e in reply.json()["detail"]] == [
        ("email", "invalid_format"), ("phone", "drama_number"), ("postcode", "invalid_format")]


def test_payment_is_a_response_model(client: TestClient, lgds_fakepay: FakePay) -> None:
    reply = client.post("/payments", json={"amount": "£45.00", "reference": "GW-1",
                                           "description": "Garden waste",
                                           "return_url": "https://council.example/paid"})
    assert reply.status_code == 201
    payment = reply.json()
    assert (payment["amount"], payment["state"], payment["finished"]) == (4500, "created", False)
    assert lgds_fakepay.get_payment(payment["id"]).amount == 4500


# -- the OpenAPI document: every example validates against its own schema ---------------


def examples_in(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any], Any]]:
    if isinstance(node, dict):
        for example in node.get("examples", []) if isinstance(node.get("examples"), list) else []:
            yield path, node, example
        for key, value in node.items():
            yield from examples_in(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from examples_in(value, f"{path}/{index}")


def test_every_openapi_example_fits_its_schema(example: ModuleType) -> None:
    document = example.app.openapi()
    found = list(examples_in(document))
    assert len(found) >= 9, [path for path, _, _ in found]
    for path, schema, value in found:
        # the whole document rides along, so "#/components/..." references resolve
        checked = {**{k: v for k, v in schema.items() if k != "examples"},
                   "components": document["components"]}
        errors = list(jsonschema.Draft202012Validator(checked).iter_errors(value))
        assert not errors, f"{path}: {value!r}: {errors[0].message}"


def test_openapi_names_the_library_schemas(example: ModuleType) -> None:
    names = set(example.app.openapi()["components"]["schemas"])
    assert {"AddressSchema", "MatchSchema", "CollectionSchema", "Payment"} <= names
