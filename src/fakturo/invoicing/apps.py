from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "fakturo.invoicing"
    label = "invoicing"
    verbose_name = "Quotes, invoices and credit notes"

    def ready(self) -> None:
        from fakturo.accounts.provisioning import register_provisioner
        from fakturo.invoicing.setup import number_series_install_defaults

        register_provisioner(number_series_install_defaults)
