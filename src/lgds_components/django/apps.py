"""The Django app: ``"lgds_components.django"`` in ``INSTALLED_APPS`` gives ``{% load lgds %}``."""

from __future__ import annotations

from django.apps import AppConfig

__all__ = ["LgdsComponentsConfig"]


class LgdsComponentsConfig(AppConfig):
    """lgds-components as a Django app (template tags only; it has no models of its own)."""

    name = "lgds_components.django"
    label = "lgds_components"
    verbose_name: str = "lgds-components"
