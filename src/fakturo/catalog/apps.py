from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "fakturo.catalog"
    label = "catalog"
    verbose_name = "Products and taxes"
