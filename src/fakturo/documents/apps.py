from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "fakturo.documents"
    label = "documents"
    verbose_name = "Document rendering"
