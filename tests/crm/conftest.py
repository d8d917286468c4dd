"""Client factories, and issued invoices for balance tests."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from fakturo.accounts.models import Membership
from fakturo.accounts.services import organization_update
from fakturo.catalog.models import TaxRate
from fakturo.crm.models import Client
from fakturo.crm.services import client_create
from fakturo.invoicing.inputs import DocumentInput, LineInput
from fakturo.invoicing.models import Document
from fakturo.invoicing.services import document_create, document_issue, quote_send

MakeClient = Callable[..., Client]


@pytest.fixture
def make_client(owner: Membership) -> MakeClient:
    """Create a client through the service; `membership` picks who creates it."""

    def make(legal_name: str = "Blue Harbour Ltd", **values: Any) -> Client:
        membership = values.pop("membership", owner)
        return client_create(
            membership=membership, values={"legal_name": legal_name, **values}
        ).client

    return make


@pytest.fixture
def buyer(make_client: MakeClient) -> Client:
    """A client with everything an invoice to it needs."""
    return make_client(
        "Blue Harbour Ltd",
        billing_line1="1 Dock Road",
        billing_postal_code="20095",
        billing_city="Hamburg",
        billing_country="DE",
        emails=["ap@blueharbour.test"],
    )


@pytest.fixture
def make_document(owner: Membership) -> Callable[..., Document]:
    """A document for `client` over one line of `amount` net plus 19 % VAT; issued (a quote:
    sent) unless `issue` is false."""
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
    rate = TaxRate.objects.create(
        organization=owner.organization, name="VAT 19 % (tests)", percentage=Decimal(19)
    )

    def make(
        client: Client,
        amount: str = "100.00",
        *,
        kind: str = "invoice",
        issue_date: datetime.date | None = None,
        issue: bool = True,
        **fields: Any,
    ) -> Document:
        data = DocumentInput(
            client_id=client.pk,
            issue_date=issue_date,
            payment_terms_days=14,
            **fields,
            lines=(
                LineInput(
                    description="Work",
                    quantity=Decimal(1),
                    unit_price=Decimal(amount),
                    tax_rate_ids=(rate.pk,),
                ),
            ),
        )
        document = document_create(membership=owner, kind=kind, data=data)
        if not issue:
            return document
        send = quote_send if kind == "quote" else document_issue
        return send(membership=owner, document_id=document.pk)

    return make
