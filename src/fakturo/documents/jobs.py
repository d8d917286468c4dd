"""Archiving issued documents: render the archive set once, store it with its SHA-256.

Issuing never waits for this and never fails because of it: the receiver runs it after the
issuing transaction committed, and `documents.archive_pending` retries whatever is missing.
"""

import hashlib
import logging
import time
from datetime import datetime, timedelta
from uuid import UUID

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q

from fakturo.documents.choices import RenderedFormat
from fakturo.documents.models import RenderedFile
from fakturo.documents.render import MEDIA_TYPES, file_name, render_issued
from fakturo.invoicing.choices import DocumentStatus
from fakturo.invoicing.models import Document
from fakturo.jobs.registry import register

logger = logging.getLogger("fakturo.documents")

# A scheduled run archives documents in batches, oldest first, and starts no new batch after
# ARCHIVE_SECONDS; the rest waits for the next run (every minute).
ARCHIVE_BATCH = 50
ARCHIVE_SECONDS = 40


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


def pending_documents(
    limit: int = ARCHIVE_BATCH, *, after: tuple[datetime, UUID] | None = None
) -> list[tuple[datetime, UUID]]:
    """(issued_at, id) of issued documents without an archived PDF, oldest first, after
    `after` in that order."""
    pending = (
        Document.objects.exclude(status=DocumentStatus.DRAFT)
        .filter(issued_at__isnull=False)
        .exclude(rendered_files__format=RenderedFormat.PDF)
    )
    if after is not None:
        issued_at, document_id = after
        pending = pending.filter(
            Q(issued_at__gt=issued_at) | Q(issued_at=issued_at, pk__gt=document_id)
        )
    return list(pending.order_by("issued_at", "pk").values_list("issued_at", "pk")[:limit])


@register("documents.archive_pending", every=timedelta(minutes=1), atomic=False)
def archive_pending(now: datetime) -> str:
    """Archive the PDF and XML of issued documents that have none yet."""
    started = time.monotonic()
    archived = tried = 0
    cursor = None  # past a document that fails, so one that keeps failing blocks nothing
    while time.monotonic() - started < ARCHIVE_SECONDS:
        batch = pending_documents(ARCHIVE_BATCH, after=cursor)
        if not batch:
            break
        archived += documents_archive([document_id for _, document_id in batch])
        tried += len(batch)
        cursor = batch[-1]
    return f"archived {archived} of {tried} documents"
