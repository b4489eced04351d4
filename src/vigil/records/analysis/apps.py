from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "vigil.records.analysis"
    label = "analysis"
    verbose_name = "Analyzer runs, AI suggestions and human decisions"
