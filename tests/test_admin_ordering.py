"""Rows the organizer puts in order (vdlm/admin_ordering.py): a swap, a move with a delete and a new row,
blank new rows, on the edition's page and the talk's and job ad's pages, as the admin page posts them."""

import pytest
from django.urls import reverse

from meetups.models import Edition
from sponsors.models import JobAd
from talks.models import Talk

from .admin_forms import form_data
from .factories import (
    AgendaItemFactory,
    AnnouncementFactory,
    EditionFactory,
    JobAdFactory,
    JobAdItemFactory,
    PersonFactory,
    TalkFactory,
    TalkSourceFactory,
)

pytestmark = pytest.mark.django_db


def change_page(client, model, obj):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, form_data(response, model)


def post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def agenda(edition):
    return [(item.position, item.title) for item in edition.agenda_items.all()]


def test_swapping_two_agenda_items_keeps_positions_unique(organizer_client):
    edition = EditionFactory()
    AgendaItemFactory(edition=edition, position=10, title="Welcome")
    AgendaItemFactory(edition=edition, position=20, title="Networking")
    url, data = change_page(organizer_client, Edition, edition)
    assert data["agenda_items-0-order"] == ["10"] and data["agenda_items-1-order"] == ["20"]
    data["agenda_items-0-order"], data["agenda_items-1-order"] = ["20"], ["10"]

    post(organizer_client, url, data)

    assert agenda(edition) == [(10, "Networking"), (20, "Welcome")]


def test_a_move_a_delete_and_a_new_row_in_one_save(organizer_client):
    edition = EditionFactory()
    for position, title in [(1, "Welcome"), (2, "Hot topics"), (3, "Break"), (4, "Networking")]:
        AgendaItemFactory(edition=edition, position=position, title=title)
    url, data = change_page(organizer_client, Edition, edition)
    data["agenda_items-1-DELETE"] = ["on"]  # Hot topics goes
    data["agenda_items-3-order"] = ["0"]  # Networking first (an odd evening)
    data.update(
        {
            "agenda_items-TOTAL_FORMS": ["5"],
            "agenda_items-4-order": ["3"],  # between Welcome (1) and Break (3): ties keep the page's order
            "agenda_items-4-kind": ["other"],
            "agenda_items-4-title": ["Lightning talks"],
        }
    )

    post(organizer_client, url, data)

    assert agenda(edition) == [(10, "Networking"), (20, "Welcome"), (30, "Break"), (40, "Lightning talks")]


def test_a_blank_new_row_that_only_got_a_number_is_ignored(organizer_client):
    edition = EditionFactory()
    AgendaItemFactory(edition=edition, position=10, title="Welcome")
    url, data = change_page(organizer_client, Edition, edition)
    data.update({"agenda_items-TOTAL_FORMS": ["2"], "agenda_items-1-order": ["20"], "agenda_items-1-kind": [""]})

    post(organizer_client, url, data)

    assert agenda(edition) == [(10, "Welcome")]


def test_a_position_out_of_range_gets_a_message_and_nothing_moves(organizer_client):
    edition = EditionFactory()
    AgendaItemFactory(edition=edition, position=10, title="Welcome")
    AgendaItemFactory(edition=edition, position=20, title="Networking")
    url, data = change_page(organizer_client, Edition, edition)
    data["agenda_items-0-order"] = ["99999"]
    data["agenda_items-1-order"] = ["0"]

    response = organizer_client.post(url, data)

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 9999." in response.content.decode()
    assert agenda(edition) == [(10, "Welcome"), (20, "Networking")]


def test_announcements_reorder_on_the_edition_page(organizer_client):
    edition = EditionFactory()
    AnnouncementFactory(edition=edition, position=1, title="We are hiring")
    AnnouncementFactory(edition=edition, position=2, title="Next meetup")
    url, data = change_page(organizer_client, Edition, edition)
    data["announcements-0-order"], data["announcements-1-order"] = ["2"], ["1"]

    post(organizer_client, url, data)

    assert list(edition.announcements.values_list("position", "title")) == [(10, "Next meetup"), (20, "We are hiring")]


def test_speakers_and_sources_reorder_on_the_talk_page(organizer_client):
    first, second = PersonFactory(name="Ada First"), PersonFactory(name="Bert Second")
    talk = TalkFactory(speakers=[first, second])
    TalkSourceFactory(talk=talk, position=0, title="Paper A")
    TalkSourceFactory(talk=talk, position=1, title="Paper B")
    url, data = change_page(organizer_client, Talk, talk)
    data["talk_speakers-0-order"], data["talk_speakers-1-order"] = ["5"], ["4"]
    data["sources-0-order"], data["sources-1-order"] = ["9"], ["1"]

    post(organizer_client, url, data)

    assert [s.person.name for s in talk.talk_speakers.all()] == ["Bert Second", "Ada First"]
    assert [s.title for s in talk.sources.all()] == ["Paper B", "Paper A"]


def test_job_ad_lines_reorder(organizer_client):
    job_ad = JobAdFactory()
    JobAdItemFactory(job_ad=job_ad, position=0, text="Python")
    JobAdItemFactory(job_ad=job_ad, position=1, text="SQL")
    url, data = change_page(organizer_client, JobAd, job_ad)
    data["items-0-order"], data["items-1-order"] = ["2"], ["1"]

    post(organizer_client, url, data)

    assert list(job_ad.items.values_list("text", flat=True)) == ["SQL", "Python"]


def test_ordered_inlines_bring_the_drag_and_keyboard_script(organizer_client):
    edition = EditionFactory()
    AgendaItemFactory(edition=edition)
    content = organizer_client.get(reverse("admin:meetups_edition_change", args=[edition.pk])).content.decode()
    assert "js/admin-ordering.js" in content
    assert "css/admin-ordering.css" in content
    assert 'class="module vdlm-ordered agenda-inline"' in content or "vdlm-ordered agenda-inline" in content
    assert 'class="vdlm-order"' in content
