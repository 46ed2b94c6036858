"""Jinja helpers: each field of a form rendered with govuk-frontend-jinja in one call.

:func:`install` adds these globals to a Jinja environment (Flask's
``app.jinja_env``, a Django ``Jinja2`` backend's environment, FastAPI's
``Jinja2Templates(...).env``):

``govuk_field(form, name, result=None, answers=None, heading=False, **overrides)``
    the field, through its govuk-frontend macro, with
    :meth:`Form.govuk <lgds_components.forms.form.Form.govuk>`'s parameters
    (``overrides`` replace any of them: ``classes="govuk-input--width-5"``);
``govuk_fields(form, page=None, result=None, answers=None)``
    every field on a page, in order (the first as the page heading when it
    is the page's only field);
``govuk_error_summary(result)``
    the error summary, or nothing when there is no result or it is valid;
``govuk_title(text, result=None)``
    the ``<title>`` text, with "Error: " when the post had errors;
``govuk_summary_list(form, result, change=None, page=None)``
    the check-your-answers list;
``govuk_macro(name, params)``
    any govuk-frontend macro by name, for the parameters the library builds
    elsewhere (the address picker's ``govukSelect``, a bin days
    ``govukTable``).

The govuk-frontend-jinja templates must be loadable under ``prefix``
(``"govuk_frontend_jinja"`` by default), as that package's README sets up:
``PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})``.
Jinja itself is imported only by :func:`install`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lgds_components.forms.govuk import COMPONENTS

if TYPE_CHECKING:
    from jinja2 import Environment, Template
    from markupsafe import Markup

    from lgds_components.forms.form import Form
    from lgds_components.forms.result import ValidationResult

__all__ = ["Renderer", "install"]


class Renderer:
    """Renders govuk-frontend macros through a Jinja environment.

    Args:
        env: the environment whose loader finds govuk-frontend-jinja's templates.
        prefix: the folder those templates are under.
    """

    def __init__(self, env: Environment, prefix: str = "govuk_frontend_jinja") -> None:
        self.env = env
        self.prefix = prefix
        self._templates: dict[str, Template] = {}

    def macro(self, name: str, params: Mapping[str, Any]) -> Markup:
        """Render the govuk-frontend macro ``name`` (``"govukInput"``) with ``params``."""
        from markupsafe import Markup

        template = self._templates.get(name)
        if template is None:
            component = COMPONENTS.get(name)
            if component is None:
                known = ", ".join(sorted(COMPONENTS))
                raise KeyError(f"no govuk-frontend macro {name!r} here; known: {known}")
            source = (f'{{% from "{self.prefix}/components/{component}/macro.html" '
                      f"import {name} %}}{{{{ {name}(params) }}}}")
            template = self._templates[name] = self.env.from_string(source)
        return Markup(template.render(params=params).strip())

    def field(self, form: Form, name: str, result: ValidationResult | None = None,
              answers: Mapping[str, Any] | None = None, heading: bool = False,
              **overrides: Any) -> Markup:
        """One field of ``form`` (see the module notes)."""
        params = form.govuk(name, result, answers, heading=heading)
        params.update(overrides)
        return self.macro(form.macro(name), params)

    def fields(self, form: Form, page: str | None = None,
               result: ValidationResult | None = None,
               answers: Mapping[str, Any] | None = None) -> Markup:
        """Every field on ``page``, the only one as the page heading."""
        from markupsafe import Markup

        on_page = form.page_fields(page)
        alone = len(on_page) == 1
        return Markup("\n").join(
            self.field(form, field.name, result, answers, heading=alone) for field in on_page
        )

    def error_summary(self, result: ValidationResult | None) -> Markup:
        """The error summary, or nothing when ``result`` is ``None`` or valid."""
        from markupsafe import Markup

        if result is None or result.is_valid:
            return Markup("")
        return self.macro("govukErrorSummary", result.error_summary())

    def summary_list(self, form: Form, result: ValidationResult | Mapping[str, Any],
                     change: Any = None, page: str | None = None) -> Markup:
        """The check-your-answers list of ``form`` (see :meth:`Form.summary_list`)."""
        return self.macro("govukSummaryList", form.summary_list(result, page=page, change=change))


def _title(text: str, result: ValidationResult | None = None) -> str:
    return text if result is None else result.title(text)


def install(env: Environment, *, prefix: str = "govuk_frontend_jinja") -> Renderer:
    """Add the ``govuk_*`` globals (see the module notes) to ``env``; returns the renderer."""
    renderer = Renderer(env, prefix)
    env.globals.update(
        govuk_field=renderer.field,
        govuk_fields=renderer.fields,
        govuk_error_summary=renderer.error_summary,
        govuk_summary_list=renderer.summary_list,
        govuk_macro=renderer.macro,
        govuk_title=_title,
    )
    return renderer
