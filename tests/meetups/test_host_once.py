"""The venue host is chosen once on the edition's page: the sponsorship and, if needed, the venue follow."""

import datetime

import pytest
from django.urls import reverse

from meetups.models import Edition, Venue
from sponsors.models import Sponsorship
from tests.admin_forms import form_data
from tests.factories import EditionFactory, OrganisationFactory, SponsorshipFactory, VenueFactory

pytestmark = pytest.mark.django_db


def edition_page(client, edition):
    url = reverse("admin:meetups_edition_change", args=[edition.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, form_data(response, Edition)


def save(client, url, data, status=302):
    response = client.post(url, {name: values[0] if len(values) == 1 else values for name, values in data.items()})
    assert response.status_code == status, response.content.decode()[:3000]
    return response


def host_rows(edition):
    return list(edition.sponsorships.filter(role=Sponsorship.Role.HOST).values_list("organisation__name", "note"))


def test_choosing_the_host_records_the_sponsorship_and_takes_the_hosts_latest_venue(organizer_client):
    takeda = OrganisationFactory(name="Takeda")
    old_room = VenueFactory(name="Takeda old room", organisation=takeda)
    new_room = VenueFactory(name="Takeda Forum", organisation=takeda)
    EditionFactory(venue=old_room, start_date=datetime.date(2024, 1, 10))
    EditionFactory(venue=new_room, start_date=datetime.date(2025, 6, 10))
    edition = EditionFactory(venue=None)
    url, data = edition_page(organizer_client, edition)
    data["host"] = [str(takeda.pk)]

    save(organizer_client, url, data)

    edition.refresh_from_db()
    assert host_rows(edition) == [("Takeda", "")]
    assert edition.venue == new_room


def test_a_host_without_a_venue_gets_one_created_with_the_address_typed(organizer_client):
    magenta = OrganisationFactory(name="Magenta Telekom")
    edition = EditionFactory(venue=None)
    url, data = edition_page(organizer_client, edition)
    data["host"] = [str(magenta.pk)]
    data["new_venue_address"] = ["Rennweg 97-99\n1030 Wien"]

    response = save(organizer_client, url, data)

    edition.refresh_from_db()
    assert (edition.venue.name, edition.venue.organisation, edition.venue.address) == (
        "Magenta Telekom",
        magenta,
        "Rennweg 97-99\n1030 Wien",
    )
    assert host_rows(edition) == [("Magenta Telekom", "")]
    page = organizer_client.get(response.url).content.decode()
    assert "The venue “Magenta Telekom” was created from the host." in page


def test_the_venue_alone_names_the_host(organizer_client):
    tu = OrganisationFactory(name="TU Wien")
    edition = EditionFactory(venue=None)
    url, data = edition_page(organizer_client, edition)
    data["venue"] = [str(VenueFactory(name="TU Wien, Kuppelsaal", organisation=tu).pk)]

    save(organizer_client, url, data)

    assert host_rows(edition) == [("TU Wien", "")]


def test_changing_the_host_changes_the_one_row_and_keeps_its_note(organizer_client):
    edition = EditionFactory()
    SponsorshipFactory(edition=edition, organisation=OrganisationFactory(name="Old host"), note="Pizza and drinks")
    url, data = edition_page(organizer_client, edition)
    assert data["host"] == [str(edition.sponsorships.get().organisation_id)]
    data["host"] = [str(OrganisationFactory(name="New host").pk)]

    save(organizer_client, url, data)

    assert host_rows(edition) == [("New host", "Pizza and drinks")]
    assert edition.venue  # it had one: kept


def test_the_sponsorship_rows_leave_the_host_to_its_field(organizer_client):
    edition = EditionFactory()
    SponsorshipFactory(edition=edition, organisation=OrganisationFactory(name="Takeda"))
    SponsorshipFactory(edition=edition, organisation=OrganisationFactory(name="Pizzeria"), role="catering")
    url, data = edition_page(organizer_client, edition)
    assert data["sponsorships-TOTAL_FORMS"] == ["1"]  # the catering only
    content = organizer_client.get(url).content.decode()
    assert '<option value="host"' not in content.split('id="sponsorships-group"')[1].split("</fieldset>")[0]
    data["sponsorships-0-role"] = ["host"]  # a crafted POST

    response = save(organizer_client, url, data, status=200)

    assert "Select a valid choice. host is not one of the available choices." in response.content.decode()
    assert host_rows(edition) == [("Takeda", "")]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"new_venue_address": "Somewhere 1"}, "A venue is chosen: empty this field, or empty the venue."),
        ({"venue": "", "new_venue_address": "Somewhere 1"}, "Choose the venue host first"),
    ],
)
def test_an_address_for_a_new_venue_that_cannot_be_used_is_refused_and_kept(organizer_client, change, message):
    edition = EditionFactory(venue=VenueFactory(organisation=None))
    url, data = edition_page(organizer_client, edition)
    data.update({name: [value] for name, value in change.items()})

    response = save(organizer_client, url, data, status=200)

    assert message in response.content.decode()
    assert "Somewhere 1" in response.content.decode()
    assert not Venue.objects.filter(address="Somewhere 1").exists()


def test_an_address_for_a_host_that_has_a_venue_points_to_it(organizer_client):
    takeda = OrganisationFactory(name="Takeda")
    VenueFactory(name="Takeda Forum", organisation=takeda)
    edition = EditionFactory(venue=None)
    url, data = edition_page(organizer_client, edition)
    data.update({"host": [str(takeda.pk)], "new_venue_address": ["Elsewhere 2"]})

    response = save(organizer_client, url, data, status=200)

    assert "Takeda has a venue already: choose it under “Venue”" in response.content.decode()


def test_emptying_host_and_venue_removes_the_host(organizer_client):
    edition = EditionFactory(venue=None)
    SponsorshipFactory(edition=edition)
    url, data = edition_page(organizer_client, edition)
    data["host"] = [""]

    save(organizer_client, url, data)

    assert host_rows(edition) == []
