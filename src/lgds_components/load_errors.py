"""What a bulk load does with bad rows: the one policy every load in the library follows.

The gazetteer loads (:meth:`lgds_components.address.Gazetteer.load`,
:meth:`lgds_components.address.postgres.PostgresGazetteer.load`) and the bin
collection load (:meth:`lgds_components.bins.store.BinStore.load`) read
thousands to millions of rows. Each takes ``on_error``:

- ``"fail"`` (the default): the first bad row raises its
  :class:`~lgds_components.errors.ValidationError`, whose ``line`` and
  ``field`` say where; nothing already stored changes.
- ``"skip"``: bad rows are left out and counted; the errors of the first
  :data:`MAX_REPORTED_ERRORS` are kept, in line order, for the load's report.

Anything else for ``on_error`` is a
:class:`~lgds_components.errors.ValidationError` with ``field="on_error"``.

>>> from lgds_components.errors import InvalidFormat
>>> log = ErrorLog("skip")
>>> log.reject(InvalidFormat("Enter a postcode", field="postcode", line=7))
>>> log.count, [str(error) for error in log.errors], log.ok
(1, ['line 7, postcode: Enter a postcode'], False)
>>> ErrorLog("fail").reject(InvalidFormat("Enter a postcode", field="postcode", line=7))
Traceback (most recent call last):
...
lgds_components.errors.InvalidFormat: line 7, postcode: Enter a postcode
"""

from __future__ import annotations

from typing import Final, Literal, TypeAlias

from lgds_components.errors import ValidationError

__all__ = ["MAX_REPORTED_ERRORS", "ON_ERROR", "ErrorLog", "OnError", "check_on_error"]

OnError: TypeAlias = Literal["fail", "skip"]
"""What a bad row does to a load: raise (``"fail"``) or be left out (``"skip"``)."""

#: The values ``on_error`` may take.
ON_ERROR: Final = ("fail", "skip")

#: Errors a load keeps for its report; past this only the count grows.
MAX_REPORTED_ERRORS: Final = 1000


def check_on_error(value: object) -> OnError:
    """Return ``value`` if it is ``"fail"`` or ``"skip"``.

    Raises:
        ValidationError: anything else (``field="on_error"``).
    """
    if value == "fail" or value == "skip":
        return value
    raise ValidationError(f"on_error must be 'fail' or 'skip', not {value!r}", field="on_error")


class ErrorLog:
    """The bad rows of one load under one ``on_error`` policy.

    Args:
        on_error: ``"fail"`` or ``"skip"`` (checked).
    """

    __slots__ = ("_kept", "count", "on_error")

    def __init__(self, on_error: object = "fail") -> None:
        self.on_error: OnError = check_on_error(on_error)
        #: Rows refused so far, past :data:`MAX_REPORTED_ERRORS` too.
        self.count: int = 0
        self._kept: list[ValidationError] = []

    def reject(self, error: ValidationError) -> None:
        """Refuse a bad row: raise ``error`` (``"fail"``), or count it and keep it (``"skip"``)."""
        if self.on_error == "fail":
            raise error
        self.count += 1
        if len(self._kept) < MAX_REPORTED_ERRORS:
            self._kept.append(error)

    @property
    def errors(self) -> tuple[ValidationError, ...]:
        """The first :data:`MAX_REPORTED_ERRORS` refused rows' errors, in the order refused."""
        return tuple(self._kept)

    def by_line(self) -> tuple[ValidationError, ...]:
        """:attr:`errors` in file order (files as first met), then line order."""
        files: dict[str | None, int] = {}
        for error in self._kept:
            files.setdefault(error.source, len(files))
        return tuple(sorted(self._kept, key=lambda error: (files[error.source], error.line or 0)))

    @property
    def ok(self) -> bool:
        """No row was refused."""
        return self.count == 0
