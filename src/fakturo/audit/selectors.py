from datetime import datetime
from typing import TypedDict

from django.db.models import QuerySet

from fakturo.audit.models import AuditEvent


class AuditFilters(TypedDict, total=False):
    action: str
    target_type: str
    target_id: str
    actor: str
    since: datetime
    until: datetime


def audit_event_list(*, organization: object, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events of one organization, newest first; the one filter set of the page and the API."""
    events = AuditEvent.objects.filter(organization=organization)
    if filters.get("action"):
        events = events.filter(action__startswith=filters["action"])
    if filters.get("target_type"):
        events = events.filter(target_type=filters["target_type"])
    if filters.get("target_id"):
        events = events.filter(target_id=filters["target_id"])
    if filters.get("actor"):
        events = events.filter(actor_label__iexact=filters["actor"].strip())
    if filters.get("since"):
        events = events.filter(occurred_at__gte=filters["since"])
    if filters.get("until"):
        events = events.filter(occurred_at__lt=filters["until"])
    return events
