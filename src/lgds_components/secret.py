"""Keep API keys and passwords out of logs, ``repr()`` and error messages.

A :class:`Secret` wraps a credential so that printing it, logging it or
putting it in an f-string shows a mask, never the value. Only
:meth:`Secret.reveal` gives the real value back, at the one place that needs it
(building an ``Authorization`` header):

>>> from lgds_components.secret import Secret, redact
>>> key = Secret("live-abc123")
>>> key
Secret('********')
>>> f"key={key}"
'key=********'
>>> key.reveal()
'live-abc123'

:func:`redact` removes secrets from any text, in their plain and URL-encoded
forms, before it is logged or put in an exception:

>>> redact("GET /search?key=live%2Fabc&q=1 failed", [Secret("live/abc")])
'GET /search?key=********&q=1 failed'

Redacting third-party logs
--------------------------

``lgds_components.http`` never logs a secret, but ``urllib3`` (under
``requests``) logs every request line at ``DEBUG``, query string included. If a
provider puts a key in the URL and you turn on ``DEBUG`` logging, attach a
:class:`RedactingFilter`. A filter on a logger only sees records made by that
very logger (not its children, and not records passed up from them), so attach
it to the logger that writes the message, or to your handlers::

    import logging
    from lgds_components.secret import RedactingFilter

    redactor = RedactingFilter([api_key])
    logging.getLogger("urllib3.connectionpool").addFilter(redactor)
    # or, to cover every logger a handler serves:
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)

Limits: a secret that contains ``*`` may not be fully hidden, since the mask is
made of ``*``; and a secret encoded some other way (base64 in a ``Basic``
``Authorization`` header, say) is not recognised. Never log headers.
"""

from __future__ import annotations

import hmac
import logging
import unicodedata
from collections.abc import Iterable
from typing import Final, final
from urllib.parse import quote, quote_plus

from lgds_components.errors import ConfigurationError, MissingValue

__all__ = ["MASK", "RedactingFilter", "Secret", "as_secret", "redact", "secrets_of"]

MASK: Final = "********"
"""What every secret is replaced with."""


@final
class Secret:
    """A credential that will not show itself by accident.

    ``repr()``, ``str()`` and ``format()`` all give the mask. Two secrets are
    equal when their values are (compared in constant time), and a secret can
    be a dict key or a set member.

    Whitespace (and a byte order mark) around the value is removed, since a
    key read from a file or an environment file often ends in a newline. An
    empty value is refused with :class:`~lgds_components.errors.MissingValue`,
    and a control character anywhere in it (a newline in the middle, a NUL)
    with :class:`~lgds_components.errors.ConfigurationError`, whose message
    names the character but never shows the value:

    >>> Secret("s3cret\\n") == Secret("s3cret"), Secret("s3cret") == "s3cret"
    (True, False)
    >>> Secret("")
    Traceback (most recent call last):
    ...
    lgds_components.errors.MissingValue: a secret must not be empty
    >>> Secret("api_test_\\r\\n123")
    Traceback (most recent call last):
    ...
    lgds_components.errors.ConfigurationError: a secret must not contain control ... (it has U+000D)
    """

    __slots__ = ("_value",)

    _value: str

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"a secret must be a str, not {type(value).__name__}")
        value = value.strip().lstrip("\ufeff").strip()
        if not value:
            raise MissingValue("a secret must not be empty")
        control = next((c for c in value if unicodedata.category(c) == "Cc"), None)
        if control is not None:
            raise ConfigurationError(
                f"a secret must not contain control characters (it has U+{ord(control):04X})"
            )
        object.__setattr__(self, "_value", value)

    def reveal(self) -> str:
        """Return the real value. Call this only where the value is sent."""
        return self._value

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Secret is immutable")

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, format_spec: str) -> str:
        return format(MASK, format_spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> tuple[type[Secret], tuple[str]]:
        return (Secret, (self._value,))


def secrets_of(value: Secret | str | Iterable[Secret | str] | None) -> tuple[Secret, ...]:
    """One secret or several (or ``None``: none), each as a :class:`Secret`.

    >>> secrets_of("whsec_old"), secrets_of(None)
    ((Secret('********'),), ())
    >>> len(secrets_of(["whsec_new", Secret("whsec_old")]))
    2
    """
    if value is None:
        return ()
    if isinstance(value, (Secret, str)):
        value = [value]
    return tuple(v if isinstance(v, Secret) else Secret(v) for v in value)


def as_secret(value: Secret | str, *, name: str) -> Secret:
    """``value`` as a :class:`Secret`, for a setting such as an API key.

    A missing value, or one that is not text, is a
    :class:`~lgds_components.errors.ConfigurationError` naming the setting
    (never showing the value).

    >>> as_secret(" api_test_123\\n", name="api_key").reveal()
    'api_test_123'
    >>> as_secret("  ", name="api_key")
    Traceback (most recent call last):
    ...
    lgds_components.errors.ConfigurationError: api_key is missing
    """
    if isinstance(value, Secret):
        return value
    if not isinstance(value, str):
        raise ConfigurationError(f"{name} must be a string or a Secret")
    try:
        return Secret(value)
    except MissingValue:
        raise ConfigurationError(f"{name} is missing") from None


def _plain(secret: Secret | str) -> str:
    return secret.reveal() if isinstance(secret, Secret) else str(secret)


def _forms(value: str) -> set[str]:
    """The value as written, and as it appears in a URL path, query or form."""
    return {value, quote(value, safe=""), quote(value), quote_plus(value)}


def redact(text: str, secrets: Iterable[Secret | str]) -> str:
    """Return ``text`` with every secret, plain or URL-encoded, replaced by the mask.

    ``secrets`` may hold :class:`Secret` objects or plain strings; empty strings
    are skipped. Longer values are replaced first, so a secret that contains
    another is hidden whole.

    >>> redact("token=a b, again a+b and a%20b", ["a b"])
    'token=********, again ******** and ********'
    >>> redact("nothing to hide", [])
    'nothing to hide'
    """
    forms: set[str] = set()
    for secret in secrets:
        value = _plain(secret)
        if value:
            forms |= _forms(value)
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, MASK)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that removes secrets from each record it sees.

    It renders the message with its arguments, redacts it, and stores the
    result as the message (with no arguments left), so handlers further on
    print the redacted text. A traceback attached to the record is rendered
    and redacted too. It never drops a record.

    >>> import logging
    >>> record = logging.LogRecord("urllib3.connectionpool", logging.DEBUG, __file__, 1,
    ...                            '"GET /find?key=%s HTTP/1.1" 200', ("k-123",), None)
    >>> RedactingFilter([Secret("k-123")]).filter(record)
    True
    >>> record.getMessage()
    '"GET /find?key=******** HTTP/1.1" 200'
    """

    def __init__(self, secrets: Iterable[Secret | str], name: str = "") -> None:
        super().__init__(name)
        self._secrets: tuple[str, ...] = tuple(v for v in map(_plain, secrets) if v)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it for the handler to report
            return True
        record.msg = redact(message, self._secrets)
        record.args = None
        self._redact_traceback(record)
        return True

    def _redact_traceback(self, record: logging.LogRecord) -> None:
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self._secrets)

    def __repr__(self) -> str:
        return f"<RedactingFilter secrets={len(self._secrets)}>"
