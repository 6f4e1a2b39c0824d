"""factory_boy factories shared by every test module."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from meetups.models import AgendaItem, Announcement, Edition, Venue
from raffles.models import Raffle, RaffleEntry
from sponsors.models import JobAd, JobAdItem, Organisation, Sponsorship
from talks.models import Person, Talk, TalkSource, TalkSpeaker


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("a-long-test-password")


class SuperUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"organizer{n}")
    is_staff = True
    is_superuser = True


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    website = factory.LazyAttribute(lambda org: f"https://{org.slug}.example.com/")
    description = "A company that supports the meetup."


class VenueFactory(DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Venue {n}")
    address = "Favoritenstraße 9, 1040 Wien"
    map_url = "https://www.openstreetmap.org/#map=18/48.19/16.37"
    capacity = 120


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Speaker {n}")
    slug = factory.Sequence(lambda n: f"speaker-{n}")
    affiliation = "TU Wien"
    bio = "Works on deep learning."


class EditionFactory(DjangoModelFactory):
    class Meta:
        model = Edition

    number = factory.Sequence(lambda n: n + 100)
    code = factory.LazyAttribute(lambda edition: str(edition.number))
    kind = Edition.Kind.MEETUP
    topic = factory.Sequence(lambda n: f"Topic {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    start_time = datetime.time(18, 30)
    end_time = datetime.time(22, 0)
    venue = factory.SubFactory(VenueFactory)
    published = True


class TalkFactory(DjangoModelFactory):
    class Meta:
        model = Talk
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    title = factory.Sequence(lambda n: f"Talk number {n}")
    slug = factory.Sequence(lambda n: f"talk-number-{n}")
    kind = Talk.Kind.TALK
    abstract = "What the talk is about."

    @factory.post_generation
    def speakers(talk, create, extracted, **kwargs):
        """TalkFactory(speakers=[person, ...]) adds them in order."""
        if not create or not extracted:
            return
        for position, person in enumerate(extracted):
            TalkSpeaker.objects.create(talk=talk, person=person, position=position)


class TalkSpeakerFactory(DjangoModelFactory):
    class Meta:
        model = TalkSpeaker

    talk = factory.SubFactory(TalkFactory)
    person = factory.SubFactory(PersonFactory)
    position = factory.Sequence(lambda n: n)


class TalkSourceFactory(DjangoModelFactory):
    class Meta:
        model = TalkSource

    talk = factory.SubFactory(TalkFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Source {n}")
    url = factory.Sequence(lambda n: f"https://example.org/paper-{n}")


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    edition = factory.SubFactory(EditionFactory)
    position = factory.Sequence(lambda n: (n + 1) * 10)
    kind = AgendaItem.Kind.OTHER
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class AnnouncementFactory(DjangoModelFactory):
    class Meta:
        model = Announcement

    edition = factory.SubFactory(EditionFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Announcement {n}")
    body = "Something the group should know."


class SponsorshipFactory(DjangoModelFactory):
    class Meta:
        model = Sponsorship

    edition = factory.SubFactory(EditionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Sponsorship.Role.HOST


class JobAdFactory(DjangoModelFactory):
    class Meta:
        model = JobAd

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Data Engineer {n}")
    slug = factory.Sequence(lambda n: f"data-engineer-{n}")
    tagline = "Build the pipelines our scientists love."
    location = "Vienna"
    apply_url = "https://jobs.example.com/apply"
    published = True
    published_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class JobAdItemFactory(DjangoModelFactory):
    class Meta:
        model = JobAdItem

    job_ad = factory.SubFactory(JobAdFactory)
    section = JobAdItem.Section.DO
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Item {n}")


class RaffleFactory(DjangoModelFactory):
    class Meta:
        model = Raffle

    title = factory.Sequence(lambda n: f"Conference ticket {n}")
    slug = factory.Sequence(lambda n: f"conference-ticket-{n}")
    prize = "1 free ticket"
    question = "Who created Keras?"
    accepted_answers = "François Chollet\nChollet"
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    status = Raffle.Status.PUBLISHED


class RaffleEntryFactory(DjangoModelFactory):
    class Meta:
        model = RaffleEntry

    raffle = factory.SubFactory(RaffleFactory)
    email = factory.Sequence(lambda n: f"entrant{n}@example.org")
    name = factory.Sequence(lambda n: f"Entrant {n}")
    answer = "François Chollet"


# --- Call for contributions (contributions app) -----------------------------------

from contributions.models import Proposal, ProposalRating  # noqa: E402


class ProposalFactory(DjangoModelFactory):
    class Meta:
        model = Proposal

    kind = Proposal.Kind.TALK
    title = factory.Sequence(lambda n: f"Proposed talk {n}")
    abstract = "How we trained a **small** model on a laptop."
    bio = "Works on efficient deep learning."
    links = "https://github.com/example"
    name = factory.Sequence(lambda n: f"Proposer {n}")
    email = factory.Sequence(lambda n: f"proposer{n}@example.org")
    affiliation = "TU Wien"
    any_edition = True
    consented_at = factory.LazyFunction(timezone.now)
    status = Proposal.Status.NEW


class ProposalRatingFactory(DjangoModelFactory):
    class Meta:
        model = ProposalRating

    proposal = factory.SubFactory(ProposalFactory)
    organizer = factory.SubFactory(SuperUserFactory)
    score = 4
