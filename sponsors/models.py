"""Organisations (hosts, sponsors, affiliations), their role at each edition,
and the job ads they announce at meetups."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from vdlm.links import path_to
from vdlm.uploads import UploadImageField
from vdlm.validators import validate_image_upload, validate_single_line, validate_web_url


class Organisation(models.Model):
    name = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=200, unique=True)
    logo = UploadImageField(upload_to="logos/", blank=True, validators=[validate_image_upload])
    website = models.URLField(blank=True, validators=[validate_web_url])
    description = models.TextField(blank=True, help_text="Markdown.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organisation_name_unique_ci",
                violation_error_message="An organisation with this name already exists.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sponsors:sponsor_list") + f"#{self.slug}"


class Sponsorship(models.Model):
    """What an organisation did for one edition: host it, cater, donate a prize..."""

    class Role(models.TextChoices):
        HOST = "host", "Venue host"
        CATERING = "catering", "Catering"
        PRIZE_DONOR = "prize_donor", "Prize donor"
        PARTNER = "partner", "Partner"

    edition = models.ForeignKey(
        "meetups.Edition", on_delete=models.CASCADE, related_name="sponsorships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sponsorships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.HOST)
    position = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text='Shown with the logo, e.g. "Drinks and pizza".',
        validators=[validate_single_line],
    )

    class Meta:
        ordering = ["edition", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "organisation", "role"],
                name="sponsorship_once_per_role",
                violation_error_message="This organisation already has this role at this edition.",
            ),
            models.UniqueConstraint(
                fields=["edition"],
                condition=Q(role="host"),
                name="one_host_per_edition",
                violation_error_message="An edition has one venue host.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.get_role_display()}"


class JobAdQuerySet(models.QuerySet):
    def active(self, today=None):
        """Published and neither scheduled for later nor expired on `today` (default: today in Vienna)."""
        today = today or timezone.localdate()
        return self.filter(published=True, published_on__lte=today).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )

    def expired(self):
        return self.filter(expires_on__lt=timezone.localdate())


class JobAd(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="job_ads")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=200, unique=True)
    tagline = models.CharField(
        max_length=300,
        blank=True,
        help_text='e.g. "Become the spearhead of our data product initiatives".',
        validators=[validate_single_line],
    )
    description = models.TextField(blank=True, help_text="Markdown, optional.")
    location = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    apply_url = models.URLField("apply URL", validators=[validate_web_url])
    published = models.BooleanField(default=True)
    published_on = models.DateField(default=timezone.localdate)
    expires_on = models.DateField(null=True, blank=True, help_text="Last day the ad is shown.")
    editions = models.ManyToManyField(
        "meetups.Edition",
        blank=True,
        related_name="job_ads",
        help_text="Editions where the ad was announced.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = JobAdQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = "job ad"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("published_on")),
                name="job_ad_expires_after_published",
                violation_error_message="A job ad cannot expire before it is published.",
            ),
        ]

    def __str__(self):
        return f"{self.title} at {self.organisation}" if self.organisation_id else self.title

    def get_absolute_url(self):
        return path_to("sponsors:job_detail", slug=self.slug)

    def sections(self):
        """[(label, [items])] in the deck's order: do, bring, get (uses prefetched items)."""
        grouped = {section: [] for section in JobAdItem.Section}
        for item in self.items.all():
            grouped[item.section].append(item)
        return [(section.label, grouped[section]) for section in JobAdItem.Section]

    @property
    def is_active(self):
        today = timezone.localdate()
        return (
            self.published
            and self.published_on <= today
            and (self.expires_on is None or self.expires_on >= today)
        )


class JobAdItem(models.Model):
    """One of the "3 things you will do / bring / get"."""

    class Section(models.TextChoices):
        DO = "do", "What you will do"
        BRING = "bring", "What you bring"
        GET = "get", "What you get"

    job_ad = models.ForeignKey(JobAd, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(max_length=10, choices=Section.choices)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(
        max_length=500, help_text="Markdown for **emphasis** is allowed.", validators=[validate_single_line]
    )

    class Meta:
        ordering = ["job_ad", "position", "pk"]
        verbose_name = "job ad item"

    def __str__(self):
        return self.text
