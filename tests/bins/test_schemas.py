"""Service, Collection and CollectionDay through pydantic: mirrored fields, round trips."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from lgds_components.bins import Collection, CollectionDay, Schedule, Service
from lgds_components.bins.schemas import CollectionDaySchema, CollectionSchema, ServiceSchema


@pytest.mark.parametrize(("value", "schema"), [(Service, ServiceSchema),
                                               (Collection, CollectionSchema),
                                               (CollectionDay, CollectionDaySchema)])
def test_schema_has_every_field_of_the_attrs_class(value: type, schema: type) -> None:
    assert set(schema.model_fields) == {field.name for field in attrs.fields(value)}


def test_sample_collections_and_days_round_trip(lgds_schedule: Schedule) -> None:
    start = date(2026, 12, 1)
    collections = lgds_schedule.next_collections(100040000012, count=20, on_or_after=start)
    days = lgds_schedule.next_days(100040000012, count=10, on_or_after=start)
    for annotated, values in ((list[Collection], collections), (list[CollectionDay], days)):
        adapter = TypeAdapter(annotated)
        assert adapter.validate_json(adapter.dump_json(values)) == values
    moved = [c for c in TypeAdapter(list[Collection]).dump_python(collections) if c["moved"]]
    assert moved and all(c["move_description"].startswith("Moved from") for c in moved)


def test_a_collection_that_did_not_move() -> None:
    day = date(2026, 3, 2)
    dumped = TypeAdapter(Collection).dump_python(
        Collection(day, Service("food", "Food waste"), "F", day))
    assert (dumped["moved"], dumped["move_description"], dumped["date"]) == (False, "", day)


@pytest.mark.parametrize("bad", [{"date": "2026-02-30", "service": {"id": "a", "name": "A"},
                                  "round": "R", "original_date": "2026-02-27"},
                                 {"date": "2026-02-27", "round": "R"}, "x"])
def test_bad_input_is_a_pydantic_validation_error(bad: object) -> None:
    with pytest.raises(PydanticValidationError):
        TypeAdapter(Collection).validate_python(bad)
