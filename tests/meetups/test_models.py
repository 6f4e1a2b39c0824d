import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetups.models import AgendaItem, Edition, SiteProfile, ordinal
from tests.factories import AgendaItemFactory, EditionFactory, TalkFactory
from vdlm.page_cache import content_changed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (32, "32nd"), (33, "33rd"), (111, "111th"), (122, "122nd")],
)
def test_ordinal(number, expected):
    assert ordinal(number) == expected


def test_numbered_meetup_title_uses_the_group_name():
    profile = SiteProfile.load()
    profile.group_name = "Vienna Deep Learning Meetup"
    profile.save()
    edition = EditionFactory(number=32, code="32", title="")
    assert edition.display_title == "32nd Vienna Deep Learning Meetup"
    assert str(edition).startswith("#32 – 32nd Vienna Deep Learning Meetup")


def test_explicit_title_wins_over_the_ordinal():
    edition = EditionFactory(number=None, code="AI", title="AI Summit Vienna 2017", kind=Edition.Kind.SPECIAL)
    assert edition.display_title == "AI Summit Vienna 2017"


def test_codes_are_unique_whatever_their_case():
    EditionFactory(code="AI", number=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        EditionFactory(code="ai", number=None)


def test_code_lookup_is_case_insensitive():
    edition = EditionFactory(code="WA", number=None)
    assert Edition.objects.get_by_code("wa") == edition


def test_code_must_be_url_safe():
    edition = EditionFactory.build(code="32 / 33", number=None)
    with pytest.raises(ValidationError) as error:
        edition.full_clean()
    assert "letters, digits and dashes" in str(error.value)


def test_numbers_are_unique_per_kind_but_may_repeat_across_kinds():
    EditionFactory(number=5, code="5", kind=Edition.Kind.MEETUP)
    EditionFactory(number=5, code="W5", kind=Edition.Kind.WORKSHOP)
    with pytest.raises(IntegrityError), transaction.atomic():
        EditionFactory(number=5, code="5b", kind=Edition.Kind.MEETUP)


def test_end_date_before_start_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        EditionFactory(start_date=datetime.date(2020, 1, 30), end_date=datetime.date(2020, 1, 29))


def test_end_time_before_start_time_on_the_same_day_is_refused():
    edition = EditionFactory.build(
        start_date=datetime.date(2020, 1, 30), start_time=datetime.time(18, 30), end_time=datetime.time(17, 0)
    )
    with pytest.raises(ValidationError) as error:
        edition.full_clean()
    assert "must end after it starts" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        edition.venue.save()
        edition.venue_id = edition.venue.pk
        edition.save()


def test_two_day_event_may_end_earlier_in_the_day_than_it_started():
    edition = EditionFactory(
        start_date=datetime.date(2018, 12, 4),
        end_date=datetime.date(2018, 12, 5),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(8, 0),
    )
    edition.full_clean()
    assert edition.is_multi_day


def test_online_edition_needs_a_stream_url_to_be_published():
    edition = EditionFactory.build(attendance=Edition.Attendance.ONLINE, stream_url="", published=True)
    edition.venue.save()
    edition.venue_id = edition.venue.pk
    with pytest.raises(ValidationError) as error:
        edition.full_clean()
    assert "stream URL" in str(error.value)


@time_machine.travel(datetime.datetime(2020, 1, 30, 23, 30, tzinfo=datetime.UTC))
def test_upcoming_and_past_follow_the_vienna_calendar_day():
    # 23:30 UTC on 30 January is already 31 January in Vienna.
    evening = EditionFactory(code="32", number=32, start_date=datetime.date(2020, 1, 30))
    next_month = EditionFactory(code="33", number=33, start_date=datetime.date(2020, 2, 26))
    two_day = EditionFactory(
        code="WA", number=None, start_date=datetime.date(2020, 1, 30), end_date=datetime.date(2020, 1, 31)
    )
    assert list(Edition.objects.upcoming()) == [two_day, next_month]
    assert list(Edition.objects.past()) == [evening]


@time_machine.travel(datetime.datetime(2020, 1, 30, 12, 0, tzinfo=datetime.UTC))
def test_the_evening_itself_is_still_upcoming():
    evening = EditionFactory(code="32", number=32, start_date=datetime.date(2020, 1, 30))
    assert list(Edition.objects.upcoming()) == [evening]
    assert evening.is_upcoming


def test_published_hides_drafts():
    published = EditionFactory(published=True)
    EditionFactory(published=False)
    assert list(Edition.objects.published()) == [published]


def test_agenda_positions_are_unique_per_edition():
    item = AgendaItemFactory(position=10)
    AgendaItemFactory(position=10)  # another edition: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItemFactory(edition=item.edition, position=10)


def test_agenda_item_cannot_point_to_a_talk_of_another_edition():
    item = AgendaItemFactory(kind=AgendaItem.Kind.TALK)
    foreign_talk = TalkFactory()
    item.talk = foreign_talk
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "another edition" in str(error.value)


def test_site_profile_is_a_single_row():
    first = SiteProfile.load()
    second = SiteProfile(group_name="Another group")
    second.save()
    assert SiteProfile.objects.count() == 1
    assert second.pk == first.pk
    assert SiteProfile.objects.get().group_name == "Another group"


def test_site_profile_cache_is_refreshed_on_save(django_assert_num_queries):
    profile = SiteProfile.load()
    SiteProfile.cached()
    with django_assert_num_queries(0):
        assert SiteProfile.cached().group_name == profile.group_name
    profile.group_name = "Renamed Meetup"
    profile.save()
    assert SiteProfile.cached().group_name == "Renamed Meetup"


def test_site_profile_change_in_another_process_shows_on_the_next_request(client):
    """Another worker saved the profile: its database write and version bump are all this one sees."""
    SiteProfile.load()
    assert b"Vienna Deep Learning Meetup" in client.get("/").content
    SiteProfile.objects.filter(pk=1).update(group_name="Wiener Deep Learning Treffen")
    content_changed()  # what the other process's save did besides writing the row
    assert b"Wiener Deep Learning Treffen" in client.get("/").content
