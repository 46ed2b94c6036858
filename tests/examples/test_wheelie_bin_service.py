"""The example service, end to end in headless Chromium: what a resident does, in a real browser.

Debian's ``chromium`` driven by Playwright for Python (``executable_path``:
Playwright's own browser downloads are not used). The service runs in a
thread on 127.0.0.1, FakePay's card page mounted in it, its webhooks posted
back to it. Skipped where Chromium or Playwright is missing, except under CI
(``CI=true``), where that is a failure, as the PostgreSQL tests do. A
screenshot of each page goes to ``test-output/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
SERVICE = ROOT / "examples" / "service"
SHOTS = Path(os.environ.get("LGDS_SCREENSHOTS", ROOT / "test-output" / "screenshots"))
CHROMIUM = os.environ.get("LGDS_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GOOD_CARD = "4444 3333 2222 1111"
DECLINED_CARD = "4000 0000 0000 0002"


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what}; CI must run the browser test (.ci/run installs it)")
    pytest.skip(what)


@pytest.fixture(scope="module")
def service() -> Iterator[tuple[str, ModuleType]]:
    """The example app, served on a free port of 127.0.0.1 by a threaded server."""
    from werkzeug.serving import make_server

    spec = importlib.util.spec_from_file_location("wheelie_bin_service", SERVICE / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    server = make_server("127.0.0.1", 0, module.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", module
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
        module.LEDGER.close()
        sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A fresh headless Chromium profile, through Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed (pip install playwright)")
    if not Path(CHROMIUM).exists():
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            accept_downloads=True, viewport={"width": 1024, "height": 900})
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def styled() -> bool:
    """Whether GOV.UK Frontend's assets are in the example (``dev.py test`` puts them there)."""
    present = (SERVICE / "static" / "govuk-frontend.min.js").is_file()
    if not present and IN_CI:
        pytest.fail("examples/service/static has no GOV.UK Frontend assets; dev.py test "
                    "copies them after npm ci (is npm installed?)")
    return present


@pytest.fixture
def page(browser: Any, service: tuple[str, ModuleType]) -> Iterator[Any]:
    browser.clear_cookies()
    opened = browser.new_page()
    opened.set_default_timeout(15_000)
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    opened.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def continue_(page: Any, text: str = "Continue") -> None:
    page.get_by_role("button", name=text).click()
    page.wait_for_load_state()


def summary_links_focus_their_inputs(page: Any, styled: bool) -> list[str]:
    """Click each error summary link; check it focuses the input it names; return the ids."""
    links = page.locator(".govuk-error-summary__list a")
    targets = [links.nth(i).get_attribute("href").lstrip("#") for i in range(links.count())]
    for target in targets:
        assert page.locator(f"#{target}").count() == 1, f"no element with id {target}"
        if styled:  # GOV.UK Frontend's JavaScript moves the focus
            page.locator(f'.govuk-error-summary__list a[href="#{target}"]').click()
            assert page.evaluate("document.activeElement.id") == target
    return targets


def test_the_journey_from_postcode_to_paid(page: Any, service: tuple[str, ModuleType],
                                            styled: bool) -> None:
    url, app = service
    page.goto(url + "/")
    assert page.title().startswith("Order a replacement wheelie bin")
    if styled:
        font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
        assert "GDS Transport" in font, f"GOV.UK Frontend's CSS is not applied: {font}"
    shot(page, "01-start")
    page.get_by_role("button", name="Start now").click()

    # an invalid postcode, then a real one
    page.get_by_label("What is the postcode of the property?").fill("QA1 1AA")
    continue_(page)
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").inner_text().count("postcode") >= 1
    assert summary_links_focus_their_inputs(page, styled) == ["postcode"]
    shot(page, "02-postcode-error")
    page.get_by_label("What is the postcode of the property?").fill("sn7 1ba")
    continue_(page)

    # choose the address
    assert page.get_by_text("addresses found").count() >= 1
    shot(page, "03-choose-address")
    page.get_by_label("Flat 1, 65 Mount Parade, Radham, Rushworth").check()
    continue_(page)

    # bin days, and the calendar
    assert page.locator("h1").inner_text() == "Your bin days"
    assert page.locator("table.govuk-table tbody tr").count() == 6
    shot(page, "04-bin-days")
    with page.expect_download() as download:
        page.locator("#calendar").click()
    ical = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == "bin-days.ics"
    assert ical.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" in ical
    page.get_by_role("button", name="Continue").click()

    # the details form, with errors first
    page.get_by_label("Email address").fill("resident@example")
    continue_(page)
    assert summary_links_focus_their_inputs(page, styled) == ["bin", "reason", "full-name",
                                                              "email"]
    assert page.locator("#email").input_value() == "resident@example"
    shot(page, "05-details-errors")
    page.get_by_label("Rubbish").check()
    page.get_by_label("It was stolen").check()
    page.get_by_label("Full name").fill("Siân O’Brien")
    page.get_by_label("Email address").fill("sian@example.com")
    page.get_by_label("Mobile phone number (optional)").fill("07700900982")
    continue_(page)

    # check answers
    assert "07700 900 982" in page.locator("main").inner_text()
    shot(page, "06-check-answers")
    continue_(page, "Continue to payment")

    # FakePay: declined, back to the service, try again, paid
    assert page.locator("h1").inner_text() == "Enter card details"
    assert page.locator("#amount").inner_text() == "£25.00"
    shot(page, "07-card-details")
    pay_with(page, DECLINED_CARD)
    assert page.locator("h1").inner_text() == "Your payment has been declined"
    shot(page, "08-card-declined")
    page.locator("#return-url").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Your payment was declined"
    shot(page, "09-try-again")
    continue_(page, "Try the payment again")
    pay_with(page, GOOD_CARD)

    # confirmation
    assert page.locator(".govuk-panel__title").inner_text() == "Replacement bin ordered"
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert reference.startswith("BIN-")
    shot(page, "10-confirmation")

    attempts = [a for a in app.LEDGER.attempts() if a.reference == reference]
    assert [(a.state.value, a.failure_code) for a in attempts] == [("failed", "P0010"),
                                                                    ("success", None)]
    sources = {seen.source for seen in app.LEDGER.history(attempts[-1].key)}
    assert "webhook" in sources, "FakePay's signed webhooks reached the service"
    assert list(app.PAGE.failed_deliveries) == []


def pay_with(page: Any, card: str) -> None:
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2030")
    page.get_by_label("Name on card").fill("S O’Brien")
    page.get_by_label("Card security code").fill("123")
    continue_(page)


def test_the_card_page_errors_link_to_its_inputs(page: Any, service: tuple[str, ModuleType],
                                                 styled: bool) -> None:
    url, app = service
    from lgds_components.payments import PaymentRequest

    payment = app.PAY.create_payment(PaymentRequest(
        amount="£25.00", reference="BIN-TEST", description="Replacement wheelie bin",
        return_url=url + "/pay/return"))
    page.goto(url + payment.next_url)
    page.get_by_label("Card number").fill("1234")
    page.get_by_label("Name on card").fill("")
    continue_(page)
    assert page.title().startswith("Error: Enter card details")
    targets = [page.locator(".govuk-error-summary__list a").nth(i).get_attribute("href")
               for i in range(4)]
    assert targets == ["#card-no", "#expiry-month", "#cardholder-name", "#cvc"]
    shot(page, "11-card-details-errors")
    continue_(page, "Cancel payment")
    assert page.locator("h1").inner_text() == "Your payment has been cancelled"
    assert app.PAY.get_payment(payment.id).failure_code == "P0030"


def test_screenshots_folder_is_ignored_by_git() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "test-output/" in ignored
    if shutil.which("git") and (ROOT / ".git").exists():
        import subprocess

        check = subprocess.run(["git", "check-ignore", "-q", str(SHOTS / "x.png")], cwd=ROOT,
                               check=False)
        assert check.returncode == 0
