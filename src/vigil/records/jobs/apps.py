from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "vigil.records.jobs"
    label = "jobs"
    verbose_name = "Background jobs (triage, matching, analysis)"
