"""Template tag libraries (Django finds them here once the app is installed)."""

from __future__ import annotations

__all__: list[str] = []
