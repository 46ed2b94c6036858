"""FakePay's card page: a GOV.UK Pay-like payment page a browser can open, as a WSGI app.

:class:`FakePayPage` serves ``next_url`` for a
:class:`~lgds_components.payments.fake.FakePay` (or any face of its
:class:`~lgds_components.payments.simulator.PaySimulator`): the payer sees
what they are paying for, types a test card (or a card that is declined),
or cancels, and is sent back to the payment's ``return_url``, as on GOV.UK
Pay. Each change of state posts FakePay's signed webhook to ``webhook_url``.

It is plain WSGI, so it works inside any Python web framework:

* Flask: ``app.wsgi_app = FakePayPage(pay).mount(app.wsgi_app)``;
* Django: ``application = FakePayPage(pay).mount(get_wsgi_application())``
  in ``wsgi.py``;
* on its own: ``lgds pay fake-server`` (with GOV.UK Pay's API beside it).

The page answers under the path of FakePay's ``base_url`` (``/fakepay`` for
``FakePay(base_url="/fakepay")``) and passes every other request on:

>>> from wsgiref.util import setup_testing_defaults
>>> from lgds_components.payments import FakePay, PaymentRequest
>>> pay = FakePay(base_url="/fakepay", seed=3)
>>> payment = pay.create_payment(PaymentRequest(amount=2500, reference="BIN-1",
...     description="Replacement wheelie bin", return_url="http://localhost/paid"))
>>> payment.next_url.startswith("/fakepay/secure/")
True
>>> def service(environ, start_response):
...     start_response("200 OK", [("Content-Type", "text/plain")])
...     return [b"the council's own page"]
>>> app = FakePayPage(pay).mount(service)
>>> def get(path, form=None):
...     environ = {"PATH_INFO": path}
...     if form is not None:
...         from io import BytesIO
...         from urllib.parse import urlencode
...         body = urlencode(form).encode()
...         environ.update(REQUEST_METHOD="POST", CONTENT_LENGTH=str(len(body)),
...                        CONTENT_TYPE="application/x-www-form-urlencoded",
...                        **{"wsgi.input": BytesIO(body)})
...     setup_testing_defaults(environ)
...     answer = {}
...     def start_response(status, headers):
...         answer.update(status=status, headers=dict(headers))
...     answer["body"] = b"".join(app(environ, start_response)).decode()
...     return answer
>>> get("/")["body"]
"the council's own page"
>>> page = get(payment.next_url)
>>> page["status"], "Enter card details" in page["body"], "£25.00" in page["body"]
('200 OK', True, True)
>>> done = get(payment.next_url, {"cardNo": "4444 3333 2222 1111", "expiryMonth": "12",
...     "expiryYear": "2099", "cardholderName": "A Resident", "cvc": "123"})
>>> done["status"], done["headers"]["Location"]
('303 See Other', 'http://localhost/paid')
>>> pay.get_payment(payment.id).state
<PaymentState.SUCCESS: 'success'>

Test cards (:data:`~lgds_components.payments.card_form.TEST_CARDS`):
``4444 3333 2222 1111`` pays, ``4000 0000 0000 0002`` is declined
(``P0010``), ``4000 0000 0000 0119`` is a provider error (``P0050``); any
other valid card number pays. "Cancel payment" fails the payment with
``P0030``. A declined, cancelled or failed payment shows GOV.UK Pay's
message and a link back to ``return_url``, where the service shows its own
"try again" page.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import Any, Final, TypeAlias
from urllib.parse import parse_qs, urljoin, urlsplit
from wsgiref.util import application_uri

import requests

from lgds_components.errors import LGDSError, NotFound
from lgds_components.payments.card_form import CARD_FIELDS, TEST_CARDS, check_card, outcome
from lgds_components.payments.fake import FakePay
from lgds_components.payments.money import format_pence
from lgds_components.payments.simulator import Checkout, DeliveredWebhook, PaySimulator
from lgds_components.payments.states import PaymentState

__all__ = ["FakePayPage", "StartResponse", "WSGIApp"]

logger: logging.Logger = logging.getLogger(__name__)

StartResponse: TypeAlias = Callable[..., Any]
"""WSGI's ``start_response``."""
WSGIApp: TypeAlias = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
"""A WSGI application."""

_MAX_FORM_BYTES: Final = 10_000
_Answer: TypeAlias = tuple[str, list[tuple[str, str]], bytes]

_RESULTS: Final[dict[str | None, tuple[str, str, str]]] = {
    "P0010": ("Your payment has been declined", "Your card was declined. No money has been "
              "taken from your account.", "Go back to try the payment again"),
    "P0020": ("Your payment session has expired", "You did not finish paying in time. No "
              "money has been taken from your account.", "Go back to try the payment again"),
    "P0030": ("Your payment has been cancelled", "No money has been taken from your account.",
              "Go back to the service"),
    "P0040": ("Your payment has been cancelled", "The service cancelled this payment. No money "
              "has been taken from your account.", "Go back to the service"),
    "P0050": ("Sorry, we're experiencing technical problems", "No money has been taken from "
              "your account. Please try again later.", "Go back to the service"),
}
"""What the page says about a finished payment that did not succeed, by its code."""


class FakePayPage:
    """The card page for a FakePay's payments (a WSGI app; see the module's text).

    Args:
        pay: the :class:`~lgds_components.payments.fake.FakePay` (or its
            :class:`~lgds_components.payments.simulator.PaySimulator`).
        webhook_url: where to post each webhook, signed as FakePay signs them
            (absolute, or a path on the site that served the page); none by
            default.
        stylesheets: URLs of GOV.UK Frontend's CSS to link (the page is
            plain HTML with GOV.UK Frontend's classes, readable unstyled).
        session: the ``requests`` session that posts webhooks.

    Webhooks are posted after the payer's action, outside the simulator's
    lock, before the payer is sent back; a delivery that fails is logged and
    kept in :attr:`failed_deliveries` (the last 100), not tried again.
    Webhooks the service caused itself (a refund, say) go out with the next
    page action or when :meth:`deliver_webhooks` is called. Serve the page from a threaded server
    (Flask's and Django's development servers are) when ``webhook_url`` is on
    the same site.
    """

    def __init__(
        self,
        pay: FakePay | PaySimulator,
        *,
        webhook_url: str | None = None,
        stylesheets: Iterable[str] = (),
        session: requests.Session | None = None,
    ) -> None:
        self.simulator: PaySimulator = pay.simulator if isinstance(pay, FakePay) else pay
        self.webhook_url: str | None = webhook_url
        self.stylesheets: tuple[str, ...] = tuple(stylesheets)
        self.failed_deliveries: deque[tuple[DeliveredWebhook, str]] = deque(maxlen=100)
        self._session = session
        self._outbox: deque[DeliveredWebhook] = deque()
        self._site: str | None = None
        self._delivering = threading.Lock()
        if webhook_url is not None:
            self.simulator.add_webhook_sink(self._outbox.append)

    def __repr__(self) -> str:
        return f"<FakePayPage at {self.prefix or '/'!r}>"

    @property
    def prefix(self) -> str:
        """The path the page answers under: that of the simulator's ``base_url``."""
        return urlsplit(self.simulator.base_url).path.rstrip("/")

    # ------------------------------------------------------------------ WSGI

    def mount(self, app: WSGIApp) -> WSGIApp:
        """A WSGI app that serves the page under :attr:`prefix` and passes the rest to ``app``."""

        def mounted(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
            if self._mine(environ.get("PATH_INFO", "")):
                return self(environ, start_response)
            return app(environ, start_response)

        return mounted

    def _mine(self, path: str) -> bool:
        return path == f"{self.prefix}/secure" or path.startswith(f"{self.prefix}/secure/")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        """Answer one request (404 for a path that is not the page's)."""
        self._site = application_uri(environ)
        status, headers, body = self._answer(environ)
        start_response(status, [*headers, ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store")])
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def _answer(self, environ: Mapping[str, Any]) -> _Answer:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if not self._mine(path):
            return self._not_found()
        token = path[len(f"{self.prefix}/secure"):].strip("/")
        if method == "POST" and not token:  # next_url_post: chargeTokenId in the form
            token = _form(environ).get("chargeTokenId", "")
            return _redirect(f"{self.prefix}/secure/{token}")
        try:
            checkout = self.simulator.checkout(token)
        except NotFound:
            return self._not_found()
        if method == "POST" and checkout.state in _PAYING:
            return self._submit(checkout, _form(environ))
        return self._show(checkout)

    def _show(self, checkout: Checkout) -> _Answer:
        if checkout.state in _PAYING:
            return self._page("Enter card details", self._card_page(checkout, {}, {}))
        if checkout.state in (PaymentState.SUCCESS, PaymentState.CAPTURABLE):
            return _redirect(checkout.return_url)
        return self._result(checkout)

    def _submit(self, checkout: Checkout, form: dict[str, str]) -> _Answer:
        if "cancel" in form:
            self.simulator.abandon(checkout.payment_id)
        else:
            errors = check_card(form)
            if errors:
                return self._page("Error: Enter card details",
                                  self._card_page(checkout, form, errors))
            result = outcome(form["cardNo"])
            if result == "pay":
                name = form["cardholderName"].strip()[:200]
                self.simulator.pay(checkout.payment_id, cardholder_name=name)
            elif result == "decline":
                self.simulator.decline(checkout.payment_id)
            else:
                self.simulator.fail_with_error(checkout.payment_id)
        self.deliver_webhooks()
        return self._show(self.simulator.checkout(checkout.token))

    # ------------------------------------------------------------------ webhooks

    def deliver_webhooks(self) -> int:
        """Post every webhook not yet posted to ``webhook_url``, oldest first; return how many."""
        if self.webhook_url is None:
            return 0
        url = urljoin(self._site or "", self.webhook_url)
        sent = 0
        with self._delivering:
            while self._outbox:
                webhook = self._outbox.popleft()
                sent += 1
                try:
                    reply = self._poster().post(url, data=webhook.body, headers=webhook.headers,
                                                timeout=(3.05, 10))
                    problem = None if reply.ok else f"HTTP {reply.status_code}"
                    reply.close()
                except (requests.RequestException, LGDSError) as exc:
                    problem = type(exc).__name__
                if problem is not None:
                    logger.warning("FakePay webhook %s for %s to %s failed: %s",
                                   webhook.event_type, webhook.payment_id, url, problem)
                    self.failed_deliveries.append((webhook, problem))
        return sent

    def _poster(self) -> requests.Session:
        if self._session is None:
            from lgds_components.http import build_session

            self._session = build_session(provider="fake", retry=None)
        return self._session

    # ------------------------------------------------------------------ HTML

    def _page(self, title: str, main: str, status: str = "200 OK") -> _Answer:
        links = "".join(f'<link rel="stylesheet" href="{escape(url)}">'
                        for url in self.stylesheets)
        html = (
            '<!DOCTYPE html><html lang="en" class="govuk-template"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} - FakePay</title>{links}</head>"
            '<body class="govuk-template__body govuk-frontend-supported">'
            '<header class="govuk-header"><div class="govuk-header__container '
            'govuk-width-container"><div class="govuk-header__logo"><span '
            'class="govuk-header__homepage-link"><span class="govuk-header__product-name">'
            "FakePay</span></span></div></div></header>"
            '<section class="govuk-service-navigation" aria-label="Service information">'
            '<div class="govuk-width-container"><div class="govuk-service-navigation__container">'
            '<span class="govuk-service-navigation__service-name"><span '
            'class="govuk-service-navigation__text">A test payment page: no money moves</span>'
            "</span></div></div></section>"
            '<div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">'
            f'<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">{main}'
            "</div></div></main></div>"
            '<footer class="govuk-footer"><div class="govuk-width-container"><div '
            'class="govuk-footer__meta"><div class="govuk-footer__meta-item">FakePay, from '
            "lgds-components: for testing services only</div></div></div></footer></body></html>"
        )
        return status, [("Content-Type", "text/html; charset=utf-8")], html.encode()

    def _not_found(self) -> _Answer:
        return self._page("Page not found", '<h1 class="govuk-heading-l">Page not found</h1>'
                          '<p class="govuk-body">This payment link is not valid.</p>',
                          "404 Not Found")

    def _result(self, checkout: Checkout) -> _Answer:
        heading, text, link = _RESULTS.get(checkout.failure_code, _RESULTS["P0050"])
        return self._page(heading, f'<h1 class="govuk-heading-l">{escape(heading)}</h1>'
                          f'<p class="govuk-body">{escape(text)}</p>'
                          f'<p class="govuk-body"><a class="govuk-link" id="return-url" '
                          f'href="{escape(checkout.return_url)}">{escape(link)}</a></p>')

    def _card_page(self, checkout: Checkout, form: Mapping[str, str],
                   errors: Mapping[str, str]) -> str:
        summary = ""
        if errors:
            items = "".join(f'<li><a href="#{_ID[field]}">{escape(errors[field])}</a></li>'
                            for field in CARD_FIELDS if field in errors)
            summary = ('<div class="govuk-error-summary" data-module="govuk-error-summary">'
                       '<div role="alert"><h2 class="govuk-error-summary__title">There is a '
                       'problem</h2><div class="govuk-error-summary__body"><ul class="govuk-list '
                       f'govuk-error-summary__list">{items}</ul></div></div></div>')
        name = form.get("cardholderName", checkout.cardholder_name or "")
        cards = "".join(f"<li><code>{' '.join(n[i:i + 4] for i in range(0, 16, 4))}</code>: "
                        f"{escape(what)}</li>" for n, (_, what) in TEST_CARDS.items())
        return (
            f'{summary}<h1 class="govuk-heading-l">Enter card details</h1>'
            '<div class="govuk-inset-text" id="payment-summary"><h2 class="govuk-heading-s">'
            f'Payment summary</h2><p class="govuk-body">{escape(checkout.description)}</p>'
            '<p class="govuk-body">Total amount: <strong class="govuk-!-font-size-27" '
            f'id="amount">{escape(format_pence(checkout.amount))}</strong></p></div>'
            '<details class="govuk-details"><summary class="govuk-details__summary">'
            '<span class="govuk-details__summary-text">Test card numbers</span></summary>'
            '<div class="govuk-details__text"><ul class="govuk-list govuk-list--bullet">'
            f"{cards}<li>Any other valid card number: the payment succeeds</li></ul></div>"
            f'</details><form method="post" novalidate>'
            + _input("cardNo", "Card number", form, errors, autocomplete="cc-number",
                     inputmode="numeric", width="govuk-input--width-20")
            + _expiry(form, errors)
            + _input("cardholderName", "Name on card", {**form, "cardholderName": name}, errors,
                     autocomplete="cc-name", width="govuk-!-width-two-thirds")
            + _input("cvc", "Card security code", form, errors, autocomplete="cc-csc",
                     inputmode="numeric", width="govuk-input--width-4",
                     hint="The last 3 digits on the back of the card")
            + '<div class="govuk-button-group"><button type="submit" class="govuk-button" '
            'data-module="govuk-button" id="submit-card-details">Continue</button>'
            '<button type="submit" name="cancel" value="1" class="govuk-button '
            'govuk-button--secondary" id="cancel-payment">Cancel payment</button></div></form>'
        )


_PAYING: Final = frozenset({PaymentState.CREATED, PaymentState.STARTED, PaymentState.SUBMITTED})
_ID: Final = {"cardNo": "card-no", "expiryMonth": "expiry-month",
              "cardholderName": "cardholder-name", "cvc": "cvc"}


def _form(environ: Mapping[str, Any]) -> dict[str, str]:
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), _MAX_FORM_BYTES)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    fields = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


def _redirect(location: str) -> _Answer:
    return "303 See Other", [("Location", location), ("Content-Type", "text/plain")], b""


def _described(field: str, hint: str | None, errors: Mapping[str, str]) -> str:
    """The ``aria-describedby`` attribute for a field's hint and error, if it has either."""
    ident = _ID[field]
    ids = [f"{ident}-hint"] * bool(hint) + [f"{ident}-error"] * (field in errors)
    return f' aria-describedby="{" ".join(ids)}"' if ids else ""


def _group(field: str, label_html: str, control: str, errors: Mapping[str, str],
           hint: str | None = None, fieldset: str | None = None) -> str:
    """A GOV.UK form group: label (or legend, in a fieldset), hint, error message, control."""
    error = errors.get(field)
    hint_html = (f'<div class="govuk-hint" id="{_ID[field]}-hint">{escape(hint)}</div>'
                 if hint else "")
    error_html = (f'<p class="govuk-error-message" id="{_ID[field]}-error"><span '
                  f'class="govuk-visually-hidden">Error:</span> {escape(error)}</p>'
                  if error else "")
    inner = f"{label_html}{hint_html}{error_html}{control}"
    if fieldset is not None:
        inner = f"<fieldset {fieldset}{_described(field, hint, errors)}>{inner}</fieldset>"
    group_class = "govuk-form-group govuk-form-group--error" if error else "govuk-form-group"
    return f'<div class="{group_class}">{inner}</div>'


def _input(field: str, label: str, form: Mapping[str, str], errors: Mapping[str, str], *,
           autocomplete: str, width: str, inputmode: str | None = None,
           hint: str | None = None) -> str:
    ident = _ID[field]
    classes = f"govuk-input {width}" + (" govuk-input--error" if field in errors else "")
    control = (f'<input class="{classes}" id="{ident}" name="{field}" type="text" '
               f'autocomplete="{autocomplete}" spellcheck="false" '
               + (f'inputmode="{inputmode}" ' if inputmode else "")
               + f'value="{escape(form.get(field, ""))}"{_described(field, hint, errors)}>')
    label_html = f'<label class="govuk-label" for="{ident}">{escape(label)}</label>'
    return _group(field, label_html, control, errors, hint)


def _expiry(form: Mapping[str, str], errors: Mapping[str, str]) -> str:
    wrong = " govuk-input--error" if "expiryMonth" in errors else ""
    parts = "".join(
        f'<div class="govuk-date-input__item"><div class="govuk-form-group"><label '
        f'class="govuk-label govuk-date-input__label" for="{ident}">{label}</label><input '
        f'class="govuk-input govuk-date-input__input govuk-input--width-{width}{wrong}" '
        f'id="{ident}" name="{name}" type="text" inputmode="numeric" autocomplete="{auto}" '
        f'value="{escape(form.get(name, ""))}"></div></div>'
        for ident, name, label, width, auto in (
            ("expiry-month", "expiryMonth", "Month", 2, "cc-exp-month"),
            ("expiry-year", "expiryYear", "Year", 4, "cc-exp-year")))
    legend = ('<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Expiry date'
              "</legend>")
    control = f'<div class="govuk-date-input" id="expiry-date">{parts}</div>'
    return _group("expiryMonth", legend, control, errors, "For example, 10/29",
                  fieldset='class="govuk-fieldset" role="group"')
