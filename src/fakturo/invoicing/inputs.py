"""What interfaces hand to the services: typed values, already parsed, not yet validated."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID


@dataclass(frozen=True, slots=True)
class LineInput:
    description: str = ""
    quantity: Decimal = Decimal(1)
    unit: str = ""  # blank: the product's unit, else C62 (piece)
    unit_price: Decimal | None = None  # None: the product's price
    product_id: UUID | None = None
    discount_percent: Decimal | None = None
    discount_amount: Decimal | None = None
    tax_rate_ids: tuple[UUID, ...] | None = None  # None: the product's default rate
    source_line_id: UUID | None = None  # credit notes: the invoice line credited


@dataclass(frozen=True, slots=True)
class AdjustmentInput:
    reason: str
    amount: Decimal | None = None
    percent: Decimal | None = None
    base_amount: Decimal | None = None
    tax_rate_id: UUID | None = None  # None: spread over the document's tax groups


@dataclass(frozen=True, slots=True)
class DocumentInput:
    """Fields of a draft. For an update, only the names in `provided` change."""

    client_id: UUID | None = None
    currency: str = ""
    exchange_rate: Decimal | None = None
    language: str = ""
    issue_date: datetime.date | None = None
    supply_date: datetime.date | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    payment_terms_type: str = ""
    payment_terms_days: int | None = None
    due_date: datetime.date | None = None
    valid_until: datetime.date | None = None
    early_payment_discount_percent: Decimal | None = None
    early_payment_discount_days: int | None = None
    prices_include_tax: bool = False
    purchase_order: str = ""
    buyer_reference: str = ""
    notes: str = ""
    footer: str = ""
    internal_notes: str = ""
    tags: tuple[str, ...] = ()
    lines: tuple[LineInput, ...] = ()
    allowances: tuple[AdjustmentInput, ...] = ()
    charges: tuple[AdjustmentInput, ...] = ()
    deposit_ids: tuple[UUID, ...] = ()
    provided: frozenset[str] = field(default_factory=frozenset)
