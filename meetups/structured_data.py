"""schema.org JSON-LD for edition and talk pages, built as plain dicts.

Search engines show an event as a rich result from this data: Google requires
name, startDate and location, and recommends description, endDate,
eventStatus, eventAttendanceMode, image, offers, organizer and performer.
The pages render the dicts with {% json_ld %} as <script type="application/ld+json">.
"""

import re

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import strip_tags

from sponsors.models import Sponsorship
from vdlm.links import absolute

from .markup import render_markdown
from .models import Edition, SiteProfile
from .schedule import edition_end, edition_start, iso, talk_slots

SCHEMA_ORG = "https://schema.org"
DEFAULT_IMAGE = "img/og-default.png"

EVENT_STATUS = {False: f"{SCHEMA_ORG}/EventScheduled", True: f"{SCHEMA_ORG}/EventCancelled"}
ATTENDANCE_MODE = {
    Edition.Attendance.IN_PERSON: f"{SCHEMA_ORG}/OfflineEventAttendanceMode",
    Edition.Attendance.ONLINE: f"{SCHEMA_ORG}/OnlineEventAttendanceMode",
    Edition.Attendance.HYBRID: f"{SCHEMA_ORG}/MixedEventAttendanceMode",
}
_POSTCODE_AND_CITY = re.compile(r"^(?:A-)?(\d{4,5})\s+(.+)$")
_COUNTRIES = {"austria": "AT", "österreich": "AT"}
_VIENNA = {"wien", "vienna"}


def plain_text(markdown_text):
    """Markdown as one line of plain text (what a search result can show)."""
    return " ".join(strip_tags(render_markdown(markdown_text)).split())


def postal_address(text):
    """A PostalAddress from an address as written on a letter.

    "Industriestraße 67\\n1220 Wien" (or with a comma) gives streetAddress,
    postalCode and addressLocality; Vienna (the group's city) gives
    addressCountry AT. Whatever does not fit stays in streetAddress.
    """
    parts = [part.strip() for part in re.split(r"[\n,]", text or "") if part.strip()]
    address = {"@type": "PostalAddress"}
    if parts and parts[-1].lower() in _COUNTRIES:
        address["addressCountry"] = _COUNTRIES[parts.pop().lower()]
    match = _POSTCODE_AND_CITY.match(parts[-1]) if parts else None
    if match:
        parts.pop()
        address["postalCode"], address["addressLocality"] = match.groups()
    if parts:
        address["streetAddress"] = ", ".join(parts)
    if address.get("addressLocality", "").lower() in _VIENNA:
        address["addressCountry"] = "AT"
    if len(address) == 1:
        # No address yet: every edition is in Vienna, which is true and all a search engine needs.
        address.update(addressLocality="Wien", addressCountry="AT")
    return address


def _place(venue):
    if venue is None:
        return {"@type": "Place", "name": "Vienna", "address": postal_address("")}
    return {"@type": "Place", "name": venue.name, "address": postal_address(venue.address)}


def location(edition, page_url):
    """Place (with PostalAddress), VirtualLocation, or both for hybrid editions."""
    virtual = {"@type": "VirtualLocation", "url": edition.stream_url or page_url}
    if edition.attendance == Edition.Attendance.ONLINE:
        return virtual
    if edition.attendance == Edition.Attendance.HYBRID:
        return [_place(edition.venue), virtual]
    return _place(edition.venue)


def _organisation(organisation, request):
    data = {
        "@type": "Organization",
        "name": organisation.name,
        "url": organisation.website or request.build_absolute_uri(organisation.get_absolute_url()),
    }
    if organisation.logo:
        data["logo"] = request.build_absolute_uri(organisation.logo.url)
    return data


def _person(talk_speaker, request):
    data = {
        "@type": "Person",
        "name": talk_speaker.person.name,
        "url": absolute(request, talk_speaker.person.get_absolute_url()),
    }
    if talk_speaker.affiliation:
        data["affiliation"] = {"@type": "Organization", "name": talk_speaker.affiliation}
    return data


def _performers(talks, request):
    """Each speaker once, in the order of the talks, with the affiliation of their first talk."""
    seen, people = set(), []
    for talk in talks:
        for talk_speaker in talk.talk_speakers.all():
            if talk_speaker.person_id not in seen:
                seen.add(talk_speaker.person_id)
                people.append(_person(talk_speaker, request))
    return people


def _shared(edition, request, sponsorships, page_url):
    """What an edition and each of its talks have in common: status, place, organizer, sponsors, offer."""
    host = next((row for row in sponsorships if row.role == Sponsorship.Role.HOST), None)
    if host is not None and host.organisation.logo:
        image = request.build_absolute_uri(host.organisation.logo.url)
    else:
        image = request.build_absolute_uri(static(DEFAULT_IMAGE))
    # The host first: it is the sponsor that matters most for the evening.
    ordered = ([host] if host else []) + [row for row in sponsorships if row is not host]
    open_for_registration = edition.is_upcoming and not edition.cancelled
    data = {
        "eventStatus": EVENT_STATUS[edition.cancelled],
        "eventAttendanceMode": ATTENDANCE_MODE[edition.attendance],
        "location": location(edition, page_url),
        "image": [image],
        "organizer": {
            "@type": "Organization",
            "name": SiteProfile.cached().group_name,
            "url": request.build_absolute_uri(reverse("meetups:home")),
        },
        "isAccessibleForFree": True,
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "EUR",
            "availability": f"{SCHEMA_ORG}/{'InStock' if open_for_registration else 'Discontinued'}",
            "url": edition.meetup_url or page_url,
        },
    }
    if ordered:
        data["sponsor"] = [_organisation(row.organisation, request) for row in ordered]
    return data


def _description(*candidates):
    return next((text for text in candidates if text), "")


def edition_event(edition, request, *, sponsorships, agenda, talks):
    """The Event of an edition page, with each talk as a subEvent.

    `sponsorships`, `agenda` (items in order) and `talks` (in agenda order, with
    prefetched speakers) are what the page already loaded: no extra queries.
    """
    page_url = absolute(request, edition.get_absolute_url())
    slots = talk_slots(edition, agenda)
    shared = _shared(edition, request, sponsorships, page_url)
    sub_events = []
    for talk in talks:
        sub_event = {
            "@type": "Event",
            "name": talk.title,
            "url": absolute(request, talk.get_absolute_url()),
            "eventStatus": shared["eventStatus"],
            "eventAttendanceMode": shared["eventAttendanceMode"],
            "location": shared["location"],
        }
        if talk.pk in slots:
            start, end = slots[talk.pk]
            sub_event["startDate"] = iso(start)
            if end is not None:
                sub_event["endDate"] = iso(end)
        performers = _performers([talk], request)
        if performers:
            sub_event["performer"] = performers
        sub_events.append(sub_event)
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Event",
        "@id": f"{page_url}#event",
        "name": edition.display_title,
        "description": _description(
            " ".join(filter(None, [edition.topic and f"{edition.topic}.", plain_text(edition.description)])),
            f"{edition.display_title} in Vienna.",
        ),
        "url": page_url,
        "startDate": iso(edition_start(edition)),
        "endDate": iso(edition_end(edition)),
        **shared,
    }
    performers = _performers(talks, request)
    if performers:
        data["performer"] = performers
    if sub_events:
        data["subEvent"] = sub_events
    return data


def talk_event(talk, request, *, sponsorships, agenda):
    """The Event of a talk page: the talk's slot (or the edition's time) as part of its edition."""
    edition = talk.edition
    page_url = request.build_absolute_uri(talk.get_absolute_url())
    edition_url = request.build_absolute_uri(edition.get_absolute_url())
    start, end = talk_slots(edition, agenda).get(talk.pk, (None, None))
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Event",
        "@id": f"{page_url}#event",
        "name": talk.title,
        "description": _description(
            plain_text(talk.abstract), f"{talk.get_kind_display()} at the {edition.display_title}."
        ),
        "url": page_url,
        "startDate": iso(start or edition_start(edition)),
        "endDate": iso(end or edition_end(edition)),
        **_shared(edition, request, sponsorships, edition_url),
        "superEvent": {
            "@type": "Event",
            "@id": f"{edition_url}#event",
            "name": edition.display_title,
            "url": edition_url,
            "startDate": iso(edition_start(edition)),
        },
    }
    performers = _performers([talk], request)
    if performers:
        data["performer"] = performers
    return data
