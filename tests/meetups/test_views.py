"""The home page, the archive and the page of one edition, as a visitor sees them."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from meetups.models import Edition, SiteProfile
from raffles.models import Raffle
from tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    JobAdFactory,
    PersonFactory,
    TalkFactory,
    VenueFactory,
)
from tests.html_helpers import canonical, links, parse, text
from tests.site_data import build_meetup_32

pytestmark = pytest.mark.django_db

VIENNA = ZoneInfo("Europe/Vienna")
# The morning of the #32 meetup, in Vienna.
DECK_MORNING = datetime.datetime(2020, 1, 30, 9, 0, tzinfo=VIENNA)


@pytest.fixture
def deck(db):
    with time_machine.travel(DECK_MORNING, tick=False):
        yield build_meetup_32()


@pytest.fixture
def on_deck_day():
    with time_machine.travel(DECK_MORNING, tick=False):
        yield


@pytest.fixture
def profile(db):
    profile = SiteProfile.load()
    profile.members_count = "1000+"
    profile.github_url = "https://github.com/vdlm/meetups"
    profile.youtube_url = "https://www.youtube.com/ViennaDeepLearningMeetup"
    profile.meetup_url = "https://www.meetup.com/Vienna-Deep-Learning-Meetup/"
    profile.contact_email = "vdlmeetup@gmail.com"
    profile.save()
    return profile


# --- Home ------------------------------------------------------------------


def test_home_shows_the_next_edition_with_its_agenda(client, deck, on_deck_day):
    response = client.get("/")

    assert response.status_code == 200
    page = parse(response)
    assert page.headings[0] == (1, "32nd Vienna Deep Learning Meetup")
    assert "Next meetup 32nd Vienna Deep Learning Meetup" in page.text
    assert "Thu, 30 January 2020, 18:30 – 22:00" in page.text
    assert "Takeda Austria Industriestraße 67 1220 Wien Map of Takeda Austria" in page.text
    assert deck.edition.venue.map_url in links(response)
    assert "Hosted by Takeda" in page.text
    assert (2, "Topics for Today") in page.headings
    assert "18:55 Self-Supervised Deep Learning Talk by Christoph Bonitz, Njinn Technologies" in page.text
    assert "20:10 Report from NeurIPS 2019 Conference report by René Donner, contextflow GmbH" in page.text
    assert "20:50 Hot Topics and Latest News Hot topics & latest news by Michael Pieler" in page.text
    assert "19:50 Break 20:10" in page.text  # a break needs no "Break" badge
    assert "/talks/report-from-neurips-2019/" in links(response)


def test_home_teases_the_edition_after_the_next_one(client, deck, on_deck_day):
    response = client.get("/")

    assert "Next meetup: 26 February at Magenta" in text(response)
    assert "/meetups/33/" in links(response)


def test_home_keeps_the_affiliation_speakers_had_at_the_time(client, deck, on_deck_day):
    deck.donner.affiliation = "Somewhere else entirely"
    deck.donner.save()

    page = text(client.get("/"))

    assert "René Donner, contextflow GmbH" in page
    assert "Somewhere else entirely" not in page


def test_home_without_an_upcoming_edition_shows_the_latest_and_to_be_announced(client, deck):
    with time_machine.travel(datetime.datetime(2020, 3, 15, 12, 0, tzinfo=VIENNA), tick=False):
        response = client.get("/")

    page = parse(response)
    assert page.headings[0] == (1, "33rd Vienna Deep Learning Meetup")
    assert "Latest meetup 33rd Vienna Deep Learning Meetup" in page.text
    assert "Next meetup: to be announced." in page.text


def test_home_never_shows_a_draft_as_the_next_meetup(client, deck, on_deck_day):
    EditionFactory(number=99, code="99", start_date=datetime.date(2020, 1, 31), published=False)

    page = parse(client.get("/"))

    assert page.headings[0] == (1, "32nd Vienna Deep Learning Meetup")
    assert "99th" not in page.text


def test_home_lists_recent_talks_open_raffles_and_jobs(client, deck):
    with time_machine.travel(datetime.datetime(2020, 2, 3, 12, 0, tzinfo=VIENNA), tick=False):
        response = client.get("/")

    page = text(response)
    assert "Recent talks" in page
    assert "Report from NeurIPS 2019" in page
    assert "ML Prague 2020 1 free ticket for ML Prague 2020, donated by ML Prague." in page
    assert "Answer until Sun, 9 February 2020, 23:59." in page
    assert "Lead Data Engineer at Automic, Vienna" in page


def test_home_hides_raffles_that_are_closed_or_drafts(client, deck):
    Raffle.objects.filter(pk=deck.raffle.pk).update(status=Raffle.Status.DRAFT)
    with time_machine.travel(datetime.datetime(2020, 2, 3, 12, 0, tzinfo=VIENNA), tick=False):
        assert "ML Prague 2020" not in text(client.get("/"))


def test_home_shows_the_group_in_numbers(client, deck, profile, on_deck_day):
    EditionFactory(kind=Edition.Kind.WORKSHOP, number=1, code="W1", start_date=datetime.date(2019, 11, 5))
    EditionFactory(number=98, code="98", published=False, start_date=datetime.date(2019, 12, 1))

    page = parse(client.get("/"))

    stats_text = page.text.split("The group in numbers", 1)[1]
    # Members from the site profile; 3 published editions (the draft is not counted),
    # 3 talks by 3 different speakers, 1 workshop.
    assert stats_text.startswith(" Members 1000+ Meetups & events 3 Talks 3 Speakers 3 Workshops 1")


def test_home_links_to_github_youtube_and_meetup(client, deck, profile, on_deck_day):
    hrefs = links(client.get("/"))

    assert profile.github_url in hrefs
    assert profile.youtube_url in hrefs
    assert profile.meetup_url in hrefs
    assert "mailto:vdlmeetup@gmail.com" in hrefs
    assert "/privacy/" in hrefs


def test_home_of_an_empty_site_says_the_next_meetup_is_to_be_announced(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "Next meetup: to be announced." in text(response)


def test_home_numbers_count_each_talk_and_speaker_once_and_leave_drafts_out(client, on_deck_day):
    ada, bob, cyd = PersonFactory(name="Ada"), PersonFactory(name="Bob"), PersonFactory(name="Cyd")
    meetup = EditionFactory(number=40, code="40", start_date=datetime.date(2020, 1, 10))
    TalkFactory(edition=meetup, speakers=[ada, bob])  # a talk with two speakers
    TalkFactory(edition=meetup, speakers=[ada])  # Ada's second talk
    EditionFactory(number=1, code="W1", kind=Edition.Kind.WORKSHOP, start_date=datetime.date(2020, 1, 20))
    draft = EditionFactory(number=41, code="41", start_date=datetime.date(2020, 2, 10), published=False)
    TalkFactory(edition=draft, speakers=[cyd, bob])  # Cyd speaks only at a draft
    EditionFactory(number=2, code="W2", kind=Edition.Kind.WORKSHOP, published=False)

    response = client.get("/")

    assert response.context["stats"] == {"editions": 2, "workshops": 1, "talks": 2, "speakers": 2}
    stats_text = parse(response).text.split("The group in numbers", 1)[1]
    assert stats_text.startswith(" Meetups & events 2 Talks 2 Speakers 2 Workshops 1")


def test_home_shows_the_speakers_of_the_latest_editions_talks_on_its_agenda_and_among_recent_talks(client, deck):
    Edition.objects.filter(pk=deck.next_edition.pk).update(published=False)
    with time_machine.travel(datetime.datetime(2020, 2, 3, 12, 0, tzinfo=VIENNA), tick=False):
        page = text(client.get("/"))

    assert "Latest meetup 32nd Vienna Deep Learning Meetup" in page
    assert "18:55 Self-Supervised Deep Learning Talk by Christoph Bonitz, Njinn Technologies" in page
    recent = page.split("Recent talks", 1)[1]
    assert "Self-Supervised Deep Learning by Christoph Bonitz, Njinn Technologies" in recent
    assert "Report from NeurIPS 2019 by René Donner, contextflow GmbH" in recent


def test_home_talk_cards_link_uploaded_slides_and_videos(client, on_deck_day):
    edition = EditionFactory(number=40, code="40", start_date=datetime.date(2020, 1, 10))
    uploaded = TalkFactory(edition=edition, slides_file="slides/talks/uploaded.pdf", video_url="https://youtu.be/x")
    linked = TalkFactory(edition=edition, slides_url="https://example.org/linked.pdf")

    hrefs = links(client.get("/"))

    assert "/media/slides/talks/uploaded.pdf" in hrefs
    assert f"/talks/{uploaded.slug}/#video" in hrefs
    assert "https://example.org/linked.pdf" in hrefs
    assert f"/talks/{linked.slug}/#video" not in hrefs


# --- Archive ---------------------------------------------------------------


@pytest.fixture
def archive(deck):
    older = EditionFactory(
        number=31,
        code="31",
        topic="Generative models",
        start_date=datetime.date(2019, 12, 10),
        venue=VenueFactory(name="TU Wien"),
        meetup_url="https://www.meetup.com/Vienna-Deep-Learning-Meetup/events/1/",
    )
    TalkFactory(edition=older, title="GANs in practice", speakers=[PersonFactory(name="Ada Example")])
    special = EditionFactory(
        number=None,
        code="AI",
        kind=Edition.Kind.SPECIAL,
        title="AI Summit Vienna 2017",
        topic="AI Summit Vienna 2017",
        start_date=datetime.date(2017, 9, 4),
        venue=VenueFactory(name="WU Wien"),
    )
    draft = EditionFactory(number=34, code="34", topic="Secret plans", published=False)
    return {"older": older, "special": special, "draft": draft}


def _archive_rows(response):
    """The edition codes of the table rows, in order."""
    page = parse(response)
    codes = []
    inside_row_header = False
    for tag, attrs in page.elements:
        inside_row_header = tag == "th" and attrs.get("scope") == "row" or (inside_row_header and tag == "a")
        if tag == "a" and inside_row_header:
            codes.append(attrs["href"].strip("/").split("/")[-1])
    return codes


def test_archive_lists_published_editions_newest_first_like_the_deck(client, archive, on_deck_day):
    response = client.get("/meetups/")

    assert response.status_code == 200
    assert _archive_rows(response) == ["33", "32", "31", "ai"]
    page = text(response)
    assert "# Date Place Topic Links Video Meetup.com" in page
    assert "32 30 Jan 2020 upcoming Takeda Austria Self-Supervised Learning / NeurIPS 2019" in page
    assert "31 10 Dec 2019 TU Wien Generative models GANs in practice – Ada Example" in page
    assert "Secret plans" not in page
    hrefs = links(response)
    assert "https://www.meetup.com/Vienna-Deep-Learning-Meetup/events/267684493/" in hrefs
    assert "https://www.youtube.com/ViennaDeepLearningMeetup" in hrefs


def test_archive_rows_mark_kinds_spans_cancellations_and_links(client, db):
    EditionFactory(
        number=5,
        code="w5",
        kind=Edition.Kind.WORKSHOP,
        title='Deep <script>alert("x")</script> learning',
        start_date=datetime.date(2019, 3, 29),
        end_date=datetime.date(2019, 3, 30),
        cancelled=True,
        intro_slides_url="https://example.org/w5.pdf",
        video_url="https://www.youtube.com/watch?v=abc",
    )
    response = client.get("/meetups/")
    page = text(response)

    assert 'Deep <script>alert("x")</script> learning' in page  # shown as text...
    assert b"<script>alert" not in response.content  # ...never as markup
    assert "w5 Workshop 29 Mar 2019–30 Mar cancelled" in page
    assert "details of Deep" in page and "slides of Deep" in page and "video of Deep" in page
    hrefs = links(response)
    assert {"/meetups/w5/", "https://example.org/w5.pdf", "https://www.youtube.com/watch?v=abc"} <= set(hrefs)


def test_archive_search_finds_editions_by_talk_title(client, archive, on_deck_day):
    response = client.get("/meetups/", {"q": "NeurIPS"})

    assert _archive_rows(response) == ["32"]
    page = text(response)
    assert "1 edition found." in page
    assert "Report from NeurIPS 2019 – René Donner" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bonitz", ["32"]),  # a speaker, any case
        ("Generative", ["31"]),  # a topic
        ("summit", ["ai"]),  # a title
        ("#31", ["31"]),  # a number as people write it
        ("TU Wien", ["31"]),  # a venue
        ("nothing like this", []),
    ],
)
def test_archive_search_covers_speakers_topics_titles_codes_and_places(client, archive, query, expected):
    assert _archive_rows(client.get("/meetups/", {"q": query})) == expected


def test_archive_filters_by_year_and_kind(client, archive):
    assert _archive_rows(client.get("/meetups/", {"year": "2019"})) == ["31"]
    assert _archive_rows(client.get("/meetups/", {"kind": "special"})) == ["ai"]
    assert _archive_rows(client.get("/meetups/", {"year": "2020", "kind": "meetup"})) == ["33", "32"]


def test_archive_year_choices_are_the_years_with_editions(client, archive):
    form = client.get("/meetups/").context["form"]

    assert [value for value, _label in form.fields["year"].choices] == ["", 2020, 2019, 2017]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, "There is nothing from “abc”, so all years are shown."),
        ({"year": "1999"}, "There is nothing from “1999”, so all years are shown."),
        ({"kind": "bogus"}, "“bogus” is not a kind we know, so all kinds are shown."),
    ],
)
def test_archive_explains_and_ignores_bad_filters(client, archive, params, message):
    response = client.get("/meetups/", params)

    assert response.status_code == 200
    assert message in text(response)
    assert _archive_rows(response) == ["33", "32", "31", "ai"]


@pytest.mark.parametrize("page", ["999", "abc", "-1", "0", ""])
def test_archive_survives_any_page_number(client, archive, page):
    response = client.get("/meetups/", {"page": page})

    assert response.status_code == 200
    assert _archive_rows(response) == ["33", "32", "31", "ai"]


def test_archive_paginates_and_keeps_the_search(client):
    for number in range(30):
        EditionFactory(number=200 + number, start_date=datetime.date(2015, 1, 1) + datetime.timedelta(weeks=number))

    first = client.get("/meetups/", {"q": "Topic"})
    second = client.get("/meetups/", {"q": "Topic", "page": "2"})

    assert len(_archive_rows(first)) == 25
    assert len(_archive_rows(second)) == 5
    assert _archive_rows(first)[0] == "229"
    assert "?q=Topic&page=2" in links(first)
    assert "Page 2 of 2" in text(second)
    assert canonical(second) == "http://testserver/meetups/"
    assert canonical(client.get("/meetups/", {"page": "2"})) == "http://testserver/meetups/?page=2"


def test_unfiltered_archive_pages_hold_every_published_edition_once_newest_first(client):
    # Pages of the unfiltered archive and of a filter that matches every edition hold the same
    # rows: editions of one day by id, drafts never.
    for number in range(53):
        EditionFactory(number=300 + number, start_date=datetime.date(2015, 1, 1) + datetime.timedelta(weeks=number))
    same_day = datetime.date(2015, 1, 1) + datetime.timedelta(weeks=20)
    EditionFactory(number=400, start_date=same_day)
    EditionFactory(number=401, start_date=same_day, published=False)

    pages = [client.get("/meetups/", {"page": str(number)}) for number in (1, 2, 3)]
    rows = [row for page in pages for row in _archive_rows(page)]

    assert [len(_archive_rows(page)) for page in pages] == [25, 25, 4]
    assert "Page 3 of 3" in text(pages[2])
    assert rows == [str(number) for number in range(352, 320, -1)] + ["400", "320"] + [
        str(number) for number in range(319, 299, -1)
    ]
    assert rows == _archive_rows(client.get("/meetups/", {"kind": "meetup"})) + _archive_rows(
        client.get("/meetups/", {"kind": "meetup", "page": "2"})
    ) + _archive_rows(client.get("/meetups/", {"kind": "meetup", "page": "3"}))


def test_an_empty_archive_is_one_empty_page(client, db):
    EditionFactory(number=1, published=False)
    response = client.get("/meetups/")
    assert response.status_code == 200
    assert _archive_rows(response) == []


def test_archive_rows_show_every_change_at_once_though_they_are_kept_rendered(client, archive, on_deck_day):
    assert "GANs in practice – Ada Example" in text(client.get("/meetups/"))
    talk = Edition.objects.get(code="31").talks.get()
    talk.title = "Diffusion in practice"
    talk.save()
    speaker = talk.talk_speakers.get().person
    speaker.name = "Ada Lovelace"
    speaker.save()
    SiteProfile.objects.update(group_name="Vienna ML Meetup")  # as a row written behind the ORM's back...
    SiteProfile.load().save()  # ...then saved in the admin

    page = text(client.get("/meetups/"))
    assert "Diffusion in practice – Ada Lovelace" in page
    assert "GANs in practice" not in page
    assert "details of 31st Vienna ML Meetup" in page


def test_archive_rows_lose_the_upcoming_badge_after_the_day(client, archive):
    with time_machine.travel(DECK_MORNING, tick=False):
        assert "30 Jan 2020 upcoming" in text(client.get("/meetups/"))
    with time_machine.travel(DECK_MORNING + datetime.timedelta(days=1), tick=False):
        page = text(client.get("/meetups/"))
    assert "30 Jan 2020 Takeda Austria" in page  # #33 is still to come


def test_archive_form_fields_are_labelled(client, archive):
    page = parse(client.get("/meetups/"))
    labels = {attrs.get("for") for tag, attrs in page.elements if tag == "label"}
    inputs = {attrs["id"] for tag, attrs in page.elements if tag in ("input", "select") and "id" in attrs}

    assert {"id_q", "id_year", "id_kind"} <= inputs
    assert inputs <= labels


# --- One edition -----------------------------------------------------------


def test_edition_page_shows_everything_the_deck_shows(client, deck, on_deck_day):
    response = client.get("/meetups/32/")

    assert response.status_code == 200
    page = parse(response)
    assert page.headings[0] == (1, "32nd Vienna Deep Learning Meetup")
    body = page.text
    assert "The organizers Alex Schindler AIT & TU Wien Jan Schlüter OFAI & contextflow René Donner contextflow" in body
    assert "Our host: Takeda Takeda Austria: Site Presentation" in body
    assert "more than 4,000 employees" in body
    assert "18:30 Welcome & Introduction 18:40 Takeda Austria: Site Presentation Host presentation" in body
    assert "Self-Supervised Deep Learning by Christoph Bonitz, Njinn Technologies This talk introduces" in body
    assert "Report from NeurIPS 2019 by René Donner, contextflow GmbH" in body
    assert (2, "Hot Topics and Latest News") in page.headings
    assert "Sources Are Deep Neural Networks Dramatically Overfitted? Deep Double Descent" in body
    assert "VDLM on GitHub All talks, slides, photos, videos and the wiki." in body
    assert "Jobs announced that evening Lead Data Engineer at Automic" in body
    assert "Next: 33rd Vienna Deep Learning Meetup →" in body
    hrefs = links(response)
    assert deck.self_supervised.slides_url in hrefs
    assert "https://openai.com/blog/deep-double-descent/" in hrefs
    assert "/jobs/lead-data-engineer/" in hrefs


def test_edition_page_links_to_the_open_raffle(client, deck):
    with time_machine.travel(datetime.datetime(2020, 1, 30, 20, 0, tzinfo=VIENNA), tick=False):
        response = client.get("/meetups/32/")

    assert "Enter the raffle until Sun, 9 February 2020, 23:59" in text(response)
    assert "/raffles/ml-prague-2020/" in links(response)


def test_edition_page_shows_the_result_of_a_drawn_raffle(client, deck, on_deck_day):
    Raffle.objects.filter(pk=deck.raffle.pk).update(status=Raffle.Status.DRAWN)

    page = text(client.get("/meetups/32/"))

    assert "Closed: the winner has been drawn. See the result" in page
    assert "Enter the raffle" not in page


def test_edition_page_marks_expired_job_ads_closed(client, deck, on_deck_day):
    expired = JobAdFactory(
        title="Old position",
        published_on=datetime.date(2019, 1, 1),
        expires_on=datetime.date(2019, 2, 1),
    )
    expired.editions.add(deck.edition)

    response = client.get("/meetups/32/")

    assert "Old position closed at" in text(response)
    assert expired.get_absolute_url() not in links(response)


def test_edition_page_links_previous_and_next(client, deck, archive, on_deck_day):
    page = text(client.get("/meetups/32/"))

    assert "← Previous: 31st Vienna Deep Learning Meetup" in page
    assert "Next: 33rd Vienna Deep Learning Meetup →" in page
    assert "Secret plans" not in page
    assert "Next: AI Summit" not in page


def test_edition_codes_match_case_insensitively(client, archive):
    upper = client.get("/meetups/AI/")
    lower = client.get("/meetups/ai/")

    assert upper.status_code == lower.status_code == 200
    assert parse(upper).headings[0] == (1, "AI Summit Vienna 2017")
    assert canonical(upper) == canonical(lower) == "http://testserver/meetups/ai/"


def test_unknown_edition_is_404(client, deck):
    response = client.get("/meetups/999/")

    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_draft_edition_is_404_for_visitors_and_a_marked_preview_for_organizers(organizer_client, archive):
    assert Client().get("/meetups/34/").status_code == 404

    response = organizer_client.get("/meetups/34/")

    assert response.status_code == 200
    assert "Draft. Only organizers can see this page" in text(response)
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_non_staff_users_do_not_see_drafts(client, archive):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    assert client.get("/meetups/34/").status_code == 404


def test_edition_description_markdown_is_sanitized(client, on_deck_day):
    EditionFactory(
        code="77",
        number=77,
        description='**Welcome!** <script>alert("x")</script> [click](javascript:alert(1)) <b onclick="steal()">hi</b>',
    )

    html = client.get("/meetups/77/").content.decode()

    assert "<strong>Welcome!</strong>" in html
    assert "alert(" not in html
    assert "javascript:" not in html
    assert "onclick" not in html


def test_edition_page_with_an_agenda_but_no_talks_yet(client):
    edition = EditionFactory(code="50", number=50)
    AgendaItemFactory(edition=edition, title="To be announced", kind="talk", start_time=datetime.time(19, 0))

    response = client.get(reverse("meetups:edition_detail", kwargs={"code": "50"}))

    assert response.status_code == 200
    assert "19:00 To be announced Talk" in text(response)


def _talk_blocks(response):
    """The ids of the talks in the page's "Talks" section, in order."""
    elements = parse(response).elements
    return [attrs["id"] for tag, attrs in elements if tag == "article" and "talk-detail-block" in attrs["class"]]


def test_edition_page_lists_talks_in_agenda_order_then_the_others_by_title(client, deck, on_deck_day):
    zoe = PersonFactory(name="Zoe")
    TalkFactory(edition=deck.edition, title="Zeta, not on the agenda yet", slug="zeta", speakers=[zoe])
    TalkFactory(edition=deck.edition, title="Alpha, not on the agenda yet", slug="alpha")

    response = client.get("/meetups/32/")

    assert _talk_blocks(response) == [
        "talk-self-supervised-deep-learning",
        "talk-report-from-neurips-2019",
        "talk-alpha",
        "talk-zeta",
    ]
    assert "Zeta, not on the agenda yet by Zoe, TU Wien" in text(response)
    (description,) = [attrs["content"] for tag, attrs in parse(response).elements if attrs.get("name") == "description"]
    assert description.endswith(
        "“Self-Supervised Deep Learning” by Christoph Bonitz. “Report from NeurIPS 2019” by René Donner."
        " “Alpha, not on the agenda yet”. “Zeta, not on the agenda yet” by Zoe."
    )


def test_edition_page_lists_a_talk_on_the_agenda_twice_once(client, deck, on_deck_day):
    AgendaItemFactory(
        edition=deck.edition,
        position=95,
        kind="talk",
        title="Self-Supervised Deep Learning, the questions",
        own_title=True,
        talk=deck.self_supervised,
        start_time=datetime.time(21, 40),
    )

    response = client.get("/meetups/32/")

    assert _talk_blocks(response).count("talk-self-supervised-deep-learning") == 1
    body = text(response)
    assert "18:55 Self-Supervised Deep Learning Talk by Christoph Bonitz, Njinn Technologies" in body
    assert "21:40 Self-Supervised Deep Learning, the questions Talk by Christoph Bonitz, Njinn Technologies" in body


def _pager(response):
    """{rel: href} of the previous/next links."""
    anchors = [attrs for tag, attrs in parse(response).elements if tag == "a"]
    return {attrs["rel"]: attrs["href"] for attrs in anchors if attrs.get("rel") in ("prev", "next")}


def test_edition_pager_skips_drafts_and_orders_editions_of_one_day_by_id(client, on_deck_day):
    day = datetime.date(2019, 6, 6)
    EditionFactory(code="60", number=60, start_date=day - datetime.timedelta(days=28))
    EditionFactory(code="61", number=61, start_date=day - datetime.timedelta(days=1), published=False)
    EditionFactory(code="62", number=62, start_date=day)
    EditionFactory(code="63", number=63, start_date=day, published=False)
    EditionFactory(code="64", number=64, start_date=day, start_time=None)
    EditionFactory(code="65", number=65, start_date=day)
    EditionFactory(code="66", number=66, start_date=day + datetime.timedelta(days=1), published=False)
    EditionFactory(code="67", number=67, start_date=day + datetime.timedelta(days=28))

    assert _pager(client.get("/meetups/60/")) == {"next": "/meetups/62/"}
    assert _pager(client.get("/meetups/62/")) == {"prev": "/meetups/60/", "next": "/meetups/64/"}
    assert _pager(client.get("/meetups/64/")) == {"prev": "/meetups/62/", "next": "/meetups/65/"}
    assert _pager(client.get("/meetups/65/")) == {"prev": "/meetups/64/", "next": "/meetups/67/"}
    assert _pager(client.get("/meetups/67/")) == {"prev": "/meetups/65/"}
    assert "Next: 65th Vienna Deep Learning Meetup →" in text(client.get("/meetups/64/"))


def test_edition_pager_of_a_draft_leads_to_published_editions(organizer_client, archive, on_deck_day):
    page = text(organizer_client.get("/meetups/34/"))

    assert "← Previous: 32nd Vienna Deep Learning Meetup" in page
    assert "Next: 33rd Vienna Deep Learning Meetup →" in page


def test_edition_page_links_uploaded_slides(client, deck, on_deck_day):
    from django.core.files.uploadedfile import SimpleUploadedFile

    deck.neurips.slides_url = ""
    deck.neurips.slides_file = SimpleUploadedFile("neurips.pdf", b"%PDF-1.4\n%%EOF\n")
    deck.neurips.save()
    deck.hot_topics.slides_file = SimpleUploadedFile("hot.pdf", b"%PDF-1.4\n%%EOF\n")
    deck.hot_topics.save()

    response = client.get("/meetups/32/")

    hrefs = links(response)
    assert deck.neurips.slides_file.url in hrefs
    assert deck.hot_topics.slides_file.url in hrefs
    assert "Slides of “Report from NeurIPS 2019”" in text(response)


def test_edition_page_shows_public_raffles_and_published_job_ads_only(client, deck, on_deck_day):
    from tests.factories import RaffleFactory

    RaffleFactory(edition=deck.edition, title="Secret draft raffle", status=Raffle.Status.DRAFT)
    RaffleFactory(edition=deck.edition, title="Cancelled raffle", status=Raffle.Status.CANCELLED, prize_donor=None)
    unpublished = JobAdFactory(title="Unpublished position", published=False)
    unpublished.editions.add(deck.edition)

    page = text(client.get("/meetups/32/"))

    assert "Secret draft raffle" not in page
    assert "Unpublished position" not in page
    assert "Cancelled raffle 1 free ticket. This raffle was cancelled." in page
    assert "ML Prague 2020 1 free ticket for ML Prague 2020, donated by ML Prague." in page


def test_edition_page_costs_ten_queries_however_many_talks(client, deck, on_deck_day, django_assert_num_queries):
    client.get("/meetups/32/")  # the site profile is cached from now on, as on a running site
    cache.clear()  # and no fragment of the page is kept yet
    with django_assert_num_queries(10):
        client.get("/meetups/32/")
    with django_assert_num_queries(8):  # the organizers and the announcements are kept rendered
        client.get("/meetups/32/")

    for _ in range(5):
        TalkFactory(edition=deck.edition, speakers=[PersonFactory(), PersonFactory()])
    client.get("/meetups/32/")  # new content: the site profile is read again, once
    cache.clear()
    with django_assert_num_queries(10):
        response = client.get("/meetups/32/")
    assert len(_talk_blocks(response)) == 7
    with django_assert_num_queries(8):
        assert client.get("/meetups/32/").content == response.content


def test_edition_page_fragments_show_every_change_at_once(client, deck, on_deck_day):
    client.get("/meetups/32/")
    talk = deck.edition.talks.order_by("pk").first()
    talk.title = "A title changed in the admin"
    talk.save()
    organizer = PersonFactory(name="Nora Organizer")
    deck.edition.organizers.add(organizer)
    announcement = deck.edition.announcements.order_by("position").first()
    announcement.title = "News changed in the admin"
    announcement.save()

    page = text(client.get("/meetups/32/"))
    assert page.count("A title changed in the admin") >= 2  # on the agenda and in the talks
    assert "Nora Organizer" in page
    assert "News changed in the admin" in page


def test_privacy_notice(client, profile):
    response = client.get("/privacy/")

    assert response.status_code == 200
    assert "Reading this site sets no cookies" in text(response)
    assert "mailto:vdlmeetup@gmail.com" in links(response)


# --- Every page --------------------------------------------------------------


def _current_menu_entry(response):
    """[(href, aria-current)] of the menu links marked as the current page or one of its pages."""
    menu = [attrs for tag, attrs in parse(response).elements if tag == "a" and "nav-link" in attrs.get("class", "")]
    return [(attrs["href"], attrs["aria-current"]) for attrs in menu if "aria-current" in attrs]


def test_the_menu_marks_the_page_of_each_view_though_it_is_kept_rendered(client, archive, on_deck_day):
    assert _current_menu_entry(client.get("/meetups/")) == [("/meetups/", "page")]
    assert _current_menu_entry(client.get("/meetups/32/")) == [("/meetups/", "true")]
    assert _current_menu_entry(client.get("/meetups/31/")) == [("/meetups/", "true")]
    assert _current_menu_entry(client.get("/")) == [("/", "page")]
    assert _current_menu_entry(client.get("/privacy/")) == []


def test_a_new_group_name_shows_in_the_menu_and_the_footer_at_once(client, profile):
    client.get("/privacy/")
    profile.group_name = "Vienna ML Meetup"
    profile.hashtag = "#VML"
    profile.save()

    page = parse(client.get("/privacy/"))
    assert "Vienna ML Meetup #VML" in page.text  # the footer
    assert page.text.count("Vienna ML Meetup") >= 3  # and the menu's brand
    assert "Vienna Deep Learning Meetup" not in page.text
