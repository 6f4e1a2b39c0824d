"""Who is coming to an edition: its RSVP settings (capacity, waiting list) and each person's RSVP.

The invariant the services keep (rsvps/services.py): the seats of everyone going and of
every open offer, guests included, never exceed the capacity. Organizers' additions outside
the capacity (speakers, host staff) do not count against it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from vdlm.validators import validate_single_line


class RsvpSettings(models.Model):
    """An edition's RSVP: on or off, when, how many seats, what is asked. Its row is the lock of the seats."""

    edition = models.OneToOneField("meetups.Edition", on_delete=models.CASCADE, related_name="rsvp_settings")
    enabled = models.BooleanField("RSVPs on", default=False)
    opens_at = models.DateTimeField(null=True, blank=True, help_text="Vienna time. Empty: as soon as it is on.")
    closes_at = models.DateTimeField(null=True, blank=True, help_text="Vienna time. Empty: when the edition starts.")
    capacity = models.PositiveIntegerField(help_text="Seats, guests included.")
    guests_allowed = models.BooleanField("a guest (+1) allowed", default=False)
    id_name_required = models.BooleanField(
        "name as on an ID",
        default=False,
        help_text="The host's front desk checks IDs: ask for it, show it on the list.",
    )
    question_1 = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    question_2 = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    question_3 = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    waiting_list = models.BooleanField("waiting list on", default=True)
    offer_hold_hours = models.PositiveSmallIntegerField(
        default=24,
        help_text="How long a freed seat is held for the next person on the waiting list; shorter as the "
        "evening approaches, so that an offer never outlives the event.",
    )
    # The host's guest list link carries this key: a new key (or none) makes every earlier link stop working.
    guest_list_key = models.CharField(max_length=32, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # What is left once the people's data is deleted (services.purge_past): the numbers only.
    final_counts = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = "RSVP settings"
        verbose_name_plural = "RSVP settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="rsvp_capacity_positive"),
            models.CheckConstraint(condition=models.Q(offer_hold_hours__gte=1), name="rsvp_offer_hold_positive"),
        ]

    def __str__(self):
        return f"RSVPs of {self.edition}"

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "RSVPs must close after they open."})

    @property
    def questions(self):
        return [question for question in (self.question_1, self.question_2, self.question_3) if question]


class RsvpQuerySet(models.QuerySet):
    def holding_seats(self):
        """Going or offered a seat, within the capacity: what the capacity is checked against."""
        return self.filter(status__in=[Rsvp.Status.GOING, Rsvp.Status.OFFERED], outside_capacity=False)

    def waiting_in_order(self):
        """The waiting list, next first: priority (those who came before ahead), then time of RSVP."""
        return self.filter(status=Rsvp.Status.WAITING).order_by("priority", "created_at", "pk")

    def seats(self):
        """Seats these RSVPs take: one each, two with a guest."""
        return self.aggregate(seats=models.Count("pk") + models.Count("pk", filter=models.Q(guest=True)))["seats"]


class Rsvp(models.Model):
    class Status(models.TextChoices):
        GOING = "going", "Going"
        WAITING = "waiting", "On the waiting list"
        OFFERED = "offered", "Offered a seat"
        CANCELLED = "cancelled", "Cancelled"

    class Priority(models.IntegerChoices):
        NORMAL = 0, "Normal"
        NO_SHOW = 1, "After a recent no-show"

    edition = models.ForeignKey("meetups.Edition", on_delete=models.CASCADE, related_name="rsvps")
    name = models.CharField(max_length=200, validators=[validate_single_line])
    email = models.EmailField(validators=[validate_single_line])
    id_name = models.CharField("name as on an ID", max_length=200, blank=True, validators=[validate_single_line])
    guest = models.BooleanField("brings a guest", default=False)
    guest_name = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    answers = models.JSONField(default=list, blank=True, help_text="The answers to the edition's questions, in order.")
    status = models.CharField(max_length=10, choices=Status.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    outside_capacity = models.BooleanField(
        default=False, help_text="Added by an organizer (a speaker, the host's staff): takes no seat of the capacity."
    )
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    consent_text = models.TextField(blank=True)
    site_url = models.URLField(blank=True, help_text="The site's address this person used: their mails link there.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    guest_checked_in_at = models.DateTimeField(null=True, blank=True)

    objects = RsvpQuerySet.as_manager()

    class Meta:
        verbose_name = "RSVP"
        ordering = ["edition", "created_at", "pk"]
        permissions = [
            ("manage_rsvps", "Can add, move and cancel people's RSVPs"),
            ("check_in", "Can check people in at the door"),
            ("share_guest_list", "Can create and revoke the host's guest list link"),
            ("export_rsvps", "Can export attendees (addresses, answers) as CSV"),
        ]
        constraints = [
            models.UniqueConstraint(
                "edition",
                Lower("email"),
                name="rsvp_one_per_email_per_edition",
                violation_error_message="This address has an RSVP for this edition already.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="offered") | models.Q(offer_expires_at__isnull=False),
                name="rsvp_offer_has_expiry",
            ),
        ]
        indexes = [models.Index(fields=["edition", "status", "priority", "created_at"], name="rsvp_queue")]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"

    def get_absolute_url(self):
        from .tokens import rsvp_token

        return reverse("rsvps:rsvp", args=[rsvp_token(self)])

    @property
    def seats(self):
        return 2 if self.guest else 1

    def offer_is_open(self, now):
        return self.status == self.Status.OFFERED and self.offer_expires_at > now


class RsvpChange(models.Model):
    """What happened to an edition's RSVPs, and who did it: the organizers' log of seats."""

    edition = models.ForeignKey("meetups.Edition", on_delete=models.CASCADE, related_name="rsvp_changes")
    rsvp = models.ForeignKey(Rsvp, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    what = models.CharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "RSVP change"

    def __str__(self):
        return self.what


class CheckIn(models.Model):
    """One scan or tap at the door, whatever came of it: the door's record (never edited)."""

    class Method(models.TextChoices):
        DESK = "desk", "By name at the door"
        CODE = "code", "QR code scanned at the door"
        SELF = "self", "Self check-in from the slide"

    class Result(models.TextChoices):
        CHECKED_IN = "checked_in", "Checked in"
        ALREADY = "already", "Already checked in"
        UNDONE = "undone", "Check-in undone"
        NOT_ON_LIST = "not_on_list", "Not on the list"
        CANCELLED = "cancelled", "Cancelled"
        WAITING = "waiting", "On the waiting list"

    edition = models.ForeignKey("meetups.Edition", on_delete=models.CASCADE, related_name="check_ins")
    rsvp = models.ForeignKey(Rsvp, on_delete=models.SET_NULL, null=True, blank=True, related_name="check_ins")
    guest = models.BooleanField(default=False, help_text="The person's guest, not the person.")
    method = models.CharField(max_length=8, choices=Method.choices)
    result = models.CharField(max_length=12, choices=Result.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "check-in"

    def __str__(self):
        return f"{self.get_result_display()} ({self.get_method_display().lower()})"


class AttendanceRecord(models.Model):
    """Whether someone came to an edition, kept as a keyed hash of their address: what decides waiting-list priority.

    Kept RSVP_HISTORY_DAYS (a year); nothing else of the person is kept after the RSVPs are deleted.
    """

    class Outcome(models.TextChoices):
        CAME = "came", "Came"
        CANCELLED = "cancelled", "Cancelled before the start"
        NO_SHOW = "no_show", "Was going, neither came nor cancelled"

    edition = models.ForeignKey("meetups.Edition", on_delete=models.CASCADE, related_name="attendance_records")
    email_hash = models.CharField(max_length=64)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [models.UniqueConstraint("edition", "email_hash", name="attendance_once_per_edition")]
        indexes = [models.Index(fields=["email_hash", "outcome"], name="attendance_by_person")]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.email_hash[:12]}…)"
