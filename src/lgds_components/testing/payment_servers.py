"""Local GOV.UK Pay and Stripe servers for testing payment code offline.

:class:`GovUkPayServer` speaks GOV.UK Pay's public API v1 (the paths, JSON
shapes, status codes and ``P`` error codes of its OpenAPI contract) on
``127.0.0.1``, a face of a :class:`~lgds_components.payments.simulator.PaySimulator`
(the state machine FakePay and the card page share). :class:`StripeServer`
speaks the part of Stripe's REST API the
:class:`~lgds_components.payments.stripe.Stripe` adapter uses (Checkout
Sessions, PaymentIntents, Refunds; form-encoded bodies; idempotency keys;
list pagination). Both are built on
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
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import parse_qs, parse_qsl, unquote

from lgds_components.errors import (
    Conflict,
    MissingValue,
    NotFound,
    ProviderError,
    ValidationError,
)
from lgds_components.payments.fake import FakePay
from lgds_components.payments.fake_page import FakePayPage
from lgds_components.payments.models import PaymentRequest
from lgds_components.payments.simulator import PaySimulator
from lgds_components.testing.http_server import LocalHTTPServer, Reply, Request, call_wsgi

__all__ = ["GovUkPayServer", "StripeServer"]

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
        self.webhook_secret = webhook_secret
        self.simulator = PaySimulator(webhook_secret=webhook_secret, clock=clock, seed=seed)
        self.fake = FakePay(simulator=self.simulator)
        self.page = FakePayPage(self.simulator, webhook_url=webhook_url, stylesheets=stylesheets)

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


class StripeServer(_PaymentServer):
    """The part of Stripe's API the Stripe adapter uses, on 127.0.0.1.

    Checkout Sessions (create, retrieve with ``expand[]``, list with
    ``starting_after``, expire), PaymentIntents (capture, cancel) and Refunds
    (create, list), with Stripe's error shape, form-encoded bodies and
    idempotency keys (a key reused with other parameters is an
    ``idempotency_error``; with the same ones, the first answer is replayed).

    Journey methods: :meth:`pay`, :meth:`decline` (the session stays open, as
    at Stripe), :meth:`abandon` (nothing changes: the payer just leaves) and
    :meth:`expire`. Webhook events are signed with ``Stripe-Signature`` and
    kept in :attr:`webhooks`.

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
        import random as _random
        import time as _time

        self.account_api_version = account_api_version
        self.webhook_secret = webhook_secret
        self.clock: Callable[[], float] = clock or _time.time
        self._rng = _random.Random(0)
        self._store_lock = threading.RLock()
        self.sessions: dict[str, dict[str, Any]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self._idempotent: dict[str, tuple[str, Reply]] = {}
        self.webhooks: list[tuple[bytes, dict[str, str]]] = []
        self.created_count: int = 0
        self._sequence = 0

    def __repr__(self) -> str:
        return f"<StripeServer {self.http!r}>"

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

    # -- objects
    def _id(self, prefix: str) -> str:
        self._sequence += 1
        tail = "".join(self._rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
                       for _ in range(14))
        return f"{prefix}_test_{self._sequence:06d}{tail}"

    def _now(self) -> int:
        return int(self.clock())

    def _expand_session(self, session: dict[str, Any], expand: Iterable[str],
                        prefix: str = "") -> dict[str, Any]:
        wanted = set(expand)
        out = {k: v for k, v in session.items() if not k.startswith("_")}
        intent_id = session.get("payment_intent")
        if intent_id and f"{prefix}payment_intent" in wanted:
            intent = dict(self.intents[intent_id])
            charge_id = intent.get("latest_charge")
            if charge_id and f"{prefix}payment_intent.latest_charge" in wanted:
                intent["latest_charge"] = dict(self.charges[charge_id])
            out["payment_intent"] = intent
        return out

    def _emit(self, event_type: str, obj: dict[str, Any]) -> None:
        event = {
            "id": self._id("evt"),
            "object": "event",
            "api_version": "2024-06-20",
            "created": self._now(),
            "livemode": False,
            "pending_webhooks": 1,
            "type": event_type,
            "data": {"object": {k: v for k, v in obj.items() if not k.startswith("_")}},
        }
        body = json.dumps(event, separators=(",", ":")).encode()
        self.webhooks.append((body, {"Content-Type": "application/json", **self.sign(body)}))

    # -- journeys
    def _session(self, session_id: str) -> dict[str, Any]:
        session = self.sessions.get(session_id)
        if session is None:
            raise KeyError(f"no checkout session {session_id}")
        return session

    def _intent_for(self, session: dict[str, Any]) -> dict[str, Any]:
        intent_id = session.get("payment_intent")
        if intent_id:
            return self.intents[intent_id]
        data = session["_intent_data"]
        intent = {
            "id": self._id("pi"),
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_received": 0,
            "amount_capturable": 0,
            "currency": "gbp",
            "capture_method": data.get("capture_method", "automatic_async"),
            "description": data.get("description"),
            "metadata": data.get("metadata", {}),
            "status": "requires_payment_method",
            "last_payment_error": None,
            "latest_charge": None,
            "created": self._now(),
        }
        self.intents[intent["id"]] = intent
        session["payment_intent"] = intent["id"]
        return intent

    def start_payment(self, session_id: str) -> None:
        """The payer opens the Checkout page (Stripe records nothing)."""
        self._session(session_id)

    def pay(self, session_id: str) -> None:
        """The payer pays: the session completes; the PaymentIntent succeeds (or awaits capture)."""
        with self._store_lock:
            session = self._session(session_id)
            if session["status"] != "open":
                raise ValueError(f"session is {session['status']}")
            intent = self._intent_for(session)
            charge = {"id": self._id("ch"), "object": "charge", "amount": intent["amount"],
                      "amount_refunded": 0, "refunded": False, "captured": False,
                      "payment_intent": intent["id"]}
            self.charges[charge["id"]] = charge
            intent["latest_charge"] = charge["id"]
            intent["last_payment_error"] = None
            session["status"] = "complete"
            if intent["capture_method"] == "manual":
                intent["status"] = "requires_capture"
                intent["amount_capturable"] = intent["amount"]
                session["payment_status"] = "unpaid"
                self._emit("checkout.session.completed", session)
                self._emit("payment_intent.amount_capturable_updated", intent)
            else:
                intent["status"] = "succeeded"
                intent["amount_received"] = intent["amount"]
                charge["captured"] = True
                session["payment_status"] = "paid"
                self._emit("checkout.session.completed", session)
                self._emit("payment_intent.succeeded", intent)

    def decline(self, session_id: str) -> None:
        """The card is declined; the session stays open and the payer may try again."""
        with self._store_lock:
            session = self._session(session_id)
            intent = self._intent_for(session)
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {"type": "card_error", "code": "card_declined",
                                            "message": "Your card was declined."}
            self._emit("payment_intent.payment_failed", intent)

    def abandon(self, session_id: str) -> None:
        """The payer leaves the Checkout page; at Stripe the session simply stays open."""
        self._session(session_id)

    def expire(self, session_id: str) -> None:
        """The session expires (24 hours by default at Stripe): ``failed`` for us."""
        with self._store_lock:
            self._expire(self._session(session_id))

    def _expire(self, session: dict[str, Any]) -> None:
        session["status"] = "expired"
        session["url"] = None
        intent_id = session.get("payment_intent")
        if intent_id and self.intents[intent_id]["status"] not in ("succeeded", "canceled"):
            self.intents[intent_id]["status"] = "canceled"
        self._emit("checkout.session.expired", session)

    # -- HTTP
    def _handle(self, request: Request) -> Reply:
        if not self._authorised(request):
            return _stripe_error(401, "Invalid API Key provided", kind="invalid_request_error")
        key = request.headers.get("Idempotency-Key")
        if request.method == "POST" and key:
            fingerprint = f"{request.method} {request.path} {request.body!r}"
            with self._store_lock:
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
        with self._store_lock:
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
                rest = parts[3:]
                if method == "POST" and not rest:
                    return self._create_session(form)
                if method == "GET" and not rest:
                    return self._list_sessions(query)
                session = self.sessions.get(rest[0])
                if session is None:
                    return _stripe_error(404, f"No such checkout.session: '{rest[0]}'",
                                         code="resource_missing", param="session")
                if method == "GET" and len(rest) == 1:
                    return 200, _JSON, self._expand_session(session, query.get("expand", []))
                if method == "POST" and rest[1:] == ["expire"]:
                    if session["status"] != "open":
                        return _stripe_error(400, "Only Checkout Sessions with a status in "
                                             "[\"open\"] can be expired.")
                    self._expire(session)
                    return 200, _JSON, self._expand_session(session, [])
            if parts[:2] == ["v1", "payment_intents"] and len(parts) == 4 and method == "POST":
                return self._intent_action(parts[2], parts[3])
            if parts == ["v1", "refunds"] and method == "POST":
                return self._create_refund(form)
            if parts == ["v1", "refunds"] and method == "GET":
                return self._list_refunds(query)
        except _Refusal as fail:
            return fail.reply
        return _stripe_error(404, f"Unrecognized request URL ({method}: {request.path}).")

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
        session_id = self._id("cs")
        created = self._now()
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "payment",
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount,
            "amount_subtotal": amount,
            "currency": "gbp",
            "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"),
            "locale": form.get("locale"),
            "metadata": form.get("metadata", {}),
            "success_url": form.get("success_url"),
            "cancel_url": form.get("cancel_url"),
            "url": f"{self.url}/c/pay/{session_id}",
            "created": created,
            "expires_at": created + 24 * 3600,
            "livemode": False,
            "payment_intent": None,
            "_intent_data": intent_data if isinstance(intent_data, dict) else {},
        }
        self.sessions[session_id] = session
        self.created_count += 1
        return 200, _JSON, self._expand_session(session, form.get("expand", []))

    def _page(self, items: list[dict[str, Any]], query: dict[str, Any], url: str,
              render: Callable[[dict[str, Any]], dict[str, Any]]) -> Reply:
        limit = _int(query.get("limit", "10"), "limit")
        if not 1 <= limit <= 100:
            return _stripe_error(400, "Invalid limit: must be between 1 and 100", param="limit")
        after = query.get("starting_after")
        if after:
            ids = [item["id"] for item in items]
            if after not in ids:
                return _stripe_error(400, f"No such object: '{after}'",
                                     code="resource_missing", param="starting_after")
            items = items[ids.index(after) + 1:]
        chunk = items[:limit]
        return 200, _JSON, {"object": "list", "url": url, "has_more": len(items) > limit,
                            "data": [render(item) for item in chunk]}

    def _list_sessions(self, query: dict[str, Any]) -> Reply:
        created = query.get("created", {})
        low = _int(created["gte"], "created[gte]") if "gte" in created else None
        high = _int(created["lt"], "created[lt]") if "lt" in created else None
        items = [s for s in self.sessions.values()
                 if (low is None or s["created"] >= low) and (high is None or s["created"] < high)]
        items.sort(key=lambda s: (s["created"], s["id"]), reverse=True)
        expand = query.get("expand", [])
        return self._page(items, query, "/v1/checkout/sessions",
                          lambda s: self._expand_session(s, expand, prefix="data."))

    def _intent_action(self, intent_id: str, action: str) -> Reply:
        intent = self.intents.get(intent_id)
        if intent is None:
            return _stripe_error(404, f"No such payment_intent: '{intent_id}'",
                                 code="resource_missing", param="intent")
        if action == "capture":
            if intent["status"] != "requires_capture":
                return _stripe_error(
                    400, f"This PaymentIntent could not be captured because it has a status of "
                    f"{intent['status']}.", code="payment_intent_unexpected_state")
            intent["status"] = "succeeded"
            intent["amount_received"] = intent["amount"]
            intent["amount_capturable"] = 0
            self.charges[intent["latest_charge"]]["captured"] = True
            for session in self.sessions.values():
                if session.get("payment_intent") == intent_id:
                    session["payment_status"] = "paid"
            self._emit("payment_intent.succeeded", intent)
            return 200, _JSON, dict(intent)
        if action == "cancel":
            if intent["status"] in ("succeeded", "canceled"):
                return _stripe_error(
                    400, f"You cannot cancel this PaymentIntent because it has a status of "
                    f"{intent['status']}.", code="payment_intent_unexpected_state")
            intent["status"] = "canceled"
            self._emit("payment_intent.canceled", intent)
            return 200, _JSON, dict(intent)
        return _stripe_error(404, "Unrecognized request URL.")

    def _create_refund(self, form: dict[str, Any]) -> Reply:
        intent = self.intents.get(str(form.get("payment_intent")))
        if intent is None:
            return _stripe_error(404, "No such payment_intent", code="resource_missing",
                                 param="payment_intent")
        charge = self.charges.get(intent.get("latest_charge") or "")
        if intent["status"] != "succeeded" or charge is None:
            return _stripe_error(400, "This PaymentIntent does not have a successful charge to "
                                 "refund.", code="charge_not_refundable")
        available = intent["amount_received"] - charge["amount_refunded"]
        if available <= 0:
            return _stripe_error(400, "Charge has already been refunded.",
                                 code="charge_already_refunded")
        amount = _int(form.get("amount", available), "amount")
        if amount < 1 or amount > available:
            return _stripe_error(400, "Refund amount is greater than unrefunded amount on "
                                 "charge", param="amount")
        refund = {"id": self._id("re"), "object": "refund", "amount": amount,
                  "currency": "gbp", "status": "succeeded", "created": self._now(),
                  "payment_intent": intent["id"], "charge": charge["id"],
                  "metadata": form.get("metadata", {})}
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= intent["amount_received"]
        self._emit("charge.refunded", charge)
        return 200, _JSON, dict(refund)

    def _list_refunds(self, query: dict[str, Any]) -> Reply:
        intent_id = query.get("payment_intent")
        items = [r for r in self.refunds.values()
                 if intent_id is None or r["payment_intent"] == intent_id]
        items.sort(key=lambda r: (r["created"], r["id"]), reverse=True)
        return self._page(items, query, "/v1/refunds", dict)
