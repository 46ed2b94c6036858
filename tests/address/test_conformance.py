"""The AddressLookup conformance suite, run against every built-in provider.

Each class below is what a contributor writes for their own adapter: a
subclass of :class:`AddressLookupConformance` that says how to build the
provider over the suite's records.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from lgds_components.address import Address, AddressLookup, Gazetteer
from lgds_components.address.loader import LLPG_COLUMNS
from lgds_components.address.os_places import OSPlaces
from lgds_components.testing.address import InMemoryAddressLookup, conformance_addresses
from lgds_components.testing.address_conformance import AddressLookupConformance
from lgds_components.testing.os_places_server import OSPlacesServer


class TestInMemoryConformance(AddressLookupConformance):
    def make_lookup(self, addresses: list[Address], tmp_path: Path) -> AddressLookup:
        return InMemoryAddressLookup(addresses)


def write_llpg_csv(addresses: list[Address], path: Path) -> None:
    """The records as an LLPG export with the loader's default column names."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(LLPG_COLUMNS.values())
        for address in addresses:
            row = []
            for field in LLPG_COLUMNS:
                value = getattr(address, field)
                if field == "postal":
                    value = "Y" if value else "N"
                row.append("" if value is None else value)
            writer.writerow(row)


class TestGazetteerConformance(AddressLookupConformance):
    def make_lookup(self, addresses: list[Address], tmp_path: Path) -> AddressLookup:
        source = tmp_path / "llpg.csv"
        write_llpg_csv(addresses, source)
        Gazetteer.load(tmp_path / "gazetteer.sqlite", source, format="llpg")
        return Gazetteer.open(tmp_path / "gazetteer.sqlite")


class TestOSPlacesConformance(AddressLookupConformance):
    """OS Places with both datasets: DPA alone has no non-postal addresses."""

    dataset = "DPA,LPI"

    # overriding the fixture (instead of make_lookup) when a server must run too
    @pytest.fixture(scope="class")
    @classmethod
    def lookup(cls) -> Iterator[OSPlaces]:
        with OSPlacesServer(conformance_addresses()) as server:
            with server.client(dataset=cls.dataset) as places:
                yield places


class TestOSPlacesLPIConformance(TestOSPlacesConformance):
    dataset = "LPI"
