from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "vigil.web.analysis"
    label = "analysis"
    verbose_name = "Analyzer runs, AI suggestions and human decisions"
