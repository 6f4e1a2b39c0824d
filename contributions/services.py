"""Everything that happens to a proposal: submitting, editing and withdrawing it
through the private link, the organizers' review and decision, and forgetting
the proposer on time.

Views, admin actions and the purge command call these functions; emails go out
only after the transaction that caused them has been committed.
"""

import dataclasses
import datetime
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from meetups.models import AgendaItem, Edition, SiteProfile
from outbox.services import queue_mail
from talks.models import Person, Talk, TalkSpeaker, unique_slug
from vdlm.validators import validate_web_url

from .models import Proposal, split_links

logger = logging.getLogger(__name__)

LINK_SALT = "contributions.proposal-link"
DUPLICATE_WINDOW = datetime.timedelta(minutes=10)
ANONYMISED_TITLE = "(anonymised)"

# What an accepted proposal becomes: the talk's kind and its slot on the agenda.
# The agenda has no lightning-talk slot; a lightning talk is a (short) talk there.
KIND_MAP = {
    Proposal.Kind.TALK: (Talk.Kind.TALK, AgendaItem.Kind.TALK),
    Proposal.Kind.HOT_TOPICS: (Talk.Kind.HOT_TOPICS, AgendaItem.Kind.HOT_TOPICS),
    Proposal.Kind.CONFERENCE_REPORT: (Talk.Kind.CONFERENCE_REPORT, AgendaItem.Kind.CONFERENCE_REPORT),
    Proposal.Kind.LIGHTNING: (Talk.Kind.LIGHTNING, AgendaItem.Kind.TALK),
}

# Profile links a new speaker page can take over from the proposal's links.
PROFILE_HOSTS = {
    "github.com": "github_url",
    "linkedin.com": "linkedin_url",
    "scholar.google.com": "scholar_url",
}


class ProposalError(Exception):
    """An operation on a proposal that cannot be done; the message is meant for people."""


class ProposalClosedError(ProposalError):
    pass


class LinkError(ProposalError):
    """A private link that is tampered with, expired or unknown; `status` is the HTTP status to answer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


# --- Private links ------------------------------------------------------------


def proposal_token(proposal):
    return signing.TimestampSigner(salt=LINK_SALT).sign(str(proposal.public_id))


def proposal_url(proposal, base_url=""):
    path = reverse("contributions:proposal", kwargs={"token": proposal_token(proposal)})
    return base_url.rstrip("/") + path


def link_max_age():
    return datetime.timedelta(days=settings.CONTRIBUTION_LINK_MAX_AGE_DAYS)


def proposal_from_token(token):
    """The proposal a private link was made for.

    Raises LinkError for a tampered or expired link (400) and for a proposal
    that has been deleted or anonymised (410).
    """
    signer = signing.TimestampSigner(salt=LINK_SALT)
    try:
        public_id = signer.unsign(token, max_age=link_max_age())
    except signing.SignatureExpired as error:
        raise LinkError(
            f"This link has expired: links work for {settings.CONTRIBUTION_LINK_MAX_AGE_DAYS} days. "
            "Every email we send about your proposal carries a fresh link; the organizers can send you one."
        ) from error
    except signing.BadSignature as error:
        raise LinkError(
            "This link is not valid. Please copy the whole link from the email, it is long."
        ) from error
    try:
        proposal = Proposal.objects.select_related("accepted_talk__edition").get(public_id=public_id)
    except (Proposal.DoesNotExist, ValueError, ValidationError) as error:
        raise LinkError("This proposal no longer exists.", status=410) from error
    if proposal.anonymised_at:
        raise LinkError(
            "This proposal has been deleted, as our retention rules say. Thank you for your interest!", status=410
        )
    return proposal


# --- Emails -------------------------------------------------------------------


def _reply_to():
    contact = SiteProfile.cached().contact_email
    return [contact] if contact else None


def _send(subject, template, context, recipients, reply_to=None):
    """Queue the mail (outbox): the worker sends it, and tries again while the mail server is down."""
    kind = "proposal " + template.rsplit("/", 1)[-1].removesuffix(".txt")
    queue_mail(kind, recipients, subject, render_to_string(template, context), reply_to=reply_to)


def _after_commit(send, *args):
    """Queue an email once the transaction is committed; a failure to queue is logged, not shown.

    By then the proposal or decision is stored: an error page would only make
    the proposer send it twice, or the organizer decide twice.
    """

    def run():
        try:
            send(*args)
        except Exception:
            logger.exception("Could not send %s for proposal %s", send.__name__, args[0].public_id)

    transaction.on_commit(run)


def _proposer_context(proposal, base_url):
    return {
        "proposal": proposal,
        "proposal_url": proposal_url(proposal, base_url),
        "max_age_days": settings.CONTRIBUTION_LINK_MAX_AGE_DAYS,
        "retention_days": settings.CONTRIBUTION_RETENTION_DAYS,
        "contact_email": SiteProfile.cached().contact_email,
        "base_url": base_url.rstrip("/"),
    }


def send_received_email(proposal, base_url=""):
    """Thank the proposer and give them the private link to see, edit or withdraw the proposal."""
    _send(
        f"We received your proposal: {proposal.title}",
        "contributions/email/received.txt",
        _proposer_context(proposal, base_url),
        [proposal.email],
        _reply_to(),
    )


def send_link_email(proposal, base_url=""):
    """Send the proposer a fresh private link (theirs expired or got lost)."""
    _send(
        f"Your private link: {proposal.title}",
        "contributions/email/link.txt",
        _proposer_context(proposal, base_url),
        [proposal.email],
        _reply_to(),
    )


def send_decision_email(proposal, base_url=""):
    """Tell the proposer that their proposal was accepted or declined, with the organizers' message."""
    context = _proposer_context(proposal, base_url)
    if proposal.status == Proposal.Status.ACCEPTED:
        talk = proposal.accepted_talk
        context["talk"] = talk
        context["edition"] = talk.edition if talk else None
        subject = f"Accepted: {proposal.title}"
        template = "contributions/email/accepted.txt"
    else:
        subject = f"About your proposal: {proposal.title}"
        template = "contributions/email/declined.txt"
    _send(subject, template, context, [proposal.email], _reply_to())


def organizer_addresses():
    """Who hears about new and withdrawn proposals: CONTRIBUTION_NOTIFY_EMAILS, else the site's contact address."""
    if settings.CONTRIBUTION_NOTIFY_EMAILS:
        return list(settings.CONTRIBUTION_NOTIFY_EMAILS)
    contact = SiteProfile.cached().contact_email
    return [contact] if contact else []


def notify_organizers(proposal, event, base_url=""):
    """Tell the organizers that a proposal arrived ("new") or was withdrawn ("withdrawn")."""
    recipients = organizer_addresses()
    if not recipients:
        return
    admin_path = reverse("admin:contributions_proposal_change", args=[proposal.pk])
    context = {"proposal": proposal, "event": event, "admin_url": base_url.rstrip("/") + admin_path}
    subject = f"{'New proposal' if event == 'new' else 'Proposal withdrawn'}: {proposal.title}"
    # The proposer's address as Reply-To lets an organizer answer straight from the notice.
    _send(subject, "contributions/email/organizers.txt", context, recipients, [proposal.email])


# --- The proposer's side --------------------------------------------------------


CONTENT_FIELDS = ["kind", "title", "abstract", "bio", "links", "name", "email", "affiliation", "any_edition"]


def _clean_values(values):
    cleaned = {}
    for field in CONTENT_FIELDS:
        value = values[field]
        cleaned[field] = value.strip() if isinstance(value, str) else value
    cleaned["links"] = "\n".join(split_links(cleaned["links"]))
    return cleaned


def submit_proposal(*, preferred_editions=(), base_url="", now=None, **values):
    """Store a proposal from the public form and email the proposer their private link.

    `values` are the content fields (CONTENT_FIELDS); the proposer gave their
    consent by submitting the form, so it is recorded now. The organizers are
    notified too. The same title from the same address within DUPLICATE_WINDOW
    returns the proposal already stored, with what this form sent, without new emails.
    """
    now = now or timezone.now()
    cleaned = _clean_values(values)
    with transaction.atomic():
        # A double click on "Send" (or a reload of the answer) must not give organizers two proposals.
        resent = Proposal.objects.filter(
            email__iexact=cleaned["email"],
            title=cleaned["title"],
            status__in=Proposal.OPEN_STATUSES,
            created_at__gte=now - DUPLICATE_WINDOW,
        ).first()
        if resent is not None:
            # Sent again with changes (back, fix the abstract, send): they go to the proposal of a
            # moment ago, as through its private link; a double click changes nothing.
            for field, value in cleaned.items():
                setattr(resent, field, value)
            resent.save()
            resent.preferred_editions.set(preferred_editions)
            return resent
        proposal = Proposal(**cleaned, consented_at=now, status=Proposal.Status.NEW)
        proposal.save()
        proposal.preferred_editions.set(preferred_editions)
        _after_commit(send_received_email, proposal, base_url)
        _after_commit(notify_organizers, proposal, "new", base_url)
    return proposal


def _locked_open_proposal(proposal):
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not locked.is_open:
        raise ProposalClosedError(
            f"This proposal is {locked.get_status_display().lower()}, so it can no longer be changed."
        )
    return locked


def update_proposal(proposal, *, preferred_editions=(), **values):
    """Save the proposer's changes, as long as the proposal has not been decided or withdrawn.

    Raises ProposalClosedError otherwise (an organizer may have decided while
    the proposer was typing): nothing is changed then.
    """
    with transaction.atomic():
        locked = _locked_open_proposal(proposal)
        for field, value in _clean_values(values).items():
            setattr(locked, field, value)
        locked.save()
        locked.preferred_editions.set(preferred_editions)
    return locked


def withdraw_proposal(proposal, base_url="", now=None):
    """Withdraw an open proposal at the proposer's request and tell the organizers."""
    with transaction.atomic():
        locked = _locked_open_proposal(proposal)
        locked.status = Proposal.Status.WITHDRAWN
        locked.withdrawn_at = now or timezone.now()
        locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
        _after_commit(notify_organizers, locked, "withdrawn", base_url)
    return locked


# --- The organizers' side -------------------------------------------------------


def mark_under_review(proposals, now=None):
    """Move new proposals to "under review" (the proposer's page says so); returns how many moved."""
    now = now or timezone.now()
    return Proposal.objects.filter(
        pk__in=[proposal.pk for proposal in proposals], status=Proposal.Status.NEW, anonymised_at__isnull=True
    ).update(status=Proposal.Status.UNDER_REVIEW, review_started_at=now, updated_at=now)


def _accepted_by_url_fields(link):
    try:
        validate_web_url(link)
    except ValidationError:
        return False
    return True


def _profile_links(links):
    """{"github_url": ..., ...} for the links that point to a known profile host.

    Only links the Person's URL fields accept: a proposal stored before its links were
    checked as strictly (issue #17) may hold others, which stay on the proposal only.
    """
    found = {}
    for link in links:
        if len(link) > 200 or not _accepted_by_url_fields(link):
            continue
        host = (urlsplit(link).hostname or "").lower().removeprefix("www.")
        field = PROFILE_HOSTS.get(host)
        if field and field not in found:
            found[field] = link
    return found


def find_person(email):
    """The person with this email address, case-insensitively, or None."""
    return Person.objects.filter(email__iexact=email.strip()).first() if email.strip() else None


def _speaker_for(proposal):
    """(person, created): the person with the proposer's email, or a new one from the proposal."""
    person = find_person(proposal.email)
    profile_links = _profile_links(proposal.link_list)
    if person is None:
        person = Person.objects.create(
            name=proposal.name,
            slug=unique_slug(Person, proposal.name, "speaker"),
            affiliation=proposal.affiliation,
            bio=proposal.bio,
            email=proposal.email,
            **profile_links,
        )
        return person, True
    # The proposal says what is true today; what organizers curated stays.
    changed = []
    if proposal.affiliation and proposal.affiliation != person.affiliation:
        person.affiliation = proposal.affiliation
        changed.append("affiliation")
    if proposal.bio and not person.bio:
        person.bio = proposal.bio
        changed.append("bio")
    for field, link in profile_links.items():
        if not getattr(person, field):
            setattr(person, field, link)
            changed.append(field)
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
    return person, False


@dataclasses.dataclass
class Acceptance:
    proposal: Proposal
    talk: Talk
    person: Person
    person_created: bool
    agenda_item: AgendaItem


# A talk goes before these: nobody listens during the break or the networking.
BREAK_KINDS = (AgendaItem.Kind.BREAK, AgendaItem.Kind.NETWORKING)
# Agenda positions are small integers; renumbering moves them out of the way first.
RENUMBER_OFFSET = 10_000


def free_position_before_the_break(edition, after=None):
    """A position for a new agenda item: right after the agenda item `after` (of this edition)
    when given, else just before the edition's first break or networking item (after the last
    item without one). When no number is free there, the agenda is renumbered in steps of 10
    first, in its order. Call it with the edition locked."""
    items = edition.agenda_items.order_by("position")
    rows = list(items.values_list("pk", "position", "kind"))
    if not rows:
        return 10
    if after is not None:
        index = next(i for i, (pk, _position, _kind) in enumerate(rows) if pk == after.pk) + 1
    else:
        index = next((i for i, (_pk, _position, kind) in enumerate(rows) if kind in BREAK_KINDS), len(rows))
    if index == len(rows):
        return rows[-1][1] + 10
    before = rows[index - 1][1] if index else 0
    if rows[index][1] - before >= 2:
        return (before + rows[index][1]) // 2
    # Two steps, so that no two items ever share a position (a unique constraint) on the way.
    items.update(position=F("position") + RENUMBER_OFFSET)
    for number, (pk, _position, _kind) in enumerate(rows, start=1):
        AgendaItem.objects.filter(pk=pk).update(position=number * 10)
    return index * 10 + 5


def accept_proposal(proposal, edition, *, after=None, decided_by=None, message="", base_url="", now=None):
    """Accept a proposal into an edition (published or draft) and tell the proposer.

    In one transaction: the talk (with a unique slug), its speaker (the person
    with the proposer's email, matched case-insensitively, or a new person)
    with the affiliation the proposer gave, and an agenda item of the right
    kind right after the agenda item `after`, or before the edition's first break or
    networking (at the end without one). Raises ProposalError, changing
    nothing, when the proposal is no longer open or the edition is cancelled.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_open_proposal(proposal)
        # Locking the edition serialises two acceptances into it: both would take the same last position.
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.cancelled:
            raise ProposalError(f"{edition.display_title} is cancelled; choose another edition.")
        if after is not None and after.edition_id != edition.pk:
            raise ProposalError(f"“{after.title}” is not on the agenda of {edition.display_title}.")
        talk_kind, agenda_kind = KIND_MAP[locked.kind]
        talk = Talk.objects.create(
            edition=edition,
            title=locked.title,
            slug=unique_slug(Talk, locked.title, "talk"),
            kind=talk_kind,
            abstract=locked.abstract,
        )
        person, person_created = _speaker_for(locked)
        TalkSpeaker.objects.create(talk=talk, person=person, position=0, affiliation=locked.affiliation)
        agenda_item = AgendaItem.objects.create(
            edition=edition,
            position=free_position_before_the_break(edition, after=after),
            kind=agenda_kind,
            title=locked.title,
            talk=talk,
        )
        locked.status = Proposal.Status.ACCEPTED
        locked.decided_at = now
        locked.decided_by = decided_by
        locked.decision_message = message.strip()
        locked.accepted_talk = talk
        locked.save()
        _after_commit(send_decision_email, locked, base_url)
    return Acceptance(locked, talk, person, person_created, agenda_item)


def decline_proposal(proposal, message, *, decided_by=None, base_url="", now=None):
    """Decline a proposal with a message for the proposer, and email it to them."""
    if not message.strip():
        raise ProposalError("Write a message for the proposer: they get it by email.")
    with transaction.atomic():
        locked = _locked_open_proposal(proposal)
        locked.status = Proposal.Status.DECLINED
        locked.decided_at = now or timezone.now()
        locked.decided_by = decided_by
        locked.decision_message = message.strip()
        locked.save()
        _after_commit(send_decision_email, locked, base_url)
    return locked


# --- Forgetting ---------------------------------------------------------------


def anonymise(proposals, now=None):
    """Erase the personal data of proposals; returns how many were anonymised.

    Kept: kind, status, dates and preferred editions, so the organizers can
    still count what came in. Everything the proposer wrote goes, and so do the
    organizers' notes and ratings, which are opinions about the person.
    """
    now = now or timezone.now()
    count = 0
    for proposal in proposals.filter(anonymised_at__isnull=True):
        with transaction.atomic():
            proposal.title = ANONYMISED_TITLE
            proposal.abstract = ""
            proposal.bio = ""
            proposal.links = ""
            proposal.name = ""
            proposal.email = f"{proposal.public_id}@anonymised.invalid"
            proposal.affiliation = ""
            proposal.decision_message = ""
            proposal.internal_notes = ""
            proposal.anonymised_at = now
            proposal.save()
            proposal.ratings.all().delete()
        count += 1
    return count


def expired_proposals(now=None, retention_days=None):
    """Declined and withdrawn proposals whose decision or withdrawal is older than the retention period."""
    now = now or timezone.now()
    days = settings.CONTRIBUTION_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = now - datetime.timedelta(days=days)
    return Proposal.objects.filter(anonymised_at__isnull=True).filter(
        Q(status=Proposal.Status.DECLINED, decided_at__lte=cutoff)
        | Q(status=Proposal.Status.WITHDRAWN, withdrawn_at__lte=cutoff)
    )


def purge_proposals(now=None, retention_days=None):
    """Anonymise declined and withdrawn proposals after CONTRIBUTION_RETENTION_DAYS; returns the count.

    Accepted proposals stay: the talk and its speaker are public anyway. Open
    ones stay until the organizers decide.
    """
    now = now or timezone.now()
    count = anonymise(expired_proposals(now, retention_days), now)
    if count:
        logger.info("Anonymised %s declined or withdrawn proposals.", count)
    return count
