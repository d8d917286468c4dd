from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "fakturo.jobs"
    label = "jobs"

    def ready(self) -> None:
        from fakturo.jobs import builtin  # noqa: F401  (registers the housekeeping jobs)
