"""The history of content edits: every admin save is a version (who, when), a version can be
reverted to (itself a new version), a deleted edition comes back with its agenda and talks, and
a second organizer's stale form does not overwrite the first one's save."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from meetups.models import AgendaItem, Edition
from raffles.models import RaffleEntry
from talks.models import Talk
from tests.admin_forms import form_data
from tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    PersonFactory,
    RaffleEntryFactory,
    RaffleFactory,
    SuperUserFactory,
    TalkFactory,
    TalkSpeakerFactory,
)

pytestmark = pytest.mark.django_db


def organizer(name):
    client = Client()
    client.force_login(SuperUserFactory(username=name))
    return client


def change_url(edition):
    return reverse("admin:meetups_edition_change", args=[edition.pk])


def save(client, edition, **changes):
    data = form_data(client.get(change_url(edition)), Edition)
    data.update({name: [value] for name, value in changes.items()})
    return client.post(change_url(edition), data)


def test_every_save_is_a_version_and_a_revert_is_a_new_one():
    edition = EditionFactory(title="First title")
    anna = organizer("anna")
    assert save(anna, edition, title="Second title").status_code == 302
    assert save(anna, edition, title="Third title").status_code == 302
    history = anna.get(reverse("admin:meetups_edition_history", args=[edition.pk])).content.decode()
    assert history.count("anna") >= 2
    versions = Version.objects.get_for_object(edition)
    assert [version.field_dict["title"] for version in versions] == ["Third title", "Second title"]
    second = versions[1]
    revision_url = reverse("admin:meetups_edition_revision", args=[edition.pk, second.pk])
    page = anna.get(revision_url)
    assert page.status_code == 200
    assert anna.post(revision_url, form_data(page, Edition)).status_code == 302
    edition.refresh_from_db()
    assert edition.title == "Second title"
    assert [version.field_dict["title"] for version in Version.objects.get_for_object(edition)] == [
        "Second title",
        "Third title",
        "Second title",
    ]


def test_a_deleted_edition_comes_back_with_its_agenda_and_talks():
    edition = EditionFactory(title="The evening to keep")
    for position in range(3):
        AgendaItemFactory(edition=edition, position=(position + 1) * 10)
    talk = TalkFactory(edition=edition, title="Sparse attention")
    TalkSpeakerFactory(talk=talk, person=PersonFactory(name="Ada Lovelace"), affiliation="Analytical Engines")
    raffle = RaffleFactory(edition=edition)
    RaffleEntryFactory(raffle=raffle)
    anna = organizer("anna")
    delete_url = reverse("admin:meetups_edition_delete", args=[edition.pk])
    assert anna.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Edition.objects.filter(pk=edition.pk).exists() and not Talk.objects.filter(pk=talk.pk).exists()

    deleted = anna.get(reverse("admin:meetups_edition_recoverlist")).content.decode()
    assert "The evening to keep" in deleted
    (version_id,) = re.findall(r"/admin/meetups/edition/recover/(\d+)/", deleted)
    recover_url = reverse("admin:meetups_edition_recover", args=[version_id])
    page = anna.get(recover_url)
    assert anna.post(recover_url, form_data(page, Edition)).status_code == 302

    back = Edition.objects.get(pk=edition.pk)
    assert back.title == "The evening to keep"
    assert AgendaItem.objects.filter(edition=back).count() == 3
    (talk_back,) = back.talks.all()
    assert talk_back.title == "Sparse attention"
    assert [(s.person.name, s.affiliation) for s in talk_back.talk_speakers.all()] == [
        ("Ada Lovelace", "Analytical Engines")
    ]
    # Personal data is never kept in a version (the raffle's entries are not content).
    entry_type = ContentType.objects.get_for_model(RaffleEntry)
    assert not Version.objects.filter(content_type=entry_type).exists()


def test_a_second_organizer_does_not_overwrite_the_first_without_knowing():
    edition = EditionFactory(title="Agents in 2026", topic="AI agents")
    anna, ben = organizer("anna"), organizer("ben")
    bens_form = form_data(ben.get(change_url(edition)), Edition)  # Ben opens the edition…
    assert save(anna, edition, title="Agents, for real").status_code == 302  # …Anna saves first

    bens_form["topic"] = ["Agents and evaluation"]
    refused = ben.post(change_url(edition), bens_form)
    assert refused.status_code == 200
    page = " ".join(refused.content.decode().split())
    assert "anna at" in page and "saved this edition after you opened it" in page
    assert "Title: yours “Agents in 2026”, saved “Agents, for real”" in page
    assert "Topic: yours “Agents and evaluation”, saved “AI agents”" in page
    assert 'value="Agents and evaluation"' in page  # nothing Ben typed is lost
    edition.refresh_from_db()
    assert (edition.title, edition.topic) == ("Agents, for real", "AI agents")

    # Saving again is on purpose now: Ben's form wins, and the history keeps Anna's version.
    assert ben.post(change_url(edition), form_data(refused, Edition)).status_code == 302
    edition.refresh_from_db()
    assert (edition.title, edition.topic) == ("Agents in 2026", "Agents and evaluation")
    assert "Agents, for real" in [v.field_dict["title"] for v in Version.objects.get_for_object(edition)]


def revert_to(client, obj, version, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_revision", args=[obj.pk, version.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert client.post(url, form_data(page, model)).status_code == 302


def test_reverting_an_edition_leaves_its_rsvp_settings_as_they_are():
    from rsvps.models import RsvpSettings

    edition = EditionFactory(title="Frist title")
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=50, guest_list_key="the-first-link")
    anna = organizer("anna")
    assert save(anna, edition, title="First title").status_code == 302
    RsvpSettings.objects.filter(edition=edition).update(capacity=80, guest_list_key="the-new-link")
    assert save(anna, edition, title="First title, typo again").status_code == 302
    older = Version.objects.get_for_object(edition)[1]
    in_the_version = {version.content_type.model for version in older.revision.version_set.all()}
    assert "edition" in in_the_version and "rsvpsettings" not in in_the_version

    revert_to(anna, edition, older, Edition)
    edition.refresh_from_db()
    assert edition.title == "First title"
    rsvp_settings = RsvpSettings.objects.get(edition=edition)
    assert (rsvp_settings.capacity, rsvp_settings.guest_list_key) == (80, "the-new-link")


def test_reverting_a_raffle_checks_the_entries_against_that_versions_answers():
    from raffles.models import Raffle

    raffle = RaffleFactory(accepted_answers="Chollet")
    entry = RaffleEntryFactory(raffle=raffle, answer="LeCun")
    anna = organizer("anna")
    change = reverse("admin:raffles_raffle_change", args=[raffle.pk])
    data = form_data(anna.get(change), Raffle)
    assert anna.post(change, data).status_code == 302
    data = form_data(anna.get(change), Raffle)
    data["accepted_answers"] = ["Chollet\nLeCun"]
    assert anna.post(change, data).status_code == 302
    entry.refresh_from_db()
    assert entry.answer_correct is True
    first = Version.objects.get_for_object(raffle)[1]
    revert_to(anna, raffle, first, Raffle)
    raffle.refresh_from_db()
    entry.refresh_from_db()
    assert raffle.accepted_answers == "Chollet"
    assert entry.answer_correct is False


def test_versions_of_rsvp_settings_kept_before_are_forgotten_and_the_edition_reverts():
    """An edition saved with its RSVP settings while they were versioned (issue #23) still reverts."""
    import importlib

    from django.apps import apps as django_apps
    from django.db import connection
    from reversion.models import Revision

    from rsvps.models import RsvpSettings

    edition = EditionFactory(title="Kept title")
    anna = organizer("anna")
    assert save(anna, edition, title="Kept title!").status_code == 302
    rsvp_settings = RsvpSettings.objects.create(edition=edition, enabled=True, capacity=50)
    older = Version.objects.get_for_object(edition)[0]
    Version.objects.create(  # as django-reversion stored it then, in the edition's revision
        revision=older.revision, object_id=str(rsvp_settings.pk), content_type=ContentType.objects.get_for_model(
            RsvpSettings), db="default", format="json", serialized_data="[]", object_repr="RSVP settings",
    )  # fmt: skip
    assert save(anna, edition, title="Newer title").status_code == 302
    migration = importlib.import_module("history.migrations.0001_forget_rsvp_settings_versions")
    migration.forget_rsvp_settings_versions(django_apps, connection.schema_editor())
    assert not Version.objects.filter(content_type__model="rsvpsettings").exists()
    assert Revision.objects.filter(pk=older.revision_id).exists()
    revert_to(anna, edition, Version.objects.get(pk=older.pk), Edition)
    edition.refresh_from_db()
    assert edition.title == "Kept title!"
