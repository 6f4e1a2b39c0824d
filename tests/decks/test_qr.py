"""The QR codes on the deck scan to the right addresses: decoded here as a phone would."""

import pytest
import segno

from decks.qr import qr_svg
from tests.decks.helpers import decode_svg, read_deck, svg_matrix

pytestmark = pytest.mark.django_db


def test_every_qr_code_on_the_32_deck_decodes_to_its_address(client, meetup_32):
    slides = read_deck(client.get("/meetups/32/deck/")).slides
    decoded = {slide.kind: [decode_svg(svg) for svg in slide.svgs] for slide in slides if slide.svgs}
    assert decoded == {
        "archive": [["https://github.com/vdlm/meetups"]],
        "youtube": [["https://www.youtube.com/ViennaDeepLearningMeetup"]],
        # The raffle's entry form, as an absolute address a phone can open.
        "raffle": [["http://testserver/raffles/ml-prague-2020/"]],
        "job": [["https://cd.automic.com/lead-data-engineer/"]],
        "next_meetup": [["https://www.meetup.com/Vienna-Deep-Learning-Meetup/"]],
    }


def test_the_raffle_code_follows_the_address_the_deck_is_served_from(client, meetup_32, settings):
    settings.ALLOWED_HOSTS = ["vdlm.example.org"]
    response = client.get("/meetups/32/deck/", headers={"host": "vdlm.example.org"}, secure=True)
    raffle = next(slide for slide in read_deck(response).slides if slide.kind == "raffle")
    assert [decode_svg(svg) for svg in raffle.svgs] == [["https://vdlm.example.org/raffles/ml-prague-2020/"]]


def test_the_drawn_modules_are_exactly_the_encoders(client, meetup_32):
    url = "https://cd.automic.com/lead-data-engineer/"
    expected = segno.make(url, error="m", micro=False)
    border = 4
    size = len(expected.matrix) + 2 * border
    framed = [[0] * size for _ in range(size)]
    for row, cells in enumerate(expected.matrix):
        for column, dark in enumerate(cells):
            framed[row + border][column + border] = 1 if dark else 0
    assert svg_matrix(str(qr_svg(url, "Apply"))) == framed


def test_the_code_has_an_accessible_name_and_cannot_smuggle_markup():
    svg = str(qr_svg("https://example.org/?a=1&b=2", 'QR code: <script>alert("x")</script>'))
    assert svg.startswith('<svg role="img" viewBox=')
    assert "<title>QR code: &lt;script&gt;" in svg
    assert "<script>" not in svg
    assert "style=" not in svg, "no inline styles: the CSP will forbid them"
    assert decode_svg(svg) == ["https://example.org/?a=1&b=2"]
