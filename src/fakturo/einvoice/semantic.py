"""The EN 16931 meaning of an issued document's snapshot, shared by the UBL and CII writers.

Both syntaxes state the same business terms; this module decides them once: the document
type code, each line's VAT category, exemption reasons, prices, payment instructions and
payment terms, the amounts formatted to the currency's minor unit. The snapshot's totals and
tax breakdown are taken as they are, so the sum rules (BR-CO-10..16) hold by construction.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fakturo.core.money import minor_units

# UNTDID 1001 document type codes (BT-3).
DOCUMENT_TYPE_CODES = {"invoice": "380", "deposit_invoice": "386", "credit_note": "381"}

# UNTDID 4461 payment means (BT-81): SEPA credit transfer needs the seller's account (BT-84);
# without an account the means are "not defined".
SEPA_CREDIT_TRANSFER = "58"
NOT_DEFINED = "1"

# VAT categories whose breakdown must state an exemption reason (BR-AE-10, BR-IC-10, BR-G-10,
# BR-O-10, BR-E-10); when the tax rate names none, the category's own VATEX code says it.
DEFAULT_EXEMPTIONS = {
    "AE": ("VATEX-EU-AE", "Reverse charge"),
    "K": ("VATEX-EU-IC", "Intra-community supply"),
    "G": ("VATEX-EU-G", "Export outside the EU"),
    "O": ("VATEX-EU-O", "Not subject to VAT"),
}
# Categories whose breakdown must not state an exemption reason (BR-S-10, BR-Z-10, ...).
TAXED_CATEGORIES = frozenset({"S", "Z", "L", "M"})
# Categories that need the seller's VAT id itself, a tax number is not enough (BR-AE-02,
# BR-IC-02, BR-G-02).
VAT_ID_CATEGORIES = frozenset({"AE", "K", "G"})
ITEM_NAME_LENGTH = 100
FOUR_PLACES = Decimal("0.0001")
# Peppol checks quantity × price and base × percent against the stated amounts within 0.02
# in any currency (PEPPOL-EN16931-R120, R040); stay within half of that.
TOLERANCE = Decimal("0.01")


class Unrepresentable(ValueError):
    """The snapshot holds something EN 16931 cannot state; `problems` are sentences."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Price:
    """Item net price (BT-146) per base quantity (BT-149, None: 1) and the line allowance
    (BG-27) or charge (BG-28) that, with the invoiced quantity, give the line net amount
    (BR-LIN-04)."""

    amount: str
    base_quantity: str | None = None
    allowance: str | None = None
    allowance_percent: str | None = None
    allowance_base: str | None = None
    charge: str | None = None


def content_problems(snapshot: dict[str, Any]) -> list[str]:
    """What no EN 16931 syntax can state for this snapshot, as sentences for the user."""
    problems = []
    if snapshot["kind"] not in DOCUMENT_TYPE_CODES:
        problems.append("Only invoices, deposit invoices and credit notes are sent as e-invoices.")
        return problems
    if snapshot["withholdings"]:
        names = ", ".join(group["name"] for group in snapshot["withholdings"])
        problems.append(
            f"EN 16931 has no element for a withheld tax ({names}): send this document as a PDF."
        )
    for line in snapshot["lines"]:
        if len(vat_taxes(line["taxes"])) != 1 or other_taxes(line["taxes"]):
            problems.append(
                f"Line {line['position']} needs exactly one VAT rate and no other tax in an "
                "e-invoice."
            )
    for adjustment in snapshot["allowances"] + snapshot["charges"]:
        if len(vat_taxes(adjustment["taxes"])) != 1 or other_taxes(adjustment["taxes"]):
            problems.append(
                f"The allowance or charge “{adjustment['reason']}” needs exactly one VAT rate."
            )
    categories = used_categories(snapshot)
    if "O" in categories and len(categories) > 1:
        problems.append("“Not subject to VAT” cannot be combined with other VAT categories.")
    seller = snapshot["seller"]
    if categories & VAT_ID_CATEGORIES and not seller["vat_id"]:
        problems.append("Reverse charge, intra-community and export invoices need your VAT id.")
    if "O" in categories and seller_identifier(seller) is None:
        problems.append(
            "A document not subject to VAT states no VAT id, so EN 16931 needs your electronic "
            "address as an ISO 6523 identifier (e.g. a GLN, scheme 0088) to identify you."
        )
    if "O" not in categories and not (seller["vat_id"] or seller["tax_number"]):
        problems.append("E-invoices need your organization's VAT id or tax number.")
    if categories & {"AE", "K"} and not snapshot["buyer"]["vat_id"]:
        problems.append("Reverse charge and intra-community supplies need the client's VAT id.")
    if "K" in categories and not (
        snapshot["supply_date"] or (snapshot["period_start"] and snapshot["period_end"])
    ):
        problems.append("An intra-community supply needs the supply date or the service period.")
    for group in snapshot["tax_breakdown"]:
        if group["category"] == "E" and not (group["exemption_reason"] or group["exemption_code"]):
            problems.append(f"{group['name']} needs an exemption reason.")
    if snapshot["kind"] == "credit_note" and not snapshot["related_number"]:
        problems.append("A credit note needs the invoice it corrects.")
    return problems


def check_representable(snapshot: dict[str, Any]) -> None:
    problems = content_problems(snapshot)
    if problems:
        raise Unrepresentable(problems)


def vat_taxes(taxes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [tax for tax in taxes if tax["kind"] != "withholding" and tax["category"]]


def other_taxes(taxes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [tax for tax in taxes if tax["kind"] != "withholding" and not tax["category"]]


def vat_of(taxes: list[dict[str, Any]]) -> dict[str, Any]:
    """The one VAT tax of a line or adjustment (content_problems ensures there is one)."""
    return vat_taxes(taxes)[0]


def used_categories(snapshot: dict[str, Any]) -> set[str]:
    return {group["category"] for group in snapshot["tax_breakdown"] if group["category"]}


def states_rate(category: str) -> bool:
    """Whether a line or allowance/charge states its VAT rate: "Not subject to VAT" has none
    (BR-O-05..07); the breakdown always states one (0 for O, as Peppol and XRechnung want)."""
    return category != "O"


def seller_identifier(seller: dict[str, Any]) -> tuple[str, str] | None:
    """Seller identifier (BT-29) with its ISO 6523 scheme: the electronic address, when its
    EAS scheme is also an ISO 6523 code (those start with 0, e.g. 0088 GLN)."""
    scheme = seller["electronic_address_scheme"]
    if seller["electronic_address"] and scheme.startswith("0"):
        return seller["electronic_address"], scheme
    return None


def states_vat_ids(snapshot: dict[str, Any]) -> bool:
    # A document outside the scope of VAT carries no VAT identifiers (BR-O-02).
    return "O" not in used_categories(snapshot)


def exemption(group: dict[str, Any]) -> tuple[str, str]:
    """(VATEX code BT-121, reason text BT-120) of a tax breakdown group."""
    category = group["category"]
    if category in TAXED_CATEGORIES:
        return "", ""
    code, reason = group["exemption_code"] or "", group["exemption_reason"] or ""
    if not code and not reason:
        return DEFAULT_EXEMPTIONS.get(category, ("", ""))
    return code, reason


class Amounts:
    """Formats amounts of one currency to its minor unit, half-up."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self.exponent = Decimal(1).scaleb(-minor_units(currency))

    def __call__(self, value: Decimal | str) -> str:
        # Adding zero turns a negative zero ("-0.00") into "0.00", which the rules sum right.
        return f"{Decimal(value).quantize(self.exponent, ROUND_HALF_UP) + 0:f}"


def decimal_text(value: Decimal | str) -> str:
    """A quantity or rate without trailing zeros after the point ("19.00" → "19")."""
    number = Decimal(value) + 0
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def item_name(description: str) -> str:
    """BT-153: the description's first line, cut at a word near ITEM_NAME_LENGTH."""
    first = description.strip().splitlines()[0].strip() if description.strip() else ""
    if len(first) <= ITEM_NAME_LENGTH:
        return first or "Item"
    cut = first[: ITEM_NAME_LENGTH - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


def item_description(description: str) -> str:
    """BT-154, only when the name does not already say everything."""
    text = description.strip()
    return text if text and text != item_name(description) else ""


def price(line: dict[str, Any], *, prices_include_tax: bool, amounts: Amounts) -> Price:
    """The net price representation for which quantity × price / base − allowance + charge
    is the line net amount (BR-LIN-04): the line's own unit price when that holds within
    TOLERANCE, else a price derived from the snapshot's rounded amount."""
    quantity = Decimal(line["quantity"])  # never zero; negative for a return
    net = Decimal(line["net_amount"])
    if not prices_include_tax:
        gross = Decimal(line["gross_amount"])
        discount = Decimal(line["discount_amount"])
        allowance_percent = allowance_base = None
        if discount and line["discount_percent"] is not None:
            percent = Decimal(line["discount_percent"])
            if abs(gross * percent / 100 - discount) <= TOLERANCE:
                allowance_percent, allowance_base = decimal_text(percent), amounts(gross)
        unit_price = Decimal(line["unit_price"])
        if abs(quantity * unit_price - gross) <= TOLERANCE:
            amount, base_quantity = decimal_text(unit_price), None
        else:  # e.g. 0 decimals (JPY): 1.5 × 0.5 is stated as 1, not 0.75
            amount, base_quantity = _exact_price(gross, quantity, amounts)
        return Price(
            amount=amount,
            base_quantity=base_quantity,
            allowance=amounts(discount) if discount else None,
            allowance_percent=allowance_percent,
            allowance_base=allowance_base,
        )
    # Gross prices: the snapshot's line net is the truth.
    if net and (net < 0) != (quantity < 0):
        # Spreading a group's tax over its lines can leave a line priced 0.00 with a net of a
        # minor unit against its quantity's sign; no non-negative price gives that.
        return Price("0", allowance=amounts(-net)) if net < 0 else Price("0", charge=amounts(net))
    amount, base_quantity = _exact_price(net, quantity, amounts)
    return Price(amount, base_quantity=base_quantity)


def _exact_price(total: Decimal, quantity: Decimal, amounts: Amounts) -> tuple[str, str | None]:
    """(price, base quantity) with quantity × price / base = total exactly: the unit price
    when four decimals express it, else the whole amount for the whole quantity. A return
    (negative quantity) keeps a positive price (BR-27)."""
    unit = (total / quantity).quantize(FOUR_PLACES)
    if unit * quantity == total:
        return decimal_text(unit), None
    return amounts(abs(total)), decimal_text(abs(quantity))


def adjustment_percent(adjustment: dict[str, Any], amounts: Amounts) -> tuple[str, str] | None:
    """(percent, base) of a document allowance or charge, only when they give its amount
    (an amount spread over tax groups, or a gross-priced one, states just the amount)."""
    if adjustment["percent"] is None or adjustment["base_amount"] is None:
        return None
    percent, base = Decimal(adjustment["percent"]), Decimal(adjustment["base_amount"])
    if abs(base * percent / 100 - Decimal(adjustment["amount"])) > TOLERANCE:
        return None
    return decimal_text(percent), amounts(base)


def payable_amount(snapshot: dict[str, Any], amounts: Amounts) -> str:
    """BT-115: the total less what was prepaid (deducted deposits); later payments are not
    part of the invoice."""
    totals = snapshot["totals"]
    return amounts(Decimal(totals["total"]) - Decimal(totals["prepaid_amount"] or 0))


def accounting_tax_total(snapshot: dict[str, Any]) -> str | None:
    """BT-111: the VAT total in the accounting currency, when the document is in another."""
    currency, accounting = snapshot["currency"], snapshot["accounting_currency"]
    if not accounting or accounting == currency or snapshot["exchange_rate"] is None:
        return None
    rate = Decimal(snapshot["exchange_rate"])
    return Amounts(accounting)(Decimal(snapshot["totals"]["tax_total"]) * rate)


def payment_means_code(snapshot: dict[str, Any]) -> str:
    return SEPA_CREDIT_TRANSFER if snapshot["seller"]["iban"] else NOT_DEFINED


def payment_terms(snapshot: dict[str, Any], *, xrechnung: bool = False) -> str:
    """BT-20 as text; XRechnung states a cash discount in its own machine-readable form."""
    parts = []
    kind = snapshot["payment_terms_type"]
    if kind == "due_on_receipt":
        parts.append("Due on receipt.")
    elif kind == "net_days" and snapshot["payment_terms_days"] is not None:
        parts.append(f"Payable within {snapshot['payment_terms_days']} days.")
    if snapshot["due_date"]:
        parts.append(f"Due date: {snapshot['due_date']}.")
    percent, days = (
        snapshot["early_payment_discount_percent"],
        snapshot["early_payment_discount_days"],
    )
    if percent and days:
        text = decimal_text(percent)
        parts.append(f"{text} % discount if paid within {days} days.")
        if xrechnung:
            rate = Decimal(percent).quantize(Decimal("0.01"))
            return " ".join(parts) + f"\n#SKONTO#TAGE={days}#PROZENT={rate:f}#\n"
    return " ".join(parts)


def notes(snapshot: dict[str, Any]) -> list[str]:
    """BT-22: the document's notes and footer, as the reader sees them on the PDF."""
    return [text.strip() for text in (snapshot["notes"], snapshot["footer"]) if text.strip()]


def electronic_address(party: dict[str, Any], *, email: str = "") -> tuple[str, str] | None:
    """(address, EAS scheme) of a party (BT-34 / BT-49); `email` is the fallback XRechnung
    accepts (scheme EM) when the party has no other address."""
    if party["electronic_address"] and party["electronic_address_scheme"]:
        return party["electronic_address"], party["electronic_address_scheme"]
    if email:
        return email, "EM"
    return None


def buyer_email(buyer: dict[str, Any]) -> str:
    return buyer["emails"][0] if buyer["emails"] else ""


def buyer_name(buyer: dict[str, Any]) -> str:
    return buyer["legal_name"] or buyer["display_name"]


def seller_address(seller: dict[str, Any]) -> dict[str, str]:
    """The seller's postal address (BG-5) in the keys both writers read."""
    return {
        "line1": seller["address_line1"],
        "line2": seller["address_line2"],
        "city": seller["city"],
        "postal_code": seller["postal_code"],
        "region": seller["region"],
        "country": seller["country"],
    }


def buyer_address(buyer: dict[str, Any], kind: str = "billing") -> dict[str, str]:
    """The buyer's billing (BG-8) or shipping address."""
    return {
        "line1": buyer[f"{kind}_line1"],
        "line2": buyer[f"{kind}_line2"],
        "city": buyer[f"{kind}_city"],
        "postal_code": buyer[f"{kind}_postal_code"],
        "region": buyer[f"{kind}_region"],
        "country": buyer[f"{kind}_country"],
    }


def supply_date(snapshot: dict[str, Any]) -> str | None:
    """BT-72. Art. 226 asks for the supply date only where it differs from the issue date, so
    an invoice without one (and without a service period) was supplied on its issue date; a
    credit note states only a date it was given."""
    if snapshot["supply_date"]:
        return str(snapshot["supply_date"])
    if snapshot["period_start"] or snapshot["period_end"] or snapshot["kind"] == "credit_note":
        return None
    return str(snapshot["issue_date"]) if snapshot["issue_date"] else None


def delivery_address(snapshot: dict[str, Any]) -> dict[str, str] | None:
    """Deliver-to address (BG-15): the shipping address, or for an intra-community supply
    (which must name the country of arrival, BR-IC-12) the billing address."""
    buyer = snapshot["buyer"]
    if buyer["shipping_country"] and (buyer["shipping_line1"] or buyer["shipping_city"]):
        return buyer_address(buyer, "shipping")
    if "K" in used_categories(snapshot):
        return buyer_address(buyer)
    return None
