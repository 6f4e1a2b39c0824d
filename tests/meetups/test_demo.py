import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from meetups.models import Edition, SiteProfile
from raffles.models import Raffle
from sponsors.models import JobAd, Sponsorship
from talks.models import Talk

pytestmark = pytest.mark.django_db

PROJECT_APPS = ["meetups", "talks", "sponsors", "raffles"]


def _snapshot():
    """Every row of the project's models, as values, to compare two loads."""
    rows = {}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            values = model.objects.order_by("pk").values()
            rows[model.__name__] = [
                {k: v for k, v in row.items() if k not in {"updated_at", "created_at"}} for row in values
            ]
    return rows


def test_loaddemo_twice_leaves_identical_data(capsys):
    call_command("loaddemo")
    first = _snapshot()
    call_command("loaddemo")
    assert _snapshot() == first
    assert "Demo data loaded" in capsys.readouterr().out


def test_meetup_32_agenda_is_the_deck_order():
    call_command("loaddemo")
    edition = Edition.objects.get_by_code("32")
    lines = []
    for item in edition.agenda_items.select_related("talk"):
        line = item.title
        if item.talk:
            speakers = ", ".join(str(s) for s in item.talk.talk_speakers.all())
            line += f" by {speakers}"
        lines.append((item.kind, line))
    assert lines == [
        ("welcome", "Welcome & Introduction"),
        ("talk", "Self-Supervised Deep Learning by Christoph Bonitz, Njinn Technologies"),
        ("announcements", "Announcements"),
        ("break", "Break"),
        ("conference_report", "Report from NeurIPS 2019 by René Donner, contextflow GmbH"),
        ("hot_topics", "Hot Topics and Latest News by Michael Pieler"),
        ("networking", "Networking"),
    ]


def test_meetup_32_facts():
    call_command("loaddemo")
    edition = Edition.objects.get_by_code("32")
    assert edition.display_title == "32nd Vienna Deep Learning Meetup"
    assert edition.start_date == datetime.date(2020, 1, 30)
    assert edition.published
    assert edition.sponsorships.get(role=Sponsorship.Role.HOST).organisation.name == "Takeda"
    assert "4,000" in edition.sponsorships.get(role=Sponsorship.Role.HOST).organisation.description
    assert [str(p) for p in edition.organizers.order_by("name")] == [
        "Alex Schindler (AIT & TU Wien)",
        "Jan Schlüter (OFAI & contextflow)",
        "René Donner (contextflow)",
    ]
    hot_topics = Talk.objects.get(kind=Talk.Kind.HOT_TOPICS, edition=edition)
    assert [s.url for s in hot_topics.sources.all()] == [
        "https://lilianweng.github.io/lil-log/2019/03/14/are-deep-neural-networks-dramatically-overfitted.html",
        "https://openai.com/blog/deep-double-descent/",
        "https://www.lesswrong.com/posts/FRv7ryoqtvSuqBxuT/understanding-deep-double-descent",
        "https://ai.facebook.com/blog/understanding-the-generalization-of-lottery-tickets-in-neural-networks/",
    ]
    assert [a.title for a in edition.announcements.all()][:2] == ["VDLM on GitHub", "VDLM YouTube channel"]


def test_raffle_job_ad_and_profile():
    call_command("loaddemo")
    raffle = Raffle.objects.get(slug="ml-prague-2020")
    assert raffle.question == "Which speaker of ML Prague 2020 is the creator of Keras?"
    assert raffle.prize == "1 free ticket"
    assert raffle.prize_donor.name == "ML Prague"
    assert raffle.email_subject == "ML Prague 2020"
    assert timezone.localtime(raffle.closes_at).isoformat() == "2020-02-09T23:59:59+01:00"
    assert raffle.is_correct_answer("Francois Chollet")
    job = JobAd.objects.get(slug="automic-lead-data-engineer")
    assert job.tagline == "Become the spearhead of our data product initiatives"
    assert [len(items) for _label, items in job.sections()] == [3, 3, 3]
    assert job.apply_url == "https://cd.automic.com/lead-data-engineer/"
    profile = SiteProfile.load()
    assert (profile.hashtag, profile.members_count) == ("#VDLM", "1000+")


def test_the_demo_is_the_real_history_with_one_invented_upcoming_edition():
    call_command("loaddemo")
    real = Edition.objects.exclude(code="demo")
    # The 2019 and today's root READMEs and the 66 per-edition READMEs in tests/data: every edition
    # they hold (#39–#41 are '...' rows everywhere), and the demo edition's one talk.
    assert real.count() == 74 and Talk.objects.count() == 145
    assert list(real.filter(number__lte=3).order_by("number").values_list("start_date", flat=True)) == [
        datetime.date(2016, 4, 7),
        datetime.date(2016, 5, 9),
        datetime.date(2016, 6, 6),
    ]
    assert real.get(number=9).venue.name == "bwin.party services (Austria) GmbH"
    latest = real.order_by("-start_date").first()
    assert (latest.code, latest.start_date, latest.venue.name) == ("75", datetime.date(2026, 9, 23), "42 Vienna")
    assert latest.talks.count() == 2 and all(talk.abstract for talk in latest.talks.all())
    edition_33 = Edition.objects.get_by_code("33")
    assert (edition_33.start_date, edition_33.venue.name) == (datetime.date(2020, 2, 26), "Magenta Telekom")
    upcoming = Edition.objects.published().upcoming().first()
    assert upcoming.code == "demo" and "demo data" in upcoming.description
    assert upcoming.agenda_items.count() >= 5


def test_loaddemo_remove_deletes_only_the_invented_edition(capsys):
    call_command("loaddemo")
    before = _snapshot()
    invented = Edition.objects.get(code="demo")
    invented_items = set(invented.agenda_items.values_list("pk", flat=True))

    call_command("loaddemo", "--remove")
    assert "Removed the invented demo edition." in capsys.readouterr().out
    after = _snapshot()
    assert not Edition.objects.filter(code="demo").exists()
    # Every other row stays as it was: the real editions, their venues, people, talks.
    assert [row for row in before["Edition"] if row["code"] != "demo"] == after["Edition"]
    assert [row for row in before["AgendaItem"] if row["id"] not in invented_items] == after["AgendaItem"]
    for model in ("Venue", "Person", "Talk", "Organisation", "Raffle", "JobAd"):
        assert before[model] == after[model], model

    call_command("loaddemo", "--remove")
    assert "There is no invented demo edition." in capsys.readouterr().out
