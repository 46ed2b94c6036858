"""UK identifiers: postcode, UPRN, USRN, National Insurance number, phone, email,
bank details, vehicle registration, company number and money.

Each identifier is a module with the same four functions (the verb set, as in
python-stdnum):

``compact(value) -> str``
    Strip what people type around the value: surrounding spaces, and for
    postcodes and National Insurance numbers inner spaces and punctuation too,
    with letters upper-cased. Does not check the value and never raises,
    except :class:`~lgds_components.errors.InvalidFormat` for a value of the
    wrong type (not a ``str``). Text over 1,000 characters, which can never be
    valid, is returned unchanged.
``validate(value, ...) -> canonical``
    Return the canonical value (``"SW1A 1AA"``, ``100023336956``,
    ``"AB123456C"``) or raise a :class:`~lgds_components.errors.ValidationError`
    subclass whose ``message`` can be shown to the person who typed the value:
    :class:`~lgds_components.errors.MissingValue` (nothing typed),
    :class:`~lgds_components.errors.InvalidLength`,
    :class:`~lgds_components.errors.InvalidFormat` (wrong shape or characters)
    or :class:`~lgds_components.errors.InvalidComponent` (right shape, but a
    part that is never issued, or a kind of code the caller did not ask to
    accept). Nothing else is raised, for any input.
``is_valid(value, ...) -> bool``
    Whether ``validate`` would succeed; never raises, whatever it is given.
``format(value, ...) -> str``
    The display form (``"SW1A 1AA"``, ``"100023336956"``, ``"AB 12 34 56 C"``);
    validates first.

>>> from lgds_components.identifiers import nino, postcode, uprn, usrn
>>> postcode.validate(" sw1a-1aa ")
'SW1A 1AA'
>>> postcode.is_valid("QA1 1AA")
False
>>> nino.format("ab123456c")
'AB 12 34 56 C'
>>> uprn.validate(" 000100023336956 "), usrn.format(12345)
(100023336956, '12345')

Every validator checks the length first (more than 1,000 characters is
refused unread; after trimming, only a few dozen are allowed), so it answers
in microseconds whatever it is given. Fullwidth
forms of ASCII letters and digits (``\uff33\uff37\uff11\uff21``) are read as ASCII; every
other non-ASCII letter or digit, including look-alikes such as Cyrillic ``\u0410``,
is refused.

The pydantic annotated types :data:`~lgds_components.identifiers.types.Postcode`,
:data:`~lgds_components.identifiers.types.UPRN`,
:data:`~lgds_components.identifiers.types.USRN` and
:data:`~lgds_components.identifiers.types.NINumber` are importable from here;
pydantic is imported only when one of them is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from lgds_components.identifiers import (
    account_number,
    company_number,
    money,
    nino,
    postcode,
    sort_code,
    uprn,
    usrn,
    vrm,
)

if TYPE_CHECKING:  # what type checkers see of the names loaded on first use
    from lgds_components.identifiers import email, modulus, phone
    from lgds_components.identifiers.types import (
        UPRN,
        USRN,
        AccountNumber,
        CompanyNumber,
        EmailAddress,
        MobileNumber,
        MoneyPence,
        NINumber,
        PhoneNumber,
        Postcode,
        SortCode,
        VehicleRegistration,
        money_type,
        phone_type,
        postcode_type,
    )

_LAZY_MODULES = frozenset({"email", "modulus", "phone"})
_LAZY_TYPES = frozenset(
    {
        "UPRN",
        "USRN",
        "AccountNumber",
        "CompanyNumber",
        "EmailAddress",
        "MobileNumber",
        "MoneyPence",
        "NINumber",
        "PhoneNumber",
        "Postcode",
        "SortCode",
        "VehicleRegistration",
        "money_type",
        "phone_type",
        "postcode_type",
    }
)

__all__ = [
    "UPRN",
    "USRN",
    "AccountNumber",
    "CompanyNumber",
    "EmailAddress",
    "MobileNumber",
    "MoneyPence",
    "NINumber",
    "PhoneNumber",
    "Postcode",
    "SortCode",
    "VehicleRegistration",
    "account_number",
    "company_number",
    "email",
    "modulus",
    "money",
    "money_type",
    "nino",
    "phone",
    "phone_type",
    "postcode",
    "postcode_type",
    "sort_code",
    "uprn",
    "usrn",
    "vrm",
]


def __getattr__(name: str) -> Any:
    # phone and email import phonenumbers and email-validator (slow to import),
    # and the pydantic types import pydantic: all are loaded on first use, so
    # ``import lgds_components.identifiers.postcode`` stays light.
    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_TYPES:
        from lgds_components.identifiers import types

        return getattr(types, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY_MODULES | _LAZY_TYPES)
