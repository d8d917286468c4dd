import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from fakturo.jobs.models import JobState, SchedulerLease
from fakturo.jobs.scheduler import LEASE_NAME, SchedulerThread, lease_acquire, lease_release

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TTL = timedelta(minutes=3)
RegisterJob = Callable[..., object]


def lease() -> SchedulerLease:
    return SchedulerLease.objects.get(name=LEASE_NAME)


def test_of_two_holders_only_the_first_acquires_and_it_can_renew(db: None) -> None:
    assert lease_acquire(holder="server-a", now=NOW, ttl=TTL) is True
    assert lease_acquire(holder="server-b", now=NOW + timedelta(seconds=1), ttl=TTL) is False
    assert lease_acquire(holder="server-a", now=NOW + timedelta(minutes=1), ttl=TTL) is True
    assert (lease().holder, lease().expires_at) == ("server-a", NOW + timedelta(minutes=1) + TTL)


def test_after_the_lease_expires_the_other_holder_takes_over(db: None) -> None:
    lease_acquire(holder="server-a", now=NOW, ttl=TTL)

    before_expiry = lease_acquire(
        holder="server-b", now=NOW + TTL - timedelta(microseconds=1), ttl=TTL
    )
    at_expiry = lease_acquire(holder="server-b", now=NOW + TTL, ttl=TTL)
    old_holder_back = lease_acquire(
        holder="server-a", now=NOW + TTL + timedelta(seconds=1), ttl=TTL
    )

    assert (before_expiry, at_expiry, old_holder_back) == (False, True, False)
    assert lease().holder == "server-b"


@time_machine.travel(NOW, tick=False)
def test_release_lets_another_holder_acquire_at_once(db: None) -> None:
    lease_acquire(holder="server-a", now=NOW, ttl=TTL)

    lease_release(holder="server-b")  # not the holder: changes nothing
    assert lease().holder == "server-a"
    lease_release(holder="server-a")

    assert lease().holder == ""
    assert lease_acquire(holder="server-b", now=NOW, ttl=TTL) is True


def test_the_thread_runs_due_jobs_while_it_holds_the_lease_and_releases_it_on_stop(
    transactional_db: None, register_job: RegisterJob
) -> None:
    ran = threading.Event()
    register_job("tests.probe", lambda now: ran.set() or "probed")
    scheduler = SchedulerThread(interval=0.05, holder="server-a")

    scheduler.start()
    try:
        assert ran.wait(timeout=10)
        assert lease().holder == "server-a"
    finally:
        scheduler.stop()

    assert not scheduler.is_alive()
    assert lease().holder == ""
    state = JobState.objects.get(name="tests.probe")
    assert (state.last_result, state.run_count) == ("probed", 1)  # hourly: later rounds skip it


def test_the_thread_runs_nothing_while_another_server_holds_the_lease(
    transactional_db: None, register_job: RegisterJob
) -> None:
    register_job("tests.probe", lambda now: "probed")
    lease_acquire(holder="server-a", now=timezone.now(), ttl=TTL)

    outcomes = SchedulerThread(interval=60, holder="server-b").run_round()

    assert outcomes is None
    assert not JobState.objects.exists()
    assert lease().holder == "server-a"


def test_a_fork_waits_for_the_running_round_to_end(
    transactional_db: None, register_job: RegisterJob
) -> None:
    in_round, finish_round, forked = threading.Event(), threading.Event(), threading.Event()

    def slow(now: datetime) -> str:
        in_round.set()
        finish_round.wait(timeout=10)
        return "done"

    def fork() -> None:
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        forked.set()

    register_job("tests.slow", slow)
    scheduler = SchedulerThread(interval=60, holder="server-a")
    scheduler.start()
    try:
        assert in_round.wait(timeout=10)
        threading.Thread(target=fork).start()
        assert not forked.wait(timeout=0.5)
        finish_round.set()
        assert forked.wait(timeout=10)
    finally:
        finish_round.set()
        scheduler.stop()


@pytest.mark.postgres
def test_servers_racing_for_the_lease_on_postgresql_never_both_win(
    transactional_db: None,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    contenders = 8

    def contend(holder: str, start: threading.Barrier, results: dict[str, bool]) -> None:
        try:
            start.wait(timeout=10)
            results[holder] = lease_acquire(holder=holder, now=timezone.now(), ttl=TTL)
        finally:
            connection.close()

    for race in range(5):
        if race:  # the first race creates the row; later ones take over an expired lease
            SchedulerLease.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        start = threading.Barrier(contenders)
        results: dict[str, bool] = {}
        threads = [
            threading.Thread(target=contend, args=(f"race-{race}-server-{number}", start, results))
            for number in range(contenders)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        winners = [holder for holder, won in results.items() if won]
        assert len(results) == contenders
        assert len(winners) == 1
        assert lease().holder == winners[0]
