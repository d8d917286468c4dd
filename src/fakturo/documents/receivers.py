"""Archive issued documents once their issuing transaction has committed."""

import logging
from typing import Any
from uuid import UUID

from django.db import transaction
from django.dispatch import receiver

from fakturo.documents.tasks import enqueue_archive
from fakturo.invoicing.signals import documents_issued

logger = logging.getLogger("fakturo.documents")


@receiver(documents_issued, dispatch_uid="documents.archive_on_issue")
def archive_on_issue(sender: Any, document_ids: list[UUID], **kwargs: Any) -> None:
    ids = list(document_ids)

    def run() -> None:
        try:
            enqueue_archive(ids)
        except Exception:  # the documents are issued already; the scheduled job retries
            logger.exception("archive enqueue failed", extra={"documents": len(ids)})

    transaction.on_commit(run)
