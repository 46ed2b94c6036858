"""The column lists and record layouts of the gazetteer products, as data.

Each layout names its fields in file order and says where the order was
taken from. Nothing here is code from those sources: only the field names and
their order, which are facts about the file formats.

Sources (cited by repository, path and commit):

- **OS** = ``OrdnanceSurvey/AddressBase`` at commit
  ``ea8b3d51c1dd47feae77eac97d6f11610ace3c9a``: the PostgreSQL and Oracle
  create-table scripts and SQL*Loader control files under ``Loading_Scripts/``,
  the AddressBase Premium record splitter
  ``Loading_Scripts/Python/AddressBasePremium_RecordSplitter_v3_7.py`` and the
  AddressBase Core tile processor ``Data Translating/Code/AddressBase_Core/NodeJS/index.js``.
- **NSG DTF 8.1** = GeoPlace, *NSG Data Transfer Format DTF 8.1* (the street
  gazetteer records: header 10, street descriptor 15, metadata 29, trailer 99).
- **DTF 7.3 parser** = ``lambeth-council/DtfParser`` at commit
  ``94fb0e22df1d6a0bd5f6a0d874354ffe8f4c5c1e``: ``ParseDtf/Blpu.cs``,
  ``ParseDtf/Lpi.cs``, ``ParseDtf/StreetDescriptor.cs`` (a council's public
  reader of its LLPG's DTF 7.3 export).

- **LLPG code lists** = ``Flookfinders/iManage-Cloud-App`` (an LLPG editor's
  public source) at commit ``814c604224c031691882e0e4b579326553f7f617``:
  ``src/data/PostallyAddressable.js`` (POSTAL_ADDRESS ``Y``, ``N``, ``A``,
  ``L``, ``P``), ``src/data/LPILogicalStatus.js`` (LPI statuses 1, 3, 5, 6,
  7, 8, 9), and ``src/utils/Type24ValidationChecks.jsx`` at
  ``0f02b7c31f449724e2ba319a30169b19763df9ea`` (LPI language ``ENG``,
  ``CYM``, ``GAE``; an LPI carries a postal flag, postcode and post town);
  its validation files name the LLPG record types 21, 22, 23, 24, 30, 31, 32.

What could **not** be confirmed from public sources is listed in
:data:`UNCONFIRMED`: GeoPlace's DTF 8.1 specification for *addresses* (the
LLPG records 21, 24, 31, 32) is not public in a form this project could read,
so those layouts are reconstructed (see each layout's ``source``) and every
unconfirmed field is named. A council whose export differs passes its own
layout (:func:`lgds_components.address.records.products.read` ``layouts=``).

>>> len(ADDRESSBASE_PLUS.fields), ADDRESSBASE_PLUS.fields[:3]
(77, ('UPRN', 'UDPRN', 'CHANGE_TYPE'))
>>> PREMIUM["24"].name, PREMIUM["24"].fields[4]
('LPI', 'LPI_KEY')
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = [
    "ADDRESSBASE_CORE",
    "ADDRESSBASE_PLUS",
    "DTF_7_3",
    "DTF_8_1",
    "PREMIUM",
    "UNCONFIRMED",
    "RecordLayout",
]

OS_COMMIT = "ea8b3d51c1dd47feae77eac97d6f11610ace3c9a"
_OS = f"OrdnanceSurvey/AddressBase@{OS_COMMIT[:12]}"
_SPLITTER = f"{_OS}:Loading_Scripts/Python/AddressBasePremium_RecordSplitter_v3_7.py"
_ORACLE_PREMIUM = (f"{_OS}:Loading_Scripts/Oracle/AddressBase_Premium_and_Islands/"
                   "Oracle_AddressBasePremium_CreateTables.sql")
_NSG = "GeoPlace NSG Data Transfer Format DTF 8.1"
_LAMBETH = "lambeth-council/DtfParser@94fb0e22df1d"


@attrs.frozen(slots=True)
class RecordLayout:
    """One record layout: its name, its fields in file order, and its source.

    Attributes:
        name: what the product calls the record (``"BLPU"``, ``"LPI"``).
        fields: field names in file order (the first is ``RECORD_IDENTIFIER``
            for multi-record products).
        source: where the order comes from (repository:path@commit or document).
        also_accepted: other field counts seen for this record in the sources
            (the fields read are always a prefix of ``fields``).
    """

    name: str
    fields: tuple[str, ...]
    source: str
    also_accepted: tuple[int, ...] = ()

    def index(self, field: str) -> int:
        """The position of ``field`` (0-based)."""
        return self.fields.index(field)


def _fields(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: AddressBase Plus and Plus Islands: 77 columns, no header row in the data files.
#: Order: ``Loading_Scripts/PostgreSQL/AddressBase_Plus_and_Islands/``
#: ``PostgreSQL_AddressBase_Plus_CreateTable.sql`` (the Oracle control file
#: ``Oracle_AddressBase_Plus_Control.ctl`` lists the same order, with ``LEVEL``
#: and a few long names shortened for Oracle).
ADDRESSBASE_PLUS = RecordLayout("AddressBase Plus", _fields("""
    UPRN UDPRN CHANGE_TYPE STATE STATE_DATE CLASS PARENT_UPRN X_COORDINATE Y_COORDINATE
    LATITUDE LONGITUDE RPC LOCAL_CUSTODIAN_CODE COUNTRY LA_START_DATE LAST_UPDATE_DATE
    ENTRY_DATE RM_ORGANISATION_NAME LA_ORGANISATION DEPARTMENT_NAME LEGAL_NAME
    SUB_BUILDING_NAME BUILDING_NAME BUILDING_NUMBER SAO_START_NUMBER SAO_START_SUFFIX
    SAO_END_NUMBER SAO_END_SUFFIX SAO_TEXT ALT_LANGUAGE_SAO_TEXT PAO_START_NUMBER
    PAO_START_SUFFIX PAO_END_NUMBER PAO_END_SUFFIX PAO_TEXT ALT_LANGUAGE_PAO_TEXT USRN
    USRN_MATCH_INDICATOR AREA_NAME LEVEL OFFICIAL_FLAG OS_ADDRESS_TOID
    OS_ADDRESS_TOID_VERSION OS_ROADLINK_TOID OS_ROADLINK_TOID_VERSION OS_TOPO_TOID
    OS_TOPO_TOID_VERSION VOA_CT_RECORD VOA_NDR_RECORD STREET_DESCRIPTION
    ALT_LANGUAGE_STREET_DESCRIPTION DEPENDENT_THOROUGHFARE THOROUGHFARE
    WELSH_DEPENDENT_THOROUGHFARE WELSH_THOROUGHFARE DOUBLE_DEPENDENT_LOCALITY
    DEPENDENT_LOCALITY LOCALITY WELSH_DEPENDENT_LOCALITY WELSH_DOUBLE_DEPENDENT_LOCALITY
    TOWN_NAME ADMINISTRATIVE_AREA POST_TOWN WELSH_POST_TOWN POSTCODE POSTCODE_LOCATOR
    POSTCODE_TYPE DELIVERY_POINT_SUFFIX ADDRESSBASE_POSTAL PO_BOX_NUMBER WARD_CODE
    PARISH_CODE RM_START_DATE MULTI_OCC_COUNT VOA_NDR_P_DESC_CODE VOA_NDR_SCAT_CODE
    ALT_LANGUAGE
"""), f"{_OS}:Loading_Scripts/PostgreSQL/AddressBase_Plus_and_Islands/"
      "PostgreSQL_AddressBase_Plus_CreateTable.sql")

#: AddressBase Core: 27 columns; each tile file starts with a header row naming them
#: (``COPY ... CSV HEADER`` in ``PostgreSQL_AddressBase_Core_TiledCSV.sql``; the tile
#: processor ``index.js`` skips each file's header line and appends a ``TILENAME``).
ADDRESSBASE_CORE = RecordLayout("AddressBase Core", _fields("""
    UPRN PARENT_UPRN UDPRN USRN TOID CLASSIFICATION_CODE EASTING NORTHING LATITUDE LONGITUDE
    RPC LAST_UPDATE_DATE SINGLE_LINE_ADDRESS PO_BOX ORGANISATION SUB_BUILDING BUILDING_NAME
    BUILDING_NUMBER STREET_NAME LOCALITY TOWN_NAME POST_TOWN ISLAND POSTCODE
    DELIVERY_POINT_SUFFIX GSS_CODE CHANGE_CODE
"""), f"{_OS}:Loading_Scripts/PostgreSQL/AddressBase_Core/"
      "PostgreSQL_AddressBase_Core_CreateTable.sql")

#: AddressBase Premium (and Premium Islands): one layout per record identifier.
#: Field names and order from the record splitter's headings; the Oracle
#: create-table script agrees. The Street record (11) has 24 fields there, with
#: start and end latitude/longitude; the PostgreSQL script
#: (``PostgreSQL_AddressBase_Premium_CreateTable.sql``) lists 20, without them, so
#: both counts are accepted (only ``USRN`` is read from it).
PREMIUM: Mapping[str, RecordLayout] = {
    "10": RecordLayout("Header", _fields("""
        RECORD_IDENTIFIER CUSTODIAN_NAME LOCAL_CUSTODIAN_NAME
        PROCESS_DATE VOLUME_NUMBER ENTRY_DATE TIME_STAMP VERSION FILE_TYPE"""), _SPLITTER),
    "11": RecordLayout("Street", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE PRO_ORDER USRN RECORD_TYPE
        SWA_ORG_REF_NAMING STATE STATE_DATE STREET_SURFACE STREET_CLASSIFICATION VERSION
        STREET_START_DATE STREET_END_DATE LAST_UPDATE_DATE RECORD_ENTRY_DATE STREET_START_X
        STREET_START_Y STREET_START_LAT STREET_START_LONG STREET_END_X STREET_END_Y
        STREET_END_LAT STREET_END_LONG STREET_TOLERANCE"""), _SPLITTER, also_accepted=(20,)),
    "15": RecordLayout("Street Descriptor", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE PRO_ORDER USRN
        STREET_DESCRIPTION LOCALITY_NAME TOWN_NAME ADMINSTRATIVE_AREA LANGUAGE START_DATE
        END_DATE LAST_UPDATE_DATE ENTRY_DATE"""), _SPLITTER),
    "21": RecordLayout("BLPU", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE PRO_ORDER UPRN LOGICAL_STATUS
        BLPU_STATE BLPU_STATE_DATE PARENT_UPRN X_COORDINATE Y_COORDINATE LATITUDE LONGITUDE
        RPC LOCAL_CUSTODIAN_CODE COUNTRY START_DATE END_DATE LAST_UPDATE_DATE ENTRY_DATE
        ADDRESSBASE_POSTAL POSTCODE_LOCATOR MULTI_OCC_COUNT"""), _SPLITTER),
    "23": RecordLayout("Application Cross Reference", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE
        PRO_ORDER UPRN XREF_KEY CROSS_REFERENCE VERSION SOURCE START_DATE END_DATE
        LAST_UPDATE_DATE ENTRY_DATE"""), _SPLITTER),
    "24": RecordLayout("LPI", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE PRO_ORDER UPRN LPI_KEY LANGUAGE
        LOGICAL_STATUS START_DATE END_DATE LAST_UPDATE_DATE ENTRY_DATE SAO_START_NUMBER
        SAO_START_SUFFIX SAO_END_NUMBER SAO_END_SUFFIX SAO_TEXT PAO_START_NUMBER
        PAO_START_SUFFIX PAO_END_NUMBER PAO_END_SUFFIX PAO_TEXT USRN USRN_MATCH_INDICATOR
        AREA_NAME LEVEL OFFICIAL_FLAG"""), _SPLITTER),
    "28": RecordLayout("Delivery Point Address", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE PRO_ORDER
        UPRN UDPRN ORGANISATION_NAME DEPARTMENT_NAME SUB_BUILDING_NAME BUILDING_NAME
        BUILDING_NUMBER DEPENDENT_THOROUGHFARE THOROUGHFARE DOUBLE_DEPENDENT_LOCALITY
        DEPENDENT_LOCALITY POST_TOWN POSTCODE POSTCODE_TYPE DELIVERY_POINT_SUFFIX
        WELSH_DEPENDENT_THOROUGHFARE WELSH_THOROUGHFARE WELSH_DOUBLE_DEPENDENT_LOCALITY
        WELSH_DEPENDENT_LOCALITY WELSH_POST_TOWN PO_BOX_NUMBER PROCESS_DATE START_DATE
        END_DATE LAST_UPDATE_DATE ENTRY_DATE"""), _SPLITTER),
    "29": RecordLayout("Metadata", _fields("""
        RECORD_IDENTIFIER GAZ_NAME GAZ_SCOPE TER_OF_USE
        LINKED_DATA GAZ_OWNER NGAZ_FREQ CUSTODIAN_NAME CUSTODIAN_UPRN LOCAL_CUSTODIAN_CODE
        CO_ORD_SYSTEM CO_ORD_UNIT META_DATE CLASS_SCHEME GAZ_DATE LANGUAGE CHARACTER_SET"""),
        _SPLITTER),
    "30": RecordLayout("Successor", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE PRO_ORDER UPRN SUCC_KEY
        START_DATE END_DATE LAST_UPDATE_DATE ENTRY_DATE SUCCESSOR"""), _SPLITTER),
    "31": RecordLayout("Organisation", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE PRO_ORDER UPRN ORG_KEY
        ORGANISATION LEGAL_NAME START_DATE END_DATE LAST_UPDATE_DATE ENTRY_DATE"""), _SPLITTER),
    "32": RecordLayout("Classification", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE PRO_ORDER UPRN
        CLASS_KEY CLASSIFICATION_CODE CLASS_SCHEME SCHEME_VERSION START_DATE END_DATE
        LAST_UPDATE_DATE ENTRY_DATE"""), _SPLITTER),
    "99": RecordLayout("Trailer", _fields("""
        RECORD_IDENTIFIER NEXT_VOLUME_NUMBER RECORD_COUNT
        ENTRY_DATE TIME_STAMP"""), _SPLITTER),
}

_DTF_HEADER = RecordLayout("Header", _fields("""
        RECORD_IDENTIFIER CUSTODIAN_NAME LOCAL_CUSTODIAN_CODE
    PROCESS_DATE VOLUME_NUMBER ENTRY_DATE TIME_STAMP VERSION FILE_TYPE"""),
    f"{_NSG}, Header Record (type 10); field names as AddressBase Premium's header "
    f"({_ORACLE_PREMIUM})")
_DTF_STREET_DESCRIPTOR = RecordLayout("Street Descriptor", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE
    PRO_ORDER USRN STREET_DESCRIPTOR LOCALITY_NAME TOWN_NAME ADMINISTRATIVE_AREA LANGUAGE"""),
    f"{_NSG}, Street Descriptor Record (type 15); the same order in {_LAMBETH}:"
    "ParseDtf/StreetDescriptor.cs")
_DTF_TRAILER = RecordLayout("Trailer", _fields(
    "RECORD_IDENTIFIER NEXT_VOLUME_NUMBER RECORD_COUNT ENTRY_DATE TIME_STAMP"),
    f"{_NSG}, Trailer Record (type 99)")

#: The council's LLPG in GeoPlace's Data Transfer Format 8.1. Records not listed
#: here (11 street, 12, 13, 14, 16, 17 street data, 22 provenance, 23 cross
#: reference, 29 metadata, 30 successor) are recognised and not read.
DTF_8_1: Mapping[str, RecordLayout] = {
    "10": _DTF_HEADER,
    "15": _DTF_STREET_DESCRIPTOR,
    "21": RecordLayout("BLPU", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE PRO_ORDER UPRN LOGICAL_STATUS
        BLPU_STATE BLPU_STATE_DATE PARENT_UPRN X_COORDINATE Y_COORDINATE RPC
        LOCAL_CUSTODIAN_CODE START_DATE END_DATE LAST_UPDATE_DATE ENTRY_DATE"""),
        "reconstructed (unconfirmed): AddressBase Premium's BLPU (record 21, "
        f"{_SPLITTER}) without the fields Ordnance Survey adds (LATITUDE, LONGITUDE, "
        "COUNTRY, ADDRESSBASE_POSTAL, POSTCODE_LOCATOR, MULTI_OCC_COUNT)"),
    "24": RecordLayout("LPI", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE PRO_ORDER UPRN LPI_KEY LANGUAGE
        LOGICAL_STATUS START_DATE END_DATE LAST_UPDATE_DATE ENTRY_DATE SAO_START_NUMBER
        SAO_START_SUFFIX SAO_END_NUMBER SAO_END_SUFFIX SAO_TEXT PAO_START_NUMBER
        PAO_START_SUFFIX PAO_END_NUMBER PAO_END_SUFFIX PAO_TEXT USRN USRN_MATCH_INDICATOR
        AREA_NAME LEVEL POSTAL_ADDRESS POSTCODE POST_TOWN OFFICIAL_FLAG"""),
        "reconstructed (unconfirmed): AddressBase Premium's LPI (record 24, "
        f"{_SPLITTER}) with the postal fields of the DTF 7.3 LPI "
        f"({_LAMBETH}:ParseDtf/Lpi.cs: POSTAL_ADDRESS, POSTCODE, POST_TOWN) placed, as "
        "there, between LEVEL and OFFICIAL_FLAG"),
    "31": RecordLayout("Organisation", PREMIUM["31"].fields,
                 f"reconstructed (unconfirmed): AddressBase Premium's record 31 ({_SPLITTER})"),
    "32": RecordLayout("Classification", PREMIUM["32"].fields,
                 f"reconstructed (unconfirmed): AddressBase Premium's record 32 ({_SPLITTER})"),
    "99": _DTF_TRAILER,
}

#: The LLPG in DTF 7.3, read when the header's VERSION starts with ``7``:
#: BLPU and LPI as ``lambeth-council/DtfParser`` reads them (the classification
#: and organisation are fields of the BLPU in 7.3, not records of their own).
DTF_7_3: Mapping[str, RecordLayout] = {
    "10": _DTF_HEADER,
    "15": _DTF_STREET_DESCRIPTOR,
    "21": RecordLayout("BLPU", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE PRO_ORDER UPRN LOGICAL_STATUS
        BLPU_STATE BLPU_STATE_DATE BLPU_CLASS PARENT_UPRN X_COORDINATE Y_COORDINATE RPC
        LOCAL_CUSTODIAN_CODE START_DATE END_DATE LAST_UPDATE_DATE ENTRY_DATE ORGANISATION
        WARD_CODE PARISH_CODE CUSTODIAN_ONE CUSTODIAN_TWO CAN_KEY"""),
        f"{_LAMBETH}:ParseDtf/Blpu.cs"),
    "24": RecordLayout("LPI", _fields("""
        RECORD_IDENTIFIER CHANGE_TYPE PRO_ORDER UPRN LPI_KEY LANGUAGE
        LOGICAL_STATUS START_DATE END_DATE ENTRY_DATE LAST_UPDATE_DATE SAO_START_NUMBER
        SAO_START_SUFFIX SAO_END_NUMBER SAO_END_SUFFIX SAO_TEXT PAO_START_NUMBER
        PAO_START_SUFFIX PAO_END_NUMBER PAO_END_SUFFIX PAO_TEXT USRN LEVEL POSTAL_ADDRESS
        POSTCODE POST_TOWN OFFICIAL_FLAG CUSTODIAN_ONE CUSTODIAN_TWO CAN_KEY"""),
        f"{_LAMBETH}:ParseDtf/Lpi.cs"),
    "99": _DTF_TRAILER,
}

#: What could not be confirmed from a public source, by product and record.
UNCONFIRMED: Mapping[str, str] = {
    "dtf 8.1 record 21": "field order of the LLPG BLPU (reconstructed, see DTF_8_1['21'])",
    "dtf 8.1 record 24": "field order of the LLPG LPI, and where POSTAL_ADDRESS, POSTCODE "
                         "and POST_TOWN stand (reconstructed, see DTF_8_1['24'])",
    "dtf 8.1 records 31, 32": "organisation and classification records taken to match "
                              "AddressBase Premium's",
    "dtf 8.1 record 10": "the LLPG header taken to match the NSG header's nine fields",
    "dtf POSTAL_ADDRESS codes": "Y (yes), A (assumed), L (large user) read as postal; "
                                "N (no) and P (pseudo postcode) as not postal",
    "plus ALT_LANGUAGE": "read as the language code (CYM, GAE, ENG) of the ALT_LANGUAGE_ "
                         "fields; the codes are those of Premium's LPI LANGUAGE",
    "premium header VERSION": "no sample value was available; detection uses the custodian "
                              "(Ordnance Survey, code 7655) instead",
    "core change-only": "OS resupplies whole tiles; rows are read by CHANGE_CODE (I, U, D)",
}
