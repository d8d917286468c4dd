"""Receiving e-invoices: check an upload, validate it, import it as a ReceivedDocument."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership
from fakturo.accounts.permissions import require
from fakturo.audit.services import audit_record
from fakturo.core.errors import Conflict, ServiceError
from fakturo.einvoice.models import ReceivedDocument
from fakturo.einvoice.parsing import TOTAL_NAMES, ParsedInvoice, parse_source
from fakturo.einvoice.validation import Report, read_source, validate_source

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
XML_TYPES = frozenset({"application/xml", "text/xml"})
PDF_TYPE = "application/pdf"
# What a MONEY column holds exactly; a stated total beyond it stays only in `parsed`.
MONEY_DECIMALS = 4
MONEY_LIMIT = Decimal(10) ** 14


class FileTooLarge(ServiceError):
    status = 413
    title = "File too large"
    type_slug = "file-too-large"


class UnsupportedMediaType(ServiceError):
    status = 415
    title = "Unsupported media type"
    type_slug = "unsupported-media-type"


@dataclass(frozen=True, slots=True)
class Examination:
    """The rules' report (its findings include the totals checks) and the parsed content."""

    report: Report
    parsed: ParsedInvoice


def upload_media_type(*, data: bytes, content_type: str) -> str:
    """The upload's media type, once it is one we read and matches the bytes; else a 413/415."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileTooLarge(
            f"The file has {len(data):,} bytes; the limit is {MAX_UPLOAD_BYTES:,} bytes (10 MB)."
        )
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in XML_TYPES | {PDF_TYPE}:
        given = f"“{media_type}”" if media_type else "no content type"
        raise UnsupportedMediaType(
            f"An e-invoice is sent as application/xml, text/xml or application/pdf, not {given}."
        )
    if (media_type == PDF_TYPE) != (data[:5] == b"%PDF-"):
        raise UnsupportedMediaType(
            f"The content type says {media_type}, but the file is "
            f"{'a PDF' if data[:5] == b'%PDF-' else 'not a PDF'}."
        )
    return media_type


def sniffed_media_type(data: bytes) -> str:
    """For a file that comes without a trustworthy type (a path, a browser upload)."""
    return PDF_TYPE if data[:5] == b"%PDF-" else "application/xml"


def einvoice_examine(data: bytes) -> Examination:
    """Validate and parse; the stated totals' checks join the rules' findings. Raises
    UnreadableInvoice (422) for input that is no e-invoice or is hostile."""
    source = read_source(data)
    report = validate_source(source)
    parsed = parse_source(source)
    report.findings.extend(parsed.findings)
    return Examination(report=report, parsed=parsed)


def einvoice_validate(*, membership: Membership, data: bytes, content_type: str) -> Examination:
    """Check a file without storing anything."""
    require(membership, Capability.READ)
    upload_media_type(data=data, content_type=content_type)
    return einvoice_examine(data)


def _column(value: Decimal | None) -> Decimal | None:
    if value is None or value.as_tuple().exponent < -MONEY_DECIMALS:  # type: ignore[operator]
        return None
    return value if abs(value) < MONEY_LIMIT else None


def _filename(filename: str, media_type: str) -> str:
    name = PurePosixPath(filename.replace("\\", "/")).name.strip()[:255]
    return name or ("einvoice.pdf" if media_type == PDF_TYPE else "einvoice.xml")


@transaction.atomic
def einvoice_import(
    *, membership: Membership, data: bytes, filename: str, content_type: str
) -> ReceivedDocument:
    """Validate, parse and store a received e-invoice with its original file. A file whose
    numbers don't add up is imported with findings; unreadable or hostile input raises
    (422, 413, 415) and stores nothing; the same file twice in one organization is a Conflict."""
    require(membership, Capability.EDIT_DOCUMENTS)
    media_type = upload_media_type(data=data, content_type=content_type)
    examination = einvoice_examine(data)
    report, parsed = examination.report, examination.parsed
    organization = membership.organization
    document = ReceivedDocument(
        organization=organization,
        supplier_name=parsed.seller.name[:300],
        supplier_vat_id=parsed.seller.vat_id[:60],
        number=parsed.number[:200],
        type_code=parsed.type_code[:10],
        issue_date=parsed.issue_date,
        due_date=parsed.due_date,
        currency=parsed.currency[:3],
        **{name: _column(parsed.totals[name]) for name in TOTAL_NAMES},
        syntax=report.syntax,
        customization=report.customization[:300],
        profile=report.profile,
        is_valid=report.valid,
        findings=[finding.as_dict() for finding in report.findings],
        parsed=parsed.as_json(),
        original_filename=_filename(filename, media_type),
        content_type=media_type,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        created_by=membership.user,
    )
    document.file.save(document.original_filename, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        document.file.delete(save=False)
        existing = ReceivedDocument.objects.filter(
            organization=organization, sha256=document.sha256
        ).first()
        raise Conflict(
            "This file was imported already"
            + (f" (received document {existing.pk})." if existing else ".")
        ) from None
    audit_record(
        organization=organization,
        actor=membership.user,
        action="received_document.imported",
        target=document,
        changes={"valid": [None, document.is_valid], "sha256": [None, document.sha256]},
    )
    return document
