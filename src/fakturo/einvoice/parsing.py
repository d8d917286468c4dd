"""Read a received e-invoice (UBL 2.1 Invoice/CreditNote, CII D16B, Factur-X/ZUGFeRD PDF).

`parse(data)` reads the invoice XML (see validation.read_source) into a ParsedInvoice and
checks that the stated totals add up. Numbers are never corrected: a mismatch becomes a finding.
"""

import datetime
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from lxml import etree

from fakturo.einvoice.validation import (
    CII,
    NS,
    Finding,
    XmlSource,
    read_source,
)

# xs:decimal (no exponent, so no number too large to add up), at most 24 digits each side.
DECIMAL = re.compile(r"[+-]?(?:\d{1,24}(?:\.\d{0,24})?|\.\d{1,24})")
TOTAL_NAMES = (
    "subtotal",  # BT-106 sum of line net amounts
    "allowance_total",  # BT-107
    "charge_total",  # BT-108
    "net_total",  # BT-109 total without VAT
    "tax_total",  # BT-110
    "total",  # BT-112 total with VAT
    "prepaid_amount",  # BT-113 paid in advance
    "balance_due",  # BT-115 amount due for payment
)


@dataclass(slots=True)
class Address:
    line1: str = ""
    line2: str = ""
    postal_code: str = ""
    city: str = ""
    region: str = ""
    country: str = ""


@dataclass(slots=True)
class Party:
    name: str = ""  # legal name (BT-27 / BT-44)
    trade_name: str = ""
    vat_id: str = ""
    tax_number: str = ""
    address: Address = field(default_factory=Address)
    electronic_address: str = ""
    electronic_address_scheme: str = ""
    email: str = ""


@dataclass(slots=True)
class Line:
    line_id: str
    description: str
    quantity: Decimal | None
    unit: str
    unit_price: Decimal | None
    net_amount: Decimal | None
    vat_category: str
    vat_rate: Decimal | None


@dataclass(slots=True)
class Adjustment:
    reason: str
    reason_code: str
    amount: Decimal | None
    base_amount: Decimal | None
    percent: Decimal | None
    vat_category: str
    vat_rate: Decimal | None


@dataclass(slots=True)
class TaxGroup:
    category: str
    rate: Decimal | None
    taxable_amount: Decimal | None
    tax_amount: Decimal | None
    exemption_reason: str
    exemption_code: str


@dataclass(slots=True)
class PaymentInstruction:
    means_code: str
    iban: str
    bic: str
    account_name: str
    reference: str


@dataclass(slots=True)
class ParsedInvoice:
    syntax: str
    customization: str
    number: str = ""
    type_code: str = ""
    issue_date: datetime.date | None = None
    due_date: datetime.date | None = None
    currency: str = ""
    buyer_reference: str = ""
    purchase_order: str = ""
    payment_terms: str = ""
    notes: list[str] = field(default_factory=list)
    seller: Party = field(default_factory=Party)
    buyer: Party = field(default_factory=Party)
    lines: list[Line] = field(default_factory=list)
    allowances: list[Adjustment] = field(default_factory=list)
    charges: list[Adjustment] = field(default_factory=list)
    tax_breakdown: list[TaxGroup] = field(default_factory=list)
    payment_instructions: list[PaymentInstruction] = field(default_factory=list)
    totals: dict[str, Decimal | None] = field(default_factory=dict)
    rounding_amount: Decimal | None = None  # BT-114
    # The checks of the stated totals against their parts (Finding from validation).
    findings: list[Finding] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Plain JSON: amounts as decimal strings, dates ISO 8601."""
        data = asdict(self)
        data["findings"] = [finding.as_dict() for finding in self.findings]
        plain: dict[str, Any] = _plain(data)
        return plain


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal | datetime.date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def parse(data: bytes) -> ParsedInvoice:
    return parse_source(read_source(data))


def parse_source(source: XmlSource) -> ParsedInvoice:
    reader = _CiiReader(source.root) if source.syntax == CII else _UblReader(source.root)
    invoice = reader.read(ParsedInvoice(syntax=source.syntax, customization=source.customization))
    invoice.findings = reader.problems + total_mismatches(invoice, reader.total_locations)
    return invoice


def _text(node: etree._Element | None, path: str) -> str:
    if node is None:
        return ""
    found = node.find(path, NS)
    return " ".join((found.text or "").split()) if found is not None else ""


def _node(node: etree._Element | None, path: str) -> etree._Element | None:
    return node.find(path, NS) if node is not None else None


class _Reader:
    """What UBL and CII share: number and date reading that records problems, never raises."""

    total_paths: dict[str, str]

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.problems: list[Finding] = []
        self.total_locations: dict[str, str] = {}

    def decimal(self, node: etree._Element | None, path: str) -> Decimal | None:
        found = _node(node, path)
        if found is None or not (found.text or "").strip():
            return None
        text = (found.text or "").strip()
        if not DECIMAL.fullmatch(text):
            self.problem("FAKTURO-NUMBER", found, f"{text[:40]!r} is not a decimal number.")
            return None
        return Decimal(text)

    def date(self, node: etree._Element | None, path: str, pattern: str) -> datetime.date | None:
        text = _text(node, path)
        if not text:
            return None
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            self.problem("FAKTURO-DATE", _node(node, path), f"{text!r} is not a date.")
            return None

    def problem(self, rule_id: str, node: etree._Element | None, message: str) -> None:
        location = node.getroottree().getpath(node) if node is not None else ""
        self.problems.append(Finding(rule_id, "error", location, message))

    def totals(self, summation: etree._Element | None) -> dict[str, Decimal | None]:
        totals = {}
        for name, path in self.total_paths.items():
            found = _node(summation, path)
            if found is not None:
                self.total_locations[name] = found.getroottree().getpath(found)
            totals[name] = self.decimal(summation, path)
        return totals


class _UblReader(_Reader):
    total_paths = {
        "subtotal": "cbc:LineExtensionAmount",
        "allowance_total": "cbc:AllowanceTotalAmount",
        "charge_total": "cbc:ChargeTotalAmount",
        "net_total": "cbc:TaxExclusiveAmount",
        "total": "cbc:TaxInclusiveAmount",
        "prepaid_amount": "cbc:PrepaidAmount",
        "balance_due": "cbc:PayableAmount",
    }

    def read(self, invoice: ParsedInvoice) -> ParsedInvoice:
        root = self.root
        invoice.number = _text(root, "cbc:ID")
        invoice.type_code = _text(root, "cbc:InvoiceTypeCode") or _text(
            root, "cbc:CreditNoteTypeCode"
        )
        invoice.issue_date = self.date(root, "cbc:IssueDate", "%Y-%m-%d")
        invoice.due_date = self.date(root, "cbc:DueDate", "%Y-%m-%d") or self.date(
            root, "cac:PaymentMeans/cbc:PaymentDueDate", "%Y-%m-%d"
        )
        invoice.currency = _text(root, "cbc:DocumentCurrencyCode")
        invoice.buyer_reference = _text(root, "cbc:BuyerReference")
        invoice.purchase_order = _text(root, "cac:OrderReference/cbc:ID")
        invoice.payment_terms = _text(root, "cac:PaymentTerms/cbc:Note")
        invoice.notes = [_text(note, ".") for note in root.findall("cbc:Note", NS)]
        invoice.seller = self.party(_node(root, "cac:AccountingSupplierParty/cac:Party"))
        invoice.buyer = self.party(_node(root, "cac:AccountingCustomerParty/cac:Party"))
        for line in [*root.findall("cac:InvoiceLine", NS), *root.findall("cac:CreditNoteLine", NS)]:
            invoice.lines.append(self.line(line))
        for adjustment in root.findall("cac:AllowanceCharge", NS):
            is_charge = _text(adjustment, "cbc:ChargeIndicator").lower() == "true"
            (invoice.charges if is_charge else invoice.allowances).append(
                Adjustment(
                    reason=_text(adjustment, "cbc:AllowanceChargeReason"),
                    reason_code=_text(adjustment, "cbc:AllowanceChargeReasonCode"),
                    amount=self.decimal(adjustment, "cbc:Amount"),
                    base_amount=self.decimal(adjustment, "cbc:BaseAmount"),
                    percent=self.decimal(adjustment, "cbc:MultiplierFactorNumeric"),
                    vat_category=_text(adjustment, "cac:TaxCategory/cbc:ID"),
                    vat_rate=self.decimal(adjustment, "cac:TaxCategory/cbc:Percent"),
                )
            )
        tax_total = self.document_tax_total(invoice.currency)
        for group in tax_total.findall("cac:TaxSubtotal", NS) if tax_total is not None else []:
            invoice.tax_breakdown.append(
                TaxGroup(
                    category=_text(group, "cac:TaxCategory/cbc:ID"),
                    rate=self.decimal(group, "cac:TaxCategory/cbc:Percent"),
                    taxable_amount=self.decimal(group, "cbc:TaxableAmount"),
                    tax_amount=self.decimal(group, "cbc:TaxAmount"),
                    exemption_reason=_text(group, "cac:TaxCategory/cbc:TaxExemptionReason"),
                    exemption_code=_text(group, "cac:TaxCategory/cbc:TaxExemptionReasonCode"),
                )
            )
        for means in root.findall("cac:PaymentMeans", NS):
            invoice.payment_instructions.append(
                PaymentInstruction(
                    means_code=_text(means, "cbc:PaymentMeansCode"),
                    iban=_text(means, "cac:PayeeFinancialAccount/cbc:ID"),
                    bic=_text(
                        means, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"
                    ),
                    account_name=_text(means, "cac:PayeeFinancialAccount/cbc:Name"),
                    reference=_text(means, "cbc:PaymentID"),
                )
            )
        summation = _node(root, "cac:LegalMonetaryTotal")
        invoice.totals = self.totals(summation)
        invoice.rounding_amount = self.decimal(summation, "cbc:PayableRoundingAmount")
        if tax_total is not None:
            invoice.totals["tax_total"] = self.decimal(tax_total, "cbc:TaxAmount")
            found = _node(tax_total, "cbc:TaxAmount")
            if found is not None:
                self.total_locations["tax_total"] = found.getroottree().getpath(found)
        else:
            invoice.totals["tax_total"] = None
        invoice.totals = {name: invoice.totals.get(name) for name in TOTAL_NAMES}
        return invoice

    def document_tax_total(self, currency: str) -> etree._Element | None:
        """BT-110: the TaxTotal in the document currency (a second one may hold BT-111)."""
        tax_totals = self.root.findall("cac:TaxTotal", NS)
        for tax_total in tax_totals:
            amount = _node(tax_total, "cbc:TaxAmount")
            if amount is not None and amount.get("currencyID") == currency:
                return tax_total
        return tax_totals[0] if tax_totals else None

    def party(self, party: etree._Element | None) -> Party:
        if party is None:
            return Party()
        vat_id = ""
        tax_number = ""
        for scheme in party.findall("cac:PartyTaxScheme", NS):
            if _text(scheme, "cac:TaxScheme/cbc:ID").upper() == "VAT":
                vat_id = vat_id or _text(scheme, "cbc:CompanyID")
            else:
                tax_number = tax_number or _text(scheme, "cbc:CompanyID")
        endpoint = _node(party, "cbc:EndpointID")
        address = _node(party, "cac:PostalAddress")
        return Party(
            name=_text(party, "cac:PartyLegalEntity/cbc:RegistrationName")
            or _text(party, "cac:PartyName/cbc:Name"),
            trade_name=_text(party, "cac:PartyName/cbc:Name"),
            vat_id=vat_id,
            tax_number=tax_number,
            address=Address(
                line1=_text(address, "cbc:StreetName"),
                line2=_text(address, "cbc:AdditionalStreetName"),
                postal_code=_text(address, "cbc:PostalZone"),
                city=_text(address, "cbc:CityName"),
                region=_text(address, "cbc:CountrySubentity"),
                country=_text(address, "cac:Country/cbc:IdentificationCode"),
            ),
            electronic_address=_text(party, "cbc:EndpointID"),
            electronic_address_scheme=endpoint.get("schemeID", "") if endpoint is not None else "",
            email=_text(party, "cac:Contact/cbc:ElectronicMail"),
        )

    def line(self, line: etree._Element) -> Line:
        quantity = _node(line, "cbc:InvoicedQuantity")
        if quantity is None:
            quantity = _node(line, "cbc:CreditedQuantity")
        return Line(
            line_id=_text(line, "cbc:ID"),
            description=_text(line, "cac:Item/cbc:Name") or _text(line, "cac:Item/cbc:Description"),
            quantity=self.decimal(quantity, "."),
            unit=quantity.get("unitCode", "") if quantity is not None else "",
            unit_price=self.decimal(line, "cac:Price/cbc:PriceAmount"),
            net_amount=self.decimal(line, "cbc:LineExtensionAmount"),
            vat_category=_text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
            vat_rate=self.decimal(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"),
        )


class _CiiReader(_Reader):
    total_paths = {
        "subtotal": "ram:LineTotalAmount",
        "allowance_total": "ram:AllowanceTotalAmount",
        "charge_total": "ram:ChargeTotalAmount",
        "net_total": "ram:TaxBasisTotalAmount",
        "total": "ram:GrandTotalAmount",
        "prepaid_amount": "ram:TotalPrepaidAmount",
        "balance_due": "ram:DuePayableAmount",
    }

    def read(self, invoice: ParsedInvoice) -> ParsedInvoice:
        document = _node(self.root, "rsm:ExchangedDocument")
        transaction = _node(self.root, "rsm:SupplyChainTradeTransaction")
        agreement = _node(transaction, "ram:ApplicableHeaderTradeAgreement")
        settlement = _node(transaction, "ram:ApplicableHeaderTradeSettlement")
        invoice.number = _text(document, "ram:ID")
        invoice.type_code = _text(document, "ram:TypeCode")
        invoice.issue_date = self.date(document, "ram:IssueDateTime/udt:DateTimeString", "%Y%m%d")
        invoice.notes = (
            [_text(note, "ram:Content") for note in document.findall("ram:IncludedNote", NS)]
            if document is not None
            else []
        )
        invoice.currency = _text(settlement, "ram:InvoiceCurrencyCode")
        invoice.buyer_reference = _text(agreement, "ram:BuyerReference")
        invoice.purchase_order = _text(
            agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        )
        terms = _node(settlement, "ram:SpecifiedTradePaymentTerms")
        invoice.payment_terms = _text(terms, "ram:Description")
        invoice.due_date = self.date(terms, "ram:DueDateDateTime/udt:DateTimeString", "%Y%m%d")
        invoice.seller = self.party(_node(agreement, "ram:SellerTradeParty"))
        invoice.buyer = self.party(_node(agreement, "ram:BuyerTradeParty"))
        for line in (
            transaction.findall("ram:IncludedSupplyChainTradeLineItem", NS)
            if (transaction is not None)
            else []
        ):
            invoice.lines.append(self.line(line))
        for adjustment in (
            settlement.findall("ram:SpecifiedTradeAllowanceCharge", NS)
            if (settlement is not None)
            else []
        ):
            is_charge = _text(adjustment, "ram:ChargeIndicator/udt:Indicator").lower() == "true"
            (invoice.charges if is_charge else invoice.allowances).append(
                Adjustment(
                    reason=_text(adjustment, "ram:Reason"),
                    reason_code=_text(adjustment, "ram:ReasonCode"),
                    amount=self.decimal(adjustment, "ram:ActualAmount"),
                    base_amount=self.decimal(adjustment, "ram:BasisAmount"),
                    percent=self.decimal(adjustment, "ram:CalculationPercent"),
                    vat_category=_text(adjustment, "ram:CategoryTradeTax/ram:CategoryCode"),
                    vat_rate=self.decimal(
                        adjustment, "ram:CategoryTradeTax/ram:RateApplicablePercent"
                    ),
                )
            )
        for group in (
            settlement.findall("ram:ApplicableTradeTax", NS) if (settlement is not None) else []
        ):
            invoice.tax_breakdown.append(
                TaxGroup(
                    category=_text(group, "ram:CategoryCode"),
                    rate=self.decimal(group, "ram:RateApplicablePercent"),
                    taxable_amount=self.decimal(group, "ram:BasisAmount"),
                    tax_amount=self.decimal(group, "ram:CalculatedAmount"),
                    exemption_reason=_text(group, "ram:ExemptionReason"),
                    exemption_code=_text(group, "ram:ExemptionReasonCode"),
                )
            )
        payment_reference = _text(settlement, "ram:PaymentReference")
        for means in (
            settlement.findall("ram:SpecifiedTradeSettlementPaymentMeans", NS)
            if (settlement is not None)
            else []
        ):
            invoice.payment_instructions.append(
                PaymentInstruction(
                    means_code=_text(means, "ram:TypeCode"),
                    iban=_text(means, "ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
                    or _text(means, "ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID"),
                    bic=_text(means, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
                    account_name=_text(
                        means, "ram:PayeePartyCreditorFinancialAccount/ram:AccountName"
                    ),
                    reference=payment_reference,
                )
            )
        summation = _node(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        invoice.totals = self.totals(summation)
        invoice.totals["tax_total"] = self.tax_total(summation, invoice.currency)
        invoice.totals = {name: invoice.totals.get(name) for name in TOTAL_NAMES}
        invoice.rounding_amount = self.decimal(summation, "ram:RoundingAmount")
        return invoice

    def tax_total(self, summation: etree._Element | None, currency: str) -> Decimal | None:
        """BT-110: the TaxTotalAmount in the invoice currency (a second one may hold BT-111)."""
        amounts = summation.findall("ram:TaxTotalAmount", NS) if summation is not None else []
        chosen = next((a for a in amounts if a.get("currencyID") == currency), None)
        chosen = chosen if chosen is not None else (amounts[0] if amounts else None)
        if chosen is None:
            return None
        self.total_locations["tax_total"] = chosen.getroottree().getpath(chosen)
        return self.decimal(chosen, ".")

    def party(self, party: etree._Element | None) -> Party:
        if party is None:
            return Party()
        vat_id = tax_number = ""
        for registration in party.findall("ram:SpecifiedTaxRegistration/ram:ID", NS):
            value = " ".join((registration.text or "").split())
            if registration.get("schemeID") == "VA":
                vat_id = vat_id or value
            else:
                tax_number = tax_number or value
        address = _node(party, "ram:PostalTradeAddress")
        electronic = _node(party, "ram:URIUniversalCommunication/ram:URIID")
        return Party(
            name=_text(party, "ram:Name"),
            trade_name=_text(party, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
            vat_id=vat_id,
            tax_number=tax_number,
            address=Address(
                line1=_text(address, "ram:LineOne"),
                line2=_text(address, "ram:LineTwo"),
                postal_code=_text(address, "ram:PostcodeCode"),
                city=_text(address, "ram:CityName"),
                region=_text(address, "ram:CountrySubDivisionName"),
                country=_text(address, "ram:CountryID"),
            ),
            electronic_address=_text(electronic, "."),
            electronic_address_scheme=electronic.get("schemeID", "")
            if electronic is not None
            else "",
            email=_text(
                party, "ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID"
            ),
        )

    def line(self, line: etree._Element) -> Line:
        quantity = _node(line, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
        settlement = _node(line, "ram:SpecifiedLineTradeSettlement")
        return Line(
            line_id=_text(line, "ram:AssociatedDocumentLineDocument/ram:LineID"),
            description=_text(line, "ram:SpecifiedTradeProduct/ram:Name"),
            quantity=self.decimal(quantity, "."),
            unit=quantity.get("unitCode", "") if quantity is not None else "",
            unit_price=self.decimal(
                line,
                "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
            ),
            net_amount=self.decimal(
                settlement,
                "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            ),
            vat_category=_text(settlement, "ram:ApplicableTradeTax/ram:CategoryCode"),
            vat_rate=self.decimal(settlement, "ram:ApplicableTradeTax/ram:RateApplicablePercent"),
        )


def total_mismatches(invoice: ParsedInvoice, locations: dict[str, str]) -> list[Finding]:
    """Findings for each stated total (BT-106 to BT-115) that its parts don't add up to. A check
    runs only when the stated total and all its parts are present; absent optional totals
    (allowances, charges, prepaid, rounding) count as zero."""
    totals = invoice.totals

    def amount(name: str) -> Decimal:
        return totals[name] or Decimal(0)

    def total_of(values: list[Decimal | None]) -> Decimal | None:
        known = [value for value in values if value is not None]
        return sum(known, Decimal(0)) if len(known) == len(values) else None

    def given(*names: str) -> bool:
        return all(totals[name] is not None for name in names)

    lines = [line.net_amount for line in invoice.lines]
    taxes = [group.tax_amount for group in invoice.tax_breakdown]
    rounding = invoice.rounding_amount or Decimal(0)
    # (rule, stated total, what it should be, what that is made of)
    checks: list[tuple[str, str, Decimal | None, str]] = [
        ("BT106", "subtotal", total_of(lines) if lines else None, "the line net amounts"),
        (
            "BT107",
            "allowance_total",
            total_of([a.amount for a in invoice.allowances]) if invoice.allowances else None,
            "the document allowances",
        ),
        (
            "BT108",
            "charge_total",
            total_of([c.amount for c in invoice.charges]) if invoice.charges else None,
            "the document charges",
        ),
        (
            "BT109",
            "net_total",
            amount("subtotal") - amount("allowance_total") + amount("charge_total")
            if given("subtotal")
            else None,
            "BT-106 − BT-107 + BT-108",
        ),
        ("BT110", "tax_total", total_of(taxes) if taxes else None, "the VAT breakdown"),
        (
            "BT112",
            "total",
            amount("net_total") + amount("tax_total") if given("net_total") else None,
            "BT-109 + BT-110",
        ),
        (
            "BT115",
            "balance_due",
            amount("total") - amount("prepaid_amount") + rounding if given("total") else None,
            "BT-112 − BT-113 + BT-114",
        ),
    ]
    return [
        Finding(
            rule_id=f"FAKTURO-SUM-{rule}",
            severity="error",
            location=locations.get(name, ""),
            message=f"The stated {name.replace('_', ' ')} is {totals[name]}, "
            f"but {label} give {expected}.",
        )
        for rule, name, expected, label in checks
        if expected is not None and totals[name] is not None and totals[name] != expected
    ]
