"""Celery tasks: thin wrappers over the registry. Arguments are names and ISO strings only."""

from dataclasses import asdict
from typing import Any

from celery import shared_task
from django.utils import timezone

from fakturo.jobs import registry


@shared_task(name="fakturo.jobs.run_job")  # type: ignore[untyped-decorator]
def run_job(name: str, at_iso: str) -> dict[str, Any]:
    """Run the job `name` as of `at_iso`, whether due or not."""
    return asdict(registry.run_job(name, now=registry.parse_at(at_iso)))


@shared_task(name="fakturo.jobs.run_due")  # type: ignore[untyped-decorator]
def run_due(at_iso: str | None = None) -> list[dict[str, Any]]:
    """Run every job due at `at_iso` (default: now); beat sends this every minute."""
    now = registry.parse_at(at_iso) if at_iso else timezone.now()
    return [asdict(outcome) for outcome in registry.run_due(now)]
