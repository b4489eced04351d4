from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vigil.web.audit"
    label = "audit"
    verbose_name = "Audit log"
