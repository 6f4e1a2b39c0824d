"""The demo data: the Vienna Deep Learning Meetup's real history, and #32 as its slide deck shows it.

1. The real archive shipped in the repository (DEMO_ARCHIVE: the 2019 root README, today's
   root README and the 66 per-edition READMEs of vdlm/meetups, 2016–2026) goes in through the
   archive import, as an organizer's first import would.
2. The #32 deck's details (shared/seed: agenda, abstracts, the raffle, the job ad, hot-topic
   sources) are written on top, keyed on natural keys (codes, slugs, positions) with
   update_or_create.
3. The one invented piece is the upcoming edition: a fresh demo should show a next meetup,
   and its description says it is demo data.
Loading twice leaves the same rows (the import's second run changes nothing).
"""

import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from raffles.models import Raffle
from sponsors.models import JobAd, JobAdItem, Organisation, Sponsorship
from talks.models import Person, Talk, TalkSource, TalkSpeaker

from .models import AgendaItem, Announcement, Edition, SiteProfile, Venue

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DEMO_ARCHIVE = [
    DATA / "vdlm-meetups" / "README-018f447.md",
    DATA / "vdlm-meetups-current" / "README-dedb392.md",
    DATA / "vdlm-meetups-repo",
]
MEETUP_GROUP_URL = "https://www.meetup.com/Vienna-Deep-Learning-Meetup/"
GITHUB_URL = "https://github.com/vdlm/meetups"
YOUTUBE_URL = "https://www.youtube.com/ViennaDeepLearningMeetup"
ARCHIVE_32 = GITHUB_URL + "/tree/master/Meetups/Meetup_32"
SLIDES_32 = GITHUB_URL + "/blob/master/Meetups/Meetup_32/slides/"

ORGANISATIONS = {
    "takeda": (
        "Takeda",
        "https://www.takeda.com/de-at/",
        "Takeda Austria is a significant site with a long heritage: more than 4,000 "
        "employees, and with the fractionation of 3 million litres of plasma a year, "
        "Vienna is one of the largest plasma fractionation sites worldwide. It is the "
        "global centre of excellence for pathogen safety, and the whole value chain, "
        "from R&D and plasma collection to packaging and distribution to more than 100 "
        "countries, is in Austria.",
    ),
    "magenta-telekom": ("Magenta Telekom", "https://www.magenta.at/", ""),
    "njinn-technologies": ("Njinn Technologies", "", ""),
    "contextflow": ("contextflow GmbH", "https://contextflow.com/", ""),
    "ml-prague": ("ML Prague", "https://mlprague.com/", "Machine Learning Prague conference."),
    "automic": ("Automic", "https://www.automic.com/", ""),
    "tu-wien": ("TU Wien", "https://www.tuwien.at/", ""),
}

ORGANIZERS = [
    ("alex-schindler", "Alex Schindler", "AIT & TU Wien"),
    ("jan-schlueter", "Jan Schlüter", "OFAI & contextflow"),
    ("rene-donner", "René Donner", "contextflow"),
]

INVITATION_32 = """Dear Deep Learners,

We are happy to invite you to the first meetup of 2020! It will happen on January 30th, \
covering self-supervised learning in different domains, and a report from the NeurIPS 2019 conference.

As usual, the meetup will be complemented by hot topics & latest news about Deep Learning, \
as well as networking."""

ABSTRACT_BONITZ = (
    "Deep Learning can leverage giant amounts of data, and compute performance has improved a lot. "
    "This means that the cost and logistics of creating datasets for supervised learning are often "
    "the bottleneck for model performance. In NLP, this limitation has recently been overcome using "
    "self-supervised pretraining and supervised fine-tuning. This talk introduces self-supervised and "
    "semi-supervised learning in general, and gives a brief tour of some interesting and surprising "
    "research in vastly different application areas."
)
BIO_BONITZ = (
    "Christoph Bonitz holds a master’s degree in Computational Intelligence, has spent his career in "
    "various software engineering and architecture roles building data-centric products, and currently "
    "works on a workflow automation platform at Njinn Technologies."
)
ABSTRACT_NEURIPS = (
    'The yearly "Neural Information Processing Systems" conference is one of the largest machine '
    "learning conferences. In 2019, it took place in Vancouver, from December 8 to 14, with around "
    "13,000 attendees. René will discuss a small selection of the 1,428 papers presented at the conference."
)
ABSTRACT_HOT_TOPICS = (
    "A short block at every meetup to briefly present recent papers and news in Deep Learning.\n\n"
    "**Are deep NN (dramatically) overfitted?** Traditional machine learning uses a U-shaped risk "
    "curve to measure the bias-variance trade-off; deep networks show a double-U-shaped curve "
    "(model-wise, sample-wise and epoch-wise double descent). At the interpolation threshold there is "
    "effectively only one model that fits the training data; in the over-parameterized regime there "
    "are many, and the implicit bias of SGD leads it to good ones. Plus: the lottery ticket hypothesis "
    "and how well winning tickets generalize across datasets."
)
HOT_TOPICS_SOURCES = [
    (
        "Lilian Weng: Are Deep Neural Networks Dramatically Overfitted?",
        "https://lilianweng.github.io/lil-log/2019/03/14/are-deep-neural-networks-dramatically-overfitted.html",
    ),
    ("OpenAI: Deep Double Descent", "https://openai.com/blog/deep-double-descent/"),
    (
        "LessWrong: Understanding “Deep Double Descent”",
        "https://www.lesswrong.com/posts/FRv7ryoqtvSuqBxuT/understanding-deep-double-descent",
    ),
    (
        "Facebook AI: Understanding the generalization of lottery tickets in neural networks",
        "https://ai.facebook.com/blog/understanding-the-generalization-of-lottery-tickets-in-neural-networks/",
    ),
]

# The agenda of #32 exactly as "Topics for Today" lists it: (kind, title, talk slug).
AGENDA_32 = [
    (AgendaItem.Kind.WELCOME, "Welcome & Introduction", None),
    (AgendaItem.Kind.TALK, "Self-Supervised Deep Learning", "self-supervised-deep-learning"),
    (AgendaItem.Kind.ANNOUNCEMENTS, "Announcements", None),
    (AgendaItem.Kind.BREAK, "Break", None),
    (AgendaItem.Kind.CONFERENCE_REPORT, "Report from NeurIPS 2019", "report-from-neurips-2019"),
    (AgendaItem.Kind.HOT_TOPICS, "Hot Topics and Latest News", "hot-topics-32-deep-double-descent"),
    (AgendaItem.Kind.NETWORKING, "Networking", None),
]

JOB_ITEMS = {
    JobAdItem.Section.DO: [
        "Extract and **build data sets** from various applications to be easily analyzed by our data scientists.",
        "Build and maintain automated pipelines with Python and Java",
        "Actively **share your knowledge** and lessons learned with other teams and departments across the globe",
    ],
    JobAdItem.Section.BRING: [
        "Experience in building datapipelines, data sets, and defining the data architecture",
        "Hands-on mentality, excellent problem-solving skills, and critical thinking",
        "Experience working with data scientists and a good understanding of their needs",
    ],
    JobAdItem.Section.GET: [
        "A flat organization with **personal development** opportunities",
        "An international work environment with global collaboration opportunities",
        "Very **competitive salary** with equity awards on top.",
    ],
}


def _vienna(year, month, day, hour=0, minute=0, second=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute, second))


def _date(text):
    return datetime.date.fromisoformat(text)


def _organisation(slug):
    name, website, description = ORGANISATIONS[slug]
    organisation, _ = Organisation.objects.update_or_create(
        slug=slug, defaults={"name": name, "website": website, "description": description}
    )
    return organisation


def _person(slug, name, affiliation, bio=""):
    person, _ = Person.objects.update_or_create(
        slug=slug, defaults={"name": name, "affiliation": affiliation, "bio": bio}
    )
    return person


def _venue(name, organisation, address="", map_url="", capacity=None):
    venue, _ = Venue.objects.update_or_create(
        name=name,
        defaults={"organisation": organisation, "address": address, "map_url": map_url, "capacity": capacity},
    )
    return venue


def _edition(code, **fields):
    edition, _ = Edition.objects.update_or_create(code=code, defaults=fields)
    return edition


def _host(edition, organisation, note=""):
    Sponsorship.objects.update_or_create(
        edition=edition, role=Sponsorship.Role.HOST, defaults={"organisation": organisation, "note": note}
    )


def _talk(slug, edition, title, kind, abstract, speakers, **fields):
    talk, _ = Talk.objects.update_or_create(
        slug=slug, defaults={"edition": edition, "title": title, "kind": kind, "abstract": abstract, **fields}
    )
    for position, (person, affiliation) in enumerate(speakers):
        TalkSpeaker.objects.update_or_create(
            talk=talk, person=person, defaults={"position": position, "affiliation": affiliation}
        )
    return talk


def _agenda(edition, items, talks_by_slug, times=()):
    for index, (kind, title, talk_slug) in enumerate(items):
        talk = talks_by_slug.get(talk_slug)
        AgendaItem.objects.update_or_create(
            edition=edition,
            position=(index + 1) * 10,
            defaults={
                "kind": kind,
                "title": title,
                "talk": talk,
                # The deck's own wording where it is not the talk's ("Hot Topics and Latest News").
                "own_title": talk is not None and title != talk.title,
                "start_time": times[index] if index < len(times) else None,
            },
        )
    # A shorter agenda than before must not leave stale rows behind.
    edition.agenda_items.filter(position__gt=len(items) * 10).delete()


def _site_profile():
    profile = SiteProfile.load()
    profile.group_name = "Vienna Deep Learning Meetup"
    profile.hashtag = "#VDLM"
    profile.tagline = "Where deep learning research meets industry in Vienna, since 2016."
    profile.members_count = "1000+"
    profile.contact_email = "vdlmeetup@gmail.com"
    profile.github_url = GITHUB_URL
    profile.youtube_url = YOUTUBE_URL
    profile.meetup_url = MEETUP_GROUP_URL
    profile.save()


def _real_archive(paths):
    """The meetup's history from its GitHub archive, through the import organizers use (docs/archive.md)."""
    from .archive import import_archive

    if paths:
        import_archive(paths)


def _meetup_32(organizers):
    takeda = _organisation("takeda")
    venue = _venue(
        "Takeda Austria",
        takeda,
        address="Industriestraße 67, 1221 Wien",
        map_url="https://www.openstreetmap.org/search?query=Industriestra%C3%9Fe%2067%2C%201221%20Wien",
        capacity=150,
    )
    edition = _edition(
        "32",
        number=32,
        kind=Edition.Kind.MEETUP,
        topic="Self-Supervised Deep Learning / Report from NeurIPS 2019",
        start_date=_date("2020-01-30"),
        start_time=datetime.time(18, 30),
        end_time=datetime.time(22, 0),
        venue=venue,
        description=INVITATION_32,
        meetup_url=MEETUP_GROUP_URL + "events/267684493/",
        intro_slides_url=SLIDES_32
        + "32nd%20Deep%20Learning%20Meetup%20Intro%20-%20Announcements%20-%20Hot%20Topics.pdf",
        published=True,
    )
    edition.organizers.set(organizers)
    _host(edition, takeda, note="Austria site presentation: Better Health, Brighter Future")

    bonitz = _person("christoph-bonitz", "Christoph Bonitz", "Njinn Technologies", BIO_BONITZ)
    donner = next(person for person in organizers if person.slug == "rene-donner")
    pieler = _person("michael-pieler", "Michael Pieler", "")
    _organisation("njinn-technologies")
    _organisation("contextflow")

    talks = {
        "self-supervised-deep-learning": _talk(
            "self-supervised-deep-learning",
            edition,
            "Self-Supervised Deep Learning",
            Talk.Kind.TALK,
            ABSTRACT_BONITZ,
            [(bonitz, "Njinn Technologies")],
            slides_url=SLIDES_32 + "Self-Supervised%20Learing%20-%20Bonitz.pdf",
        ),
        "report-from-neurips-2019": _talk(
            "report-from-neurips-2019",
            edition,
            "Report from NeurIPS 2019",
            Talk.Kind.CONFERENCE_REPORT,
            ABSTRACT_NEURIPS,
            [(donner, "contextflow GmbH")],
            slides_url=SLIDES_32 + "VDLM%20Neurips%202019%20recap.pdf",
        ),
        "hot-topics-32-deep-double-descent": _talk(
            "hot-topics-32-deep-double-descent",
            edition,
            "Are deep NN (dramatically) overfitted? Deep Double Descent & Lottery Ticket Hypothesis",
            Talk.Kind.HOT_TOPICS,
            ABSTRACT_HOT_TOPICS,
            [(pieler, "")],
        ),
    }
    hot_topics = talks["hot-topics-32-deep-double-descent"]
    for position, (title, url) in enumerate(HOT_TOPICS_SOURCES):
        TalkSource.objects.update_or_create(talk=hot_topics, url=url, defaults={"position": position, "title": title})
    _agenda(edition, AGENDA_32, talks)

    ml_prague = _organisation("ml-prague")
    Sponsorship.objects.update_or_create(
        edition=edition,
        organisation=ml_prague,
        role=Sponsorship.Role.PRIZE_DONOR,
        defaults={"note": "1 free ticket for ML Prague 2020"},
    )
    raffle, _ = Raffle.objects.update_or_create(
        slug="ml-prague-2020",
        defaults={
            "title": "ML Prague 2020",
            "edition": edition,
            "prize": "1 free ticket",
            "prize_donor": ml_prague,
            "question": "Which speaker of ML Prague 2020 is the creator of Keras?",
            "accepted_answers": "François Chollet\nFrancois Chollet\nChollet",
            "opens_at": _vienna(2020, 1, 30, 18, 30),
            # "running until February 9th": the whole day, Vienna time.
            "closes_at": _vienna(2020, 2, 9, 23, 59, 59),
            "answer_email": "vdlmeetup@gmail.com",
            "email_subject": "ML Prague 2020",
            "status": Raffle.Status.PUBLISHED,
        },
    )

    announcements = [
        (
            "VDLM on GitHub",
            "All talks, slides, photos, videos and a wiki: the meetup's archive lives on GitHub.",
            GITHUB_URL,
        ),
        ("VDLM YouTube channel", "Recordings of our talks.", YOUTUBE_URL),
        (
            "eMail raffle for 1 free ticket to ML Prague 2020",
            "Running until February 9th: Which speaker of ML Prague 2020 is the creator of Keras? "
            'Send your answer with subject "ML Prague 2020" to vdlmeetup@gmail.com.',
            "",
        ),
    ]
    for position, (title, body, link) in enumerate(announcements):
        Announcement.objects.update_or_create(
            edition=edition, position=position, defaults={"title": title, "body": body, "link": link}
        )

    automic = _organisation("automic")
    job, _ = JobAd.objects.update_or_create(
        slug="automic-lead-data-engineer",
        defaults={
            "organisation": automic,
            "title": "Lead Data Engineer",
            "tagline": "Become the spearhead of our data product initiatives",
            "location": "Vienna",
            "apply_url": "https://cd.automic.com/lead-data-engineer/",
            "published": True,
            "published_on": _date("2020-01-30"),
            "expires_on": None,
        },
    )
    for section, texts in JOB_ITEMS.items():
        for position, text in enumerate(texts):
            JobAdItem.objects.update_or_create(job_ad=job, section=section, position=position, defaults={"text": text})
    job.editions.add(edition)
    return edition, raffle


def _meetup_33(organizers):
    magenta = _organisation("magenta-telekom")
    venue = _venue("Magenta Telekom", magenta, address="Rennweg 97–99, 1030 Wien")
    edition = _edition(
        "33",
        number=33,
        kind=Edition.Kind.MEETUP,
        topic="",
        start_date=_date("2020-02-26"),
        start_time=datetime.time(18, 30),
        end_time=datetime.time(22, 0),
        venue=venue,
        published=True,
    )
    edition.organizers.set(organizers)
    _host(edition, magenta)


DEMO_EDITION_CODE = "demo"


def _upcoming_edition(organizers):
    """A published edition about a month ahead, with an agenda skeleton."""
    existing = Edition.objects.filter(code__iexact=DEMO_EDITION_CODE).first()
    if existing and existing.start_date >= timezone.localdate():
        start = existing.start_date  # keep loading idempotent while it is still upcoming
    else:
        start = timezone.localdate() + datetime.timedelta(days=28)
        start += datetime.timedelta(days=(3 - start.weekday()) % 7)  # a Thursday
        while (start.month, start.day) >= (12, 20) or (start.month, start.day) <= (1, 6):
            start += datetime.timedelta(weeks=1)  # nobody meets over the holidays
    tu_wien = _organisation("tu-wien")
    venue = _venue(
        "TU Wien Informatik",
        tu_wien,
        address="Favoritenstraße 9–11, 1040 Wien",
        map_url="https://www.openstreetmap.org/search?query=Favoritenstra%C3%9Fe%209%2C%201040%20Wien",
        capacity=120,
    )
    edition = _edition(
        DEMO_EDITION_CODE,
        number=None,
        kind=Edition.Kind.SPECIAL,
        title="Vienna Deep Learning Meetup – demo evening",
        topic="Demo data: an upcoming evening invented so that the demo shows a next meetup",
        start_date=start,
        start_time=datetime.time(18, 30),
        end_time=datetime.time(22, 0),
        venue=venue,
        description=(
            "This edition is **demo data**: it is invented so that a fresh installation shows an "
            "upcoming meetup. Edit or delete it in the admin."
        ),
        published=True,
    )
    edition.organizers.set(organizers)
    _host(edition, tu_wien)
    _agenda(
        edition,
        [
            (AgendaItem.Kind.WELCOME, "Welcome & Introduction", None),
            (AgendaItem.Kind.TALK, "To be announced", None),
            (AgendaItem.Kind.ANNOUNCEMENTS, "Announcements", None),
            (AgendaItem.Kind.BREAK, "Break", None),
            (AgendaItem.Kind.HOT_TOPICS, "Hot Topics and Latest News", None),
            (AgendaItem.Kind.NETWORKING, "Networking", None),
        ],
        {},
        times=[datetime.time(h, m) for h, m in [(18, 30), (18, 45), (19, 30), (19, 45), (20, 15), (20, 45)]],
    )
    _demo_rsvps(edition)
    _demo_announcement(edition)
    return edition


# Invented attendees of the invented edition (example.org addresses: no mail reaches anyone).
DEMO_ATTENDEES = [("Ada Demo", False), ("Grace Demo", True), ("Alan Demo", False)]


def _demo_rsvps(edition):
    """RSVPs on for the demo evening: 120 seats, a guest allowed, one question, three invented attendees."""
    from rsvps.models import Rsvp, RsvpChange, RsvpSettings

    RsvpSettings.objects.update_or_create(
        edition=edition,
        defaults={"enabled": True, "capacity": 120, "guests_allowed": True, "question_1": "Dietary needs?"},
    )
    for name, guest in DEMO_ATTENDEES:
        email = f"{name.split()[0].lower()}.demo@example.org"
        rsvp, created = Rsvp.objects.update_or_create(
            edition=edition,
            email=email,
            defaults={
                "name": name,
                "guest": guest,
                "guest_name": "Guest Demo" if guest else "",
                "status": Rsvp.Status.GOING,
                "site_url": "http://127.0.0.1:8000",
                "consent_text": "Demo data.",
            },
        )
        if created:
            RsvpChange.objects.create(edition=edition, rsvp=rsvp, what=f"{name}: RSVP, going (demo data)")


def _demo_announcement(edition):
    """A draft announcement of the demo evening, composed for `make run`'s address: preview it, test it."""
    from members.mailings import announcement_subject, compose
    from members.models import Mailing

    mailing = Mailing.objects.filter(edition=edition, status=Mailing.Status.DRAFT).first() or Mailing(
        kind=Mailing.Kind.ANNOUNCEMENT, edition=edition
    )
    mailing.subject = announcement_subject(edition)
    mailing.text = "Demo data: a draft announcement. Save it in the admin to compose it for your site's address."
    compose(mailing, "http://127.0.0.1:8000/")
    mailing.save()


@transaction.atomic
def load_demo(archive=DEMO_ARCHIVE):
    """Create or refresh the demo data; returns the #32 edition. `archive=()` leaves the history out
    (the tests that only need #32 and the upcoming edition)."""
    _site_profile()
    _real_archive(archive)
    organizers = [_person(slug, name, affiliation) for slug, name, affiliation in ORGANIZERS]
    edition_32, _ = _meetup_32(organizers)
    _meetup_33(organizers)
    _upcoming_edition(organizers)
    return edition_32


@transaction.atomic
def remove_demo():
    """Delete what the demo invented and nothing else: the upcoming "demo" edition, with its
    agenda and host row (everything else is the meetup's real history). Returns how many
    editions went (0 or 1)."""
    from members.models import Mailing

    invented = Edition.objects.filter(code__iexact=DEMO_EDITION_CODE)
    count = invented.count()
    Mailing.objects.filter(edition__in=invented).delete()  # a record protects its edition: the demo's goes too
    invented.delete()
    return count
