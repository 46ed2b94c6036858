"""Django's settings for the integration tests, configured once when these tests are collected.

The settings are a council project's in miniature: the lgds-components app
installed (for ``{% load lgds %}``), Django's template engine, and a SQLite
database in memory for the model fields.
"""

from __future__ import annotations

import django
from django.conf import settings

DJANGO_SETTINGS = {
    "INSTALLED_APPS": ["django.contrib.contenttypes", "lgds_components.django"],
    "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    "TEMPLATES": [{"BACKEND": "django.template.backends.django.DjangoTemplates",
                   "APP_DIRS": True}],
    "USE_TZ": True,
    "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
}

if not settings.configured:
    settings.configure(**DJANGO_SETTINGS)
    django.setup()
