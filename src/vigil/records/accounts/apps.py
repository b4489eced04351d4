from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vigil.records.accounts"
    label = "accounts"
    verbose_name = "Agencies, members and roles"
