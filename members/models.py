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


class Mailing(models.Model):
    """One mail to everyone on the list: an edition's announcement or a message, with its record.

    The organizer writes a draft; the site composes subject, text, HTML and calendar file from
    it (members.mailings.compose) and keeps them here, so what the preview and the test send
    show is exactly what the members get. Each member's copy is an outbox.OutgoingMail of the
    mailing's group, which says whether it went out.
    """

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", "Announcement of an edition"
        MESSAGE = "message", "Message"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MESSAGE)
    edition = models.ForeignKey(
        "meetups.Edition", on_delete=models.PROTECT, null=True, blank=True, related_name="mailings"
    )
    subject = models.CharField(max_length=200, validators=[validate_single_line])
    text = models.TextField(
        blank=True,
        help_text="Markdown. For an announcement, a few words before the edition's details (optional); "
        "for a message, the message.",
    )
    # What compose() made of the draft: a member's copy replaces UNSUBSCRIBE_MARK with their own link.
    body_text = models.TextField(blank=True, editable=False)
    body_html = models.TextField(blank=True, editable=False)
    calendar = models.TextField(blank=True, editable=False, help_text="The .ics file of an announcement.")
    site_url = models.URLField(blank=True, editable=False, help_text="The site's address in the members' links.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="When the last member's copy was queued.")
    recipient_count = models.PositiveIntegerField(null=True, blank=True, help_text="Subscribed when sending began.")
    # The batches go through the list by primary key; this is the last member whose copy is queued.
    last_subscriber_id = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("send_mailing", "Can send a mailing to everyone on the list")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="message", edition__isnull=True)
                | models.Q(kind="announcement", edition__isnull=False),
                name="mailing_announcement_has_edition",
                violation_error_message="An announcement is of one edition; a message of none.",
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def group(self):
        """The outbox group of the members' copies."""
        return f"mailing-{self.pk}"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT
