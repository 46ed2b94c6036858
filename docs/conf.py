"""Sphinx configuration for the lgds-components documentation."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

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
# The how-tos' example apps (FastAPI, Django) are imported by their pages' doctests.
doctest_path = [str(Path(__file__).resolve().parent.parent / "examples" / "fastapi_app")]

html_theme = "furo"
html_title = f"lgds-components {release}"


def _restore_pydantic_annotations(app: Sphinx, env: object) -> None:
    """Undo what autodoc wrote into ``pydantic.BaseModel.__annotations__``.

    Documenting a pydantic model's attributes, autodoc copies annotations it
    reads from the source of every class in the model's MRO into that class's
    ``__annotations__`` (``AttributeDocumenter.update_annotations``), pydantic's
    own ``BaseModel`` included. A model with ``extra="allow"`` defined after
    that (FastAPI's, imported by the FastAPI how-to's doctests) then fails to
    build. The doctests run after every page is read, so this puts the original
    annotations back before they start.
    """
    import pydantic

    annotations = pydantic.BaseModel.__annotations__  # the class's own dict, as autodoc writes it
    for name in set(annotations) - _BASE_MODEL_ANNOTATIONS:
        del annotations[name]


def _base_model_annotations() -> frozenset[str]:
    import pydantic

    return frozenset(pydantic.BaseModel.__annotations__)


_BASE_MODEL_ANNOTATIONS = _base_model_annotations()


def setup(app: Sphinx) -> None:
    app.connect("env-updated", _restore_pydantic_annotations)
