"""A first-time speaker proposes a talk in Chromium: once without JavaScript
(the Preview button), once with the live preview."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from contributions.models import Proposal
from tests.factories import EditionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ABSTRACT = "We train **small** transformers on a laptop.\n\n- no GPU\n- one evening"


def _fill(page):
    page.get_by_role("radio", name=re.compile("^Lightning talk")).check()
    page.get_by_role("textbox", name="Title").fill("Tiny transformers on a laptop")
    page.get_by_role("textbox", name="Abstract").fill(ABSTRACT)
    page.get_by_role("textbox", name="Your name").fill("Ada Lovelace")
    page.get_by_role("textbox", name="Email address").fill("ada@example.org")
    page.get_by_role("textbox", name="Affiliation (optional)").fill("Analytical Engines GmbH")
    page.get_by_role("textbox", name="Links (optional)").fill("github.com/ada")


def test_proposal_with_the_preview_button_and_no_javascript(
    browser, live_server, settings, offsite_requests, screenshot
):
    settings.SPAM_MIN_FILL_SECONDS = 1
    EditionFactory(code="40", number=40, topic="Efficient models")
    context = offsite_requests(browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900}))
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contribute").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Speak at the meetup")
    expect(page.get_by_role("checkbox", name=re.compile("I agree"))).not_to_be_checked()
    expect(page.get_by_label("Leave this field empty")).to_be_hidden()
    expect(page.locator("#abstract-preview")).to_be_hidden()

    _fill(page)
    page.get_by_role("checkbox", name=re.compile("40th Vienna Deep Learning Meetup")).check()
    page.get_by_role("button", name="Preview").click()

    # The server rendered the Markdown, and everything typed came back.
    preview = page.locator("#abstract-preview")
    expect(preview).to_be_visible()
    expect(preview.locator("strong")).to_have_text("small")
    expect(preview.locator("li")).to_have_text(["no GPU", "one evening"])
    expect(page.get_by_role("textbox", name="Title")).to_have_value("Tiny transformers on a laptop")
    expect(page.get_by_role("radio", name=re.compile("^Lightning talk"))).to_be_checked()
    expect(page.get_by_role("checkbox", name=re.compile("40th Vienna Deep Learning Meetup"))).to_be_checked()
    assert Proposal.objects.count() == 0
    screenshot(page, "30-contribute-preview-no-js")

    page.wait_for_timeout(1100)  # a person takes at least a moment to read the preview
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.get_by_role("button", name="Send proposal").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your proposal!")
    expect(page.get_by_role("status")).to_contain_text("We sent an email to ada@example.org")
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.title, proposal.links) == (
        Proposal.Kind.LIGHTNING,
        "Tiny transformers on a laptop",
        "https://github.com/ada",
    )
    assert [edition.code for edition in proposal.preferred_editions.all()] == ["40"]

    # The emailed link opens the proposer's page, with the rendered abstract.
    link = re.search(r"http://\S+/contribute/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Status: New")).to_be_visible()
    expect(page.locator(".prose strong").first).to_have_text("small")
    screenshot(page, "32-contribute-private-page")
    assert offsite_requests.blocked == []


def test_live_preview_follows_the_typing(browser, live_server, offsite_requests, screenshot):
    context = offsite_requests(browser.new_context(viewport={"width": 390, "height": 844}))
    page = context.new_page()
    page.goto(live_server.url + "/contribute/")
    preview = page.locator("#abstract-preview")
    expect(preview).to_be_visible()
    expect(preview).to_contain_text("Nothing to preview yet")

    page.get_by_role("textbox", name="Abstract").fill("A _fresh_ idea about **sparse** attention.")
    expect(preview.locator("em")).to_have_text("fresh")
    expect(preview.locator("strong")).to_have_text("sparse")
    page.get_by_role("textbox", name="Abstract").fill("<script>document.title='owned'</script>Plain text now.")
    expect(preview).to_contain_text("Plain text now.")
    expect(page).not_to_have_title("owned")
    # Nothing was sent or reloaded: the URL is the form's and nothing is stored.
    assert page.url == live_server.url + "/contribute/"
    assert Proposal.objects.count() == 0
    screenshot(page, "31-contribute-live-preview-phone")
    assert offsite_requests.blocked == []
