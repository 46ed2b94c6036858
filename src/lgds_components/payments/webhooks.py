"""Webhook signatures: GOV.UK Pay's ``Pay-Signature`` and Stripe's ``Stripe-Signature``.

Both are an HMAC-SHA256 of the raw request body (Stripe's with a timestamp in
front), keyed with the webhook's signing secret and compared in constant time
(:func:`hmac.compare_digest`). Verify the body exactly as it arrived, before
any JSON parsing: re-serialised JSON will not match.

Several secrets may be given, so a webhook keeps working while its secret is
being rotated: a message signed with any of them is accepted.

>>> body = b'{"webhook_message_id": "abc"}'
>>> signature = pay_signature(body, "whsec-example")
>>> verify_pay_signature(body, {"pay-signature": signature}, ["old-secret", "whsec-example"])
>>> verify_pay_signature(body + b" ", {"Pay-Signature": signature}, "whsec-example")
Traceback (most recent call last):
...
lgds_components.payments.webhooks.InvalidSignature: Pay-Signature: The webhook signature ...

Stripe signs ``"{t}.{body}"`` and sends ``t=<unix time>,v1=<hex>[,v1=<hex>...]``;
a message older than ``tolerance`` seconds is refused, so a captured message
cannot be replayed later:

>>> header = stripe_signature_header(body, "whsec_test", timestamp=1_700_000_000)
>>> verify_stripe_signature(body, {"Stripe-Signature": header}, "whsec_test", now=1_700_000_060)
1700000000
>>> verify_stripe_signature(body, {"Stripe-Signature": header}, "whsec_test", now=1_700_000_301)
Traceback (most recent call last):
...
lgds_components.payments.webhooks.InvalidSignature: Stripe-Signature: The webhook timestamp ...

Only the age is checked, as Stripe's own libraries check it (``stripe-python``'s
``WebhookSignature.verify_header`` refuses ``t < now - tolerance`` and nothing
else): a timestamp ahead of this server's clock is accepted. The timestamp is
signed, so only Stripe can set it, and a message stamped ahead of our clock is
one whose clock is ahead of ours, not a replay; refusing it would drop every
genuine event while this server's clock runs slow.

>>> verify_stripe_signature(body, {"Stripe-Signature": header}, "whsec_test", now=1_699_999_000)
1700000000

Headers may be given as any mapping (looked up without regard to case, so a
Flask ``request.headers`` works as it is), as ``(name, value)`` pairs, or as a
WSGI environ / Django ``request.META`` (``HTTP_PAY_SIGNATURE``).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from lgds_components.errors import ValidationError
from lgds_components.secret import Secret

__all__ = [
    "DEFAULT_TOLERANCE",
    "PAY_SIGNATURE_HEADER",
    "STRIPE_SIGNATURE_HEADER",
    "Headers",
    "InvalidSignature",
    "StripeSignature",
    "get_header",
    "parse_stripe_signature",
    "pay_signature",
    "stripe_signature",
    "stripe_signature_header",
    "verify_pay_signature",
    "verify_stripe_signature",
]

PAY_SIGNATURE_HEADER: Final = "Pay-Signature"
STRIPE_SIGNATURE_HEADER: Final = "Stripe-Signature"
DEFAULT_TOLERANCE: Final = 300
"""Seconds a Stripe signature's timestamp may be older than now (Stripe's own default)."""

_MAX_HEADER = 8_192
_MAX_SIGNATURES = 32

Headers = Mapping[str, Any] | Iterable[tuple[str, Any]]
"""Request headers: a mapping (any case), ``(name, value)`` pairs, or a WSGI environ."""

SecretLike = Secret | str
Secrets = SecretLike | Iterable[SecretLike]


class InvalidSignature(ValidationError):
    """A webhook message whose signature is missing, malformed or wrong: do not act on it.

    ``code`` says which: ``missing_signature``, ``malformed_signature``,
    ``signature_mismatch`` or ``timestamp_out_of_tolerance``.
    """

    default_code = "invalid_signature"


def get_header(headers: Headers, name: str) -> str | None:
    """Return the value of header ``name`` from ``headers``, ignoring case; ``None`` if absent.

    >>> get_header({"content-type": "a"}, "Content-Type")
    'a'
    >>> get_header([("Pay-Signature", "x")], "pay-signature")
    'x'
    >>> get_header({"HTTP_PAY_SIGNATURE": "y"}, "Pay-Signature")
    'y'
    """
    wanted = name.lower()
    environ = "http_" + wanted.replace("-", "_")
    items: Iterable[tuple[Any, Any]]
    if isinstance(headers, Mapping):
        direct = headers.get(name)
        if isinstance(direct, (str, bytes)):
            return _text(direct)
        items = headers.items()
    else:
        items = headers
    for key, value in items:
        if not isinstance(key, str):
            continue
        lowered = key.lower()
        if (lowered == wanted or lowered == environ) and isinstance(value, (str, bytes)):
            return _text(value)
    return None


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _secrets(secrets: Secrets) -> list[bytes]:
    if isinstance(secrets, (Secret, str)):
        secrets = [secrets]
    keys = []
    for secret in secrets:
        if isinstance(secret, str) and secret.strip():
            secret = Secret(secret)  # whitespace around it removed, control characters refused
        if isinstance(secret, Secret):
            keys.append(secret.reveal().encode("utf-8"))
    if not keys:
        raise ValueError("no webhook signing secret given")
    return keys


def _body(body: bytes | str) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise TypeError(f"a webhook body must be bytes, not {type(body).__name__}")


def _hex(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _matches(expected: str, given: str) -> bool:
    if not given.isascii():
        return False
    return hmac.compare_digest(expected.encode("ascii"), given.lower().encode("ascii"))


def _fail(header: str, message: str, code: str) -> InvalidSignature:
    return InvalidSignature(message, code=code, field=header)


def pay_signature(body: bytes | str, secret: SecretLike) -> str:
    """GOV.UK Pay's ``Pay-Signature`` for ``body``: lower-case hex HMAC-SHA256.

    >>> pay_signature(b"{}", "secret")[:16]
    '77325902caca812d'
    """
    return _hex(_secrets(secret)[0], _body(body))


def verify_pay_signature(body: bytes | str, headers: Headers, secrets: Secrets) -> None:
    """Check a GOV.UK Pay webhook's ``Pay-Signature``; raise :class:`InvalidSignature` if wrong."""
    given = get_header(headers, PAY_SIGNATURE_HEADER)
    if given is None or not given.strip():
        raise _fail(PAY_SIGNATURE_HEADER, "The webhook has no signature", "missing_signature")
    given = given.strip()
    if len(given) > _MAX_HEADER:
        raise _fail(PAY_SIGNATURE_HEADER, "The webhook signature is malformed",
                    "malformed_signature")
    raw = _body(body)
    if not any(_matches(_hex(key, raw), given) for key in _secrets(secrets)):
        raise _fail(PAY_SIGNATURE_HEADER, "The webhook signature does not match its body",
                    "signature_mismatch")


@attrs.frozen(slots=True)
class StripeSignature:
    """A parsed ``Stripe-Signature`` header: its timestamp and its ``v1`` signatures."""

    timestamp: int
    signatures: tuple[str, ...]


def parse_stripe_signature(value: str | None) -> StripeSignature:
    """Parse a ``Stripe-Signature`` header; raise :class:`InvalidSignature` if unusable.

    Elements other than ``t`` and ``v1`` (such as ``v0``) are ignored, as are
    elements without ``=``; there must be one integer ``t`` and at least one
    ``v1``.

    >>> parse_stripe_signature("t=1492774577,v1=5257a8,v0=6ffbb5,v1=abc")
    StripeSignature(timestamp=1492774577, signatures=('5257a8', 'abc'))
    >>> parse_stripe_signature("v1=5257a8")
    Traceback (most recent call last):
    ...
    lgds_components.payments.webhooks.InvalidSignature: Stripe-Signature: ... has no timestamp
    """
    if value is None or not isinstance(value, str) or not value.strip():
        raise _fail(STRIPE_SIGNATURE_HEADER, "The webhook has no signature", "missing_signature")
    if len(value) > _MAX_HEADER:
        raise _fail(STRIPE_SIGNATURE_HEADER, "The webhook signature is malformed",
                    "malformed_signature")
    timestamps: list[str] = []
    signatures: list[str] = []
    for item in value.split(","):
        name, sep, content = item.strip().partition("=")
        if not sep:
            continue
        if name == "t":
            timestamps.append(content.strip())
        elif name == "v1" and content.strip():
            signatures.append(content.strip())
    if len(timestamps) != 1 or not (timestamps[0].isascii() and timestamps[0].isdigit()):
        raise _fail(STRIPE_SIGNATURE_HEADER, "The webhook signature has no timestamp",
                    "malformed_signature")
    if not signatures:
        raise _fail(STRIPE_SIGNATURE_HEADER, "The webhook signature has no v1 signature",
                    "malformed_signature")
    if len(signatures) > _MAX_SIGNATURES or len(timestamps[0]) > 12:
        raise _fail(STRIPE_SIGNATURE_HEADER, "The webhook signature is malformed",
                    "malformed_signature")
    return StripeSignature(int(timestamps[0]), tuple(signatures))


def stripe_signature(body: bytes | str, secret: SecretLike, timestamp: int) -> str:
    """The ``v1`` signature Stripe sends for ``body`` at ``timestamp``."""
    return _hex(_secrets(secret)[0], str(int(timestamp)).encode() + b"." + _body(body))


def stripe_signature_header(
    body: bytes | str, secret: Secrets, timestamp: int | None = None
) -> str:
    """A ``Stripe-Signature`` header value, with one ``v1`` per secret (for tests and fakes)."""
    when = int(time.time()) if timestamp is None else int(timestamp)
    keys = _secrets(secret)
    message = str(when).encode() + b"." + _body(body)
    return ",".join([f"t={when}", *(f"v1={_hex(key, message)}" for key in keys)])


def verify_stripe_signature(
    body: bytes | str,
    headers: Headers,
    secrets: Secrets,
    *,
    tolerance: float | None = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> int:
    """Check a Stripe webhook's ``Stripe-Signature``; return its timestamp.

    Accepted when any ``v1`` signature matches under any of ``secrets`` and the
    timestamp is no more than ``tolerance`` seconds before ``now`` (``None``
    turns the time check off; a timestamp after ``now`` passes, as with
    Stripe's libraries). Raises :class:`InvalidSignature` otherwise.
    """
    parsed = parse_stripe_signature(get_header(headers, STRIPE_SIGNATURE_HEADER))
    raw = _body(body)
    message = str(parsed.timestamp).encode() + b"." + raw
    expected = [_hex(key, message) for key in _secrets(secrets)]
    if not any(_matches(e, given) for e in expected for given in parsed.signatures):
        raise _fail(STRIPE_SIGNATURE_HEADER, "The webhook signature does not match its body",
                    "signature_mismatch")
    if tolerance is not None:
        current = time.time() if now is None else now
        if current - parsed.timestamp > tolerance:
            raise _fail(
                STRIPE_SIGNATURE_HEADER,
                f"The webhook timestamp is outside the {tolerance:g} second tolerance",
                "timestamp_out_of_tolerance",
            )
    return parsed.timestamp
