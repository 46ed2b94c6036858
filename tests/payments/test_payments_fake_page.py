"""FakePay's card page: a WSGI app over the simulator, its webhooks, and its other homes.

The page is driven here through WSGI and real HTTP (``requests`` against the
local GOV.UK Pay server and ``lgds pay fake-server``); the end-to-end browser
test in ``tests/examples`` drives it in Chromium.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from io import BytesIO
from typing import Any
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from lgds_components.payments import FakePay, PaymentState
from lgds_components.payments.card_form import check_card, outcome
from lgds_components.payments.fake_page import FakePayPage
from lgds_components.payments.simulator import PaySimulator
from lgds_components.testing.http_server import LocalHTTPServer, Request
from lgds_components.testing.payment_servers import GovUkPayServer
from tests.payments.payments_support import make_request

GOOD_CARD = {"cardNo": "4444 3333 2222 1111", "expiryMonth": "12", "expiryYear": "2099",
             "cardholderName": "A Resident", "cvc": "123"}


class Answer:
    def __init__(self, status: str, headers: dict[str, str], body: str) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def code(self) -> int:
        return int(self.status.split()[0])


def call(app: Any, path: str, form: dict[str, str] | None = None, *, raw: bytes | None = None
         ) -> Answer:
    environ: dict[str, Any] = {"PATH_INFO": path}
    body = raw if raw is not None else (urlencode(form).encode() if form is not None else None)
    if body is not None:
        environ.update({"REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(body)),
                        "CONTENT_TYPE": "application/x-www-form-urlencoded",
                        "wsgi.input": BytesIO(body)})
    setup_testing_defaults(environ)
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen.update(status=status, headers=dict(headers))

    text = b"".join(app(environ, start_response)).decode()
    return Answer(seen["status"], seen["headers"], text)


class Ids(HTMLParser):
    """Every element id, and every error summary link target, in a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        href = values.get("href") or ""
        if tag == "a" and href.startswith("#"):
            self.links.append(href[1:])


@pytest.fixture
def pay() -> FakePay:
    return FakePay(base_url="/fakepay", seed=5)


@pytest.fixture
def page(pay: FakePay) -> FakePayPage:
    return FakePayPage(pay)


def new_payment(pay: FakePay, **fields: Any) -> Any:
    return pay.create_payment(make_request(return_url="https://council.example/paid", **fields))


def test_the_card_page_shows_the_payment_and_starts_it(pay: FakePay, page: FakePayPage) -> None:
    payment = new_payment(pay, description="Bins & boxes", amount=2500)
    answer = call(page, payment.next_url)
    assert answer.code == 200
    assert "Enter card details" in answer.body and "£25.00" in answer.body
    assert "Bins &amp; boxes" in answer.body and "Bins & boxes" not in answer.body
    assert answer.headers["Cache-Control"] == "no-store"
    assert pay.get_payment(payment.id).state is PaymentState.STARTED


def test_a_good_card_pays_and_sends_the_payer_back(pay: FakePay, page: FakePayPage) -> None:
    payment = new_payment(pay)
    answer = call(page, payment.next_url, GOOD_CARD)
    assert (answer.code, answer.headers["Location"]) == (303, "https://council.example/paid")
    paid = pay.get_payment(payment.id)
    assert paid.state is PaymentState.SUCCESS
    assert pay.simulator.payment_json(payment.id)["card_details"]["cardholder_name"] == (
        "A Resident")
    again = call(page, payment.next_url)  # back button: straight back to the service
    assert (again.code, again.headers["Location"]) == (303, "https://council.example/paid")


@pytest.mark.parametrize(("card", "state", "code", "heading"), [
    ("4000 0000 0000 0002", PaymentState.FAILED, "P0010", "Your payment has been declined"),
    ("4000000000000069", PaymentState.FAILED, "P0010", "Your payment has been declined"),
    ("4000-0000-0000-0119", PaymentState.ERROR, "P0050", "experiencing technical problems"),
])
def test_test_cards_decline_or_fail(pay: FakePay, page: FakePayPage, card: str,
                                    state: PaymentState, code: str, heading: str) -> None:
    payment = new_payment(pay)
    answer = call(page, payment.next_url, {**GOOD_CARD, "cardNo": card})
    assert answer.code == 200 and heading in answer.body
    assert 'href="https://council.example/paid"' in answer.body
    failed = pay.get_payment(payment.id)
    assert (failed.state, failed.failure_code) == (state, code)
    assert call(page, payment.next_url, GOOD_CARD).body == answer.body  # no second go here


def test_cancel_fails_the_payment_as_the_payer_cancelling(pay: FakePay, page: FakePayPage
                                                          ) -> None:
    payment = new_payment(pay)
    answer = call(page, payment.next_url, {"cancel": "1", "cardNo": ""})
    assert "Your payment has been cancelled" in answer.body
    assert pay.get_payment(payment.id).failure_code == "P0030"


def test_errors_are_summarised_with_links_to_the_inputs(pay: FakePay, page: FakePayPage) -> None:
    payment = new_payment(pay)
    answer = call(page, payment.next_url, {"cardNo": "1234", "expiryMonth": "13",
                                           "expiryYear": "29", "cardholderName": "",
                                           "cvc": "1"})
    assert answer.code == 200 and "There is a problem" in answer.body
    found = Ids(answer.body)
    assert found.links == ["card-no", "expiry-month", "cardholder-name", "cvc"]
    assert set(found.links) <= found.ids
    assert 'value="1234"' in answer.body and 'value="13"' in answer.body
    assert "<title>Error: Enter card details" in answer.body
    assert pay.get_payment(payment.id).state is PaymentState.STARTED


def test_unknown_links_other_paths_and_chargeTokenId(pay: FakePay, page: FakePayPage) -> None:
    assert call(page, "/fakepay/secure/nosuchtoken").code == 404
    assert call(page, "/elsewhere").code == 404
    payment = new_payment(pay)
    token = payment.next_url.rsplit("/", 1)[1]
    answer = call(page, "/fakepay/secure", {"chargeTokenId": token})
    assert (answer.code, answer.headers["Location"]) == (303, payment.next_url)


def test_mount_passes_everything_else_to_the_service(pay: FakePay, page: FakePayPage) -> None:
    def service(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["PATH_INFO"].encode()]

    app = page.mount(service)
    assert call(app, "/fakepay/other").body == "/fakepay/other"
    assert call(app, "/fakepay/securex").body == "/fakepay/securex"
    assert "Enter card details" in call(app, new_payment(pay).next_url).body


def test_a_huge_or_broken_form_is_read_only_in_part(pay: FakePay, page: FakePayPage) -> None:
    payment = new_payment(pay)
    answer = call(page, payment.next_url, raw=b"cardNo=" + b"4" * 100_000 + b"\xff\xfe")
    assert answer.code == 200 and "Enter a valid card number" in answer.body
    assert len(answer.body) < 20_000


def test_webhooks_are_posted_signed_before_the_payer_returns() -> None:
    received: list[Request] = []

    def webhook(request: Request) -> tuple[int, None, None]:
        received.append(request)
        return 200, None, None

    pay = FakePay(base_url="/fakepay", seed=6, webhook_secret="page-secret")
    with LocalHTTPServer({"POST /hooks": webhook}) as receiver:
        page = FakePayPage(pay, webhook_url=receiver.url + "/hooks")
        payment = new_payment(pay)
        call(page, payment.next_url)
        call(page, payment.next_url, GOOD_CARD)
    events = [pay.verify_webhook(r.body, dict(r.headers.items())) for r in received]
    assert [e.type for e in events] == ["card_payment_started", "card_payment_succeeded",
                                        "card_payment_captured"]
    assert list(page.failed_deliveries) == []


def test_a_failed_delivery_is_kept_and_the_payer_still_returns() -> None:
    pay = FakePay(base_url="/fakepay", seed=7)
    with LocalHTTPServer({"POST /hooks": (500, None, b"")}) as receiver:
        page = FakePayPage(pay, webhook_url=receiver.url + "/hooks")
        payment = new_payment(pay)
        answer = call(page, payment.next_url, GOOD_CARD)
    assert answer.code == 303
    assert [(w.event_type, why) for w, why in page.failed_deliveries] == [
        ("card_payment_started", "HTTP 500"), ("card_payment_succeeded", "HTTP 500"),
        ("card_payment_captured", "HTTP 500")]


def test_a_relative_webhook_url_goes_to_the_site_that_served_the_page() -> None:
    received: list[Request] = []
    pay = FakePay(base_url="/fakepay", seed=8)
    with LocalHTTPServer({"POST /pay/webhook": lambda r: (received.append(r) or (204, None, None))}
                         ) as site:
        page = FakePayPage(pay, webhook_url="/pay/webhook")
        payment = new_payment(pay)
        port = site.url.rsplit(":", 1)[1]
        environ_host = {"HTTP_HOST": f"127.0.0.1:{port}"}
        body = urlencode(GOOD_CARD).encode()
        environ = {"PATH_INFO": payment.next_url, "REQUEST_METHOD": "POST",
                   "CONTENT_LENGTH": str(len(body)), "wsgi.input": BytesIO(body),
                   **environ_host}
        setup_testing_defaults(environ)
        page(environ, lambda status, headers: None)
    assert len(received) == 3


def test_the_service_side_webhooks_go_out_when_asked() -> None:
    received: list[Request] = []
    simulator = PaySimulator(base_url="/fakepay", seed=9)
    pay = FakePay(simulator=simulator)
    with LocalHTTPServer({"POST /hooks": lambda r: (received.append(r) or (200, None, None))}
                         ) as receiver:
        page = FakePayPage(simulator, webhook_url=receiver.url + "/hooks")
        payment = new_payment(pay)
        pay.pay(payment.id)
        pay.refund(payment.id, 100)
        assert page.deliver_webhooks() == 4
        assert page.deliver_webhooks() == 0
    assert json.loads(received[-1].body)["event_type"] == "card_payment_refunded"


@pytest.fixture
def server() -> Iterator[GovUkPayServer]:
    with GovUkPayServer(seed=3) as running:
        yield running


def test_the_local_govuk_pay_server_serves_the_card_page(server: GovUkPayServer) -> None:
    with server.client() as client, requests.Session() as browser:
        payment = client.create_payment(make_request(return_url="http://127.0.0.1:9/done"))
        assert payment.next_url.startswith(server.url + "/secure/")
        shown = browser.get(payment.next_url)
        assert shown.status_code == 200 and "Enter card details" in shown.text
        sent = browser.post(payment.next_url, data=GOOD_CARD, allow_redirects=False)
        assert (sent.status_code, sent.headers["Location"]) == (303, "http://127.0.0.1:9/done")
        assert client.get_payment(payment.id).state is PaymentState.SUCCESS


def _decline_through(process: subprocess.Popen[str], received: list[Request]) -> list[Any]:
    """Create a payment on a running fake-server, decline it on its page; the webhooks sent."""
    from lgds_components.payments import GovUkPay

    assert process.stdout is not None
    lines = dict(line.strip().split("=", 1) for line in
                 (process.stdout.readline() for _ in range(4)) if "=" in line)
    with GovUkPay(lines["GOVUK_PAY_API_KEY"], base_url=lines["GOVUK_PAY_BASE_URL"],
                  webhook_secret=lines["GOVUK_PAY_WEBHOOK_SECRET"]) as client:
        payment = client.create_payment(make_request())
        page = requests.post(payment.next_url, data={**GOOD_CARD, "cardNo": "4000000000000002"},
                             timeout=10)
        assert "Your payment has been declined" in page.text
        assert client.get_payment(payment.id).failure_code == "P0010"
        return [client.verify_webhook(r.body, dict(r.headers.items())) for r in received]


def test_lgds_pay_fake_server_serves_api_page_and_webhooks() -> None:
    received: list[Request] = []
    with LocalHTTPServer({"POST /hooks": lambda r: (received.append(r) or (200, None, None))}
                         ) as receiver:
        with subprocess.Popen(
            [sys.executable, "-c", "import sys; from lgds_components.cli.app import main; "
             "sys.exit(main())", "pay", "fake-server", "--port", "0", "--webhook-url",
             receiver.url + "/hooks", "--seconds", "60"],
            stdout=subprocess.PIPE, text=True,
        ) as process:
            try:
                events = _decline_through(process, received)
            finally:
                process.terminate()
                process.wait(10)
    assert [e.type for e in events] == ["card_payment_started", "card_payment_failed"]


@given(st.dictionaries(st.sampled_from(["cardNo", "expiryMonth", "expiryYear",
                                        "cardholderName", "cvc"]), st.text(max_size=60)))
def test_any_form_gets_messages_never_an_exception(form: dict[str, str]) -> None:
    errors = check_card(form, today=date(2026, 6, 1))
    assert set(errors) <= {"cardNo", "expiryMonth", "cardholderName", "cvc"}
    assert all(re.fullmatch(r"Enter [a-z ]+", message) for message in errors.values())
    if "cardNo" not in errors:
        assert outcome(form["cardNo"]) in ("pay", "decline", "error")
