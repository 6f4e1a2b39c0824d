"""One row per sensitive action, never changed and never deleted, but by the retention purge."""

from django.conf import settings
from django.db import models


class AuditEntryQuerySet(models.QuerySet):
    def older_than_retention(self, now):
        return self.filter(at__lt=now - settings.AUDIT_RETENTION)


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        DRAW = "draw", "raffle draw"
        REDRAW = "redraw", "raffle re-draw"
        ERASE = "erase", "erasure of a person"
        PURGE = "purge", "purge of old personal data"
        EXPORT = "export", "export of personal data"
        PUBLISH = "publish", "edition published"
        UNPUBLISH = "unpublish", "edition unpublished"
        MAILING_SENT = "mailing", "mailing sent to the members"
        ROLE_CHANGE = "role", "roles or staff status changed"
        SECOND_FACTOR = "2fa", "second factor changed"
        GUEST_LIST_LINK = "guest_link", "guest-list link created"
        GUEST_LIST_REVOKED = "guest_revoke", "guest-list link revoked"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The account, and its name at the time: the row keeps saying who when the account is gone.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_name = models.CharField(max_length=150, help_text='The user name, or "a command" / "the site".')
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    summary = models.CharField(max_length=500)
    # ["raffles.raffle:12 Raffle of #32", …]: what it was done to, readable after those rows are gone.
    objects_affected = models.JSONField(default=list, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The audit trail is append-only: an entry is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The audit trail is append-only: entries go only by the retention purge (purge_audit).")
