from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "fakturo.documents"
    label = "documents"
    verbose_name = "Document rendering"

    def ready(self) -> None:
        from fakturo.documents import jobs, receivers  # noqa: F401  (the job and the receiver)
