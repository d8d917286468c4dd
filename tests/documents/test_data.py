"""The template inputs: a real issued snapshot, formatted in the document language."""

from decimal import Decimal

from fakturo.crm.choices import TaxTreatment
from fakturo.documents.data import document_inputs
from fakturo.documents.models import Branding
from fakturo.invoicing.inputs import AdjustmentInput, DocumentInput, LineInput
from fakturo.invoicing.services import credit_note_create, document_create


def _values(rows):
    return {row["label"]: row["value"] for row in rows}


def test_an_invoice_in_german(issued_invoice):
    data = document_inputs(issued_invoice.snapshot, None, language="de")

    assert data["title"] == "Rechnung"
    assert data["number"] == "2026-0001"
    assert data["seller"]["name"] == "Acme GmbH"
    assert data["seller"]["address"] == ["Torstraße 1", "10119 Berlin"]
    assert data["seller"]["identifiers"] == [{"label": "USt-IdNr.", "value": "DE123456788"}]
    assert data["buyer"]["address"] == ["1 Dock Road", "20095 Hamburg"]
    meta = _values(data["meta"])
    assert meta["Nummer"] == "2026-0001"
    assert meta["Kundennummer"] == "BLUE"
    assert set(meta) >= {"Datum", "Fällig am"}
    first = data["lines"][0]
    assert first == {
        "position": "1",
        "description": "Design work",
        "quantity": "10",
        "unit": "Stk.",
        "unit_price": "95,00\xa0€",
        "discount": "",
        "tax": "19\xa0%",
        "net_amount": "950,00\xa0€",
    }
    assert _values(data["totals"]) == {
        "Summe netto": "970,00\xa0€",
        "USt. 19\xa0%": "184,30\xa0€",
        "Gesamtbetrag": "1.154,30\xa0€",
    }
    assert data["tax_breakdown"] == [
        {
            "category": "Regelsatz",
            "rate": "19\xa0%",
            "taxable_amount": "970,00\xa0€",
            "tax_amount": "184,30\xa0€",
        }
    ]
    assert data["tax_notes"] == []
    assert data["terms"][0].startswith("Zahlbar innerhalb von 14 Tagen")
    payment = _values(data["payment"]["rows"])
    assert payment == {
        "Kontoinhaber": "Acme GmbH",
        "IBAN": "DE89 3704 0044 0532 0130 00",
        "Verwendungszweck": "2026-0001",
    }
    assert data["payment_code"]["kind"] == "epc"
    assert data["branding"]["font"] == "Source Sans 3"


def test_the_document_language_is_the_default(make_invoice, issue):
    invoice = issue(make_invoice(language="fr"))

    data = document_inputs(invoice.snapshot, None)

    assert data["language"] == "fr"
    assert data["title"] == "Facture"


def test_reverse_charge_cross_border_with_discount_allowance_and_withholding(
    seller, client, rates, issue
):
    client.billing_country = "FR"
    client.vat_id = "FR40303265045"
    client.tax_treatment = TaxTreatment.REVERSE_CHARGE
    client.save()
    draft = document_create(
        membership=seller,
        kind="invoice",
        data=DocumentInput(
            client_id=client.pk,
            lines=(
                LineInput(
                    description="Consulting\nOn site, March",
                    quantity=Decimal("1.5"),
                    unit="HUR",
                    unit_price=Decimal("0.0125"),
                    discount_percent=Decimal(10),
                    tax_rate_ids=(rates["RC"].pk,),
                ),
                LineInput(
                    description="Workshop",
                    quantity=Decimal(1),
                    unit="DAY",
                    unit_price=Decimal(800),
                    tax_rate_ids=(rates["RC"].pk, rates["IRPF"].pk),
                ),
            ),
            allowances=(AdjustmentInput(reason="Loyalty", percent=Decimal(5)),),
        ),
    )
    invoice = issue(draft)

    data = document_inputs(invoice.snapshot, None, language="en")

    assert data["buyer"]["address"][-1] == "France"
    assert data["buyer"]["identifiers"] == [{"label": "VAT ID", "value": "FR40303265045"}]
    assert data["lines"][0]["description"] == "Consulting\nOn site, March"
    assert data["lines"][0]["unit"] == "h"
    assert data["lines"][0]["unit_price"] == "€0.0125"
    assert data["lines"][0]["discount"] == "10%"
    assert data["lines"][1]["unit"] == "days"
    assert data["has_discounts"] is True
    totals = _values(data["totals"])
    assert totals["Allowance: Loyalty (5%)"].startswith("-€")
    assert "Subtotal" in totals
    assert any(label.startswith("Withheld") for label in totals)
    assert "Amount due" in totals
    assert data["tax_notes"][0] == "Reverse charge: VAT to be accounted for by the recipient."
    assert data["tax_breakdown"][0]["category"] == "Reverse charge"


def test_exemption_reason_is_stated(make_invoice, issue):
    invoice = issue(make_invoice(rate="0E"))

    data = document_inputs(invoice.snapshot, None, language="de")

    assert data["tax_notes"] == ["Steuerbefreiung: § 4 Nr. 14 UStG"]
    assert data["tax_breakdown"][0]["category"] == "Steuerfrei"


def test_a_credit_note_names_its_invoice(seller, issued_invoice, issue):
    draft = credit_note_create(
        membership=seller, invoice_id=issued_invoice.pk, amount=Decimal("119.00")
    )
    credit_note = issue(draft)

    data = document_inputs(credit_note.snapshot, None, language="en")

    assert data["title"] == "Credit note"
    assert data["terms"][0].startswith(f"Credit note for invoice {issued_invoice.number} of ")
    assert data["payment"] is None
    assert data["payment_code"] is None
    assert data["totals"][-1]["label"] == "Amount credited"


def test_a_proforma_says_it_is_not_an_invoice(make_invoice, issue):
    proforma = issue(make_invoice(kind="proforma"))

    data = document_inputs(proforma.snapshot, None, language="it")

    assert data["title"] == "Fattura proforma"
    assert data["notices"] == ["Questa non è una fattura."]


def test_a_foreign_currency_states_vat_in_the_accounting_currency(make_invoice, issue):
    invoice = issue(make_invoice(currency="USD", exchange_rate=Decimal("0.9")))

    data = document_inputs(invoice.snapshot, None, language="en")

    assert data["lines"][0]["net_amount"] == "$950.00"
    assert data["accounting_note"] == "VAT in EUR: €165.87 (rate 0.9)"
    assert data["payment_code"] is None


def test_branding_choices_reach_the_template(owner, issued_invoice):
    branding = Branding(
        organization=owner.organization,
        layout="modern",
        primary_color="#112233",
        font="Source Serif 4",
        paper="us-letter",
        footer_text="Registered in Berlin HRB 1",
        show_bank_details=False,
    )

    data = document_inputs(issued_invoice.snapshot, branding, language="en")

    assert data["branding"] == {
        "layout": "modern",
        "primary_color": "#112233",
        "accent_color": "#e07a1f",
        "font": "Source Serif 4",
        "paper": "us-letter",
        "footer_text": "Registered in Berlin HRB 1",
        "show_bank_details": False,
        "logo": None,
    }
    assert data["footer"] == "Registered in Berlin HRB 1"
    assert data["payment"] is None
    assert data["payment_code"] is None
