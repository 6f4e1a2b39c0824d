"""Self check-in from the projected deck, in Chromium, and an axe-core pass over every RSVP page.

The deck's title slide shows a QR code that changes every minute. An attendee scans it: the phone
that opened its RSVP link checks in with one tap, another phone confirms from a mail.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from decks.models import DeckSettings
from rsvps import door, self_check_in, services
from rsvps.models import CheckIn, Rsvp, RsvpSettings
from tests.browser.accessibility import assert_no_axe_violations, axe_violations
from tests.factories import EditionFactory, SuperUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# jsQR, served by the site, reads the QR code of an <img> on the page, as a phone's camera would.
READ_QR_OF_IMAGE = """selector => new Promise((resolve, reject) => {
  const image = new Image();
  image.onload = () => {
    const canvas = document.createElement("canvas");
    canvas.width = 400; canvas.height = 400;
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff"; context.fillRect(0, 0, 400, 400); context.drawImage(image, 0, 0, 400, 400);
    const found = window.jsQR(context.getImageData(0, 0, 400, 400).data, 400, 400);
    resolve(found && found.data);
  };
  image.onerror = reject;
  image.src = document.querySelector(selector).src;
})"""


def link_in(message, pattern):
    return re.search(pattern, message.body).group(0)


def log_in(page, live_server, next_url):
    SuperUserFactory(username="organizer")
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.get_by_label("Username").fill("organizer")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()


def test_self_check_in_from_the_code_on_the_deck(open_page, live_server):
    edition = EditionFactory(number=46, code="46", published=True)
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=10)
    base = live_server.url + "/"
    ada = services.rsvp(edition, name="Ada Lovelace", email="ada@example.org", base_url=base)
    grace = services.rsvp(edition, name="Grace Hopper", email="grace@example.org", base_url=base)
    ada_link = link_in(mail.outbox[0], r"http://\S+/rsvp/\S+/")

    # The projector shows the deck; the code on its title slide is read from the image itself.
    projector = open_page()
    projector.goto(f"{live_server.url}/meetups/46/deck/")
    code_image = projector.get_by_role("img", name="QR code: check yourself in")
    expect(code_image).to_be_visible()
    projector.add_script_tag(url=f"{live_server.url}/static/vendor/jsqr/jsQR.js")
    here_url = projector.evaluate(READ_QR_OF_IMAGE, "[data-self-check-in] img")
    assert re.fullmatch(rf"{live_server.url}/meetups/46/here/[0-9a-f]{{12}}/", here_url)

    # Ada's phone opened her RSVP link before: one tap checks her in; a second scan changes nothing.
    ada_phone = open_page()
    ada_phone.goto(ada_link)
    expect(ada_phone.locator(".rsvp-status")).to_contain_text("You're coming")
    ada_phone.goto(here_url)
    ada_phone.get_by_role("button", name="Check in as Ada Lovelace").click()
    expect(ada_phone.get_by_role("status")).to_have_text(re.compile("Welcome, Ada Lovelace: you're checked in."))
    ada_phone.goto(here_url)
    ada_phone.get_by_role("button", name="Check in as Ada Lovelace").click()
    expect(ada_phone.get_by_role("status")).to_have_text(re.compile("You're checked in already"))

    # Grace's phone has never seen her RSVP: she gives her address and confirms from the mail.
    grace_phone = open_page()
    grace_phone.goto(here_url)
    grace_phone.get_by_label("Email address").fill("GRACE@example.org")
    grace_phone.get_by_role("button", name="Send me the link").click()
    expect(grace_phone.get_by_role("status")).to_contain_text("a mail with a check-in link is on its way")
    confirm_mail = next(message for message in mail.outbox if message.to == ["grace@example.org"] and
                        "/here/" in message.body)  # fmt: skip
    grace_phone.goto(link_in(confirm_mail, r"http://\S+/here/\S+/"))
    grace_phone.get_by_role("button", name="Check me in").click()
    expect(grace_phone.get_by_role("status")).to_have_text(re.compile("Welcome, Grace Hopper"))

    ada.refresh_from_db()
    grace.refresh_from_db()
    assert ada.checked_in_at and grace.checked_in_at
    results = list(CheckIn.objects.filter(method=CheckIn.Method.SELF).order_by("pk").values_list("result", flat=True))
    assert results == ["checked_in", "already", "checked_in"]
    assert door.door_figures(edition.pk)["checked_in"] == 2

    # Someone at home with a photo of the code from two minutes ago gets nowhere.
    stale = re.sub(r"/here/[0-9a-f]{12}/", "/here/000000000000/", here_url)
    response = ada_phone.goto(stale)
    assert response.status == 400
    expect(ada_phone.get_by_text("This code has changed since")).to_be_visible()


def test_every_rsvp_page_passes_axe(open_page, live_server, settings):
    """axe-core (tests/browser/vendor) finds no violation on the pages an attendee, a doorman and a host see."""
    settings.SPAM_MIN_FILL_SECONDS = 0
    edition = EditionFactory(number=47, code="47", published=True)
    rsvp_settings = RsvpSettings.objects.create(
        edition=edition, enabled=True, capacity=1, guests_allowed=True, id_name_required=True,
        question_1="Dietary needs?",
    )  # fmt: skip
    page = open_page()
    # Bootstrap then switches off its colour transitions: axe reads the colours a button ends with.
    page.emulate_media(reduced_motion="reduce")

    page.goto(f"{live_server.url}/meetups/47/")
    expect(page.locator(".rsvp-seats")).to_have_text("1 of 1 seats left.")
    assert_no_axe_violations(page, "edition page with RSVP")

    page.goto(f"{live_server.url}/meetups/47/rsvp/")
    assert_no_axe_violations(page, "RSVP form")
    # Nothing filled in, and the browser's own checks off: the server's messages are shown.
    page.evaluate("() => document.querySelectorAll('form').forEach(form => { form.noValidate = true; })")
    page.get_by_role("button", name="RSVP").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert_no_axe_violations(page, "RSVP form with errors")
    page.locator("#id_name").fill("Ada Lovelace")
    page.get_by_label("Your name as on your ID").fill("Augusta Ada King")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_role("checkbox", name=re.compile("The organizers keep my name")).check()
    page.get_by_role("button", name="RSVP").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert_no_axe_violations(page, "check your inbox")

    page.goto(link_in(mail.outbox[0], r"http://\S+/rsvp/\S+/"))
    expect(page.locator(".rsvp-status")).to_contain_text("You're coming")
    assert_no_axe_violations(page, "personal page, going")

    services.rsvp(edition, name="Bob", email="bob@example.org", base_url=live_server.url + "/")
    bob = Rsvp.objects.get(email="bob@example.org")
    page.goto(live_server.url + bob.get_absolute_url())
    assert_no_axe_violations(page, "personal page, waiting")

    token = door.new_guest_list_link(rsvp_settings)
    page.goto(f"{live_server.url}/guests/{token}/")
    expect(page.get_by_text("Augusta Ada King")).to_be_visible()
    assert_no_axe_violations(page, "host's guest list")

    log_in(page, live_server, "/meetups/47/door/")
    expect(page.get_by_label("Search by name")).to_be_visible()
    assert_no_axe_violations(page, "check-in page")
    page.locator("[data-door-person]", has_text="Ada").get_by_role("button", name="Check in", exact=True).click()
    expect(page.locator("[data-door-status]")).to_have_text("Ada Lovelace: checked in.")
    assert_no_axe_violations(page, "check-in page after a tap")

    here_url = f"{live_server.url}/meetups/47/here/{self_check_in.minute_code(edition.pk)}/"
    page.goto(here_url)  # this browser opened Bob's RSVP link last
    assert_no_axe_violations(page, "self check-in, the phone with the RSVP")
    page.get_by_role("button", name="Check in as Bob").click()
    expect(page.get_by_role("status")).to_contain_text("You're on the waiting list")
    assert_no_axe_violations(page, "self check-in, result")

    other_phone = open_page()
    other_phone.emulate_media(reduced_motion="reduce")
    other_phone.goto(here_url)
    assert_no_axe_violations(other_phone, "self check-in, another phone")
    other_phone.get_by_label("Email address").fill("nobody@example.org")
    other_phone.get_by_role("button", name="Send me the link").click()
    expect(other_phone.get_by_role("status")).to_contain_text("on its way")
    assert_no_axe_violations(other_phone, "self check-in, mail sent")


def test_the_axe_check_itself_finds_faults(open_page):
    """The pass above means something: the same check fails on a field without a label and a missing alt."""
    page = open_page()
    page.set_content('<html lang="en"><title>t</title><main><input type="text"><img src="x.png"></main></html>')
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"label", "image-alt"} <= found


def test_tonight_in_numbers_on_the_deck_follows_the_check_ins(open_page, live_server):
    edition = EditionFactory(number=48, code="48", published=True)
    RsvpSettings.objects.create(edition=edition, enabled=True, capacity=10)
    DeckSettings.objects.create(edition=edition, show_attendance=True)
    ada = services.rsvp(edition, name="Ada Lovelace", email="ada@example.org", base_url=live_server.url + "/")
    page = open_page()
    page.clock.install()
    page.goto(f"{live_server.url}/meetups/48/deck/")
    checked_in = page.locator("[data-attendance-url] [data-figure=checked_in]")
    expect(checked_in).to_have_text("0")
    door.check_in(edition.pk, ada, method=CheckIn.Method.DESK)
    page.clock.run_for(31_000)  # the deck reloads the figures every 30 seconds
    expect(checked_in).to_have_text("1")
    expect(page.locator("[data-attendance-url] [data-figure=no_shows]")).to_have_text("0")
