"""Django integration: validators, form fields, model fields and template filters.

Needs Django (the ``django`` extra: ``pip install "lgds-components[django]"``).

* :mod:`~lgds_components.django.validators`: each identifier's check as a
  Django validator, raising Django's ``ValidationError`` with the GOV.UK
  message and the library's stable code (a plain ``postcode.validate`` in
  ``validators=[...]`` raises the library's error, which Django does not
  catch: a 500).
* :mod:`~lgds_components.django.forms`: a form field per identifier whose
  ``cleaned_data`` holds the canonical value (``"SW1A 1AA"``, ``100023336956``,
  pence), "Enter a postcode" for an empty required field, and the input
  attributes GOV.UK's patterns advise (``autocomplete``, ``inputmode``,
  ``spellcheck``).
* :mod:`~lgds_components.django.models`: ``UPRNField`` and ``PostcodeField``
  for models: canonical in the database, so lookups match however the
  postcode was typed.
* :mod:`~lgds_components.django.templatetags.lgds`: template filters and a
  tag for the errors of the library's own :class:`~lgds_components.forms.Form`
  results; add ``"lgds_components.django"`` to ``INSTALLED_APPS`` and
  ``{% load lgds %}``.

See the Django how-to in the documentation for them at work.
"""

from __future__ import annotations

__all__: list[str] = []
