"""A council's conftest.py: only what differs from the plugin's fixtures.

The lgds-components pytest plugin already gives ``lgds_gazetteer``,
``lgds_schedule``, ``lgds_clock``, ``lgds_fakepay``, ``lgds_ledger`` and the
local provider servers. Here one of them is overridden, so that the local OS
Places server answers for this council's own (synthetic) streets.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lgds_components.address import Address
from lgds_components.testing.os_places_server import OSPlacesServer

STREET = [
    Address(uprn=100040001000 + n, pao_start_number=n, street="Harbour Road",
            town="Kelmouth", postcode="KL1 2AB")
    for n in range(1, 13)
]


@pytest.fixture
def lgds_os_places_server() -> Iterator[OSPlacesServer]:
    with OSPlacesServer(STREET) as server:
        yield server
