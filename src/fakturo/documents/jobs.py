"""Archiving issued documents: render the archive set once, store it with its SHA-256.

Issuing never waits for this and never fails because of it: the receiver runs it after the
issuing transaction committed, and `documents.archive_pending` retries whatever is missing.
"""

import hashlib
import logging
from datetime import datetime, timedelta
from uuid import UUID

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from fakturo.documents.choices import RenderedFormat
from fakturo.documents.models import RenderedFile
from fakturo.documents.render import MEDIA_TYPES, file_name, render_issued
from fakturo.invoicing.choices import DocumentStatus
from fakturo.invoicing.models import Document
from fakturo.jobs.registry import register

logger = logging.getLogger("fakturo.documents")

# Documents one scheduled run archives; the rest wait for the next run, so a run stays short.
ARCHIVE_BATCH = 20


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def document_archive(*, document_id: UUID) -> list[RenderedFile]:
    """Render an issued document at its issue time and store each format once.

    Safe to run twice or concurrently: (document, format) is unique, and a format stored
    already is kept as it is. Renders outside any transaction; writes in one.
    """
    document = Document.objects.select_related("organization").get(pk=document_id)
    if document.status == DocumentStatus.DRAFT or not document.snapshot:
        return []
    stored = set(RenderedFile.objects.filter(document=document).values_list("format", flat=True))
    if RenderedFormat.PDF in stored:
        return []
    files = render_issued(document)
    created = []
    with transaction.atomic():
        for format, content in files.items():
            if format in stored:
                continue
            rendered = RenderedFile(
                organization=document.organization,
                document=document,
                format=format,
                sha256=sha256_hex(content),
                size=len(content),
                media_type=MEDIA_TYPES[RenderedFormat(format)],
            )
            rendered.file.save(
                file_name(document.snapshot, format), ContentFile(content), save=False
            )
            try:
                with transaction.atomic():
                    rendered.save()
            except IntegrityError:  # a concurrent run stored this format first
                rendered.file.delete(save=False)
                continue
            created.append(rendered)
        Document.objects.filter(pk=document.pk).update(
            pdf_sha256=sha256_hex(files[RenderedFormat.PDF])
        )
    logger.info("document archived", extra={"document": str(document.pk), "formats": sorted(files)})
    return created


def documents_archive(document_ids: list[UUID]) -> int:
    """Archive each document; a failure is logged and left to the scheduled retry."""
    archived = 0
    for document_id in document_ids:
        try:
            document_archive(document_id=document_id)
            archived += 1
        except Exception:
            logger.exception("archiving failed", extra={"document": str(document_id)})
    return archived


def pending_documents(limit: int = ARCHIVE_BATCH) -> list[UUID]:
    """Issued documents without an archived PDF, oldest first."""
    return list(
        Document.objects.exclude(status=DocumentStatus.DRAFT)
        .filter(issued_at__isnull=False)
        .exclude(rendered_files__format=RenderedFormat.PDF)
        .order_by("issued_at")
        .values_list("pk", flat=True)[:limit]
    )


@register("documents.archive_pending", every=timedelta(minutes=1))
def archive_pending(now: datetime) -> str:
    """Archive the PDF and XML of issued documents that have none yet."""
    pending = pending_documents()
    archived = documents_archive(pending)
    return f"archived {archived} of {len(pending)} documents"
