"""The tax rates a new organization starts with, by its country.

Data only: `tax_rates_install_defaults` in services.py creates them. Rates change by law, so
the figures here are a starting point the organization edits, never looked up again later.
"""

from dataclasses import dataclass
from decimal import Decimal

from fakturo.catalog.choices import TaxKind, VatCategory


@dataclass(frozen=True, slots=True)
class RateDefault:
    name: str
    percentage: Decimal
    category: str = VatCategory.STANDARD
    kind: str = TaxKind.ADDITIVE
    exemption_reason: str = ""
    exemption_code: str = ""
    is_default: bool = False


def _standard(name: str, percentage: str, *, is_default: bool = False) -> RateDefault:
    return RateDefault(name, Decimal(percentage), is_default=is_default)


def _withholding(name: str, percentage: str) -> RateDefault:
    return RateDefault(name, Decimal(percentage), category="", kind=TaxKind.WITHHOLDING)


COUNTRY_RATES: dict[str, tuple[RateDefault, ...]] = {
    "DE": (_standard("USt 19 %", "19", is_default=True), _standard("USt 7 %", "7")),
    "AT": (
        _standard("USt 20 %", "20", is_default=True),
        _standard("USt 13 %", "13"),
        _standard("USt 10 %", "10"),
    ),
    "FR": (
        _standard("TVA 20 %", "20", is_default=True),
        _standard("TVA 10 %", "10"),
        _standard("TVA 5,5 %", "5.5"),
        _standard("TVA 2,1 %", "2.1"),
    ),
    "NL": (_standard("BTW 21 %", "21", is_default=True), _standard("BTW 9 %", "9")),
    "BE": (
        _standard("BTW/TVA 21 %", "21", is_default=True),
        _standard("BTW/TVA 12 %", "12"),
        _standard("BTW/TVA 6 %", "6"),
    ),
    "ES": (
        _standard("IVA 21 %", "21", is_default=True),
        _standard("IVA 10 %", "10"),
        _standard("IVA 4 %", "4"),
        _withholding("IRPF 15 %", "15"),
        _withholding("IRPF 7 %", "7"),
    ),
    "IT": (
        _standard("IVA 22 %", "22", is_default=True),
        _standard("IVA 10 %", "10"),
        _standard("IVA 5 %", "5"),
        _standard("IVA 4 %", "4"),
        _withholding("Ritenuta d'acconto 20 %", "20"),
    ),
    "GB": (
        _standard("VAT 20 %", "20", is_default=True),
        _standard("VAT 5 %", "5"),
        RateDefault("VAT 0 % (zero-rated)", Decimal(0), category=VatCategory.ZERO),
    ),
    # No default: US sales tax depends on the state, county and city of the buyer.
    "US": (
        RateDefault(
            "No sales tax",
            Decimal(0),
            category=VatCategory.OUTSIDE_SCOPE,
            exemption_reason="Not subject to VAT",
        ),
    ),
}

NO_TAX = RateDefault(
    "No tax", Decimal(0), category=VatCategory.OUTSIDE_SCOPE, exemption_reason="Not subject to VAT"
)

EU_COUNTRIES = frozenset(  # ISO 3166 codes: Greece is GR here, though EL in VAT ids
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ZeroRateTexts:
    """Names and printed exemption reasons of the 0 % rates every EU seller needs."""

    zero_rated: str
    exempt: str
    exempt_reason: str
    reverse_charge: str
    reverse_charge_reason: str
    intra_community: str
    intra_community_reason: str
    export: str
    export_reason: str


ZERO_RATE_TEXTS: dict[str, ZeroRateTexts] = {
    "en": ZeroRateTexts(
        zero_rated="VAT 0 % (zero-rated)",
        exempt="VAT exempt",
        exempt_reason="Exempt from VAT",
        reverse_charge="Reverse charge",
        reverse_charge_reason="Reverse charge",
        intra_community="Intra-community supply",
        intra_community_reason="Intra-community supply, exempt from VAT",
        export="Export outside the EU",
        export_reason="Export outside the EU, exempt from VAT",
    ),
    "de": ZeroRateTexts(
        zero_rated="USt 0 % (Nullsatz)",
        exempt="Steuerfrei",
        exempt_reason="Steuerfreie Leistung",
        reverse_charge="Reverse Charge",
        reverse_charge_reason="Steuerschuldnerschaft des Leistungsempfängers",
        intra_community="Innergemeinschaftliche Lieferung",
        intra_community_reason="Steuerfreie innergemeinschaftliche Lieferung",
        export="Ausfuhrlieferung",
        export_reason="Steuerfreie Ausfuhrlieferung",
    ),
    "fr": ZeroRateTexts(
        zero_rated="TVA 0 %",
        exempt="Exonéré de TVA",
        exempt_reason="Exonération de TVA",
        reverse_charge="Autoliquidation",
        reverse_charge_reason="Autoliquidation",
        intra_community="Livraison intracommunautaire",
        intra_community_reason="Livraison intracommunautaire exonérée de TVA",
        export="Exportation hors UE",
        export_reason="Exportation hors UE exonérée de TVA",
    ),
    "nl": ZeroRateTexts(
        zero_rated="BTW 0 %",
        exempt="Vrijgesteld van btw",
        exempt_reason="Vrijgesteld van btw",
        reverse_charge="Btw verlegd",
        reverse_charge_reason="Btw verlegd",
        intra_community="Intracommunautaire levering",
        intra_community_reason="Intracommunautaire levering, vrijgesteld van btw",
        export="Uitvoer buiten de EU",
        export_reason="Uitvoer buiten de EU, vrijgesteld van btw",
    ),
    "es": ZeroRateTexts(
        zero_rated="IVA 0 %",
        exempt="Exento de IVA",
        exempt_reason="Operación exenta de IVA",
        reverse_charge="Inversión del sujeto pasivo",
        reverse_charge_reason="Inversión del sujeto pasivo",
        intra_community="Entrega intracomunitaria",
        intra_community_reason="Entrega intracomunitaria exenta de IVA",
        export="Exportación fuera de la UE",
        export_reason="Exportación exenta de IVA",
    ),
    "it": ZeroRateTexts(
        zero_rated="IVA 0 %",
        exempt="Esente IVA",
        exempt_reason="Operazione esente IVA",
        reverse_charge="Inversione contabile",
        reverse_charge_reason="Inversione contabile",
        intra_community="Cessione intracomunitaria",
        intra_community_reason="Cessione intracomunitaria non imponibile",
        export="Esportazione extra UE",
        export_reason="Cessione all'esportazione non imponibile",
    ),
}

# The language of the 0 % rates' names and reasons; English for the other EU countries.
COUNTRY_LANGUAGE = {
    "AT": "de",
    "DE": "de",
    "BE": "nl",
    "NL": "nl",
    "FR": "fr",
    "LU": "fr",
    "ES": "es",
    "IT": "it",
}


def _eu_zero_rates(country: str) -> tuple[RateDefault, ...]:
    texts = ZERO_RATE_TEXTS[COUNTRY_LANGUAGE.get(country, "en")]
    return (
        RateDefault(texts.zero_rated, Decimal(0), category=VatCategory.ZERO),
        # No VATEX code: the right one (VATEX-EU-132-1A …) depends on why the supply is exempt.
        RateDefault(
            texts.exempt,
            Decimal(0),
            category=VatCategory.EXEMPT,
            exemption_reason=texts.exempt_reason,
        ),
        RateDefault(
            texts.reverse_charge,
            Decimal(0),
            category=VatCategory.REVERSE_CHARGE,
            exemption_reason=texts.reverse_charge_reason,
            exemption_code="VATEX-EU-AE",
        ),
        RateDefault(
            texts.intra_community,
            Decimal(0),
            category=VatCategory.INTRA_EU,
            exemption_reason=texts.intra_community_reason,
            exemption_code="VATEX-EU-IC",
        ),
        RateDefault(
            texts.export,
            Decimal(0),
            category=VatCategory.EXPORT,
            exemption_reason=texts.export_reason,
            exemption_code="VATEX-EU-G",
        ),
    )


def default_rates(country: str) -> tuple[RateDefault, ...]:
    """The rates for an organization in `country` (ISO 3166-1 alpha-2); at most one default."""
    country = country.upper()
    rates = COUNTRY_RATES.get(country, ())
    if country in EU_COUNTRIES:
        rates += _eu_zero_rates(country)
    return rates or (NO_TAX,)
