"""What the audience sees on the #32 deck, slide by slide, and how the organizers' data shapes it."""

import datetime
from types import SimpleNamespace

import pytest

from decks.models import DeckSettings, DeckSlide, Section
from decks.slides import agenda_blocks
from meetups.demo import load_demo
from meetups.models import AgendaItem, Edition
from raffles.models import Raffle
from sponsors.models import JobAdItem, Sponsorship
from talks.models import Talk
from tests.decks.helpers import read_deck
from tests.factories import (
    AgendaItemFactory,
    AnnouncementFactory,
    EditionFactory,
    JobAdFactory,
    JobAdItemFactory,
    RaffleFactory,
    SponsorshipFactory,
    TalkFactory,
    TalkSourceFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

K = AgendaItem.Kind

AGENDA_32 = [
    "18:30 Welcome & Introduction",
    "18:40 Takeda Austria: Site Presentation",
    "18:55 Self-Supervised Deep Learning by Christoph Bonitz, Njinn Technologies",
    "19:40 Announcements",
    "19:50 Break",
    "20:10 Report from NeurIPS 2019 by René Donner, contextflow GmbH",
    "20:50 Hot Topics and Latest News by Michael Pieler",
    "21:15 Networking",
]


def _deck(client, code="32"):
    response = client.get(f"/meetups/{code}/deck/")
    assert response.status_code == 200
    return read_deck(response).slides


def _outline(slides):
    return [(slide.kind, slide.heading) for slide in slides]


def _settings(edition, **shown):
    return DeckSettings.objects.create(edition=edition, **shown)


def test_the_32_deck_has_the_slides_of_the_hand_made_deck_in_its_order(client, meetup_32):
    assert _outline(_deck(client)) == [
        ("title", "32nd Vienna Deep Learning Meetup"),
        ("organizers", "The Organizers"),
        ("agenda", "Topics for Today"),
        ("host", "Our host: Takeda"),
        ("agenda", "Topics for Today"),
        ("divider", "Announcements"),
        ("archive", "VDLM on GitHub"),
        ("youtube", "VDLM on YouTube"),
        ("stats", "Vienna Deep Learning Meetup in numbers"),
        ("raffle", "Raffle: ML Prague 2020"),
        ("job", "Lead Data Engineer"),
        ("agenda", "Topics for Today"),
        ("agenda", "Topics for Today"),
        ("hot_topics", "Hot Topics & Latest News"),
        ("hot_topic", "Hot Topics and Latest News"),
        ("sources", "Sources"),
        ("next_meetup", "Next Meetup: 26 February at Magenta"),
    ]


def test_the_32_deck_says_what_the_hand_made_deck_said(client, meetup_32):
    slides = {slide.number: slide for slide in _deck(client)}

    assert slides[1].text == "32nd Vienna Deep Learning Meetup 30 January 2020 #VDLM Hosted by Takeda"
    assert slides[2].text == (
        "The Organizers AS Alex Schindler AIT & TU Wien JS Jan Schlüter OFAI & contextflow RD René Donner contextflow"
    )
    assert [text for text, _, _ in slides[3].agenda] == AGENDA_32
    assert slides[4].text == (
        "Takeda Our host: Takeda Takeda Austria: Site Presentation "
        "Takeda Austria: more than 4,000 employees and a long heritage in Vienna. "
        "Over to you, Takeda: the stage is yours."
    )
    assert slides[6].text == (
        "Announcements VDLM on GitHub VDLM on YouTube Vienna Deep Learning Meetup in numbers "
        "Raffle: ML Prague 2020 Lead Data Engineer at Automic"
    )
    # The GitHub announcement is the archive plug's text, not a slide of its own.
    assert slides[7].text == "VDLM on GitHub All talks, slides, photos, videos and the wiki. github.com/vdlm/meetups"
    assert slides[8].text == (
        "VDLM on YouTube Recordings of our talks, free to watch. youtube.com/ViennaDeepLearningMeetup"
    )
    assert slides[9].text == "Vienna Deep Learning Meetup in numbers 1000+ members 1 meetup"
    assert slides[10].text == (
        "Raffle: ML Prague 2020 Win 1 free ticket for ML Prague 2020, donated by ML Prague "
        "Which speaker of ML Prague 2020 is the creator of Keras? "
        "Answer until Sun, 9 February 2020, 23:59 "
        "Scan the code or open testserver/raffles/ml-prague-2020 "
        "or email vdlmeetup@gmail.com with the subject “ML Prague 2020” Enter the raffle"
    )
    assert slides[11].text == (
        "Automic Automic is hiring · Vienna Lead Data Engineer Become the spearhead of our data product initiatives "
        "3 things you will do "
        "Extract and build data sets from various applications to be easily analyzed by our data scientists. "
        "Build and maintain automated pipelines with Python and Java "
        "Actively share your knowledge and lessons learned with other teams and departments across the globe "
        "3 things you bring "
        "Experience in building datapipelines, data sets, and defining the data architecture "
        "Hands-on mentality, excellent problem-solving skills, and critical thinking "
        "Experience working with data scientists and a good understanding of their needs "
        "3 things you get "
        "A flat organization with personal development opportunities "
        "An international work environment with global collaboration opportunities "
        "Very competitive salary with equity awards on top. "
        "Interested? cd.automic.com/lead-data-engineer"
    )
    assert slides[14].text == (
        "Hot Topics & Latest News "
        "A short block at every meetup to briefly present recent papers and news in Deep Learning. "
        "Send us contributions (vdlmeetup@gmail.com) or come with slides to do a short block yourself!"
    )
    assert slides[15].text == (
        "Hot Topics and Latest News by Michael Pieler "
        "Are deep NN (dramatically) overfitted? Deep double descent and the lottery ticket hypothesis."
    )
    assert slides[16].links == [
        "https://lilianweng.github.io/lil-log/2019/03/14/are-deep-neural-networks-dramatically-overfitted.html",
        "https://openai.com/blog/deep-double-descent/",
        "https://www.lesswrong.com/posts/FRv7ryoqtvSuqBxuT/understanding-deep-double-descent",
        "https://ai.facebook.com/blog/understanding-the-generalization-of-lottery-tickets-in-neural-networks/",
    ]
    assert slides[16].text.startswith("Sources Are Deep Neural Networks Dramatically Overfitted? https://lilianweng")
    assert slides[17].text == (
        "Next Meetup: 26 February at Magenta 33rd Vienna Deep Learning Meetup "
        "Wed, 26 February 2020, 18:30 Magenta Telekom T-Center meetup.com/Vienna-Deep-Learning-Meetup"
    )


def test_the_agenda_comes_back_before_each_block_with_the_next_block_highlighted(client, meetup_32):
    agendas = [slide for slide in _deck(client) if slide.kind == "agenda"]
    assert len(agendas) == 4
    expected_blocks = [
        # (the item marked "next", the block it opens, the items done before it)
        (0, [0, 1, 2]),
        (3, [3, 4]),
        (5, [5]),
        (6, [6, 7]),
    ]
    for slide, (marked, block) in zip(agendas, expected_blocks, strict=True):
        rows = slide.agenda
        assert [text for text, _, _ in rows] == AGENDA_32, "every agenda slide lists the whole evening"
        assert [index for index, (_, _, current) in enumerate(rows) if current] == [marked]
        assert [index for index, (_, classes, _) in enumerate(rows) if "is-next" in classes] == block
        assert [index for index, (_, classes, _) in enumerate(rows) if "is-done" in classes] == list(range(marked))


def test_the_demo_deck_matches_the_32_deck_with_the_host_after_the_first_agenda(client, on_deck_day):
    load_demo()
    slides = _deck(client)
    assert _outline(slides) == [
        ("title", "32nd Vienna Deep Learning Meetup"),
        ("organizers", "The Organizers"),
        ("agenda", "Topics for Today"),
        ("host", "Our host: Takeda"),
        ("agenda", "Topics for Today"),
        ("divider", "Announcements"),
        ("announcement", "eMail raffle for 1 free ticket to ML Prague 2020"),
        ("archive", "VDLM on GitHub"),
        ("youtube", "VDLM YouTube channel"),
        ("stats", "Vienna Deep Learning Meetup in numbers"),
        ("raffle", "Raffle: ML Prague 2020"),
        ("job", "Lead Data Engineer"),
        ("agenda", "Topics for Today"),
        ("agenda", "Topics for Today"),
        ("hot_topics", "Hot Topics & Latest News"),
        ("hot_topic", "Are deep NN (dramatically) overfitted? Deep Double Descent & Lottery Ticket Hypothesis"),
        ("sources", "Sources"),
        ("next_meetup", "Next Meetup: 26 February at Magenta Telekom"),
    ]
    marked = [next(text for text, _, current in slide.agenda if current) for slide in slides if slide.kind == "agenda"]
    assert marked == [
        "Welcome & Introduction",
        "Announcements",
        "Report from NeurIPS 2019 by René Donner, contextflow GmbH",
        "Hot Topics and Latest News by Michael Pieler",
    ]
    archive = next(slide for slide in slides if slide.kind == "archive")
    # The GitHub table: the nine editions before #32 in the real history, oldest first (the hand-made
    # deck, made from the README's first rows, showed #1 to #9).
    assert "23 2019-01-31 FH Technikum Wien Explainable Deep Learning / NeurIPS Report" in archive.text
    assert archive.text.endswith("31 2019-12-02 UniCredit Center")
    stats = next(slide for slide in slides if slide.kind == "stats")
    # #1 to #32 had been held by that evening in the real history.
    assert stats.text == "Vienna Deep Learning Meetup in numbers 1000+ members 32 meetups"


def test_skipped_sections_leave_no_slide(client, meetup_32):
    _settings(
        meetup_32.edition,
        show_agenda=False,
        show_archive=False,
        show_stats=False,
        show_jobs=False,
        show_sources=False,
        show_organizers=False,
    )
    slides = _deck(client)
    assert _outline(slides) == [
        ("title", "32nd Vienna Deep Learning Meetup"),
        ("host", "Our host: Takeda"),
        ("divider", "Announcements"),
        # Without the archive plug the GitHub announcement is shown as it is.
        ("announcement", "VDLM on GitHub"),
        ("raffle", "Raffle: ML Prague 2020"),
        ("hot_topics", "Hot Topics & Latest News"),
        ("hot_topic", "Hot Topics and Latest News"),
        ("next_meetup", "Next Meetup: 26 February at Magenta"),
    ]
    assert slides[2].text == "Announcements VDLM on GitHub Raffle: ML Prague 2020"


def test_a_deck_with_every_section_skipped_says_so_instead_of_showing_nothing(client, meetup_32):
    _settings(meetup_32.edition, **{f"show_{section}": False for section in Section.values})
    (slide,) = _deck(client)
    assert slide.text == (
        "Nothing to show Every section of this deck is switched off. "
        "Organizers choose the sections on the edition's admin page."
    )


def test_free_slides_appear_where_the_organizers_placed_them(client, meetup_32):
    edition = meetup_32.edition
    _settings(edition, show_host=False)
    DeckSlide.objects.create(edition=edition, placement=DeckSlide.Placement.END, title="See you at the bar")
    DeckSlide.objects.create(
        edition=edition, placement=DeckSlide.Placement.AFTER_RAFFLES, position=2, title="Second thanks"
    )
    DeckSlide.objects.create(
        edition=edition,
        placement=DeckSlide.Placement.AFTER_RAFFLES,
        position=1,
        title="Thank you, ML Prague!",
        body="For the **ticket**. <script>alert(1)</script>",
    )
    DeckSlide.objects.create(edition=edition, placement=DeckSlide.Placement.START, title="Doors open at 18:00")
    # The host section is skipped, but a slide placed after it still comes where the host would.
    DeckSlide.objects.create(edition=edition, placement=DeckSlide.Placement.AFTER_HOST, title="Thank you, Takeda!")

    outline = _outline(_deck(client))
    assert outline[:5] == [
        ("free", "Doors open at 18:00"),
        ("title", "32nd Vienna Deep Learning Meetup"),
        ("organizers", "The Organizers"),
        ("agenda", "Topics for Today"),
        ("free", "Thank you, Takeda!"),
    ]
    raffle = outline.index(("raffle", "Raffle: ML Prague 2020"))
    assert outline[raffle + 1 : raffle + 4] == [
        ("free", "Thank you, ML Prague!"),
        ("free", "Second thanks"),
        ("job", "Lead Data Engineer"),
    ]
    assert outline[-2:] == [("next_meetup", "Next Meetup: 26 February at Magenta"), ("free", "See you at the bar")]
    thanks = next(slide for slide in _deck(client) if slide.heading == "Thank you, ML Prague!")
    assert thanks.text == "Thank you, ML Prague! For the ticket."
    assert "<script>" not in client.get("/meetups/32/deck/").content.decode()


def test_the_host_without_an_agenda_item_comes_after_the_first_agenda_slide(client, meetup_32):
    meetup_32.edition.agenda_items.filter(kind=K.HOST_PRESENTATION).delete()
    assert _outline(_deck(client))[2:5] == [
        ("agenda", "Topics for Today"),
        ("host", "Our host: Takeda"),
        ("agenda", "Topics for Today"),
    ]


def test_sections_without_their_agenda_item_follow_the_last_block(client, meetup_32):
    meetup_32.edition.agenda_items.filter(kind__in=[K.ANNOUNCEMENTS, K.HOT_TOPICS]).delete()
    outline = _outline(_deck(client))
    kinds = [kind for kind, _ in outline]
    assert kinds == [
        "title",
        "organizers",
        "agenda",
        "host",
        "agenda",  # the block after the break: the NeurIPS report and networking
        "divider",
        "archive",
        "youtube",
        "stats",
        "raffle",
        "job",
        # Hot-topics talks exist, so their block still comes, without an agenda item.
        "hot_topics",
        "hot_topic",
        "sources",
        "next_meetup",
    ]


def test_without_an_agenda_there_is_no_agenda_slide_and_the_order_stays(client, meetup_32):
    meetup_32.edition.agenda_items.all().delete()
    kinds = [kind for kind, _ in _outline(_deck(client))]
    assert kinds == [
        "title",
        "organizers",
        "host",
        "divider",
        "archive",
        "youtube",
        "stats",
        "raffle",
        "job",
        "hot_topics",
        "hot_topic",
        "sources",
        "next_meetup",
    ]


def _items(*kinds):
    return [SimpleNamespace(kind=kind, title=f"{kind} {index}") for index, kind in enumerate(kinds)]


@pytest.mark.parametrize(
    ("kinds", "blocks"),
    [
        # #32: the four agenda slides of the hand-made deck.
        (
            [K.WELCOME, K.TALK, K.ANNOUNCEMENTS, K.BREAK, K.CONFERENCE_REPORT, K.HOT_TOPICS, K.NETWORKING],
            [[0, 1], [2, 3], [4], [5, 6]],
        ),
        # Back-to-back talks share a block; the evening resumes after the break.
        ([K.WELCOME, K.TALK, K.TALK, K.BREAK, K.TALK, K.NETWORKING], [[0, 1, 2, 3], [4, 5]]),
        # Announcements right before the hot topics: each is its own block.
        ([K.WELCOME, K.ANNOUNCEMENTS, K.HOT_TOPICS], [[0], [1], [2]]),
        # Two breaks in a row: the block starts with what follows them.
        ([K.TALK, K.BREAK, K.BREAK, K.TALK], [[0, 1, 2], [3]]),
        ([K.HOST_PRESENTATION, K.TALK], [[0, 1]]),
        ([], []),
    ],
)
def test_the_block_rule(kinds, blocks):
    items = _items(*kinds)
    assert [[items.index(item) for item in block] for block in agenda_blocks(items)] == blocks


def _past_edition(number, day, **fields):
    return EditionFactory(
        number=number,
        code=str(number),
        start_date=day,
        venue=VenueFactory(name=f"Venue of #{number}"),
        topic=f"Topic of #{number}",
        **fields,
    )


def test_the_archive_table_lists_the_latest_published_editions_before_this_one_oldest_first(client, meetup_32):
    day = meetup_32.edition.start_date
    for number in range(1, 13):
        _past_edition(number, day - datetime.timedelta(weeks=30 - number))
    _past_edition(20, day - datetime.timedelta(days=3), published=False)
    archive = next(slide for slide in _deck(client) if slide.kind == "archive")
    rows = archive.text.split("# Date Place Topic ")[1]
    assert rows.split(" Venue of")[0] == f"4 {(day - datetime.timedelta(weeks=26)).isoformat()}"
    assert [f"Topic of #{n}" in rows for n in (3, 4, 12, 20)] == [False, True, True, False]
    assert rows.index("Topic of #4") < rows.index("Topic of #12")

    _settings(meetup_32.edition, archive_rows=2)
    archive = next(slide for slide in _deck(client) if slide.kind == "archive")
    assert archive.text.endswith(
        f"# Date Place Topic 11 {(day - datetime.timedelta(weeks=19)).isoformat()} Venue of #11 Topic of #11 "
        f"12 {(day - datetime.timedelta(weeks=18)).isoformat()} Venue of #12 Topic of #12"
    )


def test_the_stats_count_published_meetups_and_workshops_up_to_this_evening(client, meetup_32):
    day = meetup_32.edition.start_date
    _past_edition(30, day - datetime.timedelta(weeks=8))
    _past_edition(31, day - datetime.timedelta(weeks=4))
    _past_edition(29, day - datetime.timedelta(weeks=12), published=False)
    EditionFactory(kind=Edition.Kind.WORKSHOP, number=1, code="w1", start_date=day - datetime.timedelta(days=10))
    EditionFactory(kind=Edition.Kind.WORKSHOP, number=2, code="w2", start_date=day + datetime.timedelta(days=10))
    stats = next(slide for slide in _deck(client) if slide.kind == "stats")
    # #30, #31 and #32 itself; the draft #29 and everything after this evening do not count.
    assert stats.text == "Vienna Deep Learning Meetup in numbers 1000+ members 3 meetups 1 workshop"


def test_the_next_meetup_is_the_next_published_edition_or_stay_tuned(client, meetup_32):
    following = meetup_32.next_edition
    following.published = False
    following.save()
    last = _deck(client)[-1]
    assert last.heading == "Next Meetup: stay tuned"
    assert last.text == (
        "Next Meetup: stay tuned The date is not fixed yet: follow us to hear first. "
        "meetup.com/Vienna-Deep-Learning-Meetup"
    )

    # A year later, without a host yet: the date says the year and the place is the venue.
    EditionFactory(number=40, code="40", start_date=datetime.date(2021, 1, 14), venue=VenueFactory(name="TU Wien"))
    assert _deck(client)[-1].heading == "Next Meetup: 14 January 2021 at TU Wien"
    SponsorshipFactory(edition=following, organisation=meetup_32.magenta, role=Sponsorship.Role.CATERING)
    following.published = True
    following.save()
    assert _deck(client)[-1].heading == "Next Meetup: 26 February at Magenta"


def test_only_published_raffles_of_the_evening_and_still_open_ones_are_shown(client, meetup_32):
    edition = meetup_32.edition
    RaffleFactory(title="Draft prize", edition=edition, status=Raffle.Status.DRAFT)
    RaffleFactory(title="Drawn prize", edition=edition, status=Raffle.Status.DRAWN)
    RaffleFactory(title="Book from last month", edition=EditionFactory(start_date=datetime.date(2019, 12, 12)))
    headings = [slide.heading for slide in _deck(client) if slide.kind == "raffle"]
    # On the evening the other edition's raffle is still open: the organizers mention it too,
    # the one closing first first.
    assert headings == ["Raffle: Book from last month", "Raffle: ML Prague 2020"]


def test_an_old_deck_does_not_show_todays_open_raffles(client, meetup_32):
    EditionFactory(number=20, code="20", start_date=datetime.date(2019, 6, 6))
    RaffleFactory(title="Still running", edition=meetup_32.next_edition)
    assert [slide.heading for slide in _deck(client, "20") if slide.kind == "raffle"] == []
    assert "Raffle: Still running" in [slide.heading for slide in _deck(client, "32")]


def test_job_ads_are_the_published_ones_announced_that_evening(client, meetup_32):
    unpublished = JobAdFactory(title="Secret role", published=False)
    unpublished.editions.set([meetup_32.edition])
    JobAdFactory(title="Announced elsewhere").editions.set([meetup_32.next_edition])
    lone = JobAdFactory(title="ML Engineer", organisation=meetup_32.takeda, location="")
    lone.editions.set([meetup_32.edition])
    JobAdItemFactory(job_ad=lone, section=JobAdItem.Section.GET, text="A **great** team")
    jobs = [slide for slide in _deck(client) if slide.kind == "job"]
    assert [slide.heading for slide in jobs] == ["Lead Data Engineer", "ML Engineer"]
    assert jobs[1].text == "Takeda Takeda is hiring ML Engineer Build the pipelines our scientists love. " + (
        "1 thing you get A great team Interested? jobs.example.com/apply"
    )


def test_many_sources_spread_over_several_slides_and_keep_counting(client, meetup_32):
    extra = TalkFactory(edition=meetup_32.edition, kind=Talk.Kind.HOT_TOPICS, title="More news")
    for number in range(5):
        TalkSourceFactory(talk=extra, title=f"Extra source {number}")
    sources = [slide for slide in _deck(client) if slide.kind == "sources"]
    assert [slide.heading for slide in sources] == ["Sources (1/2)", "Sources (2/2)"]
    assert len(sources[0].links) == 6 and len(sources[1].links) == 3
    html = client.get("/meetups/32/deck/").content.decode()
    assert '<ol class="sources" start="7">' in html


def test_reordered_announcements_follow_their_positions(client, meetup_32):
    edition = meetup_32.edition
    AnnouncementFactory(edition=edition, position=5, title="We are looking for hosts")
    AnnouncementFactory(edition=edition, position=3, title="Call for speakers")
    _settings(edition, show_archive=False)
    titles = [slide.heading for slide in _deck(client) if slide.kind == "announcement"]
    assert titles == ["VDLM on GitHub", "Call for speakers", "We are looking for hosts"]


def test_an_agenda_without_times_has_no_empty_time_column(client, meetup_32):
    meetup_32.edition.agenda_items.update(start_time=None)
    agenda = next(slide for slide in _deck(client) if slide.kind == "agenda")
    assert agenda.agenda[0][0] == "Welcome & Introduction"
    assert 'class="agenda-time"' not in client.get("/meetups/32/deck/").content.decode()


def test_a_host_presentation_given_as_a_talk_names_its_speakers(client, meetup_32):
    talk = TalkFactory(edition=meetup_32.edition, title="Plasma at scale", speakers=[meetup_32.bonitz])
    AgendaItemFactory(
        edition=meetup_32.edition, position=15, kind=K.HOST_PRESENTATION, title="Plasma at scale", talk=talk
    )
    meetup_32.edition.agenda_items.filter(position=20).delete()
    host = next(slide for slide in _deck(client) if slide.kind == "host")
    assert host.text.startswith("Takeda Our host: Takeda Plasma at scale by Christoph Bonitz, Njinn Technologies")


def test_a_bare_new_edition_still_gets_a_deck(client, on_deck_day):
    EditionFactory(number=50, code="50", topic="", venue=None, start_date=datetime.date(2020, 3, 5))
    slides = _deck(client, "50")
    # No profile, venue, host, agenda or talks yet: what is known is shown, nothing breaks.
    assert [(slide.kind, slide.text) for slide in slides] == [
        ("title", "50th Vienna Deep Learning Meetup 5 March 2020"),
        ("divider", "Announcements Vienna Deep Learning Meetup in numbers"),
        ("stats", "Vienna Deep Learning Meetup in numbers 1 meetup"),
        ("next_meetup", "Next Meetup: stay tuned The date is not fixed yet: follow us to hear first."),
    ]


def test_hostile_titles_and_names_are_escaped_once_on_the_agenda_and_in_every_slide_frame(client, meetup_32):
    edition = meetup_32.edition
    edition.title = 'R&D <night> "live"'
    edition.save()
    AgendaItem.objects.filter(edition=edition, kind=K.BREAK).update(title="<b>Pizza</b> & Q&A")
    report = Talk.objects.get(edition=edition, title="Report from NeurIPS 2019")
    speaker = report.talk_speakers.get()
    speaker.affiliation = "<script>alert(1)</script>"
    speaker.save()

    html = client.get("/meetups/32/deck/").content.decode()
    assert "<b>Pizza" not in html and "<script>alert" not in html and "<night>" not in html
    assert "&amp;lt;" not in html and "&amp;amp;" not in html, "nothing is escaped twice"
    assert html.count("&lt;b&gt;Pizza&lt;/b&gt; &amp; Q&amp;A") == 4, "on each of the 4 agenda slides"
    assert html.count("<span>#VDLM · R&amp;D &lt;night&gt; &quot;live&quot;</span>") == 17, "every slide's footer"

    slides = read_deck(html).slides
    assert slides[0].label == '1 of 17: R&D <night> "live"'
    rows = next(slide for slide in slides if slide.kind == "agenda").agenda
    assert rows[4] == ("19:50 <b>Pizza</b> & Q&A", ["agenda-row", "is-later", "is-aside"], False)
    assert rows[5][0] == "20:10 Report from NeurIPS 2019 by René Donner, <script>alert(1)</script>"
