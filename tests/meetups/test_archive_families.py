"""The whole real archive: the 66 per-edition READMEs of vdlm/meetups (2016–2026) beside the 2019 root
README, one test per family on a real file, the lying header, placeholders, idempotence, round trip."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from meetups.models import AgendaItem, Edition
from talks.models import Person, Talk
from tests.meetups.test_archive_export import _table_facts, export
from tests.meetups.test_archive_import import DATA, GH, ROOT_2019, issues, run, snapshot, wipe

pytestmark = pytest.mark.django_db

REPO = DATA / "vdlm-meetups-repo"
SHARED_REPO = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vdlm-meetups" / "repo"
README_2023 = DATA / "archive" / "quirks" / "README-2023.md"
PLACEHOLDER_LINK = re.compile(r"/(todo|tbd|tba|n/?a)(\.pdf)?$", re.IGNORECASE)


def readme(number):
    return REPO / "Meetups" / f"Meetup_{number}" / "README.md"


def talks_of(code):
    return list(Edition.objects.get_by_code(code).talks.order_by("pk"))


def speakers_of(talk):
    return [(s.person.name, s.affiliation) for s in talk.talk_speakers.select_related("person").order_by("position")]


def agenda_of(code):
    items = Edition.objects.get_by_code(code).agenda_items.order_by("position")
    return [(item.start_time.strftime("%H:%M") if item.start_time else "", item.kind, item.title) for item in items]


def test_the_copies_are_the_shared_files_unchanged():
    if not SHARED_REPO.is_dir():
        pytest.skip(f"{SHARED_REPO} is not there (CI copies shared/ beside the repository)")
    ours = sorted(path.relative_to(REPO) for path in REPO.rglob("*") if path.is_file())
    theirs = sorted(path.relative_to(SHARED_REPO) for path in SHARED_REPO.rglob("*") if path.is_file())
    assert ours == theirs and len(ours) == 67  # 66 READMEs and SOURCE.md
    for path in ours:
        assert (REPO / path).read_bytes() == (SHARED_REPO / path).read_bytes(), path


# --- The whole folder --------------------------------------------------------------------


def test_the_whole_folder_imports_every_edition_with_its_talks_and_no_placeholder(tmp_path):
    output = run(ROOT_2019, REPO, "--report", tmp_path / "report.md")
    report = (tmp_path / "report.md").read_text(encoding="utf-8")

    assert "0 files not read" in output and "## Files not read (0)" in report
    # Every README of the folder is read, and says as what.
    families = re.findall(r"\| `[^`]+README\.md` \| (edition README [^(|]+\(\d{4}–\d{4}\))", report)
    assert len(families) == 66
    assert families.count("edition README written as the invitation (2023–2026)") == 14
    # Every numbered README's edition is there with talks (the old Meetup_19/ copies #1's, and #4 had none).
    numbers = sorted(int(path.parent.name.split("_")[1]) for path in (REPO / "Meetups").glob("Meetup_*/README.md"))
    imported = Edition.objects.filter(number__in=numbers)
    assert sorted(imported.values_list("number", flat=True)) == numbers
    without_talks = sorted(imported.filter(talks__isnull=True).values_list("number", flat=True))
    assert without_talks == [4, 45, 46]  # #4: no talk anywhere; #45/#46: prose the reader does not split
    assert Edition.objects.count() == 65
    assert Talk.objects.count() >= 120 and Person.objects.count() >= 95
    # Zero placeholder links stored, each placeholder reported with file and line.
    links = [url for pair in Talk.objects.values_list("slides_url", "video_url") for url in pair if url]
    assert links and not [url for url in links if PLACEHOLDER_LINK.search(url)]
    assert "Meetup_42/README.md:29`: #42: slides link './slides/TODO' is a placeholder; not imported" in report
    # The old Meetup_19/ READMEs start with #1's header (date, venue, event), then describe #19's talks.
    nineteen = Edition.objects.get_by_code("19")
    assert (nineteen.start_date, nineteen.venue.name) == (datetime.date(2018, 6, 7), "A1 Telekom Austria")
    assert all(talk.abstract for talk in nineteen.talks.all()) and nineteen.talks.count() == 3
    copied = [line for line in issues(report, "Skipped rows") if "the header of this README is #1's" in line]
    assert len(copied) == 2


def test_a_second_run_on_the_whole_folder_changes_nothing():
    run(ROOT_2019, REPO)
    before = snapshot()
    output = run(ROOT_2019, REPO)
    assert snapshot() == before
    assert "Nothing changed: the database already matches the archive." in output


def assert_round_trip(tmp_path, *sources):
    """Import `sources`, export the markdown, import that alone into an emptied database: the same."""
    run(*sources)
    first = export("--format", "markdown")
    before = _table_facts()
    names = sorted(Person.objects.values_list("name", flat=True))
    wipe()
    (tmp_path / "README.md").write_text(first, encoding="utf-8")

    run(tmp_path / "README.md")

    assert _table_facts() == before
    assert sorted(Person.objects.values_list("name", flat=True)) == names
    assert export("--format", "markdown") == first


def test_round_trip_of_the_whole_history_into_a_fresh_database(tmp_path):
    assert_round_trip(tmp_path, ROOT_2019, REPO)


# --- One family per test, on real files ------------------------------------------------------


def test_2025_2026_heading_date_line_and_talk_sections():
    run(readme(75))
    edition = Edition.objects.get_by_code("75")
    assert (edition.start_date, edition.venue.name) == (datetime.date(2026, 9, 23), "42 Vienna")
    assert edition.topic == "AI Manipulation / Scaling LLM Infrastructure"
    assert edition.meetup_url == "https://www.meetup.com/vienna-deep-learning-meetup/events/316293951/"
    assert edition.description.startswith("Hi Deep Learners,\n\nWe are happy to announce")
    assert "## Agenda" not in edition.description and "meetup.com" not in edition.description
    assert agenda_of("75")[:5] == [
        ("18:15", AgendaItem.Kind.OTHER, "Arrival"),
        ("18:30", AgendaItem.Kind.WELCOME, "Welcome by the meetup organizers"),
        ("", AgendaItem.Kind.HOST_PRESENTATION, "Introduction by the host: 42 Vienna"),
        ("18:45", AgendaItem.Kind.TALK, talks_of("75")[0].title),
        ("19:30", AgendaItem.Kind.ANNOUNCEMENTS, "Announcements"),
    ]
    first, second = talks_of("75")
    assert first.title.startswith("Misaligned AI agents are here: how to evaluate frontier models")
    assert speakers_of(first) == [("Jason Hoelscher-Obermaier", "Apart Research")]
    assert first.abstract.startswith("In May 2026, OpenAI agents working on a timed web-lookup task")
    assert first.abstract.endswith("with pre-deployment models.")
    assert speakers_of(second) == [("Jonas Aaron Vander", "Xinity")]
    assert "Section topics (tentative):" in second.abstract and "Context-aware orchestration" in second.abstract
    assert Person.objects.get(name="Jonas Aaron Vander").bio.startswith("Jonas Aaron Vander is CTO and co-founder")
    assert Person.objects.get(name="Jason Hoelscher-Obermaier").bio.endswith("at two European AI startups.")


def test_2025_time_lines_with_talk_and_speakers_and_bios_of_two_speakers():
    run(readme(64))
    edition = Edition.objects.get_by_code("64")
    assert (edition.start_date, edition.venue.name) == (datetime.date(2025, 2, 20), "Magenta T-Center")
    neural, genai = talks_of("64")
    assert speakers_of(neural) == [("Adam Gosztolai", "Medical University of Vienna")]
    assert speakers_of(genai) == [("Mouhannad Ali", "Crayon Austria"), ("Julius Duin", "Crayon Austria")]
    assert Person.objects.get(name="Mouhannad Ali").bio.startswith("Mouhannad Ali, PhD, Senior ML Engineer")
    assert Person.objects.get(name="Julius Duin").bio.startswith("Julius Duin, ML Engineer at Crayon Austria")
    assert "Today, he’s an ML engineer" in Person.objects.get(name="Julius Duin").bio
    assert "Julius Duin" not in Person.objects.get(name="Mouhannad Ali").bio


def test_2023_2024_invitation_without_heading_time_slots_and_indented_talks():
    run(readme(55))
    edition = Edition.objects.get_by_code("55")
    assert (edition.start_date, edition.venue.name, edition.start_time) == (
        datetime.date(2023, 11, 16),
        "WU Wien",
        datetime.time(18, 30),
    )
    fake_news, fal = talks_of("55")
    assert fake_news.title == (
        "Countering fake news with deep learning - a retrospective summary of five years of research"
    )
    assert speakers_of(fake_news) == [("Alexander Schindler", "Austrian Institute of Technology")]
    assert fake_news.abstract.startswith("Disinformation is not only one of the great challenges of our time")
    assert speakers_of(fal) == [("Meder Kamalov", "")]
    assert fal.abstract.startswith("In this talk, we will delve into the intricacies of serving AI models")
    assert [row[:2] for row in agenda_of("55")] == [
        ("18:30", AgendaItem.Kind.WELCOME),
        ("", AgendaItem.Kind.HOST_PRESENTATION),
        ("18:40", AgendaItem.Kind.TALK),
        ("", AgendaItem.Kind.ANNOUNCEMENTS),
        ("19:30", AgendaItem.Kind.BREAK),
        ("20:00", AgendaItem.Kind.TALK),
        ("20:40", AgendaItem.Kind.NETWORKING),
        ("21:30", AgendaItem.Kind.OTHER),
    ]


def test_a_date_without_a_year_takes_the_year_of_its_neighbours(tmp_path):
    run(readme(56), readme(57), readme(64), "--report", tmp_path / "report.md")
    assert Edition.objects.get_by_code("57").start_date == datetime.date(2024, 3, 19)
    assert (
        "#57: the date has no year; read as 2024-03-19 (#56 on 2024-01-17, #64 on 2025-02-20)"
        in (tmp_path / "report.md").read_text(encoding="utf-8")
    )
    talk = talks_of("57")[0]
    assert talk.title == 'Artificial Intelligence for the Pen-and-Paper Game "SIM"'
    assert speakers_of(talk) == [("Paul Puntschart", "cloudflight")]


def test_2023_bullets_with_a_schedule_and_a_slides_list():
    run(readme(50))
    edition = Edition.objects.get_by_code("50")
    assert edition.intro_slides_url == (
        GH + "Meetups/Meetup_50/slides/50th%20Deep%20Learning%20Meetup%20Intro%20-%20Announcements%20-%20Hot"
        "%20Topics.pdf"
    )
    security, rl, llms = talks_of("50")
    assert speakers_of(security) == [("Rudolf Mayer", "SBA Research & Lecturer @ TU Wien")]
    assert security.slides_url == GH + "Meetups/Meetup_50/slides/20230504_VDLM_Security_of_ML.pdf"
    assert security.abstract.startswith("With machine learning increasingly being deployed")
    assert rl.slides_url == GH + "Meetups/Meetup_50/slides/Intro_Reinforcement_Learning_VDLM50.pdf"
    assert speakers_of(llms) == [("Michael Pieler", "OpenBioML.org & Stability.AI")]
    assert edition.description.startswith("Please join us for our next Deep Learning meetup on May 4th")
    assert "18:40" not in edition.description


def test_2021_talk_heads_with_speakers_on_the_same_or_the_next_line():
    run(readme(43), readme(44))
    assert [(t.title, speakers_of(t)) for t in talks_of("43")] == [
        ("Introduction to Transformers with a focus on Computer Vision", [("Michael Pieler", "contextflow")]),
        ("Transformers follow-up: What about audio?", [("Jan Schlüter", "JKU")]),
    ]
    iclr, gpt = talks_of("44")
    assert iclr.title == "ICLR 2022 - Trends & interesting highlights"
    assert speakers_of(gpt) == [("Michael Pieler", "EleutherAI")]
    assert gpt.slides_url == GH + "Meetups/Meetup_44/slides/Pieler_GPT-NeoX.pdf"
    assert gpt.abstract.startswith("A high-level overview of the GPT-NeoX-20B setup")


def test_2016_2019_bullets_with_talk_blocks():
    run(readme(20))
    first, second = talks_of("20")
    assert first.title.startswith("Deep Reinforcement Learning")
    assert speakers_of(first)[0][0] == "Eric Steinberger"
    assert first.abstract and second.abstract


def test_a_cancelled_talk_is_reported_not_imported(tmp_path):
    run(readme(65), readme(67), readme(68), "--report", tmp_path / "report.md")
    assert [t.title for t in talks_of("67")] == ["A Deep Dive into CLIP embeddings"]
    assert "was cancelled; not imported" in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert Person.objects.get(name="Damian Stewart").bio.startswith("Damian Stewart is a software engineer")


# --- The lying header and placeholders -------------------------------------------------------


def test_a_header_that_lies_is_read_by_the_content_and_reported_once(tmp_path):
    output = run(README_2023, "--report", tmp_path / "report.md")
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "3 editions (3 new, 0 updated), 5 talks (5 new, 0 updated)" in output
    dates = dict(Edition.objects.values_list("code", "start_date"))
    assert dates == {
        "37": datetime.date(2021, 1, 13),
        "48": datetime.date(2023, 2, 28),
        "50": datetime.date(2023, 5, 4),
    }
    assert report.count("holds the dates: the table was read by its content") == 1
    # Placeholders: no link stored, each one in the report with its line.
    assert not Talk.objects.filter(edition__code__in=["37", "48"]).exclude(slides_url="").exists()
    for line, what in [(12, "slides link says './Meetups/Meetup_37/slides/TODO'"), (13, "slides say 'n/a'"),
                       (14, "slides cell 'pdf' holds no link"), (15, "placeholder row")]:  # fmt: skip
        assert f"README-2023.md:{line}`" in report and what in report
    assert Talk.objects.get(title__startswith="Security of Machine Learning").slides_url == (
        GH + "Meetups/Meetup_50/slides/20230504_VDLM_Security_of_ML.pdf"
    )


def test_import_archive_from_a_plain_checkout(tmp_path):
    """The one command an organizer runs: a checkout of vdlm/meetups (root README and Meetups/)."""
    checkout = tmp_path / "meetups"
    (checkout / "Meetups").mkdir(parents=True)
    (checkout / "README.md").write_bytes(ROOT_2019.read_bytes())
    for number in (32, 75):
        (checkout / "Meetups" / f"Meetup_{number}").mkdir()
        (checkout / "Meetups" / f"Meetup_{number}" / "README.md").write_bytes(readme(number).read_bytes())
    call_command("import_archive", str(checkout), stdout=io.StringIO())
    assert Edition.objects.filter(code__in=["1", "29", "32", "75"]).count() == 4
    assert Talk.objects.filter(edition__code="75").count() == 2


def test_2016_2019_prose_gives_the_tables_talks_their_abstracts_and_bios(tmp_path):
    run(ROOT_2019, readme(11), readme(17), "--report", tmp_path / "report.md")
    comparison = Talk.objects.get(title="A Comparison of Deep Learning Frameworks for Distributed Training")
    assert comparison.abstract.startswith("Deep Networks are computationally very expensive")
    assert speakers_of(comparison) == [("Peter Ruch", "")]  # the table's speaker, not lost
    birds = Talk.objects.get(title__startswith="Birds.ai")
    assert birds.abstract.startswith("In this talk, she will discuss how Birds.ai is using deep learning")
    assert Person.objects.get(name="Anouk Visser").bio.startswith("Anouk is the CTO and Co-Founder of Birds.ai.")
    assert "read from the invitation's prose" in (tmp_path / "report.md").read_text(encoding="utf-8")
