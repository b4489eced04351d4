from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "vigil.records.hub"
    label = "hub"
    verbose_name = "Hub catalogue"
