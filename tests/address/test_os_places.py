"""OSPlaces against a local server speaking the documented OS Places JSON."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lgds_components.address import Address, AddressLookup, Match
from lgds_components.address.os_places import DEFAULT_BASE_URL, OSPlaces, title_case
from lgds_components.errors import (
    AuthenticationError,
    ConfigurationError,
    InvalidLength,
    NotFound,
    ProviderError,
    ProviderUnavailable,
    ValidationError,
)
from lgds_components.http import RetryPolicy
from lgds_components.secret import Secret
from lgds_components.testing.address import conformance_addresses, conformance_records
from lgds_components.testing.http_server import LocalHTTPServer, Request
from lgds_components.testing.os_places_server import DEFAULT_KEY, OSPlacesServer, to_dpa, to_lpi

KEY = "k3y-Sup3r-S3cret/value"
BIG_POSTCODE = "EX99 2BB"
RECORDS = conformance_records()


def crowd(count: int = 250) -> list[Address]:
    """``count`` houses sharing one postcode, UPRNs against natural order."""
    return [
        Address(
            uprn=200000000000 + count - n,
            pao_start_number=n,
            street="Long Road",
            town="Exeter",
            postcode=BIG_POSTCODE,
            usrn=14200010,
            classification="RD03",
        )
        for n in range(1, count + 1)
    ]


@pytest.fixture
def server() -> Iterator[OSPlacesServer]:
    with OSPlacesServer([*conformance_addresses(), *crowd()], key=KEY) as running:
        yield running


@pytest.fixture
def places(server: OSPlacesServer) -> Iterator[OSPlaces]:
    with server.client(dataset="DPA,LPI") as client:
        yield client


def queries(server: OSPlacesServer) -> list[dict[str, list[str]]]:
    return [parse_qs(r.query) for r in server.requests]


def uprns(addresses: list[Address]) -> list[int]:
    return [a.uprn for a in addresses]


# ----------------------------------------------------------------------------- basics


def test_is_an_address_lookup(places: OSPlaces) -> None:
    assert isinstance(places, AddressLookup)


def test_repr_and_errors_never_show_the_key() -> None:
    with OSPlaces(KEY) as client:
        assert KEY not in repr(client)
        assert repr(client) == f"<OSPlaces base_url={DEFAULT_BASE_URL!r} dataset='DPA'>"
        assert KEY not in repr(vars(client))


def test_key_goes_in_the_key_header_not_the_url(server: OSPlacesServer, places: OSPlaces) -> None:
    places.by_uprn(RECORDS["hs_1"].uprn)
    sent = server.requests[-1]
    assert sent.headers["key"] == KEY
    assert "key" not in parse_qs(sent.query)
    assert sent.headers["User-Agent"].startswith("lgds-components/")


def test_key_may_go_in_the_query(server: OSPlacesServer) -> None:
    with server.client(key_location="query") as client:
        client.by_uprn(RECORDS["hs_1"].uprn)
    sent = server.requests[-1]
    assert parse_qs(sent.query)["key"] == [KEY]
    assert sent.headers["key"] is None


def test_accepts_a_secret(server: OSPlacesServer) -> None:
    with server.client(api_key=Secret(KEY)) as client:
        assert client.by_uprn(RECORDS["hs_1"].uprn).uprn == RECORDS["hs_1"].uprn


def test_from_env(monkeypatch: pytest.MonkeyPatch, server: OSPlacesServer) -> None:
    monkeypatch.setenv("OS_PLACES_API_KEY", KEY)
    with OSPlaces.from_env(base_url=server.base_url, retry=None) as client:
        assert client.by_uprn(RECORDS["hs_1"].uprn).uprn == RECORDS["hs_1"].uprn
    monkeypatch.delenv("OS_PLACES_API_KEY")
    with pytest.raises(ConfigurationError, match="OS_PLACES_API_KEY"):
        OSPlaces.from_env()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"dataset": "XYZ"},
        {"dataset": "DPA,DPA"},
        {"dataset": ""},
        {"fq": "FOO:1"},
        {"fq": ""},
        {"fq": ["CLASSIFICATION_CODE:RD", "LOGICAL_STATUS_CODE"]},
        {"fq": "CLASSIFICATION_CODE:R&D"},
        {"language": "fr"},
        {"max_results_per_page": 0},
        {"max_results_per_page": 101},
        {"max_pages": 0},
        {"match_precision": 11},
        {"key_location": "cookie"},
    ],
)
def test_bad_configuration_is_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        OSPlaces(KEY, **kwargs)


@pytest.mark.parametrize("key", ["", "   "])
def test_a_key_is_required(key: str) -> None:
    with pytest.raises(ConfigurationError):
        OSPlaces(key)


def test_a_session_you_pass_is_used_and_left_open(server: OSPlacesServer) -> None:
    closed = []

    class Session(requests.Session):
        def close(self) -> None:
            closed.append(True)
            super().close()

    with Session() as session:
        with OSPlaces(KEY, session=session, base_url=server.base_url) as client:
            client.by_uprn(RECORDS["hs_1"].uprn)
        assert closed == []
        assert server.requests[-1].headers["User-Agent"].startswith("python-requests/")
    assert closed == [True]


# ----------------------------------------------------------------------------- by_postcode


def test_by_postcode_pages_past_100_with_offset(server: OSPlacesServer) -> None:
    with server.client() as client:
        found = client.by_postcode(BIG_POSTCODE.lower().replace(" ", ""))
    assert len(found) == 250
    assert [a.pao_start_number for a in found] == list(range(1, 251))
    sent = queries(server)
    assert [q["offset"] for q in sent] == [["0"], ["100"], ["200"]]
    assert all(q["maxresults"] == ["100"] and q["postcode"] == [BIG_POSTCODE] for q in sent)


def test_by_postcode_pages_both_datasets(server: OSPlacesServer, places: OSPlaces) -> None:
    found = places.by_postcode(BIG_POSTCODE)
    assert len(found) == 250 and len(set(uprns(found))) == 250
    assert [q["offset"] for q in queries(server)] == [["0"], ["100"], ["200"], ["300"], ["400"]]


def test_by_postcode_with_a_smaller_page(server: OSPlacesServer) -> None:
    with server.client(max_results_per_page=40) as client:
        assert len(client.by_postcode(BIG_POSTCODE)) == 250
    assert len(server.requests) == 7
    assert {q["maxresults"][0] for q in queries(server)} == {"40"}


def test_by_postcode_never_returns_a_short_list(server: OSPlacesServer) -> None:
    with server.client(max_pages=2) as client, pytest.raises(ProviderError, match="max_pages"):
        client.by_postcode(BIG_POSTCODE)


def test_by_postcode_invalid_sends_nothing(server: OSPlacesServer, places: OSPlaces) -> None:
    with pytest.raises(ValidationError):
        places.by_postcode("not a postcode")
    assert server.requests == []


def test_by_postcode_unknown_gives_empty_list(places: OSPlaces) -> None:
    assert places.by_postcode("EX99 8ZZ") == []


def test_dpa_only_leaves_out_non_postal_addresses(server: OSPlacesServer) -> None:
    with server.client(dataset="DPA") as client:
        found = set(uprns(client.by_postcode("EX99 1AA")))
    assert RECORDS["hs_10"].uprn not in found
    assert RECORDS["hs_10_flat_2"].uprn in found


def test_sends_dataset_srs_and_precision(server: OSPlacesServer, places: OSPlaces) -> None:
    places.search("10 high street")
    sent = queries(server)[-1]
    assert sent["dataset"] == ["DPA,LPI"]
    assert sent["output_srs"] == ["EPSG:27700"]
    assert sent["matchprecision"] == ["2"]
    assert "lr" not in sent


# ----------------------------------------------------------------------------- mapping


def test_dpa_records_map_to_addresses(server: OSPlacesServer) -> None:
    with server.client(dataset="DPA") as client:
        by_uprn = {a.uprn: a for a in client.by_postcode("EX99 1AA")}
        mill = {a.uprn: a for a in client.by_postcode("EX99 1AB")}
    flat = by_uprn[RECORDS["hs_10_flat_2"].uprn]
    assert (flat.sao_text, flat.pao_start_number, flat.street, flat.town) == (
        "Flat 2",
        10,
        "High Street",
        "Exeter",
    )
    assert flat.lines() == RECORDS["hs_10_flat_2"].lines()
    assert flat.parent_uprn == RECORDS["hs_10"].uprn
    assert flat.usrn is None  # DPA records carry no USRN
    suffixed = by_uprn[RECORDS["hs_2a"].uprn]
    assert (suffixed.pao_start_number, suffixed.pao_start_suffix) == (2, "A")
    ranged = by_uprn[RECORDS["hs_110"].uprn]
    assert (ranged.organisation, ranged.pao_numbers) == ("Riverside Dental Practice", "110-114")
    assert ranged.single_line() == RECORDS["hs_110"].single_line()
    named = mill[RECORDS["vh_gff"].uprn]
    assert (named.sao_text, named.pao_text, named.pao_start_number) == (
        "Ground Floor Flat",
        "Victoria House",
        15,
    )
    court = mill[RECORDS["rc_2"].uprn]
    assert (court.sao_start_number, court.pao_text) == (2, "Rose Court")
    assert court.lines() == ("2 Rose Court", "Mill Lane", "Exeter", "EX99 1AB")
    assert (flat.easting, flat.classification, flat.logical_status, flat.postal) == (
        292010.0,
        "RD06",
        1,
        True,
    )


def test_lpi_records_map_to_addresses(server: OSPlacesServer) -> None:
    with server.client(dataset="LPI") as client:
        homes = {a.uprn: a for a in client.by_postcode("EX99 1AA")}
        welsh = {a.uprn: a for a in client.by_postcode("SA99 1AA", language="cy")}
    for name in ("hs_10", "hs_10_flat_2", "hs_2a", "hs_110"):
        assert homes[RECORDS[name].uprn] == RECORDS[name], name
    assert homes[RECORDS["hs_10"].uprn].postal is False
    assert welsh[RECORDS["w_1"].uprn] == RECORDS["w_1_cy"]
    assert welsh[RECORDS["w_ty_gwyn"].uprn].pao_text == "Tŷ Gwyn"


def test_both_datasets_prefer_the_one_listed_first(server: OSPlacesServer) -> None:
    uprn = RECORDS["hs_10_flat_2"].uprn
    with server.client(dataset="DPA,LPI") as client:
        assert client.by_uprn(uprn).usrn is None  # from the DPA record
    with server.client(dataset="LPI,DPA") as client:
        assert client.by_uprn(uprn).usrn == RECORDS["hs_10_flat_2"].usrn


def test_language(server: OSPlacesServer) -> None:
    uprn = RECORDS["w_1"].uprn
    with server.client(dataset="LPI") as client:
        assert client.by_uprn(uprn).street == "Mill Road"
        assert client.by_uprn(uprn, language="cy").street == "Heol y Felin"
    with server.client(dataset="LPI", language="cy") as client:
        assert client.by_uprn(uprn).street == "Heol y Felin"
        assert [a.language for a in client.by_postcode("SA99 1AA")] == ["cy"] * 3
    assert queries(server)[-1]["lr"] == ["CY"]


def test_title_case_can_be_turned_off(server: OSPlacesServer) -> None:
    with server.client(title_case=False) as client:
        assert client.by_uprn(RECORDS["hs_10_flat_2"].uprn).lines()[0] == "FLAT 2"


def reply(*results: dict[str, Any], **header: Any) -> dict[str, Any]:
    head = {
        "uri": "x",
        "query": "x",
        "offset": 0,
        "totalresults": len(results),
        "format": "JSON",
        "dataset": "DPA",
        "lr": "EN,CY",
        "maxresults": 100,
        "epoch": "117",
        "output_srs": "EPSG:27700",
        **header,
    }
    body: dict[str, Any] = {"header": head, "something_new": {"added": True}}
    if results:
        body["results"] = list(results)
    return body


@pytest.fixture
def canned() -> Iterator[tuple[LocalHTTPServer, list[Any]]]:
    """A server answering every request with the next body in a list."""
    bodies: list[Any] = []

    def handler(request: Request) -> tuple[int, dict[str, str], Any]:
        return 200, {"Content-Type": "application/json"}, bodies.pop(0)

    with LocalHTTPServer(handler) as server:
        yield server, bodies


def canned_client(server: LocalHTTPServer, **kwargs: Any) -> OSPlaces:
    return OSPlaces(KEY, base_url=server.url + "/search/places/v1", retry=None, **kwargs)


def test_unknown_fields_and_json_numbers_are_read(canned: Any) -> None:
    server, bodies = canned
    dpa = {
        "UPRN": 100000000501,
        "UDPRN": 12345678,
        "ADDRESS": "ACME WIDGETS, SALES, 4, ORCHARD MEWS, HIGH STREET, UPTON, EXETER, EX99 3AA",
        "ORGANISATION_NAME": "ACME WIDGETS",
        "DEPARTMENT_NAME": "SALES",
        "BUILDING_NUMBER": 4,
        "DEPENDENT_THOROUGHFARE_NAME": "ORCHARD MEWS",
        "THOROUGHFARE_NAME": "HIGH STREET",
        "DEPENDENT_LOCALITY": "UPTON",
        "POST_TOWN": "EXETER",
        "POSTCODE": "EX99 3AA",
        "X_COORDINATE": 437292.43,
        "Y_COORDINATE": 115541.95,
        "LOGICAL_STATUS_CODE": "1",
        "CLASSIFICATION_CODE": "CO01",
        "LOCAL_CUSTODIAN_CODE": 1760,
        "LANGUAGE": "EN",
        "A_FIELD_OS_ADDS_LATER": {"nested": [1, 2]},
        "MATCH": 1.0,
        "MATCH_DESCRIPTION": "EXACT",
    }
    bodies.append(reply({"DPA": dpa}, {"NEW_DATASET": {"UPRN": "1"}}))
    with canned_client(server) as client:
        found = client.by_uprn(100000000501)
    assert found.lines() == (
        "Acme Widgets, Sales",
        "4 Orchard Mews, High Street",
        "Upton",
        "Exeter",
        "EX99 3AA",
    )
    assert (found.easting, found.northing) == (437292.43, 115541.95)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"BUILDING_NAME": "12A"}, ("12A Mill Lane",)),
        ({"BUILDING_NAME": "110-114"}, ("110-114 Mill Lane",)),
        ({"BUILDING_NAME": "B"}, ("B Mill Lane",)),  # a letter: the exception rule too
        ({"SUB_BUILDING_NAME": "2", "BUILDING_NAME": "ROSE COURT"}, ("2 Rose Court", "Mill Lane")),
        (
            {
                "SUB_BUILDING_NAME": "FLAT 1",
                "BUILDING_NAME": "O'NEILL HOUSE",
                "BUILDING_NUMBER": "15",
            },
            ("Flat 1", "O'Neill House", "15 Mill Lane"),
        ),
        ({"PO_BOX_NUMBER": "123"}, ("PO Box 123", "Mill Lane")),
    ],
)
def test_paf_building_rules(canned: Any, fields: dict[str, str], expected: tuple[str, ...]) -> None:
    server, bodies = canned
    dpa = {
        "UPRN": "100000000502",
        "THOROUGHFARE_NAME": "MILL LANE",
        "POST_TOWN": "EXETER",
        "POSTCODE": "EX99 3AB",
        **fields,
    }
    bodies.append(reply({"DPA": dpa}))
    with canned_client(server) as client:
        assert client.by_uprn(100000000502).lines(postcode=False)[:-1] == expected


def test_lpi_status_postal_flag_and_language(canned: Any) -> None:
    server, bodies = canned
    lpi = {
        "UPRN": "100000000503",
        "USRN": "14200009",
        "SAO_TEXT": "GARAGE 3",
        "PAO_START_NUMBER": "1",
        "PAO_START_SUFFIX": "a",
        "PAO_END_NUMBER": "1",
        "PAO_END_SUFFIX": "C",
        "STREET_DESCRIPTION": "LÔN LAS",
        "TOWN_NAME": "ABERTAWE",
        "POSTCODE_LOCATOR": "SA99 2AA",
        "LOGICAL_STATUS_CODE": "1",
        "LPI_LOGICAL_STATUS_CODE": "3",
        "POSTAL_ADDRESS_CODE": "N",
        "LANGUAGE": "CY",
    }
    bodies.append(reply({"LPI": lpi}, dataset="LPI"))
    with canned_client(server, dataset="LPI") as client:
        found = client.by_uprn(100000000503)
    assert (found.sao_text, found.pao_numbers, found.street) == ("Garage 3", "1A-1C", "Lôn Las")
    assert (found.logical_status, found.postal, found.language, found.usrn) == (
        3,
        False,
        "cy",
        14200009,
    )


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"results": []}',
        b'{"header": {"totalresults": "many"}}',
        b'{"header": {}, "results": [{"DPA": {"UPRN": "not a number"}}]}',
        b'{"header": {}, "results": "nope"}',
    ],
)
def test_unreadable_replies_are_provider_errors(canned: Any, body: bytes) -> None:
    server, bodies = canned
    bodies.append(body)
    with canned_client(server) as client, pytest.raises(ProviderError) as caught:
        client.by_uprn(1)
    assert not isinstance(caught.value, NotFound)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "header",
                        "results",
                        "DPA",
                        "LPI",
                        "UPRN",
                        "totalresults",
                        "BUILDING_NUMBER",
                        "MATCH",
                        "x",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_any_json_gives_an_answer_or_a_provider_error(canned: Any, data: Any) -> None:
    server, bodies = canned
    bodies.append(json.dumps(data).encode())
    with canned_client(server) as client:
        try:
            found = client.search("10 high street")
        except ProviderError:
            return
        assert all(isinstance(m, Match) for m in found)


# ----------------------------------------------------------------------------- filters


def test_fq_is_passed_through_and_applied(server: OSPlacesServer) -> None:
    filters = ["CLASSIFICATION_CODE:RD* CLASSIFICATION_CODE:PP", "LOGICAL_STATUS_CODE:1"]
    with server.client(dataset="DPA,LPI", fq=filters) as client:
        found = set(uprns(client.by_postcode("EX99 1AA")))
    assert queries(server)[-1]["fq"] == filters
    assert RECORDS["hs_110"].uprn not in found  # CM03, not residential
    assert RECORDS["hs_10"].uprn in found and RECORDS["hs_10_flat_2"].uprn in found


def test_fq_on_status_hides_other_records(server: OSPlacesServer) -> None:
    with server.client(dataset="LPI", fq="LOGICAL_STATUS_CODE:8") as client:
        assert client.by_postcode("EX99 1AA") == []
        with pytest.raises(NotFound):
            client.by_uprn(RECORDS["hs_1"].uprn)


# ----------------------------------------------------------------------------- by_uprn


def test_by_uprn(places: OSPlaces) -> None:
    assert places.by_uprn(str(RECORDS["rc_2"].uprn)).lines(postcode=False) == (
        "2 Rose Court",
        "Mill Lane",
        "Exeter",
    )


def test_by_uprn_with_no_results_is_not_found(server: OSPlacesServer, places: OSPlaces) -> None:
    with pytest.raises(NotFound) as caught:
        places.by_uprn(100000000999)
    assert caught.value.provider == "os-places"
    assert queries(server)[-1]["uprn"] == ["100000000999"]


@pytest.mark.parametrize("bad", ["", "abc", 0, "-1", "1234567890123"])
def test_by_uprn_invalid_sends_nothing(server: OSPlacesServer, places: OSPlaces, bad: Any) -> None:
    with pytest.raises(ValidationError):
        places.by_uprn(bad)
    assert server.requests == []


def test_a_wrong_base_url_is_not_mistaken_for_an_unknown_uprn(server: OSPlacesServer) -> None:
    with OSPlaces(KEY, base_url=server.url + "/wrong/v1", retry=None) as client:
        with pytest.raises(ProviderError, match="base_url") as caught:
            client.by_uprn(RECORDS["hs_1"].uprn)
    assert not isinstance(caught.value, NotFound)
    assert caught.value.status == 404


# ----------------------------------------------------------------------------- search, match


def test_search_scores_come_from_match(server: OSPlacesServer, places: OSPlaces) -> None:
    found = places.search("flat 2, 10 high st, exeter, ex99 1aa", limit=3)
    assert found[0].uprn == RECORDS["hs_10_flat_2"].uprn
    assert found[0].score == 1.0
    assert found[0].reason == "OS Places MATCH 1, EXACT"
    assert all(m.score < 1.0 for m in found[1:])
    assert queries(server)[-1]["query"] == ["flat 2, 10 high st, exeter, ex99 1aa"]


def test_search_postcode_goes_in_the_query_and_filters(
    server: OSPlacesServer, places: OSPlaces
) -> None:
    found = places.search("10 high street", postcode="ex999aa")
    assert [m.uprn for m in found] == [RECORDS["cr_hs_10"].uprn]
    assert queries(server)[-1]["query"] == ["10 high street EX99 9AA"]


def test_search_postcode_alone_lists_the_postcode(places: OSPlaces) -> None:
    found = places.search("", postcode="EX99 9AA")
    assert [(m.uprn, m.score, m.reason) for m in found] == [
        (RECORDS["cr_hs_10"].uprn, 0.5, "at postcode")
    ]


def test_search_limit(places: OSPlaces) -> None:
    assert len(places.search("long road", limit=7)) == 7


@pytest.mark.parametrize("limit", [0, 101, -1, True, 2.5, "3"])
def test_search_bad_limit(server: OSPlacesServer, places: OSPlaces, limit: Any) -> None:
    with pytest.raises(ValidationError):
        places.search("high street", limit=limit)
    assert server.requests == []


def test_search_text_is_checked_before_sending(server: OSPlacesServer, places: OSPlaces) -> None:
    with pytest.raises(InvalidLength):
        places.search("x" * 301)
    with pytest.raises(ValidationError):
        places.search(None)  # type: ignore[arg-type]
    assert places.search("  ,.; ") == []
    assert server.requests == []


def test_a_400_for_search_text_is_a_validation_error(server: OSPlacesServer) -> None:
    server.fail(400, "Requested query contains characters that are not allowed.")
    with server.client() as client, pytest.raises(ValidationError) as caught:
        client.search("10 high street")
    assert "characters that are not allowed" in caught.value.message
    assert caught.value.field == "text"
    assert isinstance(caught.value.__cause__, ProviderError)
    assert caught.value.__cause__.status == 400


def test_a_400_for_a_postcode_is_a_provider_error(server: OSPlacesServer) -> None:
    server.fail(400, "Requested postcode must hold at least an outward code.")
    with server.client() as client, pytest.raises(ProviderError) as caught:
        client.by_postcode("EX99 1AA")
    assert not isinstance(caught.value, ValidationError)
    assert caught.value.status == 400
    assert "outward code" in str(caught.value)


def test_match_sends_threshold_as_minmatch(server: OSPlacesServer, places: OSPlaces) -> None:
    found = places.match("2 rose court mill lane exeter", threshold=0.9)
    assert found is not None and found.uprn == RECORDS["rc_2"].uprn
    assert queries(server)[-1]["minmatch"] == ["0.9"]


def test_match_below_threshold_is_none(places: OSPlaces) -> None:
    assert places.match("rose court") is None
    assert places.match("rose court", threshold=0.1) is not None


def test_match_tie_is_none(places: OSPlaces) -> None:
    # 10 High Street, Exeter and 10 High Street, Crediton score the same
    assert places.search("10 high street")[0].score == places.search("10 high street")[1].score
    assert places.match("10 high street", threshold=0.5) is None


def test_match_many_streams_and_skips_bad_rows(server: OSPlacesServer, places: OSPlaces) -> None:
    line = RECORDS["ml_12a"].single_line()
    rows = iter([line, "x" * 1000, "", "qwerty uiop", line])
    results = places.match_many(rows)
    assert next(results).uprn == RECORDS["ml_12a"].uprn  # type: ignore[union-attr]
    assert len(server.requests) == 1
    assert [m.uprn if m else None for m in results] == [None, None, None, RECORDS["ml_12a"].uprn]


def test_match_many_stops_on_provider_errors(server: OSPlacesServer, places: OSPlaces) -> None:
    server.fail(401)
    with pytest.raises(AuthenticationError):
        list(places.match_many(["10 high street exeter"]))


# ----------------------------------------------------------------------------- failures


def assert_key_hidden(exc: BaseException, *texts: str) -> None:
    rendered = "".join(traceback.format_exception(exc))
    for text in (str(exc), repr(exc), rendered, *texts):
        assert KEY not in text
        assert KEY.replace("/", "%2F") not in text


def test_wrong_key_is_an_authentication_error(server: OSPlacesServer) -> None:
    with server.client(api_key="not-the-key-9876") as client:
        with pytest.raises(AuthenticationError) as caught:
            client.by_postcode("EX99 1AA")
    assert caught.value.status == 401
    assert "Missing or unsupported API key provided." in str(caught.value)
    assert "not-the-key-9876" not in str(caught.value)


def test_403_is_an_authentication_error(server: OSPlacesServer, places: OSPlaces) -> None:
    server.fail(403, "The API is not in this project.")
    with pytest.raises(AuthenticationError, match="not in this project"):
        places.by_uprn(RECORDS["hs_1"].uprn)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_unavailable_statuses(server: OSPlacesServer, places: OSPlaces, status: int) -> None:
    server.fail(status, headers={"Retry-After": "30"})
    with pytest.raises(ProviderUnavailable) as caught:
        places.search("10 high street")
    assert (caught.value.status, caught.value.retry_after) == (status, 30.0)
    assert caught.value.retryable


def test_retry_after_is_honoured(server: OSPlacesServer) -> None:
    waits: list[float] = []
    policy = RetryPolicy(attempts=3, jitter=0.0, sleep=waits.append)
    server.fail(429, headers={"Retry-After": "7"})
    server.fail(503, headers={"Retry-After": "2"})
    with server.client(retry=policy) as client:
        assert client.by_uprn(RECORDS["hs_1"].uprn).uprn == RECORDS["hs_1"].uprn
    assert waits == [7.0, 2.0]
    assert len(server.requests) == 3


def test_retry_after_beyond_the_limit_is_not_waited_for(server: OSPlacesServer) -> None:
    waits: list[float] = []
    policy = RetryPolicy(attempts=3, sleep=waits.append, max_retry_after=60)
    server.fail(429, headers={"Retry-After": "3600"})
    with server.client(retry=policy) as client, pytest.raises(ProviderUnavailable) as caught:
        client.by_uprn(RECORDS["hs_1"].uprn)
    assert caught.value.retry_after == 3600.0
    assert waits == []


def test_retries_give_up(server: OSPlacesServer) -> None:
    waits: list[float] = []
    for _ in range(3):
        server.fail(503)
    with server.client(retry=RetryPolicy(attempts=3, sleep=waits.append)) as client:
        with pytest.raises(ProviderUnavailable):
            client.by_postcode("EX99 1AA")
    assert len(waits) == 2 and len(server.requests) == 3


def test_reset_connection(server: OSPlacesServer, places: OSPlaces) -> None:
    server.reset()
    with pytest.raises(ProviderUnavailable):
        places.by_uprn(RECORDS["hs_1"].uprn)
    with server.client(retry=RetryPolicy(attempts=2, sleep=lambda s: None)) as client:
        server.reset()
        assert client.by_uprn(RECORDS["hs_1"].uprn).uprn == RECORDS["hs_1"].uprn


def test_hang_times_out(server: OSPlacesServer) -> None:
    server.hang(5)
    with server.client(timeout=(1.0, 0.2)) as client, pytest.raises(ProviderUnavailable) as caught:
        client.by_uprn(RECORDS["hs_1"].uprn)
    assert "timed out" in str(caught.value)


def test_the_key_never_shows(server: OSPlacesServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []
    waits: list[float] = []
    with server.client(retry=RetryPolicy(attempts=2, sleep=waits.append)) as client:
        for fault in (
            lambda: server.fail(401),
            lambda: server.fail(400, f"bad {KEY}"),
            server.reset,
            lambda: [server.fail(503), server.fail(503)],
        ):
            fault()
            try:
                client.search("10 high street")
            except Exception as exc:
                errors.append(exc)
        client.by_postcode(BIG_POSTCODE)
    with server.client(api_key="wrong-" + KEY) as client:
        try:
            client.by_uprn(RECORDS["hs_1"].uprn)
        except AuthenticationError as exc:
            errors.append(exc)
    assert len(errors) == 4  # the reset was retried and passed
    for exc in errors:
        assert_key_hidden(exc)
    assert caplog.records, "expected DEBUG logging"
    assert KEY not in caplog.text


def test_the_key_in_the_query_is_hidden_with_the_filter(
    server: OSPlacesServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with server.client(key_location="query") as client:
        urllib3_log = logging.getLogger("urllib3.connectionpool")
        redactor = client.redacting_filter()
        urllib3_log.addFilter(redactor)
        try:
            client.by_uprn(RECORDS["hs_1"].uprn)
            server.fail(503)
            with pytest.raises(ProviderUnavailable) as caught:
                client.by_uprn(RECORDS["hs_1"].uprn)
        finally:
            urllib3_log.removeFilter(redactor)
    assert_key_hidden(caught.value)
    assert "key=********" in caplog.text
    assert KEY not in caplog.text


# ----------------------------------------------------------------------------- helpers


def test_server_refuses_bad_parameters() -> None:
    with OSPlacesServer() as server, requests.Session() as session:

        def get(path: str, **params: str) -> requests.Response:
            response = session.get(
                server.base_url + path, params=params, headers={"key": DEFAULT_KEY}, timeout=5
            )
            response.close()
            return response

        assert get("/postcode", postcode="EX99 1AA").status_code == 200
        # an outward code: DPA records at EX99, 16 addresses less 2 that are not postal
        assert get("/postcode", postcode="EX99").json()["header"]["totalresults"] == 14
        for path, params in [
            ("/postcode", {"postcode": "!"}),
            ("/uprn", {"uprn": "x"}),
            ("/find", {"query": ""}),
            ("/find", {"query": "a", "minmatch": "2"}),
            ("/postcode", {"postcode": "EX99 1AA", "maxresults": "101"}),
            ("/postcode", {"postcode": "EX99 1AA", "dataset": "ABC"}),
            ("/postcode", {"postcode": "EX99 1AA", "fq": "NOPE:1"}),
        ]:
            body = get(path, **params).json()
            assert body["error"]["statuscode"] == 400, (path, params)
        assert get("/nothing").status_code == 404
        empty = get("/uprn", uprn="1").json()
        assert "results" not in empty and empty["header"]["totalresults"] == 0


def test_to_dpa_and_to_lpi_shapes() -> None:
    flat = RECORDS["hs_10_flat_2"]
    dpa, lpi = to_dpa(flat), to_lpi(flat)
    assert dpa is not None
    assert set(dpa) >= {
        "UPRN",
        "UDPRN",
        "ADDRESS",
        "SUB_BUILDING_NAME",
        "BUILDING_NUMBER",
        "THOROUGHFARE_NAME",
        "POST_TOWN",
        "POSTCODE",
        "X_COORDINATE",
        "LOGICAL_STATUS_CODE",
        "CLASSIFICATION_CODE",
        "LANGUAGE",
        "PARENT_UPRN",
    }
    assert set(lpi) >= {
        "UPRN",
        "USRN",
        "SAO_TEXT",
        "PAO_START_NUMBER",
        "STREET_DESCRIPTION",
        "TOWN_NAME",
        "POSTCODE_LOCATOR",
        "LPI_LOGICAL_STATUS_CODE",
        "LANGUAGE",
    }
    assert to_dpa(RECORDS["hs_10"]) is None  # not a postal address


@given(st.text(max_size=60))
def test_title_case_never_fails(text: str) -> None:
    result = title_case(text)
    assert isinstance(result, str)
    if text != text.upper():
        assert result == text


def test_a_bad_language_per_call_is_a_validation_error(
    server: OSPlacesServer, places: OSPlaces
) -> None:
    with pytest.raises(ValidationError):
        places.by_postcode("EX99 1AA", language="fr")
    assert server.requests == []


def test_timeout_applies_to_your_own_session_too(server: OSPlacesServer) -> None:
    server.hang(5)
    with requests.Session() as session:
        client = OSPlaces(KEY, session=session, base_url=server.base_url, timeout=(1.0, 0.2))
        with pytest.raises(ProviderUnavailable, match="timed out"):
            client.by_uprn(RECORDS["hs_1"].uprn)


def test_serves_the_shipped_sample_faithfully(sample: Any) -> None:
    """OSPlaces over the local server agrees with the Gazetteer on the sample's postcodes."""
    postcodes = sorted({a.postcode for a in sample.sample_addresses(40, seed=2)})[:6]
    english = {pc: sample.by_postcode(pc) for pc in postcodes}
    welsh = [
        a for pc in postcodes for a in sample.by_postcode(pc, language="cy") if a.language == "cy"
    ]
    served = [a for found in english.values() for a in found] + welsh
    with OSPlacesServer(served) as server:
        with server.client(dataset="LPI") as lpi, server.client(dataset="DPA") as dpa:
            for pc, expected in english.items():
                assert lpi.by_postcode(pc) == expected
                postal = [a.lines() for a in expected if a.postal]
                assert [a.lines() for a in dpa.by_postcode(pc)] == postal
