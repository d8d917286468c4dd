"""Every write to quotes, invoices and credit notes.

Each service: check the role, lock (document → related document → number series), check the
state against TRANSITIONS, change, audit, write the client's timeline — one transaction.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership, Organization
from fakturo.accounts.permissions import require
from fakturo.audit.services import audit_event, audit_record
from fakturo.catalog.models import Product, TaxRate
from fakturo.core.bulk import insert_objects, insert_rows
from fakturo.core.errors import Conflict, NotFound, ValidationFailed
from fakturo.core.locales import is_known_currency
from fakturo.core.money import round_money
from fakturo.crm.choices import ActivityKind
from fakturo.crm.models import Activity, Client
from fakturo.crm.timeline import activity_record
from fakturo.invoicing import totals
from fakturo.invoicing.calculation import apply_totals, stored_parts, totals_input
from fakturo.invoicing.choices import (
    SERIES_OF_KIND,
    DocumentKind,
    DocumentStatus,
    NumberReset,
    PaymentTermsType,
)
from fakturo.invoicing.content import mandatory_content_problems
from fakturo.invoicing.inputs import AdjustmentInput, DocumentInput, LineInput
from fakturo.invoicing.locks import documents_for_update, series_for_update
from fakturo.invoicing.models import Document, DocumentAdjustment, DocumentLine, NumberSeries
from fakturo.invoicing.numbering import format_number
from fakturo.invoicing.signals import documents_issued
from fakturo.invoicing.snapshot import document_snapshot

S = DocumentStatus
K = DocumentKind
INVOICE_KINDS = frozenset({K.INVOICE, K.DEPOSIT_INVOICE, K.CREDIT_NOTE, K.PROFORMA})
PAYABLE_KINDS = frozenset({K.INVOICE, K.DEPOSIT_INVOICE})
OPEN_STATUSES = frozenset({S.ISSUED, S.SENT, S.PARTIALLY_PAID})

# The state machine: action → (kinds it applies to, states it leaves from, state it reaches).
TRANSITIONS: dict[str, tuple[frozenset[str], frozenset[str], str]] = {
    "issue": (INVOICE_KINDS, frozenset({S.DRAFT}), S.ISSUED),
    "mark_sent": (INVOICE_KINDS, frozenset({S.ISSUED}), S.SENT),
    "void": (PAYABLE_KINDS, frozenset({S.ISSUED, S.SENT, S.PARTIALLY_PAID}), S.VOID),
    "send_quote": (frozenset({K.QUOTE}), frozenset({S.DRAFT, S.SENT}), S.SENT),
    "accept": (frozenset({K.QUOTE}), frozenset({S.SENT}), S.ACCEPTED),
    "decline": (frozenset({K.QUOTE}), frozenset({S.SENT}), S.DECLINED),
    "expire": (frozenset({K.QUOTE}), frozenset({S.SENT}), S.EXPIRED),
    "convert": (frozenset({K.QUOTE}), frozenset({S.SENT, S.ACCEPTED}), S.CONVERTED),
}
MAX_LINES = 1000
QUOTE_VALID_DAYS = 30
MAX_QUANTITY = Decimal("1000000000")
MAX_PRICE = Decimal("1000000000000")
SCALAR_FIELDS = (
    "currency",
    "exchange_rate",
    "language",
    "issue_date",
    "supply_date",
    "period_start",
    "period_end",
    "payment_terms_type",
    "payment_terms_days",
    "due_date",
    "valid_until",
    "early_payment_discount_percent",
    "early_payment_discount_days",
    "prices_include_tax",
    "purchase_order",
    "buyer_reference",
    "notes",
    "footer",
    "internal_notes",
    "tags",
)
NEGATIVE_QUANTITY_KINDS = frozenset({K.INVOICE, K.PROFORMA})


def require_transition(document: Document, action: str) -> str:
    kinds, sources, target = TRANSITIONS[action]
    if document.kind not in kinds:
        raise Conflict(
            f"A {document.get_kind_display().lower()} cannot {action.replace('_', ' ')}."
        )
    if document.status not in sources:
        raise Conflict(
            f"{document} is {document.get_status_display().lower()}; "
            f"it cannot {action.replace('_', ' ')}."
        )
    return target


def _today(organization: Organization) -> datetime.date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(organization.timezone))


def _locked(membership: Membership, document_id: UUID) -> Document:
    require(membership, Capability.EDIT_DOCUMENTS)
    document = (
        documents_for_update(membership.organization)
        .filter(pk=document_id)
        .select_related("client")
        .first()
    )
    if document is None:
        raise NotFound("No such document.")
    document.organization = membership.organization
    return document


def _audit(
    membership: Membership | None,
    document: Document,
    action: str,
    changes: dict[str, list[object]] | None = None,
) -> None:
    audit_record(
        organization=document.organization,
        actor=membership.user if membership else None,
        action=f"{document.kind}.{action}",
        target=document,
        changes=changes,
    )


# --- drafts ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    lines: list[DocumentLine]
    line_rates: list[list[TaxRate]]
    adjustments: list[DocumentAdjustment]


def _client_for(organization: Organization, client_id: UUID | None) -> Client:
    if client_id is None:
        raise ValidationFailed.for_fields({"client_id": ["Choose a client."]})
    client = Client.objects.filter(organization=organization, pk=client_id).first()
    if client is None:
        raise ValidationFailed.for_fields({"client_id": ["No such client."]})
    if client.is_archived:
        raise ValidationFailed.for_fields({"client_id": ["This client is archived."]})
    return client


def _rates_by_id(organization: Organization, ids: Iterable[UUID]) -> dict[UUID, TaxRate]:
    wanted = set(ids)
    return {
        rate.pk: rate for rate in TaxRate.objects.filter(organization=organization, pk__in=wanted)
    }


@dataclass(frozen=True, slots=True)
class _Catalog:
    """The products and tax rates some inputs name, read in two queries."""

    products: dict[UUID, Product]
    rates: dict[UUID, TaxRate]


def _catalog_for(organization: Organization, inputs: Iterable[DocumentInput]) -> _Catalog:
    inputs = list(inputs)
    product_ids = {line.product_id for data in inputs for line in data.lines if line.product_id}
    rate_ids = {rate for data in inputs for line in data.lines for rate in line.tax_rate_ids or ()}
    rate_ids |= {
        a.tax_rate_id for data in inputs for a in (*data.allowances, *data.charges) if a.tax_rate_id
    }
    products = Product.objects.filter(organization=organization, pk__in=product_ids)
    return _Catalog(
        products={p.pk: p for p in products.select_related("default_tax_rate")},
        rates=_rates_by_id(organization, rate_ids),
    )


def _build_lines(
    document: Document,
    inputs: tuple[LineInput, ...],
    errors: dict[str, list[str]],
    catalog: _Catalog | None = None,
) -> tuple[list[DocumentLine], list[list[TaxRate]]]:
    if len(inputs) > MAX_LINES:
        errors["lines"] = [f"At most {MAX_LINES} lines."]
        return [], []
    catalog = catalog or _catalog_for(document.organization, [DocumentInput(lines=inputs)])
    products, rates = catalog.products, catalog.rates
    lines, line_rates = [], []
    for index, item in enumerate(inputs):
        field = f"lines.{index}"

        def fail(name: str, message: str, field: str = field) -> None:
            errors.setdefault(f"{field}.{name}", []).append(message)

        product: Product | None = None
        if item.product_id is not None:
            product = products.get(item.product_id)
            if product is None:
                fail("product_id", "No such product.")
            elif product.is_archived:
                fail("product_id", "This product is archived.")
        description = item.description.strip() or (product.name if product else "")
        if not description:
            fail("description", "A line needs a description or a product.")
        unit_price = item.unit_price
        if unit_price is None:
            if product is None:
                fail("unit_price", "A line needs a unit price or a product.")
                unit_price = Decimal(0)
            else:
                if product.currency != document.currency:
                    fail(
                        "product_id",
                        f"{product.name} is priced in {product.currency}, "
                        f"the document in {document.currency}.",
                    )
                unit_price = product.unit_price
        if not -MAX_PRICE < unit_price < MAX_PRICE or unit_price < 0:
            fail("unit_price", "Must be zero or more, and less than 10^12.")
        if unit_price.as_tuple().exponent < -4:  # type: ignore[operator]
            fail("unit_price", "At most 4 decimal places.")
        quantity = item.quantity
        if quantity == 0:
            fail("quantity", "Must not be zero.")
        elif abs(quantity) >= MAX_QUANTITY:
            fail("quantity", "Too large.")
        elif quantity < 0 and document.kind not in NEGATIVE_QUANTITY_KINDS:
            fail("quantity", "Negative quantities (returns) are for invoices only.")
        if quantity.as_tuple().exponent < -4:  # type: ignore[operator]
            fail("quantity", "At most 4 decimal places.")
        if item.discount_percent is not None and not 0 <= item.discount_percent <= 100:
            fail("discount_percent", "Between 0 and 100.")
        if item.discount_amount is not None and item.discount_amount < 0:
            fail("discount_amount", "Must not be negative.")
        if item.discount_percent is not None and item.discount_amount is not None:
            fail("discount_amount", "Give a discount percent or amount, not both.")
        if item.tax_rate_ids is None:
            chosen = [product.default_tax_rate] if product and product.default_tax_rate else []
        else:
            chosen = []
            for rate_id in item.tax_rate_ids:
                rate = rates.get(rate_id)
                if rate is None:
                    fail("tax_rate_ids", "No such tax rate.")
                elif rate.is_archived:
                    fail("tax_rate_ids", f"{rate.name} is archived.")
                else:
                    chosen.append(rate)
        lines.append(
            DocumentLine(
                document_id=document.pk,
                position=index + 1,
                product_id=product.pk if product else None,
                description=description[:5000],
                quantity=quantity,
                unit=(item.unit or (product.unit if product else "") or "C62")[:3],
                unit_price=unit_price,
                discount_percent=item.discount_percent,
                discount_amount=item.discount_amount,
                source_line_id=item.source_line_id,
            )
        )
        line_rates.append(sorted(chosen, key=lambda r: (r.kind, r.name)))
    return lines, line_rates


def _build_adjustments(
    document: Document,
    allowances: tuple[AdjustmentInput, ...],
    charges: tuple[AdjustmentInput, ...],
    errors: dict[str, list[str]],
    catalog: _Catalog | None = None,
) -> list[DocumentAdjustment]:
    if not allowances and not charges:
        return []
    rates = (
        catalog
        or _catalog_for(
            document.organization, [DocumentInput(allowances=allowances, charges=charges)]
        )
    ).rates
    result = []
    for name, items, is_charge in (("allowances", allowances, False), ("charges", charges, True)):
        for index, item in enumerate(items):
            field = f"{name}.{index}"
            if not item.reason.strip():
                errors.setdefault(f"{field}.reason", []).append("Give a reason.")
            rate = rates.get(item.tax_rate_id) if item.tax_rate_id else None
            if item.tax_rate_id and (rate is None or rate.is_archived):
                errors.setdefault(f"{field}.tax_rate_id", []).append("No such active tax rate.")
            result.append(
                DocumentAdjustment(
                    document=document,
                    is_charge=is_charge,
                    position=index + 1,
                    reason=item.reason.strip()[:200],
                    amount=item.amount,
                    percent=item.percent,
                    base_amount=item.base_amount,
                    tax_rate=rate,
                )
            )
    return result


def _deposits_for(
    document: Document, deposit_ids: tuple[UUID, ...], errors: dict[str, list[str]]
) -> list[Document]:
    if not deposit_ids:
        return []
    if document.kind != K.INVOICE:
        errors["deposit_ids"] = ["Only a final invoice deducts deposit invoices."]
        return []
    deposits = list(
        Document.objects.filter(
            organization=document.organization, pk__in=set(deposit_ids), kind=K.DEPOSIT_INVOICE
        )
    )
    if len(deposits) != len(set(deposit_ids)):
        errors["deposit_ids"] = ["No such deposit invoice."]
    for deposit in deposits:
        if deposit.status in (S.DRAFT, S.VOID):
            errors.setdefault("deposit_ids", []).append(f"{deposit} is not an issued deposit.")
        if deposit.client_id != document.client_id or deposit.currency != document.currency:
            errors.setdefault("deposit_ids", []).append(
                f"{deposit} is for another client or currency."
            )
        taken = deposit.final_invoices.exclude(pk=document.pk).exclude(status=S.VOID)
        if taken.exists():
            errors.setdefault("deposit_ids", []).append(f"{deposit} is deducted already.")
    return deposits


def _apply_fields(
    document: Document, data: DocumentInput, *, creating: bool, errors: dict[str, list[str]]
) -> None:
    organization = document.organization
    for name in SCALAR_FIELDS:
        if creating or name in data.provided:
            value = getattr(data, name)
            if name == "tags":
                value = [str(tag).strip()[:40] for tag in value if str(tag).strip()][:20]
            if name in ("currency", "language", "payment_terms_type") and not value:
                continue
            if name == "payment_terms_days" and value is None:
                continue
            if name == "exchange_rate" and value is None:
                continue
            setattr(document, name, value)
    document.currency = document.currency.upper()
    if not is_known_currency(document.currency):
        errors["currency"] = ["Use an ISO 4217 currency code such as EUR."]
    if document.currency == organization.default_currency:
        document.exchange_rate = Decimal(1)
    elif (
        document.exchange_rate is None
        or document.exchange_rate <= 0
        or ((creating or "currency" in data.provided) and data.exchange_rate is None)
    ):
        errors["exchange_rate"] = [
            f"Give the rate from {document.currency} to {organization.default_currency}."
        ]
    if document.payment_terms_type not in PaymentTermsType.values:
        errors["payment_terms_type"] = [f"One of {', '.join(PaymentTermsType.values)}."]
    if not 0 <= document.payment_terms_days <= 365:
        errors["payment_terms_days"] = ["Days between 0 and 365."]
    if document.payment_terms_type == PaymentTermsType.FIXED_DATE and not document.due_date:
        errors["due_date"] = ["A fixed due date is needed for these terms."]
    discount = document.early_payment_discount_percent
    if discount is not None and not 0 < discount < 100:
        errors["early_payment_discount_percent"] = ["Between 0 and 100."]
    if (discount is None) != (document.early_payment_discount_days is None):
        errors["early_payment_discount_days"] = [
            "An early-payment discount needs both a percent and days."
        ]
    if (
        document.period_start
        and document.period_end
        and document.period_end < document.period_start
    ):
        errors["period_end"] = ["The period ends before it starts."]


def _calculate(
    document: Document, draft: _Draft, errors: dict[str, list[str]]
) -> totals.Totals | None:
    if errors:
        return None
    try:
        result = totals.calculate(
            totals_input(document, draft.lines, draft.line_rates, draft.adjustments)
        )
    except totals.TotalsError as error:
        errors.setdefault(error.field, []).append(error.message)
        return None
    if document.kind != K.INVOICE and document.kind != K.PROFORMA and result.total < 0:
        errors.setdefault("lines", []).append("The total must not be negative.")
    return result


def _save_draft(
    document: Document, draft: _Draft, result: totals.Totals, deposits: list[Document] | None
) -> None:
    for line, line_totals in zip(draft.lines, result.lines, strict=True):
        line.net_amount = line_totals.net_amount
    apply_totals(document, result)
    document.updated_at = timezone.now()
    creating = document._state.adding
    document.save()
    getattr(document, "_prefetched_objects_cache", {}).clear()  # the lines are new now
    if not creating:
        document.lines.all().delete()
        document.adjustments.all().delete()
    DocumentLine.objects.bulk_create(draft.lines)
    through = DocumentLine.tax_rates.through
    through.objects.bulk_create(
        through(documentline_id=line.pk, taxrate_id=rate.pk)
        for line, rates in zip(draft.lines, draft.line_rates, strict=True)
        for rate in rates
    )
    if draft.adjustments:
        DocumentAdjustment.objects.bulk_create(draft.adjustments)
    if deposits or (deposits is not None and not creating):
        document.deposits.set(deposits)


def _prepaid(deposits: list[Document]) -> Decimal:
    return sum((d.total - d.withholding_total for d in deposits), Decimal(0))


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed.for_fields(errors)


def _new_draft(
    membership: Membership,
    kind: str,
    data: DocumentInput,
    client: Client,
    errors: dict[str, list[str]],
    catalog: _Catalog | None = None,
    document_id: UUID | None = None,
) -> tuple[Document, _Draft, list[Document], totals.Totals | None]:
    """An unsaved draft of `kind` for `client` from `data`, its totals, and what's wrong;
    `document_id` is the draft it would replace (a preview of an edit)."""
    organization = membership.organization
    catalog = catalog or _catalog_for(organization, [data])
    terms_days = (
        client.payment_terms_days
        if client.payment_terms_days is not None
        else organization.payment_terms_days
    )
    document = Document(
        organization=organization,
        kind=kind,
        client=client,
        currency=data.currency or client.currency or organization.default_currency,
        language=data.language or client.language or organization.language,
        payment_terms_days=terms_days,
        created_by=membership.user,
    )
    if document_id is not None:
        document.id = document_id
    _apply_fields(
        document,
        replace(data, currency=document.currency, language=document.language),
        creating=True,
        errors=errors,
    )
    if data.payment_terms_days is None:
        document.payment_terms_days = terms_days
    lines, rates = _build_lines(document, data.lines, errors, catalog)
    adjustments = _build_adjustments(document, data.allowances, data.charges, errors, catalog)
    deposits = _deposits_for(document, data.deposit_ids, errors)
    document.prepaid_amount = _prepaid(deposits)
    draft = _Draft(lines, rates, adjustments)
    return document, draft, deposits, _calculate(document, draft, errors)


@transaction.atomic
def document_create(*, membership: Membership, kind: str, data: DocumentInput) -> Document:
    """Save a new draft of `kind` with its lines, allowances and charges; totals computed."""
    require(membership, Capability.EDIT_DOCUMENTS)
    if kind not in K.values:
        raise ValidationFailed.for_fields({"kind": [f"One of {', '.join(K.values)}."]})
    client = _client_for(membership.organization, data.client_id)
    errors: dict[str, list[str]] = {}
    document, draft, deposits, result = _new_draft(membership, kind, data, client, errors)
    _raise(errors)
    assert result is not None
    _save_draft(document, draft, result, deposits)
    _audit(membership, document, "created", {"total": [None, f"{document.total:f}"]})
    return document


def _current_draft(document: Document) -> _Draft:
    lines, rates, adjustments = stored_parts(document)
    return _Draft(lines=lines, line_rates=rates, adjustments=adjustments)


@transaction.atomic
def document_update(*, membership: Membership, document_id: UUID, data: DocumentInput) -> Document:
    """Change a draft: the fields named in `data.provided`; lines, allowances or charges are
    replaced as a whole when given."""
    document = _locked(membership, document_id)
    if not document.is_draft:
        raise Conflict(f"{document} is issued: correct it with a credit note.")
    before_total = document.total
    errors: dict[str, list[str]] = {}
    if "client_id" in data.provided:
        document.client = _client_for(document.organization, data.client_id)
    _apply_fields(document, data, creating=False, errors=errors)
    current = _current_draft(document)
    if "lines" in data.provided:
        lines, rates = _build_lines(document, data.lines, errors)
    else:
        lines, rates = current.lines, current.line_rates
    if "allowances" in data.provided or "charges" in data.provided:
        existing_allowances = tuple(
            AdjustmentInput(a.reason, a.amount, a.percent, a.base_amount, a.tax_rate_id)
            for a in current.adjustments
            if not a.is_charge
        )
        existing_charges = tuple(
            AdjustmentInput(c.reason, c.amount, c.percent, c.base_amount, c.tax_rate_id)
            for c in current.adjustments
            if c.is_charge
        )
        adjustments = _build_adjustments(
            document,
            data.allowances if "allowances" in data.provided else existing_allowances,
            data.charges if "charges" in data.provided else existing_charges,
            errors,
        )
    else:
        adjustments = [
            DocumentAdjustment(
                document=document,
                is_charge=a.is_charge,
                position=a.position,
                reason=a.reason,
                amount=a.amount,
                percent=a.percent,
                base_amount=a.base_amount,
                tax_rate=a.tax_rate,
            )
            for a in current.adjustments
        ]
    deposits = None
    if "deposit_ids" in data.provided:
        deposits = _deposits_for(document, data.deposit_ids, errors)
        document.prepaid_amount = _prepaid(deposits)
    draft = _Draft(lines, rates, adjustments)
    result = _calculate(document, draft, errors)
    _raise(errors)
    assert result is not None
    if document.kind == K.CREDIT_NOTE and document.related_id is not None:
        # Checked again under the invoice's lock at issue; here so the editor says it early.
        _check_credit_limits(document, document.related, lines, result)
    _save_draft(document, draft, result, deposits)
    _audit(
        membership,
        document,
        "updated",
        {"total": [f"{before_total:f}", f"{document.total:f}"]}
        if before_total != document.total
        else {"fields": [None, sorted(data.provided)]},
    )
    return document


@transaction.atomic
def document_delete(*, membership: Membership, document_id: UUID) -> None:
    document = _locked(membership, document_id)
    if not document.is_draft:
        raise Conflict(f"{document} is issued and cannot be deleted; void it instead.")
    _audit(membership, document, "deleted", {"total": [f"{document.total:f}", None]})
    document.delete()


def _inputs_of(document: Document) -> DocumentInput:
    lines = tuple(
        LineInput(
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            product_id=line.product_id,
            discount_percent=line.discount_percent,
            discount_amount=line.discount_amount,
            tax_rate_ids=tuple(rate.pk for rate in line.tax_rates.all()),
        )
        for line in document.lines.prefetch_related("tax_rates")
    )
    adjustments = list(document.adjustments.all())
    return DocumentInput(
        client_id=document.client_id,
        currency=document.currency,
        exchange_rate=document.exchange_rate,
        language=document.language,
        payment_terms_type=document.payment_terms_type,
        payment_terms_days=document.payment_terms_days,
        early_payment_discount_percent=document.early_payment_discount_percent,
        early_payment_discount_days=document.early_payment_discount_days,
        prices_include_tax=document.prices_include_tax,
        purchase_order=document.purchase_order,
        buyer_reference=document.buyer_reference,
        notes=document.notes,
        footer=document.footer,
        lines=lines,
        allowances=tuple(
            AdjustmentInput(a.reason, a.amount, a.percent, a.base_amount, a.tax_rate_id)
            for a in adjustments
            if not a.is_charge
        ),
        charges=tuple(
            AdjustmentInput(c.reason, c.amount, c.percent, c.base_amount, c.tax_rate_id)
            for c in adjustments
            if c.is_charge
        ),
    )


@transaction.atomic
def document_duplicate(
    *, membership: Membership, document_id: UUID, kind: str | None = None
) -> Document:
    """A new draft with the same client, terms and lines (live rates, not the snapshot's)."""
    require(membership, Capability.EDIT_DOCUMENTS)
    source = Document.objects.filter(organization=membership.organization, pk=document_id).first()
    if source is None:
        raise NotFound("No such document.")
    copy = document_create(membership=membership, kind=kind or source.kind, data=_inputs_of(source))
    _audit(membership, copy, "duplicated", {"source": [None, str(source)]})
    return copy


# --- issuing --------------------------------------------------------------------------------


def _locked_series(organization: Organization, kind: str) -> NumberSeries:
    series_kind = SERIES_OF_KIND[kind]
    series = series_for_update(organization).filter(kind=series_kind).first()
    if series is None:
        NumberSeries.objects.get_or_create(organization=organization, kind=series_kind)
        series = series_for_update(organization).get(kind=series_kind)
    return series


def _draw_number(document: Document, manual_number: str) -> None:
    """Give the document the next number of its series (row lock on the series), or a manual
    one if unique. Called inside the issuing transaction: a rollback returns the number."""
    series = _locked_series(document.organization, document.kind)
    document.series = series
    taken = Document.objects.filter(organization=document.organization, series=series)
    assert document.issue_date is not None
    if manual_number:
        manual_number = manual_number.strip()
        if len(manual_number) > 60:
            raise ValidationFailed.for_fields({"number": ["At most 60 characters."]})
        if taken.filter(number=manual_number).exists():
            raise ValidationFailed.for_fields({"number": [f"{manual_number} is taken."]})
        document.number = manual_number
        return
    _next_number(series, document)
    series.save(update_fields=["next_number", "period"])


def _next_number(series: NumberSeries, document: Document) -> None:
    """Number `document` from the locked `series` (saved by the caller), restarting the count
    in a new year for yearly series."""
    assert document.issue_date is not None
    year = str(document.issue_date.year)
    if series.reset == NumberReset.YEARLY:
        if series.period and year < series.period:
            raise ValidationFailed.for_fields(
                {
                    "issue_date": [
                        f"This series numbers {series.period} now; "
                        "give this document a manual number or a current issue date."
                    ]
                }
            )
        if series.period != year:
            series.period = year
            series.next_number = 1
    document.series = series
    document.number = format_number(
        series.pattern,
        sequence=series.next_number,
        issue_date=document.issue_date,
        client_code=document.client.code,
    )
    document.sequence = series.next_number
    series.next_number += 1


def _due_date(document: Document) -> datetime.date | None:
    assert document.issue_date is not None
    if document.payment_terms_type == PaymentTermsType.FIXED_DATE:
        return document.due_date
    if document.payment_terms_type == PaymentTermsType.DUE_ON_RECEIPT:
        return document.issue_date
    return document.issue_date + datetime.timedelta(days=document.payment_terms_days)


def _credit_room(invoice: Document, *, excluding: Document | None = None) -> Decimal:
    """What is left to credit on `invoice`: its total less issued credit notes."""
    credited = invoice.credit_notes.filter(kind=K.CREDIT_NOTE).exclude(status=S.DRAFT)
    if excluding is not None:
        credited = credited.exclude(pk=excluding.pk)
    return invoice.total - (credited.aggregate(sum=Sum("total"))["sum"] or Decimal(0))


def _check_credit_limits(
    credit_note: Document, invoice: Document, lines: list[DocumentLine], result: totals.Totals
) -> None:
    room = _credit_room(invoice, excluding=credit_note)
    if result.total > room:
        raise ValidationFailed.for_fields(
            {
                "lines": [
                    f"This credit note ({result.total:f}) exceeds what is left to credit on "
                    f"{invoice} ({room:f})."
                ]
            }
        )
    credited_before = dict(
        DocumentLine.objects.filter(source_line__document=invoice, document__kind=K.CREDIT_NOTE)
        .exclude(document=credit_note)
        .exclude(document__status=S.DRAFT)
        .values_list("source_line_id")
        .annotate(Sum("quantity"))
    )
    originals = {line.pk: line for line in invoice.lines.all()}
    for index, line in enumerate(lines):
        if line.source_line_id is None:
            continue
        original = originals.get(line.source_line_id)
        if original is None:
            raise ValidationFailed.for_fields(
                {f"lines.{index}.source_line_id": [f"Not a line of {invoice}."]}
            )
        left = abs(original.quantity) - (credited_before.get(original.pk) or Decimal(0))
        if abs(line.quantity) > left:
            raise ValidationFailed.for_fields(
                {
                    f"lines.{index}.quantity": [
                        f"Only {left.normalize():f} of “{original.description[:40]}” is left."
                    ]
                }
            )


@transaction.atomic
def document_issue(*, membership: Membership, document_id: UUID, number: str = "") -> Document:
    """Issue a draft: check mandatory content, draw the next number, freeze the snapshot.

    Locks the document, then its related invoice (credit notes), then the series.
    """
    document = _locked(membership, document_id)
    target = require_transition(document, "issue")
    return _issue(membership, document, target=target, number=number)


def _issue(
    membership: Membership | None, document: Document, *, target: str, number: str = ""
) -> Document:
    organization = document.organization
    invoice = None
    if document.kind == K.CREDIT_NOTE:
        if document.related_id is None:
            raise ValidationFailed.for_fields({"related": ["A credit note names its invoice."]})
        invoice = documents_for_update(organization).get(pk=document.related_id)
        if invoice.status == S.VOID:
            raise Conflict(f"{invoice} is void already.")
    if document.issue_date is None:
        document.issue_date = _today(organization)
    draft = _current_draft(document)
    deposits = list(document.deposits.all()) if document.kind == K.INVOICE else []
    document.prepaid_amount = _prepaid(deposits)
    result = totals.calculate(
        totals_input(document, draft.lines, draft.line_rates, draft.adjustments)
    )
    problems = _content_problems(document, draft)
    if problems:
        raise ValidationFailed.for_fields(problems)
    if invoice is not None:
        _check_credit_limits(document, invoice, draft.lines, result)
    _draw_number(document, number)
    _freeze(document, draft, result, deposits)
    document.status = target
    try:
        with transaction.atomic():  # a savepoint, so the unique number can be checked by it
            document.save()
    except IntegrityError:
        raise Conflict(
            f"The number {document.number} is taken (by a manually numbered document); "
            "move the series' next number past it."
        ) from None
    _audit(
        membership,
        document,
        "issued" if document.kind != K.QUOTE else "sent",
        {"number": [None, document.number], "total": [None, f"{document.total:f}"]},
    )
    activity_record(
        client=document.client,
        kind=ISSUE_ACTIVITY.get(document.kind, ActivityKind.INVOICE_ISSUED),
        summary=_issued_summary(document),
        actor=membership.user if membership else None,
        document_id=document.pk,
    )
    if invoice is not None:
        _apply_credit(membership, invoice, document)
    documents_issued.send(sender=Document, document_ids=[document.pk])
    return document


def _content_problems(document: Document, draft: _Draft) -> dict[str, list[str]]:
    organization = document.organization
    problems = mandatory_content_problems(
        document,
        seller=organization,
        buyer=document.client,
        lines=draft.lines,
        line_rates=draft.line_rates,
    )
    if (
        document.kind != K.QUOTE
        and document.currency != organization.default_currency
        and (document.exchange_rate is None or document.exchange_rate <= 0)
    ):
        problems.setdefault("exchange_rate", []).append("The exchange rate is missing.")
    return problems


def _freeze(
    document: Document, draft: _Draft, result: totals.Totals, deposits: list[Document]
) -> None:
    """Fix a numbered document's due date and totals, and store its as-issued snapshot."""
    if document.kind != K.QUOTE:
        document.due_date = _due_date(document)
    apply_totals(document, result)
    document.rounding_method = result.rounding_method
    document.snapshot = document_snapshot(
        document,
        seller=document.organization,
        buyer=document.client,
        lines=draft.lines,
        line_rates=draft.line_rates,
        result=result,
        deposits=deposits,
    )
    document.issued_at = timezone.now()
    document.updated_at = document.issued_at


def _issued_summary(document: Document) -> str:
    return (
        f"{document.get_kind_display()} {document.number} issued over "
        f"{document.total:f} {document.currency}"
    )


ISSUE_ACTIVITY = {K.CREDIT_NOTE: ActivityKind.CREDIT_NOTE_ISSUED, K.QUOTE: ActivityKind.QUOTE_SENT}


def _apply_credit(membership: Membership | None, invoice: Document, credit_note: Document) -> None:
    """Reduce the invoice's open balance by the credit; fully credited, it is void."""
    credited = credit_note.total - credit_note.withholding_total
    before = (invoice.status, invoice.balance_due)
    invoice.balance_due = max(invoice.balance_due - credited, Decimal(0))
    if _credit_room(invoice) <= 0:
        invoice.status = S.VOID
        invoice.voided_at = timezone.now()
    invoice.updated_at = timezone.now()
    invoice.save(update_fields=["balance_due", "status", "voided_at", "updated_at"])
    changes = {"balance_due": [f"{before[1]:f}", f"{invoice.balance_due:f}"]}
    if invoice.status != before[0]:
        changes["status"] = [before[0], invoice.status]
        activity_record(
            client=invoice.client,
            kind=ActivityKind.INVOICE_VOIDED,
            summary=f"Invoice {invoice.number} voided by {credit_note.number}",
            actor=membership.user if membership else None,
            document_id=invoice.pk,
        )
    _audit(membership, invoice, "credited", changes)


@transaction.atomic
def document_mark_sent(*, membership: Membership, document_id: UUID) -> Document:
    document = _locked(membership, document_id)
    target = require_transition(document, "mark_sent")
    document.status = target
    document.sent_at = timezone.now()
    document.save(update_fields=["status", "sent_at"])
    _audit(membership, document, "sent", {"status": [S.ISSUED, target]})
    activity_record(
        client=document.client,
        kind=ActivityKind.INVOICE_SENT,
        summary=f"{document.get_kind_display()} {document.number} sent",
        actor=membership.user,
        document_id=document.pk,
    )
    return document


# --- credit notes ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreditLine:
    line_id: UUID
    quantity: Decimal | None = None  # None: all that is left


def _credit_draft(
    membership: Membership,
    invoice: Document,
    lines: list[LineInput],
    reason: str,
    *,
    with_adjustments: bool = False,
) -> Document:
    """A draft credit note of `invoice`; `with_adjustments` also credits its document-level
    allowances and charges (a void credits everything that is left)."""
    data = DocumentInput(
        client_id=invoice.client_id,
        currency=invoice.currency,
        exchange_rate=invoice.exchange_rate,
        language=invoice.language,
        prices_include_tax=invoice.prices_include_tax,
        buyer_reference=invoice.buyer_reference,
        purchase_order=invoice.purchase_order,
        payment_terms_type=PaymentTermsType.DUE_ON_RECEIPT,
        notes=reason or f"Credit note for invoice {invoice.number}",
        lines=tuple(lines),
    )
    if with_adjustments:
        source = _inputs_of(invoice)
        data = replace(data, allowances=source.allowances, charges=source.charges)
    credit_note = Document(
        organization=invoice.organization,
        kind=K.CREDIT_NOTE,
        client=invoice.client,
        currency=invoice.currency,
        related=invoice,
        created_by=membership.user,
    )
    errors: dict[str, list[str]] = {}
    _apply_fields(credit_note, data, creating=True, errors=errors)
    built, rates = _build_lines(credit_note, data.lines, errors)
    adjustments = _build_adjustments(credit_note, data.allowances, data.charges, errors)
    draft = _Draft(built, rates, adjustments)
    result = _calculate(credit_note, draft, errors)
    _raise(errors)
    assert result is not None
    _check_credit_limits(credit_note, invoice, built, result)
    _save_draft(credit_note, draft, result, None)
    _audit(
        membership,
        credit_note,
        "created",
        {"invoice": [None, invoice.number], "total": [None, f"{credit_note.total:f}"]},
    )
    return credit_note


def _credit_lines_for(invoice: Document, chosen: list[CreditLine] | None) -> list[LineInput]:
    originals = list(invoice.lines.prefetch_related("tax_rates"))
    by_id = {line.pk: line for line in originals}
    wanted = chosen if chosen is not None else [CreditLine(line.pk) for line in originals]
    result = []
    for index, item in enumerate(wanted):
        original = by_id.get(item.line_id)
        if original is None:
            raise ValidationFailed.for_fields(
                {f"lines.{index}.line_id": [f"Not a line of {invoice}."]}
            )
        quantity = abs(original.quantity) if item.quantity is None else item.quantity
        if quantity <= 0:
            raise ValidationFailed.for_fields({f"lines.{index}.quantity": ["Must be positive."]})
        result.append(
            LineInput(
                description=original.description,
                quantity=quantity,
                unit=original.unit,
                unit_price=original.unit_price,
                product_id=None,
                discount_percent=original.discount_percent,
                discount_amount=original.discount_amount,
                tax_rate_ids=tuple(rate.pk for rate in original.tax_rates.all()),
                source_line_id=original.pk,
            )
        )
    return result


def _locked_invoice(membership: Membership, invoice_id: UUID) -> Document:
    invoice = _locked(membership, invoice_id)
    if invoice.kind not in PAYABLE_KINDS or invoice.status not in OPEN_STATUSES:
        raise Conflict(
            f"{invoice} cannot be credited: it is {invoice.get_status_display().lower()}."
        )
    return invoice


@transaction.atomic
def credit_note_create(
    *,
    membership: Membership,
    invoice_id: UUID,
    lines: list[CreditLine] | None = None,
    amount: Decimal | None = None,
    reason: str = "",
    tax_rate_id: UUID | None = None,
) -> Document:
    """A draft credit note for chosen lines (quantities) or for an amount (one line at the
    invoice's tax); it never exceeds what is left to credit."""
    invoice = _locked_invoice(membership, invoice_id)
    if amount is not None:
        if amount <= 0:
            raise ValidationFailed.for_fields({"amount": ["Must be positive."]})
        rate_ids: tuple[UUID, ...]
        if tax_rate_id is not None:
            rate_ids = (tax_rate_id,)
        else:
            groups = {
                rate.pk
                for line in invoice.lines.prefetch_related("tax_rates")
                for rate in line.tax_rates.all()
            }
            if len(groups) > 1:
                raise ValidationFailed.for_fields(
                    {
                        "tax_rate_id": [
                            "The invoice has several taxes: choose the one this amount credits."
                        ]
                    }
                )
            rate_ids = tuple(groups)
        credit_lines = [
            LineInput(
                description=reason or f"Credit on invoice {invoice.number}",
                quantity=Decimal(1),
                unit="C62",
                unit_price=round_money(amount, invoice.currency),
                tax_rate_ids=rate_ids,
            )
        ]
    else:
        credit_lines = _credit_lines_for(invoice, lines)
    return _credit_draft(membership, invoice, credit_lines, reason)


@transaction.atomic
def invoice_void(*, membership: Membership, invoice_id: UUID, reason: str = "") -> Document:
    """Void an issued invoice by issuing the full credit note for what is left to credit."""
    invoice = _locked_invoice(membership, invoice_id)
    require_transition(invoice, "void")
    remaining = _credit_lines_for(invoice, None)
    credited_before = dict(
        DocumentLine.objects.filter(source_line__document=invoice)
        .exclude(document__status=S.DRAFT)
        .values_list("source_line_id")
        .annotate(Sum("quantity"))
    )
    lines = [
        replace(
            line, quantity=line.quantity - (credited_before.get(line.source_line_id) or Decimal(0))
        )
        for line in remaining
    ]
    lines = [line for line in lines if line.quantity > 0]
    if not lines:
        raise Conflict(f"{invoice} is fully credited already.")
    credit_note = _credit_draft(
        membership,
        invoice,
        lines,
        reason or f"Cancellation of invoice {invoice.number}",
        with_adjustments=True,
    )
    return _issue(membership, credit_note, target=S.ISSUED)


# --- quotes ---------------------------------------------------------------------------------


@transaction.atomic
def quote_send(*, membership: Membership, document_id: UUID) -> Document:
    """Number a draft quote (its first sending) and mark it sent."""
    quote = _locked(membership, document_id)
    target = require_transition(quote, "send_quote")
    if quote.is_draft:
        if quote.valid_until is None:
            issued_on = quote.issue_date or _today(quote.organization)
            quote.valid_until = issued_on + datetime.timedelta(days=QUOTE_VALID_DAYS)
        quote = _issue(membership, quote, target=target)
    quote.sent_at = timezone.now()
    quote.save(update_fields=["sent_at"])
    return quote


def _quote_decision(membership: Membership, document_id: UUID, action: str) -> Document:
    quote = _locked(membership, document_id)
    target = require_transition(quote, action)
    before = quote.status
    quote.status = target
    stamp = "accepted_at" if action == "accept" else "declined_at"
    setattr(quote, stamp, timezone.now())
    quote.save(update_fields=["status", stamp])
    _audit(
        membership,
        quote,
        {"accept": "accepted", "decline": "declined"}[action],
        {"status": [before, target]},
    )
    activity_record(
        client=quote.client,
        kind=ActivityKind.QUOTE_ACCEPTED if action == "accept" else ActivityKind.QUOTE_DECLINED,
        summary=f"Quote {quote.number} {'accepted' if action == 'accept' else 'declined'}",
        actor=membership.user,
        document_id=quote.pk,
    )
    return quote


@transaction.atomic
def quote_accept(*, membership: Membership, document_id: UUID) -> Document:
    return _quote_decision(membership, document_id, "accept")


@transaction.atomic
def quote_decline(*, membership: Membership, document_id: UUID) -> Document:
    return _quote_decision(membership, document_id, "decline")


@transaction.atomic
def quote_convert(*, membership: Membership, document_id: UUID, kind: str = K.INVOICE) -> Document:
    """Turn a sent or accepted quote into a draft invoice (or deposit invoice), once."""
    quote = _locked(membership, document_id)
    target = require_transition(quote, "convert")
    if kind not in (K.INVOICE, K.DEPOSIT_INVOICE, K.PROFORMA):
        raise ValidationFailed.for_fields({"kind": ["An invoice, deposit invoice or proforma."]})
    invoice = document_create(membership=membership, kind=kind, data=_inputs_of(quote))
    invoice.related = quote
    invoice.save(update_fields=["related"])
    before = quote.status
    quote.status = target
    quote.converted_to = invoice
    quote.save(update_fields=["status", "converted_to"])
    _audit(
        membership,
        quote,
        "converted",
        {"status": [before, target], "converted_to": [None, str(invoice.pk)]},
    )
    return invoice


def quotes_expire(now: datetime.datetime) -> int:
    """Mark sent quotes past their validity as expired; returns how many."""
    expired = 0
    due = Document.objects.filter(
        kind=K.QUOTE, status=S.SENT, valid_until__lt=now.date()
    ).values_list("pk", flat=True)
    for quote_id in list(due):
        with transaction.atomic():
            quote = Document.objects.select_for_update().get(pk=quote_id)
            if quote.status != S.SENT:
                continue
            quote.status = S.EXPIRED
            quote.save(update_fields=["status"])
            _audit(None, quote, "expired", {"status": [S.SENT, S.EXPIRED]})
            expired += 1
    return expired


@transaction.atomic
def document_update_internal(
    *,
    membership: Membership,
    document_id: UUID,
    internal_notes: str | None = None,
    tags: list[str] | None = None,
) -> Document:
    """The only change an issued document accepts: internal notes and tags."""
    document = _locked(membership, document_id)
    changes: dict[str, list[object]] = {}
    fields = []
    if internal_notes is not None and internal_notes != document.internal_notes:
        changes["internal_notes"] = [document.internal_notes, internal_notes]
        document.internal_notes = internal_notes
        fields.append("internal_notes")
    if tags is not None:
        cleaned = [tag.strip()[:40] for tag in tags if tag.strip()][:20]
        if cleaned != document.tags:
            changes["tags"] = [document.tags, cleaned]
            document.tags = cleaned
            fields.append("tags")
    if fields:
        document.updated_at = timezone.now()
        document.save(update_fields=[*fields, "updated_at"])
        _audit(membership, document, "annotated", changes)
    return document


def issue_problems(document: Document) -> dict[str, list[str]]:
    """What issuing this draft would refuse, for the editor and the API to show up front
    (a missing issue date is not a problem: issuing dates it today)."""
    if document.kind == K.QUOTE:
        return {}
    draft = _current_draft(document)
    problems = mandatory_content_problems(
        document,
        seller=document.organization,
        buyer=document.client,
        lines=draft.lines,
        line_rates=draft.line_rates,
    )
    problems.pop("issue_date", None)
    return problems


def document_preview(
    *, membership: Membership, kind: str, data: DocumentInput, document_id: UUID | None = None
) -> totals.Totals:
    """The totals a draft with `data` would have, computed by the same rules, saving nothing;
    `document_id` names the draft being edited, if any.

    Raises ValidationFailed naming bad fields, exactly as document_create would.
    """
    require(membership, Capability.READ)
    organization = membership.organization
    client = (
        _client_for(organization, data.client_id)
        if data.client_id is not None
        else Client(organization=organization)  # totals don't depend on who buys
    )
    errors: dict[str, list[str]] = {}
    # The rate changes no total: a preview needs none.
    _, _, _, result = _new_draft(
        membership,
        kind,
        replace(data, exchange_rate=Decimal(1)),
        client,
        errors,
        document_id=document_id,
    )
    _raise(errors)
    assert result is not None
    return result


BATCH_KINDS = frozenset({K.INVOICE, K.DEPOSIT_INVOICE, K.PROFORMA})


@transaction.atomic
def documents_issue_batch(
    *, membership: Membership, kind: str, inputs: list[DocumentInput]
) -> list[Document]:
    """Create and issue many documents at once (billing runs, imports): the checks of
    document_create and document_issue, all or nothing, in a few bulk statements.

    Errors name the document: "documents.3.lines.0.quantity". The series is locked once
    and the documents get consecutive numbers in input order.
    """
    require(membership, Capability.EDIT_DOCUMENTS)
    if kind not in BATCH_KINDS:
        raise ValidationFailed.for_fields({"kind": [f"One of {', '.join(sorted(BATCH_KINDS))}."]})
    organization = membership.organization
    clients = {
        client.pk: client
        for client in Client.objects.filter(
            organization=organization, pk__in={data.client_id for data in inputs}
        )
    }
    catalog = _catalog_for(organization, inputs)
    today = _today(organization)
    errors: dict[str, list[str]] = {}
    prepared = []
    for index, data in enumerate(inputs):
        prefix = f"documents.{index}."
        client = clients.get(data.client_id) if data.client_id else None
        if client is None or client.is_archived:
            errors[prefix + "client_id"] = ["No such active client."]
            continue
        if data.deposit_ids:
            errors[prefix + "deposit_ids"] = ["Deduct deposits one invoice at a time."]
            continue
        own: dict[str, list[str]] = {}
        document, draft, _, result = _new_draft(
            membership,
            kind,
            replace(data, issue_date=data.issue_date or today),
            client,
            own,
            catalog,
        )
        if not own:
            own = _content_problems(document, draft)
        errors.update({prefix + field: messages for field, messages in own.items()})
        prepared.append((document, draft, result))
    _raise(errors)

    series = _locked_series(organization, kind)
    documents, lines, taxes, adjustments, events, activities = [], [], [], [], [], []
    through = DocumentLine.tax_rates.through
    for document, draft, result in prepared:
        assert result is not None
        _next_number(series, document)
        _freeze(document, draft, result, [])
        for line, line_totals, rates in zip(
            draft.lines, result.lines, draft.line_rates, strict=True
        ):
            line.net_amount = line_totals.net_amount
            taxes.extend((line.pk, rate.pk) for rate in rates)
        documents.append(document)
        lines.extend(draft.lines)
        adjustments.extend(draft.adjustments)
        events.append(
            audit_event(
                organization=organization,
                actor=membership.user,
                action=f"{kind}.issued",
                target=document,
                changes={"number": [None, document.number], "total": [None, f"{document.total:f}"]},
            )
        )
        activities.append(
            Activity(
                organization=organization,
                client=document.client,
                kind=ISSUE_ACTIVITY.get(document.kind, ActivityKind.INVOICE_ISSUED),
                summary=_issued_summary(document),
                document_id=document.pk,
                actor=membership.user,
            )
        )
    series.save(update_fields=["next_number", "period"])
    # Written as drafts with their lines, then issued in one statement: the database refuses
    # lines added to an issued document.
    insert_objects(documents)
    insert_objects(lines)
    insert_rows(through, ["documentline_id", "taxrate_id"], taxes)
    insert_objects(adjustments)
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(status=S.ISSUED)
    insert_objects(events)
    insert_objects(activities)
    for document in documents:
        document.status = S.ISSUED
        document._loaded_status = S.ISSUED  # type: ignore[attr-defined]
    documents_issued.send(sender=Document, document_ids=[d.pk for d in documents])
    return documents
