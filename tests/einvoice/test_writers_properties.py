"""Any document the services accept is written as UBL (Peppol) and CII (Factur-X EN 16931
and BASIC) that pass their rules."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from fakturo.core.errors import ValidationFailed
from fakturo.einvoice.cii import cii_xml
from fakturo.einvoice.ubl import ubl_xml
from fakturo.invoicing.inputs import AdjustmentInput, DocumentInput, LineInput
from fakturo.invoicing.services import document_create, document_issue

pytestmark = pytest.mark.django_db


def decimals(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(Decimal(low), Decimal(high), places=places, allow_nan=False)


lines = st.lists(
    st.fixed_dictionaries(
        {
            "quantity": decimals("0.0001", "500", 4) | st.sampled_from([Decimal(1), Decimal(-2)]),
            "unit_price": decimals("0", "20000", 4) | decimals("0", "100", 2),
            "rate": st.sampled_from(["19", "7", "Z", "E"]),
            "discount_percent": st.none() | decimals("0", "100", 2),
        }
    ),
    min_size=1,
    max_size=6,
)
documents = st.fixed_dictionaries(
    {
        "lines": lines,
        "currency": st.sampled_from(["EUR", "JPY", "USD"]),
        "prices_include_tax": st.booleans(),
        "allowance_percent": st.none() | decimals("0.5", "30", 2),
        "charge_amount": st.none() | decimals("0.01", "200", 2),
    }
)


@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=documents)
def test_any_accepted_document_passes_the_rules(seller, clients, rates, validate, document):
    data = DocumentInput(
        client_id=clients["domestic"].pk,
        buyer_reference="04011000-12345-34",
        currency=document["currency"],
        exchange_rate=None if document["currency"] == "EUR" else Decimal("0.0123"),
        prices_include_tax=document["prices_include_tax"],
        lines=tuple(
            LineInput(
                description=f"Item {index}",
                quantity=line["quantity"],
                unit_price=line["unit_price"],
                unit="C62",
                discount_percent=line["discount_percent"],
                tax_rate_ids=(rates[line["rate"]].pk,),
            )
            for index, line in enumerate(document["lines"])
        ),
        allowances=(
            (AdjustmentInput(reason="Discount", percent=document["allowance_percent"]),)
            if document["allowance_percent"]
            else ()
        ),
        charges=(
            (AdjustmentInput(reason="Freight", amount=document["charge_amount"]),)
            if document["charge_amount"]
            else ()
        ),
    )
    try:
        draft = document_create(membership=seller, kind="invoice", data=data)
        issued = document_issue(membership=seller, document_id=draft.pk)
    except ValidationFailed:
        reject()

    assert validate(ubl_xml(issued.snapshot, variant="peppol"), ("en16931", "peppol")) == []
    assert validate(cii_xml(issued.snapshot), ("en16931", "facturx")) == []
    assert validate(cii_xml(issued.snapshot, profile="basic"), ("en16931", "facturx")) == []
