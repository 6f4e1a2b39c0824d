"""People (speakers and organizers alike), their talks and the sources a talk cites."""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Lower
from django.utils.text import slugify

from vdlm.links import path_to
from vdlm.page_cache import content_changed
from vdlm.uploads import RandomFileName, UploadImageField
from vdlm.validators import validate_image_upload, validate_pdf_upload, validate_single_line, validate_web_url


def unique_slug(model, text, fallback, max_length=200):
    """A slug for `text` that no row of `model` has yet: "attention", "attention-2", ..."""
    base = slugify(text)[: max_length - 10].strip("-") or fallback
    slug, suffix = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


class PersonQuerySet(models.QuerySet):
    def speakers(self, *, year=None, kind=None):
        """People with a talk at a published edition (of that year, of that kind of talk)."""
        talks = TalkSpeaker.objects.filter(person=OuterRef("pk"), talk__edition__published=True)
        if year:
            talks = talks.filter(talk__edition__start_date__year=year)
        if kind:
            talks = talks.filter(talk__kind=kind)
        return self.filter(Exists(talks))

    def with_talk_summary(self):
        """Each person with `talk_count` (talks at published editions) and the title and slug of
        the latest of them (`latest_talk_title`, `latest_talk_slug`), as the speaker list shows them."""
        published_talks = TalkSpeaker.objects.filter(person=OuterRef("pk"), talk__edition__published=True)
        latest = published_talks.order_by("-talk__edition__start_date", "-talk__edition__pk", "-talk__pk")
        return self.annotate(
            talk_count=Count(
                "talk_speakers__talk",
                filter=Q(talk_speakers__talk__edition__published=True),
                distinct=True,
            ),
            latest_talk_title=Subquery(latest.values("talk__title")[:1]),
            latest_talk_slug=Subquery(latest.values("talk__slug")[:1]),
        )


class Person(models.Model):
    name = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=200, unique=True)
    affiliation = models.CharField(
        "current affiliation",
        max_length=200,
        blank=True,
        help_text="Today's affiliation. Each talk keeps the affiliation at the time of the talk.",
        validators=[validate_single_line],
    )
    bio = models.TextField(blank=True, help_text="Markdown.")
    photo = UploadImageField(upload_to="people/", blank=True, validators=[validate_image_upload])
    email = models.EmailField(
        blank=True,
        help_text="Private: for organizers only, never shown on the site.",
        validators=[validate_single_line],
    )
    website_url = models.URLField("website", blank=True, validators=[validate_web_url])
    github_url = models.URLField("GitHub", blank=True, validators=[validate_web_url])
    linkedin_url = models.URLField("LinkedIn", blank=True, validators=[validate_web_url])
    scholar_url = models.URLField("Google Scholar", blank=True, validators=[validate_web_url])
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="person_email_unique_ci",
                violation_error_message="Another person already has this email address.",
            ),
        ]

    def __str__(self):
        if self.affiliation:
            return f"{self.name} ({self.affiliation})"
        return self.name

    def get_absolute_url(self):
        return path_to("talks:speaker_detail", slug=self.slug)


# What a page shows of a talk's speakers besides their affiliation at the time: the name and the
# link (the slug). Only these columns are read: a person's bio can be long, and a list shows dozens.
SPEAKER_NAME_FIELDS = ("person__name", "person__slug")


class TalkQuerySet(models.QuerySet):
    def published(self):
        """Talks of published editions only."""
        return self.filter(edition__published=True)

    def with_speakers(self, *person_fields):
        """Each talk's speakers in order in talk.talk_speakers.all(), with the affiliation of the time and
        their person: the name and slug only, and `person_fields` ("person__photo") besides. One query."""
        speakers = (
            TalkSpeaker.objects.select_related("person")
            .only("talk", "person", "affiliation", *SPEAKER_NAME_FIELDS, *person_fields)
            .order_by("position", "pk")
        )
        return self.prefetch_related(Prefetch("talk_speakers", queryset=speakers))

    def cards(self):
        """Published talks with what a talk card shows: the edition and the speakers."""
        return self.published().select_related("edition").with_speakers()

    def with_material(self):
        """Talks with slides (uploaded or linked) or a video."""
        return self.filter(~Q(slides_file="") | ~Q(slides_url="") | ~Q(video_url=""))

    def latest_first(self):
        """The latest edition's talks first, by title within an edition."""
        return self.order_by("-edition__start_date", "-edition__pk", "title", "pk")


# Paths under /talks/ that are not talks (talks/urls.py lists them before talks/<slug>/).
RESERVED_SLUGS = {"feed"}


class Talk(models.Model):
    class Kind(models.TextChoices):
        TALK = "talk", "Talk"
        CONFERENCE_REPORT = "conference_report", "Conference report"
        HOT_TOPICS = "hot_topics", "Hot topics & latest news"
        LIGHTNING = "lightning", "Lightning talk"
        WORKSHOP = "workshop", "Workshop"
        TUTORIAL = "tutorial", "Tutorial"

    edition = models.ForeignKey("meetups.Edition", on_delete=models.CASCADE, related_name="talks")
    title = models.CharField(max_length=300, validators=[validate_single_line])
    subtitle = models.CharField(max_length=300, blank=True, validators=[validate_single_line])
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TALK)
    abstract = models.TextField(blank=True, help_text="Markdown.")
    speakers = models.ManyToManyField(Person, through="TalkSpeaker", related_name="talks")
    slides_file = models.FileField(
        "slides (PDF)",
        upload_to=RandomFileName("slides/talks", "pdf"),
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf_upload],
    )
    slides_url = models.URLField("slides link", blank=True, validators=[validate_web_url])
    video_url = models.URLField("video", blank=True, validators=[validate_web_url])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TalkQuerySet.as_manager()

    class Meta:
        ordering = ["-edition__start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slides_file="") | Q(slides_url=""),
                name="talk_slides_file_or_link",
                violation_error_message="Give the slides either as an uploaded PDF or as a link, not both.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The agenda slots that present this talk show its title, unless an organizer gave one its own.
        renamed = self.agenda_items.filter(own_title=False).exclude(title=self.title).update(title=self.title)
        if renamed:
            content_changed()  # update() sends no signal

    def get_absolute_url(self):
        return path_to("talks:talk_detail", slug=self.slug)

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"/talks/{self.slug}/ is taken by another page; choose another slug."})

    @property
    def slides_link(self):
        if self.slides_file:
            return self.slides_file.url
        return self.slides_url


class TalkSpeaker(models.Model):
    """A speaker of a talk, in order, with the affiliation they had at the time."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="talk_speakers")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="talk_speakers")
    position = models.PositiveSmallIntegerField(default=0)
    affiliation = models.CharField(
        "affiliation at the time",
        max_length=200,
        blank=True,
        help_text="Left empty, the person's current affiliation is copied in on save.",
        validators=[validate_single_line],
    )

    class Meta:
        ordering = ["talk", "position", "pk"]
        verbose_name = "speaker"
        constraints = [
            models.UniqueConstraint(
                fields=["talk", "person"],
                name="talk_speaker_once",
                violation_error_message="This person is already a speaker of this talk.",
            ),
        ]

    def __str__(self):
        if self.affiliation:
            return f"{self.person.name}, {self.affiliation}"
        return self.person.name

    def save(self, *args, **kwargs):
        # Freeze today's affiliation so that later changes to the person keep history right.
        if not self.affiliation and self.person_id:
            self.affiliation = self.person.affiliation
        super().save(*args, **kwargs)


class TalkSource(models.Model):
    """A paper, post or article a talk cites (the Hot Topics block lists its sources)."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300, validators=[validate_single_line])
    url = models.URLField("URL", max_length=500, validators=[validate_web_url])

    class Meta:
        ordering = ["talk", "position", "pk"]
        verbose_name = "source"
        constraints = [
            models.UniqueConstraint(
                fields=["talk", "url"],
                name="talk_source_once",
                violation_error_message="This source is already listed for this talk.",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.url and not self.url.startswith(("http://", "https://")):
            raise ValidationError({"url": "Sources must be http(s) links."})
