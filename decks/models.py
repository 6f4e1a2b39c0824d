"""What organizers control about an edition's generated slide deck: which sections
it shows, and free slides of their own placed between the generated ones."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from vdlm.uploads import UploadImageField
from vdlm.validators import validate_image_upload, validate_single_line


class Section(models.TextChoices):
    """The deck's sections, in their default order."""

    TITLE = "title", "Title"
    ORGANIZERS = "organizers", "Organizers"
    AGENDA = "agenda", "Agenda (“Topics for Today”, before each block)"
    HOST = "host", "Host presentation"
    ANNOUNCEMENTS = "announcements", "Announcements"
    ARCHIVE = "archive", "Archive plug (GitHub, YouTube, past meetups)"
    STATS = "stats", "Group stats"
    RAFFLES = "raffles", "Raffles"
    JOBS = "jobs", "Job ads"
    HOT_TOPICS = "hot_topics", "Hot topics & latest news"
    SOURCES = "sources", "Hot topics sources"
    ATTENDANCE = "attendance", "Tonight in numbers (RSVPs, check-ins)"
    NEXT_MEETUP = "next_meetup", "Next meetup"


MAX_ARCHIVE_ROWS = 12


class DeckSettings(models.Model):
    """Which sections an edition's deck includes. Without a row, all of them but "tonight in numbers"."""

    edition = models.OneToOneField("meetups.Edition", on_delete=models.CASCADE, related_name="deck_settings")
    show_title = models.BooleanField("title", default=True)
    show_organizers = models.BooleanField("organizers", default=True)
    show_agenda = models.BooleanField("agenda", default=True, help_text="“Topics for Today”, before each block.")
    show_host = models.BooleanField("host presentation", default=True)
    show_announcements = models.BooleanField("announcements", default=True)
    show_archive = models.BooleanField("archive plug", default=True, help_text="GitHub, YouTube, past meetups.")
    show_stats = models.BooleanField("group stats", default=True)
    show_raffles = models.BooleanField("raffles", default=True)
    show_jobs = models.BooleanField("job ads", default=True)
    show_hot_topics = models.BooleanField("hot topics", default=True)
    show_sources = models.BooleanField("hot topics sources", default=True)
    # Off unless wanted: not every host likes its room's no-shows on the screen.
    show_attendance = models.BooleanField(
        "tonight in numbers",
        default=False,
        help_text="RSVPs, going, waiting, checked in and no-shows, kept up to date while the deck is shown.",
    )
    show_next_meetup = models.BooleanField("next meetup", default=True)
    archive_rows = models.PositiveSmallIntegerField(
        "past meetups in the table",
        default=9,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ARCHIVE_ROWS)],
        help_text=f"The most recent ones before this edition, 1 to {MAX_ARCHIVE_ROWS}.",
    )

    class Meta:
        verbose_name = "deck settings"
        verbose_name_plural = "deck settings"

    def __str__(self):
        return f"Deck settings of #{self.edition.code}" if self.edition_id else "Deck settings"

    def includes(self, section):
        return getattr(self, f"show_{section}")


class DeckSlide(models.Model):
    """A slide the organizers write themselves, shown at a chosen place in the deck."""

    class Placement(models.TextChoices):
        START = "start", "At the very start, before the title"
        AFTER_TITLE = Section.TITLE, "After the title"
        AFTER_ORGANIZERS = Section.ORGANIZERS, "After the organizers"
        AFTER_HOST = Section.HOST, "After the host presentation"
        AFTER_ANNOUNCEMENTS = Section.ANNOUNCEMENTS, "After the announcements"
        AFTER_ARCHIVE = Section.ARCHIVE, "After the archive plug"
        AFTER_STATS = Section.STATS, "After the group stats"
        AFTER_RAFFLES = Section.RAFFLES, "After the raffles"
        AFTER_JOBS = Section.JOBS, "After the job ads"
        AFTER_HOT_TOPICS = Section.HOT_TOPICS, "After the hot topics"
        AFTER_SOURCES = Section.SOURCES, "After the hot topics sources"
        AFTER_ATTENDANCE = Section.ATTENDANCE, "After tonight in numbers"
        END = Section.NEXT_MEETUP, "At the end, after the next meetup"

    edition = models.ForeignKey("meetups.Edition", on_delete=models.CASCADE, related_name="deck_slides")
    placement = models.CharField(
        "place in the deck",
        max_length=20,
        choices=Placement.choices,
        default=Placement.AFTER_ANNOUNCEMENTS,
        help_text="The slide follows this section, even when the section itself is skipped or empty.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order among free slides at the same place; lower comes first."
    )
    title = models.CharField(max_length=200, validators=[validate_single_line])
    body = models.TextField(blank=True, help_text="Markdown. Keep it short: a slide, not a page.")
    image = UploadImageField(upload_to="decks/", blank=True, validators=[validate_image_upload])

    class Meta:
        ordering = ["edition", "position", "pk"]
        verbose_name = "free slide"

    def __str__(self):
        return self.title
