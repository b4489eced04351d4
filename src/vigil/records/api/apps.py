from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "vigil.records.api"
    label = "api"
    verbose_name = "REST API"
