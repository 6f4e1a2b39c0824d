"""Raffles announced at meetups ("1 free ticket for ML Prague 2020") and their entries."""

import hashlib
import secrets
import unicodedata
import uuid

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.text import slugify

from vdlm.links import path_to
from vdlm.validators import validate_single_line


def normalize_answer(text):
    """Compare answers the way a person would: ignore case, spacing, accents and
    punctuation around the answer.

    "françois  CHOLLET", "François Chollet." and "Francois Chollet" are the same answer.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = " ".join(without_accents.casefold().split())
    start, end = 0, len(words)
    while start < end and _is_punctuation_or_space(words[start]):
        start += 1
    while end > start and _is_punctuation_or_space(words[end - 1]):
        end -= 1
    return words[start:end]


def _is_punctuation_or_space(char):
    return char.isspace() or unicodedata.category(char).startswith("P") or char in "+<=>^`|~$"


def new_salt():
    return secrets.token_hex(32)


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


class RaffleQuerySet(models.QuerySet):
    def open_now(self, now=None):
        """Published raffles taking entries at `now` (default: this moment)."""
        now = now or timezone.now()
        return self.filter(status=Raffle.Status.PUBLISHED, opens_at__lte=now, closes_at__gt=now)

    def with_entry_counts(self):
        # Counted in subqueries over the raffle's index: a join with COUNT(DISTINCT) took 35 ms
        # for 5,000 entries on SQLite, on every view of the raffle page and every entry sent.
        entries = RaffleEntry.objects.filter(raffle=OuterRef("pk")).order_by().values("raffle")
        correct = entries.filter(RaffleEntry.correct_q())
        return self.annotate(
            entry_count=Coalesce(Subquery(entries.annotate(count=Count("pk")).values("count")), 0),
            correct_entry_count=Coalesce(Subquery(correct.annotate(count=Count("pk")).values("count")), 0),
        )


# Words of a prize that do not say what it is ("1 free ticket for ML Prague" -> "ticket").
SLUG_FILLER = {"a", "an", "the", "one", "two", "three", "free", "for", "to", "of", "and", "x"}


class Raffle(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        DRAWN = "drawn", "Drawn"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200, validators=[validate_single_line])
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The raffle's address, /raffles/<slug>/, which the projector shows. Left empty, it is "
        "the edition's code and a word of the prize, e.g. 34-ticket.",
    )
    edition = models.ForeignKey(
        "meetups.Edition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raffles",
        help_text="The edition where the raffle was announced.",
    )
    prize = models.CharField(max_length=200, help_text='e.g. "1 free ticket".', validators=[validate_single_line])
    prize_count = models.PositiveSmallIntegerField(
        "number of prizes", default=1, help_text="How many winners are drawn."
    )
    prize_donor = models.ForeignKey(
        "sponsors.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donated_raffles",
    )
    question = models.CharField(max_length=500, validators=[validate_single_line])
    accepted_answers = models.TextField(
        help_text="One accepted answer per line. Case, spacing and accents are ignored."
    )
    rules = models.TextField(blank=True, help_text="Markdown. Shown above the entry form.")
    opens_at = models.DateTimeField(default=timezone.now, help_text="Vienna time.")
    closes_at = models.DateTimeField(help_text="Vienna time, to the second.")
    answer_email = models.EmailField(
        "email for answers",
        blank=True,
        help_text="Where entrants may send answers by email.",
        validators=[validate_single_line],
    )
    email_subject = models.CharField(
        "subject line",
        max_length=200,
        blank=True,
        help_text='e.g. "ML Prague 2020".',
        validators=[validate_single_line],
    )
    requires_confirmation = models.BooleanField(
        default=True,
        help_text="Only entries whose email address was confirmed take part in the draw.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The salt stays secret until the first draw; its SHA-256 is published from the
    # start, so nobody (organizers included) can pick a salt after seeing the entries.
    salt = models.CharField(max_length=64, default=new_salt, editable=False)
    commitment = models.CharField("salt commitment (SHA-256)", max_length=64, editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RaffleQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at", "title"]
        # Beyond add/change/delete/view: drawing commits a result and mails the winners, and an
        # export holds every entrant's address, so each is granted on its own (issue #17).
        permissions = [
            ("draw_raffle", "Can draw (and re-draw) the winners of a raffle"),
            ("export_entries", "Can export raffle entries (email addresses)"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="raffle_closes_after_it_opens",
                violation_error_message="The raffle must close after it opens.",
            ),
            models.CheckConstraint(
                condition=Q(prize_count__gte=1),
                name="raffle_has_a_prize",
                violation_error_message="A raffle has at least one prize.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.salt:
            self.salt = new_salt()
        self.commitment = sha256_hex(self.salt)
        if not self.slug:
            self.slug = self.short_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_to("raffles:raffle_detail", slug=self.slug)

    def short_slug(self):
        """A short, free address to read off a projector: "34-ticket" (the edition's code and the
        prize's first word that says what it is), "34-ticket-2" when that is taken."""
        words = [word for word in slugify(self.prize).split("-") if word not in SLUG_FILLER and not word.isdigit()]
        parts = [self.edition.code.lower()] if self.edition_id else []
        base = "-".join([*parts, words[0] if words else "raffle"])
        slug, suffix = base, 2
        while Raffle.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, suffix = f"{base}-{suffix}", suffix + 1
        return slug

    @property
    def accepted_answer_list(self):
        return [line.strip() for line in self.accepted_answers.splitlines() if line.strip()]

    def is_correct_answer(self, answer):
        given = normalize_answer(answer)
        return bool(given) and given in {normalize_answer(a) for a in self.accepted_answer_list}

    def recheck_entries(self):
        """Re-derive every entry's correctness after the accepted answers changed."""
        for entry in self.entries.all():
            correct = self.is_correct_answer(entry.answer)
            if entry.answer_correct != correct:
                entry.answer_correct = correct
                entry.save(update_fields=["answer_correct"])

    @property
    def is_open(self):
        now = timezone.now()
        return self.status == self.Status.PUBLISHED and self.opens_at <= now < self.closes_at

    @property
    def has_not_opened(self):
        return timezone.now() < self.opens_at

    @property
    def has_closed(self):
        return timezone.now() >= self.closes_at


class RaffleEntry(models.Model):
    class Source(models.TextChoices):
        WEB = "web", "Web form"
        EMAIL = "email", "Email"

    raffle = models.ForeignKey(Raffle, on_delete=models.CASCADE, related_name="entries")
    public_id = models.UUIDField(
        "public entry id",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Told to the entrant so they can check they were in the draw.",
    )
    email = models.EmailField(validators=[validate_single_line])
    name = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    answer = models.CharField(max_length=500, validators=[validate_single_line])
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    submitted_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    answer_correct = models.BooleanField(
        default=False, editable=False, help_text="Derived from the raffle's accepted answers."
    )
    correct_override = models.BooleanField(
        "organizer's verdict",
        null=True,
        blank=True,
        help_text="Leave empty to use the automatic check; set to overrule it.",
    )
    news_opt_in = models.BooleanField("wants meetup news", default=False)
    consented_at = models.DateTimeField(
        null=True, blank=True, help_text="When the entrant agreed to their entry being stored."
    )
    message_id = models.CharField(
        "email Message-ID",
        max_length=998,
        blank=True,
        help_text="For answers imported from email.",
        validators=[validate_single_line],
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the confirmation link was last mailed: a repeated entry resends it at most this often.",
    )

    class Meta:
        ordering = ["raffle", "submitted_at", "pk"]
        verbose_name = "raffle entry"
        verbose_name_plural = "raffle entries"
        # A permission's name must fit the 50 characters of auth's oldest migration (a migration
        # back to zero renames nothing, it shortens the column).
        permissions = [("erase_entrant", "Can erase a person's entries in all raffles")]
        constraints = [
            models.UniqueConstraint(
                "raffle",
                Lower("email"),
                name="raffle_entry_one_per_email",
                violation_error_message="This email address has already entered this raffle.",
            ),
            models.UniqueConstraint(
                fields=["raffle", "message_id"],
                condition=~Q(message_id=""),
                name="raffle_entry_message_once",
            ),
        ]

    def __str__(self):
        return f"{self.email} – {self.raffle}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip()
        if self.raffle_id:
            self.answer_correct = self.raffle.is_correct_answer(self.answer)
        super().save(*args, **kwargs)

    @staticmethod
    def correct_q(prefix=""):
        """Q for entries that count as correct, the organizer's verdict first."""
        return Q(**{f"{prefix}correct_override": True}) | Q(
            **{f"{prefix}correct_override__isnull": True, f"{prefix}answer_correct": True}
        )

    @property
    def is_correct(self):
        if self.correct_override is not None:
            return self.correct_override
        return self.answer_correct

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    @property
    def masked_email(self):
        """j•••@e•••.org: enough for the entrant to recognise, not to harvest.

        The domain's name is masked as well: a small company's domain and an initial
        can name a person as surely as the whole address.
        """
        local, _, domain = self.email.partition("@")
        name, dot, top_level = domain.rpartition(".")
        masked_domain = f"{name[:1]}•••{dot}{top_level}" if dot else f"{domain[:1]}•••"
        return f"{local[:1]}•••@{masked_domain}"

    @property
    def public_label(self):
        """How a winner is shown publicly: their name if given, else the masked address."""
        return self.name or self.masked_email


class RaffleDraw(models.Model):
    """An immutable record of one draw: what was drawn from, how, and who won.

    Everything needed to recompute the result is stored here, so the draw stays
    verifiable after the entrants' addresses are erased.
    """

    raffle = models.ForeignKey(Raffle, on_delete=models.PROTECT, related_name="draws")
    sequence = models.PositiveSmallIntegerField(help_text="1 for the first draw, 2 for a re-draw...")
    drawn_at = models.DateTimeField(default=timezone.now)
    drawn_by = models.CharField(max_length=150, blank=True, validators=[validate_single_line])
    winners_requested = models.PositiveSmallIntegerField()
    eligible_ids = models.JSONField(help_text="Public ids of the eligible entries, sorted.")
    eligible_count = models.PositiveIntegerField()
    list_hash = models.CharField("SHA-256 of the eligible list", max_length=64, validators=[validate_single_line])
    salt = models.CharField("revealed salt", max_length=64, validators=[validate_single_line])
    commitment = models.CharField(max_length=64, validators=[validate_single_line])
    seed = models.CharField(max_length=64, validators=[validate_single_line])
    winner_ids = models.JSONField(help_text="Public ids of the winners, in the order drawn.")

    class Meta:
        ordering = ["raffle", "sequence"]
        verbose_name = "raffle draw"
        constraints = [
            models.UniqueConstraint(fields=["raffle", "sequence"], name="raffle_draw_sequence_unique"),
        ]

    def __str__(self):
        return f"{self.raffle} – draw {self.sequence}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A raffle draw is immutable; make a new draw instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A raffle draw is a permanent record and cannot be deleted.")
