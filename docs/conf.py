"""Sphinx configuration for the lgds-components documentation."""

from __future__ import annotations

import lgds_components

project = "lgds-components"
author = "lgds-components contributors"
copyright = "2026, lgds-components contributors"
release = lgds_components.version()
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# The docs build offline, so each inventory is a local file written by
# docs/_inventories/make_inventories.py; the links point at the real sites.
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", "_inventories/python.inv"),
    "requests": ("https://requests.readthedocs.io/en/latest", "_inventories/requests.inv"),
    "pydantic": ("https://docs.pydantic.dev/latest", "_inventories/pydantic.inv"),
}

# Docstring examples run under pytest --doctest-modules (with their module's
# globals); the doctest builder runs the {doctest} blocks of the pages.
doctest_test_doctest_blocks = ""

html_theme = "furo"
html_title = f"lgds-components {release}"
