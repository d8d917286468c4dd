from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fakturo.core"
    label = "core"
