from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail: who did which sensitive thing, when, to what, from where (append-only)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Audit trail"
