"""The iCalendar files: one edition to add, and the subscription of upcoming and recent editions.

Every file is parsed with the icalendar library, as a calendar app would read it.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import resolve
from django.utils import timezone
from icalendar import Calendar

from meetups import views
from meetups.demo import load_demo
from meetups.models import AgendaItem, Edition
from talks.models import TalkSpeaker
from tests.factories import AgendaItemFactory, EditionFactory, PersonFactory, TalkFactory, VenueFactory
from tests.html_helpers import links
from tests.site_data import build_archive, build_meetup_32

VIENNA = ZoneInfo("Europe/Vienna")
UTC = datetime.UTC

DESCRIPTION_32 = "\n".join(
    [
        "Self-Supervised Learning / NeurIPS 2019",
        "",
        "18:30 Welcome & Introduction",
        "18:40 Takeda Austria: Site Presentation",
        "18:55 Self-Supervised Deep Learning – Christoph Bonitz (Njinn Technologies)",
        "19:40 Announcements",
        "19:50 Break",
        "20:10 Report from NeurIPS 2019 – René Donner (contextflow GmbH)",
        "20:50 Hot Topics and Latest News – Michael Pieler",
        "21:15 Networking",
        "",
        "Hosted by Takeda.",
        "RSVP: https://www.meetup.com/Vienna-Deep-Learning-Meetup/events/267684493/",
        "Details, slides and videos: http://testserver/meetups/32/",
    ]
)


def _calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response, Calendar.from_ical(response.content)


@pytest.fixture
def deck(db):
    return build_meetup_32()


def test_one_edition_is_a_calendar_file_with_time_zone_place_and_agenda(client, deck):
    response, calendar = _calendar(client, "/meetups/32/calendar.ics")

    assert response["Content-Disposition"] == 'attachment; filename="meetup-32.ics"'
    (event,) = calendar.events
    assert str(event["SUMMARY"]) == "32nd Vienna Deep Learning Meetup"
    assert str(event["UID"]) == f"edition-{deck.edition.pk}@testserver"
    assert event["DTSTART"].params["TZID"] == "Europe/Vienna"
    assert event.start == datetime.datetime(2020, 1, 30, 18, 30, tzinfo=VIENNA)
    assert event.start.utcoffset() == datetime.timedelta(hours=1)
    assert event.end == datetime.datetime(2020, 1, 30, 22, 0, tzinfo=VIENNA)
    assert str(event["LOCATION"]) == "Takeda Austria, Industriestraße 67, 1220 Wien"
    assert str(event["URL"]) == "http://testserver/meetups/32/"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["DESCRIPTION"]) == DESCRIPTION_32
    assert [timezone.tz_name for timezone in calendar.timezones] == ["Europe/Vienna"]
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert calendar.get_missing_tzids() == set()


def test_codes_are_case_insensitive_and_drafts_or_unknown_codes_are_not_found(client, db):
    EditionFactory(code="AI", number=None, kind=Edition.Kind.SPECIAL, title="AI and Society")
    EditionFactory(code="77", published=False)

    for url in ("/meetups/ai/calendar.ics", "/meetups/AI/calendar.ics"):
        _response, calendar = _calendar(client, url)
        assert [str(event["SUMMARY"]) for event in calendar.events] == ["AI and Society"]
    assert client.get("/meetups/77/calendar.ics").status_code == 404
    assert client.get("/meetups/nope/calendar.ics").status_code == 404


def test_the_uid_stays_when_an_organizer_corrects_the_code(client, db):
    edition = EditionFactory(code="33")
    _response, before = _calendar(client, "/meetups/33/calendar.ics")

    Edition.objects.filter(pk=edition.pk).update(code="33a")
    _response, after = _calendar(client, "/meetups/33a/calendar.ics")

    assert str(before.events[0]["UID"]) == str(after.events[0]["UID"]) == f"edition-{edition.pk}@testserver"


@time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=VIENNA), tick=False)
def test_times_keep_vienna_time_across_the_switch_to_summer_time(client, db):
    # Vienna moves its clocks forward on Sunday 29 March 2026: 18:30 is 17:30 UTC before, 16:30 UTC after.
    EditionFactory(code="70", start_date=datetime.date(2026, 3, 26))
    EditionFactory(code="71", start_date=datetime.date(2026, 3, 30))

    response, calendar = _calendar(client, "/meetups/calendar.ics")

    before, after = calendar.events
    assert before["DTSTART"].params["TZID"] == after["DTSTART"].params["TZID"] == "Europe/Vienna"
    assert before.start.utcoffset() == datetime.timedelta(hours=1)
    assert after.start.utcoffset() == datetime.timedelta(hours=2)
    assert before.start.astimezone(UTC) == datetime.datetime(2026, 3, 26, 17, 30, tzinfo=UTC)
    assert after.start.astimezone(UTC) == datetime.datetime(2026, 3, 30, 16, 30, tzinfo=UTC)
    ics = response.content.decode()
    assert "DTSTART;TZID=Europe/Vienna:20260326T183000" in ics
    assert "DTSTART;TZID=Europe/Vienna:20260330T183000" in ics
    # The VTIMEZONE tells apps without a time zone database when Vienna switches.
    (vtimezone,) = calendar.timezones
    switches = {
        (component.name, component.DTSTART.replace(tzinfo=None), component["TZOFFSETTO"].td)
        for component in vtimezone.subcomponents
    }
    assert ("DAYLIGHT", datetime.datetime(2026, 3, 29, 3, 0), datetime.timedelta(hours=2)) in switches
    assert ("STANDARD", datetime.datetime(2026, 10, 25, 3, 0), datetime.timedelta(hours=1)) in switches


def test_editions_without_a_time_are_all_day_events_and_multi_day_editions_span_their_days(client, db):
    EditionFactory(code="1", start_date=datetime.date(2016, 4, 7), start_time=None, end_time=None)
    EditionFactory(
        code="W1",
        kind=Edition.Kind.WORKSHOP,
        start_date=datetime.date(2018, 12, 4),
        end_date=datetime.date(2018, 12, 5),
        start_time=None,
        end_time=None,
    )
    EditionFactory(
        code="W2",
        kind=Edition.Kind.WORKSHOP,
        start_date=datetime.date(2019, 6, 3),
        end_date=datetime.date(2019, 6, 4),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(17, 0),
    )

    one_day = _calendar(client, "/meetups/1/calendar.ics")[1].events[0]
    two_days = _calendar(client, "/meetups/w1/calendar.ics")[1].events[0]
    two_days_timed = _calendar(client, "/meetups/w2/calendar.ics")[1].events[0]

    assert one_day["DTSTART"].params["VALUE"] == "DATE"
    assert (one_day.start, one_day.end) == (datetime.date(2016, 4, 7), datetime.date(2016, 4, 8))
    # DTEND of an all-day event is exclusive: the day after the last day.
    assert (two_days.start, two_days.end) == (datetime.date(2018, 12, 4), datetime.date(2018, 12, 6))
    assert two_days_timed.start == datetime.datetime(2019, 6, 3, 9, 0, tzinfo=VIENNA)
    assert two_days_timed.end == datetime.datetime(2019, 6, 4, 17, 0, tzinfo=VIENNA)


def test_a_start_time_without_an_end_time_lasts_until_the_end_of_the_day(client, db):
    EditionFactory(code="5", start_date=datetime.date(2016, 9, 22), start_time=datetime.time(19, 0), end_time=None)

    event = _calendar(client, "/meetups/5/calendar.ics")[1].events[0]

    assert event.start == datetime.datetime(2016, 9, 22, 19, 0, tzinfo=VIENNA)
    assert event.end == datetime.datetime(2016, 9, 23, 0, 0, tzinfo=VIENNA)


def test_a_cancelled_edition_is_sent_as_cancelled(client, db):
    EditionFactory(code="40", cancelled=True)

    event = _calendar(client, "/meetups/40/calendar.ics")[1].events[0]

    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Cancelled: ")
    assert str(event["DESCRIPTION"]).startswith("Cancelled: this edition does not take place.")


def test_online_and_hybrid_editions_name_the_stream(client, db):
    venue = VenueFactory(name="TU Wien", address="Favoritenstraße 9–11, 1040 Wien")
    EditionFactory(code="50", venue=venue, attendance=Edition.Attendance.ONLINE, stream_url="https://youtu.be/live")
    EditionFactory(code="51", venue=venue, attendance=Edition.Attendance.HYBRID, stream_url="https://youtu.be/live")

    online = _calendar(client, "/meetups/50/calendar.ics")[1].events[0]
    hybrid = _calendar(client, "/meetups/51/calendar.ics")[1].events[0]

    assert str(online["LOCATION"]) == "Online: https://youtu.be/live"
    assert str(hybrid["LOCATION"]) == "TU Wien, Favoritenstraße 9–11, 1040 Wien and online: https://youtu.be/live"
    assert "Stream: https://youtu.be/live" in str(hybrid["DESCRIPTION"])


@time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=VIENNA), tick=False)
def test_the_subscription_has_upcoming_and_last_years_editions_and_never_drafts(client, db):
    EditionFactory(code="60", number=60, start_date=datetime.date(2024, 12, 1))
    EditionFactory(code="61", number=61, start_date=datetime.date(2025, 4, 3))
    EditionFactory(code="62", number=62, start_date=datetime.date(2026, 3, 26), cancelled=True)
    EditionFactory(code="63", number=63, start_date=datetime.date(2026, 4, 30))
    draft = EditionFactory(code="64", number=64, start_date=datetime.date(2026, 5, 28), published=False)
    TalkFactory(edition=draft, title="Secret talk", speakers=[PersonFactory(name="Not Yet Announced")])

    response, calendar = _calendar(client, "/meetups/calendar.ics")

    summaries = [str(event["SUMMARY"]) for event in calendar.events]
    assert summaries == [
        "61st Vienna Deep Learning Meetup",
        "Cancelled: 62nd Vienna Deep Learning Meetup",
        "63rd Vienna Deep Learning Meetup",
    ]
    assert str(calendar["X-WR-CALNAME"]) == "Vienna Deep Learning Meetup"
    assert str(calendar["SOURCE"]) == "http://testserver/meetups/calendar.ics"
    assert calendar["REFRESH-INTERVAL"].dt == datetime.timedelta(hours=12)
    assert b"Secret talk" not in response.content
    assert b"Not Yet Announced" not in response.content


def test_the_calendar_paths_are_not_taken_for_edition_codes(db):
    assert resolve("/meetups/calendar.ics").func is views.subscription_calendar
    assert resolve("/meetups/32/calendar.ics").func is views.edition_calendar
    assert resolve("/meetups/32/").func is views.edition_detail


def test_the_demo_upcoming_edition_lists_its_agenda(client, db):
    load_demo(archive=())
    demo = Edition.objects.get(code="demo")

    event = _calendar(client, "/meetups/demo/calendar.ics")[1].events[0]

    assert str(event["SUMMARY"]) == "Vienna Deep Learning Meetup – demo evening"
    assert event.start == datetime.datetime.combine(demo.start_date, datetime.time(18, 30), tzinfo=VIENNA)
    assert str(event["LOCATION"]) == "TU Wien Informatik, Favoritenstraße 9–11, 1040 Wien"
    assert str(event["DESCRIPTION"]).splitlines()[2:8] == [
        "18:30 Welcome & Introduction",
        "18:45 To be announced",
        "19:30 Announcements",
        "19:45 Break",
        "20:15 Hot Topics and Latest News",
        "20:45 Networking",
    ]


def test_upcoming_editions_have_add_to_calendar_buttons_and_past_ones_do_not(client, db):
    past = EditionFactory(code="30", start_date=datetime.date(2019, 11, 28))
    upcoming = EditionFactory(code="90")

    home_links = links(client.get("/"))
    upcoming_links = links(client.get(upcoming.get_absolute_url()))
    past_links = links(client.get(past.get_absolute_url()))

    assert "/meetups/90/calendar.ics" in home_links
    assert "webcal://testserver/meetups/calendar.ics" in home_links
    assert "/meetups/90/calendar.ics" in upcoming_links
    google = next(link for link in upcoming_links if link.startswith("https://calendar.google.com/"))
    start = f"{upcoming.start_date:%Y%m%d}"
    assert f"dates={start}T183000%2F{start}T220000" in google
    assert "ctz=Europe%2FVienna" in google
    assert "/meetups/30/calendar.ics" not in past_links
    assert not [link for link in past_links if "calendar.google.com" in link]


def test_every_file_reads_back_byte_for_byte_through_icalendar(client, db):
    """Read and written again by icalendar, as a calendar app reads it, every file comes out the same:
    escaping, folding (never inside a character or an escape), order, times."""
    venue = VenueFactory(name='Café "Zum Wohl"; Saal 2', address="Straße 1, Stiege 2\r\n1010 Wien")
    edition = EditionFactory(
        code="90",
        title="Überraschung, Übung; Ökonomie " * 4 + "a \\ b \\N c",
        topic="\\" * 150,  # every fold falls on a backslash, which must start the next line
        venue=venue,
        attendance=Edition.Attendance.HYBRID,
        stream_url="https://example.org/live?a=1,2;3",
        meetup_url="https://example.org/^caret^" + "^" * 80,
        cancelled=True,
    )
    speakers = [PersonFactory(name="Zoë Ärger, Jr."), PersonFactory(name="€" * 30, affiliation="")]
    talk = TalkFactory(edition=edition, title="€uro " * 20, speakers=speakers)
    TalkSpeaker.objects.filter(talk=talk, person=speakers[0]).update(affiliation="Uni; Wien, Österreich")
    TalkFactory(edition=edition, title="Not on the agenda " + "ĳ" * 60)
    AgendaItemFactory(edition=edition, position=1, start_time=datetime.time(18, 30), kind=AgendaItem.Kind.TALK,
                      title=talk.title, talk=talk)
    AgendaItemFactory(edition=edition, position=2, kind=AgendaItem.Kind.BREAK, title="Pause\nund mehr")
    EditionFactory(code="91", start_time=None, end_time=None, end_date=edition.start_date + datetime.timedelta(days=1))
    EditionFactory(code="92", venue=None, attendance=Edition.Attendance.ONLINE, end_time=None)

    for url in ("/meetups/calendar.ics", "/meetups/90/calendar.ics", "/meetups/91/calendar.ics"):
        response, calendar = _calendar(client, url)
        assert calendar.to_ical() == response.content, url

    (event,) = _calendar(client, "/meetups/90/calendar.ics")[1].events
    assert str(event["SUMMARY"]).startswith("Cancelled: Überraschung, Übung; Ökonomie Überraschung")
    assert str(event["LOCATION"]) == (
        'Café "Zum Wohl"; Saal 2, Straße 1, Stiege 2, 1010 Wien and online: https://example.org/live?a=1,2;3'
    )
    description = str(event["DESCRIPTION"]).splitlines()
    assert description[2] == "\\" * 150
    assert description[4] == f"18:30 {talk.title} – Zoë Ärger, Jr. (Uni; Wien, Österreich); {'€' * 30}"
    assert description[5:7] == ["Pause", "und mehr"]
    assert description[7] == "Not on the agenda " + "ĳ" * 60


def test_the_calendars_cost_three_queries_however_many_editions(client, db, django_assert_num_queries):
    today = timezone.localdate()
    speakers = PersonFactory.create_batch(20)
    (edition,) = build_archive(1, first_day=today + datetime.timedelta(weeks=3), speakers=speakers)
    urls = ["/meetups/calendar.ics", f"/meetups/{edition.code}/calendar.ics"]
    client.get("/")  # the site profile is cached from now on, as on a running site
    for url in urls:
        with django_assert_num_queries(3, info=url):  # editions with venue and host, agenda, talks with speakers
            client.get(url)

    build_archive(40, first_day=today, speakers=speakers)
    client.get("/")  # new content: the site profile is read once more
    for url in urls:
        with django_assert_num_queries(3, info=url):
            client.get(url)
    assert len(_calendar(client, urls[0])[1].events) == 1 + 40


def test_a_placeholder_date_is_refused_and_one_stored_anyway_breaks_no_calendar(client, organizer_client, db):
    from tests.admin_forms import form_data

    edition = EditionFactory(code="77", number=77, start_time=datetime.time(18, 30))
    change = f"/admin/meetups/edition/{edition.pk}/change/"
    data = form_data(organizer_client.get(change), Edition)
    data["start_date"] = ["31/12/9999"]
    answer = organizer_client.post(change, data)
    assert answer.status_code == 200
    assert "Please give the real date: dates after 31 December 2999 are refused" in answer.content.decode()
    # Stored behind the form's back (an import, the shell): the calendars still answer.
    Edition.objects.filter(pk=edition.pk).update(start_date=datetime.date(9999, 12, 30))
    for path in ["/meetups/calendar.ics", "/meetups/77/calendar.ics", "/meetups/77/"]:
        assert client.get(path).status_code == 200, path
