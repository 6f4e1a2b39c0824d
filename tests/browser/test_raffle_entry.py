"""An entrant answers the raffle in Chromium, confirms by the emailed link, and is in the draw."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from raffles.models import RaffleEntry
from tests.factories import RaffleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_entrant_enters_the_raffle_and_confirms(browser, live_server, settings, offsite_requests, screenshot):
    settings.SPAM_MIN_FILL_SECONDS = 1
    RaffleFactory(
        title="ML Prague 2020",
        slug="ml-prague-2020",
        question="Which speaker of ML Prague 2020 is the creator of Keras?",
        accepted_answers="François Chollet\nChollet",
        closes_at=timezone.now() + datetime.timedelta(days=2, hours=3),
    )
    context = offsite_requests(browser.new_context(viewport={"width": 390, "height": 844}))
    page = context.new_page()
    page.goto(live_server.url + "/raffles/ml-prague-2020/")
    expect(page.get_by_role("heading", level=1)).to_have_text("ML Prague 2020")
    # The live hint counts down in the browser (it shows seconds only under an hour,
    # so here days and hours).
    expect(page.locator(".countdown")).to_have_text(re.compile(r"closes in 2 days, (2|3) hours"))

    page.get_by_role("textbox", name="Email address").fill("ada@example.org")
    page.get_by_label("Name (optional)").fill("Ada")
    page.get_by_role("textbox", name="Your answer").fill("francois chollet")
    expect(page.get_by_role("checkbox", name=re.compile("I agree"))).not_to_be_checked()
    # The honeypot is invisible to people.
    expect(page.get_by_label("Leave this field empty")).to_be_hidden()
    page.wait_for_timeout(1100)  # a person takes at least a moment to type
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    screenshot(page, "20-raffle-form-filled")
    page.get_by_role("button", name="Enter the raffle").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for entering!")
    expect(page.get_by_role("status")).to_contain_text("we sent an email to ada@example.org")
    screenshot(page, "21-raffle-entered")

    link = re.search(r"http://\S+/confirm/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm my entry").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you, your entry is confirmed.")
    screenshot(page, "22-raffle-confirmed")

    entry = RaffleEntry.objects.get()
    assert (entry.email, entry.is_correct, entry.is_confirmed) == ("ada@example.org", True, True)
    assert offsite_requests.blocked == []
