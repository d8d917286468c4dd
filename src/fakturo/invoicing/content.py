"""The mandatory content gate: what EU VAT Directive art. 226 (and EN 16931) requires of an
invoice before it may be issued. Drafts may lack anything; issuing names what is missing."""

from fakturo.accounts.models import Organization
from fakturo.catalog.choices import CATEGORIES_NEEDING_REASON
from fakturo.catalog.models import TaxRate
from fakturo.crm.models import Client
from fakturo.invoicing.choices import DocumentKind
from fakturo.invoicing.models import Document, DocumentLine

REVERSE_CHARGE_CATEGORIES = frozenset({"AE", "K"})


def mandatory_content_problems(
    document: Document,
    *,
    seller: Organization,
    buyer: Client,
    lines: list[DocumentLine],
    line_rates: list[list[TaxRate]],
) -> dict[str, list[str]]:
    """Missing items by field name; empty when the document may be issued."""
    problems: dict[str, list[str]] = {}

    def missing(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not lines:
        missing("lines", "A document needs at least one line.")
    if document.issue_date is None:
        missing("issue_date", "The issue date is missing.")
    if document.kind == DocumentKind.QUOTE:
        return problems

    if not seller.legal_name:
        missing("seller.legal_name", "Your organization's legal name is missing.")
    for field, label in (
        ("address_line1", "street"),
        ("postal_code", "postal code"),
        ("city", "city"),
        ("country", "country"),
    ):
        if not getattr(seller, field):
            missing(f"seller.{field}", f"Your organization's {label} is missing.")
    if not seller.vat_id and not seller.tax_number:
        missing("seller.vat_id", "Your organization's VAT id (or tax number) is missing.")

    if not buyer.legal_name:
        missing("buyer.legal_name", "The client's name is missing.")
    for field, label in (
        ("billing_line1", "street"),
        ("billing_city", "city"),
        ("billing_country", "country"),
    ):
        if not getattr(buyer, field):
            missing(f"buyer.{field}", f"The client's {label} is missing.")

    categories = {rate.category for rates in line_rates for rate in rates}
    if categories & REVERSE_CHARGE_CATEGORIES:
        if not buyer.vat_id:
            missing("buyer.vat_id", "Reverse charge needs the client's VAT id.")
        if not seller.vat_id:
            missing("seller.vat_id", "Reverse charge needs your organization's VAT id.")
    for index, rates in enumerate(line_rates):
        for rate in rates:
            if rate.category in CATEGORIES_NEEDING_REASON and not (
                rate.exemption_reason or rate.exemption_code
            ):
                missing(
                    f"lines.{index}.tax_rate_ids",
                    f"{rate.name} needs an exemption reason (e.g. the article of law).",
                )
    if (
        document.period_start
        and document.period_end
        and (document.period_end < document.period_start)
    ):
        missing("period_end", "The period ends before it starts.")
    return problems
