from decimal import Decimal

import pytest
import segno
from stdnum.ch import esr

from fakturo.accounts.services import organization_update
from fakturo.documents.qrcodes import epc_payload, is_qr_iban, payment_code, qr_reference


def test_epc_payload_follows_epc069_12():
    payload = epc_payload(
        name="Acme GmbH",
        iban="DE89370400440532013000",
        bic="COBADEFFXXX",
        amount=Decimal("1154.3"),
        text="2026-0001",
    )

    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "COBADEFFXXX",
        "Acme GmbH",
        "DE89370400440532013000",
        "EUR1154.30",
        "",
        "",
        "2026-0001",
    ]


def test_an_eur_invoice_with_an_iban_gets_an_epc_code(issued_invoice):
    code = payment_code(issued_invoice.snapshot, language="en", font="Source Sans 3")

    assert code is not None
    assert code.kind == "epc"
    assert code.svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    # The same payload makes the same symbol: the SVG is that payload's.
    payload = epc_payload(
        name="Acme GmbH",
        iban="DE89370400440532013000",
        bic="",
        amount=Decimal("1154.30"),
        text="2026-0001",
    )
    expected = segno.make_qr(payload.encode(), error="m", boost_error=False)
    assert expected.designator in {"5-M", "6-M", "7-M"}
    assert code.svg.count("<path") == 1


def test_no_code_without_iban_or_amount_or_for_a_quote(seller, make_invoice, issue):
    quote = issue(make_invoice(kind="quote"))
    assert payment_code(quote.snapshot, language="en", font="Source Sans 3") is None

    organization_update(membership=seller, changes={"iban": ""})
    invoice = issue(make_invoice())
    assert payment_code(invoice.snapshot, language="en", font="Source Sans 3") is None


def test_qr_reference_has_the_isr_check_digit():
    reference = qr_reference("RE-2026-0042")

    assert len(reference) == 27
    assert reference.startswith("0" * 18 + "20260042")
    assert esr.is_valid(reference)
    assert is_qr_iban("CH44 3199 9123 0008 8901 2")
    assert not is_qr_iban("CH9300762011623852957")


@pytest.mark.parametrize(
    ("iban", "reference_label"),
    [("CH9300762011623852957", None), ("CH4431999123000889012", "Referenz")],
)
def test_a_chf_invoice_gets_a_swiss_qr_bill(seller, make_invoice, issue, iban, reference_label):
    organization_update(
        membership=seller,
        changes={
            "country": "CH",
            "vat_id": "",
            "tax_number": "CHE-116.281.710",
            "iban": iban,
            "postal_code": "8001",
            "city": "Zürich",
            "address_line1": "Bahnhofstrasse 1",
        },
    )
    invoice = issue(make_invoice(currency="CHF", exchange_rate=Decimal("1.05")))

    code = payment_code(invoice.snapshot, language="de", font="Open Sans")

    assert code is not None
    assert code.kind == "swiss"
    assert "Zahlteil" in code.svg
    assert 'font-family="Open Sans"' in code.svg
    assert "Bahnhofstrasse 1" in code.svg
    if reference_label:
        assert reference_label in code.svg


def swiss_snapshot(invoice, **buyer):
    snapshot = invoice.snapshot
    return {
        **snapshot,
        "currency": "CHF",
        "seller": {
            **snapshot["seller"],
            "country": "CH",
            "iban": "CH9300762011623852957",
            "postal_code": "8001",
            "city": "Zürich",
            "address_line1": "Bahnhofstrasse 1",
        },
        "buyer": {**snapshot["buyer"], **buyer},
    }


def test_a_long_buyer_name_is_cut_and_a_buyer_without_postal_code_is_left_off(make_invoice, issue):
    invoice = issue(make_invoice())
    long_name = "Very Long Name Holding " + "x" * 150

    long = payment_code(
        swiss_snapshot(invoice, legal_name=long_name), language="de", font="Open Sans"
    )
    no_postal_code = payment_code(
        swiss_snapshot(invoice, billing_postal_code="", billing_city="Basel"),
        language="de",
        font="Open Sans",
    )

    assert long is not None and long_name[:70] in long.svg and long_name[:71] not in long.svg
    assert no_postal_code is not None and "Basel" not in no_postal_code.svg


def test_a_seller_address_the_qr_bill_refuses_gives_no_code(make_invoice, issue):
    snapshot = swiss_snapshot(issue(make_invoice()))
    no_city = {**snapshot, "seller": {**snapshot["seller"], "city": ""}}
    bad_country = {**snapshot, "seller": {**snapshot["seller"], "country": "XX"}}

    assert payment_code(no_city, language="de", font="Open Sans") is None
    assert payment_code(bad_country, language="de", font="Open Sans") is None
