from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fakturo.celery import app


class Command(BaseCommand):
    help = "Run a Celery worker with the beat scheduler (needs FAKTURO_BROKER_URL)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.FAKTURO_BROKER_URL:
            raise CommandError(
                "FAKTURO_BROKER_URL is not set: without a broker `fakturo serve` runs the jobs."
            )
        schedule_file = settings.DATA_DIR / "celerybeat-schedule"
        app.worker_main(["worker", "--beat", "--loglevel=info", f"--schedule={schedule_file}"])
