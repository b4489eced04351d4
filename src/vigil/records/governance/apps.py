from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "vigil.records.governance"
    label = "governance"
    verbose_name = "Tool risk assessments and approvals"
