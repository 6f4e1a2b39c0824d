"""Operations on editions that touch several models. Views, admin actions and
management commands call these; they never live in one of those alone."""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from raffles.models import Raffle
from sponsors.models import Sponsorship
from vdlm.page_cache import content_changed

from .models import AgendaItem, Edition, Venue
from .schedule import edition_start

# Agenda slots that belong to a specific talk; a clone keeps the slot, not the talk.
TALK_SLOT_KINDS = {AgendaItem.Kind.TALK, AgendaItem.Kind.CONFERENCE_REPORT}
TO_BE_ANNOUNCED = "To be announced"
# The series meets about monthly: the next edition four weeks after the latest one.
RHYTHM = datetime.timedelta(weeks=4)


def _next_free_code(base):
    code, suffix = base, 2
    while Edition.objects.filter(code__iexact=code).exists():
        code = f"{base}-{suffix}"
        suffix += 1
    return code


def next_date_in_rhythm(edition, today=None):
    """The date proposed for the edition after `edition`: on its weekday, about four weeks
    (RHYTHM) after the latest edition of its kind, and never before `today` (Vienna).

    Cloned from an edition years old, the proposal is about four weeks from today.
    """
    today = today or timezone.localdate()
    latest = Edition.objects.filter(kind=edition.kind).aggregate(Max("start_date"))["start_date__max"]
    after = max(latest or edition.start_date, edition.start_date) + RHYTHM
    if after < today:
        after = today + RHYTHM
    return after + datetime.timedelta(days=(edition.start_date.weekday() - after.weekday()) % 7)


@transaction.atomic
def clone_as_next_edition(edition, today=None):
    """Create the next edition from `edition` and return it, unpublished.

    It gets the next free number of its kind (a numeric code follows the number),
    the date of next_date_in_rhythm(), the same organizers and the agenda skeleton:
    every slot with its kind and time, talk slots titled "To be announced" and
    unlinked from the old talks. Venue, talks, sponsors and links stay behind: they
    change every month.
    """
    if edition.number is not None:
        highest = Edition.objects.filter(kind=edition.kind).aggregate(Max("number"))["number__max"]
        number = (highest or 0) + 1
    else:
        number = None
    if number is not None and edition.code.isdigit():
        code = _next_free_code(str(number))
    else:
        code = _next_free_code(edition.code)

    clone = Edition(
        code=code,
        number=number,
        kind=edition.kind,
        title="" if number is not None else edition.title,
        start_date=next_date_in_rhythm(edition, today),
        start_time=edition.start_time,
        end_time=edition.end_time if not edition.is_multi_day else None,
        attendance=edition.attendance,
        published=False,
    )
    clone.full_clean()
    clone.save()
    clone.organizers.set(edition.organizers.all())
    AgendaItem.objects.bulk_create(
        AgendaItem(
            edition=clone,
            position=item.position,
            start_time=item.start_time,
            kind=item.kind,
            title=TO_BE_ANNOUNCED if item.kind in TALK_SLOT_KINDS else item.title,
        )
        for item in edition.agenda_items.order_by("position")
    )
    # bulk_create sends no signal. A draft shows on no public page yet, but every write the signals miss
    # bumps the version: one simple rule is easier to keep than a judgement per call.
    content_changed()
    return clone


def set_published(editions, published):
    """Publish or unpublish editions; returns (changed, [(edition, reason), ...]).

    Publishing runs the same validation as the admin form, so a bulk action
    cannot publish what the change page would refuse, and publishes the edition's
    draft raffles and the job ads announced at it with it (publish_companions()).
    """
    changed, refused = [], []
    for edition in editions:
        edition.published = published
        try:
            edition.full_clean()
        except ValidationError as error:
            refused.append((edition, " ".join(error.messages)))
            continue
        with transaction.atomic():
            edition.save(update_fields=["published", "updated_at"])
            if published:
                publish_companions(edition)
        changed.append(edition)
    return changed, refused


def publish_companions(edition):
    """Publish what is announced at `edition` and still a draft: its raffles and its job ads.

    Returns (raffles, job ads) that were published. Saved one by one, so that the page
    cache hears of each; cancelled raffles stay cancelled.
    """
    raffles = list(edition.raffles.filter(status=Raffle.Status.DRAFT))
    for raffle in raffles:
        raffle.status = Raffle.Status.PUBLISHED
        raffle.save(update_fields=["status", "updated_at"])
    job_ads = list(edition.job_ads.filter(published=False))
    for job_ad in job_ads:
        job_ad.published = True
        job_ad.save(update_fields=["published", "updated_at"])
    return raffles, job_ads


@dataclasses.dataclass
class Check:
    """One line of the publish checklist: "blocker" (cannot publish), "warning", "note" or "ok"."""

    level: str
    text: str


def publish_checklist(edition, today=None):
    """What an organizer should know before publishing `edition`: a list of Check, blockers first."""
    today = today or timezone.localdate()
    checks = []

    def check(ok, good, bad, level="warning"):
        checks.append(Check("ok" if ok else level, good if ok else bad))

    # Validated as it would be saved published: some rules hold for published editions only.
    was_published, edition.published = edition.published, True
    try:
        edition.full_clean()
    except ValidationError as error:
        checks += [Check("blocker", message) for message in error.messages]
    finally:
        edition.published = was_published
    when = edition_start(edition)
    day = f"{when:%a, %d %b %Y}"
    check(edition.last_date >= today, f"The date is to come: {day}.", f"The date is past: {day}.")
    if edition.attendance != Edition.Attendance.ONLINE:
        check(edition.venue_id, f"The venue is {edition.venue}." if edition.venue_id else "", "No venue is set.")
    host = host_of(edition)
    check(host, f"The host is {host.name}." if host else "", "No host is set.")
    slots = [item for item in edition.agenda_items.select_related("talk") if item.kind in TALK_SLOT_KINDS]
    for item in slots:
        check(item.talk_id, f"“{item.title}” has its talk.", f"The slot “{item.title}” has no talk yet.")
    for talk in edition.talks.prefetch_related("talk_speakers"):
        check(talk.talk_speakers.all(), f"“{talk.title}” has its speakers.", f"The talk “{talk.title}” has no speaker.")
    if not slots and not edition.talks.exists():
        checks.append(Check("warning", "The agenda has no talk yet."))
    for raffle in edition.raffles.exclude(status=Raffle.Status.CANCELLED):
        if raffle.status == Raffle.Status.DRAFT:
            checks.append(Check("ok", f"The raffle “{raffle.title}” is published with the edition."))
        check(raffle.accepted_answer_list, f"The raffle “{raffle.title}” has its answers.",
              f"The raffle “{raffle.title}” has no accepted answer: every entry would be wrong.")
    for job_ad in edition.job_ads.select_related("organisation"):
        if not job_ad.published:
            checks.append(Check("ok", f"The job ad “{job_ad.title}” is published with the edition."))
        if job_ad.expires_on is not None and job_ad.expires_on < today:
            checks.append(Check("warning", f"The job ad “{job_ad.title}” has expired ({job_ad.expires_on})."))
    check(edition.intro_slides or edition.intro_slides_url, "Intro slides are there.",
          "No intro slides: the generated deck will be shown.", level="note")
    check(edition.meetup_url, "The meetup.com link is there.", "No meetup.com link (optional).", level="note")
    order = {"blocker": 0, "warning": 1, "note": 2, "ok": 3}
    return sorted(checks, key=lambda item: order[item.level])


def host_of(edition):
    """The organisation that hosts `edition` (its venue-host sponsorship), or None."""
    row = edition.sponsorships.filter(role=Sponsorship.Role.HOST).select_related("organisation").first()
    return row.organisation if row else None


@transaction.atomic
def set_host(edition, organisation, new_venue_address=""):
    """Record `organisation` as the edition's venue host, and give the edition a venue from it if it has none.

    The host is one sponsorship row (role "venue host"), changed in place so that its note and
    position stay. An edition without a venue gets the host's venue: the one it used most
    recently, or a new one named after the host, with `new_venue_address`. None removes the host.
    Returns the venue created, or None.
    """
    rows = edition.sponsorships.filter(role=Sponsorship.Role.HOST)
    if organisation is None:
        rows.delete()
        return None
    row = rows.first()
    if row is None:
        Sponsorship.objects.create(edition=edition, organisation=organisation, role=Sponsorship.Role.HOST)
    elif row.organisation_id != organisation.pk:
        row.organisation = organisation
        row.save(update_fields=["organisation"])
    if edition.venue_id is not None:
        return None
    venue = organisation.venues.annotate(last_used=Max("editions__start_date")).order_by(
        F("last_used").desc(nulls_last=True), "pk"
    ).first()
    created = None
    if venue is None:
        venue = Venue.objects.filter(name__iexact=organisation.name, organisation__isnull=True).first()
        if venue is not None:
            venue.organisation = organisation
            venue.save(update_fields=["organisation"])
    if venue is None:
        name, number = organisation.name, 1
        while Venue.objects.filter(name__iexact=name).exists():  # another organisation's venue has the name
            number += 1
            name = f"{organisation.name} ({number})"
        venue = created = Venue.objects.create(name=name, organisation=organisation, address=new_venue_address.strip())
    edition.venue = venue
    edition.save(update_fields=["venue"])
    return created
