"""`manage.py export_archive` and the admin downloads: the README table, CSV, JSON, and the
round trip import → export → import on the real files."""

import csv
import datetime
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from meetups.archive.export import CSV_COLUMNS
from meetups.models import Edition
from talks.models import Person, Talk
from tests.factories import EditionFactory, PersonFactory, TalkFactory, TalkSpeakerFactory
from tests.meetups.test_archive_import import AFTER_CRAFTED, CURRENT, GH, REAL, content, run, snapshot, wipe

pytestmark = pytest.mark.django_db


def export(*args):
    out = io.StringIO()
    call_command("export_archive", *[str(arg) for arg in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _speak(talk, *pairs):
    for position, (name, affiliation) in enumerate(pairs):
        person = PersonFactory(name=name, slug=name.lower().replace(" ", "-"), affiliation="")
        TalkSpeakerFactory(talk=talk, person=person, position=position, affiliation=affiliation)


def _small_archive():
    latest = EditionFactory(
        code="71",
        number=71,
        start_date=datetime.date(2026, 3, 12),
        intro_slides_url=GH + "Meetups/Meetup_71/2026-03-12%2071st%20VDLM.pdf",
    )
    sparse = TalkFactory(
        edition=latest,
        title="Sparse Attention in Practice",
        slides_url=GH + "Meetups/Meetup_71/sparse.pdf",
        video_url="https://www.youtube.com/watch?v=XXXXXXXXXXX",
    )
    _speak(sparse, ("Ada Muster", "Example Labs"), ("Bo Beispiel", "Example Labs"))
    pipes = TalkFactory(edition=latest, title="Pipes | Filters", slides_url="https://example.org/deck")
    _speak(pipes, ("Cleo Probe", "Example Labs"), ("Dee Demo", "TU Wien"))
    EditionFactory(
        code="WA",
        number=None,
        kind=Edition.Kind.SPECIAL,
        start_date=datetime.date(2018, 12, 4),
        end_date=datetime.date(2018, 12, 5),
        start_time=None,
        end_time=None,
    )
    EditionFactory(code="72", number=72, start_date=datetime.date(2026, 4, 9), published=False)


def test_markdown_is_the_readme_table_in_the_current_layout():
    _small_archive()
    assert export("--format", "markdown") == (
        "## Meetups\n"
        "\n"
        "| Date | # | Speaker | Topic | Slides | Details |\n"
        "| ---- | -- | ------- | ----- | ------ |---------|\n"
        "|      |    |         |       |        |         |\n"
        "| 2026-03-12 | 71 | VDLM | Intro / Announcements | [pdf](<./Meetups/Meetup_71/2026-03-12 71st VDLM.pdf>) "
        "| [details](./Meetups/Meetup_71/) |\n"
        "| 2026-03-12 | 71 | Ada Muster and Bo Beispiel, Example Labs | Sparse Attention in Practice "
        "| [pdf](./Meetups/Meetup_71/sparse.pdf) "
        "| [details](./Meetups/Meetup_71/) [video](https://www.youtube.com/watch?v=XXXXXXXXXXX) |\n"
        # Two affiliations: each after its speaker, as the importer reads them back.
        "| 2026-03-12 | 71 | Cleo Probe, Example Labs and Dee Demo, TU Wien | Pipes \\| Filters "
        "| [slides](https://example.org/deck) "
        "| [details](./Meetups/Meetup_71/) |\n"
        # No talks: an intro row keeps the edition in the table.
        "| 2018-12-04/05 | WA | VDLM | Intro / Announcements |  |  |\n"
    )


def test_markdown_leaves_drafts_out_unless_asked():
    _small_archive()
    assert "| 72 |" not in export("--format", "markdown")
    assert "| 2026-04-09 | 72 | VDLM |" in export("--format", "markdown", "--include-drafts")


def test_round_trip_on_the_real_files_keeps_every_row(tmp_path):
    run(REAL)
    before = snapshot()
    exported = tmp_path / "README.md"
    call_command("export_archive", "--format", "markdown", "--output", str(exported), stderr=io.StringIO())

    output = run(exported)

    assert snapshot() == before
    assert "32 editions (0 new, 0 updated), 60 talks (0 new, 0 updated), 56 people (0 new, 0 updated)" in output
    assert "0 conflicts, 0 skipped rows" in output
    assert "Nothing changed: the database already matches the archive." in output


def _table_facts():
    """What the README table carries: editions' dates, intro slides and videos; talks, speakers, affiliations."""
    return {
        "editions": sorted(
            Edition.objects.values_list(
                "code", "number", "kind", "start_date", "end_date", "intro_slides_url", "video_url", "published"
            )
        ),
        "talks": sorted(Talk.objects.values_list("edition__code", "title", "slug", "slides_url", "video_url")),
        "speakers": content()["speakers"],
        "people": sorted(Person.objects.values_list("name", "slug", "affiliation")),
    }


def test_round_trip_into_an_empty_database_gives_the_same_table(tmp_path):
    run(REAL)
    first = export("--format", "markdown")
    before = _table_facts()
    wipe()
    (tmp_path / "README.md").write_text(first, encoding="utf-8")

    run(tmp_path / "README.md")

    # Venues, abstracts and invitations live in other files; everything the table carries comes back.
    assert _table_facts() == before
    assert export("--format", "markdown") == first
    assert (Edition.objects.count(), Talk.objects.count(), Person.objects.count()) == (32, 60, 56)
    assert Edition.objects.get_by_code("32").intro_slides_url == (
        GH
        + "Meetups/Meetup_32/slides/32nd%20Deep%20Learning%20Meetup%20Intro%20-%20Announcements%20-%20Hot%20Topics.pdf"
    )
    assert Edition.objects.get_by_code("13").video_url == "https://youtu.be/GSMh5fw2Mjo"
    assert Edition.objects.get_by_code("WA").end_date == datetime.date(2018, 12, 5)


@time_machine.travel(AFTER_CRAFTED, tick=False)
def test_round_trip_on_the_crafted_current_layout(tmp_path):
    run(CURRENT)
    before = snapshot()
    exported = tmp_path / "README.md"
    exported.write_text(export("--format", "markdown"), encoding="utf-8")
    output = run(exported)
    assert snapshot() == before
    assert "0 warnings, 0 conflicts, 0 skipped rows" in output


def test_csv_has_one_row_per_talk_and_one_per_edition_without_talks(tmp_path):
    run(REAL)
    path = tmp_path / "archive.csv"
    call_command("export_archive", "--format", "csv", "--output", str(path), stderr=io.StringIO())
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == CSV_COLUMNS
        rows = list(reader)
    assert len(rows) == 62  # 60 talks, and #4 and WA without talks
    guo = next(row for row in rows if row["talk_title"].startswith("TensorFlow Wide & Deep"))
    assert (guo["edition_code"], guo["venue"], guo["host"]) == ("13", "Marx Palast", "Erste Group")
    assert (guo["speakers"], guo["affiliations"]) == ("Yufeng Guo", "Google Cloud, NY")
    assert guo["edition_video_url"] == "https://youtu.be/GSMh5fw2Mjo"
    wa = next(row for row in rows if row["edition_code"] == "WA")
    assert (wa["start_date"], wa["end_date"], wa["talk_title"]) == ("2018-12-04", "2018-12-05", "")
    pairs = next(row for row in rows if row["talk_title"] == "Deep Learning for Music & Audio Analysis")
    assert pairs["speakers"] == "Thomas Lidy; Alexander Schindler"


def test_csv_cells_do_not_run_as_spreadsheet_formulas():
    talk = TalkFactory(
        title='=HYPERLINK("https://evil.example","click")', edition__start_date=datetime.date(2020, 1, 1)
    )
    rows = list(csv.DictReader(io.StringIO(export("--format", "csv"))))
    assert rows[0]["talk_title"] == "'" + talk.title


def test_json_nests_talks_speakers_and_agenda():
    run(REAL)
    data = json.loads(export("--format", "json"))
    assert len(data["editions"]) == 32
    assert [edition["code"] for edition in data["editions"][:3]] == ["32", "29", "28"]  # newest first
    meetup_13 = next(edition for edition in data["editions"] if edition["code"] == "13")
    assert (meetup_13["host"], meetup_13["start_time"], meetup_13["end_time"]) == (
        "Erste Group",
        "18:00:00",
        "23:00:00",
    )
    assert len(meetup_13["agenda"]) == 8
    assert meetup_13["agenda"][3]["talk"] == "TensorFlow Wide & Deep: Data Classification the easy way"
    assert meetup_13["talks"][1]["kind"] == "lightning"
    assert meetup_13["talks"][0]["speakers"] == [
        {"name": "Yufeng Guo", "slug": "yufeng-guo", "affiliation": "Google Cloud, NY"}
    ]


def test_output_into_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        export("--format", "json", "--output", tmp_path / "missing" / "out.json")


@pytest.mark.parametrize(
    ("action", "content_type", "filename", "expected"),
    [
        ("download_markdown", "text/markdown; charset=utf-8", "vdlm-meetups.md", "| 2026-04-09 | 72 | VDLM |"),
        ("download_csv", "text/csv; charset=utf-8", "vdlm-meetups.csv", "72,72,meetup"),
        ("download_json", "application/json", "vdlm-meetups.json", '"code": "72"'),
    ],
)
def test_admin_downloads_the_selected_editions(organizer_client, action, content_type, filename, expected):
    _small_archive()
    selected = Edition.objects.filter(code__in=["71", "72"])
    response = organizer_client.post(
        reverse("admin:meetups_edition_changelist"),
        {"action": action, "_selected_action": [edition.pk for edition in selected]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    body = response.content.decode()
    # The organizer picked the draft #72, so it is in; WA was not picked.
    assert expected in body
    assert "Sparse Attention in Practice" in body
    assert "2018-12-04" not in body


def _uploaded_slides_edition():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetups.models import AgendaItem
    from tests.factories import AgendaItemFactory

    edition = EditionFactory(code="34", number=34, start_date=datetime.date(2027, 1, 7))
    second = TalkFactory(edition=edition, title="Second on the agenda, created first")
    first = TalkFactory(edition=edition, title="First on the agenda", slides_url="")
    first.slides_file = SimpleUploadedFile("slides.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    first.save()
    TalkFactory(edition=edition, title="On no slot")
    AgendaItemFactory(edition=edition, position=10, kind=AgendaItem.Kind.TALK, talk=first)
    AgendaItemFactory(edition=edition, position=20, kind=AgendaItem.Kind.TALK, talk=second)
    return edition, first


def test_uploaded_slides_are_linked_on_the_site_and_talks_come_in_agenda_order(organizer_client):
    edition, first = _uploaded_slides_edition()
    text = export("--format", "markdown", "--base-url", "https://meetup.example.org")
    rows = [line for line in text.splitlines() if line.startswith("| 2027-01-07 | 34 |")]
    assert [row.split(" | ")[3] for row in rows] == [
        "First on the agenda", "Second on the agenda, created first", "On no slot"
    ]
    assert f"[pdf](https://meetup.example.org{first.slides_file.url})" in rows[0]

    data = json.loads(export("--format", "json", "--base-url", "https://meetup.example.org"))
    assert data["editions"][0]["talks"][0]["slides_file"] == f"https://meetup.example.org{first.slides_file.url}"

    # The admin's download links them on the site's own address.
    url = reverse("admin:meetups_edition_changelist")
    response = organizer_client.post(url, {"action": "download_markdown", "_selected_action": [edition.pk]})
    assert f"[pdf](http://testserver{first.slides_file.url})" in response.content.decode()


def test_uploaded_slides_without_the_sites_address_is_a_clear_error():
    _uploaded_slides_edition()
    with pytest.raises(CommandError, match="1 set\\(s\\) of slides are uploaded to the site: give --base-url"):
        export("--format", "markdown")
    with pytest.raises(CommandError, match="is not a web address"):
        export("--format", "markdown", "--base-url", "meetup.example.org")
