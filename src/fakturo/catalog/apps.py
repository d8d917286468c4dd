from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "fakturo.catalog"
    label = "catalog"
    verbose_name = "Products and taxes"

    def ready(self) -> None:
        from fakturo.accounts.provisioning import register_provisioner
        from fakturo.catalog.services import tax_rates_install_defaults

        register_provisioner(tax_rates_install_defaults)
