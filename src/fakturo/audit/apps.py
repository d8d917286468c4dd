from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fakturo.audit"
    label = "audit"
