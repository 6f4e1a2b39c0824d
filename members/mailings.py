"""Mailings to the list: compose, preview, test send, then send to every member in batches, at a rate.

An organizer's draft is composed once (compose(), when the admin saves it): subject, text, HTML
and, for an announcement, the edition's calendar file are kept on the Mailing, so the preview,
the test send and every member's copy are the same mail. Sending queues one outbox mail per
member of the list, batch by batch, each with the member's own unsubscribe link and the RFC 8058
headers; a member gets a mailing once, whatever happens to the worker (the copy's once_key),
and a batch that a killed worker left half sent is finished by the next one (resume()).
"""

import time
from urllib.parse import quote_plus, urljoin

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from meetups.calendar import agenda_lines, build_calendar, calendar_editions, event_editions, location_text
from meetups.markup import render_markdown
from meetups.models import SiteProfile
from outbox.models import OutgoingMail
from outbox.services import deliver, queue_group, queue_mail
from raffles.models import Raffle

from .models import Mailing, Subscriber
from .services import list_headers, unsubscribe_url

# Stands for the member's own unsubscribe link in a composed mail; each copy has its own.
UNSUBSCRIBE_MARK = "https://unsubscribe.invalid/member-link"


class SendRefused(Exception):
    """A send the organizer must not (or not yet) do: the message says why and what to do."""


def announcement_subject(edition):
    return f"{edition.display_title}, {edition.start_date:%-d %B %Y}"


def _map_url(venue):
    if venue.map_url:
        return venue.map_url
    query = ", ".join(part for part in [venue.name, " ".join(venue.address.split())] if part)
    return f"https://www.openstreetmap.org/search?query={quote_plus(query)}"


def _markdown(text, top_level):
    # render_markdown() sanitizes its HTML (meetups.markup): safe to put in the mail as it is.
    return mark_safe(render_markdown(text, top_level=top_level)) if text.strip() else ""  # noqa: S308


def _speakers(talk):
    """ "Ada Lovelace (TU Wien), Alan Turing" from a talk of calendar_editions()."""
    return ", ".join(
        f"{row.person.name} ({row.affiliation})" if row.affiliation else row.person.name
        for row in talk.talk_speakers.all()
    )


def _agenda_rows(edition, talks):
    rows = []
    for item in edition.agenda_items.all():
        talk = talks.get(item.talk_id)
        rows.append({"time": item.start_time, "title": item.title, "speakers": _speakers(talk) if talk else ""})
    return rows


def _announcement_context(mailing, site_url):
    edition = calendar_editions().filter(pk=mailing.edition_id).first()
    if edition is None:
        raise SendRefused("Publish the edition first: the announcement links to its page.")
    host = edition.host_sponsorships[0].organisation if edition.host_sponsorships else None
    page_url = urljoin(site_url, edition.get_absolute_url())
    calendar_url = urljoin(site_url, reverse("meetups:edition_calendar", args=[edition.code.lower()]))
    raffles = Raffle.objects.filter(edition=edition, closes_at__gt=timezone.now()).order_by("closes_at")
    return {
        "edition": edition,
        "host": host,
        "host_logo_url": urljoin(site_url, host.logo.url) if host and host.logo else "",
        "location": location_text(edition),
        "map_url": _map_url(edition.venue) if edition.venue else "",
        "agenda": agenda_lines(edition),
        "agenda_rows": _agenda_rows(edition, {talk.pk: talk for talk in edition.talks.all()}),
        "talks": [
            {"talk": talk, "speakers": _speakers(talk), "abstract_html": _markdown(talk.abstract, 4)}
            for talk in edition.talks.all()
        ],
        "raffles": [(raffle, urljoin(site_url, raffle.get_absolute_url())) for raffle in raffles],
        "page_url": page_url,
        "calendar_url": calendar_url,
    }


def _calendar_file(mailing, site_url):
    edition = event_editions().get(pk=mailing.edition_id)
    source = urljoin(site_url, reverse("meetups:edition_calendar", args=[edition.code.lower()]))
    return (
        build_calendar([edition], site_url, name=edition.display_title, source_url=source)
        .to_ical()
        .decode()
    )


def compose(mailing, site_url):
    """Make the mail of a draft for the site at `site_url`: plain text and HTML from templates, an announcement's .ics.

    Raises SendRefused when the draft cannot become a mail (an edition that is not published).
    """
    profile = SiteProfile.cached()
    context = {
        "mailing": mailing,
        "profile": profile,
        "intro_html": _markdown(mailing.text, 2),
        "site_url": site_url,
        "privacy_url": urljoin(site_url, reverse("meetups:privacy")) + "#invitations",
        "unsubscribe_url": UNSUBSCRIBE_MARK,
    }
    # The worker has no request: the members' links are made on the address the organizer used.
    mailing.site_url = context["site_url"]
    if mailing.kind == Mailing.Kind.ANNOUNCEMENT:
        context.update(_announcement_context(mailing, site_url))
        mailing.calendar = _calendar_file(mailing, site_url)
    else:
        mailing.calendar = ""
    mailing.body_text = render_to_string(f"members/email/{mailing.kind}.txt", context)
    mailing.body_html = render_to_string(f"members/email/{mailing.kind}.html", context)
    return mailing


def _copy(mailing, subscriber, base_url):
    """Text, HTML and headers of one member's copy."""
    link = unsubscribe_url(subscriber, base_url)
    return (
        mailing.body_text.replace(UNSUBSCRIBE_MARK, link),
        mailing.body_html.replace(UNSUBSCRIBE_MARK, link),
        list_headers(subscriber, base_url),
    )


def _attachments(mailing):
    if not mailing.calendar:
        return ()
    return ((f"meetup-{mailing.edition.code.lower()}.ics", mailing.calendar, "text/calendar"),)


def send_test(mailing, email, base_url):
    """Send the composed mail to one address (the organizer's), marked as a test; the list gets nothing."""
    link = base_url.rstrip("/") + reverse("members:subscribe")
    queue_mail(
        "mailing: test",
        [email],
        f"[Test] {mailing.subject}",
        mailing.body_text.replace(UNSUBSCRIBE_MARK, link),
        html=mailing.body_html.replace(UNSUBSCRIBE_MARK, link),
        attachments=_attachments(mailing),
    )


def earlier_sends(mailing):
    """Announcements of the same edition that went out (or are going out) before this one."""
    if mailing.kind != Mailing.Kind.ANNOUNCEMENT:
        return Mailing.objects.none()
    return (
        Mailing.objects.filter(edition_id=mailing.edition_id)
        .exclude(pk=mailing.pk)
        .exclude(status=Mailing.Status.DRAFT)
    )


def recipients():
    """Who a mailing goes to: the confirmed addresses, nobody pending or bounced."""
    return Subscriber.objects.filter(status=Subscriber.Status.SUBSCRIBED)


def start_sending(mailing, user, *, resend_confirmed=False):
    """Begin sending a composed draft to the list; the worker's batches do the rest. Raises SendRefused.

    An edition is announced once: a second announcement of it needs `resend_confirmed`.
    """
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
        if not mailing.is_draft:
            raise SendRefused("This mailing has been sent already.")
        if not mailing.body_text:
            raise SendRefused("Save the draft first: the mail is composed when it is saved.")
        if earlier_sends(mailing).exists() and not resend_confirmed:
            raise SendRefused("This edition has been announced before. Tick “Send it again” to announce it once more.")
        mailing.status, mailing.sent_by, mailing.started_at = Mailing.Status.SENDING, user, timezone.now()
        mailing.recipient_count = recipients().count()
        mailing.save(update_fields=["status", "sent_by", "started_at", "recipient_count"])
        transaction.on_commit(lambda: _next_batch(mailing.pk), robust=True)
    return mailing


def _next_batch(mailing_id):
    from .tasks import send_mailing_batch

    send_mailing_batch.enqueue(mailing_id)


def queue_next_batch(mailing, base_url):
    """Queue the copies of the next MAILING_BATCH_SIZE members; False when everyone has one."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
        batch = list(
            recipients().filter(pk__gt=mailing.last_subscriber_id).order_by("pk")[: settings.MAILING_BATCH_SIZE]
        )
        if not batch:
            if mailing.status == Mailing.Status.SENDING:
                mailing.status, mailing.finished_at = Mailing.Status.SENT, timezone.now()
                mailing.save(update_fields=["status", "finished_at"])
            return False
        copies = [(subscriber.email, mailing.subject, *_copy(mailing, subscriber, base_url)) for subscriber in batch]
        queue_group(f"mailing: {mailing.kind}", mailing.group, mailing.group, copies, attachments=_attachments(mailing))
        mailing.last_subscriber_id = batch[-1].pk
        mailing.save(update_fields=["last_subscriber_id"])
    return True


def deliver_queued(mailing, now=None):
    """Send the mailing's queued copies that are due, at most MAILING_RATE a second, over one connection."""
    now = now or timezone.now()
    due = OutgoingMail.objects.filter(group=mailing.group, status=OutgoingMail.Status.QUEUED).exclude(
        next_attempt_at__gt=now
    )
    interval = 1 / settings.MAILING_RATE if settings.MAILING_RATE else 0
    next_slot = time.monotonic()
    with get_connection() as connection:
        for mail_id in due.order_by("pk").values_list("pk", flat=True):
            time.sleep(max(0.0, next_slot - time.monotonic()))
            next_slot = max(next_slot, time.monotonic()) + interval
            deliver(mail_id, connection=connection)


def send_batch(mailing_id):
    """One batch of a mailing (the worker's task): finish what is queued, queue the next members, send them.

    Each batch hands the next one to the queue, so other mail (a raffle confirmation) is not
    kept waiting behind a whole mailing.
    """
    mailing = Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).select_related("edition").first()
    if mailing is None:
        return
    deliver_queued(mailing)
    if queue_next_batch(mailing, mailing.site_url):
        deliver_queued(mailing)
        _next_batch(mailing.pk)


def resume(now=None):
    """Start the batches again of every mailing still sending (a worker was stopped); returns how many.

    A batch started twice sends nothing twice: each copy is claimed before it is sent.
    """
    sending = list(Mailing.objects.filter(status=Mailing.Status.SENDING).values_list("pk", flat=True))
    for pk in sending:
        _next_batch(pk)
    return len(sending)


def delivery_counts(mailing):
    """{"queued": n, "sending": n, "sent": n, "failed": n} of the members' copies."""
    counts = dict.fromkeys(OutgoingMail.Status.values, 0)
    rows = OutgoingMail.objects.filter(group=mailing.group).order_by().values("status").annotate(count=Count("pk"))
    counts.update({row["status"]: row["count"] for row in rows})
    return counts
