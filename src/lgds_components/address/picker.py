"""The address picker: a postcode's addresses as GOV.UK select or radio items, the choice checked.

GOV.UK's address lookup pattern asks for a postcode, then shows the addresses
there to choose from ("16 addresses found"), with a way out for a resident
whose address is not listed: a form for the address in parts.

>>> from lgds_components.address import Gazetteer
>>> with Gazetteer.sample() as gaz:
...     picker = AddressPicker(gaz.by_postcode("SN7 1BA"))
>>> picker.count_text()
'16 addresses found'
>>> params = picker.select()
>>> params["items"][:2]  # doctest: +NORMALIZE_WHITESPACE
[{'value': '', 'text': '16 addresses found'},
 {'value': '10120530', 'text': 'Flat 1, 65 Mount Parade, Radham, Rushworth', 'selected': False}]
>>> result = picker.validate({"uprn": "10120530"})
>>> result.data["address"].single_line()
'Flat 1, 65 Mount Parade, Radham, Rushworth, SN7 1BA'
>>> picker.validate({"uprn": "100040000012"}).error_summary()["errorList"]
[{'text': 'Select an address from the list', 'href': '#uprn'}]

Between the page that shows the list and the post that chooses from it,
look the postcode up again (keep the postcode in the session, not the list):
:meth:`AddressPicker.validate` accepts only a UPRN from the list it was
given, so a hand-made post cannot choose an address somewhere else.

:func:`manual_address_form` is the form for "my address is not listed": the
GOV.UK address pattern's address line 1, address line 2 (optional), town or
city, county (optional) and postcode, in English and Welsh.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any, Final

from lgds_components.address.model import Address
from lgds_components.forms import FieldError, Form, ValidationResult
from lgds_components.forms.post import one

__all__ = [
    "NOT_LISTED",
    "AddressPicker",
    "manual_address_form",
    "manual_address_lines",
]

#: The value of the "My address is not listed" radio.
NOT_LISTED: Final = "not-listed"

_WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "label": "Select an address",
        "missing": "Select an address",
        "unknown": "Select an address from the list",
        "none": "No addresses found",
        "one": "1 address found",
        "many": "{count} addresses found",
        "or": "or",
        "not_listed": "My address is not listed",
    },
    # Welsh, unreviewed (as the forms catalogue is): have it checked.
    "cy": {
        "label": "Dewiswch gyfeiriad",
        "missing": "Dewiswch gyfeiriad",
        "unknown": "Dewiswch gyfeiriad o’r rhestr",
        "none": "Dim cyfeiriadau wedi’u canfod",
        "one": "1 cyfeiriad wedi’i ganfod",
        "many": "{count} cyfeiriad wedi’u canfod",
        "or": "neu",
        "not_listed": "Nid yw fy nghyfeiriad wedi’i restru",
    },
}


def _words(lang: str) -> Mapping[str, str]:
    try:
        return _WORDS[lang]
    except KeyError:
        raise ValueError(f"lang must be 'en' or 'cy', not {lang!r}") from None


class AddressPicker:
    """The addresses at one postcode, to choose from.

    Args:
        addresses: from ``by_postcode()`` (any address lookup), in its order.
        name: the name the choice is posted under.
        id: the HTML id of the select, or of the first radio (default ``name``).
        postal_only: leave out addresses Royal Mail does not deliver to (a
            block's parent record, a garage), as GOV.UK's pattern shows only
            postal addresses.
        lang: ``"en"`` or ``"cy"``: the count, label and error messages.
    """

    def __init__(
        self,
        addresses: Iterable[Address],
        *,
        name: str = "uprn",
        id: str | None = None,
        postal_only: bool = True,
        lang: str = "en",
    ) -> None:
        self.words: Mapping[str, str] = _words(lang)
        self.lang = lang
        self.name = name
        self.id: str = id or name
        self.addresses: tuple[Address, ...] = tuple(
            a for a in addresses if a.postal or not postal_only
        )
        self._by_value = {str(a.uprn): a for a in self.addresses}

    def __len__(self) -> int:
        return len(self.addresses)

    def __repr__(self) -> str:
        return f"<AddressPicker {self.count_text()}>"

    def count_text(self) -> str:
        """"16 addresses found", "1 address found" or "No addresses found"."""
        count = len(self.addresses)
        if count == 0:
            return self.words["none"]
        if count == 1:
            return self.words["one"]
        return self.words["many"].format(count=f"{count:,}")

    def _chosen(self, result: ValidationResult | None, answers: Mapping[str, Any] | None) -> str:
        posted = dict(answers or {})
        if result is not None:
            posted.update(result.answers)
        value = posted.get(self.name)
        return value.strip() if isinstance(value, str) else ""

    def _base(self, result: ValidationResult | None) -> dict[str, Any]:
        params: dict[str, Any] = {}
        message = result.error_message(self.name) if result is not None else None
        if message is not None:
            params["errorMessage"] = message
        return params

    def _items(self, chosen: str, key: str) -> list[dict[str, Any]]:
        return [
            {"value": str(a.uprn), "text": a.single_line(postcode=False),
             key: str(a.uprn) == chosen}
            for a in self.addresses
        ]

    def select(
        self,
        result: ValidationResult | None = None,
        answers: Mapping[str, Any] | None = None,
        *,
        label: str | None = None,
        heading: bool = False,
    ) -> dict[str, Any]:
        """``govukSelect`` parameters: the count as the first (empty) option, then each address.

        ``result`` (from :meth:`validate`) or ``answers`` fill the choice back in.
        """
        chosen = self._chosen(result, answers)
        label_params: dict[str, Any] = {"text": label or self.words["label"]}
        if heading:
            label_params.update(isPageHeading=True, classes="govuk-label--l")
        return {
            "id": self.id,
            "name": self.name,
            "label": label_params,
            "items": [{"value": "", "text": self.count_text()},
                      *self._items(chosen, "selected")],
            **self._base(result),
        }

    def radios(
        self,
        result: ValidationResult | None = None,
        answers: Mapping[str, Any] | None = None,
        *,
        legend: str | None = None,
        heading: bool = False,
        not_listed: bool = False,
    ) -> dict[str, Any]:
        """``govukRadios`` parameters: one radio per address, the count as the hint.

        ``not_listed`` adds, after an "or" divider, a "My address is not listed"
        radio (value :data:`NOT_LISTED`); :meth:`validate` then accepts it.
        """
        chosen = self._chosen(result, answers)
        legend_params: dict[str, Any] = {"text": legend or self.words["label"]}
        legend_params["classes"] = ("govuk-fieldset__legend--l" if heading
                                    else "govuk-fieldset__legend--m")
        if heading:
            legend_params["isPageHeading"] = True
        items: list[dict[str, Any]] = self._items(chosen, "checked")
        if not_listed:
            items += [{"divider": self.words["or"]},
                      {"value": NOT_LISTED, "text": self.words["not_listed"],
                       "checked": chosen == NOT_LISTED}]
        return {
            "idPrefix": self.id,
            "name": self.name,
            "fieldset": {"legend": legend_params},
            "hint": {"text": self.count_text()},
            "items": items,
            **self._base(result),
        }

    def validate(self, post: Any, *, not_listed: bool = False) -> ValidationResult:
        """Check the chosen address came from this list.

        ``post`` is the submitted form (a dict or multidict). A valid result's
        ``data`` is ``{"uprn": 10120530, "address": Address(...)}``; with
        ``not_listed`` and that radio chosen, both are ``None``. Otherwise the
        result has one error: "Select an address", or "Select an address
        from the list" for a UPRN that is not in it.
        """
        raw = one(post, self.name)
        chosen = raw.strip() if isinstance(raw, str) else ""
        answers = {self.name: raw} if isinstance(raw, str) else {}
        if not_listed and chosen == NOT_LISTED:
            return ValidationResult(data={"uprn": None, "address": None}, errors=(),
                                    lang=self.lang, answers=answers)
        address = self._by_value.get(chosen)
        if address is not None:
            return ValidationResult(data={"uprn": address.uprn, "address": address},
                                    errors=(), lang=self.lang, answers=answers)
        code, key = ("choice.missing", "missing") if not chosen else ("choice.unknown", "unknown")
        error = FieldError(field=self.name, href=f"#{self.id}", message=self.words[key],
                           code=code)
        return ValidationResult(data={}, errors=(error,), lang=self.lang, answers=answers)


@cache
def manual_address_form() -> Form:
    """The form for an address typed in parts (GOV.UK's address pattern), loaded once.

    Fields: ``address_line_1``, ``address_line_2`` (optional), ``town``,
    ``county`` (optional) and ``postcode``, with ids ``address-line-1``,
    ``address-line-2``, ``address-town``, ``address-county`` and
    ``address-postcode``, the pattern's ``autocomplete`` values, and labels
    and messages in English and Welsh. The schema ships as
    ``lgds_components/address/manual_address.schema.json``; copy it to
    change it.

    >>> form = manual_address_form()
    >>> [e.message for e in form.validate({"postcode": "sn7 1ba"}).errors]
    ['Enter address line 1, typically the building and street', 'Enter town or city']
    """
    source = resources.files("lgds_components.address").joinpath("manual_address.schema.json")
    return Form.from_schema(json.loads(source.read_text(encoding="utf-8")))


def manual_address_lines(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The lines of an address from :func:`manual_address_form`'s data, blanks left out.

    >>> manual_address_lines({"address_line_1": "Rose Cottage", "address_line_2": None,
    ...                       "town": "Rushworth", "county": "", "postcode": "SN7 1BA"})
    ('Rose Cottage', 'Rushworth', 'SN7 1BA')
    """
    keys = ("address_line_1", "address_line_2", "town", "county", "postcode")
    return tuple(str(data[key]) for key in keys if data.get(key))
