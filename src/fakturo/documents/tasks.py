"""Running the archive job: on a Celery worker when a broker is configured, else in-process."""

from uuid import UUID

from celery import shared_task
from django.conf import settings

from fakturo.documents.jobs import documents_archive

# Without a broker, this many documents are archived right after their issue commits; a
# larger batch (a billing run) is left to the scheduled job, so issuing stays fast.
INLINE_LIMIT = 10


@shared_task(name="fakturo.documents.archive")  # type: ignore[untyped-decorator]
def archive(document_ids: list[str]) -> int:
    return documents_archive([UUID(value) for value in document_ids])


def enqueue_archive(document_ids: list[UUID]) -> None:
    if settings.FAKTURO_BROKER_URL:
        archive.delay([str(document_id) for document_id in document_ids])
    elif len(document_ids) <= INLINE_LIMIT:
        documents_archive(document_ids)
