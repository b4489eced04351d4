from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "vigil.records.community"
    label = "community"
    verbose_name = "Hub community"
