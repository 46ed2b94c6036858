"""Money as integer pence: parse what people type, show it back, refuse floats.

Every amount in :mod:`lgds_components.payments` is an :class:`int` of pence.
:func:`to_pence` reads an amount typed in pounds (``"£45.00"``, ``"45"``,
``"1,234.5"``) with :class:`decimal.Decimal`, never through a float, and takes
an :class:`int` as pence already. The parsing rules are those of
:mod:`lgds_components.identifiers.money`, which this module reuses:

>>> to_pence("£45.00"), to_pence("45"), to_pence(4500)
(4500, 4500, 4500)
>>> format_pence(123450)
'£1,234.50'

A :class:`float` is refused, whatever its value, and so is a
:class:`~decimal.Decimal` with more than two decimal places:

>>> to_pence(45.0)
Traceback (most recent call last):
...
lgds_components.errors.InvalidFormat: amount: Give an amount as text or as whole pence ...
>>> from decimal import Decimal
>>> to_pence(Decimal("45.5"))
4550

:data:`Pence` is the same rule as a pydantic type, used by
:class:`~lgds_components.payments.models.PaymentRequest`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation, localcontext
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from lgds_components.errors import InvalidFormat, ValidationError
from lgds_components.identifiers import money as _money

__all__ = ["Pence", "format_pence", "to_pence"]

_MAX_POUND_DIGITS = 14  # up to 999 trillion pounds, as the text parser allows
_PRECISION = 60


def _from_decimal(value: Decimal) -> int:
    if not value.is_finite() or value.adjusted() > _MAX_POUND_DIGITS:
        raise InvalidFormat(_money.FORMAT_MESSAGE)
    with localcontext(prec=_PRECISION):
        try:
            pence = value.scaleb(2)
            whole = pence.to_integral_value()
        except InvalidOperation as exc:  # pragma: no cover - the bound above prevents it
            raise InvalidFormat(_money.FORMAT_MESSAGE) from exc
    if pence != whole:
        raise InvalidFormat(_money.DECIMALS_MESSAGE, code="too_many_decimals")
    return int(whole)


def to_pence(
    value: str | int | Decimal,
    *,
    field: str = "amount",
    min: int | None = None,
    max: int | None = None,
) -> int:
    """Return ``value`` as whole pence, or raise a :class:`~lgds_components.errors.ValidationError`.

    Args:
        value: text in pounds (``"£45.00"``), an :class:`int` of pence, or a
            :class:`~decimal.Decimal` of pounds with at most 2 decimal places.
        field: named in the error, so a form can show it beside the right input.
        min: the smallest amount accepted, in pence.
        max: the largest amount accepted, in pence.

    Negative amounts are refused.

    >>> to_pence(" £0.99 ")
    99
    >>> to_pence("12.345", field="refund")
    Traceback (most recent call last):
    ...
    lgds_components.errors.InvalidFormat: refund: Amount must not have more than 2 decimal places
    """
    try:
        if isinstance(value, Decimal):
            return _money.validate(_from_decimal(value), min=min, max=max)
        return _money.validate(value, min=min, max=max)
    except ValidationError as exc:
        raise exc.located(field=field) from None


def format_pence(pence: int) -> str:
    """Show pence as pounds: ``"£45.00"``, ``"-£5.00"`` for a negative amount.

    >>> format_pence(4500), format_pence(5), format_pence(-500)
    ('£45.00', '£0.05', '-£5.00')
    """
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise InvalidFormat(_money.FLOAT_MESSAGE if isinstance(pence, float)
                            else _money.FORMAT_MESSAGE, code="invalid_format")
    return _money.format(pence, allow_negative=True)


def _validate_pence(value: Any) -> int:
    try:
        return to_pence(value)
    except ValidationError as exc:
        template = exc.message.replace("{", "{{").replace("}", "}}")
        raise PydanticCustomError(exc.code, template) from None


Pence = Annotated[
    int,
    PlainValidator(_validate_pence),
    PlainSerializer(int, return_type=int),
    WithJsonSchema({"type": "integer", "minimum": 0, "description": "Amount in pence"}),
]
"""An amount in pence for pydantic models: an int, or pounds as text (``"£45.00"``); no floats."""
