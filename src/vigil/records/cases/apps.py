from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "vigil.records.cases"
    label = "cases"
    verbose_name = "Cases and evidence items"
