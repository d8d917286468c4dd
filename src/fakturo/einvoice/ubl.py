"""UBL 2.1 Invoice / CreditNote (EN 16931, Peppol BIS Billing 3.0, XRechnung 3.0) from an
issued document's snapshot."""

from decimal import Decimal
from typing import Any

from lxml import etree

from fakturo.einvoice import semantic
from fakturo.einvoice.semantic import Amounts

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

CUSTOMIZATIONS = {
    "en16931": "urn:cen.eu:en16931:2017",
    "peppol": "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
    "xrechnung": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
}
# BT-23. XRechnung's UBL rules include Peppol's, which require the business process too.
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


def _a(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _b(parent: etree._Element, name: str, text: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CBC}}}{name}", attributes)
    element.text = text
    return element


def _b_if(parent: etree._Element, name: str, text: str | None) -> None:
    if text:
        _b(parent, name, text)


def ubl_xml(snapshot: dict[str, Any], *, variant: str = "en16931") -> bytes:
    """The document as UBL 2.1: `Invoice` for invoices and deposit invoices, `CreditNote`
    for credit notes. `variant` is "en16931", "peppol" or "xrechnung" (see profiles for
    what each needs); raises semantic.Unrepresentable for content EN 16931 cannot state."""
    if variant not in CUSTOMIZATIONS:
        raise ValueError(f"Unknown UBL variant: {variant}")
    semantic.check_representable(snapshot)
    return _Writer(snapshot, variant).document()


class _Writer:
    def __init__(self, snapshot: dict[str, Any], variant: str) -> None:
        self.snapshot = snapshot
        self.variant = variant
        self.currency = snapshot["currency"]
        self.amounts = Amounts(self.currency)
        self.is_credit_note = snapshot["kind"] == "credit_note"

    def money(self, parent: etree._Element, name: str, value: str | Decimal) -> None:
        _b(parent, name, self.amounts(value), currencyID=self.currency)

    def document(self) -> bytes:
        snapshot = self.snapshot
        root_name = "CreditNote" if self.is_credit_note else "Invoice"
        namespace = CREDIT_NOTE_NS if self.is_credit_note else INVOICE_NS
        root = etree.Element(
            f"{{{namespace}}}{root_name}", nsmap={None: namespace, "cac": CAC, "cbc": CBC}
        )
        _b(root, "CustomizationID", CUSTOMIZATIONS[self.variant])
        if self.variant in ("peppol", "xrechnung"):
            _b(root, "ProfileID", PEPPOL_PROFILE)
        _b(root, "ID", snapshot["number"])
        _b(root, "IssueDate", snapshot["issue_date"])
        if not self.is_credit_note:
            _b_if(root, "DueDate", snapshot["due_date"])
        _b(
            root,
            "CreditNoteTypeCode" if self.is_credit_note else "InvoiceTypeCode",
            semantic.DOCUMENT_TYPE_CODES[snapshot["kind"]],
        )
        for note in semantic.notes(snapshot):
            _b(root, "Note", note)
        _b(root, "DocumentCurrencyCode", self.currency)
        accounting_tax = semantic.accounting_tax_total(snapshot)
        if accounting_tax is not None:
            _b(root, "TaxCurrencyCode", snapshot["accounting_currency"])
        _b_if(root, "BuyerReference", snapshot["buyer_reference"])
        if snapshot["period_start"] or snapshot["period_end"]:
            period = _a(root, "InvoicePeriod")
            _b_if(period, "StartDate", snapshot["period_start"])
            _b_if(period, "EndDate", snapshot["period_end"])
        if snapshot["purchase_order"]:
            _b(_a(root, "OrderReference"), "ID", snapshot["purchase_order"])
        if snapshot["related_number"]:
            reference = _a(_a(root, "BillingReference"), "InvoiceDocumentReference")
            _b(reference, "ID", snapshot["related_number"])
            _b_if(reference, "IssueDate", snapshot["related_issue_date"])
        self.seller(_a(_a(root, "AccountingSupplierParty"), "Party"))
        self.buyer(_a(_a(root, "AccountingCustomerParty"), "Party"))
        self.delivery(root)
        self.payment(root)
        for adjustment in snapshot["allowances"]:
            self.allowance_charge(root, adjustment, is_charge=False)
        for adjustment in snapshot["charges"]:
            self.allowance_charge(root, adjustment, is_charge=True)
        self.tax_total(root)
        if accounting_tax is not None:
            _b(
                _a(root, "TaxTotal"),
                "TaxAmount",
                accounting_tax,
                currencyID=snapshot["accounting_currency"],
            )
        self.monetary_total(root)
        for line in snapshot["lines"]:
            self.line(root, line)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def address(
        self, parent: etree._Element, address: dict[str, str], name: str = "PostalAddress"
    ) -> None:
        postal = _a(parent, name)
        _b_if(postal, "StreetName", address["line1"])
        _b_if(postal, "AdditionalStreetName", address["line2"])
        _b_if(postal, "CityName", address["city"])
        _b_if(postal, "PostalZone", address["postal_code"])
        _b_if(postal, "CountrySubentity", address["region"])
        _b(_a(postal, "Country"), "IdentificationCode", address["country"])

    def endpoint(self, party: etree._Element, found: tuple[str, str] | None) -> None:
        if found is not None:
            _b(party, "EndpointID", found[0], schemeID=found[1])

    def seller(self, party: etree._Element) -> None:
        seller = self.snapshot["seller"]
        xrechnung = self.variant == "xrechnung"
        self.endpoint(
            party, semantic.electronic_address(seller, email=seller["email"] if xrechnung else "")
        )
        identifier = semantic.seller_identifier(seller)
        if identifier is not None:
            _b(_a(party, "PartyIdentification"), "ID", identifier[0], schemeID=identifier[1])
        if seller["trade_name"]:
            _b(_a(party, "PartyName"), "Name", seller["trade_name"])
        self.address(party, semantic.seller_address(seller))
        if seller["vat_id"] and semantic.states_vat_ids(self.snapshot):
            self.tax_scheme(party, seller["vat_id"], "VAT")
        if seller["tax_number"]:
            self.tax_scheme(party, seller["tax_number"], "FC")
        _b(_a(party, "PartyLegalEntity"), "RegistrationName", seller["legal_name"])
        if seller["email"] or seller["phone"]:
            contact = _a(party, "Contact")
            _b(contact, "Name", seller["trade_name"] or seller["legal_name"])
            _b_if(contact, "Telephone", seller["phone"])
            _b_if(contact, "ElectronicMail", seller["email"])

    def tax_scheme(self, party: etree._Element, company_id: str, scheme: str) -> None:
        tax_scheme = _a(party, "PartyTaxScheme")
        _b(tax_scheme, "CompanyID", company_id)
        _b(_a(tax_scheme, "TaxScheme"), "ID", scheme)

    def buyer(self, party: etree._Element) -> None:
        buyer = self.snapshot["buyer"]
        email = semantic.buyer_email(buyer)
        self.endpoint(
            party,
            semantic.electronic_address(buyer, email=email if self.variant == "xrechnung" else ""),
        )
        if buyer["display_name"] and buyer["display_name"] != buyer["legal_name"]:
            _b(_a(party, "PartyName"), "Name", buyer["display_name"])
        self.address(party, semantic.buyer_address(buyer))
        if buyer["vat_id"] and semantic.states_vat_ids(self.snapshot):
            self.tax_scheme(party, buyer["vat_id"], "VAT")
        _b(_a(party, "PartyLegalEntity"), "RegistrationName", semantic.buyer_name(buyer))
        if email or buyer["phone"]:
            contact = _a(party, "Contact")
            _b_if(contact, "Telephone", buyer["phone"])
            _b_if(contact, "ElectronicMail", email)

    def delivery(self, root: etree._Element) -> None:
        address = semantic.delivery_address(self.snapshot)
        supply_date = semantic.supply_date(self.snapshot)
        if address is None and not supply_date:
            return
        delivery = _a(root, "Delivery")
        _b_if(delivery, "ActualDeliveryDate", supply_date)
        if address is not None:
            self.address(_a(delivery, "DeliveryLocation"), address, "Address")

    def payment(self, root: etree._Element) -> None:
        snapshot = self.snapshot
        seller = snapshot["seller"]
        means = _a(root, "PaymentMeans")
        _b(means, "PaymentMeansCode", semantic.payment_means_code(snapshot))
        if self.is_credit_note:
            _b_if(means, "PaymentDueDate", snapshot["due_date"])
        _b(means, "PaymentID", snapshot["number"])
        if seller["iban"]:
            account = _a(means, "PayeeFinancialAccount")
            _b(account, "ID", seller["iban"])
            _b(account, "Name", seller["legal_name"])
            if seller["bic"]:
                _b(_a(account, "FinancialInstitutionBranch"), "ID", seller["bic"])
        terms = semantic.payment_terms(snapshot, xrechnung=self.variant == "xrechnung")
        if terms:
            _b(_a(root, "PaymentTerms"), "Note", terms)

    def tax_category(
        self, parent: etree._Element, name: str, category: str, rate: str
    ) -> etree._Element:
        element = _a(parent, name)
        _b(element, "ID", category)
        if semantic.states_rate(category):
            _b(element, "Percent", semantic.decimal_text(rate))
        return element

    def allowance_charge(
        self, root: etree._Element, adjustment: dict[str, Any], *, is_charge: bool
    ) -> None:
        element = _a(root, "AllowanceCharge")
        _b(element, "ChargeIndicator", "true" if is_charge else "false")
        _b(
            element,
            "AllowanceChargeReason",
            adjustment["reason"] or ("Charge" if is_charge else "Discount"),
        )
        percent = semantic.adjustment_percent(adjustment, self.amounts)
        if percent is not None:
            _b(element, "MultiplierFactorNumeric", percent[0])
        self.money(element, "Amount", adjustment["amount"])
        if percent is not None:
            self.money(element, "BaseAmount", percent[1])
        vat = semantic.vat_of(adjustment["taxes"])
        category = self.tax_category(element, "TaxCategory", vat["category"], vat["rate"])
        _b(_a(category, "TaxScheme"), "ID", "VAT")

    def tax_total(self, root: etree._Element) -> None:
        snapshot = self.snapshot
        total = _a(root, "TaxTotal")
        self.money(total, "TaxAmount", snapshot["totals"]["tax_total"])
        for group in snapshot["tax_breakdown"]:
            subtotal = _a(total, "TaxSubtotal")
            self.money(subtotal, "TaxableAmount", group["taxable_amount"])
            self.money(subtotal, "TaxAmount", group["tax_amount"])
            category = _a(subtotal, "TaxCategory")
            _b(category, "ID", group["category"])
            _b(category, "Percent", semantic.decimal_text(group["rate"]))
            code, reason = semantic.exemption(group)
            _b_if(category, "TaxExemptionReasonCode", code)
            _b_if(category, "TaxExemptionReason", reason)
            _b(_a(category, "TaxScheme"), "ID", "VAT")

    def monetary_total(self, root: etree._Element) -> None:
        totals = self.snapshot["totals"]
        monetary = _a(root, "LegalMonetaryTotal")
        self.money(monetary, "LineExtensionAmount", totals["subtotal"])
        self.money(monetary, "TaxExclusiveAmount", totals["net_total"])
        self.money(monetary, "TaxInclusiveAmount", totals["total"])
        if self.snapshot["allowances"]:
            self.money(monetary, "AllowanceTotalAmount", totals["allowance_total"])
        if self.snapshot["charges"]:
            self.money(monetary, "ChargeTotalAmount", totals["charge_total"])
        if Decimal(totals["prepaid_amount"] or 0):
            self.money(monetary, "PrepaidAmount", totals["prepaid_amount"])
        self.money(monetary, "PayableAmount", semantic.payable_amount(self.snapshot, self.amounts))

    def line(self, root: etree._Element, line: dict[str, Any]) -> None:
        name = "CreditNoteLine" if self.is_credit_note else "InvoiceLine"
        element = _a(root, name)
        _b(element, "ID", str(line["position"]))
        unit = line["unit"] or "C62"
        _b(
            element,
            "CreditedQuantity" if self.is_credit_note else "InvoicedQuantity",
            semantic.decimal_text(line["quantity"]),
            unitCode=unit,
        )
        self.money(element, "LineExtensionAmount", line["net_amount"])
        price = semantic.price(
            line, prices_include_tax=self.snapshot["prices_include_tax"], amounts=self.amounts
        )
        if price.allowance is not None:
            allowance = _a(element, "AllowanceCharge")
            _b(allowance, "ChargeIndicator", "false")
            _b(allowance, "AllowanceChargeReason", "Discount")
            if price.allowance_percent is not None:
                _b(allowance, "MultiplierFactorNumeric", price.allowance_percent)
            self.money(allowance, "Amount", price.allowance)
            if price.allowance_base is not None:
                self.money(allowance, "BaseAmount", price.allowance_base)
        if price.charge is not None:
            charge = _a(element, "AllowanceCharge")
            _b(charge, "ChargeIndicator", "true")
            _b(charge, "AllowanceChargeReason", "Rounding")
            self.money(charge, "Amount", price.charge)
        item = _a(element, "Item")
        _b_if(item, "Description", semantic.item_description(line["description"]))
        _b(item, "Name", semantic.item_name(line["description"]))
        vat = semantic.vat_of(line["taxes"])
        category = self.tax_category(item, "ClassifiedTaxCategory", vat["category"], vat["rate"])
        _b(_a(category, "TaxScheme"), "ID", "VAT")
        price_element = _a(element, "Price")
        _b(price_element, "PriceAmount", price.amount, currencyID=self.currency)
        if price.base_quantity is not None:
            _b(price_element, "BaseQuantity", price.base_quantity, unitCode=unit)
