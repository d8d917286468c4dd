"""Reads of received documents, always scoped to one organization."""

from typing import TypedDict
from uuid import UUID

from django.db.models import Q, QuerySet

from fakturo.accounts.models import Organization
from fakturo.core.errors import NotFound
from fakturo.einvoice.models import ReceivedDocument


class ReceivedFilters(TypedDict, total=False):
    q: str  # supplier name, VAT id or number
    valid: bool


def received_document_list(
    *, organization: Organization, filters: ReceivedFilters | None = None
) -> QuerySet[ReceivedDocument]:
    documents = ReceivedDocument.objects.filter(organization=organization).defer(
        "parsed", "findings"
    )
    filters = filters or {}
    if filters.get("q"):
        text = filters["q"].strip()
        documents = documents.filter(
            Q(supplier_name__icontains=text)
            | Q(number__icontains=text)
            | Q(supplier_vat_id__icontains=text)
        )
    if filters.get("valid") is not None:
        documents = documents.filter(is_valid=filters["valid"])
    return documents.order_by("-created_at", "-id")


def received_document_get(*, organization: Organization, document_id: UUID) -> ReceivedDocument:
    """Another organization's document is NotFound, like a missing one."""
    document = ReceivedDocument.objects.filter(organization=organization, pk=document_id).first()
    if document is None:
        raise NotFound("No such received document.")
    return document
