"""/api/v1/einvoices/validate and /import; /api/v1/received-documents (list, detail, file).

An upload is a multipart form with a `file` part, or the raw bytes as the request body with
Content-Type application/xml, text/xml or application/pdf.
"""

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import FileResponse, HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership
from fakturo.accounts.permissions import require
from fakturo.einvoice import services
from fakturo.einvoice.models import ReceivedDocument
from fakturo.einvoice.parsing import TOTAL_NAMES
from fakturo.einvoice.selectors import (
    ReceivedFilters,
    received_document_get,
    received_document_list,
)

router = Router(tags=["e-invoices"])
UPLOAD_DESCRIPTION = (
    "A multipart form with a `file` part, or the raw file as the body with Content-Type "
    "application/xml, text/xml or application/pdf. At most 10 MB."
)


class FindingOut(Schema):
    rule_id: str
    severity: str
    location: str
    message: str


class ValidationOut(Schema):
    valid: bool
    syntax: str
    profile: str
    customization: str
    findings: list[FindingOut]


class TotalsOut(Schema):
    subtotal: Decimal | None
    allowance_total: Decimal | None
    charge_total: Decimal | None
    net_total: Decimal | None
    tax_total: Decimal | None
    total: Decimal | None
    prepaid_amount: Decimal | None
    balance_due: Decimal | None


class ReceivedSummary(Schema):
    id: UUID
    supplier_name: str
    supplier_vat_id: str
    number: str
    type_code: str
    issue_date: datetime.date | None
    due_date: datetime.date | None
    currency: str
    total: Decimal | None
    balance_due: Decimal | None
    syntax: str
    profile: str
    valid: bool
    original_filename: str
    size: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_valid(document: ReceivedDocument) -> bool:
        return document.is_valid


class ReceivedOut(ReceivedSummary):
    customization: str
    content_type: str
    sha256: str
    totals: TotalsOut
    findings: list[FindingOut]
    parsed: dict[str, Any]

    @staticmethod
    def resolve_totals(document: ReceivedDocument) -> dict[str, Any]:
        return {name: getattr(document, name) for name in TOTAL_NAMES}


class ListQuery(Schema):
    q: str | None = None
    valid: bool | None = None


def _membership(request: HttpRequest, capability: str = Capability.READ) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    require(membership, capability)
    return membership


def _upload(request: HttpRequest, file: UploadedFile | None) -> tuple[bytes, str, str]:
    """(bytes, filename, content type) of a multipart part or of the raw body. Reads at most
    one byte past the limit, so an oversized upload is refused without holding all of it."""
    limit = services.MAX_UPLOAD_BYTES + 1
    if file is not None:
        return file.read(limit), file.name or "", file.content_type or ""
    data = request.body if getattr(request, "_read_started", False) else request.read(limit)
    return data[:limit], "", request.content_type or ""


@router.post(
    "/einvoices/validate",
    response=ValidationOut,
    summary="Validate an e-invoice (UBL, CII, Factur-X PDF) without storing it",
    description=UPLOAD_DESCRIPTION,
    operation_id="einvoices_validate",
)
def einvoice_validate(request: HttpRequest, file: File[UploadedFile] = None) -> dict[str, Any]:  # type: ignore[assignment]
    membership = _membership(request)
    data, _, content_type = _upload(request, file)
    report = services.einvoice_validate(
        membership=membership, data=data, content_type=content_type
    ).report
    return {
        "valid": report.valid,
        "syntax": report.syntax,
        "profile": report.profile,
        "customization": report.customization,
        "findings": [finding.as_dict() for finding in report.findings],
    }


@router.post(
    "/einvoices/import",
    response={201: ReceivedOut},
    summary="Import an e-invoice as a received document",
    description=UPLOAD_DESCRIPTION + " The same file twice is a 409.",
    operation_id="einvoices_import",
)
def einvoice_import(
    request: HttpRequest,
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status[ReceivedDocument]:
    membership = _membership(request, Capability.EDIT_DOCUMENTS)
    data, filename, content_type = _upload(request, file)
    document = services.einvoice_import(
        membership=membership, data=data, filename=filename, content_type=content_type
    )
    return Status(201, document)


@router.get(
    "/received-documents",
    response=list[ReceivedSummary],
    summary="List received documents, newest first",
    operation_id="received_documents_list",
)
@paginate(LimitOffsetPagination)
def received_documents_list(request: HttpRequest, filters: Query[ListQuery]) -> Any:
    membership = _membership(request)
    chosen: ReceivedFilters = {
        key: value for key, value in filters.model_dump().items() if value not in (None, "")
    }  # type: ignore[assignment]
    return received_document_list(organization=membership.organization, filters=chosen)


@router.get(
    "/received-documents/{document_id}",
    response=ReceivedOut,
    operation_id="received_documents_get",
)
def received_document_detail(request: HttpRequest, document_id: UUID) -> ReceivedDocument:
    membership = _membership(request)
    return received_document_get(organization=membership.organization, document_id=document_id)


@router.get(
    "/received-documents/{document_id}/file",
    summary="The original file, byte for byte",
    operation_id="received_documents_file",
)
def received_document_file(request: HttpRequest, document_id: UUID) -> FileResponse:
    membership = _membership(request)
    document = received_document_get(organization=membership.organization, document_id=document_id)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_filename,
        content_type=document.content_type,
    )
