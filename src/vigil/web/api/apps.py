from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "vigil.web.api"
    label = "api"
    verbose_name = "REST API"
