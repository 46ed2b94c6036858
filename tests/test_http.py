"""The shared HTTP layer, against a real local server with injected faults.

Every test talks to :class:`LocalHTTPServer` on 127.0.0.1; nothing leaves the
machine. Waits between retries go through an injected ``sleep`` that records
the delays, so the suite stays fast; one test sleeps for real.
"""

from __future__ import annotations

import logging
import math
import pickle
import socket
import threading
import time
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.error import URLError
from urllib.request import urlopen

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

import lgds_components
from lgds_components import http
from lgds_components.errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    ProviderError,
    ProviderUnavailable,
)
from lgds_components.http import (
    DEFAULT_TIMEOUT,
    ProviderSession,
    RetryingAdapter,
    RetryPolicy,
    build_session,
    default_parse_error,
    parse_retry_after,
    raise_for_status,
    send,
    user_agent,
)
from lgds_components.secret import RedactingFilter, Secret
from lgds_components.testing.http_server import LocalHTTPServer, Request

PROVIDER = "test-provider"
READ_TIMEOUT = 0.25
HANG = 2.0  # far longer than READ_TIMEOUT; cut short when the server closes


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def session(sleeps: list[float]) -> Iterator[ProviderSession]:
    policy = RetryPolicy(sleep=sleeps.append)
    with build_session(provider=PROVIDER, retry=policy, timeout=(1.0, READ_TIMEOUT)) as s:
        yield s


def closed_port() -> int:
    """A local port with nothing listening on it: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def inject(server: LocalHTTPServer, fault: str) -> None:
    if fault == "hang":
        server.hang(HANG)
    elif fault == "reset":
        server.reset()
    else:
        server.status(int(fault))


def chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and exceptions held in their args."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(a for a in current.args if isinstance(a, BaseException))
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)


# --------------------------------------------------------------------------- sessions


class TestSession:
    def test_user_agent_names_library_and_requests(self) -> None:
        agent = user_agent()
        assert agent == (
            f"lgds-components/{lgds_components.version()} "
            f"python-requests/{getattr(requests, '__version__', '')}"
        )
        assert user_agent("exeter-bins/2.1") == f"{agent} exeter-bins/2.1"

    def test_user_agent_sent(self, server: LocalHTTPServer) -> None:
        with build_session(provider=PROVIDER, user_agent_suffix="my-app/1") as s:
            send(s, "GET", server.url, provider=PROVIDER)
        sent = server.requests[0].headers["User-Agent"]
        assert f"lgds-components/{lgds_components.version()}" in sent
        assert sent.endswith(" my-app/1")

    def test_repr_names_provider_only(self) -> None:
        with build_session(provider="govuk-pay", secrets=[Secret("api_live_xyz")]) as s:
            s.headers["Authorization"] = "Bearer api_live_xyz"
            assert repr(s) == "<ProviderSession provider='govuk-pay'>"
            assert repr(s.get_adapter("https://x.test")) == "<RetryingAdapter provider='govuk-pay'>"

    def test_adapter_mounted_for_both_schemes(self) -> None:
        with build_session(provider=PROVIDER) as s:
            assert isinstance(s.get_adapter("http://x.test"), RetryingAdapter)
            assert isinstance(s.get_adapter("https://x.test"), RetryingAdapter)
            assert s.timeout == DEFAULT_TIMEOUT

    def test_pickles_with_its_settings(self) -> None:
        policy = RetryPolicy(attempts=2)
        with build_session(provider="p", secrets=["k"], retry=policy, timeout=(1, 2)) as s:
            with pickle.loads(pickle.dumps(s)) as copy:
                adapter = copy.get_adapter("https://x.test")
                assert (copy.provider, copy.secrets, copy.timeout) == ("p", (Secret("k"),), (1, 2))
                assert (adapter.retry, adapter.timeout) == (policy, (1, 2))

    def test_no_logging_configured_at_import(self) -> None:
        log = logging.getLogger("lgds_components.http")
        assert log.handlers == []
        assert log.level == logging.NOTSET

    def test_concurrent_requests_share_one_session(
        self, server: LocalHTTPServer, session: ProviderSession
    ) -> None:
        for _ in range(3):
            server.status(503)
        results: list[int] = []

        def fetch() -> None:
            results.append(send(session, "GET", server.url, provider=PROVIDER).status_code)

        threads = [threading.Thread(target=fetch) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [200] * 8
        assert len(server.requests) == 11


# --------------------------------------------------------------------------- retries


class TestRetries:
    @pytest.mark.parametrize("fault", ["503", "500", "502", "504", "reset", "hang"])
    def test_get_retried_then_succeeds(
        self, server: LocalHTTPServer, session: ProviderSession, sleeps: list[float], fault: str
    ) -> None:
        inject(server, fault)
        response = send(session, "GET", server.url + "/thing", provider=PROVIDER)
        assert response.status_code == 200
        assert response.text == "OK"
        assert len(server.requests) == 2
        assert len(sleeps) == 1

    @pytest.mark.parametrize("method", ["PUT", "DELETE", "HEAD", "OPTIONS"])
    def test_other_idempotent_methods_retried(
        self, server: LocalHTTPServer, session: ProviderSession, method: str
    ) -> None:
        server.reset()
        assert send(session, method, server.url, provider=PROVIDER).status_code == 200
        assert [r.method for r in server.requests] == [method, method]

    def test_429_retry_after_seconds_honoured(
        self, server: LocalHTTPServer, session: ProviderSession, sleeps: list[float]
    ) -> None:
        server.status(429, {"Retry-After": "7"})
        assert send(session, "GET", server.url, provider=PROVIDER).status_code == 200
        assert sleeps == [7.0]

    def test_503_retry_after_http_date_honoured(
        self, server: LocalHTTPServer, session: ProviderSession, sleeps: list[float]
    ) -> None:
        when = datetime.now(UTC) + timedelta(seconds=30)
        server.status(503, {"Retry-After": format_datetime(when, usegmt=True)})
        send(session, "GET", server.url, provider=PROVIDER)
        assert 27.0 < sleeps[0] <= 30.0

    def test_retry_after_really_waited(self, server: LocalHTTPServer) -> None:
        server.status(429, {"Retry-After": "1"})
        with build_session(provider=PROVIDER, retry=RetryPolicy()) as s:
            started = time.monotonic()
            assert send(s, "GET", server.url, provider=PROVIDER).status_code == 200
        assert time.monotonic() - started >= 0.95
        assert len(server.requests) == 2

    def test_retry_after_over_the_cap_gives_up_at_once(
        self, server: LocalHTTPServer, session: ProviderSession, sleeps: list[float]
    ) -> None:
        server.status(429, {"Retry-After": "120"})
        with pytest.raises(ProviderUnavailable) as caught:
            send(session, "GET", server.url, provider=PROVIDER)
        assert caught.value.retry_after == 120.0
        assert caught.value.status == 429
        assert sleeps == []
        assert len(server.requests) == 1

    def test_backoff_doubles_without_retry_after(self, server: LocalHTTPServer) -> None:
        sleeps: list[float] = []
        policy = RetryPolicy(
            backoff_factor=0.5, jitter=0.5, random=lambda: 0.0, sleep=sleeps.append
        )
        for _ in range(3):
            server.status(503)
        with build_session(provider=PROVIDER, retry=policy) as s:
            send(s, "GET", server.url, provider=PROVIDER)
        assert sleeps == [0.5, 1.0, 2.0]

    @pytest.mark.parametrize("fault", ["503", "429", "reset", "hang"])
    def test_post_without_key_sent_exactly_once(
        self, server: LocalHTTPServer, session: ProviderSession, sleeps: list[float], fault: str
    ) -> None:
        inject(server, fault)
        with pytest.raises(ProviderUnavailable):
            send(session, "POST", server.url + "/v1/payments", provider=PROVIDER, json={"a": 1})
        assert len(server.requests) == 1
        assert sleeps == []

    @pytest.mark.parametrize("method", ["POST", "PATCH"])
    def test_with_idempotency_key_retried_with_the_same_key(
        self, server: LocalHTTPServer, session: ProviderSession, sleeps: list[float], method: str
    ) -> None:
        server.handler = {"/v1/payments": (201, None, {"id": "p1"})}
        for fault in ("503", "reset", "hang"):
            inject(server, fault)
        response = send(
            session,
            method,
            server.url + "/v1/payments",
            provider=PROVIDER,
            json={"amount": 4500},
            headers={"Idempotency-Key": "GW-1-attempt-1"},
        )
        assert response.status_code == 201
        assert response.json() == {"id": "p1"}
        received = server.requests
        assert len(received) == 4
        assert {r.headers["Idempotency-Key"] for r in received} == {"GW-1-attempt-1"}
        assert {r.body for r in received} == {b'{"amount": 4500}'}
        assert len(sleeps) == 3

    def test_connect_failure_retried_even_for_post(self, sleeps: list[float]) -> None:
        url = f"http://127.0.0.1:{closed_port()}/v1/payments"
        with build_session(provider=PROVIDER, retry=RetryPolicy(sleep=sleeps.append)) as s:
            with pytest.raises(ProviderUnavailable, match="could not connect"):
                send(s, "POST", url, provider=PROVIDER, json={"a": 1})
        assert len(sleeps) == 3

    def test_streamed_body_sent_once(
        self, server: LocalHTTPServer, session: ProviderSession, sleeps: list[float]
    ) -> None:
        server.status(503)
        body = (part for part in (b"ab", b"cd"))
        with pytest.raises(ProviderUnavailable):
            send(
                session,
                "PUT",
                server.url,
                provider=PROVIDER,
                data=body,
                headers={"Idempotency-Key": "k"},
            )
        assert [r.body for r in server.requests] == [b"abcd"]
        assert sleeps == []

    def test_attempts_exhausted_on_resets_chains_the_cause(
        self, server: LocalHTTPServer, session: ProviderSession, sleeps: list[float]
    ) -> None:
        for _ in range(4):
            server.reset()
        with pytest.raises(ProviderUnavailable, match="connection failed") as caught:
            send(session, "GET", server.url, provider=PROVIDER)
        assert isinstance(caught.value.__cause__, requests.ConnectionError)
        assert caught.value.provider == PROVIDER
        assert len(server.requests) == 4
        assert len(sleeps) == 3

    def test_attempts_exhausted_on_status(
        self, server: LocalHTTPServer, session: ProviderSession, sleeps: list[float]
    ) -> None:
        for _ in range(4):
            server.status(503, {"Retry-After": "2"}, {"message": "maintenance"})
        with pytest.raises(ProviderUnavailable, match="maintenance") as caught:
            send(session, "GET", server.url, provider=PROVIDER)
        assert caught.value.status == 503
        assert caught.value.retry_after == 2.0
        assert sleeps == [2.0, 2.0, 2.0]
        assert len(server.requests) == 4

    def test_no_policy_sends_once(self, server: LocalHTTPServer) -> None:
        server.status(503)
        with build_session(provider=PROVIDER, retry=None) as s:
            with pytest.raises(ProviderUnavailable):
                send(s, "GET", server.url, provider=PROVIDER)
        assert len(server.requests) == 1

    def test_plain_session_is_not_retried(self, server: LocalHTTPServer) -> None:
        server.status(503)
        with requests.Session() as s:
            with pytest.raises(ProviderUnavailable) as caught:
                send(s, "GET", server.url, provider=PROVIDER)
        assert caught.value.status == 503
        assert len(server.requests) == 1

    def test_session_used_directly_returns_the_last_response(
        self, server: LocalHTTPServer, session: ProviderSession
    ) -> None:
        for _ in range(4):
            server.status(502)
        response = session.get(server.url)
        assert response.status_code == 502
        assert len(server.requests) == 4


class TestRetryPolicy:
    def test_exponential_and_capped(self) -> None:
        policy = RetryPolicy(backoff_factor=1.0, backoff_max=5.0, jitter=0.0)
        assert [policy.backoff(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]
        assert policy.backoff(10_000) == 5.0

    @pytest.mark.parametrize("draw", [0.0, 0.5, 0.999999])
    def test_jitter_stays_within_the_backoff(self, draw: float) -> None:
        full = RetryPolicy(backoff_factor=2.0, jitter=1.0, random=lambda: draw)
        assert 0.0 < full.backoff(2) <= 4.0
        partial = RetryPolicy(backoff_factor=2.0, jitter=0.25, random=lambda: draw)
        assert 3.0 <= partial.backoff(2) <= 4.0

    def test_retry_after_overrides_backoff(self) -> None:
        assert RetryPolicy().delay(3, retry_after=1.5) == 1.5
        assert RetryPolicy().delay(3, retry_after=-2.0) == 0.0

    @pytest.mark.parametrize(
        ("method", "headers", "expected"),
        [
            ("get", {}, True),
            ("HEAD", {}, True),
            ("OPTIONS", {}, True),
            ("PUT", {}, True),
            ("DELETE", {}, True),
            ("POST", {}, False),
            ("PATCH", {}, False),
            ("POST", {"Idempotency-Key": ""}, False),
            ("POST", {"Idempotency-Key": "k"}, True),
            ("PATCH", {"Idempotency-Key": "k"}, True),
            ("CONNECT", {"Idempotency-Key": "k"}, False),
        ],
    )
    def test_is_idempotent(self, method: str, headers: dict[str, str], expected: bool) -> None:
        hdrs = requests.structures.CaseInsensitiveDict(headers)
        assert RetryPolicy().is_idempotent(method, hdrs) is expected

    @pytest.mark.parametrize(
        "kwargs",
        [{"attempts": 0}, {"jitter": 1.5}, {"backoff_factor": -1}, {"max_retry_after": -1}],
    )
    def test_rejects_nonsense(self, kwargs: dict[str, float]) -> None:
        with pytest.raises(ValueError):
            RetryPolicy(**kwargs)  # type: ignore[arg-type]

    def test_frozen_and_comparable(self) -> None:
        policy = RetryPolicy(retry_statuses=[503])
        assert policy.retry_statuses == frozenset({503})
        assert policy == RetryPolicy(retry_statuses={503}, sleep=lambda s: None)
        with pytest.raises(AttributeError):
            policy.attempts = 9  # type: ignore[misc]


class TestParseRetryAfter:
    NOW = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (None, None),
            ("", None),
            ("  ", None),
            ("0", 0.0),
            (" 30 ", 30.0),
            ("1.5", 1.5),
            ("-1", None),
            ("soon", None),
            ("Fri, 01 Mar 2024 12:00:45 GMT", 45.0),
            ("Fri, 01 Mar 2024 11:00:00 GMT", 0.0),
            ("Fri, 01 Mar 2024 12:00:10 -0000", 10.0),
        ],
    )
    def test_examples(self, value: str | None, expected: float | None) -> None:
        assert parse_retry_after(value, now=self.NOW) == expected

    @given(st.text())
    def test_never_raises(self, value: str) -> None:
        result = parse_retry_after(value)
        assert result is None or (math.isfinite(result) and result >= 0)

    @given(st.integers(min_value=0, max_value=10**9))
    def test_delta_seconds(self, seconds: int) -> None:
        assert parse_retry_after(str(seconds)) == float(seconds)

    @given(st.integers(min_value=-(10**6), max_value=10**6))
    def test_http_date(self, offset: int) -> None:
        when = self.NOW + timedelta(seconds=offset)
        assert parse_retry_after(format_datetime(when, usegmt=True), now=self.NOW) == max(
            0.0, float(offset)
        )


# --------------------------------------------------------------------------- typed errors


class TestErrors:
    @pytest.mark.parametrize(
        ("status", "cls"),
        [
            (400, ProviderError),
            (401, AuthenticationError),
            (403, AuthenticationError),
            (404, NotFound),
            (409, Conflict),
            (412, Conflict),
            (422, ProviderError),
            (429, ProviderUnavailable),
            (500, ProviderUnavailable),
            (501, ProviderUnavailable),
        ],
    )
    def test_status_maps_to_typed_error(
        self, server: LocalHTTPServer, status: int, cls: type[ProviderError]
    ) -> None:
        server.status(status, None, "nope")
        with build_session(provider=PROVIDER, retry=None) as s:
            with pytest.raises(ProviderError) as caught:
                send(s, "GET", server.url + "/v1/x?q=1", provider=PROVIDER)
        err = caught.value
        assert type(err) is cls
        assert (err.status, err.provider) == (status, PROVIDER)
        assert str(err) == f"GET {server.url}/v1/x: nope ({PROVIDER}, HTTP {status})"

    def test_error_class_hook_chooses_by_code_else_the_status_decides(
        self, server: LocalHTTPServer
    ) -> None:
        def classify(code: str | None, status: int) -> type[ProviderError] | None:
            return {"BUSY": ProviderUnavailable, "BROKEN": None}.get(code or "")

        for code, status, expected in [("BUSY", 400, ProviderUnavailable),
                                       ("BROKEN", 409, Conflict), (None, 412, Conflict),
                                       ("OTHER", 404, NotFound)]:
            body = {"code": code, "message": "x"} if code else None
            server.status(status, {"Content-Type": "application/json"}, body)
            with requests.Session() as s, pytest.raises(ProviderError) as caught:
                send(s, "GET", server.url, provider=PROVIDER, error_class=classify)
            assert type(caught.value) is expected, (code, status)
            assert caught.value.__cause__ is None  # nothing behind an HTTP status

    def test_a_failing_error_class_hook_falls_back_to_the_status(
        self, server: LocalHTTPServer
    ) -> None:
        def broken(code: str | None, status: int) -> type[ProviderError] | None:
            raise KeyError(code)

        server.status(503, None, "down")
        with requests.Session() as s, pytest.raises(ProviderUnavailable):
            send(s, "GET", server.url, provider=PROVIDER, error_class=broken)

    def test_not_found_is_a_lookup_error(self, server: LocalHTTPServer) -> None:
        server.handler = {}
        with requests.Session() as s, pytest.raises(LookupError):
            send(s, "GET", server.url + "/missing", provider=PROVIDER)

    def test_retry_after_read_into_the_error(self, server: LocalHTTPServer) -> None:
        server.status(503, {"Retry-After": "5"})
        with requests.Session() as s, pytest.raises(ProviderUnavailable) as caught:
            send(s, "GET", server.url, provider=PROVIDER)
        assert caught.value.retry_after == 5.0
        assert caught.value.retryable

    @pytest.mark.parametrize(
        ("body", "code", "message"),
        [
            (
                {"code": "P0920", "description": "Card declined", "field": "x"},
                "P0920",
                "Card declined",
            ),
            (
                {"error": {"type": "card_error", "code": "expired", "message": "Expired"}},
                "expired",
                "Expired",
            ),
            (
                {"error": {"statuscode": 400, "message": "Requested postcode invalid"}},
                None,
                "Requested postcode invalid",
            ),
            (
                {"errors": [{"error": "BadRequestError", "message": "Bad"}], "status_code": 400},
                "BadRequestError",
                "Bad",
            ),
            (
                {"error": "invalid_client", "error_description": "Unknown key"},
                "invalid_client",
                "Unknown key",
            ),
        ],
    )
    def test_provider_code_and_message_read_from_json(
        self, server: LocalHTTPServer, body: dict[str, object], code: str | None, message: str
    ) -> None:
        server.status(400, None, body)
        with requests.Session() as s, pytest.raises(ProviderError) as caught:
            send(s, "POST", server.url, provider=PROVIDER)
        assert caught.value.provider_code == code
        assert caught.value.message.endswith(f": {message}")

    def test_long_body_truncated(self, server: LocalHTTPServer) -> None:
        server.status(400, None, "<html>" + "x" * 5000 + "</html>")
        with requests.Session() as s, pytest.raises(ProviderError) as caught:
            send(s, "GET", server.url, provider=PROVIDER)
        assert len(caught.value.message) < 300
        assert caught.value.message.endswith("…")

    def test_custom_parse_error(self, server: LocalHTTPServer) -> None:
        server.status(422, None, "CODE=P99;MSG=Bad reference")

        def parse(response: requests.Response) -> tuple[str | None, str | None]:
            fields = dict(part.split("=") for part in response.text.split(";"))
            return fields["CODE"], fields["MSG"]

        with requests.Session() as s, pytest.raises(ProviderError) as caught:
            send(s, "GET", server.url, provider=PROVIDER, parse_error=parse)
        assert caught.value.provider_code == "P99"
        assert caught.value.message.endswith(": Bad reference")

    def test_failing_parse_error_falls_back(self, server: LocalHTTPServer) -> None:
        server.status(400, None, {"code": "E1", "message": "fallback"})

        def broken(response: requests.Response) -> tuple[str | None, str | None]:
            raise KeyError("boom")

        with requests.Session() as s, pytest.raises(ProviderError) as caught:
            send(s, "GET", server.url, provider=PROVIDER, parse_error=broken)
        assert caught.value.provider_code == "E1"

    @pytest.mark.parametrize("status", [200, 201, 204, 301, 304])
    def test_success_and_redirect_statuses_pass(self, status: int) -> None:
        response = requests.Response()
        response.status_code = status
        raise_for_status(response, provider=PROVIDER)  # does not raise

    def test_default_parse_error_ignores_non_json(self) -> None:
        response = requests.Response()
        response._content = b"<html>oops</html>"
        assert default_parse_error(response) == (None, None)

    def test_too_many_redirects_is_a_provider_error(self, server: LocalHTTPServer) -> None:
        server.handler = lambda request: (302, {"Location": "/loop"}, b"")
        with requests.Session() as s, pytest.raises(ProviderError) as caught:
            send(s, "GET", server.url + "/loop", provider=PROVIDER)
        assert type(caught.value) is ProviderError
        assert isinstance(caught.value.__cause__, requests.TooManyRedirects)


# --------------------------------------------------------------------------- timeouts


class TestTimeouts:
    def test_session_applies_its_timeout(self, server: LocalHTTPServer) -> None:
        server.hang(HANG)
        server.hang(HANG)
        with build_session(provider=PROVIDER, retry=None, timeout=(1.0, 0.2)) as s:
            started = time.monotonic()
            with pytest.raises(requests.ReadTimeout):
                s.get(server.url)  # no timeout given: the session's applies
            with pytest.raises(ProviderUnavailable, match="timed out"):
                send(s, "GET", server.url, provider=PROVIDER)
        assert time.monotonic() - started < 1.5

    def test_send_fills_in_the_default_for_plain_sessions(
        self, server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(http, "DEFAULT_TIMEOUT", (1.0, 0.2))
        server.hang(HANG)
        with requests.Session() as s:
            started = time.monotonic()
            with pytest.raises(ProviderUnavailable, match="timed out waiting") as caught:
                send(s, "GET", server.url, provider=PROVIDER, timeout=None)
        assert time.monotonic() - started < 1.0
        assert isinstance(caught.value.__cause__, requests.ReadTimeout)

    def test_explicit_timeout_wins(self, server: LocalHTTPServer) -> None:
        server.hang(0.3)
        with build_session(provider=PROVIDER, retry=None, timeout=(1.0, 0.1)) as s:
            assert send(s, "GET", server.url, provider=PROVIDER, timeout=2.0).status_code == 200


# --------------------------------------------------------------------------- secrets


SECRET = "sk_live_Zx81/q+w"


def assert_hidden(text: str) -> None:
    assert SECRET not in text
    assert "sk_live_Zx81" not in text  # no URL-encoded form either


class TestSecretsNeverLeak:
    @pytest.fixture(autouse=True)
    def redact_urllib3(self) -> Iterator[None]:
        # Done as lgds_components.secret documents: urllib3 logs request lines itself.
        log = logging.getLogger("urllib3.connectionpool")
        redactor = RedactingFilter([SECRET])
        log.addFilter(redactor)
        yield
        log.removeFilter(redactor)

    def test_error_response(
        self, server: LocalHTTPServer, caplog: pytest.LogCaptureFixture
    ) -> None:
        def echo(request: Request) -> tuple[int, None, dict[str, str]]:
            return 401, None, {"message": f"bad key {request.headers['Authorization']}"}

        server.handler = echo
        with caplog.at_level(logging.DEBUG):
            with build_session(provider=PROVIDER, secrets=[Secret(SECRET)]) as s:
                s.headers["Authorization"] = f"Bearer {SECRET}"
                with pytest.raises(AuthenticationError) as caught:
                    send(s, "GET", server.url, provider=PROVIDER, params={"key": SECRET})
                assert_hidden(repr(s))
        assert server.requests[0].headers["Authorization"] == f"Bearer {SECRET}"
        assert "bad key Bearer ********" in str(caught.value)
        self.assert_all_hidden(caught.value, caplog)

    @pytest.mark.parametrize("inner", [" ", "  ", " \u00a0 "])
    def test_a_secret_with_inner_whitespace_is_masked_in_error_excerpts(
        self, server: LocalHTTPServer, inner: str
    ) -> None:
        """Redacted before whitespace is collapsed, so "a  b" is found as it was sent."""
        key = f"sk_live_Zx81{inner}tail"

        def echo(request: Request) -> tuple[int, None, str]:
            return 400, None, f"the key\n{key}\nis not valid here"

        server.handler = echo
        with requests.Session() as s, pytest.raises(ProviderError) as caught:
            send(s, "GET", server.url, provider=PROVIDER, secrets=[Secret(key)])
        message = str(caught.value)
        assert "the key ******** is not valid here" in message
        assert "Zx81" not in message and "tail" not in message

    def test_retried_connection_failure(
        self, server: LocalHTTPServer, caplog: pytest.LogCaptureFixture
    ) -> None:
        for _ in range(2):
            server.reset()
        policy = RetryPolicy(attempts=2, sleep=lambda s: None)
        with caplog.at_level(logging.DEBUG):
            with build_session(provider=PROVIDER, secrets=[SECRET], retry=policy) as s:
                with pytest.raises(ProviderUnavailable) as caught:
                    send(s, "GET", f"{server.url}/x?key={SECRET}", provider=PROVIDER)
        assert "retrying" in caplog.text
        self.assert_all_hidden(caught.value, caplog)

    def test_refused_connection_with_plain_session(self, caplog: pytest.LogCaptureFixture) -> None:
        url = f"http://127.0.0.1:{closed_port()}/x?key={SECRET}"
        with caplog.at_level(logging.DEBUG), requests.Session() as s:
            with pytest.raises(ProviderUnavailable) as caught:
                send(s, "GET", url, provider=PROVIDER, secrets=[SECRET])
        self.assert_all_hidden(caught.value, caplog)
        assert "Max retries" in "".join(traceback.format_exception(caught.value))

    @staticmethod
    def assert_all_hidden(err: BaseException, caplog: pytest.LogCaptureFixture) -> None:
        assert_hidden(str(err))
        assert_hidden(repr(err))
        assert_hidden("".join(traceback.format_exception(err)))
        assert_hidden(caplog.text)
        assert caplog.text  # something was logged


# --------------------------------------------------------------------------- logging


def test_each_attempt_logged_and_retries_announced(
    server: LocalHTTPServer, session: ProviderSession, caplog: pytest.LogCaptureFixture
) -> None:
    server.status(503)
    with caplog.at_level(logging.DEBUG, logger="lgds_components.http"):
        send(session, "GET", server.url + "/p", provider=PROVIDER)
    ours = [r for r in caplog.records if r.name == "lgds_components.http"]
    assert [r.levelno for r in ours] == [logging.DEBUG, logging.INFO, logging.DEBUG]
    assert f"GET {server.url}/p -> 503" in ours[0].getMessage()
    assert "(attempt 1/4)" in ours[0].getMessage()
    assert "retrying" in ours[1].getMessage()
    assert "-> 200" in ours[2].getMessage()
    assert "(attempt 2/4)" in ours[2].getMessage()


# --------------------------------------------------------------------------- the test server


class TestLocalHTTPServer:
    def test_routes_and_records(self, server: LocalHTTPServer) -> None:
        server.handler = {
            "POST /items": lambda r: (201, {"X-Seen": r.query}, {"got": r.json()}),
            "/fixed": (200, None, "fixed"),
        }
        with requests.Session() as s:
            created = s.post(server.url + "/items?a=1", json={"n": 1}, headers={"X-Test": "yes"})
            fixed = s.delete(server.url + "/fixed")
            missing = s.get(server.url + "/items")
        assert (created.status_code, created.headers["X-Seen"], created.json()) == (
            201,
            "a=1",
            {"got": {"n": 1}},
        )
        assert (fixed.status_code, fixed.text) == (200, "fixed")
        assert missing.status_code == 404
        first = server.requests[0]
        assert (first.method, first.path, first.query, first.body) == (
            "POST",
            "/items",
            "a=1",
            b'{"n": 1}',
        )
        assert first.headers["x-test"] == "yes"

    def test_handler_errors_become_500s(self, server: LocalHTTPServer) -> None:
        def broken(request: Request) -> tuple[int, None, None]:
            raise RuntimeError("bug in fake")

        server.handler = broken
        with requests.Session() as s:
            assert s.get(server.url).status_code == 500
        assert [str(e) for e in server.errors] == ["bug in fake"]

    def test_reset_is_a_connection_reset(self, server: LocalHTTPServer) -> None:
        server.reset()
        with requests.Session() as s, pytest.raises(requests.ConnectionError) as caught:
            s.get(server.url, timeout=1)
        assert ConnectionResetError in {type(e) for e in chain(caught.value)}
        assert len(server.requests) == 1

    def test_faults_are_first_in_first_out_then_clear(self, server: LocalHTTPServer) -> None:
        server.status(418)
        server.status(503)
        with requests.Session() as s:
            assert [s.get(server.url).status_code for _ in range(3)] == [418, 503, 200]
        server.status(500)
        server.clear()
        assert server.requests == []
        with requests.Session() as s:
            assert s.get(server.url).status_code == 200

    def test_head_has_no_body(self, server: LocalHTTPServer) -> None:
        with requests.Session() as s:
            response = s.head(server.url)
        assert (response.status_code, response.content) == (200, b"")

    def test_close_is_quick_with_hung_and_idle_connections(self) -> None:
        outcome: list[BaseException | int] = []
        srv = LocalHTTPServer().start()
        idle = requests.Session()
        try:
            idle.get(srv.url)  # leaves a keep-alive connection open on the server
            srv.hang(30)

            def client() -> None:
                try:
                    with urlopen(srv.url, timeout=10) as reply:
                        outcome.append(reply.status)
                except (URLError, OSError) as exc:
                    outcome.append(exc)

            waiting = threading.Thread(target=client)
            waiting.start()
            while len(srv.requests) < 2:
                time.sleep(0.01)
            started = time.monotonic()
            srv.close()
            assert time.monotonic() - started < 1.0
            waiting.join(2)
            assert not waiting.is_alive()
            assert outcome and isinstance(outcome[0], BaseException)
        finally:
            idle.close()
            srv.close()

    def test_url_needs_a_running_server(self) -> None:
        srv = LocalHTTPServer()
        with pytest.raises(RuntimeError):
            srv.url  # noqa: B018
        assert repr(srv) == "<LocalHTTPServer stopped requests=0>"
