"""The plugin registry against real installed distributions (dist-info on sys.path)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lgds_components.errors import ConfigurationError, UnknownProvider
from lgds_components.registry import Registry

GROUP = "lgds_components.test_providers"


def make_distribution(root: Path, name: str, version: str, entry_points: dict[str, str]) -> None:
    """Write a minimal installed distribution that importlib.metadata can read."""
    info = root / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = [f"[{GROUP}]"] + [f"{key} = {value}" for key, value in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def plugin_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    for module in ("lgds_fakeplug", "lgds_brokenplug"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    return tmp_path


def test_entry_point_is_found_lazily_and_records_its_distribution(plugin_path: Path) -> None:
    (plugin_path / "lgds_fakeplug.py").write_text(
        textwrap.dedent(
            """
            class FakeProvider:
                pass
            """
        ),
        encoding="utf-8",
    )
    make_distribution(plugin_path, "lgds_fakeplug", "1.2.3", {"fake": "lgds_fakeplug:FakeProvider"})
    registry = Registry(GROUP)

    assert "fake" in registry.names()
    info = registry.info("fake")
    assert (info.distribution, info.version, info.target) == (
        "lgds_fakeplug",
        "1.2.3",
        "lgds_fakeplug:FakeProvider",
    )
    assert "lgds_fakeplug" not in sys.modules, "describing a provider must not import it"

    provider = registry.get("fake")
    assert provider.__name__ == "FakeProvider"
    assert registry.get("fake") is provider


def test_unknown_name_lists_installed_providers(plugin_path: Path) -> None:
    (plugin_path / "lgds_fakeplug.py").write_text("class A: pass\n", encoding="utf-8")
    make_distribution(plugin_path, "lgds_fakeplug", "1.0", {"alpha": "lgds_fakeplug:A"})
    registry = Registry(GROUP)
    registry.register("beta", object)

    with pytest.raises(UnknownProvider) as caught:
        registry.get("gamma")
    assert isinstance(caught.value, LookupError)
    assert caught.value.available == ["alpha", "beta"]
    assert "installed providers: alpha, beta" in str(caught.value)


def test_broken_plugin_is_a_configuration_error_naming_the_distribution(plugin_path: Path) -> None:
    (plugin_path / "lgds_brokenplug.py").write_text("raise ImportError('no such sdk')\n")
    make_distribution(plugin_path, "lgds_brokenplug", "0.1", {"broken": "lgds_brokenplug:X"})
    registry = Registry(GROUP)

    with pytest.raises(ConfigurationError, match="lgds_brokenplug") as caught:
        registry.get("broken")
    assert isinstance(caught.value.__cause__, ImportError)


def test_two_distributions_claiming_one_name_is_refused(plugin_path: Path) -> None:
    (plugin_path / "lgds_fakeplug.py").write_text("class A: pass\nclass B: pass\n")
    make_distribution(plugin_path, "first_dist", "1.0", {"same": "lgds_fakeplug:A"})
    make_distribution(plugin_path, "second_dist", "1.0", {"same": "lgds_fakeplug:B"})
    registry = Registry(GROUP)

    either_order = r"first_dist.*second_dist|second_dist.*first_dist"
    with pytest.raises(ConfigurationError, match=either_order):
        registry.get("same")


def test_register_refuses_to_shadow_unless_asked() -> None:
    registry = Registry(GROUP + ".runtime")
    registry.register("fake", int)
    with pytest.raises(ConfigurationError, match="already registered"):
        registry.register("fake", float)
    registry.register("fake", float, replace=True)
    assert registry.get("fake") is float
    registry.unregister("fake")
    assert "fake" not in registry


def test_registered_context_manager_restores_previous_state() -> None:
    registry = Registry(GROUP + ".ctx")
    registry.register("fake", int)
    with registry.registered("fake", str, replace=True):
        assert registry.get("fake") is str
    assert registry.get("fake") is int
    with registry.registered("other", bytes):
        assert registry.names() == ["fake", "other"]
    assert registry.names() == ["fake"]


def test_importing_the_registry_scans_no_entry_points() -> None:
    code = (
        "from lgds_components import registry\n"
        "groups = (registry.ADDRESS_PROVIDERS, registry.PAYMENT_PROVIDERS,\n"
        "          registry.SCHEDULE_SOURCES)\n"
        "print(all(group._discovered is None for group in groups))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(
    "registry, names",
    [
        ("ADDRESS_PROVIDERS", {"gazetteer", "os-places"}),
        ("PAYMENT_PROVIDERS", {"govuk-pay", "stripe", "fake"}),
        ("SCHEDULE_SOURCES", {"sqlite", "ics"}),
    ],
)
def test_built_in_providers_are_installed_entry_points(registry: str, names: set[str]) -> None:
    from lgds_components import registry as module

    group = getattr(module, registry)
    group.refresh()
    assert names <= set(group.names())
    for name in names:
        info = group.info(name)
        assert info.distribution.replace("_", "-").lower() == "lgds-components"
        provider = group.get(name)
        assert callable(provider), f"{name} should resolve to a provider class"
