from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "fakturo.crm"
    label = "crm"
    verbose_name = "Clients"
