"""Known countries, currencies and time zones, from Babel and the IANA database."""

import zoneinfo
from functools import cache

from babel import Locale
from babel.numbers import list_currencies


@cache
def country_names(language: str = "en") -> dict[str, str]:
    territories = Locale.parse(language).territories
    return {code: name for code, name in territories.items() if len(code) == 2 and code.isalpha()}


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def timezone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_country(code: str) -> bool:
    return code in country_names() and code not in {"ZZ", "EU", "UN", "EZ", "QO"}


def is_known_currency(code: str) -> bool:
    return code in currency_codes()


def is_known_timezone(name: str) -> bool:
    return name in timezone_names()
