"""The calendar file an RSVP's mail carries: the edition's event, as /meetups/<code>/calendar.ics has it."""

from django.urls import reverse

from meetups.calendar import build_calendar, event_editions


def rsvp_calendar(rsvp):
    edition = event_editions().get(pk=rsvp.edition_id)
    source = rsvp.site_url + reverse("meetups:edition_calendar", args=[edition.code.lower()])
    return build_calendar([edition], rsvp.site_url, name=edition.display_title, source_url=source).to_ical().decode()
