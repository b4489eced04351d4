from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vigil.records.audit"
    label = "audit"
    verbose_name = "Audit log"
