"""Proposals from the community (talks, Hot Topics blocks, conference reports,
lightning talks) and the organizers' ratings of them."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible

from vdlm.validators import validate_single_line, validate_web_url

MAX_LINKS = 10
MAX_LINK_LENGTH = 500


def split_links(text):
    """The non-empty lines of a links field, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@deconstructible
class LinksValidator:
    """One http(s) address per line; the message names the line that is wrong."""

    def __call__(self, value):
        links = split_links(value)
        if len(links) > MAX_LINKS:
            raise ValidationError(
                "Please give at most %(max)s links (you gave %(count)s).",
                code="too_many_links",
                params={"max": MAX_LINKS, "count": len(links)},
            )
        for number, link in enumerate(links, start=1):
            try:
                if len(link) > MAX_LINK_LENGTH:
                    raise ValidationError("too long")
                # The URL fields' own check: a URLValidator alone takes https://x.example/"><script>.
                validate_web_url(link)
            except ValidationError as error:
                if error.code == "url_character":
                    # The validator's message says which character and how to write it.
                    raise ValidationError(
                        "Link %(number)s (“%(link)s”): %(reason)s",
                        code="invalid_link",
                        params={"number": number, "link": link[:80], "reason": error.messages[0]},
                    ) from error
                raise ValidationError(
                    "Link %(number)s (“%(link)s”) is not a web address. Give one address per line, "
                    "starting with https:// or http://.",
                    code="invalid_link",
                    params={"number": number, "link": link[:80]},
                ) from error

    def __eq__(self, other):
        return isinstance(other, LinksValidator)


validate_links = LinksValidator()


class Proposal(models.Model):
    class Kind(models.TextChoices):
        TALK = "talk", "Talk"
        HOT_TOPICS = "hot_topics", "Hot Topics block"
        CONFERENCE_REPORT = "conference_report", "Conference report"
        LIGHTNING = "lightning", "Lightning talk"

    class Status(models.TextChoices):
        NEW = "new", "New"
        UNDER_REVIEW = "under_review", "Under review"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATUSES = (Status.NEW, Status.UNDER_REVIEW)

    public_id = models.UUIDField(
        "public id",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="The proposer's private link carries this id (signed).",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TALK)
    title = models.CharField(max_length=200, validators=[validate_single_line])
    abstract = models.TextField(max_length=5000, help_text="Markdown.")
    bio = models.TextField("short bio", max_length=1500, blank=True, help_text="Markdown.")
    links = models.TextField(
        max_length=MAX_LINKS * (MAX_LINK_LENGTH + 1),
        blank=True,
        validators=[validate_links],
        help_text="One http(s) address per line.",
    )
    name = models.CharField(max_length=200, validators=[validate_single_line])
    email = models.EmailField(help_text="Private: for organizers only.", validators=[validate_single_line])
    affiliation = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    preferred_editions = models.ManyToManyField(
        "meetups.Edition", blank=True, related_name="proposals", help_text="Editions the proposer would like best."
    )
    any_edition = models.BooleanField("any upcoming meetup is fine", default=True)
    consented_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the proposer agreed to their data being stored. Empty for proposals organizers entered.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    review_started_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When it was accepted or declined.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    decision_message = models.TextField(
        blank=True, help_text="Sent to the proposer with the decision and shown on their private page."
    )
    internal_notes = models.TextField(blank=True, help_text="For organizers only; the proposer never sees them.")
    accepted_talk = models.ForeignKey(
        "talks.Talk", on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    created_at = models.DateTimeField("submitted", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # Changing a proposal is writing its internal notes (Reviewers); the decisions are apart.
        permissions = [("decide_proposal", "Can accept, decline and answer proposals")]
        constraints = [
            # The retention rule counts from these timestamps: a decided or withdrawn
            # proposal without one would be kept forever.
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "declined"]) | Q(decided_at__isnull=False),
                name="proposal_decision_has_a_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False),
                name="proposal_withdrawal_has_a_date",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.name})" if self.name else self.title

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip()
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        """Not decided or withdrawn yet: the proposer may still edit or withdraw it."""
        return self.status in self.OPEN_STATUSES and self.anonymised_at is None

    @property
    def link_list(self):
        """The web addresses among the links. The form accepts nothing else, but a row written
        another way (the shell, an import) must not turn a javascript: line into a link."""
        return [link for link in split_links(self.links) if link.lower().startswith(("https://", "http://"))]


class ProposalRating(models.Model):
    """One organizer's score for one proposal; each organizer sees and sets only their own."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ratings")
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_ratings")
    score = models.PositiveSmallIntegerField(
        choices=[(1, "1 – weak"), (2, "2"), (3, "3 – fine"), (4, "4"), (5, "5 – must have")],
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["proposal", "organizer"]
        verbose_name = "rating"
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organizer"],
                name="proposal_rating_once_per_organizer",
                violation_error_message="You have already rated this proposal.",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5),
                name="proposal_rating_score_1_to_5",
                violation_error_message="A rating is from 1 to 5.",
            ),
        ]

    def __str__(self):
        return f"{self.score}/5 for {self.proposal.title}"
