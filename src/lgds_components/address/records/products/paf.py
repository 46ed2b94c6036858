"""The delivery-point (Royal Mail PAF) form of an address, as printed lines.

AddressBase carries Royal Mail's form of a postal address (organisation,
department, sub-building, building name and number, dependent thoroughfare,
thoroughfare, double dependent and dependent locality, post town, postcode)
beside the council's LPI form. :func:`delivery_lines` prints it the way Royal
Mail's addressing rules lay it out: a building number shares the
thoroughfare's line; a building name that is really a number (``12A``,
``1-3``) does too (the *exception rule*); a number-like sub-building shares
the building name's line.

>>> delivery_lines(sub_building_name="FLAT 2", building_name="ROSE COURT",
...                building_number="12", thoroughfare="MILL LANE",
...                post_town="KELMOUTH", postcode="EX4 1AA")
('FLAT 2', 'ROSE COURT', '12 MILL LANE', 'KELMOUTH', 'EX4 1AA')
>>> delivery_lines(building_name="12A", thoroughfare="HIGH STREET", post_town="KELMOUTH")
('12A HIGH STREET', 'KELMOUTH')
>>> delivery_lines(sub_building_name="2", building_name="ROSE COURT", thoroughfare="MILL LANE")
('2 ROSE COURT', 'MILL LANE')
"""

from __future__ import annotations

from lgds_components.address.model import is_number_like

__all__ = ["delivery_lines"]


def delivery_lines(
    organisation_name: str = "", department_name: str = "", po_box_number: str = "",
    sub_building_name: str = "", building_name: str = "", building_number: str = "",
    dependent_thoroughfare: str = "", thoroughfare: str = "",
    double_dependent_locality: str = "", dependent_locality: str = "",
    post_town: str = "", postcode: str = "",
) -> tuple[str, ...]:
    """Royal Mail's layout of a delivery point's fields, one line per tuple item
    (empty fields leave no line)."""
    out = []  # (plain tests, not loops: this runs once a delivery point)
    if organisation_name:
        out.append(organisation_name)
    if department_name:
        out.append(department_name)
    if po_box_number:
        out.append(f"PO BOX {po_box_number}")
    number = building_number
    name = building_name
    if name and not number and is_number_like(name):
        number, name = name, ""
    if sub_building_name:
        if name and is_number_like(sub_building_name):
            name = f"{sub_building_name} {name}"
        elif not name and not number:
            number = sub_building_name if is_number_like(sub_building_name) else ""
            if not number:
                out.append(sub_building_name)
        else:
            out.append(sub_building_name)
    if name:
        out.append(name)
    street = dependent_thoroughfare or thoroughfare
    if number and street:
        out.append(f"{number} {street}")
    elif number:
        out.append(number)
    elif street:
        out.append(street)
    if dependent_thoroughfare and thoroughfare:
        out.append(thoroughfare)
    if double_dependent_locality:
        out.append(double_dependent_locality)
    if dependent_locality:
        out.append(dependent_locality)
    if post_town:
        out.append(post_town)
    if postcode:
        out.append(postcode)
    return tuple(out)
