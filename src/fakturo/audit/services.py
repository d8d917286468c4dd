"""audit_record(): the one way to write to the audit trail. Services call it inside their
transaction, so an event exists exactly when its change does."""

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from fakturo.audit.models import AuditEvent
from fakturo.core.request_context import current_request_id


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime | uuid.UUID):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-ready values of `fields`, to diff before and after a change."""
    return {field: _plain(getattr(instance, field)) for field in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*before, *after]))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def audit_event(
    *,
    organization: Any,
    actor: Any,
    action: str,
    target: models.Model,
    changes: Mapping[str, list[Any]] | None = None,
) -> AuditEvent:
    """An unsaved event; `audit_record` saves one, bulk writers save many with bulk_create."""
    return AuditEvent(
        organization=organization,
        actor=actor,
        actor_label=actor.email if actor is not None else "system",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        changes=dict(changes or {}),
        request_id=current_request_id.get(),
    )


def audit_record(
    *,
    organization: Any,
    actor: Any,
    action: str,
    target: models.Model,
    changes: Mapping[str, list[Any]] | None = None,
) -> AuditEvent:
    """Append one event. `actor` is a User or None (the system, e.g. a scheduled job)."""
    event = audit_event(
        organization=organization, actor=actor, action=action, target=target, changes=changes
    )
    event.save()
    return event
