"""From stored lines to `totals.calculate`, and back onto the document's total fields."""

from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects

from fakturo.catalog.models import TaxRate
from fakturo.invoicing import totals
from fakturo.invoicing.models import Document, DocumentAdjustment, DocumentLine


def taxes_of(rates: list[list[TaxRate]]) -> list[tuple[totals.Tax, ...]]:
    """Each line's rates as totals.Tax values, each distinct rate converted once."""
    converted: dict[object, totals.Tax] = {}

    def one(rate: TaxRate) -> totals.Tax:
        if rate.pk not in converted:
            converted[rate.pk] = tax_of(rate)
        return converted[rate.pk]

    return [tuple(one(rate) for rate in line_rates) for line_rates in rates]


def tax_of(rate: TaxRate) -> totals.Tax:
    return totals.Tax(
        name=rate.name,
        rate=rate.percentage,
        category=rate.category,
        kind=totals.TaxKind(rate.kind),
        exemption_reason=rate.exemption_reason,
        exemption_code=rate.exemption_code,
    )


def totals_input(
    document: Document,
    lines: list[DocumentLine],
    line_rates: list[list[TaxRate]],
    adjustments: list[DocumentAdjustment],
) -> totals.Document:
    def adjustment(item: DocumentAdjustment) -> totals.Adjustment:
        return totals.Adjustment(
            amount=item.amount,
            percent=item.percent,
            base_amount=item.base_amount,
            taxes=(tax_of(item.tax_rate),) if item.tax_rate else (),
            reason=item.reason,
        )

    return totals.Document(
        currency=document.currency,
        lines=[
            totals.Line(
                quantity=line.quantity,
                unit_price=line.unit_price,
                taxes=taxes,
                discount_percent=line.discount_percent,
                discount_amount=line.discount_amount,
            )
            for line, taxes in zip(lines, taxes_of(line_rates), strict=True)
        ],
        allowances=[adjustment(a) for a in adjustments if not a.is_charge],
        charges=[adjustment(c) for c in adjustments if c.is_charge],
        prices_include_tax=document.prices_include_tax,
        amount_paid=document.prepaid_amount + document.amount_paid,
    )


# What reading a document's content needs, for prefetch_related().
DOCUMENT_PARTS = (
    "lines__tax_rates",
    Prefetch("adjustments", queryset=DocumentAdjustment.objects.select_related("tax_rate")),
)


def stored_parts(
    document: Document,
) -> tuple[list[DocumentLine], list[list[TaxRate]], list[DocumentAdjustment]]:
    """The document's lines, each line's rates, and its adjustments, as stored; read once
    per document (prefetched), so totals, checks and output share one read."""
    prefetch_related_objects([document], *DOCUMENT_PARTS)
    lines = list(document.lines.all())
    rates = [
        sorted(line.tax_rates.all(), key=lambda rate: (rate.kind, rate.name)) for line in lines
    ]
    return lines, rates, list(document.adjustments.all())


def stored_totals(document: Document) -> totals.Totals:
    """Totals of a document as stored now."""
    lines, rates, adjustments = stored_parts(document)
    return totals.calculate(totals_input(document, lines, rates, adjustments))


TOTAL_FIELDS = (
    "subtotal",
    "allowance_total",
    "charge_total",
    "net_total",
    "tax_total",
    "withholding_total",
    "total",
    "balance_due",
)


def apply_totals(document: Document, result: totals.Totals) -> None:
    for name in TOTAL_FIELDS:
        setattr(document, name, getattr(result, name))


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"
