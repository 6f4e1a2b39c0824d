"""An agenda slot that presents a talk shows the talk's title, kept up to date, unless an
organizer gave the slot a title of its own (issue #19: a cloned "To be announced" slot linked
to a talk showed "To be announced" on the home page, the edition page and the deck)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from meetups.models import AgendaItem
from tests.admin_forms import edition_form_data
from tests.factories import AgendaItemFactory, EditionFactory, PersonFactory, TalkFactory
from tests.html_helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def upcoming():
    edition = EditionFactory(code="34", number=34, start_date=timezone.localdate() + datetime.timedelta(days=10))
    slot = AgendaItemFactory(edition=edition, position=20, kind=AgendaItem.Kind.TALK, title="To be announced")
    return edition, slot


def test_linking_a_talk_shows_its_title_everywhere(client, upcoming):
    edition, slot = upcoming
    talk = TalkFactory(edition=edition, title="Self-Supervised Deep Learning", speakers=[PersonFactory()])
    slot.talk = talk
    slot.save()
    slot.refresh_from_db()
    assert (slot.title, slot.own_title, slot.follows_talk) == ("Self-Supervised Deep Learning", False, True)

    for url in ("/", f"/meetups/{edition.code}/", f"/meetups/{edition.code}/deck/"):
        page = text(client.get(url))
        assert "Self-Supervised Deep Learning" in page, url
        assert "To be announced" not in page, url


def test_renaming_the_talk_renames_the_slots_that_follow_it_and_no_other(client, upcoming):
    edition, slot = upcoming
    talk = TalkFactory(edition=edition, title="Working title")
    slot.talk = talk
    slot.save()
    own = AgendaItemFactory(edition=edition, position=90, kind=AgendaItem.Kind.OTHER, title="Questions", talk=talk,
                            own_title=True)
    client.get(f"/meetups/{edition.code}/")  # kept in the page cache

    talk.title = "Contrastive Learning at Scale"
    talk.save()
    slot.refresh_from_db()
    own.refresh_from_db()
    assert slot.title == "Contrastive Learning at Scale"
    assert own.title == "Questions"
    assert "Contrastive Learning at Scale" in text(client.get(f"/meetups/{edition.code}/"))


def test_a_slot_needs_a_title_or_a_talk(upcoming):
    edition, _slot = upcoming
    empty = AgendaItem(edition=edition, position=30, kind=AgendaItem.Kind.BREAK, title=" ")
    with pytest.raises(ValidationError) as error:
        empty.full_clean()
    assert error.value.message_dict["title"] == ["Give the item a title, or link the talk presented in it."]
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(edition=edition, position=30, kind=AgendaItem.Kind.BREAK, title="")


def _with_the_slot(data, slot, **fields):
    """The edition's change form with its one agenda slot as the organizer leaves it."""
    data.update({"agenda_items-TOTAL_FORMS": "1", "agenda_items-INITIAL_FORMS": "1"})
    row = {"id": slot.pk, "edition": slot.edition_id, "position": slot.position, "kind": slot.kind,
           "title": slot.title, "talk": "", "own_title": ""}
    row.update(fields)
    data.update({f"agenda_items-0-{name}": value for name, value in row.items() if value != ""})
    return data


def test_the_edition_page_in_the_admin_links_a_talk_and_keeps_an_own_title(organizer_client, upcoming):
    edition, slot = upcoming
    talk = TalkFactory(edition=edition, title="Self-Supervised Deep Learning")
    url = reverse("admin:meetups_edition_change", args=[edition.pk])
    # The organizer links the talk and leaves "To be announced" where it was.
    response = organizer_client.post(url, _with_the_slot(edition_form_data(edition), slot, talk=talk.pk))
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.title == "Self-Supervised Deep Learning"

    # Ticking "own title" keeps what is typed; the page says which title a slot shows.
    data = _with_the_slot(edition_form_data(edition), slot, talk=talk.pk, title="Keynote", own_title="on")
    assert organizer_client.post(url, data).status_code == 302
    slot.refresh_from_db()
    assert (slot.title, slot.own_title) == ("Keynote", True)
    assert "Keep the title typed here instead of the linked talk" in organizer_client.get(url).content.decode()


def test_the_migration_lets_placeholder_and_equal_titles_follow_and_keeps_typed_ones(upcoming):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("meetups.migrations.0007_agenda_item_follows_talk")
    edition, slot = upcoming
    talk = TalkFactory(edition=edition, title="Self-Supervised Deep Learning")
    typed = AgendaItemFactory(edition=edition, position=30, kind=AgendaItem.Kind.TALK, talk=talk)
    same = AgendaItemFactory(edition=edition, position=40, kind=AgendaItem.Kind.TALK, talk=talk)
    # As the rows were before the migration: titles typed by hand, no "own title" yet.
    AgendaItem.objects.filter(pk=slot.pk).update(talk=talk, title="To be announced")
    AgendaItem.objects.filter(pk=typed.pk).update(title="Questions and answers")
    AgendaItem.objects.filter(pk=same.pk).update(title=talk.title)

    migration.follow_the_talks(apps, None)
    rows = dict(AgendaItem.objects.filter(edition=edition).values_list("position", "own_title"))
    titles = dict(AgendaItem.objects.filter(edition=edition).values_list("position", "title"))
    assert rows == {20: False, 30: True, 40: False}
    assert titles == {20: talk.title, 30: "Questions and answers", 40: talk.title}
