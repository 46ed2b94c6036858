"""Test-wide settings.

Hypothesis runs without per-example deadlines (a shared 2-core CI machine is
too noisy for them; speed is measured in benchmarks/, and tests check bounded
work by counting it, as tests/forms/test_forms_normalise.py does). Under CI
(``CI=true``) examples are derandomised so that a run on main is
reproducible; locally every run explores new examples.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None)
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
settings.load_profile("ci" if IN_CI else "default")


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """A real PostgreSQL server for the session (see lgds_components.testing.postgres).

    Skips with the reason when no server can be started here, except under CI,
    where a missing server is a failure.
    """
    from lgds_components.testing.postgres import PostgresUnavailable, temporary_server

    try:
        server = temporary_server()
        dsn = server.__enter__()
    except PostgresUnavailable as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI: {exc}")
        pytest.skip(f"no PostgreSQL server could be started: {exc}")
    try:
        yield dsn
    finally:
        server.__exit__(None, None, None)


@pytest.fixture
def umask_027() -> Iterator[None]:
    """The process umask set to 027 for the test (new files 0640), then put back."""
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


# pytester runs the pytest plugin's example and checks its fixtures clean up
pytest_plugins = ["pytester"]
