"""OS Places: only documented parameters are sent, and a reply recorded by GOV.UK is read right.

The reply is alphagov/locations-api's recorded OS Places answer for E1 8QS
(see data/SOURCE.md), served here beside the project's own fake server.
"""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests

from lgds_components.address import Address
from lgds_components.address.os_places import DOCUMENTED_PARAMETERS, OSPlaces
from lgds_components.errors import NotFound
from lgds_components.testing.http_server import LocalHTTPServer, Reply, Request
from lgds_components.testing.os_places_server import OSPlacesServer

RECORDED = json.loads((Path(__file__).parent / "data" / "os-places-postcode-E18QS.json")
                      .read_text(encoding="utf-8"))
JSON = {"Content-Type": "application/json"}


class RecordedOSPlaces(LocalHTTPServer):
    """Answers /postcode with the recorded reply and /uprn with its records for that UPRN;
    refuses any parameter OS does not document for the resource."""

    def __init__(self, reply: dict[str, Any]) -> None:
        self.reply = reply
        super().__init__(self.answer)

    def answer(self, request: Request) -> Reply:
        resource = request.path.rsplit("/", 1)[-1]
        params = parse_qs(request.query)
        undocumented = set(params) - DOCUMENTED_PARAMETERS[resource]
        if undocumented:
            return 400, JSON, {"error": {"statuscode": 400,
                                         "message": f"undocumented {sorted(undocumented)}"}}
        if resource == "postcode":
            return 200, JSON, self.reply
        uprn = params["uprn"][0]
        records = [r for r in self.reply["results"] or []
                   if next(iter(r.values()))["UPRN"] == uprn]
        header = {**self.reply["header"], "totalresults": len(records)}
        return 200, JSON, {"header": header, "results": records} if records else {"header": header}

    def client(self, **options: Any) -> OSPlaces:
        return OSPlaces("recorded-key", base_url=self.url + "/search/places/v1", retry=None,
                        **options)


def sent(server: LocalHTTPServer) -> list[tuple[str, set[str]]]:
    return [(r.path.rsplit("/", 1)[-1], set(parse_qs(r.query))) for r in server.requests]


@pytest.mark.parametrize("language", [None, "en", "cy"])
def test_every_request_carries_only_documented_parameters(language: str | None) -> None:
    with OSPlacesServer() as server, server.client(dataset="DPA,LPI", language=language,
                                                   fq="CLASSIFICATION_CODE:R*",
                                                   key_location="query") as places:
        sample = server.addresses[0]
        with contextlib.suppress(NotFound):  # the answers are not the point here
            places.by_uprn(sample.uprn)
        places.by_postcode(sample.postcode)
        places.search("high street", limit=3)
        places.match("1 high street")
        made = sent(server)
    assert [resource for resource, _ in made][:2] == ["uprn", "postcode"]
    assert {resource for resource, _ in made} == {"uprn", "postcode", "find"}
    for resource, names in made:
        assert names <= DOCUMENTED_PARAMETERS[resource], (resource, names)
    assert not made[0][1] & {"maxresults", "offset"}


def test_the_fake_server_refuses_an_undocumented_parameter() -> None:
    with OSPlacesServer() as server:
        reply = requests.get(f"{server.base_url}/uprn", params={"uprn": 1, "offset": 0},
                             headers={"key": server.key}, timeout=5)
    assert reply.status_code == 400
    assert "'offset' is not one the uprn resource takes" in reply.json()["error"]["message"]


def test_the_recorded_e1_8qs_reply_is_read_as_govuk_recorded_it() -> None:
    with RecordedOSPlaces(RECORDED) as server, server.client(dataset="DPA,LPI") as places:
        found = places.by_postcode("e1 8qs")
        one = places.by_uprn(6714278)
        twice = places.by_uprn(10091989923)  # two DPA records share this UPRN
        with pytest.raises(NotFound):
            places.by_uprn(100000000001)
        made = sent(server)
    assert [a.uprn for a in found] == [6714278, 6714279, 10091989923]
    assert [a.single_line() for a in found] == [
        "1 Whitechapel High Street, London, E1 8QS",
        "2 Whitechapel High Street, London, E1 8QS",
        "10 Whitechapel High Street, London, E1 8QS",
    ]
    first, second, _ = found
    assert isinstance(first, Address) and first.postal and first.logical_status == 1
    assert (first.easting, first.northing) == (533813.0, 181262.0)
    assert second.usrn == 22701338 and second.classification == "CO01"
    assert one == first and twice.uprn == 10091989923
    assert [resource for resource, _ in made] == ["postcode", "uprn", "uprn", "uprn"]


def test_a_recorded_reply_with_null_results_is_no_addresses() -> None:
    nothing = copy.deepcopy(RECORDED)
    nothing["header"]["totalresults"] = 0
    nothing["results"] = None  # as locations-api also records OS answering
    with RecordedOSPlaces(nothing) as server, server.client() as places:
        assert places.by_postcode("E1 8QS") == []
        with pytest.raises(NotFound):
            places.by_uprn(6714278)
