"""The pytest plugin: registered, loaded, its fixtures work and clean up, its example runs."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "pytest_plugin"
FIXTURES = ("lgds_gazetteer", "lgds_schedule", "lgds_clock", "lgds_fakepay", "lgds_ledger",
            "lgds_govuk_pay_server", "lgds_stripe_server", "lgds_os_places_server")


def test_registered_under_pytest11() -> None:
    found = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    assert found.get("lgds_components") == "lgds_components.testing.pytest_plugin"


def test_loaded_in_this_session(request: pytest.FixtureRequest) -> None:
    assert request.config.pluginmanager.has_plugin("lgds_components")


def test_fixtures_are_listed_with_their_descriptions(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures")
    out = result.stdout.str()
    for name in FIXTURES:
        assert name in out, name
    assert "The sample gazetteer, built once per session" in out


def test_the_how_to_example_passes(pytester: pytest.Pytester) -> None:
    for source in EXAMPLE.glob("*.py"):
        shutil.copy(source, pytester.path / source.name)
    result = pytester.runpytest("-W", "error", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)


def test_plugin_can_be_turned_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_uses(lgds_fakepay): pass")
    result = pytester.runpytest("-p", "no:lgds_components")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'lgds_fakepay' not found*"])


def test_servers_are_stopped_and_the_user_cache_left_alone(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "user-cache"
    monkeypatch.setenv("LGDS_CACHE_DIR", str(cache))
    pytester.makepyfile(
        """
        import os, socket
        from urllib.parse import urlsplit

        seen = []

        def test_servers(lgds_govuk_pay_server, lgds_stripe_server, lgds_os_places_server,
                         lgds_gazetteer):
            seen.extend(s.url for s in (lgds_govuk_pay_server, lgds_stripe_server,
                                        lgds_os_places_server))
            assert lgds_gazetteer.by_uprn(10119368).postcode == "TR5 1EN"
            assert os.environ["LGDS_CACHE_DIR"] == EXPECTED  # put back after the build

        def test_then_every_port_is_closed():
            assert len(seen) == 3
            for url in seen:
                parts = urlsplit(url)
                try:
                    socket.create_connection((parts.hostname, parts.port), timeout=1).close()
                except ConnectionRefusedError:
                    continue
                raise AssertionError(f"{url} still answers")
        """.replace("EXPECTED", repr(str(cache)))
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)
    assert not cache.exists(), "the sample gazetteer was built in the user's cache"


LIGHT_PROBE = """
import sys
sys.modules["pytest"] = None       # as where pytest is not installed
sys.modules["hypothesis"] = None
from lgds_components.testing.os_places_server import OSPlacesServer
from lgds_components.testing.address import InMemoryAddressLookup, conformance_addresses
import lgds_components.testing.payment_servers
import lgds_components.testing.http_server
with OSPlacesServer() as server, server.client() as places:
    print(len(places.by_postcode("EX99 1AA")))
"""


def test_servers_import_and_run_without_pytest() -> None:
    result = subprocess.run([sys.executable, "-c", LIGHT_PROBE], capture_output=True, text=True,
                            check=False, env={**os.environ, "PYTHONWARNINGS": "error"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "7"  # the postal addresses at EX99 1AA


def test_the_old_import_path_of_the_conformance_suite_still_works() -> None:
    from lgds_components.testing import address, address_conformance

    assert address.AddressLookupConformance is address_conformance.AddressLookupConformance


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    code = ("import sys, lgds_components.testing.pytest_plugin; print(sorted(m for m in "
            "('pydantic', 'requests', 'sqlite3', 'lgds_components.address', "
            "'lgds_components.payments') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
