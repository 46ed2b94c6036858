"""Gazetteers as they are delivered: AddressBase Plus, Core, Premium and the DTF LLPG.

Ordnance Survey's AddressBase products and a council's LLPG in GeoPlace's
Data Transfer Format come as they are: headerless or multi-record CSV, many
tile files, zipped. This package reads them into flat address records, one
per LPI, for the gazetteer's record reader:

>>> from lgds_components.address.records.products import FORMATS
>>> FORMATS
('addressbase-plus', 'addressbase-core', 'addressbase-premium', 'dtf')

- :mod:`.layouts`: every column list and record layout, with its source;
- :mod:`.sources`: files, folders, zips and ``.gz``;
- :mod:`.detect`: the product told from a file's first line;
- :mod:`.flat`: Plus and Core rows;
- :mod:`.multi` and :mod:`.staging`: Premium and DTF records, staged on disk
  and assembled (:mod:`.helper`: a big supply staged by two processes);
- :mod:`.reader`: :func:`read` (a full supply) and :func:`changes` (a
  change-only update, all or nothing);
- :mod:`.layout`: all of it as the record reader's layout;
- :mod:`.paf`: Royal Mail's form printed as lines; :mod:`.writers`: the sample
  generator in each layout.
"""

from __future__ import annotations

from lgds_components.address.records.products.detect import FORMATS, detect
from lgds_components.address.records.products.flat import Entry
from lgds_components.address.records.products.layouts import RecordLayout
from lgds_components.address.records.products.reader import Delivery, changes, read
from lgds_components.address.records.products.record import FIELDS, Flat, Where

__all__ = ["FIELDS", "FORMATS", "Delivery", "Entry", "Flat", "RecordLayout", "Where", "changes",
           "detect", "read"]
