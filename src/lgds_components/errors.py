"""The one exception tree every component raises from.

Everything the library raises on purpose is an :class:`LGDSError`. Bad input
is a :class:`ValidationError`, which is also a :class:`ValueError` so that
code written against the standard library keeps working. A provider (an API,
a database, a gazetteer file) failing is a :class:`ProviderError`.

::

    LGDSError
    ├── ValidationError (also ValueError)
    │   ├── MissingValue
    │   ├── InvalidFormat
    │   ├── InvalidLength
    │   ├── InvalidChecksum
    │   └── InvalidComponent
    ├── ConfigurationError
    │   └── UnknownProvider (also LookupError)
    └── ProviderError
        ├── ProviderUnavailable   (retryable)
        ├── AuthenticationError
        ├── NotFound              (also LookupError)
        └── Conflict

Every validation error carries a GOV.UK-style ``message`` that can be shown to
a resident as it is, a stable machine-readable ``code``, and where known the
``field`` and CSV ``line`` it came from (and the ``source`` file, when a load
reads several):

>>> from lgds_components.errors import InvalidFormat
>>> err = InvalidFormat("Enter a full UK postcode", field="postcode", line=12)
>>> err.message, err.code
('Enter a full UK postcode', 'invalid_format')
>>> str(err)
'line 12, postcode: Enter a full UK postcode'
>>> isinstance(err, ValueError)
True
>>> str(err.located(source="tile-2.csv"))
'tile-2.csv line 12, postcode: Enter a full UK postcode'
"""

from __future__ import annotations

__all__ = [
    "AuthenticationError",
    "ConfigurationError",
    "Conflict",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "LGDSError",
    "MissingValue",
    "NotFound",
    "ProviderError",
    "ProviderUnavailable",
    "UnknownProvider",
    "ValidationError",
]


class LGDSError(Exception):
    """Root of every exception the library raises on purpose."""


class ValidationError(LGDSError, ValueError):
    """Input that breaks a rule.

    Args:
        message: GOV.UK-style text fit to show the person who typed the value.
        code: stable identifier for programs; defaults to the class's code.
        field: the field, column or parameter the value came from, if known.
        line: the line number in a file (a CSV row), if known.
        source: the file the line is in, where that is not plain (a load of
            several files).
    """

    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        line: int | None = None,
        source: str | None = None,
    ) -> None:
        self.message = message
        self.code: str = code or self.default_code
        self.field = field
        self.line = line
        self.source = source
        super().__init__(message)

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.source:
            where[:1] = [" ".join((self.source, *where[:1]))]
        if self.field:
            where.append(self.field)
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"

    def located(
        self, *, field: str | None = None, line: int | None = None, source: str | None = None
    ) -> ValidationError:
        """Return a copy of this error that also says where the value came from."""
        clone = type(self)(
            self.message,
            code=self.code,
            field=field if field is not None else self.field,
            line=line if line is not None else self.line,
            source=source if source is not None else self.source,
        )
        clone.__cause__ = self.__cause__
        return clone


class MissingValue(ValidationError):
    """Nothing was given where a value is required (an empty or blank string)."""

    default_code = "missing"


class InvalidFormat(ValidationError):
    """The value is not in a recognised shape (wrong characters or pattern)."""

    default_code = "invalid_format"


class InvalidLength(ValidationError):
    """The value is too short or too long."""

    default_code = "invalid_length"


class InvalidChecksum(ValidationError):
    """The value has the right shape but its check digit or checksum is wrong."""

    default_code = "invalid_checksum"


class InvalidComponent(ValidationError):
    """One part of the value is not allowed (a reserved prefix, an out-of-range number)."""

    default_code = "invalid_component"


class ConfigurationError(LGDSError):
    """The library was set up wrongly: a bad setting, a missing optional dependency."""


class UnknownProvider(ConfigurationError, LookupError):
    """No provider is registered under the requested name.

    The message names the providers that are installed.
    """

    def __init__(self, group: str, name: str, available: list[str]) -> None:
        self.group = group
        self.name = name
        self.available: list[str] = sorted(available)
        listed = ", ".join(self.available) if self.available else "none"
        super().__init__(
            f"no provider named {name!r} in {group!r}; installed providers: {listed}"
        )


class ProviderError(LGDSError):
    """A provider (a remote API, a database, a gazetteer file) failed or refused.

    Args:
        message: what went wrong, with any secret already removed.
        provider: the provider's registry name, such as ``"govuk-pay"``.
        status: the HTTP status code, when the provider speaks HTTP.
        provider_code: the provider's own error code, such as ``"P0900"``.
    """

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status: int | None = None,
        provider_code: str | None = None,
    ) -> None:
        self.message = message
        self.provider = provider
        self.status = status
        self.provider_code = provider_code
        super().__init__(message)

    def __str__(self) -> str:
        details = [
            part
            for part in (
                self.provider,
                f"HTTP {self.status}" if self.status is not None else None,
                self.provider_code,
            )
            if part
        ]
        return f"{self.message} ({', '.join(details)})" if details else self.message


class ProviderUnavailable(ProviderError):
    """The provider could not answer now; trying again later may work.

    Raised for timeouts, connection failures, HTTP 5xx and HTTP 429.
    ``retry_after`` holds the seconds the provider asked callers to wait, if any.
    """

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status: int | None = None,
        provider_code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, provider=provider, status=status, provider_code=provider_code)
        self.retry_after = retry_after


class AuthenticationError(ProviderError):
    """The provider refused the credentials (HTTP 401 or 403)."""


class NotFound(ProviderError, LookupError):
    """The provider has no such record (an unknown UPRN, payment id, ...)."""


class Conflict(ProviderError):
    """The request clashes with the provider's current state (HTTP 409)."""
