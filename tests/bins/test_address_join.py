"""Addresses from the gazetteer go straight into the schedule: UPRN and USRN together."""

from __future__ import annotations

from datetime import date

import pytest

from lgds_components.address import Address, Gazetteer
from lgds_components.bins import ICSSource, Schedule
from lgds_components.bins.property import HasUPRN, property_ids
from lgds_components.errors import InvalidFormat, NotFound, ValidationError

START = date(2026, 12, 14)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    gaz = Gazetteer.sample()
    yield gaz  # type: ignore[misc]
    gaz.close()


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    sched = Schedule.sample()
    yield sched  # type: ignore[misc]
    sched.close()


def test_every_sample_gazetteer_street_has_bin_days(gazetteer: Gazetteer,
                                                    schedule: Schedule) -> None:
    streets = {a.usrn for a in gazetteer.sample_addresses(len(gazetteer))}
    assert len(streets) == 66
    for usrn in streets:
        assert usrn is not None and schedule.store.street_rounds(usrn) is not None, usrn


def test_an_address_from_by_postcode_gives_its_bin_days(gazetteer: Gazetteer,
                                                        schedule: Schedule) -> None:
    homes = gazetteer.by_postcode("SN7 1BA", postal_only=True)
    home = homes[0]
    assert isinstance(home, HasUPRN)
    days = schedule.next_days(home, count=3, on_or_after=START)
    assert [d.date for d in days] == [date(2026, 12, 18), date(2026, 12, 26), date(2027, 1, 2)]
    assert schedule.next_collections(home, count=2, on_or_after=START) == (
        schedule.next_collections(home.uprn, count=2, on_or_after=START, usrn=home.usrn))
    assert schedule.describe(home)[0] == ("Rubbish", "Every other Friday")
    assert schedule.collections_between(home, START, date(2026, 12, 31))
    assert b"BEGIN:VCALENDAR" in schedule.to_ical(home, start=START, days=30)
    assert schedule.to_json(home, start=START, days=30)["uprn"] == home.uprn
    assert schedule.to_ukbcd_json(home, start=START, days=30)["bins"]


def test_many_addresses_fall_back_to_their_streets(gazetteer: Gazetteer,
                                                   schedule: Schedule) -> None:
    homes = gazetteer.by_postcode("TR5 1EN")[:3]
    answers = dict(schedule.next_collections_many([*homes, 100040000012, 42], count=2,
                                                  on_or_after=START))
    assert all(answers[home.uprn] for home in homes)
    assert answers[100040000012] and answers[42] is None


def test_not_found_says_what_to_pass(gazetteer: Gazetteer, schedule: Schedule) -> None:
    home = gazetteer.by_postcode("SN7 1BA")[0]
    with pytest.raises(NotFound, match=r"pass the Address from the gazetteer instead of the "
                                       r"UPRN, or usrn=its USRN"):
        schedule.next_collections(home.uprn)
    with pytest.raises(NotFound, match=r"or its street \(USRN 99999999\)"):
        schedule.next_days(home, usrn=99999999)
    stray = Address(uprn=123, usrn=None)
    with pytest.raises(NotFound, match="usrn=its USRN"):
        schedule.next_days(stray)


def test_explicit_usrn_wins_and_bad_ones_are_refused() -> None:
    home = Address(uprn=5, usrn=20080771)
    assert property_ids(home, usrn="14200001") == (5, 14200001)
    with pytest.raises(InvalidFormat):
        property_ids(home, usrn="not a usrn")
    with pytest.raises(ValidationError):
        property_ids("")


def test_ics_source_takes_an_address_too() -> None:
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        "UID:1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20261218\r\n"
        "SUMMARY:Rubbish\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    source = ICSSource({10120533: calendar})
    home = Address(uprn=10120533, usrn=20080771)
    days = source.next_days(home, count=1, on_or_after=START, usrn=20080771)
    assert [d.date for d in days] == [date(2026, 12, 18)]


def test_bin_days_table_renders_with_govuk_frontend(gazetteer: Gazetteer,
                                                    schedule: Schedule) -> None:
    jinja2 = pytest.importorskip("jinja2")
    pytest.importorskip("govuk_frontend_jinja")
    from lgds_components.bins import bin_days_table
    from lgds_components.forms.jinja import install

    env = jinja2.Environment(loader=jinja2.PrefixLoader(
        {"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")}), autoescape=True)
    install(env)
    home = gazetteer.by_postcode("SN7 1BA", postal_only=True)[0]
    days = schedule.next_days(home, count=4, on_or_after=date(2026, 12, 18))
    table = bin_days_table(days, today=date(2026, 12, 18), caption="Bin days")
    html = env.from_string("{{ govuk_macro('govukTable', table) }}").render(table=table)
    assert '<caption class="govuk-table__caption govuk-table__caption--m">Bin days' in html
    assert '<th scope="row" class="govuk-table__header">Friday 18 December 2026 (today)' in html
    assert "Recycling (blue wheelie bin)<br>Food waste (green food caddy)" in html
    assert "Moved from Friday 25 December because of Christmas Day" in html
    quiet = bin_days_table(schedule.next_days(home, count=2, on_or_after=date(2027, 2, 1)))
    assert [cell["text"] for cell in quiet["head"]] == ["Date", "Bins collected"]
