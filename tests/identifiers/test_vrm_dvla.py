"""Vehicle registration letters checked against DVLA's rules for each format."""

from __future__ import annotations

import pytest

from lgds_components.errors import InvalidComponent
from lgds_components.identifiers import vrm


@pytest.mark.parametrize("mark", [
    "A123 ZBC", "A123 BZC", "A123 BCZ", "P1 ZZZ", "Q123 ZBC",  # prefix: no Z in the letters
    "ZBC 123D", "BZC 123D", "BCZ 123D", "ZZZ 1A",  # suffix: likewise
    "AB50 CDE",  # the current format's first age identifier was 51 (September 2001)
])
def test_letters_and_ages_dvla_never_issued_are_refused(mark: str) -> None:
    with pytest.raises(InvalidComponent):
        vrm.validate(mark)
    assert not vrm.is_valid(mark)


@pytest.mark.parametrize(("mark", "kind"), [
    ("AB51 CDE", "current"), ("AB02 CDE", "current"), ("AB99 ZZZ", "current"),
    ("A123 BCD", "prefix"), ("Y999 YYY", "prefix"), ("Q123 BCD", "prefix"),
    ("ABC 123D", "suffix"), ("YYY 1Y", "suffix"),
    ("ZBC 1234", "dateless"), ("IAZ 1234", "dateless"),  # Northern Ireland: I and Z are fine
])
def test_marks_dvla_issues_are_accepted(mark: str, kind: str) -> None:
    assert vrm.kind(mark) == kind
