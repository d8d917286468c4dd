from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

import fakturo.celery
from fakturo.jobs.models import JobState

REDIS_URL = "redis://127.0.0.1:6379/15"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RegisterJob = Callable[..., object]


@pytest.fixture
def celery_on_redis() -> Iterator[Celery]:
    """The project's Celery app, configured for Redis and with an empty queue."""
    app = fakturo.celery.create_app()
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    app.control.purge()
    yield app
    app.close()
    # start_worker made the test app the current one; give the place back.
    fakturo.celery.app.set_current()
    fakturo.celery.app.set_default()


def test_beat_sends_run_due_every_minute() -> None:
    entry = fakturo.celery.app.conf.beat_schedule["run-due-jobs"]
    assert (entry["task"], entry["schedule"]) == ("fakturo.jobs.run_due", 60.0)
    assert {"fakturo.jobs.run_due", "fakturo.jobs.run_job"} <= set(fakturo.celery.app.tasks)


@pytest.mark.redis
def test_a_job_runs_through_a_celery_worker_on_redis(
    transactional_db: None, register_job: RegisterJob, celery_on_redis: Celery
) -> None:
    register_job("tests.celery_probe", lambda now: f"probed as of {now.isoformat()}")

    with start_worker(celery_on_redis, perform_ping_check=False, pool="solo"):
        one = celery_on_redis.tasks["fakturo.jobs.run_job"].delay(
            "tests.celery_probe", NOW.isoformat()
        )
        one_outcome = one.get(timeout=20)
        due = celery_on_redis.tasks["fakturo.jobs.run_due"].delay(NOW.isoformat())
        due_outcomes = due.get(timeout=20)

    assert one_outcome == {
        "name": "tests.celery_probe",
        "ran": True,
        "summary": "probed as of 2026-03-02T09:00:00+00:00",
        "error": "",
    }
    assert due_outcomes == [
        {"name": "tests.celery_probe", "ran": False, "summary": "not due", "error": ""}
    ]
    state = JobState.objects.get(name="tests.celery_probe")
    assert (state.last_run_at, state.run_count) == (NOW, 1)
