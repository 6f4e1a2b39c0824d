"""Editions (the numbered meetups, workshops and special events), their venues,
agendas and announcements, and the one-row site profile."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from vdlm.links import path_to
from vdlm.page_cache import content_version
from vdlm.uploads import RandomFileName, UploadImageField
from vdlm.validators import (
    validate_event_date,
    validate_image_upload,
    validate_pdf_upload,
    validate_single_line,
    validate_web_url,
)

from .querysets import EditionQuerySet


def ordinal(number):
    """32 -> '32nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class SiteProfile(models.Model):
    """The group itself: one row, edited in the admin."""

    group_name = models.CharField(
        max_length=120, default="Vienna Deep Learning Meetup", validators=[validate_single_line]
    )
    hashtag = models.CharField(
        max_length=40, blank=True, help_text="Shown on slides, e.g. #VDLM.", validators=[validate_single_line]
    )
    tagline = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    members_count = models.CharField(
        "members",
        max_length=20,
        blank=True,
        help_text='As the group says it, e.g. "1000+".',
        validators=[validate_single_line],
    )
    contact_email = models.EmailField(blank=True, validators=[validate_single_line])
    github_url = models.URLField("GitHub URL", blank=True, validators=[validate_web_url])
    youtube_url = models.URLField("YouTube URL", blank=True, validators=[validate_web_url])
    meetup_url = models.URLField("meetup.com URL", blank=True, validators=[validate_web_url])

    class Meta:
        verbose_name = "site profile"
        verbose_name_plural = "site profile"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="site_profile_single_row"),
        ]

    def __str__(self):
        return self.group_name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The profile row, created with defaults on first use."""
        profile, _ = cls.objects.get_or_create(pk=1)
        return profile

    @classmethod
    def cached(cls):
        """The profile, loaded again only when the site's content version has changed.

        Every page shows it (an edition's title names the group), so it costs no query.
        The content version (vdlm.page_cache) changes with every save of the profile,
        in whichever process: each worker sees the change on its next request, and a
        page can never be cached under a new version with an old profile.
        """
        version = content_version()
        latest = _latest_profile.get(cls)
        if latest is not None and latest[0] == version:
            return latest[1]
        profile = cls.load()
        _latest_profile[cls] = (version, profile)
        return profile

    @classmethod
    def forget_cached(cls):
        """Drop this process's copy (tests: a rolled-back test leaves the content version as it was)."""
        _latest_profile.pop(cls, None)


# {SiteProfile: (content version, profile)} of this process: see SiteProfile.cached().
_latest_profile = {}


class Venue(models.Model):
    name = models.CharField(max_length=200, validators=[validate_single_line])
    organisation = models.ForeignKey(
        "sponsors.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="venues",
        help_text="The company or institution the venue belongs to, if any.",
    )
    address = models.TextField(blank=True, help_text="Street, postcode and city, as on a letter.")
    map_url = models.URLField("map link", blank=True, validators=[validate_web_url])
    capacity = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(
        "notes for organizers",
        blank=True,
        help_text="Access, contact person, equipment. Never shown publicly.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="venue_name_unique_ci"),
        ]

    def __str__(self):
        return self.name


# Paths under /meetups/ that are not editions (meetups/urls.py lists them before meetups/<code>/).
RESERVED_CODES = {"feed"}


class Edition(models.Model):
    class Kind(models.TextChoices):
        MEETUP = "meetup", "Meetup"
        WORKSHOP = "workshop", "Workshop"
        SPECIAL = "special", "Special event"

    class Attendance(models.TextChoices):
        IN_PERSON = "offline", "In person"
        ONLINE = "online", "Online"
        HYBRID = "mixed", "Hybrid (in person and online)"

    code = models.CharField(
        max_length=20,
        help_text='Short and unique, used in URLs: "32", or "AI" for a special event. Letters, digits and dashes.',
        validators=[validate_single_line],
    )
    number = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text='For the ordinal title ("32nd Vienna Deep Learning Meetup"). Leave empty for special events.',
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MEETUP)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text='Leave empty for numbered meetups: "32nd Vienna Deep Learning Meetup" is used.',
        validators=[validate_single_line],
    )
    topic = models.CharField(
        max_length=300, blank=True, help_text="One line, as in the archive table.", validators=[validate_single_line]
    )
    start_date = models.DateField(validators=[validate_event_date])
    start_time = models.TimeField(null=True, blank=True, help_text="Doors or start, Vienna time.")
    end_date = models.DateField(
        null=True,
        blank=True,
        help_text="Only for events over several days (2018-12-04/05).",
        validators=[validate_event_date],
    )
    end_time = models.TimeField(null=True, blank=True)
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="editions")
    attendance = models.CharField(max_length=10, choices=Attendance.choices, default=Attendance.IN_PERSON)
    stream_url = models.URLField("stream URL", blank=True, validators=[validate_web_url])
    description = models.TextField(blank=True, help_text="Markdown. The invitation text.")
    meetup_url = models.URLField("meetup.com event", blank=True, validators=[validate_web_url])
    video_url = models.URLField("video or playlist", blank=True, validators=[validate_web_url])
    photos_url = models.URLField("photos", blank=True, validators=[validate_web_url])
    intro_slides = models.FileField(
        "intro slides (PDF)",
        upload_to=RandomFileName("slides/editions", "pdf"),
        blank=True,
        validators=[validate_pdf_upload],
    )
    intro_slides_url = models.URLField("intro slides link", blank=True, validators=[validate_web_url])
    organizers = models.ManyToManyField("talks.Person", blank=True, related_name="organized_editions")
    published = models.BooleanField(default=False, help_text="Drafts are invisible to the public.")
    cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        # Publishing puts an edition (and what hangs on it) in front of every visitor: a
        # permission of its own, not implied by being allowed to edit drafts (issue #17).
        permissions = [("publish_edition", "Can publish and unpublish editions")]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="edition_code_unique_ci"),
            models.UniqueConstraint(
                fields=["kind", "number"],
                condition=Q(number__isnull=False),
                name="edition_number_unique_per_kind",
                violation_error_message="Another edition of this kind already has this number.",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Za-z0-9-]+$"),
                name="edition_code_url_safe",
                violation_error_message="The code may contain only letters, digits and dashes.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="edition_end_date_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_date__isnull=False, end_date__gt=F("start_date"))
                | Q(end_time__gt=F("start_time")),
                name="edition_ends_after_it_starts",
                violation_error_message="The edition must end after it starts.",
            ),
        ]

    def __str__(self):
        label = f"#{self.code}" if self.code else "New edition"
        return f"{label} – {self.display_title} ({self.start_date:%d %b %Y})"

    def get_absolute_url(self):
        return path_to("meetups:edition_detail", code=self.code.lower())

    def clean(self):
        super().clean()
        if self.code:
            self.code = self.code.strip()
        if self.code.lower() in RESERVED_CODES:
            raise ValidationError(
                {"code": f"/meetups/{self.code.lower()}/ is taken by another page of the site; choose another code."}
            )
        if self.attendance != self.Attendance.IN_PERSON and not self.stream_url and self.published:
            raise ValidationError(
                {"stream_url": "An online or hybrid edition needs a stream URL before it is published."}
            )

    @property
    def display_title(self):
        if self.title:
            return self.title
        if self.number and self.kind == self.Kind.MEETUP:
            return f"{ordinal(self.number)} {SiteProfile.cached().group_name}"
        if self.number:
            return f"{ordinal(self.number)} {self.get_kind_display()}"
        return self.topic or self.get_kind_display()

    @property
    def ordinal(self):
        return ordinal(self.number) if self.number else ""

    @property
    def last_date(self):
        return self.end_date or self.start_date

    @property
    def is_multi_day(self):
        return bool(self.end_date and self.end_date != self.start_date)

    @property
    def starts_at(self):
        """Aware start datetime in the site's time zone, or None without a time."""
        if self.start_time is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(self.start_date, self.start_time))

    @property
    def ends_at(self):
        if self.end_time is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(self.last_date, self.end_time))

    @property
    def is_upcoming(self):
        return self.last_date >= timezone.localdate()

    @property
    def slides_link(self):
        if self.intro_slides:
            return self.intro_slides.url
        return self.intro_slides_url


class AgendaItem(models.Model):
    """One line of "Topics for Today"."""

    class Kind(models.TextChoices):
        WELCOME = "welcome", "Welcome & introduction"
        TALK = "talk", "Talk"
        ANNOUNCEMENTS = "announcements", "Announcements"
        BREAK = "break", "Break"
        CONFERENCE_REPORT = "conference_report", "Conference report"
        HOT_TOPICS = "hot_topics", "Hot topics & latest news"
        HOST_PRESENTATION = "host", "Host presentation"
        NETWORKING = "networking", "Networking"
        OTHER = "other", "Other"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(
        help_text="Order on the agenda; lower comes first. Steps of 10 leave room to insert."
    )
    start_time = models.TimeField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text="A slot that presents a talk shows the talk's title (kept up to date) unless it has its own.",
    )
    talk = models.ForeignKey(
        "talks.Talk",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        help_text="The talk presented in this slot, if any (a talk of the same edition).",
    )
    own_title = models.BooleanField(
        "own title",
        default=False,
        help_text="Keep the title typed here instead of the linked talk's.",
    )

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = "agenda item"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "position"],
                name="agenda_position_unique_per_edition",
                violation_error_message="Two agenda items of one edition cannot share a position.",
            ),
            models.CheckConstraint(
                condition=~Q(title="") | Q(talk__isnull=False),
                name="agenda_item_has_a_title",
                violation_error_message="Give the item a title, or link the talk presented in it.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A slot that presents a talk follows its title (Talk.save() keeps it so), unless it has its own.
        if self.talk_id and not (self.own_title and self.title.strip()):
            self.title = self.talk.title
            self.own_title = False
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.talk_id and self.edition_id and self.talk.edition_id != self.edition_id:
            raise ValidationError({"talk": "This talk belongs to another edition."})
        if not self.talk_id and not self.title.strip():
            raise ValidationError({"title": "Give the item a title, or link the talk presented in it."})

    @property
    def follows_talk(self):
        """Whether the title shown is the linked talk's (not one of the slot's own)."""
        return bool(self.talk_id) and not self.own_title


class Announcement(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="announcements")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, validators=[validate_single_line])
    body = models.TextField(blank=True, help_text="Markdown.")
    link = models.URLField(blank=True, validators=[validate_web_url])
    image = UploadImageField(upload_to="announcements/", blank=True, validators=[validate_image_upload])

    class Meta:
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "position"],
                name="announcement_position_unique_per_edition",
                violation_error_message="Two announcements of one edition cannot share a position.",
            ),
        ]

    def __str__(self):
        return self.title


class ArchiveImportRecord(models.Model):
    """What the GitHub archive import last wrote into one row (issue 6).

    The next import compares each field with this record: a field that still holds
    the imported value may follow the archive; a field that differs from it was
    edited by an organizer, so the import reports the conflict and keeps the edit.
    """

    model_label = models.CharField(
        max_length=100, help_text='The row\'s model, e.g. "talks.talk".', validators=[validate_single_line]
    )
    object_id = models.PositiveBigIntegerField()
    values = models.JSONField(default=dict, help_text="Field values as the last import wrote them.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["model_label", "object_id"]
        verbose_name = "archive import record"
        constraints = [
            models.UniqueConstraint(fields=["model_label", "object_id"], name="archive_import_record_once"),
        ]

    def __str__(self):
        return f"{self.model_label} #{self.object_id}"
