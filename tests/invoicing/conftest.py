from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from fakturo.accounts.models import Membership
from fakturo.accounts.services import organization_update
from fakturo.catalog.models import TaxRate
from fakturo.crm.models import Client
from fakturo.invoicing.inputs import DocumentInput, LineInput
from fakturo.invoicing.services import document_create


@pytest.fixture
def seller(owner: Membership) -> Membership:
    """The owner of an organization with everything an invoice needs."""
    organization_update(
        membership=owner,
        changes={
            "address_line1": "Torstraße 1",
            "postal_code": "10119",
            "city": "Berlin",
            "vat_id": "DE123456788",
            "iban": "DE89370400440532013000",
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
        "0E": rate("Exempt", "0", category="E", exemption_reason="§ 4 Nr. 14 UStG"),
        "RC": rate(
            "Reverse charge",
            "0",
            category="AE",
            exemption_code="VATEX-EU-AE",
            exemption_reason="Reverse charge",
        ),
        "E-no-reason": rate("Exempt, no reason", "0", category="E"),
        "IRPF": rate("IRPF 15 %", "15", category="", kind="withholding"),
    }


@pytest.fixture
def client(seller: Membership) -> Client:
    return Client.objects.create(
        organization=seller.organization,
        code="BLUE",
        legal_name="Blue Harbour Ltd",
        billing_line1="1 Dock Road",
        billing_postal_code="20095",
        billing_city="Hamburg",
        billing_country="DE",
        emails=["ap@blueharbour.test"],
    )


@pytest.fixture
def make_invoice(
    seller: Membership, client: Client, rates: dict[str, TaxRate]
) -> Callable[..., Any]:
    def make(
        kind: str = "invoice", lines: list[tuple[str, str, str]] | None = None, **fields: Any
    ) -> Any:
        lines = lines or [("Design work", "10", "95.00"), ("Hosting", "1", "20.00")]
        membership = fields.pop("membership", seller)
        rate = rates[fields.pop("rate", "19")]
        data = DocumentInput(
            client_id=fields.pop("client_id", client.pk),
            lines=tuple(
                LineInput(
                    description=d,
                    quantity=Decimal(q),
                    unit_price=Decimal(p),
                    tax_rate_ids=(rate.pk,),
                )
                for d, q, p in lines
            ),
            **fields,
        )
        return document_create(membership=membership, kind=kind, data=data)

    return make
