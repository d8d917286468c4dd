"""The "as issued" snapshot: seller, buyer, lines and totals frozen into JSON at issue, so
editing the organization or the client later never changes an issued document."""

from typing import Any

from fakturo.accounts.models import Organization
from fakturo.accounts.services import ORGANIZATION_FIELDS
from fakturo.catalog.models import TaxRate
from fakturo.crm.models import Client
from fakturo.crm.services import CLIENT_FIELDS
from fakturo.invoicing import totals as totals_module
from fakturo.invoicing.calculation import taxes_of
from fakturo.invoicing.models import Document, DocumentLine

SNAPSHOT_VERSION = 1


def _text(value: Any) -> Any:
    return None if value is None else f"{value:f}" if hasattr(value, "as_tuple") else value


def _tax(tax: totals_module.Tax) -> dict[str, Any]:
    return {
        "name": tax.name,
        "rate": _text(tax.rate),
        "category": tax.category,
        "kind": str(tax.kind),
        "exemption_reason": tax.exemption_reason,
        "exemption_code": tax.exemption_code,
    }


def _group(group: totals_module.TaxGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "category": group.category,
        "rate": _text(group.rate),
        "kind": str(group.kind),
        "taxable_amount": _text(group.taxable_amount),
        "tax_amount": _text(group.tax_amount),
        "exemption_reason": group.exemption_reason,
        "exemption_code": group.exemption_code,
    }


def _adjustment(item: totals_module.AdjustmentTotals) -> dict[str, Any]:
    return {
        "reason": item.reason,
        "amount": _text(item.amount),
        "percent": _text(item.percent),
        "base_amount": _text(item.base_amount),
        "taxes": [_tax(t) for t in item.taxes],
    }


# What a document states about its parties; settings and internal notes stay out.
SELLER_FIELDS = tuple(
    field
    for field in ORGANIZATION_FIELDS
    if field
    not in {
        "default_currency",
        "language",
        "timezone",
        "payment_terms_days",
        "fiscal_year_start_month",
    }
)
BUYER_FIELDS = tuple(
    field
    for field in CLIENT_FIELDS
    if field
    not in {
        "currency",
        "language",
        "payment_terms_days",
        "preferred_template",
        "einvoice_format",
        "tags",
        "notes",
    }
)


def seller_snapshot(organization: Organization) -> dict[str, Any]:
    return {field: getattr(organization, field) for field in SELLER_FIELDS}


def buyer_snapshot(client: Client) -> dict[str, Any]:
    return {"id": str(client.pk), **{field: getattr(client, field) for field in BUYER_FIELDS}}


def document_snapshot(
    document: Document,
    *,
    seller: Organization,
    buyer: Client,
    lines: list[DocumentLine],
    line_rates: list[list[TaxRate]],
    result: totals_module.Totals,
    deposits: list[Document],
) -> dict[str, Any]:
    return {
        "version": SNAPSHOT_VERSION,
        "kind": document.kind,
        "number": document.number,
        "issue_date": document.issue_date.isoformat() if document.issue_date else None,
        "due_date": document.due_date.isoformat() if document.due_date else None,
        "supply_date": document.supply_date.isoformat() if document.supply_date else None,
        "period_start": document.period_start.isoformat() if document.period_start else None,
        "period_end": document.period_end.isoformat() if document.period_end else None,
        "currency": document.currency,
        "exchange_rate": _text(document.exchange_rate),
        "accounting_currency": seller.default_currency,
        "language": document.language,
        "payment_terms_type": document.payment_terms_type,
        "payment_terms_days": document.payment_terms_days,
        "early_payment_discount_percent": _text(document.early_payment_discount_percent),
        "early_payment_discount_days": document.early_payment_discount_days,
        "prices_include_tax": document.prices_include_tax,
        "purchase_order": document.purchase_order,
        "buyer_reference": document.buyer_reference,
        "notes": document.notes,
        "footer": document.footer,
        "related_number": document.related.number if document.related_id else None,
        "related_issue_date": (
            document.related.issue_date.isoformat()
            if document.related_id and document.related.issue_date
            else None
        ),
        "rounding_method": result.rounding_method,
        # The client's layout or custom template; blank: the organization's default.
        "template": buyer.preferred_template,
        "seller": seller_snapshot(seller),
        "buyer": buyer_snapshot(buyer),
        "lines": [
            {
                "position": line.position,
                "description": line.description,
                "quantity": _text(line.quantity),
                "unit": line.unit,
                "unit_price": _text(line.unit_price),
                "discount_percent": _text(line.discount_percent),
                "discount_amount": _text(line_totals.discount_amount),
                "gross_amount": _text(line_totals.gross_amount),
                "net_amount": _text(line_totals.net_amount),
                "product_id": str(line.product_id) if line.product_id else None,
                "taxes": [_tax(tax) for tax in taxes],
            }
            for line, taxes, line_totals in zip(
                lines, taxes_of(line_rates), result.lines, strict=True
            )
        ],
        "allowances": [_adjustment(a) for a in result.allowances],
        "charges": [_adjustment(c) for c in result.charges],
        "deposits": [
            {
                "number": d.number,
                "issue_date": d.issue_date.isoformat() if d.issue_date else None,
                "net_total": _text(d.net_total),
                "tax_total": _text(d.tax_total),
                "total": _text(d.total),
            }
            for d in deposits
        ],
        "totals": {
            "subtotal": _text(result.subtotal),
            "allowance_total": _text(result.allowance_total),
            "charge_total": _text(result.charge_total),
            "net_total": _text(result.net_total),
            "tax_total": _text(result.tax_total),
            "withholding_total": _text(result.withholding_total),
            "total": _text(result.total),
            "prepaid_amount": _text(document.prepaid_amount),
            "amount_paid": _text(result.amount_paid),
            "balance_due": _text(result.balance_due),
        },
        "tax_breakdown": [_group(g) for g in result.tax_breakdown],
        "withholdings": [_group(g) for g in result.withholdings],
    }
