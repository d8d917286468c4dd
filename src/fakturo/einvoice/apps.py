from django.apps import AppConfig


class EinvoiceConfig(AppConfig):
    name = "fakturo.einvoice"
    label = "einvoice"
    verbose_name = "E-invoices"
