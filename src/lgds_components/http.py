"""The one place that builds HTTP sessions and turns HTTP failures into typed errors.

Every provider adapter takes an optional :class:`requests.Session`. When the
caller gives none it calls :func:`build_session`, and it makes each call
through :func:`send`, which fills in a timeout, raises the library's own
exceptions (:mod:`lgds_components.errors`) and keeps secrets out of them:

>>> from lgds_components.http import build_session, RetryPolicy
>>> session = build_session(provider="os-places", retry=RetryPolicy(attempts=3))
>>> session
<ProviderSession provider='os-places'>
>>> session.headers["User-Agent"].startswith("lgds-components/")
True
>>> session.close()

A session from :func:`build_session`:

* sends a ``User-Agent`` naming this library and its version;
* applies its timeout (:data:`DEFAULT_TIMEOUT` unless told otherwise) to any
  request made without one;
* retries, with exponential backoff and jitter, on connection failures, read
  timeouts and the statuses in ``RetryPolicy.retry_statuses``, honouring
  ``Retry-After`` up to ``RetryPolicy.max_retry_after``;
* retries only requests that are safe to repeat: ``GET``, ``HEAD``,
  ``OPTIONS``, ``PUT`` and ``DELETE``, and a ``POST`` or ``PATCH`` carrying
  an ``Idempotency-Key`` header (sent unchanged on every try). Any other
  request is sent once. The one exception: a failure to *connect* (refused,
  DNS failure, connect timeout) is retried for every method, because nothing
  has been sent yet. A connection reset or a read timeout after the request
  went out is never retried for an unprotected ``POST``.

Retries live in :class:`RetryingAdapter`, mounted for ``http://`` and
``https://``; the session still behaves as a plain :class:`requests.Session`
(after retries it returns the last response or raises the last ``requests``
exception). :func:`send` and :func:`raise_for_status` give the typed errors.

Logging goes to the ``lgds_components.http`` logger: each try at ``DEBUG``,
each retry at ``INFO``, giving up at ``WARNING``; URLs are logged with secrets
masked and headers are never logged. See :mod:`lgds_components.secret` to mask
secrets in ``urllib3``'s own ``DEBUG`` lines too.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, Self, TypeAlias
from urllib.parse import urlsplit, urlunsplit

import attrs
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError

from lgds_components.errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    ProviderError,
    ProviderUnavailable,
)
from lgds_components.secret import Secret, redact

__all__ = [
    "DEFAULT_TIMEOUT",
    "IDEMPOTENCY_KEY_HEADER",
    "ErrorClassifier",
    "ErrorParser",
    "ProviderSession",
    "RetryPolicy",
    "RetryingAdapter",
    "Secrets",
    "SessionHolder",
    "Timeout",
    "bearer",
    "build_session",
    "default_parse_error",
    "parse_retry_after",
    "raise_for_status",
    "send",
    "user_agent",
]

logger: logging.Logger = logging.getLogger(__name__)

Timeout: TypeAlias = float | tuple[float, float]
"""Seconds for both phases, or ``(connect, read)``."""

ErrorParser: TypeAlias = Callable[[requests.Response], tuple[str | None, str | None]]
"""Reads a provider's error code and message from an error response."""

ErrorClassifier: TypeAlias = Callable[[str | None, int], type[ProviderError] | None]
"""Chooses the error class for a provider's error code and the HTTP status.

Returns ``None`` to keep the class the status gives (see :func:`raise_for_status`).
"""

Secrets: TypeAlias = Iterable[Secret | str]
"""API keys and passwords to mask, as :class:`~lgds_components.secret.Secret` objects or strings."""

DEFAULT_TIMEOUT: Final[tuple[float, float]] = (3.05, 15.0)
"""``(connect, read)`` seconds used when a request gives no timeout."""

IDEMPOTENCY_KEY_HEADER: Final = "Idempotency-Key"
"""A ``POST`` or ``PATCH`` carrying this header may be retried."""

_BODY_EXCERPT = 200
_DELTA_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")


# --------------------------------------------------------------------------- retry policy


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Return the seconds a ``Retry-After`` header asks for, or ``None``.

    Both forms are understood: delta-seconds and an HTTP-date (a date in the
    past means ``0.0``). Anything unreadable gives ``None``; this never raises.

    >>> parse_retry_after("120")
    120.0
    >>> now = datetime(2015, 10, 21, 7, 27, 0, tzinfo=UTC)
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=now)
    60.0
    >>> parse_retry_after("soon") is None
    True
    """
    if not value:
        return None
    text = value.strip()
    if _DELTA_SECONDS.fullmatch(text):
        seconds = float(text)
        return seconds if math.isfinite(seconds) else None
    return _seconds_until(text, now)


def _seconds_until(http_date: str, now: datetime | None) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" means UTC with no claim about local time
        when = when.replace(tzinfo=UTC)
    try:
        delta = (when - (now or datetime.now(UTC))).total_seconds()
    except OverflowError:
        return None
    return max(0.0, delta)


def _to_statuses(values: Iterable[int]) -> frozenset[int]:
    return frozenset(int(v) for v in values)


def _to_methods(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.upper() for v in values)


@attrs.frozen
class RetryPolicy:
    """When and how long to wait before trying a request again.

    Args:
        attempts: tries in all, the first included (``1`` means never retry).
        backoff_factor: seconds before the first retry; doubled for each next one.
        backoff_max: the most seconds any backoff wait may reach.
        jitter: the fraction of each backoff that is random: ``1.0`` is "full
            jitter" (anywhere from 0 to the backoff), ``0.0`` none.
        retry_statuses: HTTP statuses worth retrying.
        retry_methods: methods that are safe to repeat.
        max_retry_after: the longest ``Retry-After`` honoured. A server asking
            for longer is not waited for: the response is returned at once, and
            :func:`send` raises
            :class:`~lgds_components.errors.ProviderUnavailable` with ``retry_after``.
        sleep: how to wait (inject a fake in tests).
        random: a source of floats in ``[0, 1)`` for the jitter.

    >>> policy = RetryPolicy(backoff_factor=0.5, jitter=0.0)
    >>> [policy.delay(n) for n in (1, 2, 3)]
    [0.5, 1.0, 2.0]
    >>> policy.delay(1, retry_after=7.0)
    7.0
    """

    attempts: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    backoff_factor: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    backoff_max: float = attrs.field(default=30.0, validator=attrs.validators.ge(0))
    jitter: float = attrs.field(
        default=1.0, validator=[attrs.validators.ge(0), attrs.validators.le(1)]
    )
    retry_statuses: frozenset[int] = attrs.field(
        default=frozenset({429, 500, 502, 503, 504}), converter=_to_statuses
    )
    retry_methods: frozenset[str] = attrs.field(
        default=frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}), converter=_to_methods
    )
    max_retry_after: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    sleep: Callable[[float], None] = attrs.field(default=time.sleep, eq=False, repr=False)
    random: Callable[[], float] = attrs.field(default=random.random, eq=False, repr=False)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed try number ``attempt`` (from 1), jitter applied."""
        base = min(self.backoff_max, self.backoff_factor * 2.0 ** (min(attempt, 64) - 1))
        return base * (1.0 - self.jitter * self.random())

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before the next try: ``retry_after`` if given, else :meth:`backoff`."""
        if retry_after is not None:
            return max(0.0, retry_after)
        return self.backoff(attempt)

    def is_idempotent(self, method: str, headers: Mapping[str, str | bytes]) -> bool:
        """Whether a request may be sent more than once.

        >>> RetryPolicy().is_idempotent("POST", {"Idempotency-Key": "GW-1"})
        True
        >>> RetryPolicy().is_idempotent("POST", {})
        False
        """
        method = method.upper()
        if method in self.retry_methods:
            return True
        return method in {"POST", "PATCH"} and bool(headers.get(IDEMPOTENCY_KEY_HEADER))


_DEFAULT_RETRY: Final = RetryPolicy()
_NO_RETRY: Final = RetryPolicy(attempts=1)


# --------------------------------------------------------------------------- the adapter


def _nothing_sent(exc: requests.RequestException) -> bool:
    """True when the connection was never made, so the request cannot have arrived."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
        return False
    reason = exc.args[0] if exc.args else None
    return isinstance(reason, MaxRetryError) and isinstance(reason.reason, ConnectTimeoutError)


def _transient(exc: requests.RequestException) -> bool:
    """Connection failures and read timeouts: worth another try if the request is safe."""
    if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
        return False
    return isinstance(
        exc,
        (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError),
    )


def _replayable(body: object) -> bool:
    return body is None or isinstance(body, (bytes, str))


def _describe(exc: BaseException) -> str:
    """An exception's class and its root cause's class, with no message (no secrets)."""
    root: BaseException = exc
    seen = {id(root)}
    while True:
        nxt = root.__cause__ or root.__context__
        if nxt is None:
            nxt = next((a for a in root.args if isinstance(a, BaseException)), None)
        if nxt is None or id(nxt) in seen:
            break
        seen.add(id(nxt))
        root = nxt
    name = type(exc).__name__
    return name if root is exc else f"{name} ({type(root).__name__})"


def _discard(response: requests.Response) -> None:
    try:
        response.close()
    except Exception:  # nothing useful to do about a failure to tidy up
        pass


class RetryingAdapter(HTTPAdapter):
    """An :class:`~requests.adapters.HTTPAdapter` that retries safe requests itself.

    Each call to :meth:`send` decides on its own, from the request's method
    and headers, whether it may retry; the adapter keeps no per-request state,
    so one adapter serves many threads. A request body that is a stream (a
    file or generator) cannot be replayed, so such a request is sent once.

    Args:
        provider: the provider's name, used in log lines.
        retry: the policy, or ``None`` to send every request once.
        timeout: used when a request comes with no timeout.
        secrets: values to mask in log lines.
    """

    __attrs__: list[str] = [  # noqa: RUF012 - requests declares it so; read for pickling
        *HTTPAdapter.__attrs__,
        "provider",
        "retry",
        "timeout",
        "secrets",
    ]

    def __init__(
        self,
        *,
        provider: str,
        retry: RetryPolicy | None = _DEFAULT_RETRY,
        timeout: Timeout = DEFAULT_TIMEOUT,
        secrets: Secrets = (),
        **kwargs: Any,
    ) -> None:
        self.provider = provider
        self.retry = retry
        self.timeout = timeout
        self.secrets: tuple[Secret, ...] = _secret_tuple(secrets)
        super().__init__(**kwargs)

    def __repr__(self) -> str:
        return f"<RetryingAdapter provider={self.provider!r}>"

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send ``request``, retrying as the policy allows; see :class:`RetryingAdapter`."""
        timeout = self.timeout if timeout is None else timeout
        policy = self.retry or _NO_RETRY
        replayable = _replayable(request.body)
        safe = replayable and policy.is_idempotent(request.method or "", request.headers)
        attempt = 1
        while True:
            started = time.monotonic()
            try:
                response = self._send_once(request, stream, timeout, verify, cert, proxies)
            except requests.RequestException as exc:
                self._log_try(request, _describe(exc), started, attempt, policy)
                retryable = (safe and _transient(exc)) or (replayable and _nothing_sent(exc))
                if not retryable or not self._may_retry(request, attempt, policy, _describe(exc)):
                    raise
                policy.sleep(self._wait(request, attempt, policy, None, _describe(exc)))
            else:
                self._log_try(request, str(response.status_code), started, attempt, policy)
                if not (safe and response.status_code in policy.retry_statuses):
                    return response
                reason = f"HTTP {response.status_code}"
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if not self._may_retry(request, attempt, policy, reason, retry_after):
                    return response
                _discard(response)
                policy.sleep(self._wait(request, attempt, policy, retry_after, reason))
            attempt += 1

    def _send_once(
        self,
        request: requests.PreparedRequest,
        stream: bool,
        timeout: Any,
        verify: bool | str,
        cert: Any,
        proxies: Mapping[str, str] | None,
    ) -> requests.Response:
        response = super().send(request, stream, timeout, verify, cert, proxies)
        if not stream:
            try:
                response.content  # noqa: B018 - read the body now, so a stall in it is retried
            except BaseException:
                _discard(response)
                raise
        return response

    def _where(self, request: requests.PreparedRequest) -> str:
        return f"{request.method} {redact(request.url or '', self.secrets)}"

    def _log_try(
        self,
        request: requests.PreparedRequest,
        outcome: str,
        started: float,
        attempt: int,
        policy: RetryPolicy,
    ) -> None:
        logger.debug(
            "%s %s -> %s in %.3fs (attempt %d/%d)",
            self.provider,
            self._where(request),
            outcome,
            time.monotonic() - started,
            attempt,
            policy.attempts,
        )

    def _may_retry(
        self,
        request: requests.PreparedRequest,
        attempt: int,
        policy: RetryPolicy,
        reason: str,
        retry_after: float | None = None,
    ) -> bool:
        if attempt >= policy.attempts:
            if policy.attempts > 1:
                logger.warning(
                    "%s %s failed with %s after %d attempts; giving up",
                    self.provider,
                    self._where(request),
                    reason,
                    attempt,
                )
            return False
        if retry_after is not None and retry_after > policy.max_retry_after:
            logger.warning(
                "%s %s got %s with Retry-After %.0fs, over the %.0fs limit; giving up",
                self.provider,
                self._where(request),
                reason,
                retry_after,
                policy.max_retry_after,
            )
            return False
        return True

    def _wait(
        self,
        request: requests.PreparedRequest,
        attempt: int,
        policy: RetryPolicy,
        retry_after: float | None,
        reason: str,
    ) -> float:
        delay = policy.delay(attempt, retry_after)
        logger.info(
            "%s %s failed with %s; retrying in %.2fs (attempt %d/%d)",
            self.provider,
            self._where(request),
            reason,
            delay,
            attempt + 1,
            policy.attempts,
        )
        return delay


# --------------------------------------------------------------------------- sessions


def _secret_tuple(secrets: Secrets) -> tuple[Secret, ...]:
    found: dict[Secret, None] = {}
    for item in secrets:
        if isinstance(item, Secret):
            found[item] = None
        elif item:
            found[Secret(str(item))] = None
    return tuple(found)


def bearer(key: Secret) -> str:
    """The ``Authorization`` header value for ``key``: build it for each request, never keep it.

    An adapter that stored this string would hold the key in plain text where
    ``vars()``, a debugger or a crash reporter can read it.

    >>> bearer(Secret("api_test_123"))
    'Bearer api_test_123'
    """
    return f"Bearer {key.reveal()}"


def user_agent(suffix: str | None = None) -> str:
    """The ``User-Agent`` sent by sessions from :func:`build_session`.

    >>> user_agent().startswith("lgds-components/")
    True
    >>> user_agent("exeter-bins/2.1").endswith(" exeter-bins/2.1")
    True
    """
    from lgds_components import version

    requests_version = getattr(requests, "__version__", "unknown")
    agent = f"lgds-components/{version()} python-requests/{requests_version}"
    return f"{agent} {suffix}" if suffix else agent


class ProviderSession(requests.Session):
    """A :class:`requests.Session` made by :func:`build_session` for one provider.

    It knows its provider's name, its secrets (so :func:`send` can mask them)
    and its default ``timeout``; its ``repr()`` shows the provider only,
    never headers or secrets.
    """

    __attrs__: list[str] = [  # noqa: RUF012 - requests declares it so; read for pickling
        *requests.Session.__attrs__,
        "provider",
        "secrets",
        "timeout",
    ]

    def __init__(
        self, provider: str, secrets: Secrets = (), timeout: Timeout = DEFAULT_TIMEOUT
    ) -> None:
        super().__init__()
        self.provider = provider
        self.secrets: tuple[Secret, ...] = _secret_tuple(secrets)
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<ProviderSession provider={self.provider!r}>"


class SessionHolder:
    """Mixin for adapters: the session the caller gave, or one the adapter built.

    Call :meth:`_hold_session` in ``__init__``; :meth:`close` (and leaving a
    ``with`` block) closes the session only if the adapter built it.
    """

    _session: requests.Session
    _owns_session: bool

    def _hold_session(
        self, session: requests.Session | None, build: Callable[[], requests.Session]
    ) -> None:
        self._owns_session = session is None
        self._session = build() if session is None else session

    def close(self) -> None:
        """Close the HTTP session, if this adapter made it."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def build_session(
    *,
    provider: str,
    secrets: Secrets = (),
    retry: RetryPolicy | None = _DEFAULT_RETRY,
    timeout: Timeout = DEFAULT_TIMEOUT,
    user_agent_suffix: str | None = None,
) -> ProviderSession:
    """Make the session a provider uses when its caller gives none.

    Args:
        provider: the provider's registry name, such as ``"govuk-pay"``.
        secrets: API keys and passwords to mask in logs and errors.
        retry: the retry policy, or ``None`` to send every request once.
        timeout: applied to requests made without one.
        user_agent_suffix: appended to the ``User-Agent``, such as ``"my-app/1.0"``.

    >>> with build_session(provider="govuk-pay", secrets=["api_test_123"]) as session:
    ...     print(repr(session), session.get_adapter("https://x.test").retry.attempts)
    <ProviderSession provider='govuk-pay'> 4
    """
    session = ProviderSession(provider, secrets, timeout)
    session.headers["User-Agent"] = user_agent(user_agent_suffix)
    adapter = RetryingAdapter(
        provider=provider, retry=retry, timeout=timeout, secrets=session.secrets
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


# --------------------------------------------------------------------------- typed errors


def _all_secrets(session: requests.Session, secrets: Secrets) -> tuple[Secret | str, ...]:
    return (*secrets, *getattr(session, "secrets", ()))


def _safe_url(url: str, secrets: Iterable[Secret | str]) -> str:
    """The URL without its query string or credentials, secrets masked."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        bare = urlunsplit((parts.scheme, host, parts.path, "", ""))
    except ValueError:
        bare = url
    return redact(bare, secrets)


def _excerpt(text: str, secrets: Iterable[Secret | str], limit: int = _BODY_EXCERPT) -> str:
    """Secrets masked, then whitespace collapsed (a secret may itself hold spaces), then cut."""
    text = " ".join(redact(text, secrets).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_text(data: Mapping[str, Any], keys: Iterable[str]) -> str | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


def _error_object(data: Any) -> Mapping[str, Any] | None:
    """Find the mapping that describes the error: the body, or a nested ``error(s)``."""
    if isinstance(data, list):
        data = data[0] if data else None
    if not isinstance(data, Mapping):
        return None
    nested = data.get("error")
    if isinstance(nested, Mapping):
        return nested
    many = data.get("errors")
    if isinstance(many, list) and many and isinstance(many[0], Mapping):
        return many[0]
    return data


def default_parse_error(response: requests.Response) -> tuple[str | None, str | None]:
    """Read ``(code, message)`` from a JSON error body, or ``(None, None)``.

    Understands the common shapes: ``{"code", "description"}`` (GOV.UK Pay),
    ``{"error": {"code", "message"}}`` (Stripe, OS Places),
    ``{"errors": [{"error", "message"}]}`` (GOV.UK Notify) and
    ``{"error", "error_description"}`` (OAuth).

    >>> r = requests.Response()
    >>> r._content = b'{"code": "P0920", "description": "Unknown payment"}'
    >>> default_parse_error(r)
    ('P0920', 'Unknown payment')
    """
    try:
        data = response.json()
    except ValueError:
        return None, None
    error = _error_object(data)
    if error is None:
        return None, None
    code = _first_text(error, ("code", "error_code", "type", "error"))
    message = _first_text(error, ("description", "message", "error_description", "detail", "title"))
    return code, message


def _parse_safely(
    response: requests.Response, parse_error: ErrorParser | None
) -> tuple[str | None, str | None]:
    for parser in (parse_error, default_parse_error):
        if parser is None:
            continue
        try:
            code, message = parser(response)
        except Exception:  # a provider's parser must not hide the HTTP error
            continue
        return code, message
    return None, None


def _error_class(status: int) -> type[ProviderError]:
    if status in (401, 403):
        return AuthenticationError
    if status == 404:
        return NotFound
    if status in (409, 412):
        return Conflict
    if status == 429 or status >= 500:
        return ProviderUnavailable
    return ProviderError


def raise_for_status(
    response: requests.Response,
    *,
    provider: str,
    secrets: Secrets = (),
    parse_error: ErrorParser | None = None,
    error_class: ErrorClassifier | None = None,
) -> None:
    """Raise the library's error for an HTTP error response; do nothing for 1xx-3xx.

    This is the one place an HTTP failure becomes a typed error. By status:

    ============  ===========================================
    status        raises
    ============  ===========================================
    401, 403      :class:`~lgds_components.errors.AuthenticationError`
    404           :class:`~lgds_components.errors.NotFound`
    409, 412      :class:`~lgds_components.errors.Conflict`
    429, 5xx      :class:`~lgds_components.errors.ProviderUnavailable` (with ``retry_after``)
    other 4xx     :class:`~lgds_components.errors.ProviderError`
    ============  ===========================================

    The error carries ``provider``, ``status`` and the provider's own code.
    Its message is the provider's message, or else the start of the body,
    with secrets masked. ``parse_error(response) -> (code, message)`` lets an
    adapter read its provider's error format; if it fails or finds nothing
    the common JSON shapes are tried (:func:`default_parse_error`).
    ``error_class(code, status)`` lets an adapter map its provider's codes to
    other classes (GOV.UK Pay's ``P0604`` is a ``Conflict`` whatever its
    status); when it returns ``None``, or the body has no code, the status
    decides as above.

    >>> r = requests.Response()
    >>> r.status_code, r.url, r.request = 404, "https://pay.test/v1/payments/abc?k=1", None
    >>> r._content = b'{"code": "P0200", "description": "Not found"}'
    >>> raise_for_status(r, provider="govuk-pay")
    Traceback (most recent call last):
    ...
    lgds_components.errors.NotFound: https://pay.test/v1/payments/abc: Not found (govuk-pay, ...)
    """
    status = response.status_code
    if status < 400:
        return
    code, detail = _parse_safely(response, parse_error)
    if not detail:
        detail = response.text or response.reason or "no details given"
    method = response.request.method if response.request is not None else None
    where = _safe_url(response.url or "", secrets)
    message = f"{method} {where}" if method else where
    cls = _classify(code, status, error_class)
    kwargs: dict[str, Any] = {
        "provider": provider,
        "status": status,
        "provider_code": _excerpt(code, secrets, 60) if code else None,
    }
    if issubclass(cls, ProviderUnavailable):
        kwargs["retry_after"] = parse_retry_after(response.headers.get("Retry-After"))
    _discard(response)
    raise cls(f"{message}: {_excerpt(detail, secrets)}", **kwargs)


def _classify(
    code: str | None, status: int, error_class: ErrorClassifier | None
) -> type[ProviderError]:
    if error_class is not None:
        try:
            chosen = error_class(code, status)
        except Exception:  # a provider's hook must not hide the HTTP error
            chosen = None
        if chosen is not None:
            return chosen
    return _error_class(status)


def _scrub_chain(exc: BaseException, secrets: Iterable[Secret | str]) -> None:
    """Mask secrets in the messages of ``exc`` and the exceptions behind it.

    The typed error is raised ``from`` the ``requests`` exception, so a
    logged traceback prints that chain too; its messages hold the full URL.
    """
    secrets = tuple(secrets)
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen or len(seen) > 20:
            continue
        seen.add(id(current))
        todo.extend(a for a in current.args if isinstance(a, BaseException))
        todo.extend((current.__cause__, current.__context__))
        try:
            text = str(current)
        except Exception:
            continue
        if redact(text, secrets) != text:
            current.args = (redact(text, secrets),)


def _unavailable(
    exc: requests.RequestException, method: str, url: str, provider: str, secrets: Secrets
) -> ProviderError:
    where = f"{method.upper()} {_safe_url(url, secrets)}"
    if isinstance(exc, requests.ConnectTimeout):
        return ProviderUnavailable(f"{where}: timed out connecting", provider=provider)
    if isinstance(exc, requests.Timeout):
        return ProviderUnavailable(f"{where}: timed out waiting for a reply", provider=provider)
    if isinstance(exc, requests.ConnectionError) and _nothing_sent(exc):
        return ProviderUnavailable(f"{where}: could not connect", provider=provider)
    if isinstance(exc, requests.ConnectionError):
        reason = _describe(exc)
        return ProviderUnavailable(f"{where}: connection failed ({reason})", provider=provider)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return ProviderUnavailable(f"{where}: reply cut short", provider=provider)
    return ProviderError(f"{where}: request failed ({_describe(exc)})", provider=provider)


def _default_timeout(session: requests.Session) -> Timeout:
    return session.timeout if isinstance(session, ProviderSession) else DEFAULT_TIMEOUT


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    provider: str,
    secrets: Secrets = (),
    parse_error: ErrorParser | None = None,
    error_class: ErrorClassifier | None = None,
    **kwargs: Any,
) -> requests.Response:
    """Make one call to a provider and return the successful response.

    Works with any :class:`requests.Session` (retries happen only if its
    adapter does them, as one from :func:`build_session` does). A missing or
    ``None`` timeout becomes the session's own default (for a session from
    :func:`build_session`) or :data:`DEFAULT_TIMEOUT`. Failures raise:

    * :class:`~lgds_components.errors.ProviderUnavailable` for timeouts and
      connection failures, chained (``from``) the ``requests`` exception;
    * :class:`~lgds_components.errors.ProviderError` for other ``requests``
      failures (too many redirects, a bad URL);
    * whatever :func:`raise_for_status` raises for an error status (given
      ``parse_error`` and ``error_class``).

    Secrets given here or held by the session are masked in every message,
    including those of the chained exceptions. ``kwargs`` go to
    ``requests.Session.request``.
    """
    if kwargs.get("timeout") is None:
        kwargs["timeout"] = _default_timeout(session)
    known = _all_secrets(session, secrets)
    try:
        response = session.request(method, url, **kwargs)
    except requests.RequestException as exc:
        error = _unavailable(exc, method, url, provider, known)
        _scrub_chain(exc, known)
        raise error from exc
    raise_for_status(response, provider=provider, secrets=known, parse_error=parse_error,
                     error_class=error_class)
    return response
