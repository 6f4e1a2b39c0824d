"""iCalendar (RFC 5545) for editions: one edition to add, or all for a subscription.

Calendar apps import the file once ("Add to calendar") or poll the
subscription URL; either way an event must stay recognisable across
downloads (stable UID), keep its local time across daylight saving changes
(DTSTART with TZID=Europe/Vienna and a VTIMEZONE), and show where and what
(LOCATION with the address, DESCRIPTION with the agenda and speakers).

The icalendar library writes the file. Three queries: the editions with venue
and host, then the agenda items and the talks with their speakers as values, as
the description lists them.
"""

import datetime
from collections import defaultdict
from urllib.parse import urlencode, urlsplit

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from sponsors.models import Sponsorship
from talks.models import Talk
from vdlm.validators import LAST_EVENT_DATE, one_line

from .models import AgendaItem, Edition, SiteProfile
from .schedule import edition_end, edition_start, local_datetime

# The subscription keeps a year of past editions, so a subscriber's calendar still
# shows the meetups they went to; older ones are in the archive.
SUBSCRIPTION_PAST_DAYS = 365
# Calendar apps should look again twice a day: agendas fill in during the month before.
REFRESH_INTERVAL = datetime.timedelta(hours=12)


def calendar_editions():
    """Published editions with everything an event shows (venue, host, agenda, talks, speakers).

    Five queries however many editions: the editions, then one per relation. The
    edition feed reads these; the calendar files read event_editions().
    """
    hosts = Sponsorship.objects.filter(role=Sponsorship.Role.HOST).select_related("organisation")
    return (
        Edition.objects.published()
        .select_related("venue")
        .prefetch_related(
            Prefetch("sponsorships", queryset=hosts, to_attr="host_sponsorships"),
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position")),
            Prefetch("talks", queryset=Talk.objects.order_by("title", "pk").with_speakers()),
        )
    )


def event_editions():
    """Published editions with their venue and, as `host_name`, their host's name (None without a host).

    One query; build_calendar() reads the agendas and talks of all of them in two more.
    """
    host = Sponsorship.objects.filter(edition=OuterRef("pk"), role=Sponsorship.Role.HOST).order_by()
    return (
        Edition.objects.published()
        .select_related("venue")
        .annotate(host_name=Subquery(host.values("organisation__name")[:1]))
    )


def subscription_editions():
    """What the subscription lists: upcoming editions and those of the past year, oldest first (event_editions())."""
    cutoff = timezone.localdate() - datetime.timedelta(days=SUBSCRIPTION_PAST_DAYS)
    return (
        event_editions()
        .filter(Q(end_date__isnull=True, start_date__gte=cutoff) | Q(end_date__gte=cutoff))
        .order_by("start_date", "start_time", "pk")
    )


def _host_name(site_url):
    domain, _port = split_domain_port(urlsplit(site_url).netloc)
    return domain or "localhost"


def location_text(edition):
    """ "Takeda Austria, Industriestraße 67, 1220 Wien", with the stream for online editions.

    One line, whatever the rows hold (LOCATION is a single-line property).
    """
    return one_line(_location(edition))


def _location(edition):
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


def _speaker(name, affiliation):
    return f"{name} ({affiliation})" if affiliation else name


def _speaker_names(talk):
    return "; ".join(_speaker(speaker.person.name, speaker.affiliation) for speaker in talk.talk_speakers.all())


def _line(title, speakers):
    return f"{title} – {speakers}" if speakers else title


def _agenda(items, talks):
    """The agenda lines of (title, start time, talk pk) items and {talk pk: (title, speakers)} talks, in order."""
    lines = []
    for title, start_time, talk_id in items:
        talk = talks.get(talk_id)
        text = _line(title, talk[1] if talk is not None else "")
        lines.append(f"{start_time:%H:%M} {text}" if start_time is not None else text)
    on_agenda = {talk_id for _title, _start_time, talk_id in items}
    lines += [_line(title, speakers) for pk, (title, speakers) in talks.items() if pk not in on_agenda]
    return lines


def agenda_lines(edition):
    """The agenda as the invitation lists it, one line per item; talks not on the agenda follow.

    "18:30 Welcome & Introduction", "18:55 Self-Supervised Deep Learning –
    Christoph Bonitz (Njinn Technologies)". For an edition of calendar_editions().
    """
    talks = {talk.pk: (talk.title, _speaker_names(talk)) for talk in edition.talks.all()}
    items = [(item.title, item.start_time, item.talk_id) for item in edition.agenda_items.all()]
    return _agenda(items, talks)


def _agenda_rows(edition_ids):
    rows = AgendaItem.objects.filter(edition_id__in=edition_ids).order_by("position")
    return rows.values_list("edition_id", "title", "start_time", "talk_id")


def _talk_rows(edition_ids):
    """Talks with their speakers in one query: a row per speaker, one row without a name for a talk without."""
    rows = Talk.objects.filter(edition_id__in=edition_ids).order_by(
        "title", "pk", "talk_speakers__position", "talk_speakers__pk"
    )
    return rows.values_list("edition_id", "pk", "title", "talk_speakers__person__name", "talk_speakers__affiliation")


def _agendas(edition_ids):
    """{edition pk: agenda lines} of these editions, in two queries (none without editions)."""
    if not edition_ids:
        return {}
    items = defaultdict(list)
    for edition_id, *item in _agenda_rows(edition_ids):
        items[edition_id].append(item)
    speakers = defaultdict(dict)
    for edition_id, pk, title, name, affiliation in _talk_rows(edition_ids):
        names = speakers[edition_id].setdefault(pk, (title, []))[1]
        if name is not None:
            names.append(_speaker(name, affiliation))
    return {
        edition_id: _agenda(
            items.get(edition_id, []),
            {pk: (title, "; ".join(names)) for pk, (title, names) in speakers.get(edition_id, {}).items()},
        )
        for edition_id in edition_ids
    }


def description_text(edition, page_url, agenda, host_name):
    """The event's DESCRIPTION: topic, agenda with speakers, host, stream and links."""
    lines = []
    if edition.cancelled:
        lines += ["Cancelled: this edition does not take place.", ""]
    if edition.topic:
        lines += [edition.topic, ""]
    lines += agenda
    if lines and lines[-1]:
        lines.append("")
    if host_name is not None:
        lines.append(f"Hosted by {host_name}.")
    if edition.attendance != Edition.Attendance.IN_PERSON and edition.stream_url:
        lines.append(f"Stream: {edition.stream_url}")
    if edition.meetup_url:
        lines.append(f"RSVP: {edition.meetup_url}")
    lines.append(f"Details, slides and videos: {page_url}")
    # A control character of a row stored before the fields refused them must not reach the
    # file raw (RFC 5545 TEXT allows none): each becomes a space, and line breaks stay breaks.
    return "\n".join(map(one_line, "\n".join(lines).splitlines()))


def _summary(edition):
    """SUMMARY, the event's title: one line (also Google Calendar's "text")."""
    title = one_line(edition.display_title)
    return f"Cancelled: {title}" if edition.cancelled else title


def _event_end(edition):
    end = edition_end(edition)
    if isinstance(end, datetime.datetime):
        return end
    if edition.start_time is None:
        # All-day events end on the day after, exclusively (RFC 5545 3.6.1).
        return end + datetime.timedelta(days=1)
    # A start time but no end time: until the end of the last day, rather than a guess.
    return local_datetime(end + datetime.timedelta(days=1), datetime.time(0, 0))


def _event(edition, page_url, uid, agenda):
    """The VEVENT of one edition; DTSTART and DTEND in the site's time zone (TZID), or dates for all-day events."""
    location = location_text(edition)
    return Event.new(
        summary=_summary(edition),
        start=edition_start(edition),
        end=_event_end(edition),
        stamp=edition.updated_at,
        uid=uid,
        categories=[edition.get_kind_display()],
        created=edition.created_at,
        description=description_text(edition, page_url, agenda, edition.host_name),
        last_modified=edition.updated_at,
        location=location or None,
        status="CANCELLED" if edition.cancelled else "CONFIRMED",
        url=page_url,
    )


def build_calendar(editions, site_url, *, name, source_url):
    """A VCALENDAR with one VEVENT per edition (of event_editions()) and the VTIMEZONE its times refer to.

    `name` is what calendar apps call the calendar; `source_url` is where it can be
    fetched again (RFC 7986 SOURCE). The VTIMEZONE covers the years of the events,
    so Vienna's switches between CET (+01:00) and CEST (+02:00) are in the file.
    """
    editions = list(editions)
    agendas = _agendas([edition.pk for edition in editions])
    site_url = site_url.rstrip("/")
    host = _host_name(site_url)
    # icalendar writes these properties raw and refuses a line break in any of them (a 500 for
    # every download, issue #17): the names are made one line here, whatever the rows hold.
    name = one_line(name)
    group = one_line(SiteProfile.cached().group_name)
    calendar = Calendar.new(
        prodid=f"-//{group}//vdlm//EN",
        name=name,
        description=f"Meetups, workshops and special events of the {group}.",
        uid=f"calendar@{host}",
        url=site_url + reverse("meetups:edition_list"),
        source=source_url,
        refresh_interval=REFRESH_INTERVAL,
        method="PUBLISH",
        calscale="GREGORIAN",
    )
    calendar["X-WR-TIMEZONE"] = timezone.get_default_timezone_name()
    calendar["X-PUBLISHED-TTL"] = "PT12H"
    for edition in editions:
        page_url = site_url + edition.get_absolute_url()
        # Built on the primary key, which stays when an organizer corrects the code.
        uid = f"edition-{edition.pk}@{host}"
        calendar.add_component(_event(edition, page_url, uid, agendas[edition.pk]))
    if editions:
        first = min(edition.start_date for edition in editions)
        last = max(edition.last_date for edition in editions)
        # A time zone icalendar does not know gets no VTIMEZONE (add_missing_timezones skips it).
        calendar.add_missing_timezones(
            first_date=datetime.date(first.year, 1, 1),
            # A date the form refuses (a placeholder 31.12.9999) stored anyway still gives a calendar.
            last_date=datetime.date(min(last.year, LAST_EVENT_DATE.year) + 1, 12, 31),
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
