"""Checks for business identifiers, by their checksums (python-stdnum, schwifty), not regexes.

Each function returns the normalized form or raises ValueError with a message for the user.
"""

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import vatin
from stdnum.exceptions import ValidationError as StdnumValidationError

# VAT-id prefixes that differ from the ISO 3166 code of the country.
_VAT_PREFIX_TO_COUNTRY = {"EL": "GR", "XI": "GB"}
_COUNTRY_TO_VAT_PREFIX = {"GR": "EL"}


def vat_id_country(vat_id: str) -> str:
    """The ISO 3166 country a VAT id belongs to (EL… is Greece, XI… Northern Ireland/GB)."""
    prefix = vat_id[:2].upper()
    return _VAT_PREFIX_TO_COUNTRY.get(prefix, prefix)


def normalize_vat_id(value: str, *, country: str = "") -> str:
    """A VAT id with its country prefix, checked with that country's checksum rules.

    Without a prefix, `country` (ISO 3166) supplies it.
    """
    compact = "".join(value.split()).upper()
    if not compact:
        raise ValueError("VAT id is empty.")
    if not compact[:2].isalpha() and country:
        compact = _COUNTRY_TO_VAT_PREFIX.get(country.upper(), country.upper()) + compact
    try:
        return str(vatin.validate(compact))
    except StdnumValidationError as error:
        raise ValueError(f"{value} is not a valid VAT id: {error}") from None


def normalize_iban(value: str) -> str:
    try:
        return str(IBAN(value).compact)
    except SchwiftyException as error:
        raise ValueError(f"{value} is not a valid IBAN: {error}") from None


def normalize_bic(value: str) -> str:
    try:
        return str(BIC(value).compact)
    except SchwiftyException as error:
        raise ValueError(f"{value} is not a valid BIC: {error}") from None


# The CEF Electronic Address Scheme code list (EN 16931 BT-34/BT-49 scheme, rule BR-CL-25).
ELECTRONIC_ADDRESS_SCHEMES = frozenset(
    [
        "0002",
        "0007",
        "0009",
        "0037",
        "0060",
        "0088",
        "0096",
        "0097",
        "0106",
        "0130",
        "0135",
        "0142",
        "0147",
        "0151",
        "0154",
        "0158",
        "0170",
        "0177",
        "0183",
        "0184",
        "0188",
        "0190",
        "0191",
        "0192",
        "0193",
        "0194",
        "0195",
        "0196",
        "0198",
        "0199",
        "0200",
        "0201",
        "0202",
        "0203",
        "0204",
        "0205",
        "0208",
        "0209",
        "0210",
        "0211",
        "0212",
        "0213",
        "0215",
        "0216",
        "0217",
        "0218",
        "0219",
        "0220",
        "0221",
        "0225",
        "0230",
        "0235",
        "0240",
        "0242",
        "0244",
        "0245",
        "0246",
        "0248",
        "9910",
        "9913",
        "9914",
        "9915",
        "9918",
        "9919",
        "9920",
        "9922",
        "9923",
        "9924",
        "9925",
        "9926",
        "9927",
        "9928",
        "9929",
        "9930",
        "9931",
        "9932",
        "9933",
        "9934",
        "9935",
        "9936",
        "9937",
        "9938",
        "9939",
        "9940",
        "9941",
        "9942",
        "9943",
        "9944",
        "9945",
        "9946",
        "9947",
        "9948",
        "9949",
        "9950",
        "9951",
        "9952",
        "9953",
        "9957",
        "9959",
        "AN",
        "AQ",
        "AS",
        "AU",
        "EM",
    ]
)


def normalize_address_scheme(value: str) -> str:
    code = value.strip().upper()
    if code not in ELECTRONIC_ADDRESS_SCHEMES:
        raise ValueError(
            f"{value} is not an EAS code: use e.g. 0088 (GLN), 0204 (Leitweg-ID), 9930 (DE VAT)"
            " or EM (email)."
        )
    return code
