from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from pytest_django import Settings

from fakturo.accounts.models import LoginFailure
from fakturo.core.models import IdempotencyRecord
from fakturo.jobs import registry
from fakturo.jobs.builtin import prune_idempotency_records, prune_login_failures
from fakturo.jobs.models import JobState
from fakturo.jobs.registry import JobFunction, JobOutcome, parse_at, registered_jobs, run_due

RegisterJob = Callable[..., object]

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def outcomes_of(outcomes: list[JobOutcome]) -> list[tuple[str, str, str]]:
    return [(each.name, each.status, each.error or each.summary) for each in outcomes]


def test_run_due_runs_a_due_job_once_and_then_reports_it_not_due(
    db: None, register_job: RegisterJob
) -> None:
    calls: list[datetime] = []
    register_job("tests.hourly", lambda now: calls.append(now) or "did the thing")

    first = run_due(NOW)
    second = run_due(NOW + timedelta(minutes=1))

    assert outcomes_of(first) == [("tests.hourly", "ran", "did the thing")]
    assert outcomes_of(second) == [("tests.hourly", "not due", "not due")]
    assert calls == [NOW]
    state = JobState.objects.get(name="tests.hourly")
    assert (state.last_run_at, state.last_result, state.last_error, state.run_count) == (
        NOW,
        "did the thing",
        "",
        1,
    )


def test_a_job_is_due_again_once_its_interval_has_passed(
    db: None, register_job: RegisterJob
) -> None:
    register_job("tests.hourly", lambda now: "ok")
    run_due(NOW)

    just_before = run_due(NOW + timedelta(minutes=59))
    on_time = run_due(NOW + timedelta(hours=1))

    assert outcomes_of(just_before) == [("tests.hourly", "not due", "not due")]
    assert outcomes_of(on_time) == [("tests.hourly", "ran", "ok")]
    assert JobState.objects.get(name="tests.hourly").run_count == 2


def test_a_failing_job_is_reported_and_recorded_and_the_others_still_run(
    db: None, register_job: RegisterJob
) -> None:
    def broken(now: datetime) -> str:
        LoginFailure.objects.create(email="written-before-the-failure@acme.test")
        raise RuntimeError("printer on fire")

    register_job("tests.a_broken", broken)
    register_job("tests.b_fine", lambda now: "fine")

    outcomes = run_due(NOW)

    assert outcomes_of(outcomes) == [
        ("tests.a_broken", "failed", "RuntimeError: printer on fire"),
        ("tests.b_fine", "ran", "fine"),
    ]
    failed = JobState.objects.get(name="tests.a_broken")
    assert (failed.last_run_at, failed.last_error, failed.run_count) == (
        None,
        "RuntimeError: printer on fire",
        0,
    )
    assert not LoginFailure.objects.exists()  # the failed job's writes were rolled back
    # Not marked as run, so the next round tries it again.
    assert outcomes_of(run_due(NOW + timedelta(minutes=1)))[0][:2] == ("tests.a_broken", "failed")


def test_a_job_that_recovers_clears_its_error(db: None, register_job: RegisterJob) -> None:
    attempts: list[datetime] = []

    def flaky(now: datetime) -> str:
        attempts.append(now)
        if len(attempts) == 1:
            raise RuntimeError("first time unlucky")
        return "recovered"

    register_job("tests.flaky", flaky)
    run_due(NOW)
    run_due(NOW + timedelta(minutes=1))

    state = JobState.objects.get(name="tests.flaky")
    assert (state.last_result, state.last_error, state.run_count) == ("recovered", "", 1)


def test_the_housekeeping_jobs_are_registered() -> None:
    names = {job.name for job in registered_jobs()}
    assert {"accounts.prune_login_failures", "core.prune_idempotency_records"} <= names


def test_prune_login_failures_deletes_only_failures_older_than_the_window(
    db: None, settings: Settings
) -> None:
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    old = LoginFailure.objects.create(email="a@acme.test", failed_at=NOW - timedelta(minutes=16))
    at_cutoff = LoginFailure.objects.create(
        email="a@acme.test", failed_at=NOW - timedelta(minutes=15)
    )
    recent = LoginFailure.objects.create(email="a@acme.test", failed_at=NOW - timedelta(minutes=1))

    summary = prune_login_failures(NOW)

    assert summary == "removed 1 old failed logins"
    remaining = set(LoginFailure.objects.values_list("pk", flat=True))
    assert remaining == {at_cutoff.pk, recent.pk}
    assert old.pk not in remaining


def test_prune_idempotency_records_deletes_only_records_older_than_a_day(db: None) -> None:
    def record(key: str, age: timedelta) -> IdempotencyRecord:
        return IdempotencyRecord.objects.create(
            credential_hash="c" * 64,
            key=key,
            request_fingerprint="f" * 64,
            created_at=NOW - age,
        )

    record("old", timedelta(hours=25))
    record("older", timedelta(days=3))
    fresh = record("fresh", timedelta(hours=23))

    summary = prune_idempotency_records(NOW)

    assert summary == "removed 2 expired idempotency records"
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_parse_at_reads_iso_moments() -> None:
    assert parse_at("2026-03-02T09:00:00+00:00") == NOW
    assert parse_at("2026-03-02T10:00:00+01:00") == NOW
    assert parse_at("2026-03-02T09:00") == NOW  # no offset: TIME_ZONE, UTC in the tests
    with pytest.raises(ValueError, match="not an ISO 8601 date-time"):
        parse_at("next tuesday")


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_in_one_transaction_unless_it_commits_in_steps_itself(
    register_job: RegisterJob,
) -> None:
    seen: dict[str, bool] = {}

    def record(name: str) -> JobFunction:
        def job(now: datetime) -> str:
            seen[name] = transaction.get_connection().in_atomic_block
            return "ok"

        return job

    register_job("tests.atomic", record("atomic"))
    registry.register("tests.in_steps", every=timedelta(hours=1), atomic=False)(record("steps"))
    run_due(NOW)

    assert seen == {"atomic": True, "steps": False}
