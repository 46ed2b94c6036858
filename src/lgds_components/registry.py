"""Providers as plugins, found by entry point and loaded only when asked for.

Each component has an entry-point group. A package that contributes a provider
declares it in its own ``pyproject.toml``::

    [project.entry-points."lgds_components.payment_providers"]
    worldpay = "lgds_worldpay:WorldpayProvider"

and councils then select it by name. Nothing is imported until a name is
resolved, and the registry records which distribution supplied each provider.

>>> from lgds_components.registry import Registry
>>> registry = Registry("example.providers")
>>> registry.register("echo", str)
>>> registry.get("echo")
<class 'str'>
>>> registry.info("echo").distribution
'(registered at run time)'
>>> registry.get("missing")
Traceback (most recent call last):
  ...
lgds_components.errors.UnknownProvider: no provider named 'missing' in 'example.providers'; installed providers: echo
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import attrs

from lgds_components.errors import ConfigurationError, UnknownProvider

__all__ = [
    "ADDRESS_PROVIDERS",
    "PAYMENT_PROVIDERS",
    "SCHEDULE_SOURCES",
    "ProviderInfo",
    "Registry",
]

RUNTIME = "(registered at run time)"


@attrs.frozen(slots=True)
class ProviderInfo:
    """Where a provider comes from.

    Attributes:
        name: the name councils select it by.
        group: the entry-point group it belongs to.
        target: ``"module:attribute"`` for an entry point, or the object's
            qualified name when registered at run time.
        distribution: the installed distribution that declared it, or
            ``"(registered at run time)"``.
        version: that distribution's version, when known.
    """

    name: str
    group: str
    target: str
    distribution: str
    version: str | None = None


@attrs.define(slots=True)
class _Entry:
    info: ProviderInfo
    entry_point: EntryPoint | None = None
    loaded: Any = None
    is_loaded: bool = False
    clash: tuple[str, ...] = ()


class Registry:
    """The providers of one entry-point group, resolved lazily by name.

    Args:
        group: the entry-point group, such as ``"lgds_components.address_providers"``.
    """

    def __init__(self, group: str) -> None:
        self.group = group
        self._lock = threading.RLock()
        self._discovered: dict[str, _Entry] | None = None
        self._runtime: dict[str, _Entry] = {}

    def __repr__(self) -> str:
        return f"Registry({self.group!r})"

    def _entry_points(self) -> dict[str, _Entry]:
        with self._lock:
            if self._discovered is None:
                found: dict[str, _Entry] = {}
                for ep in entry_points(group=self.group):
                    dist = ep.dist
                    info = ProviderInfo(
                        name=ep.name,
                        group=self.group,
                        target=ep.value,
                        distribution=dist.name if dist is not None else "(unknown)",
                        version=dist.version if dist is not None else None,
                    )
                    previous = found.get(ep.name)
                    if previous is not None and previous.info.target != ep.value:
                        clash = (*previous.clash, previous.info.distribution, info.distribution)
                        previous.clash = tuple(dict.fromkeys(clash))
                        continue
                    found[ep.name] = _Entry(info=info, entry_point=ep)
                self._discovered = found
            return self._discovered

    def _entries(self) -> dict[str, _Entry]:
        return {**self._entry_points(), **self._runtime}

    def names(self) -> list[str]:
        """The names of every provider available, sorted."""
        return sorted(self._entries())

    def __contains__(self, name: object) -> bool:
        return name in self._entries()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def info(self, name: str) -> ProviderInfo:
        """Describe the provider registered as ``name`` without importing it.

        Raises:
            UnknownProvider: no provider has that name; the message lists those that do.
        """
        return self._entry(name).info

    def _entry(self, name: str) -> _Entry:
        entry = self._entries().get(name)
        if entry is None:
            raise UnknownProvider(self.group, name, self.names())
        return entry

    def get(self, name: str) -> Any:
        """Import (once) and return the provider registered as ``name``.

        Raises:
            UnknownProvider: no provider has that name.
            ConfigurationError: two installed distributions both claim the name,
                or the provider's module fails to import.
        """
        with self._lock:
            entry = self._entry(name)
            if entry.clash:
                raise ConfigurationError(
                    f"provider name {name!r} in {self.group!r} is declared by more than one "
                    f"distribution: {', '.join(entry.clash)}; uninstall one of them"
                )
            if not entry.is_loaded and entry.entry_point is not None:
                try:
                    entry.loaded = entry.entry_point.load()
                except Exception as exc:
                    raise ConfigurationError(
                        f"provider {name!r} from {entry.info.distribution} failed to load "
                        f"({entry.info.target}): {exc}"
                    ) from exc
                entry.is_loaded = True
            return entry.loaded

    def register(self, name: str, provider: Any, *, replace: bool = False) -> None:
        """Register ``provider`` under ``name`` for this process (tests, local adapters).

        A run-time registration shadows an installed provider of the same name
        only when ``replace`` is true.

        Raises:
            ConfigurationError: the name is taken and ``replace`` is false.
        """
        with self._lock:
            if name in self._entries() and not replace:
                raise ConfigurationError(
                    f"provider name {name!r} is already registered in {self.group!r}; "
                    "pass replace=True to shadow it"
                )
            module = getattr(provider, "__module__", "?")
            target = f"{module}:{getattr(provider, '__qualname__', type(provider).__qualname__)}"
            info = ProviderInfo(name=name, group=self.group, target=target, distribution=RUNTIME)
            self._runtime[name] = _Entry(info=info, loaded=provider, is_loaded=True)

    def unregister(self, name: str) -> None:
        """Remove a run-time registration (installed entry points stay)."""
        with self._lock:
            self._runtime.pop(name, None)

    @contextmanager
    def registered(self, name: str, provider: Any, *, replace: bool = False) -> Iterator[None]:
        """Register ``provider`` for the duration of a ``with`` block."""
        previous = self._runtime.get(name)
        self.register(name, provider, replace=replace)
        try:
            yield
        finally:
            with self._lock:
                if previous is None:
                    self._runtime.pop(name, None)
                else:
                    self._runtime[name] = previous

    def refresh(self) -> None:
        """Forget what was discovered so newly installed distributions are seen."""
        with self._lock:
            self._discovered = None


ADDRESS_PROVIDERS = Registry("lgds_components.address_providers")
"""Address lookup providers (the embedded gazetteer, OS Places, ...)."""

PAYMENT_PROVIDERS = Registry("lgds_components.payment_providers")
"""Payment providers (GOV.UK Pay, Stripe, the in-process fake, ...)."""

SCHEDULE_SOURCES = Registry("lgds_components.schedule_sources")
"""Bin collection schedule sources (the embedded schedule, ICS feeds, ...)."""
