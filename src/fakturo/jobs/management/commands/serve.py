from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from fakturo.core.env import ConfigurationError, env_int, env_str
from fakturo.jobs.scheduler import SchedulerThread

THREADS_PER_WORKER = 4


class WsgiServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn serving fakturo.wsgi, with the job scheduler in the master process.

    The scheduler starts in the master (`when_ready`), so N workers don't mean N schedulers.
    """

    def __init__(self, options: dict[str, Any], scheduler: SchedulerThread | None) -> None:
        self.options = options
        self.scheduler = scheduler
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("when_ready", self.start_scheduler)
        self.cfg.set("on_exit", self.stop_scheduler)

    def load(self) -> Any:
        # Imported in each worker, after collectstatic, so whitenoise indexes the collected files.
        from fakturo.wsgi import application

        return application

    def start_scheduler(self, arbiter: Arbiter) -> None:
        if self.scheduler is not None and not self.scheduler.is_alive():
            self.scheduler.start()

    def stop_scheduler(self, arbiter: Arbiter) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()


class Command(BaseCommand):
    help = "Run the web server and the job scheduler."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", help="Address to listen on (default: $HOST or 127.0.0.1).")
        parser.add_argument("--port", type=int, help="Port to listen on (default: $PORT or 8000).")
        parser.add_argument("--workers", type=int, default=2, help="Worker processes (default: 2).")

    def handle(
        self, *args: Any, host: str | None, port: int | None, workers: int, **options: Any
    ) -> None:
        try:
            host = host or env_str("HOST", "127.0.0.1")
            port = port or env_int("PORT", 8000)
        except ConfigurationError as error:
            raise CommandError(str(error)) from None
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        self.require_migrated_database()
        call_command("collectstatic", interactive=False, verbosity=0)
        # With a broker, Celery beat schedules the jobs instead.
        scheduler = (
            None
            if settings.FAKTURO_BROKER_URL
            else SchedulerThread(interval=settings.FAKTURO_SCHEDULER_INTERVAL_SECONDS)
        )
        bind_host = f"[{host}]" if ":" in host else host
        options = {
            "bind": f"{bind_host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": THREADS_PER_WORKER,
            "accesslog": None,  # the app logs each request itself, as JSON
            "control_socket_disable": True,  # one fixed socket path per user would clash
        }
        self.stdout.write(
            f"Fakturo on http://{bind_host}:{port} ({workers} worker{'s' if workers > 1 else ''}, "
            f"scheduler: {'celery' if scheduler is None else 'thread'})"
        )
        self.stdout.flush()
        WsgiServer(options, scheduler).run()

    def require_migrated_database(self) -> None:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        connection.close()  # the workers fork from this process; they open their own
        if pending:
            raise CommandError(
                f"{len(pending)} database migrations are not applied: run `fakturo migrate` first."
            )
