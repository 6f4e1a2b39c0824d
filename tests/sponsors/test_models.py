import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from sponsors.models import JobAd, JobAdItem, Sponsorship
from tests.factories import EditionFactory, JobAdFactory, JobAdItemFactory, OrganisationFactory, SponsorshipFactory

pytestmark = pytest.mark.django_db


def test_an_edition_has_one_venue_host():
    sponsorship = SponsorshipFactory(role=Sponsorship.Role.HOST)
    SponsorshipFactory(edition=sponsorship.edition, role=Sponsorship.Role.CATERING)
    with pytest.raises(IntegrityError), transaction.atomic():
        SponsorshipFactory(edition=sponsorship.edition, role=Sponsorship.Role.HOST)


def test_organisation_names_are_unique_ignoring_case():
    OrganisationFactory(name="Takeda")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(name="TAKEDA")


@time_machine.travel(datetime.datetime(2020, 2, 1, 12, 0, tzinfo=datetime.UTC))
def test_active_job_ads_are_published_started_and_not_expired():
    today = datetime.date(2020, 2, 1)
    active = JobAdFactory(published_on=today, expires_on=today)
    open_ended = JobAdFactory(published_on=today - datetime.timedelta(days=3), expires_on=None)
    expired = JobAdFactory(
        published_on=today - datetime.timedelta(days=30), expires_on=today - datetime.timedelta(days=1)
    )
    JobAdFactory(published_on=today + datetime.timedelta(days=1))  # scheduled
    JobAdFactory(published=False)
    assert set(JobAd.objects.active()) == {active, open_ended}
    assert list(JobAd.objects.expired()) == [expired]
    assert active.is_active and not expired.is_active


def test_job_ad_cannot_expire_before_it_is_published():
    with pytest.raises(IntegrityError), transaction.atomic():
        JobAdFactory(published_on=datetime.date(2020, 2, 1), expires_on=datetime.date(2020, 1, 1))


def test_job_ad_sections_follow_the_deck_order():
    job = JobAdFactory()
    JobAdItemFactory(job_ad=job, section=JobAdItem.Section.GET, text="Salary")
    JobAdItemFactory(job_ad=job, section=JobAdItem.Section.DO, text="Pipelines")
    JobAdItemFactory(job_ad=job, section=JobAdItem.Section.BRING, text="Experience")
    sections = JobAd.objects.prefetch_related("items").get(pk=job.pk).sections()
    assert [(label, [i.text for i in items]) for label, items in sections] == [
        ("What you will do", ["Pipelines"]),
        ("What you bring", ["Experience"]),
        ("What you get", ["Salary"]),
    ]


def test_a_host_can_be_recorded_for_many_editions():
    takeda = OrganisationFactory(name="Takeda")
    for _ in range(3):
        SponsorshipFactory(edition=EditionFactory(), organisation=takeda)
    assert takeda.sponsorships.count() == 3
