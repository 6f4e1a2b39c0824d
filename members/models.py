"""The members who get the invitations: a list with double opt-in, and the addresses that left it."""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from vdlm.validators import validate_single_line


def address_hash(email):
    """A keyed hash of an address: what the site keeps of someone who unsubscribed."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"vdlm.members.suppression:" + email.strip().lower().encode(), hashlib.sha256).hexdigest()


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending (not confirmed yet)"
        SUBSCRIBED = "subscribed", "Subscribed"
        BOUNCED = "bounced", "Bounced"

    class Source(models.TextChoices):
        WEB = "web", "Web form"
        RAFFLE = "raffle", "Raffle opt-in"
        CONTRIBUTION = "contribution", "Contribution form"
        IMPORT = "import", "Admin import"

    email = models.EmailField(validators=[validate_single_line])
    name = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.WEB)
    consent_text = models.TextField(help_text="The words the person agreed to, as the form showed them.")
    consented_at = models.DateTimeField(help_text="When they asked for the invitations.")
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="When they clicked the confirmation link.")
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("import_subscribers", "Can import a list of addresses (each must confirm)")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="subscriber_email_unique_ci",
                violation_error_message="This address is on the list already.",
            ),
        ]

    def __str__(self):
        return self.email


class Suppression(models.Model):
    """An address that unsubscribed, kept only as a keyed hash: an import cannot add it back silently."""

    email_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"suppressed address {self.email_hash[:12]}…"
