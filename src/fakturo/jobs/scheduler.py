"""The scheduler thread of `fakturo serve`: runs due jobs while it holds the database lease.

The lease makes "only one scheduler at a time" hold across processes and machines: a server
runs jobs only while its row in SchedulerLease names it and hasn't expired. A crashed holder
stops renewing, and after `ttl` another server takes over. Clocks are assumed to agree (NTP);
a skew shortens or lengthens the takeover delay, and a double run is harmless because jobs
are idempotent.
"""

import logging
import os
import secrets
import socket
import threading
from contextlib import suppress
from datetime import datetime, timedelta

from django.db import IntegrityError, connection
from django.db.models import Q
from django.utils import timezone

from fakturo.jobs.models import SchedulerLease
from fakturo.jobs.registry import JobOutcome, run_due

logger = logging.getLogger("fakturo.jobs")

LEASE_NAME = "scheduler"


def lease_holder_id() -> str:
    """Unique per process and start, so a restarted server is a new holder."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def lease_acquire(*, holder: str, now: datetime, ttl: timedelta, name: str = LEASE_NAME) -> bool:
    """Take or renew the lease until `now + ttl`; False while someone else holds it.

    A lease holds until just before `expires_at`: from then on anyone may take it.

    One conditional UPDATE decides, so two servers racing can't both win: the database
    serializes writes to the row and re-checks the condition for the second one.
    """
    # A racing server may create the row between our get and create.
    with suppress(IntegrityError):
        SchedulerLease.objects.get_or_create(name=name, defaults={"expires_at": now})
    taken = SchedulerLease.objects.filter(
        Q(expires_at__lte=now) | Q(holder=holder), name=name
    ).update(holder=holder, expires_at=now + ttl)
    return taken == 1


def lease_release(*, holder: str, name: str = LEASE_NAME) -> None:
    SchedulerLease.objects.filter(name=name, holder=holder).update(
        holder="", expires_at=timezone.now()
    )


class SchedulerThread(threading.Thread):
    """Every `interval` seconds: renew the lease, and if held, run_due(now)."""

    def __init__(self, *, interval: float, holder: str | None = None) -> None:
        super().__init__(name="fakturo-scheduler", daemon=True)
        self.interval = interval
        self.holder = holder or lease_holder_id()
        # Long enough to survive a slow round, short enough for a quick takeover.
        self.ttl = timedelta(seconds=max(interval * 3, 30))
        self._stopping = threading.Event()
        self._round = threading.Lock()

    def start(self) -> None:
        # In `fakturo serve` the thread lives in gunicorn's master, which forks workers. A fork
        # in the middle of a round would copy the locks the round holds (module imports,
        # SQLite's mutexes) into the worker, held forever, and the worker would hang: so a fork
        # waits for the round to end, and no round starts while the process forks.
        os.register_at_fork(
            before=self._round.acquire,
            after_in_parent=self._round.release,
            after_in_child=self._round.release,
        )
        super().start()

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                self.run_round()
                self._stopping.wait(self.interval)
        finally:
            self._release()

    def run_round(self) -> list[JobOutcome] | None:
        """One round; None when another server holds the lease or the round failed."""
        with self._round:
            try:
                now = timezone.now()
                if not lease_acquire(holder=self.holder, now=now, ttl=self.ttl):
                    return None
                return run_due(now)
            except Exception:  # e.g. the database is briefly down: try again next round
                logger.exception("scheduler round failed")
                return None
            finally:
                # Between rounds the thread holds no connection (it sleeps most of the time).
                connection.close()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)

    def _release(self) -> None:
        with self._round:
            try:
                lease_release(holder=self.holder)
            except Exception:  # the lease then simply expires
                logger.exception("scheduler lease release failed")
            finally:
                connection.close()
