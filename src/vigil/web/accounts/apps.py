from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vigil.web.accounts"
    label = "accounts"
    verbose_name = "Agencies, members and roles"
