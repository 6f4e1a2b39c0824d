"""Every mail the site sends, kept until it is delivered (and for a while after, as a record)."""

from django.core.mail import EmailMultiAlternatives
from django.db import models


class OutgoingMail(models.Model):
    """One mail to one recipient, queued by `outbox.services.queue_mail` and sent by the task queue's worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=60, help_text='What the mail is, e.g. "raffle confirmation".')
    recipient = models.EmailField(max_length=254)
    from_email = models.CharField(max_length=300, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # [{"filename": ..., "content": text, "mimetype": ...}]: the site attaches text files only (calendars).
    attachments = models.JSONField(default=list, blank=True)
    # A mail that must go out once only (an announcement to one member) has a key: queued again, it is not added.
    once_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # The mails of one mailing to the list ("mailing-12") are sent by its own batches, at its rate.
    group = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outgoing mail"
        verbose_name_plural = "outgoing mail"
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
            # A mailing's batches ask for its queued copies among thousands of sent ones.
            models.Index(fields=["group", "status"], name="outbox_group_status"),
        ]
        permissions = [("send_again", "Can queue a failed or stuck mail again")]

    def __str__(self):
        return f"{self.kind} to {self.recipient}"

    def as_message(self, connection=None):
        """The mail as Django's email API sends it."""
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body,
            from_email=self.from_email or None,
            to=[self.recipient],
            reply_to=self.reply_to or None,
            headers=self.headers or None,
            connection=connection,
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        for attachment in self.attachments:
            message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
        return message
