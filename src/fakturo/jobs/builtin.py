"""Housekeeping jobs of the foundation; billing runs and reminders register theirs later."""

from datetime import datetime, timedelta

from django.conf import settings

from fakturo.accounts.models import LoginFailure
from fakturo.core.models import IdempotencyRecord
from fakturo.jobs.registry import register

IDEMPOTENCY_RETENTION = timedelta(hours=24)


@register("accounts.prune_login_failures", every=timedelta(hours=1))
def prune_login_failures(now: datetime) -> str:
    """Forget failed logins older than the throttling window."""
    cutoff = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    deleted, _ = LoginFailure.objects.filter(failed_at__lt=cutoff).delete()
    return f"removed {deleted} old failed logins"


@register("core.prune_idempotency_records", every=timedelta(hours=1))
def prune_idempotency_records(now: datetime) -> str:
    """Forget stored API responses for Idempotency-Keys older than 24 hours."""
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=now - IDEMPOTENCY_RETENTION
    ).delete()
    return f"removed {deleted} expired idempotency records"
