"""The mails of an RSVP, through the outbox's queue: where you stand, an offer, a lapsed offer, your link."""

from django.template.loader import render_to_string
from django.urls import reverse

from meetups.calendar import location_text
from meetups.models import SiteProfile
from outbox.services import queue_mail


def _context(rsvp):
    profile = SiteProfile.cached()
    return {
        "rsvp": rsvp,
        "edition": rsvp.edition,
        "profile": profile,
        "location": location_text(rsvp.edition),
        "rsvp_url": rsvp.site_url + rsvp.get_absolute_url(),
        "edition_url": rsvp.site_url + rsvp.edition.get_absolute_url(),
        "calendar_url": rsvp.site_url + reverse("meetups:edition_calendar", args=[rsvp.edition.code.lower()]),
    }


def _send(rsvp, kind, subject, template, attachments=(), once_key=None):
    context = _context(rsvp)
    queue_mail(
        f"rsvp: {kind}",
        [rsvp.email],
        subject.format(edition=rsvp.edition.display_title),
        render_to_string(f"rsvps/email/{template}.txt", context),
        attachments=attachments,
        once_key=once_key,
    )


def status_mail(rsvp):
    """Going (with the calendar file) or waiting, with the personal link."""
    if rsvp.status == rsvp.Status.GOING:
        from .calendar import rsvp_calendar

        ics = ((f"meetup-{rsvp.edition.code.lower()}.ics", rsvp_calendar(rsvp), "text/calendar"),)
        _send(rsvp, "going", "You're coming: {edition}", "going", ics)
    elif rsvp.status == rsvp.Status.WAITING:
        _send(rsvp, "waiting", "On the waiting list: {edition}", "waiting")


def link_again(rsvp):
    _send(rsvp, "link again", "Your RSVP: {edition}", "link_again")


def offer(rsvp):
    _send(rsvp, "offer", "A seat for you: {edition} (please answer)", "offer")


def lapsed(rsvp):
    _send(rsvp, "offer lapsed", "Your offered seat went to the next person: {edition}", "lapsed")


def cancelled(rsvp):
    _send(rsvp, "cancelled", "Cancelled: {edition}", "cancelled")


def reminder(rsvp):
    """The day before: the cancel link first. Once per person and edition, however often it is asked for."""
    _send(rsvp, "reminder", "Tomorrow: {edition} (can't come? give your seat away)", "reminder",
          once_key=f"rsvp-reminder-{rsvp.edition_id}")  # fmt: skip


def self_check_in(rsvp, link):
    context = {**_context(rsvp), "link": link}
    queue_mail(
        "rsvp: self check-in",
        [rsvp.email],
        f"Check in: {rsvp.edition.display_title}",
        render_to_string("rsvps/email/self_check_in.txt", context),
    )
