"""Local GOV.UK Pay and Stripe servers for testing payment code offline.

Both keep their payments in a :class:`~lgds_components.payments.simulator.PaySimulator`
(:attr:`GovUkPayServer.simulator`, :attr:`StripeServer.simulator`), the one
state machine FakePay and its card page also run on; each server only shows
it as its provider does. :class:`GovUkPayServer` speaks GOV.UK Pay's public
API v1 (the paths, JSON shapes, status codes and ``P`` error codes of its
OpenAPI contract) and serves FakePay's card page at ``next_url``.
:class:`StripeServer` speaks the part of Stripe's REST API the
:class:`~lgds_components.payments.stripe.Stripe` adapter uses (Checkout
Sessions, PaymentIntents, Refunds; form-encoded bodies; idempotency keys;
list pagination): a payment is the Checkout Session ``cs_test_<id>``, its
PaymentIntent ``pi_<id>`` and charge ``ch_<id>``; a declined card leaves the
session open; a session lasts :data:`SESSION_LIFETIME`. Both are built on
:class:`~lgds_components.testing.http_server.LocalHTTPServer`, so requests are
recorded and faults can be injected (``hang``, ``reset``, ``status``), and
both add :meth:`GovUkPayServer.lose_next_response`: the request is carried
out, then the answer never arrives (the client times out), the case
idempotency keys exist for.

>>> from lgds_components.payments import PaymentRequest
>>> with GovUkPayServer() as server, server.client() as pay:
...     payment = pay.create_payment(PaymentRequest(
...         amount=4500, reference="GW-1", description="Garden waste",
...         return_url="https://council.example/done"), idempotency_key="GW-1-a1")
...     server.pay(payment.id)
...     print(pay.get_payment(payment.id).state, server.created_count)
success 1

Use them to test a council service end to end: point the service's
``GovUkPay(base_url=server.url, api_key=server.api_key)`` at the server and
drive the payer's side with :meth:`GovUkPayServer.pay`,
:meth:`~GovUkPayServer.decline` and the other journey methods.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar
from urllib.parse import parse_qs, parse_qsl, unquote

from lgds_components.errors import (
    Conflict,
    LGDSError,
    MissingValue,
    NotFound,
    ProviderError,
    ValidationError,
)
from lgds_components.payments.fake import FakePay
from lgds_components.payments.fake_page import FakePayPage
from lgds_components.payments.limits import STRIPE_LIMITS
from lgds_components.payments.models import PaymentRequest
from lgds_components.payments.simulator import PaySimulator, SimulatedPayment
from lgds_components.payments.states import PaymentState
from lgds_components.testing.http_server import LocalHTTPServer, Reply, Request, call_wsgi

__all__ = ["SESSION_LIFETIME", "GovUkPayServer", "StripeServer"]

_JSON = {"Content-Type": "application/json"}
_T = TypeVar("_T", bound="_PaymentServer")


class _Refusal(Exception):
    """Raised deep in a request's handling to answer it at once with ``reply``."""

    def __init__(self, reply: Reply) -> None:
        super().__init__("refused")
        self.reply = reply


class _PaymentServer(ABC):
    """What both servers share: the HTTP server, faults, lost responses, auth."""

    def __init__(self, api_keys: Iterable[str], port: int = 0) -> None:
        self.api_keys: tuple[str, ...] = tuple(api_keys)
        if not self.api_keys:
            raise ValueError("give at least one API key")
        self.api_key: str = self.api_keys[0]
        self.http: LocalHTTPServer = LocalHTTPServer(self._guarded, port=port)
        self._lost: deque[float] = deque()
        self._closing = threading.Event()
        self._lock = threading.Lock()

    # -- lifecycle
    def start(self: _T) -> _T:
        """Start listening on a free port of 127.0.0.1."""
        self._closing.clear()
        self.http.start()
        self._started()
        return self

    def _started(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """Called once the server is listening; a subclass may override it."""

    def close(self) -> None:
        """Stop the server, waking any request it is holding back."""
        self._closing.set()
        self.http.close()

    def __enter__(self: _T) -> _T:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The server's base URL, such as ``http://127.0.0.1:49152``."""
        return self.http.url

    @property
    def requests(self) -> list[Request]:
        """Every request received, oldest first."""
        return self.http.requests

    # -- faults
    def hang(self, seconds: float) -> None:
        """The next request waits ``seconds`` before anything happens (nothing is done)."""
        self.http.hang(seconds)

    def reset(self) -> None:
        """The next request is read, then the connection reset (nothing is done)."""
        self.http.reset()

    def status(self, code: int, headers: Mapping[str, str] | None = None, body: Any = b"") -> None:
        """The next request gets this reply instead (nothing is done)."""
        self.http.status(code, headers, body)

    def lose_next_response(self, seconds: float = 5.0) -> None:
        """The next request is carried out, but its answer waits ``seconds`` (clients give up)."""
        with self._lock:
            self._lost.append(seconds)

    def _guarded(self, request: Request) -> Reply:
        reply = self._handle(request)
        with self._lock:
            delay = self._lost.popleft() if self._lost else None
        if delay is not None:
            self._closing.wait(delay)
        return reply

    @abstractmethod
    def _handle(self, request: Request) -> Reply:
        """Answer one request as the provider would."""

    def _authorised(self, request: Request) -> bool:
        given = request.headers.get("Authorization") or ""
        return any(given == f"Bearer {key}" for key in self.api_keys)


# ---------------------------------------------------------------------------- GOV.UK Pay


def _pay_error(status: int, code: str, description: str, field: str | None = None) -> Reply:
    body: dict[str, Any] = {"code": code, "description": description}
    if field:
        body["field"] = field
    return status, _JSON, body


def _from_exception(exc: Exception, default_code: str) -> Reply:
    if isinstance(exc, ProviderError):
        status = exc.status or {NotFound: 404, Conflict: 409}.get(type(exc), 400)
        return _pay_error(status, exc.provider_code or default_code, exc.message)
    if isinstance(exc, ValidationError):
        code = exc.code if exc.code.startswith("P") else default_code
        if isinstance(exc, MissingValue) and default_code == "P0102":
            return _pay_error(400, "P0101", f"Missing mandatory attribute: {exc.field}", exc.field)
        return _pay_error(422, code, f"Invalid attribute value: {exc.field}. {exc.message}",
                          exc.field)
    raise exc


def _date_param(values: dict[str, list[str]], name: str) -> datetime | None:
    raw = values.get(name, [None])[0]
    if raw is None:
        return None
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


class GovUkPayServer(_PaymentServer):
    """GOV.UK Pay's public API on 127.0.0.1, a face of a :class:`PaySimulator`.

    Args:
        api_keys: the API keys it accepts (the first is :attr:`api_key`).
        webhook_secret: FakePay's webhook signing secret.
        clock: FakePay's clock (a :class:`~lgds_components.payments.fake.ManualClock`
            to test expiry).
        seed: makes payment ids repeatable.
        webhook_url: where the card page posts each webhook (none by default).
        stylesheets: GOV.UK Frontend CSS for the card page to link.
        port: the port to listen on (a free one by default).

    ``next_url`` (``GET /secure/{token}``) is FakePay's card page
    (:class:`~lgds_components.payments.fake_page.FakePayPage`, :attr:`page`),
    where a browser can pay, be declined or cancel.

    The journey methods (:meth:`pay`, :meth:`decline`, ...) are the
    simulator's; :attr:`simulator` is the simulator itself, :attr:`fake` a
    :class:`FakePay` over it (the same payments, in process) and
    :attr:`created_count` the number of payments created server-side. ``GET /secure/{token}`` (the
    ``next_url``) starts the payment, as a payer opening the page would.
    """

    def __init__(
        self,
        *,
        api_keys: Iterable[str] = ("api_test_localserverkey000000000000000000000",),
        webhook_secret: str = "local-govuk-pay-webhook-secret",
        clock: Callable[[], datetime] | None = None,
        seed: int | None = None,
        webhook_url: str | None = None,
        stylesheets: Iterable[str] = (),
        port: int = 0,
    ) -> None:
        super().__init__(api_keys, port)
        self.webhook_secret: str = webhook_secret
        self.simulator: PaySimulator = PaySimulator(webhook_secret=webhook_secret, clock=clock,
                                                   seed=seed)
        self.fake: FakePay = FakePay(simulator=self.simulator)
        self.page: FakePayPage = FakePayPage(self.simulator, webhook_url=webhook_url,
                                             stylesheets=stylesheets)

    def __repr__(self) -> str:
        return f"<GovUkPayServer {self.http!r}>"

    def _started(self) -> None:
        self.simulator.base_url = self.url

    def client(self, **kwargs: Any) -> Any:
        """A :class:`~lgds_components.payments.govuk_pay.GovUkPay` pointed at this server."""
        from lgds_components.payments.govuk_pay import GovUkPay

        kwargs.setdefault("webhook_secret", self.webhook_secret)
        return GovUkPay(api_key=kwargs.pop("api_key", self.api_key), base_url=self.url, **kwargs)

    @property
    def created_count(self) -> int:
        """How many payments have been created server-side."""
        return self.simulator.created_count

    @property
    def webhooks(self) -> list[Any]:
        """Every webhook sent (:class:`~lgds_components.payments.fake.DeliveredWebhook`)."""
        return self.simulator.webhooks

    def start_payment(self, payment_id: str) -> None:
        """The payer opens the payment page."""
        self.simulator.start(payment_id)

    def pay(self, payment_id: str) -> None:
        """The payer pays: ``success`` (``capturable`` with delayed capture)."""
        self.simulator.pay(payment_id)

    def decline(self, payment_id: str) -> None:
        """The payer's card is declined: ``failed``, ``P0010``."""
        self.simulator.decline(payment_id)

    def abandon(self, payment_id: str) -> None:
        """The payer selects "Cancel payment": ``failed``, ``P0030``."""
        self.simulator.abandon(payment_id)

    def expire(self, payment_id: str) -> None:
        """The payer runs out of time: ``failed``, ``P0020``."""
        self.simulator.expire(payment_id)

    def sign(self, body: bytes, secret: str | None = None) -> dict[str, str]:
        """Webhook headers for ``body``, signed as this server signs (or with ``secret``)."""
        return self.simulator.sign(body, secret)

    def _handle(self, request: Request) -> Reply:
        parts = [unquote(p) for p in request.path.strip("/").split("/")]
        if parts[:1] == ["secure"]:
            return call_wsgi(self.page, request, self.url)
        if parts[:2] != ["v1", "payments"]:
            return 404, _JSON, {"code": "P0920", "description": "Not found"}
        if not self._authorised(request):
            return 401, None, None
        method, rest = request.method, parts[2:]
        try:
            if method == "POST" and not rest:
                return self._create(request)
            if method == "GET" and not rest:
                return self._search(request)
            payment_id = rest[0]
            if method == "GET" and len(rest) == 1:
                return 200, _JSON, self.simulator.payment_json(payment_id, self.url)
            if method == "POST" and rest[1:] == ["cancel"]:
                self.simulator.cancel_payment(payment_id)
                return 204, None, None
            if method == "POST" and rest[1:] == ["capture"]:
                self.simulator.capture_payment(payment_id)
                return 204, None, None
            if method == "POST" and rest[1:] == ["refunds"]:
                return self._refund(request, payment_id)
            if method == "GET" and rest[1:] == ["refunds"]:
                return 200, _JSON, self.simulator.refunds_json(payment_id, self.url)
            if method == "GET" and len(rest) == 3 and rest[1] == "refunds":
                return 200, _JSON, self.simulator.get_refund_json(payment_id, rest[2], self.url)
        except (ProviderError, ValidationError) as exc:
            return _from_exception(exc, "P0102")
        return 404, _JSON, {"code": "P0920", "description": "Not found"}

    def _body(self, request: Request, code: str) -> Any:
        content_type = (request.headers.get("Content-Type") or "").split(";")[0].strip()
        if content_type != "application/json":
            raise _Refusal(_pay_error(400, "P0920", "Request blocked by security rules"))
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise _Refusal(_pay_error(400, code, "Unable to parse JSON")) from None
        if not isinstance(data, dict):
            raise _Refusal(_pay_error(400, code, "Unable to parse JSON"))
        return data

    def _create(self, request: Request) -> Reply:
        try:
            data = self._body(request, "P0197")
        except _Refusal as reject:
            return reject.reply
        key = request.headers.get("Idempotency-Key")
        unsupported = set(data) - set(PaymentRequest.model_fields)
        if unsupported:
            field = sorted(unsupported)[0]
            return _pay_error(422, "P0102", f"Invalid attribute value: {field}", field)
        try:
            payment_request = PaymentRequest(**data)
            body, created = self.simulator.create(payment_request, key)
        except (ProviderError, ValidationError) as exc:
            return _from_exception(exc, "P0102")
        location = body["_links"]["self"]["href"].replace(self.simulator.base_url, self.url)
        body = self.simulator.payment_json(body["payment_id"], self.url)
        return (201 if created else 200), {**_JSON, "Location": location}, body

    def _refund(self, request: Request, payment_id: str) -> Reply:
        try:
            data = self._body(request, "P0697")
        except _Refusal as reject:
            return reject.reply
        amount = data.get("amount")
        expected = data.get("refund_amount_available")
        if not isinstance(amount, int) or isinstance(amount, bool):
            return _pay_error(400 if amount is None else 422,
                              "P0601" if amount is None else "P0602",
                              "Invalid attribute value: amount", "amount")
        if expected is not None and (not isinstance(expected, int) or isinstance(expected, bool)):
            return _pay_error(422, "P0602", "Invalid attribute value: refund_amount_available",
                              "refund_amount_available")
        try:
            refund = self.simulator.refund_payment(payment_id, amount, expected)
        except (ProviderError, ValidationError) as exc:
            if getattr(exc, "provider_code", None) == "P0604":
                return 412, None, None  # the contract's "Refund amount available mismatch": no body
            return _from_exception(exc, "P0602")
        refund["_links"] = {k: {**v, "href": v["href"].replace(self.simulator.base_url, self.url)}
                            for k, v in refund["_links"].items()}
        return 202, _JSON, refund

    def _search(self, request: Request) -> Reply:
        values = parse_qs(request.query, keep_blank_values=True)

        def one(name: str) -> str | None:
            return values.get(name, [None])[0]

        try:
            page = int(one("page") or 1)
            size = int(one("display_size") or 500)
            from_date, to_date = _date_param(values, "from_date"), _date_param(values, "to_date")
        except ValueError:
            return _pay_error(422, "P0401", "Invalid parameters: from_date, to_date, page, "
                              "display_size. See Public API documentation for the correct data "
                              "formats")
        state = one("state")
        if state is not None and state not in {"created", "started", "submitted", "capturable",
                                               "success", "failed", "cancelled", "error"}:
            return _pay_error(422, "P0401", "Invalid parameters: state")
        try:
            body = self.simulator.search_json(
                reference=one("reference"), email=one("email"), state=state,
                from_date=from_date, to_date=to_date, page=page, display_size=size,
                api_url=self.url,
            )
        except (ProviderError, ValidationError) as exc:
            return _from_exception(exc, "P0401")
        return 200, _JSON, body


# ---------------------------------------------------------------------------- Stripe


def _form_tree(body: str) -> dict[str, Any]:
    """Stripe's bracketed form fields (``a[b][0][c]=x``, ``expand[]=y``) as nested data."""
    tree: dict[str, Any] = {}
    for name, value in parse_qsl(body, keep_blank_values=True):
        head, _, rest = name.partition("[")
        path = [head] + [part.rstrip("]") for part in rest.split("[")] if rest else [head]
        node = tree
        for part, following in itertools.pairwise(path):
            default: Any = [] if following == "" else {}
            node = node.setdefault(part, default)
        last = path[-1]
        if last == "" and isinstance(node, list):
            node.append(value)
        elif isinstance(node, dict):
            node[last] = value
    return tree


def _stripe_error(status: int, message: str, *, kind: str = "invalid_request_error",
                  code: str | None = None, param: str | None = None) -> Reply:
    error: dict[str, Any] = {"type": kind, "message": message}
    if code:
        error["code"] = code
    if param:
        error["param"] = param
    return status, _JSON, {"error": error}


def _int(value: Any, param: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _Refusal(_stripe_error(400, f"Invalid integer: {param}",
                                        code="parameter_invalid_integer", param=param)) from None


SESSION_LIFETIME: Final = timedelta(hours=24)
"""How long a Checkout Session stays open (Stripe's default)."""

_SESSION, _INTENT, _CHARGE, _REFUND = "cs_test_", "pi_", "ch_", "re_"


class StripeServer(_PaymentServer):
    """The part of Stripe's API the Stripe adapter uses, on 127.0.0.1, over a simulator.

    Checkout Sessions (create, retrieve with ``expand[]``, list with
    ``starting_after``, expire), PaymentIntents (capture, cancel) and Refunds
    (create, list), with Stripe's error shape, form-encoded bodies and
    idempotency keys (a key reused with other parameters is an
    ``idempotency_error``; with the same ones, the first answer is replayed).

    Journey methods: :meth:`pay`, :meth:`decline` (the session stays open, as
    at Stripe), :meth:`abandon` (nothing changes: the payer just leaves) and
    :meth:`expire`. Webhook events are signed with ``Stripe-Signature`` and
    kept in :attr:`webhooks`; :attr:`simulator` holds the payments:

    >>> from lgds_components.payments import PaymentRequest
    >>> with StripeServer() as server, server.client() as stripe:
    ...     payment = stripe.create_payment(PaymentRequest(
    ...         amount=4500, reference="GW-1", description="Garden waste",
    ...         return_url="https://council.example/done"))
    ...     server.decline(payment.id)      # the session stays open for another card
    ...     server.pay(payment.id)
    ...     held = server.simulator.payment(payment.id.removeprefix("cs_test_"))
    ...     print(stripe.get_payment(payment.id).state, held.state, server.created_count)
    success success 1

    A request without a ``Stripe-Version`` header is answered at
    ``account_api_version``, the account's default; before ``2022-11-15``
    a PaymentIntent has no ``latest_charge``, so expanding it is refused,
    as Stripe refuses it.
    """

    def __init__(
        self,
        *,
        api_keys: Iterable[str] = ("sk_test_localserverkey0000000000",),
        webhook_secret: str = "whsec_localstripeserversecret",
        clock: Callable[[], float] | None = None,
        account_api_version: str = "2020-08-27",
    ) -> None:
        super().__init__(api_keys)
        self.account_api_version: str = account_api_version
        self.webhook_secret: str = webhook_secret
        self.clock: Callable[[], float] = clock or time.time
        self.simulator: PaySimulator = PaySimulator(
            clock=lambda: datetime.fromtimestamp(self.clock(), UTC), seed=0,
            limits=STRIPE_LIMITS, expiry=SESSION_LIFETIME)
        self.webhooks: list[tuple[bytes, dict[str, str]]] = []
        self._sessions: dict[str, dict[str, Any]] = {}
        self._refund_metadata: dict[str, dict[str, Any]] = {}
        self._idempotent: dict[str, tuple[str, Reply]] = {}
        self._events = 0

    def __repr__(self) -> str:
        return f"<StripeServer {self.http!r}>"

    @property
    def created_count(self) -> int:
        """How many Checkout Sessions have been created."""
        return self.simulator.created_count

    def client(self, **kwargs: Any) -> Any:
        """A :class:`~lgds_components.payments.stripe.Stripe` pointed at this server."""
        from lgds_components.payments.stripe import Stripe

        kwargs.setdefault("webhook_secret", self.webhook_secret)
        kwargs.setdefault("clock", self.clock)
        return Stripe(api_key=kwargs.pop("api_key", self.api_key), base_url=self.url, **kwargs)

    def sign(self, body: bytes, secret: str | None = None) -> dict[str, str]:
        """A ``Stripe-Signature`` header for ``body``, as this server signs (or with ``secret``)."""
        from lgds_components.payments.webhooks import stripe_signature_header

        return {"Stripe-Signature": stripe_signature_header(
            body, secret or self.webhook_secret, int(self.clock()))}

    # -- the payer's journey
    def _payment(self, session_id: str) -> SimulatedPayment:
        payment_id = session_id[len(_SESSION):] if session_id.startswith(_SESSION) else ""
        if payment_id not in self._sessions:
            raise KeyError(f"no checkout session {session_id}")
        return self.simulator.payment(payment_id)

    def start_payment(self, session_id: str) -> None:
        """The payer opens the Checkout page (Stripe records nothing)."""
        self._payment(session_id)

    def pay(self, session_id: str) -> None:
        """The payer pays: the session completes; the PaymentIntent succeeds (or awaits capture)."""
        with self.simulator.lock:
            payment = self._payment(session_id)
            if self._session_status(payment) != "open":
                raise ValueError(f"session is {self._session_status(payment)}")
            self._sessions[payment.id].setdefault("intent_created", int(self.clock()))
            self.simulator.pay(payment.id)
            self._emit("checkout.session.completed", self._session_json(payment))
            if payment.state is PaymentState.CAPTURABLE:
                self._emit("payment_intent.amount_capturable_updated",
                           self._intent_json(payment))
            else:
                self._emit("payment_intent.succeeded", self._intent_json(payment))

    def decline(self, session_id: str) -> None:
        """The card is declined; the session stays open and the payer may try again."""
        with self.simulator.lock:
            payment = self._payment(session_id)
            self._sessions[payment.id].setdefault("intent_created", int(self.clock()))
            self.simulator.decline(payment.id, final=False)
            self._emit("payment_intent.payment_failed", self._intent_json(payment))

    def abandon(self, session_id: str) -> None:
        """The payer leaves the Checkout page; at Stripe the session simply stays open."""
        self._payment(session_id)

    def expire(self, session_id: str) -> None:
        """The session expires (24 hours by default at Stripe): ``failed`` for us."""
        with self.simulator.lock:
            self._expire(self._payment(session_id))

    def _expire(self, payment: SimulatedPayment) -> None:
        self.simulator.expire(payment.id)
        self._emit("checkout.session.expired", self._session_json(payment))

    # -- Stripe's objects, made from the simulator's payment
    def _session_status(self, payment: SimulatedPayment) -> str:
        if payment.state in (PaymentState.CAPTURABLE, PaymentState.SUCCESS):
            return "complete"
        if payment.state is PaymentState.CANCELLED and payment.card is not None:
            return "complete"
        return "expired" if payment.state.finished else "open"

    def _has_intent(self, payment: SimulatedPayment) -> bool:
        return "intent_created" in self._sessions[payment.id]

    def _intent_status(self, payment: SimulatedPayment) -> str:
        return {PaymentState.SUCCESS: "succeeded", PaymentState.CAPTURABLE: "requires_capture",
                }.get(payment.state, "canceled" if payment.state.finished
                      else "requires_payment_method")

    def _charge_json(self, payment: SimulatedPayment) -> dict[str, Any]:
        refunded = payment.refunded()
        return {"id": _CHARGE + payment.id, "object": "charge", "amount": payment.amount,
                "amount_refunded": refunded, "refunded": refunded >= payment.amount,
                "captured": payment.state is PaymentState.SUCCESS,
                "payment_intent": _INTENT + payment.id}

    def _intent_json(self, payment: SimulatedPayment) -> dict[str, Any]:
        extra = self._sessions[payment.id]
        data = extra["intent_data"]
        status = self._intent_status(payment)
        error = None
        if payment.declined and status == "requires_payment_method":
            error = {"type": "card_error", "code": payment.declined,
                     "message": "Your card was declined."}
        return {
            "id": _INTENT + payment.id,
            "object": "payment_intent",
            "amount": payment.amount,
            "amount_received": payment.amount if status == "succeeded" else 0,
            "amount_capturable": payment.amount if status == "requires_capture" else 0,
            "currency": "gbp",
            "capture_method": data.get("capture_method", "automatic_async"),
            "description": data.get("description"),
            "metadata": data.get("metadata", {}),
            "status": status,
            "last_payment_error": error,
            "latest_charge": _CHARGE + payment.id if payment.card is not None else None,
            "created": extra.get("intent_created", extra["created"]),
        }

    def _session_json(self, payment: SimulatedPayment, expand: Iterable[str] = (),
                      prefix: str = "") -> dict[str, Any]:
        extra = self._sessions[payment.id]
        status = self._session_status(payment)
        session_id = _SESSION + payment.id
        out = {
            "id": session_id, "object": "checkout.session", "mode": "payment",
            "status": status,
            "payment_status": "paid" if payment.state is PaymentState.SUCCESS else "unpaid",
            "amount_total": payment.amount, "amount_subtotal": payment.amount,
            "currency": "gbp", "client_reference_id": extra["client_reference_id"],
            "customer_email": extra["customer_email"], "locale": extra["locale"],
            "metadata": extra["metadata"], "success_url": payment.return_url,
            "cancel_url": extra["cancel_url"],
            "url": f"{self.url}/c/pay/{session_id}" if status == "open" else None,
            "created": extra["created"], "expires_at": extra["created"] + 24 * 3600,
            "livemode": False,
            "payment_intent": _INTENT + payment.id if self._has_intent(payment) else None,
        }
        wanted = set(expand)
        if out["payment_intent"] and f"{prefix}payment_intent" in wanted:
            intent = self._intent_json(payment)
            if intent["latest_charge"] and f"{prefix}payment_intent.latest_charge" in wanted:
                intent["latest_charge"] = self._charge_json(payment)
            out["payment_intent"] = intent
        return out

    def _emit(self, event_type: str, obj: dict[str, Any]) -> None:
        self._events += 1
        event = {
            "id": f"evt_test_{self._events:06d}",
            "object": "event",
            "api_version": "2024-06-20",
            "created": int(self.clock()),
            "livemode": False,
            "pending_webhooks": 1,
            "type": event_type,
            "data": {"object": obj},
        }
        body = json.dumps(event, separators=(",", ":")).encode()
        self.webhooks.append((body, {"Content-Type": "application/json", **self.sign(body)}))

    # -- HTTP
    def _handle(self, request: Request) -> Reply:
        if not self._authorised(request):
            return _stripe_error(401, "Invalid API Key provided", kind="invalid_request_error")
        key = request.headers.get("Idempotency-Key")
        with self.simulator.lock:
            if request.method == "POST" and key:
                fingerprint = f"{request.method} {request.path} {request.body!r}"
                known = self._idempotent.get(key)
                if known is not None:
                    if known[0] != fingerprint:
                        return _stripe_error(
                            400, "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with.", kind="idempotency_error")
                    status, headers, body = known[1]
                    return status, {**(headers or {}), "Idempotent-Replayed": "true"}, body
                reply = self._route(request)
                self._idempotent[key] = (fingerprint, reply)
                return reply
            return self._route(request)

    def _route(self, request: Request) -> Reply:
        parts = [unquote(p) for p in request.path.strip("/").split("/")]
        form = _form_tree(request.body.decode("utf-8", "replace")) if request.body else {}
        query = _form_tree(request.query)
        method = request.method
        version = request.headers.get("Stripe-Version") or self.account_api_version
        for item in [*form.get("expand", []), *query.get("expand", [])]:
            if item.endswith("latest_charge") and version < "2022-11-15":
                return _stripe_error(400, f"This property cannot be expanded ({item}).",
                                    param="expand")
        try:
            if parts[:3] == ["v1", "checkout", "sessions"]:
                return self._sessions_route(method, parts[3:], form, query)
            if parts[:2] == ["v1", "payment_intents"] and len(parts) == 4 and method == "POST":
                return self._intent_action(parts[2], parts[3])
            if parts == ["v1", "refunds"] and method == "POST":
                return self._create_refund(form)
            if parts == ["v1", "refunds"] and method == "GET":
                return self._list_refunds(query)
        except _Refusal as refusal:
            return refusal.reply
        return _stripe_error(404, f"Unrecognized request URL ({method}: {request.path}).")

    def _sessions_route(self, method: str, rest: list[str], form: dict[str, Any],
                        query: dict[str, Any]) -> Reply:
        if method == "POST" and not rest:
            return self._create_session(form)
        if method == "GET" and not rest:
            return self._list_sessions(query)
        try:
            payment = self._payment(rest[0])
        except KeyError:
            return _stripe_error(404, f"No such checkout.session: '{rest[0]}'",
                                code="resource_missing", param="session")
        if method == "GET" and len(rest) == 1:
            return 200, _JSON, self._session_json(payment, query.get("expand", []))
        if method == "POST" and rest[1:] == ["expire"]:
            if self._session_status(payment) != "open":
                return _stripe_error(400, "Only Checkout Sessions with a status in "
                                    "[\"open\"] can be expired.")
            self._expire(payment)
            return 200, _JSON, self._session_json(payment)
        return _stripe_error(404, "Unrecognized request URL.")

    def _create_session(self, form: dict[str, Any]) -> Reply:
        if form.get("mode") != "payment":
            return _stripe_error(400, "Only payment mode is supported here", param="mode")
        if not form.get("success_url"):
            return _stripe_error(400, "Missing required param: success_url.",
                                code="parameter_missing", param="success_url")
        items = form.get("line_items", {})
        item = items.get("0", {}) if isinstance(items, dict) else {}
        price = item.get("price_data", {})
        if price.get("currency") != "gbp":
            return _stripe_error(400, "Only GBP is supported here",
                                param="line_items[0][price_data][currency]")
        amount = _int(price.get("unit_amount"), "line_items[0][price_data][unit_amount]")
        if amount < 30:
            return _stripe_error(400, "The Checkout Session's total amount due must add up to "
                                "at least £0.30 gbp", code="amount_too_small")
        if amount > 99_999_999:
            return _stripe_error(400, "Amount must be no more than 999,999.99",
                                code="amount_too_large")
        intent_data = form.get("payment_intent_data", {})
        intent_data = intent_data if isinstance(intent_data, dict) else {}
        product = price.get("product_data", {}) if isinstance(price, dict) else {}
        try:
            created, _ = self.simulator.create(PaymentRequest(
                amount=amount, reference=form.get("client_reference_id") or "-",
                description=intent_data.get("description") or product.get("name") or "-",
                return_url=form["success_url"],
                delayed_capture=intent_data.get("capture_method") == "manual"))
        except LGDSError as exc:
            return _stripe_error(400, str(exc), param=getattr(exc, "field", None))
        payment = self.simulator.payment(created["payment_id"])
        self._sessions[payment.id] = {
            "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"),
            "locale": form.get("locale"),
            "metadata": form.get("metadata", {}),
            "cancel_url": form.get("cancel_url"),
            "intent_data": intent_data,
            "created": int(self.clock()),
            "sequence": len(self._sessions),
        }
        return 200, _JSON, self._session_json(payment, form.get("expand", []))

    def _page(self, items: list[Any], query: dict[str, Any], url: str,
              ids: Callable[[Any], str], render: Callable[[Any], dict[str, Any]]) -> Reply:
        limit = _int(query.get("limit", "10"), "limit")
        if not 1 <= limit <= 100:
            return _stripe_error(400, "Invalid limit: must be between 1 and 100", param="limit")
        after = query.get("starting_after")
        if after:
            order = [ids(item) for item in items]
            if after not in order:
                return _stripe_error(400, f"No such object: '{after}'",
                                    code="resource_missing", param="starting_after")
            items = items[order.index(after) + 1:]
        chunk = items[:limit]
        return 200, _JSON, {"object": "list", "url": url, "has_more": len(items) > limit,
                           "data": [render(item) for item in chunk]}

    def _list_sessions(self, query: dict[str, Any]) -> Reply:
        created = query.get("created", {})
        low = _int(created["gte"], "created[gte]") if "gte" in created else None
        high = _int(created["lt"], "created[lt]") if "lt" in created else None
        items = [p for p in self.simulator.payments() if p.id in self._sessions
                 and (low is None or self._sessions[p.id]["created"] >= low)
                 and (high is None or self._sessions[p.id]["created"] < high)]
        items.sort(key=lambda p: (self._sessions[p.id]["created"],
                                  self._sessions[p.id]["sequence"]), reverse=True)
        expand = query.get("expand", [])
        return self._page(items, query, "/v1/checkout/sessions", lambda p: _SESSION + p.id,
                          lambda p: self._session_json(p, expand, prefix="data."))

    def _intent_payment(self, intent_id: str) -> SimulatedPayment | None:
        if not intent_id.startswith(_INTENT):
            return None
        payment_id = intent_id[len(_INTENT):]
        extra = self._sessions.get(payment_id)
        if extra is None or "intent_created" not in extra:
            return None
        return self.simulator.payment(payment_id)

    def _intent_action(self, intent_id: str, action: str) -> Reply:
        payment = self._intent_payment(intent_id)
        if payment is None:
            return _stripe_error(404, f"No such payment_intent: '{intent_id}'",
                                code="resource_missing", param="intent")
        status = self._intent_status(payment)
        if action == "capture":
            if status != "requires_capture":
                return _stripe_error(
                    400, f"This PaymentIntent could not be captured because it has a status of "
                    f"{status}.", code="payment_intent_unexpected_state")
            self.simulator.capture_payment(payment.id)
            self._emit("payment_intent.succeeded", self._intent_json(payment))
            return 200, _JSON, self._intent_json(payment)
        if action == "cancel":
            if status in ("succeeded", "canceled"):
                return _stripe_error(
                    400, f"You cannot cancel this PaymentIntent because it has a status of "
                    f"{status}.", code="payment_intent_unexpected_state")
            self.simulator.cancel_payment(payment.id)
            self._emit("payment_intent.canceled", self._intent_json(payment))
            return 200, _JSON, self._intent_json(payment)
        return _stripe_error(404, "Unrecognized request URL.")

    def _refund_json(self, payment: SimulatedPayment, refund: Any) -> dict[str, Any]:
        return {"id": _REFUND + refund.id, "object": "refund", "amount": refund.amount,
                "currency": "gbp", "status": "succeeded",
                "created": int(refund.created.timestamp()),
                "payment_intent": _INTENT + payment.id, "charge": _CHARGE + payment.id,
                "metadata": self._refund_metadata.get(refund.id, {})}

    def _create_refund(self, form: dict[str, Any]) -> Reply:
        payment = self._intent_payment(str(form.get("payment_intent")))
        if payment is None:
            return _stripe_error(404, "No such payment_intent", code="resource_missing",
                                param="payment_intent")
        if payment.state is not PaymentState.SUCCESS:
            return _stripe_error(400, "This PaymentIntent does not have a successful charge to "
                                "refund.", code="charge_not_refundable")
        available = payment.available()
        if available <= 0:
            return _stripe_error(400, "Charge has already been refunded.",
                                code="charge_already_refunded")
        amount = _int(form.get("amount", available), "amount")
        if amount < 1 or amount > available:
            return _stripe_error(400, "Refund amount is greater than unrefunded amount on "
                                "charge", param="amount")
        self.simulator.refund_payment(payment.id, amount)
        refund = payment.refunds[-1]
        self._refund_metadata[refund.id] = form.get("metadata", {})
        self._emit("charge.refunded", self._charge_json(payment))
        return 200, _JSON, self._refund_json(payment, refund)

    def _list_refunds(self, query: dict[str, Any]) -> Reply:
        intent_id = query.get("payment_intent")
        pairs = [(p, r) for p in self.simulator.payments() if p.id in self._sessions
                 for r in p.refunds
                 if intent_id is None or _INTENT + p.id == intent_id]
        pairs.sort(key=lambda pair: (pair[1].created, pair[1].id), reverse=True)
        return self._page(pairs, query, "/v1/refunds", lambda pair: _REFUND + pair[1].id,
                          lambda pair: self._refund_json(*pair))
