"""The UK formats a form may name, and a ``jsonschema`` format checker for them.

=====================  ===================================================  ==================
format                 checked by                                           typed value
=====================  ===================================================  ==================
``uk-postcode``        :mod:`lgds_components.identifiers.postcode`          ``"SW1A 1AA"``
``uk-nino``            :mod:`lgds_components.identifiers.nino`              ``"QQ123456C"``
``uk-phone``           :mod:`lgds_components.identifiers.phone`             ``"+441632960001"``
``uk-mobile``          ``phone`` with ``kind="mobile"``                     ``"+447700900982"``
``email``              :mod:`lgds_components.identifiers.email`             ``"name@example.com"``
``uprn``               :mod:`lgds_components.identifiers.uprn`              ``100023336956``
``usrn``               :mod:`lgds_components.identifiers.usrn`              ``12345678``
``uk-sort-code``       :mod:`lgds_components.identifiers.sort_code`         ``"309430"``
``uk-bank-account``    :mod:`lgds_components.identifiers.account_number`    ``"00733445"``
``uk-vrm``             :mod:`lgds_components.identifiers.vrm`               ``"AB12CDE"``
``uk-company-number``  :mod:`lgds_components.identifiers.company_number`    ``"SC123456"``
``money-gbp``          :mod:`lgds_components.identifiers.money`             ``123450`` (pence)
``date``               :func:`lgds_components.forms.normalise.date_parts`   ``datetime.date``
=====================  ===================================================  ==================

Every other format ``jsonschema`` can check with what is installed
(``date-time``, ``ipv4``, ``uuid``, ...) may be named too; a format nobody can
check is refused when the form is loaded.

The checker from :func:`format_checker` is what a raw
:class:`jsonschema.Draft202012Validator` needs to check the same formats on
already-normalised data:

>>> checker = format_checker()
>>> checker.conforms("SW1A 1AA", "uk-postcode"), checker.conforms("QA1 1AA", "uk-postcode")
(True, False)
>>> checker.conforms("2026-02-30", "date")
False
>>> normalise("uk-postcode", " sw1a-1aa ")
'SW1A 1AA'
>>> normalise("uk-postcode", "SW1A")
Traceback (most recent call last):
...
lgds_components.forms.normalise.FieldProblem: Enter a full UK postcode
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType, ModuleType
from typing import Any

import attrs
from jsonschema import FormatChecker

from lgds_components.errors import ConfigurationError, MissingValue, ValidationError
from lgds_components.forms.normalise import FieldProblem

__all__ = [
    "FORMATS",
    "STANDARD_FORMATS",
    "FormatSpec",
    "format_checker",
    "known_formats",
    "normalise",
    "reader",
]


@attrs.frozen(slots=True)
class FormatSpec:
    """How one identifier format is read from what was typed.

    Attributes:
        name: the format name used in schemas, ``"uk-postcode"``.
        module: the identifier module whose ``validate`` reads it.
        key: the catalogue prefix of its messages (``"postcode"`` gives
            ``postcode.missing`` and ``postcode.format``).
        options: keyword arguments for ``validate`` and ``is_valid``.
        test_options: extra keyword arguments in test mode.
        codes: identifier error codes with a message of their own
            (``{"drama_number": "phone.drama"}``).
        length_key: the message for ``InvalidLength`` errors, if not ``format``.
        types: the JSON types the value may be held as.
    """

    name: str
    module: str
    key: str
    options: Mapping[str, Any] = attrs.field(factory=dict)
    test_options: Mapping[str, Any] = attrs.field(factory=dict)
    codes: Mapping[str, str] = attrs.field(factory=dict)
    length_key: str | None = None
    types: tuple[str, ...] = ("string",)

    def load(self) -> ModuleType:
        """Import the identifier module; ConfigurationError if it is missing."""
        try:
            return importlib.import_module(self.module)
        except ImportError as exc:
            raise ConfigurationError(
                f"format {self.name!r} needs {self.module}, which cannot be imported: {exc}"
            ) from exc

    def kwargs(self, test_mode: bool) -> dict[str, Any]:
        """The keyword arguments for the identifier's ``validate``."""
        return {**self.options, **(self.test_options if test_mode else {})}

    def message_key(self, error: ValidationError) -> str:
        """The catalogue key for an identifier's error."""
        if error.code in self.codes:
            return self.codes[error.code]
        if self.length_key and error.code == "invalid_length":
            return self.length_key
        return f"{self.key}.format"


_ID = "lgds_components.identifiers."

#: The identifier formats, by name.
FORMATS: Mapping[str, FormatSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            FormatSpec(
                "uk-postcode", _ID + "postcode", "postcode",
                codes={"bfpo_not_accepted": "postcode.bfpo",
                       "overseas_not_accepted": "postcode.overseas"},
            ),
            FormatSpec("uk-nino", _ID + "nino", "nino"),
            FormatSpec(
                "uk-phone", _ID + "phone", "phone", options={"kind": "any"},
                test_options={"allow_drama": True}, codes={"drama_number": "phone.drama"},
            ),
            FormatSpec(
                "uk-mobile", _ID + "phone", "mobile", options={"kind": "mobile"},
                test_options={"allow_drama": True}, codes={"drama_number": "mobile.drama"},
            ),
            FormatSpec("email", _ID + "email", "email"),
            FormatSpec("uprn", _ID + "uprn", "uprn", types=("integer", "string")),
            FormatSpec("usrn", _ID + "usrn", "usrn", types=("integer", "string")),
            FormatSpec("uk-sort-code", _ID + "sort_code", "sort_code"),
            FormatSpec(
                "uk-bank-account", _ID + "account_number", "account_number",
                length_key="account_number.length",
            ),
            FormatSpec("uk-vrm", _ID + "vrm", "vrm"),
            FormatSpec("uk-company-number", _ID + "company_number", "company_number"),
        )
    }
)

#: Formats read by this package itself rather than an identifier module.
STANDARD_FORMATS = frozenset({"date", "money-gbp"})


@cache
def reader(format_name: str, test_mode: bool = False) -> Callable[[str], object | None]:
    """The function that reads ``format_name`` answers (made once per format and mode).

    It returns the canonical value, ``None`` when blank, or raises
    :class:`~lgds_components.forms.normalise.FieldProblem` with the format's
    catalogue key (``postcode.format``, ``phone.drama``, ...). Raises
    ConfigurationError if the identifier module cannot be imported.
    """
    spec = FORMATS[format_name]
    validate: Callable[..., object] = spec.load().validate
    kwargs = spec.kwargs(test_mode)

    def read(value: str) -> object | None:
        try:
            return validate(value, **kwargs)
        except MissingValue:
            return None
        except ValidationError as exc:
            raise FieldProblem(spec.message_key(exc)) from exc

    return read


def normalise(format_name: str, value: str, *, test_mode: bool = False) -> object | None:
    """Read an identifier the way its module does; ``None`` when blank (see :func:`reader`)."""
    return reader(format_name, test_mode)(value)


def _iso_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _money_text(value: object) -> bool:
    if not isinstance(value, str):
        return True  # money is held as integer pence; the format describes text
    from lgds_components.identifiers import money

    return money.is_valid(value)


def _identifier(spec: FormatSpec, test_mode: bool) -> Callable[[object], bool]:
    kwargs = spec.kwargs(test_mode)
    types = (str, int) if "integer" in spec.types else (str,)
    found: list[Callable[..., bool]] = []

    def check(value: object) -> bool:
        if not isinstance(value, types) or isinstance(value, bool):
            return True  # formats only apply to the types they describe
        if not found:
            found.append(spec.load().is_valid)
        return bool(found[0](value, **kwargs))

    return check


@cache
def format_checker(test_mode: bool = False) -> FormatChecker:
    """A :class:`jsonschema.FormatChecker` for every format forms know.

    Starts from the formats ``jsonschema`` checks itself and adds (or, for
    ``email`` and ``date``, replaces them with) the UK ones. ``test_mode``
    accepts Ofcom's drama phone numbers. Identifier modules are imported the
    first time a value is checked against them.
    """
    checker = FormatChecker()
    for name, spec in FORMATS.items():
        checker.checks(name)(_identifier(spec, test_mode))
    checker.checks("date")(_iso_date)
    checker.checks("money-gbp")(_money_text)
    return checker


def known_formats() -> frozenset[str]:
    """Every format name a form may use."""
    return frozenset(format_checker().checkers)
