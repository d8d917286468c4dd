"""/api/v1/quotes, /invoices and /credit-notes: the same document shape, three collections."""

import datetime
import zoneinfo
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import BeforeValidator

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership
from fakturo.accounts.permissions import require
from fakturo.core.errors import Conflict, NotFound
from fakturo.core.money import round_money
from fakturo.invoicing import services
from fakturo.invoicing.choices import DocumentKind
from fakturo.invoicing.inputs import AdjustmentInput, DocumentInput, LineInput
from fakturo.invoicing.models import Document
from fakturo.invoicing.selectors import (
    DocumentFilters,
    document_detail,
    document_list,
    document_totals,
)

router = Router()


def _no_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError('Send decimals as strings, e.g. "19.99".')
    return value


DecimalString = Annotated[
    Decimal, BeforeValidator(_no_float), Field(max_digits=24, decimal_places=8)
]
Text = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=10000)]

COLLECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "quotes": ("quotes", (DocumentKind.QUOTE,)),
    "invoices": (
        "invoices",
        (DocumentKind.INVOICE, DocumentKind.DEPOSIT_INVOICE, DocumentKind.PROFORMA),
    ),
    "credit-notes": ("credit notes", (DocumentKind.CREDIT_NOTE,)),
}


class LineIn(Schema):
    product_id: UUID | None = None
    description: LongText = ""
    quantity: DecimalString = Decimal(1)
    unit: Annotated[str, Field(max_length=3)] = ""
    unit_price: DecimalString | None = None
    discount_percent: DecimalString | None = None
    discount_amount: DecimalString | None = None
    tax_rate_id: UUID | None = Field(None, description="One tax; or use tax_rate_ids")
    tax_rate_ids: list[UUID] | None = Field(None, description="Several taxes on one line")

    def to_input(self) -> LineInput:
        rate_ids: tuple[UUID, ...] | None = None
        if self.tax_rate_ids is not None:
            rate_ids = tuple(self.tax_rate_ids)
        elif self.tax_rate_id is not None:
            rate_ids = (self.tax_rate_id,)
        return LineInput(
            description=self.description,
            quantity=self.quantity,
            unit=self.unit,
            unit_price=self.unit_price,
            product_id=self.product_id,
            discount_percent=self.discount_percent,
            discount_amount=self.discount_amount,
            tax_rate_ids=rate_ids,
        )


class AdjustmentIn(Schema):
    reason: Text
    amount: DecimalString | None = None
    percent: DecimalString | None = None
    base_amount: DecimalString | None = None
    tax_rate_id: UUID | None = None

    def to_input(self) -> AdjustmentInput:
        return AdjustmentInput(
            reason=self.reason,
            amount=self.amount,
            percent=self.percent,
            base_amount=self.base_amount,
            tax_rate_id=self.tax_rate_id,
        )


class DocumentPatch(Schema):
    client_id: UUID | None = None
    currency: Annotated[str, Field(min_length=3, max_length=3)] | None = None
    exchange_rate: DecimalString | None = None
    language: Annotated[str, Field(max_length=10)] | None = None
    issue_date: datetime.date | None = None
    supply_date: datetime.date | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    payment_terms_type: Literal["net_days", "due_on_receipt", "fixed_date"] | None = None
    payment_terms_days: Annotated[int, Field(ge=0, le=365)] | None = None
    due_date: datetime.date | None = None
    valid_until: datetime.date | None = None
    early_payment_discount_percent: DecimalString | None = None
    early_payment_discount_days: Annotated[int, Field(ge=0, le=365)] | None = None
    prices_include_tax: bool | None = None
    purchase_order: Annotated[str, Field(max_length=100)] | None = None
    buyer_reference: Annotated[str, Field(max_length=100)] | None = None
    notes: LongText | None = None
    footer: LongText | None = None
    internal_notes: LongText | None = None
    tags: list[Annotated[str, Field(max_length=40)]] | None = None
    lines: Annotated[list[LineIn], Field(max_length=1000)] | None = None
    allowances: list[AdjustmentIn] | None = None
    charges: list[AdjustmentIn] | None = None
    deposit_ids: list[UUID] | None = None

    def to_input(self) -> DocumentInput:
        given = self.model_dump(exclude_unset=True)
        values: dict[str, Any] = {
            name: value
            for name, value in given.items()
            if name not in ("lines", "allowances", "charges", "deposit_ids", "tags")
            and value is not None
        }
        if self.lines is not None:
            values["lines"] = tuple(line.to_input() for line in self.lines)
        if self.allowances is not None:
            values["allowances"] = tuple(a.to_input() for a in self.allowances)
        if self.charges is not None:
            values["charges"] = tuple(c.to_input() for c in self.charges)
        if self.deposit_ids is not None:
            values["deposit_ids"] = tuple(self.deposit_ids)
        if self.tags is not None:
            values["tags"] = tuple(self.tags)
        provided = {name for name, value in given.items() if value is not None}
        return DocumentInput(**values, provided=frozenset(provided))


class DocumentIn(DocumentPatch):
    client_id: UUID  # type: ignore[assignment]
    kind: Literal["invoice", "deposit_invoice", "proforma"] | None = Field(
        None, description="On /invoices only; default invoice"
    )


class LineOut(Schema):
    id: UUID
    position: int
    product_id: UUID | None
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal | None
    discount_amount: Decimal | None
    tax_rate_ids: list[UUID]
    net_amount: Decimal


class AdjustmentOut(Schema):
    id: UUID
    reason: str
    amount: Decimal | None
    percent: Decimal | None
    base_amount: Decimal | None
    tax_rate_id: UUID | None


class TotalsOut(Schema):
    subtotal: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    net_total: Decimal
    tax_total: Decimal
    withholding_total: Decimal
    total: Decimal
    prepaid_amount: Decimal
    amount_paid: Decimal
    balance_due: Decimal


class TaxGroupOut(Schema):
    category: str
    rate: Decimal
    name: str
    kind: str
    taxable_amount: Decimal
    tax_amount: Decimal
    exemption_reason: str
    exemption_code: str


class DocumentSummary(Schema):
    id: UUID
    kind: str
    status: str
    is_overdue: bool
    number: str
    client_id: UUID
    client_name: str = Field(validation_alias="client.name")
    currency: str
    issue_date: datetime.date | None
    due_date: datetime.date | None
    total: Decimal
    balance_due: Decimal
    created_at: datetime.datetime

    @staticmethod
    def resolve_total(document: Document) -> Decimal:
        return round_money(document.total, document.currency)

    @staticmethod
    def resolve_balance_due(document: Document) -> Decimal:
        return round_money(document.balance_due, document.currency)


class DocumentOut(DocumentSummary):
    exchange_rate: Decimal
    language: str
    supply_date: datetime.date | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    payment_terms_type: str
    payment_terms_days: int
    valid_until: datetime.date | None
    early_payment_discount_percent: Decimal | None
    early_payment_discount_days: int | None
    prices_include_tax: bool
    purchase_order: str
    buyer_reference: str
    notes: str
    footer: str
    internal_notes: str
    tags: list[str]
    related_id: UUID | None
    converted_to_id: UUID | None
    deposit_ids: list[UUID] = Field(validation_alias="deposit_ids_out")
    lines: list[LineOut] = Field(validation_alias="lines_out")
    allowances: list[AdjustmentOut] = Field(validation_alias="allowances_out")
    charges: list[AdjustmentOut] = Field(validation_alias="charges_out")
    totals: TotalsOut
    tax_breakdown: list[TaxGroupOut] = Field(validation_alias="tax_breakdown_out")
    withholdings: list[TaxGroupOut] = Field(validation_alias="withholdings_out")
    issued_at: datetime.datetime | None
    sent_at: datetime.datetime | None
    possible_problems: dict[str, list[str]] = Field(
        validation_alias="possible_problems_out", description="Drafts: what issuing would refuse"
    )

    @staticmethod
    def resolve_totals(document: Document) -> Any:
        return document.totals_out  # type: ignore[attr-defined]


class ListQuery(Schema):
    status: str | None = None
    client_id: UUID | None = None
    issued_from: datetime.date | None = None
    issued_until: datetime.date | None = None
    overdue: bool | None = None
    q: Annotated[str, Field(max_length=100)] | None = None
    kind: str | None = None
    sort: str | None = None


def _membership(request: HttpRequest, capability: str = Capability.READ) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    require(membership, capability)
    return membership


def _today(membership: Membership) -> datetime.date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(membership.organization.timezone))


def _get(request: HttpRequest, collection: str, document_id: UUID) -> Document:
    membership = _membership(request)
    document = document_detail(
        organization=membership.organization,
        document_id=document_id,
        kinds=COLLECTIONS[collection][1],
        today=_today(membership),
    )
    if document is None:
        raise NotFound(f"No such document in {COLLECTIONS[collection][0]}.")
    document.organization = membership.organization
    return document


def _groups(groups: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "category": g.category,
            "rate": g.rate,
            "name": g.name,
            "kind": str(g.kind),
            "taxable_amount": g.taxable_amount,
            "tax_amount": g.tax_amount,
            "exemption_reason": g.exemption_reason,
            "exemption_code": g.exemption_code,
        }
        for g in groups
    ]


def document_out(document: Document) -> Document:
    """The document with what DocumentOut reads beyond its fields: lines with their rate ids,
    adjustments split, and the tax breakdown (issued: from the snapshot; drafts: live)."""
    if document.snapshot:
        breakdown = document.snapshot["tax_breakdown"]
        withholdings = document.snapshot["withholdings"]
    else:
        result = document_totals(document)
        breakdown, withholdings = _groups(result.tax_breakdown), _groups(result.withholdings)
    adjustments = list(document.adjustments.all())
    lines = list(document.lines.all())
    currency = document.currency
    for line in lines:
        line.tax_rate_ids = [rate.pk for rate in line.tax_rates.all()]  # type: ignore[attr-defined]
        line.net_amount = round_money(line.net_amount, currency)
    extra = {
        "totals_out": {
            name: round_money(getattr(document, name), currency) for name in TotalsOut.model_fields
        },
        "deposit_ids_out": [d.pk for d in document.deposits.all()],
        "lines_out": lines,
        "allowances_out": [a for a in adjustments if not a.is_charge],
        "charges_out": [c for c in adjustments if c.is_charge],
        "tax_breakdown_out": breakdown,
        "withholdings_out": withholdings,
        "possible_problems_out": services.issue_problems(document) if document.is_draft else {},
    }
    for name, value in extra.items():
        setattr(document, name, value)
    return document


def _reload(request: HttpRequest, collection: str, document: Document) -> Document:
    return document_out(_get(request, collection, document.pk))


def _kind_for(collection: str, payload: DocumentIn) -> str:
    if collection == "invoices":
        return payload.kind or DocumentKind.INVOICE
    if payload.kind is not None:
        raise Conflict(f"kind is only for /invoices, not /{collection}.")
    return COLLECTIONS[collection][1][0]


def _register(collection: str) -> None:
    label, kinds = COLLECTIONS[collection]
    tag = [label]

    @router.get(
        f"/{collection}",
        response=list[DocumentSummary],
        tags=tag,
        summary=f"List {label}",
        operation_id=f"{collection}_list",
    )
    @paginate(LimitOffsetPagination)
    def list_documents(request: HttpRequest, filters: Query[ListQuery]) -> Any:
        membership = _membership(request)
        chosen: DocumentFilters = {
            k: v
            for k, v in filters.model_dump().items()  # type: ignore[assignment]
            if v not in (None, "")
        }
        return document_list(
            organization=membership.organization,
            kinds=kinds,
            filters=chosen,
            today=_today(membership),
        )

    @router.post(
        f"/{collection}",
        response={201: DocumentOut},
        tags=tag,
        summary=f"Create a draft in {label}",
        operation_id=f"{collection}_create",
    )
    def create_document(request: HttpRequest, payload: DocumentIn) -> Status[Document]:
        membership = _membership(request, Capability.EDIT_DOCUMENTS)
        document = services.document_create(
            membership=membership, kind=_kind_for(collection, payload), data=payload.to_input()
        )
        return Status(201, _reload(request, collection, document))

    @router.get(
        f"/{collection}/{{document_id}}",
        response=DocumentOut,
        tags=tag,
        operation_id=f"{collection}_get",
    )
    def get_document(request: HttpRequest, document_id: UUID) -> Document:
        return document_out(_get(request, collection, document_id))

    @router.patch(
        f"/{collection}/{{document_id}}",
        response=DocumentOut,
        tags=tag,
        summary="Change a draft (issued: only internal_notes and tags)",
        operation_id=f"{collection}_update",
    )
    def update_document(
        request: HttpRequest, document_id: UUID, payload: DocumentPatch
    ) -> dict[str, Any]:
        membership = _membership(request, Capability.EDIT_DOCUMENTS)
        document = _get(request, collection, document_id)
        data = payload.to_input()
        if not document.is_draft and data.provided <= {"internal_notes", "tags"}:
            services.document_update_internal(
                membership=membership,
                document_id=document.pk,
                internal_notes=payload.internal_notes,
                tags=list(payload.tags) if payload.tags is not None else None,
            )
        else:
            services.document_update(membership=membership, document_id=document.pk, data=data)
        return _reload(request, collection, document)

    @router.delete(
        f"/{collection}/{{document_id}}",
        response={204: None},
        tags=tag,
        summary="Delete a draft",
        operation_id=f"{collection}_delete",
    )
    def delete_document(request: HttpRequest, document_id: UUID) -> Status[None]:
        membership = _membership(request, Capability.EDIT_DOCUMENTS)
        document = _get(request, collection, document_id)
        services.document_delete(membership=membership, document_id=document.pk)
        return Status(204, None)

    @router.post(
        f"/{collection}/{{document_id}}/duplicate",
        response={201: DocumentOut},
        tags=tag,
        summary="A new draft with the same content",
        operation_id=f"{collection}_duplicate",
    )
    def duplicate_document(request: HttpRequest, document_id: UUID) -> Status[Document]:
        membership = _membership(request, Capability.EDIT_DOCUMENTS)
        document = _get(request, collection, document_id)
        copy = services.document_duplicate(membership=membership, document_id=document.pk)
        return Status(201, _reload(request, collection, copy))


for _collection in COLLECTIONS:
    _register(_collection)


class IssueIn(Schema):
    number: Annotated[str, Field(max_length=60)] = Field(
        "", description="A manual number (e.g. continuing another tool's); unique in its series"
    )


def _action(collection: str, name: str, summary: str) -> Any:
    return router.post(
        f"/{collection}/{{document_id}}/{name}",
        response=DocumentOut,
        tags=[COLLECTIONS[collection][0]],
        summary=summary,
        operation_id=f"{collection}_{name.replace('-', '_')}",
    )


for _collection in ("invoices", "credit-notes"):

    def _issue_view(collection: str) -> None:
        @_action(collection, "issue", "Issue a draft: number it and freeze it")
        def issue(
            request: HttpRequest, document_id: UUID, payload: IssueIn | None = None
        ) -> dict[str, Any]:
            membership = _membership(request, Capability.EDIT_DOCUMENTS)
            document = _get(request, collection, document_id)
            services.document_issue(
                membership=membership,
                document_id=document.pk,
                number=payload.number if payload else "",
            )
            return _reload(request, collection, document)

        @_action(collection, "mark-sent", "Record that it was sent")
        def mark_sent(request: HttpRequest, document_id: UUID) -> Document:
            membership = _membership(request, Capability.EDIT_DOCUMENTS)
            document = _get(request, collection, document_id)
            services.document_mark_sent(membership=membership, document_id=document.pk)
            return _reload(request, collection, document)

    _issue_view(_collection)


class VoidIn(Schema):
    reason: Annotated[str, Field(max_length=500)] = ""


@router.post(
    "/invoices/{document_id}/void",
    response={201: DocumentOut},
    tags=["invoices"],
    summary="Void: issue the full credit note; returns the credit note",
    operation_id="invoices_void",
)
def invoice_void(
    request: HttpRequest, document_id: UUID, payload: VoidIn | None = None
) -> Status[Document]:
    membership = _membership(request, Capability.EDIT_DOCUMENTS)
    invoice = _get(request, "invoices", document_id)
    credit_note = services.invoice_void(
        membership=membership, invoice_id=invoice.pk, reason=payload.reason if payload else ""
    )
    return Status(201, _reload(request, "credit-notes", credit_note))


class CreditLineIn(Schema):
    line_id: UUID
    quantity: DecimalString | None = Field(None, description="Default: all that is left")


class CreditNoteIn(Schema):
    lines: list[CreditLineIn] | None = Field(None, description="Lines and quantities to credit")
    amount: DecimalString | None = Field(
        None, description="Or an amount (gross if the invoice is gross-priced)"
    )
    tax_rate_id: UUID | None = None
    reason: Annotated[str, Field(max_length=500)] = ""


@router.post(
    "/invoices/{document_id}/credit-note",
    response={201: DocumentOut},
    tags=["invoices"],
    summary="A draft credit note for chosen lines or an amount",
    operation_id="invoices_credit_note",
)
def invoice_credit_note(
    request: HttpRequest, document_id: UUID, payload: CreditNoteIn
) -> Status[Document]:
    membership = _membership(request, Capability.EDIT_DOCUMENTS)
    invoice = _get(request, "invoices", document_id)
    credit_note = services.credit_note_create(
        membership=membership,
        invoice_id=invoice.pk,
        lines=[services.CreditLine(line.line_id, line.quantity) for line in payload.lines]
        if payload.lines is not None
        else None,
        amount=payload.amount,
        reason=payload.reason,
        tax_rate_id=payload.tax_rate_id,
    )
    return Status(201, _reload(request, "credit-notes", credit_note))


def _quote_action(name: str, summary: str, service: Any) -> None:
    @_action("quotes", name, summary)
    def act(request: HttpRequest, document_id: UUID) -> Document:
        membership = _membership(request, Capability.EDIT_DOCUMENTS)
        quote = _get(request, "quotes", document_id)
        service(membership=membership, document_id=quote.pk)
        return _reload(request, "quotes", quote)


_quote_action("send", "Number (first time) and mark sent", services.quote_send)
_quote_action("accept", "The client accepted", services.quote_accept)
_quote_action("decline", "The client declined", services.quote_decline)


class ConvertIn(Schema):
    kind: Literal["invoice", "deposit_invoice", "proforma"] = "invoice"


@router.post(
    "/quotes/{document_id}/convert",
    response={201: DocumentOut},
    tags=["quotes"],
    summary="Turn the quote into a draft invoice (once); returns the invoice",
    operation_id="quotes_convert",
)
def quote_convert(
    request: HttpRequest, document_id: UUID, payload: ConvertIn | None = None
) -> Status[Document]:
    membership = _membership(request, Capability.EDIT_DOCUMENTS)
    quote = _get(request, "quotes", document_id)
    invoice = services.quote_convert(
        membership=membership,
        document_id=quote.pk,
        kind=payload.kind if payload else DocumentKind.INVOICE,
    )
    return Status(201, _reload(request, "invoices", invoice))
