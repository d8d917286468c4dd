"""Issued documents built through the real services, and the official EN 16931 validator."""

import importlib.util
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fakturo.accounts.models import Membership
from fakturo.accounts.services import organization_update
from fakturo.catalog.models import TaxRate
from fakturo.crm.models import Client
from fakturo.invoicing.inputs import DocumentInput, LineInput
from fakturo.invoicing.models import Document
from fakturo.invoicing.services import document_create, document_issue

EINVOICE_CORPUS = Path("/work/shared/einvoice")


@pytest.fixture(scope="session")
def validator() -> Any:
    """The corpus's validator, its stylesheets compiled once for the whole session."""
    if not (EINVOICE_CORPUS / "validate.py").exists():
        pytest.skip("needs the EN 16931 rule files in /work/shared/einvoice")
    spec = importlib.util.spec_from_file_location(
        "einvoice_validate", EINVOICE_CORPUS / "validate.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["einvoice_validate"] = module
    spec.loader.exec_module(module)
    return module.Validator(str(EINVOICE_CORPUS))


@pytest.fixture
def validate(validator: Any, tmp_path: Path) -> Callable[..., list[str]]:
    """Validate XML bytes with the given rule sets; returns the fatal findings as text."""
    counter = iter(range(10_000))

    def run(xml: bytes, rules: tuple[str, ...] = ("en16931",)) -> list[str]:
        path = tmp_path / f"document-{next(counter)}.xml"
        path.write_bytes(xml)
        result = validator.validate(str(path), rules=rules)
        problems = [result.error] if result.error else []
        problems += result.xsd_errors
        problems += [
            f"{finding.flag} {finding.id} [{finding.ruleset}] {finding.location} {finding.text}"
            for finding in result.findings
            if finding.flag in {"fatal", "error", ""}
        ]
        return problems

    return run


@pytest.fixture
def seller(owner: Membership) -> Membership:
    organization_update(
        membership=owner,
        changes={
            "legal_name": "Acme GmbH",
            "trade_name": "Acme Studio",
            "address_line1": "Torstraße 1",
            "postal_code": "10119",
            "city": "Berlin",
            "vat_id": "DE123456788",
            "tax_number": "30/123/45678",
            "iban": "DE89370400440532013000",
            "bic": "COBADEFFXXX",
            "email": "billing@acme.test",
            "phone": "+49 30 1234567",
            "electronic_address": "DE123456788",
            "electronic_address_scheme": "9930",
        },
    )
    owner.organization.refresh_from_db()
    return owner


@pytest.fixture
def rates(seller: Membership) -> dict[str, TaxRate]:
    organization = seller.organization
    TaxRate.objects.filter(organization=organization).delete()

    def rate(name: str, percentage: str, **fields: Any) -> TaxRate:
        return TaxRate.objects.create(
            organization=organization, name=name, percentage=Decimal(percentage), **fields
        )

    return {
        "19": rate("VAT 19 %", "19", is_default=True),
        "7": rate("VAT 7 %", "7"),
        "Z": rate("Zero rated", "0", category="Z"),
        "E": rate(
            "Exempt",
            "0",
            category="E",
            exemption_reason="Exempt under § 4 Nr. 21 UStG",
            exemption_code="VATEX-EU-132-1I",
        ),
        "AE": rate(
            "Reverse charge",
            "0",
            category="AE",
            exemption_code="VATEX-EU-AE",
            exemption_reason="Reverse charge",
        ),
        "K": rate("Intra-community supply", "0", category="K", exemption_code="VATEX-EU-IC"),
        "G": rate("Export", "0", category="G", exemption_reason="Export outside the EU"),
        "IRPF": rate("IRPF 15 %", "15", category="", kind="withholding"),
    }


def _client(seller: Membership, code: str, **fields: Any) -> Client:
    values = {
        "legal_name": "Blue Harbour GmbH",
        "billing_line1": "Dockweg 1",
        "billing_postal_code": "20095",
        "billing_city": "Hamburg",
        "billing_country": "DE",
        "emails": ["ap@blueharbour.test"],
        "electronic_address": "DE987654321",
        "electronic_address_scheme": "9930",
        "vat_id": "DE136695976",
        **fields,
    }
    return Client.objects.create(organization=seller.organization, code=code, **values)


@pytest.fixture
def clients(seller: Membership) -> dict[str, Client]:
    return {
        "domestic": _client(seller, "BLUE"),
        "eu": _client(
            seller,
            "LUMI",
            legal_name="Lumière SARL",
            billing_line1="1 rue de la Paix",
            billing_postal_code="75002",
            billing_city="Paris",
            billing_country="FR",
            vat_id="FR40303265045",
            electronic_address="FR40303265045",
            electronic_address_scheme="9957",
            tax_treatment="reverse_charge",
        ),
        "export": _client(
            seller,
            "NOVA",
            legal_name="Nova Inc.",
            billing_line1="1 Market Street",
            billing_postal_code="94105",
            billing_city="San Francisco",
            billing_region="CA",
            billing_country="US",
            vat_id="",
            electronic_address="",
            electronic_address_scheme="",
            tax_treatment="export",
        ),
        "shipping": _client(
            seller,
            "DOCK",
            legal_name="Dockside Logistik GmbH",
            display_name="Dockside",
            shipping_line1="Lagerhaus 7",
            shipping_postal_code="28195",
            shipping_city="Bremen",
            shipping_country="DE",
        ),
        "no_address": _client(
            seller,
            "BARE",
            legal_name="Bare AG",
            electronic_address="",
            electronic_address_scheme="",
        ),
    }


Line = tuple[str, str, str, str]  # description, quantity, unit price, rate key


@pytest.fixture
def issue(
    seller: Membership, clients: dict[str, Client], rates: dict[str, TaxRate]
) -> Callable[..., Document]:
    """Create and issue a document; `lines` as (description, quantity, price, rate key)."""

    def make(
        kind: str = "invoice",
        lines: list[Line] | None = None,
        *,
        client: str = "domestic",
        discounts: dict[int, dict[str, Decimal]] | None = None,
        **fields: Any,
    ) -> Document:
        lines = lines or [("Design work", "10", "95.00", "19"), ("Hosting", "1", "20.00", "19")]
        discounts = discounts or {}
        fields.setdefault("buyer_reference", "04011000-12345-34")
        data = DocumentInput(
            client_id=clients[client].pk,
            lines=tuple(
                LineInput(
                    description=description,
                    quantity=Decimal(quantity),
                    unit_price=Decimal(price),
                    unit="HUR" if index == 0 else "C62",
                    tax_rate_ids=(rates[rate].pk,),
                    **discounts.get(index, {}),
                )
                for index, (description, quantity, price, rate) in enumerate(lines)
            ),
            **fields,
        )
        document = document_create(membership=seller, kind=kind, data=data)
        return document_issue(membership=seller, document_id=document.pk)

    return make
