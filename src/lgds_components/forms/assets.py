"""GOV.UK Frontend's CSS, JavaScript, fonts and images, copied from npm into a static folder.

The ``govuk-frontend`` npm package ships its compiled files under
``node_modules/govuk-frontend/dist/govuk/``. Its stylesheet looks for fonts
and images at ``/assets/fonts/`` and ``/assets/images/``, so a service serves
one folder at ``/assets``: :func:`copy_govuk_assets` fills that folder with
``govuk-frontend.min.css``, ``govuk-frontend.min.js``, ``fonts/``,
``images/`` and ``manifest.json`` (``lgds forms govuk-assets`` on the
command line). Flask: ``Flask(__name__, static_url_path="/assets")`` over
that folder; Django: add it to ``STATICFILES_DIRS`` with ``STATIC_URL =
"/assets/"``.

>>> import json, tempfile
>>> from pathlib import Path
>>> root = Path(tempfile.mkdtemp())
>>> dist = root / "node_modules" / "govuk-frontend" / "dist" / "govuk"
>>> (dist / "assets" / "fonts").mkdir(parents=True)
>>> for name in ("govuk-frontend.min.css", "govuk-frontend.min.js", "assets/fonts/a.woff2"):
...     _ = (dist / name).write_text("...")
>>> _ = (root / "node_modules" / "govuk-frontend" / "package.json").write_text(
...     json.dumps({"version": "6.6.0"}))
>>> copy_govuk_assets(root / "static", node_modules=root / "node_modules")
'6.6.0'
>>> sorted(str(p.relative_to(root / "static")) for p in (root / "static").rglob("*"))
['fonts', 'fonts/a.woff2', 'govuk-frontend.min.css', 'govuk-frontend.min.js']
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Final

from lgds_components.errors import ConfigurationError

__all__ = ["ASSET_FILES", "copy_govuk_assets"]

ASSET_FILES: Final = ("govuk-frontend.min.css", "govuk-frontend.min.js")
"""The compiled files copied from ``dist/govuk`` (with everything under ``dist/govuk/assets``)."""


def copy_govuk_assets(target: str | Path, *, node_modules: str | Path = "node_modules") -> str:
    """Copy GOV.UK Frontend's compiled assets into ``target``; return the package's version.

    Files already in ``target`` are replaced; others are left alone.
    :class:`~lgds_components.errors.ConfigurationError` if ``govuk-frontend``
    is not installed under ``node_modules`` (run ``npm install govuk-frontend``).
    """
    package = Path(node_modules) / "govuk-frontend"
    dist = package / "dist" / "govuk"
    missing = [name for name in ASSET_FILES if not (dist / name).is_file()]
    if missing:
        raise ConfigurationError(
            f"{dist / missing[0]} is missing: run `npm install govuk-frontend` "
            "(version 5 or later) first, or give the node_modules folder it is in")
    try:
        version = str(json.loads((package / "package.json").read_text("utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"{package / 'package.json'} cannot be read") from exc
    destination = Path(target)
    destination.mkdir(parents=True, exist_ok=True)
    for name in ASSET_FILES:
        shutil.copy2(dist / name, destination / name)
    if (dist / "assets").is_dir():
        shutil.copytree(dist / "assets", destination, dirs_exist_ok=True)
    return version
