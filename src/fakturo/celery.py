"""The Celery app, used when FAKTURO_BROKER_URL is set: `fakturo worker` runs it with beat.

Configuration comes from Django settings (the CELERY_* names).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fakturo.settings")

RUN_DUE_EVERY_SECONDS = 60.0


def create_app() -> Celery:
    celery_app = Celery("fakturo")
    celery_app.config_from_object("django.conf:settings", namespace="CELERY")
    celery_app.conf.beat_schedule = {
        "run-due-jobs": {"task": "fakturo.jobs.run_due", "schedule": RUN_DUE_EVERY_SECONDS},
    }
    celery_app.autodiscover_tasks()
    return celery_app


app = create_app()
