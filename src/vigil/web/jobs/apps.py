from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "vigil.web.jobs"
    label = "jobs"
    verbose_name = "Background jobs (triage, matching, analysis)"
