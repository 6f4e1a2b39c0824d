"""RSVP, cancel, take an offered seat, and check in at the door (by name and by QR code), in Chromium."""

import base64
import io
import re

import pytest
import segno
from django.core import mail
from playwright.sync_api import expect

from rsvps import door, services
from rsvps.models import Rsvp, RsvpSettings
from tests.factories import EditionFactory, SuperUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def personal_link(message):
    return re.search(r"http://\S+/rsvp/\S+/", message.body).group(0)


def test_rsvp_cancel_and_take_an_offered_seat(open_page, live_server, settings):
    settings.SPAM_MIN_FILL_SECONDS = 0
    edition = EditionFactory(number=44, code="44")
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=1, question_1="Dietary needs?")
    page = open_page()

    page.goto(f"{live_server.url}/meetups/44/")
    expect(page.locator(".rsvp-seats")).to_have_text("1 of 1 seats left.")  # from seats.json
    page.get_by_role("link", name="RSVP", exact=True).click()
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Dietary needs?").fill("Vegetarian")
    page.get_by_role("checkbox", name=re.compile("The organizers keep my name")).check()
    page.get_by_role("button", name="RSVP").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    # A second person joins the waiting list; the first cancels from her link; the second takes the seat.
    services.rsvp(edition, name="Bob", email="bob@example.org", base_url=live_server.url + "/")
    page.goto(personal_link(mail.outbox[0]))
    expect(page.locator(".rsvp-status")).to_contain_text("You're coming")
    expect(page.get_by_role("img", name="Your code for the door")).to_be_visible()
    page.get_by_role("button", name="Cancel my RSVP").click()
    expect(page.locator(".rsvp-status")).to_contain_text("Cancelled.")

    offer = next(message for message in mail.outbox if "A seat for you" in message.subject)
    page.goto(personal_link(offer))
    expect(page.locator(".rsvp-status")).to_contain_text("A seat is free for you")
    page.get_by_role("button", name="Yes, I take the seat").click()
    expect(page.locator(".rsvp-status")).to_contain_text("You're coming")
    assert Rsvp.objects.get(email="bob@example.org").status == "going"


def test_check_in_at_the_door_by_name_and_by_qr_code(open_page, live_server):
    edition = EditionFactory(number=45, code="45")
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=10, guests_allowed=True)
    base = live_server.url + "/"
    ada = services.rsvp(edition, name="Ada Lovelace", email="ada@example.org", base_url=base)
    grace = services.rsvp(edition, name="Grace Hopper", email="grace@example.org", base_url=base, guest=True,
                          guest_name="Guest Hopper")  # fmt: skip
    SuperUserFactory(username="doorman")
    page = open_page()
    page.goto(live_server.url + "/admin/login/?next=/meetups/45/door/")
    page.get_by_label("Username").fill("doorman")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()

    page.get_by_label("Search by name").fill("grace")
    expect(page.get_by_text("Ada Lovelace")).to_be_hidden()
    page.locator("[data-door-person]", has_text="Grace").get_by_role("button", name="Check in", exact=True).click()
    expect(page.locator("[data-door-status]")).to_have_text("Grace Hopper: checked in.")
    expect(page.locator("[data-door-figures]")).to_have_text("1 of 3 checked in · 0 waiting")
    page.get_by_role("button", name="Check in +1 Guest Hopper").click()
    expect(page.get_by_role("button", name="+1 Guest Hopper: in · undo")).to_be_visible()
    page.get_by_role("button", name="In · undo", exact=True).click()
    expect(page.locator("[data-door-status]")).to_have_text("Grace Hopper: check-in undone.")

    # The QR code from Ada's RSVP page, read by the page's own decoder (jsQR, served by the site).
    buffer = io.BytesIO()
    segno.make(door.door_code(ada), error="m").save(buffer, kind="png", scale=8, border=4)
    data_url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    decoded = page.evaluate(
        """url => new Promise(resolve => { const image = new Image(); image.onload = () => {
             const canvas = document.createElement("canvas"); canvas.width = image.width; canvas.height = image.height;
             const context = canvas.getContext("2d"); context.drawImage(image, 0, 0);
             const pixels = context.getImageData(0, 0, image.width, image.height).data;
             const found = window.jsQR(pixels, image.width, image.height);
             resolve(found && found.data); }; image.src = url; })""",
        data_url,
    )
    assert decoded == door.door_code(ada)
    page.get_by_label("Code from the attendee's QR code").fill(decoded)
    page.get_by_role("button", name="Check in the code").click()
    expect(page.locator("[data-door-status]")).to_have_text("Ada Lovelace: checked in.")
    ada.refresh_from_db()
    grace.refresh_from_db()
    assert ada.checked_in_at and grace.guest_checked_in_at and not grace.checked_in_at

    # A tap that does not reach the server says so, and changes nothing on the screen.
    page.context.set_offline(True)
    page.get_by_label("Search by name").fill("")
    page.locator("[data-door-person]", has_text="Grace").get_by_role("button", name="Check in", exact=True).click()
    expect(page.locator("[data-door-status]")).to_contain_text("Not saved")
    page.context.set_offline(False)
