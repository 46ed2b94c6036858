"""The OS Places API (Ordnance Survey) as an :class:`~lgds_components.address.AddressLookup`.

:class:`OSPlaces` answers the same questions as the embedded
:class:`~lgds_components.address.Gazetteer` from the OS Places API
(``https://api.os.uk/search/places/v1``), which serves AddressBase for the
whole of Great Britain: Royal Mail delivery points (the ``DPA`` dataset) and
local authority gazetteer records (``LPI``, which also hold addresses the
post does not deliver to, and Welsh-language forms).

::

    from lgds_components.address.os_places import OSPlaces

    places = OSPlaces(os.environ["OS_PLACES_API_KEY"], dataset="DPA,LPI")
    places.by_postcode("SO16 0AS")       # every address, paged past 100 results
    places.by_uprn(200010019924)         # NotFound if OS has no such UPRN
    places.search("4 adanac drive", limit=5)
    places.match("ordnance survey, adanac drive, southampton")

How each question is asked:

=================  ==================================  ====================================
method             OS Places resource                  notes
=================  ==================================  ====================================
``by_postcode``    ``/postcode?postcode=``             every page, ``offset`` by 100
``by_uprn``        ``/uprn?uprn=``                     one reply (not paged); none -> ``NotFound``
``search``         ``/find?query=``                    ``MATCH`` -> ``Match.score``
``match``          ``/find?query=&minmatch=``          ``None`` below the threshold or on a tie
=================  ==================================  ====================================

Each request carries only the query parameters OS documents for its resource
(:data:`DOCUMENTED_PARAMETERS`).

Records come back as :class:`~lgds_components.address.Address`: a DPA
record's Royal Mail fields (sub-building, building name and number,
thoroughfare, post town) are read into the SAO/PAO structure, following the
PAF rule that a number-like building name (``12A``, ``110-114``) is the
building's number; an LPI record's SAO/PAO fields are read as they are. OS
sends text in capitals; it is title-cased (``title_case=False`` keeps it).
When several records share a UPRN (DPA and LPI, English and Welsh, approved
and historical) one is kept: approved first, then the ``dataset`` listed
first, then the ``language`` asked for (English by default).

The API key is a :class:`~lgds_components.secret.Secret`: it is sent in the
``key`` HTTP header (OS accepts the header or a ``key`` query parameter;
the header keeps it out of URLs and so out of ``urllib3``'s ``DEBUG`` log),
and it never appears in ``repr()``, exception messages or this library's
logs. Errors: HTTP 401 and 403 raise
:class:`~lgds_components.errors.AuthenticationError`; 429 and 5xx, timeouts
and dropped connections raise
:class:`~lgds_components.errors.ProviderUnavailable` (with ``retry_after``
from ``Retry-After``) after the session's retries; a 400 for search text
raises :class:`~lgds_components.errors.ValidationError` carrying OS's
message; any other failure is a :class:`~lgds_components.errors.ProviderError`.

>>> from lgds_components.address.os_places import OSPlaces
>>> places = OSPlaces("my-secret-key", dataset="DPA,LPI", fq="CLASSIFICATION_CODE:R*")
>>> places
<OSPlaces base_url='https://api.os.uk/search/places/v1' dataset='DPA,LPI'>
>>> places.close()
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Annotated, Any, Final, Literal

import requests
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from lgds_components.address import arguments
from lgds_components.address.match import Match
from lgds_components.address.model import Address, natural_key
from lgds_components.address.text import tokens
from lgds_components.errors import (
    ConfigurationError,
    InvalidFormat,
    NotFound,
    ProviderError,
    ValidationError,
)
from lgds_components.http import (
    DEFAULT_TIMEOUT,
    RetryPolicy,
    SessionHolder,
    Timeout,
    build_session,
    send,
)
from lgds_components.identifiers import postcode as postcodes
from lgds_components.identifiers import uprn as uprns
from lgds_components.secret import RedactingFilter, Secret, redact

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_THRESHOLD",
    "DOCUMENTED_PARAMETERS",
    "FILTER_FIELDS",
    "MAX_QUERY_LENGTH",
    "PROVIDER",
    "OSPlaces",
    "parse_error",
    "title_case",
]

logger: logging.Logger = logging.getLogger(__name__)

#: The registry name of this provider, used in errors and logs.
PROVIDER: Final = "os-places"
#: Where the OS Places API lives.
DEFAULT_BASE_URL: Final = "https://api.os.uk/search/places/v1"
#: ``MATCH`` score below which :meth:`OSPlaces.match` answers ``None``.
DEFAULT_THRESHOLD: Final = 0.8
#: Longest text :meth:`OSPlaces.search` and :meth:`OSPlaces.match` send.
MAX_QUERY_LENGTH: Final = arguments.MAX_QUERY_LENGTH
#: The fields an ``fq`` filter may name.
FILTER_FIELDS: Final = frozenset(
    {"CLASSIFICATION_CODE", "LOGICAL_STATUS_CODE", "LPI_LOGICAL_STATUS_CODE", "COUNTRY_CODE"}
)

#: The query parameters OS's technical specification documents for each
#: resource this client asks (``key`` is its API-key scheme). Only these are
#: sent: ``/uprn`` takes no ``maxresults`` or ``offset``.
DOCUMENTED_PARAMETERS: Final[Mapping[str, frozenset[str]]] = {
    "find": frozenset({"query", "format", "maxresults", "offset", "dataset", "bbox", "lr",
                       "minmatch", "matchprecision", "output_srs", "fq", "key"}),
    "postcode": frozenset({"postcode", "format", "maxresults", "offset", "dataset", "lr",
                           "output_srs", "fq", "key"}),
    "uprn": frozenset({"uprn", "format", "dataset", "lr", "output_srs", "fq", "key"}),
}

_DATASETS: Final = ("DPA", "LPI")
_MAX_PAGE: Final = 100
_FILTER_TERM = re.compile(r"([A-Z_]+):([A-Za-z0-9*]{1,12})")
_NUMBERS = re.compile(r"([0-9]+)\s*([A-Za-z]?)(?:\s*-\s*([0-9]+)\s*([A-Za-z]?))?")
_SMALL_WORDS: Final = frozenset(
    {"of", "the", "and", "upon", "on", "in", "by", "under", "next", "to", "cum", "le", "la",
     "de", "yr"}
)
_STATUS_RANK: Final = {1: 0, 6: 1, 3: 2, 8: 3}
_POSTCODE_ONLY_SCORE: Final = 0.5
_SEARCH_PAGES: Final = 3


# ----------------------------------------------------------------------------- title case


def _title_word(word: str, first: bool, last: bool) -> str:
    if any(ch.isdigit() for ch in word):
        return word.upper()
    if len(word) == 1:  # a flat letter ("Flat B"), but Welsh "y" ("Heol y Felin")
        return "y" if word in "yY" and not (first or last) else word.upper()
    lower = word.lower()
    parts = lower.split("-")
    out = []
    for i, part in enumerate(parts):
        if (i or not first) and part in _SMALL_WORDS:
            out.append(part)
            continue
        text = part[:1].upper() + part[1:]
        # O'Brien, but John's
        if len(text) > 2 and text[1] in "'\u2019" and len(text) > 3:
            text = text[:2] + text[2].upper() + text[3:]
        out.append(text)
    return "-".join(out)


def title_case(text: str) -> str:
    """Title-case text OS sends in capitals; text with any lower case is left alone.

    Numbers with letters stay in capitals and short joining words stay small.

    >>> title_case("FLAT 2A, ST. JOHN'S ROAD")
    "Flat 2A, St. John's Road"
    >>> title_case("HEOL Y FELIN"), title_case("STRATFORD-UPON-AVON"), title_case("O'NEILL HOUSE")
    ('Heol y Felin', 'Stratford-upon-Avon', "O'Neill House")
    >>> title_case("FLAT A, 2 HEOL Y FELIN"), title_case("FLAT Y")
    ('Flat A, 2 Heol y Felin', 'Flat Y')
    >>> title_case("McKenzie Court")
    'McKenzie Court'
    """
    if text != text.upper():
        return text
    words = text.split(" ")
    end = len(words) - 1
    return " ".join(_title_word(word, i == 0, i == end) for i, word in enumerate(words))


_title_case = title_case


# ----------------------------------------------------------------------------- the wire


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _opt_int(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    given: int | None = value  # pydantic converts or refuses
    return given


def _opt_float(value: Any) -> float | None:
    return _opt_int(value)


_Text = Annotated[str, BeforeValidator(_text)]
_OptInt = Annotated[int | None, BeforeValidator(_opt_int)]
_OptFloat = Annotated[float | None, BeforeValidator(_opt_float)]


class _Record(BaseModel):
    """Fields a DPA and an LPI record share."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    uprn: int = Field(alias="UPRN")
    parent_uprn: _OptInt = Field(None, alias="PARENT_UPRN")
    usrn: _OptInt = Field(None, alias="USRN")
    x: _OptFloat = Field(None, alias="X_COORDINATE")
    y: _OptFloat = Field(None, alias="Y_COORDINATE")
    logical_status: _OptInt = Field(None, alias="LOGICAL_STATUS_CODE")
    classification: _Text = Field("", alias="CLASSIFICATION_CODE")
    language: _Text = Field("", alias="LANGUAGE")
    match: _OptFloat = Field(None, alias="MATCH")
    match_description: _Text = Field("", alias="MATCH_DESCRIPTION")


class _DPA(_Record):
    """A Royal Mail delivery point (PAF) record."""

    organisation_name: _Text = Field("", alias="ORGANISATION_NAME")
    department_name: _Text = Field("", alias="DEPARTMENT_NAME")
    po_box_number: _Text = Field("", alias="PO_BOX_NUMBER")
    sub_building_name: _Text = Field("", alias="SUB_BUILDING_NAME")
    building_name: _Text = Field("", alias="BUILDING_NAME")
    building_number: _Text = Field("", alias="BUILDING_NUMBER")
    dependent_thoroughfare_name: _Text = Field("", alias="DEPENDENT_THOROUGHFARE_NAME")
    thoroughfare_name: _Text = Field("", alias="THOROUGHFARE_NAME")
    double_dependent_locality: _Text = Field("", alias="DOUBLE_DEPENDENT_LOCALITY")
    dependent_locality: _Text = Field("", alias="DEPENDENT_LOCALITY")
    post_town: _Text = Field("", alias="POST_TOWN")
    postcode: _Text = Field("", alias="POSTCODE")


class _LPI(_Record):
    """A local authority gazetteer (BS 7666) record."""

    organisation: _Text = Field("", alias="ORGANISATION")
    sao_start_number: _OptInt = Field(None, alias="SAO_START_NUMBER")
    sao_start_suffix: _Text = Field("", alias="SAO_START_SUFFIX")
    sao_end_number: _OptInt = Field(None, alias="SAO_END_NUMBER")
    sao_end_suffix: _Text = Field("", alias="SAO_END_SUFFIX")
    sao_text: _Text = Field("", alias="SAO_TEXT")
    pao_start_number: _OptInt = Field(None, alias="PAO_START_NUMBER")
    pao_start_suffix: _Text = Field("", alias="PAO_START_SUFFIX")
    pao_end_number: _OptInt = Field(None, alias="PAO_END_NUMBER")
    pao_end_suffix: _Text = Field("", alias="PAO_END_SUFFIX")
    pao_text: _Text = Field("", alias="PAO_TEXT")
    street_description: _Text = Field("", alias="STREET_DESCRIPTION")
    locality_name: _Text = Field("", alias="LOCALITY_NAME")
    town_name: _Text = Field("", alias="TOWN_NAME")
    postcode_locator: _Text = Field("", alias="POSTCODE_LOCATOR")
    lpi_logical_status: _OptInt = Field(None, alias="LPI_LOGICAL_STATUS_CODE")
    postal_address_code: _Text = Field("", alias="POSTAL_ADDRESS_CODE")


class _Result(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    dpa: _DPA | None = Field(None, alias="DPA")
    lpi: _LPI | None = Field(None, alias="LPI")


class _Header(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    totalresults: int = 0
    offset: int = 0
    maxresults: int | None = None
    dataset: _Text = ""


class _Reply(BaseModel):
    """One page of an OS Places response (``results`` absent, or null, when nothing matched)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    header: _Header
    results: Annotated[list[_Result], BeforeValidator(lambda v: [] if v is None else v)] = (
        Field(default_factory=list))


def parse_error(response: requests.Response) -> tuple[str | None, str | None]:
    """Read ``(code, message)`` from an OS API error response.

    OS Places answers errors as ``{"error": {"statuscode": 400, "message":
    "..."}}``; the OS API gateway answers some (a bad key) as ``{"fault":
    {"faultstring": "...", "detail": {"errorcode": "..."}}}``.

    >>> r = requests.Response()
    >>> r._content = b'{"error": {"statuscode": 401, "message": "Invalid API key"}}'
    >>> parse_error(r)
    (None, 'Invalid API key')
    >>> r._content = (b'{"fault": {"faultstring": "Invalid ApiKey",'
    ...               b' "detail": {"errorcode": "oauth.v2.InvalidApiKey"}}}')
    >>> parse_error(r)
    ('oauth.v2.InvalidApiKey', 'Invalid ApiKey')
    """
    try:
        data = response.json()
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    error = data.get("error")
    if isinstance(error, dict):
        message = error.get("message")
        code = error.get("code") if isinstance(error.get("code"), str) else None
        return code, str(message) if message else None
    fault = data.get("fault")
    if isinstance(fault, dict):
        detail = fault.get("detail")
        code = detail.get("errorcode") if isinstance(detail, dict) else None
        message = fault.get("faultstring")
        return (str(code) if code else None), (str(message) if message else None)
    return None, None


# ----------------------------------------------------------------------------- mapping


def _numbers(text: str) -> tuple[int, str, int | None, str] | None:
    found = _NUMBERS.fullmatch(text.strip())
    if not found:
        return None
    start, start_suffix, end, end_suffix = found.groups()
    return int(start), start_suffix or "", int(end) if end else None, end_suffix or ""


def _join(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def _common(record: _Record) -> dict[str, Any]:
    return {
        "uprn": record.uprn,
        "parent_uprn": record.parent_uprn,
        "usrn": record.usrn,
        "easting": record.x,
        "northing": record.y,
        "classification": record.classification,
        "language": record.language.lower() or "en",
    }


def _from_dpa(dpa: _DPA, case: Callable[[str], str]) -> Address:
    fields = _common(dpa)
    fields["logical_status"] = dpa.logical_status or 1
    fields["postal"] = True
    fields["organisation"] = case(_join(dpa.organisation_name, dpa.department_name))
    sub = _numbers(dpa.sub_building_name) if dpa.sub_building_name else None
    if sub is not None:
        keys = ("sao_start_number", "sao_start_suffix", "sao_end_number", "sao_end_suffix")
        fields.update(zip(keys, sub, strict=True))
    else:
        fields["sao_text"] = case(dpa.sub_building_name)
    pao_keys = ("pao_start_number", "pao_start_suffix", "pao_end_number", "pao_end_suffix")
    number = _numbers(dpa.building_number) if dpa.building_number else None
    name_numbers = _numbers(dpa.building_name) if dpa.building_name else None
    if number is not None:
        fields.update(zip(pao_keys, number, strict=True))
        fields["pao_text"] = case(dpa.building_name)
    elif name_numbers is not None:  # the PAF exception rule: "12A", "110-114"
        fields.update(zip(pao_keys, name_numbers, strict=True))
    elif dpa.building_name:
        fields["pao_text"] = case(dpa.building_name)
    elif dpa.po_box_number:
        fields["pao_text"] = f"PO Box {dpa.po_box_number}"
    fields["street"] = case(_join(dpa.dependent_thoroughfare_name, dpa.thoroughfare_name))
    fields["locality"] = case(_join(dpa.double_dependent_locality, dpa.dependent_locality))
    fields["town"] = case(dpa.post_town)
    fields["postcode"] = dpa.postcode
    return Address(**fields)


def _from_lpi(lpi: _LPI, case: Callable[[str], str]) -> Address:
    fields = _common(lpi)
    fields.update(
        logical_status=lpi.lpi_logical_status or lpi.logical_status or 1,
        postal=lpi.postal_address_code.upper() != "N",
        organisation=case(lpi.organisation),
        sao_start_number=lpi.sao_start_number,
        sao_start_suffix=lpi.sao_start_suffix,
        sao_end_number=lpi.sao_end_number,
        sao_end_suffix=lpi.sao_end_suffix,
        sao_text=case(lpi.sao_text),
        pao_start_number=lpi.pao_start_number,
        pao_start_suffix=lpi.pao_start_suffix,
        pao_end_number=lpi.pao_end_number,
        pao_end_suffix=lpi.pao_end_suffix,
        pao_text=case(lpi.pao_text),
        street=case(lpi.street_description),
        locality=case(lpi.locality_name),
        town=case(lpi.town_name),
        postcode=lpi.postcode_locator,
    )
    return Address(**fields)


# ----------------------------------------------------------------------------- checks


def _dataset(value: str) -> tuple[str, ...]:
    names = tuple(part.strip().upper() for part in str(value).split(","))
    if not names or any(n not in _DATASETS for n in names) or len(set(names)) != len(names):
        raise ConfigurationError(
            f"OS Places dataset must be 'DPA', 'LPI' or 'DPA,LPI', not {value!r}"
        )
    return names


def _filters(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = (value,) if isinstance(value, str) else tuple(value)
    out = []
    for item in items:
        terms = str(item).split()
        if not terms:
            raise ConfigurationError("an OS Places fq filter must not be empty")
        for term in terms:
            found = _FILTER_TERM.fullmatch(term)
            if not found or found.group(1) not in FILTER_FIELDS:
                raise ConfigurationError(
                    f"OS Places fq filter {item!r} must be FIELD:VALUE terms, FIELD one of "
                    f"{', '.join(sorted(FILTER_FIELDS))}"
                )
        out.append(" ".join(terms))
    return tuple(out)


def _language(value: str | None) -> str | None:
    if value is None:
        return None
    text = str(value).strip().lower()
    if text not in ("en", "cy"):
        raise ConfigurationError(f"OS Places language must be 'en', 'cy' or None, not {value!r}")
    return text


def _asked_language(value: str | None) -> str | None:
    try:
        return _language(value)
    except ConfigurationError as exc:
        raise ValidationError("language must be 'en', 'cy' or None", field="language") from exc


def _secret(api_key: Secret | str) -> Secret:
    if isinstance(api_key, Secret):
        return api_key
    if not isinstance(api_key, str) or not api_key.strip():
        raise ConfigurationError("an OS Places API key is required")
    return Secret(api_key.strip())


# ----------------------------------------------------------------------------- the client


class OSPlaces(SessionHolder):
    """The OS Places API as an :class:`~lgds_components.address.AddressLookup`.

    Args:
        api_key: the OS Data Hub project API key (a
            :class:`~lgds_components.secret.Secret` or a string).
        session: a :class:`requests.Session` to send with (yours is never
            closed by :meth:`close`); by default one from
            :func:`lgds_components.http.build_session`, with retries.
        base_url: the API's base URL (a local test server in tests).
        dataset: ``"DPA"`` (Royal Mail addresses, the default), ``"LPI"``
            (the local authority gazetteer: also non-postal addresses and
            Welsh forms) or ``"DPA,LPI"`` (both; a DPA record is preferred
            for a UPRN that has both).
        fq: OS ``fq`` filters, sent with every request: one string or several
            (ANDed), each of space-separated ``FIELD:VALUE`` terms (ORed),
            such as ``"CLASSIFICATION_CODE:RD* CLASSIFICATION_CODE:RH*"`` or
            ``"LOGICAL_STATUS_CODE:1"``. Fields: :data:`FILTER_FIELDS`.
        language: ``"en"`` or ``"cy"`` to ask for that language only (OS's
            ``lr``); ``None`` asks for both and prefers English when a UPRN
            has both.
        max_results_per_page: ``maxresults`` per request, 1 to 100.
        max_pages: the most pages :meth:`by_postcode` reads before giving up
            with a ProviderError (a postcode with more addresses than
            ``max_pages * max_results_per_page`` is an error, never a silently
            short list).
        threshold: default ``MATCH`` score for :meth:`match`.
        match_precision: OS ``matchprecision`` (decimal places of ``MATCH``).
        key_location: ``"header"`` (default) or ``"query"``.
        title_case: title-case the capitals OS sends (see :func:`title_case`).
        retry, timeout, user_agent_suffix: for the session built when none is given.

    Raises:
        ConfigurationError: a missing key or a bad ``dataset``, ``fq``,
            ``language`` or page size.
    """

    provider = PROVIDER

    def __init__(
        self,
        api_key: Secret | str,
        *,
        session: requests.Session | None = None,
        base_url: str = DEFAULT_BASE_URL,
        dataset: str = "DPA",
        fq: str | Sequence[str] | None = None,
        language: Literal["en", "cy"] | None = None,
        max_results_per_page: int = _MAX_PAGE,
        max_pages: int = 100,
        threshold: float = DEFAULT_THRESHOLD,
        match_precision: int | None = 2,
        key_location: Literal["header", "query"] = "header",
        title_case: bool = True,
        retry: RetryPolicy | None = RetryPolicy(),  # noqa: B008 - frozen, shared safely
        timeout: Timeout = DEFAULT_TIMEOUT,
        user_agent_suffix: str | None = None,
    ) -> None:
        self._key = _secret(api_key)
        self.base_url: str = str(base_url).rstrip("/")
        self.datasets: tuple[str, ...] = _dataset(dataset)
        self.fq: tuple[str, ...] = _filters(fq)
        self.language: str | None = _language(language)
        if isinstance(max_results_per_page, bool) or not 1 <= int(max_results_per_page) <= 100:
            raise ConfigurationError("max_results_per_page must be from 1 to 100")
        self.max_results_per_page: int = int(max_results_per_page)
        if int(max_pages) < 1:
            raise ConfigurationError("max_pages must be at least 1")
        self.max_pages: int = int(max_pages)
        self.threshold: float = float(threshold)
        if match_precision is not None and not 1 <= int(match_precision) <= 10:
            raise ConfigurationError("match_precision must be from 1 to 10")
        self.match_precision = match_precision
        if key_location not in ("header", "query"):
            raise ConfigurationError("key_location must be 'header' or 'query'")
        self.key_location = key_location
        self._case: Callable[[str], str] = _title_case if title_case else str
        self.timeout = timeout
        self._hold_session(session, lambda: build_session(
            provider=PROVIDER,
            secrets=[self._key],
            retry=retry,
            timeout=timeout,
            user_agent_suffix=user_agent_suffix,
        ))

    @classmethod
    def from_env(cls, variable: str = "OS_PLACES_API_KEY", **kwargs: Any) -> OSPlaces:
        """Build one with the key from the environment variable ``variable``.

        Raises:
            ConfigurationError: the variable is not set or is empty.
        """
        value = os.environ.get(variable, "").strip()
        if not value:
            raise ConfigurationError(f"set {variable} to your OS Data Hub API key")
        return cls(Secret(value), **kwargs)

    def __repr__(self) -> str:
        return f"<OSPlaces base_url={self.base_url!r} dataset={','.join(self.datasets)!r}>"

    def redacting_filter(self) -> RedactingFilter:
        """A logging filter hiding this client's key (attach it with ``key_location="query"``)."""
        return RedactingFilter([self._key])

    # -- HTTP -------------------------------------------------------------------

    def _params(self, params: list[tuple[str, str | int | float]]) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = list(params)
        out.append(("dataset", ",".join(self.datasets)))
        out.append(("output_srs", "EPSG:27700"))
        if self.language is not None:
            out.append(("lr", self.language.upper()))
        out.extend(("fq", f) for f in self.fq)
        if self.key_location == "query":
            out.append(("key", self._key.reveal()))
        return out

    def _get(
        self, resource: str, params: list[tuple[str, Any]], *, text_field: str | None = None
    ) -> _Reply:
        said: dict[str, str | None] = {}

        def read_error(response: requests.Response) -> tuple[str | None, str | None]:
            code, message = parse_error(response)
            said["message"] = message
            return code, message

        headers = {"Accept": "application/json"}
        if self.key_location == "header":
            headers["key"] = self._key.reveal()
        try:
            response = send(
                self._session,
                "GET",
                f"{self.base_url}/{resource}",
                provider=PROVIDER,
                secrets=[self._key],
                parse_error=read_error,
                params=self._params(params),
                headers=headers,
                timeout=self.timeout,
            )
        except NotFound as exc:  # an HTTP 404: the URL is wrong, not the address
            raise ProviderError(
                f"{exc.message} (is base_url right?)", provider=PROVIDER, status=exc.status
            ) from exc
        except ProviderError as exc:
            if exc.status == 400 and text_field is not None:
                reason = redact(said.get("message") or "the request was refused", [self._key])
                raise InvalidFormat(
                    f"Enter the address differently (OS Places: {reason})",
                    code="rejected_by_provider",
                    field=text_field,
                ) from exc
            raise
        try:
            return _Reply.model_validate(response.json())
        except (ValueError, PydanticValidationError) as exc:
            raise ProviderError(
                f"OS Places sent a {resource} reply this client cannot read",
                provider=PROVIDER,
                status=response.status_code,
            ) from exc
        finally:
            response.close()

    # -- records ----------------------------------------------------------------

    def _address(self, result: _Result) -> tuple[Address, _Record, int] | None:
        for rank, name in enumerate(self.datasets):
            record: _Record | None = result.dpa if name == "DPA" else result.lpi
            if record is None:
                continue
            if isinstance(record, _DPA):
                return _from_dpa(record, self._case), record, rank
            return _from_lpi(record, self._case), record, rank  # type: ignore[arg-type]
        return None

    def _preference(self, address: Address, rank: int, language: str | None) -> tuple[int, ...]:
        wanted = language or self.language or "en"
        return (
            0 if address.logical_status == 1 else 1,
            rank,
            0 if address.language == wanted else 1,
            _STATUS_RANK.get(address.logical_status, 4),
        )

    def _one_per_uprn(
        self, results: Iterable[_Result], language: str | None
    ) -> dict[int, tuple[Address, _Record, tuple[int, ...]]]:
        chosen: dict[int, tuple[Address, _Record, tuple[int, ...]]] = {}
        for result in results:
            found = self._address(result)
            if found is None:
                continue
            address, record, rank = found
            preference = self._preference(address, rank, language)
            held = chosen.get(address.uprn)
            if held is None or preference < held[2]:
                chosen[address.uprn] = (address, record, preference)
        return chosen

    def _pages(self, resource: str, params: list[tuple[str, Any]]) -> list[_Result]:
        results: list[_Result] = []
        offset = 0
        for _ in range(self.max_pages):
            page = self._get(
                resource,
                [*params, ("maxresults", self.max_results_per_page), ("offset", offset)],
            )
            results.extend(page.results)
            offset += len(page.results)
            if not page.results or offset >= page.header.totalresults:
                logger.debug("%s %s: %d records", PROVIDER, resource, len(results))
                return results
        raise ProviderError(
            f"OS Places has more than {self.max_pages * self.max_results_per_page} records "
            f"for this {resource} lookup; raise max_pages to read them all",
            provider=PROVIDER,
        )

    # -- the protocol -------------------------------------------------------------

    def by_postcode(self, postcode: str, *, language: str | None = None) -> list[Address]:
        """Every address at ``postcode``, in natural order, one per UPRN.

        Reads every page (``offset`` in steps of ``max_results_per_page``).
        ``language="cy"`` prefers a UPRN's Welsh record when OS sends both.

        Raises:
            ValidationError: not a valid postcode (nothing is sent).
        """
        value = postcodes.validate(postcode)
        language = _asked_language(language)
        chosen = self._one_per_uprn(self._pages("postcode", [("postcode", value)]), language)
        return sorted((address for address, _, _ in chosen.values()), key=natural_key)

    def by_uprn(self, uprn: int | str, *, language: str | None = None) -> Address:
        """The address with this UPRN (its Welsh record with ``language="cy"``, if any).

        Raises:
            ValidationError: not a UPRN (nothing is sent).
            NotFound: OS Places has no such UPRN (in the datasets and filters asked for).
        """
        value = uprns.validate(uprn)
        language = _asked_language(language)
        reply = self._get("uprn", [("uprn", value)])  # one page: /uprn is not paged
        chosen = self._one_per_uprn(reply.results, language)
        if value not in chosen:
            raise NotFound(f"no address with UPRN {value}", provider=PROVIDER)
        return chosen[value][0]

    def _find(
        self, text: str, wanted: int, *, postcode: str | None = None, minmatch: float | None = None
    ) -> list[Match]:
        query = f"{text} {postcode}" if postcode else text
        per_page = 100 if postcode else min(100, max(wanted * len(self.datasets) * 2, 10))
        params: list[tuple[str, Any]] = [("query", " ".join(query.split()))]
        if self.match_precision is not None:
            params.append(("matchprecision", self.match_precision))
        if minmatch is not None:
            params.append(("minmatch", min(1.0, max(0.1, minmatch))))
        compact = postcode.replace(" ", "") if postcode else None
        results: list[_Result] = []
        distinct: set[int] = set()
        offset = 0
        for _ in range(_SEARCH_PAGES):
            page = self._get(
                "find",
                [*params, ("maxresults", per_page), ("offset", offset)],
                text_field="text",
            )
            for result in page.results:
                found = self._address(result)
                if found is None:
                    continue
                if compact and found[0].postcode.replace(" ", "").upper() != compact:
                    continue
                results.append(result)
                distinct.add(found[0].uprn)
            offset += len(page.results)
            if len(distinct) >= wanted or not page.results or offset >= page.header.totalresults:
                break
        return self._ranked(results)

    def _ranked(self, results: list[_Result]) -> list[Match]:
        best: dict[int, tuple[float, tuple[int, ...], int, Address, _Record]] = {}
        for position, result in enumerate(results):
            found = self._address(result)
            if found is None:
                continue
            address, record, rank = found
            score = min(1.0, max(0.0, record.match or 0.0))
            key = (-score, self._preference(address, rank, None), position)
            held = best.get(address.uprn)
            if held is None or key < held[:3]:
                best[address.uprn] = (*key, address, record)
        ordered = sorted(best.values(), key=lambda item: item[:3])
        return [
            Match(address, -negative, _reason(-negative, record.match_description))
            for negative, _, _, address, record in ordered
        ]

    def search(self, text: str, limit: int = 10, postcode: str | None = None) -> list[Match]:
        """Addresses resembling ``text``, best first (OS ``MATCH`` order), one per UPRN.

        ``postcode`` is added to the query and the results are kept to that
        postcode. Text with no words gives ``[]``, or with ``postcode``
        every address there (score 0.5).

        Raises:
            ValidationError: ``text`` too long or refused by OS Places,
                ``limit`` not 1 to 100, ``postcode`` not a postcode.
        """
        text = arguments.check_text(text)
        arguments.check_limit(limit)
        code = postcodes.validate(postcode) if postcode is not None else None
        if not tokens(text):
            if code is None:
                return []
            return [
                Match(address, _POSTCODE_ONLY_SCORE, "at postcode")
                for address in self.by_postcode(code)[:limit]
            ]
        return self._find(text, limit, postcode=code)[:limit]

    def match(self, text: str, *, threshold: float | None = None) -> Match | None:
        """The one address ``text`` means, or ``None``.

        ``None`` when the best ``MATCH`` is below ``threshold`` (default
        :attr:`threshold`) or another UPRN scores as well (the text is
        ambiguous). ``threshold`` is also sent as OS's ``minmatch``.

        Raises:
            ValidationError: ``text`` is not text or is too long.
        """
        text = arguments.check_text(text)
        limit = self.threshold if threshold is None else float(threshold)
        if not tokens(text):
            return None
        ranked = self._find(text, 2, minmatch=limit)
        if not ranked or ranked[0].score < limit:
            return None
        if len(ranked) > 1 and ranked[1].score >= ranked[0].score:
            return None
        return ranked[0]

    def match_many(
        self, rows: Iterable[str], *, threshold: float | None = None
    ) -> Iterator[Match | None]:
        """:meth:`match` each row in turn, lazily (one request per row).

        A row that is not usable text gives ``None``; provider errors
        (authentication, unavailability) stop the run.
        """
        for row in rows:
            try:
                yield self.match(row, threshold=threshold)
            except ValidationError:
                yield None


def _reason(score: float, description: str) -> str:
    text = f"OS Places MATCH {score:g}"
    return f"{text}, {description}" if description else text
