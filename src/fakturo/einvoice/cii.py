"""UN/CEFACT CII D16B CrossIndustryInvoice (Factur-X/ZUGFeRD EN 16931 and BASIC, XRechnung
3.0) from an issued document's snapshot. The element order is the Factur-X profile XSDs'."""

from decimal import Decimal
from typing import Any

from lxml import etree

from fakturo.einvoice import semantic
from fakturo.einvoice.semantic import Amounts

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}

GUIDELINES = {
    "en16931": "urn:cen.eu:en16931:2017",
    "basic": "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
    "xrechnung": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
}
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
DATE_FORMAT = "102"  # YYYYMMDD


def _r(
    parent: etree._Element, name: str, text: str | None = None, **attributes: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{RAM}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def _r_if(parent: etree._Element, name: str, text: str | None) -> None:
    if text:
        _r(parent, name, text)


def _date(parent: etree._Element, name: str, iso_date: str, namespace: str = UDT) -> None:
    holder = _r(parent, name)
    element = etree.SubElement(holder, f"{{{namespace}}}DateTimeString", format=DATE_FORMAT)
    element.text = iso_date.replace("-", "")


def _address(parent: etree._Element, address: dict[str, str]) -> None:
    postal = _r(parent, "PostalTradeAddress")
    _r_if(postal, "PostcodeCode", address["postal_code"])
    _r_if(postal, "LineOne", address["line1"])
    _r_if(postal, "LineTwo", address["line2"])
    _r_if(postal, "CityName", address["city"])
    _r(postal, "CountryID", address["country"])
    _r_if(postal, "CountrySubDivisionName", address["region"])


def _indicator(parent: etree._Element, value: bool) -> None:
    holder = _r(parent, "ChargeIndicator")
    etree.SubElement(holder, f"{{{UDT}}}Indicator").text = "true" if value else "false"


def cii_xml(snapshot: dict[str, Any], *, profile: str = "en16931") -> bytes:
    """The document as a CII D16B CrossIndustryInvoice. `profile` is "en16931" (Factur-X /
    ZUGFeRD EN 16931, the XML a Factur-X PDF carries), "basic" (Factur-X BASIC: without the
    elements that profile leaves out) or "xrechnung"; raises semantic.Unrepresentable for
    content EN 16931 cannot state."""
    if profile not in GUIDELINES:
        raise ValueError(f"Unknown CII profile: {profile}")
    semantic.check_representable(snapshot)
    return _Writer(snapshot, profile).document()


class _Writer:
    def __init__(self, snapshot: dict[str, Any], profile: str) -> None:
        self.snapshot = snapshot
        self.profile = profile
        self.full = profile != "basic"  # BASIC leaves out contacts, descriptions, BIC …
        self.currency = snapshot["currency"]
        self.amounts = Amounts(self.currency)

    def money(self, parent: etree._Element, name: str, value: str | Decimal) -> None:
        _r(parent, name, self.amounts(value))

    def document(self) -> bytes:
        snapshot = self.snapshot
        root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
        context = etree.SubElement(root, f"{{{RSM}}}ExchangedDocumentContext")
        if self.profile == "xrechnung":
            # XRechnung's rules include Peppol's, which require the business process (BT-23).
            _r(
                _r(context, "BusinessProcessSpecifiedDocumentContextParameter"),
                "ID",
                PEPPOL_PROFILE,
            )
        _r(
            _r(context, "GuidelineSpecifiedDocumentContextParameter"),
            "ID",
            GUIDELINES[self.profile],
        )
        exchanged = etree.SubElement(root, f"{{{RSM}}}ExchangedDocument")
        _r(exchanged, "ID", snapshot["number"])
        _r(exchanged, "TypeCode", semantic.DOCUMENT_TYPE_CODES[snapshot["kind"]])
        _date(exchanged, "IssueDateTime", snapshot["issue_date"])
        for note in semantic.notes(snapshot):
            _r(_r(exchanged, "IncludedNote"), "Content", note)
        transaction = etree.SubElement(root, f"{{{RSM}}}SupplyChainTradeTransaction")
        for line in snapshot["lines"]:
            self.line(transaction, line)
        self.agreement(_r(transaction, "ApplicableHeaderTradeAgreement"))
        self.delivery(_r(transaction, "ApplicableHeaderTradeDelivery"))
        self.settlement(_r(transaction, "ApplicableHeaderTradeSettlement"))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def line(self, transaction: etree._Element, line: dict[str, Any]) -> None:
        item = _r(transaction, "IncludedSupplyChainTradeLineItem")
        _r(_r(item, "AssociatedDocumentLineDocument"), "LineID", str(line["position"]))
        product = _r(item, "SpecifiedTradeProduct")
        _r(product, "Name", semantic.item_name(line["description"]))
        if self.full:
            _r_if(product, "Description", semantic.item_description(line["description"]))
        price = semantic.price(
            line, prices_include_tax=self.snapshot["prices_include_tax"], amounts=self.amounts
        )
        unit = line["unit"] or "C62"
        net_price = _r(_r(item, "SpecifiedLineTradeAgreement"), "NetPriceProductTradePrice")
        _r(net_price, "ChargeAmount", price.amount)
        if price.base_quantity is not None:
            _r(net_price, "BasisQuantity", price.base_quantity, unitCode=unit)
        _r(
            _r(item, "SpecifiedLineTradeDelivery"),
            "BilledQuantity",
            semantic.decimal_text(line["quantity"]),
            unitCode=unit,
        )
        settlement = _r(item, "SpecifiedLineTradeSettlement")
        vat = semantic.vat_of(line["taxes"])
        tax = _r(settlement, "ApplicableTradeTax")
        _r(tax, "TypeCode", "VAT")
        _r(tax, "CategoryCode", vat["category"])
        if semantic.states_rate(vat["category"]):
            _r(tax, "RateApplicablePercent", semantic.decimal_text(vat["rate"]))
        if price.allowance is not None:
            allowance = _r(settlement, "SpecifiedTradeAllowanceCharge")
            _indicator(allowance, False)
            if price.allowance_percent is not None and self.full:
                _r(allowance, "CalculationPercent", price.allowance_percent)
                self.money(allowance, "BasisAmount", price.allowance_base or "0")
            self.money(allowance, "ActualAmount", price.allowance)
            _r(allowance, "Reason", "Discount")
        if price.charge is not None:
            charge = _r(settlement, "SpecifiedTradeAllowanceCharge")
            _indicator(charge, True)
            self.money(charge, "ActualAmount", price.charge)
            _r(charge, "Reason", "Rounding")
        summation = _r(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
        self.money(summation, "LineTotalAmount", line["net_amount"])

    def party(
        self,
        parent: etree._Element,
        *,
        name: str,
        trade_name: str,
        contact: tuple[str, str, str] | None,
        address: dict[str, str],
        electronic_address: tuple[str, str] | None,
        vat_id: str,
        tax_number: str = "",
        is_seller: bool = False,
        identifier: tuple[str, str] | None = None,
    ) -> None:
        if identifier is not None:
            _r(parent, "GlobalID", identifier[0], schemeID=identifier[1])
        _r(parent, "Name", name)
        if trade_name and (self.full or is_seller):
            _r(_r(parent, "SpecifiedLegalOrganization"), "TradingBusinessName", trade_name)
        if contact is not None and self.full:
            person, phone, email = contact
            trade_contact = _r(parent, "DefinedTradeContact")
            _r_if(trade_contact, "PersonName", person)
            if phone:
                _r(_r(trade_contact, "TelephoneUniversalCommunication"), "CompleteNumber", phone)
            if email:
                _r(_r(trade_contact, "EmailURIUniversalCommunication"), "URIID", email)
        _address(parent, address)
        if electronic_address is not None:
            _r(
                _r(parent, "URIUniversalCommunication"),
                "URIID",
                electronic_address[0],
                schemeID=electronic_address[1],
            )
        if vat_id and semantic.states_vat_ids(self.snapshot):
            _r(_r(parent, "SpecifiedTaxRegistration"), "ID", vat_id, schemeID="VA")
        if tax_number:
            _r(_r(parent, "SpecifiedTaxRegistration"), "ID", tax_number, schemeID="FC")

    def agreement(self, agreement: etree._Element) -> None:
        snapshot = self.snapshot
        seller, buyer = snapshot["seller"], snapshot["buyer"]
        xrechnung = self.profile == "xrechnung"
        _r_if(agreement, "BuyerReference", snapshot["buyer_reference"])
        self.party(
            _r(agreement, "SellerTradeParty"),
            name=seller["legal_name"],
            trade_name=seller["trade_name"],
            contact=(
                (seller["trade_name"] or seller["legal_name"], seller["phone"], seller["email"])
                if seller["email"] or seller["phone"]
                else None
            ),
            address=semantic.seller_address(seller),
            electronic_address=semantic.electronic_address(
                seller, email=seller["email"] if xrechnung else ""
            ),
            vat_id=seller["vat_id"],
            tax_number=seller["tax_number"],
            is_seller=True,
            identifier=semantic.seller_identifier(seller),
        )
        email = semantic.buyer_email(buyer)
        self.party(
            _r(agreement, "BuyerTradeParty"),
            name=semantic.buyer_name(buyer),
            trade_name=(
                buyer["display_name"] if buyer["display_name"] != buyer["legal_name"] else ""
            ),
            contact=("", buyer["phone"], email) if email or buyer["phone"] else None,
            address=semantic.buyer_address(buyer),
            electronic_address=semantic.electronic_address(buyer, email=email if xrechnung else ""),
            vat_id=buyer["vat_id"],
        )
        if snapshot["purchase_order"]:
            _r(
                _r(agreement, "BuyerOrderReferencedDocument"),
                "IssuerAssignedID",
                snapshot["purchase_order"],
            )

    def delivery(self, delivery: etree._Element) -> None:
        address = semantic.delivery_address(self.snapshot)
        if address is not None:
            _address(_r(delivery, "ShipToTradeParty"), address)
        supply_date = semantic.supply_date(self.snapshot)
        if supply_date:
            _date(_r(delivery, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime", supply_date)

    def settlement(self, settlement: etree._Element) -> None:
        snapshot = self.snapshot
        seller, totals = snapshot["seller"], snapshot["totals"]
        _r(settlement, "PaymentReference", snapshot["number"])
        accounting_tax = semantic.accounting_tax_total(snapshot)
        if accounting_tax is not None:
            _r(settlement, "TaxCurrencyCode", snapshot["accounting_currency"])
        _r(settlement, "InvoiceCurrencyCode", self.currency)
        means = _r(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _r(means, "TypeCode", semantic.payment_means_code(snapshot))
        if seller["iban"]:
            _r(_r(means, "PayeePartyCreditorFinancialAccount"), "IBANID", seller["iban"])
            if seller["bic"] and self.full:
                _r(_r(means, "PayeeSpecifiedCreditorFinancialInstitution"), "BICID", seller["bic"])
        for group in snapshot["tax_breakdown"]:
            tax = _r(settlement, "ApplicableTradeTax")
            self.money(tax, "CalculatedAmount", group["tax_amount"])
            _r(tax, "TypeCode", "VAT")
            code, reason = semantic.exemption(group)
            _r_if(tax, "ExemptionReason", reason)
            self.money(tax, "BasisAmount", group["taxable_amount"])
            _r(tax, "CategoryCode", group["category"])
            _r_if(tax, "ExemptionReasonCode", code)
            _r(tax, "RateApplicablePercent", semantic.decimal_text(group["rate"]))
        if snapshot["period_start"] or snapshot["period_end"]:
            period = _r(settlement, "BillingSpecifiedPeriod")
            if snapshot["period_start"]:
                _date(period, "StartDateTime", snapshot["period_start"])
            if snapshot["period_end"]:
                _date(period, "EndDateTime", snapshot["period_end"])
        for adjustment in snapshot["allowances"]:
            self.allowance_charge(settlement, adjustment, is_charge=False)
        for adjustment in snapshot["charges"]:
            self.allowance_charge(settlement, adjustment, is_charge=True)
        terms_text = semantic.payment_terms(snapshot, xrechnung=self.profile == "xrechnung")
        if terms_text or snapshot["due_date"]:
            terms = _r(settlement, "SpecifiedTradePaymentTerms")
            _r_if(terms, "Description", terms_text)
            if snapshot["due_date"]:
                _date(terms, "DueDateDateTime", snapshot["due_date"])
        summation = _r(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
        self.money(summation, "LineTotalAmount", totals["subtotal"])
        if snapshot["charges"]:
            self.money(summation, "ChargeTotalAmount", totals["charge_total"])
        if snapshot["allowances"]:
            self.money(summation, "AllowanceTotalAmount", totals["allowance_total"])
        self.money(summation, "TaxBasisTotalAmount", totals["net_total"])
        _r(summation, "TaxTotalAmount", self.amounts(totals["tax_total"]), currencyID=self.currency)
        if accounting_tax is not None:
            _r(
                summation,
                "TaxTotalAmount",
                accounting_tax,
                currencyID=snapshot["accounting_currency"],
            )
        self.money(summation, "GrandTotalAmount", totals["total"])
        if Decimal(totals["prepaid_amount"] or 0):
            self.money(summation, "TotalPrepaidAmount", totals["prepaid_amount"])
        self.money(summation, "DuePayableAmount", semantic.payable_amount(snapshot, self.amounts))
        if snapshot["related_number"]:
            reference = _r(settlement, "InvoiceReferencedDocument")
            _r(reference, "IssuerAssignedID", snapshot["related_number"])
            if snapshot["related_issue_date"]:
                _date(reference, "FormattedIssueDateTime", snapshot["related_issue_date"], QDT)

    def allowance_charge(
        self, settlement: etree._Element, adjustment: dict[str, Any], *, is_charge: bool
    ) -> None:
        element = _r(settlement, "SpecifiedTradeAllowanceCharge")
        _indicator(element, is_charge)
        percent = semantic.adjustment_percent(adjustment, self.amounts)
        if percent is not None:
            _r(element, "CalculationPercent", percent[0])
            self.money(element, "BasisAmount", percent[1])
        self.money(element, "ActualAmount", adjustment["amount"])
        _r(element, "Reason", adjustment["reason"] or ("Charge" if is_charge else "Discount"))
        vat = semantic.vat_of(adjustment["taxes"])
        tax = _r(element, "CategoryTradeTax")
        _r(tax, "TypeCode", "VAT")
        _r(tax, "CategoryCode", vat["category"])
        if semantic.states_rate(vat["category"]):
            _r(tax, "RateApplicablePercent", semantic.decimal_text(vat["rate"]))
