"""The whole history as the demo imports it: the 2019 root README, today's root README (commit
dedb392, the one file that lists #49, #53, #58–#60, #62, #63, #66 and #69) and the 66 per-edition
READMEs. The root's one-line topics must meet the READMEs' full titles as one talk each."""

import datetime
from collections import Counter

import pytest

from meetups.models import Edition
from talks.models import Person, Talk
from tests.meetups.test_archive_families import REPO, assert_round_trip, readme, speakers_of, talks_of
from tests.meetups.test_archive_import import DATA, ROOT_2019, run, snapshot

pytestmark = pytest.mark.django_db

ROOT_CURRENT = DATA / "vdlm-meetups-current" / "README-dedb392.md"
ONLY_IN_THE_CURRENT_ROOT = [49, 53, 58, 59, 60, 62, 63, 66, 69]


def test_the_copy_is_the_file_of_that_commit():
    text = ROOT_CURRENT.read_text(encoding="utf-8")
    assert len(text) == 29611  # as SOURCE.md gives it
    assert text.startswith("# Vienna Deep Learning Meetup\n") and text.endswith("Meetup_Presentation.pdf) |\n")


def test_the_whole_history_has_every_edition_once_and_no_talk_twice(tmp_path):
    output = run(ROOT_2019, ROOT_CURRENT, REPO, "--report", tmp_path / "report.md")

    assert "0 files not read" in output
    assert Edition.objects.count() == 74
    numbers = set(Edition.objects.exclude(number=None).values_list("number", flat=True))
    assert set(ONLY_IN_THE_CURRENT_ROOT) <= numbers and not {39, 40, 41} & numbers  # '...' rows
    assert Edition.objects.filter(talks__isnull=True).count() == 2  # #4 and the WeAreDevelopers congress
    # A speaker who gave two talks at one edition kept both (#29); nobody else has two.
    twice = Counter(
        (talk.edition.code, speaker.person_id)
        for talk in Talk.objects.select_related("edition").prefetch_related("talk_speakers")
        for speaker in talk.talk_speakers.all()
    )
    assert sorted(code for (code, _person), count in twice.items() if count > 1) == ["29"]
    assert Talk.objects.count() == 144 and Person.objects.count() == 116
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    for line, number in [(111, 42), (112, 41), (113, 40), (114, 39)]:
        assert f"README-dedb392.md:{line}`: #{number}: a placeholder row ('...' and no talk)" in report
    # The rows without a Details cell: one warning for the table, not 92.
    short = [line for line in report.splitlines() if "cells, the header 6; the missing 'Details'" in line]
    assert len(short) == 1 and short[0].endswith(
        "README-dedb392.md:96`: the row has 5 cells, the header 6; the missing "
        "'Details' read as empty (so do 91 more rows of this table, lines 97–187)"
    )


def test_a_short_root_topic_joins_the_readmes_full_title_by_its_speakers():
    run(ROOT_CURRENT, readme(37), readme(68), readme(50))

    (neurips,) = talks_of("37")
    assert neurips.title.startswith("NeurIPS 2020 Review - Emerging topics")  # the README's title wins
    (comment_sense,) = talks_of("68")
    assert comment_sense.title.startswith("CommentSense: An On-Device AI Browser Extension")
    assert comment_sense.slides_url.endswith("2025-09-22%2068th%20VDLM%20Marc%20Kroll%20CommentSense.pdf")
    titles = sorted(talk.title for talk in talks_of("50"))
    assert titles == [
        "Intro to (deep) reinforcement learning",
        "Latest Developments in Large Language Models",
        "Security of Machine Learning Systems - (How) Can We Get There?",
    ]


def test_a_speaker_with_two_talks_in_one_file_keeps_both():
    run(ROOT_CURRENT)
    assert sorted(talk.title for talk in talks_of("29") if speakers_of(talk)[0][0] == "Jakub Mačina") == [
        "Deep Learning for Recommender Systems",
        "RecSys2019 Review",
    ]


def test_the_organizers_rows_are_intro_slides_not_talks():
    run(ROOT_CURRENT)
    forty_four = Edition.objects.get_by_code("44")  # 'Intro slides', no speaker
    assert forty_four.intro_slides_url.endswith("/Meetup_44/slides/Intro.pdf")
    assert "Intro slides" not in [talk.title for talk in talks_of("44")]
    forty_nine = Edition.objects.get_by_code("49")  # 'VDLM, Survey, Jobs, …' under two organizers' names
    assert forty_nine.intro_slides_url.endswith("Jobs,%20Events,%20Hot%20Topics.pdf")
    assert sorted(talk.title for talk in talks_of("49")) == [
        "Physics Inspired Neural Networks",
        "Truth or Dare - How LLMs disregard truth",
    ]


def test_an_edition_only_the_root_lists_has_its_date_talks_and_slides():
    run(ROOT_CURRENT)
    sixty_three = Edition.objects.get_by_code("63")
    assert sixty_three.start_date == datetime.date(2024, 11, 7)
    assert sixty_three.intro_slides_url.endswith("2024-11-07_63rd_VDLM_Meetup.pdf")
    clinical, multimodal = sorted(talks_of("63"), key=lambda talk: talk.title)
    assert speakers_of(clinical) == [("Adam Kolář", "")] and not clinical.slides_url
    assert speakers_of(multimodal) == [("Shah Nawaz", "")]
    assert multimodal.slides_url.endswith("/Meetup_63/Shah_Nawaz_Multimodal_Learning.pdf")


def test_the_talks_a_readme_tells_in_prose_get_their_abstracts_from_it():
    """#46's README names each talk in its invitation, then gives 'Name, org / Title / abstract'
    blocks; the current root lists the talks. The blocks are the abstracts, not the invitation."""
    run(ROOT_CURRENT, readme(46))
    by_title = {talk.title: talk for talk in talks_of("46")}
    eye = by_title["Eye Analysis: Designing Neural Network for the Automotive Industry"]
    assert eye.abstract.startswith("According to the WHO, 94% of road accidents are caused by human error.")
    assert eye.abstract.endswith("under the challenging conditions of the automotive industry.")
    embedded = by_title["Going Embedded: Real-time Deep Learning for automotive applications"]
    assert embedded.abstract.startswith("When developing Deep Learning based algorithms")
    assert "They will highlight" not in embedded.abstract
    assert speakers_of(embedded) == [("Georg Braun", "emotion3d.ai")]


def test_a_second_run_of_the_whole_history_changes_nothing():
    run(ROOT_2019, ROOT_CURRENT, REPO)
    before = snapshot()
    output = run(ROOT_CURRENT, REPO, ROOT_2019)  # another order: the files are read in a fixed one
    assert snapshot() == before
    assert "Nothing changed: the database already matches the archive." in output


def test_round_trip_of_the_whole_history_with_todays_root(tmp_path):
    assert_round_trip(tmp_path, ROOT_2019, ROOT_CURRENT, REPO)
