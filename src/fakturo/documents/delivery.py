"""Sending an issued document by email, as the file its client prefers.

A client who takes PDF or Factur-X gets that PDF; one who takes an XML format (UBL, CII,
XRechnung, Peppol) gets the XML with the PDF as a readable copy. The mail goes out before
anything is recorded, so a refused delivery leaves the document as it was.
"""

import smtplib
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership
from fakturo.accounts.permissions import require
from fakturo.audit.services import audit_record
from fakturo.core.errors import Conflict, ServiceError, ValidationFailed
from fakturo.crm.choices import ActivityKind, DeliveryFormat
from fakturo.crm.timeline import activity_record
from fakturo.documents.choices import RenderedFormat
from fakturo.documents.data import email_texts
from fakturo.documents.render import (
    EINVOICE_KINDS,
    MEDIA_TYPES,
    RenderError,
    document_file,
    file_name,
)
from fakturo.documents.selectors import document_of
from fakturo.invoicing.choices import DocumentKind, DocumentStatus
from fakturo.invoicing.models import Document
from fakturo.invoicing.services import INVOICE_KINDS, document_mark_sent

PDF_FORMATS = frozenset({DeliveryFormat.PDF, DeliveryFormat.FACTURX})
MAX_RECIPIENTS = 10


class DeliveryFailed(ServiceError):
    """The mail server refused or could not be reached; nothing was recorded."""

    status = 502
    title = "Bad gateway"
    type_slug = "delivery-failed"


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    content: bytes
    media_type: str


@dataclass(frozen=True, slots=True)
class Delivery:
    document: Document
    recipients: list[str]
    attachments: list[Attachment]


def delivery_formats(document: Document) -> list[str]:
    """The PDF (Factur-X whenever it can be written) for PDF clients; the XML and the PDF
    for clients who take an XML format."""
    preferred = document.client.einvoice_format
    if preferred in PDF_FORMATS or document.kind not in EINVOICE_KINDS:
        return [RenderedFormat.PDF]
    return [preferred, RenderedFormat.PDF]


def delivery_attachments(document: Document) -> list[Attachment]:
    """The files the client's preferred format asks for; ValidationFailed names what an
    e-invoice format still needs (e.g. the Leitweg-ID for XRechnung)."""
    attachments = []
    for format in delivery_formats(document):
        try:
            content, _ = document_file(document, format)
        except RenderError as error:
            label = DeliveryFormat(format).label
            raise ValidationFailed.for_fields(
                {"einvoice_format": [f"{label}: {problem}" for problem in error.problems]}
            ) from None
        attachments.append(
            Attachment(
                file_name(document.snapshot, format),
                content,
                MEDIA_TYPES[RenderedFormat(format)],
            )
        )
    return attachments


def default_recipients(document: Document) -> list[str]:
    """The client's contacts who receive invoices, else the client's addresses."""
    contacts = [
        contact.email
        for contact in document.client.contacts.filter(receives_invoices=True)
        if contact.email
    ]
    return contacts or list(document.client.emails)


def _recipients(values: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(value.strip().lower() for value in values if value.strip()))
    if not cleaned:
        raise ValidationFailed.for_fields(
            {"to": ["Give an email address: the client has none that receives invoices."]}
        )
    if len(cleaned) > MAX_RECIPIENTS:
        raise ValidationFailed.for_fields({"to": [f"At most {MAX_RECIPIENTS} addresses."]})
    for address in cleaned:
        try:
            validate_email(address)
        except DjangoValidationError:
            raise ValidationFailed.for_fields(
                {"to": [f"{address} is not an email address."]}
            ) from None
    return cleaned


def document_email(
    *,
    membership: Membership,
    document_id: UUID,
    to: list[str] | None = None,
    subject: str = "",
    message: str = "",
) -> Delivery:
    """Email an issued document to its client in the client's format; an issued invoice
    becomes sent. The subject and text default to the document's language."""
    require(membership, Capability.EDIT_DOCUMENTS)
    document = document_of(
        organization=membership.organization,
        document_id=document_id,
        kinds=tuple(DocumentKind.values),
    )
    if document.status == DocumentStatus.DRAFT or not document.snapshot:
        raise Conflict("A draft cannot be sent: issue it first.")
    recipients = _recipients(to if to is not None else default_recipients(document))
    attachments = delivery_attachments(document)
    texts = email_texts(document.snapshot)
    seller_email = document.snapshot["seller"].get("email") or ""
    email = EmailMessage(
        subject=subject.strip() or texts["subject"],
        body=message.strip() or texts["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=[seller_email] if seller_email else None,
    )
    for attachment in attachments:
        email.attach(attachment.name, attachment.content, attachment.media_type)
    try:
        email.send()
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryFailed(f"The mail server did not take the message: {error}") from None
    sent = _record_sent(membership, document, recipients, attachments)
    return Delivery(sent, recipients, attachments)


@transaction.atomic
def _record_sent(
    membership: Membership, document: Document, recipients: list[str], files: list[Attachment]
) -> Document:
    """Audit the delivery; an issued invoice becomes sent. Returns the document as it is now."""
    audit_record(
        organization=document.organization,
        actor=membership.user,
        action=f"{document.kind}.emailed",
        target=document,
        changes={"to": [None, recipients], "files": [None, [f.name for f in files]]},
    )
    if document.kind in INVOICE_KINDS and document.status == DocumentStatus.ISSUED:
        return document_mark_sent(membership=membership, document_id=document.pk)
    activity_record(
        client=document.client,
        kind=ActivityKind.QUOTE_SENT
        if document.kind == DocumentKind.QUOTE
        else ActivityKind.INVOICE_SENT,
        summary=f"{document.get_kind_display()} {document.number} emailed to "
        + ", ".join(recipients),
        actor=membership.user,
        document_id=document.pk,
    )
    return document
