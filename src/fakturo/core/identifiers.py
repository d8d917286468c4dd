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
