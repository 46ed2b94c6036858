"""Test-wide settings.

Hypothesis runs without per-example deadlines (a shared 2-core CI machine is
too noisy for them; the 10 ms bounds the issues ask for are tested
explicitly). Under CI (``CI=true``) examples are derandomised so that a run
on main is reproducible; locally every run explores new examples.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None)
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else "default")
