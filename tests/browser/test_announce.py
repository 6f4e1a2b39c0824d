"""An organizer announces the published edition to the members, in Chromium: draft, preview, test, send."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Mailing, Subscriber
from tests.factories import AgendaItemFactory, EditionFactory, SuperUserFactory, TalkFactory, TalkSpeakerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_announce_an_edition_from_its_page(open_page, live_server, settings):
    settings.MAILING_RATE = 0
    organizer = SuperUserFactory(username="announcer", email="announcer@example.org")
    edition = EditionFactory(number=35, code="35", title="", topic="Agents that plan")
    talk = TalkFactory(edition=edition, title="Planning with language models")
    TalkSpeakerFactory(talk=talk, affiliation="Magenta")
    AgendaItemFactory(edition=edition, position=10, kind="talk", title=talk.title, talk=talk)
    for n in range(3):
        Subscriber.objects.create(
            email=f"m{n}@example.org", status="subscribed", consent_text="Yes.", consented_at=timezone.now()
        )
    page = open_page()
    csp_errors = []
    page.on("console", lambda message: "Content Security Policy" in message.text and csp_errors.append(message.text))

    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(organizer.username)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/meetups/edition/{edition.pk}/change/")
    page.get_by_role("link", name="Announce to members…").click()

    expect(page.get_by_label("Subject")).to_have_value(re.compile(r"^35th Vienna Deep Learning Meetup, "))
    page.get_by_label("Text").fill("Doors open at **18:00**.")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Draft saved.")).to_be_visible()
    preview = page.frame_locator("iframe.mailing-preview-html")
    expect(preview.get_by_role("heading", name="35th Vienna Deep Learning Meetup")).to_be_visible()
    expect(preview.get_by_text("Planning with language models").first).to_be_visible()
    expect(preview.locator("strong", has_text="18:00")).to_be_visible()
    # The mail's inline styles apply in the preview (its own policy allows them): the button is blue.
    button = preview.get_by_role("link", name="See the meetup's page")
    expect(button).to_have_css("background-color", "rgb(11, 92, 173)")
    expect(page.locator("pre.mailing-preview-text")).to_contain_text("Doors open at **18:00**.")
    expect(page.locator(".mailing-recipient-count")).to_have_text("3")

    page.get_by_role("button", name="Send a test").click()
    expect(page.get_by_text("A test is on its way to announcer@example.org.")).to_be_visible()
    assert [message.to for message in mail.outbox] == [["announcer@example.org"]]

    page.get_by_role("button", name="Send to 3 member(s)").click()
    expect(page.get_by_text("Sending to 3 member(s).")).to_be_visible()
    expect(page.get_by_text("Delivered: 3, queued: 0, being sent: 0, failed: 0.")).to_be_visible()
    assert sorted(message.to[0] for message in mail.outbox[1:]) == [
        "m0@example.org",
        "m1@example.org",
        "m2@example.org",
    ]
    assert Mailing.objects.get().status == "sent"
    assert csp_errors == []
