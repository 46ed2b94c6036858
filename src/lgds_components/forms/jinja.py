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
``PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})``;
``install(env, templates=True)`` adds that loader after the environment's own
(so ``{% extends "govuk_frontend_jinja/template.html" %}`` works too).
Jinja itself is imported only by :func:`install`.
"""

from __future__ import annotations

import re
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
        """Render the govuk-frontend macro ``name`` (``"govukInput"``, ``"govukPanel"``).

        Any govuk-frontend component's macro works: its folder is the name
        in kebab case (``govukSummaryList`` is ``components/summary-list``).
        """
        from jinja2 import TemplateNotFound
        from markupsafe import Markup

        template = self._templates.get(name)
        if template is None:
            path = f"{self.prefix}/components/{_component_folder(name)}/macro.html"
            try:
                self.env.get_template(path)
            except TemplateNotFound:
                known = ", ".join(sorted(COMPONENTS))
                raise KeyError(f"no govuk-frontend macro {name!r}: {path} cannot be loaded "
                               f"(the fields use {known})") from None
            source = f'{{% from "{path}" import {name} %}}{{{{ {name}(params) }}}}'
            template = self._templates[name] = self.env.from_string(source)
        return Markup(template.render(params=params).strip())

    def field(self, form: Form, name: str, result: ValidationResult | None = None,
              answers: Mapping[str, Any] | None = None, heading: bool = False,
              **overrides: Any) -> Markup:
        """One field of ``form`` (see the module notes); an undefined result or answers is none."""
        result = None if _missing(result) else result
        answers = None if _missing(answers) else answers
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

        if _missing(result) or result is None or result.is_valid:
            return Markup("")
        return self.macro("govukErrorSummary", result.error_summary())

    def summary_list(self, form: Form, result: ValidationResult | Mapping[str, Any],
                     change: Any = None, page: str | None = None) -> Markup:
        """The check-your-answers list of ``form`` (see :meth:`Form.summary_list`)."""
        return self.macro("govukSummaryList", form.summary_list(result, page=page, change=change))


def _component_folder(name: str) -> str:
    """govuk-frontend's folder for a macro: ``govukPhaseBanner`` is ``phase-banner``."""
    if name in COMPONENTS:
        return COMPONENTS[name]
    if not re.fullmatch(r"govuk(?:[A-Z][a-z]+)+", name):
        raise KeyError(f"{name!r} is not a govuk-frontend macro name (govukSomething)")
    return re.sub(r"(?<!^)([A-Z])", r"-\1", name[len("govuk"):]).lower()


def _missing(value: object) -> bool:
    """Whether a template passed a variable it was never given (Jinja's ``Undefined``)."""
    from jinja2 import Undefined

    return isinstance(value, Undefined)


def _title(text: str, result: ValidationResult | None = None) -> str:
    return text if result is None or _missing(result) else result.title(text)


def install(env: Environment, *, prefix: str = "govuk_frontend_jinja",
            templates: bool = False) -> Renderer:
    """Add the ``govuk_*`` globals (see the module notes) to ``env``; returns the renderer.

    With ``templates``, also make govuk-frontend-jinja's templates loadable
    under ``prefix``, after whatever ``env``'s loader already finds (Flask's
    ``app.jinja_env`` keeps the app's own templates first):

    >>> from jinja2 import DictLoader, Environment
    >>> env = Environment(loader=DictLoader({"page.html": "{{ govuk_macro('govukTag', "
    ...                                      "{'text': 'Paid'}) }}"}), autoescape=True)
    >>> _ = install(env, templates=True)
    >>> " ".join(env.get_template("page.html").render().split())
    '<strong class="govuk-tag"> Paid </strong>'
    """
    if templates:
        from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

        govuk = PrefixLoader({prefix: PackageLoader("govuk_frontend_jinja")})
        env.loader = ChoiceLoader([env.loader, govuk] if env.loader is not None else [govuk])
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
