"""The tax rates a new organization gets from its country."""

from decimal import Decimal

import pytest

from fakturo.accounts.models import Membership, Organization
from fakturo.accounts.services import organization_setup
from fakturo.catalog.defaults import COUNTRY_RATES, EU_COUNTRIES
from fakturo.catalog.models import TaxRate
from fakturo.catalog.services import tax_rate_update, tax_rates_install_defaults
from tests.conftest import PASSWORD

EU_ZERO_RATES = [
    ("Z", "", ""),
    ("E", "Steuerfreie Leistung", ""),
    ("AE", "Steuerschuldnerschaft des Leistungsempfängers", "VATEX-EU-AE"),
    ("K", "Steuerfreie innergemeinschaftliche Lieferung", "VATEX-EU-IC"),
    ("G", "Steuerfreie Ausfuhrlieferung", "VATEX-EU-G"),
]


def setup_in(country: str) -> Membership:
    return organization_setup(
        name=f"Seller {country}",
        email=f"owner@{country.lower()}.test",
        password=PASSWORD,
        country=country,
        currency="EUR",
    )


def rows(organization: Organization) -> list[tuple[str, str, str, str, bool]]:
    return [
        (rate.name, f"{rate.percentage.normalize():f}", rate.category, rate.kind, rate.is_default)
        for rate in TaxRate.objects.filter(organization=organization)  # default first
    ]


def test_germany_gets_19_as_default_7_and_the_eu_zero_rates(owner: Membership) -> None:
    rates = TaxRate.objects.filter(organization=owner.organization)

    standard = rates.filter(category="S").order_by("-percentage")
    zero = rates.exclude(category="S").order_by("category")

    assert [(r.name, r.percentage, r.is_default) for r in standard] == [
        ("USt 19 %", Decimal("19"), True),
        ("USt 7 %", Decimal("7"), False),
    ]
    assert sorted((r.category, r.exemption_reason, r.exemption_code) for r in zero) == sorted(
        EU_ZERO_RATES
    )
    assert all(r.percentage == 0 and not r.is_default for r in zero)
    assert rates.count() == 7


@pytest.mark.django_db
def test_the_united_states_get_only_a_no_sales_tax_rate_and_no_default() -> None:
    organization = setup_in("US").organization

    rate = TaxRate.objects.get(organization=organization)

    assert (rate.name, rate.percentage, rate.category, rate.is_default) == (
        "No sales tax",
        Decimal(0),
        "O",
        False,
    )
    assert rate.exemption_reason == "Not subject to VAT"


@pytest.mark.django_db
def test_spain_gets_irpf_withholding_without_a_vat_category() -> None:
    organization = setup_in("ES").organization

    withholding = [row for row in rows(organization) if row[3] == "withholding"]

    assert withholding == [
        ("IRPF 15 %", "15", "", "withholding", False),
        ("IRPF 7 %", "7", "", "withholding", False),
    ]
    assert TaxRate.objects.get(organization=organization, is_default=True).name == "IVA 21 %"


@pytest.mark.django_db
def test_italy_gets_the_ritenuta_d_acconto() -> None:
    organization = setup_in("IT").organization

    rate = TaxRate.objects.get(organization=organization, kind="withholding")

    assert (rate.name, rate.percentage, rate.category) == (
        "Ritenuta d'acconto 20 %",
        Decimal(20),
        "",
    )


@pytest.mark.django_db
def test_the_united_kingdom_gets_its_rates_but_not_the_eu_ones() -> None:
    organization = setup_in("GB").organization

    assert rows(organization) == [
        ("VAT 20 %", "20", "S", "additive", True),
        ("VAT 5 %", "5", "S", "additive", False),
        ("VAT 0 % (zero-rated)", "0", "Z", "additive", False),
    ]


@pytest.mark.django_db
def test_an_eu_country_without_its_own_list_gets_the_eu_zero_rates_in_english() -> None:
    organization = setup_in("PL").organization

    names = [row[0] for row in rows(organization)]

    assert names == [  # by category: AE, E, G, K, Z
        "Reverse charge",
        "VAT exempt",
        "Export outside the EU",
        "Intra-community supply",
        "VAT 0 % (zero-rated)",
    ]


@pytest.mark.django_db
def test_another_country_gets_one_no_tax_rate() -> None:
    organization = setup_in("JP").organization

    assert rows(organization) == [("No tax", "0", "O", "additive", False)]


@pytest.mark.django_db
@pytest.mark.parametrize("country", sorted({*COUNTRY_RATES, *EU_COUNTRIES, "CH"}))
def test_every_default_rate_passes_the_rules_of_a_users_rate(country: str) -> None:
    membership = setup_in(country)
    rates = TaxRate.objects.filter(organization=membership.organization)

    for rate in rates:
        tax_rate_update(membership=membership, tax_rate_id=rate.pk, changes={})

    assert rates.filter(is_default=True).count() <= 1
    assert rates.count() > 0


def test_installing_again_adds_nothing(owner: Membership) -> None:
    before = rows(owner.organization)

    tax_rates_install_defaults(owner.organization)

    assert rows(owner.organization) == before


def test_an_organization_without_rates_gets_them(owner: Membership) -> None:
    TaxRate.objects.filter(organization=owner.organization).delete()

    tax_rates_install_defaults(owner.organization)

    assert TaxRate.objects.filter(organization=owner.organization).count() == 7
