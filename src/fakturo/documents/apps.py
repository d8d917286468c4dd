from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "fakturo.documents"
    label = "documents"
    verbose_name = "Document rendering"

    def ready(self) -> None:
        from fakturo.crm.document_templates import register_template_lister
        from fakturo.documents import jobs, receivers  # noqa: F401  (the job and the receiver)
        from fakturo.documents.selectors import template_choices

        register_template_lister(template_choices)
