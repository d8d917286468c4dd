from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fakturo.accounts"
    label = "accounts"
    verbose_name = "Organizations and people"
