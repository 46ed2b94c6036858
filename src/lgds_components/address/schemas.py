"""pydantic models of the address values: ``Address`` and ``Match``.

They are what an address looks like at the edge: in a JSON API, in OpenAPI.
You rarely name them: an ``Address`` or a ``Match`` is itself usable as a
pydantic field and a FastAPI response model (through
:mod:`lgds_components.pydantic_bridge`), with these models' JSON and JSON
Schema. The JSON carries every field of the address, and its Royal Mail
``lines`` and ``single_line`` as read-only extras:

>>> from pydantic import TypeAdapter
>>> from lgds_components.address import Address, Match
>>> flat = Address(uprn=10001, sao_text="Flat 2", pao_start_number=10,
...                street="High Street", town="Exeter", postcode="EX4 1AA")
>>> data = TypeAdapter(Match).dump_python(Match(flat, 0.97, "postcode + number + street"))
>>> data["uprn"], data["score"], data["address"]["lines"]
(10001, 0.97, ('Flat 2', '10 High Street', 'Exeter', 'EX4 1AA'))

Going the other way (a request body holding an address),
:meth:`AddressSchema.to_address` gives the attrs value, with the same
converters as building it directly.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, computed_field

from lgds_components.address.match import Match
from lgds_components.address.model import APPROVED, Address

__all__ = ["AddressSchema", "MatchSchema"]

_CONFIG = ConfigDict(frozen=True, from_attributes=True)


class AddressSchema(BaseModel):
    """One addressable place, structured as in BS 7666 (an LLPG or AddressBase record)."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        **_CONFIG,
        title="Address",
        json_schema_extra={
            "examples": [
                {
                    "uprn": 10001,
                    "sao_text": "Flat 2",
                    "pao_start_number": 10,
                    "street": "High Street",
                    "town": "Exeter",
                    "postcode": "EX4 1AA",
                    "lines": ["Flat 2", "10 High Street", "Exeter", "EX4 1AA"],
                    "single_line": "Flat 2, 10 High Street, Exeter, EX4 1AA",
                }
            ]
        },
    )

    uprn: int = Field(description="Unique Property Reference Number.")
    parent_uprn: int | None = Field(None, description="The UPRN of the building this one is in.")
    usrn: int | None = Field(None, description="Unique Street Reference Number of the street.")
    organisation: str = ""
    sao_start_number: int | None = None
    sao_start_suffix: str = ""
    sao_end_number: int | None = None
    sao_end_suffix: str = ""
    sao_text: str = Field("", description="The flat or unit, by name (``Flat 2``).")
    pao_start_number: int | None = None
    pao_start_suffix: str = ""
    pao_end_number: int | None = None
    pao_end_suffix: str = ""
    pao_text: str = Field("", description="The building, by name (``Victoria House``).")
    street: str = ""
    locality: str = ""
    town: str = ""
    postcode: str = Field("", description="The postcode in display form, ``EX4 1AA``.")
    easting: float | None = Field(None, description="British National Grid, metres.")
    northing: float | None = Field(None, description="British National Grid, metres.")
    classification: str = Field("", description="AddressBase classification code (``RD04``).")
    logical_status: int = Field(
        APPROVED, description="1 approved, 3 alternative, 6 provisional, 8 historical."
    )
    language: str = Field("en", description="``en``, or ``cy`` (Welsh) or ``gd`` (Gaelic) for "
                                            "an alternate-language record.")
    postal: bool = Field(True, description="Whether Royal Mail delivers to it.")
    latitude: float | None = Field(None, description="WGS84 degrees, where the product gives it.")
    longitude: float | None = Field(None, description="WGS84 degrees, where the product gives it.")
    udprn: int | None = Field(None, description="Royal Mail's Unique Delivery Point Reference "
                                                "Number.")
    delivery_lines: tuple[str, ...] = Field(
        (), description="Royal Mail's (PAF) form of the address as lines, where the product "
                        "carries it (AddressBase).")

    def to_address(self) -> Address:
        """The attrs :class:`~lgds_components.address.Address` this describes."""
        return Address(**self.model_dump(exclude={"lines", "single_line"}))

    @computed_field(  # type: ignore[prop-decorator]
        description="The address as printed on an envelope (Royal Mail rules)."
    )
    @property
    def lines(self) -> tuple[str, ...]:
        return self.to_address().lines()

    @computed_field(description="``lines`` joined with commas.")  # type: ignore[prop-decorator]
    @property
    def single_line(self) -> str:
        return ", ".join(self.lines)


class MatchSchema(BaseModel):
    """One candidate address for some text, with how sure the provider is and why."""

    model_config: ClassVar[ConfigDict] = ConfigDict(**_CONFIG, title="Match")

    address: AddressSchema
    score: float = Field(ge=0.0, le=1.0, description="Confidence from 0 to 1, best first.")
    reason: str = Field("", description="What matched (``postcode + number + street``).")

    def to_match(self) -> Match:
        """The attrs :class:`~lgds_components.address.Match` this describes."""
        return Match(self.address.to_address(), self.score, self.reason)

    @computed_field(description="The matched address's UPRN.")  # type: ignore[prop-decorator]
    @property
    def uprn(self) -> int:
        return self.address.uprn
