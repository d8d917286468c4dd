from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from fakturo.accounts.choices import Capability
from fakturo.accounts.permissions import require
from fakturo.audit.selectors import AuditFilters, audit_event_list

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: UUID
    occurred_at: datetime
    actor: str = Field(validation_alias="actor_label")
    action: str
    target_type: str
    target_id: str
    target_label: str
    changes: dict[str, list[Any]]
    request_id: str


class AuditQuery(Schema):
    action: str | None = Field(None, description="Action, or its prefix such as `api_token.`")
    target_type: str | None = Field(None, description="e.g. `accounts.organization`")
    target_id: str | None = None
    actor: str | None = Field(None, description="The actor's email, or `system`")
    since: datetime | None = None
    until: datetime | None = None


@router.get("/audit-events", response=list[AuditEventOut], summary="The audit trail, newest first")
@paginate(LimitOffsetPagination)
def audit_events(request: HttpRequest, filters: Query[AuditQuery]) -> object:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, Capability.READ)
    chosen: AuditFilters = {k: v for k, v in filters.model_dump().items() if v}  # type: ignore[assignment]
    return audit_event_list(organization=membership.organization, filters=chosen)
