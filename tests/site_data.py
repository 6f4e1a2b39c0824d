"""Realistic data for the public-site tests, built with the factories.

`build_meetup_32` is the evening of the #32 slide deck (30 January 2020 at
Takeda) with #33 announced at Magenta; `build_archive` is the bulk data of the
query-count tests.
"""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.utils import timezone

from meetups.demo import JOB_ITEMS as DEMO_JOB_ITEMS
from meetups.models import AgendaItem, Edition
from raffles.models import Raffle
from sponsors.models import Sponsorship
from talks.models import Talk
from tests.factories import (
    AgendaItemFactory,
    AnnouncementFactory,
    EditionFactory,
    JobAdFactory,
    JobAdItemFactory,
    OrganisationFactory,
    PersonFactory,
    RaffleFactory,
    SponsorshipFactory,
    TalkFactory,
    TalkSourceFactory,
    TalkSpeakerFactory,
    VenueFactory,
)

VIENNA = ZoneInfo("Europe/Vienna")
DECK_DAY = datetime.date(2020, 1, 30)

# The Automic ad of the #32 deck: the same three lists the demo loads.
JOB_ITEMS = DEMO_JOB_ITEMS

HOT_TOPICS_SOURCES = [
    (
        "Are Deep Neural Networks Dramatically Overfitted?",
        "https://lilianweng.github.io/lil-log/2019/03/14/are-deep-neural-networks-dramatically-overfitted.html",
    ),
    ("Deep Double Descent", "https://openai.com/blog/deep-double-descent/"),
    (
        "Understanding “Deep Double Descent”",
        "https://www.lesswrong.com/posts/FRv7ryoqtvSuqBxuT/understanding-deep-double-descent",
    ),
    (
        "Understanding the generalization of lottery tickets in neural networks",
        "https://ai.facebook.com/blog/understanding-the-generalization-of-lottery-tickets-in-neural-networks/",
    ),
]


def _at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VIENNA)


def build_meetup_32(day=DECK_DAY):
    """#32 on `day` (the deck's 30 January 2020 by default) and #33 four weeks later at Magenta."""
    takeda = OrganisationFactory(
        name="Takeda",
        slug="takeda",
        website="https://www.takeda.com/de-at/",
        description="Takeda Austria: **more than 4,000 employees** and a long heritage in Vienna.",
    )
    magenta = OrganisationFactory(name="Magenta", slug="magenta", website="https://www.magenta.at/")
    automic = OrganisationFactory(name="Automic", slug="automic", website="https://www.automic.com/")
    ml_prague = OrganisationFactory(name="ML Prague", slug="ml-prague", website="https://mlprague.com/")
    venue = VenueFactory(
        name="Takeda Austria",
        organisation=takeda,
        address="Industriestraße 67\n1220 Wien",
        map_url="https://www.openstreetmap.org/search?query=Industriestra%C3%9Fe%2067%2C%201220%20Wien",
    )
    organizers = [
        PersonFactory(name="Alex Schindler", slug="alex-schindler", affiliation="AIT & TU Wien"),
        PersonFactory(name="Jan Schlüter", slug="jan-schlueter", affiliation="OFAI & contextflow"),
        PersonFactory(name="René Donner", slug="rene-donner", affiliation="contextflow"),
    ]
    donner = organizers[2]
    bonitz = PersonFactory(
        name="Christoph Bonitz",
        slug="christoph-bonitz",
        affiliation="Njinn Technologies",
        bio="Christoph Bonitz holds a master’s degree in Computational Intelligence.",
    )
    pieler = PersonFactory(name="Michael Pieler", slug="michael-pieler", affiliation="")

    edition = EditionFactory(
        number=32,
        code="32",
        topic="Self-Supervised Learning / NeurIPS 2019",
        start_date=day,
        start_time=datetime.time(18, 30),
        end_time=datetime.time(22, 0),
        venue=venue,
        description="Dear Deep Learners,\n\nWe are happy to invite you to the **first meetup of 2020**!",
        meetup_url="https://www.meetup.com/Vienna-Deep-Learning-Meetup/events/267684493/",
        video_url="https://www.youtube.com/ViennaDeepLearningMeetup",
    )
    edition.organizers.set(organizers)
    SponsorshipFactory(edition=edition, organisation=takeda, role=Sponsorship.Role.HOST)
    SponsorshipFactory(
        edition=edition, organisation=ml_prague, role=Sponsorship.Role.PRIZE_DONOR, note="Raffle ticket"
    )

    self_supervised = TalkFactory(
        edition=edition,
        title="Self-Supervised Deep Learning",
        slug="self-supervised-deep-learning",
        abstract="This talk introduces **self-supervised** and semi-supervised learning in general.",
        slides_url="https://github.com/vdlm/meetups/blob/master/Meetups/Meetup_32/slides/bonitz.pdf",
        video_url="https://www.youtube.com/watch?v=GSMh5fw2Mjo",
        speakers=[bonitz],
    )
    neurips = TalkFactory(
        edition=edition,
        title="Report from NeurIPS 2019",
        slug="report-from-neurips-2019",
        kind=Talk.Kind.CONFERENCE_REPORT,
        abstract="René will discuss a small selection of the 1,428 papers presented at the conference.",
        slides_url="https://github.com/vdlm/meetups/blob/master/Meetups/Meetup_32/slides/neurips.pdf",
    )
    # At the time of the talk René was with contextflow GmbH; his profile may change later.
    TalkSpeakerFactory(talk=neurips, person=donner, position=0, affiliation="contextflow GmbH")
    hot_topics = TalkFactory(
        edition=edition,
        title="Hot Topics and Latest News",
        slug="hot-topics-32",
        kind=Talk.Kind.HOT_TOPICS,
        abstract="**Are deep NN (dramatically) overfitted?** Deep double descent and the lottery ticket hypothesis.",
        speakers=[pieler],
    )
    for position, (title, url) in enumerate(HOT_TOPICS_SOURCES):
        TalkSourceFactory(talk=hot_topics, position=position, title=title, url=url)

    agenda = [
        ("18:30", AgendaItem.Kind.WELCOME, "Welcome & Introduction", None),
        ("18:40", AgendaItem.Kind.HOST_PRESENTATION, "Takeda Austria: Site Presentation", None),
        ("18:55", AgendaItem.Kind.TALK, "Self-Supervised Deep Learning", self_supervised),
        ("19:40", AgendaItem.Kind.ANNOUNCEMENTS, "Announcements", None),
        ("19:50", AgendaItem.Kind.BREAK, "Break", None),
        ("20:10", AgendaItem.Kind.CONFERENCE_REPORT, "Report from NeurIPS 2019", neurips),
        ("20:50", AgendaItem.Kind.HOT_TOPICS, "Hot Topics and Latest News", hot_topics),
        ("21:15", AgendaItem.Kind.NETWORKING, "Networking", None),
    ]
    for index, (time, kind, title, talk) in enumerate(agenda):
        AgendaItemFactory(
            edition=edition,
            position=(index + 1) * 10,
            start_time=datetime.time.fromisoformat(time),
            kind=kind,
            title=title,
            talk=talk,
        )
    AnnouncementFactory(
        edition=edition,
        position=1,
        title="VDLM on GitHub",
        body="All talks, slides, photos, videos and the wiki.",
        link="https://github.com/vdlm/meetups",
    )
    raffle = RaffleFactory(
        title="ML Prague 2020",
        slug="ml-prague-2020",
        edition=edition,
        prize="1 free ticket for ML Prague 2020",
        prize_donor=ml_prague,
        question="Which speaker of ML Prague 2020 is the creator of Keras?",
        accepted_answers="François Chollet\nChollet",
        opens_at=_at(day, 18, 0),
        closes_at=_at(day + datetime.timedelta(days=10), 23, 59),
        answer_email="vdlmeetup@gmail.com",
        email_subject="ML Prague 2020",
        status=Raffle.Status.PUBLISHED,
    )
    job_ad = JobAdFactory(
        organisation=automic,
        title="Lead Data Engineer",
        slug="lead-data-engineer",
        tagline="Become the spearhead of our data product initiatives",
        location="Vienna",
        apply_url="https://cd.automic.com/lead-data-engineer/",
        published_on=day - datetime.timedelta(days=7),
        expires_on=day + datetime.timedelta(days=30),
    )
    job_ad.editions.set([edition])
    for section, texts in JOB_ITEMS.items():
        for position, text in enumerate(texts):
            JobAdItemFactory(job_ad=job_ad, section=section, position=position, text=text)

    next_edition = EditionFactory(
        number=33,
        code="33",
        topic="",
        start_date=day + datetime.timedelta(days=27),
        venue=VenueFactory(name="Magenta Telekom T-Center", organisation=magenta),
    )
    SponsorshipFactory(edition=next_edition, organisation=magenta, role=Sponsorship.Role.HOST)
    return SimpleNamespace(
        edition=edition,
        next_edition=next_edition,
        takeda=takeda,
        magenta=magenta,
        automic=automic,
        ml_prague=ml_prague,
        organizers=organizers,
        bonitz=bonitz,
        donner=donner,
        pieler=pieler,
        self_supervised=self_supervised,
        neurips=neurips,
        hot_topics=hot_topics,
        raffle=raffle,
        job_ad=job_ad,
    )


def build_archive(editions, talks_per_edition=8, speakers_per_talk=2, first_day=None, speakers=None):
    """`editions` past editions, each with talks, speakers, agenda, host, announcement,
    raffle and job ad, one week apart and ending a week before `first_day` (default: today).

    Speakers come from a shared pool, so people speak at several editions as they do in life.
    """
    first_day = first_day or timezone.localdate()
    pool = speakers if speakers is not None else PersonFactory.create_batch(40)
    created = []
    for index in range(editions):
        day = first_day - datetime.timedelta(weeks=index + 1)
        host = OrganisationFactory()
        edition = EditionFactory(
            start_date=day,
            venue=VenueFactory(organisation=host),
            kind=Edition.Kind.WORKSHOP if index % 10 == 9 else Edition.Kind.MEETUP,
        )
        edition.organizers.set(pool[:2])
        SponsorshipFactory(edition=edition, organisation=host, role=Sponsorship.Role.HOST)
        AgendaItemFactory(edition=edition, position=1, kind=AgendaItem.Kind.WELCOME, title="Welcome")
        for number in range(talks_per_edition):
            people = [
                pool[(index * talks_per_edition + number + offset * 7) % len(pool)]
                for offset in range(speakers_per_talk)
            ]
            talk = TalkFactory(edition=edition, speakers=people)
            TalkSourceFactory(talk=talk)
            AgendaItemFactory(
                edition=edition, position=10 * (number + 1), kind=AgendaItem.Kind.TALK, title=talk.title, talk=talk
            )
        AnnouncementFactory(edition=edition)
        RaffleFactory(edition=edition, prize_donor=host)
        job_ad = JobAdFactory(organisation=host)
        job_ad.editions.set([edition])
        JobAdItemFactory(job_ad=job_ad)
        created.append(edition)
    return created
