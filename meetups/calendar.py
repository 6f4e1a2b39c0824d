"""iCalendar (RFC 5545) for editions: one edition to add, or all for a subscription.

Calendar apps import the file once ("Add to calendar") or poll the
subscription URL; either way an event must stay recognisable across
downloads (stable UID), keep its local time across daylight saving changes
(DTSTART with TZID=Europe/Vienna and a VTIMEZONE), and show where and what
(LOCATION with the address, DESCRIPTION with the agenda and speakers).
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Prefetch, Q
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from sponsors.models import Sponsorship
from talks.models import Talk

from .models import AgendaItem, Edition, SiteProfile
from .queries import speakers_prefetch
from .schedule import agenda_slots, edition_end, edition_start, local_datetime

# The subscription keeps a year of past editions, so a subscriber's calendar still
# shows the meetups they went to; older ones are in the archive.
SUBSCRIPTION_PAST_DAYS = 365
# Calendar apps should look again twice a day: agendas fill in during the month before.
REFRESH_INTERVAL = datetime.timedelta(hours=12)


def calendar_editions():
    """Published editions with everything an event shows (venue, host, agenda, talks, speakers).

    Five queries however many editions: the editions, then one per relation.
    """
    hosts = Sponsorship.objects.filter(role=Sponsorship.Role.HOST).select_related("organisation")
    return (
        Edition.objects.published()
        .select_related("venue")
        .prefetch_related(
            Prefetch("sponsorships", queryset=hosts, to_attr="host_sponsorships"),
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position")),
            Prefetch("talks", queryset=Talk.objects.order_by("title", "pk").prefetch_related(speakers_prefetch())),
        )
    )


def subscription_editions():
    """What the subscription lists: upcoming editions and those of the past year, oldest first."""
    cutoff = timezone.localdate() - datetime.timedelta(days=SUBSCRIPTION_PAST_DAYS)
    return calendar_editions().filter(
        Q(end_date__isnull=True, start_date__gte=cutoff) | Q(end_date__gte=cutoff)
    ).order_by("start_date", "start_time", "pk")


def _host_name(request):
    domain, _port = split_domain_port(request.get_host())
    return domain or "localhost"


def event_uid(edition, request):
    """ "edition-7@example.org": built on the primary key, which stays when an organizer corrects the code."""
    return f"edition-{edition.pk}@{_host_name(request)}"


def location_text(edition):
    """"Takeda Austria, Industriestraße 67, 1220 Wien", with the stream for online editions."""
    parts = []
    if edition.venue is not None and edition.attendance != Edition.Attendance.ONLINE:
        parts.append(edition.venue.name)
        parts.extend(line.strip() for line in edition.venue.address.replace("\n", ",").split(",") if line.strip())
    place = ", ".join(parts)
    if edition.attendance == Edition.Attendance.ONLINE:
        return f"Online: {edition.stream_url}" if edition.stream_url else "Online"
    if edition.attendance == Edition.Attendance.HYBRID and edition.stream_url:
        return f"{place} and online: {edition.stream_url}" if place else f"Online: {edition.stream_url}"
    return place


def _speaker_names(talk):
    names = [
        f"{speaker.person.name} ({speaker.affiliation})" if speaker.affiliation else speaker.person.name
        for speaker in talk.talk_speakers.all()
    ]
    return "; ".join(names)


def _line(title, talk):
    speakers = _speaker_names(talk) if talk is not None else ""
    return f"{title} – {speakers}" if speakers else title


def agenda_lines(edition):
    """The agenda as the invitation lists it, one line per item; talks not on the agenda follow.

    "18:30 Welcome & Introduction", "18:55 Self-Supervised Deep Learning –
    Christoph Bonitz (Njinn Technologies)".
    """
    talks = {talk.pk: talk for talk in edition.talks.all()}
    items = list(edition.agenda_items.all())
    lines = []
    for item, start, _end in agenda_slots(edition, items):
        text = _line(item.title, talks.get(item.talk_id))
        lines.append(f"{start:%H:%M} {text}" if start else text)
    on_agenda = {item.talk_id for item in items}
    lines += [_line(talk.title, talk) for talk in talks.values() if talk.pk not in on_agenda]
    return lines


def description_text(edition, page_url):
    """The event's DESCRIPTION: topic, agenda with speakers, host, stream and links."""
    lines = []
    if edition.cancelled:
        lines += ["Cancelled: this edition does not take place.", ""]
    if edition.topic:
        lines += [edition.topic, ""]
    lines += agenda_lines(edition)
    if lines and lines[-1]:
        lines.append("")
    hosts = getattr(edition, "host_sponsorships", None)
    if hosts:
        lines.append(f"Hosted by {hosts[0].organisation.name}.")
    if edition.attendance != Edition.Attendance.IN_PERSON and edition.stream_url:
        lines.append(f"Stream: {edition.stream_url}")
    if edition.meetup_url:
        lines.append(f"RSVP: {edition.meetup_url}")
    lines.append(f"Details, slides and videos: {page_url}")
    return "\n".join(lines)


def _summary(edition):
    return f"Cancelled: {edition.display_title}" if edition.cancelled else edition.display_title


def _event_end(edition):
    end = edition_end(edition)
    if isinstance(end, datetime.datetime):
        return end
    if edition.start_time is None:
        # All-day events end on the day after, exclusively (RFC 5545 3.6.1).
        return end + datetime.timedelta(days=1)
    # A start time but no end time: until the end of the last day, rather than a guess.
    return local_datetime(end + datetime.timedelta(days=1), datetime.time(0, 0))


def build_event(edition, request):
    """The VEVENT of one edition (prefetched as calendar_editions() does)."""
    page_url = request.build_absolute_uri(edition.get_absolute_url())
    return Event.new(
        uid=event_uid(edition, request),
        summary=_summary(edition),
        start=edition_start(edition),
        end=_event_end(edition),
        stamp=edition.updated_at,
        created=edition.created_at,
        last_modified=edition.updated_at,
        location=location_text(edition) or None,
        description=description_text(edition, page_url),
        url=page_url,
        status="CANCELLED" if edition.cancelled else "CONFIRMED",
        categories=[edition.get_kind_display()],
    )


def build_calendar(editions, request, *, name, source_url):
    """A VCALENDAR with one VEVENT per edition and the VTIMEZONE its times refer to.

    `name` is what calendar apps call the calendar; `source_url` is where it can be
    fetched again (RFC 7986 SOURCE). The VTIMEZONE covers the years of the events,
    so Vienna's switches between CET (+01:00) and CEST (+02:00) are in the file.
    """
    group = SiteProfile.cached().group_name
    calendar = Calendar.new(
        prodid=f"-//{group}//vdlm//EN",
        name=name,
        description=f"Meetups, workshops and special events of the {group}.",
        uid=f"calendar@{_host_name(request)}",
        url=request.build_absolute_uri(reverse("meetups:edition_list")),
        source=source_url,
        refresh_interval=REFRESH_INTERVAL,
        method="PUBLISH",
        calscale="GREGORIAN",
    )
    calendar["X-WR-TIMEZONE"] = timezone.get_default_timezone_name()
    calendar["X-PUBLISHED-TTL"] = "PT12H"
    editions = list(editions)
    for edition in editions:
        calendar.add_component(build_event(edition, request))
    if editions:
        first = min(edition.start_date for edition in editions)
        last = max(edition.last_date for edition in editions)
        calendar.add_missing_timezones(
            first_date=datetime.date(first.year, 1, 1), last_date=datetime.date(last.year + 1, 12, 31)
        )
    return calendar


def google_calendar_url(edition, request):
    """A link that opens Google Calendar's "new event" form filled in with this edition."""
    start, end = edition_start(edition), _event_end(edition)
    if isinstance(start, datetime.datetime):
        dates = f"{start:%Y%m%dT%H%M%S}/{end.astimezone(start.tzinfo):%Y%m%dT%H%M%S}"
    else:
        dates = f"{start:%Y%m%d}/{end:%Y%m%d}"
    page_url = request.build_absolute_uri(edition.get_absolute_url())
    query = {
        "action": "TEMPLATE",
        "text": _summary(edition),
        "dates": dates,
        "ctz": timezone.get_default_timezone_name(),
        "details": f"{edition.topic}\n\n{page_url}" if edition.topic else page_url,
        "location": location_text(edition),
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)
