"""The sample gazetteer written in each delivered layout.

:func:`write` takes the records of :func:`lgds_components.address.sample.generate`
(invented addresses, one per LPI) and writes them as the product would deliver
them: AddressBase Plus rows (no header row), AddressBase Core rows (a header
row in every tile), AddressBase Premium or a DTF 8.1 LLPG (multi-record: each
UPRN's BLPU, LPIs, delivery point, organisation and classification records,
each street's street and descriptor records), split over tiles of
``tile_size`` records. Streaming: memory does not grow with ``count``.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> paths = write("addressbase-premium", folder, 200, tile_size=500)
>>> [path.name for path in paths][:2]
['premium_0001.csv', 'premium_0002.csv']
>>> paths[0].read_text().splitlines()[0][:26]
'10,ORDNANCE SURVEY,7655,20'
"""

from __future__ import annotations

import csv
import itertools
import math
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from lgds_components.address.records.products.layouts import (
    ADDRESSBASE_CORE,
    ADDRESSBASE_PLUS,
    DTF_8_1,
    PREMIUM,
    RecordLayout,
)
from lgds_components.address.records.products.paf import delivery_lines
from lgds_components.address.sample import generate
from lgds_components.errors import InvalidFormat

__all__ = ["write"]

Row = dict[str, str]
_DATES = {"START_DATE": "2008-04-01", "LAST_UPDATE_DATE": "2024-01-05", "ENTRY_DATE": "2008-04-01"}
_PREFIX = {"addressbase-plus": "plus", "addressbase-core": "core",
           "addressbase-premium": "premium", "dtf": "llpg"}


def _line(layout: RecordLayout, values: dict[str, object]) -> list[object]:
    return [values.get(field, "") for field in layout.fields]


def _latlon(easting: str, northing: str) -> tuple[str, str]:
    """A rough WGS84 position for invented grid coordinates (good to a few km)."""
    if not easting or not northing:
        return "", ""
    east, north = float(easting), float(northing)
    latitude = 49.766 + north / 111_200
    longitude = -7.557 + east / (111_320 * math.cos(math.radians(latitude)))
    return f"{latitude:.7f}", f"{longitude:.7f}"


def _groups(count: int, seed: int) -> Iterator[list[Row]]:
    """The generated records of each UPRN together (they are generated together)."""
    for _uprn, group in itertools.groupby(generate(count, seed), key=lambda row: row["uprn"]):
        yield list(group)


def _main(group: list[Row]) -> Row | None:
    return next((row for row in group if row["language"] == "ENG"
                 and row["logical_status"] == "1"), None)


def _alternate(group: list[Row]) -> Row | None:
    return next((row for row in group if row["language"] != "ENG"
                 and row["logical_status"] == "1"), None)


def _postal(row: Row) -> bool:
    return row["addressbase_postal"] != "N"


class _Keys:
    """Counters for the keys a multi-record supply gives each record."""

    def __init__(self) -> None:
        self.order = 0
        self.lpi = 0
        self.udprn = 10_000_000

    def next_order(self) -> int:
        self.order += 1
        return self.order


def _dpa_values(row: Row) -> dict[str, object]:
    return {"ORGANISATION_NAME": row["organisation_name"],
            "SUB_BUILDING_NAME": row["sub_building_name"], "BUILDING_NAME": row["building_name"],
            "BUILDING_NUMBER": row["building_number"], "THOROUGHFARE": row["thoroughfare"],
            "DEPENDENT_LOCALITY": row["dependent_locality"], "POST_TOWN": row["post_town"],
            "POSTCODE": row["postcode"]}


def _lpi_values(row: Row) -> dict[str, object]:
    return {name.upper(): row[name] for name in (
        "sao_start_number", "sao_start_suffix", "sao_end_number", "sao_end_suffix", "sao_text",
        "pao_start_number", "pao_start_suffix", "pao_end_number", "pao_end_suffix", "pao_text")}


def _multi_records(group: list[Row], keys: _Keys, streets: set[tuple[str, str]],
                   dtf: bool) -> Iterator[list[object]]:
    """The records of one UPRN (and of any street first met here)."""
    layouts = DTF_8_1 if dtf else PREMIUM
    first = group[0]
    uprn = first["uprn"]
    latitude, longitude = _latlon(first["x_coordinate"], first["y_coordinate"])
    for row in group:
        street_key = (row["usrn"], row["language"])
        if street_key not in streets:
            streets.add(street_key)
            if row["language"] == "ENG":
                yield _line(layouts["11"] if not dtf else PREMIUM["11"], {
                    "RECORD_IDENTIFIER": 11, "CHANGE_TYPE": "I", "PRO_ORDER": keys.next_order(),
                    "USRN": row["usrn"], "RECORD_TYPE": 1, "STATE": 2, "VERSION": 1})[
                        : 19 if dtf else 24]
            yield _line(layouts["15"], {
                "RECORD_IDENTIFIER": 15, "CHANGE_TYPE": "I", "PRO_ORDER": keys.next_order(),
                "USRN": row["usrn"], "STREET_DESCRIPTION": row["street_description"],
                "STREET_DESCRIPTOR": row["street_description"], "LOCALITY_NAME": row["locality"],
                "TOWN_NAME": row["town_name"], "ADMINSTRATIVE_AREA": "INVENTED",
                "ADMINISTRATIVE_AREA": "INVENTED", "LANGUAGE": row["language"], **_DATES})
    postal = _postal(first)
    yield _line(layouts["21"], {
        "RECORD_IDENTIFIER": 21, "CHANGE_TYPE": "I", "PRO_ORDER": keys.next_order(),
        "UPRN": uprn, "LOGICAL_STATUS": 8 if first["logical_status"] == "8" else 1,
        "BLPU_STATE": 2, "PARENT_UPRN": first["parent_uprn"],
        "X_COORDINATE": first["x_coordinate"], "Y_COORDINATE": first["y_coordinate"],
        "LATITUDE": latitude, "LONGITUDE": longitude, "RPC": 1, "LOCAL_CUSTODIAN_CODE": 1135,
        "COUNTRY": "W" if any(row["language"] == "CYM" for row in group) else "E",
        "ADDRESSBASE_POSTAL": first["addressbase_postal"],
        "POSTCODE_LOCATOR": first["postcode_locator"], **_DATES})
    for row in group:
        keys.lpi += 1
        yield _line(layouts["24"], {
            "RECORD_IDENTIFIER": 24, "CHANGE_TYPE": "I", "PRO_ORDER": keys.next_order(),
            "UPRN": uprn, "LPI_KEY": f"1135L{keys.lpi:09d}", "LANGUAGE": row["language"],
            "LOGICAL_STATUS": row["logical_status"], "USRN": row["usrn"],
            "USRN_MATCH_INDICATOR": 1, "OFFICIAL_FLAG": "Y",
            "POSTAL_ADDRESS": "Y" if postal else "N",
            "POSTCODE": row["postcode_locator"] if postal else "",
            "POST_TOWN": row["post_town"] if postal else "", **_lpi_values(row), **_DATES})
    if postal and not dtf:
        keys.udprn += 1
        yield _line(PREMIUM["28"], {
            "RECORD_IDENTIFIER": 28, "CHANGE_TYPE": "I", "PRO_ORDER": keys.next_order(),
            "UPRN": uprn, "UDPRN": keys.udprn, "POSTCODE_TYPE": "S", **_dpa_values(first),
            **_DATES})
    if first["la_organisation"]:
        yield _line(layouts["31"], {
            "RECORD_IDENTIFIER": 31, "CHANGE_TYPE": "I", "PRO_ORDER": keys.next_order(),
            "UPRN": uprn, "ORG_KEY": f"1135O{uprn[-9:]}", "ORGANISATION": first["la_organisation"],
            **_DATES})
    yield _line(layouts["32"], {
        "RECORD_IDENTIFIER": 32, "CHANGE_TYPE": "I", "PRO_ORDER": keys.next_order(),
        "UPRN": uprn, "CLASS_KEY": f"1135C{uprn[-9:]}", "CLASSIFICATION_CODE": first["class"],
        "CLASS_SCHEME": "AddressBase Premium Classification Scheme", "SCHEME_VERSION": "1.0",
        **_DATES})


def _plus_row(group: list[Row], keys: _Keys) -> list[object] | None:
    main = _main(group)
    if main is None:
        return None
    alternate = _alternate(group)
    latitude, longitude = _latlon(main["x_coordinate"], main["y_coordinate"])
    postal = _postal(main)
    if postal:
        keys.udprn += 1
    values: dict[str, object] = {
        "UPRN": main["uprn"], "UDPRN": keys.udprn if postal else "", "CHANGE_TYPE": "I",
        "STATE": 2, "CLASS": main["class"], "PARENT_UPRN": main["parent_uprn"],
        "X_COORDINATE": main["x_coordinate"], "Y_COORDINATE": main["y_coordinate"],
        "LATITUDE": latitude, "LONGITUDE": longitude, "RPC": 1, "LOCAL_CUSTODIAN_CODE": 1135,
        "COUNTRY": "W" if alternate else "E", "RM_ORGANISATION_NAME": main["organisation_name"],
        "LA_ORGANISATION": main["la_organisation"], "USRN": main["usrn"],
        "STREET_DESCRIPTION": main["street_description"], "LOCALITY": main["locality"],
        "TOWN_NAME": main["town_name"], "POSTCODE_LOCATOR": main["postcode_locator"],
        "ADDRESSBASE_POSTAL": main["addressbase_postal"], **_dpa_values(main), **_lpi_values(main),
    }
    del values["ORGANISATION_NAME"]
    if alternate is not None:
        values.update({"ALT_LANGUAGE": alternate["language"],
                       "ALT_LANGUAGE_SAO_TEXT": alternate["sao_text"],
                       "ALT_LANGUAGE_PAO_TEXT": alternate["pao_text"],
                       "ALT_LANGUAGE_STREET_DESCRIPTION": alternate["street_description"]})
    return _line(ADDRESSBASE_PLUS, values)


def _core_row(group: list[Row], keys: _Keys) -> list[object] | None:
    main = _main(group)
    if main is None:
        return None
    latitude, longitude = _latlon(main["x_coordinate"], main["y_coordinate"])
    postal = _postal(main)
    if postal:
        keys.udprn += 1
        organisation, sub, name, number = (main["organisation_name"], main["sub_building_name"],
                                           main["building_name"], main["building_number"])
        street, locality, post_town, postcode = (main["thoroughfare"], main["dependent_locality"],
                                                 main["post_town"], main["postcode"])
    else:
        organisation, sub, name = main["la_organisation"], main["sao_text"], main["pao_text"]
        number = main["pao_start_number"] if not main["pao_end_number"] else ""
        street, locality = main["street_description"], main["locality"]
        post_town, postcode = main["town_name"], main["postcode_locator"]
    single = ", ".join(delivery_lines(organisation_name=organisation, sub_building_name=sub,
                                      building_name=name, building_number=number,
                                      thoroughfare=street, dependent_locality=locality,
                                      post_town=post_town, postcode=postcode))
    return _line(ADDRESSBASE_CORE, {
        "UPRN": main["uprn"], "PARENT_UPRN": main["parent_uprn"],
        "UDPRN": keys.udprn if postal else "", "USRN": main["usrn"],
        "CLASSIFICATION_CODE": main["class"], "EASTING": main["x_coordinate"],
        "NORTHING": main["y_coordinate"], "LATITUDE": latitude, "LONGITUDE": longitude, "RPC": 1,
        "LAST_UPDATE_DATE": "2024-01-05", "SINGLE_LINE_ADDRESS": single,
        "ORGANISATION": organisation, "SUB_BUILDING": sub, "BUILDING_NAME": name,
        "BUILDING_NUMBER": number, "STREET_NAME": street, "LOCALITY": locality,
        "TOWN_NAME": main["town_name"], "POST_TOWN": post_town, "POSTCODE": postcode,
        "CHANGE_CODE": "I"})


def _lines(format: str, count: int, seed: int) -> Iterator[list[object]]:
    keys = _Keys()
    streets: set[tuple[str, str]] = set()
    last_usrn = ""
    for group in _groups(count, seed):
        if format in ("addressbase-premium", "dtf"):
            if group[0]["usrn"] != last_usrn:  # streets come one after another
                streets.clear()
                last_usrn = group[0]["usrn"]
            yield from _multi_records(group, keys, streets, dtf=format == "dtf")
            continue
        row = (_plus_row if format == "addressbase-plus" else _core_row)(group, keys)
        if row is not None:
            yield row


def _envelope(format: str) -> tuple[Callable[[], list[object]], Callable[[int], list[object]]]:
    """The header (and header-row) and trailer lines a tile file starts and ends with."""
    if format == "addressbase-core":
        return (lambda: list(ADDRESSBASE_CORE.fields)), (lambda count: [])
    if format == "addressbase-plus":
        return (lambda: []), (lambda count: [])
    custodian = ("ORDNANCE SURVEY", 7655, "1.0") if format != "dtf" else ("KELMOUTH", 1135, "8.1")
    return ((lambda: [10, custodian[0], custodian[1], "2024-01-05", 1, "2024-01-05", "100000",
                      custodian[2], "F"]),
            (lambda count: [99, 0, count, "2024-01-05", "100000"]))


def write(format: str, folder: str | os.PathLike[str], count: int, seed: int = 0,
          *, tile_size: int | None = None) -> list[Path]:
    """Write ``count`` generated address records in ``format``'s layout to files in
    ``folder`` (created), ``tile_size`` records (lines) a file; return the files.

    Raises:
        InvalidFormat: an unknown format.
    """
    if format not in _PREFIX:
        raise InvalidFormat(f"format must be one of {', '.join(_PREFIX)}, not {format!r}",
                            field="format")
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    header, trailer = _envelope(format)
    paths: list[Path] = []
    lines = _lines(format, count, seed)
    size = tile_size or (1 << 62)
    while True:
        chunk = list(itertools.islice(lines, size)) if tile_size else None
        if chunk is not None and not chunk:
            break
        path = target / f"{_PREFIX[format]}_{len(paths) + 1:04d}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            written = _write_tile(handle, header(), chunk if chunk is not None else lines)
            end = trailer(written)
            if end:
                csv.writer(handle, lineterminator="\n").writerow(end)
        paths.append(path)
        if chunk is None:
            break
    return paths


def _write_tile(handle: IO[str], first: list[object], lines: Iterable[list[object]]) -> int:
    writer = csv.writer(handle, lineterminator="\n")
    if first:
        writer.writerow(first)
    written = 0
    for line in lines:
        writer.writerow(line)
        written += 1
    return written
