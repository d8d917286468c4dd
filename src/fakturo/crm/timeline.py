"""activity_record(): services of every app write the client timeline through this."""

import datetime
import uuid
from typing import Any

from django.utils import timezone

from fakturo.crm.models import Activity, Client


def activity_record(
    *,
    client: Client,
    kind: str,
    summary: str,
    actor: Any = None,
    document_id: uuid.UUID | None = None,
    body: str = "",
    occurred_at: datetime.datetime | None = None,
) -> Activity:
    """Append an entry to the client's timeline; call it inside the service's transaction."""
    return Activity.objects.create(
        organization_id=client.organization_id,
        client=client,
        kind=kind,
        summary=summary[:300],
        body=body,
        document_id=document_id,
        actor=actor,
        occurred_at=occurred_at or timezone.now(),
    )
