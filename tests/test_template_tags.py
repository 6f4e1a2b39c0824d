"""Dates as people write them, privacy-friendly video links and thumbnails."""

import datetime
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.dateformat import format as django_date_format
from PIL import Image

from meetups.thumbnails import get_thumbnail
from tests.factories import EditionFactory, PersonFactory
from vdlm.templatetags.vdlm_tags import (
    edition_when,
    iso_date,
    nice_date,
    nice_datetime,
    nice_time,
    youtube_embed_url,
    youtube_id,
)


def test_dates_are_written_the_way_people_write_them():
    moment = datetime.datetime(2020, 2, 9, 22, 59, tzinfo=datetime.UTC)

    assert nice_datetime(moment) == "Sun, 9 February 2020, 23:59"  # Vienna time (CET)
    assert nice_date(datetime.date(2020, 1, 30)) == "Thu, 30 January 2020"
    assert nice_time(datetime.time(18, 30)) == "18:30"
    assert nice_datetime(datetime.datetime(2020, 7, 1, 16, 0, tzinfo=datetime.UTC)) == "Wed, 1 July 2020, 18:00"
    assert nice_date(None) == ""


def test_every_day_of_a_leap_year_is_written_as_djangos_date_formats_write_it():
    day = datetime.date(2020, 1, 1)
    while day.year == 2020:
        assert nice_date(day) == django_date_format(day, "D, j F Y")
        assert iso_date(day) == django_date_format(day, "Y-m-d")
        day += datetime.timedelta(days=1)
    late_evening = datetime.datetime(2020, 3, 28, 23, 30, tzinfo=datetime.UTC)  # already the 29th in Vienna
    assert nice_date(late_evening) == "Sun, 29 March 2020"
    assert iso_date(late_evening) == "2020-03-29"
    assert iso_date(None) == ""


@pytest.mark.django_db
def test_when_an_edition_happens():
    one_evening = EditionFactory.build(start_date=datetime.date(2020, 1, 30), start_time=datetime.time(18, 30))
    no_time = EditionFactory.build(start_date=datetime.date(2017, 9, 4), start_time=None)
    two_days = EditionFactory.build(
        start_date=datetime.date(2018, 12, 4), end_date=datetime.date(2018, 12, 5), start_time=datetime.time(9, 0)
    )
    new_year = EditionFactory.build(
        start_date=datetime.date(2019, 12, 31), end_date=datetime.date(2020, 1, 1), start_time=None
    )

    assert edition_when(one_evening) == "Thu, 30 January 2020, 18:30"
    assert edition_when(no_time) == "Mon, 4 September 2017"
    assert edition_when(two_days) == "Tue, 4 December – Wed, 5 December 2018"
    assert edition_when(new_year) == "Tue, 31 December 2019 – Wed, 1 January 2020"


@pytest.mark.parametrize(
    ("url", "video"),
    [
        ("https://youtu.be/GSMh5fw2Mjo", "GSMh5fw2Mjo"),
        ("https://www.youtube.com/watch?v=8mCO9w9Cgqs", "8mCO9w9Cgqs"),
        ("https://www.youtube.com/watch?v=zPna-ip_WC8&t=106s", "zPna-ip_WC8"),
        ("https://m.youtube.com/watch?v=_zwBCDmlvv8", "_zwBCDmlvv8"),
        ("https://www.youtube.com/embed/tr1gs5CW4Rw", "tr1gs5CW4Rw"),
        ("https://www.youtube-nocookie.com/embed/tr1gs5CW4Rw", "tr1gs5CW4Rw"),
        ("https://www.youtube.com/live/tr1gs5CW4Rw?si=x", "tr1gs5CW4Rw"),
        ("https://www.youtube.com/ViennaDeepLearningMeetup", ""),
        ("https://www.youtube.com/playlist?list=PL123", ""),
        ("https://www.youtube.com/watch?v=<script>", ""),
        ("https://evil.example/watch?v=GSMh5fw2Mjo", ""),
        ("https://youtube.com.evil.example/watch?v=GSMh5fw2Mjo", ""),
        ("https://vimeo.com/123", ""),
        ("", ""),
    ],
)
def test_youtube_ids(url, video):
    assert youtube_id(url) == video


def test_embeds_only_use_youtube_nocookie():
    assert youtube_embed_url("https://youtu.be/GSMh5fw2Mjo") == "https://www.youtube-nocookie.com/embed/GSMh5fw2Mjo"
    assert youtube_embed_url("https://vimeo.com/123") == ""


def _upload(name, size, image_format, mode="RGB"):
    buffer = BytesIO()
    Image.new(mode, size, (10, 120, 200) if mode == "RGB" else (10, 120, 200, 128)).save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.django_db
def test_photo_thumbnail_is_a_small_jpeg_with_its_display_size():
    person = PersonFactory(photo=_upload("portrait.jpg", (1200, 800), "JPEG"))

    thumbnail = get_thumbnail(person.photo, 96, 96)

    assert (thumbnail.width, thumbnail.height) == (96, 64)
    path = Path(settings.MEDIA_ROOT) / thumbnail.url.removeprefix("/media/")
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (192, 128)


@pytest.mark.django_db
def test_small_images_are_not_blown_up():
    person = PersonFactory(photo=_upload("tiny.png", (40, 30), "PNG", mode="RGBA"))

    thumbnail = get_thumbnail(person.photo, 96, 96)

    assert (thumbnail.width, thumbnail.height) == (40, 30)
    assert thumbnail.url.endswith(".png")


@pytest.mark.django_db
def test_thumbnails_are_made_once():
    person = PersonFactory(photo=_upload("portrait.jpg", (600, 600), "JPEG"))
    first = get_thumbnail(person.photo, 64, 64)
    thumbs = Path(settings.MEDIA_ROOT) / "thumbs"
    files_before = sorted(thumbs.rglob("*"))

    cache.clear()  # as after a restart: the file on disk is reused, not written again
    second = get_thumbnail(person.photo, 64, 64)

    assert second == first
    assert sorted(thumbs.rglob("*")) == files_before


@pytest.mark.django_db
def test_missing_or_unreadable_images_give_no_thumbnail():
    person = PersonFactory()
    assert get_thumbnail(person.photo, 64, 64) is None

    person.photo.name = "people/gone.jpg"
    assert get_thumbnail(person.photo, 64, 64) is None

    # Uploads are re-encoded on save, so an unreadable file can only be one damaged on disk later.
    person.photo.name = default_storage.save("people/notes.png", ContentFile(b"this is not a picture"))
    assert get_thumbnail(person.photo, 64, 64) is None
