"""The pytest plugin: ready-made fixtures for testing a service built on lgds-components.

pytest loads it by itself wherever ``lgds-components`` is installed (it is
registered under the ``pytest11`` entry point), so a council's tests ask for
the fixtures by name with no ``conftest.py``:

``lgds_gazetteer``
    The shipped sample :class:`~lgds_components.address.Gazetteer`, built
    once per test session into a temporary directory and opened read-only.
``lgds_schedule``
    The sample bin :class:`~lgds_components.bins.Schedule` (in memory; a
    fresh one for each test).
``lgds_clock``
    A :class:`~lgds_components.payments.fake.ManualClock` that stands still
    until the test moves it (``lgds_clock.advance(minutes=91)``); the FakePay
    and the ledger below both read it.
``lgds_fakepay``
    A :class:`~lgds_components.payments.FakePay` on ``lgds_clock``, with
    repeatable payment ids.
``lgds_ledger``
    A :class:`~lgds_components.payments.Ledger` over ``lgds_fakepay``, in a
    SQLite file in the test's temporary directory.
``lgds_govuk_pay_server``, ``lgds_stripe_server``
    Local :class:`~lgds_components.testing.payment_servers.GovUkPayServer`
    and :class:`~lgds_components.testing.payment_servers.StripeServer`:
    each provider's API on ``127.0.0.1``; ``.client()`` gives the adapter
    pointed at it.
``lgds_os_places_server``
    A local :class:`~lgds_components.testing.os_places_server.OSPlacesServer`
    answering for :func:`~lgds_components.testing.address.conformance_addresses`;
    ``.client()`` gives an :class:`~lgds_components.address.OSPlaces` pointed
    at it.

Every server is started for the test and stopped after it, whatever the
outcome. A project's own ``conftest.py`` can override any fixture by
defining one with the same name (to serve its own addresses, say). The
fixtures import what they need when first used, so loading the plugin costs
nothing in a test run that does not use them. ``pytest --fixtures`` lists
them with these descriptions.

To turn the plugin off: ``pytest -p no:lgds_components``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from lgds_components.address.gazetteer import Gazetteer
    from lgds_components.bins.schedule import Schedule
    from lgds_components.payments.fake import FakePay, ManualClock
    from lgds_components.payments.ledger import Ledger
    from lgds_components.testing.os_places_server import OSPlacesServer
    from lgds_components.testing.payment_servers import GovUkPayServer, StripeServer

__all__ = [
    "SEED",
    "lgds_clock",
    "lgds_fakepay",
    "lgds_gazetteer",
    "lgds_govuk_pay_server",
    "lgds_ledger",
    "lgds_os_places_server",
    "lgds_schedule",
    "lgds_stripe_server",
]

#: The seed that makes ``lgds_fakepay``'s and ``lgds_govuk_pay_server``'s payment ids repeatable.
SEED = 0


@pytest.fixture(scope="session")
def lgds_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gazetteer]:
    """The sample gazetteer, built once per session into a temporary directory (read-only)."""
    from lgds_components.address.gazetteer import Gazetteer

    with pytest.MonkeyPatch.context() as patch:  # the build goes here, not the user's cache
        patch.setenv("LGDS_CACHE_DIR", str(tmp_path_factory.mktemp("lgds-cache")))
        gazetteer = Gazetteer.sample()
    with gazetteer:
        yield gazetteer


@pytest.fixture
def lgds_schedule() -> Iterator[Schedule]:
    """The sample bin collection schedule, in memory, fresh for each test."""
    from lgds_components.bins.schedule import Schedule

    with Schedule.sample() as schedule:
        yield schedule


@pytest.fixture
def lgds_clock() -> ManualClock:
    """A clock that stands still until moved; ``lgds_fakepay`` and ``lgds_ledger`` read it."""
    from lgds_components.payments.fake import ManualClock

    return ManualClock()


@pytest.fixture
def lgds_fakepay(lgds_clock: ManualClock) -> Iterator[FakePay]:
    """FakePay (GOV.UK Pay's behaviour in process) on ``lgds_clock``, with repeatable ids."""
    from lgds_components.payments.fake import FakePay

    with FakePay(clock=lgds_clock, seed=SEED) as pay:
        yield pay


@pytest.fixture
def lgds_ledger(lgds_fakepay: FakePay, lgds_clock: ManualClock, tmp_path: Path) -> Iterator[Ledger]:
    """A payments ledger over ``lgds_fakepay``, in a file in the test's temporary directory."""
    from lgds_components.payments.ledger import Ledger

    with Ledger(tmp_path / "lgds-ledger.sqlite", lgds_fakepay, clock=lgds_clock) as ledger:
        yield ledger


@pytest.fixture
def lgds_govuk_pay_server() -> Iterator[GovUkPayServer]:
    """GOV.UK Pay's public API on 127.0.0.1; ``.client()`` gives a GovUkPay pointed at it."""
    from lgds_components.testing.payment_servers import GovUkPayServer

    with GovUkPayServer(seed=SEED) as server:
        yield server


@pytest.fixture
def lgds_stripe_server() -> Iterator[StripeServer]:
    """The part of Stripe's API the Stripe adapter uses, on 127.0.0.1; ``.client()`` gives one."""
    from lgds_components.testing.payment_servers import StripeServer

    with StripeServer() as server:
        yield server


@pytest.fixture
def lgds_os_places_server() -> Iterator[OSPlacesServer]:
    """The OS Places API on 127.0.0.1 over the conformance addresses; ``.client()`` gives one."""
    from lgds_components.testing.os_places_server import OSPlacesServer

    with OSPlacesServer() as server:
        yield server
