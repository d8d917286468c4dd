"""Reads of documents, organization-scoped; one filter set for the list page and the API."""

import datetime
from collections.abc import Iterable
from typing import Any, TypedDict
from uuid import UUID

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When

from fakturo.invoicing import totals
from fakturo.invoicing.calculation import DOCUMENT_PARTS, stored_totals
from fakturo.invoicing.choices import DocumentKind, DocumentStatus
from fakturo.invoicing.models import Document

OPEN_STATUSES = (DocumentStatus.ISSUED, DocumentStatus.SENT, DocumentStatus.PARTIALLY_PAID)
INVOICE_KINDS = (DocumentKind.INVOICE, DocumentKind.DEPOSIT_INVOICE, DocumentKind.PROFORMA)


class DocumentFilters(TypedDict, total=False):
    status: str
    client_id: UUID
    issued_from: datetime.date
    issued_until: datetime.date
    overdue: bool
    q: str
    kind: str
    sort: str


SORTS = {
    "issue_date": ("issue_date", "created_at"),
    "-issue_date": ("-issue_date", "-created_at"),
    "due_date": ("due_date", "created_at"),
    "-due_date": ("-due_date", "-created_at"),
    "number": ("number",),
    "-number": ("-number",),
    "total": ("total",),
    "-total": ("-total",),
    "-created_at": ("-created_at",),
}


def overdue_condition(today: datetime.date) -> Q:
    return Q(
        status__in=OPEN_STATUSES,
        due_date__lt=today,
        balance_due__gt=0,
        kind__in=(DocumentKind.INVOICE, DocumentKind.DEPOSIT_INVOICE),
    )


def document_list(
    *, organization: Any, kinds: Iterable[str], filters: DocumentFilters, today: datetime.date
) -> QuerySet[Document]:
    documents = (
        Document.objects.filter(organization=organization, kind__in=list(kinds))
        .select_related("client")
        .annotate(
            is_overdue=Case(
                When(overdue_condition(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if filters.get("kind"):
        documents = documents.filter(kind=filters["kind"])
    if filters.get("status"):
        status = filters["status"]
        documents = (
            documents.filter(overdue_condition(today))
            if status == "overdue"
            else documents.filter(status=status)
        )
    if filters.get("overdue"):
        documents = documents.filter(overdue_condition(today))
    if filters.get("client_id"):
        documents = documents.filter(client_id=filters["client_id"])
    if filters.get("issued_from"):
        documents = documents.filter(issue_date__gte=filters["issued_from"])
    if filters.get("issued_until"):
        documents = documents.filter(issue_date__lte=filters["issued_until"])
    if filters.get("q"):
        q = filters["q"].strip()
        documents = documents.filter(
            Q(number__icontains=q)
            | Q(client__legal_name__icontains=q)
            | Q(client__display_name__icontains=q)
            | Q(purchase_order__icontains=q)
            | Q(notes__icontains=q)
        )
    return documents.order_by(*SORTS.get(filters.get("sort") or "", ("-created_at",)))


def document_detail(
    *, organization: Any, document_id: UUID, kinds: Iterable[str], today: datetime.date
) -> Document | None:
    return (
        document_list(organization=organization, kinds=kinds, filters={}, today=today)
        .filter(pk=document_id)
        .prefetch_related(*DOCUMENT_PARTS, "deposits")
        .first()
    )


def document_totals(document: Document) -> totals.Totals:
    """Live totals of a draft (with the tax breakdown); issued documents read their snapshot."""
    return stored_totals(document)


def deducible_deposits(
    *, organization: Any, client_id: UUID, currency: str, document: Document | None = None
) -> QuerySet[Document]:
    """The client's issued deposit invoices in `currency` that a final invoice may deduct: those
    no other non-void invoice deducts yet, and those `document` (a draft) deducts already."""
    taken = Document.objects.filter(deposits=OuterRef("pk")).exclude(status=DocumentStatus.VOID)
    if document is not None:
        taken = taken.exclude(pk=document.pk)
    wanted = ~Exists(taken) & ~Q(status__in=(DocumentStatus.DRAFT, DocumentStatus.VOID))
    if document is not None:
        wanted |= Q(pk__in=document.deposits.values("pk"))
    return Document.objects.filter(
        wanted,
        organization=organization,
        kind=DocumentKind.DEPOSIT_INVOICE,
        client_id=client_id,
        currency=currency,
    ).order_by("issue_date", "number")
