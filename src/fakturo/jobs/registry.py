"""Registered jobs and run_due(now): the one place that decides what is due.

A job is an idempotent function of the current time that returns a one-line summary. Running
it twice for the same period must do nothing the second time; the job, not the scheduler,
guarantees that (e.g. with a unique constraint), so any runner — `fakturo run-due`, the
scheduler thread or a Celery worker — can call it.
"""

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from fakturo.jobs.models import JobState

logger = logging.getLogger("fakturo.jobs")

JobFunction = Callable[[datetime], str]


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    every: timedelta
    function: JobFunction
    description: str
    # False for a job that commits in steps itself: long work (rendering a backlog) must not
    # hold the database's write lock for the whole run.
    atomic: bool = True


_jobs: dict[str, Job] = {}


def register(
    name: str, *, every: timedelta, atomic: bool = True
) -> Callable[[JobFunction], JobFunction]:
    def decorator(function: JobFunction) -> JobFunction:
        if name in _jobs and _jobs[name].function is not function:
            raise ValueError(f"A job named {name} is registered already.")
        description = (function.__doc__ or name).strip().splitlines()[0]
        _jobs[name] = Job(
            name=name, every=every, function=function, description=description, atomic=atomic
        )
        return function

    return decorator


def registered_jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def get_job(name: str) -> Job:
    try:
        return _jobs[name]
    except KeyError:
        raise KeyError(f"No job named {name}.") from None


@dataclass(frozen=True, slots=True)
class JobOutcome:
    name: str
    ran: bool
    summary: str
    error: str = ""

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        return "ran" if self.ran else "not due"


def run_job(name: str, *, now: datetime) -> JobOutcome:
    """Run one job now, whether due or not, and record its outcome."""
    job = get_job(name)
    try:
        with transaction.atomic() if job.atomic else contextlib.nullcontext():
            summary = job.function(now)
    except Exception as error:
        logger.exception("job failed", extra={"job": name})
        message = f"{type(error).__name__}: {error}"
        JobState.objects.update_or_create(name=name, defaults={"last_error": message})
        return JobOutcome(name=name, ran=True, summary="failed", error=message)
    state, _ = JobState.objects.get_or_create(name=name)
    state.last_run_at = now
    state.last_result = summary
    state.last_error = ""
    state.run_count += 1
    state.save()
    logger.info("job ran", extra={"job": name, "summary": summary})
    return JobOutcome(name=name, ran=True, summary=summary)


def is_due(job: Job, *, now: datetime, last_run_at: datetime | None) -> bool:
    return last_run_at is None or last_run_at + job.every <= now


def run_due(now: datetime) -> list[JobOutcome]:
    """Run every registered job that is due at `now`, once each."""
    last_runs = dict(JobState.objects.values_list("name", "last_run_at"))
    outcomes = []
    for job in registered_jobs():
        if is_due(job, now=now, last_run_at=last_runs.get(job.name)):
            outcomes.append(run_job(job.name, now=now))
        else:
            outcomes.append(JobOutcome(name=job.name, ran=False, summary="not due"))
    return outcomes


def parse_at(value: str) -> datetime:
    """The moment an ISO 8601 string names; without an offset it is read in TIME_ZONE.

    Runners take moments as strings (CLI options, Celery arguments), never objects.
    """
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            f"{value!r} is not an ISO 8601 date-time such as 2026-01-31T09:00:00+00:00."
        ) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
