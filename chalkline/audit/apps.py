from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "chalkline.audit"
    label = "audit"
    verbose_name = "Audit log"
