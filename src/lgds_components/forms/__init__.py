"""Forms declared in JSON Schema: raw strings in, typed data or GOV.UK errors out.

>>> from lgds_components.forms import Form
>>> form = Form.from_schema({
...     "type": "object",
...     "properties": {
...         "email": {"type": "string", "format": "email"},
...         "bins": {"type": "integer", "minimum": 1, "maximum": 3,
...                  "x-lgds": {"label": "Number of bins", "noun": "how many bins you want"}},
...     },
...     "required": ["email", "bins"],
... })
>>> result = form.validate({"email": "", "bins": "4"})
>>> for item in result.error_summary()["errorList"]:
...     print(item)
{'text': 'Enter an email address', 'href': '#email'}
{'text': 'Number of bins must be between 1 and 3', 'href': '#bins'}
>>> form.validate({"email": " Name@Example.ORG ", "bins": "2"}).data
{'email': 'Name@example.org', 'bins': 2}

See :doc:`/forms` for the guide. The modules:

* :mod:`~lgds_components.forms.form`: :class:`Form`, loading and validating;
* :mod:`~lgds_components.forms.govuk`: each field's govuk-frontend macro parameters,
  check-your-answers rows (see :doc:`/forms-govuk`);
* :mod:`~lgds_components.forms.jinja`: Jinja helpers rendering them with govuk-frontend-jinja;
* :mod:`~lgds_components.forms.display`: answers shown to people, and back as posted text;
* :mod:`~lgds_components.forms.wording`: labels, message subjects and nouns;
* :mod:`~lgds_components.forms.options`: option text for radios, checkboxes and selects;
* :mod:`~lgds_components.forms.schema`: loading and checking a schema, the ``x-lgds`` extension;
* :mod:`~lgds_components.forms.fields`: fields, their input types and compiled rules;
* :mod:`~lgds_components.forms.formats`: the UK formats and their format checker;
* :mod:`~lgds_components.forms.normalise`: reading what browsers send;
* :mod:`~lgds_components.forms.post`: reading dicts and multidicts;
* :mod:`~lgds_components.forms.messages`: the English and Welsh catalogues;
* :mod:`~lgds_components.forms.codes`: error codes and their priority;
* :mod:`~lgds_components.forms.result`: :class:`ValidationResult` and :class:`FieldError`.
"""

from __future__ import annotations

from lgds_components.forms.form import Form
from lgds_components.forms.result import FieldError, ValidationResult
from lgds_components.forms.schema import FormSchemaError

__all__ = ["FieldError", "Form", "FormSchemaError", "ValidationResult"]
