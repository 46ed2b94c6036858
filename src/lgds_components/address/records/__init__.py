"""The record reader (internal): every input layout in, checked records for every store out.

:mod:`~lgds_components.address.records.contract` is the seam: what a layout
hands the reader (:class:`~lgds_components.address.records.contract.RawRecord`)
and what the reader hands a store
(:class:`~lgds_components.address.records.contract.Record`); read it first to
add a layout. :mod:`~lgds_components.address.records.lines` reads CSV files
as bounded, numbered rows; :mod:`~lgds_components.address.records.flat_csv`
holds the flat CSV layouts; :mod:`~lgds_components.address.records.checks`
the value checks; :mod:`~lgds_components.address.records.reader` the reader.
"""

__all__: list[str] = []
