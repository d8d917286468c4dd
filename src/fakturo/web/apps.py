from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fakturo.web"
    label = "web"
