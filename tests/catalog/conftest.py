from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from fakturo.accounts.models import Membership
from fakturo.catalog.models import Product, TaxRate
from fakturo.catalog.services import product_create
from fakturo.crm.models import Client
from fakturo.invoicing.inputs import AdjustmentInput, DocumentInput, LineInput
from fakturo.invoicing.services import document_create


@pytest.fixture
def standard_rate(owner: Membership) -> TaxRate:
    """The owner's (German) organization's default: USt 19 %."""
    return TaxRate.objects.get(organization=owner.organization, is_default=True)


@pytest.fixture
def reduced_rate(owner: Membership) -> TaxRate:
    return TaxRate.objects.get(organization=owner.organization, name="USt 7 %")


@pytest.fixture
def make_product(owner: Membership) -> Callable[..., Product]:
    def make(name: str = "Consulting", **fields: Any) -> Product:
        fields.setdefault("unit_price", Decimal("95"))
        return product_create(membership=owner, fields={"name": name, **fields})

    return make


@pytest.fixture
def use_on_draft(owner: Membership) -> Callable[..., Any]:
    """Put a rate on a draft invoice's line (or, with `on_allowance`, its allowance)."""
    client = Client.objects.create(
        organization=owner.organization, code="BLUE", legal_name="Blue Harbour Ltd"
    )

    def use(rate: TaxRate, *, on_allowance: bool = False) -> Any:
        line = LineInput(
            description="Design work",
            unit_price=Decimal("100"),
            tax_rate_ids=() if on_allowance else (rate.pk,),
        )
        allowances = (
            (AdjustmentInput("Loyalty", amount=Decimal("10"), tax_rate_id=rate.pk),)
            if on_allowance
            else ()
        )
        data = DocumentInput(client_id=client.pk, lines=(line,), allowances=allowances)
        return document_create(membership=owner, kind="invoice", data=data)

    return use
