"""Downloads of issued documents: GET /api/v1/{invoices,credit-notes,quotes}/{id}/{format}.

The bytes are the archived ones (or, before archiving finished, the same bytes rendered from
the snapshot); ETag is their SHA-256. A draft is 409; a format whose required fields are
missing is 422 listing them.
"""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership
from fakturo.accounts.permissions import require
from fakturo.documents.choices import RenderedFormat
from fakturo.documents.delivery import document_email
from fakturo.documents.download_views import file_response
from fakturo.documents.selectors import document_of
from fakturo.invoicing.choices import DocumentKind

router = Router()

COLLECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "invoices": (
        "invoices",
        (DocumentKind.INVOICE, DocumentKind.DEPOSIT_INVOICE, DocumentKind.PROFORMA),
    ),
    "credit-notes": ("credit notes", (DocumentKind.CREDIT_NOTE,)),
    "quotes": ("quotes", (DocumentKind.QUOTE,)),
}
SUMMARIES = {
    RenderedFormat.PDF: "The PDF/A-3b (with the Factur-X XML when the document is an invoice)",
    RenderedFormat.FACTURX: "The Factur-X (EN 16931) PDF",
    RenderedFormat.UBL: "UBL 2.1 XML (EN 16931)",
    RenderedFormat.CII: "UN/CEFACT CII XML (EN 16931)",
    RenderedFormat.XRECHNUNG: "XRechnung 3.0 UBL XML",
    RenderedFormat.PEPPOL: "Peppol BIS Billing 3.0 UBL XML",
}


def _register(collection: str, format: str) -> None:
    label, kinds = COLLECTIONS[collection]

    @router.get(
        f"/{collection}/{{document_id}}/{format}",
        tags=[label],
        summary=SUMMARIES[RenderedFormat(format)],
        operation_id=f"{collection.replace('-', '_')}_{format}",
        response={200: None, 304: None},
    )
    def download(request: HttpRequest, document_id: UUID) -> HttpResponse:
        membership: Membership = request.membership  # type: ignore[attr-defined]
        require(membership, Capability.READ)
        document = document_of(
            organization=membership.organization, document_id=document_id, kinds=kinds
        )
        return file_response(request, document, format)


for _collection in COLLECTIONS:
    for _format in RenderedFormat.values:
        _register(_collection, _format)


class EmailIn(Schema):
    to: list[str] | None = Field(
        None, description="Recipients; default: the client's contacts who receive invoices"
    )
    subject: str = Field("", max_length=300, description="Default: in the document's language")
    message: str = Field("", max_length=10_000)


class EmailOut(Schema):
    status: str = Field(description="The document's status after sending")
    to: list[str]
    attachments: list[str] = Field(description="File names, in the client's preferred format")


def _register_email(collection: str) -> None:
    label, kinds = COLLECTIONS[collection]

    @router.post(
        f"/{collection}/{{document_id}}/send-email",
        tags=[label],
        summary="Email the document to its client, as the file the client prefers",
        operation_id=f"{collection.replace('-', '_')}_send_email",
        response=EmailOut,
    )
    def send_email(request: HttpRequest, document_id: UUID, payload: EmailIn) -> EmailOut:
        membership: Membership = request.membership  # type: ignore[attr-defined]
        document_of(organization=membership.organization, document_id=document_id, kinds=kinds)
        delivery = document_email(
            membership=membership,
            document_id=document_id,
            to=payload.to,
            subject=payload.subject,
            message=payload.message,
        )
        return EmailOut(
            status=delivery.document.status,
            to=delivery.recipients,
            attachments=[attachment.name for attachment in delivery.attachments],
        )


for _collection in COLLECTIONS:
    _register_email(_collection)
