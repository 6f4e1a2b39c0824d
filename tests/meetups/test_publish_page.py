"""Publishing an edition from its page: a preview, a checklist, one confirmation, and the
edition's draft raffle and job ads published with it (issue #19)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetups.models import AgendaItem, Edition
from raffles.models import Raffle
from sponsors.models import Sponsorship
from tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    JobAdFactory,
    OrganisationFactory,
    PersonFactory,
    RaffleFactory,
    SponsorshipFactory,
    TalkFactory,
    UserFactory,
    VenueFactory,
)
from tests.html_helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    edition = EditionFactory(code="34", number=34, published=False, venue=VenueFactory(),
                             start_date=timezone.localdate() + datetime.timedelta(days=20))
    SponsorshipFactory(edition=edition, organisation=OrganisationFactory(name="Takeda"), role=Sponsorship.Role.HOST)
    talk = TalkFactory(edition=edition, title="Self-Supervised Deep Learning", speakers=[PersonFactory()])
    AgendaItemFactory(edition=edition, position=10, kind=AgendaItem.Kind.TALK, talk=talk)
    AgendaItemFactory(edition=edition, position=20, kind=AgendaItem.Kind.TALK, title="To be announced")
    RaffleFactory(edition=edition, title="ML Prague 2027", status=Raffle.Status.DRAFT)
    job_ad = JobAdFactory(title="Data Engineer", published=False)
    job_ad.editions.add(edition)
    return edition


def _url(edition):
    return reverse("admin:meetups_edition_publish", args=[edition.pk])


def test_the_publish_page_shows_the_preview_and_the_checklist(organizer_client, draft):
    change = organizer_client.get(reverse("admin:meetups_edition_change", args=[draft.pk])).content.decode()
    assert f'href="{_url(draft)}">Publish…</a>' in change

    response = organizer_client.get(_url(draft))
    page = text(response)
    content = response.content.decode()
    assert 'href="/meetups/34/"' in content and 'href="/meetups/34/deck/"' in content
    change_url = reverse("admin:meetups_edition_change", args=[draft.pk])
    assert f'&rsaquo; <a href="{change_url}">{draft}</a>\n&rsaquo; Publish' in content  # the breadcrumbs
    assert "Check: The slot “To be announced” has no talk yet." in page
    assert "Ready: The host is Takeda." in page
    assert "Ready: The raffle “ML Prague 2027” is published with the edition." in page
    assert "Ready: The job ad “Data Engineer” is published with the edition." in page
    assert "Note: No meetup.com link (optional)." in page
    assert "Yes, publish" in content
    draft.refresh_from_db()
    assert not draft.published  # looking changes nothing


def test_publishing_takes_the_raffle_and_the_job_ads_along(organizer_client, draft):
    visitor = Client()
    response = organizer_client.post(_url(draft), {"publish": "1"}, follow=True)
    assert "Published #34: visitors see it now." in text(response)
    draft.refresh_from_db()
    assert draft.published
    assert Raffle.objects.get(title="ML Prague 2027").status == Raffle.Status.PUBLISHED
    assert draft.job_ads.get().published

    page = text(visitor.get("/"))
    assert "ML Prague 2027" in page and "Data Engineer" in page

    # And back: the page asks, then the edition is a draft again.
    assert "Yes, unpublish" in organizer_client.get(_url(draft)).content.decode()
    organizer_client.post(_url(draft), {"unpublish": "1"})
    draft.refresh_from_db()
    assert not draft.published
    assert visitor.get("/meetups/34/").status_code == 404


def test_a_blocker_keeps_the_edition_a_draft(organizer_client, draft):
    Edition.objects.filter(pk=draft.pk).update(attendance=Edition.Attendance.ONLINE, stream_url="")
    response = organizer_client.get(_url(draft))
    assert "Cannot publish:" in text(response)
    assert "Yes, publish" not in response.content.decode()
    organizer_client.post(_url(draft), {"publish": "1"})
    draft.refresh_from_db()
    assert not draft.published


def test_only_who_may_publish_gets_the_page(client, draft):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_edition"))
    client.force_login(staff)
    assert client.get(_url(draft)).status_code == 403
    assert client.post(_url(draft), {"publish": "1"}).status_code == 403
    draft.refresh_from_db()
    assert not draft.published
    assert "Publish…" not in client.get(reverse("admin:meetups_edition_change", args=[draft.pk])).content.decode()
    assert client.get(reverse("admin:meetups_edition_publish", args=["nope"])).status_code in (403, 404)
