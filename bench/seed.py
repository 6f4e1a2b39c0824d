"""The benchmark's data set: a site ten years older than today's, built deterministically.

seed(FULL) writes 200 editions (every tenth a workshop; the last one next
fortnight, the others four weeks apart before it), 1,600 talks with one or two
speakers out of 800 people, 40 sponsoring organisations with a venue each, 100
job ads (60 of them active), and the upcoming edition's raffle with 5,000
entries. The same size, seed and day always give the same rows (fingerprint()
proves it, tests/test_bench_seed.py checks it): two runs of `make bench`
measure the same pages. Rows go in with bulk_create, so seeding takes seconds,
not minutes; it ends with one content_changed(), as bulk writes must.
"""

import dataclasses
import datetime
import hashlib
import json
import random
import uuid
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from meetups.models import AgendaItem, Announcement, Edition, SiteProfile, Venue
from raffles.models import Raffle, RaffleEntry, sha256_hex
from sponsors.models import JobAd, JobAdItem, Organisation, Sponsorship
from talks.models import Person, Talk, TalkSource, TalkSpeaker
from vdlm.page_cache import content_changed

VIENNA = ZoneInfo("Europe/Vienna")
RAFFLE_SLUG = "bench-raffle"
RAFFLE_ANSWER = "François Chollet"


@dataclasses.dataclass(frozen=True)
class Size:
    editions: int
    talks_per_edition: int
    people: int
    organisations: int
    job_ads: int
    raffle_entries: int


FULL = Size(editions=200, talks_per_edition=8, people=800, organisations=40, job_ads=100, raffle_entries=5000)
SMALL = Size(editions=12, talks_per_edition=4, people=20, organisations=5, job_ads=6, raffle_entries=30)

FIRST_NAMES = [
    "Anna", "Bernhard", "Carla", "David", "Elena", "Florian", "Greta", "Hannes", "Ines", "Jakob", "Katharina",
    "Lukas", "Maria", "Niklas", "Olga", "Paul", "Quirin", "Rosa", "Stefan", "Theresa", "Ulrich", "Valentina",
    "Wolfgang", "Xenia", "Yusuf", "Zoe", "Amir", "Birgit", "Chen", "Dragan", "Emre", "Fatima", "Georg", "Hana",
    "Igor", "Julia", "Kenji", "Lea", "Mateo", "Nora",
]
LAST_NAMES = [
    "Auer", "Bauer", "Cerny", "Dvořák", "Eder", "Fischer", "Gruber", "Huber", "Illés", "Jovanović", "Kovács",
    "Lehner", "Mayer", "Novák", "Oberhauser", "Pichler", "Quast", "Reiter", "Schmid", "Tanaka", "Unger",
    "Vogel", "Wagner", "Xu", "Yilmaz", "Zimmermann", "Schlüter", "Hochreiter", "Kranen", "Lidy", "Mikolov",
    "Omenitsch", "Puchinger", "Ressi", "Seitner", "Türk", "Ulbrich", "Varga", "Weiß", "Zeller",
]
UNIVERSITIES = ["TU Wien", "University of Vienna", "JKU Linz", "IST Austria", "TU Graz", "Medical University of Vienna"]
COMPANY_STEMS = [
    "Alpine", "Blue", "Cedar", "Danube", "Echo", "Fern", "Granite", "Harbor", "Iris", "Juniper", "Krona",
    "Linden", "Meridian", "Nova", "Orbit", "Prism", "Quarry", "Riverside", "Summit", "Tandem",
]
COMPANY_KINDS = ["Analytics", "Robotics", "Health AI", "Labs"]
TOPICS = [
    "self-supervised learning", "graph neural networks", "diffusion models", "reinforcement learning",
    "speech recognition", "medical imaging", "time series forecasting", "recommender systems",
    "large language models", "federated learning", "neural architecture search", "explainable AI",
    "autonomous driving", "music information retrieval", "computer vision at the edge", "protein folding",
]  # fmt: skip
TITLE_PATTERNS = [
    "What {topic} taught us in production",
    "A practical introduction to {topic}",
    "Scaling {topic} on a budget",
    "{Topic}: lessons from two years of research",
    "Beyond the hype: {topic} in industry",
    "Debugging {topic}",
]
SENTENCES = [
    "We show how a **small team** can train and ship models without a data centre.",
    "The talk walks through the data pipeline, the training set-up and the evaluation.",
    "Expect code, failure stories and a few equations, all explained from first principles.",
    "We compare three approaches on public benchmarks and on our own, messier data.",
    "Results are reproducible: notebooks and weights are on GitHub.",
    "Finally, we discuss what did *not* work, and why that matters more than the leaderboard.",
]
JOB_TITLES = ["Data Engineer", "ML Engineer", "Research Scientist", "Data Scientist", "MLOps Engineer"]


def _markdown(rng, paragraphs, sentences):
    return "\n\n".join(" ".join(rng.sample(SENTENCES, sentences)) for _ in range(paragraphs))


def _vienna(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VIENNA)


def _organisations(rng, size):
    names = [f"{stem} {kind}" for kind in COMPANY_KINDS for stem in COMPANY_STEMS][: size.organisations]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=name,
            slug=slugify(name),
            website=f"https://{slugify(name)}.example.com/",
            description=_markdown(rng, 1, 2),
        )
        for name in names
    )
    venues = Venue.objects.bulk_create(
        Venue(
            name=f"{organisation.name} office",
            organisation=organisation,
            address=f"Favoritenstraße {index + 1}\n1040 Wien",
            map_url="https://www.openstreetmap.org/#map=18/48.19/16.37",
            capacity=80 + 10 * (index % 8),
        )
        for index, organisation in enumerate(organisations)
    )
    return organisations, venues


def _people(rng, size, organisations):
    names = rng.sample([f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES], size.people)
    affiliations = UNIVERSITIES + [organisation.name for organisation in organisations]
    return Person.objects.bulk_create(
        Person(
            name=name,
            slug=slugify(name),
            affiliation=rng.choice(affiliations),
            bio=_markdown(rng, 1, 3),
            website_url=f"https://{slugify(name)}.example.org/" if rng.random() < 0.4 else "",
        )
        for name in names
    )


def _editions(rng, size, today, venues):
    """(editions oldest first, host organisation of each); the last one is next fortnight's."""
    upcoming_day = today + datetime.timedelta(days=14)
    meetups = workshops = 0
    editions, hosts = [], []
    for index in range(size.editions):
        day = upcoming_day - datetime.timedelta(weeks=4 * (size.editions - 1 - index))
        venue = venues[index % len(venues)]
        topic = rng.choice(TOPICS)
        if index % 10 == 9 and index != size.editions - 1:
            workshops += 1
            kind, number, code, title = Edition.Kind.WORKSHOP, workshops, f"workshop-{workshops}", f"Workshop: {topic}"
        else:
            meetups += 1
            kind, number, code, title = Edition.Kind.MEETUP, meetups, str(meetups), ""
        editions.append(
            Edition(
                code=code,
                number=number,
                kind=kind,
                title=title,
                topic=topic.capitalize(),
                start_date=day,
                start_time=datetime.time(18, 30),
                end_time=datetime.time(22, 0),
                venue=venue,
                description=_markdown(rng, 3, 3),
                meetup_url=f"https://www.meetup.com/vienna-deep-learning-meetup/events/{300000 + index}/",
                video_url="https://www.youtube.com/ViennaDeepLearningMeetup" if index % 3 else "",
                published=True,
            )
        )
        hosts.append(venue.organisation)
    return Edition.objects.bulk_create(editions), hosts


def _talks(rng, size, editions, people):
    talks, speakers, sources, agenda, announcements, organizers = [], [], [], [], [], []
    organizer_model = Edition.organizers.through
    for edition in editions:
        organizers += [organizer_model(edition=edition, person=person) for person in people[:3]]
        for number in range(size.talks_per_edition):
            if number == size.talks_per_edition - 1:
                kind, title = Talk.Kind.HOT_TOPICS, "Hot Topics and Latest News"
            else:
                kind = Talk.Kind.CONFERENCE_REPORT if number == 2 else Talk.Kind.TALK
                topic = rng.choice(TOPICS)
                title = rng.choice(TITLE_PATTERNS).format(topic=topic, Topic=topic.capitalize())
            talk = Talk(
                edition=edition,
                title=title,
                slug=f"{slugify(title)[:80]}-{edition.code}-{number}",
                kind=kind,
                abstract=_markdown(rng, 2, 3),
                slides_url=f"https://github.com/vdlm/meetups/slides/{edition.code}-{number}.pdf"
                if rng.random() < 0.7
                else "",
                video_url=f"https://www.youtube.com/watch?v=bench{edition.code}x{number}" if rng.random() < 0.5 else "",
            )
            talks.append(talk)
        agenda += [
            AgendaItem(edition=edition, position=position, start_time=datetime.time(*time), kind=kind, title=title)
            for position, time, kind, title in [
                (10, (18, 30), AgendaItem.Kind.WELCOME, "Welcome"),
                (20, (18, 40), AgendaItem.Kind.HOST_PRESENTATION, "Our host presents"),
                (40, (19, 45), AgendaItem.Kind.ANNOUNCEMENTS, "Announcements"),
                (41, (19, 55), AgendaItem.Kind.BREAK, "Break"),
                (90, (21, 45), AgendaItem.Kind.NETWORKING, "Networking"),
            ]
        ]
        announcements += [
            Announcement(edition=edition, position=position, title=title, body=_markdown(rng, 1, 2))
            for position, title in enumerate(["VDLM on GitHub", "Call for speakers"])
        ]
    Talk.objects.bulk_create(talks)
    for index, talk in enumerate(talks):
        number = index % size.talks_per_edition
        count = 1 if talk.kind == Talk.Kind.HOT_TOPICS or rng.random() < 0.6 else 2
        for position, person in enumerate(rng.sample(people, count)):
            speakers.append(TalkSpeaker(talk=talk, person=person, position=position, affiliation=person.affiliation))
        if talk.kind == Talk.Kind.HOT_TOPICS:
            url = "https://arxiv.org/abs/{}.{}"
            sources += [
                TalkSource(talk=talk, position=n, title=f"Paper {n + 1} of the month", url=url.format(index, n))
                for n in range(4)
            ]
        # Two talks before the announcements and the break, the others after them.
        position, first = (30 + number, (18, 55)) if number < 2 else (50 + number, (20, 10))
        minutes = 25 * (number if number < 2 else number - 2)
        start = (datetime.datetime(2000, 1, 1, *first) + datetime.timedelta(minutes=minutes)).time()
        agenda.append(
            AgendaItem(edition=talk.edition, position=position, start_time=start, kind=talk.kind, title=talk.title,
                       talk=talk)
        )  # fmt: skip
    TalkSpeaker.objects.bulk_create(speakers)
    TalkSource.objects.bulk_create(sources)
    AgendaItem.objects.bulk_create(agenda)
    Announcement.objects.bulk_create(announcements)
    organizer_model.objects.bulk_create(organizers)
    return talks


def _sponsorships(editions, hosts, organisations):
    rows = []
    for index, (edition, host) in enumerate(zip(editions, hosts, strict=True)):
        rows.append(Sponsorship(edition=edition, organisation=host, role=Sponsorship.Role.HOST))
        caterer = organisations[(index + 7) % len(organisations)]
        if caterer != host:
            rows.append(Sponsorship(edition=edition, organisation=caterer, role=Sponsorship.Role.CATERING,
                                    note="Drinks and pizza"))  # fmt: skip
    Sponsorship.objects.bulk_create(rows)


def _job_ads(rng, size, today, editions, organisations):
    ads = []
    for index in range(size.job_ads):
        organisation = organisations[index % len(organisations)]
        title = f"{rng.choice(JOB_TITLES)} ({index + 1})"
        active = index < size.job_ads * 6 // 10
        published_on = today - datetime.timedelta(days=3 + index % 40 if active else 100 + index)
        lasts = datetime.timedelta(days=30 + index % 60 if active else 45)
        expires_on = (today if active else published_on) + lasts
        ads.append(
            JobAd(
                organisation=organisation,
                title=title,
                slug=f"{slugify(title)}-{slugify(organisation.name)}",
                tagline="Build the pipelines our scientists love.",
                description=_markdown(rng, 1, 2),
                location="Vienna",
                apply_url=f"https://{organisation.slug}.example.com/jobs/{index}",
                published_on=published_on,
                expires_on=expires_on,
            )
        )  # fmt: skip
    JobAd.objects.bulk_create(ads)
    items = [
        JobAdItem(job_ad=ad, section=section, position=position, text=rng.choice(SENTENCES))
        for ad in ads
        for section in JobAdItem.Section
        for position in range(3)
    ]
    JobAdItem.objects.bulk_create(items)
    link = JobAd.editions.through
    # The newest ads were announced at the latest editions, four at the next one.
    link.objects.bulk_create(
        link(jobad=ad, edition=editions[-1 - (index // 4) % len(editions)]) for index, ad in enumerate(ads)
    )


def _raffle(rng, size, today, edition, donor):
    salt = f"{rng.getrandbits(256):064x}"
    raffle = Raffle.objects.create(
        title="Conference ticket",
        slug=RAFFLE_SLUG,
        edition=edition,
        prize="1 free ticket",
        prize_donor=donor,
        question="Which speaker is the creator of Keras?",
        accepted_answers=f"{RAFFLE_ANSWER}\nChollet",
        opens_at=_vienna(today - datetime.timedelta(days=1), 12),
        closes_at=_vienna(today + datetime.timedelta(days=30), 23, 59),
        status=Raffle.Status.PUBLISHED,
        salt=salt,
    )
    entries = []
    for number in range(size.raffle_entries):
        submitted = raffle.opens_at + datetime.timedelta(seconds=7 * number)
        answer = RAFFLE_ANSWER if rng.random() < 0.8 else rng.choice(["Geoffrey Hinton", "Yann LeCun", "chollet"])
        entries.append(
            RaffleEntry(
                raffle=raffle,
                public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                email=f"entrant{number}@example.org",
                name=f"Entrant {number}" if number % 3 else "",
                answer=answer,
                answer_correct=raffle.is_correct_answer(answer),
                submitted_at=submitted,
                consented_at=submitted,
                confirmed_at=submitted + datetime.timedelta(minutes=2) if rng.random() < 0.9 else None,
            )
        )
    RaffleEntry.objects.bulk_create(entries, batch_size=1000)
    assert raffle.commitment == sha256_hex(salt)
    return raffle


@transaction.atomic
def seed(size=FULL, *, today=None, rng_seed=2016):
    """Fill an empty database with the data set of `size` around `today` (default: today in Vienna)."""
    if Edition.objects.exists() or Person.objects.exists():
        raise RuntimeError("The benchmark seeds an empty database only; this one has editions or people.")
    today = today or timezone.localdate()
    rng = random.Random(rng_seed)  # noqa: S311 - made-up data, reproducible on purpose
    profile = SiteProfile.load()
    profile.hashtag, profile.tagline, profile.members_count = "#VDLM", "Research meets industry.", "3000+"
    profile.contact_email = "organizers@example.org"
    profile.github_url, profile.youtube_url = "https://github.com/vdlm", "https://www.youtube.com/ViennaDeepLearningMeetup"
    profile.save()
    organisations, venues = _organisations(rng, size)
    people = _people(rng, size, organisations)
    editions, hosts = _editions(rng, size, today, venues)
    _talks(rng, size, editions, people)
    _sponsorships(editions, hosts, organisations)
    _job_ads(rng, size, today, editions, organisations)
    _raffle(rng, size, today, editions[-1], organisations[1])
    content_changed()


def fingerprint():
    """SHA-256 of the whole data set by natural keys: equal for equal data, whatever the primary keys."""
    rows = {
        "editions": Edition.objects.values_list(
            "code", "number", "kind", "title", "topic", "start_date", "venue__name", "description", "published"
        ),
        "organizers": Edition.organizers.through.objects.values_list("edition__code", "person__slug"),
        "people": Person.objects.values_list("slug", "name", "affiliation", "bio", "website_url"),
        "organisations": Organisation.objects.values_list("slug", "name", "description"),
        "venues": Venue.objects.values_list("name", "organisation__slug", "address", "capacity"),
        "sponsorships": Sponsorship.objects.values_list("edition__code", "organisation__slug", "role", "note"),
        "talks": Talk.objects.values_list(
            "slug", "edition__code", "title", "kind", "abstract", "slides_url", "video_url"
        ),
        "speakers": TalkSpeaker.objects.values_list("talk__slug", "person__slug", "position", "affiliation"),
        "sources": TalkSource.objects.values_list("talk__slug", "position", "title", "url"),
        "agenda": AgendaItem.objects.values_list(
            "edition__code", "position", "start_time", "kind", "title", "talk__slug"
        ),
        "announcements": Announcement.objects.values_list("edition__code", "position", "title", "body"),
        "job_ads": JobAd.objects.values_list("slug", "organisation__slug", "title", "published_on", "expires_on"),
        "job_ad_items": JobAdItem.objects.values_list("job_ad__slug", "section", "position", "text"),
        "job_ad_editions": JobAd.editions.through.objects.values_list("jobad__slug", "edition__code"),
        "raffles": Raffle.objects.values_list("slug", "edition__code", "salt", "commitment", "opens_at", "closes_at"),
        "entries": RaffleEntry.objects.values_list(
            "public_id", "email", "name", "answer", "answer_correct", "submitted_at", "confirmed_at"
        ),
    }
    canonical = {name: sorted(map(list, query), key=repr) for name, query in rows.items()}
    return hashlib.sha256(json.dumps(canonical, default=str, sort_keys=True).encode()).hexdigest()


def counts():
    """How many rows of each kind the data set has, for the results page."""
    return {
        "editions": Edition.objects.count(),
        "talks": Talk.objects.count(),
        "people": Person.objects.count(),
        "organisations": Organisation.objects.count(),
        "job ads": JobAd.objects.count(),
        "raffle entries": RaffleEntry.objects.count(),
    }


def bench_paths():
    """The pages `make bench` measures, as paths on the seeded site."""
    upcoming = Edition.objects.published().upcoming().first()
    talk = (
        Talk.objects.filter(edition=upcoming, kind=Talk.Kind.TALK)
        .annotate(speaker_count=Count("talk_speakers"))
        .order_by("-speaker_count", "slug")
        .first()
    )
    busiest = Person.objects.annotate(talk_count=Count("talk_speakers")).order_by("-talk_count", "slug").first()
    return {
        "home": "/",
        "archive, page 1": "/meetups/",
        "archive, page 5": "/meetups/?page=5",
        "edition detail": upcoming.get_absolute_url(),
        "talk detail": talk.get_absolute_url(),
        "speaker detail": busiest.get_absolute_url(),
        "deck": f"/meetups/{upcoming.code.lower()}/deck/",
        "iCal feed": "/meetups/calendar.ics",
        "API list (talks)": "/api/talks/",
        "API list (editions)": "/api/editions/",
    }
