"""`manage.py import_archive`: the real vdlm/meetups files, crafted files for each quirk,
idempotence, dry runs, conflicts with admin edits and bad input."""

import datetime
import io
import re
import shutil
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command

from meetups.archive import text
from meetups.demo import ABSTRACT_BONITZ, ABSTRACT_NEURIPS, BIO_BONITZ, INVITATION_32, load_demo
from meetups.models import AgendaItem, ArchiveImportRecord, Edition, Venue
from sponsors.models import Organisation, Sponsorship
from talks.models import Person, Talk, TalkSpeaker

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"
REAL = DATA / "vdlm-meetups"
ROOT_2019 = REAL / "README-018f447.md"
CURRENT = DATA / "archive" / "current"
QUIRKS = DATA / "archive" / "quirks" / "README.md"
BAD = DATA / "archive" / "bad"
# CI copies shared/ beside the repository; the suite itself reads the copies in tests/data.
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vdlm-meetups"
PROJECT_APPS = ["meetups", "talks", "sponsors"]
VIENNA = datetime.timezone(datetime.timedelta(hours=2))
# The crafted current-layout file has editions in early 2026; the tests look at them from June 2026.
AFTER_CRAFTED = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=VIENNA)
GH = "https://github.com/vdlm/meetups/blob/master/"

# Every speaker of the 2019 README's talks table plus #32's README, one per person
# (Rene Donner = René Donner), read off the files by hand.
REAL_PEOPLE = {
    "Thomas Lidy", "Jan Schlüter", "Alex Champandard", "Gregor Mitscha-Baude", "Josef Puchinger",
    "Christoph Körner", "Benjamin Freundorfer", "Kornél Kis", "Sabria Lagoun", "Philipp Omenitsch",
    "Alexander Schindler", "Oleg Leizerov", "Peter Ruch", "Ana Jalali", "Philipp Kranen", "Michal Šustr",
    "Sepp Hochreiter", "Tomáš Mikolov", "Dave Elliott", "Calvin Seward", "Ulla Kruhse-Lehtonen", "Yufeng Guo",
    "Valentyn Boreiko", "Lukáš Vrabel", "Alexander Hirner", "René Donner", "Navid Rekabsaz", "Christoph Bonitz",
    "Anouk Visser", "Christoph Goetz", "Moshe Vardi", "Sarah Spiekermann-Hoff", "Enes Deumić", "Vedran Vekić",
    "Matthias Hecker", "Eric Steinberger", "Peter Ferenczy", "Richard Vogl", "Michelangelo Fiore",
    "Florian Matusek", "Stephanie Cox", "Ahmad Haj Mosa", "Fabian Schneider", "Hrvoje Bogunovic", "Liad Magen",
    "Jason Hoelscher-Obermaier", "Simon Stiebellehner", "Bernhard Redl", "Jakob Klepp", "Daniel Ressi",
    "Florian Seitner", "Michael Hödlmoser", "Rudolf Mayer", "Franz Fürbass", "Jakub Mačina", "Michael Pieler",
}  # fmt: skip


def run(*args, **options):
    """Run import_archive; returns what it printed."""
    out = io.StringIO()
    call_command("import_archive", *[str(arg) for arg in args], stdout=out, **options)
    return out.getvalue()


def snapshot():
    """Every row of the project's models as values (timestamps left out), to compare two states."""
    rows = {}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            rows[model.__name__] = [
                {k: v for k, v in row.items() if k not in {"updated_at", "created_at"}}
                for row in model.objects.order_by("pk").values()
            ]
    return rows


def content():
    """The database by natural keys (no primary keys), to compare two databases filled separately."""
    speakers = TalkSpeaker.objects.select_related("talk__edition", "person")
    return {
        "editions": sorted(
            Edition.objects.values_list(
                "code", "number", "kind", "title", "topic", "start_date", "end_date", "start_time", "end_time",
                "venue__name", "description", "meetup_url", "video_url", "photos_url", "intro_slides_url", "published",
            )
        ),
        "talks": sorted(
            Talk.objects.values_list("edition__code", "title", "slug", "kind", "abstract", "slides_url", "video_url")
        ),
        "speakers": sorted(
            (s.talk.edition.code, s.talk.title, s.position, s.person.name, s.affiliation) for s in speakers
        ),
        "people": sorted(Person.objects.values_list("name", "slug", "affiliation", "bio")),
        "venues": sorted(Venue.objects.values_list("name", "organisation__name")),
        "organisations": sorted(Organisation.objects.values_list("name", "slug")),
        "sponsorships": sorted(Sponsorship.objects.values_list("edition__code", "organisation__name", "role")),
        "agenda": sorted(
            AgendaItem.objects.values_list("edition__code", "position", "start_time", "kind", "title", "talk__title")
        ),
    }  # fmt: skip


def wipe():
    """Delete everything the import writes, in an order the protecting foreign keys allow."""
    Edition.objects.all().delete()
    Person.objects.all().delete()
    Venue.objects.all().delete()
    Organisation.objects.all().delete()
    ArchiveImportRecord.objects.all().delete()


def issues(report_text, heading):
    """The bullet lines of one section of a markdown report."""
    section = report_text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


def section_lines(path, heading):
    body = path.read_text(encoding="utf-8").split(heading, 1)[1]
    return body.split("\n#", 1)[0].splitlines()


# --- The real archive ---------------------------------------------------------------


def test_test_copies_are_the_shared_files_unchanged():
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not there (CI copies shared/ beside the repository)")
    for name in ["README-018f447.md", "Meetup_32-README.md", "Meetup_13-README.md", "SOURCE.md"]:
        assert (REAL / name).read_bytes() == (SHARED / name).read_bytes(), name


def test_real_archive_counts(tmp_path):
    # Independent of the importer: the tables' rows as plain lines.
    edition_rows = [line for line in section_lines(ROOT_2019, "## Meetups") if re.match(r"^\| *\w+ *\| *\d{4}-", line)]
    talk_rows = [line for line in section_lines(ROOT_2019, "# Talks & Presentations") if line.startswith("| 20")]
    assert (len(edition_rows), len(talk_rows)) == (31, 58)

    output = run(REAL, "--report", tmp_path / "report.md")

    # 29 numbered meetups, AI and WA from the 2019 README, and #32 from its own README.
    assert Edition.objects.count() == 32
    assert set(Edition.objects.values_list("code", flat=True)) == {str(n) for n in range(1, 30)} | {"AI", "WA", "32"}
    # 58 talk rows, plus #32's two talks; #13's two talks are the table's, enriched.
    assert Talk.objects.count() == 60
    assert set(Person.objects.values_list("name", flat=True)) == REAL_PEOPLE
    assert Person.objects.count() == 56
    # 58 rows name 65 speakers (7 rows name two), #32's talks one each.
    assert TalkSpeaker.objects.count() == 67
    assert Venue.objects.count() == 20
    assert Sponsorship.objects.filter(role=Sponsorship.Role.HOST).count() == 32
    assert not Edition.objects.filter(published=False).exists()
    assert (
        "Imported from 3 files: 32 editions (32 new, 0 updated), 60 talks (60 new, 0 updated), "
        "56 people (56 new, 0 updated), 67 talk speakers (67 new, 0 updated)." in output
    )
    assert "18 warnings, 0 conflicts, 0 skipped rows, 0 files not read." in output


def test_real_special_editions_and_numbers():
    run(REAL)
    ai, wa = Edition.objects.get_by_code("ai"), Edition.objects.get_by_code("WA")
    assert (ai.kind, ai.number, ai.display_title) == (Edition.Kind.SPECIAL, None, "AI Summit Vienna 2017")
    assert (wa.start_date, wa.end_date) == (datetime.date(2018, 12, 4), datetime.date(2018, 12, 5))
    assert wa.meetup_url == "https://www.wearedevelopers.com/ai-congress/"
    assert list(
        Edition.objects.filter(kind=Edition.Kind.MEETUP).order_by("number").values_list("number", flat=True)
    ) == [
        *range(1, 30),
        32,
    ]
    first = Edition.objects.get_by_code("1")
    assert (first.venue.name, first.topic) == ("Sektor 5", "Deep Learning - History, Approaches, Applications")
    # The locale segment of meetup.com links is dropped: one event, one URL.
    assert first.meetup_url == "https://www.meetup.com/Vienna-Deep-Learning-Meetup/events/228582082/"
    # Two videos in one cell: the first is kept (and the second reported).
    assert Edition.objects.get_by_code("17").video_url == "https://www.youtube.com/watch?v=8mCO9w9Cgqs"
    # The Meetups table wins over the talks table for the date (2019-09-24 there).
    assert Edition.objects.get_by_code("29").start_date == datetime.date(2019, 9, 25)


def test_real_people_and_speakers():
    run(REAL)
    donner = Person.objects.get(slug="rene-donner")
    assert donner.name == "René Donner"
    assert donner.affiliation == "contextflow GmbH"
    assert [t.edition.code for t in donner.talks.order_by("edition__start_date")] == ["15", "23", "32"]
    # The affiliation at the time: named only in 2020, not copied into 2018 and 2019.
    assert list(donner.talk_speakers.order_by("talk__edition__start_date").values_list("affiliation", flat=True)) == [
        "",
        "",
        "contextflow GmbH",
    ]
    pairs = Talk.objects.get(title="Fast, Accurate And Customized Visual Similarity Search On Real-world Images")
    assert [s.person.name for s in pairs.talk_speakers.all()] == ["Enes Deumić", "Vedran Vekić"]
    music = Talk.objects.get(title="Deep Learning for Music & Audio Analysis")
    assert [s.person.name for s in music.talk_speakers.all()] == ["Thomas Lidy", "Alexander Schindler"]
    assert Talk.objects.get(title="Deep Learning Tutorial in Python with Keras").kind == Talk.Kind.TUTORIAL
    assert (
        Talk.objects.get(title="Open-source Deep Learning with Theano and Lasagne").slides_url
        == GH + "Meetups/Meetup_3/slides/lasagne_dl_meetup.pdf"
    )
    # Plain relative paths (no "./") and web links as they are.
    assert (
        Talk.objects.get(title="RecSys2019 Review").slides_url
        == GH + "Meetups/Meetup_29/slides/RecSys2019_Review_Jakub_Macina.pdf"
    )
    assert Talk.objects.get(title="Deep Learning for Self-Driving Cars").slides_url.startswith(
        "https://docs.google.com/presentation/"
    )


def test_meetup_13_is_filled_from_its_readme():
    run(REAL)
    edition = Edition.objects.get_by_code("13")
    assert edition.display_title == "13th Vienna Deep Learning Meetup"
    assert edition.topic == "Google Tensorflow"
    assert edition.start_date == datetime.date(2017, 10, 24)
    assert (edition.start_time, edition.end_time) == (datetime.time(18, 0), datetime.time(23, 0))
    assert edition.venue.name == "Marx Palast"
    # "Introduction by Erste Group, the host of this meetup": the host is Erste, not the venue.
    assert edition.sponsorships.get(role=Sponsorship.Role.HOST).organisation.name == "Erste Group"
    assert edition.video_url == "https://youtu.be/GSMh5fw2Mjo"
    assert edition.meetup_url == "https://www.meetup.com/Vienna-Deep-Learning-Meetup/events/242388134/"
    details = (REAL / "Meetup_13-README.md").read_text(encoding="utf-8").split("## Details\n\n", 1)[1]
    assert edition.description == details.strip()
    assert edition.description.startswith("After our exceptional AI Summit Vienna in September")
    assert edition.description.endswith("Verena Warringer from Erste Group")

    guo, boreiko = edition.talks.order_by("pk")
    assert guo.title == "TensorFlow Wide & Deep: Data Classification the easy way"
    assert [str(s) for s in guo.talk_speakers.all()] == ["Yufeng Guo, Google Cloud, NY"]
    assert guo.abstract.startswith("Learn how to use TensorFlow to easily combine linear regression")
    assert guo.abstract.endswith("as your data and compute needs grow.")
    assert guo.slides_url == GH + "Meetups/Meetup_13/slides/Google_TensorFlow_WideDeep.pdf"
    assert guo.kind == Talk.Kind.TALK
    assert Person.objects.get(name="Yufeng Guo").bio == (
        "Developer Advocate for Machine Learning at Google Cloud, New York"
    )
    assert boreiko.title == "One Model To Learn Them All"
    assert [str(s) for s in boreiko.talk_speakers.all()] == ["Valentyn Boreiko"]
    assert boreiko.kind == Talk.Kind.LIGHTNING
    assert boreiko.abstract == (
        "Our second speaker is Valentyn Boreiko, who will give a lightning talk about how Google approached "
        'multi-modal learning with its "One Model To Learn Them All". He will talk about the general architecture '
        "of the model as well as the essential parts such as the sparsely gated mixture-of-experts layer "
        "introduced earlier this year."
    )
    agenda = [
        (item.start_time.strftime("%H:%M"), item.kind, item.title, item.talk and item.talk.title)
        for item in edition.agenda_items.all()
    ]
    assert agenda == [
        ("18:00", "other", "Arrival (please arrive early)", None),
        ("18:30", "welcome", "Welcome by Meetup Organizers", None),
        ("18:45", "host", "Introduction by Erste Group, the host of this meetup", None),
        ("19:00", "talk", guo.title, guo.title),
        ("20:00", "break", "break", None),
        ("20:30", "talk", boreiko.title, boreiko.title),
        ("21:00", "hot_topics", "Latest News & Hot Topics in Deep Learning", None),
        ("21:30", "networking", "Networking and Discussions", None),
    ]


def test_meetup_32_is_filled_from_its_readme():
    run(REAL)
    edition = Edition.objects.get_by_code("32")
    assert (edition.number, edition.start_date, edition.venue.name) == (32, datetime.date(2020, 1, 30), "Takeda")
    assert edition.sponsorships.get(role=Sponsorship.Role.HOST).organisation.name == "Takeda"
    assert edition.meetup_url == "https://www.meetup.com/Vienna-Deep-Learning-Meetup/events/267684493/"
    assert edition.intro_slides_url == (
        GH
        + "Meetups/Meetup_32/slides/32nd%20Deep%20Learning%20Meetup%20Intro%20-%20Announcements%20-%20Hot%20Topics.pdf"
    )
    # The demo's texts were typed from the same README by hand; the import must agree with them.
    assert edition.description == INVITATION_32
    bonitz_talk, neurips = edition.talks.order_by("pk")
    assert bonitz_talk.title == "Self-Supervised Deep Learning"
    assert [str(s) for s in bonitz_talk.talk_speakers.all()] == ["Christoph Bonitz, Njinn Technologies"]
    assert bonitz_talk.abstract == ABSTRACT_BONITZ
    assert bonitz_talk.slides_url == GH + "Meetups/Meetup_32/slides/Self-Supervised%20Learing%20-%20Bonitz.pdf"
    assert Person.objects.get(name="Christoph Bonitz").bio == BIO_BONITZ
    assert neurips.title == "Report from NeurIPS 2019"
    assert neurips.kind == Talk.Kind.CONFERENCE_REPORT
    assert [str(s) for s in neurips.talk_speakers.all()] == ["René Donner, contextflow GmbH"]
    assert neurips.abstract == ABSTRACT_NEURIPS
    assert neurips.slides_url == GH + "Meetups/Meetup_32/slides/VDLM%20Neurips%202019%20recap.pdf"


def test_real_archive_report_lists_each_problem(tmp_path):
    report_path = tmp_path / "report.md"
    run(REAL, "--report", report_path)
    report = report_path.read_text(encoding="utf-8")
    warnings = issues(report, "Warnings")
    assert len(warnings) == 18

    def line(number, *fragments):
        matching = [w for w in warnings if f"README-018f447.md:{number}`" in w and all(f in w for f in fragments)]
        assert len(matching) == 1, (number, fragments, warnings)

    line(28, "columns '', ''", "4 rows were not imported")  # the "Your Hosts" table
    line(52, "#AI", "Meetups/AI_Summit/")
    line(57, "#17", "https://www.youtube.com/watch?v=zPna-ip_WC8&t=106s")
    line(60, "#20", "'(tbd)'")
    line(63, "#WA", "wearedevelopers")
    line(103, "#15", "look like they belong to 'Deep Learning on 3D Medical Image Data at Contextflow'")
    line(104, "#15", "look like they belong to 'Transfer Learning for fun and profit'")
    line(105, "#16", "andrew_ng_course_review.pdf")
    line(106, "#16", "demystifying_word_embedding.pdf")
    for number in (111, 112, 113):
        line(number, "#19", "Meetup_17's folder")
    line(112, "'Enes Deumić, Vedran Vekić'", "another speaker")
    line(120, "'Ahmad Haj Mosa, Fabian Schneider'", "another speaker")
    line(126, "'Simon Stiebellehner, Bernhard Redl'", "another speaker")
    line(129, "'Florian Seitner, Michael Hödlmoser'", "another speaker")
    line(132, "#29", "'2019-09-24'", "kept '2019-09-25'")
    assert any("'Rene Donner'" in w and "'René Donner'" in w and "imported as 'René Donner'" in w for w in warnings)
    assert issues(report, "Conflicts") == []
    assert issues(report, "Skipped rows") == []
    # Every table row of the 2019 README imported: 31 editions and 58 talks.
    assert "| 89 | 89 | 0 |" in report


def test_second_run_changes_nothing():
    run(REAL)
    first = snapshot()
    output = run(REAL / "Meetup_32-README.md", REAL / "Meetup_13-README.md", ROOT_2019)
    assert snapshot() == first
    assert "Nothing changed: the database already matches the archive." in output
    assert "32 editions (0 new, 0 updated), 60 talks (0 new, 0 updated), 56 people (0 new, 0 updated)" in output


def test_file_order_does_not_change_the_result():
    run(REAL / "Meetup_13-README.md", REAL / "Meetup_32-README.md", ROOT_2019)
    given_order = content()
    wipe()
    run(REAL)
    assert content() == given_order


def test_edition_readme_alone_then_root_readme():
    run(REAL / "Meetup_13-README.md")
    assert list(Edition.objects.values_list("code", flat=True)) == ["13"]
    assert Talk.objects.count() == 2
    run(ROOT_2019)
    assert Talk.objects.filter(edition__code="13").count() == 2
    assert Edition.objects.get_by_code("13").talks.get(title="One Model To Learn Them All").slides_url == (
        GH + "Meetups/Meetup_13/slides/Valentyn_Boreiko_slides.pdf"
    )


def test_dry_run_writes_nothing(tmp_path):
    output = run(REAL, "--dry-run", "--report", tmp_path / "dry.md")
    assert not Edition.objects.exists() and not Person.objects.exists() and not Organisation.objects.exists()
    assert not ArchiveImportRecord.objects.exists()
    assert "Would import from 3 files: 32 editions (32 new, 0 updated), 60 talks (60 new" in output
    assert "Dry run: nothing was written." in output
    report = (tmp_path / "dry.md").read_text(encoding="utf-8")
    assert "**Dry run: nothing was written.**" in report
    assert "- created edition #13" in report

    run(REAL)
    before = snapshot()
    assert "Nothing changed" in run(REAL, "--dry-run")
    assert snapshot() == before


# --- Organizers' edits ------------------------------------------------------------------


def test_import_over_hand_entered_data_keeps_it_and_reports_conflicts(tmp_path):
    load_demo(archive=())  # #32 entered by hand (the deck's details), without the archive's history
    run(REAL, "--report", tmp_path / "report.md")
    conflicts = issues((tmp_path / "report.md").read_text(encoding="utf-8"), "Conflicts")
    assert len(conflicts) == 2
    assert any("#32: the venue in the database is 'Takeda Austria'" in c for c in conflicts)
    assert any("'contextflow', the archive says 'contextflow GmbH'" in c for c in conflicts)
    assert Person.objects.get(slug="rene-donner").affiliation == "contextflow"
    # Matched, not duplicated: #32's talks by title, Jan Schlüter (slug jan-schlueter) by name.
    assert Edition.objects.get_by_code("32").talks.count() == 3
    assert Person.objects.filter(name="Jan Schlüter").count() == 1
    assert Edition.objects.count() == 34  # the 32 of the archive, the demo's #33 and its invented upcoming one

    before = snapshot()
    output = run(REAL)
    assert snapshot() == before
    assert "2 conflicts" in output and "Nothing changed" in output


def test_edits_in_the_admin_are_kept_and_reported():
    run(REAL)
    edition = Edition.objects.get_by_code("13")
    edition.topic = "TensorFlow at Google"
    edition.save()
    talk = edition.talks.get(title="One Model To Learn Them All")
    talk.abstract = "Rewritten by an organizer."
    talk.save()
    speaker = TalkSpeaker.objects.get(person__name="Yufeng Guo")
    speaker.affiliation = "Google"
    speaker.save()
    item = edition.agenda_items.get(position=50)
    item.title = "Pizza break"
    item.save()

    output = run(REAL)

    assert "4 conflicts" in output
    assert "#13: the topic in the database is 'TensorFlow at Google', the archive says 'Google Tensorflow'" in output
    assert "the abstract in the database is 'Rewritten by an organizer.'" in output
    assert "speaker Yufeng Guo: the affiliation in the database is 'Google'" in output
    assert "#13: the agenda in the database differs from the archive's (8 items)" in output
    edition.refresh_from_db()
    talk.refresh_from_db()
    speaker.refresh_from_db()
    assert (edition.topic, talk.abstract, speaker.affiliation) == (
        "TensorFlow at Google",
        "Rewritten by an organizer.",
        "Google",
    )
    assert edition.agenda_items.get(position=50).title == "Pizza break"


def test_renames_in_the_admin_do_not_bring_the_old_rows_back():
    run(REAL)
    talk = Talk.objects.get(title="Self-Supervised Deep Learning")
    talk.title = "Self-Supervised Deep Learning: A Tour"
    talk.save()
    Person.objects.filter(name="Alexander Schindler").update(name="Alex Schindler")
    Edition.objects.filter(code="AI").update(code="ai-summit-2017")
    counts = (Edition.objects.count(), Talk.objects.count(), Person.objects.count())

    output = run(REAL)

    assert (Edition.objects.count(), Talk.objects.count(), Person.objects.count()) == counts
    assert "the title in the database is 'Self-Supervised Deep Learning: A Tour'" in output
    assert "person 'Alexander Schindler': the name in the database is 'Alex Schindler'" in output
    assert "#AI: the edition's code in the database is 'ai-summit-2017'; kept it" in output
    assert Talk.objects.filter(title="Self-Supervised Deep Learning: A Tour").exists()


@time_machine.travel(AFTER_CRAFTED, tick=False)
def test_archive_changes_flow_into_fields_nobody_edited(tmp_path):
    folder = tmp_path / "archive"
    shutil.copytree(CURRENT, folder)
    run(folder)
    readme = folder / "README.md"
    readme.write_text(
        readme.read_text(encoding="utf-8")
        .replace("[pdf](<./Meetups/Meetup_71/sparse.pdf>)", "[pdf](<./Meetups/Meetup_71/sparse v2.pdf>)")
        .replace(
            "| 2026-02-05 |  70 | Cleo Probe, Example Labs |", "| 2026-02-05 |  70 | Cleo Probe, Example Labs GmbH |"
        ),
        encoding="utf-8",
    )
    (folder / "Meetups" / "Meetup_71" / "README.md").unlink()  # it would still say sparse.pdf

    output = run(folder)

    assert "0 conflicts" in output
    assert Talk.objects.get(title="Sparse Attention in Practice").slides_url == GH + "Meetups/Meetup_71/sparse%20v2.pdf"
    assert TalkSpeaker.objects.get(person__name="Cleo Probe").affiliation == "Example Labs GmbH"


# --- Crafted files: the current layout ------------------------------------------------------


@time_machine.travel(AFTER_CRAFTED, tick=False)
def test_current_layout(tmp_path):
    output = run(CURRENT, "--report", tmp_path / "report.md")
    assert sorted(Edition.objects.values_list("code", flat=True)) == ["70", "71", "AI"]
    assert Talk.objects.count() == 5  # the VDLM/VLDM intro rows are not talks
    assert Person.objects.count() == 7
    assert "3 warnings, 0 conflicts, 1 skipped row," in output

    latest, previous = Edition.objects.get_by_code("71"), Edition.objects.get_by_code("70")
    assert latest.intro_slides_url == GH + "Meetups/Meetup_71/2026-03-12%2071st%20VDLM.pdf"
    assert previous.intro_slides_url == GH + "Meetups/Meetup_70/intro.pdf"  # speaker "VLDM", the typo
    assert previous.video_url == "https://www.youtube.com/watch?v=YYYYYYYYYYY"  # a video on the intro row
    assert latest.published and previous.published

    sparse = Talk.objects.get(title="Sparse Attention in Practice")
    assert sparse.video_url == "https://www.youtube.com/watch?v=XXXXXXXXXXX"
    assert sparse.slides_url == GH + "Meetups/Meetup_71/sparse.pdf"
    assert [str(s) for s in sparse.talk_speakers.all()] == ["Ada Muster, Example Labs", "Bo Beispiel, Example Labs"]
    tokenizers = Talk.objects.get(title="Tokenizers Explained")
    assert tokenizers.slides_url == GH + "Meetups/Meetup_71/tokenizers.pdf"  # a plain path, not a link
    assert [s.person.name for s in tokenizers.talk_speakers.all()] == ["Émile Exempel", "Fritz Fiktiv"]
    assert [str(s) for s in Talk.objects.get(title="Diffusion for Audio").talk_speakers.all()] == [
        "Cleo Probe, Example Labs"
    ]
    llms = Talk.objects.get(title="Evaluating LLMs")
    assert llms.slides_url == ""
    assert [s.person.name for s in llms.talk_speakers.all()] == ["Émile Exempel", "Gina Gedacht"]

    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    skipped = issues(report, "Skipped rows")
    assert len(skipped) == 1
    assert "current/README.md:17`: placeholder row ('| ... | ... | ... | ... | ... | ... |')" in skipped[0]
    warnings = "\n".join(issues(report, "Warnings"))
    assert "README.md:16`: #70: slides say 'TODO'; imported without slides" in warnings
    assert "'Emile Exempel' (" in warnings and "imported as 'Émile Exempel'" in warnings
    assert "AI_Summit/README.md:1`: no number in the heading or folder; read as #AI" in warnings
    # 8 rows (the spacer row under the header is layout, not a row): 7 imported, the placeholder skipped.
    assert "| talks table | 8 | 7 | 1 |" in report


@time_machine.travel(AFTER_CRAFTED, tick=False)
def test_current_layout_edition_readme_with_timed_agenda():
    run(CURRENT)
    edition = Edition.objects.get_by_code("71")
    assert edition.venue.name == "Example Hall"
    assert edition.sponsorships.get(role=Sponsorship.Role.HOST).organisation.name == "Example Labs"
    assert (edition.start_time, edition.end_time) == (datetime.time(18, 30), datetime.time(22, 30))
    assert edition.description.startswith("Dear Deep Learners,\n\nspring is here")
    agenda = [
        (item.start_time and item.start_time.strftime("%H:%M"), item.kind, item.title, item.talk_id is not None)
        for item in edition.agenda_items.all()
    ]
    assert agenda == [
        ("18:30", "other", "Doors open", False),
        ("18:45", "welcome", "Introduction & Welcome", False),
        ("19:00", "talk", "Sparse Attention in Practice", True),
        (None, "break", "Break & Networking", False),
        ("20:15", "talk", "Tokenizers Explained", True),
        ("20:45", "hot_topics", "Latest News and Hot Topics", False),
        ("21:00", "networking", "Networking", False),
    ]
    sparse = Talk.objects.get(title="Sparse Attention in Practice")
    assert sparse.abstract == "Attention is quadratic; this talk shows where sparsity pays off."
    assert Person.objects.get(name="Ada Muster").bio == "Ada Muster leads the research team at Example Labs."
    # AI_Summit/README.md has no number: its date ties it to the AI row.
    ai = Edition.objects.get_by_code("AI")
    assert (ai.venue.name, ai.description) == (
        "WU Wien",
        "A day of talks about artificial intelligence (crafted test data).",
    )


@time_machine.travel(datetime.datetime(2026, 2, 1, 12, 0, tzinfo=VIENNA), tick=False)
def test_upcoming_editions_are_imported_as_drafts():
    output = run(CURRENT / "README.md")
    assert not Edition.objects.get_by_code("71").published
    assert not Edition.objects.get_by_code("70").published
    assert Edition.objects.get_by_code("AI").published
    assert "#71: an upcoming edition, imported as a draft" in output


# --- Crafted files: the 2019 layout's quirks ------------------------------------------------------


def test_quirks_2019_layout(tmp_path):
    output = run(QUIRKS, "--report", tmp_path / "report.md")
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "5 editions (5 new, 0 updated), 7 talks (7 new, 0 updated), 10 people (10 new, 0 updated)" in output

    ai, wa = Edition.objects.get_by_code("AI"), Edition.objects.get_by_code("WA")
    assert (ai.kind, ai.number, wa.kind, wa.number) == ("special", None, "special", None)
    assert (wa.start_date, wa.end_date) == (datetime.date(2018, 12, 4), datetime.date(2018, 12, 5))
    assert Edition.objects.get_by_code("1").start_date == datetime.date(2016, 4, 7)
    assert Edition.objects.get_by_code("1").meetup_url == "https://www.meetup.com/Vienna-Deep-Learning-Meetup/events/1/"
    assert Edition.objects.get_by_code("2").video_url == "https://youtu.be/AAAAAAAAAAA"
    assert Edition.objects.get_by_code("3").intro_slides_url == GH + "Meetups/Meetup_3/slides/intro.pdf"
    assert not Edition.objects.filter(code__in=["4", "X Y"]).exists()

    def speakers(title):
        return [str(s) for s in Talk.objects.get(title=title).talk_speakers.all()]

    assert speakers("Opening Talk") == ["René Muster", "Jan Beispiel"]
    assert speakers("Three Speakers") == ["Ana Probe", "Bo Test", "Cy Demo"]
    assert speakers("Second Talk") == ["René Muster"]
    assert speakers("Two Comma Speakers") == ["Dora Example", "Fabian Fiction"]
    assert speakers("Comma Affiliation") == ["Eva Sample, contextflow GmbH"]
    assert speakers("Ambiguous Affiliation") == ["Finn Fake, Very Big Blue Sky Dreams"]
    assert Person.objects.filter(slug="rene-muster").get().name == "René Muster"
    assert Talk.objects.get(title="Three Speakers").slides_url == ""
    assert Talk.objects.get(title="Two Comma Speakers").slides_url == GH + "Meetups/Meetup_1/slides/borrowed.pdf"

    def entry(section, number, fragment):
        found = [i for i in issues(report, section) if f"quirks/README.md:{number}`" in i and fragment in i]
        assert found, (section, number, fragment, issues(report, section))

    entry("Warnings", 11, "the row has 6 cells, the header 8")
    entry("Warnings", 12, "'Meetups/AI_Summit/' is not imported")
    entry("Skipped rows", 14, "placeholder row")
    entry("Warnings", 15, "extra cells not imported: 'surplus'")
    entry("Warnings", 16, "'2016-13-01' is not a real date")
    entry("Skipped rows", 16, "#4: no source gives its date")
    entry("Skipped rows", 17, "'X Y' is not an edition code")
    entry("Warnings", 24, "the date here is '2016-04-08', but '2016-04-07'")
    entry("Warnings", 24, "slides say 'TODO'")
    entry("Warnings", 25, "slides say 'n/a'")
    entry("Warnings", 25, "'Rene Muster'")
    entry("Warnings", 26, "read 'Fabian Fiction' as another speaker")
    entry("Warnings", 26, "point into Meetup_1's folder, not Meetup_2's")
    entry("Warnings", 28, "read 'Very Big Blue Sky Dreams' as an affiliation, but it could be a name")
    entry("Warnings", 28, "the row has 4 cells, the header 5")
    entry("Skipped rows", 30, "placeholder row")
    entry("Skipped rows", 31, "no talk title")
    # "Name, contextflow GmbH" is plainly an affiliation: no doubt to report.
    assert not any("Eva Sample" in i for i in issues(report, "Warnings"))
    # Every row is imported or listed: 8 + 10 rows, 4 skipped with a reason.
    assert "| Meetups table, talks table | 18 | 14 | 4 |" in report


def test_sources_that_disagree_are_reported(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "| Date | # | Speaker | Topic | Slides |\n|---|---|---|---|---|\n"
        "| 2020-01-30 | 32 | Christoph Bonitz, Njinn | Self-Supervised Deep Learning | |\n"
        "| 2020-01-30 | 32 | Ada Muster | Report from NeurIPS 2019 | |\n",
        encoding="utf-8",
    )
    output = run(readme, REAL / "Meetup_32-README.md")
    # The edition's own README is trusted over a table row, and the disagreement is reported.
    assert [str(s) for s in Talk.objects.get(title="Self-Supervised Deep Learning").talk_speakers.all()] == [
        "Christoph Bonitz, Njinn Technologies"
    ]
    assert "Christoph Bonitz's affiliation is 'Njinn' here, but 'Njinn Technologies' in" in output
    assert [s.person.name for s in Talk.objects.get(title="Report from NeurIPS 2019").talk_speakers.all()] == [
        "René Donner"
    ]
    assert "the speakers here are Ada Muster, but René Donner in" in output
    assert not Person.objects.filter(name="Ada Muster").exists()


def test_odd_codes_are_skipped_not_crashed(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "| Date | # | Speaker | Topic | Slides |\n|---|---|---|---|---|\n"
        "| 2020-01-30 | 12345678901234567890 | Ada Muster | Too Long a Number | |\n"
        "| 2020-01-30 | #032 | Ada Muster | Zero-padded | |\n"
        "| 2020-01-30 | ² | Ada Muster | Superscript | |\n",
        encoding="utf-8",
    )
    output = run(readme)
    assert list(Edition.objects.values_list("code", "number")) == [("32", 32)]
    assert "'12345678901234567890' is not an edition code" in output
    assert "'²' is not an edition code" in output


# --- Bad input ---------------------------------------------------------------------------------


def test_empty_file():
    with pytest.raises(CommandError, match=r"Nothing to import\. .*empty\.md: the file is empty"):
        run(BAD / "empty.md")


def test_file_without_a_table():
    with pytest.raises(CommandError, match=r"no-table\.md: no archive content: no Meetups table"):
        run(BAD / "no-table.md")


def test_binary_file(tmp_path):
    path = tmp_path / "README.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(CommandError, match="this is a binary file, not a markdown README"):
        run(path)


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "README.md"
    path.write_bytes("| # | Date | Venue |\n|---|---|---|\n| 1 | 2016-04-07 | Café |\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8 text"):
        run(path)


def test_ten_megabyte_file(tmp_path):
    path = tmp_path / "README.md"
    row = "| 2016-04-07 | 1 | Ada Muster | A talk | |\n"
    path.write_text("| Date | # | Speaker | Topic | Slides |\n|---|---|---|---|---|\n" + row * (10 * 2**20 // len(row)))
    with pytest.raises(CommandError, match=r"the file has 10\.0 MB; the limit is 5 MB per file"):
        run(path)
    assert not Talk.objects.exists()


def test_path_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="nowhere.md: no such file or folder"):
        run(tmp_path / "nowhere.md")


def test_folder_without_readmes(tmp_path):
    (tmp_path / "notes.txt").write_text("not a README")
    with pytest.raises(CommandError, match="no README files in this folder"):
        run(tmp_path)


def test_bad_file_next_to_good_ones_is_reported(tmp_path):
    output = run(REAL / "Meetup_32-README.md", BAD / "empty.md", "--report", tmp_path / "report.md")
    assert Edition.objects.get_by_code("32").talks.count() == 2
    assert "1 file not read." in output
    assert (
        "empty.md`: the file is empty"
        in issues((tmp_path / "report.md").read_text(encoding="utf-8"), "Files not read")[0]
    )


def test_report_into_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run(REAL, "--report", tmp_path / "missing" / "report.md")
    assert not Edition.objects.exists()


# --- The heuristics, one by one -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "speakers", "doubts"),
    [
        ("Thomas Lidy & Jan Schlüter", [("Thomas Lidy", ""), ("Jan Schlüter", "")], 0),
        ("Ada Muster and Bo Beispiel", [("Ada Muster", ""), ("Bo Beispiel", "")], 0),
        ("Ana Probe / Bo Test", [("Ana Probe", ""), ("Bo Test", "")], 0),
        ("Christoph Bonitz, Njinn Technologies", [("Christoph Bonitz", "Njinn Technologies")], 0),
        ("René Donner, contextflow GmbH", [("René Donner", "contextflow GmbH")], 0),
        ("Cleo Probe, Example Labs", [("Cleo Probe", "Example Labs")], 0),
        ("Yufeng Guo, Google Cloud, NY", [("Yufeng Guo", "Google Cloud, NY")], 0),
        ("Lukáš Vrabel, Seznam.cz", [("Lukáš Vrabel", "Seznam.cz")], 0),
        ("Ada Muster and Bo Beispiel, TU Wien", [("Ada Muster", "TU Wien"), ("Bo Beispiel", "TU Wien")], 0),
        ("Enes Deumić, Vedran Vekić", [("Enes Deumić", ""), ("Vedran Vekić", "")], 1),
        ("Finn Fake, Very Big Blue Sky Dreams", [("Finn Fake", "Very Big Blue Sky Dreams")], 1),
        (
            "Ludwig van Beethoven, Wiener Philharmoniker",
            [("Ludwig van Beethoven", ""), ("Wiener Philharmoniker", "")],
            1,
        ),
        ("Hinton", [("Hinton", "")], 1),
        ("", [], 0),
    ],
)
def test_speaker_cells(cell, speakers, doubts):
    found, found_doubts = text.split_speakers(cell)
    assert found == speakers
    assert len(found_doubts) == doubts


@pytest.mark.parametrize(
    ("cell", "start", "end"),
    [
        ("2017-10-24", datetime.date(2017, 10, 24), None),
        ("2018-12-04/05", datetime.date(2018, 12, 4), datetime.date(2018, 12, 5)),
        ("2018-11-30/12-01", datetime.date(2018, 11, 30), datetime.date(2018, 12, 1)),
        ("2018-12-31/2019-01-01", datetime.date(2018, 12, 31), datetime.date(2019, 1, 1)),
    ],
)
def test_dates_and_ranges(cell, start, end):
    assert text.parse_dates(cell) == (start, end)
    assert text.format_dates(start, end) == cell


@pytest.mark.parametrize("cell", ["2018-12-05/04", "2016-13-01", "tomorrow", "24.10.2017"])
def test_dates_that_are_refused(cell):
    with pytest.raises(ValueError, match=re.escape(cell)):
        text.parse_dates(cell)


@pytest.mark.parametrize(
    ("target", "folder", "url"),
    [
        ("./Meetups/Meetup_70/some file.pdf", "", GH + "Meetups/Meetup_70/some%20file.pdf"),
        ("Meetups/Meetup_29/slides/x.pdf", "", GH + "Meetups/Meetup_29/slides/x.pdf"),
        (
            "./slides/Ümlaut (final).pdf",
            "Meetups/Meetup_32/",
            GH + "Meetups/Meetup_32/slides/%C3%9Cmlaut%20(final).pdf",
        ),
        ("../Meetup_17/slides/a.pdf", "Meetups/Meetup_19/", GH + "Meetups/Meetup_17/slides/a.pdf"),
        ("./Meetups/Meetup_70/", "", "https://github.com/vdlm/meetups/tree/master/Meetups/Meetup_70/"),
        ("https://youtu.be/GSMh5fw2Mjo", "", "https://youtu.be/GSMh5fw2Mjo"),
        ("../../../etc/passwd", "Meetups/Meetup_1/", None),
        ("javascript:alert(1)", "", None),
    ],
)
def test_links_become_absolute(target, folder, url):
    assert text.absolute_url(target, folder) == url
