"""A local stand-in for the OS Places API, for offline tests.

:class:`OSPlacesServer` is a :class:`~lgds_components.testing.http_server.LocalHTTPServer`
that answers the OS Places ``postcode``, ``uprn`` and ``find`` resources
from a list of :class:`~lgds_components.address.Address` records, in the JSON
shape OS documents: a ``header`` (``uri``, ``query``, ``offset``,
``totalresults``, ``format``, ``dataset``, ``lr``, ``maxresults``,
``epoch``, ``output_srs``...) and ``results``, a list of ``{"DPA": {...}}``
and ``{"LPI": {...}}`` records with OS's field names, in capitals. As OS
does, it leaves ``results`` out when there are none, and answers errors as
``{"error": {"statuscode": ..., "message": ...}}``.

What it honours: the API key (``key`` header or query parameter; anything
else is a 401), ``dataset`` (``DPA``, ``LPI`` or both), ``lr`` (``EN``,
``CY``), ``fq`` filters on ``CLASSIFICATION_CODE`` (``*`` wildcards),
``LOGICAL_STATUS_CODE``, ``LPI_LOGICAL_STATUS_CODE`` and ``COUNTRY_CODE``,
``maxresults`` (1 to 100) and ``offset`` for paging ``postcode`` and
``find``, and for ``find`` ``minmatch`` and ``matchprecision``. A parameter
OS does not document for the resource
(:data:`~lgds_components.address.os_places.DOCUMENTED_PARAMETERS`, such as
``offset`` on ``uprn``) is answered with a 400, so a client that sends one
fails its tests rather than relying on what OS does with it. ``find`` scores with
:class:`~lgds_components.testing.address.SimpleIndex`, so ``MATCH`` is
a plausible relevance but not OS's own.

A DPA record is made for each postal, approved address; an LPI record for
every address. Faults (hang, reset, any status) queue as on every
:class:`~lgds_components.testing.http_server.LocalHTTPServer`; :meth:`OSPlacesServer.fail`
queues an error in OS's shape.

>>> from lgds_components.address import Address
>>> from lgds_components.testing.os_places_server import OSPlacesServer
>>> homes = [Address(uprn=n, pao_start_number=n, street="Mill Lane", town="Exeter",
...                  postcode="EX99 1AB") for n in range(1, 251)]
>>> with OSPlacesServer(homes) as server, server.client() as places:
...     found = places.by_postcode("EX99 1AB")
...     offsets = [r.query for r in server.requests]
>>> len(found), found[0].single_line()
(250, '1 Mill Lane, Exeter, EX99 1AB')
>>> [("offset=0" in q, "offset=100" in q, "offset=200" in q) for q in offsets]
[(True, False, False), (False, True, False), (False, False, True)]
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

from lgds_components.address.model import Address, natural_key
from lgds_components.address.os_places import DOCUMENTED_PARAMETERS
from lgds_components.identifiers import postcode as postcodes
from lgds_components.testing.address import SimpleIndex, conformance_addresses
from lgds_components.testing.http_server import LocalHTTPServer, Reply, Request

if TYPE_CHECKING:
    from lgds_components.address.os_places import OSPlaces

__all__ = ["DEFAULT_KEY", "OSPlacesServer", "error_body", "to_dpa", "to_lpi"]

#: The API key the server accepts unless told another.
DEFAULT_KEY = "test-os-places-key"

_BASE_PATH = "/search/places/v1"
_JSON = {"Content-Type": "application/json"}
_WELSH_AREAS = frozenset({"CF", "LD", "LL", "NP", "SA"})
_FILTER_FIELDS = ("CLASSIFICATION_CODE", "LOGICAL_STATUS_CODE", "LPI_LOGICAL_STATUS_CODE",
                  "COUNTRY_CODE")
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_SECTOR = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9]")
_CUSTODIAN = 1105
_STATUS_WORDS = {1: "APPROVED", 3: "ALTERNATIVE", 6: "PROVISIONAL", 8: "HISTORICAL"}


def error_body(status: int, message: str) -> dict[str, Any]:
    """An error body in OS Places' shape.

    >>> error_body(401, "Invalid API key")
    {'error': {'statuscode': 401, 'message': 'Invalid API key'}}
    """
    return {"error": {"statuscode": status, "message": message}}


def _error(status: int, message: str) -> Reply:
    return status, _JSON, error_body(status, message)


class _BadRequest(Exception):
    pass


def _upper(value: str) -> str:
    return value.upper()


def _country(address: Address) -> str:
    area = re.match(r"[A-Z]+", address.postcode.upper())
    if address.language == "cy" or (area and area.group() in _WELSH_AREAS):
        return "W"
    return "E"


def _common(address: Address) -> dict[str, Any]:
    record: dict[str, Any] = {
        "UPRN": str(address.uprn),
        "X_COORDINATE": address.easting,
        "Y_COORDINATE": address.northing,
        "STATUS": _STATUS_WORDS.get(address.logical_status, "APPROVED"),
        "LOGICAL_STATUS_CODE": str(address.logical_status),
        "CLASSIFICATION_CODE": address.classification,
        "LOCAL_CUSTODIAN_CODE": _CUSTODIAN,
        "LOCAL_CUSTODIAN_CODE_DESCRIPTION": "TEST COUNCIL",
        "COUNTRY_CODE": _country(address),
        "POSTAL_ADDRESS_CODE": "D" if address.postal else "N",
        "BLPU_STATE_CODE": "2",
        "TOPOGRAPHY_LAYER_TOID": f"osgb{address.uprn:016d}",
        "PARENT_UPRN": str(address.parent_uprn) if address.parent_uprn else "",
        "LAST_UPDATE_DATE": "10/02/2025",
        "ENTRY_DATE": "01/09/2010",
        "LANGUAGE": "CY" if address.language == "cy" else "EN",
    }
    return record


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty fields, as OS does."""
    return {k: v for k, v in record.items() if v not in ("", None)}


def to_dpa(address: Address) -> dict[str, Any] | None:
    """The address as an OS Places DPA record, or ``None`` if it has none.

    Only postal, approved addresses are Royal Mail delivery points. The
    SAO/PAO structure is written as PAF fields: the flat as
    ``SUB_BUILDING_NAME``, a plain number as ``BUILDING_NUMBER``, a number
    with a suffix or a range as ``BUILDING_NAME`` (PAF's exception rule;
    a building name beside it then moves to ``SUB_BUILDING_NAME``).

    >>> from lgds_components.address import Address
    >>> dpa = to_dpa(Address(uprn=7, sao_text="Flat 2", pao_start_number=10,
    ...                      street="High Street", town="Exeter", postcode="EX99 1AA"))
    >>> dpa["SUB_BUILDING_NAME"], dpa["BUILDING_NUMBER"], dpa["THOROUGHFARE_NAME"]
    ('FLAT 2', '10', 'HIGH STREET')
    >>> dpa["ADDRESS"]
    'FLAT 2, 10, HIGH STREET, EXETER, EX99 1AA'
    """
    if not address.postal or address.logical_status != 1:
        return None
    record = _common(address)
    numbers = address.pao_numbers
    plain = (address.pao_start_number is not None and not address.pao_start_suffix
             and address.pao_end_number is None)
    sub_building = address.sao
    building_name = address.pao_text
    building_number = ""
    if plain:
        building_number = numbers
    elif numbers and not sub_building:  # "The Old School House, 5A": the name moves up
        sub_building, building_name = address.pao_text, numbers
    elif numbers:
        building_name = f"{address.pao_text} {numbers}".strip()
    parts = [address.organisation, sub_building, building_name, building_number, address.street,
             address.locality, address.town, address.postcode]
    record.update(
        {
            "UDPRN": str(10_000_000 + address.uprn % 90_000_000),
            "ADDRESS": ", ".join(p for p in parts if p).upper(),
            "ORGANISATION_NAME": address.organisation.upper(),
            "SUB_BUILDING_NAME": sub_building.upper(),
            "BUILDING_NAME": building_name.upper(),
            "BUILDING_NUMBER": building_number,
            "THOROUGHFARE_NAME": address.street.upper(),
            "DEPENDENT_LOCALITY": address.locality.upper(),
            "POST_TOWN": address.town.upper(),
            "POSTCODE": address.postcode.upper(),
            "RPC": "1",
            "DELIVERY_POINT_SUFFIX": "1A",
        }
    )
    return _clean(record)


def to_lpi(address: Address) -> dict[str, Any]:
    """The address as an OS Places LPI record (BS 7666 SAO/PAO fields).

    >>> from lgds_components.address import Address
    >>> lpi = to_lpi(Address(uprn=7, sao_start_number=2, pao_text="Rose Court",
    ...                      street="Mill Lane", town="Exeter", postcode="EX99 1AB", usrn=42))
    >>> lpi["SAO_START_NUMBER"], lpi["PAO_TEXT"], lpi["STREET_DESCRIPTION"], lpi["USRN"]
    ('2', 'ROSE COURT', 'MILL LANE', '42')
    """
    record = _common(address)

    def number(value: int | None) -> str:
        return "" if value is None else str(value)

    record.update(
        {
            "ADDRESS": ", ".join(address.bs7666_lines()).upper(),
            "USRN": number(address.usrn),
            "LPI_KEY": f"{_CUSTODIAN}L{address.uprn:012d}",
            "ORGANISATION": address.organisation.upper(),
            "SAO_START_NUMBER": number(address.sao_start_number),
            "SAO_START_SUFFIX": address.sao_start_suffix,
            "SAO_END_NUMBER": number(address.sao_end_number),
            "SAO_END_SUFFIX": address.sao_end_suffix,
            "SAO_TEXT": address.sao_text.upper(),
            "PAO_START_NUMBER": number(address.pao_start_number),
            "PAO_START_SUFFIX": address.pao_start_suffix,
            "PAO_END_NUMBER": number(address.pao_end_number),
            "PAO_END_SUFFIX": address.pao_end_suffix,
            "PAO_TEXT": address.pao_text.upper(),
            "STREET_DESCRIPTION": address.street.upper(),
            "LOCALITY_NAME": address.locality.upper(),
            "TOWN_NAME": address.town.upper(),
            "ADMINISTRATIVE_AREA": "TEST COUNCIL",
            "AREA_NAME": address.locality.upper(),
            "POSTCODE_LOCATOR": address.postcode.upper(),
            "RPC": "1",
            "LPI_LOGICAL_STATUS_CODE": str(address.logical_status),
            "LPI_LOGICAL_STATUS_CODE_DESCRIPTION": _STATUS_WORDS.get(address.logical_status, ""),
            "STREET_STATE_CODE": "2",
            "STREET_CLASSIFICATION_CODE": "8",
        }
    )
    return _clean(record)


def _description(score: float) -> str:
    if score >= 1.0:
        return "EXACT"
    if score >= 0.8:
        return "GOOD"
    if score >= 0.6:
        return "FAIR"
    return "POOR"


def _truncate(score: float, places: int) -> float:
    factor: int = 10**places
    return math.floor(score * factor + 1e-9) / factor


class OSPlacesServer(LocalHTTPServer):
    """A local OS Places API serving ``addresses`` (see the module docs).

    Args:
        addresses: the records to serve; by default the conformance suite's
            (:func:`~lgds_components.testing.address.conformance_addresses`).
        key: the only API key accepted.
        epoch: the AddressBase epoch reported in each ``header``.

    The API lives under :attr:`base_url` (``<url>/search/places/v1``); pass
    it as ``base_url`` to :class:`~lgds_components.address.os_places.OSPlaces`,
    or use :meth:`client`. Requests are recorded in ``requests`` as on any
    :class:`~lgds_components.testing.http_server.LocalHTTPServer`.
    """

    def __init__(
        self,
        addresses: Iterable[Address] | None = None,
        *,
        key: str = DEFAULT_KEY,
        epoch: str = "117",
    ) -> None:
        self.key = key
        self.epoch = epoch
        self.addresses: list[Address] = list(
            conformance_addresses() if addresses is None else addresses
        )
        self._index = SimpleIndex(self.addresses)
        self._by_postcode: dict[str, list[Address]] = {}
        self._by_uprn: dict[int, list[Address]] = {}
        for address in sorted(self.addresses, key=lambda a: (a.uprn, a.language)):
            compact = address.postcode.replace(" ", "").upper()
            self._by_postcode.setdefault(compact, []).append(address)
            self._by_uprn.setdefault(address.uprn, []).append(address)
        super().__init__(self._handle)

    @property
    def base_url(self) -> str:
        """The API's base URL, such as ``http://127.0.0.1:49152/search/places/v1``."""
        return self.url + _BASE_PATH

    def client(self, **kwargs: Any) -> OSPlaces:
        """An :class:`~lgds_components.address.os_places.OSPlaces` pointed at this server.

        ``kwargs`` go to its constructor (by default: this server's key and
        ``retry=None``, so faults surface at once).
        """
        from lgds_components.address.os_places import OSPlaces

        kwargs.setdefault("retry", None)
        return OSPlaces(kwargs.pop("api_key", self.key), base_url=self.base_url, **kwargs)

    def fail(
        self, status: int, message: str | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        """Make the next request get ``status`` with an error body in OS's shape."""
        text = message or {401: "Missing or unsupported API key provided.",
                           429: "Too many requests; slow down.",
                           500: "Internal server error.",
                           503: "Service temporarily unavailable."}.get(status, "Request failed.")
        self.status(status, {**_JSON, **(headers or {})}, error_body(status, text))

    # -- answering -----------------------------------------------------------

    def _handle(self, request: Request) -> Reply:
        if request.method not in ("GET", "HEAD"):
            return _error(405, f"Method {request.method} is not allowed.")
        params = parse_qs(request.query, keep_blank_values=True)
        keys = params.get("key")
        key = request.headers.get("key") or (keys[0] if keys else None)
        if key != self.key:
            return _error(401, "Missing or unsupported API key provided.")
        resource = request.path.rstrip("/").rsplit("/", 1)[-1]
        handlers = {"postcode": self._postcode, "uprn": self._uprn, "find": self._find}
        if resource not in handlers or not request.path.startswith(_BASE_PATH + "/"):
            return _error(404, f"No resource at {request.path}.")
        undocumented = sorted(set(params) - DOCUMENTED_PARAMETERS[resource])
        if undocumented:
            return _error(400, f"Requested parameter {undocumented[0]!r} is not one the "
                          f"{resource} resource takes.")
        try:
            return self._answer_with(resource, params, handlers[resource])
        except _BadRequest as exc:
            return _error(400, str(exc))

    def _answer_with(self, resource: str, params: dict[str, list[str]], handler: Any) -> Reply:
        def one(name: str, default: str | None = None) -> str | None:
            values = params.get(name)
            return values[-1] if values else default

        datasets = (one("dataset", "DPA") or "").upper().split(",")
        if not datasets or any(d not in ("DPA", "LPI") for d in datasets):
            raise _BadRequest("Requested dataset is not valid; use DPA, LPI or DPA,LPI.")
        lr = (one("lr") or "").upper()
        if lr not in ("", "EN", "CY"):
            raise _BadRequest("Requested lr is not valid; use EN or CY.")
        srs = one("output_srs", "EPSG:27700")
        if srs != "EPSG:27700":
            raise _BadRequest("This test server only returns EPSG:27700 coordinates.")
        maxresults = self._integer(one("maxresults", "100"), "maxresults", 1, 100)
        offset = self._integer(one("offset", "0"), "offset", 0, 10**9)
        filters = [self._filter(text) for text in params.get("fq", [])]
        query_text, header_extra, scored = handler(one, params)
        records: list[dict[str, Any]] = []
        for address, score in scored:
            if lr and (address.language != lr.lower()):
                continue
            for dataset in datasets:
                record = to_dpa(address) if dataset == "DPA" else to_lpi(address)
                if record is None or not all(f(dataset, record) for f in filters):
                    continue
                if score is not None:
                    record["MATCH"] = score
                    record["MATCH_DESCRIPTION"] = _description(score)
                records.append({dataset: record})
        page = records[offset : offset + maxresults]
        shown = {k: v for k, v in params.items() if k != "key"}
        header = {
            "uri": f"{self.base_url}/{resource}?{urlencode(shown, doseq=True)}",
            "query": query_text,
            "offset": offset,
            "totalresults": len(records),
            "format": "JSON",
            "dataset": ",".join(datasets),
            "lr": lr or "EN,CY",
            "maxresults": maxresults,
            **header_extra,
            "epoch": self.epoch,
            "lastupdate": "2025-02-10",
            "output_srs": "EPSG:27700",
        }
        body: dict[str, Any] = {"header": header}
        if page:
            body["results"] = page
        return 200, _JSON, body

    @staticmethod
    def _integer(value: str | None, name: str, low: int, high: int) -> int:
        try:
            number = int(value or "")
        except ValueError:
            raise _BadRequest(f"Requested {name} must be a whole number.") from None
        if not low <= number <= high:
            raise _BadRequest(f"Requested {name} must be between {low} and {high}.")
        return number

    @staticmethod
    def _filter(text: str) -> Any:
        terms = []
        for term in text.split():
            field, _, value = term.partition(":")
            if field not in _FILTER_FIELDS or not value:
                raise _BadRequest(f"Requested fq filter {term!r} is not valid.")
            terms.append((field, value.upper()))
        if not terms:
            raise _BadRequest("Requested fq filter is empty.")

        def check(dataset: str, record: dict[str, Any]) -> bool:
            for field, value in terms:
                if field == "LPI_LOGICAL_STATUS_CODE" and dataset != "LPI":
                    return True
                held = str(record.get(field, "")).upper()
                if fnmatch.fnmatchcase(held, value):
                    return True
            return False

        return check

    def _postcode(self, one: Any, params: Any) -> tuple[str, dict[str, Any], list[Any]]:
        raw = one("postcode") or ""
        compact = "".join(raw.split()).upper()
        if postcodes.is_valid(compact):
            found = self._by_postcode.get(compact, [])
        elif _SECTOR.fullmatch(compact) or _OUTWARD.fullmatch(compact):
            found = [a for key, group in sorted(self._by_postcode.items())
                     if key.startswith(compact) for a in group]
        else:
            raise _BadRequest(
                "Requested postcode must hold at least an outward code, such as EX4; "
                f"requested postcode was {raw!r}."
            )
        return f"postcode={raw}", {}, [(a, None) for a in found]

    def _uprn(self, one: Any, params: Any) -> tuple[str, dict[str, Any], list[Any]]:
        raw = one("uprn") or ""
        if not re.fullmatch(r"[0-9]{1,12}", raw):
            raise _BadRequest(f"Requested UPRN must be 1 to 12 digits; it was {raw!r}.")
        found = self._by_uprn.get(int(raw), [])
        return f"uprn={raw}", {}, [(a, None) for a in found]

    def _find(self, one: Any, params: Any) -> tuple[str, dict[str, Any], list[Any]]:
        query = one("query") or ""
        if not query.strip():
            raise _BadRequest("Requested query must not be empty.")
        precision = self._integer(one("matchprecision", "1"), "matchprecision", 1, 10)
        minmatch_text = one("minmatch")
        minmatch = 0.0
        if minmatch_text is not None:
            try:
                minmatch = float(minmatch_text)
            except ValueError:
                raise _BadRequest("Requested minmatch must be a number.") from None
            if not 0.1 <= minmatch <= 1.0:
                raise _BadRequest("Requested minmatch must be between 0.1 and 1.")
        scored = []
        for value, address in self._index.ranked(query):
            score = _truncate(value, precision)
            if score > 0 and score >= minmatch:
                scored.append((score, natural_key(address), address))
        scored.sort(key=lambda item: (-item[0], item[1]))
        extra = {"matchprecision": precision}
        return f"query={query}", extra, [(a, s) for s, _, a in scored]
