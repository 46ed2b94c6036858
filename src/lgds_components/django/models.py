"""Model fields for a UPRN and a postcode: canonical in the database, checked by ``full_clean``.

.. code-block:: python

    from django.db import models
    from lgds_components.django.models import PostcodeField, UPRNField

    class MissedBin(models.Model):
        uprn = UPRNField()
        postcode = PostcodeField()

``PostcodeField`` stores ``"SW1A 1AA"`` however it was typed, and a lookup
(``MissedBin.objects.filter(postcode="sw1a1aa")``) is tidied the same way, so
it finds the row. ``full_clean()`` refuses a bad value with the GOV.UK
message and the library's code; a model form gets the matching form field
(:class:`~lgds_components.django.forms.PostcodeField`,
:class:`~lgds_components.django.forms.UPRNField`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from lgds_components.django import forms
from lgds_components.django.validators import IdentifierValidator
from lgds_components.identifiers import postcode, uprn

__all__ = ["PostcodeField", "UPRNField"]


if TYPE_CHECKING:  # django-stubs' generic fields (plain classes at run time)
    _BigIntegerField = models.BigIntegerField[Any, Any]
    _CharField = models.CharField[Any, Any]
else:
    _BigIntegerField = models.BigIntegerField
    _CharField = models.CharField


class UPRNField(_BigIntegerField):
    """A Unique Property Reference Number (an integer from 1 to 999,999,999,999)."""

    description: str = "A Unique Property Reference Number"

    def to_python(self, value: Any) -> int | None:
        if value is None or value == "":
            return None
        result: int = IdentifierValidator("uprn").clean(value)
        return result

    def get_prep_value(self, value: Any) -> Any:
        return uprn.validate(value) if uprn.is_valid(value) else super().get_prep_value(value)

    def formfield(self, **kwargs: Any) -> Any:
        return models.Field.formfield(self, **{"form_class": forms.UPRNField, **kwargs})


class PostcodeField(_CharField):
    """A UK postcode, stored as ``"SW1A 1AA"``; BFPO and overseas postcodes on request."""

    description: str = "A UK postcode"

    def __init__(self, *args: Any, bfpo: bool = False, overseas: bool = False,
                 **kwargs: Any) -> None:
        self.bfpo = bfpo
        self.overseas = overseas
        kwargs.setdefault("max_length", 8)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 8:
            del kwargs["max_length"]
        if self.bfpo:
            kwargs["bfpo"] = True
        if self.overseas:
            kwargs["overseas"] = True
        return name, path, args, kwargs

    def _options(self) -> dict[str, bool]:
        return {"bfpo": self.bfpo, "overseas": self.overseas}

    def to_python(self, value: Any) -> str | None:
        if value is None or value == "":
            return None if value is None else ""
        result: str = IdentifierValidator("postcode", **self._options()).clean(value)
        return result

    def get_prep_value(self, value: Any) -> Any:
        # tidied when valid; anything else as it is (a lookup for it finds nothing)
        value = models.Field.get_prep_value(self, value)
        if isinstance(value, str) and postcode.is_valid(value, **self._options()):
            return postcode.validate(value, **self._options())
        return value

    def formfield(self, **kwargs: Any) -> Any:
        # not CharField.formfield: no maxlength on the input, people type spaces
        return models.Field.formfield(
            self, **{"form_class": forms.PostcodeField, **self._options(), **kwargs})
